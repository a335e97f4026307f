"""today / review list / review retest: the counselling room's triage from a terminal.

The same services as 预警与转介 → 今日工作 and 筛查后复核, audited as those screens are
(one "warning_list" event per listing); a CSV copy leaves the encrypted store and is
audited as an export too, as `warnings list --format csv` is. A class teacher is
refused (exit code 5): these lists name students across the school.
"""

from __future__ import annotations

import argparse
import io
import unicodedata
from datetime import date
from pathlib import Path

from app.cli.common import add_db_args, open_db, write_text_output
from app.instruments.warning import WARNING_LABELS
from app.services import audit
from app.services.capabilities import READ_CONFIDENTIAL, require
from app.services.screening.campaigns import find_campaign
from app.services.screening.review import ReviewItem, campaign_review_queue, retest_list
from app.services.sheet_output import csv_text, write_csv
from app.services.today import today_work

TODAY_HEADER = ["学籍号", "姓名", "班级", "事项", "应完成", "逾期天数"]
REVIEW_HEADER = ["学籍号", "姓名", "班级", "测评批次", "量表", "总分", "分级",
                 "超出界限的分量表", "关键题作答", "效度", "当前等级", "等级确定日期",
                 "建议等级", "建议依据", "约谈日期"]
RETEST_HEADER = ["学籍号", "姓名", "班级", "量表", "疑似无效原因", "关键题作答"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("today", help="今日工作：当天面谈评估、危机处置、到期和逾期的事项")
    _args(p, ("csv", "table"), "table")
    p.set_defaults(handler=_today)

    review = sub.add_parser("review", help="筛查后复核名单（附测评证据）")
    actions = review.add_subparsers(dest="review_cmd", metavar="ACTION")
    p = actions.add_parser("list", help="列出某批次待复核的学生及其测评证据")
    _args(p, ("csv", "table"), "csv")
    p.add_argument("--campaign", required=True, help="测评批次名称")
    p.set_defaults(handler=_review)
    p = actions.add_parser("retest", help="列出某批次疑似无效、需重测或面谈的答卷")
    _args(p, ("csv", "table"), "csv")
    p.add_argument("--campaign", required=True, help="测评批次名称")
    p.set_defaults(handler=_retest)


def _args(p: argparse.ArgumentParser, formats: tuple[str, ...], default: str) -> None:
    add_db_args(p)
    p.add_argument("--format", choices=list(formats), default=default)
    p.add_argument("--out", type=Path, default=None, help="写入文件（默认输出到屏幕）")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="按哪一天计算到期和逾期（YYYY-MM-DD，默认今天）")


def _today(args: argparse.Namespace) -> int:
    with open_db(args) as store:
        work = today_work(store, args.today)
        rows: list[list[object]] = [[i.student_no, i.name, i.class_name, i.what, i.due_on,
                                     i.overdue_days] for i in work.items]
        if args.format == "csv":
            audit.record_for(store, "student_export", "student", "",
                             f"今日工作 CSV {len(rows)} 项")
    _write(args, TODAY_HEADER, rows)
    return 0


def _review(args: argparse.Namespace) -> int:
    with open_db(args) as store:
        require(store, READ_CONFIDENTIAL)
        campaign = find_campaign(store, args.campaign)
        items = campaign_review_queue(store, campaign.id, args.today)
        rows = [_review_row(i, campaign.name) for i in items]
        if args.format == "csv":
            audit.record_for(store, "student_export", "campaign", campaign.id,
                             f"复核名单 CSV {len(rows)} 人")
    _write(args, REVIEW_HEADER, rows)
    return 0


def _review_row(item: ReviewItem, campaign: str) -> list[object]:
    ev = item.evidence
    total = ev.total if ev else None
    return [
        item.student_no, item.name, item.class_name, campaign, item.instrument,
        None if total is None or total.score is None else _whole(total.score),
        total.band_label if total else "",
        "；".join(e.text for e in ev.elevated if e.code != "total") if ev else "",
        "；".join(c.text for c in ev.critical) if ev else "",
        "；".join(ev.validity) if ev and ev.validity else "有效",
        WARNING_LABELS[item.current_level], item.level_decided_on,
        WARNING_LABELS[item.suggested.level], "；".join(item.suggested.reasons),
        item.interview_due]


def _retest(args: argparse.Namespace) -> int:
    with open_db(args) as store:
        require(store, READ_CONFIDENTIAL)
        campaign = find_campaign(store, args.campaign)
        items = retest_list(store, campaign.id)
        rows: list[list[object]] = [[i.student_no, i.name, i.class_name, i.instrument,
                 "；".join(i.evidence.validity) if i.evidence and i.evidence.validity
                 else i.validity_note,
                 "；".join(c.text for c in i.evidence.critical) if i.evidence else ""]
                for i in items]
        if args.format == "csv":
            audit.record_for(store, "student_export", "campaign", campaign.id,
                             f"重测名单 CSV {len(rows)} 人")
    _write(args, RETEST_HEADER, rows)
    return 0


def _write(args: argparse.Namespace, header: list[str], rows: list[list[object]]) -> None:
    """CSV through the shared writer (formula-safe text, numbers and dates typed, a BOM
    for Excel); the table aligns columns for a terminal."""
    if args.format == "csv":
        write_csv(csv_text(header, rows), args.out)
        return
    cells = [header, *([_text(v) for v in row] for row in rows)]
    widths = [max(_width(r[k]) for r in cells) for k in range(len(header))]
    buf = io.StringIO()
    for row in cells:
        buf.write("  ".join(cell + " " * (w - _width(cell))
                            for cell, w in zip(row, widths, strict=True)).rstrip() + "\n")
    buf.write(f"共 {len(rows)} 项。\n")
    write_text_output(buf.getvalue(), args.out)


def _whole(score: float) -> float | int:
    """16.0 is written 16: sums are whole numbers, means keep their decimals."""
    return int(score) if float(score).is_integer() else score


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
    return value.isoformat() if isinstance(value, date) else str(value)


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
