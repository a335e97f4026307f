"""The deployment file on Windows, faked: a file dropped by an ordinary user is refused,
paths in TOML double quotes get advice naming the key; private key files are narrowed
to their owner with icacls."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app import deployment as deploy_module
from app import winacl
from app.deployment import load_deployment, parse_deployment
from app.errors import BadInputError

PROGRAM_DATA = Path("C:/ProgramData/Qingxin/deploy.toml")


@pytest.fixture
def found(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """A deploy.toml in the place the program looks by itself, owned by `owner`."""
    path = tmp_path / "deploy.toml"
    path.write_text('[school]\ncode = "S1"\nname = "一中"\n', encoding="utf-8")
    monkeypatch.delenv(deploy_module.DEPLOY_ENV, raising=False)
    monkeypatch.setattr(deploy_module, "candidate_paths", lambda: [path])

    def owned_by(sid: str | None) -> Path:
        monkeypatch.setattr(deploy_module, "admin_owned", lambda p: winacl.admin_owned(
            p, platform="win32", owner=lambda _p: sid))
        return path
    return owned_by


@pytest.mark.parametrize("sid", ["S-1-5-32-544", "S-1-5-18"])
def test_a_file_an_administrator_placed_is_used(found, sid):
    found(sid)
    assert load_deployment().school_code == "S1"


@pytest.mark.parametrize("sid", ["S-1-5-21-1111-2222-3333-1001", None])
def test_a_file_an_ordinary_user_dropped_is_refused(found, sid):
    path = found(sid)
    with pytest.raises(BadInputError) as caught:
        load_deployment()
    assert str(path) in caught.value.message and "不是管理员放置的" in caught.value.message


def test_qingxin_deploy_names_a_file_explicitly_and_is_not_owner_checked(found, monkeypatch,
                                                                        tmp_path):
    found("S-1-5-21-1111-2222-3333-1001")
    mine = tmp_path / "测试.toml"
    mine.write_text('[school]\ncode = "T1"\n', encoding="utf-8")
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(mine))
    monkeypatch.setattr(deploy_module, "candidate_paths", lambda: [mine])
    assert load_deployment().school_code == "T1"


def test_a_windows_path_in_double_quotes_names_the_key_and_the_fix():
    with pytest.raises(BadInputError) as caught:
        parse_deployment('[school]\ncode = "S1"\n\n[app]\ndata_dir = "D:\\青心数据"\n',
                         PROGRAM_DATA)
    message = caught.value.message
    assert "第 5 行 [app].data_dir" in message and "单引号" in message and "D:/青心数据" in message
    with pytest.raises(BadInputError) as caught:  # "\n" is a valid escape: a newline
        parse_deployment('[app]\ndata_dir = "D:\\new"\n', PROGRAM_DATA)
    assert "[app].data_dir" in caught.value.message and "控制字符" in caught.value.message
    assert parse_deployment("[app]\ndata_dir = 'D:\\青心数据'\n", PROGRAM_DATA).data_dir


def test_private_files_are_narrowed_to_their_owner_with_icacls(tmp_path):
    calls: list[list[str]] = []

    def run(args, **_kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return subprocess.CompletedProcess(args, 0)

    key = tmp_path / "district_private_key.json"
    env = {"USERNAME": "张老师", "USERDOMAIN": "JYJ-PC"}
    assert winacl.restrict_to_owner(key, platform="win32", environ=env, run=run)
    assert calls == [["icacls", str(key), "/inheritance:r", "/grant:r", "JYJ-PC\\张老师:(F)"]]
    failing = lambda args, **_kw: subprocess.CompletedProcess(args, 5)  # noqa: E731
    assert not winacl.restrict_to_owner(key, platform="win32", environ=env, run=failing)
    assert winacl.restrict_to_owner(key, platform="linux", run=failing)  # 0o600 does it


def test_district_keygen_narrows_the_private_key(tmp_path, monkeypatch, capsys):
    from app import cli

    narrowed: list[str] = []
    monkeypatch.setattr("app.cli.seal_cmds.restrict_to_owner",
                        lambda path: narrowed.append(Path(path).name) or True)
    assert cli.main(["district", "keygen", "--out", str(tmp_path)]) == 0
    assert narrowed == ["district_private_key.json"]
    capsys.readouterr()
