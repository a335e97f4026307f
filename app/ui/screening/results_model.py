"""Columns and filters of the results table, built from the campaign's instrument.

A results table has one column per scale and per banded unit, so its columns are made
per instrument. A critical answer (PHQ-9 item 9) colours the whole row and writes the
item in red in its own column, so it cannot scroll out of sight among ordinary
"一般关注" rows; the warning column is coloured by level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.instruments import WARNING_LABELS, Instrument
from app.instruments.model import TOTAL, Band, Scale
from app.labels import GENDERS, RESULT_SOURCES, label
from app.services.screening.results import ResultRow
from app.ui.screening import strings as s
from app.ui.screening.models import (
    CRITICAL_TEXT_COLOR,
    WARNING_COLORS,
    WARNING_ORDER,
    number_key,
    number_text,
)
from app.ui.table_models import Column, local_time_text


def unit_score(row: ResultRow, code: str) -> float | None:
    return row.total if code == TOTAL else row.scales.get(code)


def band_of(unit: Scale, code: str | None) -> Band | None:
    return next((b for b in unit.bands if b.code == code), None)


def band_label(unit: Scale, row: ResultRow) -> str:
    band = band_of(unit, row.bands.get(unit.code))
    return band.label if band else ""


def critical_text(row: ResultRow) -> str:
    return "、".join(s.CRITICAL_TEXT.format(n=n) for n in row.critical)


def _score_column(unit: Scale) -> Column:
    return Column(unit.name, lambda r: number_text(unit_score(r, unit.code)),
                  sort_key=lambda r: number_key(unit_score(r, unit.code)))


def _band_column(unit: Scale) -> Column:
    order = {b.code: i for i, b in enumerate(unit.bands)}
    return Column(s.COL_BAND.format(name=unit.name), lambda r: band_label(unit, r),
                  sort_key=lambda r: order.get(r.bands.get(unit.code) or "", -1))


def result_columns(instrument: Instrument) -> list[Column]:
    """Identity, then the total and its band, the warning and critical items (what a
    teacher reads first), then every scale's score and band."""
    columns = [
        Column(s.COL_STUDENT_NO, lambda r: r.student_no),
        Column(s.COL_NAME, lambda r: r.name),
        Column(s.COL_GENDER, lambda r: label(GENDERS, r.gender)),
        Column(s.COL_CLASS, lambda r: r.class_name,
               sort_key=lambda r: (r.grade, r.class_name, r.student_no)),
    ]
    if instrument.total is not None:
        columns += [_score_column(instrument.total), _band_column(instrument.total)]
    columns += [
        Column(s.COL_WARNING, lambda r: label(WARNING_LABELS, r.warning),
               sort_key=lambda r: WARNING_ORDER.get(r.warning, -1)),
        Column(s.COL_CRITICAL, critical_text, sort_key=lambda r: (len(r.critical), r.critical)),
        Column(s.COL_VALID, lambda r: s.VALID_YES if r.valid else s.VALID_NO),
    ]
    for unit in instrument.scales:
        columns.append(_score_column(unit))
        if unit.bands:
            columns.append(_band_column(unit))
    columns += [
        Column(s.COL_TAKEN, lambda r: local_time_text(r.taken_at)[:16],
               sort_key=lambda r: (r.taken_at is None, r.taken_at or 0)),
        Column(s.COL_SOURCE, lambda r: label(RESULT_SOURCES, r.source)),
    ]
    return columns


def column_index(columns: list[Column], header: str) -> int:
    return next(i for i, c in enumerate(columns) if c.header == header)


def result_tint(row: ResultRow) -> str | None:
    if row.critical:
        return WARNING_COLORS["crisis"]
    return WARNING_COLORS.get(row.warning)


def critical_color(row: ResultRow) -> str | None:
    return CRITICAL_TEXT_COLOR if row.critical else None


def warning_color(row: ResultRow) -> str | None:
    return CRITICAL_TEXT_COLOR if row.warning in ("crisis", "key") else None


@dataclass(frozen=True)
class ResultFilter:
    text: str = ""
    class_name: str | None = None
    warning: str | None = None
    unit: str | None = None
    band: str | None = None
    critical_only: bool = False
    invalid_only: bool = False

    @property
    def is_empty(self) -> bool:
        return self == ResultFilter()

    def predicate(self) -> Callable[[ResultRow], bool] | None:
        if self.is_empty:
            return None
        needle = "".join(self.text.split()).lower()

        def accept(r: ResultRow) -> bool:
            return ((not needle or needle in r.name.lower() or needle in r.student_no.lower())
                    and (self.class_name is None or r.class_name == self.class_name)
                    and (self.warning is None or r.warning == self.warning)
                    and (self.unit is None or self.band is None
                         or r.bands.get(self.unit) == self.band)
                    and (not self.critical_only or bool(r.critical))
                    and (not self.invalid_only or not r.valid))

        return accept
