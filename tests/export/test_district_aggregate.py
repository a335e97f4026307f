"""The district's aggregate: every file verified on its own, a bad one refused with its
reason while the others are still added up; one workbook with per-school rows and
district totals that keep the schools' suppression."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.deployment import ReportPolicy
from app.seal import REGISTER_FILE, DistrictRegister, new_district_key, save_key
from app.services.accounts.auth import unlock
from app.services.district import aggregate
from app.services.district.aggregate import collect, record_accepted
from app.services.district.export import preview_export, seal_export
from app.services.district.workbook import district_workbook
from app.services.progress import Cancelled, Progress
from app.services.setup import create_school
from app.store import keyslots
from tests.export.export_helpers import CREATED, deployment, register_school
from tests.reports.reports_helpers import make_screened_school

CODES = ("4131010001", "4131010002")


@dataclass(frozen=True)
class Submissions:
    period: str
    files: dict[str, Path]  # "a", "b", "a_old", "tampered", "other_district"
    root: Path
    district_key_file: Path

    def register(self) -> DistrictRegister:
        return DistrictRegister.load(self.root / REGISTER_FILE)


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Submissions:
    root = tmp_path_factory.mktemp("district")
    district = new_district_key("x25519")
    stranger = new_district_key("x25519")
    files: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keyslots, "DEFAULT_KDF", keyslots.KdfParams(8 * 1024, 1, 1))
        for name, code, n, seed in (("a", CODES[0], 120, 3), ("b", CODES[1], 90, 11)):
            db = root / name / "q.db"
            create_school(db, f"学校{name}", "admin", "pass-word-1")
            with unlock(db, "admin", "pass-word-1") as store:
                screened_school = make_screened_school(store, n, seed)
                dep = deployment(district, "pseudonymous", code=code)
                if name == "a":  # sealed first: a lower sequence number, a LATER clock
                    older = preview_export(store, screened_school.period, dep,
                                           created=CREATED + timedelta(days=3))
                    files["a_old"] = seal_export(store, older, root / "a_old.qxseal").path
                    files["other_district"] = seal_export(
                        store, older, root / "x.qxseal", stranger.public_key()).path
                preview = preview_export(store, screened_school.period, dep, created=CREATED)
                files[name] = seal_export(store, preview, root / f"{name}.qxseal").path
                register_school(root, store, code)
    data = bytearray(files["a"].read_bytes())
    data[len(data) // 2] ^= 0x01
    files["tampered"] = root / "tampered.qxseal"
    files["tampered"].write_bytes(bytes(data))
    key_file = root / "district_private_key.json"
    save_key(district, key_file)
    return Submissions(screened_school.period, files, root, key_file)


def _district_key(sent: Submissions):  # type: ignore[no-untyped-def]
    from app.seal import load_district_private_key

    return load_district_private_key(sent.district_key_file)


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def test_tampered_file_is_refused_and_the_others_are_added_up(sent):
    f = sent.files
    result = collect([f["tampered"], f["a"], f["b"]], _district_key(sent), sent.register(),
                     sent.period)
    assert [s.school_code for s in result.accepted] == list(CODES)
    assert [r.file for r in result.refused] == [f["tampered"]]
    assert "签名无效" in result.refused[0].reason
    sheets = _sheets(district_workbook(result, CREATED))
    listed = {r[5]: (r[6], r[7]) for r in sheets["学校清单"][1:]}
    assert listed["tampered.qxseal"][0] == "已拒绝" and listed["a.qxseal"] == ("已汇总", None)
    rows = sheets["参测情况"]
    total = next(r for r in rows if r[0] == "全区合计" and "PHQ-9" in r[3])
    schools = [r for r in rows[1:] if r[0] in CODES and "PHQ-9" in r[3]]
    # One row per school for the term's PHQ-9, both campaigns counted, each student once.
    assert [r[2] for r in schools] == ["九月 PHQ-9、十一月 PHQ-9"] * 2
    assert total[4] == sum(r[4] for r in schools) == 120 + 90  # 应测: exact
    # The last four students of each school answered neither campaign.
    assert total[5] == sum(r[5] for r in schools) == 116 + 86  # 完成
    # November's student on leave and the exempt one were due in September: due, once.
    assert total[6] == total[7] == total[8] == 0
    levels = sheets["预警等级人数"]
    assert levels[-1][:3] == ("全区合计", "2 所学校", 2)


def test_band_sheets_keep_suppression_and_mark_inexact_totals(sent):
    result = collect([sent.files["a"], sent.files["b"]], _district_key(sent), sent.register(),
                     sent.period)
    sheets = _sheets(district_workbook(result, CREATED))
    phq = next(v for k, v in sheets.items() if k.startswith("分级-") and "PHQ" in k)
    values = [v for row in phq for v in row[4:] if v is not None]
    assert "<5" in values
    # A total over a hidden cell is the range the schools' tables allow, not a floor.
    ranges = [v for v in values if isinstance(v, str) and "–" in v]
    assert ranges and all(int(v.split("–")[0]) < int(v.split("–")[1]) for v in ranges)
    assert all(not isinstance(v, int) or v == 0 or v >= 5 for v in values)
    labels = [row[3] for row in phq if row and row[0] == "全区"]
    assert {"全区合计", "全区·男", "全区·女", "全区·初一"} <= set(labels)


def test_each_refusal_has_its_own_reason(sent, tmp_path):
    f = sent.files
    only_b = sent.register()
    only_b.keys = [k for k in only_b.keys if k.school_code == CODES[1]]
    junk = tmp_path / "junk.qxseal"
    junk.write_bytes(b"not sealed at all")
    result = collect([f["a"], f["b"], f["other_district"], junk], _district_key(sent), only_b,
                     sent.period)
    reasons = {r.file.name: r.reason for r in result.refused}
    assert "没有学校代码 4131010001 的公钥" in reasons["a.qxseal"]
    assert "没有学校代码 4131010001 的公钥" in reasons["x.qxseal"]
    assert "不是青心密封报送文件" in reasons["junk.qxseal"]
    assert [s.school_code for s in result.accepted] == [CODES[1]]
    other = collect([f["other_district"]], _district_key(sent), sent.register(), sent.period)
    assert "另一把区级密钥" in other.refused[0].reason
    classical_only = sent.register()
    classical_only.set_suites(["mlkem768x25519"])
    refused = collect([f["b"]], _district_key(sent), classical_only, sent.period).refused
    assert "不再接受" in refused[0].reason


def test_wrong_period_and_duplicates(sent):
    f = sent.files
    wrong = collect([f["a"]], _district_key(sent), sent.register(), period="2030-2031-2")
    assert "学期" in wrong.refused[0].reason and not wrong.accepted
    # The higher sequence wins, whatever the school PC's clock said; order does not matter.
    for order in ([f["a_old"], f["a"]], [f["a"], f["a_old"]]):
        dup = collect(order, _district_key(sent), sent.register(), sent.period)
        assert [s.file for s in dup.accepted] == [f["a"]]
        assert dup.refused[0].file == f["a_old"] and "序号更高的报送" in dup.refused[0].reason


def test_an_old_file_cannot_switch_the_run_or_replace_an_accepted_one(sent, tmp_path):
    """Issue 16: a term's old file named to sort first once set the run's period; and a
    superseded file could be sent again. The period is now the caller's, and the register
    refuses an older sequence than it accepted."""
    register = sent.register()
    register.path = tmp_path / "register.json"
    first = collect([sent.files["a"], sent.files["b"]], _district_key(sent), register,
                    sent.period)
    assert record_accepted(register, first) == 2
    assert record_accepted(register, first) == 0  # the same files again: nothing new
    again = collect([sent.files["a_old"], sent.files["b"]], _district_key(sent),
                    DistrictRegister.load(register.path), sent.period)
    assert [s.school_code for s in again.accepted] == [CODES[1]]
    assert "旧报送文件" in again.refused[0].reason


def test_cli_exits_non_zero_when_any_file_is_refused(sent, tmp_path, capsys):
    f = sent.files
    register = tmp_path / "register.json"
    register.write_bytes((sent.root / REGISTER_FILE).read_bytes())
    args = ["district", "aggregate", "--key", str(sent.district_key_file), "--register",
            str(register)]
    out = tmp_path / "district.xlsx"
    with pytest.raises(SystemExit):  # the period is named, never taken from a file
        main([*args, str(f["a"]), "--out", str(out)])
    assert "--period" in capsys.readouterr().err
    assert main([*args, str(f["a"]), str(f["tampered"]), str(f["b"]), "--out", str(out),
                 "--period", sent.period]) == 1
    err = capsys.readouterr().err
    assert "tampered.qxseal" in err and "签名无效" in err
    assert out.exists()
    ok = tmp_path / "ok.xlsx"
    assert main([*args, str(f["a"]), str(f["b"]), "--out", str(ok),
                 "--period", sent.period]) == 0
    assert "已汇总 2 所学校" in capsys.readouterr().out
    accepted = DistrictRegister.load(register).accepted
    assert sorted(a.school_code for a in accepted) == list(CODES)
    assert main([*args, str(f["a_old"]), "--out", str(ok), "--period", sent.period]) == 1
    assert "旧报送文件" in capsys.readouterr().err
    # The district's own policy for what the workbook publishes.
    exact = tmp_path / "exact.xlsx"
    assert main([*args, str(f["a"]), str(f["b"]), "--out", str(exact), "--period", sent.period,
                 "--cells", "exact"]) == 0
    about = {r[0]: r[1] for r in _sheets(exact.read_bytes())["说明"]}
    assert 'cells = "exact"' in about["小单元格"]
    assert 'cells = "suppressed"，min_cell = 10' in {r[0]: r[1] for r in _sheets(
        district_workbook(collect([f["a"]], _district_key(sent), sent.register(), sent.period),
                          CREATED, ReportPolicy(min_cell=10)))["说明"]}["小单元格"]
    capsys.readouterr()
    assert main([*args, str(f["a"]), "--out", str(exact), "--period", sent.period,
                 "--min-cell", "0"]) != 0
    assert "--min-cell 应为 1–100" in capsys.readouterr().err


def test_district_keygen_still_lives_in_the_same_group(tmp_path):
    assert main(["district", "keygen", "--out", str(tmp_path / "k")]) == 0
    assert (tmp_path / "k" / "district_public_key.json").exists()


def test_windows_wildcards_and_folders_are_expanded_by_the_program(sent, tmp_path, capsys):
    """cmd and PowerShell pass `D:\\in\\*.qxseal` as typed; a folder stands for its files."""
    inbox = tmp_path / "收件 夹"
    inbox.mkdir()
    for name in ("a", "b"):
        (inbox / f"{name}.qxseal").write_bytes(sent.files[name].read_bytes())
    (inbox / "readme.txt").write_text("not a submission", encoding="utf-8")
    register = tmp_path / "register.json"
    register.write_bytes((sent.root / REGISTER_FILE).read_bytes())
    args = ["district", "aggregate", "--key", str(sent.district_key_file), "--register",
            str(register), "--period", sent.period]
    for given in (str(inbox / "*.qxseal"), str(inbox)):
        out = tmp_path / "汇总.xlsx"
        out.unlink(missing_ok=True)
        assert main([*args, given, "--out", str(out)]) == 0
        printed = capsys.readouterr().out
        assert "已汇总 2 所学校" in printed and out.exists()
        for name, code in (("a", CODES[0]), ("b", CODES[1])):  # each file, on its own line
            assert f"已汇总 {inbox / f'{name}.qxseal'}：学校 {code} 青心实验中学，序号" in printed
        listed = _sheets(out.read_bytes())["学校清单"]  # and written, with every file
        assert [(r[0], r[6]) for r in listed[1:]] == [(CODES[0], "已汇总"), (CODES[1], "已汇总")]


def test_nothing_accepted_writes_no_summary(sent, tmp_path, capsys):
    register = tmp_path / "register.json"
    register.write_bytes((sent.root / REGISTER_FILE).read_bytes())
    args = ["district", "aggregate", "--key", str(sent.district_key_file), "--register",
            str(register), "--period", sent.period]
    out = tmp_path / "汇总.xlsx"
    assert main([*args, str(sent.files["tampered"]), "--out", str(out)]) == 1
    assert "没有写出汇总表" in capsys.readouterr().err and not out.exists()
    assert main([*args, str(tmp_path / "无此目录" / "*.qxseal"), "--out", str(out)]) == 2
    assert "没有与" in capsys.readouterr().err and not out.exists()


def _mixed(sent: Submissions, tmp_path: Path) -> list[Path]:
    """Accepted, refused for each reason, a replayed and a repeated file, in an order
    where the first of two files of a school is not the one that counts."""
    f = sent.files
    junk = tmp_path / "junk.qxseal"
    junk.write_bytes(b"not sealed at all")
    return [f["a_old"], f["tampered"], f["b"], junk, f["a"], f["other_district"], f["b"],
            f["a_old"], f["a"]]


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_workers_give_what_one_process_gives(sent, tmp_path, monkeypatch, start):
    """The files opened by worker processes (as from PARALLEL_FROM files): the same
    accepted submissions, the same refusals with the same reasons, in the same order —
    whatever order the workers finish in; spawn is how Windows starts them."""
    files = _mixed(sent, tmp_path)
    serial = collect(files, _district_key(sent), sent.register(), sent.period, workers=1)
    assert [s.school_code for s in serial.accepted] == list(CODES)
    assert len(serial.refused) == 7
    monkeypatch.setattr(aggregate, "START_METHOD", start)
    seen: list[tuple[int, int]] = []
    parallel = collect(files, _district_key(sent), sent.register(), sent.period,
                       Progress(report=lambda done, total: seen.append((done, total))),
                       workers=3)
    assert parallel == serial
    assert [s.key_list for s in parallel.accepted] == [s.key_list for s in serial.accepted]
    assert all(s.key_list for s in parallel.accepted)
    assert seen[-1] == (len(files), len(files))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert _sheets(district_workbook(parallel, CREATED)) == \
        _sheets(district_workbook(serial, CREATED))


def test_without_worker_processes_the_files_are_opened_here(sent, tmp_path, monkeypatch):
    """A machine where no process can be started (or a worker dies): the same result,
    opened in this process."""
    files = _mixed(sent, tmp_path)
    serial = collect(files, _district_key(sent), sent.register(), sent.period, workers=1)

    class NoPool:
        def __init__(self, *args, **kwargs) -> None:
            raise OSError("no semaphores here")

    monkeypatch.setattr(aggregate, "ProcessPoolExecutor", NoPool)
    assert collect(files, _district_key(sent), sent.register(), sent.period,
                   workers=2) == serial


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_opening_files(sent, tmp_path, workers):
    files = _mixed(sent, tmp_path)
    seen: list[int] = []
    progress = Progress(report=lambda done, _total: seen.append(done),
                        is_cancelled=lambda: len(seen) >= 2)
    with pytest.raises(Cancelled):
        collect(files, _district_key(sent), sent.register(), sent.period, progress,
                workers=workers)
    assert seen == [0, 1]


def test_a_folder_of_many_files_is_opened_by_workers_where_cores_are_free(monkeypatch):
    monkeypatch.setattr(aggregate.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(aggregate, "idle_cores", lambda cores: cores - 0.3)
    assert aggregate.worker_count(aggregate.PARALLEL_FROM - 1) == 1
    assert aggregate.worker_count(aggregate.PARALLEL_FROM) == 2
    monkeypatch.setattr(aggregate, "idle_cores", lambda cores: cores - 0.8)
    assert aggregate.worker_count(aggregate.PARALLEL_FROM) == 1  # one core is taken
    monkeypatch.setattr(aggregate.os, "sched_getaffinity", lambda _pid: set(range(6)),
                        raising=False)
    assert aggregate.worker_count(aggregate.PARALLEL_FROM) == 5


def test_idle_cores_are_read_from_the_machine():
    idle = aggregate.idle_cores(2)
    assert 0.0 <= idle <= 2.0 + 1e-9
