"""docs/SEALED_FORMAT.md, implemented a second time from the text alone, and its vectors.

This reader uses no app.seal code: only struct, hashlib, hmac, json and cryptography's
primitives (X25519, ML-KEM-768, AES-GCM, Ed25519), following the document step by step,
including RFC 9180's key schedule written out by hand. If it opens what `seal` wrote, the
district's own platform can too. The known-answer vectors are read out of the document
itself (appendix A), so the printed bytes cannot drift from what the code and
cryptography's own HPKE compute.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.seal import DistrictPrivateKey, open_sealed, seal
from app.seal.keys import fingerprint

DATA = Path(__file__).parent / "data"
DOC = Path(__file__).parents[2] / "docs" / "SEALED_FORMAT.md"

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


def _key_schedule(kem_id: int, shared: bytes, info: bytes) -> tuple[bytes, bytes]:
    """RFC 9180 §5.1 base mode, KDF 0x0001, AEAD 0x0002: (key, base_nonce)."""
    suite_id = b"HPKE" + struct.pack(">HHH", kem_id, 0x0001, 0x0002)
    psk_id_hash = _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite_id, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    prk = _labeled_extract(suite_id, shared, b"secret", b"")
    return (_labeled_expand(suite_id, prk, b"key", context, 32),
            _labeled_expand(suite_id, prk, b"base_nonce", context, 12))


def _hpke_open(kem_id: int, enc: bytes, ct: bytes, secret: bytes, info: bytes) -> bytes:
    """One message (sequence 0), aad empty."""
    key, base_nonce = _key_schedule(kem_id, _shared_secret(kem_id, enc, secret), info)
    return AESGCM(key).decrypt(base_nonce, ct, b"")


def _padded(n: int) -> int:
    step = max(256, 1 << max(0, n.bit_length() - 4))
    return -(-n // step) * step


def _read_as_documented(data: bytes, school_public_raw: bytes, district_secret: bytes):
    magic, version, kem_id, kdf_id, aead_id, key_id, m, e, c = struct.unpack_from(
        ">8sHHHH32sIIQ", data)
    assert (magic, kdf_id, aead_id) == (b"\x89QXSEAL\n", 0x0001, 0x0002)
    assert version in (1, 2)
    assert e == NENC[kem_id] and 1 <= m <= 1 << 20 and 16 <= c <= 1 << 30
    assert len(data) == 64 + m + e + c + 64
    manifest_bytes = data[64:64 + m]
    enc, ct = data[64 + m:64 + m + e], data[64 + m + e:64 + m + e + c]
    signature = data[64 + m + e + c:]

    context = f"QXSEAL-v{version} ".encode()
    to_sign = context + b"signature\x00" + hashlib.sha512(data[:-64]).digest()
    Ed25519PublicKey.from_public_bytes(school_public_raw).verify(signature, to_sign)

    manifest = json.loads(manifest_bytes)
    assert json.dumps(manifest, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode() == manifest_bytes
    code, period = manifest["school_code"].encode(), manifest["period"].encode()
    info = (context + b"hpke info\x00" + bytes([len(code)]) + code + bytes([len(period)])
            + period + hashlib.sha256(data[:64 + m]).digest())
    payload = _hpke_open(kem_id, enc, ct, district_secret, info)

    (inner_len,) = struct.unpack_from(">I", payload)
    inner = payload[4:4 + inner_len]
    if version == 1:
        assert inner == manifest_bytes
        listing = manifest
    else:
        listing = json.loads(inner)
        assert set(listing) == {"app_version", "created", "files", "school_name"}
    files, pos = {}, 4 + inner_len
    for entry in listing["files"]:
        content = payload[pos:pos + entry["size"]]
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        files[entry["name"]] = content
        pos += entry["size"]
    if version == 1:
        assert pos == len(payload)
    else:
        assert len(payload) == _padded(pos) and not any(payload[pos:])
    return key_id, manifest, listing, files


def test_an_independent_reader_opens_a_sealed_file(district_key: DistrictPrivateKey,
                                                   school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    school_raw = school_key.public_key().public_bytes_raw()
    key_id, manifest, listing, opened = _read_as_documented(data, school_raw,
                                                            district_key.secret)
    assert opened == files
    assert key_id == hashlib.sha256(district_key.public_key().raw).digest()
    assert manifest["suite"]["kem_id"] == {"x25519": 0x0020, "mlkem768x25519": 0x647A}[
        district_key.kem]
    assert manifest["school_key_fingerprint"] == fingerprint(school_raw)
    assert set(manifest) == {"district_key_fingerprint", "format", "format_version", "period",
                             "school_code", "school_key_fingerprint", "sequence", "suite"}
    assert listing["school_name"] == meta.school_name


@pytest.mark.parametrize("kem", ["x25519", "mlkem768x25519"])
def test_the_independent_reader_opens_version_1_files(kem):
    data = (DATA / f"v1_{kem}.qxseal").read_bytes()
    secret = hashlib.sha256(f"qingxin v1 fixture district {kem}".encode()).digest()
    school = hashlib.sha256(b"qingxin v1 fixture school").digest()
    school_raw = Ed25519PrivateKey.from_private_bytes(school).public_key().public_bytes_raw()
    _, manifest, _, files = _read_as_documented(data, school_raw, secret)
    assert manifest["format_version"] == 1 and len(files) == 2


# --- the test vectors printed in docs/SEALED_FORMAT.md, appendix A ---------------------

def _doc_vectors() -> dict[str, dict[str, str]]:
    """Every ```vector NAME block of the spec, as {NAME: {field: value}}; a value may go
    on over indented lines (hex is wrapped)."""
    text = DOC.read_text(encoding="utf-8")
    vectors: dict[str, dict[str, str]] = {}
    for name, body in re.findall(r"```vector (\S+)\n(.*?)```", text, re.S):
        fields: dict[str, str] = {}
        key = ""
        for line in body.splitlines():
            if line.startswith(" ") and key:
                fields[key] += line.strip()
            elif line.strip():
                key, _, value = line.partition("=")
                key = key.strip()
                fields[key] = value.strip()
        vectors[name] = fields
    return vectors


@pytest.mark.parametrize("name, kem", [("kem-x25519", hpke.KEM.X25519),
                                       ("kem-mlkem768x25519", hpke.KEM.MLKEM768_X25519)])
def test_kem_vectors_open_with_cryptographys_own_hpke(name, kem):
    v = {k: bytes.fromhex(x) for k, x in _doc_vectors()[name].items()}
    kem_id = int.from_bytes(v["kem_id"], "big")
    key = DistrictPrivateKey("x25519" if kem_id == 0x0020 else "mlkem768x25519", v["skR"])
    public = key.public_key().raw
    assert v.get("pkR", public) == public
    assert hashlib.sha256(public).digest() == v.get("sha256(pkR)", hashlib.sha256(public).digest())
    suite = hpke.Suite(kem, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
    assert suite.decrypt(v["enc"] + v["ct"], key.hpke_key(), v["info"]) == v["pt"]
    shared = _shared_secret(kem_id, v["enc"], v["skR"])
    assert shared == v["shared_secret"]
    assert _key_schedule(kem_id, shared, v["info"]) == (v["key"], v["base_nonce"])


def test_the_whole_file_vector_opens_as_printed():
    v = _doc_vectors()["file-x25519"]
    data = bytes.fromhex(v["file"])
    assert hashlib.sha256(data).hexdigest() == v["sha256(file)"]
    district = DistrictPrivateKey("x25519", bytes.fromhex(v["district_secret"]))
    school = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(v["school_seed"]))
    school_raw = school.public_key().public_bytes_raw()
    assert school_raw.hex() == v["school_public"]
    _, manifest, listing, files = _read_as_documented(data, school_raw, district.secret)
    expected = {v["name"]: bytes.fromhex(v["content"])}
    assert files == expected
    suite = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
    m = int.from_bytes(data[48:52], "big")
    info = (b"QXSEAL-v2 hpke info\x00" + bytes([len(manifest["school_code"])])
            + manifest["school_code"].encode() + bytes([len(manifest["period"])])
            + manifest["period"].encode() + hashlib.sha256(data[:64 + m]).digest())
    assert info.hex() == v["info"]
    payload = suite.decrypt(data[64 + m:-64], district.hpke_key(), info)
    assert payload.hex() == v["payload"]
    opened = open_sealed(data, district, school.public_key(), expected_period=manifest["period"])
    assert opened.files == expected and opened.contents.created == listing["created"]


def test_hybrid_keys_are_x_wing_keys():
    """draft-connolly-cfrg-xwing-kem-10, appendix C, first vector: the seed gives the
    published encapsulation key (first 36 and last 28 of its 1,216 bytes shown)."""
    seed = bytes.fromhex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26")
    public = DistrictPrivateKey("mlkem768x25519", seed).public_key().raw
    assert len(public) == 1216
    assert public[:36].hex() == ("e2236b35a8c24b39b10aa1323a96a919a2ced88400633a7b07131713fc14"
                                 "b2b5b19cfc3d")
    assert public[-28:].hex() == "eff389b27dce59844570216223593d4ba32d9abac8cd049040ef6534"
