"""Opening the student file with ten years of records, and the home screen's lists."""

from __future__ import annotations

from app.services.today import today_work
from app.services.warning.decisions import key_list
from app.ui.casefile.loading import load_file_view
from bench.context import Bench
from bench.table import Row, Target, timed


def student_file(bench: Bench) -> list[Row]:
    """What the file window's worker runs: the audited `open_file` plus the rules'
    suggestion and the trend charts' data (the window itself: the memory job)."""
    sid = bench.school.long_file_student
    with bench.store() as store:
        view = load_file_view(store, sid)
        f = view.file
        contents = (f"{len(f.counselling)} sessions, {len(f.followups)} follow-ups, "
                    f"{len(f.warning_history)} decisions, {len(f.screening)} screenings, "
                    f"{len(f.referrals)} referrals")
        samples = timed(lambda: load_file_view(store, sid), bench.size(20, 3) * bench.runs)
    return [Row("file", f"open the student file with 10 years ({contents})", samples,
                target=Target(0.2))]


def home(bench: Bench) -> list[Row]:
    with bench.store() as store:
        work = timed(lambda: today_work(store), bench.runs)
        listed = timed(lambda: key_list(store), bench.runs)
        on_list = len(key_list(store))
    return [Row("home", "home screen: today's work (due, overdue, review queues)", work),
            Row("home", f"key-student list ({on_list:,} students)", listed)]
