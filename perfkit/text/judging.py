"""How perfkit reads and judges one indicator, in words: the reasons of the 评分依据 table.

Used by :mod:`perfkit.score.targets` (how a 指标值 was read), :mod:`perfkit.score.judge`
(why a row earns its score), :mod:`perfkit.score.scoring` and :mod:`perfkit.score.totals`.
Templates take ``str.format`` placeholders; numbers are formatted by the caller.
"""
from __future__ import annotations

from types import MappingProxyType

# --------------------------------------------------------------------------- flags and rules (judge)

#: flag code -> label, in the order flags are listed
FLAG_LABELS = MappingProxyType({
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
})

#: scoring rule code -> label
RULE_LABELS = MappingProxyType({
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
})

# --------------------------------------------------------------------------- judgements (judge)

UNSCORED = "无法评分：{why}"
TARGET_CELL = "年度指标值"
ACTUAL_CELL = "实际完成值"
UNREADABLE_CELL = "{which}「{text}」的写法无法识别"
CONVERTED = "；完成值 {actual} 折合 {converted}"
FRACTION_AS_PERCENT = "；完成值 {actual} 按 {percent}% 理解"
TARGET_FRACTION = "；指标值 {target} 为小数写法，完成值按 {actual} 比较"
UNITS_DIFFER = "；注意：完成值单位「{actual_unit}」与指标值单位「{target_unit}」不同，按数值比较"
TARGET_NA_STATED = "年度指标值标为不适用（「{target}」），实际完成值「{actual}」视为「{level}」"
TARGET_NA = "年度指标值标为不适用（「{target}」），没有可比较的指标值"
TARGET_EMPTY = "年度指标值为空"
ACTUAL_NA = "实际完成值标为不适用（「{actual}」），不是实测值"
ACTUAL_EMPTY = "实际完成值为空"
ACTUAL_WORDS = "实际完成值「{actual}」没有数值，按表述视为「{level}」"
ACTUAL_NOT_NUMBER = "指标值为数值（{target}），实际完成值「{actual}」不是数值，无法比较"
COPIED_CLAIM = "实际完成值「{actual}」照抄了指标值的运算符，不是实测值，按表述视为「达成」"
COPIED_RANGE = "实际完成值「{actual}」是区间而不是实测值，且不满足指标值 {target}，无法评分"
COPIED_NOTE = "；实际完成值「{actual}」照抄了指标值的运算符，不是实测值，按 {value} 计"
NEGATIVE_AS_ZERO = "；负的完成值 {actual} 按 0 计"
MET_ZERO = "达成：指标值 {target}，完成值 {actual}"
NOT_MET_ZERO = "未完成：指标值为 0，完成值 {actual} > 0"
MET_AT_LEAST = "达成：完成值 {actual} 不低于指标值 {target}"
NOT_MET_BELOW = "未完成：完成值 {actual} 低于指标值 {target}"
OVER_DEDUCTION = "，按规则集扣减分值的 {deduction}"
OVER_COMPLETION = ("超额完成：完成值 {actual} 为指标值 {target} 的 {attainment}"
                   "（≥{threshold}），指标值可能设定偏低，须说明原因{deduct}")
NOT_MET_RATIO = "未完成：完成值 {actual}，指标值 {target}，完成值/指标值 = {attainment}"
MET_AT_MOST = "达成：完成值 {actual} 不高于指标值 {target}"
NOT_MET_OVER_ZERO = "未完成：指标值 {target}，完成值 {actual} 超过指标值"
NOT_MET_REVERSE_RATIO = "未完成：完成值 {actual} 超过指标值 {target}，比例法 指标值/完成值 = {fraction}"
NOT_MET_REVERSE_LINEAR = "未完成：完成值 {actual} 超过指标值 {target} {over}，线性法 1 − {over} = {fraction}"
BAND_SHARE = "{said}，取分值的 {fraction}（区间「{band}」）"
ON_TIME = "时限：完成于 {actual}，不晚于 {target}，按时完成"
LATE = "逾期：完成于 {actual}，晚于 {target}，按「{level}」计"
QUALITATIVE = "定性：实际完成值「{actual}」视为「{level}」"
QUALITATIVE_SAME = "定性：实际完成值与指标值相同（「{actual}」），视为「达成」"
QUALITATIVE_UNJUDGEABLE = ("指标值为定性表述「{target}」，实际完成值「{actual}」无法判断达成程度"
                           "（请写明达成、部分达成或未达成）")
DIRECTION_AS_LEVEL = "方向性指标（{want}）按定性评分：实际完成值「{actual}」视为「{level}」"
DIRECTION_SAME = "方向性指标（{want}）按定性评分：实际完成值与指标值相同，视为「达成」"
DIRECTION_NO_PRIOR = "缺少可读的上年值（prior_actual），无法核对方向"
DIRECTION_UNREADABLE = "实际完成值「{actual}」无法判断方向"
DIRECTION_UNSCORED = "方向性指标（{want}）{why}"
PRIOR_AND_CURRENT = "上年 {prior}，本年 {current}"
KEPT = MappingProxyType({True: "保持", False: "未保持"})
KEEP_CHECKED = "方向性指标（保持）：{shown}，{kept}（容差 {tolerance}{unit}）"
DIRECTION_RIGHT = MappingProxyType({True: "方向一致", False: "方向不符"})
DIRECTION_CHECKED = "方向性指标（{want}）：{shown}，{right}"
MOVED_POINTS = "变动 {moved} 个百分点"
MOVED_PERCENT = "变动 {moved}%"
MOVED_SHORT = "，但{what}，未达到 {target}"
MOVED = "，{what}"
DIRECTION_STATED = "方向性指标（{want}）：实际完成值「{actual}」{right}"
AMOUNT_SHORT = "，但幅度未达到 {target}"

# --------------------------------------------------------------------------- readings of a 指标值 (targets)

READ_NOT_APPLICABLE = "不适用（「{raw}」）"
READ_BLANK = "空白"
READ_UNREADABLE = "无法识别的写法"
READ_IMPLICIT_GE = "未写运算符，按「≥{shown}」理解（数值越大越好）"
READ_REACH = "「{reach}」按「{canonical}」理解"
READ_AS = "按「{canonical}」理解"
READ_KEEP_LEVEL = "「保持」按「≥{shown}」理解"
READ_DIRECTION = "方向性指标（{label}{amount}）：有上年值时核对方向，否则按定性指标评分"
DATE_YEAR = "{year}年"
DATE_MONTH = "{month}月"
DATE_DAY = "{day}日"
READ_DEADLINE = "时限指标：{shown}前完成"
READ_LEVEL = "定性表述，视为「{level}」"
READ_DEGREE = "定性指标（程度词无法量化）"
READ_QUALITATIVE = "定性指标"
READ_FROM_NAME = "指标值为空，取自指标名称「{target}」：{reading}"
READ_LOWER_BY_NAME = "未写运算符；指标名称含「{word}」（越小越好），按「{shown}」理解"
PRINTED_NATURE = "指标性质「{nature}」"
PRINTED_UNIT = "度量单位「{unit}」"
PRINTED_UNIT_DIFFERS = "度量单位「{unit}」与指标值的单位「{found}」不同，按指标值"
PRINTED_NATURE_UNREADABLE = "无法识别指标性质「{nature}」，未采用"
PRINTED_NATURE_CONFLICT = "指标性质「{nature}」与指标值「{target}」的运算符矛盾"
PRINTED_JOINED = "{parts}与指标值「{target}」合为「{shown}」：{reading}"
#: joins the printed cells named in PRINTED_JOINED
PARTS_SEP = "、"
#: the notes after a reading, in brackets
READ_NOTES = "{reading}（{notes}）"
NOTES_SEP = "；"

# --------------------------------------------------------------------------- rows and reasons (scoring)

EMPTY_ROW = "空行或占位行：未填指标值、完成值、分值和得分，不计分、不计入合计"
NOT_APPLICABLE_ROW = "不适用：填报人标为「—」「/」，未填分值和得分，不计分、不计入合计"
EXECUTION_TARGET = "预算执行率指标未写年度指标值：按执行率计分（执行率 ≥100% 得满分，与预算执行率口径相同）"
REASON_SCORE = "，得分 {score}"
REASON_DEFAULT_WEIGHT = "；分值为空，按规则集将「{group}」{pool} 分平分给 {count} 项，每项 {weight} 分"
REASON_UNKNOWN_LEVEL1 = "；一级指标不在规则集中，未归入任何一级指标"
REASON_NO_WEIGHT = "；缺少分值，未计分"
REASON_SUB_ROW = "；其中项（子行），不计入合计"
REASON_OUTSIDE_BAND = "；报告得分 {stated} 不在「{level}」所在区间「{band}」[{low}, {high}{close} 内"
#: the closing bracket of a band: ] when the band includes its top
BAND_CLOSE = MappingProxyType({True: "]", False: ")"})

# --------------------------------------------------------------------------- execution and totals (totals)

#: the 一级指标 row budget execution is totalled under
EXECUTION_LEVEL1 = "预算执行率"
#: a scope total's status -> label
STATUS_LABELS = MappingProxyType({
    "complete": "完整",
    "range": "不完整：总分为区间",
    "unscorable": "无法评分",
    "weights_off": "分值合计不等于满分：不评等级",
})
EXECUTION_WEIGHT_NA = "表中预算执行率分值标为不适用，未计分"
EXECUTION_NOT_IN_RULES = "规则集 {rule_set} 不单列预算执行率分值"
BASE_ZERO = "为 0"
BASE_MISSING = "缺失"
EXECUTED_MISSING = "已知，但全年执行数缺失"
EXECUTION_UNSCORED = "{base}{why}，无法计算执行率，未计分"
EXECUTION_CAPPED = "（超过 100% 按 100% 计）"
EXECUTION_FROM_PARTS = "合计行{base}为 0 或空白，按各「{base_from}」行之和复算（空白行不计）："
EXECUTION_REASON = ("{source}执行率 = 执行数 {executed} ÷ {base} {amount} = {rate}{capped}，"
                    "得分 = {capped_rate} × {weight} = {score}")
WEIGHT_PART = "{level1} {weight}"
WEIGHTS_OFF = "范围「{scope}」的分值合计应为 {total}（规则集 {rule_set}），现为 {weight}：{detail}"
#: how an uncomputable management item's reason begins (the checklist strips it)
UNCOMPUTABLE = "无法计算："
MANAGEMENT_UNCOMPUTABLE = UNCOMPUTABLE + "{why}"
MANAGEMENT_METHOD = MappingProxyType({"proportional": "按比例", "bands": "按分档"})
MANAGEMENT_REASON = "{label} = {shown}（{expr}），{method}得 {score} / {points} 分"
ILLUSTRATIVE_POINTS = "（示例分值）"
