"""The hash-chained audit log.

`record` is called inside the same transaction as the change it describes, so an
import and its audit entry commit together or not at all. Each entry's hash covers its
fields and the previous entry's hash; `verify_chain` recomputes them all and reports
the first entry that does not fit (edited, deleted or inserted out of order), and
compares the newest with the anchor kept outside the database (audit_anchor.py), which
is how removing the newest entries shows.

Details are sealed to the school's audit public key as they are written
(audit_seal.py): any session can write them, only the staff key opens them. The hash
covers the sealed bytes, so anyone may verify the chain without reading a detail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from app.labels import AUDIT_ACTIONS
from app.models import AuditEvent, utcnow
from app.services.audit_anchor import Anchor, check_anchor, note_head, note_rewrite
from app.services.audit_seal import ensure_key, open_detail, seal_detail
from app.services.capabilities import READ_AUDIT, require
from app.store.handle import Store

GENESIS = "0" * 64
_BATCH = 1000
T = TypeVar("T")


def _digest(prev: str, at: datetime, username: str, action: str, target_kind: str,
            target_id: str, detail: str | bytes) -> str:
    """A sealed detail is hashed as {"sealed": hex of its bytes}, which no clear text
    (a JSON string) can equal."""
    shown = {"sealed": detail.hex()} if isinstance(detail, bytes) else detail
    payload = json.dumps([prev, at.isoformat(), username, action, target_kind, target_id,
                          shown], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, username: str, action: str, target_kind: str = "",
           target_id: str | int = "", detail: str = "") -> AuditEvent:
    """Append one event. `detail` must not hold names or other student data: ids only.
    It is sealed to the audit public key before it is stored."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    at = utcnow()
    stored = seal_detail(session, detail)
    event = AuditEvent(
        at=at, username=username, action=action, target_kind=target_kind,
        target_id=str(target_id), detail=stored, prev_hash=prev or GENESIS,
        hash=_digest(prev or GENESIS, at, username, action, target_kind, str(target_id),
                     stored),
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


def audited_listing(store: Store, action: str, target_kind: str, unit: str,
                    read: Callable[[Session], list[T]], target_id: str | int = "") -> list[T]:
    """A listing that names students: the rows `read` returns and one event counting them
    ("12 人", `unit` after the number), in the same transaction — no list is shown
    without its audit entry. The caller checks the permission first."""
    with store.write() as session:
        rows = read(session)
        record(session, store.user.username, action, target_kind, target_id,
               f"{len(rows)} {unit}")
    return rows


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
    """Newest first, details opened."""
    require(store, READ_AUDIT)
    with store.read() as session:
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.at, AuditEvent.username, AuditEvent.action,
                   AuditEvent.target_kind, AuditEvent.target_id, AuditEvent.detail)
            .order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
        ).all()
        return [AuditRow(*row[:6], open_detail(session, row.detail)) for row in rows]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_break: int | None
    message: str


def _first_break(session: Session) -> tuple[int | None, str, int]:
    """Walk the chain: (id of the first event that does not fit or None, why, how many
    fit before it)."""
    prev = GENESIS
    checked = 0
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(2000):
        expected = _digest(prev, ev.at, ev.username, ev.action, ev.target_kind,
                           ev.target_id, ev.detail)
        if ev.prev_hash != prev or ev.hash != expected:
            why = "前后链接断开（有记录被删除或插入）" if ev.prev_hash != prev else "内容被修改"
            return ev.id, why, checked
        prev = ev.hash
        checked += 1
    return None, "", checked


def verify_chain(store: Store, also: tuple[Anchor, ...] = ()) -> ChainReport:
    """The whole chain, then the anchor beside the database and each head in `also`
    (a sealed district file's, which the school cannot take back)."""
    require(store, READ_AUDIT)
    with store.read() as session:
        broken, why, checked = _first_break(session)
        if broken is not None:
            return ChainReport(False, checked, broken,
                               f"审计日志在第 {broken} 条处校验失败：{why}。")
        problem = check_anchor(session, store.path, checked, also)
    if problem is not None:
        return ChainReport(False, checked, None, problem)
    return ChainReport(True, checked, None, f"审计日志完整：共 {checked} 条记录，哈希链无断裂，"
                                            "与日志外保存的锚点一致。")


def has_clear_details(session: Session) -> bool:
    return session.scalar(select(AuditEvent.id).where(
        func.typeof(AuditEvent.detail) == "text", AuditEvent.detail != "").limit(1)) is not None


def seal_clear_details(session: Session, db_path: Path, staff: bytes, username: str) -> int:
    """Seal every detail still in clear (written before the school had an audit key) and
    hash the chain again over the sealed bytes — the one time the chain is rewritten,
    so only a chain that verifies, with its anchor, is: a broken one keeps its break
    (and its clear details) as evidence. The anchor follows the new head (note_rewrite),
    and an `audit_sealed` event says it happened. Returns how many were sealed."""
    ensure_key(session, staff)
    if not has_clear_details(session):
        return 0
    broken, _, checked = _first_break(session)
    if broken is not None or check_anchor(session, db_path, checked) is not None:
        return 0
    table = AuditEvent.__table__
    rows = session.execute(select(table.c.id, table.c.at, table.c.username, table.c.action,
                                  table.c.target_kind, table.c.target_id, table.c.detail)
                           .order_by(table.c.id)).all()
    prev = GENESIS
    sealed = 0
    changes = []
    for row in rows:
        detail = row.detail
        if isinstance(detail, str) and detail:
            detail = seal_detail(session, detail)
            sealed += 1
        digest = _digest(prev, row.at, row.username, row.action, row.target_kind,
                         row.target_id, detail)
        changes.append({"row_id": row.id, "d": detail, "p": prev, "h": digest})
        prev = digest
    statement = (update(table).where(table.c.id == bindparam("row_id"))
                 .values(detail=bindparam("d"), prev_hash=bindparam("p"), hash=bindparam("h")))
    for start in range(0, len(changes), _BATCH):
        session.execute(statement, changes[start:start + _BATCH])
    note_rewrite(session)
    record(session, username, "audit_sealed", "database", "",
           f"{sealed} 条审计详情已加密，哈希链按加密后的内容重算（重算前校验无误）")
    return sealed
