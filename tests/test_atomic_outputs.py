"""Every kind of output file, under every fault: a Chinese message naming the path,
the right exit code, and nothing half-written left behind (app/atomic.py).

Faults are injected into app.atomic's view of `os` only (the database and pytest keep
the real one): the folder missing, the disk full on write or on fsync (ENOSPC), and the
final rename refused.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app.atomic
import app.winfaults
from app.cli import main
from app.errors import QingxinError
from app.models import AuditEvent
from app.paths import keyslot_path
from app.seal import new_district_key
from app.services.accounts.auth import change_password
from app.services.demo.synthetic import synthetic_roster
from app.services.district.export import preview_export, seal_export
from app.services.maintenance.backup import make_backup
from app.services.reports.individual import print_individual_reports
from app.services.reports.letters import print_letter
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.export import export_results_xlsx
from app.services.screening.importing import save_answer_string
from app.services.students import list_students
from app.store.handle import Store
from tests.conftest import TEST_PASSWORD
from tests.export.export_helpers import deployment


class _FaultyOs:
    """`os` as app.atomic sees it, with one call failing."""

    def __init__(self, name: str, err: OSError) -> None:
        self._name, self._err = name, err

    def __getattr__(self, name: str) -> object:
        if name == self._name:
            def fail(*_args: object, **_kwargs: object) -> None:
                raise self._err
            return fail
        return getattr(os, name)


FAULTS: dict[str, Callable[[pytest.MonkeyPatch], None] | None] = {
    "folder missing": None,
    "disk full on write": lambda mp: mp.setattr(
        app.atomic, "os", _FaultyOs("write", OSError(errno.ENOSPC, "No space left"))),
    "disk full on fsync": lambda mp: mp.setattr(
        app.atomic, "os", _FaultyOs("fsync", OSError(errno.ENOSPC, "No space left"))),
    "rename refused": lambda mp: mp.setattr(
        app.winfaults, "os", _FaultyOs("replace", PermissionError(errno.EACCES, "denied"))),
}
EXPECTED_WORDS = {"folder missing": "不存在", "disk full on write": "磁盘已满",
                  "disk full on fsync": "磁盘已满", "rename refused": "没有权限"}


@pytest.fixture
def school(store: Store) -> dict:
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(6, seed=2)))
    students = list_students(store)
    campaign = create_campaign(store, "秋季 PHQ-9", "phq9")
    save_answer_string(store, campaign.id, students[0].id, "110000000")
    return {"store": store, "student": students[0].id, "campaign": campaign.id}


def _pdf_report(s: dict, out: Path) -> None:
    print_individual_reports(s["store"], s["campaign"], out, [s["student"]])


def _letter(s: dict, out: Path) -> None:
    print_letter(s["store"], s["student"], "notice", out)


def _xlsx(s: dict, out: Path) -> None:
    export_results_xlsx(s["store"], s["campaign"], out)


def _sealed(s: dict, out: Path) -> None:
    preview = preview_export(s["store"], "2026-2027-1", deployment(new_district_key("x25519")))
    seal_export(s["store"], preview, out)


OUTPUTS: dict[str, tuple[str, Callable[[dict, Path], None]]] = {
    "pdf report": ("r.pdf", _pdf_report),
    "letter": ("l.pdf", _letter),
    "results xlsx": ("r.xlsx", _xlsx),
    "sealed export": ("s.qxseal", _sealed),
}


def _audits(store: Store) -> int:
    """Entries that say a file left the store (reads before it are audited too)."""
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action.in_(("student_export", "student_print")))) or 0


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_output_fault_leaves_nothing_and_says_where(school, kind, fault, tmp_path,
                                                   monkeypatch):
    name, produce = OUTPUTS[kind]
    folder = tmp_path / ("gone" if fault == "folder missing" else "out")
    if fault != "folder missing":
        folder.mkdir()
        (folder / name).write_bytes(b"previous version")
    inject = FAULTS[fault]
    if inject is not None:
        inject(monkeypatch)
    before = _audits(school["store"])
    with pytest.raises(QingxinError) as info:
        produce(school, folder / name)
    assert info.value.exit_code == 2
    assert str(folder) in info.value.message and EXPECTED_WORDS[fault] in info.value.message
    if fault != "folder missing":
        assert [p.name for p in folder.iterdir()] == [name]  # no .partial left
        assert (folder / name).read_bytes() == b"previous version"
    assert _audits(school["store"]) == before  # no audit entry for a file not written


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_outputs_are_written_whole_and_owner_only(school, kind, tmp_path):
    name, produce = OUTPUTS[kind]
    folder = tmp_path / "out"
    folder.mkdir()
    produce(school, folder / name)
    assert [p.name for p in folder.iterdir()] == [name]
    if os.name != "nt":
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


@pytest.mark.parametrize("fault", list(FAULTS))
def test_cli_csv_output_fault_is_exit_2_without_a_traceback(school, fault, tmp_path,
                                                            monkeypatch, capsys):
    school["store"].close()
    folder = tmp_path / ("gone" if fault == "folder missing" else "out")
    if fault != "folder missing":
        folder.mkdir()
    inject = FAULTS[fault]
    if inject is not None:
        inject(monkeypatch)
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    db = school["store"].path
    code = main(["roster", "list", "--db", str(db), "--format", "csv", "--out",
                 str(folder / "list.csv")])
    err = capsys.readouterr().err
    assert code == 2 and EXPECTED_WORDS[fault] in err and "内部错误" not in err
    assert not folder.exists() or list(folder.iterdir()) == []


def test_output_path_that_is_a_folder(school, tmp_path):
    with pytest.raises(QingxinError) as info:
        _letter(school, tmp_path)
    assert info.value.exit_code == 2 and "是一个文件夹" in info.value.message


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "folder missing"])
def test_key_slot_file_fault_keeps_the_old_keys(store, fault, monkeypatch):
    keys = keyslot_path(store.path)
    before = keys.read_bytes()
    FAULTS[fault](monkeypatch)  # type: ignore[misc]
    with pytest.raises(QingxinError) as info:
        change_password(store, TEST_PASSWORD, "another-horse-2")
    assert info.value.exit_code == 4 and "原有密钥未改变" in info.value.message
    assert keys.read_bytes() == before
    assert sorted(p.name for p in keys.parent.iterdir() if ".partial" in p.name) == []


def test_data_and_key_files_are_owner_only(store, tmp_path):
    if os.name == "nt":
        pytest.skip("Windows: the profile folder's ACL, not mode bits (docs/DEPLOYMENT.md)")
    folder = store.path.parent
    for path in (store.path, keyslot_path(store.path)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    stick = tmp_path / "stick"
    stick.mkdir()
    result = make_backup(store, stick)
    for path in (result.path, result.keys_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert folder.exists()


def test_stale_partials_are_removed_by_the_next_backup(store, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    stale = [stick / "qingxin-backup-20260101-080000.db.partial",
             stick / "qingxin-backup-20260101-080000.db.keys.partial",
             stick / ".list.csv.1a2b3c4d.partial"]
    for p in stale:
        p.write_bytes(b"cut off by a power cut")
    make_backup(store, stick)
    assert not any(p.exists() for p in stale)
    assert len([p for p in stick.iterdir() if p.suffix in (".db", ".keys")]) == 2


def test_backup_rename_refused_leaves_nothing(store, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()

    monkeypatch.setattr(app.winfaults, "os",
                        _FaultyOs("replace", PermissionError(errno.EACCES, "denied")))
    with pytest.raises(QingxinError) as info:
        make_backup(store, stick)
    assert info.value.exit_code == 4 and str(stick) in info.value.message
    assert list(stick.iterdir()) == []
