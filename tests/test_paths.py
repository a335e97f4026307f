"""Which database a run opens when --db is not given: QINGXIN_DATA_DIR, then the
deployment's [app] data_dir, then the user's data folder — for the CLI as for the GUI."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from platformdirs import user_data_dir

from app import APP_NAME
from app import deployment as deploy_module
from app.cli.common import add_db_args, db_path
from app.errors import BadInputError
from app.paths import DATA_DIR_ENV, DB_FILENAME, data_dir, default_db_path


@pytest.fixture
def deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment file whose data_dir is relative (so: beside the file)."""
    path = tmp_path / "deploy.toml"
    path.write_text('[app]\ndata_dir = "学校数据"\n', encoding="utf-8")
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(path))
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    return tmp_path / "学校数据"


def _cli_db(*argv: str) -> Path:
    parser = argparse.ArgumentParser()
    add_db_args(parser)
    return db_path(parser.parse_args(list(argv)))


def test_without_anything_the_users_data_folder(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir() == Path(user_data_dir(APP_NAME, appauthor=False))
    assert default_db_path() == data_dir() / DB_FILENAME


def test_the_deployments_folder_beats_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert default_db_path(tmp_path / "d") == tmp_path / "d" / DB_FILENAME


def test_the_environment_beats_the_deployment(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert default_db_path(tmp_path / "d") == tmp_path / "env" / DB_FILENAME


def test_cli_follows_the_same_order(deployed, monkeypatch, tmp_path):
    assert _cli_db() == deployed / DB_FILENAME
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert _cli_db() == tmp_path / "env" / DB_FILENAME
    assert _cli_db("--db", str(tmp_path / "x.db")) == tmp_path / "x.db"


def test_cli_refuses_a_broken_deployment_only_when_it_decides(monkeypatch, tmp_path):
    path = tmp_path / "deploy.toml"
    path.write_text("[app]\ndata_dri = 'x'\n", encoding="utf-8")
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(path))
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    with pytest.raises(BadInputError, match=r"\[app\]\.data_dri 有误") as err:
        _cli_db()
    assert err.value.exit_code == 2
    assert _cli_db("--db", str(tmp_path / "x.db")) == tmp_path / "x.db"
