"""User accounts: each account is a row (who, which role) plus a key slot (the password).

Adding a user gives their new slot the keys their role holds (app/services/accounts/keyring.py),
which only an unlocked session can do, and only an admin may. The row and the slot are
written together: if the slot file cannot be written, the row is rolled back.

Taking access away re-keys (app/services/accounts/rekey.py): deactivating a user, or lowering a
role so that its slot loses a key, puts the database under a new key that the user's
old key file does not hold. Raising a role only seals the extra key to the user's slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import NOTHING, Changes, ChangesWith
from app.errors import BadInputError
from app.labels import ROLES, label
from app.models import SchoolClass, User
from app.paths import keyslot_path
from app.phones import normal_phone
from app.services import audit
from app.services.accounts.keyring import held, key_names, slot_keys
from app.services.accounts.passwords import check_new_password, check_username
from app.services.accounts.rekey import RekeyResult, rekey
from app.services.capabilities import MANAGE_USERS, ROLE_TABLE, Role, require
from app.services.progress import NO_PROGRESS, Progress
from app.store import keyslots
from app.store.handle import Store
from app.store.keyslots import Slot


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    role: str
    class_id: int | None
    active: bool
    created_at: datetime
    changes: Changes | None = field(default=None, kw_only=True, compare=False, repr=False)
    """What a write that returns the row changed (`create_user`); None when read."""


USERS = Changes(users=True)


def list_users(store: Store) -> list[UserRow]:
    require(store, MANAGE_USERS)
    with store.read() as session:
        users = session.scalars(select(User).order_by(User.id)).all()
        return [UserRow(u.username, u.display_name, u.role, u.class_id, u.active, u.created_at)
                for u in users]


def _role(role: str, class_id: int | None) -> Role:
    """The role's row in the capability table; a class-bound role needs its class."""
    row = ROLE_TABLE.get(role)
    if row is None:
        raise BadInputError(f"未知角色：{role}")
    if row.needs_class and class_id is None:
        raise BadInputError(f"{row.label}账户必须指定所带班级。")
    return row


def create_user(store: Store, username: str, display_name: str, role: str, password: str,
                class_id: int | None = None) -> UserRow:
    require(store, MANAGE_USERS)
    username = check_username(username)
    row = _role(role, class_id)
    check_new_password(password)
    slot_path = keyslot_path(store.path)
    with store.write() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise BadInputError(f"用户名“{username}”已存在。")
        if class_id is not None and session.get(SchoolClass, class_id) is None:
            raise BadInputError("指定的班级不存在。")
        user = User(username=username, display_name=display_name.strip() or username,
                    role=role, class_id=class_id if row.needs_class else None)
        session.add(user)
        audit.record(session, store.user.username, "user_created", "user", username,
                     f"角色 {row.label}")
        slot_file = keyslots.read_slot_file(slot_path)
        keyslots.replace_slot(slot_file, keyslots.make_slot(
            slot_file.db_id, slot_keys(role, store.keys), password, "password", username))
        keyslots.write_slot_file(slot_path, slot_file)
        return UserRow(user.username, user.display_name, user.role, user.class_id, True,
                       user.created_at, changes=USERS)


def reset_user_password(store: Store, username: str, new_password: str) -> Changes:
    """An admin sets a new password for another account (a forgotten password, or an
    account being re-enabled, which has no key slot left). Activates the account."""
    require(store, MANAGE_USERS)
    check_new_password(new_password)
    slot_path = keyslot_path(store.path)
    with store.write() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise BadInputError(f"找不到用户“{username}”。")
        user.active = True
        audit.record(session, store.user.username, "password_changed", "user", username,
                     "管理员重设")
        slot_file = keyslots.read_slot_file(slot_path)
        keyslots.replace_slot(slot_file, keyslots.make_slot(
            slot_file.db_id, slot_keys(user.role, store.keys), new_password, "password",
            username))
        keyslots.write_slot_file(slot_path, slot_file)
    return USERS


def set_user_active(store: Store, username: str, active: bool,
                    progress: Progress = NO_PROGRESS) -> ChangesWith[RekeyResult | None]:
    """Deactivating keeps the row (the audit log names it), drops the key slot and
    re-keys the database, so the user's old copy of the key file no longer opens it; to
    enable an account again, give it a password with `reset_user_password`."""
    require(store, MANAGE_USERS)
    if username == store.user.username and not active:
        raise BadInputError("不能停用当前登录的账户。")
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise BadInputError(f"找不到用户“{username}”。")
        if active and not user.active:
            raise BadInputError("重新启用账户需要为其设置新密码。")
        if active or not user.active:
            return ChangesWith(None, USERS)

    def deactivate(session: Session) -> None:
        row = session.scalar(select(User).where(User.username == username))
        assert row is not None  # read above; the admin holds the only session
        row.active = False
        audit.record(session, store.user.username, "user_updated", "user", username, "停用")

    return ChangesWith(rekey(store, keep=lambda slot: set() if _owns(slot, username)
                             else held(slot), change=deactivate, progress=progress), USERS)


def set_user_role(store: Store, username: str, role: str, class_id: int | None = None,
                  progress: Progress = NO_PROGRESS) -> ChangesWith[RekeyResult | None]:
    """Change an account's role. If the new role holds fewer keys (a counsellor made
    class teacher), the database is re-keyed and the slot keeps only the new role's
    keys; if more, the extra keys are sealed to the user's slot (no password needed).
    Returns the re-key's result (`.value`), or None when no re-key was needed."""
    require(store, MANAGE_USERS)
    row = _role(role, class_id)
    if username == store.user.username:
        raise BadInputError("不能修改当前登录账户的角色。")
    class_id = class_id if row.needs_class else None
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise BadInputError(f"找不到用户“{username}”。")
        if class_id is not None and session.get(SchoolClass, class_id) is None:
            raise BadInputError("指定的班级不存在。")
        old_role = user.role

    def change(session: Session) -> None:
        row = session.scalar(select(User).where(User.username == username))
        assert row is not None
        row.role, row.class_id = role, class_id
        audit.record(session, store.user.username, "user_updated", "user", username,
                     f"角色 {label(ROLES, old_role)} → {label(ROLES, role)}")

    slot_path = keyslot_path(store.path)
    slot_file = keyslots.read_slot_file(slot_path)
    slot = slot_file.find("password", username)
    if slot is not None and held(slot) - key_names(role):
        return ChangesWith(rekey(store, keep=lambda s: key_names(role) if _owns(s, username)
                                 else held(s), change=change, progress=progress), USERS)
    with store.write() as session:
        change(session)
        if slot is not None and not slot.legacy:
            for name, key in slot_keys(role, store.keys).items():
                if name not in slot.sealed:
                    keyslots.seal_to_slot(slot_file.db_id, slot, name, key)
            keyslots.write_slot_file(slot_path, slot_file)
    return ChangesWith(None, USERS)


def _owns(slot: Slot, username: str) -> bool:
    return slot.kind == "password" and slot.user == username


def my_phone(store: Store) -> str:
    """The signed-in teacher's own number, as letters print it."""
    with store.read() as session:
        return session.scalar(select(User.phone).where(
            User.username == store.user.username)) or ""


def set_my_phone(store: Store, phone: str) -> ChangesWith[str]:
    """Every teacher keeps their own number (no capability needed: it is theirs); empty
    clears it. Audited without the number."""
    phone = normal_phone(phone) if phone.strip() else ""
    with store.write() as session:
        user = session.scalar(select(User).where(User.username == store.user.username))
        if user is None:
            raise BadInputError("找不到当前账户。")
        user.phone = phone
        audit.record(session, store.user.username, "account_phone", "user",
                     store.user.username, "已填写" if phone else "已清除")
    return ChangesWith(phone, NOTHING)
