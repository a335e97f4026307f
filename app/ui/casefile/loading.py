"""Everything the file window shows, read in one worker call (`load_file_view`).

The file itself comes from `casefile.open_file`, which checks the role and audits the
opening. Beside it the window needs what the rules suggest now (for 调整预警等级) and
each instrument's trend with its band cut-offs (for the charts); computing them here
keeps the GUI thread free of file reads and instrument parsing. The green-channel
hospitals (for 联系医院) are the caller's: the GUI passes those of the deployment read
once at start (StoreContext.deployment), so this stays usable without Qt.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from app.errors import QingxinError
from app.instruments import Instrument, load_instrument
from app.services.casefile.rows import ScreeningRow, StudentFile
from app.services.casefile.snapshot import open_file
from app.services.warning.decisions import suggest_from_file
from app.services.warning.rules import Suggestion
from app.store.handle import Store


@dataclass(frozen=True)
class TrendPoint:
    taken_on: date | None
    campaign_name: str
    total: float
    band: str


@dataclass(frozen=True)
class Trend:
    """One instrument's totals over time, and where its bands begin (for dashed lines)."""

    code: str
    name: str
    points: tuple[TrendPoint, ...]
    cutoffs: tuple[tuple[float, str], ...]
    y_max: float


@dataclass(frozen=True)
class FileView:
    file: StudentFile
    today: date
    suggestion: Suggestion | None = None
    trends: tuple[Trend, ...] = ()
    band_labels: dict[int, str] = field(default_factory=dict)  # result id → total's band
    instrument_names: dict[str, str] = field(default_factory=dict)
    hospitals: tuple[str, ...] = ()

    @property
    def can_edit(self) -> bool:
        """Staff read the full file and write; a class teacher reads a summary only."""
        return self.file.full


def load_file_view(store: Store, student_id: int, today: date | None = None,
                   hospitals: tuple[str, ...] = ()) -> FileView:
    today = today or date.today()
    file = open_file(store, student_id, today)
    if not file.full:
        return FileView(file, today)
    instruments = _instruments({r.instrument_code for r in file.screening})
    band_labels = {r.result_id: _total_band(instruments.get(r.instrument_code), r)
                   for r in file.screening}
    return FileView(file, today, suggest_from_file(file, today),
                    _trends(file.screening, instruments, band_labels), band_labels,
                    {code: i.short_name or i.name for code, i in instruments.items()},
                    hospitals)


def _instruments(codes: set[str]) -> dict[str, Instrument]:
    found = {}
    for code in sorted(codes):
        try:
            found[code] = load_instrument(code)
        except QingxinError:  # a definition since removed: show the code, no cut-offs
            continue
    return found


def _total_band(instrument: Instrument | None, row: ScreeningRow) -> str:
    bands = dict(row.bands)
    if instrument is None or instrument.total is None:
        return next((b for b in bands.values() if b), "")
    code = bands.get(instrument.total.code) or bands.get("total")
    return next((b.label for b in instrument.total.bands if b.code == code), code or "")


def _trends(rows: tuple[ScreeningRow, ...], instruments: dict[str, Instrument],
            band_labels: dict[int, str]) -> tuple[Trend, ...]:
    by_code: dict[str, list[TrendPoint]] = defaultdict(list)
    for r in rows:  # oldest first, as open_file lists them
        if r.total is not None and r.valid:
            by_code[r.instrument_code].append(
                TrendPoint(r.taken_on, r.campaign_name, r.total, band_labels[r.result_id]))
    trends = []
    for code, points in by_code.items():
        instrument = instruments.get(code)
        cutoffs: tuple[tuple[float, str], ...] = ()
        y_max = max(p.total for p in points)
        name = code
        if instrument is not None:
            name = instrument.short_name or instrument.name
            if instrument.total is not None:
                cutoffs = tuple((b.min, b.label) for b in instrument.total.bands if b.min > 0)
                y_max = max(y_max, _scale_max(instrument))
        trends.append(Trend(code, name, tuple(points), cutoffs, y_max or 1.0))
    return tuple(trends)


def _scale_max(instrument: Instrument) -> float:
    """The highest total the instrument allows (a sum of items), or 0 if unknown."""
    total = instrument.total
    if total is None or total.method != "sum" or not total.items or not instrument.options:
        return 0.0
    return len(total.items) * max(o.value for o in instrument.options) * total.multiplier
