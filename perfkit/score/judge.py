"""Judging one 年度指标值 / 实际完成值 / 上年值 combination under a rule set (domain.md §3).

A judgement is a fraction of the weight, so every row with the same three
texts shares it; :mod:`perfkit.score.scoring` judges each distinct
combination once.  Pure functions: Targets and a RuleSet in, a Judgement out.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from perfkit.ingest.department import AMOUNT_UNITS
from perfkit.rules.ruleset import RuleSet
from perfkit.score.targets import DIRECTION_LABELS, OP_SYMBOLS, Target, fmt_number, normalize_text

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
    "lower_by_name": "指标值未写运算符，名称表明越小越好，按“≤”理解",
    "execution_item": "预算执行率指标：未写指标值，按执行率计分",
    "not_applicable": "填报人标为不适用（—、/、无）",
    "empty_row": "空行或占位行（未填指标值、完成值、分值、得分），不计分",
    "printed_cells": "指标性质、度量单位与指标值分列，已合并理解",
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
    "not_applicable": "不适用：不计分",
    "empty_row": "空行：不计分",
}



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
        if t.not_applicable and a.level is not None:
            # the author marks the target not applicable and reports the result in words: judged as stated
            return _qualitative(a, a.level, rules, bits | _BIT["not_applicable"] | _BIT["stock_phrase"],
                                f"年度指标值标为不适用（「{t.text}」），实际完成值「{a.text}」视为「{a.level}」")
        if t.not_applicable:
            return _unscored(f"年度指标值标为不适用（「{t.text}」），没有可比较的指标值",
                             bits | _BIT["no_target"] | _BIT["not_applicable"])
        return _unscored("年度指标值为空", bits | _BIT["no_target"])
    if a.kind == "blank":
        if a.not_applicable:
            return _unscored(f"实际完成值标为不适用（「{a.text}」），不是实测值",
                             bits | _BIT["no_actual"] | _BIT["not_applicable"])
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
