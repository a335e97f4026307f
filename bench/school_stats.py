"""What the ten-year school holds: row counts, band and warning rates per instrument,
the student with the most records and the size of the files on disk."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from app.models import (
    AuditEvent,
    Campaign,
    CarePlan,
    CounsellingRecord,
    FollowUp,
    LevelDecision,
    Pairing,
    PlanReview,
    Referral,
    ReferralStep,
    ReportedSignal,
    RiskFactor,
    ScreeningResult,
    Student,
)
from app.paths import keyslot_path

COUNTED = (Student, Campaign, ScreeningResult, CounsellingRecord, LevelDecision, FollowUp,
           CarePlan, PlanReview, Pairing, RiskFactor, ReportedSignal, Referral, ReferralStep,
           AuditEvent)
#: Tables of a student's own records, for "the student with the most records".
PER_STUDENT = (ScreeningResult, CounsellingRecord, LevelDecision, FollowUp, CarePlan,
               PlanReview, Pairing, RiskFactor, ReportedSignal, Referral)


def counts(session: Session) -> dict[str, int]:
    found = {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
             for m in COUNTED}
    found["student_enrolled"] = session.scalar(
        select(func.count()).where(Student.status == "enrolled")) or 0
    return found


def rates(session: Session) -> dict[str, dict[str, float]]:
    """Per instrument, the share (%) of sheets in each total band, at each suggested
    level, invalid, and with a critical item answered. Scores and critical items are
    sealed columns (app/models/sealed.py), so the tally is made here, not in SQL."""
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for code, scores, level, valid, critical in session.execute(select(
            ScreeningResult.instrument_code, ScreeningResult.scores,
            ScreeningResult.suggested_level, ScreeningResult.valid,
            ScreeningResult.critical_items)):
        c = tally[code]
        c["sheets"] += 1
        c[f"band {json.loads(scores).get('bands', {}).get('total')}"] += 1
        c[f"level {level}"] += 1
        c["invalid"] += 0 if valid else 1
        c["critical"] += 1 if critical else 0
    return {code: {k: round(100 * v / c["sheets"], 1) if k != "sheets" else v
                   for k, v in sorted(c.items())} for code, c in sorted(tally.items())}


def most_records(session: Session) -> int:
    """The student with the most rows across the file's tables."""
    each = union_all(*(select(m.student_id.label("sid")) for m in PER_STUDENT)).subquery()
    return session.execute(select(each.c.sid).group_by(each.c.sid)
                           .order_by(func.count().desc()).limit(1)).scalar_one()


def file_sizes(db: Path) -> dict[str, int]:
    """The database, its WAL (if one is left) and the key-slot file, in bytes."""
    wal = db.with_name(db.name + "-wal")
    return {"database": db.stat().st_size, "wal": wal.stat().st_size if wal.exists() else 0,
            "keys": keyslot_path(db).stat().st_size}
