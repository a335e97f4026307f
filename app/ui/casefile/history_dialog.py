"""Every version of one entry, original first: what a correction left behind.

Corrections never overwrite (app/services/casefile/versions.py); this dialog is where a teacher
or an auditor sees the original text beside each correction, who made it and why.
Reading the history is audited by the service.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.labels import (
    COUNSELLING_KINDS,
    FOLLOWUP_KINDS,
    PAIRING_ROLES,
    PLAN_CATEGORIES,
    PLAN_OUTCOMES,
    RISK_FACTORS,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
    label,
)
from app.services.casefile.entries import EntryVersion, entry_history
from app.ui.casefile import texts
from app.ui.store_context import StoreContext
from app.ui.table_models import local_time_text

#: Field → Chinese name, for every kind's content fields a teacher wrote.
FIELD_NAMES: dict[str, str] = {
    "held_on": "日期", "kind": "类型", "participants": "参与人员", "content": "内容",
    "next_step": "下一步安排", "confidential": "保密", "code": "因素", "noted_on": "发现日期",
    "source": "来源", "note": "备注", "resolved_on": "解除日期", "reporter": "反映人",
    "reported_on": "反映日期", "description": "反映的情况", "severity": "严重程度",
    "role": "角色", "person": "姓名", "started_on": "开始日期", "ended_on": "结束日期",
    "category": "类别", "goals": "辅导目标", "measures": "干预措施", "responsible": "责任人",
    "next_review_on": "下次评估", "reviewed_on": "评估日期", "outcome": "评估结论",
    "due_on": "应完成日期", "done_on": "完成日期", "done_by": "完成人",
    "minutes": "时长（分钟）", "group_id": "团体辅导编号",
}
#: Coded fields per entry kind (the same field name means different tables).
CODES: dict[str, dict[str, dict[str, str]]] = {
    "counselling": {"kind": COUNSELLING_KINDS},
    "risk_factor": {"code": RISK_FACTORS},
    "signal": {"source": SIGNAL_SOURCES, "severity": SIGNAL_SEVERITIES},
    "pairing": {"role": PAIRING_ROLES},
    "plan": {"category": PLAN_CATEGORIES},
    "plan_review": {"outcome": PLAN_OUTCOMES},
    "follow_up": {"kind": FOLLOWUP_KINDS},
}


def value_text(kind: str, name: str, value: Any) -> str:
    if name in CODES.get(kind, {}):
        return label(CODES[kind][name], value)
    if isinstance(value, bool):
        return texts.YES if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def history_html(kind: str, versions: list[EntryVersion]) -> str:
    """Each version as a block; fields a correction changed are marked in red."""
    blocks = []
    previous: dict[str, Any] = {}
    for n, v in enumerate(versions):
        title = texts.HISTORY_ORIGINAL if n == 0 else texts.HISTORY_VERSION.format(n=n)
        if v.withdrawn:
            title += f"（{texts.HISTORY_WITHDRAWN}）"
        meta = texts.HISTORY_META.format(when=local_time_text(v.created_at), who=v.created_by)
        lines = [f"<h3 style='margin-bottom:2px'>{escape(title)}</h3>",
                 f"<div style='color:#666'>{escape(meta)}</div>"]
        if v.change_reason:
            lines.append(f"<div><b>{escape(texts.HISTORY_REASON.format(reason=v.change_reason))}"
                         "</b></div>")
        for name, value in v.fields.items():
            if name not in FIELD_NAMES:
                continue
            text = escape(value_text(kind, name, value)).replace("\n", "<br>")
            changed = n > 0 and previous.get(name) != value
            style = " style='color:#b3261e'" if changed else ""
            lines.append(f"<div{style}><b>{FIELD_NAMES[name]}：</b>{text}</div>")
        previous = v.fields
        blocks.append("\n".join(lines))
    return "<hr>".join(blocks)


class HistoryDialog(QDialog):
    def __init__(self, ctx: StoreContext, kind: str, record_id: int,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(texts.HISTORY_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(560, 520)
        self.browser = QTextBrowser()
        self.browser.setPlainText(texts.HISTORY_LOADING)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        ctx.query(self, lambda store: entry_history(store, kind, record_id), self._loaded)

    def _loaded(self, versions: list[EntryVersion]) -> None:
        self.versions = versions
        self.browser.setHtml(history_html(self.kind, versions))
