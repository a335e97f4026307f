"""Helpers of the screening GUI tests: a School handle, a 问卷星-style PHQ-9 export built
with openpyxl, waiting for workers, and screenshots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import openpyxl
from PySide6.QtWidgets import QWidget

from app.models import SchoolClass
from app.services.screening.campaigns import CampaignRow, create_campaign
from app.services.students import StudentRow
from app.store.handle import Store
from app.ui.screening.campaign_dialog import CampaignDialog
from app.ui.screening.campaign_page import ScreeningPage
from app.ui.store_context import StoreContext
from tests.ui.ui_helpers import idle, screen_saver, shown

PHQ_LABELS = ["完全不会", "好几天", "一半以上的天数", "几乎每天"]
SURVEY_QUESTIONS = 3  # 学籍号, 姓名, 班级 asked before PHQ-9 item 1
Window = TypeVar("Window", bound=QWidget)


@dataclass
class School:
    store: Store
    ctx: StoreContext
    students: list[StudentRow]

    def first_class(self) -> list[StudentRow]:
        return [s for s in self.students if s.class_id == self.students[0].class_id]



def write_wjx(path: Path, rows: list[tuple[str, str, str, list[object]]]) -> Path:
    """A 问卷星 export: metadata columns, the survey's own three questions, then PHQ-9."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
                  "1、你的学籍号：", "2、你的姓名：", "3、你的班级：",
                  *[f"{n + SURVEY_QUESTIONS}、题目{n}" for n in range(1, 10)]])
    for n, (student_no, name, class_name, answers) in enumerate(rows, start=1):
        sheet.append([n, "2026/10/12 9:30:00", "200秒", "微信", "N/A", "10.0.0.1",
                      student_no, name, class_name, *answers])
    book.save(path)
    return path


save_screen = screen_saver("screening-")


def make_page(qtbot, school: School) -> ScreeningPage:
    """The 筛查测评 page on screen, listening to the school's changes, loaded."""
    return shown(qtbot, ScreeningPage(school.ctx), school.ctx)


def first_class_window(qtbot, school: School, name: str, instrument: str,
                       make: Callable[[CampaignRow, int], Window]) -> tuple[CampaignRow, Window]:
    """A campaign `name` of `instrument` for the first class, and the window `make` builds
    for that class (answer entry, kiosk launcher, participation) on screen, loaded."""
    class_id = school.first_class()[0].class_id
    campaign = create_campaign(school.store, name, instrument, [class_id])
    window = make(campaign, class_id)
    qtbot.addWidget(window)
    window.show()
    idle(qtbot)
    return campaign, window


def phq9_form_with_grade_5(qtbot, school: School) -> CampaignDialog:
    """The new-campaign form on screen with PHQ-9 chosen, the school having a 五年级 class
    (outside PHQ-9's grades) besides its own. It deletes itself on close: the caller
    closes it, not qtbot."""
    with school.store.write() as session:
        session.add(SchoolClass(grade=5, number=2))
    dialog = CampaignDialog(school.ctx)
    dialog.show()
    idle(qtbot)
    dialog.instrument.setCurrentIndex(dialog.instrument.findData("phq9"))
    return dialog
