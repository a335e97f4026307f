"""The backup reminder's facts (when, where, how big; a restore counts) and its period
from the deployment file; the check a restore runs before anything is closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import deployment as deploy_module
from app.cli import main
from app.errors import BadInputError, WrongPasswordError
from app.paths import keyslot_path
from app.services.accounts.auth import unlock
from app.services.demo.synthetic import synthetic_roster
from app.services.maintenance.backup import backup_status, make_backup
from app.services.maintenance.restore import Secret, check_backup, restore_backup
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.setup import create_school
from tests.conftest import TEST_PASSWORD
from tests.maintenance.maintenance_helpers import digest, leftovers


def test_status_names_the_file_folder_and_size(store, tmp_path):
    usb = tmp_path / "U盘; 第二个"  # a folder name with the detail's separator in it
    usb.mkdir()
    result = make_backup(store, usb)
    status = backup_status(store)
    assert status.folder == str(usb) and status.name == result.path.name
    assert status.size == result.size and not status.restored


def test_nothing_is_due_before_the_first_student_then_the_first_backup_is(store):
    assert not backup_status(store).due  # a new school: nothing to lose yet
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(3, seed=1)))
    status = backup_status(store)
    assert status.due and status.last is None and "还没有做过备份" in status.message


def test_the_period_is_the_callers(store, tmp_path):
    make_backup(store, tmp_path)
    in_ten_days = datetime.now(UTC) + timedelta(days=10)
    assert backup_status(store, 7, now=in_ten_days).due
    assert not backup_status(store, 14, now=in_ten_days).due
    assert "已超过 7 天" in backup_status(store, 7, now=in_ten_days).message


def test_a_restore_counts_and_says_so(db_path, store, tmp_path):
    backup = make_backup(store, tmp_path).path
    store.close()
    restore_backup(db_path, backup, Secret("admin", TEST_PASSWORD))
    with unlock(db_path, "admin", TEST_PASSWORD) as again:
        status = backup_status(again)
    assert status.restored and status.name == backup.name
    assert status.folder == "" and status.size is None and not status.due


def test_cli_status_uses_the_deployments_period(db_path, store, tmp_path, monkeypatch,
                                                capsys):
    make_backup(store, tmp_path)
    store.close()
    deploy = tmp_path / "deploy.toml"
    deploy.write_text("[app]\nbackup_reminder_days = 30\n", encoding="utf-8")
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(deploy))
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    assert main(["backup", "--db", str(db_path), "--status"]) == 0
    assert "上次备份" in capsys.readouterr().out
    monkeypatch.setattr("app.services.maintenance.backup.datetime", _Later)
    assert main(["backup", "--db", str(db_path), "--status"]) == 0
    assert "上次备份" in capsys.readouterr().out  # 10 days: not due under a 30-day rule
    assert main(["backup", "--db", str(db_path), "--status", "--every-days", "7"]) == 0
    assert "已超过 7 天" in capsys.readouterr().out


class _Later(datetime):
    """Ten days from now, as backup_status sees the clock."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return datetime.now(tz) + timedelta(days=10)


@pytest.fixture
def backup(store, tmp_path):
    return make_backup(store, tmp_path).path


def test_check_refuses_a_wrong_password_and_touches_nothing(db_path, store, backup):
    keys, files = digest(keyslot_path(db_path)), leftovers(db_path.parent)
    with pytest.raises(WrongPasswordError, match="打不开这份备份"):
        check_backup(db_path, backup, Secret("admin", "wrong-password-9"))
    check_backup(db_path, backup, Secret("admin", TEST_PASSWORD))
    assert store.is_open  # the check needs no lock: the database stays open meanwhile
    assert digest(keyslot_path(db_path)) == keys and leftovers(db_path.parent) == files


def test_check_refuses_another_schools_backup_unless_asked(db_path, store, tmp_path):
    other = tmp_path / "other" / "qingxin.db"
    school = create_school(other, "别的学校", "admin", TEST_PASSWORD)
    with unlock(other, "admin", TEST_PASSWORD) as other_store:
        foreign = make_backup(other_store, tmp_path).path
    with pytest.raises(BadInputError, match="属于另一个数据库"):
        check_backup(db_path, foreign, Secret("admin", TEST_PASSWORD))
    check_backup(db_path, foreign, Secret("admin", TEST_PASSWORD), allow_other_database=True)
    check_backup(db_path, foreign, Secret(recovery_code=school.recovery_code),
                 allow_other_database=True)
