"""The district's register: school code bound to key, replay and older sequences refused,
the suites the district accepts, and version 1 files still read."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.seal import (
    DistrictPrivateKey,
    DistrictRegister,
    SchoolPublicKey,
    SealMeta,
    new_district_key,
    new_school_key,
    open_sealed,
    peek_manifest,
    seal,
    verify,
)
from app.seal.errors import RegisterError, ReplayError, SealInputError, SuiteNotAcceptedError
from tests.seal.seal_helpers import PERIOD, SCHOOL_CODE

DATA = Path(__file__).parent / "data"
V1_SCHOOL = Ed25519PrivateKey.from_private_bytes(
    hashlib.sha256(b"qingxin v1 fixture school").digest())


def _v1(kem: str) -> tuple[bytes, DistrictPrivateKey]:
    """A file written by Qingxin's format-1 sealer (before issue 16), kept as it was."""
    key = DistrictPrivateKey(kem, hashlib.sha256(f"qingxin v1 fixture district {kem}".encode())
                             .digest())
    return (DATA / f"v1_{kem}.qxseal").read_bytes(), key


@pytest.fixture
def register(tmp_path, school_key) -> DistrictRegister:
    register = DistrictRegister.create(tmp_path / "district_register.json")
    register.register_school(SchoolPublicKey(school_key.public_key(), SCHOOL_CODE))
    register.save()
    return DistrictRegister.load(register.path)


def _accept(register: DistrictRegister, data: bytes, name: str) -> None:
    manifest = verify(data, register.key_for(peek_manifest(data)), expected_period=PERIOD)
    register.record(manifest, hashlib.sha256(data).hexdigest(), name)


def test_a_replay_and_an_older_sequence_are_refused(register, district_key, school_key, meta,
                                                    files):
    public = district_key.public_key()
    first = seal(files, meta, public, school_key)
    newer = seal(files, dataclasses.replace(meta, sequence=meta.sequence + 1), public,
                 school_key)
    _accept(register, first, "first.qxseal")
    _accept(register, first, "first.qxseal")  # the same file again: an aggregate re-run
    assert len(register.accepted) == 1
    _accept(register, newer, "newer.qxseal")
    register.save()
    register = DistrictRegister.load(register.path)
    assert [(a.sequence, a.file) for a in register.accepted] == [(7, "first.qxseal"),
                                                                 (8, "newer.qxseal")]
    with pytest.raises(ReplayError, match=r"旧报送文件（序号 7）.*已接收该校序号 8"):
        _accept(register, first, "first-again.qxseal")
    # The same sequence on different bytes (a fresh ephemeral key: not the same file).
    with pytest.raises(ReplayError, match="同一序号不能有两份"):
        _accept(register, seal(files, dataclasses.replace(meta, sequence=8), public,
                               school_key), "twin.qxseal")
    # A later `created` does not help an older sequence: the clock is not trusted.
    with pytest.raises(ReplayError, match="旧报送文件"):
        _accept(register, seal(files, dataclasses.replace(meta, sequence=5), public,
                               school_key), "late.qxseal")
    # Another term keeps its own order.
    other_term = dataclasses.replace(meta, period="2026-2027-2", sequence=3)
    data = seal(files, other_term, public, school_key)
    manifest = verify(data, school_key.public_key(), expected_period="2026-2027-2")
    assert register.check_new(manifest, hashlib.sha256(data).hexdigest()) is False


def test_registration_binds_code_and_key(tmp_path, school_key):
    register = DistrictRegister.create(tmp_path / "r.json")
    key = school_key.public_key()
    with pytest.raises(RegisterError, match="没有写明学校代码"):
        register.register_school(SchoolPublicKey(key, None))
    with pytest.raises(RegisterError, match="与指定的 4131019999 不符"):
        register.register_school(SchoolPublicKey(key, SCHOOL_CODE), "4131019999")
    register.register_school(SchoolPublicKey(key, None), SCHOOL_CODE)
    with pytest.raises(RegisterError, match="已登记给学校 4131011234"):
        register.register_school(SchoolPublicKey(key, "4131019999"))
    new = new_school_key().public_key()
    with pytest.raises(RegisterError, match="--replace"):
        register.register_school(SchoolPublicKey(new, SCHOOL_CODE))
    register.register_school(SchoolPublicKey(new, SCHOOL_CODE), replace=True)
    assert [k.retired is None for k in register.keys] == [False, True]
    register.save()
    again = DistrictRegister.load(register.path)
    assert again.keys == register.keys


def test_a_retired_or_unregistered_key_is_refused(register, district_key, school_key, meta,
                                                  files):
    data = seal(files, meta, district_key.public_key(), school_key)
    assert register.key_for(peek_manifest(data)) is not None
    register.register_school(SchoolPublicKey(new_school_key().public_key(), SCHOOL_CODE),
                             replace=True)
    with pytest.raises(RegisterError, match=r"已于 .* 停用的密钥签名"):
        register.key_for(peek_manifest(data))
    other = seal(files, dataclasses.replace(meta, school_code="4131019999"),
                 district_key.public_key(), school_key)
    with pytest.raises(RegisterError, match="没有学校代码 4131019999 的公钥"):
        register.key_for(peek_manifest(other))


def test_the_district_says_which_suites_it_accepts(register, school_key, meta, files):
    classical = new_district_key("x25519")
    data = seal(files, meta, classical.public_key(), school_key)
    register.set_suites(["mlkem768x25519"])
    register.save()
    register = DistrictRegister.load(register.path)
    assert register.accepted_suites == ("mlkem768x25519",)
    manifest = verify(data, school_key.public_key(), expected_period=PERIOD)
    with pytest.raises(SuiteNotAcceptedError, match=r"不再接受 DHKEM\(X25519.*更新部署文件"):
        register.check_new(manifest, "0" * 64)
    with pytest.raises(RegisterError):
        register.set_suites([])


def test_a_school_refuses_a_suite_the_district_no_longer_accepts(school_key, meta, files):
    classical = new_district_key("x25519").public_key()
    with pytest.raises(SuiteNotAcceptedError, match=r"区里已不再接受这种加密.*mlkem768x25519"):
        seal(files, meta, classical, school_key, accepted_suites=("mlkem768x25519",))
    assert seal(files, meta, classical, school_key, accepted_suites=("x25519",))


@pytest.mark.parametrize("kem", ["x25519", "mlkem768x25519"])
def test_version_1_files_still_verify_and_open(kem, tmp_path):
    data, district = _v1(kem)
    assert data[8:10] == b"\x00\x01"
    manifest = verify(data, V1_SCHOOL.public_key(), expected_period=PERIOD,
                      expected_school_code=SCHOOL_CODE)
    assert manifest.format_version == 1 and manifest.sequence == 0
    opened = open_sealed(data, district, V1_SCHOOL.public_key(), expected_period=PERIOD)
    assert opened.files == {"4131011234_2026-2027-1_统计数据.json": b'{"x":1}',
                            "summary.pdf": b"%PDF-1.4 v1 fixture"}
    assert opened.contents.created == "2026-11-20T08:00:00Z"
    # In the register a version 1 file counts as sequence 0: any version 2 file wins.
    register = DistrictRegister.create(tmp_path / "r.json")
    register.register_school(SchoolPublicKey(V1_SCHOOL.public_key(), SCHOOL_CODE))
    register.record(manifest, hashlib.sha256(data).hexdigest(), "v1.qxseal")
    newer = seal(opened.files, _meta(sequence=1), district.public_key(), V1_SCHOOL)
    register.record(verify(newer, V1_SCHOOL.public_key(), expected_period=PERIOD),
                    hashlib.sha256(newer).hexdigest(), "v2.qxseal")
    with pytest.raises(ReplayError, match="旧报送文件"):
        register.check_new(manifest, hashlib.sha256(data).hexdigest())


def _meta(sequence: int) -> SealMeta:
    return SealMeta(SCHOOL_CODE, "青心实验中学", PERIOD, sequence)


def test_a_damaged_register_is_refused_not_guessed(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"type": "qingxin-district-register", "version": 1}', encoding="utf-8")
    with pytest.raises(RegisterError, match="已损坏"):
        DistrictRegister.load(path)
    with pytest.raises(RegisterError, match="找不到区级登记簿"):
        DistrictRegister.load(tmp_path / "missing.json")
    with pytest.raises(RegisterError, match="已存在"):
        DistrictRegister.create(path)


def test_period_must_be_a_term(district_key, school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    with pytest.raises(SealInputError, match="学年止 = 学年起 \\+ 1"):
        verify(data, school_key.public_key(), expected_period="2026-2028-1")


def test_a_register_binding_one_key_to_two_schools_is_refused(tmp_path, school_key):
    """Two school codes with one key, or one code with two keys in use, in a register
    edited by hand: refused when read, naming what is wrong."""
    import json

    register = DistrictRegister.create(tmp_path / "r.json")
    register.register_school(SchoolPublicKey(school_key.public_key(), SCHOOL_CODE))
    register.save()
    good = json.loads(register.path.read_text(encoding="utf-8"))
    entry = good["schools"][0]
    for schools, message in (
            ([entry, {**entry, "school_code": "4131019999"}], "同一把公钥.*登记给了学校"),
            ([entry, {**entry, "public_key": base64.b64encode(
                new_school_key().public_key().public_bytes_raw()).decode()}],
             "有两把在用的公钥")):
        path = tmp_path / "edited.json"
        path.write_text(json.dumps({**good, "schools": schools}), encoding="utf-8")
        with pytest.raises(RegisterError, match=message):
            DistrictRegister.load(path)
    assert DistrictRegister.load(register.path).keys == register.keys
