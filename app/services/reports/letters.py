"""Printing the referral workflow's letters and forms (renderer: app/reports/letters.py).

Printing reads the student's file in one transaction with its "student_print" audit
event; the PDF is written before that transaction commits, so a failed write leaves no
audit entry for a letter that was never made.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.atomic import write_atomic
from app.deployment import DEFAULT_HOTLINES
from app.errors import BadInputError
from app.labels import COUNSELLING_KINDS, label
from app.models import School, User
from app.reports.data import LetterContext, LetterReferral, LetterStep, LetterStudent
from app.services import audit
from app.services.capabilities import PRINT_REPORTS, require
from app.services.casefile.access import load_student
from app.services.casefile.rows import ReferralRow, StudentFile
from app.services.casefile.snapshot import build_file
from app.services.referral.steps import OUTCOMES, STEP_LABELS
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
                         s.arrangements, label(OUTCOMES, s.outcome), s.diagnosis)
              for s in r.steps))


ACTIONS_BEFORE = timedelta(days=30)
"""Records this long before the referral opened count among the school's measures."""
ACTIONS_WITHOUT_REFERRAL = timedelta(days=90)
MAX_ACTIONS = 10


def school_actions(file: StudentFile, referral: ReferralRow | None,
                   today: date) -> tuple[str, ...]:
    """What the school has done, dated, oldest first: the referral's steps done and the
    file's records (辅导、面谈评估、家访、电话联系 …) since a little before it opened — the
    学校已采取的措施 a hospital and a family read. Content stays out (it is confidential);
    only the kind and the day."""
    since = (referral.opened_on - ACTIONS_BEFORE) if referral else \
        today - ACTIONS_WITHOUT_REFERRAL
    # (day, order within the day, what): records, then the opening, then steps in order.
    done: list[tuple[date, int, str]] = [(c.held_on, 0, label(COUNSELLING_KINDS, c.kind))
                                         for c in file.counselling if c.held_on >= since]
    if referral is not None:
        done.append((referral.opened_on, 1, "开启转介（绿色通道）"))
        done += [(s.done_on, 2 + i, STEP_LABELS[s.step])
                 for i, s in enumerate(referral.steps)
                 if s.done_on is not None and not s.skipped]
    done = sorted(set(done))[-MAX_ACTIONS:]
    return tuple(f"{d.month}月{d.day}日 {what}" for d, _order, what in done)


def _counselor(session: Session, store: Store, referral: ReferralRow | None
               ) -> tuple[str, str]:
    """The teacher a family or hospital should call: whoever opened the referral (still
    active), else the one printing; their name and the phone on their account."""
    wanted = referral.opened_by if referral else store.user.username
    user = session.scalar(select(User).where(User.username == wanted, User.active))
    if user is None:
        user = session.scalar(select(User).where(User.username == store.user.username))
    if user is None:
        return store.user.display_name, ""
    return user.display_name or user.username, user.phone


def print_letter(store: Store, student_id: int, kind: str, out: Path,
                 today: date | None = None, referral_id: int | None = None,
                 hotlines: tuple[str, ...] = DEFAULT_HOTLINES) -> Path:
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
        counselor, phone = _counselor(session, store, referral)
        ctx = LetterContext(school.name if school else "", letter_student(file),
                            letter_referral(referral) if referral else None, today,
                            counselor, phone, school_actions(file, referral, today), hotlines)
        write_atomic(out, render_letter(kind, ctx, spec.label, spec.level), private=True)
        audit.record(session, store.user.username, "student_print", "student", student_id,
                     spec.label + (f"（转介 编号 {referral.id}）" if referral else ""))
    return out
