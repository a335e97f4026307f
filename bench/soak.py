"""`python -m bench soak --minutes N --seed S`: the soak test (issue 21).

Runs bench/soak_driver.py in a child process — the real main window, started as
`qingxin gui` starts it, offscreen, on a demo school made in a temporary folder, driven
at random for N minutes — and judges it from outside, so a crash or a frozen event loop
is seen too. It fails on: the child dying or freezing (no action logged for
FREEZE_S), any unexpected error, any operation still running after two minutes, an
idle lock that did not come, resident memory above --memory-cap MB at any time or
growing more than --memory-bound MB after the warm-up (the first fifth of the run, at
least WARM_UP_MIN minutes: sign-in's Argon2id and the first page loads make the peak;
a shorter run is judged by the cap alone), or any new openpyxl temporary file in the
system TEMP folder. Replay a failure with the same --seed (and
--students): the log (--log, JSON lines) names each action with its step.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FREEZE_S = 180
WARM_UP_MIN = 2
POLL_S = 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--students", type=int, default=300, help="demo school size")
    parser.add_argument("--lock-seconds", type=float, default=20,
                        help="idle lock timeout of the driven program")
    parser.add_argument("--memory-bound", type=float, default=150,
                        help="MB of growth allowed after warm-up")
    parser.add_argument("--memory-cap", type=float, default=600,
                        help="MB of resident memory never to exceed")
    parser.add_argument("--log", type=Path, default=None, help="action log (JSON lines)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder to keep the school and outputs in (default: removed)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="qingxin-soak-") as folder:
        return run(args, Path(folder))


def openpyxl_temp_files() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("openpyxl.*")}


def run(args: argparse.Namespace, folder: Path) -> int:
    log = (args.log or folder / "actions.jsonl").resolve()
    log.parent.mkdir(parents=True, exist_ok=True)
    before = openpyxl_temp_files()
    command = [sys.executable, "-m", "bench.soak_driver", "--minutes", str(args.minutes),
               "--seed", str(args.seed), "--students", str(args.students),
               "--lock-seconds", str(args.lock_seconds), "--folder", str(folder),
               "--log", str(log)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    print(f"soak: seed {args.seed}, {args.minutes:g} min, {args.students} students, "
          f"log {log}", flush=True)
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    frozen = False
    limit = started + args.minutes * 60 + 600  # school creation, warm-up, shutdown
    while child.poll() is None:
        time.sleep(POLL_S)
        quiet = time.time() - log.stat().st_mtime if log.exists() else 0
        if quiet > FREEZE_S or time.monotonic() > limit:
            frozen = True
            child.kill()
    out = child.stdout.read() if child.stdout else ""
    result = _last_json(out)
    problems = judge(args, child.returncode, frozen, result)
    leaked = openpyxl_temp_files() - before
    if leaked:
        problems.append(f"{len(leaked)} openpyxl temporary file(s) left in the system TEMP")
    report(args, result, problems, time.monotonic() - started)
    return 1 if problems else 0


def _last_json(out: str) -> dict:
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def judge(args: argparse.Namespace, code: int | None, frozen: bool, result: dict) -> list[str]:
    problems = []
    if frozen:
        problems.append(f"the program froze (no action for {FREEZE_S} s) or overran")
    elif code != 0 or not result:
        problems.append(f"the program crashed (exit code {code})")
    problems += [f"unexpected error: {u}" for u in result.get("unexpected", [])]
    problems += [f"stuck: {s}" for s in result.get("stuck_ops", [])]
    if result.get("lock_misses"):
        problems.append(f"the idle lock did not come {result['lock_misses']} time(s)")
    if result.get("quit_early"):
        problems.append("the program quit by itself")
    highest = max((mb for _t, mb in result.get("rss_mb", [])), default=0)
    if highest > args.memory_cap:
        problems.append(f"resident memory reached {highest:.0f} MB (cap "
                        f"{args.memory_cap:g} MB)")
    growth = memory_growth(result.get("rss_mb", []), args.minutes)
    if growth is not None and growth > args.memory_bound:
        problems.append(f"memory grew {growth:.0f} MB after warm-up (bound "
                        f"{args.memory_bound:g} MB)")
    return problems


def memory_growth(samples: list[list[float]], minutes: float) -> float | None:
    """The highest resident memory after warm-up minus the highest during it."""
    warm = max(minutes / 5, WARM_UP_MIN)
    during = [mb for t, mb in samples if t <= warm]
    after = [mb for t, mb in samples if t > warm]
    if not during or not after:
        return None
    return max(after) - max(during)


def report(args: argparse.Namespace, result: dict, problems: list[str], seconds: float) -> None:
    samples = result.get("rss_mb", [])
    rss = [mb for _t, mb in samples]
    growth = memory_growth(samples, args.minutes)
    print(f"soak: seed {args.seed}: {result.get('actions', 0):,} actions in "
          f"{args.minutes:g} min ({result.get('ticks', 0):,} ticks; {seconds:.0f} s with "
          "school and shutdown); memory "
          + (f"{min(rss):.0f}–{max(rss):.0f} MB" if rss else "not measured")
          + (f", {growth:+.0f} MB after warm-up" if growth is not None
             else " (run shorter than the warm-up: cap only)"), flush=True)
    for problem in problems:
        print(f"  FAIL {problem}", flush=True)
    print("soak: " + ("FAIL" if problems else "PASS"), flush=True)
