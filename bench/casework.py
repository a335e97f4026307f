"""The counselling room's work in the ten-year school, simulated term by term.

The shares below are the generator's assumptions about a diligent counselling room, not
facts; they make the tables as full as real use would:
- After each screening, every student whose suggested level (the real rules,
  `warning_rules.suggest_level`, on the sheet and active risk factors) differs from
  their level gets a decision, as the review queue asks — crisis suggestions the next
  school day after an interview (decided crisis 15 %, key 35 %, general 50 %), the
  rest within two weeks: a key suggestion is decided key 30 %, general 30 %, no concern
  40 % (the interview finds less than the sheet), a general one general 15 % (else no
  concern: most MHT single-scale highs); a suggestion below the level lowers it one
  step 70 % of the time, else the level is confirmed. About one student in ten is on
  the general list at a time, and two or three in a hundred are key.
- Follow-ups as `plan_routine`/`complete_followup` plan them (monthly for key and
  crisis, three-monthly for general), done within a few days of falling due; of those
  due in the last three weeks before today, 40 % are still open (today's work has
  overdue items).
- Key and crisis students get a care plan reviewed every two months (a quarter of the
  reviews revise it), a mentor and the class teacher paired, a session every two to
  three weeks (a third confidential, one in seven a home contact, one in twenty
  corrected the next day); crisis eases to key after one to two months (70 %), a new
  key student to general after two to four months (50 %), a new general one off the
  list after four to eight months (60 %).
- The warning network reports ≈0.6 % of students a term (60 % ordinary, 30 % serious,
  10 % self-harm or suicide wording), each reviewed the same or next day.
- 12 % of new students bring a risk factor (one in seven two); a quarter resolve.
- A referral is opened for 35 % of the new crisis decisions (run by referrals.py).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.instruments.warning import WARNING_LABELS
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
from app.services.casefile.followup import DEFAULT_POLICY, due_after, next_school_day
from app.services.warning.rules import SheetFacts, SignalFacts, Suggestion, suggest_level
from bench import notes
from bench.rows import Rows

ORDER = ("none", "general", "key", "crisis")
SIGNAL_LEVEL = {"suicide": "crisis", "self_harm": "crisis", "serious": "key",
                "ordinary": "general"}
FACTORS = {"left_behind": 30, "single_parent": 25, "poverty": 12, "migrant": 10,
           "academic_difficulty": 10, "bereavement": 4, "disability": 3, "family_crisis": 3,
           "other": 3}
FAR = date(9999, 1, 1)


@dataclass(frozen=True)
class ReferralJob:
    student_id: int
    opened_on: date
    indications: frozenset[str]


@dataclass
class Case:
    """Where one student stands: level, the open follow-up, plan, pairings, what's next."""

    level: str = "none"
    followup: int | None = None
    followup_due: date = FAR
    followup_waiting: bool = False  # left open on purpose: overdue at "today"
    plan: int | None = None
    review_due: date = FAR
    pairings: list[int] = field(default_factory=list)
    session_due: date = FAR
    step_down: date = FAR
    factors: list[tuple[str, date, date]] = field(default_factory=list)  # code, from, until
    evidence: SheetFacts | None = None
    referral_until: date | None = None

    def factor_codes(self, on: date) -> list[str]:
        return [code for code, start, end in self.factors if start <= on < end]


def school_day(day: date) -> date:
    """The day itself, or the first school day after the summer or winter holiday."""
    if (day.month == 7 and day.day > 10) or day.month == 8:
        day = date(day.year, 9, 1)
    elif (day.month == 1 and day.day > 20) or (day.month == 2 and day.day < 15):
        day = date(day.year, 2, 15)
    return next_school_day(day)


class Casework:
    def __init__(self, counsellor: str, as_of: date, rng: random.Random) -> None:
        self.user = counsellor
        self.as_of = as_of
        self.rng = rng
        self.cases: dict[int, Case] = defaultdict(Case)
        self.referrals: list[ReferralJob] = []

    def intake(self, rows: Rows, student_ids: list[int], on: date) -> None:
        rng = self.rng
        for sid in student_ids:
            if rng.random() >= 0.12:
                continue
            for code in rng.sample(list(FACTORS), 2 if rng.random() < 0.15 else 1):
                noted = school_day(on + timedelta(days=rng.randrange(30)))
                rid = rows.add(RiskFactor, sid, code=code, noted_on=noted,
                               source=rng.choice(("班主任", "入学登记", "家长")))
                until = FAR
                if rng.random() < 0.25:
                    until = noted + timedelta(days=rng.randrange(200, 900))
                    if until <= self.as_of:
                        rows.version(RiskFactor, rid, "情况已改变", resolved_on=until)
                    else:
                        until = FAR
                self.cases[sid].factors.append((code, noted, until))

    def review(self, rows: Rows, campaign_id: int, name: str, code: str, ends_on: date,
               sheets: list[tuple[int, str, tuple[int, ...], date, bool, dict[int, str]]],
               ) -> None:
        """The review queue of one campaign, worked through."""
        rng = self.rng
        for sid, warning, critical, taken_on, valid, answers in sheets:
            case = self.cases[sid]
            case.evidence = SheetFacts(name, code, taken_on, warning, critical, valid, answers)
            suggestion = suggest_level([case.evidence], case.factor_codes(ends_on), [])
            if suggestion.level == case.level:
                continue
            if suggestion.level == "crisis":
                day = school_day(taken_on + timedelta(days=1))
            else:
                day = school_day(ends_on + timedelta(days=rng.randint(1, 10)))
            if day > self.as_of:
                continue
            level = self._choose(suggestion.level, case.level)
            if {level, suggestion.level} & {"key", "crisis"}:  # an interview first
                self._session(rows, sid, day, "crisis" if suggestion.level == "crisis"
                              else "individual")
            self.decide(rows, sid, level, suggestion, day, campaign_id)

    def _choose(self, suggested: str, current: str) -> str:
        rng = self.rng.random()
        if suggested == "crisis":
            return "crisis" if rng < 0.15 else "key" if rng < 0.5 else "general"
        if ORDER.index(suggested) > ORDER.index(current):
            if suggested == "key":
                return max("key" if rng < 0.3 else "general" if rng < 0.6 else "none",
                           current, key=ORDER.index)
            return "general" if rng < 0.15 else current
        return ORDER[ORDER.index(current) - 1] if rng < 0.7 else current

    def decide(self, rows: Rows, sid: int, level: str, suggestion: Suggestion, day: date,
               campaign_id: int | None = None) -> None:
        """A decision with what `record_decision` and `plan_routine` do after it."""
        rng = self.rng
        case = self.cases[sid]
        before = case.level
        if level == suggestion.level:
            why = "：" + "；".join(suggestion.reasons) if suggestion.reasons else ""
            reason = f"接受测评后的建议等级（{WARNING_LABELS[level]}）{why}"
        elif ORDER.index(level) < ORDER.index(suggestion.level):
            reason = rng.choice(notes.LOWER_REASONS)
        else:
            reason = "复核：近期状态仍需关注，维持较高等级"
        rows.add(LevelDecision, sid, level=level, reason=reason,
                 suggested_level=suggestion.level,
                 suggested_reasons=json.dumps(list(suggestion.reasons), ensure_ascii=False),
                 decided_on=day, decided_by=self.user, campaign_id=campaign_id)
        case.level = level
        self._plan_followup(rows, case, sid, level, day)
        if level in ("key", "crisis"):
            self._start_care(rows, case, sid, level, day, before)
        else:
            self._end_care(rows, case, sid, day)
            if level == "general" and before != "general" and rng.random() < 0.6:
                case.step_down = day + timedelta(days=rng.randint(120, 240))
        if level == "crisis" and before != "crisis" and rng.random() < 0.35 \
                and (case.referral_until is None or case.referral_until < day):
            case.referral_until = self.as_of  # busy until referrals.py says when it closed
            self.referrals.append(ReferralJob(sid, day, frozenset(
                rng.sample(("suicidal_ideation", "critical_item", "self_harm",
                            "severe_depression", "loss_of_function"), 2))))

    def _plan_followup(self, rows: Rows, case: Case, sid: int, level: str, day: date) -> None:
        if level not in DEFAULT_POLICY.days:
            if case.followup is not None:
                rows.version(FollowUp, case.followup, "解除关注，撤销随访", withdrawn=True)
                case.followup, case.followup_due, case.followup_waiting = None, FAR, False
            return
        due = due_after(day, level)
        if case.followup is None:
            case.followup, case.followup_due = rows.add(FollowUp, sid, due_on=due), due
        elif case.followup_due > due:
            case.followup = rows.version(FollowUp, case.followup, "预警等级提高，随访提前",
                                         due_on=due)
            case.followup_due, case.followup_waiting = due, False

    def _start_care(self, rows: Rows, case: Case, sid: int, level: str, day: date,
                    before: str) -> None:
        rng = self.rng
        if case.plan is None:
            case.plan = rows.add(CarePlan, sid, category=level, goals=rng.choice(notes.GOALS),
                                 measures=rng.choice(notes.MEASURES),
                                 responsible="心理教师、班主任",
                                 next_review_on=day + timedelta(days=60))
            case.review_due = day + timedelta(days=60)
        if not case.pairings:
            case.pairings = [rows.add(Pairing, sid, role=role, person=person, started_on=day)
                             for role, person in (("mentor", rng.choice("王李张刘陈") + "老师"),
                                                  ("class_teacher", "班主任"))]
        case.session_due = min(case.session_due,
                               school_day(day + timedelta(days=rng.randint(14, 21))))
        if level == "crisis":
            case.step_down = (day + timedelta(days=rng.randint(30, 60))
                              if rng.random() < 0.7 else FAR)
        elif before != "key":
            case.step_down = (day + timedelta(days=rng.randint(60, 120))
                              if rng.random() < 0.5 else FAR)

    def _end_care(self, rows: Rows, case: Case, sid: int, day: date) -> None:
        if case.plan is not None:
            rows.add(PlanReview, sid, plan_id=case.plan, reviewed_on=day, outcome="close",
                     note="评估：状态稳定，结案。")
            case.plan, case.review_due = None, FAR
        for pid in case.pairings:
            rows.version(Pairing, pid, "结束结对", ended_on=day)
        case.pairings = []
        case.session_due = case.step_down = FAR

    def _session(self, rows: Rows, sid: int, day: date, kind: str = "individual") -> None:
        rng = self.rng
        rows.opened(sid)
        if kind == "individual" and rng.random() < 0.14:
            rows.add(CounsellingRecord, sid, held_on=day,
                     kind=rng.choice(("phone", "home_visit", "three_way")),
                     participants="心理教师、班主任、家长",
                     content=rng.choice(notes.HOME_CONTACTS))
            return
        rid = rows.add(CounsellingRecord, sid, held_on=day, kind=kind, participants="心理教师",
                       content=notes.session_note(rng), next_step=rng.choice(notes.NEXT_STEPS),
                       confidential=rng.random() < 0.33)
        if rng.random() < 0.05 and day < self.as_of:
            rows.version(CounsellingRecord, rid, "补充记录",
                         content=notes.session_note(rng) + "（补充）")

    def term(self, rows: Rows, enrolled: list[int], start: date, end: date) -> None:
        """Everything between one screening's review and the next screening."""
        rng = self.rng
        end = min(end, self.as_of + timedelta(days=1))
        signals: dict[int, list[SignalFacts]] = defaultdict(list)
        span = max(1, (end - start).days)
        for sid in rng.sample(enrolled, int(len(enrolled) * 0.006)):
            severity = rng.choices(("ordinary", "serious", "self_harm", "suicide"),
                                   (60, 30, 7, 3))[0]
            on = school_day(start + timedelta(days=rng.randrange(span)))
            if on < end:
                signals[sid].append(SignalFacts(rng.choice(("class_teacher", "peer_monitor",
                                                            "parent")), on, severity))
        for sid in enrolled:
            case = self.cases.get(sid)
            if sid in signals or (case is not None and case.level != "none"):
                self._run(rows, sid, self.cases[sid], end, signals.get(sid, []))

    def _run(self, rows: Rows, sid: int, case: Case, end: date, signals: list[SignalFacts]) -> None:
        rng = self.rng
        while True:
            waiting = case.followup_waiting or case.followup is None
            day, what = min((FAR if waiting else case.followup_due, "followup"),
                            (case.session_due, "session"), (case.review_due, "review"),
                            (case.step_down, "step_down"),
                            (signals[0].reported_on if signals else FAR, "signal"))
            if day >= end:
                return
            if what == "signal":
                self._signal(rows, sid, case, signals.pop(0))
            elif what == "followup":
                self._followup(rows, sid, case, day)
            elif what == "session":
                self._session(rows, sid, day)
                case.session_due = school_day(day + timedelta(days=rng.randint(14, 21)))
            elif what == "review":
                self._plan_review(rows, sid, case, day)
            else:
                case.step_down = FAR
                lower = ORDER[ORDER.index(case.level) - 1]
                self.decide(rows, sid, lower, self._suggestion(case, day), day)

    def _suggestion(self, case: Case, day: date) -> Suggestion:
        evidence = case.evidence
        recent = evidence is not None and evidence.taken_on is not None \
            and (day - evidence.taken_on).days <= 365
        return suggest_level([evidence] if evidence is not None and recent else [],
                             case.factor_codes(day), [])

    def _signal(self, rows: Rows, sid: int, case: Case, signal: SignalFacts) -> None:
        rng = self.rng
        rows.add(ReportedSignal, sid, source=signal.source, reporter="班主任",
                 reported_on=signal.reported_on, severity=signal.severity,
                 description=rng.choice(notes.SIGNALS))
        level = SIGNAL_LEVEL[signal.severity]
        if ORDER.index(level) <= ORDER.index(case.level) or \
                (level == "general" and rng.random() < 0.5):
            return
        day = school_day(signal.reported_on + timedelta(days=rng.randint(0, 1)))
        if day > self.as_of:
            return
        self._session(rows, sid, day, "crisis" if level == "crisis" else "individual")
        suggestion = suggest_level([], case.factor_codes(day), [signal])
        self.decide(rows, sid, level, suggestion, day)

    def _followup(self, rows: Rows, sid: int, case: Case, due: date) -> None:
        rng = self.rng
        assert case.followup is not None
        if (self.as_of - due).days < 21 and rng.random() < 0.4:
            case.followup_waiting = True
            return
        done = min(school_day(due + timedelta(days=rng.randint(0, 4))), self.as_of)
        rows.version(FollowUp, case.followup, "完成随访", done_on=done, done_by="心理教师",
                     note=rng.choice(notes.FOLLOWUP_NOTES))
        case.followup, case.followup_due = None, FAR
        if case.level in DEFAULT_POLICY.days:
            due = due_after(done, case.level)
            case.followup, case.followup_due = rows.add(FollowUp, sid, due_on=due), due

    def _plan_review(self, rows: Rows, sid: int, case: Case, day: date) -> None:
        rng = self.rng
        assert case.plan is not None
        revise = rng.random() < 0.25
        rows.add(PlanReview, sid, plan_id=case.plan, reviewed_on=day,
                 outcome="revise" if revise else "continue", note=rng.choice(notes.REVIEW_NOTES),
                 next_review_on=day + timedelta(days=60))
        if revise:
            case.plan = rows.version(CarePlan, case.plan, "评估后调整措施",
                                     measures=rng.choice(notes.MEASURES))
        case.review_due = day + timedelta(days=60)

    def leave(self, rows: Rows, student_ids: list[int], on: date) -> None:
        """Graduates: open follow-ups withdrawn, pairings ended, plans closed."""
        for sid in student_ids:
            case = self.cases.get(sid)
            if case is None:
                continue
            if case.followup is not None:
                rows.version(FollowUp, case.followup, "毕业离校", withdrawn=True)
                case.followup = None
            self._end_care(rows, case, sid, on)
