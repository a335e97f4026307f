"""SQLAlchemy 2.x models. Importing this package registers every table on Base."""

from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.school import School, SchoolClass, SchoolYear
from app.models.screening import Campaign, Participation, ScreeningResult, campaign_class
from app.models.student import ClassMove, Guardian, Student
from app.models.user import User

__all__ = [
    "AuditEvent",
    "Base",
    "Campaign",
    "ClassMove",
    "Guardian",
    "Participation",
    "School",
    "SchoolClass",
    "SchoolYear",
    "ScreeningResult",
    "Student",
    "User",
    "campaign_class",
    "utcnow",
]
