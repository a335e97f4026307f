"""The manifest: what a sealed file claims to hold, who made it, for which period.

It travels twice: in clear in the header (so `verify` can report it without the district
key) and inside the ciphertext (so a swapped header is caught on open). Its bytes are
canonical JSON — sorted keys, files sorted by name, no whitespace, UTF-8 — so that the
same inputs always give the same bytes apart from the `created` timestamp.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app import __version__
from app.seal.errors import MalformedError, SealInputError
from app.seal.suites import AEAD_ID, KDF_ID, KEMS, Kem, KemName

FORMAT_NAME = "qingxin-sealed-export"
FORMAT_VERSION = 1
MAX_FILES = 1000
MAX_NAME_CHARS = 128

_SCHOOL_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,31}")
_PERIOD = re.compile(r"(\d{4})-(\d{4})-([12])")
_FINGERPRINT = re.compile(r"[0-9A-F]{4}(-[0-9A-F]{4}){9}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_FORBIDDEN_NAME_CHARS = set('/\\:*?"<>|')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class SealMeta:
    """Who seals what for when. `created` defaults to now; tests pass a fixed time."""

    school_code: str
    school_name: str
    period: str
    app_version: str = __version__
    created: datetime | None = None


@dataclass(frozen=True)
class ManifestFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    school_code: str
    school_name: str
    period: str
    created: str
    app_version: str
    kem: KemName
    district_key_fingerprint: str
    school_key_fingerprint: str
    files: tuple[ManifestFile, ...] = field(default_factory=tuple)
    format_version: int = FORMAT_VERSION

    @property
    def suite_label(self) -> str:
        return KEMS[self.kem].suite_label


def check_meta(meta: SealMeta) -> None:
    if not _SCHOOL_CODE.fullmatch(meta.school_code):
        raise SealInputError(f"学校代码 {meta.school_code!r} 不合规：只能由字母、数字、"
                             "下划线和连字符组成，最多 32 个字符。")
    check_period(meta.period)
    if not meta.school_name.strip() or len(meta.school_name) > 100 or _has_control(
            meta.school_name):
        raise SealInputError("学校名称不能为空，不能超过 100 个字符，也不能含控制字符。")
    if not meta.app_version or len(meta.app_version) > 32 or _has_control(meta.app_version):
        raise SealInputError("程序版本号无效。")
    if meta.created is not None and meta.created.tzinfo is None:
        raise SealInputError("生成时间必须带时区。")


def check_period(period: str) -> None:
    """A term: "2026-2027-1" is the first term of school year 2026-2027."""
    m = _PERIOD.fullmatch(period)
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        raise SealInputError(f"学期 {period!r} 不合规：应写作 2026-2027-1 这样的"
                             "“学年起-学年止-第几学期”。")


def check_file_name(name: str) -> str | None:
    """Why `name` cannot be a sealed file's name, or None. The district opens files onto a
    Windows disk, so names must be plain file names there: no folders, no device names."""
    if not name or len(name) > MAX_NAME_CHARS:
        return f"文件名长度应为 1–{MAX_NAME_CHARS} 个字符"
    if _has_control(name) or any(ch in _FORBIDDEN_NAME_CHARS for ch in name):
        return f"文件名 {name!r} 含有不允许的字符（/ \\ : * ? \" < > | 或控制字符）"
    if name[0] in ". " or name[-1] in ". ":
        return f"文件名 {name!r} 不能以点或空格开头或结尾"
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        return f"文件名 {name!r} 是 Windows 的保留设备名"
    return None


def build_manifest(files: Mapping[str, bytes], meta: SealMeta, kem: Kem,
                   district_fingerprint: str, school_fingerprint: str) -> Manifest:
    check_meta(meta)
    if not files:
        raise SealInputError("没有要密封的文件。")
    if len(files) > MAX_FILES:
        raise SealInputError(f"一次最多密封 {MAX_FILES} 个文件。")
    for name in files:
        problem = check_file_name(name) if isinstance(name, str) else "文件名必须是字符串"
        if problem:
            raise SealInputError(f"无法密封：{problem}。")
    created = (meta.created or datetime.now(UTC)).astimezone(UTC)
    entries = tuple(ManifestFile(name, len(files[name]), hashlib.sha256(files[name]).hexdigest())
                    for name in sorted(files))
    return Manifest(school_code=meta.school_code, school_name=meta.school_name,
                    period=meta.period, created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    app_version=meta.app_version, kem=kem.name,
                    district_key_fingerprint=district_fingerprint,
                    school_key_fingerprint=school_fingerprint, files=entries)


def encode_manifest(manifest: Manifest) -> bytes:
    kem = KEMS[manifest.kem]
    obj = {
        "format": FORMAT_NAME,
        "format_version": manifest.format_version,
        "school_code": manifest.school_code,
        "school_name": manifest.school_name,
        "period": manifest.period,
        "created": manifest.created,
        "app_version": manifest.app_version,
        "suite": {"kem": kem.name, "kem_id": kem.kem_id, "kdf_id": KDF_ID, "aead_id": AEAD_ID,
                  "name": kem.suite_label},
        "district_key_fingerprint": manifest.district_key_fingerprint,
        "school_key_fingerprint": manifest.school_key_fingerprint,
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in manifest.files],
    }
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def decode_manifest(data: bytes) -> Manifest:
    """Strict: a signed manifest that breaks these rules was made by a faulty program."""
    try:
        obj = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
        if not isinstance(obj, dict):
            raise ValueError("manifest is not an object")
        suite = _get(obj, "suite", dict)
        kem = KEMS.get(_get(suite, "kem", str))
        if kem is None or _get(suite, "kem_id", int) != kem.kem_id:
            raise ValueError("suite.kem")
        if _get(suite, "kdf_id", int) != KDF_ID or _get(suite, "aead_id", int) != AEAD_ID:
            raise ValueError("suite ids")
        if _get(obj, "format", str) != FORMAT_NAME:
            raise ValueError("format")
        files = tuple(_file_entry(e) for e in _get(obj, "files", list))
        manifest = Manifest(
            school_code=_get(obj, "school_code", str), school_name=_get(obj, "school_name", str),
            period=_get(obj, "period", str), created=_get(obj, "created", str),
            app_version=_get(obj, "app_version", str), kem=kem.name,
            district_key_fingerprint=_get(obj, "district_key_fingerprint", str),
            school_key_fingerprint=_get(obj, "school_key_fingerprint", str),
            files=files, format_version=_get(obj, "format_version", int))
    except (UnicodeDecodeError, ValueError, TypeError) as err:
        raise MalformedError(f"清单无法解析：{err}") from None
    _check_decoded(manifest)
    return manifest


def _check_decoded(m: Manifest) -> None:
    problems = []
    if m.format_version != FORMAT_VERSION:
        problems.append("清单版本")
    if not _SCHOOL_CODE.fullmatch(m.school_code):
        problems.append("学校代码")
    if not _PERIOD.fullmatch(m.period):
        problems.append("学期")
    if not _CREATED.fullmatch(m.created):
        problems.append("生成时间")
    for fp in (m.district_key_fingerprint, m.school_key_fingerprint):
        if not _FINGERPRINT.fullmatch(fp):
            problems.append("密钥指纹")
    names = [f.name for f in m.files]
    if not names or len(names) > MAX_FILES or names != sorted(set(names)):
        problems.append("文件列表须非空、按名称排序且不重复")
    problems.extend(p for p in map(check_file_name, names) if p)
    if problems:
        raise MalformedError("清单中：" + "；".join(problems))


def _file_entry(entry: object) -> ManifestFile:
    if not isinstance(entry, dict):
        raise ValueError("files[]")
    size = _get(entry, "size", int)
    digest = _get(entry, "sha256", str)
    if size < 0 or not _SHA256_HEX.fullmatch(digest):
        raise ValueError("files[].size/sha256")
    return ManifestFile(_get(entry, "name", str), size, digest)


def _get(obj: dict, key: str, kind: type):
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"字段 {key}")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("重复的字段")
    return dict(pairs)


def _has_control(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)
