"""家校沟通 coverage: which key students' families the school has reached this term.

The policy asks that the family of every student at 重点关注 or 危机 is kept informed
(家校协同) and that a 三方沟通 (school, family, student) is held for each. This is the
counsellor's term list: per key student, the guardians to call, the last home contact
this term (家访, 电话联系 or 三方沟通 records) and whether the 三方沟通 has been held. The
ones not yet reached sort first. It names students and phones, so reading it is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.labels import COUNSELLING_KINDS
from app.models import CounsellingRecord, Guardian, SchoolClass, Student
from app.services import audit
from app.services.capabilities import READ_CONFIDENTIAL, require
from app.services.casefile.rows import HOME_CONTACT_KINDS
from app.services.casefile.versions import is_current
from app.services.roster.file import class_display_name
from app.services.warning.decisions import IN_SCHOOL
from app.services.warning.levels import current_levels
from app.store.handle import Store
from app.terms import current_term, term_dates, term_text

KEY_LEVELS = ("crisis", "key")


@dataclass(frozen=True)
class FamilyContactRow:
    student_id: int
    student_no: str
    name: str
    class_name: str
    level: str
    guardians: str
    """"母亲 王芳 13800001234；父亲 …", or empty when none is on file."""
    last_contact: date | None
    last_kind: str
    three_way_on: date | None

    @property
    def contacted(self) -> bool:
        return self.last_contact is not None


@dataclass(frozen=True)
class FamilyContacts:
    term_label: str
    rows: tuple[FamilyContactRow, ...]

    @property
    def not_contacted(self) -> int:
        return sum(1 for r in self.rows if not r.contacted)

    @property
    def three_way_due(self) -> int:
        return sum(1 for r in self.rows if r.three_way_on is None)


def family_contacts(store: Store, today: date | None = None) -> FamilyContacts:
    require(store, READ_CONFIDENTIAL)
    today = today or date.today()
    year, term = current_term(today)
    first, last = term_dates(year, term)
    with store.write() as session:
        levels = {sid: now.level for sid, now in current_levels(session).items()
                  if now.level in KEY_LEVELS}
        students = session.execute(
            select(Student.id, Student.student_no, Student.name, SchoolClass.grade,
                   SchoolClass.number).join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(levels), Student.status.in_(IN_SCHOOL))).all()
        ids = [s.id for s in students]
        guardians: dict[int, list[str]] = {}
        for sid, name, relation, phone in session.execute(
                select(Guardian.student_id, Guardian.name, Guardian.relation, Guardian.phone)
                .where(Guardian.student_id.in_(ids)).order_by(Guardian.id)):
            guardians.setdefault(sid, []).append(" ".join(p for p in (relation, name, phone)
                                                          if p))
        contacts: dict[int, tuple[date, str]] = {}
        three_way: dict[int, date] = {}
        for sid, held_on, kind in session.execute(
                select(CounsellingRecord.student_id, CounsellingRecord.held_on,
                       CounsellingRecord.kind)
                .where(CounsellingRecord.student_id.in_(ids),
                       CounsellingRecord.kind.in_(HOME_CONTACT_KINDS),
                       CounsellingRecord.held_on >= first, CounsellingRecord.held_on <= last,
                       is_current(CounsellingRecord))):
            if sid not in contacts or held_on > contacts[sid][0]:
                contacts[sid] = (held_on, kind)
            if kind == "three_way" and (sid not in three_way or held_on > three_way[sid]):
                three_way[sid] = held_on
        rows = sorted((FamilyContactRow(
            s.id, s.student_no, s.name, class_display_name(s.grade, s.number), levels[s.id],
            "；".join(guardians.get(s.id, [])),
            contacts[s.id][0] if s.id in contacts else None,
            COUNSELLING_KINDS[contacts[s.id][1]] if s.id in contacts else "",
            three_way.get(s.id)) for s in students),
            key=lambda r: (r.contacted, r.three_way_on is not None,
                           KEY_LEVELS.index(r.level), r.class_name, r.student_no))
        audit.record(session, store.user.username, "family_contacts", "student", "",
                     f"家校沟通名单 {len(rows)} 人")
    return FamilyContacts(term_text(year, term), tuple(rows))
