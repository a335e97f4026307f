"""init, demo, user, password and audit commands."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from app.cli.common import (
    add_db_args,
    command_group,
    db_path,
    open_db,
    read_password,
    show_new_recovery_code,
)
from app.labels import AUDIT_ACTIONS, ROLES, label

if TYPE_CHECKING:
    from app.services.accounts.rekey import RekeyResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="建立新的学校数据库")
    add_db_args(p, with_user=False)
    p.add_argument("--school", required=True, help="学校名称")
    p.add_argument("--code", default="", help="学校代码")
    p.add_argument("--admin", required=True, help="管理员用户名")
    p.add_argument("--top-grade", type=int, default=9, help="最高年级（初中 9，高中 12）")
    p.set_defaults(handler=_init)

    p = sub.add_parser("demo", help="建立演示学校（合成数据）")
    add_db_args(p, with_user=False)
    p.add_argument("--students", type=int, default=1200)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=_demo)

    users = command_group(sub, "user", "账户管理")
    p = users.add_parser("add", help="新建账户（新账户密码取自 QINGXIN_NEW_PASSWORD 或提示）")
    add_db_args(p)
    p.add_argument("username")
    p.add_argument("--role", choices=list(ROLES), required=True)
    p.add_argument("--name", default="")
    p.add_argument("--class-id", type=int, default=None)
    p.set_defaults(handler=_user_add)
    p = users.add_parser("list", help="列出账户")
    add_db_args(p)
    p.set_defaults(handler=_user_list)
    p = users.add_parser("disable", help="停用账户（并更换数据库密钥：其旧密钥文件作废）")
    add_db_args(p)
    p.add_argument("username")
    p.set_defaults(handler=_user_disable)
    p = users.add_parser("role", help="修改账户角色（降低权限时更换数据库密钥）")
    add_db_args(p)
    p.add_argument("username")
    p.add_argument("role", choices=list(ROLES))
    p.add_argument("--class-id", type=int, default=None)
    p.set_defaults(handler=_user_role)

    p = command_group(sub, "audit", "审计日志")
    v = p.add_parser("verify", help="校验审计日志哈希链")
    add_db_args(v)
    v.add_argument("--anchor", action="append", default=[], metavar="编号:哈希",
                   help="另外核对的锚点（区里收到的密封文件所载，seal open 会列出），可重复")
    v.set_defaults(handler=_audit_verify)
    lst = p.add_parser("list", help="最近的审计记录")
    add_db_args(lst)
    lst.add_argument("--limit", type=int, default=50)
    lst.set_defaults(handler=_audit_list)


def _init(args: argparse.Namespace) -> int:
    from app.services.setup import create_school

    password = read_password("管理员密码：", confirm=True)
    result = create_school(db_path(args), args.school, args.admin, password,
                           school_code=args.code, top_grade=args.top_grade)
    print(f"已建立数据库：{result.db_path}")
    print("恢复码（只显示这一次，请打印后交校长保管）：")
    print(f"  {result.recovery_code}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app.services.demo.school import DEMO_PASSWORD, create_demo

    result = create_demo(db_path(args), students=args.students, seed=args.seed)
    print(f"已建立演示学校：{result.db_path}（{args.students} 名学生）")
    print(f"用户 admin，密码 {DEMO_PASSWORD}；恢复码 {result.recovery_code}")
    return 0


def _user_add(args: argparse.Namespace) -> int:
    from app.services.accounts import users as accounts

    with open_db(args) as store:
        new_password = os.environ.get("QINGXIN_NEW_PASSWORD") or read_password(
            "新账户密码：", confirm=True)
        row = accounts.create_user(store, args.username, args.name, args.role, new_password,
                                   args.class_id)
    print(f"已建立账户 {row.username}（{label(ROLES, row.role)}）")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from app.services.accounts import users as accounts

    with open_db(args) as store:
        for u in accounts.list_users(store):
            state = "启用" if u.active else "停用"
            print(f"{u.username}\t{u.display_name}\t{label(ROLES, u.role)}\t{state}")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    from app.services.accounts import users as accounts

    with open_db(args) as store:
        _report_rekey(accounts.set_user_active(store, args.username, False).value)
    print(f"已停用账户 {args.username}")
    return 0


def _user_role(args: argparse.Namespace) -> int:
    from app.services.accounts import users as accounts

    with open_db(args) as store:
        _report_rekey(accounts.set_user_role(store, args.username, args.role,
                                             args.class_id).value)
    print(f"账户 {args.username} 的角色已改为{label(ROLES, args.role)}")
    return 0


def _report_rekey(result: RekeyResult | None) -> None:
    if result is None:
        return
    print("数据库已换用新密钥：旧的密钥文件副本不再能打开它。")
    if result.lost_access:
        print("以下账户的旧式密钥槽无法接收新密钥，已移除，请为他们重设密码："
              + "、".join(result.lost_access))
    show_new_recovery_code(result.recovery_code)


def _audit_verify(args: argparse.Namespace) -> int:
    from app.services import audit
    from app.services.audit_anchor import parse_anchor

    also = tuple(parse_anchor(text) for text in args.anchor)
    with open_db(args) as store:
        report = audit.verify_chain(store, also)
    print(report.message)
    return 0 if report.ok else 6


def _audit_list(args: argparse.Namespace) -> int:
    from app.services import audit

    with open_db(args) as store:
        for ev in audit.list_events(store, limit=args.limit):
            print(f"{ev.at:%Y-%m-%d %H:%M:%S}\t{ev.username}\t"
                  f"{label(AUDIT_ACTIONS, ev.action)}\t{ev.target_kind}:{ev.target_id}\t"
                  f"{ev.detail}")
    return 0
