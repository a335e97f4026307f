"""Who a username is, in the words a teacher reads: records store the username (it is
stable and audited); screens show the display name (刘老师) chosen for the account."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User


def display_names(session: Session) -> dict[str, str]:
    """username → display name, for every account that has one."""
    return {u: name for u, name in session.execute(select(User.username, User.display_name))
            if name}
