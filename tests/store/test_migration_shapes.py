"""The schema each migration makes is frozen: a fingerprint of sqlite_master after every
upgrade and every downgrade step, recorded from the migrations as autogenerate wrote
them, before app/store/migrations/shapes.py replaced their long forms.

A change to a shared helper that alters any released table fails here, whatever the
models say (the models only see head)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.store import keyslots
from app.store.engine import create_encrypted_engine
from app.store.migrate import _config

# The revisions whose long forms the helpers replaced; a later one may be added with its
# fingerprints (the models test covers head either way).
UP = ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011",
      "0012"]

FINGERPRINTS = {
    # revision → sha256 of the normalised schema after upgrading to it
    "up": {"0001": "9caa39188d1027c3", "0002": "558cbce4ded6ecfb", "0003": "f1ccf35a916f80a8",
           "0004": "1def63826c0e2937", "0005": "564bbc8286958d37", "0006": "945ae27585f324f1",
           "0007": "9053badceb48abf8", "0008": "5189f0633bbfa97c", "0009": "5189f0633bbfa97c",
           "0010": "dd51c5c381de1db8", "0011": "2f3c214c58a46a8f", "0012": "8b81478fc40fe9e1"},
    # revision → after downgrading to it from head
    "down": {"0011": "2f3c214c58a46a8f", "0010": "f4a6147119e1f0b7",
             "0009": "2e087a9a64c74e4f", "0008": "2e087a9a64c74e4f",
             "0007": "10eec2ded663e469", "0006": "9952a0ad2bc8f6d6",
             "0005": "aa212b9d814a4e1f", "0004": "2e64e2493df9cbec",
             "0003": "22602c1f8f0dce41", "0002": "67606856ed38fda6",
             "0001": "e98c35a335d6a449", "base": "8f55499028050612"},
}


def _schema(conn) -> str:
    """The schema as text, each table's constraints sorted: batch mode (which copies a
    table to alter it) writes them in an order that varies from run to run, and the
    order carries no meaning."""
    lines = []
    for kind, name, sql in conn.execute(text(
            "SELECT type, name, sql FROM sqlite_master WHERE name != 'alembic_version' "
            "ORDER BY type, name")):
        parts = [part.strip().rstrip(",") for part in (sql or "").split("\n")]
        body = [p for p in parts if not p.startswith("CONSTRAINT")]
        constraints = sorted(p for p in parts if p.startswith("CONSTRAINT"))
        lines.append(f"{kind} {name}: {body} {constraints}")
    return "\n".join(lines)


def _digest(conn) -> str:
    return hashlib.sha256(_schema(conn).encode()).hexdigest()[:16]


@pytest.fixture
def walked(tmp_path: Path) -> dict[str, dict[str, str]]:
    engine = create_encrypted_engine(tmp_path / "m.db", keyslots.new_database_key())
    cfg = _config()
    seen: dict[str, dict[str, str]] = {"up": {}, "down": {}}
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for revision in UP:
            command.upgrade(cfg, revision)
            seen["up"][revision] = _digest(conn)
        for revision in [*reversed(UP[:-1]), "base"]:
            command.downgrade(cfg, revision)
            seen["down"][revision] = _digest(conn)
    engine.dispose()
    return seen


def test_every_revision_makes_the_schema_it_always_made(walked):
    assert walked == FINGERPRINTS
