"""A score result as one JSON document per sheet, with the Chinese notes a teacher reads.

The arrays are what the app computes with; these documents are what it stores and
shows. The notes say in words everything the numbers leave implicit (a prorated scale, a
scale left unscored, a lie-scale verdict, a critical answer), so none of it can be missed.

The documents are written column by column: each distinct value of a column (a score,
a band, a count) is encoded once with `json.dumps` and the pieces are joined per sheet,
so a campaign of 3,000 sheets costs milliseconds and no dict per sheet. The text is what
`json.dumps(record, ensure_ascii=False)` gives for the same record, so results read the
same whichever version stored them (tests compare the two).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from app.instruments.model import TOTAL, Instrument, Scale
from app.instruments.warning import CODES_BY_SEVERITY

if TYPE_CHECKING:
    from app.instruments.scoring import ScoreResult

MISSING_NOTE = "未作答的题目过多，无法计算总分或判断效度，本份答卷无效"
TOO_FAST_NOTE = ("作答用时过短（少于每题 {seconds:g} 秒，共 {total:g} 秒）：可能未认真作答，"
                 "答卷疑似无效，建议重测或面谈")
UNIFORM_NOTE = "所有已答题目都选了同一个选项：可能未认真作答，答卷疑似无效，建议重测或面谈"


def reason_texts(instrument: Instrument) -> dict[str, str]:
    """Validity reason code → the Chinese sentence a teacher reads (the lie rule's own
    message, too fast, one option throughout, too many unanswered)."""
    seconds = instrument.checks.seconds_per_item
    return {**{r.code: r.message for r in instrument.validity},
            "too_fast": TOO_FAST_NOTE.format(seconds=seconds,
                                              total=seconds * instrument.item_count),
            "uniform": UNIFORM_NOTE, "missing": MISSING_NOTE}


def record_texts(result: ScoreResult) -> list[str]:
    """One JSON object per sheet: instrument, version, validity, scores, bands, missing
    counts, critical items, the suggested warning and the notes."""
    instrument = result.definition
    units = instrument.units
    n = len(result)
    doc = _Document(n)
    doc.add(f'{{"instrument": {_json(result.instrument)}, "version": {_json(result.version)}, '
            '"valid": ')
    doc.add(np.where(result.valid, "true", "false").astype(object))
    doc.add(', "reasons": ')
    doc.add(_enclosed(n, "[", [_where(result.failed[:, k], _json(code))
                               for k, code in enumerate(result.reasons)], "]"))
    doc.add(', "scales": {')
    doc.members([(u.code, _coded(result.scores[:, j], _number))
                 for j, u in enumerate(units) if u.code != TOTAL])
    doc.add('}, "total": ')
    doc.add(_coded(result.scores[:, -1], _number) if instrument.total is not None else "null")
    doc.add(', "standard": ')
    doc.add(_enclosed(n, "{", [_where(~np.isnan(result.standard[:, j]),
                                      _coded(result.standard[:, j], _member(u.code)))
                               for j, u in enumerate(units)], "}"))
    doc.add(', "bands": {')
    doc.members([(u.code, _band_texts(result.bands[:, j], [b.code for b in u.bands]))
                 for j, u in enumerate(units) if u.bands])
    doc.add('}, "missing": {')
    doc.members([(u.code, _coded(result.missing[:, j], json.dumps))
                 for j, u in enumerate(units)])
    doc.add('}, "unanswered": ')
    doc.add(_coded(result.unanswered, json.dumps))
    doc.add(', "prorated_cut": ')
    doc.add(_enclosed(n, "[", [_where(result.prorated_cut[:, j], _json(u.code))
                               for j, u in enumerate(units)], "]"))
    for key, flags in (("critical", result.critical),
                       ("critical_missing", result.critical_missing)):
        doc.add(f', "{key}": ')
        doc.add(_enclosed(n, "[", [_where(flags[:, k], json.dumps(c.item))
                                   for k, c in enumerate(instrument.critical)], "]"))
    doc.add(', "critical_answers": ')
    doc.add(_enclosed(n, "{", [
        _where(result.critical[:, k], _coded(result.critical_values[:, k], partial(
            _answer_member, str(c.item), instrument)))
        for k, c in enumerate(instrument.critical)], "}"))
    doc.add(', "warning": ')
    doc.add(np.array([_json(c) for c in CODES_BY_SEVERITY], dtype=object)[result.warning])
    doc.add(', "notes": ')
    notes = _note_table(result)
    doc.add(_enclosed(n, "[", [_coded_text(notes[:, k]) for k in range(notes.shape[1])], "]"))
    doc.add("}")
    return doc.texts()


def validity_texts(result: ScoreResult, separator: str) -> list[str]:
    """Each sheet's validity reasons in Chinese, joined ("" for a valid sheet)."""
    texts = reason_texts(result.definition)
    return _joined(len(result), [_where(result.failed[:, k], texts[code])
                                 for k, code in enumerate(result.reasons)],
                   separator).tolist()


def joined_notes(result: ScoreResult, separator: str) -> list[str]:
    """Each sheet's notes as one text, in the order its document lists them."""
    notes = _note_table(result)
    return _joined(len(result), [notes[:, k] for k in range(notes.shape[1])],
                   separator).tolist()


def _note_table(result: ScoreResult) -> np.ndarray:
    """(n, sources) object array: the note each source gives each sheet, "" for none.
    Sources in order: validity reasons, units with items (unanswered, then a band reached
    only by proration), critical items."""
    instrument = result.definition
    texts = reason_texts(instrument)
    columns = [_where(result.failed[:, k], texts[code]) for k, code in enumerate(result.reasons)]
    for j, unit in enumerate(instrument.units):
        if unit.items:
            key = result.missing[:, j].astype(np.int64) * 2 + np.isnan(result.scores[:, j])
            columns.append(_coded(key, partial(_missing_note, unit)))
        if result.prorated_cut[:, j].any():
            span = len(unit.bands) + 1
            key = ((result.missing[:, j].astype(np.int64) * span + result.bands[:, j]) * span
                   + result.answered_bands[:, j])
            columns.append(_where(result.prorated_cut[:, j],
                                  _coded(key, partial(_prorated_note, unit, span))))
    for k, rule in enumerate(instrument.critical):
        missing = rule.missing_message or f"关键题第 {rule.item} 题未作答，请当面确认"
        column = _where(result.critical_missing[:, k], missing)
        column[result.critical[:, k]] = rule.message
        columns.append(column)
    if not columns:
        return np.empty((len(result), 0), dtype=object)
    return np.stack(columns, axis=1)


def _missing_note(unit: Scale, key: int) -> str:
    """The note for `key` = unanswered items × 2 + (1 if the unit went unscored)."""
    missing, unscored = divmod(key, 2)
    if not missing:
        return ""
    if unscored:
        return (f"「{unit.name}」有 {missing} 题未答（最多可缺 {unit.max_missing} 题），"
                "不计分")
    return f"「{unit.name}」有 {missing} 题未答，按已答题目的平均分折算"


def _prorated_note(unit: Scale, span: int, key: int) -> str:
    """The note for `key` = (missing × span + prorated band) × span + answered band."""
    rest, answered = divmod(key, span)
    missing, band = divmod(rest, span)
    if band >= len(unit.bands) or answered >= len(unit.bands):
        return ""
    count = len(unit.items) - missing
    return (f"「{unit.name}」只答了 {count} 题，按比例折算后为「{unit.bands[band].label}」，"
            f"已答题目本身只到「{unit.bands[answered].label}」：建议预警按已答题目计")


def _answer_member(item: str, instrument: Instrument, value: float) -> str:
    """`"9": "好几天"`: a critical item and the option as answered."""
    return f"{_json(item)}: {_json(instrument.option_label(value))}"


class _Document:
    """The pieces of n JSON texts in order: text shared by all, or one text per sheet."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.pieces: list[str | list[str]] = []

    def add(self, piece: str | np.ndarray) -> None:
        if isinstance(piece, str):
            if self.pieces and isinstance(self.pieces[-1], str):
                self.pieces[-1] += piece
            else:
                self.pieces.append(piece)
        else:
            self.pieces.append(piece.tolist())

    def members(self, members: list[tuple[str, np.ndarray]]) -> None:
        """Object members present in every sheet: `"key": value, …`."""
        for k, (key, values) in enumerate(members):
            self.add(f"{', ' if k else ''}{_json(key)}: ")
            self.add(values)

    def texts(self) -> list[str]:
        columns = [repeat(p, self.n) if isinstance(p, str) else p for p in self.pieces]
        return ["".join(row) for row in zip(*columns, strict=True)]


def _enclosed(n: int, opening: str, pieces: list[np.ndarray], closing: str) -> np.ndarray:
    """A JSON list or object per sheet holding the sheet's non-empty pieces."""
    return _joined(n, pieces, ", ", opening, closing)


def _joined(n: int, pieces: list[np.ndarray], separator: str, opening: str = "",
            closing: str = "") -> np.ndarray:
    """Per sheet, its non-empty pieces joined; only sheets with some are visited."""
    out = np.full(n, opening + closing, dtype=object)
    if not pieces:
        return out
    table = np.stack(pieces, axis=1)
    rows = np.flatnonzero((table != "").any(axis=1))
    for i, row in zip(rows.tolist(), table[rows].tolist(), strict=True):
        out[i] = opening + separator.join(p for p in row if p) + closing
    return out


def _coded(column: np.ndarray, encode: Callable[[Any], str]) -> np.ndarray:
    """`encode` of every value, called once per distinct value (NaNs count as one)."""
    uniques, inverse = np.unique(column, return_inverse=True)
    table = np.array([encode(u) for u in uniques.tolist()], dtype=object)
    return table[inverse.reshape(-1)]


def _coded_text(column: np.ndarray) -> np.ndarray:
    """JSON strings of an object column of texts; "" stays "" (no piece)."""
    uniques = {text: (_json(text) if text else "") for text in set(column.tolist())}
    return np.array([uniques[text] for text in column.tolist()], dtype=object)


def _band_texts(bands: np.ndarray, codes: list[str]) -> np.ndarray:
    """Band index → its code as JSON; -1 (no band) → null."""
    return np.array([_json(c) for c in codes] + ["null"], dtype=object)[bands]


def _where(mask: np.ndarray, text: str | np.ndarray) -> np.ndarray:
    """`text` (one for all, or one per sheet) where `mask`, else ""."""
    out = np.full(len(mask), "", dtype=object)
    out[mask] = text if isinstance(text, str) else text[mask]
    return out


def _member(key: str) -> Callable[[float], str]:
    return lambda value: f"{_json(key)}: {json.dumps(value)}"


def _number(x: float) -> str:
    return "null" if math.isnan(x) else json.dumps(x)


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
