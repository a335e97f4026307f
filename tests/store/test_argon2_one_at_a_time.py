"""Every Argon2id derivation goes through one lock (issue 21, finding 2): two threads
deriving at once with four lanes each hung for ever or failed with MemoryError."""

from __future__ import annotations

import threading
import time

import pytest

from app.seal import argon2, keyfile
from app.store import keyslots

TIMEOUT_S = 60
KDF = keyslots.KdfParams(memory_kib=32 * 1024, iterations=2, lanes=4)


def run_together(*calls) -> list[object]:
    """Start every call on its own thread at the same moment; all must end in time."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def worker(i: int) -> None:
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
               for i in range(len(calls))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + TIMEOUT_S
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "a derivation did not finish in time"
    return results


def test_two_unlocks_at_once_both_finish_with_the_right_key():
    db_key = keyslots.new_database_key()
    file = keyslots.new_slot_file()
    slot = keyslots.make_slot(file.db_id, {keyslots.DATABASE: db_key}, "pw-one", "password",
                              "admin", kdf=KDF)
    file.slots.append(slot)
    results = run_together(lambda: keyslots.open_slot(file, slot, "pw-one"),
                           lambda: keyslots.open_slot(file, slot, "pw-one"))
    assert results == [db_key, db_key]


@pytest.fixture
def overlap(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The most derivations seen running at the same time."""
    real = argon2.Argon2id
    state = {"now": 0}
    most = [0]
    guard = threading.Lock()

    class Counting:
        def __init__(self, **kwargs) -> None:
            self._kdf = real(**kwargs)

        def derive(self, secret: bytes) -> bytes:
            with guard:
                state["now"] += 1
                most[0] = max(most[0], state["now"])
            try:
                time.sleep(0.05)  # widen the window in which two could meet
                return self._kdf.derive(secret)
            finally:
                with guard:
                    state["now"] -= 1

    monkeypatch.setattr(argon2, "Argon2id", Counting)
    return most


def test_key_slots_and_key_files_never_derive_at_the_same_time(overlap, tmp_path):
    light = keyslots.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=4)
    file = keyslots.new_slot_file()
    keys = {keyslots.DATABASE: keyslots.new_database_key()}
    calls = [lambda: keyslots.make_slot(file.db_id, keys, "pw", "password", "a", kdf=light)
             for _ in range(3)]
    calls.append(lambda: keyfile._derive("口令", b"s" * 16,
                                         keyfile.KdfParams(8 * 1024, 1, 4)))
    run_together(*calls)
    assert overlap == [1]
