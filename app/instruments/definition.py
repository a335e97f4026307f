"""Finding and loading instrument definitions: the shipped ones and a school's own.

A definition is a TOML file named `<code>.toml` (format: defs/README.md). The shipped
files live in defs/; a school (or the district) may add a folder of its own. One code
must resolve to one file: a school file with a shipped code is an error, not a silent
replacement, so nobody scores MHT with a key they did not know had changed. To adjust a
shipped instrument, use settings (overrides.py) or a new code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.errors import BadInputError
from app.instruments import school
from app.instruments.model import Instrument
from app.instruments.overrides import Locate, apply_overrides
from app.instruments.parsing import build_instrument, expand_band_sets
from app.instruments.texts import with_item_texts

SHIPPED_DIR = Path(__file__).with_name("defs")

Overrides = Mapping[str, Mapping[str, Any]]
"""Settings per instrument code, e.g. {"mht": {"lie_threshold": 8}} (see overrides.py)."""


def normalize_code(code: str) -> str:
    """"PHQ-9", "phq9" and " Phq 9 " all name phq9."""
    return re.sub(r"[\s\-]", "", code).lower()


def definition_paths(extra_dirs: Iterable[Path | str] = ()) -> dict[str, Path]:
    """Code → file for every definition on offer; raises on a code defined twice."""
    found: dict[str, Path] = {}
    for folder in (SHIPPED_DIR, *map(Path, extra_dirs)):
        if not folder.is_dir():
            raise BadInputError(f"找不到量表定义文件夹：{folder}")
        for path in school.definition_files(folder):
            code = path.stem
            if code in found:
                raise BadInputError(f"量表代码「{code}」有两个定义文件：{found[code]} 和 {path}；"
                                    "自定义量表请换用新的代码")
            found[code] = path
    return found


def load_instrument(code: str, extra_dirs: Iterable[Path | str] | None = None,
                    overrides: Overrides | None = None) -> Instrument:
    """The instrument with this code, with the school's settings for it applied.

    Given neither `extra_dirs` nor `overrides`, the school's instruments folder
    (school.py) supplies both, and its item texts; the result is cached until a file
    in that folder changes, so 3,000 reports do not parse TOML 3,000 times."""
    if extra_dirs is None and overrides is None:
        return _school_instrument(normalize_code(code), school.signature())
    return _load(code, extra_dirs or (), overrides)


def list_instruments(extra_dirs: Iterable[Path | str] | None = None,
                     overrides: Overrides | None = None) -> list[Instrument]:
    """Every instrument on offer, shipped ones first then the school's, each by code."""
    if extra_dirs is None and overrides is None:
        return [load_instrument(code) for code in definition_paths(school.definition_dirs())]
    return [load_definition_file(path, (overrides or {}).get(code))
            for code, path in definition_paths(extra_dirs or ()).items()]


def _load(code: str, extra_dirs: Iterable[Path | str], overrides: Overrides | None,
          locate: Locate | None = None) -> Instrument:
    paths = definition_paths(extra_dirs)
    key = normalize_code(code)
    if key not in paths:
        raise BadInputError(f"没有代码为「{code}」的量表（可用：{'、'.join(sorted(paths))}）")
    return load_definition_file(paths[key], (overrides or {}).get(key), locate)


@lru_cache(maxsize=64)
def _school_instrument(key: str, _signature: tuple[tuple[str, int, int], ...]) -> Instrument:
    """`_signature` (the folder's files and their change times) is only the cache key."""
    dirs = school.definition_dirs()
    settings = school.settings(known=definition_paths(dirs))
    instrument = _load(key, dirs, settings, school.locate_setting)
    texts = school.texts_file(key)
    return with_item_texts(instrument, texts) if texts is not None else instrument


def load_definition_file(path: Path | str, settings: Mapping[str, Any] | None = None,
                         locate: Locate | None = None) -> Instrument:
    """Load and check one file (e.g. a school's new definition, before it is added);
    `locate` names where a setting is written, for settings left out."""
    path = Path(path)
    where = path.name if path.parent == SHIPPED_DIR else str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(f"找不到量表定义文件：{where}") from None
    except UnicodeDecodeError:
        raise BadInputError(f"量表定义文件 {where} 应保存为 UTF-8 编码") from None
    except tomllib.TOMLDecodeError as err:
        raise BadInputError(f"量表定义文件 {where} 格式有误（TOML）：{err}") from None
    raw = expand_band_sets(raw, where)
    patched = (apply_overrides(raw, settings, where, locate) if locate is not None
               else apply_overrides(raw, settings, where))
    applied = patched.applied
    if not applied:
        instrument = build_instrument(patched.raw, path, where, applied)
        version = instrument.version
    else:
        instrument = build_instrument(patched.raw, path, f"{where}（含学校设置）", applied)
        version = settings_version(instrument.version, applied)
    return dataclasses.replace(instrument, version=version,
                               setting_problems=patched.problems)


def settings_version(version: str, applied: Sequence[str]) -> str:
    """The version results are stored under when school settings are in force, e.g.
    "1.0+设置3f2a9c": a result says which cut-offs scored it, and a later change of the
    settings is a different version, never a silent change of what was stored."""
    digest = hashlib.sha256("\n".join(applied).encode("utf-8")).hexdigest()[:6]
    return f"{version}+设置{digest}"
