"""Which keys each role's key slot holds.

Every slot holds the database key. Staff slots (roles that may read confidential
content) also hold the staff key, under which confidential columns are sealed
(app/models/sealed.py); a class teacher's slot does not, so that password, even with a
copy of the database and the key file, cannot read them. The recovery slot holds every
key: it can reset anyone's password, an admin's included.
"""

from __future__ import annotations

from app.services.capabilities import READ_CONFIDENTIAL, may
from app.store.keyslots import DATABASE, STAFF_KEY, Slot


def key_names(role: str) -> set[str]:
    return {DATABASE, STAFF_KEY} if may(role, READ_CONFIDENTIAL) else {DATABASE}


def slot_keys(role: str, keys: dict[str, bytes]) -> dict[str, bytes]:
    """The keys a new slot for `role` gets, from those the current session holds."""
    return {name: key for name, key in keys.items() if name in key_names(role)}


def held(slot: Slot) -> set[str]:
    """The key names a slot holds now (a version-1 slot: the database key only)."""
    return set(slot.sealed) or {DATABASE}
