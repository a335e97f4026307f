"""screening list / import / results / delete."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import add_db_args, command_group, open_db
from app.deployment import load_deployment
from app.errors import BadInputError
from app.instruments.model import TOTAL
from app.instruments.warning import WARNING_LABELS
from app.labels import GENDERS, SHEET_STATUSES, label
from app.terms import term_code

if TYPE_CHECKING:
    from app.services.screening.importing import ScreeningChanges
    from app.store.handle import Store


def register(sub: argparse._SubParsersAction) -> None:
    screening = command_group(sub, "screening", "筛查测评")
    p = screening.add_parser("list", help="列出测评批次")
    add_db_args(p)
    p.set_defaults(handler=_list)

    p = screening.add_parser(
        "import", help="导入答卷（批次不存在时按量表新建，含量表适用年级的全部在读班级）")
    add_db_args(p)
    p.add_argument("--campaign", required=True, help="测评批次名称")
    p.add_argument("--instrument", required=True, help="量表代码，如 mht")
    p.add_argument("file", type=Path)
    p.add_argument("--numbers", choices=("values", "positions"), default="values")
    p.add_argument("--item-offset", type=int, default=0)
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--allow-unmatched", action="store_true",
                   help="有未匹配的答卷时仍写入已匹配的（默认拒绝整个文件）；未匹配的答卷"
                        "不会写给任何学生")
    p.add_argument("--accept-row", type=int, action="append", default=[], metavar="ROW",
                   help="写入这一行的答卷（姓名不符、学籍号不符或文件中重复的答卷须逐行选择；"
                        "可多次给出；同一名学生只能选一行）")
    p.set_defaults(handler=_import)

    p = screening.add_parser("results", help="导出批次结果")
    add_db_args(p)
    p.add_argument("--campaign", required=True)
    p.add_argument("--format", choices=("csv",), default="csv")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(handler=_results)

    p = screening.add_parser("delete", help="删除没有任何结果的测评批次（如名称打错时新建的）")
    add_db_args(p)
    p.add_argument("--campaign", required=True, help="测评批次名称")
    p.set_defaults(handler=_delete)


def _list(args: argparse.Namespace) -> int:
    from app.services.screening.campaigns import list_campaigns

    with open_db(args) as store:
        for c in list_campaigns(store):
            print(f"{c.name}\t{c.instrument_code}\t{term_code(c.school_year, c.term)}\t"
                  f"完成 {c.done}/{c.due}")
    return 0


def _campaign_for_import(store: Store, name: str, instrument_code: str) -> tuple[int, bool]:
    """The campaign's id, and whether it was made just now (for all active classes)."""
    from app.instruments.definition import load_instrument
    from app.services.screening.campaigns import create_campaign, find_campaign

    instrument = load_instrument(instrument_code)
    try:
        campaign = find_campaign(store, name)
    except BadInputError:
        return create_campaign(store, name, instrument.code).id, True
    if campaign.instrument_code != instrument.code:
        raise BadInputError(f"测评批次“{name}”使用的量表是 {campaign.instrument_code}，"
                            f"不是 {instrument.code}。")
    return campaign.id, False


def _import(args: argparse.Namespace) -> int:
    from app.services.screening.campaigns import delete_campaign

    with open_db(args) as store:
        campaign_id, created = _campaign_for_import(store, args.campaign, args.instrument)
        changes: ScreeningChanges | None = None
        try:
            changes = _preview_and_apply(store, campaign_id, args)
        finally:
            # A preview, or an import refused or failed, leaves no campaign behind: the
            # one made for it is removed again (nothing was written into it).
            if created and changes is None:
                delete_campaign(store, campaign_id)
        if changes is None:
            return 0
    if created:
        print(f"已新建测评批次“{args.campaign}”（量表适用年级的全部在读班级）。")
    print(f"已写入 {changes.written} 份答卷（其中替换 {changes.replaced} 份）。")
    return 0


def _preview_and_apply(store: Store, campaign_id: int, args: argparse.Namespace
                       ) -> ScreeningChanges | None:
    """Print the preview; write unless --dry-run (None) or rows cannot be taken (raise)."""
    from app.instruments.definition import load_instrument
    from app.services.screening.importing import apply_screening_import, preview_screening_import

    preview = preview_screening_import(store, campaign_id, args.file, args.numbers,
                                       args.item_offset,
                                       consent_policy=load_deployment().consent)
    preview.choose_rows(args.accept_row)
    counts = preview.counts()
    for line in load_instrument(preview.instrument_code).setting_problems:
        print(f"提示：{line}", file=sys.stderr)
    if preview.inferred:
        print(preview.inferred)
    for line in preview.warnings:
        print(f"提醒：{line}", file=sys.stderr)
    print("；".join(f"{label(SHEET_STATUSES, code)} {counts[code]}"
                   for code in SHEET_STATUSES if counts[code]))
    unmatched = [m for m in preview.matches if not m.writable]
    lines = [f"第 {m.row} 行（{m.label}）：{label(SHEET_STATUSES, m.status)}"
             + (f"，{m.message}" if m.message else "") for m in unmatched]
    picked = [m for m in preview.matches if m.chosen]
    if picked:
        print("按 --accept-row 写入：" + "；".join(
            f"第 {m.row} 行（{label(SHEET_STATUSES, m.status)}）" for m in picked))
    if unmatched and not args.allow_unmatched:
        raise BadInputError(f"有 {len(unmatched)} 份答卷无法写入，未写入任何数据。请在名册或"
                            "文件中改正；姓名不符、学籍号不符或重复的答卷核对后可用 --accept-row "
                            "行号 逐行写入；或加 --allow-unmatched 只写入已匹配的答卷。",
                            problems=lines + preview.problems)
    if args.dry_run:
        print("（预览，未写入）")
        return None
    return apply_screening_import(store, preview)


def _results(args: argparse.Namespace) -> int:
    from app.instruments.definition import load_instrument
    from app.services import audit
    from app.services.screening.campaigns import find_campaign
    from app.services.screening.results import campaign_results
    from app.services.sheet_output import csv_text, write_csv

    with open_db(args) as store:
        campaign = find_campaign(store, args.campaign)
        instrument = load_instrument(campaign.instrument_code)
        rows = campaign_results(store, campaign.id)
        audit.record_for(store, "student_export", "campaign", campaign.id,
                         f"测评结果 CSV，{len(rows)} 份")
    scale_codes = [u.code for u in instrument.units if u.code != TOTAL]
    total_bands = {b.code: b.label for b in instrument.total.bands} if instrument.total else {}
    write_csv(csv_text(
        ["学籍号", "姓名", "性别", "班级", "作答时间", "有效",
         *[instrument.unit(c).name for c in scale_codes], "总分", "总分等级", "关键题",
         "建议预警"],
        [[r.student_no, r.name, label(GENDERS, r.gender), r.class_name, r.taken_at,
          "是" if r.valid else "否", *[_fmt(r.scales.get(c)) for c in scale_codes],
          _fmt(r.total), label(total_bands, r.bands.get(TOTAL)),
          " ".join(str(i) for i in r.critical), label(WARNING_LABELS, r.warning)]
         for r in rows]), args.out)
    return 0


def _delete(args: argparse.Namespace) -> int:
    from app.services.screening.campaigns import delete_campaign, find_campaign

    with open_db(args) as store:
        campaign = find_campaign(store, args.campaign)
        delete_campaign(store, campaign.id)
    print(f"已删除测评批次“{campaign.name}”。")
    return 0


def _fmt(value: float | None) -> float | int | None:
    """A score as a number (8.0 → 8; a mean to four decimals), so -1.5 stays a number."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 4)
