"""The layer rules of docs/ARCHITECTURE.md, checked on the source."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(under: Path) -> list[Path]:
    return [p for p in under.rglob("*.py") if "migrations" not in p.parts]


def test_only_app_ui_imports_qt():
    offenders = [str(p.relative_to(APP)) for p in _modules(APP)
                 if "ui" not in p.relative_to(APP).parts[:1]
                 and any(n.split(".")[0] in {"PySide6", "shiboken6"} for n in _imports(p))]
    assert offenders == []


def test_core_packages_do_not_import_ui_or_cli():
    offenders = []
    for p in _modules(APP):
        top = p.relative_to(APP).parts[0]
        if top in {"ui", "cli"} or p.name == "__main__.py":
            continue
        if any(n.startswith(("app.ui", "app.cli")) for n in _imports(p)):
            offenders.append(str(p.relative_to(APP)))
    assert offenders == []


def test_seal_uses_only_cryptography_and_stdlib():
    """The district side must be able to audit the sealing code on its own."""
    for p in _modules(APP / "seal"):
        for name in _imports(p):
            root = name.split(".")[0]
            if root == "app":
                assert name == "app" or name.startswith(("app.seal", "app.errors")), (p, name)
            else:
                assert root == "cryptography" or root in sys.stdlib_module_names, (p, name)
