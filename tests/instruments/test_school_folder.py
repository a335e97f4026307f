"""The school's instruments folder beside the database: its own definitions, settings
where a cut-off is the school's to decide, and item texts it holds — used by every
service once the database is open, and re-read when a file in it changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.errors import BadInputError
from app.instruments import list_instruments, load_instrument, score
from app.instruments import school as school_module
from app.paths import school_instruments_dir
from app.services.accounts.auth import unlock
from app.services.setup import create_school
from tests.instruments.test_definition_loading import MINIMAL


def _touch_later(path: Path) -> None:
    """Editors keep the size sometimes; the change time alone must be enough."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def phq9_band(total_answers: list[float]) -> str:
    instrument = load_instrument("phq9")
    result = score(instrument, np.array([total_answers], dtype=float))
    return result.records()[0]["bands"]["total"]


def test_without_a_folder_the_shipped_instruments_are_offered(monkeypatch):
    monkeypatch.setattr(school_module, "_folder", None)
    assert [i.code for i in list_instruments()] == ["gad7", "mht", "mssmhs", "phq9"]


def test_a_school_definition_is_offered_and_scores(folder):
    (folder / "demo.toml").write_text(MINIMAL, encoding="utf-8")
    assert "demo" in [i.code for i in list_instruments()]
    demo = load_instrument("demo")
    assert demo.name == "示例量表"
    assert score(demo, np.array([[1, 1, 0, 1, 1, 0]], dtype=float)).records()[0]["total"] == 4


def test_a_school_file_may_not_take_a_shipped_code(folder):
    (folder / "phq9.toml").write_text(MINIMAL.replace('"demo"', '"phq9"'), encoding="utf-8")
    with pytest.raises(BadInputError, match="两个定义文件"):
        load_instrument("phq9")


def test_settings_move_a_cut_off_and_an_edit_is_seen_without_restart(folder):
    nine = [1.0] * 9  # total 9: "mild" with the published lines (5–9)
    assert phq9_band(nine) == "mild"
    settings = folder / "settings.toml"
    settings.write_text("[phq9.cutoffs.total]\nmoderate = 9\n", encoding="utf-8")
    assert phq9_band(nine) == "moderate"
    assert "settings" not in [i.code for i in list_instruments()]  # not a definition
    assert load_instrument("phq9").overrides  # reports can say a setting is in force
    settings.write_text("[phq9.cutoffs.total]\nmoderate = 10\n", encoding="utf-8")
    _touch_later(settings)
    assert phq9_band(nine) == "mild"


def test_settings_mistakes_name_the_file_and_the_key(folder):
    settings = folder / "settings.toml"
    settings.write_text("[scl90]\nmax_missing = 1\n", encoding="utf-8")
    with pytest.raises(BadInputError) as info:
        load_instrument("phq9")
    assert str(settings) in info.value.message and "[scl90]" in info.value.message
    settings.write_text("[phq9]\ncolour = 1\n", encoding="utf-8")
    _touch_later(settings)
    with pytest.raises(BadInputError, match=r"phq9\.colour"):
        load_instrument("phq9")
    settings.write_text("[phq9\n", encoding="utf-8")
    _touch_later(settings)
    with pytest.raises(BadInputError, match="格式有误"):
        load_instrument("phq9")


def test_item_texts_the_school_holds_are_applied(folder):
    assert not load_instrument("mht").has_item_texts
    texts = folder / "texts"
    texts.mkdir()
    (texts / "mht.csv").write_text("题号,题目\n1,第一题的文字\n2,第二题的文字\n",
                                   encoding="utf-8-sig")
    mht = load_instrument("mht")
    assert [item.text for item in mht.items[:3]] == ["第一题的文字", "第二题的文字", ""]


def test_opening_a_database_uses_the_folder_beside_it(tmp_path, monkeypatch):
    monkeypatch.setattr(school_module, "_folder", None)
    db = tmp_path / "school" / "qingxin.db"
    create_school(db, "青心实验中学", "admin", "pass-word-1")
    folder = school_instruments_dir(db)
    folder.mkdir()
    (folder / "demo.toml").write_text(MINIMAL, encoding="utf-8")
    with unlock(db, "admin", "pass-word-1"):
        assert school_module.school_folder() == folder
        assert load_instrument("demo").name == "示例量表"


def test_results_and_reports_say_which_settings_scored_them(store, tmp_path, monkeypatch):
    """A setting changes the version results are stored under, and the individual
    report names the setting, so nobody reads a school's cut-off as the published one."""
    from sqlalchemy import select

    from app.models import ScreeningResult
    from app.services.reports.individual import print_individual_reports
    from tests.reports.reports_helpers import make_screened_school, pdf_text

    folder = tmp_path / "instruments"
    folder.mkdir()
    monkeypatch.setattr(school_module, "_folder", folder)
    shipped = load_instrument("phq9").version
    (folder / "settings.toml").write_text("[phq9.cutoffs.total]\nmoderate = 9\n",
                                          encoding="utf-8")
    school = make_screened_school(store, n=50)
    with store.read() as session:
        versions = set(session.scalars(select(ScreeningResult.instrument_version)
                                       .where(ScreeningResult.campaign_id == school.phq)))
    assert versions and all(v.startswith(f"{shipped}+设置") for v in versions)
    out = tmp_path / "reports.pdf"
    print_individual_reports(store, school.phq, out)
    if shutil.which("pdftotext"):
        assert "分界值采用本校设置" in pdf_text(out, 1, 1).replace("\n", "")
