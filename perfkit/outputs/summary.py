"""The machine-readable summary of one department-year (``summary.json`` beside each report).

Reviewers and dashboards read this instead of the HTML: scores, grades,
execution, stated-figure checks and findings, with the same numbers as the
notebooks because both come from one :class:`~perfkit.analysis.YearAnalysis`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfkit.analysis import YearAnalysis
from perfkit.outputs.registry import output
from perfkit.values import json_ready, to_json

SUMMARY_VERSION = 1
SUMMARY_NAME = "summary.json"


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    present = [c for c in columns if c in df.columns]
    return json_ready(df[present].to_dict(orient="records"))


def build_summary(a: YearAnalysis) -> dict:
    """Return the summary dict (JSON-ready values) of an analysed department-year."""
    scored = a.scored
    checks = a.checks
    checked = checks[checks["ok"].notna()] if "ok" in checks.columns else checks.iloc[0:0]
    whole = a.scope_total("whole")
    return {
        "version": SUMMARY_VERSION,
        "department": {"code": a.dept.code, "name": a.dept.name, "synthetic": a.dept.synthetic},
        "year": a.year,
        "rule_set": a.dept.meta.get("rule_set"),
        "total": None if whole is None else json_ready({
            "score": whole["score"], "weight": whole["weight"], "grade": whole["grade"],
            "stated_score": whole.get("stated_score"),
            # the total a reader may rely on: the range while items are unscored, None when nothing is scorable
            "min": whole.get("score_min"), "max": whole.get("score_max"), "status": whole.get("status"),
            # items that could not be scored count 0; a reader must know the grade reflects that
            "n_unscored": int(whole.get("n_unscored", 0) or 0),
            "complete": int(whole.get("n_unscored", 0) or 0) == 0}),
        "execution": _records(scored.execution, ["scope_id", "budget", "executed", "execution_rate", "weight", "score"]),
        "scopes": _records(scored.by_scope, ["scope_id", "name", "weight", "score", "grade", "score_min", "score_max",
                                             "status"]),
        "level1": _records(scored.by_level1, ["scope_id", "level1", "weight", "score"]),
        "checks": {
            "total": int(len(checks)),
            "checked": int(len(checked)),
            "mismatches": int((checked["ok"] == False).sum()) if len(checked) else 0,  # noqa: E712
            "items": _records(checks, ["scope_id", "check", "label", "stated", "recomputed", "ok", "detail"]),
        },
        "data_problems": [str(p) for p in scored.problems],
        "findings": [json_ready(f.to_dict()) for f in a.findings],
    }


@output(SUMMARY_NAME)
def write_summary(a: YearAnalysis, out_dir: str | Path) -> list[Path]:
    """Return [path] of ``summary.json`` written into ``out_dir`` (stable JSON, see :func:`perfkit.values.to_json`)."""
    path = Path(out_dir) / SUMMARY_NAME
    path.write_text(to_json(build_summary(a)), encoding="utf-8")
    return [path]
