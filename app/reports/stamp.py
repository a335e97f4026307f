"""What every report says about itself: which school, who printed it, when, and the
school key's fingerprint — so a page found on a desk can be traced to its printing in
the audit log, and a page claiming to come from the school can be checked against the
fingerprint the district registered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.models import School
from app.services.district.school_keys import school_key_fingerprint
from app.store.handle import Store


@dataclass(frozen=True)
class PrintContext:
    school_name: str
    printed_by: str
    printed_at: datetime
    key_fingerprint: str | None

    @property
    def stamp(self) -> str:
        key = f"　学校密钥指纹 {self.key_fingerprint}" if self.key_fingerprint else ""
        return (f"打印：{self.printed_by}　{self.printed_at:%Y-%m-%d %H:%M}{key}")


def print_context(store: Store, now: datetime | None = None) -> PrintContext:
    with store.read() as session:
        name = session.scalar(select(School.name).limit(1)) or ""
    who = store.user.display_name
    if who != store.user.username:
        who = f"{who}（{store.user.username}）"
    return PrintContext(name, who, now or datetime.now(), school_key_fingerprint(store))
