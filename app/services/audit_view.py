"""The audit log as a principal reads it: filtered, and every object named in words.

The stored event keeps codes and ids only (`detail` never holds a name: the hash chain
would freeze any name typed there forever). Names are resolved here, when the log is
read by staff: 学生 学籍号 姓名, 测评批次 名称, 转介 编号 N, 账户 显示名. Each page of
events is resolved with one query per kind of object, so scrolling stays cheap. Details
are opened here too (sealed to the audit key, audit_seal.py; the admin's staff key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.deployment import KEY_STUDENT_MODES
from app.labels import AUDIT_ACTIONS, AUDIT_DETAIL_NEW_KEY, AUDIT_DETAILS, AUDIT_TARGETS, label
from app.models import AuditEvent, Campaign, Student, User
from app.services.audit_seal import open_detail
from app.services.capabilities import READ_AUDIT, require
from app.store.handle import Store
from app.terms import period_text

STUDENT_KINDS = ("student", "participation", "screening_result")
"""Target kinds whose target id is a student's id."""


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page narrows the log to; empty fields do not filter."""

    username: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    student: str = ""  # 学籍号 (exact) or part of a name


@dataclass(frozen=True)
class AuditLine:
    """One event in words; `action` and `target_kind`/`target_id` stay for machines."""

    id: int
    at: datetime
    user: str
    action_text: str
    target_text: str
    detail: str
    action: str
    target_kind: str
    target_id: str


def _local_midnight_utc(day: date) -> datetime:
    """A local calendar day starts at local midnight; events are stored in naive UTC."""
    local = datetime.combine(day, time()).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def _matching_students(session: Session, text: str) -> list[str]:
    text = text.strip()
    ids = session.scalars(select(Student.id).where(
        or_(Student.student_no == text, Student.name.contains(text)))).all()
    return [str(i) for i in ids]


def _filtered(session: Session, query: Select, f: AuditFilter) -> Select:
    if f.username:
        query = query.where(AuditEvent.username == f.username)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.since is not None:
        query = query.where(AuditEvent.at >= _local_midnight_utc(f.since))
    if f.until is not None:
        query = query.where(AuditEvent.at < _local_midnight_utc(f.until + timedelta(days=1)))
    if f.student.strip():
        query = query.where(AuditEvent.target_kind.in_(STUDENT_KINDS),
                            AuditEvent.target_id.in_(_matching_students(session, f.student)))
    return query


def count_lines(store: Store, f: AuditFilter = AuditFilter()) -> int:
    with store.read() as session:
        return session.scalar(_filtered(session, select(func.count(AuditEvent.id)), f)) or 0


def list_lines(store: Store, f: AuditFilter = AuditFilter(), limit: int = 200,
               offset: int = 0) -> list[AuditLine]:
    """Newest first, `limit` events from `offset`, each described in words (names are
    resolved here; the audit log is the admin's: READ_AUDIT)."""
    require(store, READ_AUDIT)
    with store.read() as session:
        events = session.scalars(_filtered(session, select(AuditEvent), f)
                                 .order_by(AuditEvent.id.desc()).limit(limit)
                                 .offset(offset)).all()
        return describe(session, events)


def audit_users(store: Store) -> list[tuple[str, str]]:
    """(username, how the user is shown) for every account that appears in the log."""
    with store.read() as session:
        names = session.scalars(select(AuditEvent.username).distinct()).all()
        shown = _user_names(session, names)
    return sorted(((n, shown[n]) for n in names), key=lambda pair: pair[0])


def _user_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    wanted = set(usernames)
    display = {u: shown for u, shown in session.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted)))}
    return {u: f"{display[u]}（{u}）" if display.get(u) else u for u in wanted}


def _ids(events: Iterable[AuditEvent], kinds: tuple[str, ...]) -> set[int]:
    return {int(e.target_id) for e in events
            if e.target_kind in kinds and e.target_id.isdigit()}


def describe(session: Session, events: list[AuditEvent]) -> list[AuditLine]:
    students = {sid: f"学生 {no} {name}" for sid, no, name in session.execute(
        select(Student.id, Student.student_no, Student.name)
        .where(Student.id.in_(_ids(events, STUDENT_KINDS))))}
    campaigns = {cid: f"测评批次 {name}" for cid, name in session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.id.in_(_ids(events, ("campaign",)))))}
    users = _user_names(session, {e.username for e in events}
                        | {e.target_id for e in events if e.target_kind == "user"})
    lines = []
    for e in events:
        lines.append(AuditLine(
            e.id, e.at, users.get(e.username, e.username), label(AUDIT_ACTIONS, e.action),
            _target(e, students, campaigns, users),
            audit_detail(e.action, open_detail(session, e.detail)), e.action,
            e.target_kind, e.target_id))
    return lines


def audit_detail(action: str, detail: str) -> str:
    """An event's detail as the view shows it: a stored machine form (labels.AUDIT_DETAILS)
    in words, anything else (already in words) as it is."""
    for code, form, words in AUDIT_DETAILS:
        if code == action and (m := form.fullmatch(detail)):
            fields = m.groupdict()
            mode = fields.get("mode") or ""
            if "period" in fields:
                fields["period"] = period_text(fields["period"])
            if mode:
                fields["mode"] = KEY_STUDENT_MODES.get(mode, mode)
            if fields.get("size"):
                fields["mb"] = f"{int(fields['size']) / 1_048_576:.1f}"
            fields["listed"] = f"（{fields['n']} 人）" if fields.get("n") and mode != "counts" \
                else ""
            fields["new"] = AUDIT_DETAIL_NEW_KEY if fields.get("new") else ""
            return words.format(**fields)
    return detail


def _target(e: AuditEvent, students: dict[int, str], campaigns: dict[int, str],
            users: dict[str, str]) -> str:
    kind = label(AUDIT_TARGETS, e.target_kind)
    if not e.target_id:
        return kind
    key = int(e.target_id) if e.target_id.isdigit() else None
    if e.target_kind == "student":
        return students.get(key, f"学生（编号 {e.target_id}，已删除）")  # type: ignore[arg-type]
    if e.target_kind in STUDENT_KINDS:
        return f"{kind}：" + students.get(key, f"学生 编号 {e.target_id}")  # type: ignore[arg-type]
    if e.target_kind == "campaign":
        return campaigns.get(key, f"测评批次 编号 {e.target_id}（已删除）")  # type: ignore[arg-type]
    if e.target_kind == "user":
        return f"{kind} {users.get(e.target_id, e.target_id)}"
    if e.target_kind == "referral":
        return f"{kind} 编号 {e.target_id}"
    return f"{kind} {e.target_id}"
