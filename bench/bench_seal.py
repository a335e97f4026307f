"""Sealed export benchmark: seal a 50 MB export, median of 5 (target < 2 s).

    .venv/bin/python bench/bench_seal.py [--mb 50] [--runs 5]

The export is three files (an xlsx, a PDF and a CSV, random bytes so nothing is
compressible) sealed to an X25519 and to an X-Wing district key. Also shown: `verify`
(what the district runs without its private key) and `open_sealed`. Exits 1 if sealing
misses the target, so CI can run it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.seal import (
    SealMeta,
    new_district_key,
    new_school_key,
    open_sealed,
    seal,
    verify,
)

TARGET_SECONDS = 2.0


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def export_files(total_mb: int) -> dict[str, bytes]:
    mb = 1024 * 1024
    csv_mb = max(1, total_mb // 10)
    xlsx_mb = (total_mb - csv_mb) // 2
    return {"summary.xlsx": os.urandom(xlsx_mb * mb),
            "summary.pdf": os.urandom((total_mb - csv_mb - xlsx_mb) * mb),
            "key_students.csv": os.urandom(csv_mb * mb)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    files = export_files(args.mb)
    meta = SealMeta("4131011234", "青心实验中学", "2026-2027-1")
    school = new_school_key()
    ok = True
    print(f"payload {sum(map(len, files.values())) / 2**20:.0f} MiB in {len(files)} files, "
          f"median of {args.runs} runs")
    for kem in ("x25519", "mlkem768x25519"):
        district = new_district_key(kem)
        public = district.public_key()
        sealed = seal(files, meta, public, school)
        t_seal = timed(lambda p=public: seal(files, meta, p, school), args.runs)
        t_verify = timed(lambda s=sealed: verify(s, school.public_key()), args.runs)
        t_open = timed(lambda s=sealed, d=district: open_sealed(s, d, school.public_key()),
                       args.runs)
        verdict = "ok" if t_seal < TARGET_SECONDS else "MISSES TARGET"
        ok &= t_seal < TARGET_SECONDS
        print(f"{kem:15s} seal {t_seal:6.3f} s ({verdict}, target < {TARGET_SECONDS:.0f} s)   "
              f"verify {t_verify:6.3f} s   open {t_open:6.3f} s   file {len(sealed):,} bytes")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
