"""warnings list / referral list, withdraw / letter: the student-file commands.

The lists are what the counselling room reviews each month (心理危机学生动态信息库 and
open referrals); a CSV copy leaves the encrypted store, so it is audited as an export.
`referral withdraw` takes back a step recorded by mistake (the last one recorded, named
so that the wrong one is not withdrawn), with the reason, as the referral tab does.
Services are imported inside the handlers (tests/cli/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import add_db_args, audit_csv_export, command_group, open_db, write_listing
from app.deployment import load_deployment
from app.services.reports.kinds import letter_kinds

if TYPE_CHECKING:
    from app.services.lists.tables import ListTable


def register(sub: argparse._SubParsersAction) -> None:
    p = command_group(sub, "warnings", "预警名单（心理危机学生动态信息库）").add_parser(
        "list", help="列出预警学生：等级、起始日期、下次随访、是否逾期")
    _list_args(p)
    p.set_defaults(handler=_warnings)

    actions = command_group(sub, "referral", "转介")
    p = actions.add_parser("list", help="列出进行中的转介及其当前步骤")
    _list_args(p)
    p.add_argument("--all", action="store_true", help="包括已完成的转介")
    p.set_defaults(handler=_referrals)
    p = actions.add_parser("withdraw", help="撤回误登记的转介步骤（只能撤回最后登记的一步）")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--referral", type=int, default=None,
                   help="转介编号（默认：该学生最近的转介）")
    p.add_argument("--step", required=True,
                   help="要撤回的步骤，名称或代码（如 复学评估、return_assessment）")
    p.add_argument("--reason", required=True, help="撤回原因（必填，保密保存）")
    p.set_defaults(handler=_withdraw_step)

    p = command_group(sub, "file", "学生心理成长档案（一生一策）").add_parser(
        "print", help="把整份档案打印成 PDF（班主任得到本班学生的摘要）")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--out", type=Path, required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=_print_file)

    p = sub.add_parser("letter", help="打印告知书、转介单或复学评估表（PDF）")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--kind", required=True, choices=list(letter_kinds()),
                   help="，".join(f"{code} {kind.label}" for code, kind in letter_kinds().items()))
    p.add_argument("--out", type=Path, required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=_letter)


def _list_args(p: argparse.ArgumentParser) -> None:
    add_db_args(p)
    p.add_argument("--format", choices=["csv", "text"], default="text")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="按哪一天计算逾期（YYYY-MM-DD，默认今天）")


def _write(args: argparse.Namespace, table: ListTable) -> None:
    """CSV keeps numbers as numbers and dates as dates (sheet_output); the text list says
    the same in words for the terminal."""
    from app.services.sheet_output import csv_text, write_csv

    if args.format == "csv":
        write_csv(csv_text(table.header, table.rows), args.out)
        return
    write_listing(("\t".join(_words(table.header[i], v) for i, v in enumerate(row)).rstrip()
                   for row in table.rows), f"共 {len(table.rows)} 条。", args.out)


def _words(column: str, value: object) -> str:
    if value is None:
        return "未安排" if column == "下次随访" else ""
    if column == "逾期天数":
        return f"逾期 {value} 天"
    return value.isoformat() if isinstance(value, date) else str(value)


def _warnings(args: argparse.Namespace) -> int:
    from app.services.lists.tables import warning_table

    with open_db(args) as store:
        table = warning_table(store, args.today).table
        audit_csv_export(store, args, f"预警名单 CSV {len(table.rows)} 人")
    _write(args, table)
    return 0


def _referrals(args: argparse.Namespace) -> int:
    from app.services.lists.tables import referral_table

    with open_db(args) as store:
        table = referral_table(store, args.today, include_closed=args.all)
        audit_csv_export(store, args, f"转介名单 CSV {len(table.rows)} 条", "referral")
    _write(args, table)
    return 0


def _withdraw_step(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.referral.steps import STEP_LABELS, step_code
    from app.services.referral.workflow import withdraw_step

    with open_db(args) as store:
        referral_id = withdraw_step(store, find_student(store, args.student), args.step,
                                    args.reason, args.referral)
    print(f"已撤回转介 编号 {referral_id} 的“{STEP_LABELS[step_code(args.step)]}”；"
          "原记录和撤回原因保留在修改历史中，该步骤可重新登记。")
    return 0


def _print_file(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.reports.casefile import print_file

    with open_db(args) as store:
        print_file(store, find_student(store, args.student), args.out)
    print(f"已生成：{args.out}")
    return 0


def _letter(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.reports.letters import print_letter

    with open_db(args) as store:
        print_letter(store, find_student(store, args.student), args.kind, args.out,
                     hotlines=load_deployment(getattr(args, "deploy", None)).hotlines)
    print(f"已生成：{args.out}")
    return 0
