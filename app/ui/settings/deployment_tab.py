"""设置 → 部署与密钥 (staff, read-only): what the district's deployment file set for this
installation, as read once at start, and the two fingerprints that must be compared
on paper or by phone before a sealed report is trusted — the district's public key
(from the file) and this school's signing key (from the database).

The school cannot change any of this in the program: a wrong value is fixed by
district IT in deploy.toml. Where this run differs from the file (--db,
QINGXIN_DATA_DIR, --lock-minutes), both are shown, so nobody wonders which applies.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.deployment import AGGREGATES, KEY_STUDENT_MODES, Deployment
from app.instruments.school import definition_files
from app.paths import school_instruments_dir
from app.services.district.school_keys import export_school_key, school_key_fingerprint
from app.ui.file_dialogs import DISTRICT, ask_save_path
from app.ui.form_widgets import ERROR_STYLE, hint_label
from app.ui.reports.saving import show_saved
from app.ui.settings import texts
from app.ui.store_context import StoreContext

FINGERPRINT_STYLE = "font-family: monospace; font-size: 11pt;"


def _value(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _or_not_set(text: str) -> str:
    return text or texts.NOT_SET


def hospital_lines(deployment: Deployment) -> str:
    if not deployment.hospitals:
        return texts.NO_HOSPITALS
    return "\n".join(texts.HOSPITAL.format(label=h.label, phone=h.phone).strip()
                     for h in deployment.hospitals)


def policy_lines(deployment: Deployment) -> tuple[str, str, str]:
    """Aggregates, key-student mode and suppression, in the wording of deploy.toml's
    comments, so district IT and the school read the same words."""
    policy = deployment.policy
    aggregates = "\n".join(f"· {AGGREGATES[code]}" for code in policy.aggregates)
    min_cell = (texts.MIN_CELL.format(high=policy.min_cell - 1, min_cell=policy.min_cell)
                if policy.min_cell > 1 else texts.MIN_CELL_OFF)
    return aggregates or texts.NOT_SET, KEY_STUDENT_MODES[policy.key_students], min_cell


class DeploymentTab(QWidget):
    def __init__(self, ctx: StoreContext, idle_minutes: int) -> None:
        super().__init__()
        self.ctx = ctx
        d = ctx.deployment
        self.source = _value(str(d.source) if d.source else texts.NO_DEPLOY_FILE)
        school = (texts.SCHOOL.format(name=d.school_name or texts.SCHOOL_FROM_DB,
                                      code=d.school_code)
                  if d.school_code else d.school_name or texts.SCHOOL_FROM_DB)
        self.school = _value(school)
        self.district = _value(_or_not_set(d.district_name))
        if d.district_key is not None:
            self.district_key = _value(texts.DISTRICT_KEY.format(
                fingerprint=d.district_key.fingerprint, kem=d.district_key.kem))
            self.district_key.setStyleSheet(FINGERPRINT_STYLE)
        else:
            self.district_key = _value(texts.NO_DISTRICT_KEY)
            self.district_key.setStyleSheet(ERROR_STYLE)
        self.school_key = _value(texts.LOADING)
        self.export_key_button = QPushButton(texts.EXPORT_SCHOOL_KEY)
        self.export_key_button.clicked.connect(self.export_school_key)
        school_key_row = QHBoxLayout()
        school_key_row.addWidget(self.school_key, 1)
        school_key_row.addWidget(self.export_key_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hospitals = _value(hospital_lines(d))
        aggregates, key_students, min_cell = policy_lines(d)
        self.aggregates = _value(aggregates)
        self.key_students = _value(key_students)
        self.min_cell = _value(min_cell)
        self.data_dir = _value()
        self.instruments = _value()
        self.auto_lock = _value(
            texts.AUTO_LOCK.format(minutes=idle_minutes) if idle_minutes == d.auto_lock_minutes
            else texts.AUTO_LOCK_OTHER.format(minutes=idle_minutes,
                                              deployed=d.auto_lock_minutes))
        self.reminder = _value(texts.REMINDER.format(days=d.backup_reminder_days))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for title, value in (
                (texts.F_DEPLOY_FILE, self.source), (texts.F_SCHOOL, self.school),
                (texts.F_DISTRICT, self.district), (texts.F_DISTRICT_KEY, self.district_key),
                (texts.F_SCHOOL_KEY, school_key_row), (texts.F_HOSPITALS, self.hospitals),
                (texts.F_AGGREGATES, self.aggregates),
                (texts.F_KEY_STUDENTS, self.key_students), (texts.F_MIN_CELL, self.min_cell),
                (texts.F_DATA_DIR, self.data_dir), (texts.F_INSTRUMENTS, self.instruments),
                (texts.F_AUTO_LOCK, self.auto_lock),
                (texts.F_REMINDER, self.reminder)):
            form.addRow(title, value)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addLayout(form)
        column.addWidget(hint_label(texts.DEPLOYMENT_HINT))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # Page protocol -------------------------------------------------------------------
    def reload(self) -> None:
        store = self.ctx.store
        if store is None:
            return
        folder = store.path.parent
        deployed = self.ctx.deployment.data_dir
        self.data_dir.setText(
            str(folder) if deployed is None or _same(folder, deployed)
            else texts.DATA_DIR_OTHER.format(folder=folder, deployed=deployed))
        self.instruments.setText(_instruments_text(school_instruments_dir(store.path)))
        self.ctx.query(self, school_key_fingerprint, self._show_school_key, label=None)

    def clear(self) -> None:
        self.school_key.setText(texts.LOADING)
        self.data_dir.clear()
        self.instruments.clear()

    def on_changed(self, change: Changes) -> None:
        """Nothing broadcast changes this tab: it reads the key files when shown."""

    def showEvent(self, event: QShowEvent) -> None:
        """A sealed export made meanwhile may have created the school's key."""
        super().showEvent(event)
        self.reload()

    def export_school_key(self) -> Path | None:
        """The registration file for the district: the public half only, so it may travel
        on any USB stick; making it creates the key pair if no export has yet."""
        code = self.ctx.deployment.school_code or "本校"
        path = ask_save_path(self, DISTRICT, texts.EXPORT_SCHOOL_KEY_TITLE,
                             texts.EXPORT_SCHOOL_KEY_NAME.format(code=code),
                             texts.EXPORT_SCHOOL_KEY_FILTER, ".json")
        if path is None:
            return None
        code_in_file = self.ctx.deployment.school_code or None
        self.ctx.mutate(self, lambda store, _p: export_school_key(store, path, code_in_file),
                        lambda key_print: self._exported(path, key_print.value),
                        label=texts.EXPORTING_SCHOOL_KEY)
        return path

    def _exported(self, path: Path, key_print: str) -> None:
        self._show_school_key(key_print)
        show_saved(self, texts.EXPORT_SCHOOL_KEY_TITLE,
                   texts.SCHOOL_KEY_EXPORTED.format(path=path, fingerprint=key_print), path)

    def _show_school_key(self, fingerprint: str | None) -> None:
        if fingerprint:
            self.school_key.setText(texts.SCHOOL_KEY.format(fingerprint=fingerprint))
            self.school_key.setStyleSheet(FINGERPRINT_STYLE)
        else:
            self.school_key.setText(texts.NO_SCHOOL_KEY)
            self.school_key.setStyleSheet("")


def _instruments_text(folder: Path) -> str:
    """Where a school's own instruments go, and which it has (the file names: reading
    the definitions is the screening page's work, and their mistakes are shown there)."""
    if not folder.is_dir():
        state = texts.INSTRUMENTS_NONE
    else:
        codes = [p.stem for p in definition_files(folder)]
        state = (texts.INSTRUMENTS_IN_USE.format(codes="、".join(codes)) if codes
                 else texts.INSTRUMENTS_SHIPPED_ONLY)
    return texts.INSTRUMENTS_DIR.format(folder=folder, state=state)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b
