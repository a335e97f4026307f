"""Seal, verify and open a district export.

`seal` encrypts the files with HPKE to the district's public key and signs the whole file
with the school's Ed25519 key. `verify` needs only the school's public key: it proves who
made the file and that no byte changed, without decrypting. `open_sealed` verifies first,
then decrypts and checks every file against the manifest. Every refusal is a SealError
with its own Chinese message (app/seal/errors.py); no cryptography exception escapes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.seal.errors import (
    FileHashMismatchError,
    HeaderMismatchError,
    MalformedError,
    ReplayError,
    SealError,
    SealInputError,
    SignatureError,
    TrailingDataError,
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
    SIGNATURE_LEN,
    Layout,
    hpke_info,
    pack_header,
    pack_payload,
    parse_layout,
    payload_len,
    signed_digest,
    split_payload,
)
from app.seal.manifest import (
    Manifest,
    SealMeta,
    build_manifest,
    check_period,
    decode_manifest,
    encode_manifest,
)
from app.seal.suites import AEAD_TAG_LEN, KEMS, hpke_suite


def seal(files: Mapping[str, bytes], meta: SealMeta, district_public_key: DistrictPublicKey,
         school_signing_key: Ed25519PrivateKey) -> bytes:
    """One sealed file holding `files`. Refuses bad names, codes and periods up front
    (SealInputError), so a report never leaves the school in a shape the district rejects."""
    if not isinstance(district_public_key, DistrictPublicKey):
        raise SealInputError("区级公钥无效：请先用 load_district_public_key 读入公钥文件。")
    if not isinstance(school_signing_key, Ed25519PrivateKey):
        raise SealInputError("学校签名密钥无效：请先用 load_school_private_key 读入私钥文件。")
    kem = KEMS[district_public_key.kem]
    contents = {name: bytes(data) for name, data in files.items()}
    manifest = build_manifest(contents, meta, kem, district_public_key.fingerprint,
                              school_key_fingerprint(school_signing_key))
    return seal_manifest(encode_manifest(manifest), manifest, contents, district_public_key,
                         school_signing_key)


def seal_manifest(manifest_bytes: bytes, manifest: Manifest, contents: Mapping[str, bytes],
                  district_public_key: DistrictPublicKey,
                  school_signing_key: Ed25519PrivateKey) -> bytes:
    """The assembly step on its own, so tests can seal a manifest that lies about a file."""
    kem = KEMS[district_public_key.kem]
    sizes = [f.size for f in manifest.files]
    ct_len = payload_len(len(manifest_bytes), sizes) + AEAD_TAG_LEN
    header = pack_header(kem, district_public_key.key_id, len(manifest_bytes), ct_len)
    payload = pack_payload(manifest_bytes, [contents[f.name] for f in manifest.files])
    info = hpke_info(manifest.school_code, manifest.period, header + manifest_bytes)
    try:
        enc_ct = hpke_suite(kem).encrypt(payload, district_public_key.hpke_key(), info)
    except ValueError:
        raise SealInputError("区级公钥无效，无法加密。") from None
    signature = school_signing_key.sign(signed_digest(header, manifest_bytes, enc_ct))
    return b"".join([header, manifest_bytes, enc_ct, signature])


def peek_manifest(data: bytes) -> Manifest:
    """The manifest as the file states it, NOT verified: only to learn which school's key
    to verify with (a district holding 500 schools' keys looks the code up here)."""
    layout = parse_layout(data)
    return decode_manifest(_manifest_bytes(data, layout))


def verify(data: bytes, school_public_key: Ed25519PublicKey, *,
           expected_school_code: str | None = None,
           expected_period: str | None = None) -> Manifest:
    """The verified manifest, without decrypting. Proves the file was signed by the holder
    of `school_public_key` and that not one byte changed since; with expected code and
    period, also that it is not a genuine file from another school or term."""
    view = memoryview(data)
    layout = parse_layout(view)
    key_fp = school_key_fingerprint(school_public_key)
    _check_signature(view, layout, school_public_key, key_fp)
    manifest = decode_manifest(_manifest_bytes(view, layout))
    if manifest.school_key_fingerprint != key_fp:
        raise MalformedError("清单中的学校密钥指纹与签名密钥不一致")
    if manifest.kem != layout.kem.name:
        raise MalformedError("清单中的算法与文件头不一致")
    if manifest.district_key_fingerprint != fingerprint_of_digest(layout.recipient_key_id):
        raise MalformedError("清单中的区级密钥指纹与文件头不一致")
    expected_ct = payload_len(layout.manifest_len, [f.size for f in manifest.files]) + AEAD_TAG_LEN
    if layout.ct_len != expected_ct:
        raise MalformedError("密文长度与清单中的文件大小不符")
    _check_expected(manifest, expected_school_code, expected_period)
    return manifest


def open_sealed(data: bytes, district_private_key: DistrictPrivateKey,
                school_public_key: Ed25519PublicKey, *, expected_school_code: str | None = None,
                expected_period: str | None = None) -> tuple[Manifest, dict[str, bytes]]:
    """Verify, decrypt, and check each file's SHA-256 against the manifest."""
    manifest = verify(data, school_public_key, expected_school_code=expected_school_code,
                      expected_period=expected_period)
    view = memoryview(data)
    layout = parse_layout(view)
    _check_recipient(layout, manifest, district_private_key)
    info = hpke_info(manifest.school_code, manifest.period, view[:layout.enc_start])
    try:
        payload = hpke_suite(layout.kem).decrypt(
            view[layout.enc_start:layout.signature_start], district_private_key.hpke_key(), info)
    except (InvalidTag, ValueError):
        raise HeaderMismatchError("hpke open failed with the right key id") from None
    parts = split_payload(payload, [f.size for f in manifest.files])
    if parts is None:
        raise MalformedError("解密后的内容与清单中的文件大小不符")
    inner_manifest, contents = parts
    if inner_manifest != _manifest_bytes(view, layout):
        raise HeaderMismatchError("inner manifest differs from header manifest")
    files: dict[str, bytes] = {}
    for entry, content in zip(manifest.files, contents, strict=True):
        if hashlib.sha256(content).hexdigest() != entry.sha256:
            raise FileHashMismatchError(entry.name)
        files[entry.name] = content
    return manifest, files


def _manifest_bytes(data: bytes | memoryview, layout: Layout) -> bytes:
    return bytes(data[HEADER_LEN:HEADER_LEN + layout.manifest_len])


def _check_signature(view: memoryview, layout: Layout, key: Ed25519PublicKey,
                     key_fp: str) -> None:
    """Signature first, before trusting anything the manifest says. When it fails, say
    the most useful true thing: extra bytes after an intact file, a file signed with
    another key (by the fingerprint the file claims), or plain alteration."""
    end = layout.signature_start
    try:
        key.verify(bytes(view[end:end + SIGNATURE_LEN]), signed_digest(view[:end]))
    except InvalidSignature:
        raise _signature_failure(view, layout, key_fp) from None
    if len(view) > layout.total_len:
        raise TrailingDataError(len(view) - layout.total_len)


def _signature_failure(view: memoryview, layout: Layout, key_fp: str) -> SealError:
    try:
        claimed = decode_manifest(_manifest_bytes(view, layout)).school_key_fingerprint
    except SealError:
        return SignatureError(detail="manifest unreadable")
    if claimed != key_fp:
        return WrongSchoolKeyError(claimed, key_fp)
    return SignatureError(detail="signature does not verify")


def _check_expected(manifest: Manifest, school_code: str | None, period: str | None) -> None:
    if school_code is not None and manifest.school_code != school_code:
        raise ReplayError(
            f"这份文件来自学校代码 {manifest.school_code}（{manifest.school_name}），"
            f"不是要求的 {school_code}，已拒绝。",
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
