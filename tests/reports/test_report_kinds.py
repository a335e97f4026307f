"""The one list of report kinds (services.reports.kinds.REPORTS) names real renderers and
services, and a renderer draws what it is handed without a store."""

from __future__ import annotations

import inspect
from datetime import datetime

from app.reports.data import INTERNAL, BandShare, Bars, GroupReport, PrintContext, UnitShares
from app.reports.group import render_group
from app.reports.layout import LEVELS
from app.reports.letters import LETTERS
from app.services.reports.kinds import REPORTS, for_campaigns, letter_kinds, resolve
from tests.reports.reports_helpers import needs_poppler, pdf_text


def test_every_kind_names_a_renderer_a_service_and_a_level():
    assert len({k.code for k in REPORTS}) == len(REPORTS)
    for kind in REPORTS:
        render = resolve(kind.renderer)
        assert render.__name__.startswith("render_") and render.__module__.startswith(
            "app.reports."), kind.code
        assert "level" in inspect.signature(render).parameters, kind.code
        assert resolve(kind.service).__module__.startswith("app.services."), kind.code
        if kind.campaign_printer:
            assert callable(resolve(kind.campaign_printer)), kind.code
        assert kind.level in LEVELS, kind.code
        assert kind.scopes, kind.code


def test_the_campaign_kinds_and_the_letters():
    assert [k.code for k in for_campaigns()] == ["group", "individual"]
    assert set(letter_kinds()) == set(LETTERS)
    assert letter_kinds()["notice"].level == ""  # the family's to keep: no stamp


@needs_poppler
def test_a_renderer_draws_hand_made_rows(tmp_path):
    report = GroupReport(
        scope_label="初一(9)班",
        about=(("测评批次", "手写批次", "量表", "PHQ-9"), ("学年学期", "—", "测评时间", "—"),
               ("范围", "初一(9)班", "", ""), ("答卷", "7 份", "其中无效", "0")),
        participation=(("", "应测", "完成"), ("全体", "8", "7")),
        completion=Bars(("初一(9)班",), (("完成率 %", (87.5,)),)),
        overview=(UnitShares("总分", (BandShare("无抑郁", "none", 0.75),
                                    BandShare("轻度", "general", None)), True),),
        units=(("总分", (("", "无抑郁", "轻度"), ("全体", "6", "<5"))),),
        levels=(("", "危机", "重点关注", "一般关注", "无", "合计"),
                ("本次筛查建议", "0", "0", "<5", "6", "7"),
                ("当前确定等级", "0", "0", "0", "7", "7")),
        flagged=(), previous=None, change=(), change_bars=None, cells_note="手写说明。")
    ctx = PrintContext("手写中学", "admin", datetime(2026, 1, 2, 3, 4), None)
    out = tmp_path / "hand.pdf"
    out.write_bytes(render_group(report, ctx, INTERNAL))
    text = pdf_text(out)
    for words in ("心理测评团体报告（初一(9)班）", "手写批次", "87.5", "隐去", "手写说明",
                  "此前没有同一量表的测评", "不对外发布", "手写中学"):
        assert words in text, words
