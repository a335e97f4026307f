"""What the command modules share: the `NAME ACTION` groups, --db, --user, the password.

The command modules import the services, reports and spreadsheet writers inside their
handlers, not at the top: building the parser imports every command module, and
`qingxin --help` or `--version` must not wait for SQLAlchemy, numpy, openpyxl or
reportlab (docs/PERFORMANCE.md, "Start-up"; tests/cli/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from app.atomic import write_atomic
from app.deployment import load_deployment
from app.errors import BadInputError
from app.logfile import start_logging
from app.paths import DATA_DIR_ENV, default_db_path

if TYPE_CHECKING:
    from app.store.handle import Store

PASSWORD_ENV = "QINGXIN_PASSWORD"


def add_db_args(parser: argparse.ArgumentParser, with_user: bool = True) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="数据库文件（默认：环境变量 QINGXIN_DATA_DIR、部署文件的 "
                             "[app] data_dir 或用户数据目录中的 qingxin.db）")
    if with_user:
        parser.add_argument("--user", default=os.environ.get("QINGXIN_USER", "admin"),
                            help="登录用户名（默认 admin，或环境变量 QINGXIN_USER）")


def command_group(sub: argparse._SubParsersAction, name: str, help_text: str
                  ) -> argparse._SubParsersAction:
    """The actions of command `name` (`qingxin NAME ACTION …`, chosen action in
    `args.NAME_cmd`); reused if another module registered the group first (the
    district's `aggregate` lives in report_cmds, its keys in seal_cmds)."""
    existing = sub.choices.get(name)
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
    return sub.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_cmd",
                                                              metavar="ACTION")


def db_path(args: argparse.Namespace) -> Path:
    """`--db`, else the default by the precedence in app.paths; reading the deployment
    file only when it decides (a broken file then stops the command, exit code 2). The
    command's log goes to that data folder from here on (app/logfile.py)."""
    if args.db is not None:
        path = args.db
    elif os.environ.get(DATA_DIR_ENV):
        path = default_db_path()
    else:
        path = default_db_path(load_deployment(getattr(args, "deploy", None)).data_dir)
    start_logging(path, "command line")
    return path


def read_password(prompt: str = "密码：", confirm: bool = False) -> str:
    """From QINGXIN_PASSWORD, else an interactive prompt; never from a command-line flag
    (it would show in the process list and shell history)."""
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        raise BadInputError(f"需要密码：请在终端中运行，或设置环境变量 {PASSWORD_ENV}。")
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("再次输入：") != password:
        raise BadInputError("两次输入的密码不一致。")
    return password


def open_db(args: argparse.Namespace) -> Store:
    from app.services.accounts.auth import unlock

    store = unlock(db_path(args), args.user, read_password())
    show_new_recovery_code(store.new_recovery_code)
    store.new_recovery_code = None
    return store


def audit_csv_export(store: Store, args: argparse.Namespace, what: str,
                     target_kind: str = "student", target_id: str | int = "") -> None:
    """A list written with --format csv leaves the encrypted store: one "student_export"
    event naming it and its size (`what`, e.g. "预警名单 CSV 3 人"), as the GUI's exports
    are. The terminal listing is not an export and records nothing here."""
    if args.format != "csv":
        return
    from app.services import audit

    audit.record_for(store, "student_export", target_kind, target_id, what)


def show_new_recovery_code(code: str | None) -> None:
    """A recovery code issued by this command (the first staff sign-in after updating
    from a version without keys per role, or a re-key): the only time it is shown. On
    stderr, so it is seen even when the command's output goes to a file."""
    if code:
        print("原恢复码已作废。新的恢复码（只显示这一次，请打印后交校长保管）：\n"
              f"  {code}", file=sys.stderr)


def write_listing(lines: Iterable[str], total: str, out: Path | None) -> None:
    """A list for the terminal (or --out): a line a row, then the count (共 3 条。)."""
    write_text_output("".join(f"{line}\n" for line in [*lines, total]), out)


def write_text_output(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomic(out, text.encode("utf-8-sig"), private=True)
