"""Every Argon2id derivation in the program goes through `derive`, one at a time.

Two derivations at once (cryptography 50 over OpenSSL 4, 4 lanes each, 2 CPUs) were seen
to sit at 0 % CPU for ten minutes or to fail with MemoryError; one at a time, each takes
its half second. They meet easily in the GUI: a login and a recovery submitted
together, the kiosk's exit prompt answered twice, a password change beside a new
account. A derivation is short and the second caller waits no longer than it would
have shared the CPUs anyway, so a process-wide lock costs nothing and removes the hang.
Here, in app/seal (standard library and cryptography only), because both the store's
key slots and the sealing key files derive, and the seal may import nothing else.
"""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

_one_at_a_time = threading.Lock()


def derive(secret: bytes, salt: bytes, *, memory_kib: int, iterations: int, lanes: int,
           length: int = 32) -> bytes:
    with _one_at_a_time:
        return Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes,
                        memory_cost=memory_kib).derive(secret)
