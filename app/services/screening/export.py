"""A campaign's results as an Excel workbook, for the teacher's own analysis or the
school office: every export of students' scores is audited as `student_export`.
The sheet is laid out by app/reports/workbook.py: 学籍号 as text, scores as numbers, the
answer time as a date, names that look like formulas kept as text.

Saving goes through `lists.workbook.save_workbook`, the one path for workbooks of
students' names: built in the private folder beside the database, optionally protected
with a password, written atomically (a cancelled or failed export leaves no half-written
workbook behind) and audited once the file is in place.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from app.changes import NOTHING, Changes
from app.instruments import WARNING_LABELS, load_instrument
from app.instruments.model import TOTAL
from app.labels import GENDERS, RESULT_SOURCES, label
from app.reports.sheets import ID, Book, Column, Fit, Sheet, Table
from app.services.capabilities import PRINT_REPORTS, require
from app.services.lists.workbook import save_workbook
from app.services.progress import NO_PROGRESS, Progress
from app.services.screening.campaigns import get_campaign
from app.services.screening.results import ResultRow, campaign_results
from app.store.handle import Store


@dataclass(frozen=True)
class ResultsExported:
    campaign_id: int
    path: Path
    rows: int
    changes: Changes = field(kw_only=True)


def export_results_xlsx(store: Store, campaign_id: int, path: Path,
                        progress: Progress = NO_PROGRESS, *,
                        student_ids: Collection[int] | None = None,
                        password: str | None = None) -> ResultsExported:
    """The campaign's results, or only those of `student_ids` (what a filtered table
    shows: one class, the critical answers …), optionally password-protected."""
    require(store, PRINT_REPORTS)
    campaign = get_campaign(store, campaign_id)
    instrument = load_instrument(campaign.instrument_code)
    rows = campaign_results(store, campaign_id)
    if student_ids is not None:
        keep = set(student_ids)
        rows = [r for r in rows if r.student_id in keep]
    scales = [u for u in instrument.units if u.code != TOTAL]
    banded = [u for u in scales if u.bands]
    band_labels = {u.code: {b.code: b.label for b in u.bands} for u in instrument.units}
    header = ["学籍号", "姓名", "性别", "班级", "作答时间", "来源", "有效",
              *[u.name for u in scales], *[f"{u.name}等级" for u in banded]]
    if instrument.total is not None:
        header += [instrument.total.name, f"{instrument.total.name}等级"]
    header += ["关键题", "建议预警", "说明"]

    body = [_row(r, scales, banded, band_labels, instrument.total is not None) for r in rows]
    classes = sorted({r.class_name for r in rows})
    scope = "" if student_ids is None else \
        f"（筛选后：{'、'.join(classes) if len(classes) <= 3 else f'{len(classes)} 个班'}）"
    saved = save_workbook(store, Path(path),
                          lambda: _workbook(campaign.name, header, body, progress),
                          password=password, target_kind="campaign", target_id=campaign_id,
                          detail=f"测评结果 xlsx，{len(rows)} 份{scope}")
    return ResultsExported(campaign_id, saved, len(rows), changes=NOTHING)


def results_sheet(title: str, header: list[str], body: list[list[object]]) -> Book:
    """One sheet named after the campaign: the 学籍号 as text, the rest as they are."""
    cols = (Column(header[0], ID), *(Column(h) for h in header[1:]))
    return Book((Sheet(title, (Table(cols, tuple(map(tuple, body)), filtered=True),),
                       widths=Fit(), freeze="C2", fallback="结果"),))


def _workbook(title: str, header: list[str], body: list[list[object]],
              progress: Progress) -> bytes:
    from app.reports.workbook import WorkbookOptions, render_workbook

    return render_workbook(results_sheet(title, header, body),
                           WorkbookOptions(streaming=True, progress=progress.step))


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
