"""The counselling room's own work (issue 14.6, 14.7): durations, group sessions, the
workload figure, and 会诊 records whose tasks appear in 今日工作. Figures by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.errors import BadInputError
from app.models import CaseConference, ConferenceTask, CounsellingRecord, GroupSession
from app.services.accounts.auth import unlock
from app.services.casefile.conference import TaskInput, add_conference, complete_task
from app.services.casefile.entries import add_counselling, correct_entry, withdraw_entry
from app.services.casefile.groups import add_group_session
from app.services.casefile.snapshot import open_file
from app.services.statistics.workload import workload
from app.services.today import today_work
from tests.casefile.casefile_helpers import audit_count
from tests.conftest import TEST_PASSWORD


def _count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_group_session_is_one_session_and_a_record_in_each_file(store, school):
    s = school.students
    gid = add_group_session(store, date(2026, 11, 3), "考前减压", 90, [s[0], s[1], s[6], s[0]],
                            note="小明发言时哭了，需个别跟进")
    with store.read() as session:
        records = session.scalars(select(CounsellingRecord).where(
            CounsellingRecord.group_id == gid)).all()
        assert sorted(r.student_id for r in records) == sorted({s[0], s[1], s[6]})
        assert {(r.kind, r.minutes) for r in records} == {("group", 90)}
        assert session.get(GroupSession, gid).note == "小明发言时哭了，需个别跟进"
    file = open_file(store, s[6])
    [row] = file.counselling
    assert (row.kind, row.minutes, row.group_id) == ("group", 90, gid)
    assert "考前减压" in row.content and "小明" not in row.content  # the note stays apart
    assert audit_count(store, "student_edit", s[6]) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"topic": " "}, "主题"),
    ({"minutes": 0}, "辅导时长"),
    ({"minutes": 601}, "辅导时长"),
    ({"students": 1}, "至少要有两名学生"),
    ({"held_on": date(2999, 1, 1)}, "辅导日期"),
])
def test_a_bad_group_session_saves_nothing(store, school, kwargs, message):
    args = {"held_on": date(2026, 11, 3), "topic": "人际交往", "minutes": 45,
            "students": 3} | kwargs
    with pytest.raises(BadInputError, match=message):
        add_group_session(store, args["held_on"], args["topic"], args["minutes"],
                          list(school.students[:args["students"]]))
    assert _count(store, GroupSession) == 0 and _count(store, CounsellingRecord) == 0


def test_durations_are_checked_and_corrected_like_any_field(store, school):
    sid = school.students[0]
    with pytest.raises(BadInputError, match="辅导时长"):
        add_counselling(store, sid, date(2026, 11, 2), "individual", "谈话", minutes=-5)
    assert _count(store, CounsellingRecord) == 0
    rid = add_counselling(store, sid, date(2026, 11, 2), "individual", "谈话", minutes=50)
    new = correct_entry(store, "counselling", rid, "时长记错了", minutes=40)
    with store.read() as session:
        assert session.get(CounsellingRecord, new).minutes == 40


def test_workload_by_week_and_term_counted_by_hand(store, school, db_path):
    s = school.students
    # Week of Mon 2026-11-02: individual 50 + 40 (one of them corrected: counts once),
    # an assessment of 30, a phone call (a contact, not individual work) and a record
    # without a duration; a group of 90 minutes with three students.
    a = add_counselling(store, s[0], date(2026, 11, 2), "individual", "谈话", minutes=45)
    correct_entry(store, "counselling", a, "时长记错了", minutes=50)
    add_counselling(store, s[1], date(2026, 11, 4), "individual", "谈话", minutes=40)
    add_counselling(store, s[0], date(2026, 11, 6), "assessment", "评估", minutes=30)
    add_counselling(store, s[2], date(2026, 11, 6), "phone", "家长电话", minutes=20)
    add_counselling(store, s[3], date(2026, 11, 7), "crisis", "危机干预")
    add_group_session(store, date(2026, 11, 5), "考前减压", 90, [s[0], s[5], s[6]])
    # Next week: 60 individual with s[4], and one withdrawn record that must not count.
    add_counselling(store, s[4], date(2026, 11, 10), "individual", "谈话", minutes=60)
    gone = add_counselling(store, s[4], date(2026, 11, 11), "individual", "误录", minutes=55)
    withdraw_entry(store, "counselling", gone, "录错学生")

    weeks = workload(store, date(2026, 11, 1), date(2026, 11, 30), "week", counsellor=None)
    assert [w.period for w in weeks] == ["2026-11-02 至 2026-11-08",
                                         "2026-11-09 至 2026-11-15"]
    first, second = weeks
    # individual: 50 + 40 + 30 = 120 min = 2.0 h over 4 sessions (one without duration)
    assert (first.individual_minutes, first.individual_hours) == (120, 2.0)
    assert (first.individual_sessions, first.without_duration) == (4, 1)
    assert (first.group_minutes, first.group_hours, first.group_sessions) == (90, 1.5, 1)
    # seen: s0, s1, s3 individually; s0, s5, s6 in the group → 5 students
    assert first.students_seen == 5
    assert (second.individual_minutes, second.individual_sessions,
            second.students_seen, second.group_sessions) == (60, 1, 1, 0)

    [term] = workload(store, date(2026, 9, 1), date(2027, 1, 31), "term")
    assert term.period == "2026-2027学年第一学期"
    assert (term.individual_minutes, term.group_minutes, term.students_seen) == (180, 90, 6)
    assert workload(store, date(2026, 9, 1), date(2027, 1, 31), "term",
                    counsellor="someone-else") == []
    with pytest.raises(BadInputError, match="统计周期"):
        workload(store, date(2026, 9, 1), date(2026, 9, 2), "month")

    store.close()
    assert main(["workload", "--db", str(db_path), "--from", "2026-11-01", "--to",
                 "2026-11-30"]) == 0  # the password: the autouse fixture below


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)


def test_a_conference_and_its_tasks_in_todays_work(store, school):
    sid = school.students[2]
    cid = add_conference(
        store, sid, date(2026, 11, 20), ["刘老师", "张主任", "家长王女士", "刘老师"],
        "抑郁情绪明显，有自伤史，风险较高", "建议就医评估；每周个体辅导",
        [TaskInput("通知家长带孩子就医", "班主任李老师", date(2026, 11, 21)),
         TaskInput("安排每周个体辅导", "刘老师", date(2026, 11, 27))])
    file = open_file(store, sid)
    [conf] = file.conferences
    assert conf.id == cid and conf.attendees == ("刘老师", "张主任", "家长王女士")
    assert [t.what for t in conf.tasks] == ["通知家长带孩子就医", "安排每周个体辅导"]
    work = today_work(store, date(2026, 11, 23))
    tasks = [i for i in work.items if i.kind == "conference_task"]
    assert [(i.what, i.overdue_days) for i in tasks] == [
        ("会诊任务：通知家长带孩子就医（班主任李老师）", 2)]
    assert work.overdue_tasks == tuple(tasks)
    complete_task(store, conf.tasks[0].id, date(2026, 11, 22))
    assert not [i for i in today_work(store, date(2026, 11, 23)).items
                if i.kind == "conference_task"]
    with pytest.raises(BadInputError, match="已于"):
        complete_task(store, conf.tasks[0].id)
    assert audit_count(store, "student_edit", sid) == 2


@pytest.mark.parametrize(("args", "message"), [
    ({"attendees": [" "]}, "参加会诊的人员"),
    ({"assessment": ""}, "研判意见"),
    ({"decisions": " "}, "会诊决定"),
    ({"tasks": [TaskInput("", "刘老师", date(2026, 12, 1))]}, "第 1 项任务：请填写任务内容"),
    ({"tasks": [TaskInput("家访", " ", date(2026, 12, 1))]}, "第 1 项任务：请填写负责人"),
    ({"tasks": [TaskInput("家访", "刘老师", None)]}, "第 1 项任务：请填写完成期限"),
    ({"held_on": date(2999, 1, 1)}, "会诊日期"),
])
def test_a_bad_conference_saves_nothing(store, school, args, message):
    values = {"held_on": date(2026, 11, 20), "attendees": ["刘老师"], "assessment": "研判",
              "decisions": "决定", "tasks": []} | args
    with pytest.raises(BadInputError, match=message):
        add_conference(store, school.students[0], values["held_on"], values["attendees"],
                       values["assessment"], values["decisions"], values["tasks"])
    assert _count(store, CaseConference) == 0 and _count(store, ConferenceTask) == 0


def test_class_teachers_summary_has_no_conferences(store, school, class_teacher):
    add_conference(store, school.students[0], date(2026, 11, 20), ["刘老师"], "研判", "决定",
                   [])
    ct = class_teacher()
    assert open_file(ct, school.students[0]).conferences == ()
    ct.close()


def test_cli_conference_and_group(store, school, db_path, capsys):
    store.close()
    db = ["--db", str(db_path)]
    assert main(["conference", "add", *db, "--student", "S20260001", "--attendee", "刘老师",
                 "--assessment", "情绪低落", "--decision", "每周约谈",
                 "--task", "联系家长|班主任|2026-11-25"]) == 0
    assert "任务 1 项" in capsys.readouterr().out
    assert main(["conference", "add", *db, "--student", "S20260001", "--attendee", "刘老师",
                 "--assessment", "x", "--decision", "y", "--task", "联系家长|班主任"]) == 2
    assert "内容|负责人|完成期限" in capsys.readouterr().err
    assert main(["conference", "done", *db, "--task", "1"]) == 0
    assert main(["group", "add", *db, "--topic", "人际交往", "--minutes", "40",
                 "--student", "S20260001", "--student", "S20260002"]) == 0
    assert main(["workload", *db, "--from", "2026-01-01", "--by", "term"]) == 0
    out = capsys.readouterr().out
    assert "团体辅导（小时）" in out and "\t0.7\t1\t2\t" in out
    with unlock(db_path, "admin", TEST_PASSWORD) as again:
        assert _count(again, GroupSession) == 1
