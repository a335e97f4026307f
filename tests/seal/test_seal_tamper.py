"""Every way a sealed file can be wrong is refused with its own Chinese message.

Flipped bits are tried at every byte of the file (a different bit per byte), and the
error expected depends on the region hit: magic, version, suite ids, recipient key id,
lengths, manifest, encapsulated key, ciphertext, signature.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.seal import (
    SealError,
    new_district_key,
    new_school_key,
    open_sealed,
    school_key_fingerprint,
    seal,
    verify,
)
from app.seal import package as package_module
from app.seal.errors import (
    FileHashMismatchError,
    HeaderDamagedError,
    HeaderMismatchError,
    MalformedError,
    NotSealedError,
    ReplayError,
    SignatureError,
    TrailingDataError,
    TruncatedError,
    UnsupportedFormatError,
    WrongDistrictKeyError,
    WrongSchoolKeyError,
)
from app.seal.layout import HEADER_LEN, MAX_CT_LEN, MAX_MANIFEST_LEN, parse_layout
from app.seal.manifest import ManifestFile, build, encode_contents, encode_manifest
from app.seal.package import seal_parts
from app.seal.suites import KEMS
from tests.seal.seal_helpers import PERIOD, flip, resign

MESSAGES = {
    NotSealedError: "不是青心密封报送文件",
    UnsupportedFormatError: "请升级青心",
    TruncatedError: "密封文件不完整",
    HeaderDamagedError: "文件头已损坏",
    MalformedError: "内部结构有误",
    TrailingDataError: "末尾多出",
    SignatureError: "签名无效",
    WrongSchoolKeyError: "签名核验失败",
    ReplayError: "不是要求的",
    WrongDistrictKeyError: "另一把区级密钥",
    HeaderMismatchError: "密文与文件头",
    FileHashMismatchError: "校验值与清单不符",
}


def _refused(call, *allowed: type[SealError]) -> SealError:
    """Run `call`; it must raise exactly one of `allowed` with that class's message."""
    with pytest.raises(SealError) as info:
        call()
    err = info.value
    assert type(err) in allowed, (type(err).__name__, err.message)
    assert MESSAGES[type(err)] in err.message
    return err


@pytest.fixture
def sealed(district_key, school_key, meta, files) -> bytes:
    return seal(files, meta, district_key.public_key(), school_key)


def _expected_for(pos: int, data: bytes) -> tuple[type[SealError], ...]:
    layout = parse_layout(data)
    manifest = data[HEADER_LEN:layout.enc_start]
    fp_value = manifest.index(b'"school_key_fingerprint":"') + len(b'"school_key_fingerprint":"')
    if pos < 8:
        return (NotSealedError,)
    if pos < 16:
        return (UnsupportedFormatError,)
    if pos < 48:
        return (SignatureError,)
    if pos < HEADER_LEN:  # M, E or C: a length no signed file has, or one past the end
        return (TruncatedError, HeaderDamagedError)
    if HEADER_LEN + fp_value <= pos < HEADER_LEN + fp_value + 49:
        return (WrongSchoolKeyError, SignatureError)
    return (SignatureError,)


def test_a_flipped_bit_anywhere_is_refused_by_verify(sealed, school_key):
    public = school_key.public_key()
    for pos in range(len(sealed)):
        _refused(lambda p=pos: verify(flip(sealed, p, p % 8), public, expected_period=PERIOD),
                 *_expected_for(pos, sealed))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(0, 7))
def test_a_flipped_bit_anywhere_is_refused_by_open(sealed, district_key, school_key, where, bit):
    pos = int(where * len(sealed))
    _refused(lambda: open_sealed(flip(sealed, pos, bit), district_key, school_key.public_key(),
                                 expected_period=PERIOD),
             *_expected_for(pos, sealed))


@pytest.mark.parametrize("keep", [0, 5, 8, 40, HEADER_LEN, HEADER_LEN + 10, -1000, -65, -1])
def test_a_truncated_file_is_refused(sealed, school_key, keep):
    data = sealed[:keep]
    public = school_key.public_key()
    if 0 <= keep < 8:
        _refused(lambda: verify(data, public, expected_period=None), NotSealedError)
    else:
        err = _refused(lambda: verify(data, public, expected_period=None), TruncatedError)
        assert f"实际只有 {len(data)} 字节" in err.message


@pytest.mark.parametrize("extra", [b"\x00", b"garbage" * 100, b"\x89QXSEAL\n"])
def test_appended_garbage_is_refused(sealed, district_key, school_key, extra):
    err = _refused(lambda: verify(sealed + extra, school_key.public_key(), expected_period=None),
                   TrailingDataError)
    assert f"多出 {len(extra)} 字节" in err.message
    _refused(lambda: open_sealed(sealed + extra, district_key, school_key.public_key(),
                                         expected_period=None),
             TrailingDataError)


def test_another_file_format_is_refused(school_key):
    _refused(lambda: verify(b"PK\x03\x04 a zip file" * 10, school_key.public_key(),
                            expected_period=None), NotSealedError)
    _refused(lambda: verify(b"", school_key.public_key(), expected_period=None), NotSealedError)


def test_an_unknown_version_is_refused(sealed, school_key):
    data = sealed[:8] + b"\x00\x03" + sealed[10:]
    err = _refused(lambda: verify(data, school_key.public_key(), expected_period=None),
                   UnsupportedFormatError)
    assert "格式版本为 3" in err.message


def test_another_schools_key_is_refused(sealed, district_key):
    other = new_school_key().public_key()
    _refused(lambda: verify(sealed, other, expected_period=PERIOD), WrongSchoolKeyError)
    _refused(lambda: open_sealed(sealed, district_key, other, expected_period=PERIOD),
             WrongSchoolKeyError)


def test_another_district_key_is_refused(sealed, district_key, school_key):
    for kem in KEMS:  # the same kind of key, and the other kind
        wrong = new_district_key(kem)
        err = _refused(lambda w=wrong: open_sealed(sealed, w, school_key.public_key(),
                                                   expected_period=PERIOD),
                       WrongDistrictKeyError)
        assert district_key.fingerprint in err.message and wrong.fingerprint in err.message


def test_a_genuine_file_from_another_period_is_refused(district_key, school_key, meta, files):
    old = seal(files, dataclasses.replace(meta, period="2025-2026-2"),
               district_key.public_key(), school_key)
    err = _refused(lambda: verify(old, school_key.public_key(), expected_period=PERIOD),
                   ReplayError)
    assert "2025-2026-2" in err.message and PERIOD in err.message
    _refused(lambda: open_sealed(old, district_key, school_key.public_key(),
                                 expected_period=PERIOD), ReplayError)


def test_a_relabelled_period_is_refused(sealed, district_key, school_key):
    """Editing the manifest's period, even re-signed with the school's own key, leaves the
    ciphertext bound to the old period: open refuses it."""
    relabelled = sealed.replace(f'"period":"{PERIOD}"'.encode(), b'"period":"2027-2028-1"', 1)
    assert relabelled != sealed
    _refused(lambda: verify(relabelled, school_key.public_key(), expected_period=None),
             SignatureError)
    resigned = resign(relabelled, school_key)
    assert verify(resigned, school_key.public_key(), expected_period="2027-2028-1")
    _refused(lambda: open_sealed(resigned, district_key, school_key.public_key(),
                                 expected_period="2027-2028-1"), HeaderMismatchError)


def test_a_ciphertext_moved_under_another_manifest_is_refused(district_key, school_key, meta,
                                                              files):
    """The header and manifest of one period's file over another period's ciphertext."""
    public = district_key.public_key()
    this_term = seal(files, meta, public, school_key)
    last_term = seal(files, dataclasses.replace(meta, period="2025-2026-2"), public, school_key)
    a, b = parse_layout(this_term), parse_layout(last_term)
    assert (a.manifest_len, a.ct_len) == (b.manifest_len, b.ct_len)
    spliced = resign(this_term[:a.enc_start] + last_term[b.enc_start:], school_key)
    assert verify(spliced, school_key.public_key(), expected_period=PERIOD)
    _refused(lambda: open_sealed(spliced, district_key, school_key.public_key(),
                                 expected_period=PERIOD), HeaderMismatchError)


def _lying_file(district_key, school_key, meta, files, *, contents_change=None,
                payload_change=None) -> bytes:
    """A file signed by the school yet wrong inside: what only opening can find."""
    public = district_key.public_key()
    manifest, contents = build(files, meta, district_key.kem, public.fingerprint,
                               school_key_fingerprint(school_key))
    if contents_change:
        contents = contents_change(contents)
    payload_files = [files[f.name] for f in contents.files]
    if payload_change is None:
        return seal_parts(encode_manifest(manifest), manifest, encode_contents(contents),
                          payload_files, public, school_key)
    real = package_module.pack_payload
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(package_module, "pack_payload", lambda c, f: payload_change(real(c, f)))
        return seal_parts(encode_manifest(manifest), manifest, encode_contents(contents),
                          payload_files, public, school_key)


def test_a_file_that_does_not_match_its_hash_is_refused(district_key, school_key, meta, files):
    data = _lying_file(district_key, school_key, meta, files, contents_change=lambda c:
                       dataclasses.replace(c, files=tuple(
                           ManifestFile(f.name, f.size, "0" * 64)
                           if f.name == "key_students.csv" else f for f in c.files)))
    assert verify(data, school_key.public_key(), expected_period=PERIOD)  # signed as made
    err = _refused(lambda: open_sealed(data, district_key, school_key.public_key(),
                                       expected_period=PERIOD), FileHashMismatchError)
    assert "key_students.csv" in err.message


@pytest.mark.parametrize("change", [
    lambda p: p[:-1] + b"\x01",  # padding that is not zero
    lambda p: p + bytes(256),  # more padding than the rule gives
    lambda p: p[:4] + b"[" + p[5:],  # a contents list that is not JSON
])
def test_a_payload_not_shaped_as_specified_is_refused(district_key, school_key, meta, files,
                                                      change):
    data = _lying_file(district_key, school_key, meta, files, payload_change=change)
    assert verify(data, school_key.public_key(), expected_period=PERIOD)
    _refused(lambda: open_sealed(data, district_key, school_key.public_key(),
                                 expected_period=PERIOD), MalformedError)


def test_sizes_that_lie_are_refused_without_overflow(district_key, school_key, meta, files):
    """A contents list claiming more bytes than the payload holds (up to the 1 GiB bound
    per file) is refused by the running check, before any sum could overflow."""
    data = _lying_file(district_key, school_key, meta, files, contents_change=lambda c:
                       dataclasses.replace(c, files=tuple(
                           ManifestFile(f.name, 1 << 30, f.sha256) for f in c.files)))
    _refused(lambda: open_sealed(data, district_key, school_key.public_key(),
                                 expected_period=PERIOD), MalformedError)


@pytest.mark.parametrize("field, value", [
    (48, 0), (48, MAX_MANIFEST_LEN + 1), (52, 31), (52, 1121), (56, 15), (56, MAX_CT_LEN + 1),
    (56, 2**64 - 1)])
def test_impossible_lengths_say_header_damaged_not_signature(sealed, school_key, field, value):
    """A wrong M, E or C is a damaged header (issue 16), checked before any addition."""
    size = 8 if field == 56 else 4
    data = sealed[:field] + value.to_bytes(size, "big") + sealed[field + size:]
    _refused(lambda: verify(data, school_key.public_key(), expected_period=None),
             HeaderDamagedError)
