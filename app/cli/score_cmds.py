"""`qingxin score`: answers file in, scores out; no database, no password.

For district IT checking a file before a school imports it, for scripts, and for the
benchmarks. Unanswered items are reported on stderr and scored by the instrument's
missing-answer rule; impossible answers stop the run (exit code 2) with their rows, and
so do IDs a spreadsheet has damaged (identity.read_id, as every import reads them).
IDs are printed as the file holds them; full-width characters made half-width are
reported on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from app.atomic import write_atomic

_NOTICES_SHOWN = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="计分：读入答卷文件，输出各量表分数（不读写数据库）")
    p.add_argument("--instrument", required=True, help="量表代码，如 mht、mssmhs、phq9、gad7")
    p.add_argument("file", type=Path, help="答卷文件（.xlsx / .xls / .csv）")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="输出格式")
    p.add_argument("--out", type=Path, default=None, help="输出文件（默认输出到屏幕）")
    p.add_argument("--numbers", choices=("values", "positions"), default="values",
                   help="文件中的数字答案是选项分值（values，默认）还是选项序号（positions）")
    p.add_argument("--item-offset", type=int, default=0,
                   help="问卷在量表第 1 题之前另有几道题（如姓名、班级）")
    p.add_argument("--defs-dir", type=Path, action="append", default=[],
                   help="学校自己的量表定义文件夹（可多次给出）")
    p.set_defaults(handler=_score)


def _score(args: argparse.Namespace) -> int:
    from app.instruments.answers import read_answers
    from app.instruments.definition import load_instrument
    from app.instruments.scoring import score
    from app.services.sheet_output import write_csv

    instrument = load_instrument(args.instrument, extra_dirs=args.defs_dir)
    answers = read_answers(args.file, instrument, numbers=args.numbers,
                           item_offset=args.item_offset)
    answers.raise_for_errors()
    _print_notices([*instrument.setting_problems, *([answers.inferred] if answers.inferred else []),
                    *(str(p) for p in answers.notices)])
    result = score(instrument, answers.values, answers.gender_codes(), answers.grades(),
                   answers.seconds)
    rows = [_row(sheet_id, int(row), record) for sheet_id, row, record in
            zip(answers.ids(), answers.rows, result.records(), strict=True)]
    if args.format == "csv":
        write_csv(_csv(rows, instrument.units), args.out)
        return 0
    text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.out, text.encode("utf-8"), private=True)
    return 0


def _row(sheet_id: str | None, row: int, record: dict) -> dict:
    return {
        "id": sheet_id,
        "row": row,
        "valid": record["valid"],
        "scales": {code: _plain(v) for code, v in record["scales"].items()},
        "total": _plain(record["total"]),
        "bands": record["bands"],
        "critical": record["critical"],
        "critical_answers": record["critical_answers"],
        "prorated_cut": record["prorated_cut"],
        "warning": record["warning"],
        "reasons": record["reasons"],
        "notes": record["notes"],
    }


def _plain(value: float | None) -> float | int | None:
    """8.0 prints as 8; a mean keeps four decimals (2.8333), enough to place its band."""
    if value is None or math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


def _csv(rows: list[dict], units: tuple) -> str:
    from app.services.sheet_output import csv_text

    scale_codes = [u.code for u in units if u.code != "total"]
    band_codes = [u.code for u in units if u.bands]
    header = ["id", "row", "valid", *scale_codes, "total", *[f"band_{c}" for c in band_codes],
              "critical", "critical_answers", "prorated_cut", "warning", "reasons", "notes"]
    return csv_text(header, [
        [r["id"], r["row"], int(r["valid"]), *[r["scales"][c] for c in scale_codes],
         r["total"], *[r["bands"].get(c) for c in band_codes],
         " ".join(map(str, r["critical"])),
         " ".join(f"{k}:{v}" for k, v in r["critical_answers"].items()),
         " ".join(r["prorated_cut"]), r["warning"], " ".join(r["reasons"]),
         "；".join(r["notes"])] for r in rows])


def _print_notices(lines: list[str]) -> None:
    if not lines:
        return
    print(f"提示：{len(lines)} 处（未作答的题目按量表的缺答规则计分；学籍号中的全角字符"
          "已改为半角）", file=sys.stderr)
    for line in lines[:_NOTICES_SHOWN]:
        print(f"  {line}", file=sys.stderr)
    if len(lines) > _NOTICES_SHOWN:
        print(f"  ……另有 {len(lines) - _NOTICES_SHOWN} 处", file=sys.stderr)

