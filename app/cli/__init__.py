"""The `qingxin` command line: the same services the GUI uses, for district IT,
scripts, tests and benchmarks.

Each area registers its sub-commands from its own module (see COMMAND_MODULES);
a handler returns an exit code (README.md lists them all). Errors the user can cause
(`QingxinError`) are printed in Chinese with their row report and mapped to their exit
code; a closed output pipe (`| head`) ends quietly with 141. Anything else
is a bug: it is reported as the exception type and the code locations only (exit 70),
because an exception's message can quote student data; QINGXIN_DEBUG=1 shows it whole.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Mapping, Sequence

from app import __version__
from app.errors import BadInputError, QingxinError

COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.store_cmds",
    "app.cli.roster_cmds",
    "app.cli.gui_cmds",
    "app.cli.screening_cmds",
    "app.cli.score_cmds",
    "app.cli.seal_cmds",
    "app.cli.casefile_cmds",
    "app.cli.family_cmds",
    "app.cli.triage_cmds",
    "app.cli.signal_cmds",
    "app.cli.attachment_cmds",
    "app.cli.room_cmds",
    "app.cli.consent_cmds",
    "app.cli.report_cmds",
    "app.cli.maintenance_cmds",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qingxin", description="青心 心理辅导室学生心理档案（离线、加密）"
    )
    parser.add_argument("--version", action="version", version=f"qingxin {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    configure_stdio()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "forwards_options", False):
        parser.error(f"无法识别的参数：{' '.join(extra)}")
    args.extra = extra
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except QingxinError as err:
        log.info("user-facing error %s: %s", type(err).__name__, err.detail)
        print(f"错误：{err.message}", file=sys.stderr)
        if isinstance(err, BadInputError):
            for problem in err.problems:
                print(f"  {problem}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `qingxin roster list | head`: the reader has all it wanted. End quietly with
        # the shell's code for SIGPIPE, as other command-line tools do.
        _detach_stdout()
        return EXIT_PIPE
    except Exception as err:
        if os.environ.get("QINGXIN_DEBUG"):
            raise
        _report_bug(err)
        return EXIT_BUG


EXIT_BUG = 70
log = logging.getLogger("qingxin.cli")
EXIT_PIPE = 128 + 13


def _detach_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush does not
    report the closed pipe a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _report_bug(err: Exception) -> None:
    """Type and code locations only, on stderr and in the log: the text may name a
    student."""
    frames = traceback.extract_tb(err.__traceback__)
    log.error("unexpected %s\n%s", type(err).__name__,
              "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames))
    print(f"内部错误（{type(err).__name__}），操作未完成。请把以下位置告诉技术支持：",
          file=sys.stderr)
    for frame in frames[-6:]:
        print(f"  {frame.filename}:{frame.lineno} {frame.name}", file=sys.stderr)


def configure_stdio() -> None:
    """Chinese messages must print on a Windows console, into a redirected file, or on a
    C-locale CI runner alike (see `stdio_encoding`)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        encoding, errors = stdio_encoding(_is_terminal(stream), os.environ, sys.platform)
        reconfigure(encoding=encoding, errors=errors)


def stdio_encoding(terminal: bool, environ: Mapping[str, str], platform: str
                   ) -> tuple[str, str]:
    """(encoding, errors) for the program's output.

    - PYTHONIOENCODING, when set (`gbk`, `utf-8:strict` …), is what the user asked for;
      applied here again because a frozen program may start with the environment ignored.
    - Windows, output redirected (`> out.txt`, `| findstr`): GB18030, the superset of the
      code page 936 that PowerShell 5.1, findstr and Notepad of a Chinese Windows read;
      UTF-8 there comes out as mojibake. GB18030 encodes every character, so nothing is
      lost.
    - Otherwise UTF-8 (a Windows console is written as UTF-16 by Python, whatever the
      encoding; Linux terminals and CI logs are UTF-8)."""
    asked = environ.get("PYTHONIOENCODING", "").strip()
    encoding, _, errors = asked.partition(":")
    if encoding and _known(encoding):
        return encoding, errors or "replace"
    if platform == "win32" and not terminal:
        return "gb18030", "replace"
    return "utf-8", "replace"


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False
