"""The frame of a window over one campaign (录入, 结果, 参测情况).

Each is titled with the campaign's name, non-modal and gone when closed (a new one is
made for each opening, so a closed window holds no answers in memory), and sized for its
table; the entry and results windows can be maximised for a whole grade's rows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from app.services.screening.campaigns import CampaignRow
from app.ui.store_context import StoreContext


class CampaignWindow(QDialog):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow, title: str,
                 size: tuple[int, int], parent: QWidget | None,
                 maximisable: bool = True) -> None:
        """`title` has a `{name}` for the campaign's name."""
        super().__init__(parent)
        self.ctx = ctx
        self.campaign = campaign
        self.setWindowTitle(title.format(name=campaign.name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if maximisable:
            self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(*size)
