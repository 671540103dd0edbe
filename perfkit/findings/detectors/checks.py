"""Stated figures and table arithmetic that do not recompute, and weights that do not add up.

The consistency checks (``perfkit.score.checks.check_stated``) are in the
context; a failed row becomes a finding here.  Weights are judged from the
checks when they checked weights, else from the data.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfkit.findings.derive import Context
from perfkit.findings.detectors.common import scope_ruleset, text
from perfkit.findings.model import WHOLE, Hit
from perfkit.findings.registry import detector
from perfkit.text import formats, samples
from perfkit.values import is_missing

_EVIDENCE_COLUMNS = ("check", "label", "figure_id", "stated_text", "stated", "recomputed", "difference", "decimals",
                     "severity", "file", "row", "detail")


def _failed(ctx: Context) -> list[dict]:
    """Return this year's check rows whose ``ok`` is False (not those only listed, whose ``ok`` is empty)."""
    checks = ctx.checks
    if checks is None or checks.empty or "ok" not in checks.columns:
        return []
    bad = checks[checks["ok"].astype("boolean").fillna(True) == False]  # noqa: E712 (nullable boolean)
    if "year" in bad.columns:
        bad = bad[bad["year"] == ctx.year]
    return bad.to_dict("records")


def _evidence(rec: dict) -> dict:
    return {k: rec.get(k) for k in _EVIDENCE_COLUMNS if k in rec}


def _weight_check_codes(ctx: Context) -> set[str]:
    return {str(c) for c in (ctx.rules.get("weights_sum").get("checks") or [])}


@detector("stated_mismatch", "table_arithmetic", placeholders={
    "stated_mismatch": {"label": samples.STATED_LABEL, "stated": "98.3%", "recomputed": "99.255", "unit": "%",
                        "difference": "-0.955", "detail": "", "check": "stated_figure"},
    "table_arithmetic": {"label": samples.ARITHMETIC_LABEL, "stated": "12", "recomputed": "10", "difference": "2",
                         "detail": "", "check": "score_above_weight"}})
def detect_checks(ctx: Context) -> list[Hit]:
    """Stated figures and table arithmetic that do not recompute (failed rows of the consistency checks)."""
    c_stated, c_table = ctx.active("stated_mismatch"), ctx.active("table_arithmetic")
    weight_codes = _weight_check_codes(ctx)
    stated_codes = set(ctx.rules.get("stated_mismatch").get("checks") or [])
    table_excluded = set(ctx.rules.get("table_arithmetic").get("exclude_checks") or [])
    units = {}
    if len(ctx.data.stated):
        units = {fid: text(u) for fid, u in zip(ctx.data.stated["figure_id"], ctx.data.stated["unit"])}
    hits = []
    for rec in _failed(ctx):
        check = text(rec.get("check"))
        if check in weight_codes:
            continue  # the weights rule reports these
        if check in stated_codes:
            code, cfg = "stated_mismatch", c_stated
        elif check not in table_excluded:
            code, cfg = "table_arithmetic", c_table
        else:
            continue
        if not cfg:
            continue
        label = text(rec.get("label")) or check
        decimals = rec.get("decimals")
        decimals = None if is_missing(decimals) else int(decimals)
        stated = text(rec.get("stated_text")) if code == "stated_mismatch" else ""
        values = {"label": label, "stated": stated or _shown(rec.get("stated")),
                  "recomputed": _shown(rec.get("recomputed"), None if decimals is None else decimals + 2),
                  "unit": units.get(text(rec.get("figure_id")), "") if code == "stated_mismatch" else "",
                  "difference": _shown(rec.get("difference")), "detail": text(rec.get("detail")), "check": check}
        subject = label
        if code == "table_arithmetic" and not is_missing(rec.get("row")):
            subject = ctx.phrase("table_subject", label=label, file=Path(text(rec.get("file"))).name,
                                 row=int(rec["row"]))
        sid = text(rec.get("scope_id")) or WHOLE
        hits.append(Hit(code, sid, subject, values, _evidence(rec),
                        severity=(cfg.get("check_severity") or {}).get(text(rec.get("severity")))))
    return hits


def _float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def _shown(x, decimals: int | None = None) -> str:
    """Return a checked value for a sentence: numbers without trailing zeros (four decimals at most), text as is."""
    if isinstance(x, (int, float)) and not isinstance(x, bool) or is_missing(x):
        return formats.compact(x, 4 if decimals is None else decimals)
    return str(x)


@detector("weights_sum", placeholders={
    "weights_sum": {"total": 110.0, "expected": 100.0, "indicator_weight": 100.0, "execution_weight": 10.0,
                    "management_weight": 0.0, "n_missing": 0, "detail": ""}})
def detect_weights(ctx: Context) -> list[Hit]:
    """Weights that do not add up to the total: the consistency checks' verdict when they checked, else the data's."""
    if not ctx.active("weights_sum"):
        return []
    checks, codes = ctx.checks, _weight_check_codes(ctx)
    if checks is not None and not checks.empty and "check" in checks.columns and checks["check"].isin(list(codes)).any():
        return _weights_from_checks(ctx, codes)
    return _weights_from_data(ctx)


def _weights_from_checks(ctx: Context, codes: set[str]) -> list[Hit]:
    hits = []
    for rec in _failed(ctx):
        if text(rec.get("check")) not in codes:
            continue
        sid = text(rec.get("scope_id")) or WHOLE
        values = {"total": _float(rec.get("stated")), "expected": _float(rec.get("recomputed")),
                  "indicator_weight": float("nan"), "execution_weight": float("nan"),
                  "management_weight": float("nan"), "n_missing": 0, "detail": text(rec.get("detail"))}
        hits.append(Hit("weights_sum", sid, ctx.scope_name(sid), values, _evidence(rec)))
    return hits


def _weights_from_data(ctx: Context) -> list[Hit]:
    ind = ctx.data.indicators
    execution = getattr(ctx.scored, "execution", None)
    management = getattr(ctx.scored, "management", None)
    hits = []
    for sid in ctx.scope_rank:
        rows = ind[(ind["scope_id"] == sid) & ind["parent_id"].isna()]
        if rows.empty or rows["weight"].isna().all():
            continue  # no weights written: the rule set's default split applies
        ind_w = float(rows["weight"].sum())
        n_missing = int(rows["weight"].isna().sum())
        exec_w = 0.0
        if isinstance(execution, pd.DataFrame) and "weight" in execution.columns:
            e = execution[execution["scope_id"] == sid]
            exec_w = float(e["weight"].iloc[0]) if len(e) and not is_missing(e["weight"].iloc[0]) else 0.0
        mgmt_w = 0.0
        if isinstance(management, pd.DataFrame) and "points" in management.columns and len(management):
            mgmt_w = float(management.loc[management["scope_id"] == sid, "points"].sum())
        expected = _expected_total(ctx, sid)
        total = ind_w + exec_w + mgmt_w
        if abs(total - expected) <= 1e-6:
            continue
        detail = ""  # consistency's sentence when it checked; here the parts are in the other placeholders
        values = {"total": total, "expected": expected, "indicator_weight": ind_w, "execution_weight": exec_w,
                  "management_weight": mgmt_w, "n_missing": n_missing, "detail": detail}
        hits.append(Hit("weights_sum", sid, ctx.scope_name(sid), values, dict(values)))
    return hits


def _expected_total(ctx: Context, scope_id: str) -> float:
    rs = scope_ruleset(ctx, scope_id)
    for attr in ("total", "total_weight", "full_marks"):
        value = getattr(rs, attr, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return float(ctx.rules.get("weights_sum")["expected_total"])
