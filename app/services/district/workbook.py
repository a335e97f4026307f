"""The district summary workbook (per-school rows, then district totals) and, apart from
it, the district's merged key-student list.

Summary layout (docs/DISTRICT_EXPORT.md): 说明 · 学校清单 (every file, accepted or refused
with its reason) · 参测情况 · one 分级 sheet per instrument (a block per scale: schools'
whole-school rows, the district total, and the district by gender and grade) · 筛查建议预警
· 预警等级人数 · 转介情况 · 与上次比较 · 重点学生报送情况 (each school's mode, level counts and
list size — counts only). A total that includes a suppressed cell is written "≥N" (N = the
known counts plus one for each "<5"), never a guess.

The students the schools list (by code, or by name where the policy says so) go to a
separate workbook (`key_list_workbook`), written only when asked for: the summary is the
file that travels — to the bureau's leaders, into reports — and must never carry a
student's row; the list is kept like the schools' own lists.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.deployment import KEY_STUDENT_MODES
from app.services.district.aggregate import KEY_LIST_COLUMNS, Collected, Submission
from app.services.district.files import utc_text
from app.services.sheet_output import (
    append_row,
    fit_widths,
    header_filter,
    print_setup,
    sheet_title,
)

_TOTAL = PatternFill("solid", fgColor="FFF5D6")
_BOLD = Font(bold=True)
ATTENDANCE = (("due", "应测"), ("done", "完成"), ("leave", "请假"), ("exempt", "免测"),
              ("excluded", "已排除"))
LEVELS = (("crisis", "危机"), ("key", "重点关注"), ("general", "一般关注"), ("none", "无"))


class Sum:
    """Adds counts that may be suppressed: exact while every part is a number."""

    def __init__(self) -> None:
        self.known, self.small, self.hidden = 0, 0, 0

    def add(self, value: object) -> None:
        if isinstance(value, int | float):
            self.known += int(value)
        elif isinstance(value, str) and value.startswith("<"):
            self.small += 1
            self.hidden += 1
        elif value not in (None, ""):
            self.hidden += 1

    @property
    def exact(self) -> bool:
        return self.hidden == 0

    def merge(self, other: Sum) -> Sum:
        out = Sum()
        out.known, out.small = self.known + other.known, self.small + other.small
        out.hidden = self.hidden + other.hidden
        return out

    def value(self) -> int | str:
        return self.known if self.exact else f"≥{self.known + self.small}"


def _sum(values: Iterable[object]) -> Sum:
    s = Sum()
    for v in values:
        s.add(v)
    return s


def _pct(part: Sum, whole: Sum) -> float | str:
    if part.exact and whole.exact and whole.known:
        return round(100 * part.known / whole.known, 2)
    return ""


def _row(ws: Worksheet, cells: Sequence[object], text: Sequence[int] = (0,)) -> None:
    """Every row through sheet_output: what schools sent (names, campaign titles) may
    look like a formula and stays text; column 0, the 学校代码, is an identifier."""
    append_row(ws, cells, text_columns=text)


def _header(ws: Worksheet, cells: Sequence[object]) -> int:
    """The header row; returns its row number (for the filter and print titles)."""
    append_row(ws, cells, header=True)
    return ws.max_row


def _total_row(ws: Worksheet, cells: Sequence[object]) -> None:
    _row(ws, cells)
    for c in ws[ws.max_row]:
        c.font, c.fill = _BOLD, _TOTAL


def _widths(ws: Worksheet, first: Sequence[int]) -> None:
    for i, w in enumerate(first):
        ws.column_dimensions[get_column_letter(i + 1)].width = w


def _table(ws: Worksheet, header_row: int, columns: int) -> None:
    """A one-table sheet: filter on its header row, printed one page wide with the
    header on every page."""
    header_filter(ws, header_row, columns, ws.max_row)
    print_setup(ws, header_row=header_row, columns=columns)


def _schools(ws: Worksheet, c: Collected) -> None:
    top = _header(ws, ["学校代码", "学校名称", "学期", "生成时间（UTC）", "学校签名密钥指纹",
                       "文件", "状态", "原因"])
    for s in c.accepted:
        _row(ws, [s.school_code, s.school_name, s.period, _utc(s.created), s.key_fingerprint,
                  s.file.name, "已汇总", ""])
    for r in c.refused:
        _row(ws, [r.school_code, "", "", "", "", r.file.name, "已拒绝", r.reason])
    _widths(ws, [14, 24, 13, 22, 52, 40, 8, 80])
    for row in ws.iter_rows(min_row=2):
        row[7].alignment = Alignment(wrap_text=True)
    _table(ws, top, 8)


def _participation(ws: Worksheet, subs: Sequence[Submission]) -> None:
    top = _header(ws, ["学校代码", "学校名称", "测评批次", "量表", *(t for _, t in ATTENDANCE),
                       "完成率%"])
    per_instrument: dict[str, list[dict]] = {}
    for s in subs:
        for r in s.rows("participation"):
            if r["group_kind"] != "all":
                continue
            per_instrument.setdefault(r["instrument_name"], []).append(r)
            _row(ws, [s.school_code, s.school_name, r["campaign"], r["instrument_name"],
                      *(r[k] for k, _ in ATTENDANCE), r["completion_pct"]])
    for name, rows in per_instrument.items():
        sums = {k: _sum(r[k] for r in rows) for k, _ in ATTENDANCE}
        _total_row(ws, ["全区合计", f"{len(rows)} 个批次", "", name,
                        *(sums[k].value() for k, _ in ATTENDANCE),
                        _pct(sums["done"], sums["due"])])
    _widths(ws, [14, 24, 26, 30])
    _table(ws, top, 4 + len(ATTENDANCE) + 1)


def _band_sheets(wb: Workbook, subs: Sequence[Submission]) -> None:
    """One sheet per instrument; one block per scale. A school's row is keyed by school,
    counted campaigns and group: a version-1 file sends one row per campaign, and each
    keeps its own bands beside its own 计分人数 (a version-2 file sends one per term)."""
    blocks: dict[str, dict[tuple[str, str], list[tuple[Submission, dict]]]] = {}
    for s in subs:
        for r in s.rows("bands"):
            units = blocks.setdefault(r["instrument_name"], {})
            units.setdefault((r["unit"], r["unit_name"]), []).append((s, r))
    for instrument, units in blocks.items():
        ws = wb.create_sheet(sheet_title(f"分级-{instrument}", wb.sheetnames))
        for (_unit, unit_name), rows in units.items():
            bands: list[tuple[str, str]] = []
            for _, r in rows:
                if (r["band"], r["band_label"]) not in bands:
                    bands.append((r["band"], r["band_label"]))
            _row(ws, [unit_name], text=())
            ws[ws.max_row][0].font = Font(bold=True, size=12)
            _header(ws, ["学校代码", "学校名称", "测评批次", "分组",
                         *(label for _, label in bands), "计分人数"])
            names = {sub.school_code: sub.school_name for sub, _ in rows}
            table: dict[tuple[str, str, str], dict[str, object]] = {}
            groups: dict[str, str] = {}
            for sub, r in rows:
                group = f"{r['group_kind']}:{r['group_value'] or ''}"
                groups.setdefault(group, r["group"])
                key = (sub.school_code, r["campaign"], group)
                table.setdefault(key, {"scored": r["scored"]})[r["band"]] = r["count"]
            for (code, campaign, group), cell in table.items():
                if group == "all:":
                    _row(ws, [code, names[code], campaign, "全校",
                              *(cell.get(b) for b, _ in bands), cell["scored"]])
            by_group: dict[str, list[tuple[str, dict[str, object]]]] = {}
            for (code, _, group), cell in table.items():
                by_group.setdefault(group, []).append((code, cell))
            for group, label in groups.items():
                members = [cell for _, cell in by_group[group]]
                schools = len({code for code, _ in by_group[group]})
                sums = [_sum(m.get(b) for m in members) for b, _ in bands]
                scored = _sum(m["scored"] for m in members)
                _total_row(ws, ["全区", f"{schools} 所学校", "", "全区合计" if group == "all:"
                                else f"全区·{label}", *(x.value() for x in sums), scored.value()])
            ws.append([])
        _widths(ws, [14, 24, 26, 14] + [12] * 8)
        print_setup(ws, header_row=None, columns=ws.max_column)


def _levels(ws: Worksheet, subs: Sequence[Submission]) -> None:
    top = _header(ws, ["学校代码", "学校名称", *(t for _, t in LEVELS), "在校人数"])
    sums = {k: Sum() for k, _ in LEVELS}
    for s in subs:
        counts = {r["level"]: r["count"] for r in s.rows("key_students")
                  if r["group_kind"] == "all"}
        for k, _ in LEVELS:
            sums[k].add(counts.get(k))
        _row(ws, [s.school_code, s.school_name, *(counts.get(k) for k, _ in LEVELS),
                  _sum(counts.values()).value()])
    everyone = Sum()
    for x in sums.values():
        everyone = everyone.merge(x)
    _total_row(ws, ["全区合计", f"{len(subs)} 所学校", *(sums[k].value() for k, _ in LEVELS),
                    everyone.value()])
    _widths(ws, [14, 24])
    _table(ws, top, 3 + len(LEVELS))


def _suggested(ws: Worksheet, subs: Sequence[Submission]) -> None:
    top = _header(ws, ["学校代码", "学校名称", "测评批次", "量表", *(t for _, t in LEVELS),
                       "答卷数"])
    per_instrument: dict[str, list[dict]] = {}
    for s in subs:
        rows: dict[str, dict] = {}
        for r in s.rows("warnings"):
            row = rows.setdefault(r["campaign"], {"name": r["instrument_name"],
                                                  "sheets": r["sheets"]})
            row[r["level"]] = r["count"]
        for campaign, row in rows.items():
            per_instrument.setdefault(row["name"], []).append(row)
            _row(ws, [s.school_code, s.school_name, campaign, row["name"],
                      *(row.get(k) for k, _ in LEVELS), row["sheets"]])
    for name, rows in per_instrument.items():
        _total_row(ws, ["全区合计", f"{len(rows)} 个批次", "", name,
                        *(_sum(r.get(k) for r in rows).value() for k, _ in LEVELS),
                        _sum(r["sheets"] for r in rows).value()])
    _widths(ws, [14, 24, 26, 30])
    _table(ws, top, 5 + len(LEVELS))


def _referrals(ws: Worksheet, subs: Sequence[Submission]) -> None:
    measures = (("opened_in_period", "本学期开启的转介"), ("open_now", "报送时进行中的转介"))
    top = _header(ws, ["学校代码", "学校名称", *(t for _, t in measures)])
    sums = {k: Sum() for k, _ in measures}
    for s in subs:
        counts = {r["measure"]: r["count"] for r in s.rows("referrals")}
        if not counts:
            continue
        for k, _ in measures:
            sums[k].add(counts.get(k))
        _row(ws, [s.school_code, s.school_name, *(counts.get(k) for k, _ in measures)])
    _total_row(ws, ["全区合计", "", *(sums[k].value() for k, _ in measures)])
    _widths(ws, [14, 24, 20, 20])
    _table(ws, top, 2 + len(measures))


def _simple(ws: Worksheet, subs: Sequence[Submission], code: str, keys: Sequence[str],
            titles: Sequence[str]) -> None:
    top = _header(ws, ["学校代码", "学校名称", *titles])
    for s in subs:
        for r in s.rows(code):
            _row(ws, [s.school_code, s.school_name, *(r[k] for k in keys)])
    _widths(ws, [14, 24, 26])
    _table(ws, top, 2 + len(titles))


def _key_student_schools(ws: Worksheet, subs: Sequence[Submission]) -> int:
    """One row per school saying how it reports key students: its mode, its exact
    school-wide level counts and how many students its list holds (or why it could not
    be read). Counts only, so it belongs in the summary."""
    levels = LEVELS[:-1]
    top = _header(ws, ["学校代码", "学校名称", "报送方式", *(t for _, t in levels), "名单人数",
                       "说明"])
    for s in subs:
        counts = {r["level"]: r["count"] for r in s.rows("key_students")
                  if r["group_kind"] == "all"}
        listed = "—" if s.key_students == "counts" else len(s.key_list)
        _row(ws, [s.school_code, s.school_name, _mode(s), *(counts.get(k) for k, _ in levels),
                  listed, s.key_list_problem])
    _widths(ws, [14, 24, 26, 10, 10, 10, 10, 30])
    return top


_LIST_DATES = ("since", "next_followup")
_LIST_TEXT = ("code", "student_no")


def _key_student_rows(ws: Worksheet, subs: Sequence[Submission]) -> int:
    """The listed students with their school in front, so the district can filter across
    schools. A school that sends counts only, or whose list is empty or unreadable, gets
    one line saying so. Returns the header's row number (its filter sits on it)."""
    top = _header(ws, ["学校代码", "学校名称", "报送方式", *(t for _, t in KEY_LIST_COLUMNS)])
    text = [0, *(3 + i for i, (k, _) in enumerate(KEY_LIST_COLUMNS) if k in _LIST_TEXT)]
    for s in subs:
        if s.key_list:
            for r in s.key_list:
                _row(ws, [s.school_code, s.school_name, _mode(s),
                          *(_list_value(k, r.get(k)) for k, _ in KEY_LIST_COLUMNS)], text)
            continue
        if s.key_students == "counts":
            total = _sum(r["count"] for r in s.rows("key_students")
                         if r["group_kind"] == "all" and r["level"] != "none")
            why = f"只报人数：共 {total.value()} 人，无逐人记录"
        else:
            why = s.key_list_problem or "名单为空：报送时没有重点学生"
        _row(ws, [s.school_code, s.school_name, _mode(s), why])
    header_filter(ws, top, 3 + len(KEY_LIST_COLUMNS), ws.max_row)
    return top


def _utc(text: str) -> datetime | str:
    """A manifest's UTC time ("2026-01-20T08:00:00Z") as a date-time cell."""
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return text


def _list_value(key: str, value: object) -> object:
    """A school's list cell as the district writes it: dates as dates (a list written
    before dates were dates holds ISO text), IDs as text, blanks blank."""
    if key in _LIST_DATES:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
    if key in _LIST_TEXT and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    return value


def key_list_workbook(c: Collected, created: datetime) -> bytes:
    """The district's key-student list (心理危机学生动态信息库 across schools): each
    school's reporting line, then every student the schools listed, sorted by school.
    The 学籍号 and 编码 columns are as wide as their longest value, the filter sits on
    the students' header row, and that row repeats on every printed page."""
    wb = Workbook()
    ws = wb.active
    ws.title = "重点学生名单"
    _row(ws, [f"各校重点学生名单（学期 {c.period or '—'}，汇总时间 UTC {utc_text(created)}）"],
         text=())
    ws["A1"].font = Font(bold=True, size=14)
    _row(ws, ["按学校代码排列。各校按区里部署文件规定的方式报送：只报人数的学校没有逐人记录；"
              "编码由学校的密钥生成，区里无法由编码查到学生；实名名单含姓名和学籍号。"
              "本表含学生的逐人记录，请按区里对重点学生名单的规定保管，不要随汇总表外发。"],
         text=())
    ws.append([])
    _key_student_schools(ws, c.accepted)
    ws.append([])
    top = _key_student_rows(ws, c.accepted)
    rows = [list(r) for r in ws.iter_rows(min_row=top, values_only=True)]
    exact = [3 + i for i, (k, _) in enumerate(KEY_LIST_COLUMNS) if k in _LIST_TEXT]
    fit_widths(ws, rows, minimum=6, maximum=30, exact=exact)
    print_setup(ws, header_row=top, columns=3 + len(KEY_LIST_COLUMNS))
    return _saved(wb)


def _exact_note(subs: Sequence[Submission]) -> list[list[str]]:
    """Schools that sent exact counts (policy cells = "exact"): their rows here show
    small cells as they are, so the workbook must then stay with the bureau. The
    district's own suppression of what it publishes is not built yet (issue 19)."""
    exact = [s.school_code for s in subs if s.cells == "exact"]
    if not exact:
        return []
    return [["实数报送", f"{len(exact)} 所学校按区里规定报送实数、未隐去小单元格（"
                        f"{'、'.join(exact)}）：本表含这些学校的小单元格实数，"
                        "只供区教育局内部统计，不要外发。"]]


def _saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _mode(s: Submission) -> str:
    return KEY_STUDENT_MODES.get(s.key_students, s.key_students)


def district_workbook(c: Collected, created: datetime) -> bytes:
    wb = Workbook()
    about = wb.active
    about.title = "说明"
    for row in (["青心 区级学期报送汇总"], ["学期", c.period],
                ["汇总时间（UTC）", utc_text(created)],
                ["已汇总", f"{len(c.accepted)} 所学校"],
                ["已拒绝", f"{len(c.refused)} 个文件（原因见“学校清单”）"],
                ["小单元格", "各校报送时已把 1–4 人（按各校部署文件的 min_cell）的格子写作“<5”，"
                            "为防反推一并隐去的写作“*”；汇总保留这些标记。"],
                ["合计", "含隐去格的合计写作“≥N”：N 为已知人数加上每个“<5”格至少 1 人；"
                        "全部为数字时为实数。"],
                ["重点学生", "本表只含各校的报送方式和人数；各校逐人报送的名单另存"
                            "（district aggregate --key-list-out），按重点学生名单的规定保管。"],
                *_exact_note(c.accepted)):
        _row(about, row, text=())
    about["A1"].font = Font(bold=True, size=14)
    _widths(about, [16, 100])
    print_setup(about, header_row=None, columns=2)
    subs = c.accepted
    _schools(wb.create_sheet("学校清单"), c)
    _participation(wb.create_sheet("参测情况"), subs)
    _band_sheets(wb, subs)
    _suggested(wb.create_sheet("筛查建议预警"), subs)
    _levels(wb.create_sheet("预警等级人数"), subs)
    _referrals(wb.create_sheet("转介情况"), subs)
    _simple(wb.create_sheet("与上次比较"), subs, "change",
            ("campaign", "previous_campaign", "unit_name", "concern", "scored", "share_pct",
             "previous_concern", "previous_scored", "previous_share_pct", "change_points"),
            ("测评批次", "上次批次", "分量表", "本次需关注", "本次计分人数", "本次占比%",
             "上次需关注", "上次计分人数", "上次占比%", "变化（百分点）"))
    schools = wb.create_sheet("重点学生报送情况")
    _table(schools, _key_student_schools(schools, subs), 3 + len(LEVELS[:-1]) + 2)
    return _saved(wb)
