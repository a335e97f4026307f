"""The 一生一策, 风险因素 and 预警 tabs' other forms over the real services: a plan made,
reviewed and revised, 双结对 met by pairing two teachers (a 心理委员 does not count), a
risk factor noted and resolved, a follow-up recorded and a signal reported."""

from __future__ import annotations

from datetime import date, timedelta

from app.services.today import today_work
from app.services.warning.decisions import decide_level
from app.ui.casefile import texts
from app.ui.casefile.plan_tab import PlanTab
from app.ui.casefile.risk_tab import RiskTab
from app.ui.casefile.warning_tab import WarningTab
from tests.ui.casefile.casefile_helpers import School, column, open_file, submit
from tests.ui.ui_helpers import closed, idle


def test_plan_review_and_double_pairing(qtbot, school: School):
    sid = school.students[0]
    decide_level(school.store, sid, "crisis", "当面评估确认有自伤行为")
    window = open_file(qtbot, school.ctx, sid, "plan")
    tab = window.pages["plan"]
    assert isinstance(tab, PlanTab)
    assert tab.plan_text.text() == texts.PLAN_NONE and not tab.review_button.isEnabled()
    assert "目前 0 名" in tab.pairing_state.text()

    plan = tab.edit_plan()
    assert plan is not None and plan.category.currentData() == "crisis"
    submit(qtbot, plan)
    assert plan.error.text() == "请填写辅导目标。"
    plan.goals.setPlainText("情绪稳定，不再自伤")
    plan.measures.setPlainText("每周个体辅导；班主任每日关注；家长加强看护")
    plan.responsible.setText("心理教师、班主任")
    submit(qtbot, plan)
    assert closed(plan)
    assert "情绪稳定，不再自伤" in tab.plan_text.text()
    assert tab.plan_button.text() == texts.PLAN_REVISE

    review = tab.review()
    assert review is not None
    review.note.setPlainText("两周内无自伤")
    submit(qtbot, review)
    assert closed(review)
    assert column(tab.review_model, 1) == ["维持原计划"]

    revise = tab.edit_plan()
    assert revise is not None
    revise.measures.setPlainText("每两周个体辅导；班主任每周谈话")
    revise.reason.setText("情况好转，降低辅导频率")
    submit(qtbot, revise)
    assert texts.PLAN_REVISED.strip() in tab.plan_text.text()
    assert tab.plan_history.isEnabled()

    for role, person in (("peer", "同学小林"), ("mentor", "王老师"), ("class_teacher", "李老师")):
        pairing = tab.add_pairing()
        assert pairing is not None
        pairing.role.setCurrentIndex(pairing.role.findData(role))
        pairing.person.setText(person)
        submit(qtbot, pairing)
        assert closed(pairing)
        if role == "peer":
            assert "目前 0 名" in tab.pairing_state.text()  # a peer does not count
            assert tab.peers.text() == texts.PEERS.format(names="同学小林")
    assert tab.pairing_state.text() == texts.PAIRING_OK
    assert "结对：" in window.pages["overview"].level.text()  # type: ignore[attr-defined]

    tab.pairings.selectRow(column(tab.pairing_model, 1).index("王老师"))
    end = tab.end_pairing()
    assert end is not None
    submit(qtbot, end)
    assert "目前 1 名" in tab.pairing_state.text()


def test_risk_factor_followup_and_signal(qtbot, school: School):
    sid = school.students[1]
    decide_level(school.store, sid, "key", "测评中度", decided_on=date.today() - timedelta(days=45))
    window = open_file(qtbot, school.ctx, sid, "risks")
    risks = window.pages["risks"]
    assert isinstance(risks, RiskTab)
    dialog = risks.add()
    assert dialog is not None
    dialog.code.setCurrentIndex(dialog.code.findData("bereavement"))
    dialog.source.setText("家长")
    submit(qtbot, dialog)
    assert closed(dialog)
    assert column(risks.model, 0) == ["丧亲"] and column(risks.model, 3) == [texts.RISK_ACTIVE]
    risks.table.selectRow(0)
    resolve = risks.resolve()
    assert resolve is not None
    submit(qtbot, resolve)
    assert column(risks.model, 3) == [texts.RISK_RESOLVED]

    warning = window.pages["warning"]
    assert isinstance(warning, WarningTab)
    assert warning.followup_model.rowCount() == 1
    assert warning.followup_model.index(0, 0).data(0x8) is not None  # overdue: tinted
    warning.followups.selectRow(0)
    followup = warning.complete_followup()
    assert followup is not None
    followup.note.setPlainText("情绪平稳，作业按时完成")
    submit(qtbot, followup)
    assert closed(followup)
    assert [r.done_on is None for r in warning.followup_model.rows] == [True, False]

    signal = warning.add_signal()
    assert signal is not None
    submit(qtbot, signal)
    assert signal.error.text() == "请填写反映的情况。"
    signal.description.setPlainText("同学反映其最近常说活着没意思")
    signal.severity.setCurrentIndex(signal.severity.findData("suicide"))
    signal.source.setCurrentIndex(signal.source.findData("peer_monitor"))
    assert signal.decision.currentText() == texts.SIGNAL_DECIDE_LATER
    submit(qtbot, signal)
    assert closed(signal)
    assert column(warning.signal_model, 1) == ["心理委员"]
    assert "危机" in warning.suggested.text()  # the rules see the new signal
    # written down is not decided: it waits (待处理) at the top of 今日工作
    assert column(warning.signal_model, 5) == ["待处理"]
    assert [i.student_id for i in today_work(school.store).urgent
            if i.kind == "signal"] == [sid]
    decided = warning.add_signal()
    assert decided is not None
    decided.description.setPlainText("家长来电：周末在家情绪平稳")
    decided.source.setCurrentIndex(decided.source.findData("parent"))
    decided.decision.setCurrentIndex(decided.decision.findData("noted"))
    submit(qtbot, decided)
    assert closed(decided)
    assert sorted(column(warning.signal_model, 5)) == ["已阅", "待处理"]
    assert len([i for i in today_work(school.store).urgent if i.kind == "signal"]) == 1
    idle(qtbot)
