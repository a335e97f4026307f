"""The results workbook and the command line's CSV lists with a hostile "name" in the
store (issue 12.5): the name stays text that no spreadsheet evaluates; the 学籍号 is a
text cell, scores are numbers, the answer time a date; the sheet has a filter on its
header and prints one page wide with the header repeated."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from app.cli import main
from app.services.roster.file import RosterRow
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.export import export_results_xlsx
from app.services.screening.importing import save_answers
from app.services.students import list_students
from tests.conftest import TEST_PASSWORD

HOSTILE = '=HYPERLINK("http://x","点我")'
LONG_NO = "G11010519491231002X"


@pytest.fixture
def school(store):
    rows = [RosterRow(2, LONG_NO, HOSTILE, "F", 7, 1, date(2013, 1, 1), None, None),
            RosterRow(3, "00123", "@SUM(1)", "M", 7, 1, date(2013, 2, 1), None, None)]
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))
    campaign = create_campaign(store, "秋季/PHQ-9 [初一]", "phq9")
    for i, student in enumerate(list_students(store)):
        save_answers(store, campaign.id, student.id, [1.0] * 8 + [float(i)], "entry",
                     datetime(2026, 10, 12, 9, 30))
    return store, campaign.id


def test_results_workbook_cells(school, tmp_path):
    store, campaign_id = school
    out = tmp_path / "结果.xlsx"
    export_results_xlsx(store, campaign_id, out)
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "秋季_PHQ-9 _初一_"
    header = [c.value for c in ws[1]]
    by_no = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert set(by_no) == {LONG_NO, "00123"}
    row = by_no[LONG_NO]
    no, name = ws.cell(row, 1), ws.cell(row, 2)
    assert no.data_type == "s" and no.number_format == "@"
    assert name.value == HOSTILE and name.data_type == "s" and name.quotePrefix
    assert ws.cell(by_no["00123"], 2).quotePrefix
    assert isinstance(ws.cell(row, header.index("作答时间") + 1).value, datetime)
    total = ws.cell(row, header.index("总分") + 1).value
    assert isinstance(total, int | float) and total in (8, 9)
    assert not any(c.data_type == "f" for line in ws.iter_rows() for c in line)
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}3"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width >= len(LONG_NO)


@pytest.mark.parametrize("command", [
    ["roster", "list", "--format", "csv"],
    ["screening", "results", "--campaign", "秋季/PHQ-9 [初一]", "--format", "csv"],
])
def test_command_line_csv_neutralises_names(school, db_path, monkeypatch, tmp_path, command):
    store, _ = school
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    out = tmp_path / "out.csv"
    assert main([*command[:2], "--db", str(db_path), *command[2:], "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    names = {r[0]: r[1] for r in rows[1:]}
    assert names == {LONG_NO: "'" + HOSTILE, "00123": "'@SUM(1)"}
