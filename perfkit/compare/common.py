"""What the comparison modules share: vocabulary, Chinese column headings and small helpers.

:mod:`perfkit.compare.yoy`, :mod:`perfkit.compare.indicators`,
:mod:`perfkit.compare.series` and :mod:`perfkit.compare.pefa` all label their
columns from :data:`COLUMN_LABELS`, explain missing values with the same words
(:data:`NO_PRIOR`, :data:`NO_CURRENT`, :data:`ZERO_BASE`) and read budget
fields by the same names (:data:`BUDGET_FIELDS`).
"""
from __future__ import annotations

from perfkit.ingest.department import Department
from perfkit.score.targets import fmt_number

# --------------------------------------------------------------------------- vocabulary

CHANGE_KINDS = ("amount", "rate", "score", "number")
# the unit of ``change`` per kind; ``number`` keeps the indicator's unit
CHANGE_UNITS = {"amount": "万元", "rate": "百分点", "score": "分"}
BUDGET_FIELDS = {"budget_original": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}

NO_PRIOR = "无上年数据"
NO_CURRENT = "无本年数据"
ZERO_BASE = "无法计算：上年为0"
NOTE_SEP = "；"

# Chinese headings of the columns perfkit.compare returns (the notebooks' label map can merge these)
COLUMN_LABELS = {
    "year": "年度",
    "prior_year": "比较年度",
    "prior_label": "比较基期",
    "scope_id": "范围代码",
    "scope_name": "评价范围",
    "line": "预算行",
    "line_type": "预算行类型",
    "field": "字段代码",
    "field_label": "项目",
    "level": "层级代码",
    "level_label": "层级",
    "indicator_id": "指标代码",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "prior_text": "上年完成值（原文）",
    "prior_source": "上年值来源",
    "unit": "单位",
    "prior": "上年值",
    "current": "本年值",
    "change": "变动",
    "change_unit": "变动单位",
    "pct_change": "变动率（%）",
    "change_kind": "变动类型",
    "direction": "方向目标",
    "direction_met": "方向是否实现",
    "at_boundary": "恰在边界",
    "prior_weight": "上年分值",
    "weight": "分值",
    "prior_grade": "上年等级",
    "grade": "等级",
    "note": "备注",
    "figure_id": "数字代码",
    "label": "陈述项",
    "stated_text": "报告原文",
    "stated": "陈述值",
    "sentence": "原句",
    "recomputed": "复算",
    "difference": "差额",
    "decimals": "小数位数",
    "ok": "是否一致",
    "status": "结论",
    "basis": "复算依据",
    "key": "序列代码",
    "value": "数值",
    "first_year": "首年",
    "first": "首年值",
    "last_year": "末年",
    "last": "末年值",
    "n_years": "年数",
    "span": "跨度",
    "growth": "年均变动",
    "growth_unit": "年均变动单位",
    "growth_kind": "年均变动口径",
    "run_direction": "当前走势",
    "run_length": "连续变动年数",
    "trend": "改善或恶化",
    "values": "各年数值",
    "years": "年度",
    "scores": "各年得分",
    "drop": "累计下降（分）",
    "indicator": "PEFA 指标",
    "by": "细分口径代码",
    "by_label": "细分口径",
    "n_components": "细分项数",
    "base_used": "预算基数代码",
    "base_label": "预算基数",
    "base_amount": "预算数（万元）",
    "executed": "执行数（万元）",
    "outturn": "执行数/预算数（%）",
    "deviation": "偏差（百分点）",
    "ratio": "执行总额比例",
    "variance": "结构偏差率（%）",
    "pefa_score": "PEFA 评分（三年取两年）",
}


# --------------------------------------------------------------------------- helpers


def join_notes(*notes) -> str:
    """Return the non-empty notes joined by ``；``."""
    return NOTE_SEP.join(n for n in notes if n)


def scope_namer(dept: Department):
    """Return scope_id -> display name, as :meth:`Department.scope_name` but without a scan per call."""
    names = dict(zip(dept.scopes["scope_id"], dept.scopes["name"]))  # the last row wins, as there
    return lambda sid: str(names.get(sid, sid))


def check_year(dept: Department, year) -> int:
    """Return ``year`` as an int; raise DataError (naming the declared years) when the data do not have it."""
    year = int(year)
    dept.for_year(year)
    return year


def base_column(base: str) -> str:
    """Return the budget column of a rate's base: ``budget`` (全年预算数) or ``budget_original`` (年初预算数)."""
    if base in ("adjusted", "budget"):
        return "budget"
    if base in ("original", "budget_original"):
        return "budget_original"
    raise ValueError(f"未知的预算基数「{base}」，应为 original（年初预算数）或 adjusted（全年预算数）")


def nearly_equal(a: float, b: float) -> bool:
    """Return whether two numbers are equal up to float noise."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def fmt_num(x, decimals: int = 2) -> str:
    """Return ``x`` rounded to ``decimals`` and written without trailing zeros (``84.5``, ``95``)."""
    return fmt_number(round(float(x), decimals))
