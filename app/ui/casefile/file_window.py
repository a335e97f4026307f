"""The student's 一生一策 file as one window, with a tab per part of the file.

A QDialog on purpose: the idle lock closes every visible QDialog (MainWindow.lock), so
an open file never survives behind the lock screen. It is not modal — a teacher keeps
the warning list open beside it — and one window per student: opening the same student
again brings the open window forward. Opening goes through `casefile.open_file`, which
checks the role and audits; a class teacher gets the summary, and the tabs holding
confidential content (筛查记录, 辅导记录, 转介, 会诊) are not even built for them. Every write
from a tab broadcasts its Changes; the window reloads when they name this student's file.
"""

from __future__ import annotations

import contextlib
from html import escape

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.errors import QingxinError
from app.labels import GENDERS, label
from app.ui import messages, strings
from app.ui.app_keys import LOCK_KEY, key_text
from app.ui.casefile import texts
from app.ui.casefile.conference_tab import ConferenceTab
from app.ui.casefile.lazy_tabs import LazyTabs
from app.ui.casefile.letter_print import ask_and_print_file
from app.ui.casefile.loading import FileView, load_file_view
from app.ui.casefile.overview_tab import OverviewTab
from app.ui.casefile.plan_tab import PlanTab
from app.ui.casefile.records_tab import RecordsTab
from app.ui.casefile.referral_tab import ReferralTab
from app.ui.casefile.risk_tab import RiskTab
from app.ui.casefile.screening_tab import ScreeningTab
from app.ui.casefile.warning_tab import WarningTab
from app.ui.casefile.widgets import level_html
from app.ui.form_widgets import hint_label
from app.ui.store_context import StoreContext

#: Tabs in order: key, title, whether a class teacher's summary shows it.
TABS = (("overview", texts.TAB_OVERVIEW, True), ("risks", texts.TAB_RISKS, True),
        ("screening", texts.TAB_SCREENING, False),
        ("counselling", texts.TAB_COUNSELLING, False), ("plan", texts.TAB_PLAN, True),
        ("home", texts.TAB_HOME, True), ("warning", texts.TAB_WARNING, True),
        ("referral", texts.TAB_REFERRAL, False), ("conference", texts.TAB_CONFERENCE, False))

_open_windows: dict[int, StudentFileWindow] = {}


class StudentFileWindow(QDialog):
    def __init__(self, ctx: StoreContext, student_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.view_: FileView | None = None
        self.tabs = QTabWidget()
        self.pages = LazyTabs(self.tabs)
        self._wanted_tab: str | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowTitle(texts.FILE_LOADING)
        self.resize(1040, 720)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setStyleSheet("font-size: 13pt;")
        self.print_button = QPushButton(texts.FILE_PRINT)
        self.print_button.setToolTip(texts.FILE_PRINT_TIP)
        self.print_button.clicked.connect(
            lambda: ask_and_print_file(self.ctx, self, self.student_id))
        # This window covers the main window's 锁定: the same lock, from here.
        self.lock_button = QPushButton(strings.LOCK_NOW)
        self.lock_button.setToolTip(strings.LOCK_TIP.format(key=key_text(LOCK_KEY)))
        self.lock_button.setAutoDefault(False)
        self.lock_button.clicked.connect(self.ctx.lock_requested.emit)
        self.note = hint_label(texts.FILE_SUMMARY_NOTE)
        self.note.setStyleSheet("color: #8a6d00;")
        self.note.setVisible(False)
        self.loading = QLabel(texts.FILE_LOADING)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.loading)
        self.stack.addWidget(self.tabs)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.lock_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        # Confirmations (a letter saved) land here, not in the main window's status bar
        # this window covers (messages.notify).
        self.status = messages.notice_bar()
        layout.addWidget(self.status)
        ctx.changed.connect(self._on_changed)

    def reload(self) -> None:
        sid, hospitals = self.student_id, self.ctx.deployment.hospital_labels
        self.ctx.query(self, lambda store: load_file_view(store, sid, hospitals=hospitals),
                       self._loaded, on_failure=self._failed)

    def _loaded(self, view: FileView) -> None:
        self.view_ = view
        self.pages.show_view(view)
        if not self.pages:
            self._build(view)
        f = view.file
        p = f.profile
        template = texts.FILE_TITLE if f.full else texts.FILE_TITLE_SUMMARY
        self.setWindowTitle(template.format(name=p.name, class_name=f.class_name))
        self.header.setText(escape(texts.FILE_HEADER.format(
            name=p.name, gender=label(GENDERS, p.gender), class_name=f.class_name,
            student_no=p.student_no)) + "　" + header_level(f.level_code))
        self.note.setVisible(not f.full)
        self.stack.setCurrentWidget(self.tabs)
        if self._wanted_tab is not None:
            self.show_tab(self._wanted_tab)

    def _build(self, view: FileView) -> None:
        ctx = self.ctx
        makers = {"overview": OverviewTab, "risks": lambda: RiskTab(ctx),
                  "screening": ScreeningTab, "counselling": lambda: RecordsTab(ctx, False),
                  "plan": lambda: PlanTab(ctx), "home": lambda: RecordsTab(ctx, True),
                  "warning": lambda: WarningTab(ctx), "referral": lambda: ReferralTab(ctx),
                  "conference": lambda: ConferenceTab(ctx)}
        for key, title, in_summary in TABS:
            if view.file.full or in_summary:
                self.pages.add(key, title, makers[key])

    def _failed(self, exc: QingxinError) -> None:
        messages.show_error(self.parentWidget(), exc)
        self.close()

    def _on_changed(self, change: Changes) -> None:
        if change.file(self.student_id):
            self.reload()

    def show_tab(self, key: str) -> None:
        """Bring a tab forward (e.g. 转介 when opened from an overdue referral step)."""
        self._wanted_tab = key
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)
            self._wanted_tab: str | None = None

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def done(self, result: int) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self.ctx.changed.disconnect(self._on_changed)
        if _open_windows.get(self.student_id) is self:
            del _open_windows[self.student_id]
        super().done(result)


def header_level(code: str) -> str:
    """「预警等级：重点关注」 in its colour; a student never put on a level says so in
    words rather than ending the header in a bare 无."""
    if code == "none":
        return f'<span style="color:#555555">{texts.FILE_HEADER_NO_LEVEL}</span>'
    return texts.FILE_HEADER_LEVEL + level_html(code)


def open_student_file(ctx: StoreContext, parent: QWidget | None, student_id: int,
                      tab: str = "overview") -> StudentFileWindow:
    """Show the student's file (loading on a worker), or bring forward the open one."""
    window = _open_windows.get(student_id)
    if window is not None and shiboken6.isValid(window) and window.isVisible():
        window.show_tab(tab)
        window.raise_()
        window.activateWindow()
        return window
    window = StudentFileWindow(ctx, student_id, parent)
    _open_windows[student_id] = window
    window.show_tab(tab)
    window.show()
    window.reload()
    return window
