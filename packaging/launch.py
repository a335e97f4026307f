"""The frozen program's entry point (build_installer.spec builds two executables from it).

- `Qingxin.exe` (windowed) opens the GUI; its arguments are the GUI's (`--db PATH` …).
- `Qingxin.com` on Windows, `qingxin-cli` on Linux (console) is the `qingxin` command
  line, for district IT: `Qingxin.com self-test --gui`, `Qingxin.com district keygen …`,
  `Qingxin.com backup …`. The GUI executable does the same when its first argument is
  `--cli`, but a windowed program on Windows has no console to print to, hence the
  companion.

Which one runs is decided by the executable's own name, so both share one bundle and
one archive of Python modules (`Qingxin.pkg`).
"""

from __future__ import annotations

import sys
from pathlib import Path

CLI_NAME = "qingxin-cli"
CLI_SUFFIX = ".com"


def is_console_executable(executable: str) -> bool:
    path = Path(executable)
    return path.suffix.lower() == CLI_SUFFIX or path.stem.lower() == CLI_NAME


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if is_console_executable(sys.executable) or args[:1] == ["--cli"]:
        if args[:1] == ["--cli"]:
            args = args[1:]
        from app.cli import main as cli_main

        return cli_main(args)
    from app.ui.app import run

    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
