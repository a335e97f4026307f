"""The hash-chained audit log.

`record` is called inside the same transaction as the change it describes, so an
import and its audit entry commit together or not at all. Each entry's hash covers its
fields and the previous entry's hash; `verify_chain` recomputes them all and reports
the first entry that does not fit (edited, deleted or inserted out of order), and
compares the newest with the anchor kept outside the database (audit_anchor.py), which
is how removing the newest entries shows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.labels import AUDIT_ACTIONS
from app.models import AuditEvent, utcnow
from app.services.audit_anchor import Anchor, check_anchor, note_head
from app.services.capabilities import READ_AUDIT, require
from app.store.handle import Store

GENESIS = "0" * 64


def _digest(prev: str, at: datetime, username: str, action: str, target_kind: str,
            target_id: str, detail: str) -> str:
    payload = json.dumps([prev, at.isoformat(), username, action, target_kind, target_id,
                          detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, username: str, action: str, target_kind: str = "",
           target_id: str | int = "", detail: str = "") -> AuditEvent:
    """Append one event. `detail` must not hold names or other student data: ids only."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    at = utcnow()
    event = AuditEvent(
        at=at, username=username, action=action, target_kind=target_kind,
        target_id=str(target_id), detail=detail, prev_hash=prev or GENESIS,
        hash=_digest(prev or GENESIS, at, username, action, target_kind, str(target_id),
                     detail),
    )
    session.add(event)
    session.flush()
    note_head(session, event.id, event.hash)
    return event


def record_for(store: Store, action: str, target_kind: str = "", target_id: str | int = "",
               detail: str = "") -> None:
    """Record an event in its own transaction (for reads, which change nothing else)."""
    with store.write() as session:
        record(session, store.user.username, action, target_kind, target_id, detail)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    target_kind: str
    target_id: str
    detail: str


def count_events(store: Store) -> int:
    require(store, READ_AUDIT)
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id))) or 0


def list_events(store: Store, limit: int = 200, offset: int = 0) -> list[AuditRow]:
    """Newest first."""
    require(store, READ_AUDIT)
    with store.read() as session:
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.at, AuditEvent.username, AuditEvent.action,
                   AuditEvent.target_kind, AuditEvent.target_id, AuditEvent.detail)
            .order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
        ).all()
    return [AuditRow(*row) for row in rows]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_break: int | None
    message: str


def verify_chain(store: Store, also: tuple[Anchor, ...] = ()) -> ChainReport:
    """The whole chain, then the anchor beside the database and each head in `also`
    (a sealed district file's, which the school cannot take back)."""
    require(store, READ_AUDIT)
    prev = GENESIS
    checked = 0
    with store.read() as session:
        for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(2000):
            expected = _digest(prev, ev.at, ev.username, ev.action, ev.target_kind,
                               ev.target_id, ev.detail)
            if ev.prev_hash != prev or ev.hash != expected:
                why = "前后链接断开（有记录被删除或插入）" if ev.prev_hash != prev else "内容被修改"
                return ChainReport(False, checked, ev.id,
                                   f"审计日志在第 {ev.id} 条处校验失败：{why}。")
            prev = ev.hash
            checked += 1
        problem = check_anchor(session, store.path, checked, also)
    if problem is not None:
        return ChainReport(False, checked, None, problem)
    return ChainReport(True, checked, None, f"审计日志完整：共 {checked} 条记录，哈希链无断裂，"
                                            "与日志外保存的锚点一致。")
