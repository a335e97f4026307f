"""File arguments as a Windows console passes them.

cmd.exe and PowerShell hand a program `D:\\in\\*.qxseal` as typed: expanding wildcards
is the program's job there (a POSIX shell does it before the program starts). So each
argument that names no existing file but holds a wildcard is expanded here, and a folder
stands for the files in it with the expected suffix. An argument that matches nothing
is an error naming it: a district that typed the wrong folder must not get an empty
summary.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from app.errors import BadInputError

WILDCARDS = frozenset("*?[")
SEALED_SUFFIX = ".qxseal"


def expand_file_arguments(arguments: Sequence[Path], suffix: str) -> list[Path]:
    """Files named by `arguments`, in order and each once: wildcards expanded (sorted),
    folders replaced by their `*suffix` files (sorted)."""
    found: list[Path] = []
    for argument in arguments:
        text = str(argument)
        if argument.is_dir():
            matches = sorted(p for p in argument.iterdir()
                             if p.is_file() and p.suffix.lower() == suffix.lower())
            if not matches:
                raise BadInputError(f"文件夹 {argument} 中没有 {suffix} 文件。")
        elif not argument.exists() and WILDCARDS & set(text):
            matches = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())
            if not matches:
                raise BadInputError(f"没有与 {argument} 匹配的文件。")
        else:
            matches = [argument]
        found.extend(p for p in matches if p not in found)
    return found
