"""What a term counts: per instrument, each student once, by their latest valid result
over all the term's campaigns. A whole-school PHQ-9, a whole-school re-screen, a grade's
re-screen, per-grade GAD-7 campaigns and a grade's MHT are counted, and every table of
the export — and the district workbook made from it — is checked against the truth
worked out student by student from the database."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import select

from app.deployment import ReportPolicy
from app.models import Campaign, Participation, SchoolClass, ScreeningResult, Student
from app.services.district.aggregate import Collected, Submission
from app.services.district.export import preview_export
from app.services.district.workbook import district_workbook
from app.services.screening.campaigns import create_campaign
from tests.export.export_helpers import CREATED, deployment
from tests.reports.reports_helpers import _import, make_screened_school


def _school(store):  # type: ignore[no-untyped-def]
    screened_school = make_screened_school(store, 150, 5)
    start = date.today() - timedelta(days=60)
    by_grade: dict[int, list] = {}
    for s in screened_school.students:
        by_grade.setdefault(s.grade, []).append(s)
    for i, (grade, students) in enumerate(sorted(by_grade.items())):
        classes = sorted({s.class_id for s in students})
        gad = create_campaign(store, f"{grade}年级 GAD-7", "gad7", class_ids=classes,
                              starts_on=start + timedelta(days=10 + i))
        _import(store, gad.id, "gad7", students[:-3], 40 + i, start + timedelta(days=10 + i))
    nine = by_grade[9]
    again = create_campaign(store, "初三 PHQ-9 复测", "phq9",
                            class_ids=sorted({s.class_id for s in nine}),
                            starts_on=start + timedelta(days=50))
    _import(store, again.id, "phq9", nine[: len(nine) // 2], 77, start + timedelta(days=50))
    return screened_school


def _truth(session, year: int, term: int) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Per instrument, worked out one student at a time, the long way round."""
    out: dict[str, dict] = {}
    campaigns = session.scalars(select(Campaign).where(Campaign.school_year == year,
                                                       Campaign.term == term)).all()
    for code in {c.instrument_code for c in campaigns}:
        mine = sorted((c for c in campaigns if c.instrument_code == code),
                      key=lambda c: (c.starts_on or date.min, c.id))
        rank = {c.id: i for i, c in enumerate(mine)}
        statuses: dict[int, list] = {}
        for p in session.scalars(select(Participation).where(
                Participation.campaign_id.in_(rank))):
            statuses.setdefault(p.student_id, []).append((rank[p.campaign_id], p.status))
        results: dict[int, list] = {}
        for r in session.scalars(select(ScreeningResult).where(
                ScreeningResult.campaign_id.in_(rank))):
            results.setdefault(r.student_id, []).append(r)
        students = set(statuses) | set(results)
        info = {sid: (g, gr) for sid, g, gr in session.execute(
            select(Student.id, Student.gender, SchoolClass.grade)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(students)))}
        status = Counter()
        bands: Counter = Counter()
        levels: Counter = Counter()
        done = 0
        for sid in students:
            mine_results = results.get(sid, [])
            if mine_results or any(s == "due" for _, s in statuses[sid]):
                status["due"] += 1
                done += bool(mine_results)
            else:
                status[max(statuses[sid])[1]] += 1
            valid = [r for r in mine_results if r.valid]
            if not valid:
                continue
            last = max(valid, key=lambda r: (rank[r.campaign_id], r.taken_at or datetime.min,
                                             r.id))
            levels[last.suggested_level] += 1
            gender, grade = info[sid]
            for unit, band in json.loads(last.scores).get("bands", {}).items():
                for group in ("all", f"gender:{gender}", f"grade:{grade}"):
                    bands[(unit, group, band)] += 1
        out[code] = {"status": status, "done": done, "bands": bands, "levels": levels,
                     "sheets": sum(levels.values()),
                     "campaigns": "、".join(c.name for c in mine)}
    return out


def _rows(table) -> list[dict]:  # type: ignore[no-untyped-def]
    return [dict(zip(table.keys, r, strict=True)) for r in table.rows]


def test_every_table_counts_each_student_once_per_instrument(store, district_key):
    screened_school = _school(store)
    dep = deployment(district_key, "counts", cells="exact")  # the bureau's exact counts
    preview = preview_export(store, screened_school.period, dep, created=CREATED)
    tables = {t.code: t for t in preview.files[0].tables}
    with store.read() as session:
        truth = _truth(session, screened_school.school_year, 1)
    assert set(truth) == {"phq9", "gad7", "mht"}
    participation = [r for r in _rows(tables["participation"]) if r["group_kind"] == "all"]
    assert len(participation) == 3  # one row per instrument, not per campaign
    for r in participation:
        t = truth[r["instrument"]]
        assert r["campaigns"] == t["campaigns"]
        assert (r["due"], r["leave"], r["exempt"], r["excluded"]) == tuple(
            t["status"][k] for k in ("due", "leave", "exempt", "excluded"))
        assert r["done"] == t["done"]
    grades = [r for r in _rows(tables["participation"]) if r["group_kind"] == "grade"]
    for code in truth:
        whole = next(r for r in participation if r["instrument"] == code)
        parts = [r for r in grades if r["instrument"] == code]
        for f in ("due", "done", "leave", "exempt", "excluded"):
            assert sum(r[f] for r in parts) == whole[f] or not parts
    seen = Counter()
    for r in _rows(tables["bands"]):
        if r["band"] == "_concern":
            continue
        group = "all" if r["group_kind"] == "all" else f"{r['group_kind']}:{r['group_value']}"
        assert r["count"] == truth[r["instrument"]]["bands"][(r["unit"], group, r["band"])], r
        seen[(r["instrument"], r["unit"], group)] += r["count"]
    for (code, unit, group), n in seen.items():
        scored = next(r["scored"] for r in _rows(tables["bands"]) if r["instrument"] == code
                      and r["unit"] == unit and r["group_kind"] == group.split(":")[0]
                      and (group == "all" or str(r["group_value"]) == group.split(":")[1]))
        assert n == scored
        if group == "all" and unit == "total":
            assert scored <= truth[code]["sheets"]
    for r in _rows(tables["warnings"]):
        t = truth[r["instrument"]]
        assert r["count"] == t["levels"][r["level"]] and r["sheets"] == t["sheets"]
    # The grade re-screen does not add students: PHQ-9 counts each once.
    phq = truth["phq9"]
    assert phq["status"]["due"] == 150 and phq["sheets"] <= phq["done"] <= 150
    # The district workbook made from this export reports the same truth.
    doc = json.loads(preview.files[2].data)
    assert doc["cells"] == "exact"
    sub = Submission(Path("x.qxseal"), "X1", "学校", screened_school.period, "2027-01-10T08:00:00Z",
                     "", 5, "counts", doc["tables"], cells=doc["cells"])
    collected = Collected(screened_school.period, (sub,), ())
    book = openpyxl.load_workbook(io.BytesIO(district_workbook(
        collected, CREATED, ReportPolicy(cells="exact"))))
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert "X1" in about["小单元格"] and "不要外发" in about["小单元格"]
    # Published under the district's default policy, the same rows are suppressed.
    public = openpyxl.load_workbook(io.BytesIO(district_workbook(collected, CREATED)))
    assert "区间审核" in {r[0]: r[1] for r in public["说明"].iter_rows(values_only=True)}[
        "小单元格"]
    sheets = [ws for ws in public.worksheets
              if ws.title.startswith("分级-") or ws.title == "筛查建议预警"]
    small = [v for ws in sheets for row in ws.iter_rows(min_row=2, values_only=True)
             for v in row[4:] if isinstance(v, int) and 0 < v < 5]
    assert sheets and not small
    for code, label in (("phq9", "PHQ"), ("gad7", "GAD")):
        ws = next(book[n] for n in book.sheetnames if n.startswith("分级-") and label in n)
        rows = list(ws.iter_rows(values_only=True))
        header = next(r for r in rows if r[0] == "学校代码")
        total = next(r for r in rows if r[3] == "全区合计")
        school_row = next(r for r in rows if r[0] == "X1")
        assert school_row == ("X1", "学校", truth[code]["campaigns"], "全校", *total[4:])
        bands = [b for b in header[4:-1] if not str(b).startswith("需关注")]
        assert sum(total[4:4 + len(bands)]) == total[-1] == truth[code]["sheets"]


def _v1_bands(campaign: str, counts: tuple[int, int]) -> list[list]:
    """A version-1 file's band rows for one campaign: two bands of a PHQ-9 total."""
    return [[campaign, "phq9", "PHQ-9", "total", "总分", "all", "", "全校", band, band, "",
             n, sum(counts), None] for band, n in zip(("none", "mild"), counts, strict=True)]


def test_version_1_files_keep_each_campaigns_bands():
    """Version 1 counted campaign by campaign: a school's re-screen no longer overwrites
    its whole-school screening's bands in the district workbook (each row keeps its own
    计分人数), and the district total adds the rows as sent."""
    columns = ["campaign", "instrument", "instrument_name", "unit", "unit_name",
               "group_kind", "group_value", "group", "band", "band_label", "warning",
               "count", "scored", "share_pct"]
    rows = _v1_bands("全校 PHQ-9", (250, 38)) + _v1_bands("初三复测", (80, 16))
    tables = {"bands": {"columns": columns, "rows": rows}}
    sub = Submission(Path("old.qxseal"), "X1", "学校", "2026-2027-1", "2027-01-10T08:00:00Z",
                     "", 5, "counts", tables, version=1)
    book = openpyxl.load_workbook(io.BytesIO(district_workbook(
        Collected("2026-2027-1", (sub,), ()), CREATED)))
    rows = list(next(book[n] for n in book.sheetnames if n.startswith("分级-")).iter_rows(
        values_only=True))
    schools = [r[2:7] for r in rows if r[0] == "X1"]
    assert schools == [("全校 PHQ-9", "全校", 250, 38, 288), ("初三复测", "全校", 80, 16, 96)]
    assert next(r for r in rows if r[3] == "全区合计")[4:7] == (330, 54, 384)
