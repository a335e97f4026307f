"""What a term counts, per instrument: each student once, by their latest valid result.

A school screens in many shapes — the whole school in September, a re-screen of one
grade in November, one campaign per grade — and the district adds schools up. Counting
campaign by campaign would count a re-screened student twice and let a per-grade
school look like three small schools. So the district export counts, for each
instrument and term (docs/DISTRICT_EXPORT.md §2, "What a term counts"):

- listed: every student listed in any campaign of the instrument in the term, once;
- 应测 (due): listed students who were due in at least one of those campaigns or have a
  result in one; the others take the status of their latest listing (请假/免测/已排除);
- 完成 (done): due students with any result; 答卷数 (the sheets counted, in 筛查建议预警):
  students with a valid result;
- bands, 需关注 and the suggested warning levels: each counted student's latest valid
  result — latest by campaign start (then campaign, then the time the sheet was taken).

So 应测 + 请假 + 免测 + 已排除 = listed, and every scale's bands add up to its 计分人数,
which is at most 答卷数. Groups follow the student's current class, as campaign_stats does.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.instruments import load_instrument
from app.models import Campaign, Participation, SchoolClass, ScreeningResult, Student
from app.services.statistics.campaign import SCHOOL, CampaignInfo, CampaignStats, counted_stats


def term_stats(session: Session, school_year: int, term: int,
               with_previous: bool = True) -> list[CampaignStats]:
    """One CampaignStats per instrument screened in the term (in the order of its first
    campaign); its `campaign` names every campaign counted, its `previous` is the same
    instrument's count in the term before, when there is one."""
    rows = session.execute(select(Campaign.id, Campaign.name, Campaign.instrument_code,
                                  Campaign.starts_on, Campaign.ends_on)
                           .where(Campaign.school_year == school_year, Campaign.term == term)
                           ).all()
    rows = sorted(rows, key=lambda r: (r.starts_on or date.min, r.id))
    per_instrument: dict[str, list] = {}
    for r in rows:
        per_instrument.setdefault(r.instrument_code, []).append(r)
    out = []
    for code, campaigns in per_instrument.items():
        stats = _instrument_term(session, school_year, term, code, campaigns)
        if with_previous:
            year, before = (school_year, 1) if term == 2 else (school_year - 1, 2)
            prev = [p for p in term_stats(session, year, before, with_previous=False)
                    if p.campaign.instrument_code == code]
            if prev:
                stats = replace(stats, previous=prev[0])
        out.append(stats)
    return out


def _instrument_term(session: Session, school_year: int, term: int, code: str,
                     campaigns: list) -> CampaignStats:
    rank = {c.id: i for i, c in enumerate(campaigns)}
    ids = list(rank)
    starts = [c.starts_on for c in campaigns if c.starts_on]
    ends = [c.ends_on for c in campaigns if c.ends_on]
    info = CampaignInfo(0, "、".join(c.name for c in campaigns), code,
                        load_instrument(code).label, school_year, term,
                        min(starts) if starts else None, max(ends) if ends else None)
    listing = session.execute(
        select(Participation.student_id, Participation.status, Participation.campaign_id,
               SchoolClass.grade, SchoolClass.number)
        .join(Student, Student.id == Participation.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Participation.campaign_id.in_(ids))).all()
    results = session.execute(
        select(ScreeningResult.student_id, ScreeningResult.campaign_id, ScreeningResult.id,
               ScreeningResult.taken_at, ScreeningResult.scores, ScreeningResult.valid,
               ScreeningResult.suggested_level, Student.gender, SchoolClass.grade,
               SchoolClass.number)
        .join(Student, Student.id == ScreeningResult.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(ScreeningResult.campaign_id.in_(ids))).all()
    latest_listing: dict[int, tuple] = {}
    due: set[int] = set()
    for sid, status, cid, grade, number in listing:
        if status == "due":
            due.add(sid)
        old = latest_listing.get(sid)
        if old is None or rank[cid] > old[0]:
            latest_listing[sid] = (rank[cid], status, grade, number)
    answered: set[int] = set()
    counted: dict[int, tuple] = {}
    for r in results:
        answered.add(r.student_id)
        latest_listing.setdefault(r.student_id, (rank[r.campaign_id], "due", r.grade, r.number))
        if not r.valid:
            continue
        order = (rank[r.campaign_id], r.taken_at or datetime.min, r.id)
        old = counted.get(r.student_id)
        if old is None or order > old[0]:
            counted[r.student_id] = (order, (json.loads(r.scores), True, r.suggested_level,
                                             r.gender, r.grade))
    due |= answered
    people = []
    for sid, (_, status, grade, number) in latest_listing.items():
        state = "due" if sid in due else status
        people.append((sid, state, grade, number, sid in answered))
    sheets = [sheet for _, sheet in counted.values()]
    return counted_stats(session, info, SCHOOL, people, sheets,
                         len(answered) - len(counted))
