"""Windows user profiles that do not keep what is written into them.

A school PC that logs its users on with a temporary profile (C:\\Users\\TEMP, what
Windows falls back to when the real profile cannot be loaded, and what some restore-card
and "shadow system" set-ups use on purpose) or a mandatory one (ntuser.man: changes are
thrown away at sign-out) wipes %LOCALAPPDATA% — the default data folder — every time.
The teacher sets up the school, works all day, and the next morning the setup wizard
appears as if there had never been a database. The remedy is the deployment file's
`[app] data_dir` on a drive the restore card leaves alone (docs/DEPLOYMENT.md §4);
`volatile_data_warning` says so before a database is made in such a place.

Restore cards that freeze the whole C: drive (冰点还原, hardware cards) cannot be told
from inside Windows; DEPLOYMENT.md tells district IT to set `data_dir` on those PCs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

TEMPORARY = "temporary"
MANDATORY = "mandatory"


def profile_kind(environ: Mapping[str, str] | None = None,
                 platform: str = sys.platform) -> str | None:
    """TEMPORARY, MANDATORY, or None for an ordinary profile (and off Windows)."""
    environ = os.environ if environ is None else environ
    profile = environ.get("USERPROFILE", "")
    if platform != "win32" or not profile:
        return None
    name = PureWindowsPath(profile).name.upper()
    if name == "TEMP" or name.startswith("TEMP."):
        return TEMPORARY
    if (Path(profile) / "ntuser.man").exists():
        return MANDATORY
    return None


def volatile_data_warning(db_path: Path, environ: Mapping[str, str] | None = None,
                          platform: str = sys.platform) -> str | None:
    """A Chinese warning when `db_path` lies inside a profile Windows throws away."""
    environ = os.environ if environ is None else environ
    kind = profile_kind(environ, platform)
    if kind is None:
        return None
    profile = os.path.normcase(environ["USERPROFILE"].rstrip("\\/"))
    where = os.path.normcase(str(db_path))
    if platform == "win32":
        profile, where = profile.lower().replace("/", "\\"), where.lower().replace("/", "\\")
    if not where.startswith(profile + "\\"):
        return None
    what = ("临时配置文件（TEMP）" if kind == TEMPORARY
            else "强制配置文件（注销时丢弃所有改动）")
    return (f"注意：当前 Windows 用户使用的是{what}，注销或重启后其中的文件都会被删除——"
            f"在 {db_path.parent} 建立的数据库也会一起丢失，下次又会出现本向导。"
            "请先请信息老师在部署文件中把 [app] data_dir 设为不会被还原的位置"
            "（如 D:/青心数据），见部署说明 §4。")
