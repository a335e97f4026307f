"""The 一生一策 plan, its reviews, and the people paired with the student (师生结对).

A student has one plan chain: saving again revises it (a new version, the old one kept).
A review records how the plan is going and when to look again; "close" (结案) ends the
plan until it is revised. The 双结对 rule — a key or crisis student is paired with at
least two adults (导师, 班主任, 校领导) at once — is checked here and shown on the key
student list; peers (心理委员) support but do not count towards it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from sqlalchemy import select

from app.changes import ChangesWithId, in_file
from app.errors import BadInputError
from app.models import CarePlan
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.entries import end_entry, insert_entry, revise_entry
from app.services.casefile.versions import current
from app.store.handle import Store

#: Roles that count towards 双结对 (a peer supports but is not a paired teacher).
ADULT_ROLES = ("mentor", "class_teacher", "leader")
#: Levels whose students the 双结对 rule applies to.
PAIRED_LEVELS = ("key", "crisis")
PAIRS_NEEDED = 2


def save_plan(store: Store, student_id: int, category: str, goals: str, measures: str,
              responsible: str, next_review_on: date | None,
              reason: str = "") -> ChangesWithId:
    """Create the student's plan, or revise it (a new version) if one exists."""
    require(store, WRITE_CASEFILE)
    if next_review_on is None:
        raise BadInputError("请填写下次评估日期。")
    values = {"category": category, "goals": goals, "measures": measures,
              "responsible": responsible.strip(), "next_review_on": next_review_on}
    with store.write() as session:
        existing = current(session.scalars(
            select(CarePlan).where(CarePlan.student_id == student_id)))
        username = store.user.username
        if not existing:
            return ChangesWithId(insert_entry(session, username, "plan", student_id,
                                              **values).id, in_file(student_id))
        return ChangesWithId(revise_entry(session, username, "plan", existing[0],
                                          reason.strip() or "修订计划", **values).id,
                             in_file(student_id))


def review_plan(store: Store, student_id: int, reviewed_on: date, outcome: str,
                note: str = "", next_review_on: date | None = None) -> ChangesWithId:
    """Record a review of the current plan; "close" ends it, the others need a next date."""
    require(store, WRITE_CASEFILE)
    if outcome != "close" and next_review_on is None:
        raise BadInputError("请填写下次评估日期（结案除外）。")
    if outcome == "close":
        next_review_on = None
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise BadInputError("下次评估日期应晚于本次评估日期。")
    with store.write() as session:
        plans = current(session.scalars(
            select(CarePlan).where(CarePlan.student_id == student_id)))
        if not plans:
            raise BadInputError("该学生还没有一生一策计划，请先制定计划。")
        return ChangesWithId(insert_entry(
            session, store.user.username, "plan_review", student_id, plan_id=plans[0].id,
            reviewed_on=reviewed_on, outcome=outcome, note=note,
            next_review_on=next_review_on).id, in_file(student_id))


def add_pairing(store: Store, student_id: int, role: str, person: str, started_on: date,
                note: str = "") -> ChangesWithId:
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        return ChangesWithId(insert_entry(
            session, store.user.username, "pairing", student_id, role=role, person=person,
            started_on=started_on, ended_on=None, note=note).id, in_file(student_id))


def end_pairing(store: Store, pairing_id: int, ended_on: date) -> ChangesWithId:
    return end_entry(store, "pairing", pairing_id, "ended_on", ended_on, "结束结对",
                     "该结对已于 {day} 结束。")


class PairingLike(Protocol):
    role: str
    started_on: date
    ended_on: date | None


def active_on(pairing: PairingLike, today: date) -> bool:
    return pairing.started_on <= today and (pairing.ended_on is None or pairing.ended_on > today)


def pairing_gap(level: str, pairings: Iterable[PairingLike], today: date) -> str:
    """Why the 双结对 rule is not met for a student at `level`, or "" if it is."""
    if level not in PAIRED_LEVELS:
        return ""
    adults = sum(1 for p in pairings if p.role in ADULT_ROLES and active_on(p, today))
    if adults >= PAIRS_NEEDED:
        return ""
    return (f"未落实双结对：重点关注及危机学生应至少有 {PAIRS_NEEDED} 名教师结对"
            f"（导师、班主任或校领导），目前 {adults} 名。")
