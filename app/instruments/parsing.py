"""Build an `Instrument` from one definition file's TOML table, or say what is wrong.

Every problem is collected before raising, each naming the file and the key
(`scales[2].items`), because a teacher or district IT fixing a school's own definition
wants the whole list at once. The format itself is described in defs/README.md.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.instruments.answer_cells import normalize_answer
from app.instruments.bands import build_bands
from app.instruments.model import (
    TOTAL,
    UNIFORM_MODES,
    CriticalItem,
    Instrument,
    Item,
    NormTable,
    Option,
    Scale,
    SheetChecks,
    ValidityRule,
)
from app.instruments.problems import DefinitionProblems as Problems
from app.instruments.toml_fields import Fields
from app.instruments.warning import WarningLevel

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP_KEYS = {
    "code", "name", "short_name", "version", "source", "wording_source", "licence",
    "grades", "item_count", "prompt", "disjoint_scales", "reverse", "notes", "missing",
    "options", "items", "scales", "total", "band_sets", "validity", "critical", "norms",
    "checks",
}
_UNIT_KEYS = {"code", "name", "items", "scales", "method", "kind", "multiplier", "rounding",
              "max_missing", "band_basis", "bands", "note", "at_least"}
_REQUIRED_TEXTS = {"name", "version", "source", "licence"}
_METHODS = ("sum", "mean", "count")
_ROUNDING = ("none", "floor", "round")


def expand_band_sets(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Replace `bands = "set_name"` by a copy of `[band_sets].set_name`.

    Done before settings are applied, so overriding one scale's cut-off never changes
    another scale that happens to share the same band set.
    """
    raw = copy.deepcopy(raw)
    sets = raw.pop("band_sets", {})
    problems = Problems(where)
    if not isinstance(sets, dict):
        problems.add("band_sets", "应为表（[band_sets.名称]）")
        sets = {}
    units = [(f"scales[{i + 1}]", u) for i, u in enumerate(raw.get("scales", []))
             if isinstance(u, dict)]
    if isinstance(raw.get("total"), dict):
        units.append(("total", raw["total"]))
    for key, unit in units:
        name = unit.get("bands")
        if isinstance(name, str):
            if name not in sets:
                problems.add(f"{key}.bands", f"没有名为「{name}」的区间组（band_sets）")
            else:
                unit["bands"] = copy.deepcopy(sets[name])
    problems.raise_if_any()
    return raw


def build_instrument(raw: dict[str, Any], path: Path | None, where: str,
                     applied: tuple[str, ...] = ()) -> Instrument:
    """Check and convert; raises BadInputError listing every problem found."""
    p = Problems(where)
    f = Fields(p)
    for key in sorted(set(raw) - _TOP_KEYS):
        p.add(key, "未知的键")
    code = f.text(raw, "code", "code")
    texts = {key: f.text(raw, key, key, required=key in _REQUIRED_TEXTS)
             for key in ("name", "short_name", "version", "source", "wording_source",
                         "licence", "prompt")}
    if code and not CODE_RE.match(code):
        p.add("code", f"「{code}」不合规：只能用小写英文字母、数字和下划线，并以字母开头")
    elif code and path is not None and path.stem != code:
        p.add("code", f"文件名应为 {code}.toml（现为 {path.name}）")
    item_count = f.integer(raw, "item_count", "item_count", minimum=1) or 0
    grades = raw.get("grades", [1, 12])
    if not (isinstance(grades, list) and len(grades) == 2
            and all(isinstance(g, int) and 1 <= g <= 12 for g in grades)
            and grades[0] <= grades[1]):
        p.add("grades", "应为 [最低年级, 最高年级]，年级为 1–12 的整数")
        grades = [1, 12]
    options = _options(raw.get("options"), f)
    items = _items(raw.get("items", []), item_count, f)
    reverse = f.item_list(raw.get("reverse", []), "reverse", item_count)
    missing = raw.get("missing", {})
    if not isinstance(missing, dict) or set(missing) - {"max_per_scale", "note"}:
        p.add("missing", "应为表，键为 max_per_scale、note")
        missing = {}
    default_missing = f.integer(missing, "max_per_scale", "missing.max_per_scale", minimum=0,
                                default=0) or 0
    values = [o.value for o in options if not math.isnan(o.value)] or [0.0]
    item_range = (min(values), max(values))

    scales: list[Scale] = []
    for i, entry in enumerate(f.tables(raw, "scales")):
        scale = _unit(entry, f"scales[{i + 1}]", item_count, default_missing, item_range, {}, f)
        if scale is not None:
            scales.append(scale)
    seen_codes: set[str] = set()
    for i, scale in enumerate(scales):
        if scale.code in seen_codes or scale.code == TOTAL:
            p.add(f"scales[{i + 1}].code", f"量表代码「{scale.code}」重复或为保留字")
        seen_codes.add(scale.code)
    disjoint = f.boolean(raw, "disjoint_scales", "disjoint_scales", default=True)
    if disjoint:
        _check_disjoint(scales, p)
    total = None
    if "total" in raw:
        entry = raw["total"]
        if not isinstance(entry, dict):
            p.add("total", "应为表（[total]）")
        else:
            ranges = {s.code: _score_range(s, item_range, {}) for s in scales}
            total = _unit({**entry, "code": TOTAL}, "total", item_count, 0, item_range, ranges, f,
                          known_scales={s.code for s in scales if s.kind == "content"})
    units = {s.code: s for s in scales} | ({TOTAL: total} if total else {})
    validity = _validity(f.tables(raw, "validity"), units, f)
    critical = _critical(f.tables(raw, "critical"), item_count, units, f)
    checks = _checks(raw.get("checks", {}), f)
    norms = _norms(f.tables(raw, "norms"), units, f)
    for key, unit in units.items():
        if unit.band_basis == "standard" and not any(n.scale == key for n in norms):
            p.add(f"{key}.band_basis", "按标准分划分区间，但没有该量表的常模表（norms）")
    notes = raw.get("notes", [])
    if not (isinstance(notes, list) and all(isinstance(n, str) for n in notes)):
        p.add("notes", "应为文字列表")
        notes = []
    p.raise_if_any()
    return Instrument(
        code=code, **texts, grade_min=grades[0], grade_max=grades[1], options=tuple(options),
        items=items, scales=tuple(scales), total=total, reverse=reverse,
        disjoint_scales=disjoint, validity=validity, critical=critical, checks=checks,
        norms=norms,
        notes=tuple(notes), path=path, overrides=applied,
    )


def _options(value: Any, f: Fields) -> list[Option]:
    if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict)
                                                                 for v in value):
        f.p.add("options", "至少需要两个选项（[[options]]，每个有 value 和 label）")
        return []
    options: list[Option] = []
    spellings: dict[str, int] = {}
    for i, entry in enumerate(value):
        where = f"options[{i + 1}]"
        f.unknown_keys(entry, {"value", "label", "aliases"}, where)
        aliases = entry.get("aliases", [])
        if not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            f.p.add(f"{where}.aliases", "应为文字列表")
            aliases = []
        option = Option(value=f.number(entry, "value", f"{where}.value"),
                        label=f.text(entry, "label", f"{where}.label"),
                        letter=chr(ord("A") + i), aliases=tuple(aliases))
        if any(o.value == option.value for o in options):
            f.p.add(f"{where}.value", f"选项分值 {option.value:g} 重复")
        for spelling in (option.label, *option.aliases):
            key = normalize_answer(spelling)
            if key in spellings and spellings[key] != i:
                f.p.add(where, f"「{spelling}」同时是第 {spellings[key] + 1} 个选项的写法")
            spellings[key] = i
        options.append(option)
    for i, option in enumerate(options):
        owner = spellings.get(normalize_answer(option.letter), i)
        if owner != i:
            f.p.add(f"options[{owner + 1}]",
                    f"写法「{option.letter}」与第 {i + 1} 个选项的字母冲突"
                    "（选项字母按顺序为 A、B…）")
    return options


def _items(value: Any, item_count: int, f: Fields) -> tuple[Item, ...]:
    texts: dict[int, str] = {}
    if not isinstance(value, list):
        f.p.add("items", "应为表数组（[[items]]）")
        value = []
    for i, entry in enumerate(value):
        where = f"items[{i + 1}]"
        if not isinstance(entry, dict):
            f.p.add(where, "应为表")
            continue
        f.unknown_keys(entry, {"number", "text"}, where)
        number = f.integer(entry, "number", f"{where}.number", minimum=1)
        if number is None:
            continue
        if number > item_count:
            f.p.add(f"{where}.number", f"题号 {number} 超出范围（本量表共 {item_count} 题）")
        if number in texts:
            f.p.add(f"{where}.number", f"第 {number} 题重复")
        texts[number] = f.text(entry, "text", f"{where}.text", required=False)
    return tuple(Item(n, texts.get(n, "")) for n in range(1, item_count + 1))


def _unit(entry: dict, where: str, item_count: int, default_missing: int,
          item_range: tuple[float, float], scale_ranges: dict[str, tuple[float, float]],
          f: Fields, known_scales: set[str] | None = None) -> Scale | None:
    f.unknown_keys(entry, _UNIT_KEYS - ({"kind"} if known_scales is not None else set()), where)
    code = f.text(entry, "code", f"{where}.code")
    if code and not CODE_RE.match(code):
        f.p.add(f"{where}.code", f"「{code}」不合规：只能用小写英文字母、数字和下划线")
    items: tuple[int, ...] = ()
    scales: tuple[str, ...] = ()
    if known_scales is not None and "scales" in entry:
        if "items" in entry:
            f.p.add(where, "items 与 scales 只能写一个")
        raw_scales = entry["scales"]
        if not (isinstance(raw_scales, list) and raw_scales
                and all(isinstance(s, str) for s in raw_scales)):
            f.p.add(f"{where}.scales", "应为量表代码列表")
            raw_scales = []
        for name in raw_scales:
            if name not in known_scales:
                f.p.add(f"{where}.scales", f"没有内容量表「{name}」")
        scales = tuple(raw_scales)
    else:
        items = f.item_list(entry.get("items"), f"{where}.items", item_count)
        if not items:
            f.p.add(f"{where}.items", "至少需要一道题")
    max_missing = f.integer(entry, "max_missing", f"{where}.max_missing", minimum=0,
                            default=0 if scales else default_missing) or 0
    if scales and max_missing:
        f.p.add(f"{where}.max_missing", "由量表分合成的总分不能折算缺答（任一量表无分则总分无分）")
    if items and max_missing >= len(items):
        f.p.add(f"{where}.max_missing", f"允许缺答 {max_missing} 题，但只有 {len(items)} 题")
    multiplier = f.number(entry, "multiplier", f"{where}.multiplier", default=1.0)
    if not multiplier > 0:
        f.p.add(f"{where}.multiplier", "应为正数")
    method = f.choice(entry, "method", f"{where}.method", _METHODS)
    at_least = 0.0
    if method == "count":
        at_least = f.number(entry, "at_least", f"{where}.at_least")
        if scales:
            f.p.add(f"{where}.method", "count 只能数题目（items），不能数量表")
    elif "at_least" in entry:
        f.p.add(f"{where}.at_least", "只有 method = \"count\" 时才用 at_least")
    scale = Scale(
        code=code, name=f.text(entry, "name", f"{where}.name"),
        method=method, items=items, scales=scales, at_least=at_least,
        kind="total" if known_scales is not None else f.choice(
            entry, "kind", f"{where}.kind", ("content", "validity"), "content"),
        multiplier=multiplier,
        rounding=f.choice(entry, "rounding", f"{where}.rounding", _ROUNDING, "none"),
        max_missing=max_missing,
        band_basis=f.choice(entry, "band_basis", f"{where}.band_basis", ("raw", "standard"),
                            "raw"),
        note=f.text(entry, "note", "", required=False),
    )
    if f.p.count_under(where):
        return None
    score_range = (_score_range(scale, item_range, scale_ranges)
                   if scale.band_basis == "raw" else None)
    bands = build_bands(entry.get("bands", []), f"{where}.bands", score_range, f.p, f.warning)
    return dataclasses.replace(scale, bands=bands)


def _score_range(scale: Scale, item_range: tuple[float, float],
                 scale_ranges: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """Lowest and highest score the unit can take, so bands can be checked to cover it."""
    if scale.scales:
        parts = [scale_ranges[c] for c in scale.scales if c in scale_ranges] or [(0.0, 0.0)]
        lows, highs = [a for a, _ in parts], [b for _, b in parts]
        low, high = ((sum(lows), sum(highs)) if scale.method == "sum"
                     else (sum(lows) / len(lows), sum(highs) / len(highs)))
    elif scale.method == "count":
        low, high = 0.0, float(len(scale.items))
    else:
        n = len(scale.items) if scale.method == "sum" else 1
        low, high = item_range[0] * n, item_range[1] * n
    rounder: Callable[[float], float] = {"none": float, "floor": math.floor,
                                         "round": lambda x: math.floor(x + 0.5)}[scale.rounding]
    return rounder(low * scale.multiplier), rounder(high * scale.multiplier)


def _check_disjoint(scales: list[Scale], p: Problems) -> None:
    """Scales that score items may not share them; a count (阳性项目数) counts across
    them by design."""
    owner: dict[int, str] = {}
    for i, scale in enumerate(scales):
        if scale.method == "count":
            continue
        for n in scale.items:
            if n in owner and owner[n] != scale.code:
                p.add(f"scales[{i + 1}].items",
                      f"第 {n} 题同时属于「{owner[n]}」和「{scale.code}」，"
                      "但本量表规定各分量表不重叠（disjoint_scales = true）")
            owner.setdefault(n, scale.code)


def _validity(entries: list[dict], units: dict[str, Scale], f: Fields
              ) -> tuple[ValidityRule, ...]:
    rules = []
    for i, entry in enumerate(entries):
        where = f"validity[{i + 1}]"
        f.unknown_keys(entry, {"code", "name", "scale", "comparison", "threshold", "message",
                               "to_confirm"}, where)
        code = f.text(entry, "code", f"{where}.code")
        if code and (not CODE_RE.match(code) or code == "missing"
                     or any(r.code == code for r in rules)):
            f.p.add(f"{where}.code", f"「{code}」不合规、重复或为保留字（missing）")
        scale = f.text(entry, "scale", f"{where}.scale")
        if scale and scale not in units:
            f.p.add(f"{where}.scale", f"没有量表「{scale}」")
        rules.append(ValidityRule(
            code=code, name=f.text(entry, "name", f"{where}.name"), scale=scale,
            comparison=f.choice(entry, "comparison", f"{where}.comparison", (">=", ">"), ">="),
            threshold=f.number(entry, "threshold", f"{where}.threshold"),
            message=f.text(entry, "message", f"{where}.message"),
            to_confirm=f.boolean(entry, "to_confirm", f"{where}.to_confirm", default=False),
        ))
    return tuple(rules)


def _critical(entries: list[dict], item_count: int, units: dict[str, Scale], f: Fields
              ) -> tuple[CriticalItem, ...]:
    found: list[CriticalItem] = []
    for i, entry in enumerate(entries):
        where = f"critical[{i + 1}]"
        f.unknown_keys(entry, {"item", "above", "warning", "message", "if_missing",
                               "missing_message", "crisis_scale", "crisis_bands"}, where)
        item = f.integer(entry, "item", f"{where}.item", minimum=1) or 0
        if item > item_count:
            f.p.add(f"{where}.item", f"题号 {item} 超出范围（本量表共 {item_count} 题）")
        if any(c.item == item for c in found):
            f.p.add(f"{where}.item", f"第 {item} 题已是关键题")
        warning = f.warning(entry, "warning", f"{where}.warning", "key")
        if warning is not WarningLevel.KEY:
            f.p.add(f"{where}.warning",
                    "关键题作答提示“重点关注”（key），当天面谈评估；“危机”由教师评估后决定，"
                    "定义只能用 crisis_bands 在最重选项且总分一致时提示危机")
        crisis_scale = f.text(entry, "crisis_scale", "", required=False) or TOTAL
        crisis_bands = entry.get("crisis_bands", [])
        if not (isinstance(crisis_bands, list) and all(isinstance(b, str) for b in crisis_bands)):
            f.p.add(f"{where}.crisis_bands", "应为区间代码列表")
            crisis_bands = []
        if crisis_bands:
            unit = units.get(crisis_scale)
            if unit is None:
                f.p.add(f"{where}.crisis_scale", f"没有量表「{crisis_scale}」")
            else:
                codes = {b.code for b in unit.bands}
                for code in crisis_bands:
                    if code not in codes:
                        f.p.add(f"{where}.crisis_bands", f"「{unit.name}」没有区间「{code}」")
        found.append(CriticalItem(
            item=item, above=f.number(entry, "above", f"{where}.above"),
            warning=WarningLevel.KEY,
            message=f.text(entry, "message", f"{where}.message"),
            if_missing=f.warning(entry, "if_missing", f"{where}.if_missing", "none"),
            missing_message=f.text(entry, "missing_message", "", required=False),
            crisis_scale=crisis_scale, crisis_bands=tuple(crisis_bands),
        ))
    return tuple(found)


def _checks(value: Any, f: Fields) -> SheetChecks:
    if not isinstance(value, dict):
        f.p.add("checks", "应为表（[checks]）")
        return SheetChecks()
    f.unknown_keys(value, {"uniform", "seconds_per_item"}, "checks")
    seconds = f.number(value, "seconds_per_item", "checks.seconds_per_item", default=0.0)
    if seconds < 0:
        f.p.add("checks.seconds_per_item", "应为不小于 0 的数（0 表示不检查作答时间）")
    return SheetChecks(uniform=f.choice(value, "uniform", "checks.uniform", UNIFORM_MODES, "any"),
                       seconds_per_item=seconds)


def _norms(entries: list[dict], units: dict[str, Scale], f: Fields) -> tuple[NormTable, ...]:
    tables = []
    for i, entry in enumerate(entries):
        where = f"norms[{i + 1}]"
        f.unknown_keys(entry, {"scale", "gender", "grades", "raw", "standard"}, where)
        scale = f.text(entry, "scale", f"{where}.scale")
        if scale and scale not in units:
            f.p.add(f"{where}.scale", f"没有量表「{scale}」")
        gender = f.choice(entry, "gender", f"{where}.gender", ("*", "M", "F"), "*")
        grades = entry.get("grades", [])
        if not (isinstance(grades, list) and all(isinstance(g, int) and 1 <= g <= 12
                                                 for g in grades)):
            f.p.add(f"{where}.grades", "应为年级（1–12）列表")
            grades = []
        raw, standard = entry.get("raw"), entry.get("standard")
        ok = all(isinstance(v, list) and v and all(isinstance(x, int | float) for x in v)
                 for v in (raw, standard))
        if not ok or len(raw) != len(standard):
            f.p.add(where, "raw 与 standard 应为等长的数字列表")
            raw, standard = [0.0], [0.0]
        elif any(b <= a for a, b in itertools.pairwise(raw)):
            f.p.add(f"{where}.raw", "原始分应严格递增")
        tables.append(NormTable(scale=scale, gender=gender, grades=tuple(grades),
                                raw=tuple(map(float, raw)), standard=tuple(map(float, standard))))
    return tuple(tables)
