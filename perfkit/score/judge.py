"""Judging one 年度指标值 / 实际完成值 / 上年值 combination under a rule set (domain.md §3).

A judgement is a fraction of the weight, so every row with the same three
texts shares it; :mod:`perfkit.score.scoring` judges each distinct
combination once.  Pure functions: Targets and a RuleSet in, a Judgement out.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from perfkit.ingest.schema import AMOUNT_UNITS
from perfkit.rules.ruleset import RuleSet
from perfkit.score.targets import DIRECTION_LABELS, OP_SYMBOLS, Target, fmt_number, normalize_text
from perfkit.text import formats, judging
from perfkit.text.vocabulary import MET, POINTS

# recognised input, not output: unit words of targets, with their factor to 万元
AMOUNT_FACTORS = {**AMOUNT_UNITS, "千元": 0.1, "亿元": 1e4}  # to 万元; targets are written in any of these
RECOGNISED_INPUT = ("AMOUNT_FACTORS",)

# Flag codes, in the order they are listed in ``flags``; their labels are in perfkit.text.judging.
FLAG_LABELS = judging.FLAG_LABELS
FLAG_CODES = tuple(FLAG_LABELS)
_BIT = {code: 1 << i for i, code in enumerate(FLAG_CODES)}

RULE_LABELS = judging.RULE_LABELS



class Judgement(NamedTuple):
    """What a (target, actual, prior) combination earns, as a fraction of the weight."""

    rule: str
    fraction: float  # NaN when it cannot be scored
    met: bool | None
    attainment: float
    actual_value: float
    level: str | None  # the qualitative level applied, for the band check of stated scores
    bits: int
    head: str  # the reason, before the score
    note: str = ""  # remarks after the score (conversions, copied operators)


def _shown(value: float, unit: str | None) -> str:
    return f"{fmt_number(value)}{formats.POINTS_UNIT if unit == POINTS else unit or ''}"


def _pct(x: float) -> str:
    return f"{fmt_number(round(x * 100, 2))}%"


def _unscored(why: str, bits: int = 0, actual_value: float = math.nan, rule: str = "unscored") -> Judgement:
    return Judgement(rule, math.nan, None, math.nan, actual_value, None, bits, judging.UNSCORED.format(why=why))


def _align(t: Target, a: Target, rules: RuleSet) -> tuple[float, float, str | None, int, str]:
    """Return target and actual values on one basis, the unit, flag bits, and a note on the conversion."""
    tv, av, tu, au = t.value, a.value, t.unit, a.unit
    bits, note = 0, ""
    if tu in AMOUNT_FACTORS and au in AMOUNT_FACTORS and tu != au:
        av = av * AMOUNT_FACTORS[au] / AMOUNT_FACTORS[tu]
        note = judging.CONVERTED.format(actual=_shown(a.value, au), converted=_shown(av, tu))
    elif rules.fraction_rates and tu == "%" and au is None and abs(av) <= 1 < abs(tv):
        av = av * 100
        bits |= _BIT["fraction_rate"]
        note = judging.FRACTION_AS_PERCENT.format(actual=fmt_number(a.value), percent=fmt_number(av))
    elif rules.fraction_rates and tu is None and au == "%" and abs(tv) <= 1 < abs(av):
        av = av / 100
        bits |= _BIT["fraction_rate"]
        note = judging.TARGET_FRACTION.format(target=fmt_number(tv), actual=fmt_number(av))
    elif tu is not None and au is not None and tu != au:
        bits |= _BIT["unit_mismatch"]
        note = judging.UNITS_DIFFER.format(actual_unit=au, target_unit=tu)
    return tv, av, tu, bits, note


def judge(t: Target, a: Target, p: Target, rules: RuleSet) -> Judgement:
    """Return the :class:`Judgement` of one target, actual and prior-year value under ``rules``.

    The score of a row is ``fraction × weight``; every rule of domain.md §3 is
    proportional to the weight, so the judgement is shared by all rows with the
    same three texts.
    """
    bits = 0
    if t.implicit_op:
        bits |= _BIT["implicit_ge"]
    if t.from_name:
        bits |= _BIT["target_in_name"]
    if t.kind == "directional":
        bits |= _BIT["unmeasurable"]
    if t.kind == "unreadable" or a.kind == "unreadable":
        which = judging.TARGET_CELL if t.kind == "unreadable" else judging.ACTUAL_CELL
        text = t.text if t.kind == "unreadable" else a.text
        return _unscored(judging.UNREADABLE_CELL.format(which=which, text=text), bits | _BIT["unreadable"])
    if t.kind == "blank":
        if t.not_applicable and a.level is not None:
            # the author marks the target not applicable and reports the result in words: judged as stated
            return _qualitative(a, a.level, rules, bits | _BIT["not_applicable"] | _BIT["stock_phrase"],
                                judging.TARGET_NA_STATED.format(target=t.text, actual=a.text, level=a.level))
        if t.not_applicable:
            return _unscored(judging.TARGET_NA.format(target=t.text),
                             bits | _BIT["no_target"] | _BIT["not_applicable"])
        return _unscored(judging.TARGET_EMPTY, bits | _BIT["no_target"])
    if a.kind == "blank":
        if a.not_applicable:
            return _unscored(judging.ACTUAL_NA.format(actual=a.text),
                             bits | _BIT["no_actual"] | _BIT["not_applicable"])
        return _unscored(judging.ACTUAL_EMPTY, bits | _BIT["no_actual"])
    if a.op_written:
        bits |= _BIT["copied_operator"]
    if t.kind == "quantitative":
        if a.kind != "quantitative":
            if a.level is not None:  # 完成 / 达成预期指标 against a number: judged as stated, and flagged
                return _qualitative(a, a.level, rules, bits | _BIT["stock_phrase"],
                                    judging.ACTUAL_WORDS.format(actual=a.text, level=a.level))
            return _unscored(judging.ACTUAL_NOT_NUMBER.format(target=t.canonical(), actual=a.text),
                             bits | _BIT["unjudgeable"])
        if a.op_written:
            # A copied bound ("≥90%") claims the target was met; it is not a measurement, so it is
            # scored like the stated word 达成 (inside its band), never as a measured number.
            claim = _quantitative(t, a, rules, bits)
            if claim.met:
                return _qualitative(a, MET, rules, bits,
                                    judging.COPIED_CLAIM.format(actual=a.text),
                                    "copied_claim")
            return _unscored(judging.COPIED_RANGE.format(actual=a.text, target=t.canonical()),
                             bits | _BIT["unjudgeable"])
        return _quantitative(t, a, rules, bits)
    if t.kind == "directional":
        return _directional(t, a, p, rules, bits)
    return _qualitative_target(t, a, rules, bits)


def _quantitative(t: Target, a: Target, rules: RuleSet, bits: int) -> Judgement:
    tv, av, unit, more, note = _align(t, a, rules)
    bits |= more
    if a.op_written:
        note += judging.COPIED_NOTE.format(actual=a.text, value=_shown(av, unit))
    op = rules.bare_value_op if t.implicit_op else t.op
    if rules.clip_negative and av < 0 <= tv:
        note += judging.NEGATIVE_AS_ZERO.format(actual=fmt_number(av))
        av = 0.0
    T, A = t.canonical() if not t.implicit_op else _shown(tv, unit), _shown(av, unit)
    if t.implicit_op and op != ">=":
        T = f"{OP_SYMBOLS[op]}{T}"
    attainment = av / tv if tv else math.nan
    if op in ("<=", "<"):
        return _lower(tv, av, T, A, attainment, rules, bits, note)
    rule = "equality" if op == "=" else "higher_is_better"
    if tv <= 0:
        if op == "=" and tv == 0:
            met = av <= 0
            head = (judging.MET_ZERO if met else judging.NOT_MET_ZERO).format(target=T, actual=A)
            return Judgement("equality_zero", 1.0 if met else 0.0, met, math.nan, av, None, bits, head, note)
        met = av >= tv
        head = (judging.MET_AT_LEAST if met else judging.NOT_MET_BELOW).format(target=T, actual=A)
        return Judgement(rule, 1.0 if met else 0.0, met, attainment, av, None, bits, head, note)
    if av >= tv:
        if av >= rules.over_threshold * tv:
            bits |= _BIT["over_completion"]
            fraction = 1.0 - rules.over_deduction
            deduct = judging.OVER_DEDUCTION.format(deduction=_pct(rules.over_deduction)) if rules.over_deduction else ""
            head = judging.OVER_COMPLETION.format(actual=A, target=T, attainment=_pct(attainment),
                                                  threshold=_pct(rules.over_threshold), deduct=deduct)
            return Judgement(rule, fraction, True, attainment, av, None, bits, head, note)
        return Judgement(rule, 1.0, True, attainment, av, None, bits, judging.MET_AT_LEAST.format(actual=A, target=T),
                         note)
    head = judging.NOT_MET_RATIO.format(actual=A, target=T, attainment=_pct(attainment))
    return Judgement(rule, max(attainment, 0.0), False, attainment, av, None, bits, head, note)


def _lower(tv: float, av: float, T: str, A: str, attainment: float, rules: RuleSet, bits: int,
           note: str) -> Judgement:
    rule = f"lower_is_better_{rules.reverse_method}"
    if av <= tv:
        return Judgement(rule, 1.0, True, attainment, av, None, bits, judging.MET_AT_MOST.format(actual=A, target=T),
                         note)
    if tv <= 0:
        return Judgement(rule, 0.0, False, attainment, av, None, bits,
                         judging.NOT_MET_OVER_ZERO.format(target=T, actual=A), note)
    if rules.reverse_method == "ratio":
        fraction = tv / av
        head = judging.NOT_MET_REVERSE_RATIO.format(actual=A, target=T, fraction=_pct(fraction))
    else:
        over = (av - tv) / tv
        fraction = max(0.0, 1.0 - over)
        head = judging.NOT_MET_REVERSE_LINEAR.format(actual=A, target=T, over=_pct(over), fraction=_pct(fraction))
    return Judgement(rule, fraction, False, attainment, av, None, bits, head, note)


def _qualitative(a: Target, level: str, rules: RuleSet, bits: int, said: str,
                 rule: str = "qualitative", note: str = "") -> Judgement:
    fraction = rules.level_fraction(level)
    band = rules.band_of_level(level)
    head = judging.BAND_SHARE.format(said=said, fraction=_pct(fraction), band=band.name)
    value = a.value if a.kind == "quantitative" and a.value is not None else math.nan
    return Judgement(rule, fraction, level == MET, math.nan, value, level, bits, head, note)


def _deadline_key(deadline: str) -> tuple[int | None, int, int]:
    """Return (year or None, month, day) of a Target.deadline; a month without a day means its end."""
    parts = deadline.split("-")
    year, rest = (None, parts[2:]) if deadline.startswith("--") else (int(parts[0]), parts[1:])
    return year, int(rest[0]), int(rest[1]) if len(rest) > 1 else 31


def _qualitative_target(t: Target, a: Target, rules: RuleSet, bits: int) -> Judgement:
    if t.deadline and a.deadline:
        ty, tm, td = _deadline_key(t.deadline)
        ay, am, ad = _deadline_key(a.deadline)
        on_time = (am, ad) <= (tm, td) if ty is None or ay is None else (ay, am, ad) <= (ty, tm, td)
        if on_time:
            return _qualitative(a, MET, rules, bits, judging.ON_TIME.format(actual=a.text, target=t.text), "deadline")
        level = rules.deadline_missed_level
        return _qualitative(a, level, rules, bits, judging.LATE.format(actual=a.text, target=t.text, level=level),
                            "deadline")
    if a.level is not None:
        return _qualitative(a, a.level, rules, bits, judging.QUALITATIVE.format(actual=a.text, level=a.level))
    if a.kind == "qualitative" and _same_text(a.text, t.text):
        return _qualitative(a, MET, rules, bits, judging.QUALITATIVE_SAME.format(actual=a.text))
    return _unscored(judging.QUALITATIVE_UNJUDGEABLE.format(target=t.text, actual=a.text), bits | _BIT["unjudgeable"])


def _same_text(x: str, y: str) -> bool:
    return normalize_text(x) == normalize_text(y)


def _directional(t: Target, a: Target, p: Target, rules: RuleSet, bits: int) -> Judgement:
    label = DIRECTION_LABELS[t.direction]
    want = f"{label}{_shown(t.value, t.unit) if t.value is not None else ''}"
    if a.kind == "quantitative" and p.kind == "quantitative":
        return _direction_checked(t, a, p, rules, bits, want)
    if a.kind == "directional":
        return _direction_stated(t, a, rules, bits, want)
    if a.level is not None:
        return _qualitative(a, a.level, rules, bits,
                            judging.DIRECTION_AS_LEVEL.format(want=want, actual=a.text, level=a.level))
    if a.kind == "qualitative" and _same_text(a.text, t.text):
        return _qualitative(a, MET, rules, bits, judging.DIRECTION_SAME.format(want=want))
    why = judging.DIRECTION_NO_PRIOR if a.kind == "quantitative" else \
        judging.DIRECTION_UNREADABLE.format(actual=a.text)
    return _unscored(judging.DIRECTION_UNSCORED.format(want=want, why=why), bits | _BIT["unjudgeable"],
                     a.value if a.kind == "quantitative" and a.value is not None else math.nan)


def _direction_checked(t: Target, a: Target, p: Target, rules: RuleSet, bits: int, want: str) -> Judgement:
    pv, av, unit, more, note = _align(p, a, rules)
    bits |= more
    change = av - pv
    rate = unit == "%"
    shown = judging.PRIOR_AND_CURRENT.format(prior=_shown(pv, unit), current=_shown(av, unit))
    if t.direction == "keep":
        tol = rules.keep_tolerance_pp if rate else rules.keep_tolerance_rel * abs(pv)
        ok = change >= -tol if rules.keep_means == "no_decline" else abs(change) <= tol
        level = MET if ok else rules.direction_missed_level
        said = judging.KEEP_CHECKED.format(shown=shown, kept=judging.KEPT[ok], tolerance=fmt_number(tol),
                                           unit=formats.POINTS_UNIT if rate else "")
        return _qualitative(a, level, rules, bits, said, "directional_prior", note)
    sign = 1 if t.direction == "up" else -1
    right = sign * change > 0
    level = MET if right else rules.direction_missed_level
    said = judging.DIRECTION_CHECKED.format(want=want, shown=shown, right=judging.DIRECTION_RIGHT[right])
    if right and t.value is not None:
        if t.unit == POINTS:
            moved, what = abs(change), judging.MOVED_POINTS.format(moved=fmt_number(round(abs(change), 4)))
        else:
            moved = abs(change) / abs(pv) * 100 if pv else math.inf
            what = judging.MOVED_PERCENT.format(moved=fmt_number(round(moved, 2)))
        if moved + 1e-9 < t.value:
            level = rules.direction_short_level
            said += judging.MOVED_SHORT.format(what=what, target=_shown(t.value, t.unit))
        else:
            said += judging.MOVED.format(what=what)
    return _qualitative(a, level, rules, bits, said, "directional_prior", note)


def _direction_stated(t: Target, a: Target, rules: RuleSet, bits: int, want: str) -> Judgement:
    if t.direction == "keep":
        ok = a.direction == "keep" or (rules.keep_means == "no_decline" and a.direction == "up")
    else:
        ok = a.direction == t.direction
    level = MET if ok else rules.direction_missed_level
    said = judging.DIRECTION_STATED.format(want=want, actual=a.text, right=judging.DIRECTION_RIGHT[ok])
    if ok and t.value is not None and a.value is not None and (a.unit or "") == (t.unit or ""):
        if a.value + 1e-9 < t.value:
            level = rules.direction_short_level
            said += judging.AMOUNT_SHORT.format(target=_shown(t.value, t.unit))
    return _qualitative(a, level, rules, bits, said, "directional_stated")
