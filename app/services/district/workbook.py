"""The district summary workbook (per-school rows, then district totals) and, apart from
it, the district's merged key-student list.

Summary layout (docs/DISTRICT_EXPORT.md): 说明 · 学校清单 (every file, accepted or refused
with its reason) · 参测情况 · one 分级 sheet per instrument (a block per scale: schools'
whole-school rows, the district total, and the district by gender and grade) · 筛查建议预警
· 预警等级人数 · 转介情况 · 与上次比较 · 重点学生报送情况 (each school's mode, level counts and
list size — counts only). Every count comes from published.py: under the district's
policy the published cells are suppressed and audited like a school's export, and a
total that includes a cell a school hid is printed as the range the schools' tables
allow ("a–b"), never a guess.

The students the schools list (by code, or by name where the policy says so) go to a
separate workbook (`key_list_workbook`), written only when asked for: the summary is the
file that travels — to the bureau's leaders, into reports — and must never carry a
student's row; the list is kept like the schools' own lists.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime

from app.deployment import KEY_STUDENT_MODES, ReportPolicy
from app.gc_pause import gc_paused
from app.instruments.warning import WARNING_LABELS
from app.reports.sheets import (
    HEADING,
    ID,
    RATE,
    TEXT,
    TITLE,
    Book,
    Column,
    Fit,
    Line,
    Sheet,
    Table,
    rate,
)
from app.services.district.aggregate import KEY_LIST_COLUMNS, Collected, Submission
from app.services.district.files import utc_text
from app.services.district.published import (
    ALL,
    LEVEL_CODES,
    Published,
    derived,
    publish,
    received,
)
from app.services.referral.steps import OUTCOMES
from app.terms import period_text

ATTENDANCE = (("due", "应测"), ("done", "完成"), ("leave", "请假"), ("exempt", "免测"),
              ("excluded", "已排除"))
LEVELS = tuple((code, WARNING_LABELS[code]) for code in LEVEL_CODES)


def _pct(pub: Published, part: Hashable, whole: Hashable) -> float | None:
    """A rate from two printed numbers (none when either is hidden or a range)."""
    a, b = pub.known(part), pub.known(whole)
    return rate(a, b) if a is not None and b is not None else None


def _columns(names: Sequence[str], rates: Sequence[int] = ()) -> tuple[Column, ...]:
    """Column 0, the 学校代码, is an identifier; what schools sent (names, campaign titles)
    may look like a formula and stays text (the renderer's rule for every text cell)."""
    return tuple(Column(n, ID if i == 0 else RATE if i in rates else TEXT)
                 for i, n in enumerate(names))


def _table(title: str, names: Sequence[str], rows: Sequence[Sequence[object]],
           totals: Sequence[Sequence[object]] = (), *, widths: Sequence[int],
           rates: Sequence[int] = (), wrap: int | None = None) -> Sheet:
    """A one-table sheet: filter on its header row, printed one page wide with the
    header on every page."""
    cols = _columns(names, rates)
    if wrap is not None:
        cols = tuple(Column(c.name, c.kind, wrap=i == wrap) for i, c in enumerate(cols))
    return Sheet(title, (Table(cols, tuple(map(tuple, rows)), tuple(map(tuple, totals)),
                               filtered=True),), widths=tuple(widths))


def _schools(c: Collected) -> Sheet:
    rows = [[s.school_code, s.school_name, s.period, _utc(s.created), s.key_fingerprint,
             s.file.name, "已汇总", ""] for s in c.accepted]
    rows += [[r.school_code, "", "", "", "", r.file.name, "已拒绝", r.reason]
             for r in c.refused]
    return _table("学校清单", ["学校代码", "学校名称", "学期", "生成时间（UTC）",
                              "学校签名密钥指纹", "文件", "状态", "原因"], rows,
                  widths=[14, 24, 13, 22, 52, 40, 8, 80], wrap=7)


def _frame(subs: Sequence[Submission], table: str,  # type: ignore[no-untyped-def]
           columns: Sequence[str]):
    """Every school's rows of one table as one DataFrame, the school's code in front;
    `columns` are the table's codes read (absent ones None). pandas is imported here,
    when a district aggregates, never at start-up."""
    import pandas as pd

    rows = [(s.school_code, *(r.get(c) for c in columns)) for s in subs for r in s.rows(table)]
    return pd.DataFrame(rows, columns=["school", *columns], dtype=object)


def _participation(subs: Sequence[Submission], pub: Published) -> Sheet:
    names = ["学校代码", "学校名称", "测评批次", "量表", *(t for _, t in ATTENDANCE), "完成率%"]
    frame = _frame(subs, "participation", ("group_kind", "campaign", "instrument_name"))
    frame = frame[frame["group_kind"] == "all"]
    school_names = {s.school_code: s.school_name for s in subs}
    rows, totals = [], []
    for code, campaign, name in frame[["school", "campaign", "instrument_name"]].itertuples(
            index=False, name=None):
        key = ("att", code, campaign, name, "全校")
        rows.append([code, school_names[code], campaign, name,
                     *(pub[(*key, k)] for k, _ in ATTENDANCE),
                     _pct(pub, (*key, "done"), (*key, "due"))])
    for name, count in _per_instrument(frame).items():
        key = ("att", None, None, name, "全校")
        totals.append(["全区合计", f"{count} 个批次", "", name,
                       *(pub[(*key, k)] for k, _ in ATTENDANCE),
                       _pct(pub, (*key, "done"), (*key, "due"))])
    return _table("参测情况", names, rows, totals, widths=[14, 24, 26, 30],
                  rates=[4 + len(ATTENDANCE)])


def _band_sheets(subs: Sequence[Submission], pub: Published,
                 sums: dict[tuple[str, str], tuple[str, tuple[str, ...], int]]
                 ) -> list[Sheet]:
    """One sheet per instrument; one block per scale. A school's row is keyed by school,
    counted campaigns and group: a version-1 file sends one row per campaign, and each
    keeps its own bands beside its own 计分人数 (a version-2 file sends one per term).
    Instruments, scales, bands, schools and groups keep the order the schools sent them
    in (groupby without sorting, first occurrences). Under a scale's district rows, the
    exact sum of its bands above the mildest of 需关注 where published.derived finds one."""
    frame = _frame(subs, "bands", ("instrument_name", "unit", "unit_name", "band",
                                   "band_label", "group_kind", "group_value", "group",
                                   "campaign"))
    frame["key"] = [f"{kind}:{value or ''}" for kind, value in
                    zip(frame["group_kind"], frame["group_value"], strict=True)]
    names = {sub.school_code: sub.school_name for sub in subs}
    sheets = []
    for instrument, rows_i in frame.groupby("instrument_name", sort=False, dropna=False):
        parts: list[Table | Line] = []
        for (unit, unit_name), rows in rows_i.groupby(["unit", "unit_name"], sort=False,
                                                      dropna=False):
            bands = list(rows[["band", "band_label"]].drop_duplicates()
                         .itertuples(index=False, name=None))
            groups = rows.drop_duplicates("key")[["key", "group"]]
            senders = rows.groupby("key", sort=False)["school"].nunique()
            schools = rows.loc[rows["key"] == ALL, ["school", "campaign"]].drop_duplicates()
            body = []
            for code, campaign in schools.itertuples(index=False, name=None):
                key = ("band", code, campaign, instrument, unit, ALL)
                body.append((code, names[code], campaign, "全校",
                             *(pub[(*key, b)] for b, _ in bands), pub[(*key, "scored")]))
            totals = []
            for group, label in groups.itertuples(index=False, name=None):
                key = ("band", None, None, instrument, unit, group)
                totals.append(("全区", f"{senders[group]} 所学校", "",
                               "全区合计" if group == ALL else f"全区·{label}",
                               *(pub[(*key, b)] for b, _ in bands), pub[(*key, "scored")]))
            header = ["学校代码", "学校名称", "测评批次", "分组", *(lb for _, lb in bands),
                      "计分人数"]
            parts += [Line((unit_name,), HEADING),
                      Table(_columns(header), tuple(body), tuple(totals))]
            if (instrument, unit) in sums:
                parts.append(_derived_line(bands, *sums[(instrument, unit)]))
            parts.append(Line())
        sheets.append(Sheet(f"分级-{instrument}", tuple(parts),
                            widths=(14, 24, 26, 14, *[12] * 8)))
    return sheets


def _derived_line(bands: Sequence[tuple[str, str]], mildest: str, codes: Sequence[str],
                  value: int) -> Line:
    """可推算的合计 under a scale's district rows: the label names the bands it adds up
    (中重度+重度（= 需关注 − 中度）) and the number stands under the first of them — the
    columns it sums, not the scale's first band (无), where it read as that band's count.
    The other summed columns stay empty: one number, not one per band."""
    label = dict(bands)
    columns = [code for code, _ in bands]
    at = 4 + min((columns.index(c) for c in codes if c in label), default=0)
    values: list[object] = ["全区", "可推算的合计", "",
                            f"{'+'.join(label.get(b, b) for b in codes)}"
                            f"（= 需关注 − {label.get(mildest, mildest)}）"]
    values += [None] * (at - len(values)) + [value]
    return Line(tuple(values))


def _per_instrument(frame) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many rows each instrument has, in the order the schools sent them."""
    return {name: int(n) for name, n in
            frame["instrument_name"].value_counts(sort=False, dropna=False).items()}


def _levels(subs: Sequence[Submission], pub: Published) -> Sheet:
    rows = []
    for s in subs:
        counts = [pub[("lvl", s.school_code, k, "all")] for k, _ in LEVELS]
        rows.append([s.school_code, s.school_name, *counts, _known_sum(counts)])
    totals = [pub[("lvl", None, k, "all")] for k, _ in LEVELS]
    return _table("预警等级人数", ["学校代码", "学校名称", *(t for _, t in LEVELS), "在校人数"],
                  rows, [["全区合计", f"{len(subs)} 所学校", *totals, _known_sum(totals)]],
                  widths=[14, 24])


def _known_sum(values: Sequence[object]) -> int | None:
    """The sum of printed numbers (exact school-wide counts); none when one is not a
    number or none was sent."""
    if not values or not all(isinstance(v, int) for v in values):
        return None
    return sum(values)  # type: ignore[arg-type]


def _suggested(subs: Sequence[Submission], pub: Published) -> Sheet:
    """One row per school, campaign and instrument the schools' warning tables hold
    (first occurrences, in order), then the district's total per instrument."""
    frame = _frame(subs, "warnings", ("campaign", "instrument_name")).drop_duplicates()
    school_names = {s.school_code: s.school_name for s in subs}
    rows, totals = [], []
    for code, campaign, name in frame.itertuples(index=False, name=None):
        key = ("sugg", code, campaign, name)
        rows.append([code, school_names[code], campaign, name,
                     *(pub[(*key, k)] for k, _ in LEVELS), pub[(*key, "total")]])
    for name, count in _per_instrument(frame).items():
        key = ("sugg", None, None, name)
        totals.append(["全区合计", f"{count} 个批次", "", name,
                       *(pub[(*key, k)] for k, _ in LEVELS), pub[(*key, "total")]])
    return _table("筛查建议预警", ["学校代码", "学校名称", "测评批次", "量表",
                                  *(t for _, t in LEVELS), "答卷数"],
                  rows, totals, widths=[14, 24, 26, 30])


def _referrals(subs: Sequence[Submission], pub: Published) -> Sheet:
    measures = (("opened_in_period", "本学期开启的转介"), ("open_now", "报送时进行中的转介"))
    rows = [[s.school_code, s.school_name, *(pub[("ref", s.school_code, k)] for k, _ in measures)]
            for s in subs if s.rows("referrals")]
    return _table("转介情况", ["学校代码", "学校名称", *(t for _, t in measures)], rows,
                  [["全区合计", "", *(pub[("ref", None, k)] for k, _ in measures)]],
                  widths=[14, 24, 20, 20])


def _outcomes(subs: Sequence[Submission], pub: Published) -> Sheet:
    """转介就诊结果 (files of version 3): each school's referrals by the outcome of their
    就诊反馈 this term, through the district's cells like every count."""
    codes = [*OUTCOMES, "total"]
    rows = [[s.school_code, s.school_name, *(pub[("out", s.school_code, c)] for c in codes)]
            for s in subs if s.rows("outcomes")]
    return _table("转介就诊结果", ["学校代码", "学校名称", *OUTCOMES.values(), "合计"], rows,
                  [["全区合计", "", *(pub[("out", None, c)] for c in codes)]],
                  widths=[14, 24, *([10] * len(codes))])


def _change(subs: Sequence[Submission], pub: Published) -> Sheet:
    """Each school's comparison with the term before, as the district prints it: counts
    through the district's cells, shares and change recomputed from printed numbers."""
    titles = ("测评批次", "上次批次", "分量表", "本次需关注", "本次计分人数", "本次占比%",
              "上次需关注", "上次计分人数", "上次占比%", "变化（百分点）")
    rows = []
    for s in subs:
        for r in s.rows("change"):
            unit = (r["campaign"], r["instrument_name"], r["unit"])
            now, prev = ("band", s.school_code, *unit, ALL), ("prev", s.school_code, *unit)
            ns = _pct(pub, (*now, "_concern"), (*now, "scored"))
            ps = _pct(pub, (*prev, "concern"), (*prev, "scored"))
            rows.append([s.school_code, s.school_name, r["campaign"], r["previous_campaign"],
                         r["unit_name"], pub[(*now, "_concern")], pub[(*now, "scored")], ns,
                         pub[(*prev, "concern")], pub[(*prev, "scored")], ps,
                         round(ns - ps, 1) if ns is not None and ps is not None else None])
    return _table("与上次比较", ["学校代码", "学校名称", *titles], rows,
                  widths=[14, 24, 26], rates=[7, 10, 11])


def _key_student_schools(subs: Sequence[Submission], *, filtered: bool) -> Table:
    """One row per school saying how it reports key students: its mode, its exact
    school-wide level counts and how many students its list holds (or why it could not
    be read). Counts only, so it belongs in the summary."""
    levels = LEVELS[:-1]
    rows = []
    for s in subs:
        counts = {r["level"]: r["count"] for r in s.rows("key_students")
                  if r["group_kind"] == "all"}
        listed = "—" if s.key_students == "counts" else len(s.key_list)
        rows.append((s.school_code, s.school_name, _mode(s),
                     *(counts.get(k) for k, _ in levels), listed, s.key_list_problem))
    return Table(_columns(["学校代码", "学校名称", "报送方式", *(t for _, t in levels),
                           "名单人数", "说明"]), tuple(rows), filtered=filtered)


_KEY_SCHOOL_WIDTHS = (14, 24, 26, 10, 10, 10, 10, 30)
_LIST_DATES = ("since", "next_followup")
_LIST_TEXT = ("code", "student_no")


def _key_student_rows(subs: Sequence[Submission]) -> Table:
    """The listed students with their school in front, so the district can filter across
    schools. A school that sends counts only, or whose list is empty or unreadable, gets
    one line saying so. The filter sits on its header."""
    names = ["学校代码", "学校名称", "报送方式", *(t for _, t in KEY_LIST_COLUMNS)]
    text = {0, *(3 + i for i, (k, _) in enumerate(KEY_LIST_COLUMNS) if k in _LIST_TEXT)}
    rows: list[tuple[object, ...]] = []
    keys = [k for k, _ in KEY_LIST_COLUMNS]
    convert = [k for k in keys if k in _LIST_DATES or k in _LIST_TEXT]
    for s in subs:
        if s.key_list:
            head = (s.school_code, s.school_name, _mode(s))
            for r in s.key_list:
                r = r | {k: _list_value(k, r[k]) for k in convert if k in r}
                rows.append((*head, *map(r.get, keys)))
            continue
        if s.key_students == "counts":
            counts = [r["count"] for r in s.rows("key_students")
                      if r["group_kind"] == "all" and r["level"] != "none"]
            total = _known_sum(counts)
            why = f"只报人数：共 {'—' if total is None else total} 人，无逐人记录"
        else:
            why = s.key_list_problem or "名单为空：报送时没有重点学生"
        rows.append((s.school_code, s.school_name, _mode(s), why))
    cols = tuple(Column(n, ID if i in text else TEXT) for i, n in enumerate(names))
    return Table(cols, tuple(rows), filtered=True)


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


def key_list_book(c: Collected, created: datetime) -> Book:
    """The district's key-student list (心理危机学生动态信息库 across schools): each
    school's reporting line, then every student the schools listed, sorted by school.
    The 学籍号 and 编码 columns are as wide as their longest value, the filter sits on
    the students' header row, and that row repeats on every printed page."""
    return Book((Sheet("重点学生名单", (
        Line((f"各校重点学生名单（{period_text(c.period) or '—'}，"
              f"汇总时间 UTC {utc_text(created)}）",), TITLE),
        Line(("按学校代码排列。各校按区里部署文件规定的方式报送：只报人数的学校没有逐人记录；"
              "编码由学校的密钥生成，区里无法由编码查到学生；实名名单含姓名和学籍号。"
              "本表含学生的逐人记录，请按区里对重点学生名单的规定保管，不要随汇总表外发。",)),
        Line(),
        _key_student_schools(c.accepted, filtered=False),
        Line(),
        _key_student_rows(c.accepted)), widths=Fit(minimum=6, maximum=30, sample=None)),))


@gc_paused()
def key_list_workbook(c: Collected, created: datetime) -> bytes:
    """Rendered by xlsx_stream: 400 schools list ≈ 90,000 students, and openpyxl's cells
    took half of the district's aggregate."""
    from app.reports.xlsx_stream import render_large

    return render_large(key_list_book(c, created))


def _policy_notes(c: Collected, pub: Published) -> list[list[str]]:
    """What the 说明 sheet says about small cells and totals under the district's policy."""
    p = pub.policy
    exact = [s.school_code for s in c.accepted if s.cells == "exact"]
    sent = (f"{len(exact)} 所学校按区里规定报送实数（{'、'.join(exact)}），其余学校报送时已把"
            "小单元格隐去（标记照录）。" if exact else
            "各校报送时已把小单元格隐去：人数 1 至 min_cell−1 的格子写作“<5”，为防反推一并隐去"
            "的写作“*”；这些标记照录。")
    if p.cells == "suppressed":
        cells = (f"本表按区里的规定（cells = \"suppressed\"，min_cell = {p.min_cell}，"
                 f"min_interval = {p.min_interval}）发布：各校行与全区合计经与学校报送相同的小"
                 f"单元格隐去和区间审核——人数 1 至 {p.min_cell - 1} 的格子写作“<{p.min_cell}”，"
                 "为防反推一并隐去的写作“*”，结合本表全部数字（各校行、全区合计及其关系）任何隐去"
                 f"的格子都推算不出确切人数。本次汇总另隐去 {pub.hidden_by_district} 格。{sent}")
    else:
        cells = ("本表按区里的规定照录各校报送的数字（cells = \"exact\"），不另隐去。"
                 + sent + ("本表含学校小单元格实数，只供区教育局内部统计，不要外发。"
                           if exact else ""))
    totals = ("全区合计为各校之和：各部分都是数字时为实数；含学校隐去格的合计写作可能的取值范围"
              "“a–b”——由各校报送的全部表格（行、列、需关注及各表之间的关系）按线性规划算出的"
              "最小和最大值，恰为一个值时写作该数。"
              f"本表 {pub.exact_totals} 个合计为实数，{pub.ranged_totals} 个为范围。")
    notes = [["小单元格", cells], ["合计", totals]]
    if pub.inconsistent:
        notes.append(["数据不一致", f"{len(pub.inconsistent)} 所学校报送的表格彼此对不上"
                                    f"（{'、'.join(pub.inconsistent)}：如分级人数之和不等于计分人数）"
                                    "，它们的表内关系未用于审核和范围计算，请与学校核对。"])
    return notes


def _mode(s: Submission) -> str:
    return KEY_STUDENT_MODES.get(s.key_students, s.key_students)





def district_book(c: Collected, created: datetime,
                  policy: ReportPolicy | None = None) -> Book:
    """The summary workbook. `policy` is the district's for what it publishes (default:
    suppressed, min_cell 5, min_interval 1): its cells go through published.py."""
    subs = c.accepted
    cells = received(subs)
    pub = publish(cells, policy or ReportPolicy())
    about = [["学期", period_text(c.period)],
             ["汇总时间（UTC）", utc_text(created)],
             ["已汇总", f"{len(c.accepted)} 所学校"],
             ["已拒绝", f"{len(c.refused)} 个文件（原因见“学校清单”）"],
             ["计数规则", "每个量表在本学期每名学生只计一次（各校按其最后一次有效答卷计数，"
                         "见各校统计表的说明）；第 1 版报送文件按批次计数，其行按批次列出。"],
             *_policy_notes(c, pub),
             ["比率", "完成率、占比保留一位小数；由本表印出的人数算出，人数隐去时不给比率。"],
             ["重点学生", "本表只含各校的报送方式和人数；各校逐人报送的名单另存"
                         "（district aggregate --key-list-out），按重点学生名单的规定保管。"]]
    info = Sheet("说明", (Line(("青心 区级学期报送汇总",), TITLE),
                          Table((Column(""), Column("", wrap=True, top=True)),
                                tuple(map(tuple, about)), header=False)),
                 widths=(16, 100))
    return Book((info, _schools(c), _participation(subs, pub),
                 *_band_sheets(subs, pub, derived(cells, pub)),
                 _suggested(subs, pub), _levels(subs, pub), _referrals(subs, pub),
                 _outcomes(subs, pub),
                 _change(subs, pub),
                 Sheet("重点学生报送情况", (_key_student_schools(subs, filtered=True),),
                       widths=_KEY_SCHOOL_WIDTHS)))


@gc_paused()
def district_workbook(c: Collected, created: datetime,
                      policy: ReportPolicy | None = None) -> bytes:
    from app.reports.workbook import render_workbook

    return render_workbook(district_book(c, created, policy))
