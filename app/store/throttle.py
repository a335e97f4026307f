"""A growing delay after repeated wrong passwords, kept in a file beside the database
so that restarting the program does not reset it.

The first three mistakes cost nothing (typos happen); after that each further attempt
must wait 2, 4, 8 … seconds, at most five minutes. Argon2id already makes every guess
cost half a second; this stops a script from trying all night.

Parallel guesses (many processes at once) must not each find the counter below the
limit: `begin_attempt` checks the wait and counts the attempt as failed in one step,
under an OS lock on the counter file, before the slow key derivation; a correct
password then clears the count (`record_success`).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from app.errors import WrongPasswordError
from app.paths import attempts_path
from app.store.instance_lock import release_lock, wait_for_lock

FREE_ATTEMPTS = 3
FIRST_DELAY_S = 2
MAX_DELAY_S = 300


@contextmanager
def _counters(db_path: Path) -> Iterator[dict[str, dict[str, float]]]:
    """The counters, read and written back under a lock held across processes. A
    folder where the file cannot be made (read-only) gives an unsaved empty table: the
    delay is best effort and must not stop a correct login."""
    try:
        fd = os.open(attempts_path(db_path), os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0),
                     0o600)
    except OSError:
        yield {}
        return
    try:
        wait_for_lock(fd)
        try:
            data = _parse(_read_all(fd))
            before = json.dumps(data)
            yield data
            text = json.dumps(data)
            if text != before:
                with suppress(OSError):  # a full disk: the delay is best effort
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.ftruncate(fd, 0)
                    os.write(fd, text.encode("utf-8"))
        finally:
            release_lock(fd)
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(raw: bytes) -> dict[str, dict[str, float]]:
    try:
        data = json.loads(raw.decode("utf-8") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _load(db_path: Path) -> dict[str, dict[str, float]]:
    with _counters(db_path) as data:
        return dict(data)


def begin_attempt(db_path: Path, who: str) -> int:
    """Refuse while `who` must wait; else count this attempt as a failure (cleared by
    `record_success`) and return how many failures came before it."""
    with _counters(db_path) as data:
        wait = required_wait(db_path, who, data=data)
        if wait:
            raise WrongPasswordError(f"密码错误次数过多，请 {wait} 秒后再试。")
        entry = data.setdefault(who, {"failures": 0, "last": 0.0})
        before = int(entry.get("failures", 0))
        entry["failures"] = before + 1
        entry["last"] = time.time()
        return before


def failures(db_path: Path, who: str) -> int:
    return int(_load(db_path).get(who, {}).get("failures", 0))


def required_wait(db_path: Path, who: str, now: float | None = None,
                  data: dict[str, dict[str, float]] | None = None) -> int:
    """Seconds `who` must still wait before the next attempt (0 = may try now)."""
    entry = (data if data is not None else _load(db_path)).get(who)
    if not entry:
        return 0
    failures = int(entry.get("failures", 0))
    if failures < FREE_ATTEMPTS:
        return 0
    delay = min(FIRST_DELAY_S * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)
    remaining = entry.get("last", 0.0) + delay - (now if now is not None else time.time())
    return max(0, math.ceil(remaining))


def record_success(db_path: Path, who: str) -> None:
    with _counters(db_path) as data:
        data.pop(who, None)
