"""Helpers shared by the student-file tests."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func, select

from app.models import AuditEvent, Campaign, ScreeningResult
from app.store.handle import Store


def audit_count(store: Store, action: str, target_id: int | str | None = None) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == str(target_id))
    with store.read() as session:
        return session.scalar(query) or 0


def add_result(store: Store, student_id: int, campaign: str, level: str = "none",
               critical: str = "", taken_at: datetime | None = None,
               starts_on: date | None = None, instrument: str = "phq9",
               total: float = 5.0, school_year: int = 2020, valid: bool = True,
               band: str = "mild", answers: dict[str, str] | None = None,
               reasons: tuple[str, ...] = (), validity_note: str = "") -> int:
    """A stored screening result (and its campaign, made on first use); returns the
    campaign id. Written directly: scoring and import are tested elsewhere. The document
    has the shape of the scoring contract (issue 11): "critical_answers" names the option
    answered per critical item, "reasons" the validity codes."""
    with store.write() as session:
        camp = session.scalar(select(Campaign).where(Campaign.name == campaign))
        if camp is None:
            camp = Campaign(name=campaign, instrument_code=instrument, school_year=school_year,
                            starts_on=starts_on)
            session.add(camp)
            session.flush()
        session.add(ScreeningResult(
            campaign_id=camp.id, student_id=student_id, instrument_code=instrument,
            instrument_version="1", taken_at=taken_at, source="import",
            scores=json.dumps({
                "valid": valid, "reasons": list(reasons), "scales": {}, "total": total,
                "bands": {"total": band}, "missing": {"total": 0},
                "critical": [int(i) for i in critical.split(",") if i],
                "critical_answers": answers or {}}, ensure_ascii=False),
            total=total, valid=valid, validity_note=validity_note, critical_items=critical,
            suggested_level=level))
        return camp.id
