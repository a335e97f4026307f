"""Windows file faults, faked on Linux: an OSError carrying `winerror` as Windows raises
it. Renames and deletes wait out a sharing violation, then say the file is in use; each
Windows code gets its own Chinese message; backup, restore and the Excel export use them,
and the export's audit row appears only with its file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent
from app.services.demo.synthetic import synthetic_roster
from app.services.maintenance.backup import make_backup
from app.services.maintenance.backup_faults import BackupError
from app.services.maintenance.restore import Secret, restore_backup
from app.services.screening.campaigns import create_campaign
from app.services.screening.entry import enter_answer_string
from app.services.screening.export import export_results_xlsx
from app.services.students import list_students
from app.winfaults import (
    IN_USE,
    IN_USE_TEXT,
    IO_ERROR,
    NO_SPACE,
    PATH_TOO_LONG,
    READ_ONLY,
    RETRY_DELAYS_S,
    TARGET_GONE,
    FileFault,
    classify_os_error,
    remove_retrying,
    replace_retrying,
)
from tests.conftest import TEST_PASSWORD


def win_error(winerror: int, code: int = errno.EACCES, filename: str | None = None) -> OSError:
    """What Windows raises: errno from the C runtime's mapping, plus the Win32 code."""
    err = PermissionError(code, os.strerror(code), filename)
    err.winerror = winerror  # type: ignore[attr-defined]
    return err


class Blocker:
    """os.replace / unlink that fail with `winerror` for the first `times` calls."""

    def __init__(self, winerror: int, times: int) -> None:
        self.winerror, self.times, self.calls = winerror, times, 0

    def wrap(self, real):  # type: ignore[no-untyped-def]
        def blocked(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            if self.calls <= self.times:
                raise win_error(self.winerror, filename=str(args[-1]))
            return real(*args, **kwargs)
        return blocked


@pytest.mark.parametrize("winerror", [32, 33, 5])
def test_a_short_sharing_violation_is_waited_out(tmp_path, monkeypatch, winerror):
    src, dst = tmp_path / "new.xlsx", tmp_path / "结果.xlsx"
    src.write_bytes(b"new")
    dst.write_bytes(b"old")
    blocker = Blocker(winerror, times=3)
    monkeypatch.setattr(os, "replace", blocker.wrap(os.replace))
    waits: list[float] = []
    replace_retrying(src, dst, sleep=waits.append)
    assert dst.read_bytes() == b"new" and not src.exists()
    assert blocker.calls == 4 and waits == list(RETRY_DELAYS_S[:3])


def test_a_file_held_open_for_good_is_named_in_use_after_ten_tries(tmp_path, monkeypatch):
    src, dst = tmp_path / "new.xlsx", tmp_path / "结果.xlsx"
    src.write_bytes(b"new")
    dst.write_bytes(b"old")
    blocker = Blocker(32, times=1000)
    monkeypatch.setattr(os, "replace", blocker.wrap(os.replace))
    waits: list[float] = []
    with pytest.raises(FileFault) as caught:
        replace_retrying(src, dst, sleep=waits.append)
    assert blocker.calls == 10 and len(waits) == 9
    assert min(waits) >= 0.05 and max(waits) <= 0.2 and 0.8 <= sum(waits) <= 1.5
    assert caught.value.reason == IN_USE and IN_USE_TEXT in caught.value.message
    assert "结果.xlsx" in caught.value.message
    assert dst.read_bytes() == b"old"


def test_other_errors_are_not_retried(tmp_path, monkeypatch):
    def full(*_args):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    waits: list[float] = []
    with pytest.raises(OSError):
        replace_retrying(tmp_path / "a", tmp_path / "b", sleep=waits.append)
    assert waits == []


def test_remove_retrying_waits_out_an_antivirus_and_ignores_a_missing_file(tmp_path,
                                                                          monkeypatch):
    target = tmp_path / "x.partial"
    target.write_bytes(b"x")
    blocker = Blocker(32, times=2)
    monkeypatch.setattr(Path, "unlink", blocker.wrap(Path.unlink))
    remove_retrying(target, sleep=lambda _s: None)
    assert not target.exists()
    remove_retrying(target, sleep=lambda _s: None)


@pytest.mark.parametrize(("winerror", "code", "reason", "words"), [
    (32, errno.EACCES, IN_USE, IN_USE_TEXT),
    (33, errno.EACCES, IN_USE, IN_USE_TEXT),
    (5, errno.EACCES, IN_USE, "没有这个位置的写入权限"),
    (19, errno.EACCES, READ_ONLY, "写保护"),
    (21, errno.EINVAL, TARGET_GONE, "设备未就绪"),
    (39, errno.ENOSPC, NO_SPACE, "空间不足"),
    (112, errno.ENOSPC, NO_SPACE, "空间不足"),
    (206, errno.ENOENT, PATH_TOO_LONG, "路径太长"),
    (3, errno.ENOENT, TARGET_GONE, "找不到文件夹"),
    (1392, errno.EIO, IO_ERROR, "坏块"),
    (23, errno.EIO, IO_ERROR, "坏块"),
    (1117, errno.EIO, IO_ERROR, "坏块"),
])
def test_each_windows_code_has_its_own_message(winerror, code, reason, words):
    fault = classify_os_error(win_error(winerror, code), Path("E:/青心备份/qingxin-backup.db"))
    assert fault is not None and fault.reason == reason and words in fault.message
    assert f"winerror={winerror}" in fault.detail


def test_path_not_found_on_a_long_path_is_a_long_path_not_a_pulled_stick():
    deep = Path("E:/" + "/".join(["很长的文件夹名称"] * 40) + "/结果.xlsx")
    fault = classify_os_error(win_error(3, errno.ENOENT), deep)
    assert fault is not None and fault.reason == PATH_TOO_LONG


def test_errors_without_a_windows_code_are_left_to_errno():
    assert classify_os_error(OSError(errno.EROFS, "Read-only"), Path("x")) is None
    assert classify_os_error(win_error(9999), Path("x")) is None


ADMIN = Secret("admin", TEST_PASSWORD)


def test_backup_onto_a_stick_an_antivirus_holds_says_in_use_not_write_protected(
        store, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr("app.winfaults.time.sleep", lambda _s: None)
    monkeypatch.setattr(os, "replace", Blocker(32, times=1000).wrap(os.replace))
    with pytest.raises(BackupError) as caught:
        make_backup(store, usb)
    assert caught.value.reason == IN_USE and IN_USE_TEXT in caught.value.message
    assert list(usb.iterdir()) == []


def test_backup_survives_a_brief_scan(store, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr("app.winfaults.time.sleep", lambda _s: None)
    monkeypatch.setattr(os, "replace", Blocker(5, times=4).wrap(os.replace))
    result = make_backup(store, usb)
    assert result.path.exists() and result.keys_path.exists()


def test_restore_with_the_database_held_open_changes_nothing(db_path, store, tmp_path,
                                                             monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    backup = make_backup(store, usb).path
    store.close()
    before = db_path.read_bytes()
    monkeypatch.setattr("app.winfaults.time.sleep", lambda _s: None)
    monkeypatch.setattr(os, "replace", Blocker(32, times=1000).wrap(os.replace))
    with pytest.raises(BackupError) as caught:
        restore_backup(db_path, backup, ADMIN)
    assert caught.value.reason == IN_USE
    assert db_path.read_bytes() == before
    assert not [p for p in db_path.parent.iterdir() if "restore-partial" in p.name]


@pytest.fixture
def campaign(store):
    from app.services.roster.importing import RosterPreview, apply_roster_import

    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(5, seed=3)))
    camp = create_campaign(store, "PHQ-9 测试", "phq9")
    enter_answer_string(store, camp.id, list_students(store)[0].id, "111111111")
    return camp


def _exports(store) -> int:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "student_export"))


def test_export_over_a_workbook_open_in_excel_writes_no_audit_row(store, campaign, tmp_path,
                                                                  monkeypatch):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "结果.xlsx"
    out.write_bytes(b"the teacher's open workbook")
    monkeypatch.setattr("app.winfaults.time.sleep", lambda _s: None)
    monkeypatch.setattr(os, "replace", Blocker(32, times=1000).wrap(os.replace))
    with pytest.raises(FileFault) as caught:
        export_results_xlsx(store, campaign.id, out)
    assert IN_USE_TEXT in caught.value.message
    assert _exports(store) == 0
    assert out.read_bytes() == b"the teacher's open workbook"
    assert [p.name for p in out.parent.iterdir()] == ["结果.xlsx"]


def test_export_whose_audit_fails_leaves_no_file(store, campaign, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "结果.xlsx"

    def audit_fails(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        assert out.exists(), "the audit row is written only once the file is in place"
        raise RuntimeError("audit write failed")

    monkeypatch.setattr("app.services.lists.workbook.audit.record_for", audit_fails)
    with pytest.raises(RuntimeError):
        export_results_xlsx(store, campaign.id, out)
    assert list(out.parent.iterdir()) == []


def test_write_atomic_over_a_file_open_in_excel_keeps_it_and_leaves_no_partial(tmp_path,
                                                                              monkeypatch):
    from app.atomic import write_atomic

    out = tmp_path / "名单.csv"
    out.write_bytes(b"open in Excel")
    monkeypatch.setattr("app.winfaults.time.sleep", lambda _s: None)
    monkeypatch.setattr(os, "replace", Blocker(32, times=1000).wrap(os.replace))
    with pytest.raises(FileFault) as caught:
        write_atomic(out, b"new")
    assert IN_USE_TEXT in caught.value.message
    assert out.read_bytes() == b"open in Excel" and [p.name for p in tmp_path.iterdir()] == [
        "名单.csv"]
