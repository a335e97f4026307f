"""Constants and byte surgery shared by the sealed-export tests."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.seal.layout import parse_layout, signed_digest

KEMS = ["x25519", "mlkem768x25519"]
PERIOD = "2026-2027-1"
SCHOOL_CODE = "4131011234"
CREATED = datetime(2027, 1, 15, 8, 30, tzinfo=UTC)


def flip(data: bytes, pos: int, bit: int = 0) -> bytes:
    out = bytearray(data)
    out[pos] ^= 1 << bit
    return bytes(out)


def resign(data: bytes, school_key: Ed25519PrivateKey) -> bytes:
    """What a holder of the school's key could do after editing: sign the edited bytes."""
    layout = parse_layout(data)
    end = layout.signature_start
    return data[:end] + school_key.sign(signed_digest(layout.version, data[:end]))
