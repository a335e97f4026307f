"""signal add / list / decide: 反映 from the warning network.

A 班主任 or 年级组长 files a 反映 for a student they see (another student: exit 5) and
lists what they filed with its status; the counselling room lists every report with
its text and records a decision. Listings are audited as the screens' are.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.cli.common import add_db_args, command_group, open_db, write_listing
from app.labels import SIGNAL_DECISIONS, SIGNAL_PENDING, SIGNAL_SEVERITIES, SIGNAL_SOURCES


def register(sub: argparse._SubParsersAction) -> None:
    actions = command_group(sub, "signal", "反映：班主任、年级组长向心理教师反映学生情况")
    p = actions.add_parser("add", help="提交一条反映")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--source", required=True,
                   help=f"信息来源：{'、'.join(SIGNAL_SOURCES.values())}")
    p.add_argument("--severity", required=True,
                   help="严重程度：" + "、".join(f"{c}（{w}）"
                                            for c, w in SIGNAL_SEVERITIES.items()))
    p.add_argument("--text", required=True, help="看到的情况")
    p.add_argument("--reporter", default="", help="反映人（可选，如心理委员的姓名）")
    p.add_argument("--date", type=date.fromisoformat, default=None,
                   help="发现日期（YYYY-MM-DD，默认今天）")
    p.set_defaults(handler=_add)

    p = actions.add_parser("list", help="列出反映：心理教师看全部，其他人看自己提交的")
    add_db_args(p)
    p.add_argument("--pending", action="store_true", help="只列待处理的")
    p.add_argument("--out", type=Path, default=None, help="写入文件（默认输出到屏幕）")
    p.set_defaults(handler=_list)

    p = actions.add_parser("decide", help="记录对一条反映的处理")
    add_db_args(p)
    p.add_argument("--report", type=int, required=True, help="反映编号（见 signal list）")
    p.add_argument("--decision", required=True,
                   help=f"处理结果：{'、'.join(SIGNAL_DECISIONS.values())}")
    p.set_defaults(handler=_decide)


def _add(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.signals.reports import check_filing, file_report

    filing = check_filing(args.source, args.severity, args.date or date.today(), args.text,
                          args.reporter)
    with open_db(args) as store:
        report_id = file_report(store, find_student(store, args.student), filing)
    print(f"已提交反映，编号 {report_id}。")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.signals.reports import list_reports

    with open_db(args) as store:
        rows = list_reports(store, pending_only=args.pending)
    lines = []
    for r in rows:
        status = (SIGNAL_PENDING if r.pending else
                  f"{SIGNAL_DECISIONS[r.decision]}（{r.decided_on:%Y-%m-%d} {r.decided_by}）")
        cells = [str(r.id), r.student_no, r.name, r.class_name, SIGNAL_SOURCES[r.source],
                 SIGNAL_SEVERITIES[r.severity], f"{r.seen_on:%Y-%m-%d}", r.filed_by, status]
        if r.text is not None:
            cells.append(r.text.replace("\n", " "))
        lines.append("\t".join(cells))
    write_listing(lines, f"共 {len(rows)} 条。", args.out)
    return 0


def _decide(args: argparse.Namespace) -> int:
    from app.services.signals.reports import decide_report

    with open_db(args) as store:
        decide_report(store, args.report, args.decision)
    print("已记录处理结果。")
    return 0
