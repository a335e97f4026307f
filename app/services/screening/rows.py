"""Screening results as `screening_result` rows: built a column at a time from the score
arrays, and written by the driver's executemany.

An import writes thousands of results in one transaction. One ORM object per sheet made
it three times slower than reading the file; a record dict, a JSON encoding and a Core
parameter dict per sheet still cost more than the rest of the import together. So every
column is a list built from the arrays at once (the JSON documents by
`ScoreResult.record_texts`), SQLAlchemy compiles the INSERT and converts the values with
the columns' own types, and the rows go to the driver as tuples.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from itertools import repeat

import numpy as np
from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from app.instruments import ScoreResult
from app.instruments.model import TOTAL
from app.models import ScreeningResult, utcnow
from app.models.sealed import is_sealed_column
from app.services.progress import NO_PROGRESS, Progress

BATCH = 500
"""Rows per executemany: the progress dialog hears Cancel between batches."""

Columns = dict[str, list | object]
"""Column name → one value per result, or one value for all of them."""


def result_columns(result: ScoreResult, answers: np.ndarray, sheets: Sequence[int], *,
                   campaign_id: int, student_ids: Sequence[int | None],
                   taken_at: Sequence[datetime | None], date_source: Sequence[str],
                   source: str, username: str) -> Columns:
    """The columns of a result for each of `sheets` (rows of `result` and `answers`);
    the other sequences have one entry per chosen sheet."""
    picked = list(sheets)
    instrument = result.definition
    texts, reasons = result.record_texts(), result.validity_texts("；")
    totals = (result.scores[picked, result.column(TOTAL)].tolist()
              if instrument.total is not None else [math.nan] * len(picked))
    critical = [""] * len(picked)
    flags = result.critical[picked]
    for k in np.flatnonzero(flags.any(axis=1)).tolist():
        critical[k] = ",".join(str(instrument.critical[c].item) for c in np.flatnonzero(flags[k]))
    return {
        "campaign_id": campaign_id,
        "student_id": list(student_ids),
        "instrument_code": result.instrument,
        "instrument_version": result.version,
        "taken_at": list(taken_at),
        "taken_at_source": [source_of if when is not None else "unknown"
                            for when, source_of in zip(taken_at, date_source, strict=True)],
        "source": source,
        "answers": answers_json(answers[picked]),
        "scores": [texts[i] for i in picked],
        "total": [None if math.isnan(t) else t for t in totals],
        "valid": result.valid[picked].tolist(),
        "validity_note": [reasons[i][:200] for i in picked],
        "critical_items": critical,
        "suggested_level": result.warning_codes()[picked].tolist(),
        "created_by": username,
        "created_at": utcnow(),
    }


def answers_json(values: np.ndarray) -> list[str]:
    """Each sheet's answers as a JSON list, unanswered items as null: what json.dumps
    writes, with each distinct value (an instrument has a handful) encoded once."""
    uniques, inverse = np.unique(values, return_inverse=True)
    table = np.array(["null" if math.isnan(v) else json.dumps(v) for v in uniques.tolist()],
                     dtype=object)
    cells = table[inverse.reshape(values.shape)]
    return [f"[{', '.join(row)}]" for row in cells.tolist()]


def write_results(session: Session, columns: Columns, existing: dict[int, int],
                  progress: Progress = NO_PROGRESS) -> int:
    """Insert the results of students without one in the campaign and replace the others
    (`existing`: student id → result id) by id. Returns how many were replaced."""
    student_ids = columns["student_id"]
    assert isinstance(student_ids, list)
    fresh = [k for k, s in enumerate(student_ids) if s not in existing]
    replacing = [k for k, s in enumerate(student_ids) if s in existing]
    done, total = 0, len(student_ids)
    for start in range(0, len(fresh), BATCH):
        progress.step(done, total)
        batch = fresh[start:start + BATCH]
        _insert(session, _take(columns, batch), len(batch))
        done += len(batch)
    table = ScreeningResult.__table__
    statement = update(table).where(table.c.id == bindparam("result_id"))
    for start in range(0, len(replacing), BATCH):
        progress.step(done, total)
        batch = replacing[start:start + BATCH]
        session.execute(statement, [
            {**{name: column[k] if isinstance(column, list) else column
                for name, column in columns.items()},
             "result_id": existing[student_ids[k]]} for k in batch])
        done += len(batch)
    return len(replacing)


def _take(columns: Columns, rows: list[int]) -> Columns:
    if len(rows) == len(columns["student_id"]):  # type: ignore[arg-type]
        return columns
    return {name: [column[k] for k in rows] if isinstance(column, list) else column
            for name, column in columns.items()}


def _insert(session: Session, columns: Columns, n: int) -> None:
    """INSERT of n rows: SQLAlchemy's SQL and type conversions, the driver's executemany."""
    connection = session.connection()
    dialect = connection.dialect
    table = ScreeningResult.__table__
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    assert compiled.positiontup is not None  # sqlite's paramstyle is positional ("?")
    values = []
    for name in compiled.positiontup:
        column = columns[name]
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None and is_sealed_column(table.c[name]):
            # A fresh nonce for every value: equal answers must not look equal.
            cells = column if isinstance(column, list) else repeat(column, n)
            values.append(list(map(convert, cells)))
        elif isinstance(column, list):
            if convert is not None:  # once per distinct value: `valid` has two
                converted = {value: convert(value) for value in set(column)}
                column = list(map(converted.__getitem__, column))
            values.append(column)
        else:
            values.append(repeat(convert(column) if convert else column, n))
    connection.exec_driver_sql(compiled.string, list(zip(*values, strict=True)))
