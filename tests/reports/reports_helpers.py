"""A small school with screenings, made through the services, for report and export tests;
and the poppler helpers (pdffonts, pdftotext, pdftoppm) the PDF checks use."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from app.instruments import load_instrument, score
from app.models import AuditEvent
from app.services.demo.synthetic import synthetic_answers, synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign, set_participation
from app.services.screening.importing import (
    ScreeningPreview,
    SheetMatch,
    apply_screening_import,
    save_answers,
)
from app.services.students import StudentRow, list_students
from app.services.warning.decisions import decide_level
from app.store.handle import Store

needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) not installed")


@dataclass(frozen=True)
class ScreenedSchool:
    students: list[StudentRow]
    phq_before: int
    phq: int
    mht: int
    critical_student: int
    invalid_student: int
    school_year: int

    @property
    def period(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}-1"


def _import(store: Store, campaign_id: int, code: str, students: list[StudentRow], seed: int,
            on: date) -> None:
    instrument = load_instrument(code)
    values = synthetic_answers(instrument, len(students), seed)
    preview = ScreeningPreview(
        campaign_id=campaign_id, instrument_code=code, file_name="t", layout="grid",
        matches=[SheetMatch(i + 2, "matched", s.id, s.student_no) for i, s in enumerate(students)],
        result=score(instrument, values), answers=values,
        taken_at=[datetime(on.year, on.month, on.day, 9)] * len(students),
        date_source=["submitted"] * len(students))
    apply_screening_import(store, preview)


def make_screened_school(store: Store, n: int = 150, seed: int = 3) -> ScreenedSchool:
    """n students in grades 7-9 (classes of 25), a PHQ-9 screening in September and
    another in November for everyone, MHT for grade 7; one student on leave and one
    exempt, one sheet with item 9 answered (critical), one with too few answers, and a
    few decided warning levels."""
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(
        n, seed=seed, class_size=25)))
    students = list_students(store)
    start = date.today() - timedelta(days=60)
    before = create_campaign(store, "九月 PHQ-9", "phq9", starts_on=start)
    _import(store, before.id, "phq9", students[:-10], seed, start)
    phq = create_campaign(store, "十一月 PHQ-9", "phq9", starts_on=start + timedelta(days=40))
    set_participation(store, phq.id, students[-1].id, "leave")
    set_participation(store, phq.id, students[-2].id, "exempt")
    _import(store, phq.id, "phq9", students[:-4], seed + 1, start + timedelta(days=40))
    critical, invalid = students[0], students[1]
    save_answers(store, phq.id, critical.id, [2, 3, 2, 3, 2, 2, 1, 2, 2], "entry")
    save_answers(store, phq.id, invalid.id, [1, None, None, None, 2, 0, 1, 0, 0], "entry")
    grade7 = [s for s in students if s.grade == 7]
    mht = create_campaign(store, "初一 MHT", "mht", class_ids=sorted({s.class_id for s in grade7}),
                          starts_on=start + timedelta(days=41))
    _import(store, mht.id, "mht", grade7, seed + 2, start + timedelta(days=41))
    for s, level in zip(students[:6], ["crisis", "key", "key", "general", "general", "general"],
                        strict=True):
        decide_level(store, s.id, level, "测试：面谈后确定")
    return ScreenedSchool(students, before.id, phq.id, mht.id, critical.id, invalid.id,
                          phq.school_year)


def audit_count(store: Store, action: str, target_kind: str | None = None,
                target_id: int | str | None = None) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    if target_kind is not None:
        query = query.where(AuditEvent.target_kind == target_kind)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == str(target_id))
    with store.read() as session:
        return session.scalar(query) or 0


def pdf_fonts(path: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[2:]


def assert_cjk_embedded_subset(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "no fonts listed"
    for line in fonts:
        assert re.match(r"[A-Z]{6}\+WenQuanYiMicroHei", line), line
        emb, sub = line.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), line


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def render_png(pdf: Path, page: int, out_stem: Path, dpi: int = 80) -> Path:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(pdf), str(out_stem)], check=True)
    return out_stem.with_suffix(".png")


def numbers_in(values: list[object]) -> list[int]:
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def to_array(values: list[float | None]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in values]])
