"""The byte layout of a sealed file (docs/SEALED_FORMAT.md is the normative text).

    offset  size  field
    0       8     magic 89 51 58 53 45 41 4C 0A  ("\\x89QXSEAL\\n")
    8       2     format version (2; version 1 is still read)
    10      2     HPKE kem_id     12  2  kdf_id     14  2  aead_id
    16      32    recipient key id = SHA-256(district public key)
    48      4     M = manifest length
    52      4     E = encapsulated key length (must equal the KEM's Nenc)
    56      8     C = ciphertext length
    64      M     manifest (canonical JSON, UTF-8)
    64+M    E     enc (HPKE encapsulated key)
    ..      C     ct  (HPKE ciphertext of the payload, tag included)
    ..      64    Ed25519 signature

All integers are unsigned big-endian. Every length is checked against its bound before
any sum is formed, and with the bounds the whole file is under 2^31 bytes, so no reader's
arithmetic can overflow. The signature covers every byte before it; the HPKE `info` binds
the header and manifest (and spells out school code and period) into the ciphertext.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from app.seal.errors import (
    HeaderDamagedError,
    NotSealedError,
    TruncatedError,
    UnsupportedFormatError,
)
from app.seal.suites import AEAD_ID, AEAD_TAG_LEN, KDF_ID, Kem, kem_by_id

MAGIC = b"\x89QXSEAL\n"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
HEADER_LEN = 64
SIGNATURE_LEN = 64
MAX_MANIFEST_LEN = 1 << 20
MAX_CT_LEN = 1 << 30
"""C ≤ 1 GiB: 64 + M + E + C + 64 then stays below 2^31 in any integer type."""
MAX_FILE_LEN = HEADER_LEN + MAX_MANIFEST_LEN + 1120 + MAX_CT_LEN + 64
"""The longest file any header can describe (1120 = the largest Nenc, 64 = the signature)."""
MIN_PAD = 256
"""The payload is padded to a multiple of max(256, 2^(bitlen − 4)) bytes (`padded_len`)."""

_FIXED = struct.Struct(">8sHHHH32sIIQ")
assert _FIXED.size == HEADER_LEN


def signature_context(version: int) -> bytes:
    return f"QXSEAL-v{version} signature".encode("ascii") + b"\x00"


def info_context(version: int) -> bytes:
    return f"QXSEAL-v{version} hpke info".encode("ascii") + b"\x00"


@dataclass(frozen=True)
class Layout:
    """Where each part of a sealed file lies; offsets into the file's bytes."""

    version: int
    kem: Kem
    recipient_key_id: bytes
    manifest_len: int
    enc_len: int
    ct_len: int

    @property
    def manifest_start(self) -> int:
        return HEADER_LEN

    @property
    def enc_start(self) -> int:
        return HEADER_LEN + self.manifest_len

    @property
    def ct_start(self) -> int:
        return self.enc_start + self.enc_len

    @property
    def signature_start(self) -> int:
        return self.ct_start + self.ct_len

    @property
    def total_len(self) -> int:
        return self.signature_start + SIGNATURE_LEN


def pack_header(kem: Kem, recipient_key_id: bytes, manifest_len: int, ct_len: int) -> bytes:
    return _FIXED.pack(MAGIC, FORMAT_VERSION, kem.kem_id, KDF_ID, AEAD_ID, recipient_key_id,
                       manifest_len, kem.enc_len, ct_len)


def parse_layout(data: bytes | memoryview) -> Layout:
    """Read the fixed header. Says "not sealed", "unknown version/suite", "header damaged"
    (a length no signed file can have) or "truncated"."""
    if len(data) < len(MAGIC) or bytes(data[:len(MAGIC)]) != MAGIC:
        raise NotSealedError(f"magic={bytes(data[:8]).hex()}")
    if len(data) < HEADER_LEN:
        raise TruncatedError(HEADER_LEN + SIGNATURE_LEN, len(data))
    (_, version, kem_id, kdf_id, aead_id, key_id, manifest_len, enc_len,
     ct_len) = _FIXED.unpack_from(data)
    if version not in READABLE_VERSIONS:
        raise UnsupportedFormatError(
            f"密封文件的格式版本为 {version}，本程序只认识版本 "
            f"{'、'.join(map(str, READABLE_VERSIONS))}，请升级青心后再打开。",
            f"version={version}")
    kem = kem_by_id(kem_id)
    if kem is None or kdf_id != KDF_ID or aead_id != AEAD_ID:
        raise UnsupportedFormatError(
            f"密封文件使用了本程序不支持的算法组合（KEM 0x{kem_id:04X}、KDF 0x{kdf_id:04X}、"
            f"AEAD 0x{aead_id:04X}），请升级青心后再打开。",
            f"suite={kem_id:#06x}/{kdf_id:#06x}/{aead_id:#06x}")
    if (enc_len != kem.enc_len or not 1 <= manifest_len <= MAX_MANIFEST_LEN
            or not AEAD_TAG_LEN <= ct_len <= MAX_CT_LEN):
        raise HeaderDamagedError(f"header lengths M={manifest_len} E={enc_len} C={ct_len}")
    layout = Layout(version, kem, key_id, manifest_len, enc_len, ct_len)
    if len(data) < layout.total_len:
        raise TruncatedError(layout.total_len, len(data))
    return layout


def signed_digest(version: int, *parts: bytes | memoryview) -> bytes:
    """What Ed25519 signs: a context string and SHA-512 of every byte before the signature.
    Hashing first lets a reader verify a large file in one pass (or streaming), and the
    context keeps a school key's signature from meaning anything in another protocol."""
    h = hashlib.sha512()
    for part in parts:
        h.update(part)
    return signature_context(version) + h.digest()


def hpke_info(version: int, school_code: str, period: str,
              header_and_manifest: bytes | memoryview) -> bytes:
    """RFC 9180 `info`: binds the ciphertext to this header and manifest, and so to this
    school, period and sequence — a ciphertext moved under another header does not open."""
    code, term = school_code.encode("utf-8"), period.encode("utf-8")
    return (info_context(version) + bytes([len(code)]) + code + bytes([len(term)]) + term
            + hashlib.sha256(header_and_manifest).digest())


def padded_len(length: int) -> int:
    """`length` rounded up to a multiple of max(256, 2^(bitlen(length) − 4)): at most 1/8
    more bytes, and the size an outsider sees moves only in steps of 1/16 to 1/8 of it —
    the few bytes a different count makes in a statistics file do not show."""
    step = max(MIN_PAD, 1 << max(0, length.bit_length() - 4))
    return -(-length // step) * step


def pack_payload(contents: bytes, file_bytes: list[bytes]) -> bytes:
    """Version 2's plaintext: u32 N, the contents (names, sizes, hashes), each file's bytes
    in the contents' order, then zero bytes up to `padded_len`."""
    body = b"".join([struct.pack(">I", len(contents)), contents, *file_bytes])
    return body + bytes(padded_len(len(body)) - len(body))


def split_payload_v2(payload: bytes) -> tuple[bytes, int] | None:
    """The contents and where the files start, or None if N does not fit."""
    if len(payload) < 4:
        return None
    (n,) = struct.unpack_from(">I", payload)
    if n > MAX_MANIFEST_LEN or 4 + n > len(payload):
        return None
    return payload[4:4 + n], 4 + n


def split_payload_v1(payload: bytes, sizes: list[int]) -> tuple[bytes, list[bytes]] | None:
    """Version 1's plaintext: u32 M, the manifest again, then the files, no padding."""
    if len(payload) < 4:
        return None
    (m_len,) = struct.unpack_from(">I", payload)
    pos = 4 + m_len
    if len(payload) != pos + sum(sizes):
        return None
    files = []
    for size in sizes:
        files.append(payload[pos:pos + size])
        pos += size
    return payload[4:4 + m_len], files
