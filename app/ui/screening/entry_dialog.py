"""答题卡录入: typing a class's paper answer sheets, one answer string per student.

Built for speed at the keyboard: the class is listed in 学籍号 order, the cursor stays
in one large input line, each keystroke is checked (length, allowed characters, via
the same parse_answer_strings the file import uses), and Enter saves and moves to the
next student at once. The save runs on a worker while the teacher already types the
next sheet; when it returns, that student's row shows the total and the suggested
level. If a save fails, the student is selected again with the text as typed.
"""

from __future__ import annotations

import dataclasses
import html
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import BadInputError, QingxinError
from app.instruments import WARNING_LABELS, Instrument, parse_answer_strings
from app.instruments.answer_strings import MISSING_MARK
from app.labels import PARTICIPATION
from app.services.screening.campaigns import CampaignRow
from app.services.screening.entry import (
    AnswersSaved,
    ParticipantRow,
    enter_answer_string,
)
from app.ui import messages
from app.ui.fonts import MONO_FAMILY
from app.ui.form_widgets import ERROR_STYLE, data_table, fit_columns, hint_label
from app.ui.screening import strings as s
from app.ui.screening.campaign_window import CampaignWindow
from app.ui.screening.class_picker import ClassPicker
from app.ui.screening.models import (
    ENTRY_COLUMNS,
    TintedTableModel,
    entry_tint,
    instrument_for,
    number_text,
)
from app.ui.store_context import StoreContext

READY_STYLE = "color: #1f6b3a;"
TYPING_STYLE = "color: #555;"
GROUP = 10


@dataclass(frozen=True)
class AnswerCheck:
    state: str  # "empty", "typing", "ready" or "error"
    message: str
    typed: int


def normalized(text: str) -> str:
    """What parse_answer_strings will read: full-width folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def check_answer_text(text: str, instrument: Instrument) -> AnswerCheck:
    """Judge a string while it is typed: a bad character or too many characters is an
    error at once; a short string is only "typing" (padded with unanswered marks, so
    the parser checks the characters typed so far)."""
    items = instrument.item_count
    clean = normalized(text)
    n = len(clean)
    if n == 0:
        return AnswerCheck("empty", s.ENTRY_TYPING.format(n=0, items=items), 0)
    if n > items:
        return AnswerCheck("error", s.ENTRY_TOO_LONG.format(n=n - items, items=items), n)
    _values, problems = parse_answer_strings([clean + MISSING_MARK * (items - n)], instrument)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        return AnswerCheck("error", fatal[0].message, n)
    if n < items:
        return AnswerCheck("typing", s.ENTRY_TYPING.format(n=n, items=items), n)
    return AnswerCheck("ready", s.ENTRY_READY.format(items=items), n)


def first_bad(text: str, instrument: Instrument) -> int | None:
    """Index of the first character that is no answer (for highlighting only; the
    parser's message says what is wrong)."""
    allowed = {MISSING_MARK}
    for option in instrument.options:
        allowed |= {str(int(option.value)), option.letter, option.letter.lower()}
    return next((i for i, char in enumerate(normalized(text)) if char not in allowed), None)


def echo_html(text: str, instrument: Instrument) -> str:
    """The typed answers in groups of ten, each group led by its first item number
    (to compare with the paper sheet), a bad character in red."""
    clean, bad = normalized(text), first_bad(text, instrument)
    parts = []
    for start in range(0, len(clean), GROUP):
        chars = [html.escape(c) if start + i != bad else
                 f"<span style='color:#b3261e; text-decoration: underline'>{html.escape(c)}"
                 "</span>" for i, c in enumerate(clean[start:start + GROUP])]
        parts.append(f"<span style='color:#999; font-size:9pt'>{start + 1}</span>"
                     f"&nbsp;{''.join(chars)}")
    return "&nbsp;&nbsp;".join(parts)


def allowed_text(instrument: Instrument) -> str:
    values = "、".join(f"{int(o.value)} = {o.label}" for o in instrument.options)
    letters = "".join(o.letter for o in instrument.options)
    return f"{values}（或选项字母 {letters[0]}–{letters[-1]}），未答写 {MISSING_MARK}"


class AnswerEntryDialog(CampaignWindow):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow, class_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, campaign, s.ENTRY_TITLE, (1000, 700), parent)
        self.instrument = instrument_for(campaign.instrument_code)
        self.class_picker = ClassPicker(ctx, campaign.id, class_id)
        self._saves_started = 0
        self._newest_shown = 0
        self.hint = hint_label(s.ENTRY_HINT.format(
            label=self.instrument.label, items=self.instrument.item_count,
            allowed=allowed_text(self.instrument)))
        self.model = TintedTableModel(ENTRY_COLUMNS, tint=entry_tint)
        self.model.setParent(self)
        self.view = data_table()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(False)  # entry follows the sheets' order
        self.current = QLabel(s.ENTRY_NO_STUDENT)
        self.current.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.not_due = hint_label()
        self.not_due.setStyleSheet(ERROR_STYLE)
        self.answer = QLineEdit()
        mono = QFont(MONO_FAMILY)
        mono.setPointSize(16)
        self.answer.setFont(mono)
        self.echo = QLabel()
        echo_font = QFont(MONO_FAMILY)
        echo_font.setPointSize(13)
        self.echo.setFont(echo_font)
        self.echo.setTextFormat(Qt.TextFormat.RichText)
        self.echo.setWordWrap(True)
        self.state = QLabel()
        self.save_button = QPushButton(s.ENTRY_SAVE)
        self.skip_button = QPushButton(s.ENTRY_SKIP)
        self.last_saved = hint_label()
        for button in (self.save_button, self.skip_button):
            button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(s.ENTRY_CLASS))
        top.addWidget(self.class_picker)
        top.addWidget(self.hint, 1)
        line = QHBoxLayout()
        line.addWidget(self.answer, 1)
        line.addWidget(self.save_button)
        line.addWidget(self.skip_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.current)
        layout.addWidget(self.not_due)
        layout.addLayout(line)
        layout.addWidget(self.echo)
        layout.addWidget(self.state)
        layout.addWidget(self.last_saved)

        self.class_picker.students_loaded.connect(self._students_loaded)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.answer.textChanged.connect(self._validate)
        self.answer.returnPressed.connect(self.save_current)
        self.save_button.clicked.connect(self.save_current)
        self.skip_button.clicked.connect(self.next_student)
        self._validate()
        if not self._supported():
            self.answer.setEnabled(False)
            self.save_button.setEnabled(False)
            self.state.setText(s.ENTRY_UNSUPPORTED.format(label=self.instrument.label))
        self.class_picker.reload()

    def _supported(self) -> bool:
        try:
            parse_answer_strings([""], self.instrument)
        except BadInputError:
            return False
        return True

    def _students_loaded(self, rows: list[ParticipantRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.view)
        first = next((i for i, r in enumerate(rows) if r.status == "due" and not r.has_result),
                     0)
        self.select_row(first)

    def select_row(self, position: int) -> None:
        if 0 <= position < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(position, 0))
            self.view.scrollTo(self.model.index(position, 0))
        self.answer.setFocus()

    def current_row(self) -> ParticipantRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _row_changed(self) -> None:
        row = self.current_row()
        if row is None:
            self.current.setText(s.ENTRY_NO_STUDENT)
            return
        self.current.setText(s.ENTRY_CURRENT.format(no=row.student_no, name=row.name))
        self.not_due.setText("" if row.status == "due" else s.ENTRY_NOT_DUE.format(
            status=PARTICIPATION.get(row.status, row.status)))
        self.not_due.setVisible(row.status != "due")
        self.answer.setText(row.answer_text)
        self.answer.selectAll()
        self.answer.setFocus()

    def _validate(self) -> AnswerCheck:
        check = check_answer_text(self.answer.text(), self.instrument)
        self.echo.setText(echo_html(self.answer.text(), self.instrument))
        self.state.setText(check.message)
        self.state.setStyleSheet({"error": ERROR_STYLE, "ready": READY_STYLE}.get(
            check.state, TYPING_STYLE))
        return check

    def save_current(self) -> None:
        row = self.current_row()
        check = self._validate()
        if row is None or check.state != "ready":
            return
        text, campaign_id, student_id = self.answer.text(), self.campaign.id, row.student_id
        self._saves_started += 1
        number = self._saves_started
        consent = self.ctx.deployment.consent
        self.ctx.mutate(self, lambda store, _p: enter_answer_string(
            store, campaign_id, student_id, text, consent),
            lambda saved: self._saved(saved, text, number),
            label=None,
            on_failure=lambda exc: self._failed(student_id, text, exc))
        self.next_student()

    def next_student(self) -> None:
        position = self.view.currentIndex().row() + 1
        if position >= self.model.rowCount():
            self.answer.clear()
            self.last_saved.setText(s.ENTRY_DONE_ALL)
            return
        self.select_row(position)

    def _position(self, student_id: int) -> int | None:
        return next((i for i, r in enumerate(self.model.rows) if r.student_id == student_id),
                    None)

    def _saved(self, saved: AnswersSaved, text: str, number: int) -> None:
        """Saves run on workers and may finish out of order when the teacher types fast:
        each updates its own row, and the 上一份 line shows the newest save only."""
        position = self._position(saved.student_id)
        if position is None:
            return
        row = self.model.row_at(position)
        self.model.replace_row(position, dataclasses.replace(
            row, source=saved.source, total=saved.total, warning=saved.warning,
            answer_text=normalized(text)))
        message = s.ENTRY_SAVED.format(name=row.name, total=number_text(saved.total) or "—",
                                       warning=WARNING_LABELS.get(saved.warning, ""))
        if saved.critical:
            message += s.ENTRY_SAVED_CRITICAL.format(
                items="、".join(str(i) for i in saved.critical))
        if number < self._newest_shown:
            return
        self._newest_shown = number
        self.last_saved.setText(message)
        self.last_saved.setStyleSheet(ERROR_STYLE if saved.critical else "")

    def _failed(self, student_id: int, text: str, exc: QingxinError) -> None:
        position = self._position(student_id)
        if position is not None:
            self.select_row(position)
            self.answer.setText(text)
        messages.show_error(self, exc)
