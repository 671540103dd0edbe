"""Helpers the detectors share: cell text, numbers with units, and an indicator row's placeholders."""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from perfkit.findings.derive import Context
from perfkit.score.targets import OP_SYMBOLS, parse_target, target_from_name
from perfkit.text import formats, samples
from perfkit.values import is_missing

#: placeholders of :func:`ind_values` (an indicator row), with sample values
INDICATOR_PLACEHOLDERS: Mapping[str, Any] = {"indicator": samples.INDICATOR, "level1": samples.LEVEL1, "level2": samples.LEVEL2,
                                             "target": "≥95%", "actual": "90%"}


def text(x) -> str:
    """Return a cell as stripped text, "" when missing."""
    return "" if is_missing(x) else str(x).strip()


def indicators(ctx: Context) -> pd.DataFrame:
    """Return this year's indicators, with the scoring columns when the YearScore has them."""
    scored = getattr(ctx.scored, "indicators", None)
    if isinstance(scored, pd.DataFrame) and "indicator_id" in scored.columns:
        df = scored
        if "year" in df.columns:
            df = df[df["year"] == ctx.year]
        return df.reset_index(drop=True)
    return ctx.data.indicators


def readings(rec: dict):
    """Return the parsed target, the parsed actual, and the target read from the name when none is written."""
    t = parse_target(rec.get("target"))
    a = parse_target(rec.get("actual"))
    in_name = target_from_name(rec.get("name")) if t.kind == "blank" else None
    return t, a, in_name


def flags(rec: dict) -> set[str]:
    """Return the scoring flags of an indicator row."""
    return {f.strip() for f in text(rec.get("flags")).split(",") if f.strip()}


def ind_values(ctx: Context, rec: dict) -> dict:
    """Return an indicator row's placeholders (:data:`INDICATOR_PLACEHOLDERS`)."""
    target = text(rec.get("target"))
    if not target:
        in_name = target_from_name(rec.get("name"))
        target = (ctx.phrase("target_from_name", target=canonical(in_name)) if in_name is not None
                  else ctx.phrase("empty"))
    return {"indicator": text(rec.get("name")), "level1": text(rec.get("level1")),
            "level2": text(rec.get("level2")), "target": target,
            "actual": text(rec.get("actual")) or ctx.phrase("empty")}


def canonical(t) -> str:
    """Return a parsed target written with its operator symbol (``≥100%``)."""
    return f"{OP_SYMBOLS.get(t.op or '', '')}{formats.compact(t.value, 6, missing='')}{t.unit or ''}"


def ind_evidence(rec: dict, **extra) -> dict:
    """Return the evidence of an indicator row: its cells, scoring columns and source row, plus ``extra``."""
    keep = ("indicator_id", "name", "target", "actual", "prior_actual", "src_row", "met", "attainment", "flags",
            "score", "weight_used", "target_kind")
    ev = {k: rec.get(k) for k in keep if k in rec and not is_missing(rec.get(k))}
    ev["file"] = "indicators.csv"
    ev.update(extra)
    return ev


def scope_ruleset(ctx: Context, scope_id: str):
    """Return the rule set a scope was scored under (from the YearScore), None when unknown."""
    rules = getattr(ctx.scored, "rules", None)
    if isinstance(rules, dict):
        return rules.get(scope_id)
    return rules
