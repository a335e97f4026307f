"""guardian set / list / coverage: the family's contacts and the term's 家校沟通 list.

The same services as the student file's 家长联系方式 and 预警与转介 → 家校沟通; a change
is audited on the student, and the coverage list (it names students and phones) is
audited as a listing, with its CSV copy audited as an export.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.cli.common import add_db_args, audit_csv_export, command_group, open_db, write_listing
from app.labels import GUARDIAN_RELATIONS as RELATIONS


def register(sub: argparse._SubParsersAction) -> None:
    actions = command_group(sub, "guardian", "家长联系方式与家校沟通")
    p = actions.add_parser("set", help="添加或修改一位家长（同名则修改）")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--name", required=True, help="家长姓名")
    p.add_argument("--relation", required=True, help=f"与学生关系：{'、'.join(RELATIONS)}")
    p.add_argument("--phone", required=True, help="手机或带区号的座机")
    p.add_argument("--note", default="", help="备注，如 留守，由祖母照看；寄宿，周末回家")
    p.set_defaults(handler=_set)
    p = actions.add_parser("list", help="列出一名学生的家长联系方式")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.set_defaults(handler=_list)
    p = actions.add_parser("coverage", help="本学期重点学生家校沟通情况（未联系的在前）")
    add_db_args(p)
    p.add_argument("--format", choices=["csv", "text"], default="text")
    p.add_argument("--out", type=Path, default=None, help="写入文件（默认输出到屏幕）")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="按哪一天确定本学期（YYYY-MM-DD，默认今天）")
    p.set_defaults(handler=_coverage)


def _set(args: argparse.Namespace) -> int:
    from app.services.casefile.guardians import set_guardian
    from app.services.casefile.snapshot import find_student

    with open_db(args) as store:
        sid = find_student(store, args.student)
        set_guardian(store, sid, name=args.name, relation=args.relation, phone=args.phone,
                     note=args.note)
    print("已保存家长联系方式。")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.casefile.guardians import list_guardians
    from app.services.casefile.snapshot import find_student

    with open_db(args) as store:
        rows = list_guardians(store, find_student(store, args.student))
    lines = ["\t".join(p for p in (g.relation, g.name, g.phone, g.note) if p) for g in rows]
    write_listing(lines, f"共 {len(rows)} 位家长。", None)
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from app.services.lists.tables import family_table
    from app.services.sheet_output import csv_text, write_csv

    with open_db(args) as store:
        table = family_table(store, args.today).table
        audit_csv_export(store, args, f"家校沟通名单 CSV {len(table.rows)} 人")
    if args.format == "csv":
        write_csv(csv_text(table.header, table.rows), args.out)
        return 0
    lines = ["\t".join("" if v is None else v.isoformat() if isinstance(v, date) else str(v)
                       for v in row).rstrip() for row in table.rows]
    write_listing(lines, f"共 {len(table.rows)} 人。", args.out)
    return 0
