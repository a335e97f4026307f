"""本机作答: a student answers on the counselling PC, one item per screen.

The window is full-screen and application-modal, so nothing else of the program can
be reached while a student sits at it; while it is on screen Windows' own keys (Win,
Alt+Tab, Win+E …) are held back too (app/ui/system_keys.py). Leaving (Esc, the 退出
button, closing the window) asks for the signed-in teacher's password, checked against
their key slot on a worker. Only the idle lock may close it without the password (it calls
`reject()`, which never asks): the lock must always win.

Item texts are shown where the definition has them (PHQ-9, GAD-7); MHT and MSSMHS ship
without texts, so the screen shows the item number and asks the student to read
the paper item. The student never sees a score: after submitting, a neutral thank-you.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.services.accounts.auth_check import verify_password
from app.services.screening.campaigns import CampaignRow
from app.services.screening.entry import AnswersSaved, ParticipantRow, save_kiosk_answers
from app.ui import messages
from app.ui.app_keys import STUDENT_SCREEN
from app.ui.form_widgets import error_label, hint_label, password_edit
from app.ui.screening import strings as s
from app.ui.screening.models import instrument_for
from app.ui.store_context import StoreContext
from app.ui.system_keys import SystemKeyBlock

KIOSK_STYLE = """
QDialog#kiosk { background: #f7faf9; }
QLabel#progress { font-size: 14pt; color: #555; }
QLabel#prompt { font-size: 15pt; color: #555; }
QLabel#item { font-size: 26pt; font-weight: bold; color: #1d2b28; }
QLabel#paper { font-size: 16pt; color: #5b4a00; }
QLabel#big { font-size: 24pt; color: #1d2b28; }
QPushButton#option { font-size: 20pt; min-height: 72px; padding: 8px 24px;
    border: 2px solid #9bbfb5; border-radius: 10px; background: white; text-align: left; }
QPushButton#option:checked { background: #2f7d6d; color: white; border-color: #2f7d6d; }
QPushButton#nav { font-size: 15pt; min-height: 48px; min-width: 140px; }
QPushButton#exit { font-size: 10pt; color: #888; border: none; background: transparent; }
"""
MISSING_LISTED = 20
ITEM_PAGE, WELCOME_PAGE, REVIEW_PAGE, THANKS_PAGE = range(4)


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class PasswordPrompt(QDialog):
    """The teacher's password to leave the kiosk; `verified` once it is right."""

    def __init__(self, ctx: StoreContext, unsaved: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.verified = False
        self.setWindowTitle(s.KIOSK_EXIT_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(380)
        self.password = password_edit()
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(s.KIOSK_EXIT)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(s.KIOSK_EXIT_HINT))
        if unsaved:
            layout.addWidget(hint_label(s.KIOSK_EXIT_UNSAVED))
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)

    def check(self) -> None:
        password = self.password.text()
        self.buttons.setEnabled(False)
        self.error.setText(s.KIOSK_CHECKING)
        self.ctx.query(self, lambda store: verify_password(store, password), self._checked,
                       on_failure=self._failed)

    def _checked(self, ok: bool) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        if ok:
            self.verified = True
            self.error.clear()
            self.accept()
        else:
            self.error.setText(s.KIOSK_WRONG_PASSWORD)

    def _failed(self, exc: QingxinError) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(exc.message)


class KioskDialog(QDialog):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow, student: ParticipantRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign = campaign
        self.student = student
        self.instrument = instrument_for(campaign.instrument_code)
        self.answers: list[float | None] = [None] * self.instrument.item_count
        self.position = 0
        self.started: float | None = None
        """When the first item was shown (time.monotonic), for the too-fast check."""
        self.submitted = False
        self.prompt: PasswordPrompt | None = None
        self._may_close = False
        self.system_keys = SystemKeyBlock()
        self.setObjectName("kiosk")
        self.setProperty(STUDENT_SCREEN, True)  # Ctrl+L / Ctrl+F are the teacher's
        self.setStyleSheet(KIOSK_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle(self.instrument.label)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._item_page())
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._review_page())
        self.pages.addWidget(self._thanks_page())
        self.exit_button = QPushButton(s.KIOSK_EXIT)
        self.exit_button.setObjectName("exit")
        self.exit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.exit_button.clicked.connect(self.request_exit)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.exit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 16, 60, 40)
        layout.addLayout(corner)
        layout.addWidget(self.pages, 1)
        self.pages.setCurrentIndex(WELCOME_PAGE)

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        begin = QPushButton(s.KIOSK_BEGIN)
        begin.setObjectName("nav")
        begin.clicked.connect(lambda: self.show_item(0))
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.welcome = _label(s.KIOSK_WELCOME.format(name=self.student.name), "big")
        layout.addWidget(self.welcome)
        layout.addWidget(_label(s.KIOSK_INTRO.format(items=self.instrument.item_count),
                                "prompt"))
        if self.instrument.prompt:
            layout.addWidget(_label(self.instrument.prompt, "prompt"))
        layout.addSpacing(24)
        layout.addWidget(begin, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    def _item_page(self) -> QWidget:
        page = QWidget()
        self.progress_label = _label("", "progress")
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, self.instrument.item_count)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(8)
        self.item_prompt = _label(self.instrument.prompt, "prompt")
        self.item_text = _label("", "item")
        self.paper_hint = _label("", "paper")
        self.options = QButtonGroup(self)
        self.options.setExclusive(True)
        options = QVBoxLayout()
        options.setSpacing(14)
        for i, option in enumerate(self.instrument.options):
            button = QPushButton(f"{option.letter}.  {option.label}")
            button.setObjectName("option")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.options.addButton(button, i)
            options.addWidget(button)
        self.options.idClicked.connect(self.choose)
        self.back_button = QPushButton(s.KIOSK_BACK)
        self.next_button = QPushButton(s.KIOSK_NEXT)
        for button in (self.back_button, self.next_button):
            button.setObjectName("nav")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(lambda: self.show_item(self.position - 1))
        self.next_button.clicked.connect(lambda: self.show_item(self.position + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        column = QWidget()
        column.setMaximumWidth(900)
        inner = QVBoxLayout(column)
        inner.addWidget(self.progress_label)
        inner.addWidget(self.progress_bar)
        inner.addSpacing(16)
        inner.addWidget(self.item_prompt)
        inner.addSpacing(12)
        inner.addWidget(self.item_text)
        inner.addWidget(self.paper_hint)
        inner.addSpacing(28)
        inner.addLayout(options)
        inner.addStretch(1)
        inner.addLayout(nav)
        layout = QHBoxLayout(page)
        layout.addWidget(column)
        return page

    def _review_page(self) -> QWidget:
        page = QWidget()
        self.review_text = _label("", "prompt")
        back = QPushButton(s.KIOSK_BACK)
        self.submit_button = QPushButton(s.KIOSK_SUBMIT)
        for button in (back, self.submit_button):
            button.setObjectName("nav")
        back.clicked.connect(lambda: self.show_item(self.instrument.item_count - 1))
        self.submit_button.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addSpacing(24)
        buttons.addWidget(self.submit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(_label(s.KIOSK_REVIEW_TITLE, "big"))
        layout.addWidget(self.review_text)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(_label(s.KIOSK_THANKS, "big"))
        layout.addWidget(_label(s.KIOSK_THANKS_HINT, "prompt"))
        layout.addStretch(2)
        return page

    def show_item(self, position: int) -> None:
        if position < 0:
            return
        if position >= self.instrument.item_count:
            self.show_review()
            return
        if self.started is None:
            self.started = time.monotonic()
        self.position = position
        item = self.instrument.items[position]
        count = self.instrument.item_count
        self.progress_label.setText(s.KIOSK_PROGRESS.format(n=item.number, items=count))
        # The bar and the words count the same thing: the item on screen (a student who
        # went back to item 2 sees "第 2 题" and a bar at 2, not at the answers given).
        self.progress_bar.setValue(position + 1)
        self.item_text.setText(item.text or s.KIOSK_PAPER_ITEM.format(n=item.number))
        self.paper_hint.setText("" if item.text else s.KIOSK_PAPER_HINT.format(n=item.number))
        self.paper_hint.setVisible(not item.text)
        self.options.setExclusive(False)
        for i, option in enumerate(self.instrument.options):
            self.options.button(i).setChecked(self.answers[position] == option.value)
        self.options.setExclusive(True)
        self.back_button.setEnabled(position > 0)
        self.pages.setCurrentIndex(ITEM_PAGE)

    def choose(self, option_index: int) -> None:
        """Record the answer and move on: one tap per item."""
        self.answers[self.position] = self.instrument.options[option_index].value
        self.show_item(self.position + 1)

    def missing_items(self) -> list[int]:
        return [item.number for item, answer in zip(self.instrument.items, self.answers,
                                                    strict=True) if answer is None]

    def show_review(self) -> None:
        missing = self.missing_items()
        self.review_text.setText(s.KIOSK_REVIEW_MISSING.format(
            n=len(missing), items="、".join(map(str, missing[:MISSING_LISTED]))
            + ("……" if len(missing) > MISSING_LISTED else "")) if missing
            else s.KIOSK_REVIEW_ALL)
        self.pages.setCurrentIndex(REVIEW_PAGE)

    def submit(self) -> None:
        self.submit_button.setEnabled(False)
        self.submit_button.setText(s.KIOSK_SUBMITTING)
        answers, campaign_id = list(self.answers), self.campaign.id
        student_id = self.student.student_id
        seconds = None if self.started is None else time.monotonic() - self.started
        consent = self.ctx.deployment.consent
        self.ctx.mutate(self, lambda store, _p: save_kiosk_answers(
            store, campaign_id, student_id, answers, seconds, consent), self._submitted,
            label=None,
            on_failure=self._submit_failed)

    def _submitted(self, _saved: AnswersSaved) -> None:
        """Nothing of the result is shown: the student sees only the thank-you."""
        self.submitted = True
        self.pages.setCurrentIndex(THANKS_PAGE)

    def _submit_failed(self, exc: QingxinError) -> None:
        self.submit_button.setEnabled(True)
        self.submit_button.setText(s.KIOSK_SUBMIT)
        messages.show_error(self, exc)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.request_exit()
            return
        if self.pages.currentIndex() == ITEM_PAGE:
            number = event.text()
            if number.isdigit() and 1 <= int(number) <= len(self.instrument.options):
                self.choose(int(number) - 1)
                return
            if key == Qt.Key.Key_Left:
                self.show_item(self.position - 1)
                return
            if key == Qt.Key.Key_Right:
                self.show_item(self.position + 1)
                return
        event.ignore()

    def request_exit(self) -> None:
        if self.prompt is not None:
            return
        self.prompt = PasswordPrompt(self.ctx, not self.submitted, self)
        self.prompt.finished.connect(self._prompt_closed)
        self.prompt.open()

    def _prompt_closed(self) -> None:
        verified = self.prompt is not None and self.prompt.verified
        self.prompt = None
        if verified:
            self._may_close = True
            self.close()

    def showEvent(self, event: QShowEvent) -> None:
        self.system_keys.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.system_keys.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            event.accept()
            return
        event.ignore()
        self.request_exit()
