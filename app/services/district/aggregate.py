"""The district's side: open many schools' sealed exports and add them up.

Each file is checked on its own — signature by the key the district's register holds for
the school code it claims, encryption to this district's key, a suite the district still
accepts, the period being collected (always named by the caller, never taken from a
file), its sequence number against the files already accepted, the data file inside in
the expected format — and a file that fails any check is refused with its reason,
without stopping the others. Only what the schools sent is used: suppressed cells stay
suppressed, and a district total that includes one says so ("≥N").

The register (app/seal/register.py) is the one place school keys come from: a key found
only by the fingerprint a file claims would let one school sign for another, so the
code decides which key is used. Of one school's files for the period the highest
sequence number counts; a file older than one the register already accepted is a replay
and is refused. `record_accepted` writes the accepted files into the register once the
district's workbook is out.

A school whose policy sends key students one by one ("pseudonymous" or "named") seals a
`…_重点学生名单.xlsx` beside the data file; its rows are read by their column headings,
so the district's list carries what each school sent and nothing a school left out.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import python_calamine

from app.errors import BadInputError
from app.gc_pause import frozen_heap, gc_paused
from app.seal import (
    DistrictPrivateKey,
    DistrictRegister,
    Manifest,
    SealError,
    open_sealed,
    peek_manifest,
)
from app.seal.layout import MAX_FILE_LEN
from app.seal.manifest import check_period
from app.services.district.files import DATA_FORMAT, READABLE_VERSIONS
from app.services.progress import NO_PROGRESS, Progress
from app.sheet_limits import DEFAULT_LIMITS, check_workbook

DATA_SUFFIX = "_统计数据.json"
LIST_SUFFIX = "_重点学生名单.xlsx"
LIST_SHEET = "重点学生名单"
KEY_LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "编码"), ("name", "姓名"), ("student_no", "学籍号"), ("class", "班级"),
    ("grade", "年级"), ("gender", "性别"), ("level_label", "预警等级"), ("since", "起始日期"),
    ("next_followup", "下次随访"), ("overdue_days", "逾期天数"), ("referral_open", "转介进行中"))
"""Columns of a school's key-student list the district keeps, by the headings the school
writes (export_tables.key_student_list); 姓名/学籍号/班级 only come from "named" schools.
The level's code column is left out: its label says the same."""


@dataclass(frozen=True)
class Submission:
    """One school's accepted export: who, when, and its tables (code → columns, rows)."""

    file: Path
    school_code: str
    school_name: str
    period: str
    created: str
    key_fingerprint: str
    min_cell: int
    key_students: str
    tables: dict[str, dict]
    key_list: tuple[dict[str, object], ...] = ()
    """The school's key students by column code, in the school's order; empty under
    "counts"."""
    key_list_problem: str = ""
    """Why a listing school's list could not be read (the file still counts)."""
    manifest: Manifest | None = None
    """The signed manifest (school, period, sequence), for the register."""
    sha256: str = ""
    """Of the whole sealed file, as the register records it."""
    version: int = 2
    """Of the data file: 2 counts each instrument once per term, 1 campaign by campaign."""
    cells: str = "suppressed"
    """The school's policy for small cells: "suppressed", or "exact" counts (version 2)."""
    _rows: dict[str, list[dict]] = field(default_factory=dict, init=False, repr=False,
                                         compare=False)
    """`rows` made once per table (the workbook reads each table more than once)."""

    @property
    def sequence(self) -> int:
        return self.manifest.sequence if self.manifest is not None else 0

    def rows(self, code: str) -> list[dict]:
        """A table's rows as dicts by column code ([] when the school's policy left the
        table out). Made once and shared: callers read them, never change them."""
        made = self._rows.get(code)
        if made is None:
            made = self._rows[code] = self._make_rows(code)
        return made

    def _make_rows(self, code: str) -> list[dict]:
        table = self.tables.get(code)
        if table is None:
            return []
        rows = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
        for r in rows:
            # Version 2 counts a term per instrument over "campaigns"; version 1 counted
            # one "campaign". The workbook labels a row by either under one key.
            if "campaigns" in r:
                r.setdefault("campaign", r["campaigns"])
            if "previous_campaigns" in r:
                r.setdefault("previous_campaign", r["previous_campaigns"])
        return rows


@dataclass(frozen=True)
class Refusal:
    file: Path
    reason: str
    school_code: str = ""


@dataclass(frozen=True)
class Collected:
    period: str
    accepted: tuple[Submission, ...]
    refused: tuple[Refusal, ...]


class _Refused(Exception):
    def __init__(self, reason: str, code: str = "") -> None:
        super().__init__(reason)
        self.reason, self.code = reason, code


def _open_one(path: Path, district_key: DistrictPrivateKey, register: DistrictRegister,
              period: str) -> Submission:
    try:
        if path.stat().st_size > MAX_FILE_LEN:
            raise _Refused("文件太大，不是青心密封报送文件。")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _Refused("找不到文件。") from None
    except OSError as err:
        raise _Refused(f"无法读取文件（{type(err).__name__}）。") from None
    code = ""
    try:
        claimed = peek_manifest(data)
        code = claimed.school_code
        key = register.key_for(claimed)
        opened = open_sealed(data, district_key, key, expected_school_code=code,
                             expected_period=period)
        sha256 = hashlib.sha256(data).hexdigest()
        register.check_new(opened.manifest, sha256)
    except SealError as err:
        raise _Refused(err.message, code) from None
    manifest, files = opened.manifest, opened.files
    names = [n for n in files if n.endswith(DATA_SUFFIX)]
    if len(names) != 1:
        raise _Refused("文件中没有统计数据（…_统计数据.json），可能不是青心生成的学期报送。", code)
    try:
        doc = json.loads(files[names[0]].decode("utf-8"))
        if doc.get("format") != DATA_FORMAT or doc.get("version") not in READABLE_VERSIONS:
            raise ValueError("format")
        if doc["school_code"] != manifest.school_code or doc["period"] != manifest.period:
            raise _Refused("统计数据中的学校代码或学期与签名清单不一致。", code)
        mode = str(doc["key_students"])
        sub = Submission(path, manifest.school_code, opened.contents.school_name,
                         manifest.period, opened.contents.created,
                         manifest.school_key_fingerprint, int(doc["min_cell"]), mode,
                         dict(doc["tables"]), manifest=manifest, sha256=sha256,
                         version=int(doc["version"]), cells=str(doc.get("cells", "suppressed")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise _Refused("统计数据的格式本程序不认识（版本不同？请升级青心）。", code) from None
    if mode == "counts":
        return sub
    rows, problem = _key_list(files)
    return replace(sub, key_list=rows, key_list_problem=problem)


def _key_list(files: dict[str, bytes]) -> tuple[tuple[dict[str, object], ...], str]:
    """A listing school's key students, or no rows and why. Never a refusal: the file's
    signature already holds, and its tables count whatever became of the list. Read with
    python-calamine: openpyxl spent ≈ 50 ms on each school's small workbook, most of a
    400-school aggregate."""
    names = [n for n in files if n.endswith(LIST_SUFFIX)]
    if len(names) != 1:
        return (), "文件中没有重点学生名单。"
    try:
        # Signed by the school, yet read as any teacher's file is: a sheet reaching
        # XFD1048576 would make calamine abort the district's whole run.
        check_workbook(files[names[0]], names[0], DEFAULT_LIMITS)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(files[names[0]]))
        if LIST_SHEET not in book.sheet_names:
            return (), "重点学生名单无法读取。"
        lines = book.get_sheet_by_name(LIST_SHEET).to_python(skip_empty_area=False)
    except BadInputError as err:
        return (), err.message
    except (python_calamine.CalamineError, OSError, ValueError, IndexError):
        return (), "重点学生名单无法读取。"
    heading = {label: i for i, label in enumerate(lines[0] if lines else ())}
    if "编码" not in heading:
        return (), "重点学生名单的格式本程序不认识（版本不同？请升级青心）。"
    columns = [(key, heading[label]) for key, label in KEY_LIST_COLUMNS if label in heading]
    keys, index = [k for k, _ in columns], [i for _, i in columns]
    width = max(index) + 1
    rows = []
    for line in lines[1:]:
        if not line or line[0] in (None, ""):
            break  # a blank line, then the list's note
        if len(line) >= width:
            rows.append(dict(zip(keys, map(_cell, map(line.__getitem__, index)), strict=True)))
        else:
            rows.append({key: _cell(line[i]) for key, i in columns if i < len(line)})
    return tuple(rows), ""


def _cell(value: object) -> object:
    """A list cell as openpyxl gave it: blank as None, a whole number as an int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


PARALLEL_FROM = 48
"""Files from which `collect` opens them in worker processes: a worker's start costs
≈ 0.3 s where processes are spawned (Windows), one school's file ≈ 8 ms of CPU."""
MAX_WORKERS = 8
START_METHOD: str | None = None
"""multiprocessing's start method for the workers; None is the platform's own (fork on
Linux, spawn on Windows and macOS — the frozen program calls freeze_support first)."""


@gc_paused()
def collect(files: Sequence[Path], district_key: DistrictPrivateKey,
            register: DistrictRegister, period: str, progress: Progress = NO_PROGRESS,
            workers: int | None = None) -> Collected:
    """Open every file for `period` — which the caller names: a period taken from the
    first file would let an old file switch the whole run to its term. Of one school's
    files the one with the highest sequence number counts and the others are refused, so
    no school is counted twice and a re-sent older file never wins. The register is only
    read here; `record_accepted` writes to it.

    Opening (verify, decrypt, parse, read the key list) is each file on its own, so from
    PARALLEL_FROM files it runs in worker processes, one per core (`workers` overrides:
    1 opens every file here); the results are taken in the order of `files` whatever
    order the workers finish in, so the outcome — accepted, refused, every reason — is
    the one opening them here gives. `progress` hears of the files opened and may cancel
    between them."""
    check_period(period)
    accepted: dict[str, Submission] = {}
    refused: list[Refusal] = []
    for sub in _open_all(files, district_key, register, period, progress, workers):
        if isinstance(sub, Refusal):
            refused.append(sub)
            continue
        old = accepted.get(sub.school_code)
        if old is not None:
            keep, drop = (sub, old) if sub.sequence > old.sequence else (old, sub)
            if sub.sequence == old.sequence and sub.sha256 != old.sha256:
                reason = (f"学校 {sub.school_code} 本学期有两份序号同为 {sub.sequence} 的不同文件"
                          f"（另一份 {old.file.name}），此份未计入。")
            elif sub.sha256 == old.sha256:
                reason = f"与 {old.file.name} 是同一份文件，未重复计入。"
            else:
                reason = (f"学校 {sub.school_code} 本学期另有一份序号更高的报送"
                          f"（{keep.file.name}，序号 {keep.sequence}），"
                          f"此份（序号 {drop.sequence}）未计入。")
            refused.append(Refusal(drop.file, reason, sub.school_code))
            sub = keep
        accepted[sub.school_code] = sub
    return Collected(period, tuple(sorted(accepted.values(), key=lambda s: s.school_code)),
                     tuple(refused))


def _try_open(path: Path, district_key: DistrictPrivateKey, register: DistrictRegister,
              period: str) -> Submission | Refusal:
    try:
        return _open_one(path, district_key, register, period)
    except _Refused as r:
        return Refusal(path, r.reason, r.code)


def worker_count(jobs: int) -> int:
    """Worker processes for `jobs` independent pieces of work: one per core no other
    process is using now (`idle_cores`, rounded), none below PARALLEL_FROM or with fewer
    than two free. Workers only pay where cores are idle: each piece's result is pickled
    back, ≈ 25 % more CPU in all, and on a machine already busy (load 3–4 on 2 cores) a
    400-school aggregate took 22–26 s with them against 15–21 s without. The result is
    the same either way; only the time differs."""
    if jobs < PARALLEL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # Windows and macOS have no sched_getaffinity
        cores = os.cpu_count() or 1
    free = min(cores, MAX_WORKERS, round(idle_cores(cores)))
    return free if free >= 2 else 1


def idle_cores(cores: int) -> float:
    """How many of `cores` no other process is using: the machine's idle time over
    0.1 s (/proc/stat, Linux) — not the load average, which counts this very run's last
    minute (and the bench's own sealing before it) as a busy core —, else cores minus
    the load average (macOS), else all of them (Windows)."""
    try:
        idle, total = _cpu_ticks()
        time.sleep(0.1)
        idle2, total2 = _cpu_ticks()
        if total2 > total:
            return cores * (idle2 - idle) / (total2 - total)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return cores - os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return float(cores)


def _cpu_ticks() -> tuple[int, int]:
    """(idle + iowait, all) of /proc/stat's first line, in clock ticks."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(t) for t in stat.readline().split()[1:9]]
    return ticks[3] + ticks[4], sum(ticks)


def _open_all(files: Sequence[Path], district_key: DistrictPrivateKey,
              register: DistrictRegister, period: str, progress: Progress,
              workers: int | None) -> list[Submission | Refusal]:
    total = len(files)
    count = min(worker_count(total) if workers is None else workers, total)
    done: list[Submission | Refusal] = []
    if count > 1:
        # No worker processes here (or one died): the rest are opened in this one.
        with contextlib.suppress(BrokenProcessPool, OSError, NotImplementedError):
            _open_in_workers(files, district_key, register, period, progress, count, done)
    for path in files[len(done):]:
        progress.step(len(done), total)
        done.append(_try_open(path, district_key, register, period))
    progress.step(total, total)
    return done


def _open_in_workers(files: Sequence[Path], district_key: DistrictPrivateKey,
                     register: DistrictRegister, period: str, progress: Progress,
                     count: int, done: list[Submission | Refusal]) -> None:
    """Chunks of files to `count` worker processes; results appended to `done` in the
    order of `files`. The district key goes to each worker once, through the pool's
    pipe (never a file). Cancel stops the chunks not yet started."""
    size = max(1, min(16, len(files) // (count * 4)))
    chunks = [list(files[i:i + size]) for i in range(0, len(files), size)]
    import multiprocessing

    pool = ProcessPoolExecutor(count, multiprocessing.get_context(START_METHOD),
                               initializer=_start_worker,
                               initargs=(district_key.kem, district_key.secret, register,
                                         period))
    try:
        with frozen_heap():
            futures: list[Future[list[Submission | Refusal]]] = [
                pool.submit(_open_chunk, chunk) for chunk in chunks]
        for future in futures:
            progress.step(len(done), len(files))
            done.extend(future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_worker: tuple[DistrictPrivateKey, DistrictRegister, str] | None = None


def _start_worker(kem: str, secret: bytes, register: DistrictRegister, period: str) -> None:
    global _worker
    _worker = (DistrictPrivateKey(kem, secret), register, period)  # type: ignore[arg-type]


def _open_chunk(paths: list[Path]) -> list[Submission | Refusal]:
    assert _worker is not None, "_start_worker runs first in every worker"
    key, register, period = _worker
    return [_try_open(path, key, register, period) for path in paths]


def record_accepted(register: DistrictRegister, collected: Collected) -> int:
    """Write the run's accepted files into the register (school, period, sequence, hash)
    and save it; returns how many were new to it."""
    new = 0
    for sub in collected.accepted:
        assert sub.manifest is not None
        if not register.check_new(sub.manifest, sub.sha256):
            register.record(sub.manifest, sub.sha256, sub.file.name)
            new += 1
    register.save()
    return new
