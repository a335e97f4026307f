"""Declarative base shared by every table.

Naming conventions are fixed so alembic migrations name constraints the same way on
every machine (SQLite needs names to alter constraints in batch mode).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC; screens convert to local time."""
    return datetime.now(UTC).replace(tzinfo=None)
