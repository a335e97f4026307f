"""The referral step table (referral/steps.py STEP_TABLE) is the one place a step is
described: its fields are columns everywhere, its check keeps only its own fields, the
letters print exactly the steps whose row names them, the docs show the table as it is,
and no other module names a step by its code."""

from __future__ import annotations

import ast
import shutil
import subprocess
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from app.models import ReferralStep
from app.reports.letters import LETTERS
from app.services.casefile.rows import StepRow
from app.services.referral.steps import (
    FIELDS,
    NO_DETAILS,
    STEP_TABLE,
    StepDetails,
    StepSpec,
)
from app.services.referral.workflow import complete_step, open_referral
from app.services.reports.letters import print_letter

ROOT = Path(__file__).resolve().parents[2]
HOSPITAL = "HOSPX医院"
FULL = StepDetails(receipt="signed", hospital=HOSPITAL, certificate_seen=True,
                   meeting_on=date(2026, 3, 20), arrangements="ARRX", outcome="other",
                   diagnosis="DIAGX")


def test_every_field_is_a_column_of_the_step_and_of_its_row():
    columns = set(ReferralStep.__table__.columns.keys())
    row_fields = {f.name for f in fields(StepRow)}
    assert set(FIELDS) <= columns and set(FIELDS) <= row_fields
    for spec in STEP_TABLE:
        assert set(spec.fields) <= set(FIELDS), spec.code
        assert set(spec.letters) <= set(LETTERS), spec.code


@pytest.mark.parametrize("spec", STEP_TABLE, ids=lambda s: s.code)
def test_a_step_stores_only_its_own_fields(spec: StepSpec):
    kept = spec.check("说明", FULL, (HOSPITAL,))
    for name in FIELDS:
        expected = getattr(FULL if name in spec.fields else NO_DETAILS, name)
        assert getattr(kept, name) == expected, (spec.code, name)


def _words(text: str) -> str:
    return "".join(text.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_each_letter_prints_the_steps_whose_row_names_it(store, school, tmp_path):
    """Every step done with its own marks (its note, and what it records); a letter
    shows a step's marks if and only if the step's row lists that letter."""
    sid = school.students[0]
    rid = open_referral(store, sid, {"self_harm"}, date(2026, 3, 2))
    marks: dict[str, set[str]] = {}
    for number, spec in enumerate(STEP_TABLE):
        note = f"NOTE{number}Q"
        complete_step(store, rid, spec.code, date(2026, 3, 2 + number), note,
                      details=FULL, hospitals=(HOSPITAL,))
        marks[spec.code] = {note} | {getattr(FULL, name) for name in spec.fields
                                     if isinstance(getattr(FULL, name), str)
                                     and name != "receipt"}
    for kind in LETTERS:
        out = print_letter(store, sid, kind, tmp_path / f"{kind}.pdf", today=date(2026, 4, 1))
        text = _words(subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                                     text=True, check=True).stdout)
        for spec in STEP_TABLE:
            shown = any(mark in text for mark in marks[spec.code])
            assert shown == (kind in spec.letters), (kind, spec.code)


def test_architecture_shows_the_step_table():
    def cell(values: tuple[str, ...]) -> str:
        return ", ".join(f"`{v}`" for v in values) or "—"

    rows = [f"| `{s.code}` | {s.label} | {'—' if s.days is None else s.days} | "
            f"{cell(s.fields)} | {cell(s.letters)} |" for s in STEP_TABLE]
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "\n".join(rows) in doc


def test_user_guide_lists_the_steps_in_order():
    guide = _words((ROOT / "docs" / "USER_GUIDE.md").read_text(encoding="utf-8"))
    assert "→".join(s.label for s in STEP_TABLE) in guide


def test_no_other_module_names_a_step_by_its_code():
    """What a step is lives in its row; elsewhere a code would be a second copy.
    `follow_up` is also a casefile entry kind, so it is left out of the search; the
    letters lay out what particular steps recorded (checked above against the table),
    and the demo school records steps as a teacher would."""
    codes = {s.code for s in STEP_TABLE} - {"follow_up"}
    allowed = {"app/services/referral/steps.py", "app/reports/letters.py",
               "app/services/demo/records.py"}
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in codes:
                found.append(f"{name}:{node.lineno} {node.value}")
    assert found == []
