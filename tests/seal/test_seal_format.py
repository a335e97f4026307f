"""docs/SEALED_FORMAT.md, implemented a second time from the text alone.

This reader uses no app.seal code: only struct, hashlib, hmac, json and cryptography's
primitives (X25519, ML-KEM-768, AES-GCM, Ed25519), following the document step by step,
including RFC 9180's key schedule written out by hand. If it opens what `seal` wrote, the
district's own platform can too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct

from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.seal import DistrictPrivateKey, seal
from app.seal.keys import fingerprint

NENC = {0x0020: 32, 0x647A: 1120}
XWING_LABEL = bytes.fromhex("5c2e2f2f5e5c")  # "\./" "/^\"


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or bytes(32), b"HPKE-v1" + suite_id + label + ikm,
                    hashlib.sha256).digest()


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    labeled_info = struct.pack(">H", n) + b"HPKE-v1" + suite_id + label + info
    out, block, counter = b"", b"", 1
    while len(out) < n:
        block = hmac.new(prk, block + labeled_info + bytes([counter]), hashlib.sha256).digest()
        out, counter = out + block, counter + 1
    return out[:n]


def _shared_secret(kem_id: int, enc: bytes, secret: bytes) -> bytes:
    if kem_id == 0x0020:  # DHKEM(X25519, HKDF-SHA256), RFC 9180 §4.1
        sk = x25519.X25519PrivateKey.from_private_bytes(secret)
        dh = sk.exchange(x25519.X25519PublicKey.from_public_bytes(enc))
        kem_context = enc + sk.public_key().public_bytes_raw()
        suite_id = b"KEM" + struct.pack(">H", kem_id)
        prk = _labeled_extract(suite_id, b"", b"eae_prk", dh)
        return _labeled_expand(suite_id, prk, b"shared_secret", kem_context, 32)
    # X-Wing: expand the 32-byte seed, decapsulate both halves, combine with SHA3-256.
    expanded = hashlib.shake_256(secret).digest(96)
    sk_m = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    sk_x = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
    ct_m, ct_x = enc[:1088], enc[1088:]
    ss_m = sk_m.decapsulate(ct_m)
    ss_x = sk_x.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
    pk_x = sk_x.public_key().public_bytes_raw()
    return hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()


def _hpke_open(kem_id: int, enc: bytes, ct: bytes, secret: bytes, info: bytes) -> bytes:
    """RFC 9180 §5.1 base mode, KDF 0x0001, AEAD 0x0002, one message (sequence 0)."""
    shared = _shared_secret(kem_id, enc, secret)
    suite_id = b"HPKE" + struct.pack(">HHH", kem_id, 0x0001, 0x0002)
    psk_id_hash = _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite_id, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    prk = _labeled_extract(suite_id, shared, b"secret", b"")
    key = _labeled_expand(suite_id, prk, b"key", context, 32)
    base_nonce = _labeled_expand(suite_id, prk, b"base_nonce", context, 12)
    return AESGCM(key).decrypt(base_nonce, ct, b"")


def _read_as_documented(data: bytes, school_public_raw: bytes, district_secret: bytes):
    magic, version, kem_id, kdf_id, aead_id, key_id, m, e, c = struct.unpack_from(
        ">8sHHHH32sIIQ", data)
    assert (magic, version, kdf_id, aead_id) == (b"\x89QXSEAL\n", 1, 0x0001, 0x0002)
    assert e == NENC[kem_id] and len(data) == 64 + m + e + c + 64
    manifest_bytes = data[64:64 + m]
    enc, ct = data[64 + m:64 + m + e], data[64 + m + e:64 + m + e + c]
    signature = data[64 + m + e + c:]

    to_sign = b"QXSEAL-v1 signature\x00" + hashlib.sha512(data[:-64]).digest()
    Ed25519PublicKey.from_public_bytes(school_public_raw).verify(signature, to_sign)

    manifest = json.loads(manifest_bytes)
    code, period = manifest["school_code"].encode(), manifest["period"].encode()
    info = (b"QXSEAL-v1 hpke info\x00" + bytes([len(code)]) + code + bytes([len(period)])
            + period + hashlib.sha256(data[:64 + m]).digest())
    payload = _hpke_open(kem_id, enc, ct, district_secret, info)

    (inner_len,) = struct.unpack_from(">I", payload)
    assert payload[4:4 + inner_len] == manifest_bytes
    files, pos = {}, 4 + inner_len
    for entry in manifest["files"]:
        content = payload[pos:pos + entry["size"]]
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        files[entry["name"]] = content
        pos += entry["size"]
    assert pos == len(payload)
    return key_id, manifest, files


def test_an_independent_reader_opens_a_sealed_file(district_key: DistrictPrivateKey,
                                                   school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    school_raw = school_key.public_key().public_bytes_raw()
    key_id, manifest, opened = _read_as_documented(data, school_raw, district_key.secret)

    assert opened == files
    assert key_id == hashlib.sha256(district_key.public_key().raw).digest()
    assert manifest["suite"]["kem_id"] == {"x25519": 0x0020, "mlkem768x25519": 0x647A}[
        district_key.kem]
    assert manifest["school_key_fingerprint"] == fingerprint(school_raw)
    assert json.dumps(manifest, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode() == data[64:64 + struct.unpack_from(
                          ">I", data, 48)[0]]


def test_hybrid_keys_are_x_wing_keys():
    """draft-connolly-cfrg-xwing-kem-10, appendix C, first vector: the seed gives the
    published encapsulation key (first 36 and last 28 of its 1,216 bytes shown)."""
    seed = bytes.fromhex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26")
    public = DistrictPrivateKey("mlkem768x25519", seed).public_key().raw
    assert len(public) == 1216
    assert public[:36].hex() == ("e2236b35a8c24b39b10aa1323a96a919a2ced88400633a7b07131713fc14"
                                 "b2b5b19cfc3d")
    assert public[-28:].hex() == "eff389b27dce59844570216223593d4ba32d9abac8cd049040ef6534"
