"""A campaign's results as an Excel workbook, for the teacher's own analysis or the
school office: every export of students' scores is audited as `student_export`.
Cells go through app/services/sheet_output.py: 学籍号 as text, scores as numbers, the
answer time as a date, names that look like formulas kept as text.

The file is written by app/atomic.py (a temporary name beside the destination, renamed
only when complete), so a cancelled or failed export leaves no half-written workbook of
students' scores behind. The audit entry is written once the file is in place (a
workbook of the same name open in Excel or WPS makes the rename fail, after retries:
the log must not then say it was exported), and a file whose export could not be
recorded is removed. openpyxl's own temporary sheet files go to the private folder
beside the database, never the system TEMP (app/store/scratch.py); workbook writes run
one at a time there, so two exports of one file never race.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from app.atomic import describe, write_atomic
from app.errors import BadInputError
from app.instruments import WARNING_LABELS, load_instrument
from app.instruments.model import TOTAL
from app.labels import GENDERS, RESULT_SOURCES, label
from app.paths import scratch_dir
from app.services import audit
from app.services.capabilities import PRINT_REPORTS, require
from app.services.progress import NO_PROGRESS, Progress
from app.services.screening.campaigns import get_campaign
from app.services.screening.results import ResultRow, campaign_results
from app.services.sheet_output import (
    append_row,
    fit_widths,
    header_filter,
    print_setup,
    sheet_title,
)
from app.store.handle import Store
from app.store.scratch import private_temp
from app.winfaults import FileFault, remove_retrying

PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ResultsExported:
    campaign_id: int
    path: Path
    rows: int


def export_results_xlsx(store: Store, campaign_id: int, path: Path,
                        progress: Progress = NO_PROGRESS) -> ResultsExported:
    require(store, PRINT_REPORTS)
    path = Path(path)
    campaign = get_campaign(store, campaign_id)
    instrument = load_instrument(campaign.instrument_code)
    rows = campaign_results(store, campaign_id)
    scales = [u for u in instrument.units if u.code != TOTAL]
    banded = [u for u in scales if u.bands]
    band_labels = {u.code: {b.code: b.label for b in u.bands} for u in instrument.units}
    header = ["学籍号", "姓名", "性别", "班级", "作答时间", "来源", "有效",
              *[u.name for u in scales], *[f"{u.name}等级" for u in banded]]
    if instrument.total is not None:
        header += [instrument.total.name, f"{instrument.total.name}等级"]
    header += ["关键题", "建议预警", "说明"]

    body = [_row(r, scales, banded, band_labels, instrument.total is not None) for r in rows]
    try:
        with private_temp(store.path):
            data = _workbook(campaign.name, header, body, progress)
    except OSError as err:  # openpyxl's temporary sheet, beside the database
        raise BadInputError(describe(err, scratch_dir(store.path) / "sheet.xml"),
                            detail=f"{type(err).__name__}: {err.errno}") from None
    write_atomic(path, data, private=True)
    try:
        audit.record_for(store, "student_export", "campaign", campaign_id,
                         f"测评结果 xlsx，{len(rows)} 份")
    except BaseException:
        with contextlib.suppress(OSError, FileFault):
            remove_retrying(path)
        raise
    return ResultsExported(campaign_id, path, len(rows))


def _workbook(title: str, header: list[str], body: list[list[object]],
              progress: Progress) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title, fallback="结果"))
    sheet.freeze_panes = "C2"
    fit_widths(sheet, [header, *body[:200]], exact=[0])
    print_setup(sheet, columns=len(header))
    header_filter(sheet, 1, len(header), len(body) + 1)
    append_row(sheet, header, header=True)
    try:
        for k, values in enumerate(body):
            if k % PROGRESS_EVERY == 0:
                progress.step(k, len(body))
            append_row(sheet, values, text_columns=(0,))
        progress.step(len(body), len(body))
    except BaseException:
        # Close openpyxl's temporary sheet now, in order: left to the garbage collector,
        # its writers are finalised in any order and one writes to the other's closed file.
        with contextlib.suppress(Exception):
            sheet.close()
        raise
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(r: ResultRow, scales: list, banded: list, band_labels: dict[str, dict[str, str]],
         has_total: bool) -> list[object]:
    values: list[object] = [
        r.student_no, r.name, label(GENDERS, r.gender), r.class_name,
        r.taken_at.replace(microsecond=0) if r.taken_at else None,
        label(RESULT_SOURCES, r.source), "是" if r.valid else "否",
        *[r.scales.get(u.code) for u in scales],
        *[label(band_labels[u.code], r.bands.get(u.code)) for u in banded],
    ]
    if has_total:
        values += [r.total, label(band_labels[TOTAL], r.bands.get(TOTAL))]
    values += ["、".join(f"第 {i} 题" for i in r.critical), label(WARNING_LABELS, r.warning),
               "；".join(r.notes)]
    return values
