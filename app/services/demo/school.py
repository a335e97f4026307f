"""The demo school a newcomer opens with one command: an encrypted database with a
synthetic roster and a term's screening, warnings and one referral (no real person in
it), made through the same services as real use."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.services.accounts.auth import unlock
from app.services.demo.records import add_demo_term
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.setup import SetupResult, create_school

DEMO_PASSWORD = "qingxin-demo"
DEMO_SCHOOL = "青心实验中学（演示）"


def create_demo(db_path: Path, students: int = 1200, seed: int = 7) -> SetupResult:
    result = create_school(db_path, DEMO_SCHOOL, "admin", DEMO_PASSWORD,
                           admin_display_name="演示管理员", school_code="DEMO0001",
                           top_grade=9)
    with unlock(db_path, "admin", DEMO_PASSWORD) as store:
        rows = synthetic_roster(students, seed=seed)
        apply_roster_import(store, RosterPreview(file_name="demo", rows=rows))
        add_demo_term(store, date.today(), seed=seed)
    return result
