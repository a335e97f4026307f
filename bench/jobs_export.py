"""The district export of the current term from the ten-year school (preview, then
seal: sign, encrypt, write, audit), the district's aggregate of 400 such exports, and
sealing a 50 MiB export, the size the sealing
target names, to an X25519 and to an X-Wing (ML-KEM-768 + X25519) district key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from app.deployment import Deployment, ReportPolicy
from app.seal import (
    DistrictRegister,
    SchoolPublicKey,
    SealMeta,
    new_district_key,
    new_school_key,
    open_sealed,
    save_key,
    seal,
    verify,
)
from app.seal.register import register_beside
from app.services.district.export import preview_export, seal_export
from bench.context import Bench
from bench.school import SCHOOL_CODE
from bench.table import Row, Target, timed


def district_export(bench: Bench) -> list[Row]:
    period = bench.school.period
    deployment = Deployment(school_code=SCHOOL_CODE,
                            district_key=new_district_key("mlkem768x25519").public_key(),
                            policy=ReportPolicy(key_students="pseudonymous"))
    with bench.store() as store, tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        preview = preview_export(store, period, deployment)
        made = timed(lambda: preview_export(store, period, deployment), bench.runs)
        out = Path(tmp) / "export.qxseal"
        sealed = timed(lambda: seal_export(store, preview, out), bench.runs)
        kib = out.stat().st_size / 1024
    return [Row("export", f"district export {period}: preview (statistics, xlsx, PDF, JSON, "
                          f"{len(preview.student_ids)} key students pseudonymised)", made),
            Row("export", f"seal that export ({kib:.0f} KiB: sign, encrypt, write, audit)",
                sealed, target=Target(2.0))]


def seal_50mb(bench: Bench) -> list[Row]:
    total = bench.size(50, 2)
    files = _export_files(total)
    meta = SealMeta(SCHOOL_CODE, "青心基准测试中学", bench.school.period, 1)
    school = new_school_key()
    x25519 = new_district_key("x25519").public_key()
    xwing = new_district_key("mlkem768x25519")
    sealed = seal(files, meta, xwing.public_key(), school)
    return [
        Row("seal", f"seal a {total} MiB export to an X25519 district key",
            timed(lambda: seal(files, meta, x25519, school), bench.runs), target=Target(2.0)),
        Row("seal", f"seal a {total} MiB export to an X-Wing (ML-KEM-768 + X25519) key",
            timed(lambda: seal(files, meta, xwing.public_key(), school), bench.runs),
            target=Target(2.0)),
        Row("seal", "verify it (the district, without its private key)",
            timed(lambda: verify(sealed, school.public_key(),
                                expected_period=meta.period), bench.runs)),
        Row("seal", "open it (the district)",
            timed(lambda: open_sealed(sealed, xwing, school.public_key(),
                                     expected_period=meta.period), bench.runs)),
    ]


def _export_files(total_mb: int) -> dict[str, bytes]:
    """An xlsx, a PDF and a CSV of random bytes: nothing compresses, as with real files
    that are already compressed."""
    mb = 1024 * 1024
    csv_mb = max(1, total_mb // 10)
    xlsx_mb = (total_mb - csv_mb) // 2
    return {"summary.xlsx": os.urandom(xlsx_mb * mb),
            "summary.pdf": os.urandom((total_mb - csv_mb - xlsx_mb) * mb),
            "key_students.csv": os.urandom(csv_mb * mb)}


def district_aggregate(bench: Bench) -> list[Row]:
    """The district's aggregate of 400 schools' sealed exports (10 in the smoke run): the
    bench school's export, with its key-student list, re-sealed under 400 school codes,
    each with its own signing key registered. `qingxin district aggregate` runs as the
    district would run it — a folder, the register, the summary workbook and the merged
    key-student list — in a child process, whose wall time and peak memory are read."""
    schools = bench.size(400, 10)
    period = bench.school.period
    district = new_district_key("mlkem768x25519")
    deployment = Deployment(school_code=SCHOOL_CODE, district_key=district.public_key(),
                            policy=ReportPolicy(key_students="pseudonymous"))
    with bench.store() as store:
        preview = preview_export(store, period, deployment)
    with tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        root = Path(tmp)
        inbox = root / "in"
        inbox.mkdir()
        key_file = root / "district_private_key.json"
        save_key(district, key_file)
        register = DistrictRegister.create(register_beside(key_file))
        for n in range(schools):
            code = f"41310{n:05d}"
            signing = new_school_key()
            register.register_school(SchoolPublicKey(signing.public_key(), code))
            files = {name.replace(SCHOOL_CODE, code, 1): _recoded(name, f.data, code)
                     for name, f in ((f.name, f) for f in preview.files)}
            meta = SealMeta(code, f"基准学校{n}", period, 1)
            (inbox / f"{code}.qxseal").write_bytes(seal(files, meta, district.public_key(),
                                                        signing))
        register.save()
        runs = [_aggregate_once(inbox, key_file, period, root) for _ in range(bench.runs)]
    size = f"{schools} schools, {len(preview.student_ids)} listed students each"
    return [Row("aggregate", f"district aggregate: {size} (verify, open, add up, write the "
                             "summary and the merged list)", tuple(r[0] for r in runs),
                target=Target(10.0)),
            Row("aggregate", "district aggregate: CPU time of that process (user + "
                             "system; on a loaded machine the wall time above is longer)",
                tuple(r[2] for r in runs)),
            Row("aggregate", "district aggregate: peak memory (RSS)",
                tuple(r[1] for r in runs), "MB", Target(1024.0))]


def _recoded(name: str, data: bytes, code: str) -> bytes:
    """The data file names its school: re-sealed under another code, it must name that."""
    if not name.endswith("_统计数据.json"):
        return data
    doc = json.loads(data)
    doc["school_code"] = code
    return json.dumps(doc, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _aggregate_once(inbox: Path, key_file: Path, period: str, root: Path
                    ) -> tuple[float, float, float]:
    """One `district aggregate` in a child process: (seconds, peak RSS in MB, CPU
    seconds). Each run
    gets a fresh copy of the register, so every file is new to it."""
    register = root / "run_register.json"
    shutil.copyfile(register_beside(key_file), register)
    out, listed = root / "汇总.xlsx", root / "名单.xlsx"
    out.unlink(missing_ok=True)
    listed.unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "district", "aggregate", str(inbox), "--key",
         str(key_file), "--register", str(register), "--period", period, "--out", str(out),
         "--key-list-out", str(listed)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = _TreeMemory(child.pid)
    peak.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    peak.stop = True
    peak.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"district aggregate exited {child.returncode}: "
                           f"{child.stderr.read().decode(errors='replace')[-500:]}")
    child.stderr.close()
    # ru_maxrss is the largest of the process and its workers, not their sum; CPU time
    # (user + system) includes the workers it waited for.
    rss = max(usage.ru_maxrss * 1024, peak.bytes) / 1024 / 1024  # ru_maxrss: KiB on Linux
    return seconds, rss, usage.ru_utime + usage.ru_stime


class _TreeMemory(threading.Thread):
    """The peak of the summed memory of a process and its children (the aggregate's
    worker processes), sampled every 50 ms from /proc (Linux; 0 elsewhere): each
    process's PSS, so pages a forked worker still shares with its parent count once
    (summed RSS counted them in each: 2.0 GB for 0.6 GB in use)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.bytes, self.stop = pid, 0, False

    def run(self) -> None:
        while not self.stop:
            self.bytes = max(self.bytes, sum(map(_rss, _tree(self.pid))))
            time.sleep(0.05)


def _tree(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += (task / "children").read_text().split()
        except OSError:
            continue
    return [pid, *(p for c in children for p in _tree(int(c)))]


def _rss(pid: int) -> int:
    """The process's proportional set size (bytes), or its RSS where smaps_rollup is
    missing (kernels before 4.14)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
