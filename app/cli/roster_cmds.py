"""roster import / list / promote."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import add_db_args, audit_csv_export, command_group, open_db, write_text_output
from app.errors import BadInputError
from app.labels import GENDERS, STUDENT_STATUSES, label
from app.terms import school_year_text

if TYPE_CHECKING:
    from app.services.roster.importing import RosterPreview


def register(sub: argparse._SubParsersAction) -> None:
    roster = command_group(sub, "roster", "学生名册")
    p = roster.add_parser("import", help="导入名册（xlsx/xls/csv）")
    add_db_args(p)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--allow-rejected", action="store_true",
                   help="有无法导入的行时仍导入其余各行（默认拒绝整个文件）")
    p.set_defaults(handler=_import)

    p = roster.add_parser("list", help="列出在读学生")
    add_db_args(p)
    p.add_argument("--format", choices=["csv", "text"], default="text")
    p.add_argument("--all", action="store_true", help="包括毕业、转出学生")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(handler=_list)

    p = roster.add_parser("promote", help="新学年：全部班级升一级，最高年级毕业")
    add_db_args(p)
    p.add_argument("--yes", action="store_true", help="确认执行（否则只预览）")
    p.set_defaults(handler=_promote)


def print_preview(preview: RosterPreview) -> None:
    print(f"新增 {len(preview.added)} 人，更新 {len(preview.updated)} 人，"
          f"调班 {len(preview.moved)} 人，无变化 {preview.unchanged} 人，"
          f"无法导入 {len(preview.rejected)} 行。")
    for note in preview.notes:
        print(f"说明：{note}")


def _problem_lines(preview: RosterPreview) -> list[str]:
    return [f"第 {p.row_number} 行" + (f"【{p.column}】" if p.column else "") + f"：{p.message}"
            for p in preview.rejected]


def _import(args: argparse.Namespace) -> int:
    from app.services.roster.importing import apply_roster_import, preview_roster_import

    with open_db(args) as store:
        preview = preview_roster_import(store, args.file)
        print_preview(preview)
        if preview.rejected and not args.allow_rejected:
            raise BadInputError(f"名册中有 {len(preview.rejected)} 行无法导入，未写入任何数据。"
                                "请修改文件，或加 --allow-rejected 只导入其余各行。",
                                problems=_problem_lines(preview))
        for line in _problem_lines(preview):
            print(f"  跳过 {line}", file=sys.stderr)
        if args.dry_run:
            print("（预览，未写入）")
            return 0
        changes = apply_roster_import(store, preview)
    print(f"已导入：新增 {changes.added}，更新 {changes.updated}，调班 {changes.moved}。")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.sheet_output import csv_text, write_csv
    from app.services.students import list_students

    with open_db(args) as store:
        rows = list_students(store, include_left=args.all)
        audit_csv_export(store, args, f"名册 CSV {len(rows)} 人")
    if args.format == "csv":
        write_csv(csv_text(["学籍号", "姓名", "性别", "出生日期", "年级", "班级", "状态"],
                           [[r.student_no, r.name, label(GENDERS, r.gender), r.birth_date,
                             r.grade, r.class_name, label(STUDENT_STATUSES, r.status)]
                            for r in rows]), args.out)
        return 0
    buf = io.StringIO()
    for r in rows:
        buf.write(f"{r.student_no}\t{r.name}\t{label(GENDERS, r.gender)}\t{r.class_name}\t"
                  f"{label(STUDENT_STATUSES, r.status)}\n")
    write_text_output(buf.getvalue(), args.out)
    return 0


def _promote(args: argparse.Namespace) -> int:
    from app.services.roster.importing import apply_promotion, preview_promotion

    with open_db(args) as store:
        plan = preview_promotion(store)
        print(f"{school_year_text(plan.from_year)} → {school_year_text(plan.to_year)}")
        for step in plan.steps:
            target = step.new_name or "毕业"
            print(f"  {step.old_name} → {target}（{step.students} 人）")
        if not args.yes:
            print("（预览，未执行；加 --yes 执行）")
            return 0
        apply_promotion(store, plan)
    print("已完成学年升级。")
    return 0
