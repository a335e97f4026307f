"""seal → verify → open for both KEMs, the deterministic payload, and refused inputs."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest
from sealhelpers import PERIOD, SCHOOL_CODE

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

FINGERPRINT = re.compile(r"[0-9A-F]{4}(-[0-9A-F]{4}){9}")


def _payload(data: bytes, district_key) -> bytes:
    """The decrypted plaintext, straight from HPKE, for determinism checks."""
    layout = parse_layout(data)
    manifest = peek_manifest(data)
    info = hpke_info(manifest.school_code, manifest.period, data[:layout.enc_start])
    return hpke_suite(layout.kem).decrypt(data[layout.enc_start:layout.signature_start],
                                          district_key.hpke_key(), info)


def test_round_trip(district_key, school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    assert data.startswith(MAGIC)

    manifest = verify(data, school_key.public_key(), expected_school_code=SCHOOL_CODE,
                      expected_period=PERIOD)
    assert manifest.school_code == SCHOOL_CODE and manifest.school_name == "青心实验中学"
    assert manifest.period == PERIOD and manifest.created == "2027-01-15T08:30:00Z"
    assert manifest.kem == district_key.kem
    assert manifest.school_key_fingerprint == school_key_fingerprint(school_key)
    assert manifest.district_key_fingerprint == district_key.fingerprint
    assert [f.name for f in manifest.files] == sorted(files)
    assert {f.name: f.size for f in manifest.files} == {n: len(b) for n, b in files.items()}

    opened, contents = open_sealed(data, district_key, school_key.public_key(),
                                   expected_period=PERIOD)
    assert opened == manifest
    assert contents == files
    assert peek_manifest(data) == manifest


def test_fingerprints_are_ten_groups_of_four_hex(district_key, school_key):
    assert FINGERPRINT.fullmatch(district_key.fingerprint)
    assert FINGERPRINT.fullmatch(school_key_fingerprint(school_key))
    assert school_key_fingerprint(school_key) == school_key_fingerprint(school_key.public_key())


def test_chinese_file_names_and_many_files(district_key, school_key, meta):
    files = {f"班级{i:03d}汇总.csv": f"{i}".encode() * i for i in range(60)}
    data = seal(files, meta, district_key.public_key(), school_key)
    assert open_sealed(data, district_key, school_key.public_key())[1] == files


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
    meta = SealMeta(SCHOOL_CODE, "青心实验中学", PERIOD)
    manifest = verify(seal(files, meta, district_key.public_key(), school_key),
                      school_key.public_key())
    created = datetime.strptime(manifest.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60


def test_expected_school_code_is_enforced(district_key, school_key, meta, files):
    data = seal(files, meta, district_key.public_key(), school_key)
    with pytest.raises(ReplayError, match=r"学校代码 4131011234.*不是要求的 4131019999"):
        verify(data, school_key.public_key(), expected_school_code="4131019999")
    with pytest.raises(ReplayError, match="不是要求的 4131019999"):
        open_sealed(data, district_key, school_key.public_key(),
                    expected_school_code="4131019999")


@pytest.mark.parametrize("change, message", [
    ({"period": "2026-2028-1"}, "学期"),
    ({"period": "2026-2027-3"}, "学期"),
    ({"period": "2026-2027"}, "学期"),
    ({"school_code": "41 3101"}, "学校代码"),
    ({"school_code": ""}, "学校代码"),
    ({"school_name": " "}, "学校名称"),
    ({"created": datetime(2027, 1, 1)}, "时区"),
])
def test_bad_meta_is_refused(district_key, school_key, meta, files, change, message):
    with pytest.raises(SealInputError, match=message):
        seal(files, dataclasses.replace(meta, **change), district_key.public_key(), school_key)


@pytest.mark.parametrize("name", ["../evil.csv", "a/b.csv", "a\\b.csv", "CON.txt", "nul",
                                  ".hidden", "trailing.", "tab\there", "", "x" * 129,
                                  "what?.csv"])
def test_unsafe_file_names_are_refused(district_key, school_key, meta, name):
    with pytest.raises(SealInputError, match="无法密封"):
        seal({name: b"x"}, meta, district_key.public_key(), school_key)


def test_nothing_to_seal_is_refused(district_key, school_key, meta):
    with pytest.raises(SealInputError, match="没有要密封的文件"):
        seal({}, meta, district_key.public_key(), school_key)


def test_wrong_key_objects_are_refused_not_crashed(district_key, school_key, meta, files):
    with pytest.raises(SealInputError):
        seal(files, meta, district_key, school_key)  # a private key where the public belongs
    with pytest.raises(SealInputError):
        seal(files, meta, district_key.public_key(), new_school_key().public_key())
    with pytest.raises(SealError):
        verify(seal(files, meta, district_key.public_key(), school_key), school_key.public_key(),
               expected_period="2026-2027")
