"""Scoring a self-evaluation: budget execution, indicators, totals and grades (domain.md §3, §4).

All functions here are pure: DataFrames and a :class:`~perfkit.rules.ruleset.RuleSet`
in, new DataFrames out.  The arithmetic follows the rule set, never literals in
code, so a department can be scored under another rule set by editing a YAML
file.

Speed: a batch holds a million indicator rows but only a few thousand distinct
spellings.  :func:`score_indicators` therefore reads each distinct target,
actual and prior-year text once, judges each distinct (target, actual, prior)
combination once, and does the per-row work (weights, scores, totals) with
numpy.  The judgement is a fraction of the weight, so it does not depend on
the row's weight.  Cost grows with the number of distinct combinations, not
with the number of rows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from perfkit.instrument import counted
from perfkit.ingest.department import AMOUNT_UNITS, TOTAL_LINE
from perfkit.errors import DataError, Problem
from perfkit.rules.book import RuleBook
from perfkit.rules.ruleset import RuleSet
from perfkit.score.figures import ExprError, evaluate, figure_functions
from perfkit.score.targets import (
    DIRECTION_LABELS,
    OP_SYMBOLS,
    Target,
    fmt_number,
    normalize_text,
    parse_target,
    target_from_name,
)

EXECUTION_LABEL = "预算执行率"
AMOUNT_FACTORS = {**AMOUNT_UNITS, "千元": 0.1, "亿元": 1e4}  # to 万元; targets are written in any of these

# Flag codes, in the order they are listed in ``flags``; labels for display.
FLAG_LABELS = {
    "over_completion": "超额完成（达到规则集的超额阈值），指标值可能设定偏低",
    "copied_operator": "实际完成值照抄了指标值的运算符，不是实测值",
    "stock_phrase": "实际完成值只写了“完成”“达成”等表述，没有数值",
    "implicit_ge": "指标值未写运算符，按“≥”理解",
    "unmeasurable": "方向性指标，不可衡量",
    "target_in_name": "指标值为空，取自指标名称",
    "default_weight": "分值为空，按规则集默认拆分",
    "fraction_rate": "完成值写成小数，按百分数理解",
    "unit_mismatch": "完成值与指标值单位不同",
    "unreadable": "写法无法识别",
    "no_actual": "缺少实际完成值",
    "no_target": "缺少年度指标值",
    "unjudgeable": "无法判断达成程度",
    "stated_outside_band": "报告得分不在定性区间内",
    "sub_row": "其中项（子行），不计入合计",
    "unknown_level1": "一级指标不在规则集中",
    "no_weight": "缺少分值",
}
FLAG_CODES = tuple(FLAG_LABELS)
_BIT = {code: 1 << i for i, code in enumerate(FLAG_CODES)}

RULE_LABELS = {
    "higher_is_better": "正向指标：完成值/指标值 × 分值",
    "equality": "等于：按正向指标计分",
    "equality_zero": "指标值为 0：完成值 ≤ 0 得满分",
    "lower_is_better_ratio": "反向指标：指标值/完成值 × 分值（比例法）",
    "lower_is_better_linear": "反向指标：线性扣分（线性法）",
    "qualitative": "定性指标：按达成程度分档",
    "deadline": "时限指标：按期完成得满分",
    "directional_prior": "方向性指标：对比上年值",
    "directional_stated": "方向性指标：按实际完成值所述方向",
    "copied_claim": "完成值照抄指标值：按所述“达成”分档，不作实测值",
    "unscored": "未评分",
}

# Columns score_indicators adds after the input's, in this order.
SCORED_COLUMNS = ("level1_group", "target_kind", "target_op", "target_value", "target_unit", "target_reading",
                  "actual_value", "actual_kind", "rule", "rule_label", "weight_used", "score", "met", "attainment",
                  "reason", "flags")


# --------------------------------------------------------------------------- judging one combination


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
    return f"{fmt_number(value)}{'个百分点' if unit == '百分点' else unit or ''}"


def _pct(x: float) -> str:
    return f"{fmt_number(round(x * 100, 2))}%"


def _unscored(why: str, bits: int = 0, actual_value: float = math.nan, rule: str = "unscored") -> Judgement:
    return Judgement(rule, math.nan, None, math.nan, actual_value, None, bits, f"无法评分：{why}")


def _align(t: Target, a: Target, rules: RuleSet) -> tuple[float, float, str | None, int, str]:
    """Return target and actual values on one basis, the unit, flag bits, and a note on the conversion."""
    tv, av, tu, au = t.value, a.value, t.unit, a.unit
    bits, note = 0, ""
    if tu in AMOUNT_FACTORS and au in AMOUNT_FACTORS and tu != au:
        av = av * AMOUNT_FACTORS[au] / AMOUNT_FACTORS[tu]
        note = f"；完成值 {_shown(a.value, au)} 折合 {_shown(av, tu)}"
    elif rules.fraction_rates and tu == "%" and au is None and abs(av) <= 1 < abs(tv):
        av = av * 100
        bits |= _BIT["fraction_rate"]
        note = f"；完成值 {fmt_number(a.value)} 按 {fmt_number(av)}% 理解"
    elif rules.fraction_rates and tu is None and au == "%" and abs(tv) <= 1 < abs(av):
        av = av / 100
        bits |= _BIT["fraction_rate"]
        note = f"；指标值 {fmt_number(tv)} 为小数写法，完成值按 {fmt_number(av)} 比较"
    elif tu is not None and au is not None and tu != au:
        bits |= _BIT["unit_mismatch"]
        note = f"；注意：完成值单位「{au}」与指标值单位「{tu}」不同，按数值比较"
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
        which = "年度指标值" if t.kind == "unreadable" else "实际完成值"
        text = t.text if t.kind == "unreadable" else a.text
        return _unscored(f"{which}「{text}」的写法无法识别", bits | _BIT["unreadable"])
    if t.kind == "blank":
        return _unscored("年度指标值为空", bits | _BIT["no_target"])
    if a.kind == "blank":
        return _unscored("实际完成值为空", bits | _BIT["no_actual"])
    if a.op_written:
        bits |= _BIT["copied_operator"]
    if t.kind == "quantitative":
        if a.kind != "quantitative":
            if a.level is not None:  # 完成 / 达成预期指标 against a number: judged as stated, and flagged
                return _qualitative(a, a.level, rules, bits | _BIT["stock_phrase"],
                                    f"实际完成值「{a.text}」没有数值，按表述视为「{a.level}」")
            return _unscored(f"指标值为数值（{t.canonical()}），实际完成值「{a.text}」不是数值，无法比较",
                             bits | _BIT["unjudgeable"])
        if a.op_written:
            # A copied bound ("≥90%") claims the target was met; it is not a measurement, so it is
            # scored like the stated word 达成 (inside its band), never as a measured number.
            claim = _quantitative(t, a, rules, bits)
            if claim.met:
                return _qualitative(a, "达成", rules, bits,
                                    f"实际完成值「{a.text}」照抄了指标值的运算符，不是实测值，按表述视为「达成」",
                                    "copied_claim")
            return _unscored(f"实际完成值「{a.text}」是区间而不是实测值，且不满足指标值 {t.canonical()}，无法评分",
                             bits | _BIT["unjudgeable"])
        return _quantitative(t, a, rules, bits)
    if t.kind == "directional":
        return _directional(t, a, p, rules, bits)
    return _qualitative_target(t, a, rules, bits)


def _quantitative(t: Target, a: Target, rules: RuleSet, bits: int) -> Judgement:
    tv, av, unit, more, note = _align(t, a, rules)
    bits |= more
    if a.op_written:
        note += f"；实际完成值「{a.text}」照抄了指标值的运算符，不是实测值，按 {_shown(av, unit)} 计"
    op = rules.bare_value_op if t.implicit_op else t.op
    if rules.clip_negative and av < 0 <= tv:
        note += f"；负的完成值 {fmt_number(av)} 按 0 计"
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
            head = (f"达成：指标值 {T}，完成值 {A}" if met else f"未完成：指标值为 0，完成值 {A} > 0")
            return Judgement("equality_zero", 1.0 if met else 0.0, met, math.nan, av, None, bits, head, note)
        met = av >= tv
        head = f"达成：完成值 {A} 不低于指标值 {T}" if met else f"未完成：完成值 {A} 低于指标值 {T}"
        return Judgement(rule, 1.0 if met else 0.0, met, attainment, av, None, bits, head, note)
    if av >= tv:
        if av >= rules.over_threshold * tv:
            bits |= _BIT["over_completion"]
            fraction = 1.0 - rules.over_deduction
            deduct = f"，按规则集扣减分值的 {_pct(rules.over_deduction)}" if rules.over_deduction else ""
            head = (f"超额完成：完成值 {A} 为指标值 {T} 的 {_pct(attainment)}"
                    f"（≥{_pct(rules.over_threshold)}），指标值可能设定偏低，须说明原因{deduct}")
            return Judgement(rule, fraction, True, attainment, av, None, bits, head, note)
        return Judgement(rule, 1.0, True, attainment, av, None, bits, f"达成：完成值 {A} 不低于指标值 {T}", note)
    head = f"未完成：完成值 {A}，指标值 {T}，完成值/指标值 = {_pct(attainment)}"
    return Judgement(rule, max(attainment, 0.0), False, attainment, av, None, bits, head, note)


def _lower(tv: float, av: float, T: str, A: str, attainment: float, rules: RuleSet, bits: int,
           note: str) -> Judgement:
    rule = f"lower_is_better_{rules.reverse_method}"
    if av <= tv:
        return Judgement(rule, 1.0, True, attainment, av, None, bits, f"达成：完成值 {A} 不高于指标值 {T}", note)
    if tv <= 0:
        return Judgement(rule, 0.0, False, attainment, av, None, bits, f"未完成：指标值 {T}，完成值 {A} 超过指标值",
                         note)
    if rules.reverse_method == "ratio":
        fraction = tv / av
        head = f"未完成：完成值 {A} 超过指标值 {T}，比例法 指标值/完成值 = {_pct(fraction)}"
    else:
        over = (av - tv) / tv
        fraction = max(0.0, 1.0 - over)
        head = f"未完成：完成值 {A} 超过指标值 {T} {_pct(over)}，线性法 1 − {_pct(over)} = {_pct(fraction)}"
    return Judgement(rule, fraction, False, attainment, av, None, bits, head, note)


def _qualitative(a: Target, level: str, rules: RuleSet, bits: int, said: str,
                 rule: str = "qualitative", note: str = "") -> Judgement:
    fraction = rules.level_fraction(level)
    band = rules.band_of_level(level)
    head = f"{said}，取分值的 {_pct(fraction)}（区间「{band.name}」）"
    value = a.value if a.kind == "quantitative" and a.value is not None else math.nan
    return Judgement(rule, fraction, level == "达成", math.nan, value, level, bits, head, note)


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
            return _qualitative(a, "达成", rules, bits, f"时限：完成于 {a.text}，不晚于 {t.text}，按时完成",
                                "deadline")
        level = rules.deadline_missed_level
        return _qualitative(a, level, rules, bits, f"逾期：完成于 {a.text}，晚于 {t.text}，按「{level}」计",
                            "deadline")
    if a.level is not None:
        return _qualitative(a, a.level, rules, bits, f"定性：实际完成值「{a.text}」视为「{a.level}」")
    if a.kind == "qualitative" and _same_text(a.text, t.text):
        return _qualitative(a, "达成", rules, bits, f"定性：实际完成值与指标值相同（「{a.text}」），视为「达成」")
    return _unscored(f"指标值为定性表述「{t.text}」，实际完成值「{a.text}」无法判断达成程度"
                     "（请写明达成、部分达成或未达成）", bits | _BIT["unjudgeable"])


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
                            f"方向性指标（{want}）按定性评分：实际完成值「{a.text}」视为「{a.level}」")
    if a.kind == "qualitative" and _same_text(a.text, t.text):
        return _qualitative(a, "达成", rules, bits,
                            f"方向性指标（{want}）按定性评分：实际完成值与指标值相同，视为「达成」")
    why = "缺少可读的上年值（prior_actual），无法核对方向" if a.kind == "quantitative" else \
        f"实际完成值「{a.text}」无法判断方向"
    return _unscored(f"方向性指标（{want}）{why}", bits | _BIT["unjudgeable"],
                     a.value if a.kind == "quantitative" and a.value is not None else math.nan)


def _direction_checked(t: Target, a: Target, p: Target, rules: RuleSet, bits: int, want: str) -> Judgement:
    pv, av, unit, more, note = _align(p, a, rules)
    bits |= more
    change = av - pv
    rate = unit == "%"
    shown = f"上年 {_shown(pv, unit)}，本年 {_shown(av, unit)}"
    if t.direction == "keep":
        tol = rules.keep_tolerance_pp if rate else rules.keep_tolerance_rel * abs(pv)
        ok = change >= -tol if rules.keep_means == "no_decline" else abs(change) <= tol
        level = "达成" if ok else rules.direction_missed_level
        said = f"方向性指标（保持）：{shown}，{'保持' if ok else '未保持'}（容差 {fmt_number(tol)}{'个百分点' if rate else ''}）"
        return _qualitative(a, level, rules, bits, said, "directional_prior", note)
    sign = 1 if t.direction == "up" else -1
    right = sign * change > 0
    level = "达成" if right else rules.direction_missed_level
    said = f"方向性指标（{want}）：{shown}，{'方向一致' if right else '方向不符'}"
    if right and t.value is not None:
        if t.unit == "百分点":
            moved, what = abs(change), f"变动 {fmt_number(round(abs(change), 4))} 个百分点"
        else:
            moved = abs(change) / abs(pv) * 100 if pv else math.inf
            what = f"变动 {fmt_number(round(moved, 2))}%"
        if moved + 1e-9 < t.value:
            level = rules.direction_short_level
            said += f"，但{what}，未达到 {_shown(t.value, t.unit)}"
        else:
            said += f"，{what}"
    return _qualitative(a, level, rules, bits, said, "directional_prior", note)


def _direction_stated(t: Target, a: Target, rules: RuleSet, bits: int, want: str) -> Judgement:
    if t.direction == "keep":
        ok = a.direction == "keep" or (rules.keep_means == "no_decline" and a.direction == "up")
    else:
        ok = a.direction == t.direction
    level = "达成" if ok else rules.direction_missed_level
    said = f"方向性指标（{want}）：实际完成值「{a.text}」{'方向一致' if ok else '方向不符'}"
    if ok and t.value is not None and a.value is not None and (a.unit or "") == (t.unit or ""):
        if a.value + 1e-9 < t.value:
            level = rules.direction_short_level
            said += f"，但幅度未达到 {_shown(t.value, t.unit)}"
    return _qualitative(a, level, rules, bits, said, "directional_stated")


# --------------------------------------------------------------------------- vectorized scoring


def _factorize_text(values: pd.Series) -> tuple[np.ndarray, list]:
    """Return codes and the distinct texts; missing cells become one blank entry at the end."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    else:  # hashing the object array directly is about twice as fast as through the str extension array
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    uniques = list(uniques)
    codes = np.where(codes < 0, len(uniques), codes)
    return codes, uniques + [None]


def _combine(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return codes of the distinct combinations of several non-negative code arrays, and one row per combination."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    radix = 1
    for c in codes:
        size = int(c.max(initial=0)) + 1
        if radix * size >= 1 << 62:  # renumber before the mixed-radix key would overflow
            key, _ = pd.factorize(key)
            radix = int(key.max(initial=0)) + 1
        key = key * size + c
        radix *= size
    key, _ = pd.factorize(key)
    first = np.empty(int(key.max(initial=-1)) + 1, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)  # the earliest row of each combination
    return key, first


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series(np.nan, index=df.index, dtype=object)


def _rows(df: pd.DataFrame) -> np.ndarray:
    if "src_row" in df.columns:
        return df["src_row"].to_numpy()
    return np.arange(2, len(df) + 2)


def _categorical(codes: np.ndarray, labels: list) -> pd.Categorical:
    """Return a categorical from codes into labels that may repeat or be None (missing)."""
    remap, categories = pd.factorize(np.array(labels + [None], dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(remap[codes], categories=categories, validate=False)


def score_indicators(indicators: pd.DataFrame, rules: RuleSet, file: str = "indicators.csv",
                     problems: list[Problem] | None = None) -> pd.DataFrame:
    """Return the indicators with their reading, rule, weight, score and reason.

    Parameters
    ----------
    indicators : DataFrame
        Columns of ``indicators.csv`` (data/README.md): year, scope_id,
        indicator_id, parent_id, level1, level2, name, target, actual, weight,
        stated_score, prior_actual; ``src_row`` when loaded from a file.
    rules : RuleSet
        The rule set every row is scored under.
    file : str
        File name used in the problems reported.
    problems : list of Problem, optional
        Unreadable texts and unknown 一级指标 are appended here, one Problem
        per cell (file, row, column, value, what was expected).

    Returns
    -------
    DataFrame
        The input columns plus ``level1_group`` (the rule set's 一级指标 group),
        ``target_kind``, ``target_op``, ``target_value``, ``target_unit``,
        ``target_reading``, ``actual_value``, ``actual_kind``, ``rule``,
        ``rule_label``, ``weight_used``, ``score`` (unrounded; NaN when it
        cannot be scored), ``met`` (nullable boolean), ``attainment``
        (actual/target), ``reason`` (Chinese) and ``flags`` (comma-separated
        codes of :data:`FLAG_LABELS`).  Sub-rows (``parent_id`` set) are scored
        but flagged ``sub_row``; totals leave them out.
    """
    t_codes, t_texts = _factorize_text(_column(indicators, "target"))
    a_codes, a_texts = _factorize_text(_column(indicators, "actual"))
    p_codes, p_texts = _factorize_text(_column(indicators, "prior_actual"))
    targets = [parse_target(x) for x in t_texts]
    actuals = [parse_target(x) for x in a_texts]
    priors = [parse_target(x) for x in p_texts]

    # An empty target may sit in the indicator's name; those readings become extra targets.
    blank_rows = np.flatnonzero(np.array([t.kind == "blank" for t in targets], dtype=bool)[t_codes])
    if len(blank_rows):
        n_codes, names = _factorize_text(_column(indicators, "name").iloc[blank_rows])
        new_code = []
        for found in (target_from_name(x) for x in names):
            new_code.append(len(targets) if found is not None else -1)
            if found is not None:
                targets.append(found)
        new_code = np.array(new_code, dtype=np.int64)[n_codes]
        t_codes[blank_rows[new_code >= 0]] = new_code[new_code >= 0]

    combo, first = _combine(t_codes, a_codes, p_codes)
    judgements = [judge(targets[t_codes[i]], actuals[a_codes[i]], priors[p_codes[i]], rules) for i in first]
    fraction = np.array([j.fraction for j in judgements], dtype=float)[combo]
    met_c = np.array([j.met is True for j in judgements], dtype=bool)[combo]
    met_na = np.array([j.met is None for j in judgements], dtype=bool)[combo]
    attainment = np.array([j.attainment for j in judgements], dtype=float)[combo]
    actual_value = np.array([j.actual_value for j in judgements], dtype=float)[combo]
    bits = np.array([j.bits for j in judgements], dtype=np.int64)[combo]

    # Weights: the table's, else the rule set's default split of the 一级指标 weight.
    top = _column(indicators, "parent_id").isna().to_numpy()
    group, group_names = _groups(indicators, rules)
    weight_given = pd.to_numeric(_column(indicators, "weight"), errors="coerce").to_numpy(dtype=float)
    split = _weights(indicators, rules, group, top, weight_given)
    weight_used = split.used
    score = fraction * weight_used
    bits = bits | np.where(split.defaulted, _BIT["default_weight"], 0) | np.where(~top, _BIT["sub_row"], 0)
    bits |= np.where(group < 0, _BIT["unknown_level1"], 0)
    bits |= np.where(np.isnan(weight_used) & top, _BIT["no_weight"], 0)
    stated = pd.to_numeric(_column(indicators, "stated_score"), errors="coerce").to_numpy(dtype=float)
    outside = _outside_band(rules, [j.level for j in judgements], combo, stated, weight_used)
    bits |= np.where(outside, _BIT["stated_outside_band"], 0)

    reason_codes, reasons = _reasons(judgements, combo, score, bits, group, group_names, split, stated, rules)
    flag_codes, flag_bits = pd.factorize(bits)
    flag_texts = [",".join(c for c in FLAG_CODES if b & _BIT[c]) for b in flag_bits]

    rule_names = [j.rule for j in judgements]
    out = indicators.assign(
        level1_group=pd.Categorical.from_codes(group, categories=group_names),
        target_kind=_categorical(t_codes, [t.kind for t in targets]),
        target_op=_categorical(t_codes, [_op_of(t, rules) for t in targets]),
        target_value=np.array([np.nan if t.value is None else t.value for t in targets], dtype=float)[t_codes],
        target_unit=_categorical(t_codes, [t.unit for t in targets]),
        target_reading=_categorical(t_codes, [t.reading for t in targets]),
        actual_value=actual_value,
        actual_kind=_categorical(a_codes, [a.kind for a in actuals]),
        rule=_categorical(combo, rule_names),
        rule_label=_categorical(combo, [RULE_LABELS[r] for r in rule_names]),
        weight_used=weight_used,
        score=score,
        met=pd.arrays.BooleanArray(met_c, met_na),
        attainment=attainment,
        reason=_categorical(reason_codes, reasons),
        flags=_categorical(flag_codes, flag_texts),
    )
    if problems is not None:
        problems.extend(_problems(indicators, file, targets, actuals, priors, t_codes, a_codes, p_codes,
                                  group, rules))
    return out


def _op_of(t: Target, rules: RuleSet) -> str | None:
    if t.kind != "quantitative":
        return None
    return rules.bare_value_op if t.implicit_op else t.op


def _groups(indicators: pd.DataFrame, rules: RuleSet) -> tuple[np.ndarray, list[str]]:
    """Return each row's group index in the rule set (-1 when unknown) and the group names."""
    names = rules.group_names()
    l1_codes, l1 = _factorize_text(_column(indicators, "level1"))
    if any(g.level2 for g in rules.groups):
        l2_codes, l2 = _factorize_text(_column(indicators, "level2"))
    else:  # the rule set groups by 一级指标 alone
        l2_codes, l2 = np.zeros(len(l1_codes), dtype=np.int64), [None]
    pair, first = _combine(l1_codes, l2_codes)
    index = {g: i for i, g in enumerate(names)}
    found = [rules.group_of(l1[l1_codes[i]], l2[l2_codes[i]]) for i in first]
    per_pair = np.array([index[g] if g is not None else -1 for g in found], dtype=np.int64)
    return per_pair[pair], names


class WeightSplit(NamedTuple):
    """Weights per row, and how missing ones were filled."""

    used: np.ndarray  # the weight each row is scored on (NaN when none)
    defaulted: np.ndarray  # True where the table gave no weight and the rule set's split was used
    cell: np.ndarray  # (scope, group) cell of each row
    pool: np.ndarray  # per cell: the group's default weight in that scope
    count: np.ndarray  # per cell: rows sharing what the given weights leave of the pool


def _weights(indicators: pd.DataFrame, rules: RuleSet, group: np.ndarray, top: np.ndarray,
             given: np.ndarray) -> WeightSplit:
    """Return each row's weight: the table's, else an equal share of its group's default weight.

    A missing weight takes an equal share of what the group's default weight
    leaves after the weights the table does give; sub-rows never take a share
    (their parent holds the points).
    """
    scope_key = _scope_key(indicators)
    n_groups = len(rules.groups)
    known = (group >= 0) & top
    missing = known & np.isnan(given)
    cell = scope_key * n_groups + np.where(group >= 0, group, 0)
    if not missing.any():
        return WeightSplit(given.copy(), missing, cell, np.zeros(0), np.zeros(0, dtype=np.int64))
    n_scopes = int(scope_key.max(initial=-1)) + 1
    size = n_scopes * n_groups
    present = np.bincount(cell[known], minlength=size).reshape(n_scopes, n_groups) > 0
    given_sum = np.bincount(cell[known & ~missing], weights=given[known & ~missing], minlength=size)
    n_missing = np.bincount(cell[missing], minlength=size)
    pools = np.zeros((n_scopes, n_groups))
    patterns, pattern_of = np.unique(present, axis=0, return_inverse=True)
    names = rules.group_names()
    for k, pattern in enumerate(patterns):
        weights = rules.group_weights({names[g] for g in np.flatnonzero(pattern)})
        pools[pattern_of.ravel() == k] = [weights[g] for g in names]
    pool = pools.ravel()
    share = np.where(n_missing > 0, np.maximum(pool - given_sum, 0.0) / np.maximum(n_missing, 1), np.nan)
    used = given.copy()
    used[missing] = share[cell[missing]]
    return WeightSplit(used, missing, cell, pool, n_missing)


def _scope_key(indicators: pd.DataFrame) -> np.ndarray:
    years, _ = _factorize_text(_column(indicators, "year"))
    scopes, _ = _factorize_text(_column(indicators, "scope_id"))
    key, _ = _combine(years, scopes)
    return key


def _outside_band(rules: RuleSet, levels: list, combo: np.ndarray, stated: np.ndarray,
                  weight: np.ndarray) -> np.ndarray:
    """Return, per row, whether a stated score lies outside the band of the qualitative level applied."""
    has = ~np.isnan(stated) & (weight > 0)
    if not has.any():
        return np.zeros(len(combo), dtype=bool)
    low = np.array([rules.band_of_level(l).low if l else np.nan for l in levels])[combo]
    high = np.array([rules.band_of_level(l).high if l else np.nan for l in levels])[combo]
    top = np.array([rules.band_of_level(l).top if l else False for l in levels])[combo]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = stated / weight
        inside = (frac >= low - 1e-9) & np.where(top, frac <= high + 1e-9, frac < high - 1e-9)
    return has & ~np.isnan(low) & ~inside


_ROW_BITS = (_BIT["default_weight"] | _BIT["sub_row"] | _BIT["unknown_level1"] | _BIT["no_weight"]
             | _BIT["stated_outside_band"])


def _reasons(judgements: list[Judgement], combo: np.ndarray, score: np.ndarray, bits: np.ndarray,
             group: np.ndarray, group_names: list[str], split: WeightSplit, stated: np.ndarray,
             rules: RuleSet) -> tuple[np.ndarray, list[str]]:
    """Return per-row codes into the distinct reason texts.

    A reason is assembled from parts that each take few values (the
    judgement, the rounded score, the default-weight note, the row's flags),
    so every part is formatted once per distinct value and every reason once
    per distinct combination of parts.
    """
    n = len(combo)
    row_bits = bits & _ROW_BITS
    score_codes, score_values = pd.factorize(np.round(score, 2), use_na_sentinel=True)
    score_texts = [f"，得分 {fmt_number(v)}" for v in score_values.tolist()] + [""]
    score_codes = np.where(score_codes < 0, len(score_values), score_codes)

    default_codes = np.zeros(n, dtype=np.int64)
    default_texts = [""]
    if split.defaulted.any():
        rows = np.flatnonzero(split.defaulted)
        cell = split.cell[rows]
        parts = (group[rows], np.round(split.pool[cell], 4), split.count[cell], np.round(split.used[rows], 4))
        part_codes = [pd.factorize(p)[0] for p in parts]
        sub, first = _combine(*part_codes)
        default_texts += [f"；分值为空，按规则集将「{group_names[g]}」{fmt_number(p)} 分平分给 {int(c)} 项，"
                          f"每项 {fmt_number(w)} 分"
                          for g, p, c, w in zip(*(part[first].tolist() for part in parts))]
        default_codes[rows] = sub + 1

    outside = (row_bits & _BIT["stated_outside_band"]) > 0
    stated_codes = np.zeros(n, dtype=np.int64)
    if outside.any():  # rare: the stated score enters the text only where it falls outside its band
        stated_codes[outside] = pd.factorize(stated[outside])[0] + 1

    key, first = _combine(combo, score_codes, default_codes, row_bits, stated_codes)
    heads = [j.head for j in judgements]
    notes = [j.note for j in judgements]
    fixed = ((_BIT["unknown_level1"], "；一级指标不在规则集中，未归入任何一级指标"), (_BIT["no_weight"], "；缺少分值，未计分"),
             (_BIT["sub_row"], "；其中项（子行），不计入合计"))
    c_first, b_first = combo[first].tolist(), row_bits[first].tolist()
    row_texts = {b: "".join(words for bit, words in fixed if b & bit) for b in set(b_first)}
    texts = [heads[c] + score_texts[sc] + notes[c] + default_texts[dc] + row_texts[b]
             for c, sc, dc, b in zip(c_first, score_codes[first].tolist(), default_codes[first].tolist(), b_first)]
    for k in np.flatnonzero(row_bits[first] & _BIT["stated_outside_band"]).tolist():
        i, j = int(first[k]), judgements[c_first[k]]
        band, w = rules.band_of_level(j.level), float(split.used[i])
        texts[k] += (f"；报告得分 {fmt_number(float(stated[i]))} 不在「{j.level}」所在区间「{band.name}」"
                     f"[{fmt_number(round(band.low * w, 4))}, {fmt_number(round(band.high * w, 4))}"
                     f"{']' if band.top else ')'} 内")
    return key, texts


def _problems(indicators, file, targets, actuals, priors, t_codes, a_codes, p_codes, group, rules) -> list[Problem]:
    rows = _rows(indicators)
    out: list[Problem] = []
    checks = (("target", targets, t_codes, "无法识别的年度指标值写法；应写成如「≥95%」「=100%」「≤3天」「263个」"
                                            "「同比下降」或定性表述"),
              ("actual", actuals, a_codes, "无法识别的实际完成值写法；应写数值（如 98%、3200个）或"
                                            "达成、部分达成、未达成等表述"),
              ("prior_actual", priors, p_codes, "无法识别的上年实际值写法；应写数值（如 98%）"))
    bad_rows = []
    for column, parsed, codes, expected in checks:
        bad = np.array([p.kind == "unreadable" for p in parsed], dtype=bool)[codes]
        for i in np.flatnonzero(bad):
            bad_rows.append((int(rows[i]), column, parsed[codes[i]].text, expected))
    unknown = np.flatnonzero(group < 0)
    if len(unknown):
        level1 = _column(indicators, "level1").to_numpy()
        known = "、".join(rules.group_names())
        for i in unknown:
            bad_rows.append((int(rows[i]), "level1", level1[i],
                             f"规则集 {rules.name} 没有这个一级指标（可用：{known}）；请改写一级指标或在规则集的 "
                             "weights.groups 中加入这种写法"))
    for row, column, value, expected in sorted(bad_rows, key=lambda r: (r[0], r[1])):
        out.append(Problem(file, row, column, value, expected))
    return out


# --------------------------------------------------------------------------- execution and totals


def score_execution(budget: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Return the budget-execution score of each (year, scope_id), from its ``合计`` line.

    Returns
    -------
    DataFrame
        year, scope_id, budget_original, budget, executed, execution_rate
        (executed ÷ the rule set's base; NaN when the base is 0 or missing),
        weight, score = min(rate, cap) × weight, reason (Chinese).
    """
    tot = budget[budget["line"] == TOTAL_LINE]
    base_col = rules.execution_base
    base = pd.to_numeric(tot[base_col], errors="coerce").to_numpy(dtype=float)
    executed = pd.to_numeric(tot["executed"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(base > 0, executed / base, np.nan)
    weight = float(rules.execution_weight)
    score = np.minimum(rate, rules.execution_cap) * weight
    base_label = "全年预算数" if base_col == "budget" else "年初预算数"
    reasons = []
    for b, e, r, s in zip(base, executed, rate, score):
        if weight == 0:
            reasons.append(f"规则集 {rules.name} 不单列预算执行率分值")
        elif math.isnan(r):
            why = "为 0" if b == 0 else "缺失"
            reasons.append(f"{base_label}{why}，无法计算执行率，未计分")
        else:
            capped = "（超过 100% 按 100% 计）" if r > rules.execution_cap else ""
            reasons.append(f"执行率 = 执行数 {fmt_number(round(e, 2))} ÷ {base_label} {fmt_number(round(b, 2))} = "
                           f"{_pct(r)}{capped}，得分 = {_pct(min(r, rules.execution_cap))} × {fmt_number(weight)} = "
                           f"{fmt_number(round(s, 2))}")
    out = pd.DataFrame({
        "year": tot["year"].to_numpy(),
        "scope_id": tot["scope_id"].to_numpy(),
        "budget_original": pd.to_numeric(tot.get("budget_original", np.nan), errors="coerce"),
        "budget": pd.to_numeric(tot["budget"], errors="coerce").to_numpy(dtype=float),
        "executed": executed,
        "execution_rate": rate,
        "weight": weight,
        "score": score,
        "reason": pd.array(reasons, dtype="str"),
    })
    if "src_row" in tot.columns:
        out["src_row"] = tot["src_row"].to_numpy()
    return out.reset_index(drop=True)


def indicator_totals(scored: pd.DataFrame) -> pd.DataFrame:
    """Return weight and score per (year, scope_id, 一级指标 group), over top-level rows only.

    Sub-rows (其中项) are left out, so a parent and its parts are not counted
    twice.  Unscored rows add 0 and are counted in ``n_unscored``; totals add
    unrounded scores.

    Returns
    -------
    DataFrame
        year, scope_id, level1 (the rule set's group), weight, score,
        n_indicators, n_unscored; groups in order of first appearance.
    """
    top = _column(scored, "parent_id").isna().to_numpy()
    y_codes, years = _factorize_text(scored["year"][top])
    s_codes, scopes = _factorize_text(scored["scope_id"][top])
    groups = scored["level1_group"]
    if isinstance(groups.dtype, pd.CategoricalDtype):
        g_codes = groups.cat.codes.to_numpy()[top].astype(np.int64)
        g_names = list(groups.cat.categories)
        g_codes = np.where(g_codes < 0, len(g_names), g_codes)
        g_names.append(None)
    else:
        g_codes, g_names = _factorize_text(groups[top])
    key, first = _combine(y_codes, s_codes, g_codes)
    weight = scored["weight_used"].to_numpy(dtype=float)[top]
    score = scored["score"].to_numpy(dtype=float)[top]
    size = len(first)
    unscored = np.isnan(score)
    return pd.DataFrame({
        "year": np.asarray(years, dtype=object)[y_codes[first]],
        "scope_id": np.asarray(scopes, dtype=object)[s_codes[first]],
        "level1": np.asarray(g_names, dtype=object)[g_codes[first]],
        "weight": np.bincount(key, weights=np.nan_to_num(weight), minlength=size),
        "score": np.bincount(key, weights=np.where(unscored, 0.0, score), minlength=size),
        "n_indicators": np.bincount(key, minlength=size),
        "n_unscored": np.bincount(key, weights=unscored, minlength=size).astype(np.int64),
    }).astype({"year": scored["year"].dtype})


def grade(score: float, rules: RuleSet) -> str | None:
    """Return the grade (优/良/中/差) of a score under ``rules``; None when the score is missing."""
    return rules.grade(score)


# --------------------------------------------------------------------------- one department-year


@dataclass
class YearScore:
    """The scored year of one department."""

    year: int
    indicators: pd.DataFrame
    execution: pd.DataFrame
    by_level1: pd.DataFrame
    by_scope: pd.DataFrame
    management: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rules: dict[str, RuleSet] = field(default_factory=dict)


def _of_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    if df is None or "year" not in df.columns:
        return df
    return df[df["year"] == year].reset_index(drop=True)


@counted("score")
def score_year(dept, year: int, book: RuleBook) -> YearScore:
    """Return the :class:`YearScore` of one department-year.

    Each scope is scored under the rule set it follows
    (:meth:`~perfkit.ingest.department.Department.rule_set_for`), taken from
    ``book`` (:func:`perfkit.rules.book.rulebook_for`): no rule file is read here.  Totals add unrounded scores; sub-rows are not counted
    twice; weights that do not add up to the rule set's total are reported in
    ``problems``.
    """
    year = int(year)
    if year not in dept.years:
        raise DataError(Problem(str(dept.path / "department.yaml"), None, "years", year,
                                f"没有 {year} 年的数据；可用年度：{'、'.join(map(str, dept.years))}"))
    scopes = _of_year(dept.scopes, year)
    budget = _of_year(dept.budget, year)
    indicators = _of_year(dept.indicators, year)
    refs = {sid: dept.rule_set_for(sid, year) for sid in scopes["scope_id"]}
    for sid in set(indicators["scope_id"]).union(budget["scope_id"]) - set(refs):
        refs[sid] = dept.rule_set_for(sid, year)
    loaded = {ref: book.sets[ref] for ref in dict.fromkeys(refs.values())}
    rules = {sid: loaded[ref] for sid, ref in refs.items()}
    problems: list[Problem] = []
    file = str(dept.path / "indicators.csv")
    ex_parts, ind_parts, mgmt_parts = [], [], []
    for ref, rs in loaded.items():
        ids = [sid for sid, r in refs.items() if r == ref]
        ex_parts.append(score_execution(budget[budget["scope_id"].isin(ids)], rs))
        ind_parts.append(score_indicators(indicators[indicators["scope_id"].isin(ids)], rs, file, problems))
        if rs.management:
            mgmt_parts.append(score_management(dept, year, [s for s in scopes["scope_id"] if s in ids], rs))
    execution = _concat(ex_parts, "src_row")
    scored = _concat(ind_parts, "src_row")
    management = _concat(mgmt_parts, None) if mgmt_parts else _empty_management()
    order = list(dict.fromkeys([*scopes["scope_id"], *refs]))
    by_level1 = _by_level1(scored, execution, management, rules, order)
    by_scope = _by_scope(dept, scopes, by_level1, rules, problems)
    problems.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    return YearScore(year, scored, execution, by_level1, by_scope, management, problems, rules)


def _concat(parts: list[pd.DataFrame], order: str | None) -> pd.DataFrame:
    parts = [p for p in parts if len(p)] or parts[:1]
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    if order and order in df.columns:
        df = df.sort_values(order, kind="stable").reset_index(drop=True)
    return df


def _by_level1(scored: pd.DataFrame, execution: pd.DataFrame, management: pd.DataFrame,
               rules: dict[str, RuleSet], order: list[str]) -> pd.DataFrame:
    """Return one row per scope and part: 预算执行率, each 一级指标 group, the management block.

    Columns: year, scope_id, block, level1, weight, score, n_indicators,
    n_unscored; the rows of a scope add up to its total.
    """
    cols = ["year", "scope_id", "block", "level1", "weight", "score", "n_indicators", "n_unscored"]
    parts = []
    ex = execution[execution["weight"] > 0]
    parts.append(pd.DataFrame({"year": ex["year"], "scope_id": ex["scope_id"], "block": None,
                               "level1": EXECUTION_LABEL, "weight": ex["weight"], "score": ex["score"].fillna(0.0),
                               "n_indicators": 1, "n_unscored": ex["score"].isna().astype(int)}))
    if len(scored):
        ind = indicator_totals(scored)
        ind["block"] = [rules[sid].block_of(group) if sid in rules else None
                        for sid, group in zip(ind["scope_id"], ind["level1"])]
        parts.append(ind)
    if len(management):
        mg = management.groupby(["year", "scope_id", "block"], sort=False).agg(
            weight=("points", "sum"), score=("score", "sum"), n_indicators=("score", "size"),
            n_scored=("score", "count")).reset_index()
        mg["n_unscored"] = mg["n_indicators"] - mg.pop("n_scored")
        mg["level1"] = mg["block"]
        parts.append(mg)
    out = pd.concat([p[cols] for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=cols)
    out = out.astype({"weight": float, "score": float, "level1": object, "block": object})
    out["block"] = out["block"].where(out["block"].notna(), None)
    rank = {sid: i for i, sid in enumerate(order)}
    return out.sort_values("scope_id", key=lambda s: s.map(rank), kind="stable").reset_index(drop=True)


def _by_scope(dept, scopes: pd.DataFrame, by_level1: pd.DataFrame, rules: dict[str, RuleSet],
              problems: list[Problem]) -> pd.DataFrame:
    rows = []
    for rec in scopes.itertuples(index=False):
        sid = rec.scope_id
        rs = rules[sid]
        parts = by_level1[by_level1["scope_id"] == sid]
        weight = float(parts["weight"].sum())
        score = float(parts["score"].sum())
        ex = parts.loc[parts["level1"] == EXECUTION_LABEL, "score"].sum()
        mg = parts.loc[parts["level1"] == rs.management_block, "score"].sum() if rs.management else 0.0
        n_unscored = int(parts["n_unscored"].sum())
        rows.append({"year": rec.year, "scope_id": sid, "name": rec.name, "scope_type": rec.scope_type,
                     "rule_set": rs.name, "illustrative": rs.illustrative, "weight": weight, "score": score,
                     "grade": rs.grade(score), "execution_score": float(ex),
                     "indicator_score": score - float(ex) - float(mg), "management_score": float(mg),
                     "n_unscored": n_unscored, "stated_score": getattr(rec, "stated_score", np.nan),
                     "stated_grade": getattr(rec, "stated_grade", None)})
        if abs(weight - rs.total) > 1e-6 and len(parts):
            detail = "、".join(f"{l} {fmt_number(round(w, 4))}" for l, w in zip(parts["level1"], parts["weight"]))
            problems.append(Problem(str(dept.path / "indicators.csv"), None, "weight", fmt_number(round(weight, 4)),
                                    f"范围「{sid}」的分值合计应为 {fmt_number(rs.total)}（规则集 {rs.name}），"
                                    f"现为 {fmt_number(round(weight, 4))}：{detail}"))
    cols = ["year", "scope_id", "name", "scope_type", "rule_set", "illustrative", "weight", "score", "grade",
            "execution_score", "indicator_score", "management_score", "n_unscored", "stated_score", "stated_grade"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- whole-department sheet


def _empty_management() -> pd.DataFrame:
    return pd.DataFrame({"year": pd.Series(dtype="Int64"), "scope_id": pd.Series(dtype=object),
                         "block": pd.Series(dtype=object), "item": pd.Series(dtype=object),
                         "label": pd.Series(dtype=object), "value": pd.Series(dtype=float),
                         "unit": pd.Series(dtype=object), "points": pd.Series(dtype=float),
                         "score": pd.Series(dtype=float), "reason": pd.Series(dtype=object)})


def score_management(dept, year: int, scope_ids: list[str], rules: RuleSet) -> pd.DataFrame:
    """Return the management-ratio lines of a whole-department sheet (预算调整率 …) for each scope.

    Each ratio is the rule set's ``expr`` (the formula language of
    ``stated.csv``) evaluated on the department's data; missing data leaves the
    line unscored with the reason.

    Returns
    -------
    DataFrame
        year, scope_id, block, item, label, value, unit, points, score, reason.
    """
    functions = figure_functions(dept, year)
    rows = []
    for sid in scope_ids:
        for item in rules.management:
            expr = item.expr.replace("{scope}", sid)
            try:
                value = float(evaluate(expr, functions))
            except ExprError as err:
                value, why = math.nan, str(err)
            else:
                why = ""
            got = item.score(value)
            if math.isnan(value):
                reason = f"无法计算：{why}"
            else:
                shown = f"{fmt_number(round(value, 2))}{item.unit}"
                rule = ("按比例" if item.method == "proportional" else "按分档")
                reason = (f"{item.label} = {shown}（{expr}），{rule}得 {fmt_number(round(got, 2))} / "
                          f"{fmt_number(item.points)} 分")
                if rules.illustrative:
                    reason += "（示例分值）"
            rows.append({"year": year, "scope_id": sid, "block": rules.management_block, "item": item.id,
                         "label": item.label, "value": value, "unit": item.unit, "points": item.points,
                         "score": got, "reason": reason})
    return pd.DataFrame(rows) if rows else _empty_management()
