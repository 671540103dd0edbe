"""What a department's files hold: the columns of every file and their kinds, and the words they are written in.

The one description of the data format (``data/README.md``) the loader checks
against, the workbook lays out and the extraction writes.
"""
from __future__ import annotations

import re

import pandas as pd

from perfkit.text.vocabulary import (AMOUNT_KIND, CHANGE_KIND, COUNT_KIND, GRADE_KIND, PERCENT_KIND, RATIO_KIND,
                                     SCORE_KIND, SOURCE_LINE_TYPE, TOTAL_LINE, WAN_YUAN, YUAN)

# Recognised input, not output: the words the data files are written in (domain.md §2).
RECOGNISED_INPUT = ("SCOPE_TYPES", "WHOLE_SCOPE_TYPE", "PROJECT_SCOPE_TYPE", "FUND_SCOPE_TYPE", "LINE_TYPES",
                    "STATED_KINDS", "NARRATIVE_SECTIONS", "MEMO_LINE_TYPE", "NOT_APPLICABLE", "TRUE_WORDS")
AMOUNT_UNITS = {WAN_YUAN: 1.0, YUAN: 1e-4}  # factor to 万元, the reporting unit
WHOLE_SCOPE_TYPE = "部门整体"
PROJECT_SCOPE_TYPE = "一级项目"
FUND_SCOPE_TYPE = "专项资金"
SCOPE_TYPES = (WHOLE_SCOPE_TYPE, PROJECT_SCOPE_TYPE, "二级项目", FUND_SCOPE_TYPE)
# 统计项: memo lines that are not a breakdown of the total (e.g. 三公经费, 政府采购) and are never summed
LINE_TYPES = (TOTAL_LINE, "支出类型", SOURCE_LINE_TYPE, "经济分类", "功能分类", "统计项")
STATED_KINDS = (RATIO_KIND, PERCENT_KIND, CHANGE_KIND, "合计", AMOUNT_KIND, COUNT_KIND, SCORE_KIND, GRADE_KIND)
# the report's own sections narrative.csv holds sentences of (its stated problems and measures)
NARRATIVE_SECTIONS = ("存在的主要问题", "下一步改进措施")
WHOLE_SCOPE = "whole"
# Memo budget lines (三公经费, 政府采购 …): never summed against the total, never under-spending.
MEMO_LINE_TYPE = "统计项"

# column -> (kind, required). kinds: year, int, amount, float, str, unit, month.
# "required" means the cell may not be empty.
SCHEMAS: dict[str, dict[str, tuple[str, bool]]] = {
    "scopes.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "scope_type": ("str", True),
        "name": ("str", True),
        "parent_scope_id": ("str", False),
        "rule_set": ("str", False),
        "stated_score": ("float", False),
        "stated_grade": ("str", False),
        # true / 是: the transcribed table is partial, so sums over it are not asserted
        "incomplete": ("str", False),
    },
    "budget.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "line": ("str", True),
        "line_type": ("str", True),
        "budget_original": ("amount", False),
        # may be empty: a report can name a fund without giving its amounts
        "budget": ("amount", False),
        "executed": ("amount", False),
        "unit": ("unit", True),
        # what the form prints on a budget row (分值, 执行率, 得分), checked against the amounts and the rule
        "weight": ("float", False),
        "rate_printed": ("str", False),
        "stated_score": ("float", False),
    },
    "finance.csv": {
        "year": ("year", True),
        "item": ("str", True),
        "amount": ("amount", True),
        "unit": ("unit", True),
    },
    "indicators.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "indicator_id": ("str", True),
        "parent_id": ("str", False),
        "level1": ("str", True),
        "level2": ("str", False),
        "name": ("str", True),
        # 指标性质 (≥ ≤ = 定性 …) and 度量单位 printed in their own cells, combined with target when scoring
        "nature": ("str", False),
        "target": ("str", False),
        "measure_unit": ("str", False),
        "actual": ("str", False),
        "weight": ("float", False),
        "stated_score": ("float", False),
        "prior_actual": ("str", False),
        "deviation_note": ("str", False),
    },
    "stated.csv": {
        "year": ("year", True),
        "figure_id": ("str", True),
        "scope_id": ("str", False),
        "label": ("str", True),
        "kind": ("str", True),
        "stated_text": ("str", True),
        "value": ("float", False),
        "unit": ("str", False),
        "expr": ("str", False),
        "sentence": ("str", False),
    },
    "progress.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "month": ("month", True),
        "executed_cumulative": ("amount", True),
        "unit": ("unit", True),
    },
    # the report's own words in its 存在的主要问题 / 下一步改进措施, one item a row, verbatim
    "narrative.csv": {
        "year": ("year", True),
        "section": ("str", True),
        "scope_id": ("str", False),
        "title": ("str", False),
        "text": ("str", True),
    },
}
for _schema in SCHEMAS.values():
    _schema["source"] = ("str", True)
    _schema["assumption"] = ("str", False)

# Columns a file may leave out of its header (added later; forms that do not print them): read as empty.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "scopes.csv": ("incomplete",),
    "budget.csv": ("weight", "rate_printed", "stated_score"),
    "indicators.csv": ("nature", "measure_unit"),
}
# A cell written like this means "not applicable" to the form's author; an empty cell means unknown.
NOT_APPLICABLE = ("—", "——", "-", "--", "－", "/", "／", "无", "不适用")
TRUE_WORDS = ("true", "yes", "y", "1", "是")
# A narrative report has no indicator table: its indicators.csv may hold the header only.
HEADER_ONLY_OK = ("indicators.csv",)
REQUIRED_FILES = ("scopes.csv", "budget.csv", "indicators.csv")
TABLE_ATTRS = {
    "scopes.csv": "scopes",
    "budget.csv": "budget",
    "finance.csv": "finance",
    "indicators.csv": "indicators",
    "stated.csv": "stated",
    "progress.csv": "progress",
    "narrative.csv": "narrative",
}
META_REQUIRED = ("code", "name", "years", "rule_set")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
NUMBER_KINDS = ("amount", "float")


def empty_table(schema: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """Return a table with ``schema``'s columns and no row (a file the department does not have)."""
    key = tuple(schema.items())
    if key not in _EMPTY:
        cols = {"src_row": pd.Series(dtype="int64")}
        for col, (kind, _) in schema.items():
            if kind in ("year", "month", "int"):
                cols[col] = pd.Series(dtype="Int64")
            elif kind in ("amount", "float"):
                cols[col] = pd.Series(dtype="float64")
            else:
                cols[col] = pd.Series(dtype="str")
        _EMPTY[key] = pd.DataFrame(cols)
    # built once: a province has thousands of departments without progress.csv, and building a frame
    # costs more than copying one (a copy shares nothing a caller could change: copy-on-write)
    return _EMPTY[key].copy()


_EMPTY: dict[tuple, pd.DataFrame] = {}
