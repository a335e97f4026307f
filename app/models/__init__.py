"""SQLAlchemy 2.x models. Importing this package registers every table on Base (and
labels the sealed columns, app/models/sealed.py)."""

from app.models.attachment import AttachmentContent, ReferralAttachment
from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.casefile import (
    CaseConference,
    ConferenceTask,
    CounsellingRecord,
    GroupSession,
    ReportedSignal,
    RiskFactor,
)
from app.models.network import SignalBox, SignalReport
from app.models.plan import CarePlan, Pairing, PlanReview
from app.models.referral import Referral, ReferralAssessment, ReferralStep
from app.models.school import School, SchoolClass, SchoolYear
from app.models.screening import Campaign, Participation, ScreeningResult, campaign_class
from app.models.sealed import label_sealed_columns
from app.models.secret import SchoolSecret
from app.models.student import ClassMove, Guardian, Student
from app.models.user import User
from app.models.versioned import Versioned
from app.models.warning import FollowUp, LevelDecision

label_sealed_columns(Base.metadata)

__all__ = [
    "AttachmentContent",
    "AuditEvent",
    "Base",
    "Campaign",
    "CarePlan",
    "CaseConference",
    "ClassMove",
    "ConferenceTask",
    "CounsellingRecord",
    "FollowUp",
    "GroupSession",
    "Guardian",
    "LevelDecision",
    "Pairing",
    "Participation",
    "PlanReview",
    "Referral",
    "ReferralAssessment",
    "ReferralAttachment",
    "ReferralStep",
    "ReportedSignal",
    "RiskFactor",
    "School",
    "SchoolClass",
    "SchoolSecret",
    "SchoolYear",
    "ScreeningResult",
    "SignalBox",
    "SignalReport",
    "Student",
    "User",
    "Versioned",
    "campaign_class",
    "utcnow",
]
