"""today / review list / review retest: the counselling room's triage from a terminal.

The same services as 预警与转介 → 今日工作 and 筛查后复核, audited as those screens are
(one "warning_list" event per listing); a CSV copy leaves the encrypted store and is
audited as an export too, as `warnings list --format csv` is. A class teacher is
refused (exit code 5): these lists name students across the school.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import add_db_args, audit_csv_export, command_group, open_db, write_listing

if TYPE_CHECKING:
    from app.services.lists.tables import ListTable
    from app.store.handle import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("today", help="今日工作：当天面谈评估、危机处置、到期和逾期的事项")
    _args(p, ("csv", "table"), "table")
    p.set_defaults(handler=_today)

    actions = command_group(sub, "review", "筛查后复核名单（附测评证据）")
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
    from app.services.lists.tables import today_table

    with open_db(args) as store:
        table = today_table(store, args.today)
        audit_csv_export(store, args, f"今日工作 CSV {len(table.rows)} 项")
    _write(args, table)
    return 0


def _review(args: argparse.Namespace) -> int:
    from app.services.lists.tables import review_table

    return _campaign_list(args, "复核名单",
                          lambda store, cid: review_table(store, cid, args.today).table)


def _retest(args: argparse.Namespace) -> int:
    from app.services.lists.tables import retest_table

    return _campaign_list(args, "重测名单", retest_table)


def _campaign_list(args: argparse.Namespace, name: str,
                   table_of: Callable[[Store, int], ListTable]) -> int:
    """A campaign's list of students (`review list`, `review retest`): staff only, since
    it shows answers; its CSV copy audited against the campaign."""
    from app.services.capabilities import READ_CONFIDENTIAL, require
    from app.services.screening.campaigns import find_campaign

    with open_db(args) as store:
        require(store, READ_CONFIDENTIAL)
        campaign = find_campaign(store, args.campaign)
        table = table_of(store, campaign.id)
        audit_csv_export(store, args, f"{name} CSV {len(table.rows)} 人", "campaign",
                         campaign.id)
    _write(args, table)
    return 0


def _write(args: argparse.Namespace, table: ListTable) -> None:
    """CSV through the shared writer (formula-safe text, numbers and dates typed, a BOM
    for Excel); the table aligns columns for a terminal."""
    from app.services.sheet_output import csv_text, write_csv

    header, rows = table.header, table.rows
    if args.format == "csv":
        write_csv(csv_text(header, rows), args.out)
        return
    cells = [list(header), *([_text(v) for v in row] for row in rows)]
    widths = [max(_width(r[k]) for r in cells) for k in range(len(header))]
    write_listing(("  ".join(cell + " " * (w - _width(cell))
                             for cell, w in zip(row, widths, strict=True)).rstrip()
                   for row in cells), f"共 {len(rows)} 项。", args.out)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
    return value.isoformat() if isinstance(value, date) else str(value)


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
