"""Checking the signed-in teacher's password without signing in again.

The self-administration kiosk (本机作答) hands the PC to a student; leaving it must
need the teacher's password, or the student could walk into everyone's files. The
check opens the teacher's own key slot, as a login would, and shares the login's
failure counter: guessing at the kiosk slows down guessing at the login screen too.
"""

from __future__ import annotations

from app.errors import WrongPasswordError
from app.paths import keyslot_path
from app.store import keyslots, throttle
from app.store.handle import Store


def verify_password(store: Store, password: str) -> bool:
    """Whether `password` opens the current user's slot.

    Raises WrongPasswordError (with the wait in Chinese) while too many recent failures
    make the user wait, like the login screen.
    """
    who = store.user.username
    slot_file = keyslots.read_slot_file(keyslot_path(store.path))
    slot = slot_file.find("password", who)
    if slot is None:
        return False
    throttle.begin_attempt(store.path, who)
    try:
        keyslots.open_slot(slot_file, slot, password)
    except WrongPasswordError:
        return False
    throttle.record_success(store.path, who)
    return True
