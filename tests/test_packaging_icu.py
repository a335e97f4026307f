"""The Linux bundle's ICU data trim (packaging/icu_data.py): which items go, how icupkg's
dependency complaints are settled, and — where ICU's tools are installed — a real trim of
the wheel's libicudata whose data still holds what Chinese and English need."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("qingxin_icu_data",
                                               ROOT / "packaging" / "icu_data.py")
assert _spec is not None and _spec.loader is not None
icu_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(icu_data)


def test_locale_items_are_told_from_shared_data():
    assert icu_data.language("fr.res") == "fr"
    assert icu_data.language("coll/zh_Hant_HK.res") == "zh"
    assert icu_data.language("curr/yue_Hans.res") == "yue"
    assert icu_data.language("root.res") == "root"
    for shared in ("res_index.res", "coll/res_index.res", "pool.res", "zone/pool.res",
                   "supplementalData.res", "likelySubtags.res", "cnvalias.icu",
                   "coll/ucadata.icu", "brkitr/cjdict.dict", "gb18030.cnv", "coll/es_.res"):
        assert icu_data.language(shared) is None, shared


def test_only_other_languages_go():
    items = ["fr.res", "en_GB.res", "zh_Hans_CN.res", "root.res", "coll/de.res",
             "coll/zh.res", "unit/ja.res", "res_index.res", "brkitr/thaidict.dict",
             "brkitr/cjdict.dict", "gb18030.cnv", "nfc.nrm"]
    assert icu_data.removable(items) == {"fr.res", "coll/de.res", "unit/ja.res"}


def test_settling_keeps_what_kept_items_need_and_drops_what_needs_the_removed():
    remove = {"rbnf/yue.res", "coll/es.res", "coll/fr.res"}
    missing = [("rbnf/zh_Hant_HK.res", "rbnf/yue.res"),  # Chinese needs it: it stays
               ("coll/es_.res", "coll/es.res"),  # shared alias: its target stays
               ("coll/fr_CA.res", "coll/fr.res")]  # another language's: it goes too
    assert icu_data.settle(remove, missing) == {"coll/fr.res", "coll/fr_CA.res"}


def _wheel_icu() -> Path | None:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return found[0] if found else None


@pytest.mark.skipif(_wheel_icu() is None or not all(
    shutil.which(t) for t in ("icupkg", "gcc", "readelf")),
    reason="needs the Linux wheel's libicudata and ICU's icupkg, gcc and readelf")
def test_a_real_trim_keeps_chinese_and_english(tmp_path: Path):
    library = tmp_path / _wheel_icu().name  # type: ignore[union-attr]
    shutil.copy(_wheel_icu(), library)  # type: ignore[arg-type]
    before, after = icu_data.trim(library)
    assert after < before * 0.6
    symbol, offset, size = icu_data._data_symbol(shutil.which("readelf"), library)
    data = tmp_path / "out" / f"{symbol.removesuffix('_dat')}l.dat"
    data.parent.mkdir()
    with library.open("rb") as f:
        f.seek(offset)
        data.write_bytes(f.read(size))
    items = set(subprocess.run(["icupkg", "-l", str(data)], capture_output=True, text=True,
                               check=True).stdout.split())
    assert {"zh.res", "zh_Hans_CN.res", "en.res", "root.res", "coll/zh.res",
            "coll/root.res", "coll/ucadata.icu", "gb18030.cnv", "zone/zh.res",
            "brkitr/cjdict.dict", "res_index.res"} <= items
    assert not {"fr.res", "coll/de_AT.res", "unit/ja.res", "zone/ru.res"} & items
