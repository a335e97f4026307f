"""app/instruments stands alone: numpy, the stdlib, and python-calamine for the one
module that opens spreadsheets; nothing about students, the store or Qt (and no pandas:
plain rows and numpy read a file faster, and the bundle is 18 MB smaller)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "app" / "instruments"
ALLOWED_THIRD_PARTY = {"numpy"}
SPREADSHEET_READER = ("tables.py", "python_calamine")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_instruments_imports():
    for path in PACKAGE.rglob("*.py"):
        for name in _imports(path):
            root = name.split(".")[0]
            if root == "app":
                assert name.startswith(("app.instruments", "app.errors", "app.gc_pause",
                                        "app.sheet_limits")), (
                    path.name, name)
            elif (path.name, root) != SPREADSHEET_READER:
                assert root in ALLOWED_THIRD_PARTY or root in sys.stdlib_module_names, (
                    path.name, name)
