"""Every Argon2id derivation in the program goes through `derive`, one at a time.

Two derivations at once (cryptography 50 over OpenSSL 4, 4 lanes each, 2 CPUs) were seen
to sit at 0 % CPU for ten minutes or to fail with MemoryError; one at a time, each takes
its half second. They meet easily in the GUI: a login and a recovery submitted
together, the kiosk's exit prompt answered twice, a password change beside a new
account. A derivation is short and the second caller waits no longer than it would
have shared the CPUs anyway, so a process-wide lock costs nothing and removes the hang.
Here, in app/seal (standard library and cryptography only), because both the store's
key slots and the sealing key files derive, and the seal may import nothing else.

`KdfParams` is the cost both of them store beside what they wrap, so a later release can
raise it and still open what an earlier one wrote.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

_one_at_a_time = threading.Lock()


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. 128 MiB, 4 passes, 4 lanes ≈ 0.45 s on the reference machine."""

    memory_kib: int = 128 * 1024
    iterations: int = 4
    lanes: int = 4


def derive(secret: bytes, salt: bytes, kdf: KdfParams, length: int = 32) -> bytes:
    with _one_at_a_time:
        return Argon2id(salt=salt, length=length, iterations=kdf.iterations, lanes=kdf.lanes,
                        memory_cost=kdf.memory_kib).derive(secret)
