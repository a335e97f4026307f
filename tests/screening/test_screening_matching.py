"""Every answer reaches the right student (issue 18): an answers file whose long 学籍号
were stored as numbers is refused row by row and nothing of it is ever filed under a
classmate, with or without any flag; matching checks the name as well as the 学籍号;
two sheets for one student are never merged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.errors import BadInputError
from app.services.roster.file import RosterRow
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import apply_screening_import, preview_screening_import
from app.services.screening.results import campaign_results
from app.services.students import list_students
from app.store.handle import Store
from tests.conftest import TEST_PASSWORD
from tests.data.answers.make_fixtures import CLASSMATE_IDS, CLASSMATE_NAMES, classmate_rows

ANSWERS = Path(__file__).resolve().parent.parent / "data" / "answers"
OTHER = ("G110105201303050018", "陈静")


def _roster(store: Store) -> None:
    people = [*zip(CLASSMATE_IDS, CLASSMATE_NAMES, strict=True), OTHER,
              ("G110105201304050028", "欧阳明月"), ("G110105201305050038", "阿依古丽·买买提")]
    rows = [RosterRow(i + 2, no, name, "F", 7, 1, date(2013, 1, 1), None, None)
            for i, (no, name) in enumerate(people)]
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))


def _phq9(path: Path, rows: list[tuple[object, str, list[int]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["学籍号", "姓名", "班级", *[f"第{n}题" for n in range(1, 10)]])
    for no, name, answers in rows:
        wb.active.append([no, name, "初一(1)班", *answers])
    wb.save(path)
    return path


def _classmates_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    for row in [*classmate_rows(), [OTHER[0], OTHER[1], "初一(1)班", *[1] * 9]]:
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.fixture
def school(store):
    _roster(store)
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    return store, campaign.id


def _results(store: Store, campaign_id: int) -> dict[str, object]:
    return {r.student_no: r for r in campaign_results(store, campaign_id)}


@pytest.mark.parametrize("source", ["xlsx", "xls", "ods"])
def test_classmates_numeric_ids_are_refused_and_never_written(school, tmp_path, source):
    store, campaign_id = school
    path = (_classmates_xlsx(tmp_path / "c.xlsx") if source == "xlsx"
            else ANSWERS / f"classmates.{source}")
    preview = preview_screening_import(store, campaign_id, path)
    assert [(m.row, m.status) for m in preview.matches[:4]] == [
        (2, "bad_id"), (3, "bad_id"), (4, "bad_id"), (5, "bad_id")]
    assert all(m.student_id is None for m in preview.matches[:4])
    for row in (2, 3, 4, 5):  # no pick can write a refused ID to anyone
        with pytest.raises(BadInputError):
            preview.choose_rows([row])
    apply_screening_import(store, preview)
    written = _results(store, campaign_id)
    assert not set(written) & set(CLASSMATE_IDS)


@pytest.fixture
def cli_db(school, db_path, monkeypatch):
    store, _ = school
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    store.close()
    return db_path


def _import(db_path: Path, path: Path, *flags: str) -> int:
    return main(["screening", "import", "--db", str(db_path), "--campaign", "2026秋 PHQ-9",
                 "--instrument", "phq9", str(path), *flags])


def _stored(db_path: Path) -> dict[str, tuple[int, ...]]:
    from app.services.accounts.auth import unlock
    from app.services.screening.campaigns import find_campaign
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        campaign = find_campaign(store, "2026秋 PHQ-9")
        return {r.student_no: r.critical for r in campaign_results(store, campaign.id)}


@pytest.mark.parametrize("flags", [
    (), ("--allow-unmatched",), ("--accept-row", "3"), ("--accept-row", "2"),
    ("--allow-unmatched", "--accept-row", "5"),
])
def test_classmates_case_on_the_command_line(cli_db, tmp_path, capsys, flags):
    """Refused by default; with any flag, the classmates' answers go nowhere (in the
    issue, item 9 = 2 moved to a classmate who answered all 0)."""
    path = _classmates_xlsx(tmp_path / "c.xlsx")
    code = _import(cli_db, path, *flags)
    stored = _stored(cli_db)
    assert not set(stored) & set(CLASSMATE_IDS)
    if flags == ("--allow-unmatched",):
        assert code == 0 and set(stored) == {OTHER[0]}
    else:
        assert code == 2 and stored == {}
    err = capsys.readouterr().err
    assert code == 0 or "学籍号有误" in err


def test_name_mismatch_needs_a_choice(school, tmp_path):
    store, campaign_id = school
    students = {s.student_no: s for s in list_students(store)}
    path = _phq9(tmp_path / "a.xlsx", [
        (CLASSMATE_IDS[0], "李明", [0] * 9),                        # classmate's name
        (OTHER[0], " 陈　静 ", [1] * 9),                            # spaces, full width
        ("G110105201304050028", "欧阳 明月", [0] * 9),
        ("G110105201305050038", "阿依古丽・买买提", [0] * 9),        # another 中间点
        (CLASSMATE_IDS[2], "王 芳", [0] * 8 + [3]),
    ])
    preview = preview_screening_import(store, campaign_id, path)
    assert [m.status for m in preview.matches] == [
        "name_mismatch", "matched", "matched", "matched", "matched"]
    first = preview.matches[0]
    assert first.student_id == students[CLASSMATE_IDS[0]].id
    assert "张晓" in first.message and "李明" in first.message
    assert 0 not in preview.writable()
    apply_screening_import(store, preview)
    assert CLASSMATE_IDS[0] not in _results(store, campaign_id)
    # The teacher checked the paper sheet: it is 张晓's after all.
    again = preview_screening_import(store, campaign_id, path)
    again.choose(0)
    apply_screening_import(store, again)
    assert CLASSMATE_IDS[0] in _results(store, campaign_id)


def test_unknown_id_matched_by_name_needs_a_choice(school, tmp_path):
    """A 16-digit number saved as text keeps 15 digits and zeros: it is on nobody's
    roster line, and the name alone never files the sheet silently."""
    store, campaign_id = school
    path = _phq9(tmp_path / "a.xlsx", [("2024010123456700", "李明", [0] * 8 + [2])])
    preview = preview_screening_import(store, campaign_id, path)
    match = preview.matches[0]
    assert match.status == "id_mismatch" and CLASSMATE_IDS[1] in match.message
    assert preview.writable() == []


def test_two_sheets_for_one_student_are_both_shown(school, tmp_path):
    store, campaign_id = school
    path = _phq9(tmp_path / "a.xlsx", [
        (OTHER[0], OTHER[1], [0] * 9),
        (CLASSMATE_IDS[2], CLASSMATE_NAMES[2], [0] * 9),
        (OTHER[0], OTHER[1], [2] * 9),
    ])
    preview = preview_screening_import(store, campaign_id, path)
    assert [m.status for m in preview.matches] == ["duplicate", "matched", "duplicate"]
    with pytest.raises(BadInputError):
        preview.choose_rows([2, 4])  # both sheets of one student: never
    preview.choose_rows([4])
    apply_screening_import(store, preview)
    assert _results(store, campaign_id)[OTHER[0]].total == 18


def test_cli_accept_row_writes_the_picked_sheet(cli_db, tmp_path, capsys):
    path = _phq9(tmp_path / "a.xlsx", [
        (CLASSMATE_IDS[0], "李明", [0] * 9),
        (OTHER[0], OTHER[1], [1] * 9),
    ])
    assert _import(cli_db, path) == 2
    assert "姓名不符" in capsys.readouterr().err
    assert _stored(cli_db) == {}
    assert _import(cli_db, path, "--accept-row", "2") == 0
    assert set(_stored(cli_db)) == {CLASSMATE_IDS[0], OTHER[0]}
