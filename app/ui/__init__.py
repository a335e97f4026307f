"""The PySide6 shell: the only package that imports Qt (see docs/ARCHITECTURE.md)."""

from app.ui import pyside_fixes

pyside_fixes.install()
