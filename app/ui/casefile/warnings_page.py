"""预警与转介: today's work, the key-student list, the screening review queue, the
referrals, the families to contact (家校沟通) and the counsellor's workload (computed when
asked), as tabs of one page (a Page of the main window: reload, clear, on_changed).

The four lists load in one worker call, one after another, so the page's audited reads
never contend for the database. A broadcast that changes what the lists hold
(`Changes.records`) reloads the page when it is on screen, or marks it stale for when
it next appears: writes from a file window, a screening import or a roster import can
all move students on or off these lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.changes import Changes
from app.services.casefile.family_contacts import FamilyContacts, family_contacts
from app.services.classes import ClassRow, list_classes
from app.services.lists.tables import KEY_LEVELS, family_table, warning_table
from app.services.progress import Progress
from app.services.referral.workflow import ReferralListRow, list_referrals
from app.services.screening.campaigns import CampaignRow, list_campaigns
from app.services.today import TodayWork, today_work
from app.services.warning.decisions import KeyStudentRow, key_list
from app.store.handle import Store
from app.ui import strings
from app.ui.casefile import texts
from app.ui.casefile.family_list import FamilyListView
from app.ui.casefile.file_window import StudentFileWindow, open_student_file
from app.ui.casefile.key_list import KeyListView
from app.ui.casefile.referral_list import ReferralListView
from app.ui.casefile.review_queue import ReviewQueueView
from app.ui.casefile.today_view import TodayView
from app.ui.casefile.workload_view import WorkloadView
from app.ui.export_dialog import ExportChoice, export_list
from app.ui.reports.saving import day_text
from app.ui.signals.dialogs import open_decision
from app.ui.stale_reload import ReloadsWhenShown
from app.ui.store_context import StoreContext

if TYPE_CHECKING:
    from app.services.lists.workbook import ListExported


@dataclass(frozen=True)
class PageData:
    today: TodayWork
    key_rows: list[KeyStudentRow]
    classes: list[ClassRow]
    referrals: list[ReferralListRow]
    campaigns: list[CampaignRow]
    families: FamilyContacts


def load_page(store: Store, include_closed: bool, today: date | None = None) -> PageData:
    today = today or date.today()
    return PageData(today_work(store, today), key_list(store, today), list_classes(store),
                    list_referrals(store, today, include_closed), list_campaigns(store),
                    family_contacts(store, today))


class WarningsPage(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.stale = False
        self.loaded: PageData | None = None
        self.today = TodayView()
        self.key_list = KeyListView()
        self.review = ReviewQueueView(ctx)
        self.referrals = ReferralListView()
        self.families = FamilyListView()
        self.workload = WorkloadView(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.today, texts.PAGE_TODAY)
        self.tabs.addTab(self.key_list, texts.PAGE_KEY_LIST)
        self.tabs.addTab(self.review, texts.PAGE_REVIEW)
        self.tabs.addTab(self.referrals, texts.PAGE_REFERRALS)
        self.tabs.addTab(self.families, texts.PAGE_FAMILY)
        self.tabs.addTab(self.workload, texts.PAGE_WORKLOAD)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self.today.open_requested.connect(self.open_file)
        self.today.review_requested.connect(self.show_review)
        self.today.decide_requested.connect(lambda rid: open_decision(self.ctx, self, rid))
        self.key_list.open_requested.connect(lambda sid: self.open_file(sid, "warning"))
        self.key_list.export_requested.connect(self.export_key_list)
        self.review.open_requested.connect(self.open_file)
        self.referrals.open_requested.connect(self.open_file)
        self.families.open_requested.connect(self.open_file)
        self.families.export_requested.connect(self.export_families)
        for view in (self.today, self.key_list, self.referrals, self.families):
            view.refresh_requested.connect(self.reload)

    def reload(self) -> None:
        self.stale = False
        closed = self.referrals.include_closed.isChecked()
        self.ctx.query(self, lambda store: load_page(store, closed), self._loaded)

    def _loaded(self, data: PageData) -> None:
        self.loaded = data
        self.today.set_work(data.today)
        self.key_list.set_rows(data.key_rows, data.classes)
        self.referrals.set_rows(data.referrals)
        self.families.set_contacts(data.families)
        self.review.set_campaigns(data.campaigns, {q.campaign_id: q.pending
                                                   for q in data.today.review_queues})

    def clear(self) -> None:
        self.loaded = None
        for view in (self.today, self.key_list, self.review, self.referrals, self.families,
                     self.workload):
            view.clear()

    def on_changed(self, change: Changes) -> None:
        if not change.records:
            return
        self.reload_or_mark()

    def open_file(self, student_id: int, tab: str = "overview") -> StudentFileWindow:
        return open_student_file(self.ctx, self.window(), student_id, tab)

    def export_key_list(self, key_only: bool) -> None:
        """The rows shown (any filter), or the whole 重点名单, as a workbook."""
        ids = None if key_only else self.key_list.shown_student_ids()
        levels = KEY_LEVELS if key_only else None
        title = strings.EXPORT_KEY_STUDENTS if key_only else strings.EXPORT_SHOWN

        def save(store: Store, _progress: Progress, choice: ExportChoice) -> ListExported:
            from app.services.lists.workbook import export_list_xlsx

            table = warning_table(store, levels=levels).only(ids)
            return export_list_xlsx(store, table, choice.path, password=choice.password)

        name = "重点名单" if key_only else texts.PAGE_KEY_LIST
        export_list(self.ctx, self, title.rstrip("…"), f"{name}-{day_text()}.xlsx", save,
                    lambda exported: exported.rows)

    def export_families(self) -> None:
        """家校沟通 as a workbook: key students' families and their phones."""

        def save(store: Store, _progress: Progress, choice: ExportChoice) -> ListExported:
            from app.services.lists.workbook import export_list_xlsx

            return export_list_xlsx(store, family_table(store).table, choice.path,
                                    password=choice.password)

        export_list(self.ctx, self, texts.PAGE_FAMILY, f"家校沟通-{day_text()}.xlsx", save,
                    lambda exported: exported.rows)

    def show_list(self, target: str, level: str | None, grade: int | None,
                  class_name: str | None) -> None:
        """Open the list a 首页 figure counts: "today", "review" or "key_list"."""
        if target == "today":
            self.tabs.setCurrentWidget(self.today)
        elif target == "review":
            self.tabs.setCurrentWidget(self.review)
            self.review.show_filtered(grade, class_name)
        else:
            self.tabs.setCurrentWidget(self.key_list)
            self.key_list.show_filtered(level, grade, class_name)

    def show_review(self, campaign_id: int) -> None:
        self.tabs.setCurrentWidget(self.review)
        self.review.show_campaign(campaign_id)
