"""The table shapes the migrations repeat, written once.

Alembic's autogenerate spells every table out in full: the `id` key, each foreign key
and index named by the naming convention (app/models/base.py), and for the versioned
tables of the student file (app/models/versioned.py) the same five columns, the
self-reference and its unique constraint, eleven times over. The migrations say only
what differs: the table's own columns, what they refer to and what is indexed.

What these helpers emit is frozen: databases migrated by earlier releases hold their
output, and a new database must come out the same. They replaced the long forms
without changing the schema: every table's SQL in sqlite_master, after each upgrade and
each downgrade step, is the same as before (tests/store/test_migration_shapes.py holds
its fingerprint per revision; only the order of the constraints inside a table that
batch mode has copied is set aside, since batch mode's own order varies from run to
run). A new shape gets a new helper; an existing one is never changed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import sqlalchemy as sa
from alembic import op


def integer(name: str, null: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=null)


def string(name: str, length: int, null: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=null)


def text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def day(name: str, null: bool = False) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=null)


def moment(name: str, null: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=null)


def flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False)


def double(name: str) -> sa.Column:
    return sa.Column(name, sa.Double(), nullable=True)


def blob(name: str, null: bool = False) -> sa.Column:
    return sa.Column(name, sa.LargeBinary(), nullable=null)


def _versioned() -> list[sa.Column]:
    """The columns every version of a file entry carries after its own (versioned.py)."""
    return [string("change_reason", 200), flag("withdrawn"), moment("created_at"),
            string("created_by", 40), integer("supersedes_id", null=True)]


def create(name: str, *columns: sa.Column, refs: Mapping[str, str] | None = None,
           cascade: Collection[str] = (), unique: Sequence[str] = (),
           named_unique: Mapping[str, Sequence[str]] | None = None, index: Sequence[str] = (),
           versioned: bool = False, key: Sequence[str] = ("id",)) -> None:
    """Create table `name`: an integer `id` key (unless `key` names other columns), its
    `columns`, then the versioned columns; foreign keys for `refs` (column → table,
    referring to its `id`; ON DELETE CASCADE for the columns in `cascade`) in column
    order, as autogenerate orders them; the primary key; a unique constraint on each
    column of `unique` (named by the convention) and on each group of `named_unique`
    (named as given); an index on each column of `index`.

    The constraints are made in this order because SQLAlchemy writes them in the order
    they were made: the frozen DDL depends on it."""
    refs = dict(refs or {})
    head = [integer("id")] if tuple(key) == ("id",) else []
    tail = _versioned() if versioned else []
    if versioned:
        refs["supersedes_id"] = name
        unique = [*unique, "supersedes_id"]
    foreign = [sa.ForeignKeyConstraint([column], [f"{table}.id"],
                                       name=op.f(f"fk_{name}_{column}_{table}"),
                                       **({"ondelete": "CASCADE"} if column in cascade else {}))
               for column, table in sorted(refs.items())]
    primary = sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{name}"))
    uniques = [*(sa.UniqueConstraint(*columns, name=constraint)
                 for constraint, columns in (named_unique or {}).items()),
               *(sa.UniqueConstraint(column, name=op.f(f"uq_{name}_{column}"))
                 for column in unique)]
    op.create_table(name, *head, *columns, *tail, *foreign, primary, *uniques)
    for column in index:
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)


def drop(name: str, index: Sequence[str] = ()) -> None:
    """Drop table `name` and the indexes `create` made on the columns of `index`."""
    for column in reversed(index):
        op.drop_index(op.f(f"ix_{name}_{column}"), table_name=name)
    op.drop_table(name)
