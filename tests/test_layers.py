"""The layer table of docs/ARCHITECTURE.md ("Packages and what they may import"), held
here as ALLOWED and checked against every import in app/ — module level, inside
functions and under TYPE_CHECKING alike (an import put off until first use is still a
dependency).

A package (or root module) may import itself, the standard library, and what its row
names: `app.x` allows app.x and everything under it, a third-party name allows that
distribution's top-level package. A row for one module (`app.models.sealed`) adds
to its package's row. The table in the doc must say the same (the last test), so
changing a rule is one edit in each, side by side.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

CORE = {"app", "app.errors", "app.labels", "app.terms", "app.paths", "app.atomic",
        "app.deployment", "app.gc_pause", "app.sheet_limits", "app.logfile", "app.winfaults",
        "app.winacl", "app.winprofile", "app.app_mutex", "app.phones", "app.changes"}
"""The root modules: small, each for one thing, importable from any layer that needs it
(their own rows below say what they in turn may import)."""

ALLOWED: dict[str, set[str]] = {
    # root modules
    "app": set(),
    "app.__main__": {"app.cli"},
    "app.errors": set(),
    "app.changes": set(),
    "app.terms": set(),
    "app.gc_pause": set(),
    "app.winacl": set(),
    "app.winprofile": set(),
    "app.app_mutex": set(),
    "app.winfaults": {"app.errors"},
    "app.phones": {"app.errors"},
    "app.atomic": {"app.errors", "app.winfaults"},
    "app.paths": {"app", "platformdirs"},
    "app.logfile": {"app", "app.paths"},
    "app.labels": {"app.services.capabilities"},
    "app.sheet_limits": {"app.deployment", "app.errors", "xlrd"},
    "app.tables": {"app.errors", "app.sheet_limits", "python_calamine"},
    "app.deployment": {"app", "app.errors", "app.seal", "app.sheet_limits", "app.winacl",
                       "platformdirs"},
    # packages, lowest first
    "app.seal": {"app", "app.errors", "cryptography"},
    "app.instruments": {"app.errors", "app.gc_pause", "app.tables", "numpy"},
    "app.models": {"app.errors", "sqlalchemy"},
    "app.models.sealed": {"cryptography"},
    "app.store": {"app.models", "app.seal", "app.errors", "app.paths", "app.atomic",
                  "app.winfaults", "sqlalchemy", "sqlcipher3", "alembic", "cryptography"},
    "app.reports": {"app.instruments", "app.labels", "app.errors", "app.paths", "reportlab",
                    "openpyxl"},
    "app.services": {*CORE, "app.tables", "app.instruments", "app.models", "app.store",
                     "app.seal", "app.reports", "sqlalchemy", "numpy", "cryptography"},
    "app.services.statistics.disclosure_audit": {"highspy"},
    "app.services.district.aggregate": {"python_calamine"},
    "app.services.statistics.campaign": {"pandas"},
    "app.services.district.tables": {"pandas"},
    "app.services.district.workbook": {"pandas"},
    "app.services.lists.workbook": {"msoffcrypto"},
    "app.cli": {*CORE, "app.instruments", "app.store", "app.seal", "app.services"},
    "app.cli.gui_cmds": {"app.ui"},
    "app.cli.maintenance_cmds": {"app.ui"},
    "app.ui": {*CORE, "app.instruments", "app.models", "app.store", "app.seal",
               "app.services", "app.reports", "PySide6", "shiboken6", "pypinyin"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file; `from x import y` counts as x.y when
    y is a module (`from app.services import audit`), else as x."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append((node.lineno, "." * node.level + (node.module or "")))
                continue
            module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                is_module = (ROOT / Path(*sub.split("."))).with_suffix(".py").exists() or \
                    (ROOT / Path(*sub.split("."))).is_dir()
                found.append((node.lineno, sub if is_module else module))
    return found


def _within(name: str, entry: str) -> bool:
    return name == entry or name.startswith(entry + ".")


def _home(module: str) -> str:
    """The row a module belongs to: its package (app.services), or a root module."""
    return ".".join(module.split(".")[:2])


def allowed_for(module: str) -> set[str]:
    rows = [key for key in ALLOWED if key == module or (key != "app" and _within(module, key))]
    assert _home(module) in ALLOWED, f"{module}: no row in ALLOWED for {_home(module)}"
    return set().union(*(ALLOWED[key] for key in rows))


def may_import(module: str, name: str) -> bool:
    if name.startswith("."):
        return False  # relative imports hide the layer: write them absolute
    if _within(name, _home(module)):
        return True
    root = name.split(".")[0]
    if root != "app" and (root in sys.stdlib_module_names or root == "__future__"):
        return True
    allowed = allowed_for(module)
    if root != "app":
        return root in allowed
    return any(_within(name, entry) for entry in allowed)


def offences(under: Path = APP) -> list[str]:
    out = []
    for path in sorted(under.rglob("*.py")):
        module = module_name(path)
        out += [f"{path.relative_to(ROOT)}:{line}: {module} imports {name}"
                for line, name in imports(path) if not may_import(module, name)]
    return out


def test_every_import_in_app_keeps_the_layer_table():
    assert offences() == []


def test_a_forbidden_import_is_caught(tmp_path, monkeypatch):
    """The check fails on what it is for: a renderer reaching into the services."""
    fake = tmp_path / "app" / "reports"
    fake.mkdir(parents=True)
    (fake / "sneaky.py").write_text(
        "def f():\n    from app.services.reports.group import group_report\n"
        "    import PySide6\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert offences(tmp_path / "app") == [
        "app/reports/sneaky.py:2: app.reports.sneaky imports app.services.reports.group",
        "app/reports/sneaky.py:3: app.reports.sneaky imports PySide6"]


def _doc_table() -> dict[str, set[str]]:
    """The rows of docs/ARCHITECTURE.md's layer table: `package` | holds | `may` `import`."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Packages and what they may import", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        may = set(re.findall(r"`([^`]+)`", cells[2]))
        may = {m for m in may if m != "CORE"} | (CORE if "`CORE`" in cells[2] else set())
        for name in names:
            rows[name] = may
    return rows


def test_the_doc_draws_the_same_table():
    assert _doc_table() == ALLOWED
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = text.split("(`CORE` below:", 1)[1].split(")", 1)[0]
    assert set(re.findall(r"`([^`]+)`", listed)) == CORE
