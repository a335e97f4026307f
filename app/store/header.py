"""What the key file says in clear before anything is unlocked: the school's name.

The login window names the school (issue 20), but the name is inside the encrypted
database, and the deployment file need not give it. So the key file (keyslots.py)
carries it beside the slots: written at setup and, whenever the database's name
differs from it, at the next sign-in (app/services/accounts/auth.py). It is the only
plain text there besides usernames — never anything about a student. It is not
authenticated: a changed name misleads only the banner, never a key.

This module reads it with nothing but json, so the login window pays no crypto import
for it (docs/PERFORMANCE.md, "Start-up").
"""

from __future__ import annotations

import json
from pathlib import Path

FORMAT = "qingxin-keyslots"
SCHOOL_LIMIT = 100
"""As [school].name in deploy.toml: longer is not a school's name."""


def school_on_key_file(path: Path) -> str:
    """The school's name the key file at `path` carries; "" when it has none, or the
    file is missing or unreadable (the login then shows no name; unlocking will say
    what is wrong with the file)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return ""
    name = raw.get("school")
    return name.strip()[:SCHOOL_LIMIT] if isinstance(name, str) else ""
