"""At each staff sign-in: open the 反映 filed since, and change the report box's keys.

Only one account uses a database at a time (the single-instance lock), so nothing is
filed while a staff member is signed in: opening everything at sign-in means every
staff screen (今日工作, the file, the rules) sees each report as an ordinary 信息反映
entry, sealed under the staff key like the counsellor's own. The entry is made in the
filer's name (audited as theirs) and the report keeps a link to it. A new box then
replaces the old ones, so a private key someone copied earlier opens nothing filed
after this sign-in.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import SignalBox, SignalReport
from app.services.accounts.user_names import display_names
from app.services.capabilities import READ_CONFIDENTIAL, user_may
from app.services.casefile.entries import insert_entry
from app.services.signals.box import new_box, open_report
from app.store.handle import Store
from app.store.keyslots import STAFF_KEY

log = logging.getLogger(__name__)


def settle(store: Store) -> int:
    """Open every sealed report and renew the box; returns how many were opened. Does
    nothing for a class teacher, or for staff still waiting for the staff key."""
    if not user_may(store.user, READ_CONFIDENTIAL) or STAFF_KEY not in store.keys:
        return 0
    with store.write() as session:
        opened = open_all(session)
        kept = set(session.scalars(select(SignalReport.box_id).where(
            SignalReport.sealed.is_not(None))))
        session.execute(delete(SignalBox).where(SignalBox.id.not_in(kept)))
        new_box(session)
    return opened


def open_all(session: Session) -> int:
    names = display_names(session)
    opened = 0
    for report in session.scalars(select(SignalReport).where(SignalReport.sealed.is_not(None))
                                  .order_by(SignalReport.id)):
        box = session.get(SignalBox, report.box_id)
        found = None if box is None or report.sealed is None else open_report(
            box, report.student_id, report.filed_by, report.sealed)
        if found is None:
            log.warning("signal report %s does not open; left pending", report.id)
            continue
        text, reporter = found
        signal = insert_entry(session, report.filed_by, "signal", report.student_id,
                              source=report.source, severity=report.severity,
                              reported_on=report.seen_on, description=text,
                              reporter=reporter or names.get(report.filed_by,
                                                             report.filed_by))
        report.signal_id, report.sealed, report.box_id = signal.id, None, None
        opened += 1
    return opened
