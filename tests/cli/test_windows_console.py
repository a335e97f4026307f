"""The command line as a Windows console drives it: wildcards and folders arrive
unexpanded, and redirected output must be readable by code-page-936 tools."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app import cli
from app.cli.arguments import expand_file_arguments
from app.errors import BadInputError


def test_wildcards_folders_and_plain_names(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("b.qxseal", "a.QXSEAL", "c.txt"):
        (tmp_path / "in" / name).write_bytes(b"x")
    plain = tmp_path / "missing.qxseal"
    found = expand_file_arguments([Path(tmp_path / "in" / "*.qxseal"), tmp_path / "in", plain],
                                  ".qxseal")
    names = [p.name for p in found]
    # glob is case-sensitive on Linux (Windows' is not); the folder takes any case.
    assert names == ["b.qxseal", "a.QXSEAL", "missing.qxseal"]
    with pytest.raises(BadInputError, match="没有与"):
        expand_file_arguments([tmp_path / "nowhere" / "*.qxseal"], ".qxseal")
    with pytest.raises(BadInputError, match=r"没有 \.qxseal 文件"):
        expand_file_arguments([tmp_path], ".qxseal")


def test_a_file_whose_name_holds_a_bracket_is_taken_as_it_is(tmp_path):
    odd = tmp_path / "初二[1]班.qxseal"
    odd.write_bytes(b"x")
    assert expand_file_arguments([odd], ".qxseal") == [odd]


@pytest.mark.parametrize(("terminal", "environ", "platform", "expected"), [
    (False, {}, "win32", ("gb18030", "replace")),          # > out.txt, | findstr
    (True, {}, "win32", ("utf-8", "replace")),             # the console (UTF-16 anyway)
    (False, {}, "linux", ("utf-8", "replace")),
    (False, {"PYTHONIOENCODING": "utf-8"}, "win32", ("utf-8", "replace")),
    (True, {"PYTHONIOENCODING": "gbk:strict"}, "win32", ("gbk", "strict")),
    (False, {"PYTHONIOENCODING": "no-such-codec"}, "win32", ("gb18030", "replace")),
])
def test_stdio_encoding(terminal, environ, platform, expected):
    assert cli.stdio_encoding(terminal, environ, platform) == expected


def test_redirected_output_on_windows_is_gb18030(monkeypatch):
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    cli.configure_stdio()
    print("自检通过 PASS", end="")
    out.flush()
    assert raw.getvalue() == "自检通过 PASS".encode("gb18030")
    assert raw.getvalue().decode("cp936") == "自检通过 PASS"
