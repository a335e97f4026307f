"""The counselling room's own work on screen (issue 14.6, 14.7): a record's duration,
a group session picked from the school's list, a 会诊 with tasks that reach 今日工作,
and the workload tab."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from app.services.casefile.entries import add_counselling
from app.services.casefile.snapshot import open_file as read_file
from app.services.today import today_work
from app.ui.casefile import texts
from app.ui.casefile.conference_tab import ConferenceTab
from app.ui.casefile.records_tab import COLUMNS, RecordsTab
from app.ui.casefile.workload_view import WorkloadView
from tests.ui.casefile.casefile_helpers import School, column, idle, open_file, submit
from tests.ui.ui_helpers import closed


def test_group_session_from_the_file(qtbot, school: School, screens_dir: Path):
    s = school.students
    window = open_file(qtbot, school.ctx, s[0], "counselling")
    tab = window.pages["counselling"]
    assert isinstance(tab, RecordsTab)
    dialog = tab.add_group()
    assert dialog is not None
    idle(qtbot)
    assert dialog.checked() == [s[0]]  # the file's own student is ticked
    dialog.topic.setText("考前减压团体辅导")
    submit(qtbot, dialog)
    assert "至少要有两名学生" in dialog.error.text()  # nothing saved
    assert read_file(school.store, s[4]).counselling == ()
    dialog.search.setText("赵子涵")
    shown = [i for i in range(dialog.members.count()) if not dialog.members.item(i).isHidden()]
    assert len(shown) == 1
    dialog.members.item(shown[0]).setCheckState(Qt.CheckState.Checked)
    dialog.minutes.setValue(90)
    dialog.note.setPlainText("张小雨发言时哭了，需个别跟进")
    dialog.grab().save(str(screens_dir / "group_dialog.png"))
    submit(qtbot, dialog)
    assert closed(dialog)
    idle(qtbot)
    minutes_col = [c.header for c in COLUMNS].index(texts.COL_MINUTES)
    assert column(tab.model, minutes_col) == ["90 分钟"]
    [other] = read_file(school.store, s[3]).counselling
    assert other.kind == "group" and other.minutes == 90
    window.close()
    idle(qtbot)


def test_duration_in_the_record_form(qtbot, school: School):
    window = open_file(qtbot, school.ctx, school.students[1], "counselling")
    tab = window.pages["counselling"]
    assert isinstance(tab, RecordsTab)
    dialog = tab.add()
    assert dialog is not None
    assert dialog.minutes.text() == texts.MINUTES_NONE  # 0 shows as 未填
    dialog.content.setPlainText("谈学习压力")
    dialog.minutes.setValue(50)
    submit(qtbot, dialog)
    idle(qtbot)
    [row] = read_file(school.store, school.students[1]).counselling
    assert row.minutes == 50
    window.close()
    idle(qtbot)


def test_conference_with_tasks_reaches_todays_work(qtbot, school: School, screens_dir: Path):
    sid = school.students[2]
    window = open_file(qtbot, school.ctx, sid, "conference")
    assert texts.TAB_CONFERENCE in window.tab_titles()
    tab = window.pages["conference"]
    assert isinstance(tab, ConferenceTab)
    dialog = tab.add()
    assert dialog is not None
    idle(qtbot)
    assert dialog.accounts.count() >= 1  # the school's accounts to tick
    dialog.accounts.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.others.setText("家长王女士、校医陈医生")
    dialog.assessment.setPlainText("抑郁情绪明显，有自伤史")
    dialog.decisions.setPlainText("建议就医评估；每周个体辅导")
    yesterday = date.today() - timedelta(days=1)
    dialog.set_task(0, "通知家长带孩子就医", "班主任李老师", "12月5日")
    submit(qtbot, dialog)
    assert "第 1 项任务：完成期限应写成 YYYY-MM-DD" in dialog.error.text()
    dialog.set_task(0, "通知家长带孩子就医", "班主任李老师", yesterday.isoformat())
    dialog.set_task(1, "安排每周个体辅导", "", (date.today() + timedelta(days=7)).isoformat())
    submit(qtbot, dialog)
    assert "第 2 项任务：请填写负责人" in dialog.error.text()
    dialog.set_task(1, "安排每周个体辅导", "刘老师",
                    (date.today() + timedelta(days=7)).isoformat())
    dialog.grab().save(str(screens_dir / "conference_dialog.png"))
    submit(qtbot, dialog)
    assert closed(dialog)
    idle(qtbot)
    [conf] = tab.conference_model.rows
    assert conf.attendees[1:] == ("家长王女士", "校医陈医生")
    assert column(tab.task_model, 0) == ["通知家长带孩子就医", "安排每周个体辅导"]
    tasks = [i for i in today_work(school.store).items if i.kind == "conference_task"]
    assert [i.what for i in tasks] == ["会诊任务：通知家长带孩子就医（班主任李老师）"]
    window.grab().save(str(screens_dir / "conference_tab.png"))
    tab.tasks.selectRow(0)
    done = tab.complete()
    assert done is not None
    submit(qtbot, done)
    idle(qtbot)
    assert not [i for i in today_work(school.store).items if i.kind == "conference_task"]
    assert column(tab.task_model, 3)[0] == date.today().isoformat()
    window.close()
    idle(qtbot)


def test_workload_tab(qtbot, school: School, screens_dir: Path):
    today = date.today()
    add_counselling(school.store, school.students[0], today, "individual", "谈话", minutes=45)
    add_counselling(school.store, school.students[1], today, "assessment", "评估", minutes=45)
    view = WorkloadView(school.ctx)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    view.reload()
    idle(qtbot)
    assert column(view.model, 1)[-1] == "1.5" and column(view.model, 5)[-1] == "2"
    assert "个体辅导 1.5 小时" in view.total.text()
    view.grab().save(str(screens_dir / "workload.png"))
