"""Words perfkit recognises in its input: the level words, unit words and row names of the data.

These are not shown text.  They are what users write in ``indicators.csv``,
``budget.csv`` and the rule files, so changing one changes what perfkit reads.
Labels and sentences shown to users are in :mod:`perfkit.text.labels` and the
message modules beside it.
"""
from __future__ import annotations

#: the 达成 levels of the rule sets' qualitative bands (domain.md §3), best first
MET = "达成"
MOSTLY_MET = "基本达成"
PARTLY_MET = "部分达成"
NOT_MET = "未达成"
LEVELS = (MET, MOSTLY_MET, PARTLY_MET, NOT_MET)

#: a change of a rate as written in a 指标值 (``提高2百分点``)
POINTS = "百分点"
#: ``保持`` as a direction word of a 指标值
KEEP = "保持"

#: the amount units of budget.csv and stated.csv
WAN_YUAN = "万元"
YUAN = "元"
#: 万元 as reports abbreviate it after a number (``3.5万``)
WAN_SHORT = "万"
#: the unit of a weight or a score (stated.csv, and printed after a number: ``95分``)
POINTS_UNIT = "分"

#: the budget.csv line type of a line by source of funds (本年财政拨款, 上年结转 …)
SOURCE_LINE_TYPE = "资金来源"
#: budget.csv line types whose lines split the 合计 without overlap; other types (经济分类 …) may list only some parts
PARTITION_LINE_TYPES = ("支出类型", SOURCE_LINE_TYPE)
#: the stated.csv kind of a stated grade
GRADE_KIND = "等级"
#: the stated.csv kinds of an amount, a percentage, a rate printed as a fraction (0.98) and a score
AMOUNT_KIND = "金额"
PERCENT_KIND = "百分比"
RATIO_KIND = "比率"
SCORE_KIND = "得分"
#: the stated.csv kind of a count (exact whatever its printing)
COUNT_KIND = "计数"
#: the budget.csv line (and line type) of a scope's total
TOTAL_LINE = "合计"

#: yes / no in a workbook cell (written by template and export, read back by import)
YES = "是"
NO = "否"
#: the stated.csv kind of a stated change against last year, and the word that marks it in a label
CHANGE_KIND = "同比"
