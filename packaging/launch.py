"""The frozen program's entry point (build_installer.spec builds two executables from it).

- `Qingxin.exe` (windowed) opens the GUI; its arguments are the GUI's (`--db PATH` …).
- `Qingxin.com` on Windows, `qingxin-cli` on Linux (console) is the `qingxin` command
  line, for district IT: `Qingxin.com self-test --gui`, `Qingxin.com district keygen …`,
  `Qingxin.com backup …`. The GUI executable does the same when its first argument is
  `--cli`, but a windowed program on Windows has no console to print to, hence the
  companion.

Which one runs is decided by the executable's own name, so both share one bundle and
one archive of Python modules (`Qingxin.pkg`). Both hold the installer's mutex while
they run (app/app_mutex.py), so setup never replaces files under a running copy.

`Qingxin.com` double-clicked in Explorer gets a console of its own that would close the
moment the help text is printed: with no arguments and no console to return to, it says
what it is and waits for Enter.
"""

from __future__ import annotations

import sys
from pathlib import Path

CLI_NAME = "qingxin-cli"
CLI_SUFFIX = ".com"
DOUBLE_CLICKED = (
    "这是青心的命令行程序，供信息老师在“命令提示符”中使用，例如：\n"
    "    Qingxin.com self-test --gui\n"
    "    Qingxin.com --help\n"
    "老师们使用青心，请从“开始”菜单打开“青心”。\n"
)


def is_console_executable(executable: str) -> bool:
    path = Path(executable)
    return path.suffix.lower() == CLI_SUFFIX or path.stem.lower() == CLI_NAME


def console_of_its_own(platform: str = sys.platform) -> bool:
    """Whether this process is the only one attached to its console: Explorer started it
    (a double-click), not cmd or PowerShell, which stay attached."""
    if platform != "win32":
        return False
    import ctypes

    processes = (ctypes.c_uint32 * 4)()
    return ctypes.WinDLL("kernel32").GetConsoleProcessList(processes, 4) == 1


def main(argv: list[str] | None = None) -> int:
    from app.app_mutex import hold_app_mutex

    hold_app_mutex()
    args = list(sys.argv[1:] if argv is None else argv)
    if is_console_executable(sys.executable) or args[:1] == ["--cli"]:
        if args[:1] == ["--cli"]:
            args = args[1:]
        from app.cli import main as cli_main

        if not args and console_of_its_own():
            print(DOUBLE_CLICKED)
            input("按回车键关闭此窗口……")
            return 0
        return cli_main(args)
    from app.ui.app import run

    return run(args)


if __name__ == "__main__":
    import multiprocessing

    # First of all: in a worker process of `district aggregate` (Windows spawns them, by
    # running this executable again) this runs the worker's task and exits; without it the
    # worker would start the whole program again.
    multiprocessing.freeze_support()
    raise SystemExit(main())
