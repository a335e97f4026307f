"""The byte layout of a sealed file (docs/SEALED_FORMAT.md is the normative text).

    offset  size  field
    0       8     magic 89 51 58 53 45 41 4C 0A  ("\\x89QXSEAL\\n")
    8       2     format version (1)
    10      2     HPKE kem_id     12  2  kdf_id     14  2  aead_id
    16      32    recipient key id = SHA-256(district public key)
    48      4     M = manifest length
    52      4     E = encapsulated key length (must equal the KEM's Nenc)
    56      8     C = ciphertext length
    64      M     manifest (canonical JSON, UTF-8)
    64+M    E     enc (HPKE encapsulated key)
    ..      C     ct  (HPKE ciphertext of the payload, tag included)
    ..      64    Ed25519 signature

All integers are unsigned big-endian. The signature covers every byte before it; the HPKE
`info` binds the header and manifest (and spells out school code and period) into the
ciphertext. The 0x89 byte and the final newline of the magic catch a file mangled by a
7-bit or text-mode copy, as PNG's do.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from app.seal.errors import (
    NotSealedError,
    SignatureError,
    TruncatedError,
    UnsupportedFormatError,
)
from app.seal.suites import AEAD_ID, AEAD_TAG_LEN, KDF_ID, Kem, kem_by_id

MAGIC = b"\x89QXSEAL\n"
FORMAT_VERSION = 1
HEADER_LEN = 64
SIGNATURE_LEN = 64
MAX_MANIFEST_LEN = 1 << 20
SIGNATURE_CONTEXT = b"QXSEAL-v1 signature\x00"
INFO_CONTEXT = b"QXSEAL-v1 hpke info\x00"

_FIXED = struct.Struct(">8sHHHH32sIIQ")
assert _FIXED.size == HEADER_LEN


@dataclass(frozen=True)
class Layout:
    """Where each part of a sealed file lies; offsets into the file's bytes."""

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
    """Read the fixed header. Says "not sealed", "unknown version/suite" or "truncated";
    lengths that cannot be right for any signed file are reported as tampering."""
    if len(data) < len(MAGIC) or bytes(data[:len(MAGIC)]) != MAGIC:
        raise NotSealedError(f"magic={bytes(data[:8]).hex()}")
    if len(data) < HEADER_LEN:
        raise TruncatedError(HEADER_LEN + SIGNATURE_LEN, len(data))
    (_, version, kem_id, kdf_id, aead_id, key_id, manifest_len, enc_len,
     ct_len) = _FIXED.unpack_from(data)
    if version != FORMAT_VERSION:
        raise UnsupportedFormatError(
            f"密封文件的格式版本为 {version}，本程序只认识版本 {FORMAT_VERSION}，"
            "请升级青心后再打开。",
            f"version={version}")
    kem = kem_by_id(kem_id)
    if kem is None or kdf_id != KDF_ID or aead_id != AEAD_ID:
        raise UnsupportedFormatError(
            f"密封文件使用了本程序不支持的算法组合（KEM 0x{kem_id:04X}、KDF 0x{kdf_id:04X}、"
            f"AEAD 0x{aead_id:04X}），请升级青心后再打开。",
            f"suite={kem_id:#06x}/{kdf_id:#06x}/{aead_id:#06x}")
    if (enc_len != kem.enc_len or manifest_len == 0 or manifest_len > MAX_MANIFEST_LEN
            or ct_len < AEAD_TAG_LEN):
        raise SignatureError(detail=f"header lengths M={manifest_len} E={enc_len} C={ct_len}")
    layout = Layout(kem, key_id, manifest_len, enc_len, ct_len)
    if len(data) < layout.total_len:
        raise TruncatedError(layout.total_len, len(data))
    return layout


def signed_digest(*parts: bytes | memoryview) -> bytes:
    """What Ed25519 signs: a context string and SHA-512 of every byte before the signature.
    Hashing first lets a reader verify a large file in one pass (or streaming), and the
    context keeps a school key's signature from meaning anything in another protocol."""
    h = hashlib.sha512()
    for part in parts:
        h.update(part)
    return SIGNATURE_CONTEXT + h.digest()


def hpke_info(school_code: str, period: str, header_and_manifest: bytes | memoryview) -> bytes:
    """RFC 9180 `info`: binds the ciphertext to this header and manifest, and so to this
    school and period — a ciphertext moved under another header does not decrypt."""
    code, term = school_code.encode("utf-8"), period.encode("utf-8")
    return (INFO_CONTEXT + bytes([len(code)]) + code + bytes([len(term)]) + term
            + hashlib.sha256(header_and_manifest).digest())


def pack_payload(manifest: bytes, file_bytes: list[bytes]) -> bytes:
    """The plaintext: u32 M, the manifest again, then each file's bytes in manifest order."""
    return b"".join([struct.pack(">I", len(manifest)), manifest, *file_bytes])


def split_payload(payload: bytes, sizes: list[int]) -> tuple[bytes, list[bytes]] | None:
    """The inner manifest and the files, or None if the payload is not shaped as declared."""
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


def payload_len(manifest_len: int, sizes: list[int]) -> int:
    return 4 + manifest_len + sum(sizes)
