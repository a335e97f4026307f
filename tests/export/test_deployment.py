"""The deployment file: found where district IT puts it, every key checked, and a
mistake named by file and key in Chinese; defaults without a file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import deployment as deploy_module
from app.deployment import Deployment, Hospital, load_deployment
from app.errors import BadInputError
from app.paths import resources_dir
from app.seal import dump_key, new_district_key
from app.services.casefile.followup import policy_for

EXAMPLE = resources_dir() / "deploy.example.toml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    key = new_district_key("x25519")
    (tmp_path / "district_public_key.json").write_bytes(dump_key(key.public_key()))
    return tmp_path


def _write(folder: Path, text: str) -> Path:
    path = folder / "deploy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_loads(folder):
    path = folder / "deploy.toml"
    shutil.copy(EXAMPLE, path)
    d = load_deployment(path)
    assert (d.school_code, d.school_name) == ("4131011234", "青心实验中学")
    assert d.district_key is not None and d.district_key.kem == "x25519"
    assert d.hospitals[0] == Hospital("市第六人民医院", "儿童青少年心理科", "0000-12345678",
                                      "示例市示例路 1 号")
    assert d.hospital_labels[1] == "市精神卫生中心 青少年门诊"
    assert d.policy.key_students == "pseudonymous" and d.policy.min_cell == 5
    assert (d.policy.min_interval, d.policy.cells) == (1, "suppressed")
    assert "participation" in d.policy.aggregates and d.auto_lock_minutes == 10
    assert d.backup_reminder_days == 7
    assert d.source == path and d.data_dir is None


def test_defaults_without_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv(deploy_module.DEPLOY_ENV, raising=False)
    monkeypatch.setattr(deploy_module, "candidate_paths", lambda: [tmp_path / "none.toml"])
    d = load_deployment()
    assert d == Deployment()
    assert d.district_key is None and d.policy.min_cell == 5 and d.policy.key_students == "counts"


def test_environment_variable_names_the_file(monkeypatch, folder):
    path = _write(folder, '[school]\ncode = "S1"\nname = "一中"\n')
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(path))
    assert load_deployment().school_code == "S1"
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(folder / "missing.toml"))
    with pytest.raises(BadInputError, match=r"找不到部署文件.*QINGXIN_DEPLOY"):
        load_deployment()


def test_inline_key_and_relative_data_dir(folder):
    key_text = (folder / "district_public_key.json").read_text(encoding="utf-8")
    path = _write(folder, f'[district]\npublic_key = """{key_text}"""\n'
                          '[app]\ndata_dir = "data"\nauto_lock_minutes = 5\n')
    d = load_deployment(path)
    assert d.district_key is not None and d.data_dir == folder / "data"
    assert d.auto_lock_minutes == 5


def test_accepted_suites(folder):
    assert load_deployment(_write(folder, "[district]\n")).accepted_suites is None
    path = _write(folder, '[district]\naccepted_suites = ["mlkem768x25519", "x25519"]\n')
    assert load_deployment(path).accepted_suites == ("x25519", "mlkem768x25519")


def test_backup_reminder_days(folder):
    assert Deployment().backup_reminder_days == 7
    assert load_deployment(_write(folder, "[app]\n")).backup_reminder_days == 7
    for days in (1, 14, 90):
        path = _write(folder, f"[app]\nbackup_reminder_days = {days}\n")
        assert load_deployment(path).backup_reminder_days == days


@pytest.mark.parametrize(("text", "message"), [
    ('[school]\ncod = "1"\n', r"\[school\]\.cod 有误：不认识这个键"),
    ('colour = "red"\n', r"colour 有误：不认识这个键"),
    ('[school]\ncode = "学校 1"\n', r"\[school\]\.code 有误：只能由字母"),
    ('[school]\nname = 7\n', r"\[school\]\.name 有误：应为文本"),
    ('[report_policy]\nmin_cell = 0\n', r"\[report_policy\]\.min_cell 有误：应为 1–100 的整数"),
    ('[report_policy]\nmin_cell = "5"\n', r"min_cell 有误"),
    ('[report_policy]\ncells = "none"\n',
     r"\[report_policy\]\.cells 有误：应为以下之一：suppressed"),
    ('[report_policy]\nmin_interval = 0\n', r"\[report_policy\]\.min_interval 有误"),
    ('[report_policy]\nkey_students = "all"\n',
     r"\[report_policy\]\.key_students 有误：应为以下之一：counts（只报人数）"),
    ('[report_policy]\naggregates = ["bands", "iq"]\n',
     r"\[report_policy\]\.aggregates 有误：不认识 iq"),
    ('[app]\nauto_lock_minutes = 0\n', r"\[app\]\.auto_lock_minutes 有误"),
    ('[app]\nbackup_reminder_days = 0\n', r"\[app\]\.backup_reminder_days 有误：应为 1–90 的整数"),
    ('[app]\nbackup_reminder_days = 91\n', r"\[app\]\.backup_reminder_days 有误"),
    ('[app]\nbackup_reminder_days = "7"\n', r"\[app\]\.backup_reminder_days 有误"),
    ('[[hospitals]]\ndepartment = "心理科"\n', r"\[\[hospitals\]\] 第 1 家的 name 有误：不能为空"),
    ('[[hospitals]]\nname = "医院"\nfax = "1"\n', r"\[hospitals\[1\]\]\.fax 有误"),
    ('[district]\npublic_key_file = "nope.json"\n',
     r"\[district\]\.public_key_file 有误：找不到密钥文件"),
    ('[district]\npublic_key_file = "district_public_key.json"\npublic_key = "x"\n',
     r"\[district\] 有误：public_key 与 public_key_file 只能填一个"),
    ('[district]\npublic_key = "{}"\n', r"\[district\]\.public_key 有误：.*不是青心密钥文件"),
    ('[district]\naccepted_suites = []\n', r"\[district\]\.accepted_suites 有误：应为非空列表"),
    ('[district]\naccepted_suites = ["rsa"]\n', r"accepted_suites 有误：.*\"x25519\""),
    ('school = "一中"\n', r"\[school\] 有误：应为一个表"),
    ('[school\n', r"格式有误（TOML）"),
])
def test_mistakes_name_the_file_and_key(folder, text, message):
    path = _write(folder, text)
    with pytest.raises(BadInputError, match=message) as err:
        load_deployment(path)
    assert str(path) in err.value.message


def test_a_private_key_is_not_taken_for_the_public_one(folder):
    key = new_district_key("x25519")
    (folder / "private.json").write_bytes(dump_key(key))
    path = _write(folder, '[district]\npublic_key_file = "private.json"\n')
    with pytest.raises(BadInputError, match=r"区级私钥文件.*区级公钥文件"):
        load_deployment(path)


def test_file_that_is_not_utf8(folder):
    path = folder / "deploy.toml"
    path.write_bytes('[school]\nname = "一中"\n'.encode("gbk"))
    with pytest.raises(BadInputError, match="UTF-8"):
        load_deployment(path)


def test_followup_days_default_and_from_the_file(folder):
    assert dict(Deployment().followup_days) == {"crisis": 7, "key": 14, "general": 90}
    d = load_deployment(_write(folder, "[followup]\ncrisis_days = 3\ngeneral_days = 60\n"))
    assert dict(d.followup_days) == {"crisis": 3, "key": 14, "general": 60}
    assert policy_for(d).days == {"crisis": 3, "key": 14, "general": 60}


@pytest.mark.parametrize(("text", "message"), [
    ("[followup]\ncrisis_days = 0\n", r"\[followup\].crisis_days 有误：应为 1–365 的整数"),
    ("[followup]\nkey_days = \"14\"\n", r"\[followup\].key_days 有误"),
    ("[followup]\nweekly = 7\n", r"\[followup\].weekly 有误：不认识这个键"),
    ("[followup]\ncrisis_months = 1\n",
     r"\[followup\].crisis_months 有误：随访间隔按天设置，请改用 crisis_days"
     r"（1 个月按 30 天计，如 crisis_days = 30）"),
])
def test_followup_mistakes_name_the_key(folder, text, message):
    path = _write(folder, text)
    with pytest.raises(BadInputError, match=message) as err:
        load_deployment(path)
    assert str(path) in err.value.message
