"""The crisis checklist (危机处置清单): what deciding 危机 sets in motion the same day.

Deciding 危机 for a student who was not at 危机 opens four items, each due the day of the
decision and listed at the top of 今日工作 until done (issue 11, point 8):
- 面谈评估 — done by writing an assessment record (counselling kind 面谈评估 or 危机干预,
  entries.add_counselling), or from the checklist, which writes that record;
- 通知监护人 — with the hour the guardian was told, and who was told how;
- 安全计划 — what was agreed with the student and who keeps an eye on what;
- 转介决定 — done by opening a referral (referral.open_referral), or by writing down
  why the student is not referred now.
An item already settled when 危机 is decided (an assessment written that day, a referral
in progress) is created done, saying so. The items are follow-ups of kinds `crisis_*`
(one mechanism for "due, done, corrected"); they never schedule a routine follow-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.changes import ChangesWithId, in_file
from app.errors import BadInputError
from app.labels import ASSESSMENT_KINDS, COUNSELLING_KINDS, CRISIS_ITEMS
from app.models import CounsellingRecord, FollowUp, Referral
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.access import check_past, check_text
from app.services.casefile.entries import insert_entry, load_entry, revise_entry
from app.services.casefile.rows import FollowUpRow
from app.services.casefile.snapshot import referral_row
from app.services.casefile.versions import is_current
from app.services.referral.steps import load_steps
from app.store.handle import Store

ASSESS, GUARDIAN, SAFETY, REFERRAL = CRISIS_ITEMS


def open_checklist(session: Session, username: str, student_id: int, on: date) -> list[int]:
    """Inside the caller's decision: add the items not open already; returns their ids."""
    open_kinds = set(session.scalars(select(FollowUp.kind).where(
        FollowUp.student_id == student_id, FollowUp.kind.in_(CRISIS_ITEMS),
        FollowUp.done_on.is_(None), is_current(FollowUp))))
    settled = _settled(session, student_id, on)
    ids = []
    for kind in CRISIS_ITEMS:
        if kind in open_kinds:
            continue
        done = settled.get(kind)
        row = insert_entry(session, username, "follow_up", student_id, kind=kind, due_on=on,
                           done_on=on if done else None, done_by=username if done else "",
                           note=done[0] if done else "", campaign_id=None,
                           referral_id=done[1] if done else None)
        ids.append(row.id)
    return ids


def _settled(session: Session, student_id: int, on: date) -> dict[str, tuple[str, int | None]]:
    """Items the file already settles on the day of the decision: note and referral."""
    out: dict[str, tuple[str, int | None]] = {}
    assessed = session.scalar(select(func.max(CounsellingRecord.held_on)).where(
        CounsellingRecord.student_id == student_id,
        CounsellingRecord.kind.in_(ASSESSMENT_KINDS), CounsellingRecord.held_on >= on,
        is_current(CounsellingRecord)))
    if assessed is not None:
        out[ASSESS] = (f"见 {assessed:%Y-%m-%d} 的面谈评估记录", None)
    for referral in session.scalars(select(Referral).where(Referral.student_id == student_id)):
        if not referral_row(referral, load_steps(session, referral.id)).closed:
            out[REFERRAL] = (f"已有进行中的转介（{referral.opened_on:%Y-%m-%d} 开启）",
                             referral.id)
    return out


def complete_item(store: Store, followup_id: int, note: str, done_on: date | None = None,
                  notified_at: datetime | None = None,
                  done_by: str = "") -> ChangesWithId:
    """Record one checklist item as done; what each needs is in the module docstring.

    面谈评估 writes the assessment record (`note` is its content) and so completes
    itself; 通知监护人 takes its day from `notified_at`. Returns the item's new id.
    """
    require(store, WRITE_CASEFILE)
    username = store.user.username
    done_by = done_by.strip() or store.user.display_name or username
    with store.write() as session:
        item = load_entry(session, "follow_up", followup_id)
        assert isinstance(item, FollowUp)
        if item.kind not in CRISIS_ITEMS:
            raise BadInputError("这不是危机处置清单中的事项。")
        if item.done_on is not None:
            raise BadInputError(f"“{CRISIS_ITEMS[item.kind]}”已于 {item.done_on:%Y-%m-%d} "
                                "登记完成。")
        details: dict[str, object] = {}
        if item.kind == GUARDIAN:
            if notified_at is None:
                raise BadInputError("请填写通知监护人的时间（日期和几点几分）。")
            if notified_at > datetime.now():
                raise BadInputError("通知监护人的时间不能晚于现在。")
            done_on, details = notified_at.date(), {"done_at": notified_at}
        done_on = check_past(done_on or date.today(), "完成日期")
        note = check_text(note, _NOTE_NEEDED[item.kind])
        if item.kind == ASSESS:
            insert_entry(session, username, "counselling", item.student_id, held_on=done_on,
                         kind="assessment", content=note, participants=done_by,
                         next_step="", confidential=True)
            note = f"见 {done_on:%Y-%m-%d} 的{COUNSELLING_KINDS['assessment']}记录"
        return ChangesWithId(revise_entry(session, username, "follow_up", item, "完成",
                                          done_on=done_on, done_by=done_by, note=note,
                                          **details).id, in_file(item.student_id))


_NOTE_NEEDED = {
    ASSESS: "请填写面谈评估的要点（风险程度、有无计划和手段、保护因素）。",
    GUARDIAN: "请填写通知了哪位监护人、如何通知、监护人的反应。",
    SAFETY: "请填写安全计划的要点（与学生约定的事项、谁在何时关注什么）。",
    REFERRAL: "不转介时，请写明理由（转介请直接“开启转介”）。",
}


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    row: FollowUpRow

    @property
    def done(self) -> bool:
        return self.row.done_on is not None


def checklist(followups: Iterable[FollowUpRow]) -> tuple[ChecklistItem, ...]:
    """The newest checklist in a file (the newest item of each kind), in working order;
    empty when 危机 was never decided."""
    newest: dict[str, FollowUpRow] = {}
    for row in followups:
        if row.kind in CRISIS_ITEMS and (row.kind not in newest
                                         or (row.due_on, row.id) > (newest[row.kind].due_on,
                                                                    newest[row.kind].id)):
            newest[row.kind] = row
    return tuple(ChecklistItem(kind, CRISIS_ITEMS[kind], newest[kind])
                 for kind in CRISIS_ITEMS if kind in newest)
