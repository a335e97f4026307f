"""conference add / conference done / group add / workload: the counselling room's own
work from a terminal — 会诊 records and their tasks, group sessions, and the workload
figure (individual hours, group hours, students seen) per week or term.
"""

from __future__ import annotations

import argparse
import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import add_db_args, command_group, open_db, write_text_output
from app.errors import BadInputError
from app.labels import WORKLOAD_PERIODS

if TYPE_CHECKING:
    from app.services.casefile.conference import TaskInput


def register(sub: argparse._SubParsersAction) -> None:
    actions = command_group(sub, "conference", "会诊记录及其任务")
    p = actions.add_parser("add", help="记录一次会诊")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--date", type=date.fromisoformat, default=None,
                   help="会诊日期（YYYY-MM-DD，默认今天）")
    p.add_argument("--attendee", action="append", default=[], help="参加人员（可多次给出）")
    p.add_argument("--assessment", required=True, help="研判意见")
    p.add_argument("--decision", required=True, help="会诊决定")
    p.add_argument("--task", action="append", default=[],
                   help="任务：内容|负责人|完成期限（YYYY-MM-DD），可多次给出")
    p.set_defaults(handler=_conference_add)
    p = actions.add_parser("done", help="登记一项会诊任务已完成")
    add_db_args(p)
    p.add_argument("--task", type=int, required=True, help="任务编号（见 today）")
    p.add_argument("--date", type=date.fromisoformat, default=None, help="完成日期")
    p.set_defaults(handler=_conference_done)

    p = command_group(sub, "group", "团体辅导").add_parser(
        "add", help="记录一次团体辅导（每名参加的学生档案中都有记录）")
    add_db_args(p)
    p.add_argument("--date", type=date.fromisoformat, default=None, help="辅导日期")
    p.add_argument("--topic", required=True, help="主题")
    p.add_argument("--minutes", type=int, required=True, help="时长（分钟）")
    p.add_argument("--student", action="append", default=[], help="参加学生的学籍号（可多次给出）")
    p.add_argument("--note", default="", help="记录（只有心理教师能看到）")
    p.set_defaults(handler=_group_add)

    p = sub.add_parser("workload", help="心理辅导工作量：个体辅导、团体辅导小时数和辅导人数")
    add_db_args(p)
    p.add_argument("--from", dest="start", type=date.fromisoformat, required=True,
                   help="开始日期（YYYY-MM-DD）")
    p.add_argument("--to", dest="end", type=date.fromisoformat, default=None,
                   help="结束日期（默认今天）")
    p.add_argument("--by", choices=list(WORKLOAD_PERIODS), default="week", help="按周或按学期")
    p.add_argument("--all", action="store_true", help="全体心理教师（默认只算自己）")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(handler=_workload)


def _task(text: str) -> TaskInput:
    from app.services.casefile.conference import TaskInput

    parts = text.split("|")
    if len(parts) != 3:
        raise BadInputError(f"任务「{text}」的格式应为 内容|负责人|完成期限。")
    try:
        due = date.fromisoformat(parts[2].strip())
    except ValueError:
        raise BadInputError(f"任务「{text}」的完成期限不是 YYYY-MM-DD 格式的日期。") from None
    return TaskInput(parts[0], parts[1], due)


def _conference_add(args: argparse.Namespace) -> int:
    from app.services.casefile.conference import add_conference
    from app.services.casefile.snapshot import find_student

    tasks = [_task(t) for t in args.task]
    with open_db(args) as store:
        cid = add_conference(store, find_student(store, args.student),
                             args.date or date.today(), args.attendee, args.assessment,
                             args.decision, tasks)
    print(f"已记录会诊，编号 {cid}，任务 {len(tasks)} 项。")
    return 0


def _conference_done(args: argparse.Namespace) -> int:
    from app.services.casefile.conference import complete_task

    with open_db(args) as store:
        complete_task(store, args.task, args.date)
    print("已登记完成。")
    return 0


def _group_add(args: argparse.Namespace) -> int:
    from app.services.casefile.groups import add_group_session
    from app.services.casefile.snapshot import find_student

    with open_db(args) as store:
        ids = [find_student(store, no) for no in args.student]
        gid = add_group_session(store, args.date or date.today(), args.topic, args.minutes,
                                ids, args.note)
    print(f"已记录团体辅导，编号 {gid}，{len(set(ids))} 名学生。")
    return 0


def _workload(args: argparse.Namespace) -> int:
    from app.services.statistics.workload import workload

    with open_db(args) as store:
        rows = workload(store, args.start, args.end or date.today(), args.by,
                        None if args.all else store.user.username)
    buf = io.StringIO()
    buf.write("周期\t个体辅导（小时）\t次数\t团体辅导（小时）\t次数\t辅导学生（人）\t未填时长\n")
    for r in rows:
        buf.write(f"{r.period}\t{r.individual_hours:g}\t{r.individual_sessions}\t"
                  f"{r.group_hours:g}\t{r.group_sessions}\t{r.students_seen}\t"
                  f"{r.without_duration}\n")
    write_text_output(buf.getvalue(), args.out)
    return 0
