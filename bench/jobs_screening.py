"""3,000 MHT sheets from a 问卷星 export: the Excel reader alone, reading + scoring (what
`qingxin score` does), scoring alone, and the import into a campaign of the ten-year
school end to end (read, score, match to 7,500 students past and present, store)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.instruments import load_instrument, read_answers, score
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import apply_screening_import, preview_screening_import
from app.services.students import list_students
from app.tables import read_grids
from bench.answer_files import write_mht_wjx
from bench.context import Bench
from bench.table import Row, Target, in_turns, seconds, timed


def screening(bench: Bench) -> list[Row]:
    with bench.store() as store:
        students = list_students(store)[:3000]
    n = len(students)
    mht = load_instrument("mht")
    with tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        xlsx = Path(tmp) / "mht_wjx.xlsx"
        write_mht_wjx(xlsx, students)
        values = read_answers(xlsx, mht).values
        reader, whole = in_turns([lambda: read_grids(xlsx),
                                  lambda: score(mht, read_answers(xlsx, mht).values)],
                                 bench.runs)
        scoring = timed(lambda: score(mht, values), bench.runs)
        alone, imported = [], []
        with bench.store() as store:
            for run in range(bench.runs):
                campaign = create_campaign(store, f"基准导入 MHT 第{run + 1}次", "mht")
                alone.append(seconds(lambda: read_grids(xlsx)))
                imported.append(seconds(lambda c=campaign.id, s=store: apply_screening_import(
                    s, preview_screening_import(s, c, xlsx))))
    return [
        Row("screening", f"Excel reader alone (python-calamine), {n:,} MHT sheets", reader),
        Row("screening", "read + parse + score (`qingxin score`)", whole, target=Target(3.0)),
        Row("screening", "scoring alone (vectorised)", scoring, target=Target(0.1)),
        Row("screening", "ratio read + parse + score / reader alone",
            tuple(w / r for w, r in zip(whole, reader, strict=True)), "x",
            Target(1.5, inclusive=True)),
        Row("screening", "import into a campaign end to end (read, score, match, store)",
            tuple(imported), target=Target(3.0)),
        Row("screening", "ratio import / reader alone",
            tuple(i / r for i, r in zip(imported, alone, strict=True)), "x",
            Target(1.5, inclusive=True)),
    ]
