"""Helpers of the 报告与上报 GUI tests: the page over a StoreContext with a chosen
deployment, a stand-in save dialog that records what it suggested, and screenshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.deployment import Deployment
from app.store.handle import Store
from app.ui.reports.reports_page import ReportsPage
from app.ui.store_context import StoreContext
from tests.reports.reports_helpers import ScreenedSchool
from tests.ui.ui_helpers import screen_saver, shown


@dataclass
class Screened:
    store: Store
    school: ScreenedSchool



def make_page(qtbot, store: Store, deployment: Deployment | None = None) -> ReportsPage:
    ctx = StoreContext(store, deployment)
    return shown(qtbot, ReportsPage(ctx), ctx, (1100, 720))


@dataclass
class SaveDialog:
    """Replaces QFileDialog in app.ui.file_dialogs: answers `answer` (or cancels when
    None) and keeps the suggested paths."""

    answer: Path | None
    suggested: list[str] = field(default_factory=list)

    def getSaveFileName(self, _parent, _title, suggested, _filter):
        self.suggested.append(suggested)
        return (str(self.answer) if self.answer else "", "")


def box_with(text: str) -> QMessageBox:
    from tests.ui.ui_helpers import message_boxes

    found = [b for b in message_boxes() if text in b.text()]
    assert found, [b.text() for b in message_boxes()]
    return found[-1]


save_screen = screen_saver("reports-")
