"""attachment add / list / save / remove: scans kept with a referral (回执, 病历证明, 其他).

`add` keeps a PDF, JPEG or PNG (at most 10 MB, recognised by its content) encrypted in
the database with the student's referral (the newest unless --referral names one);
`list` shows what is kept (staff: with the checksum; a class teacher: that scans exist,
for their own students); `save` writes a copy out of the database — that copy is NOT
encrypted, which the command says; `remove` deletes a scan kept by mistake (its key and
content go; who removed it, when and the reason stay). Every one is audited. Services
are imported inside the handlers (tests/cli/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import add_db_args, command_group, open_db, write_listing
from app.labels import ATTACHMENT_KINDS


def register(sub: argparse._SubParsersAction) -> None:
    actions = command_group(sub, "attachment", "转介附件：医院回执、病历证明等扫描件")
    p = actions.add_parser("add", help="添加一个扫描件（PDF、JPEG 或 PNG，不超过 10 MB）")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--referral", type=int, default=None,
                   help="转介编号（默认：该学生最近的转介）")
    p.add_argument("--kind", required=True,
                   help=f"附件类别：{'、'.join(ATTACHMENT_KINDS.values())}")
    p.add_argument("file", type=Path, help="扫描件文件")
    p.set_defaults(handler=_add)

    p = actions.add_parser("list", help="列出一名学生的转介附件")
    add_db_args(p)
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--out", type=Path, default=None, help="写入文件（默认输出到屏幕）")
    p.set_defaults(handler=_list)

    p = actions.add_parser("save", help="把一个附件另存为文件（另存的副本不加密）")
    add_db_args(p)
    p.add_argument("--id", type=int, required=True, help="附件编号（见 attachment list）")
    p.add_argument("--out", type=Path, required=True, help="保存到的文件")
    p.set_defaults(handler=_save)

    p = actions.add_parser("remove",
                           help="删除误存的附件（须写明理由；记录保留谁、何时、为何删除）")
    add_db_args(p)
    p.add_argument("--id", type=int, required=True, help="附件编号（见 attachment list）")
    p.add_argument("--reason", required=True, help="删除理由（如传错了学生）")
    p.set_defaults(handler=_remove)


def _add(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.referral.attachments import add_attachment_file

    with open_db(args) as store:
        attachment_id = add_attachment_file(store, find_student(store, args.student),
                                            args.kind, args.file, args.referral)
    print(f"已加密保存附件，编号 {attachment_id}。")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.casefile.snapshot import find_student
    from app.services.referral.attachments import list_attachments, size_text, type_name
    from app.services.today import local_date

    with open_db(args) as store:
        rows = list_attachments(store, find_student(store, args.student))
    lines = []
    for r in rows:
        cells = [str(r.id), f"转介 {r.referral_id}", ATTACHMENT_KINDS.get(r.kind, r.kind),
                 local_date(r.added_at).isoformat(), type_name(r.file_type), size_text(r.size),
                 r.added_by]
        if r.sha256:
            cells.append(f"SHA-256 {r.sha256}")
        lines.append("\t".join(cells))
    write_listing(lines, f"共 {len(rows)} 个附件。", args.out)
    return 0


def _save(args: argparse.Namespace) -> int:
    from app.services.referral.attachments import save_attachment

    with open_db(args) as store:
        out = save_attachment(store, args.id, args.out)
    print(f"已另存附件到 {out}。注意：这个副本没有加密，用完请妥善保管或删除。",
          file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from app.services.referral.attachments import remove_attachment

    with open_db(args) as store:
        remove_attachment(store, args.id, args.reason)
    print(f"已删除附件 编号 {args.id}：文件内容已清除，删除人、时间和理由保留在记录中。")
    return 0
