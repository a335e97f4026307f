"""反映 from the warning network (issue 14.1): a class teacher or 年级组长 files, the text
is sealed so only staff read it, a staff sign-in opens it into the file, and it heads
今日工作 until a counselling teacher has decided."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.errors import BadInputError, PermissionDeniedError
from app.labels import SIGNAL_SEVERITIES
from app.models import ReportedSignal, SchoolClass, SignalBox, SignalReport, Student
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.casefile.entries import add_signal, correct_entry, entry_history
from app.services.casefile.snapshot import open_file
from app.services.signals.reports import (
    check_filing,
    code_of,
    decide_report,
    file_report,
    list_reports,
)
from app.services.students import list_students
from app.services.today import today_work
from tests.casefile.casefile_helpers import audit_count
from tests.casefile.conftest import CT_PASSWORD
from tests.conftest import TEST_PASSWORD

TEXT = "午休时在走廊里哭，说不想活了，手腕上有新划痕"


def _count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_class_teacher_files_a_report_they_cannot_read_back(class_teacher, school, db_path):
    ct = class_teacher()
    rid = file_report(ct, school.students[1],
                      check_filing("心理委员", "自杀", date(2026, 3, 2), TEXT, "李四"))
    with ct.read() as session:
        report = session.get(SignalReport, rid)
        assert report.sealed is not None and report.signal_id is None
        assert TEXT.encode() not in report.sealed and "李四".encode() not in report.sealed
        assert (report.source, report.severity) == ("peer_monitor", "suicide")
    assert _count(ct, ReportedSignal) == 0  # nothing in the file until staff open it
    [row] = list_reports(ct)
    assert row.id == rid and row.pending and row.text is None
    assert row.student_no == "S20260001" and row.class_name
    assert audit_count(ct, "signal_filed", school.students[1]) == 1
    assert audit_count(ct, "signal_list") == 1
    ct.close()

    admin = unlock(db_path, "admin", TEST_PASSWORD)  # the staff sign-in opens it
    try:
        with admin.read() as session:
            report = session.get(SignalReport, rid)
            signal = session.get(ReportedSignal, report.signal_id)
            assert report.sealed is None and report.box_id is None
            assert (signal.description, signal.reporter, signal.created_by) == (
                TEXT, "李四", "ct")
            assert signal.severity == "suicide" and signal.reported_on == date(2026, 3, 2)
        file = open_file(admin, school.students[1])
        assert [s.description for s in file.signals] == [TEXT]
        work = today_work(admin, date(2026, 3, 3))
        first = work.urgent[0]
        assert (first.kind, first.ref_id, first.student_id) == ("signal", rid,
                                                                 school.students[1])
        assert "心理委员" in first.what and "自杀" in first.what
        [staff_row] = list_reports(admin, pending_only=True)
        assert staff_row.text == TEXT
        decide_report(admin, rid, "转为关注")
        assert not [i for i in today_work(admin).urgent if i.kind == "signal"]
        assert list_reports(admin, pending_only=True) == []
        assert audit_count(admin, "signal_decided", school.students[1]) == 1
    finally:
        admin.close()

    ct = unlock(db_path, "ct", CT_PASSWORD)
    try:
        [row] = list_reports(ct)
        assert row.decision == "watch" and row.decided_on == date.today()
        assert row.decided_by and row.text is None
    finally:
        ct.close()


def test_each_staff_sign_in_renews_the_box(store, db_path):
    with store.read() as session:
        first = session.scalars(select(SignalBox.public_key)).all()
    store.close()
    with unlock(db_path, "admin", TEST_PASSWORD) as again, again.read() as session:
        second = session.scalars(select(SignalBox.public_key)).all()
    assert len(first) == len(second) == 1 and first != second


def test_a_student_of_another_class_is_refused_and_the_refusal_audited(class_teacher,
                                                                       school):
    ct = class_teacher()
    with pytest.raises(PermissionDeniedError) as err:
        file_report(ct, school.students[7], check_filing("班主任", "serious", None, TEXT))
    assert err.value.exit_code == 5 and "本班" in err.value.message
    assert _count(ct, SignalReport) == 0
    assert audit_count(ct, "student_open_denied", school.students[7]) == 1
    ct.close()


@pytest.mark.parametrize(("args", "field"), [
    (("班主任", "serious", None, "   "), "看到的情况"),
    (("班主任", "serious", None, "x" * 2001), "看到的情况"),
    (("校长", "serious", None, TEXT), "信息来源"),
    (("班主任", "很严重", None, TEXT), "严重程度"),
    (("班主任", "serious", date(2999, 1, 1), TEXT), "发现日期"),
    (("班主任", "serious", None, TEXT, "名" * 61), "反映人"),
])
def test_bad_input_names_the_field_and_saves_nothing(store, school, args, field):
    with pytest.raises(BadInputError) as err:
        file_report(store, school.students[0], check_filing(*args))
    assert field in err.value.message
    assert _count(store, SignalReport) == 0


def test_codes_are_taken_as_codes_words_or_one_words_part():
    assert code_of(SIGNAL_SEVERITIES, "violence", "严重程度") == "violence"
    assert code_of(SIGNAL_SEVERITIES, "伤人毁物", "严重程度") == "violence"
    assert code_of(SIGNAL_SEVERITIES, "自伤", "严重程度") == "self_harm"
    assert code_of(SIGNAL_SEVERITIES, "涉及自杀言行", "严重程度") == "suicide"
    with pytest.raises(BadInputError, match="可选"):
        code_of(SIGNAL_SEVERITIES, "涉及", "严重程度")  # several wordings: ambiguous


def test_staff_filing_goes_straight_into_the_file_and_waits_for_a_decision(store, school):
    rid = file_report(store, school.students[6],
                      check_filing("家长", "ordinary", None, "家长来电说孩子失眠"))
    with store.read() as session:
        report = session.get(SignalReport, rid)
        assert report.sealed is None and report.signal_id is not None
    assert [i.ref_id for i in today_work(store).urgent if i.kind == "signal"] == [rid]
    with pytest.raises(BadInputError, match="处理结果"):
        decide_report(store, rid, "随便")
    with pytest.raises(BadInputError, match="找不到"):
        decide_report(store, rid + 99, "已阅")


def test_other_class_teachers_do_not_see_each_others_reports(class_teacher, school,
                                                             db_path):
    ct = class_teacher()
    file_report(ct, school.students[0], check_filing("班主任", "serious", None, TEXT))
    ct.close()
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        create_user(admin, "ct2", "二班班主任", "class_teacher", CT_PASSWORD,
                    class_id=school.class_ids[1])
    with unlock(db_path, "ct2", CT_PASSWORD) as ct2:
        assert list_reports(ct2) == []


def test_grade_leader_sees_and_files_for_the_whole_grade_only(store, school, db_path):
    with store.write() as session:
        grade8 = SchoolClass(grade=8, number=1)
        session.add(grade8)
        session.flush()
        other = Student(student_no="S20269999", name="八年级学生", gender="F",
                        class_id=grade8.id)
        session.add(other)
        session.flush()
        other_id = other.id
    create_user(store, "njz", "年级组长", "grade_leader", CT_PASSWORD,
                class_id=school.class_ids[1])
    store.close()
    with unlock(db_path, "njz", CT_PASSWORD) as leader:
        seen = {s.id for s in list_students(leader)}
        assert seen == set(school.students)  # both classes of grade 7, not grade 8
        file_report(leader, school.students[0],
                    check_filing("年级组长", "伤人毁物", None, "课间与同学打架"))
        assert not open_file(leader, school.students[0]).full
        with pytest.raises(PermissionDeniedError):
            file_report(leader, other_id, check_filing("年级组长", "serious", None, TEXT))
        with pytest.raises(PermissionDeniedError):
            open_file(leader, other_id)


def test_cli_signal_add_list_decide(class_teacher, school, db_path, monkeypatch, capsys):
    ct = class_teacher()
    ct.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", CT_PASSWORD)
    base = ["--db", str(db_path), "--user", "ct"]
    assert main(["signal", "add", *base, "--student", "S20260002", "--source", "班主任",
                 "--severity", "serious", "--text", TEXT]) == 0
    assert "已提交反映" in capsys.readouterr().out
    assert main(["signal", "add", *base, "--student", "S20260008", "--source", "班主任",
                 "--severity", "serious", "--text", TEXT]) == 5
    assert "本班" in capsys.readouterr().err
    assert main(["signal", "add", *base, "--student", "S20260002", "--source", "班主任",
                 "--severity", "serious", "--text", ""]) == 2
    assert "看到的情况" in capsys.readouterr().err
    assert main(["signal", "list", *base]) == 0
    out = capsys.readouterr().out
    assert "S20260002" in out and "待处理" in out and TEXT not in out
    assert main(["signal", "decide", *base, "--report", "1", "--decision", "已阅"]) == 5
    capsys.readouterr()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    admin = ["--db", str(db_path), "--user", "admin"]
    assert main(["signal", "list", *admin, "--pending"]) == 0
    assert TEXT in capsys.readouterr().out
    assert main(["signal", "decide", *admin, "--report", "1", "--decision", "约谈"]) == 0
    assert main(["signal", "list", *admin]) == 0
    assert "约谈（" in capsys.readouterr().out


def _signal_reports(store, sid: int) -> list[SignalReport]:
    with store.read() as session:
        return list(session.scalars(select(SignalReport).where(SignalReport.student_id == sid)
                                    .order_by(SignalReport.id)))


def test_the_files_own_signal_has_a_status_and_heads_today_until_decided(store, school):
    """登记反映 in the file (a parent's phone call written down) is a 反映 like any other:
    pending, at the top of 今日工作, in the 反映 list with its text, until decided."""
    sid = school.students[6]
    entry = add_signal(store, sid, "parent", date(2026, 3, 2), "家长来电：孩子连续失眠一周",
                       "serious", "母亲")
    [report] = _signal_reports(store, sid)
    assert report.signal_id == entry and report.decision is None
    assert (report.source, report.severity, report.seen_on) == ("parent", "serious",
                                                              date(2026, 3, 2))
    assert [i.ref_id for i in today_work(store).urgent if i.kind == "signal"] == [report.id]
    [row] = [r for r in list_reports(store) if r.id == report.id]
    assert row.pending and row.text == "家长来电：孩子连续失眠一周"
    assert [s.report_id for s in open_file(store, sid).signals] == [report.id]
    assert audit_count(store, "signal_filed", sid) == 1
    decide_report(store, report.id, "约谈")
    assert [i for i in today_work(store).urgent if i.kind == "signal"] == []


def test_a_signal_decided_as_it_is_recorded_skips_today(store, school):
    """The teacher who took the call and already arranged a talk says so in the form:
    the 反映 is recorded as decided by them, and nothing waits in 今日工作."""
    sid = school.students[5]
    add_signal(store, sid, "peer_monitor", date(2026, 3, 2), "同学说她最近总一个人哭",
               decision="interview")
    [report] = _signal_reports(store, sid)
    assert (report.decision, report.decided_by) == ("interview", "admin")
    assert report.decided_on == date.today()
    assert [i for i in today_work(store).urgent if i.kind == "signal"] == []
    assert audit_count(store, "signal_decided", sid) == 1
    with pytest.raises(BadInputError, match="未知的处理结果：随便"):
        add_signal(store, sid, "parent", date(2026, 3, 2), "x", decision="随便")
    assert len(_signal_reports(store, sid)) == 1


def test_a_corrected_signal_keeps_its_report_and_the_list_shows_the_correction(store,
                                                                               school):
    """The 反映 links the file entry as filed; correcting the entry (a word misheard on
    the phone) must not cut the link: the file shows the report's status on the
    corrected entry, deciding still works, and the 反映 list reads the corrected text.
    The original stays in the entry's history."""
    sid = school.students[7]
    entry = add_signal(store, sid, "parent", date(2026, 3, 2), "家长来电：孩子连续失眠一周",
                       "serious", "母亲")
    [report] = _signal_reports(store, sid)
    fixed = correct_entry(store, "signal", entry, "电话里听错了",
                          description="家长来电：孩子连续失眠两周")
    again = correct_entry(store, "signal", fixed, "补充", severity="suicide")
    [signal] = open_file(store, sid).signals
    assert (signal.id, signal.report_id, signal.decision) == (again, report.id, None)
    [row] = [r for r in list_reports(store) if r.id == report.id]
    assert row.pending and row.text == "家长来电：孩子连续失眠两周"
    decide_report(store, report.id, "约谈")
    [signal] = open_file(store, sid).signals
    assert (signal.report_id, signal.decision) == (report.id, "interview")
    assert [v.fields["description"] for v in entry_history(store, "signal", again)] == [
        "家长来电：孩子连续失眠一周", "家长来电：孩子连续失眠两周", "家长来电：孩子连续失眠两周"]
