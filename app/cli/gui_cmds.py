"""`qingxin gui`: the windowed app. Qt is imported only here, when asked for, so the
command line stays quick and works on a machine without Qt's system libraries."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    # Every option after `gui` is the GUI's own (see app.ui.app.parse_args), forwarded as is.
    p = sub.add_parser("gui", help="打开图形界面（选项见 qingxin gui --help）", add_help=False)
    p.set_defaults(handler=_gui, forwards_options=True)


def _gui(args: argparse.Namespace) -> int:
    from app.ui.app import run

    return run(args.extra)
