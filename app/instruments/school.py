"""The school's own instruments folder: definitions, settings and item texts.

Beside the database, `instruments/` holds what a school adds to the shipped
instruments, all as files district IT or the counselling teacher can put there:

- `*.toml` — the school's own definitions (SCL-90, SDS, SAS …; format in
  defs/README.md). A shipped code is refused: adjust a shipped instrument by settings.
- `settings.toml` — per-instrument settings, one table per code, e.g.
  `[mht]` `lie_threshold = 8`, or `[mssmhs.cutoffs.total]` `mild = 2.5`: where a
  published cut-off is uncertain, the school decides (overrides.py says what can be set).
- `texts/<code>.xlsx|.xls|.csv` — item wording the school holds for an instrument that
  ships without it (MHT, MSSMHS): two columns, number and text (texts.py).

`use_school_folder` is called when a database is opened (services.auth), so the GUI, the
command line and every service score with the same instruments. The folder is read
again whenever one of its files changes (`signature`), so an edit needs no restart.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.errors import BadInputError

SETTINGS_FILE = "settings.toml"
TEXTS_DIR = "texts"
TEXT_SUFFIXES = (".xlsx", ".xls", ".csv")

_folder: Path | None = None


def use_school_folder(folder: Path | None) -> None:
    global _folder
    _folder = folder


def school_folder() -> Path | None:
    return _folder


def signature() -> tuple[tuple[str, int, int], ...]:
    """What the cached instruments depend on: every file of the folder with its change
    time and size (empty without a folder)."""
    if _folder is None or not _folder.is_dir():
        return ()
    files = [p for p in _folder.iterdir() if p.is_file()]
    texts = _folder / TEXTS_DIR
    if texts.is_dir():
        files += [p for p in texts.iterdir() if p.is_file()]
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


def definition_files(folder: Path) -> list[Path]:
    """The definitions in a folder: every `*.toml` but the settings file, which sits
    beside the school's definitions and is not one."""
    return sorted(p for p in folder.glob("*.toml") if p.name != SETTINGS_FILE)


def definition_dirs() -> tuple[Path, ...]:
    return (_folder,) if _folder is not None and _folder.is_dir() else ()


def settings(known: Iterable[str]) -> dict[str, dict[str, Any]]:
    """settings.toml as {code: {setting: value}}; its mistakes, including a table for a
    code that is not among the `known` instruments, name the file and the key."""
    if _folder is None:
        return {}
    path = _folder / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise BadInputError(f"量表设置文件 {path} 应保存为 UTF-8 编码") from None
    except tomllib.TOMLDecodeError as err:
        raise BadInputError(f"量表设置文件 {path} 格式有误（TOML）：{err}") from None
    codes = set(known)
    for code, table in raw.items():
        if not isinstance(table, dict):
            raise BadInputError(f"量表设置文件 {path}：[{code}] 应是一个表，"
                                "写成 [量表代码] 再逐行写设置")
        if code not in codes:
            raise BadInputError(f"量表设置文件 {path} 中的 [{code}] 不是已有的量表代码"
                                f"（可用：{'、'.join(sorted(codes))}）")
    return raw


def locate_setting(code: str, path: str) -> str:
    """"…/settings.toml 第 7 行" for a setting such as ("mssmhs", "critical.70"): the
    first line that writes it, as a table header ([mssmhs.critical.70]), a dotted key
    under [mssmhs] or a key under [mssmhs.critical]. TOML readers give no line numbers,
    so the text is searched; the file alone is named if the line cannot be told."""
    file = _folder / SETTINGS_FILE if _folder is not None else Path(SETTINGS_FILE)
    try:
        lines = file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    parts = path.split(".")
    table: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", text)
        if header:
            table = _key_parts(header.group(1))
            if table == [code, *parts]:
                return f"{file} 第 {number} 行"
            continue
        if "=" not in text or table[:1] != [code]:
            continue
        key = _key_parts(text.split("=", 1)[0])
        if table[1:] + key[:len(parts) - len(table) + 1] == parts:
            return f"{file} 第 {number} 行"
    return str(file)


def _key_parts(text: str) -> list[str]:
    """A TOML key ("mssmhs.critical.\"57\"") as its parts."""
    return [part.strip().strip('"').strip("'") for part in text.split(".")]


def texts_file(code: str) -> Path | None:
    if _folder is None:
        return None
    for suffix in TEXT_SUFFIXES:
        path = _folder / TEXTS_DIR / f"{code}{suffix}"
        if path.is_file():
            return path
    return None
