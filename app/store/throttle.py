"""A growing delay after repeated wrong passwords, kept in a file beside the database
so that restarting the program does not reset it.

The first three mistakes cost nothing (typos happen); after that each further attempt
must wait 2, 4, 8 … seconds, at most five minutes. Argon2id already makes every guess
cost half a second; this stops a script from trying all night.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from pathlib import Path

from app.errors import WrongPasswordError
from app.paths import attempts_path

FREE_ATTEMPTS = 3
MAX_DELAY_S = 300


def _load(db_path: Path) -> dict[str, dict[str, float]]:
    try:
        data = json.loads(attempts_path(db_path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save(db_path: Path, data: dict[str, dict[str, float]]) -> None:
    # A read-only folder must not stop a correct login; the delay is best effort.
    with contextlib.suppress(OSError):
        attempts_path(db_path).write_text(json.dumps(data), encoding="utf-8")


def failures(db_path: Path, who: str) -> int:
    return int(_load(db_path).get(who, {}).get("failures", 0))


def required_wait(db_path: Path, who: str, now: float | None = None) -> int:
    """Seconds `who` must still wait before the next attempt (0 = may try now)."""
    entry = _load(db_path).get(who)
    if not entry:
        return 0
    failures = int(entry.get("failures", 0))
    if failures < FREE_ATTEMPTS:
        return 0
    delay = min(2 ** (failures - FREE_ATTEMPTS + 1), MAX_DELAY_S)
    remaining = entry.get("last", 0.0) + delay - (now if now is not None else time.time())
    return max(0, math.ceil(remaining))


def check(db_path: Path, who: str) -> None:
    wait = required_wait(db_path, who)
    if wait:
        raise WrongPasswordError(f"密码错误次数过多，请 {wait} 秒后再试。")


def record_failure(db_path: Path, who: str) -> None:
    data = _load(db_path)
    entry = data.setdefault(who, {"failures": 0, "last": 0.0})
    entry["failures"] = int(entry.get("failures", 0)) + 1
    entry["last"] = time.time()
    _save(db_path, data)


def record_success(db_path: Path, who: str) -> None:
    data = _load(db_path)
    if data.pop(who, None) is not None:
        _save(db_path, data)
