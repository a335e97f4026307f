"""Bulk rows for the ten-year school's records, written to the same tables the services
write, with the same audit events.

A counselling room's ten years are tens of thousands of entries; one service call each
would take the generator far past a few minutes. Ids are given here, so a version can
name the row it supersedes before either is written; `Rows.version` copies the content
of the version it replaces exactly as `app.services.casefile.versions.new_version` does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.models import (
    CarePlan,
    CounsellingRecord,
    FollowUp,
    LevelDecision,
    Pairing,
    PlanReview,
    ReportedSignal,
    RiskFactor,
)
from app.services import audit

#: Insert order: plans before their reviews; the rest reference students and campaigns.
MODELS: tuple[type, ...] = (RiskFactor, ReportedSignal, CounsellingRecord, LevelDecision,
                            CarePlan, PlanReview, Pairing, FollowUp)

#: The entry kind each table's audit detail names (as app.services.casefile.entries does).
KIND: dict[type, str] = {RiskFactor: "risk_factor", ReportedSignal: "signal",
                         CounsellingRecord: "counselling", CarePlan: "plan",
                         PlanReview: "plan_review", Pairing: "pairing", FollowUp: "follow_up"}

VERSIONED = {"supersedes_id": None, "change_reason": "", "withdrawn": False}

#: Every column a row of each table is written with (executemany needs the same keys
#: in every row), with the value when a caller does not give one.
DEFAULTS: dict[type, dict[str, Any]] = {
    RiskFactor: {"source": "", "note": "", "resolved_on": None, **VERSIONED},
    ReportedSignal: {"reporter": "", "description": "", "severity": "ordinary", **VERSIONED},
    CounsellingRecord: {"participants": "", "content": "", "next_step": "",
                        "confidential": False, **VERSIONED},
    LevelDecision: {"suggested_reasons": "[]", "campaign_id": None},
    CarePlan: {"goals": "", "measures": "", "responsible": "", "next_review_on": None,
               **VERSIONED},
    PlanReview: {"note": "", "next_review_on": None, **VERSIONED},
    Pairing: {"ended_on": None, "note": "", **VERSIONED},
    FollowUp: {"kind": "routine", "done_on": None, "done_by": "", "note": "",
               "campaign_id": None, **VERSIONED},
}


class Rows:
    """Rows waiting to be written, by table, and their audit events."""

    def __init__(self, session: Session, username: str) -> None:
        self.username = username
        self.next_id = {m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in MODELS}
        self.rows: dict[type, list[dict[str, Any]]] = {m: [] for m in MODELS}
        self.values: dict[tuple[type, int], dict[str, Any]] = {}
        self.events: list[tuple[str, int, str]] = []
        self.written: Counter[str] = Counter()

    def add(self, model: type, student_id: int, **values: Any) -> int:
        """A new entry (or decision), audited as the services audit it."""
        row_id = self._put(model, {"student_id": student_id, **values})
        if model is LevelDecision:
            self.events.append(("warning_decided", student_id,
                                f"decision {row_id} {values['level']}"))
        else:
            self.events.append(("student_edit", student_id, f"{KIND[model]} {row_id}"))
        return row_id

    def version(self, model: type, old_id: int, reason: str, withdrawn: bool = False,
                **changes: Any) -> int:
        """A correction, completion or withdrawal of `old_id`: a new row that supersedes it."""
        old = self.values[(model, old_id)]
        content = {k: v for k, v in old.items() if k not in ("id", *VERSIONED)}
        row_id = self._put(model, content | changes | {
            "supersedes_id": old_id, "change_reason": reason, "withdrawn": withdrawn})
        verb = "撤回" if withdrawn else "更正"
        self.events.append(("student_edit", old["student_id"],
                            f"{KIND[model]} {row_id} {verb} {old_id}"))
        return row_id

    def opened(self, student_id: int) -> None:
        """The file was opened (a session is written with the file open)."""
        self.events.append(("student_open", student_id, ""))

    def _put(self, model: type, values: dict[str, Any]) -> int:
        row_id = self.next_id[model]
        self.next_id[model] += 1
        created_by = {} if model is LevelDecision else {"created_by": self.username}
        row = DEFAULTS[model] | created_by | values | {"id": row_id}
        self.rows[model].append(row)
        self.values[(model, row_id)] = row
        return row_id

    def write(self, session: Session) -> None:
        """Insert everything waiting (one statement per table) and its audit events, in
        the caller's transaction; the chain of audit hashes is the service's own."""
        for model in MODELS:
            if self.rows[model]:
                session.execute(insert(model), self.rows[model])
                self.written[model.__tablename__] += len(self.rows[model])
                self.rows[model] = []
        for action, student_id, detail in self.events:
            audit.record(session, self.username, action, "student", student_id, detail)
        self.written["audit_event"] += len(self.events)
        self.events = []
