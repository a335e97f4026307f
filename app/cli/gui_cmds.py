"""`qingxin gui`: the windowed app. Qt is imported only here, when asked for, so the
command line stays quick and works on a machine without Qt's system libraries."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="打开图形界面（选项见 qingxin gui --help）", add_help=False)
    p.add_argument("gui_args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=_gui)


def _gui(args: argparse.Namespace) -> int:
    from app.ui.app import run

    return run(args.gui_args)
