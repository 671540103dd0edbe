"""Auditing every printed score, row by row: indicator 得分, the budget row's 执行率 and 得分, block weights.

Each printed score becomes one row of :func:`perfkit.score.checks.check_stated`
with both numbers and the rule.  Where the printed score differs from the
rule set's, the audit tries the scoring variants met in published tables
(domain.md §8; the list and its order are the rule set's ``audit.variants``)
and names the first that gives the printed score, or says that none does.  A
score perfkit cannot compute is 无法复算 with the missing input named, never a
mismatch.  Tolerances come from the printed precision of every input.
"""
from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from perfkit.ingest.schema import NOT_APPLICABLE
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.rules.ruleset import RuleSet, split_block_label
from perfkit.score.checkrows import SCORE_TOLERANCE, VARIANT_LABELS, finding, split_by, where
from perfkit.score.figures import half_unit
from perfkit.score.judge import judge
from perfkit.score.scoring import judge_rows
from perfkit.score.targets import COUNT_UNITS, Target, fmt_number
from perfkit.score.totals import BASE_LABELS
from perfkit.text import checking, labels
from perfkit.text.vocabulary import LEVELS, MET, MOSTLY_MET, YUAN

# The 80/50 bands of the older rule set (cz2020_band8050), as fractions of the weight, per level's band.
_BANDS_8050 = {LEVELS[0]: (0.8, 1.0), LEVELS[2]: (0.5, 0.8), LEVELS[3]: (0.0, 0.5)}
_QUANTITATIVE_RULES = ("higher_is_better", "equality", "equality_zero", "lower_is_better_ratio",
                       "lower_is_better_linear")


def _n(x) -> str:
    return fmt_number(round(float(x), 4))


# --------------------------------------------------------------------------- indicator rows


def indicator_scores(dept, year: int, scored) -> list[dict]:
    """Return one check row per indicator that prints a score (得分): against the rule's score for that row."""
    ind = scored.indicators
    if not len(ind) or "stated_score" not in ind.columns:
        return []
    rows = ind[ind["stated_score"].notna()]
    file = str(dept.path / "indicators.csv")
    out = []
    for sid, part in split_by(rows, "scope_id"):
        rules = scored.rules[sid]
        for rec, reading in zip(part.to_dict("records"), judge_rows(part, rules)):
            out.append(_audit_indicator(year, rec, reading, rules, file))
    return out


def _audit_indicator(year, rec: dict, reading, rules: RuleSet, file: str) -> dict:
    t, a, _, j = reading
    stated, given, used, rule_score = (float(rec["stated_score"]), rec.get("weight"), rec["weight_used"],
                                       rec["score"])
    name, at = rec["name"], where(file, rec.get("src_row"))
    common = dict(file=file, row=rec.get("src_row"), stated=stated, stated_text=fmt_number(stated))
    if pd.isna(given):
        shown = checking.DEFAULT_SPLIT.format(weight=_n(used)) if not pd.isna(used) else checking.NO_DEFAULT_SPLIT
        return finding(year, rec["scope_id"], "indicator_score", ok=None, **common,
                       detail=checking.NO_WEIGHT_PRINTED.format(name=name, stated=_n(stated), shown=shown, at=at))
    weight = float(given)
    if stated > weight + SCORE_TOLERANCE:
        variant = _variant(stated, weight, rule_score, t, j, rules)
        return finding(year, rec["scope_id"], "score_above_weight", **common,
                       recomputed=float(rule_score) if not pd.isna(rule_score) else weight,
                       difference=stated - weight, ok=False, severity="error", variant=variant,
                       detail=(checking.SCORE_ABOVE_WEIGHT.format(name=name, stated=_n(stated), weight=_n(weight))
                               + _rule_phrase(rule_score, j) + _variant_phrase(variant) + checking.AT.format(at=at)))
    if pd.isna(rule_score):
        why = j.head.removeprefix(checking.UNSCORED_PREFIX)
        return finding(year, rec["scope_id"], "indicator_score", ok=None, **common,
                       detail=checking.INDICATOR_UNSCORED.format(name=name, stated=_n(stated), why=why, at=at))
    if j.level is not None:
        return _audit_band(year, rec, stated, weight, float(rule_score), t, a, j, rules, common, at)
    tol = SCORE_TOLERANCE + _input_tolerance(t, a, j, rules, weight)
    ok = abs(stated - rule_score) <= tol + 1e-9
    variant = None if ok else _variant(stated, weight, rule_score, t, j, rules, tol)
    check = "full_marks_missed" if variant == "full_marks_on_miss" else "indicator_score"
    return finding(year, rec["scope_id"], check, **common, recomputed=float(rule_score),
                   difference=stated - float(rule_score), ok=ok, severity="info" if ok else "error",
                   tolerance=tol, variant=variant,
                   detail=(checking.INDICATOR_SCORE.format(name=name, stated=_n(stated), head=j.head, rule_score=_n(rule_score),
                                                   difference=_n(stated - rule_score), tolerance=_n(tol),
                                                   verdict=labels.STATUS[bool(ok)])
                           + _variant_phrase(variant, ok) + checking.AT.format(at=at)))


def _audit_band(year, rec, stated, weight, rule_score, t, a, j, rules, common, at) -> dict:
    """A qualitative judgement fixes a band of the weight, not a point: a printed score inside it agrees."""
    band = rules.band_of_level(j.level)
    low, high = band.low * weight, band.high * weight
    ok = low - SCORE_TOLERANCE <= stated <= high + SCORE_TOLERANCE
    variant = None if ok else _variant(stated, weight, rule_score, t, j, rules)
    check = "full_marks_missed" if variant == "full_marks_on_miss" else "indicator_score"
    off = 0.0 if ok else (stated - high if stated > high else stated - low)
    shown = checking.BAND.format(low=_n(low), high=_n(high), close=checking.BAND_CLOSE[bool(band.top)])
    return finding(year, rec["scope_id"], check, **common, recomputed=rule_score, difference=off, ok=ok,
                   severity="info" if ok else "error", tolerance=SCORE_TOLERANCE, variant=variant,
                   detail=(checking.INDICATOR_BAND.format(name=rec["name"], stated=_n(stated), head=j.head, rule_set=rules.name,
                                                  band=band.name, shown=shown, rule_score=_n(rule_score),
                                                  verdict=checking.IN_BAND[bool(ok)])
                           + _variant_phrase(variant, ok) + checking.AT.format(at=at)))


def _rule_phrase(rule_score, j) -> str:
    return "" if pd.isna(rule_score) else checking.RULE_PHRASE.format(head=j.head, rule_score=_n(rule_score))


def _variant_phrase(variant: str | None, ok: bool = False) -> str:
    if ok:
        return ""
    if variant is None:
        return checking.NO_VARIANT
    return checking.VARIANT_MATCHES.format(variant=VARIANT_LABELS[variant])


def _half_unit(a: Target) -> float:
    """Return half a unit of a measured value's last printed digit; whole counts (个, 人, 天 …, or no unit) are exact."""
    if a.decimals is None or (a.decimals == 0 and (a.unit is None or a.unit in COUNT_UNITS)):
        return 0.0
    return 0.5 * 10.0 ** -a.decimals


def _input_tolerance(t: Target, a: Target, j, rules: RuleSet, weight: float) -> float:
    """Return how far the rule's score moves when the actual varies within its printed precision.

    A target is a value set, not measured, so it is exact; an actual may be a
    rounded measurement (96% may be 95.6%).
    """
    if j.rule not in _QUANTITATIVE_RULES or t.value is None or a.value is None:
        return 0.0
    dt, da = 0.0, _half_unit(a)
    worst = 0.0
    for st in (-dt, dt):
        for sa in (-da, da):
            other = judge(replace(t, value=t.value + st), replace(a, value=a.value + sa), Target("", "blank"), rules)
            if not math.isnan(other.fraction):
                worst = max(worst, abs(other.fraction - j.fraction) * weight)
    return worst


def _variant(stated, weight, rule_score, t, j, rules: RuleSet, tol: float = SCORE_TOLERANCE) -> str | None:
    """Return the first of the rule set's variants whose score is the printed one (None when none is)."""
    candidates = _candidates(weight, rule_score, t, j)
    met = j.met if j.level is None else j.level == MET
    for code in rules.variants:
        if code == "full_marks_on_miss" and met is False and abs(stated - weight) <= tol:
            return code
        if code == "deduction_on_met" and met is True and stated < (rule_score if j.level is None else
                                                                   rules.band_of_level(j.level).low * weight) - tol:
            return code
        got = candidates.get(code)
        if isinstance(got, tuple) and got[0] * weight - tol <= stated <= got[1] * weight + tol:
            return code
        if isinstance(got, float) and not math.isnan(got) and abs(stated - got) <= tol:
            return code
    return None


def _candidates(weight: float, rule_score, t: Target, j) -> dict:
    """Return the score each numeric variant would give this row (a band, for bands_8050)."""
    out = {"zero": 0.0}
    if not pd.isna(rule_score):
        s = float(rule_score)
        out.update(floor=float(math.floor(s + 1e-9)), ceil=float(math.ceil(s - 1e-9)),
                   round=float(math.floor(s + 0.5)))
    if j.rule in ("higher_is_better", "equality") and not math.isnan(j.attainment) and j.attainment > 1:
        out["uncapped_ratio"] = weight * j.attainment
    if j.rule.startswith("lower_is_better") and t.value and not math.isnan(j.actual_value) and j.actual_value > t.value:
        tv, av = float(t.value), float(j.actual_value)
        out["reverse_ratio"] = weight * tv / av
        out["reverse_linear"] = weight * max(0.0, 1 - (av - tv) / tv)
    if j.level is not None:
        out["bands_8050"] = _BANDS_8050.get(j.level if j.level != MOSTLY_MET else MET)
    return out


# --------------------------------------------------------------------------- budget rows


def parse_rate(text) -> tuple[float, float, str] | None:
    """Return a printed 执行率 as a percent, its tolerance in percentage points, and how it was read.

    ``86%`` → (86, 0.5, …); ``100.00%`` → (100, 0.005, …); a bare number not
    above 1.5 is a fraction (``1`` → 100%, known to ±50 points at that printing).
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = str(text).strip().replace("％", "%")
    number = s.rstrip("%").strip()
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return None
    if s.endswith("%"):
        return value, half_unit(number), ""
    if value <= 1.5:
        return value * 100, half_unit(number) * 100, checking.RATE_AS_FRACTION.format(printed=s, percent=fmt_number(value * 100))
    return value, half_unit(number), checking.RATE_WITHOUT_PERCENT.format(printed=s)


def execution_rows(dept, year: int, scored) -> list[dict]:
    """Return the check rows of every budget row that prints a 执行率 or an execution 得分."""
    budget = dept.budget[dept.budget["year"] == year]
    if "rate_printed" not in budget.columns:
        return []
    file = str(dept.path / "budget.csv")
    ex = scored.execution.set_index("scope_id") if len(scored.execution) else pd.DataFrame()
    out = []
    for rec in budget.to_dict("records"):
        rules = scored.rules.get(rec["scope_id"])
        if rules is None:
            continue
        cells = dept.printed_row("budget.csv", rec.get("src_row")) or {}
        rate, tol, how = _row_rate(rec, rules, ex, cells)
        shown = parse_rate(rec.get("rate_printed")) if rec.get("rate_printed") not in NOT_APPLICABLE else None
        if shown is not None:
            out.append(_rate_row(year, rec, shown, rate, tol, how, file))
        if not pd.isna(rec.get("stated_score")):
            out.append(_score_row(year, rec, rate, tol, how, shown, rules, file))
    return out


def _row_rate(rec: dict, rules: RuleSet, ex: pd.DataFrame, cells) -> tuple[float, float, str]:
    """Return a budget row's execution rate (fraction), its tolerance (fraction) and how it was computed."""
    base_col, label = rules.execution_base, BASE_LABELS[rules.execution_base]
    base, executed = rec.get(base_col), rec.get("executed")
    how = checking.RATE_FORMULA.format(executed=_n(executed) if not pd.isna(executed) else checking.EMPTY_AMOUNT,
                                       base_label=label, base=_n(base) if not pd.isna(base) else checking.EMPTY_AMOUNT)
    if rec["line"] == TOTAL_LINE and rec["scope_id"] in ex.index:
        row = ex.loc[rec["scope_id"]]
        if row.get("base_from", TOTAL_LINE) != TOTAL_LINE:
            # the total row was left unfilled: its rate comes from the lines (printed amounts, taken as given)
            return float(row["execution_rate"]), 0.0, checking.RATE_FROM_PARTS.format(base_label=label,
                                                                                         base_from=row["base_from"])
    if pd.isna(base) or float(base) <= 0 or pd.isna(executed):
        return math.nan, 0.0, how
    rate = float(executed) / float(base)
    factor = 1e-4 if rec.get("unit") == YUAN else 1.0
    db = half_unit(cells.get(base_col), factor) if len(cells) else 0.0
    de = half_unit(cells.get("executed"), factor) if len(cells) else 0.0
    return rate, (de + rate * db) / max(float(base) - db, 1e-12), how


def _rate_row(year, rec, shown, rate, tol, how, file) -> dict:
    pct, pct_tol, note = shown
    at = where(file, rec.get("src_row"))
    common = dict(file=file, row=rec.get("src_row"), stated=pct, stated_text=str(rec["rate_printed"]))
    if math.isnan(rate):
        return finding(year, rec["scope_id"], "execution_rate", ok=None, **common,
                       detail=checking.RATE_UNCOMPUTABLE.format(line=rec["line"], printed=rec["rate_printed"], how=how,
                                                                 at=at))
    allowed = pct_tol + tol * 100
    ok = abs(pct - rate * 100) <= allowed + 1e-9
    return finding(year, rec["scope_id"], "execution_rate", **common, recomputed=rate * 100,
                   difference=pct - rate * 100, ok=ok, severity="info" if ok else "error", tolerance=allowed,
                   detail=checking.RATE_CHECK.format(line=rec["line"], printed=rec["rate_printed"], note=note, how=how,
                                                     rate=_n(rate * 100), difference=_n(pct - rate * 100),
                                                     allowed=_n(allowed), verdict=labels.STATUS[bool(ok)], at=at))


def _score_row(year, rec, rate, tol, how, shown, rules: RuleSet, file) -> dict:
    stated = float(rec["stated_score"])
    at = where(file, rec.get("src_row"))
    common = dict(file=file, row=rec.get("src_row"), stated=stated, stated_text=fmt_number(stated))
    weight = rec.get("weight")
    if pd.isna(weight):
        weight = rules.execution_weight if rec["line"] == TOTAL_LINE else math.nan
    if math.isnan(rate) and shown is not None:
        rate, tol, how = shown[0] / 100, shown[1] / 100, checking.RATE_AS_PRINTED.format(printed=rec["rate_printed"])
    if pd.isna(weight) or math.isnan(rate):
        missing = checking.MISSING_WEIGHT if pd.isna(weight) else checking.MISSING_AMOUNTS
        return finding(year, rec["scope_id"], "execution_score", ok=None, **common,
                       detail=checking.EXECUTION_SCORE_UNCOMPUTABLE.format(line=rec["line"], stated=_n(stated),
                                                                            missing=missing, at=at))
    weight = float(weight)
    rule_score = min(rate, rules.execution_cap) * weight
    allowed = SCORE_TOLERANCE + weight * tol
    ok = abs(stated - rule_score) <= allowed + 1e-9
    variant = None if ok else _execution_variant(stated, weight, rate, rule_score, rules, allowed)
    return finding(year, rec["scope_id"], "execution_score", **common, recomputed=rule_score,
                   difference=stated - rule_score, ok=ok, severity="info" if ok else "error", tolerance=allowed,
                   variant=variant,
                   detail=(checking.EXECUTION_SCORE.format(line=rec["line"], stated=_n(stated), how=how, rate=_n(rate * 100),
                                                   cap=fmt_number(rules.execution_cap * 100), weight=_n(weight),
                                                   rule_score=_n(rule_score), difference=_n(stated - rule_score),
                                                   verdict=labels.STATUS[bool(ok)])
                           + _variant_phrase(variant, ok) + checking.AT.format(at=at)))


def _execution_variant(stated, weight, rate, rule_score, rules: RuleSet, tol) -> str | None:
    candidates = {"floor": float(math.floor(rule_score + 1e-9)), "ceil": float(math.ceil(rule_score - 1e-9)),
                  "round": float(math.floor(rule_score + 0.5)), "execution_20": 20 * min(rate, rules.execution_cap),
                  "zero": 0.0}
    if rate > rules.execution_cap:
        candidates["uncapped_ratio"] = weight * rate
    for code in rules.variants:
        if code == "full_marks_on_miss" and rate < 1 - 1e-9 and abs(stated - weight) <= tol:
            return code
        if code == "deduction_on_met" and rate >= 1 - 1e-9 and stated < rule_score - tol:
            return code
        if code in candidates and abs(stated - candidates[code]) <= tol:
            return code
    return None


# --------------------------------------------------------------------------- block weights


def block_weights(dept, year: int, scored) -> list[dict]:
    """Return a check row per printed block weight (产出指标(50分)): against its rows and, if fixed, the rule set."""
    ind = scored.indicators
    if not len(ind):
        return []
    file = str(dept.path / "indicators.csv")
    top = ind[ind["parent_id"].isna()]
    out = []
    for sid, part in split_by(top, "scope_id"):
        rules = scored.rules[sid]
        incomplete = dept.is_incomplete(sid, year)
        # a partial transcription may have lost a block: compare with the nominal weights, not redistributed ones
        present = {g.name for g in rules.groups} if incomplete else set(part["level1_group"].dropna().astype(str))
        expected = rules.group_weights(present)
        for level in ("level1", "level2"):
            if level not in part.columns:
                continue
            # most tables print no block weight: look at the distinct labels before grouping rows by them
            if all(split_block_label(raw)[1] is None for raw in part[level].dropna().unique()):
                continue
            for raw, rows in split_by(part, level):
                label, points = split_block_label(raw)
                if points is None:
                    continue
                out += _block_rows(year, sid, level, raw, points, rows, rules, expected, incomplete, file)
    return out


def _block_rows(year, sid, level, raw, points, rows, rules, expected, incomplete, file) -> list[dict]:
    out = []
    counted = rows[rows["counted"]] if "counted" in rows.columns else rows
    what = checking.BLOCK_LEVELS["level1" if level == "level1" else "level2"]
    first = rows["src_row"].iloc[0] if "src_row" in rows.columns else None
    common = dict(file=file, row=first, stated=points, stated_text=str(raw))
    known = counted["weight"].dropna()
    if len(counted) and (len(known) == len(counted) or incomplete):
        total = float(known.sum())
        ok = total <= points + 1e-6 if incomplete else abs(total - points) <= 1e-6
        relation = checking.AT_MOST if incomplete else checking.EQUAL_TO
        out.append(finding(year, sid, "block_weight", **common, recomputed=total, difference=points - total, ok=ok,
                           severity="info" if ok else "error",
                           detail=checking.BLOCK_SUM.format(
                               what=what, raw=raw, points=_n(points), total=_n(total), n=len(known),
                               incomplete=checking.BLOCK_INCOMPLETE if incomplete else "", relation=relation,
                               verdict=labels.STATUS[bool(ok)], at=where(file, first))))
    group = rules.group_of(raw, None) if level == "level1" else None
    if rules.fixed_weights and group is not None and group in expected:
        want = float(expected[group])
        ok = abs(points - want) <= 1e-6
        out.append(finding(year, sid, "block_weight", **common, recomputed=want, difference=points - want, ok=ok,
                           severity="info" if ok else "error",
                           detail=checking.BLOCK_FIXED.format(
                               what=what, raw=raw, points=_n(points), rule_set=rules.name, group=group, want=_n(want),
                               verdict=labels.STATUS[bool(ok)], at=where(file, first))))
    return out
