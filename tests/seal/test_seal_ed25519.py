"""SEALED_FORMAT.md §4's Ed25519 rule set: the forged identity-key file of issue 16, every
small-order and non-canonical key, mixed-order keys, and signatures OpenSSL alone accepts."""

from __future__ import annotations

import base64
import hashlib
import json
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.seal import (
    DistrictRegister,
    SchoolPublicKey,
    dump_key,
    fingerprint,
    load_school_key_file,
    load_school_public_key,
    new_school_key,
    seal,
    verify,
)
from app.seal import ed25519 as strict
from app.seal.errors import SignatureError, WeakKeyError
from app.seal.layout import signed_digest
from app.seal.manifest import build, encode_contents, encode_manifest
from app.seal.package import seal_parts
from tests.seal.seal_helpers import PERIOD

SMALL_ORDER = [  # the eight torsion points, canonically encoded
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]
NON_CANONICAL = [
    "0100000000000000000000000000000000000000000000000000000000000080",  # x = 0, sign 1
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p + 1
    "0200000000000000000000000000000000000000000000000000000000000000",  # not on the curve
]
IDENTITY = bytes.fromhex(SMALL_ORDER[0])


class _Forger:
    """What issue 16's attacker does: no private key, just R = identity and S = 0."""

    def sign(self, _message: bytes) -> bytes:
        return IDENTITY + bytes(32)


def _encode(point: tuple[int, int, int, int]) -> bytes:
    x, y, z, _ = point
    inv = pow(z, strict.P - 2, strict.P)
    x, y = x * inv % strict.P, y * inv % strict.P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _key_file(raw: bytes) -> bytes:
    return json.dumps({"type": "qingxin-school-public-key", "version": 1,
                       "algorithm": "ed25519", "school_code": "4131011234",
                       "public_key": base64.b64encode(raw).decode()}).encode()


def _forged_file(district_key, meta, files) -> bytes:
    public = district_key.public_key()
    manifest, contents = build(files, meta, district_key.kem, public.fingerprint,
                               fingerprint(IDENTITY))
    return seal_parts(encode_manifest(manifest), manifest, encode_contents(contents),
                      [files[f.name] for f in contents.files], public, _Forger())


def test_the_forged_identity_key_file_is_refused_everywhere(district_key, meta, files,
                                                            tmp_path):
    data = _forged_file(district_key, meta, files)
    identity = Ed25519PublicKey.from_public_bytes(IDENTITY)
    layout_end = len(data) - 64
    identity.verify(data[layout_end:], signed_digest(2, data[:layout_end]))  # OpenSSL: "valid"

    with pytest.raises(WeakKeyError, match="小阶点"):
        verify(data, identity, expected_period=PERIOD)
    with pytest.raises(WeakKeyError, match="小阶点"):
        load_school_public_key(_key_file(IDENTITY))
    register = DistrictRegister(tmp_path / "r.json")
    with pytest.raises(WeakKeyError, match="小阶点"):
        register.register_school(SchoolPublicKey(identity, "4131011234"))
    assert register.keys == []


@pytest.mark.parametrize("hex_key", SMALL_ORDER + NON_CANONICAL)
def test_small_order_and_non_canonical_keys_are_refused(hex_key):
    raw = bytes.fromhex(hex_key)
    assert strict.public_key_problem(raw) is not None
    with pytest.raises(WeakKeyError):
        load_school_key_file(_key_file(raw))


def test_a_key_with_a_torsion_part_is_refused():
    """A + T (T of order 8) is neither small-order nor canonical-failing: only the subgroup
    check catches it, and cofactored and cofactorless verifiers would disagree on it."""
    good = new_school_key().public_key().public_bytes_raw()
    point = strict._decode(good)
    torsion = strict._decode(bytes.fromhex(SMALL_ORDER[4]))
    assert point is not None and torsion is not None
    mixed = _encode(strict._add(point, torsion))
    assert strict._decode(mixed) is not None
    assert strict.public_key_problem(mixed) == "公钥不在素数阶子群中"
    assert strict.public_key_problem(good) is None


def test_the_subgroup_check_by_x25519_agrees_with_the_definition():
    """_in_prime_subgroup (one X25519 multiplication) against [L]A = identity in Python:
    on generated keys, on each of them plus every torsion point, and on random points of
    the curve (7 in 8 of which have a torsion part)."""
    torsion = [strict._decode(bytes.fromhex(h)) for h in SMALL_ORDER]
    points = [strict._decode(new_school_key().public_key().public_bytes_raw())
              for _ in range(6)]
    points += [strict._add(p, t) for p in points for t in torsion[1:]]
    rng = random.Random(19)
    while len(points) < 120:
        candidate = strict._decode(rng.getrandbits(255).to_bytes(32, "little"))
        if candidate is not None:
            points.append(candidate)
    seen = set()
    for point in points:
        assert point is not None
        if strict._small_order(point):
            continue
        want = strict._is_identity(strict._mul(strict.L, point))
        assert strict._in_prime_subgroup(point) is want
        again = strict._decode(_encode(point))  # the same point with z = 1
        assert again is not None and strict._in_prime_subgroup(again) is want
        seen.add(want)
    assert seen == {True, False}


def test_generated_keys_pass():
    for _ in range(20):
        assert strict.public_key_problem(
            new_school_key().public_key().public_bytes_raw()) is None


class _IdentityRSigner:
    """The key's own holder can make R = identity verify under OpenSSL: S = k·a mod L."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        digest = hashlib.sha512(key.private_bytes_raw()).digest()
        a = int.from_bytes(digest[:32], "little")
        a &= (1 << 254) - 8
        a |= 1 << 254
        self.a, self.public = a, key.public_key().public_bytes_raw()

    def sign(self, message: bytes) -> bytes:
        k = int.from_bytes(hashlib.sha512(IDENTITY + self.public + message).digest(),
                           "little") % strict.L
        return IDENTITY + (k * self.a % strict.L).to_bytes(32, "little")


def test_a_small_order_r_is_refused_though_openssl_accepts_it(district_key, school_key, meta,
                                                              files):
    signer = _IdentityRSigner(school_key)
    school_key.public_key().verify(signer.sign(b"x"), b"x")  # OpenSSL: "valid"
    public = district_key.public_key()
    manifest, contents = build(files, meta, district_key.kem, public.fingerprint,
                               fingerprint(signer.public))
    data = seal_parts(encode_manifest(manifest), manifest, encode_contents(contents),
                      [files[f.name] for f in contents.files], public, signer)
    with pytest.raises(SignatureError, match="签名无效"):
        verify(data, school_key.public_key(), expected_period=PERIOD)


def test_a_non_canonical_s_is_refused(district_key, school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    s = int.from_bytes(data[-32:], "little") + strict.L
    assert s < 2**256
    bad = data[:-32] + s.to_bytes(32, "little")
    assert strict.signature_problem(bad[-64:]) == "签名的 S 不是规范值（S ≥ L）"
    with pytest.raises(SignatureError):
        verify(bad, school_key.public_key(), expected_period=PERIOD)


def test_key_files_written_by_dump_key_load_with_their_code(school_key):
    loaded = load_school_key_file(dump_key(school_key.public_key(), school_code="X1"))
    assert loaded.school_code == "X1"
    assert loaded.fingerprint == fingerprint(school_key.public_key().public_bytes_raw())


def test_a_register_edited_to_hold_a_mixed_order_key_is_refused_when_read(tmp_path):
    """The register's keys are checked each time it is read (now by the fast subgroup
    check): a key swapped for A + T in the file is refused by name, in Chinese."""
    register = DistrictRegister.create(tmp_path / "r.json")
    good = new_school_key().public_key()
    register.register_school(SchoolPublicKey(good, "4131011234"))
    register.save()
    assert DistrictRegister.load(register.path).keys[0].public_raw == good.public_bytes_raw()
    point = strict._decode(good.public_bytes_raw())
    torsion = strict._decode(bytes.fromhex(SMALL_ORDER[6]))
    assert point is not None and torsion is not None
    mixed = _encode(strict._add(point, torsion))
    doc = json.loads(register.path.read_text(encoding="utf-8"))
    doc["schools"][0]["public_key"] = base64.b64encode(mixed).decode()
    register.path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(WeakKeyError, match="学校 4131011234 的公钥不能使用：公钥不在素数阶子群中"):
        DistrictRegister.load(register.path)
