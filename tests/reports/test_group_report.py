"""Group reports for a class, a grade and the school: participation, bands by scale,
gender and grade, warning levels, change since the previous campaign, charts — with no
count under the minimum cell size anywhere."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from app.errors import BadInputError
from app.services.reports.group import print_group_report
from app.services.statistics.campaign import SCHOOL, campaign_stats, parse_scope, previous_campaign
from app.services.statistics.tables import EXCUSED, attendance_table, level_table, unit_table
from tests.reports.reports_helpers import (
    assert_cjk_embedded_subset,
    audit_count,
    needs_poppler,
    pdf_text,
)

NOW = datetime(2026, 11, 20, 14, 30)


def _scopes(screened_school) -> list[str]:
    s = screened_school.students[0]
    return ["school", "grade:8", f"class:{s.class_id}", "class:9-2"]


@needs_poppler
def test_every_scope_renders_with_the_font_embedded(store, screened_school, tmp_path):
    for i, scope in enumerate(_scopes(screened_school)):
        out = tmp_path / f"g{i}.pdf"
        print_group_report(store, screened_school.phq, scope, out, now=NOW)
        assert_cjk_embedded_subset(out)
        text = pdf_text(out)
        for words in ["心理测评团体报告", "内部", "参测情况", "各量表分级人数与占比", "预警等级",
                      "与上次测评比较", "上次：九月 PHQ-9", "打印：", "2026-11-20 14:30"]:
            assert words in text, (scope, words)
    assert audit_count(store, "student_print", "campaign", screened_school.phq) == 4


@needs_poppler
def test_a_copy_leaving_the_school_hides_small_cells(store, screened_school, tmp_path):
    out = tmp_path / "school.pdf"
    print_group_report(store, screened_school.phq, "school", out, min_cell=5, now=NOW)
    text = pdf_text(out)
    for words in ["全体", "男", "女", "初一", "初二", "初三", "请假", "免测", "完成率",
                  "需关注", "<5", "“<5”表示人数在 1 至 4 之间", "隐去", "内部"]:
        assert words in text, words
    # No count 1-4 printed as a number in a band cell ("3（2.0%）").
    assert not re.search(r"(?<![\d.])[1-4]（\d", text)


@needs_poppler
def test_the_schools_own_copy_shows_real_counts_marked_internal(store, screened_school, tmp_path):
    out = tmp_path / "own.pdf"
    print_group_report(store, screened_school.phq, "school", out, now=NOW)
    _keep(out, "group-school.pdf")
    text = pdf_text(out)
    assert "<5" not in text and "*" not in text and "隐去" not in text
    assert "内部" in text and "机密" not in text.replace(" ", "") and "不对外发布" in text
    assert "学校自用" in text
    assert f"{screened_school.school_year}-{screened_school.school_year + 1}学年第一学期" in text
    assert re.search(r"(?<![\d.])[1-4]（\d", text)  # a small count, shown as it is
    # One definition of 需关注, stated once, under the band tables.
    assert text.count("“需关注”：") == 1
    # Where the flagged sheets are: by class and by grade.
    assert "筛查提示需关注的学生占答卷的比例（按班级）" in text
    assert "筛查提示需关注的学生占答卷的比例（按年级）" in text


def test_the_completion_chart_only_when_a_class_is_incomplete(store, screened_school):
    from app.reports.charts import NOW_COLOUR
    from app.reports.group import participation
    from app.reports.layout import compact_styles
    from app.services.reports.group import group_report

    with store.read() as session:
        stats = campaign_stats(session, screened_school.phq, SCHOOL)
        mht = campaign_stats(session, screened_school.mht, parse_scope(session, "初一"))
    assert any(a.done < a.due for _, a in stats.by_class)
    section = participation(group_report(stats, 1), compact_styles())
    charts = [f for f in section if hasattr(f, "contents")]
    assert charts and any(getattr(s, "fillColor", None) == NOW_COLOUR
                          for s in charts[0].contents)
    assert all(a.done == a.due for _, a in mht.by_class)
    assert group_report(mht, 1).completion is None
    assert not [f for f in participation(group_report(mht, 1), compact_styles())
                if hasattr(f, "contents")]


def _keep(path: Path, name: str) -> None:
    folder = os.environ.get("QINGXIN_REPORTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(path.read_bytes())


def test_cell_tables_never_show_a_count_under_five(store, screened_school):
    with store.read() as session:
        for scope_text in _scopes(screened_school):
            stats = campaign_stats(session, screened_school.phq, parse_scope(session, scope_text))
            for (_row, field), cell in attendance_table(stats, 5).cells.items():
                if field in EXCUSED:
                    assert cell.hidden or not 0 < cell.value < 5
            for unit in stats.units:
                for cell in unit_table(unit, 5).cells.values():
                    assert cell.hidden or not 0 < cell.value < 5
            levels = level_table(stats, 5)
            for cell in [*levels.suggested.values(), *levels.decided.values()]:
                assert cell.hidden or not 0 < cell.value < 5


def test_completion_is_exact_and_the_excused_are_hidden(store, screened_school):
    with store.read() as session:
        stats = campaign_stats(session, screened_school.phq, SCHOOL)
    table = attendance_table(stats, 5)
    assert table.cells[("全体", "due")].text() == "148"
    assert table.cells[("全体", "done")].text() == "146" and table.rate("全体") == "98.6%"
    assert table.cells[("全体", "leave")].text() == "<5"
    hidden = [row for row in table.rows[1:] if table.cells[(row, "leave")].hidden]
    assert hidden == [table.rows[-1]]  # hidden with the school's "<5": no cover needed
    assert not any(table.cells[(row, "leave")].value for row in table.rows[1:-1])


def test_participation_counts_and_previous_campaign(store, screened_school):
    with store.read() as session:
        stats = campaign_stats(session, screened_school.phq, SCHOOL)
        assert previous_campaign(session, stats.campaign) == screened_school.phq_before
        assert previous_campaign(session, stats.previous.campaign) is None
    a = stats.attendance
    assert (a.due, a.leave, a.exempt, a.listed) == (148, 1, 1, 150)
    assert a.done == 146 and stats.results == 146 and stats.invalid == 1
    assert stats.suggested["key"] >= 1  # the item-9 sheet: 重点关注, not 危机 by itself
    assert stats.decided["crisis"] == 1 and stats.decided["key"] == 2
    total = stats.units[0]
    assert [g.label for g in total.groups] == ["全体", "男", "女", "初一", "初二", "初三"]
    assert total.everyone.scored + total.everyone.unscored == 146
    assert sum(g.scored for g in total.groups if g.kind == "gender") == total.everyone.scored


def test_scope_errors_are_clear(store, screened_school, tmp_path):
    with pytest.raises(BadInputError, match="无法识别"):
        print_group_report(store, screened_school.phq, "room:3", tmp_path / "x.pdf")
    with pytest.raises(BadInputError, match="找不到班级"):
        print_group_report(store, screened_school.phq, "class:9999", tmp_path / "x.pdf")
    with pytest.raises(BadInputError, match="没有参加"):
        print_group_report(store, screened_school.mht, "grade:9", tmp_path / "x.pdf")
    assert audit_count(store, "student_print") == 0


def test_min_cell_is_configurable(store, screened_school, tmp_path):
    with store.read() as session:
        stats = campaign_stats(session, screened_school.phq, SCHOOL)
    strict = unit_table(stats.units[0], 30)
    assert all(c.hidden or c.value == 0 or c.value >= 30 for c in strict.cells.values())
    assert unit_table(stats.units[0], 1).cells[(0, "scored")].text() == "145"
