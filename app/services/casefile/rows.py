"""The student file as plain frozen rows: what `open_file` returns.

No ORM object leaves a session, so a Qt model can keep these after the database is
locked. Every versioned entry appears as its newest version; `corrected` says that
earlier versions exist (entries.entry_history shows them). In a class teacher's summary
(`StudentFile.full` is False) confidential records are left out and notes are blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

HOME_CONTACT_KINDS = ("home_visit", "phone", "three_way")


@dataclass(frozen=True)
class Profile:
    id: int
    student_no: str
    name: str
    gender: str
    birth_date: date | None
    grade: int
    class_number: int
    class_id: int
    status: str


@dataclass(frozen=True)
class GuardianRow:
    name: str
    relation: str
    phone: str
    note: str = ""


@dataclass(frozen=True)
class RiskFactorRow:
    id: int
    code: str
    noted_on: date
    source: str
    note: str
    resolved_on: date | None
    corrected: bool

    def active_on(self, day: date) -> bool:
        return self.noted_on <= day and (self.resolved_on is None or self.resolved_on > day)


@dataclass(frozen=True)
class ScreeningRow:
    """One stored result; `taken_on` falls back to the campaign's dates when unknown."""

    result_id: int
    campaign_id: int
    campaign_name: str
    instrument_code: str
    taken_on: date | None
    date_from_campaign: bool
    total: float | None
    valid: bool
    suggested_level: str
    critical_items: tuple[int, ...]
    bands: tuple[tuple[str, str | None], ...]
    critical_answers: dict[int, str] = field(default_factory=dict)
    """Item → the option label answered (documents stored before issue 11 lack it)."""


@dataclass(frozen=True)
class CounsellingRow:
    id: int
    held_on: date
    kind: str
    participants: str
    content: str
    next_step: str
    confidential: bool
    created_by: str
    corrected: bool
    minutes: int | None = None
    group_id: int | None = None
    """The group session (团体辅导) this record is one member's share of."""

    @property
    def is_home_contact(self) -> bool:
        return self.kind in HOME_CONTACT_KINDS


@dataclass(frozen=True)
class PlanRow:
    id: int
    category: str
    goals: str
    measures: str
    responsible: str
    next_review_on: date | None
    closed: bool
    created_at: datetime
    created_by: str
    corrected: bool


@dataclass(frozen=True)
class PlanReviewRow:
    id: int
    plan_id: int
    reviewed_on: date
    outcome: str
    note: str
    next_review_on: date | None


@dataclass(frozen=True)
class PairingRow:
    id: int
    role: str
    person: str
    started_on: date
    ended_on: date | None
    note: str


@dataclass(frozen=True)
class SignalRow:
    id: int
    source: str
    reporter: str
    reported_on: date
    description: str
    severity: str
    corrected: bool
    report_id: int | None = None
    """The 反映 it came from (signals/reports.py), when a teacher filed it."""
    decision: str | None = None
    """That 反映's decision (SIGNAL_DECISIONS); None while it waits for one."""


@dataclass(frozen=True)
class DecisionRow:
    id: int
    level: str
    reason: str
    suggested_level: str
    suggested_reasons: tuple[str, ...]
    decided_on: date
    decided_by: str
    campaign_id: int | None


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    kind: str
    due_on: date
    done_on: date | None
    done_by: str
    note: str
    campaign_id: int | None
    done_at: datetime | None = None
    referral_id: int | None = None


@dataclass(frozen=True)
class StepRow:
    """A referral step: recorded (done or skipped) or still to do (`id` None)."""

    id: int | None
    step: str
    due_on: date | None
    done_on: date | None
    done_by: str
    note: str
    skipped: bool
    skip_reason: str
    receipt: str
    hospital: str
    certificate_seen: bool
    meeting_on: date | None
    arrangements: str
    outcome: str
    diagnosis: str

    @property
    def pending(self) -> bool:
        return self.id is None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    opened_on: date
    opened_by: str
    indications: tuple[tuple[str, str], ...]
    recommendation: str
    reasons: tuple[str, ...]
    note: str
    steps: tuple[StepRow, ...]

    @property
    def next_step(self) -> StepRow | None:
        return next((s for s in self.steps if s.pending), None)

    @property
    def closed(self) -> bool:
        return self.next_step is None

    @property
    def hospital(self) -> str:
        return next((s.hospital for s in self.steps if s.hospital), "")


@dataclass(frozen=True)
class AttachmentRow:
    """A scan kept with a referral (referral/attachments.py): what it is, never what it
    says. `sha256` is blank in a class teacher's summary (a sealed column)."""

    id: int
    student_id: int
    referral_id: int
    kind: str
    file_type: str
    extension: str
    size: int
    added_by: str
    added_at: datetime
    sha256: str = ""

    @property
    def is_image(self) -> bool:
        return self.file_type in ("jpeg", "png")


@dataclass(frozen=True)
class TaskRow:
    """A task a 会诊 decided (casefile/conference.py)."""

    id: int
    what: str
    owner: str
    due_on: date
    done_on: date | None
    done_by: str


@dataclass(frozen=True)
class ConferenceRow:
    id: int
    held_on: date
    attendees: tuple[str, ...]
    assessment: str
    decisions: str
    created_by: str
    tasks: tuple[TaskRow, ...]


@dataclass(frozen=True)
class ReferralAssessmentRow:
    """The referral checklist saved without opening a referral, with the reason why."""

    id: int
    assessed_on: date
    assessed_by: str
    indications: tuple[tuple[str, str], ...]
    recommendation: str
    reasons: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class StudentFile:
    full: bool
    profile: Profile
    class_name: str
    guardians: tuple[GuardianRow, ...]
    level: DecisionRow | None
    level_since: date | None
    warning_history: tuple[DecisionRow, ...]
    risk_factors: tuple[RiskFactorRow, ...]
    screening: tuple[ScreeningRow, ...]
    counselling: tuple[CounsellingRow, ...]
    plan: PlanRow | None
    plan_reviews: tuple[PlanReviewRow, ...]
    pairings: tuple[PairingRow, ...]
    pairing_gap: str
    signals: tuple[SignalRow, ...]
    followups: tuple[FollowUpRow, ...]
    referrals: tuple[ReferralRow, ...]
    conferences: tuple[ConferenceRow, ...] = ()
    """会诊 records, staff only (the summary has none)."""
    referral_assessments: tuple[ReferralAssessmentRow, ...] = ()
    """Checklists saved without a referral (full file only: they are confidential)."""
    attachments: tuple[AttachmentRow, ...] = ()
    """Scans kept with the referrals, oldest first; the summary lists them too (kind,
    date, size: what the steps' dates already say), never their content."""

    def attachments_of(self, referral_id: int) -> tuple[AttachmentRow, ...]:
        return tuple(a for a in self.attachments if a.referral_id == referral_id)

    @property
    def level_code(self) -> str:
        return self.level.level if self.level else "none"

    @property
    def home_contacts(self) -> tuple[CounsellingRow, ...]:
        return tuple(r for r in self.counselling if r.is_home_contact)

    @property
    def open_followups(self) -> tuple[FollowUpRow, ...]:
        return tuple(f for f in self.followups if f.done_on is None)
