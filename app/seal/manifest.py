"""The manifest (in clear, signed) and the contents list (encrypted): what a sealed file
says about itself, and to whom.

Version 2 splits what version 1 wrote in clear. The manifest holds only what routing and
verification need — school code, period, sequence number, suite and key fingerprints —
so a file found on a USB stick tells nothing about what it holds. File names, sizes and
SHA-256 digests, the school's name, the creation time and the program version travel in
the contents list, inside the ciphertext: a statistics file's hash can no longer be
matched against guessed counts.

Both are canonical JSON (`canonical_json`): the bytes a writer must produce are fixed,
and a reader refuses anything else — unknown or duplicate keys, other spacing, other
escaping. Version 1 manifests are still read (`decode_manifest(…, version=1)`).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from app import __version__
from app.seal.errors import MalformedError, SealInputError
from app.seal.suites import AEAD_ID, KDF_ID, KEMS, KemName

FORMAT_NAME = "qingxin-sealed-export"
FORMAT_VERSION = 2
MAX_FILES = 1000
MAX_NAME_CHARS = 128
MAX_SCHOOL_NAME_CHARS = 100
MAX_APP_VERSION_CHARS = 32
MAX_FILE_SIZE = 1 << 30
MAX_SEQUENCE = 2**31 - 1
RESERVED_NAME = "qxseal-manifest.json"
"""What `seal open` writes beside the files; no sealed file may hold a file of that name."""
ALLOWED_SUFFIXES = (".pdf", ".xlsx", ".json", ".csv", ".txt")
"""A sealed file carries documents, never programs: a name must end in one of these."""

_SCHOOL_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,31}")
_PERIOD = re.compile(r"([0-9]{4})-([0-9]{4})-([12])")
_FINGERPRINT = re.compile(r"[0-9A-F]{4}(-[0-9A-F]{4}){9}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CREATED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_APP_VERSION = re.compile(r"[\x21-\x7e]{1,32}")
_FORBIDDEN_NAME_CHARS = frozenset('/\\:*?"<>|')
_FORBIDDEN_RANGES = (
    (0x0000, 0x001F), (0x007F, 0x009F),  # C0, DEL, C1 controls
    (0x00AD, 0x00AD), (0x061C, 0x061C), (0x180E, 0x180E),  # soft hyphen, ALM, MVS
    (0x200B, 0x200F),  # zero widths, LRM, RLM
    (0x2028, 0x202E),  # line/paragraph separators, LRE RLE PDF LRO RLO
    (0x2060, 0x206F),  # word joiner, invisible operators, LRI RLI FSI PDI, deprecated
    (0xD800, 0xDFFF),  # surrogates
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),  # BOM / zero-width no-break, annotations
)
"""Code points refused in names: every control, every bidi control and the invisible
format characters — fixed ranges, not Unicode categories, so that readers built on
different Unicode versions agree."""
_WINDOWS_DEVICES = frozenset({
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"])})
_MANIFEST_KEYS = {"district_key_fingerprint", "format", "format_version", "period",
                  "school_code", "school_key_fingerprint", "sequence", "suite"}
_MANIFEST_V1_KEYS = {"app_version", "created", "district_key_fingerprint", "files", "format",
                     "format_version", "period", "school_code", "school_key_fingerprint",
                     "school_name", "suite"}
_SUITE_KEYS = {"aead_id", "kdf_id", "kem", "kem_id"}
_CONTENTS_KEYS = {"app_version", "created", "files", "school_name"}
_CONTENTS_OPTIONAL = frozenset({"audit_anchor"})
_ANCHOR_KEYS = {"last_hash", "last_id"}
MAX_AUDIT_ID = 2**63 - 1
_FILE_KEYS = {"name", "sha256", "size"}


@dataclass(frozen=True)
class AuditHead:
    """The school's audit chain as it stood when the file was sealed: the newest event's id
    and hash. The district keeps it with the file, so a school log whose newest events
    were later removed no longer holds this event with this hash (ARCHITECTURE.md)."""

    last_id: int
    last_hash: str


@dataclass(frozen=True)
class SealMeta:
    """Who seals what for when. `sequence` is the school's running number of sealed files
    (the district refuses a number it has passed); `created` defaults to now;
    `audit_anchor` is the school's audit head, carried in the contents list."""

    school_code: str
    school_name: str
    period: str
    sequence: int
    app_version: str = __version__
    created: datetime | None = None
    audit_anchor: AuditHead | None = None


@dataclass(frozen=True)
class ManifestFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Contents:
    """What a file holds, and the details a district needs only once it has opened it."""

    school_name: str
    created: str
    app_version: str
    files: tuple[ManifestFile, ...]
    audit_anchor: AuditHead | None = None


@dataclass(frozen=True)
class Manifest:
    """The signed manifest in clear. `sequence` is 0 for a version 1 file, which had none;
    `legacy_contents` is version 1's clear file list (None for version 2)."""

    school_code: str
    period: str
    sequence: int
    kem: KemName
    district_key_fingerprint: str
    school_key_fingerprint: str
    format_version: int = FORMAT_VERSION
    legacy_contents: Contents | None = None

    @property
    def suite_label(self) -> str:
        return KEMS[self.kem].suite_label


def canonical_json(obj: object) -> bytes:
    """The one byte string for `obj` (SEALED_FORMAT.md §3): keys sorted by code point, no
    whitespace, UTF-8, only `"`, `\\` and U+0000–U+001F escaped — RFC 8785 (JCS) for
    documents of strings, integers, lists and objects with ASCII keys."""
    try:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise SealInputError("文本中有无法编码为 UTF-8 的字符。") from None


def check_school_code(code: str) -> str | None:
    if not _SCHOOL_CODE.fullmatch(code):
        return (f"学校代码 {code!r} 不合规：只能由字母、数字、下划线和连字符组成，"
                "以字母或数字开头，最多 32 个字符")
    return None


def period_problem(period: str) -> str | None:
    """Why `period` is not a term, or None: "2026-2027-1" is the first term of school year
    2026-2027; the second year must be the first plus one (2026-2028-1 is refused)."""
    m = _PERIOD.fullmatch(period)
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        return (f"学期 {period!r} 不合规：应写作 2026-2027-1 这样的“学年起-学年止-第几学期”"
                "（学年止 = 学年起 + 1，学期为 1 或 2）")
    return None


def check_period(period: str) -> None:
    problem = period_problem(period)
    if problem:
        raise SealInputError(problem + "。")


def created_problem(created: str) -> str | None:
    """`created` must be a real UTC instant written YYYY-MM-DDTHH:MM:SSZ (seconds 00–59)."""
    if not _CREATED.fullmatch(created):
        return "生成时间格式不对"
    try:
        datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return "生成时间不是真实的日期时间"
    return None


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a sealed file's name, or None. The district opens files onto a
    Windows disk: names must be plain document names there — no folders, no device names,
    nothing invisible or reordering (an U+202E inside "xfdp.exe" shows it as "xexe.pdf"),
    no program."""
    if not name or len(name) > MAX_NAME_CHARS:
        return f"文件名长度应为 1–{MAX_NAME_CHARS} 个字符"
    if unicodedata.normalize("NFC", name) != name:
        return f"文件名 {name!r} 不是 Unicode NFC 规范形式"
    if any(ch in _FORBIDDEN_NAME_CHARS or _forbidden(ch) for ch in name):
        return (f"文件名 {name!r} 含有不允许的字符（/ \\ : * ? \" < > |、控制字符、"
                "双向文字控制符或不可见字符）")
    if name[0] in ". " or name[-1] in ". ":
        return f"文件名 {name!r} 不能以点或空格开头或结尾"
    lowered = _ascii_lower(name)
    if lowered == RESERVED_NAME:
        return f"文件名 {name!r} 留给解密时写出的清单使用"
    if not lowered.endswith(ALLOWED_SUFFIXES):
        return f"文件名 {name!r} 的扩展名不在 {'、'.join(ALLOWED_SUFFIXES)} 之中"
    if _ascii_upper(name.split(".")[0].rstrip(" ")) in _WINDOWS_DEVICES:
        return f"文件名 {name!r} 是 Windows 的保留设备名"
    return None


def text_problem(text: str, limit: int) -> bool:
    """A school name: 1–`limit` characters, not only spaces (U+0020, U+3000), none of the
    code points refused in file names."""
    return (not text.strip(" \u3000") or len(text) > limit
            or any(_forbidden(ch) for ch in text))


def check_meta(meta: SealMeta) -> None:
    problem = check_school_code(meta.school_code) or period_problem(meta.period)
    if problem:
        raise SealInputError(problem + "。")
    if text_problem(meta.school_name, MAX_SCHOOL_NAME_CHARS):
        raise SealInputError(f"学校名称不能为空，不能超过 {MAX_SCHOOL_NAME_CHARS} 个字符，"
                             "也不能含控制字符或不可见字符。")
    if not _APP_VERSION.fullmatch(meta.app_version):
        raise SealInputError("程序版本号无效。")
    if isinstance(meta.sequence, bool) or not isinstance(meta.sequence, int) \
            or not 1 <= meta.sequence <= MAX_SEQUENCE:
        raise SealInputError(f"报送序号 {meta.sequence!r} 无效：应为 1–{MAX_SEQUENCE} 的整数。")
    if meta.created is not None and meta.created.tzinfo is None:
        raise SealInputError("生成时间必须带时区。")
    if meta.audit_anchor is not None and anchor_problem(meta.audit_anchor):
        raise SealInputError("审计日志锚点无效。")


def anchor_problem(anchor: AuditHead) -> bool:
    """An audit head is an event id 1 … 2^63−1 and a lower-case hex SHA-256."""
    last_id = anchor.last_id
    return (isinstance(last_id, bool) or not isinstance(last_id, int)
            or not 1 <= last_id <= MAX_AUDIT_ID
            or not isinstance(anchor.last_hash, str)
            or not _SHA256_HEX.fullmatch(anchor.last_hash))


def build(files: Mapping[str, bytes], meta: SealMeta, kem_name: KemName,
          district_fingerprint: str, school_fingerprint: str) -> tuple[Manifest, Contents]:
    """The manifest and contents list for sealing `files`; refuses bad input up front."""
    check_meta(meta)
    if not files:
        raise SealInputError("没有要密封的文件。")
    if len(files) > MAX_FILES:
        raise SealInputError(f"一次最多密封 {MAX_FILES} 个文件。")
    for name in files:
        problem = name_problem(name) if isinstance(name, str) else "文件名必须是字符串"
        if problem:
            raise SealInputError(f"无法密封：{problem}。")
        if len(files[name]) > MAX_FILE_SIZE:
            raise SealInputError(f"无法密封：文件 {name} 超过 1 GB。")
    if len({name.casefold() for name in files}) != len(files):
        raise SealInputError("无法密封：有文件名只差大小写（在 Windows 上会互相覆盖）。")
    created = (meta.created or datetime.now(UTC)).astimezone(UTC)
    entries = tuple(ManifestFile(name, len(files[name]), hashlib.sha256(files[name]).hexdigest())
                    for name in sorted(files))
    manifest = Manifest(meta.school_code, meta.period, meta.sequence, kem_name,
                        district_fingerprint, school_fingerprint)
    contents = Contents(meta.school_name, created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        meta.app_version, entries, meta.audit_anchor)
    return manifest, contents


def encode_manifest(m: Manifest) -> bytes:
    kem = KEMS[m.kem]
    return canonical_json({
        "format": FORMAT_NAME, "format_version": m.format_version,
        "school_code": m.school_code, "period": m.period, "sequence": m.sequence,
        "suite": {"kem": kem.name, "kem_id": kem.kem_id, "kdf_id": KDF_ID, "aead_id": AEAD_ID},
        "district_key_fingerprint": m.district_key_fingerprint,
        "school_key_fingerprint": m.school_key_fingerprint})


def encode_contents(c: Contents) -> bytes:
    obj: dict[str, object] = {
        "school_name": c.school_name, "created": c.created, "app_version": c.app_version,
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in c.files]}
    if c.audit_anchor is not None:
        obj["audit_anchor"] = {"last_id": c.audit_anchor.last_id,
                               "last_hash": c.audit_anchor.last_hash}
    return canonical_json(obj)


def decode_manifest(data: bytes, version: int = FORMAT_VERSION) -> Manifest:
    """Strict: a signed manifest that breaks these rules was made by a faulty program."""
    try:
        obj = _parse(data)
        _exact_keys(obj, _MANIFEST_KEYS if version >= 2 else _MANIFEST_V1_KEYS, "清单")
        suite = _get(obj, "suite", dict)
        _exact_keys(suite, _SUITE_KEYS | ({"name"} if version == 1 else set()), "suite")
        kem = KEMS.get(_get(suite, "kem", str))
        if kem is None or _get(suite, "kem_id", int) != kem.kem_id:
            raise ValueError("suite.kem")
        if _get(suite, "kdf_id", int) != KDF_ID or _get(suite, "aead_id", int) != AEAD_ID:
            raise ValueError("suite ids")
        if _get(obj, "format", str) != FORMAT_NAME or _get(obj, "format_version", int) != version:
            raise ValueError("format / format_version")
        legacy = _contents_from(obj) if version == 1 else None
        if legacy is not None and _get(suite, "name", str) != kem.suite_label:
            raise ValueError("suite.name")
        manifest = Manifest(
            school_code=_get(obj, "school_code", str), period=_get(obj, "period", str),
            sequence=_get(obj, "sequence", int) if version >= 2 else 0, kem=kem.name,
            district_key_fingerprint=_get(obj, "district_key_fingerprint", str),
            school_key_fingerprint=_get(obj, "school_key_fingerprint", str),
            format_version=version, legacy_contents=legacy)
        if version >= 2 and encode_manifest(manifest) != data:
            raise ValueError("不是规范的 JSON 编码")
    except (UnicodeDecodeError, ValueError, TypeError) as err:
        raise MalformedError(f"清单无法解析：{err}") from None
    problems = [p for p in (check_school_code(manifest.school_code),
                            period_problem(manifest.period)) if p]
    if version >= 2 and not 1 <= manifest.sequence <= MAX_SEQUENCE:
        problems.append("报送序号")
    for fp in (manifest.district_key_fingerprint, manifest.school_key_fingerprint):
        if not _FINGERPRINT.fullmatch(fp):
            problems.append("密钥指纹")
    if problems:
        raise MalformedError("清单中：" + "；".join(problems))
    return manifest


def decode_contents(data: bytes) -> Contents:
    """The decrypted contents list, as strictly as the manifest."""
    try:
        obj = _parse(data)
        _exact_keys(obj, _CONTENTS_KEYS, "文件清单", optional=_CONTENTS_OPTIONAL)
        contents = _contents_from(obj)
        if "audit_anchor" in obj:
            contents = replace(contents, audit_anchor=_anchor_from(obj["audit_anchor"]))
        if encode_contents(contents) != data:
            raise ValueError("不是规范的 JSON 编码")
    except (UnicodeDecodeError, ValueError, TypeError) as err:
        raise MalformedError(f"文件清单无法解析：{err}") from None
    return contents


def _contents_from(obj: dict) -> Contents:
    """Shared by version 2's contents list and version 1's clear manifest; raises
    ValueError naming the first problem."""
    files = tuple(_file_entry(e) for e in _get(obj, "files", list))
    contents = Contents(_get(obj, "school_name", str), _get(obj, "created", str),
                        _get(obj, "app_version", str), files)
    problems = []
    if text_problem(contents.school_name, MAX_SCHOOL_NAME_CHARS):
        problems.append("学校名称")
    if not _APP_VERSION.fullmatch(contents.app_version):
        problems.append("程序版本号")
    created = created_problem(contents.created)
    if created:
        problems.append(created)
    names = [f.name for f in files]
    if not names or len(names) > MAX_FILES or names != sorted(set(names)):
        problems.append("文件列表须非空、按名称排序且不重复")
    elif len({n.casefold() for n in names}) != len(names):
        problems.append("文件名只差大小写")
    problems.extend(p for p in map(name_problem, names) if p)
    if problems:
        raise ValueError("；".join(problems))
    return contents


def _anchor_from(entry: object) -> AuditHead:
    if not isinstance(entry, dict):
        raise ValueError("audit_anchor")
    _exact_keys(entry, _ANCHOR_KEYS, "audit_anchor")
    anchor = AuditHead(_get(entry, "last_id", int), _get(entry, "last_hash", str))
    if anchor_problem(anchor):
        raise ValueError("audit_anchor.last_id/last_hash")
    return anchor


def _file_entry(entry: object) -> ManifestFile:
    if not isinstance(entry, dict):
        raise ValueError("files[]")
    _exact_keys(entry, _FILE_KEYS, "files[]")
    size = _get(entry, "size", int)
    digest = _get(entry, "sha256", str)
    if not 0 <= size <= MAX_FILE_SIZE or not _SHA256_HEX.fullmatch(digest):
        raise ValueError("files[].size/sha256")
    return ManifestFile(_get(entry, "name", str), size, digest)


def _parse(data: bytes) -> dict:
    obj = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys,
                     parse_float=_no_float, parse_constant=_no_float)
    if not isinstance(obj, dict):
        raise ValueError("不是 JSON 对象")
    return obj


def _exact_keys(obj: dict, allowed: set[str], where: str,
                optional: frozenset[str] = frozenset()) -> None:
    unknown, missing = set(obj) - allowed - optional, allowed - set(obj)
    if unknown:
        raise ValueError(f"{where}中有不认识的字段 {'、'.join(sorted(unknown))}")
    if missing:
        raise ValueError(f"{where}中缺少字段 {'、'.join(sorted(missing))}")


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


def _no_float(text: str) -> object:
    raise ValueError(f"不允许的数值 {text}")


def _forbidden(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _FORBIDDEN_RANGES)


def _ascii_lower(text: str) -> str:
    return text.translate(_LOWER)


def _ascii_upper(text: str) -> str:
    return text.translate(_UPPER)


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
