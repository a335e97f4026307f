"""Printing the referral workflow's letters and forms (renderer: app/reports/letters.py).

Printing reads the student's file in one transaction with its "student_print" audit
event; the PDF is written before that transaction commits, so a failed write leaves no
audit entry for a letter that was never made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.atomic import write_atomic
from app.errors import BadInputError
from app.models import School
from app.reports.data import LetterContext, LetterReferral, LetterStep, LetterStudent
from app.services import audit
from app.services.capabilities import PRINT_REPORTS, require
from app.services.casefile.access import load_student
from app.services.casefile.rows import ReferralRow, StudentFile
from app.services.casefile.snapshot import build_file
from app.services.reports.kinds import letter_kinds
from app.store.handle import Store


def letter_student(file: StudentFile) -> LetterStudent:
    p = file.profile
    return LetterStudent(p.name, p.gender, p.birth_date, p.student_no, file.class_name,
                         file.level_code,
                         tuple((g.name, g.relation, g.phone) for g in file.guardians),
                         file.plan.measures if file.plan else "")


def letter_referral(r: ReferralRow) -> LetterReferral:
    return LetterReferral(
        r.id, r.opened_on, r.indications, r.recommendation, r.reasons, r.hospital,
        tuple(LetterStep(s.step, not s.pending, s.note, s.certificate_seen, s.meeting_on,
                         s.arrangements) for s in r.steps))


def print_letter(store: Store, student_id: int, kind: str, out: Path,
                 today: date | None = None, referral_id: int | None = None) -> Path:
    """Write the letter to `out` (the student's newest referral unless one is named)."""
    from app.reports.letters import render_letter  # reportlab: paid for when printing

    require(store, PRINT_REPORTS)
    letters = letter_kinds()
    if kind not in letters:
        raise BadInputError(f"未知的文书类型：{kind}。可选：{'、'.join(letters)}。")
    spec = letters[kind]
    today = today or date.today()
    with store.write() as session:
        file = build_file(session, load_student(session, student_id), True, today)
        referral = next((r for r in reversed(file.referrals)
                         if referral_id is None or r.id == referral_id), None)
        if referral_id is not None and referral is None:
            raise BadInputError("找不到该学生的这条转介记录。")
        school = session.scalar(select(School).limit(1))
        ctx = LetterContext(school.name if school else "", letter_student(file),
                            letter_referral(referral) if referral else None, today,
                            store.user.display_name)
        write_atomic(out, render_letter(kind, ctx, spec.label, spec.level), private=True)
        audit.record(session, store.user.username, "student_print", "student", student_id,
                     spec.label + (f"（转介 编号 {referral.id}）" if referral else ""))
    return out
