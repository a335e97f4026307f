"""Where open, save and folder dialogs start: Documents at first, then the last folder
used for that kind of file — never the program's working directory; the recovery
code's PDF on a USB stick when one is plugged in, and never remembered. QFileDialog's
static methods are replaced by a recorder that keeps the start path each was given."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from app.ui import file_dialogs
from app.ui.casefile.letter_print import ask_and_print
from app.ui.export_dialog import ExportDialog
from app.ui.file_dialogs import FileKind, documents_folder, start_folder
from app.ui.recovery_code import RecoveryCodePanel
from app.ui.roster_dialog import start_roster_import
from app.ui.store_context import StoreContext

APP = Path(__file__).resolve().parents[2] / "app"
KINDS = [k for k in vars(file_dialogs).values() if isinstance(k, FileKind)]


@dataclass
class Recorder:
    """Stands in for QFileDialog: keeps (method, start) and answers `answer` ("" cancels)."""

    answer: str = ""
    calls: list[tuple[str, str]] = field(default_factory=list)

    def getSaveFileName(self, _parent, _title, start, _filter):
        self.calls.append(("save", start))
        return (self.answer, "")

    def getOpenFileName(self, _parent, _title, start, _filter):
        self.calls.append(("open", start))
        return (self.answer, "")

    def getExistingDirectory(self, _parent, _title, start):
        self.calls.append(("folder", start))
        return self.answer

    def start(self) -> Path:
        return Path(self.calls[-1][1])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own (Documents is $HOME/Documents without an
    xdg user-dirs file), no USB stick, and a working directory that must never be used."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    program = tmp_path / "program"
    program.mkdir()
    monkeypatch.chdir(program)
    monkeypatch.setattr(file_dialogs, "removable_drives", list)
    assert documents_folder() == tmp_path / "home" / "Documents"
    return tmp_path / "home"


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    dialog = Recorder()
    monkeypatch.setattr(file_dialogs, "QFileDialog", dialog)
    return dialog


def test_no_dialog_is_made_outside_the_helper():
    users = [path.relative_to(APP).as_posix() for path in APP.rglob("*.py")
             if "QFileDialog" in path.read_text(encoding="utf-8")]
    assert users == ["ui/file_dialogs.py"]


def test_each_kind_starts_in_documents_then_where_it_was_last_used(home: Path,
                                                                   recorder: Recorder):
    assert {k.key for k in KINDS} >= {"roster", "answers", "reports", "letters", "lists",
                                      "district", "backups", "recovery"}
    for kind in KINDS:
        assert start_folder(kind) == home / "Documents"
    lists = home / "名册"
    lists.mkdir()
    recorder.answer = str(lists / "初一名册.xlsx")
    picked = file_dialogs.ask_open_path(None, file_dialogs.ROSTER, "t", "*")
    assert picked == lists / "初一名册.xlsx"
    recorder.answer = str(home / "out" / "结果")  # a name typed without its suffix
    (home / "out").mkdir()
    saved = file_dialogs.ask_save_path(None, file_dialogs.REPORTS, "t", "a.xlsx", "*", ".xlsx")
    assert saved == home / "out" / "结果.xlsx"
    assert recorder.start() == home / "Documents" / "a.xlsx"

    assert start_folder(file_dialogs.ROSTER) == lists
    assert start_folder(file_dialogs.REPORTS) == home / "out"
    assert start_folder(file_dialogs.ANSWERS) == home / "Documents"  # kinds apart
    ini = Path(file_dialogs.settings().fileName())
    assert home not in ini.parents  # the tests keep their settings apart (conftest.py)
    text = ini.read_text(encoding="utf-8")
    assert "roster=" in text and "reports=" in text and "初一名册" not in text

    lists.rmdir()  # the folder is gone (a stick pulled out): Documents again
    assert start_folder(file_dialogs.ROSTER) == home / "Documents"


def test_a_cancelled_dialog_remembers_nothing(home: Path, recorder: Recorder):
    assert file_dialogs.ask_folder(None, file_dialogs.BACKUPS, "t") is None
    assert recorder.calls == [("folder", str(home / "Documents"))]
    assert start_folder(file_dialogs.BACKUPS) == home / "Documents"


def test_the_roster_import_starts_in_documents_not_the_program_folder(
        qtbot, home: Path, recorder: Recorder):
    parent = QWidget()
    qtbot.addWidget(parent)
    start_roster_import(StoreContext(), parent)  # cancelled: nothing is read
    assert recorder.calls == [("open", str(home / "Documents"))]
    assert Path.cwd() != home / "Documents"


def test_a_letter_starts_in_the_folder_of_the_last_letter(qtbot, home: Path,
                                                           recorder: Recorder):
    parent = QWidget()
    qtbot.addWidget(parent)
    file_dialogs.remember(file_dialogs.LETTERS, home)
    assert ask_and_print(StoreContext(), parent, 1, 7, "notice") is None  # cancelled
    start = recorder.start()
    assert start.parent == home and start.name.startswith("学生心理健康情况告知书-Z00007-")


def test_backups_start_on_a_stick_unless_the_last_backup_folder_is_there(
        home: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch):
    stick = home / "media" / "U盘"
    stick.mkdir(parents=True)
    monkeypatch.setattr(file_dialogs, "removable_drives", lambda: [stick])
    assert start_folder(file_dialogs.BACKUPS) == stick
    last = home / "backups"
    last.mkdir()
    recorder.answer = str(last)
    assert file_dialogs.ask_folder(None, file_dialogs.BACKUPS, "t") == last
    assert recorder.start() == stick
    assert start_folder(file_dialogs.BACKUPS) == last


def test_the_recovery_code_pdf_goes_to_a_stick_and_is_never_remembered(
        qtbot, home: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch):
    panel = RecoveryCodePanel("hint", lambda: "青心实验中学")
    qtbot.addWidget(panel)
    panel.code.setText("ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567")
    stick = home / "media" / "U盘"
    stick.mkdir(parents=True)
    monkeypatch.setattr(file_dialogs, "removable_drives", lambda: [stick])
    recorder.answer = str(stick / "恢复码.pdf")
    assert panel.save_pdf() == stick / "恢复码.pdf"
    assert recorder.start() == stick / "恢复码.pdf"
    assert (stick / "恢复码.pdf").read_bytes().startswith(b"%PDF")

    monkeypatch.setattr(file_dialogs, "removable_drives", list)  # the stick is gone
    recorder.answer = ""
    assert panel.save_pdf() is None
    assert recorder.start() == home / "Documents" / "恢复码.pdf"  # asks, in Documents


def test_a_list_export_starts_where_the_last_list_went(qtbot, home: Path, recorder: Recorder):
    """The 导出 Excel dialog: the file field and its 浏览 both start in the lists'
    folder, and a folder typed into the field is remembered like a browsed one."""
    first = ExportDialog(None, "导出", "重点名单.xlsx")
    qtbot.addWidget(first)
    assert first.path.text() == str(home / "Documents" / "重点名单.xlsx")
    stick = home / "U盘"
    stick.mkdir()
    first.path.setText(str(stick / "名单"))
    first.protect.setChecked(False)
    first.submit()
    assert first.choice is not None and first.choice.path == stick / "名单.xlsx"
    again = ExportDialog(None, "导出", "复核名单.xlsx")
    qtbot.addWidget(again)
    assert again.path.text() == str(stick / "复核名单.xlsx")
    again._browse()  # cancelled
    assert recorder.calls == [("save", str(stick / "复核名单.xlsx"))]
