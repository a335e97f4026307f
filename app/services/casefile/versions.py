"""Working with versioned entries (app/models/versioned.py).

Every version of an entry belongs to the same student, so loading all rows of a
student's table gives whole chains: `current` then keeps the versions nobody
supersedes. `new_version` is the only way an entry changes, and `chain` gives an
auditor the versions of one entry from the original to the newest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import Session, aliased

from app.errors import BadInputError
from app.models import Versioned

V = TypeVar("V", bound=Versioned)

#: Columns a new version never copies: its identity and its own provenance.
_OWN = frozenset({"id", "supersedes_id", "change_reason", "withdrawn", "created_at",
                  "created_by"})


def current(rows: Iterable[V]) -> list[V]:
    """The latest, not withdrawn versions among `rows` (which hold whole chains)."""
    rows = list(rows)
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    return [r for r in rows if r.id not in superseded and not r.withdrawn]


def is_current(model: type[Versioned]) -> ColumnElement[bool]:
    """SQL filter with the meaning of `current`, for queries across students."""
    later = aliased(model)
    superseded = select(later.id).where(later.supersedes_id == model.id).exists()
    return ~superseded & ~model.withdrawn


def content_fields(model: type[Versioned]) -> list[str]:
    return [c.key for c in inspect(model).column_attrs if c.key not in _OWN]


def new_version(session: Session, old: V, username: str, reason: str, *,
                withdrawn: bool = False, **changes: Any) -> V:
    """Add a version of `old` with `changes`; refuses to fork or revive a chain."""
    model = type(old)
    successor = session.scalar(select(model.id).where(model.supersedes_id == old.id))
    if successor is not None:
        raise BadInputError("这条记录已有更新的版本，请刷新后在最新版本上修改。")
    if old.withdrawn:
        raise BadInputError("这条记录已撤回，不能再修改。")
    fields = content_fields(model)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"not fields of {model.__name__}: {sorted(unknown)}")
    values = {name: getattr(old, name) for name in fields} | changes
    row = model(**values, supersedes_id=old.id, change_reason=reason, withdrawn=withdrawn,
                created_by=username)
    session.add(row)
    session.flush()
    return row


def newest_ids(session: Session, model: type[Versioned], ids: Iterable[int]) -> dict[int, int]:
    """Each id → the newest version of its entry (itself when never corrected; the
    withdrawing version when withdrawn). A link kept to an entry from elsewhere (a 反映
    to its file entry) names the version it was made with; reading through this
    follows the entry's corrections. One query per generation of corrections."""
    newest = {i: i for i in ids}
    frontier = set(newest)
    while frontier:
        later = dict(session.execute(select(model.supersedes_id, model.id)
                                     .where(model.supersedes_id.in_(frontier))).all())
        newest = {start: later.get(at, at) for start, at in newest.items()}
        frontier = set(later.values())
    return newest


def chain(session: Session, model: type[V], record_id: int) -> list[V]:
    """Every version of the entry `record_id` belongs to, oldest first."""
    row = session.get(model, record_id)
    if row is None:
        raise BadInputError("找不到这条记录，可能已被删除或编号有误。")
    while row.supersedes_id is not None:
        row = session.get(model, row.supersedes_id)
        assert row is not None
    versions = [row]
    while True:
        later = session.scalar(select(model).where(model.supersedes_id == versions[-1].id))
        if later is None:
            return versions
        versions.append(later)
