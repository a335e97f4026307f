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
* `critical.<item>.above = x` (and optionally `.message`) changes a critical item's
  threshold or adds a critical item, e.g. `[mssmhs.critical.57] above = 1` flags
  轻度 and above. An item number the instrument does not have is not applied: the
  shipped critical items stay, and the problem (file, line, item) is returned for the
  teacher to see — a typo must not switch off the suicide item's rule, nor stop every
  screening from opening.
* `checks.uniform` ("any" / "except_ends" / "off") and `checks.seconds_per_item`
  change the sheet checks (one option throughout, answered too fast).

They are applied to the file's table before it is checked, so a setting that breaks the
definition (a cut-off past the next one) is reported like a mistake in the file.
An unknown key is an error: a mistyped setting must not be silently ignored.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import BadInputError
from app.instruments.model import UNIFORM_MODES

Locate = Callable[[str, str], str]
"""(instrument code, setting path such as "critical.57") → where it is written, for
messages: the settings file and line when the settings come from a file."""


def _by_name(code: str, path: str) -> str:
    return f"设置 {code}.{path}"


@dataclass(frozen=True)
class Applied:
    raw: dict[str, Any]
    applied: tuple[str, ...]
    """A Chinese line per setting applied (for reports and the results' version)."""
    problems: tuple[str, ...]
    """Settings not applied (an unknown critical item), each saying where it is written."""


def apply_overrides(raw: dict[str, Any], settings: Mapping[str, Any] | None, where: str,
                    locate: Locate = _by_name) -> Applied:
    """The patched table, the settings applied and those left out."""
    if not settings:
        return Applied(raw, (), ())
    raw = copy.deepcopy(raw)
    applied: list[str] = []
    problems: list[str] = []
    rules = {r.get("code"): r for r in raw.get("validity", []) if isinstance(r, dict)}
    for key, value in settings.items():
        name = f"设置 {raw.get('code', where)}.{key}"
        if key == "cutoffs":
            applied += _cutoffs(raw, _table(value, name), name)
        elif key == "max_missing":
            applied += _max_missing(raw, _table(value, name), name)
        elif key == "critical":
            found, left_out = _critical(raw, _table(value, name), name, locate)
            applied += found
            problems += left_out
        elif key == "checks":
            applied += _checks(raw, _table(value, name), name)
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
    return Applied(raw, tuple(applied), tuple(problems))


def _critical(raw: dict[str, Any], table: Mapping[str, Any], name: str, locate: Locate
              ) -> tuple[list[str], list[str]]:
    """Change or add critical items; an item number the instrument lacks is left out."""
    code = str(raw.get("code", ""))
    count = raw.get("item_count")
    rules = [r for r in raw.setdefault("critical", []) if isinstance(r, dict)]
    applied: list[str] = []
    problems: list[str] = []
    for key, entry in table.items():
        where = f"{name}.{key}"
        entry = _table(entry, where)
        item = int(key) if str(key).isdigit() else None
        if item is None or not isinstance(count, int) or not 1 <= item <= count:
            problems.append(
                f"{locate(code, f'critical.{key}')}：关键题题号「{key}」不存在"
                f"（{raw.get('name', code)}共 {count} 题），这项设置未采用，"
                "仍按原定义的关键题规则提示")
            continue
        unknown = sorted(set(entry) - {"above", "message"})
        if unknown:
            raise BadInputError(f"{where}.{unknown[0]}：没有这项设置（可设 above、message）")
        if "above" not in entry:
            raise BadInputError(f"{where}：缺少 above（作答高于此分值即提示）")
        above = _number(entry["above"], f"{where}.above")
        message = entry.get("message")
        if message is not None and not isinstance(message, str):
            raise BadInputError(f"{where}.message：应为文字")
        rule = next((r for r in rules if r.get("item") == item), None)
        if rule is None:
            rule = {"item": item, "if_missing": "general",
                    "missing_message": f"关键题第 {item} 题未作答：请当面确认"}
            raw["critical"].append(rule)
            applied.append(f"第 {item} 题设为关键题（作答高于 {above:g} 即提示）")
        else:
            applied.append(f"关键题第 {item} 题的界限改为高于 {above:g}")
        rule["above"] = above
        rule["message"] = message or (f"关键题第 {item} 题作答高于 {above:g} 分（学校设置）："
                                      "请当天由心理教师当面评估，不论总分高低")
    return applied, problems


def _checks(raw: dict[str, Any], table: Mapping[str, Any], name: str) -> list[str]:
    checks = raw.setdefault("checks", {})
    applied = []
    for key, value in table.items():
        if key == "uniform":
            if value not in UNIFORM_MODES:
                raise BadInputError(f"{name}.uniform：应为 {' / '.join(UNIFORM_MODES)} 之一"
                                    f"（现为 {value!r}）")
            applied.append(f"同一选项检查改为 {value}")
        elif key == "seconds_per_item":
            value = _number(value, f"{name}.seconds_per_item")
            if value < 0:
                raise BadInputError(f"{name}.seconds_per_item：应为不小于 0 的数")
            applied.append(f"作答过快界限改为每题 {value:g} 秒")
        else:
            raise BadInputError(f"{name}.{key}：没有这项设置（可设 uniform、seconds_per_item）")
        checks[key] = value
    return applied


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
