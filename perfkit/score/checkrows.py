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

from perfkit.text import checking, labels

COLUMNS = ("year", "scope_id", "check", "label", "figure_id", "stated_text", "stated", "recomputed", "difference",
           "decimals", "ok", "severity", "file", "row", "detail", "tolerance", "variant")
CHECK_LABELS = checking.CHECK_LABELS
# Variants of scoring met in published tables (domain.md §8), named when one explains a printed score.
VARIANT_LABELS = checking.VARIANT_LABELS
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
    return checking.AT_ROW.format(file=file, row=int(row)) if row is not None and not pd.isna(row) else str(file)


def verdict(ok: bool | None) -> str:
    """Return 一致 / 不一致 / 无法复算 for a check's outcome."""
    return labels.NOT_RECOMPUTABLE if ok is None else labels.STATUS[bool(ok)]


def split_by(frame: pd.DataFrame, *columns: str):
    """Yield (key, rows) for each distinct value of ``columns`` (a tuple for several), in order of first appearance.

    What ``frame.groupby(columns, sort=False)`` yields (rows with an empty key
    left out), for the small tables of one department-year: a pass over the
    keys in Python and one ``take`` per group cost a fraction of a groupby,
    which a province pays for every department-year.
    """
    keys = zip(*(frame[c].tolist() for c in columns)) if len(columns) > 1 else frame[columns[0]].tolist()
    at: dict = {}
    for i, key in enumerate(keys):
        if any(_empty_key(k) for k in key) if len(columns) > 1 else _empty_key(key):
            continue
        at.setdefault(key, []).append(i)
    if len(at) == 1 and len(next(iter(at.values()))) == len(frame):
        yield next(iter(at)), frame
        return
    for key, positions in at.items():
        yield key, frame.take(positions)


def _empty_key(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))

