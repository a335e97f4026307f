"""`python -m app` is the same as the `qingxin` command."""

from app.cli import main

raise SystemExit(main())
