"""The machine-readable summary of one department-year (``summary.json`` beside each report).

Reviewers and dashboards read this instead of the HTML: scores, grades,
execution, stated-figure checks and findings, with the same numbers as the
notebooks because both come from one :class:`~perfkit.analysis.YearAnalysis`.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from perfkit.analysis import YearAnalysis, analyze
from perfkit.data import Department

SUMMARY_VERSION = 1


def _clean(value):
    """Return a JSON-safe value: NaN/NA -> None, numpy scalars -> Python; floats unrounded."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    present = [c for c in columns if c in df.columns]
    return [_clean(rec) for rec in df[present].to_dict(orient="records")]


def summarize(a: YearAnalysis) -> dict:
    """Return the summary dict of an analysed department-year."""
    scored = a.scored
    checks = a.checks
    checked = checks[checks["ok"].notna()] if "ok" in checks.columns else checks.iloc[0:0]
    whole = a.scope_total("whole")
    return {
        "version": SUMMARY_VERSION,
        "department": {"code": a.dept.code, "name": a.dept.name, "synthetic": a.dept.synthetic},
        "year": a.year,
        "rule_set": a.dept.meta.get("rule_set"),
        "total": None if whole is None else _clean({"score": whole["score"], "weight": whole["weight"],
                                                    "grade": whole["grade"]}),
        "execution": _records(scored.execution, ["scope_id", "budget", "executed", "execution_rate", "weight", "score"]),
        "scopes": _records(scored.by_scope, ["scope_id", "name", "weight", "score", "grade"]),
        "level1": _records(scored.by_level1, ["scope_id", "level1", "weight", "score"]),
        "checks": {
            "total": int(len(checks)),
            "checked": int(len(checked)),
            "mismatches": int((checked["ok"] == False).sum()) if len(checked) else 0,  # noqa: E712
            "items": _records(checks, ["scope_id", "check", "label", "stated", "recomputed", "ok", "detail"]),
        },
        "data_problems": [str(p) for p in scored.problems],
        "findings": [f.to_dict() for f in a.findings],
    }


def build_summary(dept: Department | str | Path, year: int, data_dir: str | Path | None = None) -> dict:
    """Return the summary dict of ``dept`` (object, code or path) in ``year``."""
    return summarize(analyze(dept, year, data_dir))
