"""Key-student lists in the district aggregate: every school's list in one separate
workbook, school by school, under the mode that school's policy set (named,
pseudonymous, counts only); the summary workbook carries the counts and no student; a
listing school whose list is missing is still added up, with the reason shown."""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.seal import (
    REGISTER_FILE,
    DistrictPrivateKey,
    DistrictRegister,
    new_district_key,
    open_sealed,
    peek_manifest,
    save_key,
)
from app.services.accounts.auth import unlock
from app.services.district.aggregate import KEY_LIST_COLUMNS, LIST_SUFFIX, collect
from app.services.district.export import preview_export, seal_export
from app.services.district.workbook import district_workbook, key_list_workbook
from app.services.setup import create_school
from app.store import keyslots
from tests.export.export_helpers import CREATED, deployment, register_school
from tests.reports.reports_helpers import make_screened_school

# Listed out of code order, so the sheet's order is the aggregate's doing.
SCHOOLS = (("named", "4131010003"), ("pseudonymous", "4131010001"), ("counts", "4131010002"))
KEY_LEVELS = ("危机", "重点关注", "重点关注", "一般关注", "一般关注", "一般关注")


@dataclass(frozen=True)
class Sent:
    files: dict[str, Path]  # by mode, plus "no_list": a pseudonymous school without its list
    names: dict[str, tuple[tuple[str, str], ...]]  # mode → key students' (name, 学籍号)
    root: Path
    district: DistrictPrivateKey
    district_key_file: Path
    period: str


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Sent:
    root = tmp_path_factory.mktemp("lists")
    district = new_district_key("x25519")
    files: dict[str, Path] = {}
    names: dict[str, tuple[tuple[str, str], ...]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keyslots, "DEFAULT_KDF", keyslots.KdfParams(8 * 1024, 1, 1))
        for seed, (mode, code) in enumerate(SCHOOLS, start=21):
            db = root / mode / "q.db"
            create_school(db, f"{mode}中学", "admin", "pass-word-1")
            with unlock(db, "admin", "pass-word-1") as store:
                screened_school = make_screened_school(store, 45, seed)
                names[mode] = tuple((s.name, s.student_no) for s in screened_school.students[:6])
                preview = preview_export(store, screened_school.period,
                                         deployment(district, mode, code), created=CREATED)
                files[mode] = seal_export(store, preview, root / f"{mode}.qxseal").path
                if mode == "pseudonymous":
                    # Signed by the school, yet without the list its policy promises.
                    bare = dataclasses.replace(preview, files=tuple(
                        f for f in preview.files if not f.name.endswith(LIST_SUFFIX)))
                    files["no_list"] = seal_export(store, bare, root / "no_list.qxseal").path
                register_school(root, store, code)
    key_file = root / "district_private_key.json"
    save_key(district, key_file)
    return Sent(files, names, root, district, key_file, screened_school.period)


def _sheet(data: bytes) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [tuple("" if v is None else v for v in row)
            for row in wb["重点学生名单"].iter_rows(values_only=True)]


def _tables(rows: list[tuple]) -> tuple[list[tuple], list[tuple], tuple]:
    """(school header rows, list rows, list heading) of the key-student sheet."""
    heads = [i for i, r in enumerate(rows) if r[:2] == ("学校代码", "学校名称")]
    assert len(heads) == 2
    schools = [r for r in rows[heads[0] + 1:heads[1]] if r[0]]
    return schools, rows[heads[1] + 1:], rows[heads[1]]


def _collect(sent: Sent, *which: str):  # type: ignore[no-untyped-def]
    return collect([sent.files[w] for w in which], sent.district,
                   DistrictRegister.load(sent.root / REGISTER_FILE), sent.period)


def test_each_school_reads_in_its_own_mode(sent):
    result = _collect(sent, "named", "pseudonymous", "counts")
    assert not result.refused
    by_mode = {s.key_students: s for s in result.accepted}
    named, coded, counts = by_mode["named"], by_mode["pseudonymous"], by_mode["counts"]
    assert counts.key_list == () and counts.key_list_problem == ""
    assert len(named.key_list) == len(coded.key_list) == 6
    assert [r["level_label"] for r in named.key_list] == list(KEY_LEVELS)
    assert {(r["name"], r["student_no"]) for r in named.key_list} == set(sent.names["named"])
    assert all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", r["code"])
               for r in coded.key_list)
    assert not any(k in r for r in coded.key_list for k in ("name", "student_no", "class"))


def test_sheet_lists_every_school_by_code_with_its_mode(sent):
    result = _collect(sent, "named", "pseudonymous", "counts")
    schools, listed, heading = _tables(_sheet(key_list_workbook(result, CREATED)))
    assert heading[3:] == tuple(label for _, label in KEY_LIST_COLUMNS)
    assert [(r[0], r[2], r[3:7]) for r in schools] == [
        ("4131010001", "逐人报送，以编码代替姓名", (1, 2, 3, 6)),
        ("4131010002", "只报人数", (1, 2, 3, "—")),
        ("4131010003", "逐人报送，含姓名和学籍号", (1, 2, 3, 6)),
    ]
    assert [r[0] for r in listed] == ["4131010001"] * 6 + ["4131010002"] + ["4131010003"] * 6
    coded, counts, named = listed[:6], listed[6], listed[7:]
    column = {label: i + 3 for i, (_, label) in enumerate(KEY_LIST_COLUMNS)}
    assert [r[column["预警等级"]] for r in named] == list(KEY_LEVELS)
    assert {(r[column["姓名"]], r[column["学籍号"]]) for r in named} == set(sent.names["named"])
    assert all(r[column["班级"]].startswith("初") and r[column["起始日期"]] for r in named)
    assert all(r[column["编码"]] and r[column["姓名"]] == r[column["学籍号"]] == ""
               for r in coded)
    assert counts[2:4] == ("只报人数", "只报人数：共 6 人，无逐人记录")
    assert not any(counts[4:])
    # Nobody of the pseudonymous or counts-only schools is named anywhere in the workbook.
    text = repr(_sheet(key_list_workbook(result, CREATED)))
    for mode in ("pseudonymous", "counts"):
        assert not any(name in text or no in text for name, no in sent.names[mode])


def test_a_listing_school_without_its_list_is_still_added_up(sent):
    result = _collect(sent, "no_list", "counts")
    assert not result.refused and len(result.accepted) == 2
    schools, listed, _ = _tables(_sheet(key_list_workbook(result, CREATED)))
    assert schools[0][0] == "4131010001" and schools[0][6:8] == (0, "文件中没有重点学生名单。")
    code, _, mode, why = listed[0][:4]
    assert (code, mode) == ("4131010001", "逐人报送，以编码代替姓名")
    assert why == "文件中没有重点学生名单。"


def test_the_district_keeps_every_column_a_named_school_sends(sent):
    """The district reads the lists by their headings: a heading the school writes that
    the district does not know would be dropped without a word."""
    data = sent.files["named"].read_bytes()
    key = DistrictRegister.load(sent.root / REGISTER_FILE).key_for(peek_manifest(data))
    files = open_sealed(data, sent.district, key, expected_period=sent.period).files
    book = openpyxl.load_workbook(io.BytesIO(next(v for k, v in files.items()
                                                  if k.endswith(LIST_SUFFIX))))
    sent_headings = {c.value for c in book["重点学生名单"][1]}
    assert sent_headings - {label for _, label in KEY_LIST_COLUMNS} == {"等级代码"}


def test_the_summary_carries_each_schools_counts_but_no_student(sent):
    """The summary workbook travels (to leaders, into reports): it says how each school
    reports and how many, and holds no student's row — no code, no name, no 学籍号."""
    result = _collect(sent, "named", "pseudonymous", "counts")
    book = openpyxl.load_workbook(io.BytesIO(district_workbook(result, CREATED)))
    assert "重点学生名单" not in book.sheetnames
    rows = [tuple("" if v is None else v for v in row)
            for row in book["重点学生报送情况"].iter_rows(values_only=True)]
    assert [(r[0], r[2], r[3:7]) for r in rows[1:]] == [
        ("4131010001", "逐人报送，以编码代替姓名", (1, 2, 3, 6)),
        ("4131010002", "只报人数", (1, 2, 3, "—")),
        ("4131010003", "逐人报送，含姓名和学籍号", (1, 2, 3, 6)),
    ]
    text = repr([[c for c in row] for ws in book for row in ws.iter_rows(values_only=True)])
    coded = next(s for s in result.accepted if s.key_students == "pseudonymous")
    assert not any(r["code"] in text for r in coded.key_list)
    for mode in ("named", "pseudonymous", "counts"):
        assert not any(name in text or no in text for name, no in sent.names[mode])


def test_cli_aggregate_keeps_the_list_apart_unless_asked(sent, tmp_path, capsys):
    out, names = tmp_path / "district.xlsx", tmp_path / "names.xlsx"
    common = [str(sent.files["named"]), str(sent.files["counts"]),
              "--key", str(sent.district_key_file), "--period", sent.period]
    assert main(["district", "aggregate", *common, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "--key-list-out" in printed and not names.exists()
    assert main(["district", "aggregate", *common, "--out", str(out),
                 "--key-list-out", str(names)]) == 0
    printed = capsys.readouterr().out
    assert "重点学生名单" in printed and "实名 6 人" in printed
    _, listed, _ = _tables(_sheet(names.read_bytes()))
    assert len(listed) == 7

