"""File-system faults met by the database, said in plain Chinese (exit code 4).

A database on a read-only share, a folder without write permission, a disk that filled
up, a USB stick pulled out, a `--db` that names a folder: SQLite reports these as
"attempt to write a readonly database", "unable to open database file", "database or
disk is full" or a disk I/O error, deep inside SQLAlchemy, which the user saw as
「内部错误」. `database_fault` turns each into a `StoreError` that names the file and
says what to do; the engine's error hook (app/store/damage.py) applies it to every
statement, and `check_database_path` catches the plain cases before anything opens.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import sqlcipher3

from app.errors import StoreError

READ_ONLY, FULL, CANNOT_OPEN, IO = "read_only", "full", "cannot_open", "io"
_BY_CODE = {sqlcipher3.SQLITE_READONLY: READ_ONLY, sqlcipher3.SQLITE_PERM: READ_ONLY,
            sqlcipher3.SQLITE_AUTH: READ_ONLY, sqlcipher3.SQLITE_FULL: FULL,
            sqlcipher3.SQLITE_CANTOPEN: CANNOT_OPEN, sqlcipher3.SQLITE_IOERR: IO}
_BY_TEXT = (("readonly database", READ_ONLY), ("disk is full", FULL),
            ("unable to open database file", CANNOT_OPEN), ("disk I/O error", IO))
_NEARLY_FULL = 1 << 20
_WHERE = "（--db、环境变量 QINGXIN_DATA_DIR 或部署文件的 [app] data_dir）"


def read_only(db_path: Path, detail: str = "") -> StoreError:
    return StoreError(f"无法写入数据库 {db_path}：文件是只读的，或所在文件夹 {db_path.parent} "
                      "没有写入权限（青心每次登录和每次查看都要写审计记录）。请取消文件的“只读”"
                      "属性，或请管理员给这个文件夹写入权限；在光盘或写保护的 U 盘上时，"
                      "请先复制到本机硬盘。", detail)


def no_space(db_path: Path, detail: str = "") -> StoreError:
    return StoreError(f"{db_path.parent} 所在的磁盘已满，刚才的操作没有保存（已撤销，数据完好）。"
                      "请清理磁盘空间后再试。", detail)


def cannot_open(db_path: Path, detail: str = "") -> StoreError:
    return StoreError(f"无法打开数据库 {db_path}：文件或文件夹没有访问权限、已被移走，"
                      f"或 U 盘被拔出。请检查数据位置{_WHERE}和文件夹权限。", detail)


def io_error(db_path: Path, detail: str = "") -> StoreError:
    return StoreError(f"读写数据库 {db_path} 时出错（磁盘故障，或 U 盘被拔出？）。刚才的操作"
                      "已撤销。请检查磁盘后再试；反复出现时请用最近的备份恢复。", detail)


def sqlite_fault(err: BaseException) -> str | None:
    """Which file-system fault (READ_ONLY, FULL, CANNOT_OPEN, IO) a SQLite error
    reports: by its code, else by SQLite's stable wording (the backup API's errors come
    without a code); None for any other error. The one reading of SQLite's codes, for
    the database here and for backups (app/services/maintenance/backup_faults.py)."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return _BY_CODE.get(code & 0xFF)
    if isinstance(err, sqlcipher3.Error):
        text = str(err)
        return next((kind for phrase, kind in _BY_TEXT if phrase in text), None)
    return None


def database_fault(err: BaseException, db_path: Path) -> StoreError | None:
    """The user's view of a SQLite or OS error on the database, or None if it is not a
    file-system fault (a bug, or damage, which app/store/damage.py names)."""
    detail = f"{type(err).__name__} sqlite={getattr(err, 'sqlite_errorname', None)}"
    if isinstance(err, OSError):
        return os_fault(err, db_path)
    kind = sqlite_fault(err)
    if kind == READ_ONLY:
        return read_only(db_path, detail)
    if kind == FULL:
        return no_space(db_path, detail)
    if kind == CANNOT_OPEN:
        return cannot_open(db_path, detail)
    if kind == IO:
        # A full disk often surfaces as an I/O error (the -shm file cannot grow).
        return no_space(db_path, detail) if _nearly_full(db_path) else io_error(
            db_path, detail)
    return None


def _nearly_full(db_path: Path) -> bool:
    try:
        return shutil.disk_usage(db_path.parent).free < _NEARLY_FULL
    except OSError:
        return False


def os_fault(err: OSError, path: Path) -> StoreError:
    """An OSError on one of the database's own files (the lock, the key slots)."""
    detail = f"{type(err).__name__} errno={err.errno}"
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return no_space(path, detail)
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return read_only(path, detail)
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        return cannot_open(path, detail)
    return io_error(path, detail)


def check_database_path(db_path: Path) -> None:
    """Before reading the key slots: the database file is there, is a file, and can be
    read — so the message names the database, not a missing key file."""
    if db_path.is_dir():
        raise StoreError(f"{db_path} 是一个文件夹，不是数据库文件。请给出数据库文件本身，"
                         f"如 {db_path / 'qingxin.db'}。")
    if not db_path.parent.is_dir():
        raise StoreError(f"找不到文件夹 {db_path.parent}：数据位置{_WHERE}有误，或 U 盘、网络盘"
                         "没有连接。")
    if not db_path.exists():
        raise StoreError(f"找不到数据库文件 {db_path}。请检查数据位置{_WHERE}；"
                         "新学校请先用“建立学校数据库”（qingxin init）建立。")
    if not os.access(db_path, os.R_OK):
        raise StoreError(f"没有权限读取数据库 {db_path}。请用安装青心的 Windows 账户登录，"
                         "或请管理员给这个文件读写权限。")
