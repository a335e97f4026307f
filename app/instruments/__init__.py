"""Screening instruments as data, and the engine that scores them.

Definitions are TOML files (defs/, format in defs/README.md); `load_instrument` checks
and loads one, with a school's settings applied. `read_answers` turns an answers file
into a value matrix, `score` scores a whole campaign at once, and
`ScoreResult.record_texts` gives one JSON document per sheet for storage (`records`, the
same as plain dicts). Nothing here knows about students or the
database: matching sheets to the roster and storing results is the services' job.
"""

from app.instruments.answer_cells import cells_to_values
from app.instruments.answer_strings import parse_answer_strings
from app.instruments.answers import AnswerFile, read_answers
from app.instruments.definition import list_instruments, load_definition_file, load_instrument
from app.instruments.model import Instrument
from app.instruments.scoring import ScoreResult, score
from app.instruments.texts import with_item_texts
from app.instruments.warning import WARNING_LABELS, WarningLevel

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
