"""Issue 14 point 5 in the term export: referrals by the outcome of their 就诊反馈 this
term, as a table that goes through the export's suppression and audit like every count,
into the xlsx, the JSON, and the district's workbook."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from app.deployment import ReportPolicy
from app.services.district.aggregate import Collected, Submission
from app.services.district.export import period_dates, preview_export
from app.services.district.files import DATA_VERSION
from app.services.district.workbook import district_workbook
from app.services.referral.steps import OUTCOMES, STEPS, StepDetails
from app.services.referral.workflow import complete_step, open_referral
from tests.export.export_helpers import CREATED, SCHOOL_CODE, deployment

HOSPITALS = ("市第六医院",)
BEFORE = {"parents_informed": StepDetails(receipt="signed"),
          "hospital_contacted": StepDetails(hospital=HOSPITALS[0])}


def _refer(store, sid: int, outcome: str, day: date) -> None:
    rid = open_referral(store, sid, {"self_harm"}, day)
    for step in STEPS[:STEPS.index("visit_feedback")]:
        complete_step(store, rid, step, day, note="已办", hospitals=HOSPITALS,
                      details=BEFORE.get(step, StepDetails()))
    complete_step(store, rid, "visit_feedback", day, note="医生意见",
                  details=StepDetails(outcome=outcome))


def _outcomes(preview) -> tuple[dict, dict]:
    table = next(t for t in preview.files[0].tables if t.code == "outcomes")
    doc = json.loads(next(f.data for f in preview.files if f.name.endswith("_统计数据.json")))
    rows = {r[0]: r[2] for r in table.rows}
    assert {r[0]: r[2] for r in doc["tables"]["outcomes"]["rows"]} == rows
    assert doc["version"] == DATA_VERSION == 3
    return rows, doc


def test_outcomes_recorded_through_the_referral_service_are_counted(store, screened_school,
                                                                    district_key):
    _, _, start, end = period_dates(screened_school.period)
    day = max(start, min(end, date.today()))
    plan = ["outpatient", "outpatient", "inpatient", "unreachable"]
    for student, outcome in zip(screened_school.students, plan, strict=False):
        _refer(store, student.id, outcome, day)
    exact = preview_export(store, screened_school.period,
                           deployment(district_key, cells="exact"), created=CREATED)
    rows, doc = _outcomes(exact)
    assert rows == {"outpatient": 2, "inpatient": 1, "suspension": 0, "no_treatment": 0,
                    "family_declined": 0, "unreachable": 1, "other": 0, "total": 4}
    wb = openpyxl.load_workbook(io.BytesIO(exact.files[0].data))
    sheet = next(ws for ws in wb if ws.title.startswith("转介就诊结果"))
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert any(r[:3] == ("outpatient", "门诊治疗", 2) for r in values), values
    # The district adds them up and prints them on a sheet of their own.
    sub = Submission(Path("a.qxseal"), SCHOOL_CODE, "一中", screened_school.period, "", "", 5,
                     "counts", doc["tables"], cells="exact", version=doc["version"])
    book = openpyxl.load_workbook(io.BytesIO(district_workbook(
        Collected(screened_school.period, (sub,), ()), datetime(2027, 1, 11, tzinfo=UTC),
        ReportPolicy(cells="exact"))))
    lines = list(book["转介就诊结果"].iter_rows(values_only=True))
    header = lines[0]
    assert header[2:] == (*OUTCOMES.values(), "合计")
    school = next(r for r in lines if r[0] == SCHOOL_CODE)
    total = next(r for r in lines if r[0] == "全区合计")
    assert school[2:] == total[2:] == (2, 1, 0, 0, 0, 1, 0, 4)


def test_small_outcome_counts_are_suppressed_under_the_default_policy(store, screened_school,
                                                                      district_key):
    _, _, start, end = period_dates(screened_school.period)
    day = max(start, min(end, date.today()))
    for student, outcome in zip(screened_school.students, ["outpatient", "inpatient"],
                                strict=False):
        _refer(store, student.id, outcome, day)
    preview = preview_export(store, screened_school.period, deployment(district_key),
                             created=CREATED)
    rows, _ = _outcomes(preview)
    assert rows["outpatient"] in ("<5", "*") and rows["inpatient"] in ("<5", "*")
    assert rows["total"] in ("<5", "*")
    assert all(v == 0 or isinstance(v, str) for v in rows.values()), rows
    # Nothing recorded outside the term: a term without feedback counts none.
    spring = f"{screened_school.school_year}-{screened_school.school_year + 1}-2"
    later = preview_export(store, spring, deployment(district_key, cells="exact"),
                           created=CREATED)
    assert _outcomes(later)[0]["total"] == 0
