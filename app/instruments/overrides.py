"""A school's settings on top of a definition file: the cut-offs marked "to confirm".

Settings are a dict per instrument code, e.g.::

    {"mht": {"lie_threshold": 8, "lie_comparison": ">",
             "cutoffs": {"total": {"high": 60}, "*": {"high": 9}},
             "max_missing": {"total": 5}}}

* `<rule>_threshold`, `<rule>_comparison` change a validity rule (MHT's "7分以上" is
  read as ≥7 by some and >7 by others).
* `cutoffs.<scale>.<band> = x` moves the band's lower edge to x, and the previous band's
  upper edge with it, so a cut-off cannot open a gap; "*" means every content scale that
  has such a band (the total excepted).
* `max_missing.<scale>` changes how many unanswered items are prorated ("*" as above).

They are applied to the file's table before it is checked, so a setting that breaks the
definition (a cut-off past the next one) is reported like a mistake in the file.
An unknown key is an error: a mistyped setting must not be silently ignored.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from app.errors import BadInputError


def apply_overrides(raw: dict[str, Any], settings: Mapping[str, Any] | None, where: str
                    ) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The patched table and a Chinese line per setting applied (for reports)."""
    if not settings:
        return raw, ()
    raw = copy.deepcopy(raw)
    applied: list[str] = []
    rules = {r.get("code"): r for r in raw.get("validity", []) if isinstance(r, dict)}
    for key, value in settings.items():
        name = f"设置 {raw.get('code', where)}.{key}"
        if key == "cutoffs":
            applied += _cutoffs(raw, _table(value, name), name)
        elif key == "max_missing":
            applied += _max_missing(raw, _table(value, name), name)
        elif key.endswith("_threshold") and key.removesuffix("_threshold") in rules:
            rule = rules[key.removesuffix("_threshold")]
            rule["threshold"] = _number(value, name)
            applied.append(f"效度规则「{rule.get('name', '')}」阈值改为 {value:g}")
        elif key.endswith("_comparison") and key.removesuffix("_comparison") in rules:
            if value not in (">=", ">"):
                raise BadInputError(f"{name}：应为 \">=\" 或 \">\"（现为 {value!r}）")
            rule = rules[key.removesuffix("_comparison")]
            rule["comparison"] = value
            applied.append(f"效度规则「{rule.get('name', '')}」比较方式改为 {value}")
        else:
            raise BadInputError(f"{name}：没有这项设置")
    return raw, tuple(applied)


def _units(raw: dict[str, Any], code: str, name: str) -> list[dict[str, Any]]:
    scales = [s for s in raw.get("scales", []) if isinstance(s, dict)]
    if code == "*":
        return [s for s in scales if s.get("kind", "content") == "content"]
    if code == "total" and isinstance(raw.get("total"), dict):
        return [raw["total"]]
    found = [s for s in scales if s.get("code") == code]
    if not found:
        raise BadInputError(f"{name}：没有量表「{code}」")
    return found


def _cutoffs(raw: dict[str, Any], table: Mapping[str, Any], name: str) -> list[str]:
    applied = []
    for code, moves in table.items():
        for unit in _units(raw, code, f"{name}.{code}"):
            for band_code, edge in _table(moves, f"{name}.{code}").items():
                edge = _number(edge, f"{name}.{code}.{band_code}")
                bands = sorted(unit.get("bands", []), key=lambda b: b.get("min", -math.inf))
                index = next((i for i, b in enumerate(bands) if b.get("code") == band_code), None)
                if index is None:
                    if code == "*":
                        continue
                    raise BadInputError(f"{name}.{code}.{band_code}：「{code}」没有这个区间")
                bands[index]["min"] = edge
                if index > 0:
                    bands[index - 1]["below"] = edge
                applied.append(f"「{unit.get('name', code)}」的「{bands[index].get('label')}」"
                               f"起点改为 {edge:g}")
    return applied


def _max_missing(raw: dict[str, Any], table: Mapping[str, Any], name: str) -> list[str]:
    applied = []
    for code, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadInputError(f"{name}.{code}：应为不小于 0 的整数")
        for unit in _units(raw, code, f"{name}.{code}"):
            unit["max_missing"] = value
            applied.append(f"「{unit.get('name', code)}」最多可缺答 {value} 题")
    return applied


def _table(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadInputError(f"{name}：应为字典")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInputError(f"{name}：应为数字（现为 {value!r}）")
    return float(value)
