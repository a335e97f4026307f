"""Seal, verify and open a district export.

`seal` encrypts the files with HPKE to the district's public key and signs the whole file
with the school's Ed25519 key. `verify` needs only the school's public key: it proves who
made the file and that no byte changed, without decrypting. `open_sealed` verifies first,
then decrypts and checks every file against the contents list. Every refusal is a
SealError with its own Chinese message (app/seal/errors.py); no cryptography exception
escapes. Files of format version 1 are still verified and opened; only version 2 is
written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.seal.ed25519 import public_key_problem, signature_problem
from app.seal.errors import (
    FileHashMismatchError,
    HeaderDamagedError,
    HeaderMismatchError,
    MalformedError,
    ReplayError,
    SealError,
    SealInputError,
    SignatureError,
    SuiteNotAcceptedError,
    TrailingDataError,
    WeakKeyError,
    WrongDistrictKeyError,
    WrongSchoolKeyError,
)
from app.seal.keys import (
    DistrictPrivateKey,
    DistrictPublicKey,
    fingerprint_of_digest,
    school_key_fingerprint,
)
from app.seal.layout import (
    HEADER_LEN,
    MAX_CT_LEN,
    SIGNATURE_LEN,
    Layout,
    hpke_info,
    pack_header,
    pack_payload,
    padded_len,
    parse_layout,
    signed_digest,
    split_payload_v1,
    split_payload_v2,
)
from app.seal.manifest import (
    Contents,
    Manifest,
    SealMeta,
    build,
    check_period,
    decode_contents,
    decode_manifest,
    encode_contents,
    encode_manifest,
)
from app.seal.suites import AEAD_TAG_LEN, KEMS, hpke_suite


@dataclass(frozen=True)
class Opened:
    """A verified and decrypted file: the signed manifest, the contents list, the files."""

    manifest: Manifest
    contents: Contents
    files: dict[str, bytes]


def seal(files: Mapping[str, bytes], meta: SealMeta, district_public_key: DistrictPublicKey,
         school_signing_key: Ed25519PrivateKey, *,
         accepted_suites: Collection[str] | None = None) -> bytes:
    """One sealed file holding `files`. Refuses bad names, codes and periods up front
    (SealInputError), so a report never leaves the school in a shape the district rejects;
    and refuses a suite outside `accepted_suites` (the district's deployment file says
    which it still takes), rather than send a file the district will turn away."""
    if not isinstance(district_public_key, DistrictPublicKey):
        raise SealInputError("区级公钥无效：请先用 load_district_public_key 读入公钥文件。")
    if not isinstance(school_signing_key, Ed25519PrivateKey):
        raise SealInputError("学校签名密钥无效：请先用 load_school_private_key 读入私钥文件。")
    kem = KEMS[district_public_key.kem]
    if accepted_suites is not None and kem.name not in accepted_suites:
        raise SuiteNotAcceptedError(
            f"无法密封：部署文件中的区级公钥使用 {kem.label}，而区里已不再接受这种加密"
            f"（[district].accepted_suites 只有 {'、'.join(sorted(accepted_suites)) or '无'}）。"
            "请向区里索取新的部署文件（含新的区级公钥）后再报送。",
            f"kem={kem.name} accepted={sorted(accepted_suites)}")
    problem = public_key_problem(school_signing_key.public_key().public_bytes_raw())
    if problem:
        raise WeakKeyError(f"本校签名密钥不能使用：{problem}。")
    contents_files = {name: bytes(data) for name, data in files.items()}
    manifest, contents = build(contents_files, meta, kem.name, district_public_key.fingerprint,
                               school_key_fingerprint(school_signing_key))
    return seal_parts(encode_manifest(manifest), manifest, encode_contents(contents),
                      [contents_files[f.name] for f in contents.files], district_public_key,
                      school_signing_key)


def seal_parts(manifest_bytes: bytes, manifest: Manifest, contents_bytes: bytes,
               file_bytes: list[bytes], district_public_key: DistrictPublicKey,
               school_signing_key: Ed25519PrivateKey) -> bytes:
    """The assembly step on its own, so tests can seal a contents list that lies."""
    kem = KEMS[district_public_key.kem]
    payload = pack_payload(contents_bytes, file_bytes)
    ct_len = len(payload) + AEAD_TAG_LEN
    if ct_len > MAX_CT_LEN:
        raise SealInputError("要密封的文件合计太大（超过 1 GB）。")
    header = pack_header(kem, district_public_key.key_id, len(manifest_bytes), ct_len)
    info = hpke_info(manifest.format_version, manifest.school_code, manifest.period,
                     header + manifest_bytes)
    try:
        enc_ct = hpke_suite(kem).encrypt(payload, district_public_key.hpke_key(), info)
    except ValueError:
        raise SealInputError("区级公钥无效，无法加密。") from None
    signature = school_signing_key.sign(
        signed_digest(manifest.format_version, header, manifest_bytes, enc_ct))
    return b"".join([header, manifest_bytes, enc_ct, signature])


def peek_manifest(data: bytes) -> Manifest:
    """The manifest as the file states it, NOT verified: only to learn which school's key
    to verify with (a district holding 500 schools' keys looks the code up here)."""
    layout = parse_layout(data)
    return decode_manifest(_manifest_bytes(data, layout), layout.version)


def verify(data: bytes, school_public_key: Ed25519PublicKey, *, expected_period: str | None,
           expected_school_code: str | None = None) -> Manifest:
    """The verified manifest, without decrypting. Proves the file was signed by the holder
    of `school_public_key` and that not one byte changed since, and that it is not a
    genuine file from another term (or school). `expected_period` must be given; None is
    the caller's explicit choice to accept any term."""
    view = memoryview(data)
    layout = parse_layout(view)
    raw = school_public_key.public_bytes_raw()
    problem = public_key_problem(raw)
    if problem:
        raise WeakKeyError(f"所给学校公钥不能使用：{problem}。")
    key_fp = school_key_fingerprint(school_public_key)
    _check_signature(view, layout, school_public_key, key_fp)
    manifest = decode_manifest(_manifest_bytes(view, layout), layout.version)
    if manifest.school_key_fingerprint != key_fp:
        raise MalformedError("清单中的学校密钥指纹与签名密钥不一致")
    if manifest.kem != layout.kem.name:
        raise MalformedError("清单中的算法与文件头不一致")
    if manifest.district_key_fingerprint != fingerprint_of_digest(layout.recipient_key_id):
        raise MalformedError("清单中的区级密钥指纹与文件头不一致")
    legacy = manifest.legacy_contents
    if legacy is not None:
        expected_ct = (4 + layout.manifest_len + sum(f.size for f in legacy.files)
                       + AEAD_TAG_LEN)
        if layout.ct_len != expected_ct:
            raise MalformedError("密文长度与清单中的文件大小不符")
    _check_expected(manifest, expected_school_code, expected_period)
    return manifest


def open_sealed(data: bytes, district_private_key: DistrictPrivateKey,
                school_public_key: Ed25519PublicKey, *, expected_period: str | None,
                expected_school_code: str | None = None) -> Opened:
    """Verify, decrypt, and check each file's SHA-256 against the contents list."""
    manifest = verify(data, school_public_key, expected_school_code=expected_school_code,
                      expected_period=expected_period)
    view = memoryview(data)
    layout = parse_layout(view)
    _check_recipient(layout, manifest, district_private_key)
    info = hpke_info(layout.version, manifest.school_code, manifest.period,
                     view[:layout.enc_start])
    try:
        payload = hpke_suite(layout.kem).decrypt(
            view[layout.enc_start:layout.signature_start], district_private_key.hpke_key(), info)
    except (InvalidTag, ValueError):
        raise HeaderMismatchError("hpke open failed with the right key id") from None
    if manifest.legacy_contents is not None:
        contents, files = _split_v1(payload, manifest, _manifest_bytes(view, layout))
    else:
        contents, files = _split_v2(payload)
    checked: dict[str, bytes] = {}
    for entry, content in zip(contents.files, files, strict=True):
        if hashlib.sha256(content).hexdigest() != entry.sha256:
            raise FileHashMismatchError(entry.name)
        checked[entry.name] = content
    return Opened(manifest, contents, checked)


def _split_v2(payload: bytes) -> tuple[Contents, list[bytes]]:
    """Contents list, files, and the padding: zeros up to exactly `padded_len`."""
    parts = split_payload_v2(payload)
    if parts is None:
        raise MalformedError("解密后的内容长度不对")
    contents = decode_contents(parts[0])
    pos, files = parts[1], []
    for entry in contents.files:
        if entry.size > len(payload) - pos:  # checked before adding: no overflow anywhere
            raise MalformedError("解密后的内容短于文件清单所列的大小")
        files.append(payload[pos:pos + entry.size])
        pos += entry.size
    if len(payload) != padded_len(pos) or any(payload[pos:]):
        raise MalformedError("解密后的内容末尾的填充不对")
    return contents, files


def _split_v1(payload: bytes, manifest: Manifest, header_manifest: bytes
              ) -> tuple[Contents, list[bytes]]:
    legacy = manifest.legacy_contents
    assert legacy is not None
    parts = split_payload_v1(payload, [f.size for f in legacy.files])
    if parts is None:
        raise MalformedError("解密后的内容与清单中的文件大小不符")
    inner_manifest, files = parts
    if inner_manifest != header_manifest:
        raise HeaderMismatchError("inner manifest differs from header manifest")
    return legacy, files


def _manifest_bytes(data: bytes | memoryview, layout: Layout) -> bytes:
    return bytes(data[HEADER_LEN:HEADER_LEN + layout.manifest_len])


def _check_signature(view: memoryview, layout: Layout, key: Ed25519PublicKey,
                     key_fp: str) -> None:
    """Signature first, before trusting anything the manifest says. When it fails, say
    the most useful true thing: extra bytes after an intact file, a file signed with
    another key (by the fingerprint the file claims), or plain alteration."""
    end = layout.signature_start
    signature = bytes(view[end:end + SIGNATURE_LEN])
    problem = signature_problem(signature)
    try:
        if problem:
            raise InvalidSignature(problem)
        key.verify(signature, signed_digest(layout.version, view[:end]))
    except InvalidSignature:
        raise _signature_failure(view, layout, key_fp, problem) from None
    if len(view) > layout.total_len:
        raise TrailingDataError(len(view) - layout.total_len)


def _signature_failure(view: memoryview, layout: Layout, key_fp: str,
                       problem: str | None) -> SealError:
    if len(view) != layout.total_len:  # the lengths do not describe this file: M or C
        return HeaderDamagedError(f"file {len(view)} bytes, header says {layout.total_len}")
    try:
        claimed = decode_manifest(_manifest_bytes(view, layout),
                                  layout.version).school_key_fingerprint
    except SealError:
        return SignatureError(detail="manifest unreadable")
    if claimed != key_fp:
        return WrongSchoolKeyError(claimed, key_fp)
    return SignatureError(detail=problem or "signature does not verify")


def _check_expected(manifest: Manifest, school_code: str | None, period: str | None) -> None:
    if school_code is not None and manifest.school_code != school_code:
        raise ReplayError(
            f"这份文件来自学校代码 {manifest.school_code}，不是要求的 {school_code}，已拒绝。",
            f"school={manifest.school_code} expected={school_code}")
    if period is not None:
        check_period(period)
        if manifest.period != period:
            raise ReplayError(
                f"这份文件属于学期 {manifest.period}，不是要求的 {period}："
                "可能是旧文件被重复报送，已拒绝。",
                f"period={manifest.period} expected={period}")


def _check_recipient(layout: Layout, manifest: Manifest, key: DistrictPrivateKey) -> None:
    if not isinstance(key, DistrictPrivateKey):
        raise WrongDistrictKeyError("区级私钥无效：请先用 load_district_private_key 读入私钥文件。")
    public = key.public_key()
    if key.kem != layout.kem.name or public.key_id != layout.recipient_key_id:
        raise WrongDistrictKeyError(
            f"无法解密：这份文件是加密给另一把区级密钥的（文件要求 {layout.kem.label}、"
            f"指纹 {manifest.district_key_fingerprint}；所给私钥为 {KEMS[key.kem].label}、"
            f"指纹 {public.fingerprint}）。请换用正确的区级私钥。",
            f"need={manifest.district_key_fingerprint} have={public.fingerprint}")
