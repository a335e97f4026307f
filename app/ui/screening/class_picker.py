"""The class chooser of the three per-class campaign dialogs (参测名单, 答题卡录入,
本机作答): the campaign's classes, and the students of the chosen one, each read on a
worker. One loader keeps the dialogs from drifting apart in how they pick the first
class, keep the chosen class across a reload, and refresh the students.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox

from app.services.screening.campaigns import ClassCompletion, class_completion
from app.services.screening.entry import campaign_students
from app.ui.store_context import StoreContext

MIN_CONTENTS = 10


class ClassPicker(QComboBox):
    """Lists only classes that have students in the campaign (class_completion).

    `reload()` reads the classes again (after a change elsewhere) and keeps the class on
    screen; choosing a class reads its students. Results arrive as signals, so each
    dialog decides what to show (a summary, a first row to select)."""

    classes_loaded = Signal(list)  # list[ClassCompletion]
    students_loaded = Signal(list)  # list[ParticipantRow]

    def __init__(self, ctx: StoreContext, campaign_id: int, wanted_class: int | None) -> None:
        super().__init__()
        self.ctx = ctx
        self.campaign_id = campaign_id
        self._wanted_class = wanted_class
        self.setMinimumContentsLength(MIN_CONTENTS)
        self.currentIndexChanged.connect(self.load_students)

    def reload(self) -> None:
        campaign_id = self.campaign_id
        self.ctx.query(self, lambda store: class_completion(store, campaign_id), self._fill)

    def _fill(self, classes: list[ClassCompletion]) -> None:
        keep = self._wanted_class if self._wanted_class is not None else self.currentData()
        self._wanted_class = None
        self.blockSignals(True)
        self.clear()
        for entry in classes:
            self.addItem(entry.class_name, entry.class_id)
        self.setCurrentIndex(max(0, self.findData(keep)))
        self.blockSignals(False)
        self.classes_loaded.emit(classes)
        self.load_students()

    def load_students(self) -> None:
        class_id = self.currentData()
        if class_id is None:
            self.students_loaded.emit([])
            return
        campaign_id = self.campaign_id
        self.ctx.query(self, lambda store: campaign_students(store, campaign_id, class_id),
                       self.students_loaded.emit)
