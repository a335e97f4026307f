"""Where the results export writes (issue 21, findings 3 and 4): nothing in the system
TEMP folder, a temporary file of its own per export in the target folder, exports of
one target one after the other, leftovers of a killed run swept when the database
opens, and a failed write told in the reports' own Chinese words."""

from __future__ import annotations

import errno
import tempfile
import threading
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from app.atomic import describe
from app.errors import BadInputError
from app.paths import scratch_dir
from app.reports import workbook as renderer
from app.services.accounts.auth import unlock
from app.services.demo.synthetic import synthetic_roster
from app.services.progress import Cancelled, Progress
from app.services.reports.output import write_audited
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.entry import enter_answer_string
from app.services.screening.export import export_results_xlsx
from app.services.students import list_students
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def results(store):
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(40, seed=5)))
    campaign = create_campaign(store, "PHQ-9 测试", "phq9")
    for student in list_students(store)[:30]:
        enter_answer_string(store, campaign.id, student.id, "123012301")
    return store, campaign


@pytest.fixture
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system TEMP folder, as this process sees it, watched by the test."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def openpyxl_temp_files(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    made: list[Path] = []
    real = openpyxl_writer.create_temporary_file

    def spy(suffix: str = "") -> str:
        name = real(suffix)
        made.append(Path(name))
        return name

    monkeypatch.setattr(openpyxl_writer, "create_temporary_file", spy)
    return made


def test_openpyxl_writes_beside_the_database_and_the_folder_goes(results, tmp_path, system_temp,
                                                                 openpyxl_temp_files):
    store, campaign = results
    out = tmp_path / "out" / "结果.xlsx"
    out.parent.mkdir()
    assert export_results_xlsx(store, campaign.id, out).rows == 30
    assert openpyxl_temp_files, "openpyxl wrote no temporary sheet: the test saw nothing"
    private = scratch_dir(store.path)
    assert all(private in f.parents for f in openpyxl_temp_files)
    assert list(system_temp.iterdir()) == []
    assert list(private.iterdir()) == []
    assert [p.name for p in out.parent.iterdir()] == ["结果.xlsx"]
    assert tempfile.tempdir == str(system_temp)  # the redirection ended with the export


def test_a_cancelled_export_leaves_no_sheet_anywhere(results, tmp_path, system_temp,
                                                     openpyxl_temp_files):
    store, campaign = results
    calls = {"n": 0}

    def cancel_late() -> bool:
        calls["n"] += 1
        return calls["n"] > 1  # after the first rows were written to the temporary sheet

    with pytest.raises(Cancelled):
        export_results_xlsx(store, campaign.id, tmp_path / "x.xlsx",
                            Progress(is_cancelled=cancel_late))
    assert openpyxl_temp_files and not any(f.exists() for f in openpyxl_temp_files)
    assert list(system_temp.iterdir()) == []
    assert list(scratch_dir(store.path).iterdir()) == []
    assert not (tmp_path / "x.xlsx").exists()


def test_leftovers_of_a_killed_run_are_swept_when_the_database_opens(results, db_path):
    store, _campaign = results
    leftover = scratch_dir(db_path) / "tmpkilled" / "openpyxl.sheet"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("学籍号,姓名")
    store.close()
    reopened = unlock(db_path, "admin", TEST_PASSWORD)
    try:
        assert not scratch_dir(db_path).exists()
    finally:
        reopened.close()


def test_two_exports_of_one_target_one_after_the_other(results, tmp_path, monkeypatch):
    store, campaign = results
    out = tmp_path / "结果.xlsx"
    inside = {"now": 0, "most": 0}
    guard = threading.Lock()
    real_save = renderer.Workbook.save

    def slow_save(book, filename) -> None:
        with guard:
            inside["now"] += 1
            inside["most"] = max(inside["most"], inside["now"])
        try:
            threading.Event().wait(0.2)
            real_save(book, filename)
        finally:
            with guard:
                inside["now"] -= 1

    monkeypatch.setattr(renderer.Workbook, "save", slow_save)
    errors: list[BaseException] = []

    def export() -> None:
        try:
            export_results_xlsx(store, campaign.id, out)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=export) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and inside["most"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"] == ["结果.xlsx"]
    assert openpyxl.load_workbook(out).active.max_row == 31


def reports_message(store, path: Path) -> str:
    with pytest.raises(BadInputError) as caught:
        write_audited(store, path, b"%PDF", [])
    return caught.value.message


def test_a_missing_folder_gets_the_reports_message(results, tmp_path):
    store, campaign = results
    out = tmp_path / "不存在" / "结果.xlsx"
    with pytest.raises(BadInputError) as caught:
        export_results_xlsx(store, campaign.id, out)
    assert caught.value.message == reports_message(store, out)
    assert "不存在" in caught.value.message and str(out.parent) in caught.value.message


def test_a_full_disk_beside_the_database_is_said_in_chinese_and_leaves_nothing(results, tmp_path,
                                                                 monkeypatch):
    store, campaign = results
    out = tmp_path / "结果.xlsx"

    def disk_full(book, filename) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(renderer.Workbook, "save", disk_full)
    with pytest.raises(BadInputError) as caught:
        export_results_xlsx(store, campaign.id, out)
    sheet = scratch_dir(store.path) / "sheet.xml"
    assert caught.value.message == describe(OSError(errno.ENOSPC, ""), sheet)
    assert list(tmp_path.iterdir()) == [tmp_path / "school"]
    assert list(scratch_dir(store.path).iterdir()) == []
