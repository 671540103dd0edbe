"""Checking a merged rule-set mapping field by field and building the :class:`~perfkit.rules.ruleset.RuleSet`.

Every error of a file is collected (not only the first), so a user fixes the
file in one pass; the message lists them all, in Chinese.
"""
from __future__ import annotations

import math
from pathlib import Path
from types import MappingProxyType
from typing import Any

from perfkit.errors import RuleSetError
from perfkit.rules.ruleset import (CONFIDENCES, EXECUTION_BASES, ITEM_METHODS, KEEP_MEANINGS, KINDS, OPS,
                                   REVERSE_METHODS, VARIANTS, Band, Group, ManagementItem, RuleSet,
                                   split_block_label)
from perfkit.score.figures import ExprError, parse_expr
from perfkit.score.targets import LEVELS
from perfkit.text import rules as rules_text


class _Checker:
    """Collects every error of one file, so a user fixes the file in one pass."""

    def __init__(self, path: Path):
        self.path = path
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(rules_text.AT_KEY.format(where=where, message=message))

    def section(self, raw: dict, key: str, allowed: set[str], provenance: bool = True) -> dict:
        value = raw.get(key)
        if not isinstance(value, dict):
            self.fail(key, rules_text.NOT_A_SECTION)
            return {}
        for extra in sorted(set(value) - allowed - {"source", "confidence"}):
            self.fail(f"{key}.{extra}", rules_text.UNKNOWN_KEY.format(allowed=rules_text.LIST_SEP.join(sorted(allowed))))
        if provenance:
            self.provenance(value, key)
        return value

    def provenance(self, value: dict, where: str) -> tuple[str, str]:
        source = value.get("source")
        conf = value.get("confidence")
        if not isinstance(source, str) or not source.strip():
            self.fail(f"{where}.source", rules_text.NO_SOURCE)
        if conf not in CONFIDENCES:
            self.fail(f"{where}.confidence", rules_text.BAD_CONFIDENCE.format(value=conf))
        return str(source or ""), str(conf or "")

    def number(self, value: Any, where: str, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.fail(where, rules_text.NOT_A_NUMBER.format(value=value))
            return math.nan
        if low is not None and (value <= low if low_open else value < low):
            self.fail(where, rules_text.TOO_LOW.format(relation=rules_text.ABOVE if low_open else rules_text.NOT_BELOW,
                                                      low=low, value=value))
        if high is not None and value > high:
            self.fail(where, rules_text.TOO_HIGH.format(high=high, value=value))
        return float(value)

    def choice(self, value: Any, where: str, options: tuple) -> str:
        if value not in options:
            self.fail(where, rules_text.NOT_A_CHOICE.format(options=rules_text.LIST_SEP.join(map(str, options)), value=value))
            return options[0]
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, rules_text.NOT_A_BOOLEAN.format(value=value))
            return False
        return value

    def names(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, rules_text.NOT_NAMES)
            return ()
        return tuple(v.strip() for v in value)


_TOP_KEYS = {"kind", "name", "title", "source", "illustrative", "notes", "total", "execution", "weights",
             "quantitative", "qualitative", "directional", "grades", "management", "audit"}


def build(raw: dict, path: Path) -> RuleSet:
    """Return the :class:`RuleSet` of a merged rule file's mapping; raise :class:`RuleSetError` listing every error."""
    c = _Checker(path)
    for extra in sorted(set(raw) - _TOP_KEYS):
        c.fail(extra, rules_text.UNKNOWN_TOP_KEY.format(allowed=rules_text.LIST_SEP.join(sorted(_TOP_KEYS))))
    kind = raw.get("kind")
    if kind not in KINDS:
        raise RuleSetError(rules_text.NOT_A_SCORING_RULE_SET.format(path=path, kinds=rules_text.LIST_SEP.join(KINDS), kind=kind))
    name = raw.get("name") or path.stem
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        c.fail("title", rules_text.NO_TITLE)
    if not isinstance(raw.get("source"), str):
        c.fail("source", rules_text.NO_BASIS)
    illustrative = c.boolean(raw.get("illustrative", False), "illustrative")
    provenance: dict[str, tuple[str, str]] = {}

    total = c.section(raw, "total", {"points"})
    provenance["total"] = (total.get("source", ""), total.get("confidence", ""))
    total_points = c.number(total.get("points"), "total.points", 0, low_open=True)

    ex = c.section(raw, "execution", {"weight", "base", "cap", "indicator_names"})
    provenance["execution"] = (ex.get("source", ""), ex.get("confidence", ""))
    ex_weight = c.number(ex.get("weight"), "execution.weight", 0)
    ex_base = c.choice(ex.get("base", "budget"), "execution.base", EXECUTION_BASES)
    ex_cap = c.number(ex.get("cap", 1.0), "execution.cap", 0, low_open=True)
    ex_items = tuple(split_block_label(v)[0] for v in c.names(ex.get("indicator_names"), "execution.indicator_names"))

    w = c.section(raw, "weights", {"groups", "redistribute", "fixed"})
    fixed = c.boolean(w.get("fixed", False), "weights.fixed")
    provenance["weights"] = (w.get("source", ""), w.get("confidence", ""))
    groups = _groups(c, w.get("groups"))
    names = {g.name for g in groups}
    redistribute = []
    for i, item in enumerate(w.get("redistribute") or []):
        where = f"weights.redistribute[{i}]"
        if not isinstance(item, dict) or set(item) - {"from", "to"}:
            c.fail(where, rules_text.BAD_REDISTRIBUTE)
            continue
        src, targets = item.get("from"), c.names(item.get("to"), f"{where}.to")
        for n in (src, *targets):
            if n not in names:
                c.fail(where, rules_text.UNKNOWN_GROUP.format(name=n, known=rules_text.LIST_SEP.join(sorted(names))))
        redistribute.append((src, targets))

    q = c.section(raw, "quantitative", {"higher_is_better", "over_completion", "lower_is_better", "equality"},
                  provenance=False)
    hib = c.section(q, "higher_is_better", {"bare_value_op", "fraction_rates"}) if q else {}
    provenance["higher_is_better"] = (hib.get("source", ""), hib.get("confidence", ""))
    bare_op = c.choice(hib.get("bare_value_op", ">="), "quantitative.higher_is_better.bare_value_op", OPS)
    fraction_rates = c.boolean(hib.get("fraction_rates", True), "quantitative.higher_is_better.fraction_rates")
    over = c.section(q, "over_completion", {"threshold", "deduction"}) if q else {}
    provenance["over_completion"] = (over.get("source", ""), over.get("confidence", ""))
    over_threshold = c.number(over.get("threshold"), "quantitative.over_completion.threshold", 1, low_open=True)
    over_deduction = c.number(over.get("deduction", 0), "quantitative.over_completion.deduction", 0, 1)
    lib = c.section(q, "lower_is_better", {"method", "name_words"}) if q else {}
    lower_words = c.names(lib.get("name_words"), "quantitative.lower_is_better.name_words")
    provenance["lower_is_better"] = (lib.get("source", ""), lib.get("confidence", ""))
    reverse = c.choice(lib.get("method"), "quantitative.lower_is_better.method", REVERSE_METHODS)
    eq = c.section(q, "equality", {"clip_negative"}) if q else {}
    provenance["equality"] = (eq.get("source", ""), eq.get("confidence", ""))
    clip_negative = c.boolean(eq.get("clip_negative", True), "quantitative.equality.clip_negative")

    ql = c.section(raw, "qualitative", {"bands", "levels", "deadline_missed_level"})
    provenance["qualitative"] = (ql.get("source", ""), ql.get("confidence", ""))
    bands = _bands(c, ql.get("bands"))
    levels = _levels(c, ql.get("levels"), bands)
    deadline_missed = c.choice(ql.get("deadline_missed_level"), "qualitative.deadline_missed_level", LEVELS)

    d = c.section(raw, "directional", {"keep_tolerance_pp", "keep_tolerance_rel", "keep_means", "missed_level",
                                       "short_level"})
    provenance["directional"] = (d.get("source", ""), d.get("confidence", ""))
    keep_pp = c.number(d.get("keep_tolerance_pp", 0), "directional.keep_tolerance_pp", 0)
    keep_rel = c.number(d.get("keep_tolerance_rel", 0), "directional.keep_tolerance_rel", 0, 1)
    keep_means = c.choice(d.get("keep_means", "no_decline"), "directional.keep_means", KEEP_MEANINGS)
    missed = c.choice(d.get("missed_level"), "directional.missed_level", LEVELS)
    short = c.choice(d.get("short_level"), "directional.short_level", LEVELS)

    gr = c.section(raw, "grades", {"bands"})
    provenance["grades"] = (gr.get("source", ""), gr.get("confidence", ""))
    grades = _grades(c, gr.get("bands"))

    management: tuple[ManagementItem, ...] = ()
    block = rules_text.MANAGEMENT_BLOCK
    if "management" in raw:
        m = c.section(raw, "management", {"block", "items"})
        provenance["management"] = (m.get("source", ""), m.get("confidence", ""))
        block = str(m.get("block") or block)
        management = _items(c, m.get("items"))
    variants = VARIANTS
    if "audit" in raw:
        au = c.section(raw, "audit", {"variants"})
        provenance["audit"] = (au.get("source", ""), au.get("confidence", ""))
        variants = c.names(au.get("variants"), "audit.variants")
        for v in sorted(set(variants) - set(VARIANTS)):
            c.fail("audit.variants", rules_text.UNKNOWN_VARIANT.format(variant=v, known=rules_text.LIST_SEP.join(VARIANTS)))
    if kind == "dept_sheet" and not management:
        c.fail("management", rules_text.NO_MANAGEMENT_ITEMS)

    if not c.errors:
        parts = ex_weight + sum(g.weight for g in groups) + sum(i.points for i in management)
        if abs(parts - total_points) > 1e-6:
            c.fail("total.points",
                   rules_text.PARTS_NOT_TOTAL.format(execution=ex_weight,
                                                     groups="+".join(f"{g.weight:g}" for g in groups))
                   + (rules_text.PLUS_MANAGEMENT.format(points=sum(i.points for i in management)) if management else "")
                   + rules_text.PARTS_END.format(parts=parts, total=total_points))
    if c.errors:
        lines = "\n".join(rules_text.ERROR_ITEM.format(error=e) for e in c.errors)
        raise RuleSetError(rules_text.ERRORS.format(path=path, n=len(c.errors), lines=lines))
    return RuleSet(
        name=str(name), title=str(title), kind=kind, path=path, source=str(raw.get("source", "")),
        illustrative=illustrative, total=total_points, execution_weight=ex_weight, execution_base=ex_base,
        execution_cap=ex_cap, groups=groups, redistribute=tuple(redistribute), bare_value_op=bare_op,
        fraction_rates=fraction_rates, over_threshold=over_threshold, over_deduction=over_deduction,
        reverse_method=reverse, clip_negative=clip_negative, bands=bands, levels=MappingProxyType(levels),
        deadline_missed_level=deadline_missed, keep_tolerance_pp=keep_pp, keep_tolerance_rel=keep_rel,
        keep_means=keep_means, direction_missed_level=missed, direction_short_level=short, grades=grades,
        management=management, management_block=block, provenance=MappingProxyType(provenance),
        lower_words=lower_words, execution_indicators=ex_items, fixed_weights=fixed, variants=variants,
    )


def _groups(c: _Checker, raw: Any) -> tuple[Group, ...]:
    if not isinstance(raw, list) or not raw:
        c.fail("weights.groups", rules_text.NO_GROUPS)
        return ()
    groups, seen = [], set()
    for i, item in enumerate(raw):
        where = f"weights.groups[{i}]"
        if not isinstance(item, dict):
            c.fail(where, rules_text.NOT_A_MAPPING_HERE)
            continue
        for extra in sorted(set(item) - {"name", "weight", "level1", "aliases", "level2", "block"}):
            c.fail(f"{where}.{extra}", rules_text.UNKNOWN_GROUP_KEY)
        name = item.get("name")
        if not isinstance(name, str) or not name:
            c.fail(f"{where}.name", rules_text.MISSING)
            continue
        if name in seen:
            c.fail(f"{where}.name", rules_text.DUPLICATE_GROUP.format(name=name))
        seen.add(name)
        weight = c.number(item.get("weight"), f"{where}.weight", 0)
        # aliases: the labels other forms print for this block (决策/项目决策 …), compared like level1
        labels = c.names(item.get("level1"), f"{where}.level1") + c.names(item.get("aliases"), f"{where}.aliases")
        labels = tuple(split_block_label(v)[0] for v in labels)
        groups.append(Group(name, weight, tuple(dict.fromkeys(labels)) or (name,),
                            tuple(split_block_label(v)[0] for v in c.names(item.get("level2"), f"{where}.level2")),
                            item.get("block")))
    return tuple(groups)


def _bands(c: _Checker, raw: Any) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        c.fail("qualitative.bands", rules_text.NO_BANDS)
        return ()
    bands = []
    for i, item in enumerate(raw):
        where = f"qualitative.bands[{i}]"
        if not isinstance(item, dict) or set(item) - {"name", "low", "high"}:
            c.fail(where, rules_text.BAD_BAND)
            continue
        low = c.number(item.get("low"), f"{where}.low", 0, 1)
        high = c.number(item.get("high"), f"{where}.high", 0, 1)
        if low >= high:
            c.fail(where, rules_text.LOW_NOT_BELOW_HIGH.format(low=low, high=high))
        bands.append(Band(str(item.get("name")), low, high, top=(i == 0)))
    if bands and not c.errors:
        if abs(bands[0].high - 1.0) > 1e-9 or abs(bands[-1].low) > 1e-9:
            c.fail("qualitative.bands", rules_text.BANDS_NOT_COVERING)
        for upper, lower in zip(bands, bands[1:]):
            if abs(upper.low - lower.high) > 1e-9:
                c.fail("qualitative.bands", rules_text.BANDS_NOT_ADJACENT.format(upper=upper.name, lower=lower.name))
    return tuple(bands)


def _levels(c: _Checker, raw: Any, bands: tuple[Band, ...]) -> dict[str, tuple[str, float]]:
    if not isinstance(raw, dict):
        c.fail("qualitative.levels", rules_text.NO_LEVELS.format(levels=rules_text.LIST_SEP.join(LEVELS)))
        return {}
    out = {}
    by_name = {b.name: b for b in bands}
    for level in LEVELS:
        where = f"qualitative.levels.{level}"
        item = raw.get(level)
        if not isinstance(item, dict) or set(item) - {"band", "fraction"}:
            c.fail(where, rules_text.BAD_LEVEL)
            continue
        band = by_name.get(item.get("band"))
        fraction = c.number(item.get("fraction"), f"{where}.fraction", 0, 1)
        if band is None:
            c.fail(f"{where}.band", rules_text.UNKNOWN_BAND.format(known=rules_text.LIST_SEP.join(by_name), value=item.get("band")))
        elif not math.isnan(fraction) and not band.contains(fraction):
            c.fail(f"{where}.fraction", rules_text.FRACTION_OUTSIDE.format(
                fraction=fraction, band=band.name, low=band.low, high=band.high, close="]" if band.top else ")"))
        out[level] = (item.get("band"), fraction)
    for extra in sorted(set(raw) - set(LEVELS)):
        c.fail(f"qualitative.levels.{extra}", rules_text.UNKNOWN_LEVEL.format(known=rules_text.LIST_SEP.join(LEVELS)))
    return out


def _grades(c: _Checker, raw: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, list) or not raw:
        c.fail("grades.bands", rules_text.NO_GRADES)
        return ()
    grades = []
    for i, item in enumerate(raw):
        where = f"grades.bands[{i}]"
        if not isinstance(item, dict) or set(item) - {"grade", "min"} or not isinstance(item.get("grade"), str):
            c.fail(where, rules_text.BAD_GRADE)
            continue
        grades.append((item["grade"], c.number(item.get("min"), f"{where}.min", 0)))
    mins = [m for _, m in grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        c.fail("grades.bands", rules_text.GRADES_NOT_DESCENDING.format(mins=mins))
    if mins and mins[-1] != 0:
        c.fail("grades.bands", rules_text.LAST_GRADE_NOT_ZERO)
    return tuple(grades)


def _items(c: _Checker, raw: Any) -> tuple[ManagementItem, ...]:
    if not isinstance(raw, list):
        c.fail("management.items", rules_text.NO_ITEMS)
        return ()
    items, seen = [], set()
    keys = {"id", "label", "expr", "unit", "points", "method", "target", "bands", "else", "absolute",
            "source", "confidence"}
    for i, item in enumerate(raw):
        where = f"management.items[{i}]"
        if not isinstance(item, dict):
            c.fail(where, rules_text.NOT_A_MAPPING_HERE)
            continue
        for extra in sorted(set(item) - keys):
            c.fail(f"{where}.{extra}", rules_text.UNKNOWN_KEY.format(allowed=rules_text.LIST_SEP.join(sorted(keys))))
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id or item_id in seen:
            c.fail(f"{where}.id", rules_text.ITEM_ID.format(value=item_id))
        seen.add(item_id)
        source, conf = c.provenance(item, where)
        expr = item.get("expr")
        if not isinstance(expr, str) or not expr.strip():
            c.fail(f"{where}.expr", rules_text.NO_EXPR)
        else:
            try:
                parse_expr(expr.replace("{scope}", "whole"))
            except ExprError as err:
                c.fail(f"{where}.expr", str(err))
        points = c.number(item.get("points"), f"{where}.points", 0)
        method = c.choice(item.get("method"), f"{where}.method", ITEM_METHODS)
        target = item.get("target")
        if target is not None:
            target = c.number(target, f"{where}.target", 0, low_open=True)
        bands = []
        if method == "bands":
            for j, b in enumerate(item.get("bands") or []):
                bwhere = f"{where}.bands[{j}]"
                if not isinstance(b, dict) or set(b) - {"op", "value", "points"}:
                    c.fail(bwhere, rules_text.BAD_ITEM_BAND)
                    continue
                op = c.choice(b.get("op"), f"{bwhere}.op", OPS)
                value = c.number(b.get("value"), f"{bwhere}.value")
                got = c.number(b.get("points"), f"{bwhere}.points", 0, points if not math.isnan(points) else None)
                bands.append((op, value, got))
            if not bands:
                c.fail(f"{where}.bands", rules_text.NO_ITEM_BANDS)
        else_points = c.number(item.get("else", 0), f"{where}.else", 0)
        items.append(ManagementItem(
            id=str(item_id), label=str(item.get("label") or item_id), expr=str(expr or ""),
            unit=str(item.get("unit") or ""), points=points, method=method, target=target, bands=tuple(bands),
            else_points=else_points, absolute=c.boolean(item.get("absolute", False), f"{where}.absolute"),
            source=source, confidence=conf,
        ))
    return tuple(items)
