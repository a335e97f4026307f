"""概况: who the student is, who to call, and where the student stands today.

The level with the day it began, the next follow-up and plan review (overdue in red),
the referral's current step, who is paired with the student (and the 双结对 gap), the
active risk factors, and the latest entries of every kind in one dated list: what a
teacher needs before picking up the phone, on one page without scrolling.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import NamedTuple

from PySide6.QtWidgets import QGridLayout, QWidget

from app.labels import (
    COUNSELLING_KINDS,
    GENDERS,
    PAIRING_ROLES,
    PLAN_OUTCOMES,
    RISK_FACTORS,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
    STUDENT_STATUSES,
    label,
)
from app.services.casefile.plans import active_on
from app.services.casefile.rows import StudentFile
from app.services.referral.steps import STEP_LABELS
from app.ui.casefile import texts
from app.ui.casefile.loading import FileView
from app.ui.casefile.widgets import day, fill, group, level_html, level_label, rich_label, table
from app.ui.table_models import Column

RECENT = 12


class Activity(NamedTuple):
    on: date
    what: str
    detail: str


ACTIVITY_COLUMNS = (
    Column(texts.COL_DATE, lambda a: day(a.on), sort_key=lambda a: a.on),
    Column(texts.COL_WHAT, lambda a: a.what),
    Column(texts.COL_CONTENT, lambda a: a.detail),
)


def recent_activity(f: StudentFile, limit: int = RECENT) -> list[Activity]:
    """The newest entries of every kind, newest first (a summary shows no content)."""
    found = [Activity(c.held_on, label(COUNSELLING_KINDS, c.kind),
                      c.content.splitlines()[0] if c.content else "") for c in f.counselling]
    found += [Activity(s.reported_on, f"{label(SIGNAL_SOURCES, s.source)}反映",
                       s.description or label(SIGNAL_SEVERITIES, s.severity)) for s in f.signals]
    found += [Activity(d.decided_on, f"预警等级：{level_label(d.level)}", d.reason)
              for d in f.warning_history]
    found += [Activity(r.reviewed_on, f"计划评估：{label(PLAN_OUTCOMES, r.outcome)}", r.note)
              for r in f.plan_reviews]
    found += [Activity(fu.done_on, "完成随访", fu.note) for fu in f.followups if fu.done_on]
    found += [Activity(s.done_on, f"转介：{STEP_LABELS[s.step]}",
                       f"跳过：{s.skip_reason}" if s.skipped else s.note)
              for r in f.referrals for s in r.steps if s.done_on]
    return sorted(found, key=lambda a: a.on, reverse=True)[:limit]

RED = '<span style="color:#b3261e">{}</span>'


class OverviewTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.profile = rich_label()
        self.guardians = rich_label()
        self.level = rich_label()
        self.risks = rich_label()
        self.recent, self.recent_model = table(ACTIVITY_COLUMNS, self)
        grid = QGridLayout(self)
        grid.addWidget(group(texts.OV_PROFILE, self.profile), 0, 0)
        grid.addWidget(group(texts.OV_GUARDIANS, self.guardians), 0, 1)
        grid.addWidget(group(texts.OV_LEVEL, self.level), 1, 0)
        grid.addWidget(group(texts.OV_RISKS, self.risks), 1, 1)
        grid.addWidget(group(texts.OV_RECENT, self.recent), 2, 0, 1, 2)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def show_view(self, view: FileView) -> None:
        f = view.file
        p = f.profile
        self.profile.setText(texts.OV_PROFILE_TEXT.format(
            gender=label(GENDERS, p.gender), birth=day(p.birth_date, "—"),
            status=label(STUDENT_STATUSES, p.status)))
        self.guardians.setText("<br>".join(
            escape(f"{g.name}（{g.relation}）{g.phone}" + (f"　{g.note}" if g.note else ""))
            for g in f.guardians)
            or texts.NONE_YET)
        self.level.setText("<br>".join(self._level_lines(view)))
        active = [r for r in f.risk_factors if r.active_on(view.today)]
        self.risks.setText("<br>".join(
            escape(f"{label(RISK_FACTORS, r.code)}（{day(r.noted_on)} 起）") for r in active)
            or texts.NONE_YET)
        fill(self.recent, self.recent_model, recent_activity(f))

    @staticmethod
    def _level_lines(view: FileView) -> list[str]:
        f = view.file
        lines = []
        if f.level is None or f.level_code == "none":
            lines.append(texts.OV_LEVEL_NONE)
        else:
            lines.append(texts.OV_LEVEL_TEXT.format(level=level_html(f.level_code),
                                                    since=day(f.level_since)))
        due = min((fu.due_on for fu in f.open_followups), default=None)
        if due is not None or f.level_code != "none":
            lines.append(_due(texts.OV_NEXT_FOLLOWUP, due, view))
        if f.plan is not None and not f.plan.closed:
            lines.append(_due(texts.OV_NEXT_REVIEW, f.plan.next_review_on, view))
        if f.referrals:
            r = f.referrals[-1]
            state = (texts.OV_REFERRAL_OPEN.format(step=STEP_LABELS[r.next_step.step])
                     if r.next_step else texts.OV_REFERRAL_CLOSED.format(opened=day(r.opened_on)))
            lines.append(texts.OV_REFERRAL.format(state=escape(state)))
        paired = [f"{label(PAIRING_ROLES, p.role)} {p.person}" for p in f.pairings
                  if active_on(p, view.today)]
        if paired:
            lines.append(texts.OV_PAIRED.format(people=escape("、".join(paired))))
        if f.pairing_gap:
            lines.append(RED.format(escape(f.pairing_gap)))
        return lines


def _due(template: str, due: date | None, view: FileView) -> str:
    if due is None:
        return template.format(due=texts.NOT_SET)
    text = template.format(due=due.isoformat())
    late = (view.today - due).days
    return RED.format(text + texts.OV_OVERDUE.format(days=late)) if late > 0 else text
