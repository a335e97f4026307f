"""Screening instruments as data, and the engine that scores them.

Definitions are TOML files (defs/, format in defs/README.md); `load_instrument` checks
and loads one, with a school's settings applied. `read_answers` turns an answers file
into a value matrix, `score` scores a whole campaign at once, and
`ScoreResult.record_texts` gives one JSON document per sheet for storage (`records`, the
same as plain dicts). Nothing here knows about students or the
database: matching sheets to the roster and storing results is the services' job.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.instruments.answer_cells import cells_to_values
    from app.instruments.answer_strings import parse_answer_strings
    from app.instruments.answers import AnswerFile, read_answers
    from app.instruments.definition import (
        list_instruments,
        load_definition_file,
        load_instrument,
    )
    from app.instruments.model import Instrument
    from app.instruments.scoring import ScoreResult, score
    from app.instruments.texts import with_item_texts
    from app.instruments.warning import WARNING_LABELS, WarningLevel

_HOMES = {
    "cells_to_values": "answer_cells", "parse_answer_strings": "answer_strings",
    "AnswerFile": "answers", "read_answers": "answers", "list_instruments": "definition",
    "load_definition_file": "definition", "load_instrument": "definition",
    "Instrument": "model", "ScoreResult": "scoring", "score": "scoring",
    "with_item_texts": "texts", "WARNING_LABELS": "warning", "WarningLevel": "warning",
}
"""Where each name of the package's face lives. They are looked up on first use
(PEP 562): `from app.instruments.warning import …` from the login window's code must not
pay for numpy and the spreadsheet reader (docs/PERFORMANCE.md, "Start-up")."""


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "WARNING_LABELS",
    "AnswerFile",
    "Instrument",
    "ScoreResult",
    "WarningLevel",
    "cells_to_values",
    "list_instruments",
    "load_definition_file",
    "load_instrument",
    "parse_answer_strings",
    "read_answers",
    "score",
    "with_item_texts",
]
