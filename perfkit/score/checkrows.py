"""The rows of :func:`perfkit.score.checks.check_stated`: columns, check codes and how one row is built.

Shared by the checks of stated figures and table arithmetic
(:mod:`perfkit.score.checks`) and by the row-by-row audit of printed scores
(:mod:`perfkit.score.audit`).
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

COLUMNS = ("year", "scope_id", "check", "label", "figure_id", "stated_text", "stated", "recomputed", "difference",
           "decimals", "ok", "severity", "file", "row", "detail", "tolerance", "variant")
CHECK_LABELS = {
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
}
# Variants of scoring met in published tables (domain.md §8), named when one explains a printed score.
VARIANT_LABELS = {
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
}
# A score is the value its author gave, not a rounded measurement: printed scores are compared at two
# decimals (domain.md §3: scores are rounded to 2 decimals only for display), plus the rounding of the inputs.
SCORE_TOLERANCE = 0.005

_NUMBER_IN_TEXT = re.compile(r"[+-−]?\d[\d,]*(?:\.(\d+))?")


def printed_decimals(text) -> int | None:
    """Return how many decimals a figure was printed with (``99.3%`` → 1, ``96.67分`` → 2, ``7个`` → 0)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    m = _NUMBER_IN_TEXT.search(str(text))
    if m is None:
        return None
    return len(m.group(1) or "")


def matches(stated: float, recomputed: float, decimals: int, tolerance: float = 0.0) -> bool:
    """Return True when ``recomputed`` prints as ``stated`` at ``decimals`` decimals, allowing ``tolerance`` more.

    Half a unit of the stated figure's last digit, plus how far the
    recomputed value may be off from the rounding of its own inputs.
    """
    return abs(stated - recomputed) <= 0.5 * 10.0 ** (-decimals) + tolerance + 1e-9


def value_in_text(text) -> float | None:
    """Return the first number written in a text (``下降 13.8%`` → 13.8), or None."""
    m = _NUMBER_IN_TEXT.search(str(text))
    return float(m.group(0).replace(",", "").replace("−", "-")) if m else None


def finding(year, scope_id, check, label=None, *, figure_id=None, stated_text=None, stated=None,
            recomputed=None, difference=np.nan, decimals=None, ok=None, severity="info", file=None, row=None,
            detail="", tolerance=np.nan, variant=None) -> dict:
    """Return one row of the checks table (see :data:`COLUMNS`)."""
    return {"year": year, "scope_id": scope_id, "check": check, "label": label or CHECK_LABELS[check],
            "figure_id": figure_id, "stated_text": stated_text, "stated": stated, "recomputed": recomputed,
            "difference": difference, "decimals": decimals, "ok": ok, "severity": severity, "file": file,
            "row": row, "detail": detail, "tolerance": tolerance, "variant": variant}


def where(file, row) -> str:
    """Return ``file 第 n 行`` (or the file alone), for details."""
    return f"{file} 第 {int(row)} 行" if row is not None and not pd.isna(row) else str(file)


def verdict(ok: bool | None) -> str:
    """Return 一致 / 不一致 / 无法复算 for a check's outcome."""
    return "无法复算" if ok is None else ("一致" if ok else "不一致")
