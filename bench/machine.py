"""The machine a benchmark ran on, as lines for the table's header and the docs."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("PySide6-Essentials", "SQLAlchemy", "sqlcipher3", "numpy", "python-calamine",
            "openpyxl", "reportlab", "cryptography")


def describe() -> list[str]:
    return [f"CPU: {_cpu()}, {os.cpu_count()} logical cores",
            f"RAM: {_ram()}",
            f"OS: {_os()}",
            f"Python {platform.python_version()} ({sys.implementation.name})",
            "Packages: " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
            f"Load average at start: {load()}"]


def load() -> str:
    """The 1/5/15-minute load average where the OS has one: figures taken while other
    work runs are inflated, and the reader should know."""
    if not hasattr(os, "getloadavg"):
        return "not available"
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _ram() -> str:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        return f"{kib / 2**20:.1f} GiB"
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        return f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.1f} GiB"
    return "unknown"


def _os() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, {platform.release()}"
    return platform.platform()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
