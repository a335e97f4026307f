"""The two HPKE suites a sealed file may use, with their RFC 9180 registry numbers.

Only the KEM varies: HKDF-SHA256 and AES-256-GCM are fixed, so a district reader has two
suites to implement, not a matrix. The identifiers are the ones written into the file
header, so they must never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cryptography.hazmat.primitives import hpke

KemName = Literal["x25519", "mlkem768x25519"]

KDF_ID = 0x0001  # HKDF-SHA256 (RFC 9180 §7.2)
AEAD_ID = 0x0002  # AES-256-GCM (RFC 9180 §7.3)
KDF_LABEL = "HKDF-SHA256"
AEAD_LABEL = "AES-256-GCM"
AEAD_TAG_LEN = 16


@dataclass(frozen=True)
class Kem:
    name: KemName
    kem_id: int
    label: str
    enc_len: int
    public_len: int
    hpke_kem: hpke.KEM

    @property
    def suite_label(self) -> str:
        return f"{self.label} + {KDF_LABEL} + {AEAD_LABEL}"


KEMS: dict[str, Kem] = {
    "x25519": Kem("x25519", 0x0020, "DHKEM(X25519, HKDF-SHA256)", 32, 32, hpke.KEM.X25519),
    # X-Wing (draft-connolly-cfrg-xwing-kem), "MLKEM768-X25519" in draft-ietf-hpke-pq.
    "mlkem768x25519": Kem("mlkem768x25519", 0x647A, "ML-KEM-768+X25519 (X-Wing)", 1120, 1216,
                          hpke.KEM.MLKEM768_X25519),
}


def kem_by_name(name: str) -> Kem | None:
    return KEMS.get(name)


def kem_by_id(kem_id: int) -> Kem | None:
    return next((k for k in KEMS.values() if k.kem_id == kem_id), None)


def hpke_suite(kem: Kem) -> hpke.Suite:
    return hpke.Suite(kem.hpke_kem, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
