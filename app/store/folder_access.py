"""Whether this Windows user may write every file of a data folder, asked before the
database is opened.

A data folder shared by several teachers (deploy.toml's `data_dir`, often under
C:\\ProgramData or D:\\) holds files that the first teacher's account created. Unless the
folder grants the Users group "modify" (setup.exe does with /DATADIR, docs/DEPLOYMENT.md
§4), those files are read-only to the next teacher: SQLite then opens the database
read-only without a word and the first write fails deep inside a page with a bare
PermissionError («意外错误»). Trying to open each file for writing (never truncating it)
is the only honest test: ACLs, the read-only attribute and read-only mounts all say no
only when asked.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.errors import StoreError
from app.paths import keyslot_path


def not_writable(path: Path) -> StoreError:
    return StoreError(
        f"当前登录的用户不能写入数据文件夹 {path.parent} 中的 {path.name}：它可能是另一位老师的"
        "电脑账户建立的，而该文件夹只允许其他账户读取。多位老师共用一个数据文件夹时，请信息老师"
        "给这个文件夹的 Users 组授予“修改”权限（安装时加 /DATADIR=\"该文件夹\"，见部署说明 §4）。"
        "数据未受影响。", detail=f"not writable: {path.name}")


def data_files(db_path: Path) -> list[Path]:
    """The files SQLite and the key slots write while the database is open."""
    return [db_path, db_path.with_name(db_path.name + "-wal"),
            db_path.with_name(db_path.name + "-shm"), keyslot_path(db_path)]


def check_writable(db_path: Path) -> None:
    """Raise `not_writable` for the first file of the database (or the folder, where
    SQLite creates its -wal and -shm files) that this user cannot write."""
    for path in data_files(db_path):
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            continue
        except PermissionError:
            raise not_writable(path) from None
        os.close(fd)
    probe = db_path.with_name(f".qingxin-probe-{secrets.token_hex(4)}")
    try:
        fd = os.open(probe, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except PermissionError:
        raise not_writable(probe.parent / ".") from None
    os.close(fd)
    os.unlink(probe)
