"""The staff key's life: made, granted, checked, and the passes that (re)seal values.

A school set up by this release has a staff key from the start (setup.py). A school
from the release before it has none: its confidential columns hold clear text and its
key file is version 1. The first sign-in by an admin or counsellor (`settle`) then
1. makes the staff key and seals it to every staff slot that has a public key (the
   signer's own slot was just upgraded) and to the recovery slot — a version-1 recovery
   slot cannot take it, so a new recovery code replaces it, shown once;
2. writes the key file (so the key is never only in memory), then
3. seals every clear value of every sealed column in one transaction, with a check
   value (`school_secret` kind "staff_key_check") that marks the pass done and lets a
   later sign-in tell that its staff key is the one the data is sealed under.
A crash between 2 and 3 leaves clear values and no check value: the next staff sign-in
runs step 3 again. A class teacher's sign-in never starts any of this: it has no staff
key to give, and its session does not need one.

Staff whose slots lack the key (a counsellor signing in for the first time after the
upgrade, an account raised to a staff role while its slot was version 1) receive it at
the next sign-in of anyone who holds it (`grant_missing`): sealing needs only their
slot's public key.

Why not an alembic migration: migrations run at whichever sign-in comes first and hold
only the database key; sealing needs the staff key, which a class teacher's sign-in
must not be able to make or see.
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, Table, bindparam, func, or_, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import LargeBinary, TypeDecorator

from app.errors import StoreError
from app.models import Base, SchoolSecret, User
from app.models.sealed import is_sealed, seal, sealed_columns, unseal
from app.paths import keyslot_path
from app.services import audit, audit_seal
from app.services.accounts.keyring import key_names
from app.services.capabilities import READ_CONFIDENTIAL, user_may
from app.services.progress import NO_PROGRESS, Progress
from app.store import keyslots
from app.store.handle import Store
from app.store.keyslots import STAFF_KEY, SlotFile

CHECK = "staff_key_check"
_CHECK_TEXT = b"qingxin staff key check v1"
BATCH = 500


def settle(store: Store) -> str | None:
    """After a staff sign-in: make the staff key if the school has none, finish an
    interrupted sealing pass, grant the key to staff slots that lack it. Returns a new
    recovery code when the old (version 1) recovery slot had to be replaced."""
    if not user_may(store.user, READ_CONFIDENTIAL):
        return None
    slot_path = keyslot_path(store.path)
    slot_file = keyslots.read_slot_file(slot_path)
    with store.read() as session:
        check = session.scalar(select(SchoolSecret).where(SchoolSecret.kind == CHECK))
        roles = {name: role for name, role in session.execute(
            select(User.username, User.role).where(User.active.is_(True)))}
        clear_details = audit.has_clear_details(session)
    staff = store.keys.get(STAFF_KEY)
    code = None
    if staff is None:
        if check is not None or any(STAFF_KEY in s.sealed for s in slot_file.slots):
            return None  # the school has a staff key; this slot waits for a grant
        staff = keyslots.new_database_key()
        code = _grant(slot_file, roles, staff, store.keys)
        keyslots.write_slot_file(slot_path, slot_file)
        store.take_keys({STAFF_KEY: staff})
    elif check is not None:
        _verify(check, staff)
    if check is None or clear_details:
        with store.write() as session:
            if check is None:
                reseal(session, None, staff)
            audit.seal_clear_details(session, store.path, staff, store.user.username)
    if grant_missing(slot_file, roles, staff):
        keyslots.write_slot_file(slot_path, slot_file)
    return code


def _grant(slot_file: SlotFile, roles: dict[str, str], staff: bytes,
           keys: dict[str, bytes]) -> str | None:
    """Seal the new staff key to every staff slot that can take it; a version-1
    recovery slot is replaced by a new code holding every key."""
    grant_missing(slot_file, roles, staff)
    recovery = slot_file.find("recovery")
    if recovery is None or not recovery.legacy:
        return None
    code = keyslots.new_recovery_code()
    keyslots.replace_slot(slot_file, keyslots.make_slot(
        slot_file.db_id, {**keys, STAFF_KEY: staff}, code, "recovery"))
    return code


def grant_missing(slot_file: SlotFile, roles: dict[str, str], staff: bytes) -> bool:
    """Give the staff key to the recovery slot and to active staff accounts' slots that
    lack it and can take it. Returns whether any slot changed."""
    changed = False
    for slot in slot_file.slots:
        wanted = (slot.kind == "recovery"
                  or STAFF_KEY in key_names(roles.get(slot.user, "")))
        if wanted and not slot.legacy and STAFF_KEY not in slot.sealed:
            keyslots.seal_to_slot(slot_file.db_id, slot, STAFF_KEY, staff)
            changed = True
    return changed


def _verify(check: SchoolSecret, staff: bytes) -> None:
    try:
        AESGCM(staff).decrypt(check.nonce, check.wrapped, CHECK.encode())
    except InvalidTag:
        raise StoreError("您的保密密钥与数据库中的保密内容不是同一把（密钥文件与数据库不配套？）。"
                         "请从备份一并恢复数据库和密钥文件。",
                         detail="staff key check value does not open") from None


def reseal(session: Session, old: bytes | None, new: bytes,
           progress: Progress = NO_PROGRESS) -> int:
    """Seal every value of every sealed column under `new`: values sealed under `old`
    are opened first (a rotation); clear values are sealed as they are (the first pass,
    `old` None: only clear values are read). Replaces the check value, and the audit key
    pair on a rotation (made on the first pass if the school has none). Returns how many
    values were written."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    plan = [(tables[name], columns) for name, columns in sealed_columns(Base.metadata).items()]
    sizes = [session.scalar(select(func.count()).select_from(t)) or 0 for t, _ in plan]
    done = written = 0
    for (table, columns), size in zip(plan, sizes, strict=True):
        written += _reseal_table(session, table, columns, old, new)
        done += size
        progress.step(done, sum(sizes))
    if old is None:
        audit_seal.ensure_key(session, new)
    else:
        audit_seal.rotate(session, old, new)
    session.execute(SchoolSecret.__table__.delete().where(SchoolSecret.kind == CHECK))
    nonce = secrets.token_bytes(12)
    session.add(SchoolSecret(kind=CHECK, nonce=nonce,
                             wrapped=AESGCM(new).encrypt(nonce, _CHECK_TEXT, CHECK.encode()),
                             created_by="#staff-key"))
    session.flush()
    return written


def _reseal_table(session: Session, table: Table, columns: list[str], old: bytes | None,
                  new: bytes) -> int:
    raw = [type_coerce(table.c[name], _Raw()).label(name) for name in columns]
    query = select(table.c.id, *raw)
    if old is None:  # the first pass reads only what is still clear
        query = query.where(_any_clear(table, columns))
    opener = AESGCM(old) if old is not None else None
    sealer = AESGCM(new)
    rows = []
    for row in session.execute(query):
        values = {}
        for name in columns:
            stored = row._mapping[name]
            if stored is None:
                values[f"v_{name}"] = None
                continue
            label = f"{table.name}.{name}"
            if is_sealed(stored):
                if opener is None:
                    values[f"v_{name}"] = stored
                    continue
                text = unseal(opener, label, stored)
            else:
                text = table.c[name].type.plain_text(stored)
            values[f"v_{name}"] = seal(sealer, label, text)
        rows.append({"row_id": row.id, **values})
    statement = (update(table).where(table.c.id == bindparam("row_id"))
                 .values({name: type_coerce(bindparam(f"v_{name}"), LargeBinary)
                          for name in columns}))
    for start in range(0, len(rows), BATCH):
        session.execute(statement, rows[start:start + BATCH])
    return len(rows)


def _any_clear(table: Table, columns: list[str]) -> ColumnElement[bool]:
    """Rows with a value that is not a sealed BLOB (NULL needs no sealing)."""
    return or_(*(func.typeof(table.c[name]).not_in(("blob", "null")) for name in columns))


class _Raw(TypeDecorator[Any]):
    """What the driver stored, untouched: text, a number, or a sealed BLOB."""

    impl = LargeBinary
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        return None
