"""backup, restore, check and self-test: keeping a school's data safe, and proving an
installation works (district IT runs `Qingxin.com self-test --gui` after installing)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app.cli.common import add_db_args, db_path, open_db, read_password
from app.errors import BadInputError

RECOVERY_ENV = "QINGXIN_RECOVERY_CODE"
EXIT_SELF_TEST_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="加密备份到文件夹（如 U 盘），或查看上次备份")
    add_db_args(p)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", type=Path, help="备份到这个文件夹")
    target.add_argument("--status", action="store_true", help="只显示上次备份的时间")
    p.add_argument("--every-days", type=int, default=None,
                   help="几天备份一次（默认取部署文件的 backup_reminder_days，未设为 7）")
    p.set_defaults(handler=_backup)

    p = sub.add_parser("restore", help="从备份恢复（当前数据库先另存一份）")
    add_db_args(p)
    p.add_argument("--from", dest="source", type=Path, required=True,
                   help="备份文件（.db，旁边须有同名 .keys 文件）")
    p.add_argument("--recovery", action="store_true",
                   help=f"用恢复码打开备份（取自环境变量 {RECOVERY_ENV} 或提示输入）")
    p.add_argument("--replace-other", action="store_true",
                   help="允许用另一个数据库的备份替换本机数据库")
    p.set_defaults(handler=_restore)

    p = sub.add_parser("check", help="逐页校验数据库文件是否完好")
    add_db_args(p)
    p.set_defaults(handler=_check)

    p = sub.add_parser("self-test", help="自检：在临时文件夹中走一遍建库、导入、计分、报告、"
                                         "密封、备份恢复")
    p.add_argument("--gui", action="store_true", help="同时检查图形界面（无显示器时设 "
                                                      "QT_QPA_PLATFORM=offscreen）")
    p.add_argument("--keep", type=Path, default=None, help="在此文件夹中运行并保留结果")
    p.set_defaults(handler=_self_test)


def _backup(args: argparse.Namespace) -> int:
    from app.deployment import load_deployment
    from app.services.maintenance.backup import backup_status, make_backup

    every = args.every_days or load_deployment().backup_reminder_days
    with open_db(args) as store:
        if not args.status:
            result = make_backup(store, args.to)
            print(f"已备份：{result.path}（{result.size / 1024 / 1024:.1f} MB）")
            print(f"密钥文件：{result.keys_path}（恢复时须与备份文件放在一起）")
        print(backup_status(store, every).message)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.services.maintenance.restore import Secret, restore_backup

    if args.recovery:
        secret = Secret(recovery_code=_recovery_code())
    else:
        secret = Secret(args.user, read_password("制作备份时有效的密码："))
    result = restore_backup(db_path(args), args.source, secret,
                            allow_other_database=args.replace_other)
    print(f"已从 {args.source.name} 恢复：{result.db_path}（{result.school_name}）")
    if result.kept is not None:
        print(f"恢复前的数据库已另存为：{result.kept}")
    if result.migrated_from is not None:
        print(f"备份来自旧版本（数据库版本 {result.migrated_from}），已升级到本程序的版本。")
    if args.recovery:
        print("用恢复码恢复后，请在登录窗口用“恢复码重置密码”设置新密码。")
    return 0


def _recovery_code() -> str:
    code = os.environ.get(RECOVERY_ENV)
    if code:
        return code
    if not sys.stdin.isatty():
        raise BadInputError(f"需要恢复码：请在终端中运行，或设置环境变量 {RECOVERY_ENV}。")
    return getpass.getpass("恢复码：")


def _check(args: argparse.Namespace) -> int:
    from app.services.maintenance.backup import check_database

    with open_db(args) as store:
        print(check_database(store))
    return 0


def _self_test(args: argparse.Namespace) -> int:
    from app.services.maintenance.selftest import Step, run_self_test

    extra = [Step("ST10", "图形界面（Qt）", _gui_step)] if args.gui else []
    print("青心自检 Qingxin self-test", flush=True)
    report = run_self_test(args.keep, extra, report=lambda r: print(r.line, flush=True))
    if report.folder is not None:
        print(f"结果保留在：{report.folder}")
    print(report.summary)
    failed = sum(not r.ok for r in report.results)
    print(f"self-test: {len(report.results) - failed} passed, {failed} failed")
    return 0 if report.ok else EXIT_SELF_TEST_FAILED


def _gui_step(run) -> str:  # type: ignore[no-untyped-def]
    from app.ui.selftest_window import check_gui

    return check_gui(run.db_path, run.open_store())
