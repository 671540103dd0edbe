"""The words of the province-wide tables (``perfkit check --out``, :func:`perfkit.province.analyze_all`)."""
from __future__ import annotations

from perfkit.text.formats import score_range

#: short texts of the main findings in the province table (the full text is in each department-year's report)
LOW_RATE = "{name}执行率{rate:.1%}，低于{threshold:.0%}"
MISSED = "{n}项指标未完成"
SCORE_DOWN = "比{prior}年下降{drop:.2f}分"
MISMATCHES = "{n}处不一致"

#: what a total reads whose weights do not add up to the rule's total: its score (as the department's report
#: shows it), said to be on other weights, and no grade
WEIGHTS_OFF = "{score}（分值合计不等于满分，不评等级）"

#: column -> header of the province table, in order (one row per department-year)
SUMMARY_COLUMNS = {
    "dept": "部门代码",
    "name": "部门名称",
    "year": "年度",
    "scope_name": "评价范围",
    "score_text": "复算总分",
    "status": "评分状态",
    "score_min": "复算总分下限",
    "score_max": "复算总分上限",
    "grade": "复算等级",
    "stated_score": "报告自评得分",
    "stated_grade": "报告等级",
    "stated_agrees": "报告得分与复算相符",
    "execution_rate": "预算执行率",
    "score_change": "得分同比变化",
    "n_checked": "核对项数",
    "n_mismatches": "不一致项数",
    "n_unevaluated": "无法复算项数",
    "n_unscored": "无法评分指标数",
    "n_data_errors": "数据问题数",
    "main_findings": "主要发现",
}


def score_text(status, low, high) -> str:
    """Return a department-year's total as the province table shows it: a score, a range, or 无法评分."""
    if not isinstance(status, str):
        return ""
    if status == "weights_off":
        return WEIGHTS_OFF.format(score=score_range(low, high, None, status))
    return score_range(low, high, None, status)

#: the sheet of the province table in .xlsx
SHEET = "全省汇总"
OUT_SUFFIX = "--out 应为 .csv、.xlsx 或 .parquet 文件"
OUT_PARQUET = "写 .parquet 需要 pyarrow：pip install 'perfkit[parquet]'（或改用 .csv / .xlsx）"
#: perfkit check: the line after the departments, when the province table was written
TABLE_WRITTEN = "已写出全省汇总表（每个部门年度一行）：{path}"
#: the progress bar of a first check of a province (stderr, in a terminal)
CHECK_PROGRESS = "校验部门"
CHECK_PROGRESS_UNIT = "个"
#: perfkit check: how the departments were obtained (from the cache, checked now)
CHECK_TIMING = "共 {n} 个部门（{cached} 个沿用缓存、{checked} 个本次校验），{seconds:.1f} 秒"
