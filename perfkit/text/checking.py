"""Checks of the figures a report states, in words: check labels, details of the 核对 table, formula errors.

Used by :mod:`perfkit.score.checkrows` (check and variant labels),
:mod:`perfkit.score.audit` (printed scores and rates), :mod:`perfkit.score.checks`
(stated figures, totals, partitions) and :mod:`perfkit.score.figures` (the formula
language of ``stated.csv``).  The verdict words 一致 / 不一致 / 仅列示 are
:data:`perfkit.text.labels.STATUS`.  Templates take ``str.format`` placeholders;
numbers are formatted by the caller.
"""
from __future__ import annotations

from types import MappingProxyType

# --------------------------------------------------------------------------- labels (checkrows)

#: check code -> label
CHECK_LABELS = MappingProxyType({
    "stated_figure": "陈述数字复算",
    "expr_error": "无法复算",
    "listed_only": "仅列示",
    "weight_total": "分值合计",
    "score_above_weight": "得分超过分值",
    "total_sum": "各项得分之和与总分",
    "total_above_max": "总分超过各项可得分之和",
    "total_vs_perfkit": "报告总分与 perfkit 总分",
    "grade_vs_score": "报告等级与得分",
    "parent_sum": "父项与其中子项之和",
    "budget_parts": "预算细分行之和与合计",
    "full_marks_missed": "未完成却得满分",
    "indicator_score": "指标得分复算",
    "execution_rate": "执行率复算",
    "execution_score": "预算执行率得分复算",
    "block_weight": "分块分值",
})
#: scoring variant code -> label
VARIANT_LABELS = MappingProxyType({
    "uncapped_ratio": "比例法不封顶（完成值/指标值 × 分值，超过分值）",
    "floor": "向下取整",
    "round": "四舍五入取整",
    "ceil": "向上取整",
    "reverse_linear": "反向指标按线性法计分",
    "reverse_ratio": "反向指标按比例法计分",
    "bands_8050": "定性区间按 80/50 划分",
    "execution_20": "旧表预算执行 20 分（20 × 执行率）",
    "zero": "记为 0 分",
    "full_marks_on_miss": "未完成却给满分",
    "deduction_on_met": "已达成却扣分（未说明原因）",
})
#: where a row is: budget.csv 第 12 行
AT_ROW = "{file} 第 {row} 行"

# --------------------------------------------------------------------------- printed scores and rates (audit)

DEFAULT_SPLIT = "perfkit 按规则集默认拆分为 {weight} 分，仅供参考"
NO_DEFAULT_SPLIT = "规则集也未给出"
NO_WEIGHT_PRINTED = "无法复算：指标「{name}」报告得分 {stated}，但表中未印分值（{shown}）（{at}）"
SCORE_ABOVE_WEIGHT = "指标「{name}」报告得分 {stated} 高于分值 {weight}"
UNSCORED_PREFIX = "无法评分："
INDICATOR_UNSCORED = "无法复算：指标「{name}」报告得分 {stated}，按规则无法评分——{why}（{at}）"
INDICATOR_SCORE = ("指标「{name}」报告得分 {stated}，按规则（{head}）得 {rule_score} 分，"
                   "相差 {difference}（允许 {tolerance}），{verdict}")
#: a band of the weight, [low, high] or [low, high)
BAND = "[{low}, {high}{close}"
BAND_CLOSE = MappingProxyType({True: "]", False: ")"})
INDICATOR_BAND = ("指标「{name}」报告得分 {stated}；{head}，按规则集 {rule_set} 应在"
                  "「{band}」区间 {shown} 内（perfkit 取 {rule_score}），{verdict}")
IN_BAND = MappingProxyType({True: "在区间内，一致", False: "不在区间内，不一致"})
RULE_PHRASE = "；按规则（{head}）得 {rule_score} 分"
NO_VARIANT = "；已知的计分变体都得不出报告的得分"
VARIANT_MATCHES = "；报告得分与「{variant}」相符"
#: where, at the end of a detail
AT = "（{at}）"
RATE_AS_FRACTION = "执行率印作「{printed}」，按比例 {percent}% 理解；"
RATE_WITHOUT_PERCENT = "执行率印作「{printed}」（未写 %），按 {printed}% 理解；"
EMPTY_AMOUNT = "（空）"
RATE_FORMULA = "执行数 {executed} ÷ {base_label} {base}"
RATE_FROM_PARTS = "合计行{base_label}为 0 或空白，按各「{base_from}」行之和复算"
RATE_UNCOMPUTABLE = "无法复算：预算行「{line}」印出执行率 {printed}，但 {how} 无法计算（{at}）"
RATE_CHECK = ("预算行「{line}」印出执行率 {printed}；{note}{how} = {rate}%，"
              "相差 {difference} 个百分点（按印刷精度允许 {allowed}），{verdict}（{at}）")
RATE_AS_PRINTED = "按表中印出的执行率 {printed}"
MISSING_WEIGHT = "分值"
MISSING_AMOUNTS = "执行率（金额不全）"
EXECUTION_SCORE_UNCOMPUTABLE = "无法复算：预算行「{line}」报告得分 {stated}，缺少{missing}（{at}）"
EXECUTION_SCORE = ("预算行「{line}」报告预算执行率得分 {stated}；{how}，执行率 {rate}%，"
                   "按规则 min(执行率, {cap}%) × 分值 {weight} = {rule_score}，相差 {difference}，{verdict}")
BLOCK_LEVELS = MappingProxyType({"level1": "一级指标", "level2": "二级指标"})
AT_MOST = "不超过"
EQUAL_TO = "等于"
BLOCK_INCOMPLETE = "，表格不完整，只核对是否不超过"
BLOCK_SUM = ("{what}「{raw}」印出分块分值 {points}，其下各指标分值之和 {total}"
             "（{n} 项{incomplete}），应{relation}分块分值，{verdict}（{at}）")
BLOCK_FIXED = "{what}「{raw}」印出分块分值 {points}，规则集 {rule_set} 统一规定「{group}」为 {want} 分，{verdict}（{at}）"

# --------------------------------------------------------------------------- stated figures and totals (checks)

SENTENCE = "原句：「{sentence}」"
NO_SENTENCE = "（未录原句）"
LISTED_ONLY = "仅列示，无法复算：报告陈述 {stated}。{said}（{at}）"
EXPR_ERROR = "无法复算 {stated}：{error}。公式 {expr}；{said}（{at}）"
GRADE_FIGURE = "报告陈述等级「{stated}」，按 {expr} 复算为「{recomputed}」，{verdict}。{said}（{at}）"
INPUTS_PRECISION = "，另加各输入数字的印刷精度 {tolerance}"
WITHIN_PRECISION = "按印刷精度（{decimals} 位小数，允许相差 {allowed}{inputs}）一致"
BEYOND_PRECISION = "超出印刷精度（{decimals} 位小数，允许相差 {allowed}{inputs}），不一致"
NUMBER_FIGURE = "报告陈述 {stated}，由 {expr} 复算为 {recomputed}{unit}，相差 {difference}，{verdict}。{said}（{at}）"
WEIGHT_TOTAL = "范围「{scope}」表中分值之和 {weights} + 预算执行率 {execution}"
PLUS_MANAGEMENT = " + 管理效率 {points}"
WEIGHT_TOTAL_END = " = {total}，规则集 {rule_set} 的总分为 {rule_total}，{verdict}（{at}）"
EXECUTION_STATED = "报告"
EXECUTION_RECOMPUTED = "由 budget.csv 复算"
TOTAL_SUM = ("范围「{scope}」报告总分 {stated}（{at}），各指标报告得分之和 "
             "{rows} + 预算执行率得分 {execution}（{execution_said}）{management} = {parts}，{verdict}")
TOTAL_INCOMPLETE = "，表格不完整：未转录部分至多 {missing} 分（规则总分 {rule_total} − 已知分值 {known}）"
TOTAL_ABOVE_MAX = ("范围「{scope}」报告总分 {stated}（{at}）高于各项最多可得 {cap} 分"
                   "（有报告得分的取报告得分，其余取分值，加预算执行率 {execution} 分{rest}）")
NOTHING_SCORABLE = "perfkit 无法评分：没有可以评分的项目"
WEIGHTS_NOT_TOTAL = "分值合计 {weight} 不等于规则总分 {rule_total}，perfkit 不给总分"
TOTAL_UNCOMPUTABLE = "无法复算：范围「{scope}」报告总分 {stated}（{at}）；{why}"
TOTAL_VS_PERFKIT = "范围「{scope}」报告总分 {stated}（{at}），perfkit 按规则集 {rule_set} 复算为 {low}，相差 {difference}，{verdict}"
TABLE_INCOMPLETE = "，表格不完整"
ROW_EXCESS = "；其中 {n} 行报告得分高于规则得分，共高出 {excess} 分（见各行得分复算），"
EXCESS_EXPLAINS = MappingProxyType({True: "足以解释总分超出区间的部分", False: "不足以解释总分超出区间的部分"})
IN_RANGE = "在区间内"
ABOVE = "高于"
BELOW = "低于"
RANGE = "区间"
TOTAL_IN_RANGE = ("范围「{scope}」报告总分 {stated}（{at}）；perfkit 可评分部分得 "
                  "{low} 分，另有 {n} 项无法评分{missing}（共 {weight} 分），总分应在 {low}–{high}"
                  " 之间：报告总分{where}{explained}")
GRADE_ROW = "范围「{scope}」报告等级「{stated_grade}」、得分 {stated}；按规则集 {rule_set}，{stated} 分应为「{expected}」，{verdict}（{at}）"
PARENT_WHAT = MappingProxyType({"actual": "实际完成值", "weight": "分值"})
PARENT_SUM = "指标「{name}」的{what} {own} 与其中子项（{ids}）之和 {total} 不符（{at}）"
PARTS_SUM = "之和"
PARTS_ABOVE = "之和超过合计："
PARTS_LABEL = "{check}（{line_type}·{label}）"
PARTS_ROW = ("范围「{scope}」{label}：合计 {stated} 万元（{at}），按{line_type}细分（{names}）{relation} {total} 万元，"
             "相差 {difference}（按印刷精度允许 {tolerance}）")

# --------------------------------------------------------------------------- the formula language (figures)

EXPR_SYNTAX = "复算公式语法错误：{text}（{error}）"
EXPR_ONLY_NUMBERS_AND_NAMES = "复算公式只能含数字与带引号的名称：{text}"
EXPR_NAME_ONLY_ARGUMENT = "带引号的名称只能作函数参数：{text}"
EXPR_UNKNOWN_FUNCTION = "复算公式不能调用「{name}」；可用函数：{functions}"
EXPR_KEYWORD_ARGUMENT = "复算公式的函数参数不能用 名称=值 的写法：{text}"
EXPR_NOT_ALLOWED = "复算公式只允许数字、+ - * /、括号和函数 {functions}：{text}"
EXPR_DIVISION_BY_ZERO = "除数为 0"
EXPR_OVERFLOW = "计算结果超出数值范围"
EXPR_FUNCTION_HERE = "此处不能使用函数「{name}」"
EXPR_ARGUMENT_COUNT = "函数「{name}」的参数个数不对"
EXPR_NOT_A_NUMBER = "「{value}」不是数值，不能参与运算"
EXPR_MISSING_VALUE = "数据缺失（空值），无法计算"
EXPR_COUNT_ITEMS = "count_items() 的参数应为带引号的列举文字，如 count_items('甲、乙、丙')"
EXPR_LINE_FIELD = "line() 的第三个参数应为 {fields} 之一，现为「{column}」"
EXPR_NO_LINE = "budget.csv 中没有范围「{scope}」{year} 年的预算行「{name}」"
EXPR_LINE_EMPTY = "budget.csv 中范围「{scope}」预算行「{name}」的 {column} 为空"
EXPR_NO_FINANCE = "finance.csv 中没有 {year} 年的「{item}」"
EXPR_NO_INDICATOR = "indicators.csv 中没有 {year} 年的指标「{indicator}」"
EXPR_NOT_READABLE = "指标「{indicator}」的 {column}「{text}」不是可读数值"
EXPR_NO_FIGURE = "stated.csv 中没有 {year} 年数值型的陈述数字「{figure}」"
EXPR_NO_SCORES_YET = "此处不能引用得分（score/grade/weight）：本年得分尚在计算中"
EXPR_NO_SCORE = "没有范围「{scope}」的得分"
EXPR_UNSCORABLE = "范围「{scope}」没有可评分的项目（无法评分）"
EXPR_SCORE_RANGE = "范围「{scope}」有 {n} 项无法评分，perfkit 总分为区间 {low:.2f}–{high:.2f}，不是单一数值"
EXPR_NO_RULE_SET = "没有可用的规则集，无法给出等级"
