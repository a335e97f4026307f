"""报告与上报: a page of the main window (reload, clear, on_changed) with two tabs —
测评报告 (group and individual PDFs) and 区级报送 (the term's sealed export).

The page is built for staff only; the services check the role again. A broadcast that
changes what the reports count (`Changes.records`: an import, a decided level, a roster
change) reloads the campaign list when the page is on screen, or marks it stale for
when it next appears, and voids the export preview at once. The page's own writes — a
report printed, an export sealed — change nothing either tab shows (`NOTHING`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from app.changes import Changes
from app.ui.reports import texts
from app.ui.reports.export_tab import ExportTab
from app.ui.reports.report_tab import ReportTab
from app.ui.stale_reload import ReloadsWhenShown
from app.ui.store_context import StoreContext


class ReportsPage(ReloadsWhenShown, QTabWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.stale = False
        self.reports = ReportTab(ctx)
        self.export = ExportTab(ctx)
        self.addTab(self.reports, texts.TAB_REPORTS)
        self.addTab(self.export, texts.TAB_EXPORT)

    def reload(self) -> None:
        self.stale = False
        self.reports.reload()
        self.export.reload()

    def clear(self) -> None:
        self.reports.clear()
        self.export.clear()

    def on_changed(self, change: Changes) -> None:
        if not change.records:
            return
        self.export.drop_preview(stale=True)
        self.reload_or_mark()
