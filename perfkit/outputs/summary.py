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
from perfkit.ingest.department import Department
from perfkit.outputs.docx_report import write_docx_report
from perfkit.outputs.excel import write_scored_tables
from perfkit.values import to_json

SUMMARY_VERSION = 1
SCORED_TABLES_NAME = "绩效自评表.xlsx"
DOCX_NAME = "绩效自评报告（草稿）.docx"

# The renderer asks for the summary and then the office files of the same
# department-year; keeping the last analysis avoids scoring it twice.
_last: YearAnalysis | None = None


def _analysis(dept, year: int, data_dir=None) -> YearAnalysis:
    global _last
    if _last is not None and _last.dept is dept and _last.year == int(year):
        return _last
    _last = analyze(dept, year, data_dir)
    return _last


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
        "total": None if whole is None else _clean({
            "score": whole["score"], "weight": whole["weight"], "grade": whole["grade"],
            "stated_score": whole.get("stated_score"),
            # items that could not be scored count 0; a reader must know the grade reflects that
            "n_unscored": int(whole.get("n_unscored", 0) or 0),
            "complete": int(whole.get("n_unscored", 0) or 0) == 0}),
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
    return summarize(_analysis(dept, year, data_dir))


def write_office_files(dept: Department, year: int, out_dir: str | Path) -> list[Path]:
    """Write the scored tables (.xlsx) and the draft Word report (.docx) into ``out_dir``; return their paths.

    Both reuse the figures the notebooks saved in ``out_dir`` and the same
    analysis as the summary, so their numbers are the notebooks' numbers.
    """
    from perfkit.outputs.docx_report import write_docx_report
    from perfkit.outputs.excel import write_scored_tables

    a = _analysis(dept, year)
    out_dir = Path(out_dir)
    figures = sorted(out_dir.glob("*.png"))
    return [
        write_scored_tables(dept, year, out_dir / SCORED_TABLES_NAME, scored=a.scored),
        write_docx_report(dept, year, out_dir / DOCX_NAME, scored=a.scored, findings=a.findings, figures=figures),
    ]


def write_outputs(a: YearAnalysis, out_dir: str | Path) -> list[Path]:
    """Write every report file of one department-year into ``out_dir``: summary.json, .xlsx and .docx."""
    out_dir = Path(out_dir)
    path = out_dir / "summary.json"
    path.write_text(to_json(summarize(a)), encoding="utf-8")
    figures = sorted(out_dir.glob("*.png"))
    return [
        path,
        write_scored_tables(a.dept, a.year, out_dir / SCORED_TABLES_NAME, scored=a.scored),
        write_docx_report(a.dept, a.year, out_dir / DOCX_NAME, scored=a.scored, findings=a.findings,
                          checks=a.checks, figures=figures),
    ]
