"""seal → verify → open for both KEMs, the deterministic payload, and refused inputs."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest

from app.seal import (
    SealError,
    SealMeta,
    new_school_key,
    open_sealed,
    peek_manifest,
    school_key_fingerprint,
    seal,
    verify,
)
from app.seal.errors import ReplayError, SealInputError
from app.seal.layout import MAGIC, hpke_info, parse_layout
from app.seal.suites import hpke_suite
from tests.seal.seal_helpers import PERIOD, SCHOOL_CODE

FINGERPRINT = re.compile(r"[0-9A-F]{4}(-[0-9A-F]{4}){9}")


def _payload(data: bytes, district_key) -> bytes:
    """The decrypted plaintext, straight from HPKE, for determinism checks."""
    layout = parse_layout(data)
    manifest = peek_manifest(data)
    info = hpke_info(layout.version, manifest.school_code, manifest.period,
                     data[:layout.enc_start])
    return hpke_suite(layout.kem).decrypt(data[layout.enc_start:layout.signature_start],
                                          district_key.hpke_key(), info)


def test_round_trip(district_key, school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    assert data.startswith(MAGIC) and data[8:10] == b"\x00\x02"

    manifest = verify(data, school_key.public_key(), expected_school_code=SCHOOL_CODE,
                      expected_period=PERIOD)
    assert manifest.school_code == SCHOOL_CODE and manifest.period == PERIOD
    assert manifest.sequence == 7 and manifest.format_version == 2
    assert manifest.kem == district_key.kem
    assert manifest.school_key_fingerprint == school_key_fingerprint(school_key)
    assert manifest.district_key_fingerprint == district_key.fingerprint
    assert manifest.legacy_contents is None  # names, sizes, hashes are not in clear

    opened = open_sealed(data, district_key, school_key.public_key(), expected_period=PERIOD)
    assert opened.manifest == manifest and opened.files == files
    c = opened.contents
    assert c.school_name == "青心实验中学" and c.created == "2027-01-15T08:30:00Z"
    assert [f.name for f in c.files] == sorted(files)
    assert {f.name: f.size for f in c.files} == {n: len(b) for n, b in files.items()}
    assert peek_manifest(data) == manifest


def test_fingerprints_are_ten_groups_of_four_hex(district_key, school_key):
    assert FINGERPRINT.fullmatch(district_key.fingerprint)
    assert FINGERPRINT.fullmatch(school_key_fingerprint(school_key))
    assert school_key_fingerprint(school_key) == school_key_fingerprint(school_key.public_key())


def test_chinese_file_names_and_many_files(district_key, school_key, meta):
    files = {f"班级{i:03d}汇总.csv": f"{i}".encode() * i for i in range(60)}
    data = seal(files, meta, district_key.public_key(), school_key)
    assert open_sealed(data, district_key, school_key.public_key(),
                       expected_period=PERIOD).files == files


def test_payload_is_deterministic_apart_from_created(district_key, school_key, meta, files):
    public = district_key.public_key()
    first = seal(files, meta, public, school_key)
    reordered = dict(reversed(list(files.items())))
    second = seal(reordered, meta, public, school_key)
    assert first != second  # a fresh ephemeral key each time
    assert _payload(first, district_key) == _payload(second, district_key)

    later = dataclasses.replace(meta, created=datetime(2027, 1, 16, 9, 0, tzinfo=UTC))
    third = _payload(seal(files, later, public, school_key), district_key)
    assert third != _payload(first, district_key)
    assert third.replace(b"2027-01-16T09:00:00Z", b"2027-01-15T08:30:00Z") == _payload(
        first, district_key)


def test_created_defaults_to_now_in_utc(district_key, school_key, files):
    meta = SealMeta(SCHOOL_CODE, "青心实验中学", PERIOD, 1)
    data = seal(files, meta, district_key.public_key(), school_key)
    contents = open_sealed(data, district_key, school_key.public_key(),
                           expected_period=PERIOD).contents
    created = datetime.strptime(contents.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60


def test_expected_school_code_is_enforced(district_key, school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    with pytest.raises(ReplayError, match=r"学校代码 4131011234.*不是要求的 4131019999"):
        verify(data, school_key.public_key(), expected_school_code="4131019999",
               expected_period=PERIOD)
    with pytest.raises(ReplayError, match="不是要求的 4131019999"):
        open_sealed(data, district_key, school_key.public_key(),
                    expected_school_code="4131019999", expected_period=PERIOD)


@pytest.mark.parametrize("change, message", [
    ({"period": "2026-2028-1"}, "学期"),
    ({"period": "2026-2027-3"}, "学期"),
    ({"period": "2026-2027"}, "学期"),
    ({"school_code": "41 3101"}, "学校代码"),
    ({"school_code": ""}, "学校代码"),
    ({"school_name": " "}, "学校名称"),
    ({"created": datetime(2027, 1, 1)}, "时区"),
    ({"sequence": 0}, "报送序号"),
    ({"sequence": 2**31}, "报送序号"),
    ({"sequence": True}, "报送序号"),
    ({"school_name": "青心\u202e中学"}, "学校名称"),
])
def test_bad_meta_is_refused(district_key, school_key, meta, files, change, message):
    with pytest.raises(SealInputError, match=message):
        seal(files, dataclasses.replace(meta, **change), district_key.public_key(), school_key)


@pytest.mark.parametrize("name", [
    "../evil.csv", "a/b.csv", "a\\b.csv", "CON.txt", "nul.pdf", "Com1.json", "LPT9.pdf",
    "COM\u00b9.txt", "LPT\u00b3.csv", "com0.pdf", "CONIN$.txt", "con .txt", ".hidden.txt",
    "trailing.", "tab\there.txt", "", "x" * 125 + ".txt", "what?.csv", "run.exe", "a.pdf.lnk",
    "report\u202efdp.exe", "report\u202efdp.txt", "x\u200b.pdf", "bom\ufeff.pdf",
    "iso\u2066.pdf", "del\x7f.pdf", "c1\x85.pdf", "ls\u2028.pdf", "cafe\u0301.pdf",
    "QXSEAL-Manifest.JSON", "noext"])
def test_unsafe_file_names_are_refused(district_key, school_key, meta, name):
    with pytest.raises(SealInputError, match="无法密封"):
        seal({name: b"x"}, meta, district_key.public_key(), school_key)


def test_names_differing_only_in_case_are_refused(district_key, school_key, meta):
    with pytest.raises(SealInputError, match="大小写"):
        seal({"A.pdf": b"1", "a.pdf": b"2"}, meta, district_key.public_key(), school_key)


@pytest.mark.parametrize("name", ["统计表.xlsx", "x" * 124 + ".txt", "COM10.txt", "console.pdf",
                                  "CON-表.pdf", "a.b.JSON", "学校 报送.csv"])
def test_ordinary_names_are_kept(district_key, school_key, meta, name):
    data = seal({name: b"x"}, meta, district_key.public_key(), school_key)
    assert open_sealed(data, district_key, school_key.public_key(),
                       expected_period=PERIOD).files == {name: b"x"}


def test_nothing_to_seal_is_refused(district_key, school_key, meta):
    with pytest.raises(SealInputError, match="没有要密封的文件"):
        seal({}, meta, district_key.public_key(), school_key)


def test_wrong_key_objects_are_refused_not_crashed(district_key, school_key, meta, files):
    with pytest.raises(SealInputError):
        seal(files, meta, district_key, school_key)  # a private key where the public belongs
    with pytest.raises(SealInputError):
        seal(files, meta, district_key.public_key(), new_school_key().public_key())
    for bad in ("2026-2027", "2026-2028-1", "2026-2027-3"):
        with pytest.raises(SealError, match="学期"):
            verify(seal(files, meta, district_key.public_key(), school_key),
                   school_key.public_key(), expected_period=bad)
