"""The print context every report carries (data.PrintContext): the school's name, who
printed it and when, and the school key's fingerprint, read from the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.models import School
from app.reports.data import PrintContext
from app.services.district.school_keys import school_key_fingerprint
from app.store.handle import Store


def print_context(store: Store, now: datetime | None = None) -> PrintContext:
    with store.read() as session:
        name = session.scalar(select(School.name).limit(1)) or ""
    who = store.user.display_name
    if who != store.user.username:
        who = f"{who}（{store.user.username}）"
    return PrintContext(name, who, now or datetime.now(), school_key_fingerprint(store))
