"""The charts of a department-year, each defined once: what it shows and how it is drawn.

The notebooks (:mod:`perfkit.present.views` ``*_chart``) and the Word report
(:mod:`perfkit.outputs.docx_report`) take their charts from here, and
:func:`png` encodes each chart once per analysis: in a batch kernel the
notebooks and the report present the same pinned analysis, so the picture in
the report is the PNG beside the notebook, drawn once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from perfkit.analysis import YearAnalysis
from perfkit.present.charts import figure_bytes, plot_attainment, plot_execution, plot_score_breakdown, plot_trend
from perfkit.score.scoring import score_execution
from perfkit.text import labels


@dataclass(frozen=True)
class ReportChart:
    """One chart of the report: its name (the file stem the notebooks save it under) and how to draw it."""

    name: str
    draw: Callable[[], object]  # -> matplotlib Figure


def execution_chart(a: YearAnalysis) -> ReportChart:
    """Return the budget-vs-executed chart of every scope with a budget."""
    def draw():
        ex = a.scored.execution.dropna(subset=["budget"])
        df = pd.DataFrame({"label": ex["scope_id"].map(a.dept.scope_name), "budget": ex["budget"],
                           "executed": ex["executed"], "execution_rate": ex["execution_rate"]})
        return plot_execution(df, title=labels.CHART_TITLES["execution"].format(year=a.year))
    return ReportChart("budget_execution", draw)


def trend_chart(a: YearAnalysis) -> ReportChart | None:
    """Return the execution-rate trend up to the year, or None when the data has a single year (no trend)."""
    if len(a.dept.years) < 2:
        return None

    def draw():
        ex = score_execution(a.dept.budget[a.dept.budget["year"] <= a.year], a.scored.rules.get("whole"))
        df = pd.DataFrame({"year": ex["year"], "series": ex["scope_id"].map(a.dept.scope_name),
                           "value": ex["execution_rate"] * 100})
        return plot_trend(df, title=labels.CHART_TITLES["trend"], ylabel=labels.TREND_AXIS)
    return ReportChart("execution_trend", draw)


def score_breakdown_chart(a: YearAnalysis, scope_id: str) -> ReportChart:
    """Return the points earned and lost per 一级指标 of one scope."""
    def draw():
        lv = a.scored.by_level1
        df = lv[lv["scope_id"] == scope_id][["level1", "weight", "score"]]
        title = labels.CHART_TITLES["breakdown"].format(scope=a.dept.scope_name(scope_id))
        return plot_score_breakdown(df, title=title)
    return ReportChart(f"score_breakdown_{scope_id}", draw)


def attainment_chart(a: YearAnalysis, scope_id: str) -> ReportChart:
    """Return each indicator's score as a share of its weight, for one scope."""
    def draw():
        ind = a.scored.indicators
        df = ind[ind["scope_id"] == scope_id][["name", "score", "weight_used", "met"]]
        title = labels.CHART_TITLES["attainment"].format(scope=a.dept.scope_name(scope_id))
        return plot_attainment(df, title=title)
    return ReportChart(f"attainment_{scope_id}", draw)


def png(a: YearAnalysis, chart: ReportChart) -> bytes:
    """Return the chart drawn and encoded as PNG, once per analysis (kept on the analysis object)."""
    cache = a.__dict__.setdefault("_chart_png", {})
    if chart.name not in cache:
        cache[chart.name] = figure_bytes(chart.draw())
    return cache[chart.name]
