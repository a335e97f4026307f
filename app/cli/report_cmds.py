"""report individual|group, export district|school-key, district aggregate.

Reports and the district export over the same services the GUI uses. Every report is
audited as a print, every export as an export. `export district --preview` shows what
would leave the school (files, tables, row counts) and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.atomic import write_atomic
from app.cli.arguments import SEALED_SUFFIX, expand_file_arguments
from app.cli.common import add_db_args, command_group, open_db
from app.cli.seal_cmds import (
    add_period_args,
    load_district_key,
    register_for,
)
from app.deployment import CELL_MODES, KEY_STUDENT_MODES, ReportPolicy, load_deployment
from app.errors import BadInputError
from app.services.progress import Progress
from app.services.reports.kinds import BY_CODE, CampaignPrint, for_campaigns
from app.terms import period_text

if TYPE_CHECKING:
    from app.services.district.export import ExportPreview

#: What `report <kind> --help` and the finished command say, for each kind of
#: services.reports.kinds.for_campaigns().
HELP = {"group": "团体报告：班级、年级或全校",
        "individual": "个人测评报告：一名学生，或整个批次合成一个 PDF"}
DONE = {"group": "已生成团体报告（{scope}，{n} 份答卷）：{path}",
        "individual": "已生成 {n} 名学生的个人报告：{path}"}
SCOPE_HELP = ("全校、年级（初一 或 七年级）或班级（初一(3)班）；"
              "也可写 school、grade:7、class:12（班级编号）或 class:7-3")


def register(sub: argparse._SubParsersAction) -> None:
    report = command_group(sub, "report", "测评报告（PDF）")
    for kind in for_campaigns():
        p = report.add_parser(kind.code, help=HELP[kind.code])
        add_db_args(p)
        p.add_argument("--campaign", required=True, help="测评批次名称")
        named = "student" in kind.scopes
        if named:
            who = p.add_mutually_exclusive_group(required=True)
            who.add_argument("--student", help="学籍号")
            who.add_argument("--all", action="store_true", help="本批次所有有结果的学生")
        p.add_argument("--scope", default="全校",
                       help=("与 --all 一起用：" if named else "") + SCOPE_HELP)
        if kind.hides_small_cells:
            hide = p.add_mutually_exclusive_group()
            hide.add_argument("--outside", action="store_true",
                              help="给校外的版本：按部署文件的阈值（未设为 5）隐去小单元格；"
                                   "不加时为学校自用版本，人数均为实数")
            hide.add_argument("--min-cell", type=int, default=None,
                              help="给校外的版本，并指定小单元格阈值")
        p.add_argument("--out", type=Path, required=True, help="输出的 PDF 文件")
        p.set_defaults(handler=_campaign_report)

    export = command_group(sub, "export", "报送区里")
    p = export.add_parser("district", help="生成学期报送文件并密封（.qxseal）")
    add_db_args(p)
    p.add_argument("--period", required=True, help="学期，如 2026-2027-1")
    p.add_argument("--out", type=Path, default=None, help="密封文件（.qxseal）")
    p.add_argument("--deploy", type=Path, default=None, help="部署文件（默认按安装位置查找）")
    p.add_argument("--preview", action="store_true",
                   help="只预览将要报送的内容（文件、表格、行数），不密封")
    p.set_defaults(handler=_export)

    p = export.add_parser("school-key", help="写出本校签名公钥文件（交区里登记）")
    add_db_args(p)
    p.add_argument("--out", type=Path, required=True, help="公钥文件，如 4131011234.json")
    p.add_argument("--deploy", type=Path, default=None,
                   help="部署文件（取其中的学校代码写入公钥文件；默认按安装位置查找）")
    p.set_defaults(handler=_school_key)

    district = command_group(sub, "district", "区级：密钥")
    p = district.add_parser("aggregate", help="核验、解密并汇总各校报送文件，写出区级汇总表")
    p.add_argument("files", type=Path, nargs="+",
                   help="各校的 .qxseal 文件，或含这些文件的文件夹（可用 * 通配）")
    p.add_argument("--key", type=Path, required=True, help="区级私钥文件")
    p.add_argument("--register", type=Path, default=None,
                   help="区级登记簿（默认为区级私钥旁的 district_register.json）")
    add_period_args(p, waivable=False)
    p.add_argument("--out", type=Path, required=True, help="汇总表（.xlsx，只含人数）")
    p.add_argument("--key-list-out", type=Path, default=None,
                   help="另存各校逐人报送的重点学生名单（.xlsx，含学生记录，须按名单规定保管）")
    p.add_argument("--passphrase-env", metavar="VAR", default=None,
                   help="区级私钥口令所在的环境变量名")
    p.add_argument("--cells", choices=tuple(CELL_MODES), default="suppressed",
                   help="汇总表中各校行与全区合计：suppressed 按小格规则隐去并经区间审核"
                        "（默认，汇总表可以外发）；exact 照录各校报送的数字"
                        "（只供区教育局内部统计）")
    p.add_argument("--min-cell", type=int, default=ReportPolicy.min_cell,
                   help="汇总表的小单元格阈值：1 至 N−1 人的格子隐去（默认 5）")
    p.add_argument("--min-interval", type=int, default=ReportPolicy.min_interval,
                   help="隐去的“<5”格结合全表可能取值范围的最小宽度（默认 1）")
    p.set_defaults(handler=_aggregate)


def _progress() -> Progress:
    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  {done}/{total}", end="", file=sys.stderr, flush=True)

    return Progress(report=report)


def _campaign_report(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.reports.group import outside_min_cell
    from app.services.screening.campaigns import find_campaign

    kind = BY_CODE[args.report_cmd]
    student = getattr(args, "student", None)
    with open_db(args) as store:
        campaign = find_campaign(store, args.campaign)
        min_cell = None
        if kind.hides_small_cells:
            min_cell = outside_min_cell() if args.outside else args.min_cell
        if student and args.scope not in ("school", "全校"):
            raise BadInputError("--scope 只能与 --all 一起使用。")
        ids = (find_student(store, student),) if student else None
        done = kind.print_campaign(store, CampaignPrint(campaign.id, args.scope, args.out,
                                                        min_cell, ids), _progress())
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(DONE[kind.code].format(scope=done.scope, n=done.students, path=done.path))
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.services.district.export import preview_export, seal_export

    deployment = load_deployment(args.deploy)
    if not args.preview and args.out is None:
        raise BadInputError("请用 --out 指定密封文件，或用 --preview 只预览。")
    with open_db(args) as store:
        preview = preview_export(store, args.period, deployment)
        _print_preview(preview)
        if args.preview:
            return 0
        done = seal_export(store, preview, args.out)
    print(f"已密封：{done.path}（{done.size:,} 字节）")
    print(f"  学校签名密钥指纹：{done.school_key_fingerprint}"
          + ("（本次新生成，请打印登记表交区里登记）" if done.key_created else ""))
    print(f"  区级公钥指纹：{done.district_key_fingerprint}")
    print(f"  文件 SHA-256：{done.sha256}")
    print(f"  报送序号：{done.sequence}（区里只接受序号比已收到的更大的文件）")
    return 0


def _print_preview(p: ExportPreview) -> None:
    print(f"将报送：{p.school_name}（代码 {p.school_code}），{period_text(p.period)}"
          f"（{p.period}）")
    print(f"  测评批次：{'、'.join(p.campaigns) or '无'}")
    print(f"  重点学生：{KEY_STUDENT_MODES[p.key_students]}，逐人报送 {len(p.student_ids)} 人；"
          f"小单元格阈值 {p.min_cell}")
    shown: tuple = ()
    for f in p.files:
        print(f"  {f.name}  {f.size:,} 字节 —— {f.description}")
        if f.tables == shown:
            continue
        for t in f.tables:
            print(f"      {t.title}：{len(t.rows)} 行")
        shown = f.tables
    if p.district_key is not None:
        print(f"  将加密给区级公钥：指纹 {p.district_key.fingerprint}（请与区里通知核对）")
    else:
        print("  注意：部署文件中没有区级公钥，暂时无法密封。")
    for note in p.notes:
        print(f"  注意：{note}")


def _school_key(args: argparse.Namespace) -> int:
    from app.services.district.school_keys import export_school_key

    with open_db(args) as store:
        key_print = export_school_key(store, args.out,
                                      load_deployment(args.deploy).school_code or None).value
    print(f"已写出本校签名公钥：{args.out}（指纹 {key_print}）")
    return 0


def _aggregate(args: argparse.Namespace) -> int:
    from app.services.district.aggregate import collect, record_accepted
    from app.services.district.workbook import district_workbook, key_list_workbook

    register = register_for(args)
    district_key = load_district_key(args.key, args.passphrase_env)
    files = expand_file_arguments(args.files, SEALED_SUFFIX)
    collected = collect(files, district_key, register, args.period, _progress())
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for sub in collected.accepted:
        print(f"已汇总 {sub.file}：学校 {sub.school_code} {sub.school_name}，序号 {sub.sequence}")
    for refusal in collected.refused:
        print(f"已拒绝 {refusal.file}：{refusal.reason}", file=sys.stderr)
    if not collected.accepted:
        print(f"{len(files)} 个文件都未通过核验，没有写出汇总表。", file=sys.stderr)
        return 1
    if not 1 <= args.min_cell <= 100 or not 1 <= args.min_interval <= 98:
        raise BadInputError("--min-cell 应为 1–100 的整数，--min-interval 应为 1–98 的整数"
                            "（与部署文件 [report_policy] 相同）。")
    policy = ReportPolicy(cells=args.cells, min_cell=args.min_cell,
                          min_interval=args.min_interval)
    write_atomic(args.out, district_workbook(collected, datetime.now(UTC), policy))
    new = record_accepted(register, collected)
    print(f"已汇总 {len(collected.accepted)} 所学校（{period_text(collected.period)}），"
          f"拒绝 {len(collected.refused)} 个文件：{args.out}")
    print(f"  区级登记簿：新记入 {new} 份报送（{register.path}）")
    listed = [s for s in collected.accepted if s.key_list]
    students = sum(len(s.key_list) for s in listed)
    if args.key_list_out is not None:
        write_atomic(args.key_list_out, key_list_workbook(collected, datetime.now(UTC)),
                     private=True)
        named = sum(len(s.key_list) for s in listed if s.key_students == "named")
        print(f"重点学生名单：{len(listed)} 所学校 {students} 名学生的逐人记录"
              f"（其中实名 {named} 人）：{args.key_list_out}，请按区里对重点学生名单的规定保管。")
    elif listed:
        print(f"{len(listed)} 所学校逐人报送了 {students} 名重点学生；汇总表只含人数。"
              "需要全区名单时加 --key-list-out 文件。")
    return 1 if collected.refused else 0
