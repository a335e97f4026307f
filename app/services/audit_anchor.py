"""The audit chain's head, anchored outside the database.

The hash chain shows an event edited, inserted or removed in the middle, but not the
newest events removed: the shortened chain is still a valid chain. So after every
commit that recorded events, the newest event's id and hash are written beside the
database (`qingxin.db.audit`, next to the key slots), travel with every backup
(`<backup>.db.audit`) and every sealed district file (`manifest_anchor`).
`audit verify` then requires the anchored event to be in the log with that hash.

The anchor only moves forward: it is replaced only while the event it names is still in
the log, so the evidence of a deletion stays until someone looks. Limits: whoever can
delete rows can also delete or rewrite this file (it is evidence against a quiet SQL
edit, not against a full rewrite, as the chain itself; ARCHITECTURE.md); and after a
power cut the log may be newer than the anchor, never older, because the anchor is
written after the commit.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from app.atomic import write_atomic
from app.errors import BadInputError, QingxinError, StoreError
from app.models import AuditEvent
from app.paths import audit_anchor_path
from app.seal.manifest import AuditHead

HEAD_KEY = "qingxin_audit_head"
"""Session.info key: the newest event recorded in this session's transaction."""
REWRITE_KEY = "qingxin_audit_rewritten"
"""Session.info key: this transaction hashed the chain anew (audit.seal_clear_details)."""


@dataclass(frozen=True)
class Anchor:
    last_id: int
    last_hash: str

    def as_dict(self) -> dict[str, object]:
        return {"last_id": self.last_id, "last_hash": self.last_hash}


def read_anchor(db_path: Path) -> Anchor | None:
    """The anchor beside `db_path`, or None if there is none (or it is unreadable)."""
    try:
        raw = json.loads(audit_anchor_path(db_path).read_text(encoding="utf-8"))
        return Anchor(int(raw["last_id"]), str(raw["last_hash"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_anchor(db_path: Path, anchor: Anchor) -> None:
    data = json.dumps(anchor.as_dict()).encode("utf-8")
    write_atomic(audit_anchor_path(db_path), data, private=True, durable=False,
                 error=StoreError)


def note_head(session: Session, event_id: int, event_hash: str) -> None:
    """Called by audit.record: after this transaction commits, anchor this event."""
    session.info[HEAD_KEY] = Anchor(event_id, event_hash)


def note_rewrite(session: Session) -> None:
    """The chain was hashed anew in this transaction (verified first): after the commit
    the anchor takes the new head even though its old event's hash changed."""
    session.info[REWRITE_KEY] = True


@event.listens_for(Session, "after_commit")
def _advance(session: Session) -> None:
    head = session.info.pop(HEAD_KEY, None)
    rewritten = session.info.pop(REWRITE_KEY, False)
    if head is None:
        return
    bind = session.get_bind()
    database = getattr(getattr(bind, "url", None), "database", None)
    if not database:
        return
    db_path = Path(database)
    if db_path.name.endswith("partial"):
        return  # a copy being prepared (re-key, restore): the live file's anchor catches up
    with contextlib.suppress(QingxinError):  # best effort: the data is committed
        old = None if rewritten else read_anchor(db_path)
        if old is not None:
            if old.last_id >= head.last_id:
                return  # ids were reused after a deletion: never move the anchor back
            with bind.connect() as conn:
                found = conn.execute(text("SELECT hash FROM audit_event WHERE id = :id"),
                                     {"id": old.last_id}).scalar()
            if found != old.last_hash:
                return  # the anchored event is gone: keep the evidence for `audit verify`
        write_anchor(db_path, head)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(HEAD_KEY, None)
    session.info.pop(REWRITE_KEY, None)


def check_anchor(session: Session, db_path: Path, checked: int,
                 also: tuple[Anchor, ...] = ()) -> str | None:
    """None if the log still holds the anchored event, and each of `also` (heads kept
    elsewhere: a sealed file's, given to `audit verify --anchor`); else what is wrong,
    in Chinese."""
    anchor = read_anchor(db_path)
    for head in ((anchor,) if anchor is not None else ()) + also:
        found = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == head.last_id))
        if found == head.last_hash:
            continue
        where = "日志外保存的锚点" if head is anchor else "给定的锚点"
        if found is None:
            return (f"审计日志的最新记录被删除：{where}记录到第 {head.last_id} 条，"
                    f"日志中现在只有 {checked} 条记录。")
        return f"审计日志第 {head.last_id} 条与{where}不符（被改写或替换）。"
    return None


def parse_anchor(text: str) -> Anchor:
    """`ID:HASH` as `seal open` prints a sealed file's anchor; BadInputError otherwise."""
    number, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not number.strip().isdigit() or len(digest) != 64 \
            or any(c not in "0123456789abcdef" for c in digest):
        raise BadInputError(f"锚点 {text!r} 格式不对：应写作 编号:哈希（64 位十六进制）。")
    return Anchor(int(number), digest)


def manifest_anchor(db_path: Path) -> AuditHead | None:
    """The anchor as a sealed file's contents list carries it (district_export), or None
    when the database has none yet. The anchor, not the log's newest row: if the newest
    events were removed before sealing, the district receives the head that is missing."""
    anchor = read_anchor(db_path)
    return None if anchor is None else AuditHead(anchor.last_id, anchor.last_hash)
