"""consent-form: the 知情同意书 of one class of a campaign, as a PDF to send home."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_db_args, open_db
from app.deployment import load_deployment
from app.errors import BadInputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("consent-form", help="打印某测评批次一个班的知情同意书（PDF，每人一页）")
    add_db_args(p)
    p.add_argument("--campaign", required=True, help="测评批次名称")
    p.add_argument("--class", dest="class_name", required=True, help="班级，如 初一(3)班")
    p.add_argument("--out", type=Path, required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=_consent_form)


def _consent_form(args: argparse.Namespace) -> int:
    from app.services.reports.consent_form import print_consent_forms
    from app.services.screening.campaigns import find_campaign
    from app.services.statistics.campaign import parse_scope

    with open_db(args) as store:
        campaign = find_campaign(store, args.campaign)
        with store.read() as session:
            scope = parse_scope(session, args.class_name)
        if scope.class_id is None:
            raise BadInputError(f"请写一个班级（如 初一(3)班），而不是“{args.class_name}”。")
        print_consent_forms(store, campaign.id, scope.class_id, args.out,
                            load_deployment().consent)
    print(f"已生成：{args.out}")
    return 0
