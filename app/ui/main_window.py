"""The main window: navigation on the left, one page per area, the idle lock.

Staff land on 预警与转介, whose first tab is today's due and overdue work (the home screen
the warning network asks for). Which pages exist depends on the signed-in role's
capabilities (app/services/capabilities.py, one table for the GUI and the services): a
班主任 gets the student list (the service restricts it to their class; a 年级组长's to their
grade), 反映 (filing reports for the counselling room) and their own account; user
management and the audit log are the admin's; staff also get 备份与恢复 and 部署与密钥 under
设置, and a yellow bar above the pages after login when a backup is due. Locking (idle
timeout, the 锁定 button, Ctrl+L from any window: app/ui/app_keys.py) happens at once: it
cancels running background work and drops what it would show (workers.cancel_all), closes
every other window (the student's file, dialogs, popups), clears every model, hides the
window, and closes the Store and shows the lock screen as soon as the cancelled work has let
go of it — waiting for the work before hiding anything once postponed the lock for ever when
an operation never ended; `attach` with a new Store restores the views, rebuilding them only
if a different user signed in, and puts the keyboard focus back where it was. A restore
asked for on the backup tab goes up to the Shell (`restore_requested`), which releases the
Store the same way before replacing the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.labels import ROLES, label
from app.services.accounts import auth
from app.services.capabilities import (
    BACKUP,
    EXPORT_DISTRICT,
    FILE_SIGNAL,
    MANAGE_ROSTER,
    MANAGE_USERS,
    PRINT_REPORTS,
    READ_AUDIT,
    READ_CONFIDENTIAL,
    RESTORE,
    RUN_SCREENING,
    WHOLE_SCHOOL,
    user_may,
)
from app.store.handle import CurrentUser, Store
from app.ui import screen_fit, strings, workers
from app.ui.account_page import AccountPage
from app.ui.app_keys import LOCK_KEY, SEARCH_KEY, AppKeys, key_text
from app.ui.audit_page import AuditPage
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.home_page import HomePage
from app.ui.idle import DEFAULT_IDLE_MINUTES, IdleWatcher
from app.ui.reports.reports_page import ReportsPage
from app.ui.screening.campaign_page import ScreeningPage
from app.ui.settings import texts as settings_texts
from app.ui.settings.backup_tab import BackupTab
from app.ui.settings.deployment_tab import DeploymentTab
from app.ui.settings.reminder_bar import BackupReminderBar
from app.ui.signals import texts as signal_texts
from app.ui.signals.page import SignalsPage
from app.ui.store_context import StoreContext
from app.ui.students_page import StudentsPage
from app.ui.users_page import UsersPage

BUSY_RETRY_MS = 5_000
NAV_WIDTH = 150
#: The sidebar; with the keyboard on it (Tab, or focus back after unlocking) the current
#: entry gets a yellow bar and a darker green, since the selection alone looks the same
#: whether or not the arrows would move it.
NAV_STYLE = """
QListWidget { border: none; outline: 0; background: #eef3f1; font-size: 11pt; }
QListWidget::item { padding: 12px 16px; border-left: 5px solid transparent; }
QListWidget::item:selected { background: #2f7d6d; color: white; }
QListWidget::item:selected:focus { background: #1d5c50; border-left: 5px solid #f2b705; }
"""


@runtime_checkable
class Page(Protocol):
    """What the window asks of every page: load, forget (on lock), react to changes."""

    def reload(self) -> None: ...
    def clear(self) -> None: ...
    def on_changed(self, change: Changes) -> None: ...


class SettingsPage(QTabWidget):
    """设置: tabs for the user's own account and, for an admin, users and the audit log."""

    def __init__(self, tabs: list[tuple[str, QWidget]]) -> None:
        super().__init__()
        for title, page in tabs:
            self.addTab(page, title)
        self.pages = [page for _title, page in tabs if isinstance(page, Page)]

    def reload(self) -> None:
        for page in self.pages:
            page.reload()

    def clear(self) -> None:
        for page in self.pages:
            page.clear()

    def on_changed(self, change: Changes) -> None:
        for page in self.pages:
            page.on_changed(change)


class MainWindow(QMainWindow):
    locked = Signal(str)  # the username that was signed in, to prefill the lock screen
    closed = Signal()
    restore_requested = Signal(object)  # a RestoreRequest, for Shell.restore

    def __init__(self, ctx: StoreContext,
                 idle_ms: int = DEFAULT_IDLE_MINUTES * 60_000) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(strings.APP_TITLE)
        self.resize(1100, 720)
        self.nav = QListWidget()
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setStyleSheet(NAV_STYLE)
        self.stack = QStackedWidget()
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.reminder = BackupReminderBar(ctx)
        self.reminder.backup_requested.connect(self.open_backup_tab)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.reminder)
        row = QHBoxLayout()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)
        self.user_label = QLabel()
        self.lock_button = QPushButton(strings.LOCK_NOW)
        self.lock_button.clicked.connect(self.lock)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.lock_button)
        self.lock_button.setToolTip(strings.LOCK_TIP.format(key=key_text(LOCK_KEY)))
        self.keys = AppKeys(self)  # before the idle watcher, whose filter then runs first
        self.keys.bind(LOCK_KEY, self.lock, always=True)
        self.keys.bind(SEARCH_KEY, self.find_student)
        self.idle = IdleWatcher(idle_ms, self)
        self.idle.idle.connect(self.lock)
        self.ctx.changed.connect(self._broadcast)
        self.ctx.lock_requested.connect(self.lock)
        self.pages: list[Page] = []
        self.students_page: StudentsPage | None = None
        self.settings_page: SettingsPage | None = None
        self.backup_tab: BackupTab | None = None
        self._user: CurrentUser | None = None
        self._kept_focus: QWidget | None = None  # where the keyboard was when locked
        self.school_name = ""  # read at each sign-in; the lock screen shows it too

    def attach(self, store: Store) -> None:
        """Show the window for an unlocked store (after login or unlocking): maximised
        the first time, as the teacher left it after an unlock."""
        first = self._user is None
        self.ctx.store = store
        if store.user != self._user:
            self._build_pages(store.user)
        self.user_label.setText(strings.STATUS_USER.format(
            name=store.user.display_name, role=label(ROLES, store.user.role)))
        for page in self.pages:
            page.reload()
        if user_may(store.user, BACKUP):
            self.reminder.check()
        self.ctx.query(self, auth.school_name, self._show_school, label=None)
        self.idle.start()
        if first:
            screen_fit.show_maximised(self)
        else:
            self.show()
        self._restore_focus()

    def _show_school(self, name: str) -> None:
        """「青心实验中学 · 青心 · 学生心理档案」: which school's records these are."""
        self.school_name = name
        self.setWindowTitle(strings.APP_TITLE_SCHOOL.format(school=name) if name
                            else strings.APP_TITLE)

    def _restore_focus(self) -> None:
        """After unlocking, the keyboard goes back where it was before the lock; else
        (first sign-in, a table the lock emptied, a page rebuilt for another user) to
        the student search on 学生档案 or the sidebar — never into a table, where a
        Tab once landed after unlocking."""
        kept, self._kept_focus = self._kept_focus, None
        if (kept is not None and shiboken6.isValid(kept) and self.isAncestorOf(kept)
                and not isinstance(kept, QAbstractItemView) and kept.isVisibleTo(self)
                and kept.isEnabled()):
            kept.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        page = self.stack.currentWidget()
        target = self.students_page.search if page is self.students_page else self.nav
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def find_student(self) -> None:
        """Ctrl+F from any window: this window comes forward on 学生档案 with the search
        box focused and its text selected, ready to type a name."""
        if self.ctx.store is None or self.students_page is None:
            return
        self.show_area(strings.NAV_STUDENTS)
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()
        self.students_page.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.students_page.search.selectAll()

    def _build_pages(self, user: CurrentUser) -> None:
        self._user = user
        current = self.nav.currentItem().text() if self.nav.currentItem() else ""
        self.nav.clear()
        while self.stack.count():
            old = self.stack.widget(0)
            self.stack.removeWidget(old)
            old.deleteLater()
        def can(capability: str) -> bool:
            return user_may(user, capability)

        self.students_page = StudentsPage(self.ctx, can_manage=can(MANAGE_ROSTER),
                                          own_class_only=not can(WHOLE_SCHOOL))
        idle_minutes = max(1, self.idle.timeout_ms // 60_000)
        account = AccountPage(self.ctx, idle_minutes)
        account.lock_requested.connect(self.lock)
        settings_tabs: list[tuple[str, QWidget]] = [(strings.SETTINGS_ACCOUNT_TAB, account)]
        self.backup_tab = None
        if can(BACKUP):
            self.backup_tab = BackupTab(self.ctx, can_restore=can(RESTORE))
            self.backup_tab.restore_requested.connect(self.restore_requested)
            settings_tabs.append((settings_texts.BACKUP_TAB, self.backup_tab))
        if can(MANAGE_USERS):
            users = UsersPage(self.ctx, self.students_page.model.classes)
            self.students_page.model.modelReset.connect(users.refresh_class_names)
            settings_tabs.append((strings.SETTINGS_USERS_TAB, users))
        if can(READ_AUDIT):
            settings_tabs.append((strings.SETTINGS_AUDIT_TAB, AuditPage(self.ctx)))
        if can(EXPORT_DISTRICT):
            settings_tabs.append((settings_texts.DEPLOYMENT_TAB,
                                  DeploymentTab(self.ctx, idle_minutes)))
        self.settings_page = SettingsPage(settings_tabs)
        entries: list[tuple[str, QWidget]] = [(strings.NAV_STUDENTS, self.students_page)]
        if can(RUN_SCREENING):
            entries.append((strings.NAV_SCREENING, ScreeningPage(self.ctx)))
        if can(READ_CONFIDENTIAL):
            home, warnings = HomePage(self.ctx), WarningsPage(self.ctx)
            home.open_list.connect(lambda *filters: self._open_list(warnings, *filters))
            entries.insert(0, (strings.NAV_HOME, home))
            entries.append((strings.NAV_WARNINGS, warnings))
        if can(FILE_SIGNAL):
            entries.append((signal_texts.NAV,
                            SignalsPage(self.ctx, staff=can(READ_CONFIDENTIAL))))
        if can(PRINT_REPORTS):
            entries.append((strings.NAV_REPORTS, ReportsPage(self.ctx)))
        entries.append((strings.NAV_SETTINGS, self.settings_page))
        self.pages = [page for _title, page in entries if isinstance(page, Page)]
        for title, page in entries:
            self.nav.addItem(title)
            self.stack.addWidget(page)
        # Tab walks the screen as it reads: the bar on top, the sidebar, the page, and
        # 锁定 at the bottom last (made before the pages, it came right after the sidebar).
        last = self.previousInFocusChain()  # Qt ignores a first widget taking no focus
        while not last.focusPolicy() & Qt.FocusPolicy.TabFocus:
            last = last.previousInFocusChain()
        QWidget.setTabOrder(last, self.lock_button)
        titles = [title for title, _page in entries]
        home = strings.NAV_HOME if strings.NAV_HOME in titles else strings.NAV_STUDENTS
        self.nav.setCurrentRow(titles.index(current if current in titles else home))

    def _open_list(self, warnings: WarningsPage, target: str, level: str | None,
                   grade: int | None, class_name: str | None) -> None:
        self.show_area(strings.NAV_WARNINGS)
        warnings.show_list(target, level, grade, class_name)

    def show_area(self, title: str) -> None:
        items = self.nav.findItems(title, Qt.MatchFlag.MatchExactly)
        if items:
            self.nav.setCurrentItem(items[0])

    def open_backup_tab(self) -> None:
        """The reminder bar's 「立即备份」: 设置 → 备份与恢复."""
        if self.settings_page is None or self.backup_tab is None:
            return
        self.show_area(strings.NAV_SETTINGS)
        self.settings_page.setCurrentWidget(self.backup_tab)

    def _broadcast(self, change: Changes) -> None:
        """The one broadcast: every page hears every write's Changes and reads the
        fields it shows."""
        for page in self.pages:
            page.on_changed(change)

    def lock(self) -> None:
        if self.ctx.store is None:
            return
        workers.cancel_all()
        self.release_store(self.locked.emit)

    def release_store(self, then: Callable[[str], object] | None = None) -> str | None:
        """What locking does, without asking for the login: stop the idle clock, close
        every dialog, clear every view and hide, at once; then close the Store and call
        `then(username)` as soon as no work uses it (at once when none runs; cancelled
        work still running holds it for a moment, and the login must not open the
        database again before it is closed). Returns who was signed in, or None."""
        if self.ctx.store is None:
            return None
        self.idle.stop()
        self._kept_focus = self.focusWidget()
        self._close_other_windows()
        for page in self.pages:
            page.clear()
        self.reminder.clear()
        self.hide()
        store, self.ctx.store = self.ctx.store, None
        username = store.user.username

        def close() -> None:
            auth.lock(store)
            if then is not None and workers.alive(self):
                then(username)

        workers.when_idle(close)
        return username

    def _close_other_windows(self) -> None:
        """Every other window may show student data (the student's file, a roster
        preview, an error naming a row, a popup list of names), and none may survive
        behind the lock screen: dialogs are rejected (the kiosk's reject never asks for
        the password), popups and any other window closed."""
        for widget in QApplication.topLevelWidgets():
            if widget is self or not shiboken6.isValid(widget) or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            else:
                widget.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if workers.busy():  # cancel the work, close once it has ended
            self.statusBar().showMessage(strings.CLOSE_WHILE_BUSY, BUSY_RETRY_MS)
            event.ignore()
            workers.cancel_all()
            workers.when_idle(self.close)
            return
        self.idle.stop()
        if self.ctx.store is not None:
            for page in self.pages:
                page.clear()
            store, self.ctx.store = self.ctx.store, None
            auth.lock(store)
        event.accept()
        self.closed.emit()
