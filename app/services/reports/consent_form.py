"""Printing a class's 知情同意书 (app/reports/consent_form.py renders it): the class's
应测 students of a campaign, by 学籍号, in one PDF; the file and its "student_print"
entry are written together (output.write_audited).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.deployment import CONSENT_POLICIES
from app.errors import BadInputError
from app.instruments import load_instrument
from app.models import Campaign, Participation, School, SchoolClass, Student
from app.services.capabilities import PRINT_REPORTS, require
from app.services.reports.kinds import BY_CODE
from app.services.reports.output import write_audited
from app.services.roster.file import class_display_name
from app.store.handle import Store


def print_consent_forms(store: Store, campaign_id: int, class_id: int, out: Path,
                        policy: str = "none", today: date | None = None) -> Path:
    """The forms of one class of a campaign (its 应测 students, by 学籍号), to `out`."""
    require(store, PRINT_REPORTS)
    if policy not in CONSENT_POLICIES:
        raise BadInputError(f"未知的知情同意政策：{policy}。")
    today = today or date.today()
    with store.read() as session:
        campaign = session.get(Campaign, campaign_id)
        school_class = session.get(SchoolClass, class_id)
        if campaign is None or school_class is None:
            raise BadInputError("找不到这个测评批次或班级。")
        names = list(session.scalars(
            select(Student.name).join(Participation, Participation.student_id == Student.id)
            .where(Participation.campaign_id == campaign_id, Student.class_id == class_id,
                   Participation.status == "due")
            .order_by(Student.student_no)))
        school = session.scalar(select(School.name).limit(1)) or ""
        class_name = class_display_name(school_class.grade, school_class.number)
        campaign_name, instrument = campaign.name, campaign.instrument_code
    from app.reports.consent_form import render_consent_forms  # reportlab only when printing

    pdf = render_consent_forms(school, campaign_name, load_instrument(instrument).name,
                               class_name, names, policy == "opt-in", today,
                               level=BY_CODE["consent_form"].level)
    write_audited(store, out, pdf, [("student_print", "campaign", campaign_id,
                                     f"知情同意书 {class_name}，{len(names)} 人")])
    return out
