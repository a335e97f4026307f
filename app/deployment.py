"""The district's deployment file (deploy.toml): what district IT decides for a school.

District IT places it beside the program at installation (or in ProgramData, or names
it with QINGXIN_DEPLOY). It says which school this installation serves, the district's
public key for sealed exports, the green-channel hospitals for referrals, what the term
reports must contain, and where the data lives. The school cannot change it from the app.
On Windows a file the program finds by itself must be owned by an administrator
(app/winacl.py): a file any user dropped into a writable folder there is refused.

`load_deployment()` is the whole API: it finds the file, checks every key and returns a
frozen `Deployment`. Without a file it returns the defaults (no district key: exports
cannot be sealed until district IT provides one). A mistake is a `BadInputError` naming
the file and the key (``[report_policy].min_cell``), in Chinese, so district IT can fix
it from the message alone. Unknown keys are errors too: a misspelt key silently ignored
would leave a policy the district believes it set. resources/deploy.example.toml shows
every key.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from platformdirs import site_config_dir

from app import APP_NAME
from app.errors import BadInputError
from app.sheet_limits import DEFAULT_LIMITS, SheetLimits
from app.winacl import admin_owned

if TYPE_CHECKING:
    from app.seal import DistrictPublicKey

DEPLOY_ENV = "QINGXIN_DEPLOY"
DEPLOY_FILENAME = "deploy.toml"

#: Aggregates a term report can contain, in the order reports list them.
AGGREGATES: dict[str, str] = {
    "participation": "参测情况（应测/完成/请假/免测）",
    "bands": "各量表分级人数与占比",
    "gender": "分级人数按性别",
    "grade": "分级人数按年级",
    "warnings": "筛查建议预警与当前预警等级人数",
    "change": "与上次同一量表测评的比较",
    "referrals": "本学期转介人数",
}
#: How key students (students at a warning level) are reported.
CONSENT_POLICIES: dict[str, str] = {
    "none": "不按知情同意筛选",
    "opt-out": "默认参加，登记为“不同意”的学生不测、不计分",
    "opt-in": "只测登记为“已同意”的学生",
}
"""[screening].consent: whose answers are taken (app/services/screening/consent.py)."""
GRADE_POLICIES: dict[str, str] = {
    "reason": "量表适用年级以外的班级须写明原因",
    "refuse": "不允许对量表适用年级以外的班级施测",
}
"""[screening].outside_grades: a campaign for classes outside the instrument's grades."""

KEY_STUDENT_MODES: dict[str, str] = {
    "counts": "只报人数",
    "pseudonymous": "逐人报送，以编码代替姓名",
    "named": "逐人报送，含姓名和学籍号",
}
CELL_MODES: dict[str, str] = {
    "suppressed": "小格隐去（经区间审核）",
    "exact": "实数，不隐去（区教育局自用统计）",
}
DEFAULT_BACKUP_REMINDER_DAYS = 7
DEFAULT_HOTLINES: tuple[str, ...] = ("12355 青少年服务台（心理援助）", "12320 卫生热线（心理援助）")
"""Printed on letters going home unless [letters].hotlines says otherwise."""
"""Remind the school to back up when the last backup is older than this many days."""
DEFAULT_FOLLOWUP_DAYS: dict[str, int] = {"crisis": 7, "key": 14, "general": 90}
"""Days between routine follow-ups per warning level: 危机 weekly, 重点关注 fortnightly,
一般关注 each 90 days. `[followup]` in deploy.toml may change each (1–365)."""
_SCHOOL_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,31}")  # as the sealed format's


@dataclass(frozen=True)
class Hospital:
    """A green-channel (绿色通道) hospital the referral workflow offers."""

    name: str
    department: str = ""
    phone: str = ""
    address: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.department}".strip()


@dataclass(frozen=True)
class ReportPolicy:
    aggregates: tuple[str, ...] = tuple(AGGREGATES)
    key_students: str = "counts"
    min_cell: int = 5
    """Counts from 1 to min_cell − 1 are shown as "<5" (and one more cell hidden where a
    total would give them away)."""
    min_interval: int = 1
    """How wide the range a "<5" cell could take, given everything the export publishes,
    must stay (statistics/disclosure_audit.py): 1 = it can never be worked out exactly."""
    cells: str = "suppressed"
    """"suppressed" (small cells hidden, audited) or "exact": the bureau's own statistics,
    sealed to it, with every count as it is (docs/DISTRICT_EXPORT.md §2)."""


@dataclass(frozen=True)
class Deployment:
    school_code: str = ""
    school_name: str = ""
    district_name: str = ""
    district_key: DistrictPublicKey | None = None
    accepted_suites: tuple[str, ...] | None = None
    """The sealing suites the district still accepts ([district].accepted_suites); None when
    the file does not say (any). A school refuses to seal with a suite not listed."""
    hospitals: tuple[Hospital, ...] = ()
    policy: ReportPolicy = field(default_factory=ReportPolicy)
    data_dir: Path | None = None
    auto_lock_minutes: int = 10
    backup_reminder_days: int = DEFAULT_BACKUP_REMINDER_DAYS
    followup_days: tuple[tuple[str, int], ...] = tuple(DEFAULT_FOLLOWUP_DAYS.items())
    """(level, days) pairs; a tuple so the deployment stays hashable and frozen."""
    sheet_limits: SheetLimits = DEFAULT_LIMITS
    """The most rows, columns and MB of content an imported file may have."""
    hotlines: tuple[str, ...] = DEFAULT_HOTLINES
    """The help lines printed on letters going home ([letters].hotlines)."""
    consent: str = "none"
    """[screening].consent, a key of CONSENT_POLICIES."""
    outside_grades: str = "reason"
    """[screening].outside_grades, a key of GRADE_POLICIES."""
    source: Path | None = None
    """The file read, or None when the defaults are in use."""

    @property
    def hospital_labels(self) -> tuple[str, ...]:
        return tuple(h.label for h in self.hospitals)


def candidate_paths() -> list[Path]:
    """Where the file is looked for, in order: QINGXIN_DEPLOY, beside the program, then
    ProgramData (C:\\ProgramData\\Qingxin on Windows; the site config folder elsewhere)."""
    paths = []
    if os.environ.get(DEPLOY_ENV):
        paths.append(Path(os.environ[DEPLOY_ENV]))
    if getattr(sys, "frozen", False):
        paths.append(Path(sys.executable).resolve().parent / DEPLOY_FILENAME)
    else:
        paths.append(Path(__file__).resolve().parent.parent / DEPLOY_FILENAME)
    paths.append(Path(site_config_dir(APP_NAME, appauthor=False)) / DEPLOY_FILENAME)
    return paths


def load_deployment(path: Path | None = None) -> Deployment:
    """The deployment in force. A `path` given (or QINGXIN_DEPLOY set) must exist; when
    searching, no file at all means the defaults."""
    if path is None:
        explicit = bool(os.environ.get(DEPLOY_ENV))
        found = [p for p in candidate_paths() if p.is_file()]
        if not found:
            if explicit:
                raise BadInputError(f"找不到部署文件 {os.environ[DEPLOY_ENV]}"
                                    f"（环境变量 {DEPLOY_ENV} 指定）。")
            return Deployment()
        path = found[0]
        if not explicit and not admin_owned(path):
            raise BadInputError(
                f"部署文件 {path} 不是管理员放置的（文件所有者是普通用户），为安全起见不予采用。"
                "请信息老师删除它，再用 setup.exe /DEPLOY=… 放置部署文件（见部署说明 §3）。")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise BadInputError(f"找不到部署文件 {path}。") from None
    except UnicodeDecodeError:
        raise BadInputError(f"部署文件 {path} 应保存为 UTF-8 编码。") from None
    except OSError as err:
        raise BadInputError(f"无法读取部署文件 {path}。",
                            detail=f"{type(err).__name__}: {err.errno}") from None
    return parse_deployment(text, path)


def parse_deployment(text: str, path: Path) -> Deployment:
    """Check and convert the file's text; relative paths are relative to its folder."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadInputError(f"部署文件 {path} 格式有误（TOML）：{err}"
                            + _backslash_advice(text, str(err))) from None
    r = _Reader(path)
    r.unknown(raw, {"school", "district", "hospitals", "report_policy", "app", "followup",
                    "import", "letters", "screening"}, "")
    school = r.table(raw, "school")
    district = r.table(raw, "district")
    policy = r.table(raw, "report_policy")
    app = r.table(raw, "app")
    followup = r.table(raw, "followup")
    limits = r.table(raw, "import")
    letters = r.table(raw, "letters")
    r.unknown(letters, {"hotlines"}, "letters")
    screening = r.table(raw, "screening")
    r.unknown(screening, {"consent", "outside_grades"}, "screening")
    r.unknown(school, {"code", "name"}, "school")
    r.unknown(district, {"name", "public_key", "public_key_file", "accepted_suites"},
              "district")
    r.unknown(policy, {"aggregates", "key_students", "min_cell", "min_interval",
                       "cells"}, "report_policy")
    r.unknown(app, {"data_dir", "auto_lock_minutes", "backup_reminder_days"}, "app")
    r.unknown(limits, {"max_rows", "max_columns", "max_megabytes"}, "import")
    code = r.text(school, "code", "school")
    if code and not _SCHOOL_CODE.fullmatch(code):
        r.fail("[school].code", "只能由字母、数字、下划线和连字符组成，最多 32 个字符"
                                "（填学校标识码）")
    data_dir = r.path_text(app, "data_dir", "app")
    return Deployment(
        school_code=code,
        school_name=r.text(school, "name", "school", limit=100),
        district_name=r.text(district, "name", "district", limit=100),
        district_key=_district_key(r, district),
        accepted_suites=_accepted_suites(r, district),
        hospitals=_hospitals(r, raw.get("hospitals", [])),
        policy=ReportPolicy(
            aggregates=_aggregates(r, policy),
            key_students=r.choice(policy, "key_students", "report_policy", KEY_STUDENT_MODES,
                                  "counts"),
            min_cell=r.integer(policy, "min_cell", "report_policy", 5, 1, 100),
            min_interval=r.integer(policy, "min_interval", "report_policy", 1, 1, 98),
            cells=r.choice(policy, "cells", "report_policy", CELL_MODES, "suppressed")),
        data_dir=(path.parent / Path(data_dir).expanduser()) if data_dir else None,
        auto_lock_minutes=r.integer(app, "auto_lock_minutes", "app", 10, 1, 240),
        backup_reminder_days=r.integer(app, "backup_reminder_days", "app",
                                       DEFAULT_BACKUP_REMINDER_DAYS, 1, 90),
        followup_days=_followup_days(r, followup),
        sheet_limits=SheetLimits(
            rows=r.integer(limits, "max_rows", "import", DEFAULT_LIMITS.rows, 10, 1_048_576),
            columns=r.integer(limits, "max_columns", "import", DEFAULT_LIMITS.columns, 10,
                              16_384),
            megabytes=r.integer(limits, "max_megabytes", "import", DEFAULT_LIMITS.megabytes,
                                1, 4096)),
        hotlines=_hotlines(r, letters),
        consent=r.choice(screening, "consent", "screening", CONSENT_POLICIES, "none"),
        outside_grades=r.choice(screening, "outside_grades", "screening", GRADE_POLICIES,
                                "reason"),
        source=path,
    )


def _hotlines(r: _Reader, letters: dict) -> tuple[str, ...]:
    """Each line as printed, e.g. "12355 青少年服务台"; an empty list prints none."""
    if "hotlines" not in letters:
        return DEFAULT_HOTLINES
    value = letters["hotlines"]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                              and len(v) <= 60 for v in value):
        r.fail("[letters].hotlines", '应为文字列表，每条不超过 60 字，如 ["12355 青少年服务台"]')
    return tuple(v.strip() for v in value)


def _district_key(r: _Reader, district: dict) -> DistrictPublicKey | None:
    inline = r.text(district, "public_key", "district", limit=10_000)
    file = r.path_text(district, "public_key_file", "district")
    if inline and file:
        r.fail("[district]", "public_key 与 public_key_file 只能填一个")
    if not (inline or file):
        return None
    from app.seal import SealError, load_district_public_key  # cryptography: only when set

    key_name = "[district].public_key" if inline else "[district].public_key_file"
    source: Path | bytes = inline.encode("utf-8") if inline else r.path.parent / file
    try:
        return load_district_public_key(source)
    except SealError as err:
        r.fail(key_name, err.message)


def _accepted_suites(r: _Reader, district: dict) -> tuple[str, ...] | None:
    if "accepted_suites" not in district:
        return None
    from app.seal.suites import KEMS

    value = district["accepted_suites"]
    if not isinstance(value, list) or not value or not all(v in KEMS for v in value):
        r.fail("[district].accepted_suites",
               "应为非空列表，可选 " + "、".join(f'"{k}"' for k in KEMS))
    return tuple(k for k in KEMS if k in value)


def _hospitals(r: _Reader, value: Any) -> tuple[Hospital, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.fail("[[hospitals]]", "应为表数组，每家医院一段 [[hospitals]]")
    hospitals = []
    for i, entry in enumerate(value, start=1):
        where = f"hospitals[{i}]"
        r.unknown(entry, {"name", "department", "phone", "address"}, where)
        name = r.text(entry, "name", where, limit=100)
        if not name:
            r.fail(f"[[hospitals]] 第 {i} 家的 name", "不能为空")
        hospitals.append(Hospital(name, r.text(entry, "department", where, limit=60),
                                  r.text(entry, "phone", where, limit=40),
                                  r.text(entry, "address", where, limit=200)))
    return tuple(hospitals)


def _followup_days(r: _Reader, table: dict) -> tuple[tuple[str, int], ...]:
    """`crisis_days`, `key_days`, `general_days`. Intervals were months before release
    2026-12 (never a deploy.toml key, only the program's default); a `*_months` key is
    refused with the days to write instead, so no district gets a silent conversion."""
    for key in sorted(table):
        level = key.removesuffix("_months")
        if key.endswith("_months") and level in DEFAULT_FOLLOWUP_DAYS:
            value = table[key]
            hint = (f"，如 {level}_days = {value * 30}" if isinstance(value, int)
                    and not isinstance(value, bool) else "")
            r.fail(f"[followup].{key}", f"随访间隔按天设置，请改用 {level}_days"
                                        f"（1 个月按 30 天计{hint}）")
    r.unknown(table, {f"{level}_days" for level in DEFAULT_FOLLOWUP_DAYS}, "followup")
    return tuple((level, r.integer(table, f"{level}_days", "followup", default, 1, 365))
                 for level, default in DEFAULT_FOLLOWUP_DAYS.items())


def _aggregates(r: _Reader, policy: dict) -> tuple[str, ...]:
    value = policy.get("aggregates", list(AGGREGATES))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        r.fail("[report_policy].aggregates", "应为字符串列表，如 [\"participation\", \"bands\"]")
    unknown = [v for v in value if v not in AGGREGATES]
    if unknown:
        r.fail("[report_policy].aggregates",
               f"不认识 {'、'.join(unknown)}；可选：{'、'.join(AGGREGATES)}")
    return tuple(code for code in AGGREGATES if code in value)


WINDOWS_PATH_ADVICE = ("Windows 路径请放在单引号中（data_dir = 'D:\\青心数据'），或改用正斜杠"
                       "（data_dir = \"D:/青心数据\"）：在 TOML 的双引号中反斜杠是转义符。")
_AT_LINE = re.compile(r"at line (\d+)")


def _backslash_advice(text: str, error: str) -> str:
    """For a TOML error about a backslash (a Windows path in double quotes): the key on
    that line and how to write the path."""
    if "\\" not in error and "escape" not in error.lower():
        return ""
    found = _AT_LINE.search(error)
    if found is None:
        return f"。{WINDOWS_PATH_ADVICE}"
    lines = text.splitlines()
    number = int(found.group(1))
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    key = line.split("=", 1)[0].strip() if "=" in line else ""
    tables = [ln.strip() for ln in lines[:number - 1] if ln.strip().startswith("[")]
    where = f"{tables[-1]}.{key}" if tables and key else key
    return f"。第 {number} 行 {where}：{WINDOWS_PATH_ADVICE}" if where else \
        f"。{WINDOWS_PATH_ADVICE}"


class _Reader:
    """Typed reads with a message naming the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, why: str) -> NoReturn:
        raise BadInputError(f"部署文件 {self.path} 中 {key} 有误：{why}。")

    def unknown(self, table: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            name = f"[{where}].{key}" if where else key
            self.fail(name, f"不认识这个键（可用：{'、'.join(sorted(allowed))}）")

    def table(self, raw: dict, key: str) -> dict:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.fail(f"[{key}]", "应为一个表（[" + key + "] 段）")
        return value

    def text(self, table: dict, key: str, where: str, limit: int = 500) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            self.fail(f"[{where}].{key}", "应为文本（加英文引号）")
        value = value.strip()
        if len(value) > limit:
            self.fail(f"[{where}].{key}", f"不能超过 {limit} 个字符")
        return value

    def path_text(self, table: dict, key: str, where: str) -> str:
        """A path: a control character in it is a Windows path in double quotes whose
        backslash TOML read as an escape ("D:\\new" holds a newline)."""
        value = self.text(table, key, where)
        if any(ord(c) < 32 for c in value):
            self.fail(f"[{where}].{key}",
                      f"含有控制字符（如换行、制表符）。{WINDOWS_PATH_ADVICE.rstrip('。')}")
        return value

    def integer(self, table: dict, key: str, where: str, default: int, low: int,
                high: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"[{where}].{key}", f"应为 {low}–{high} 的整数")
        return value

    def choice(self, table: dict, key: str, where: str, options: dict[str, str],
               default: str) -> str:
        value = table.get(key, default)
        if value not in options:
            listed = "、".join(f"{k}（{v}）" for k, v in options.items())
            self.fail(f"[{where}].{key}", f"应为以下之一：{listed}")
        return value
