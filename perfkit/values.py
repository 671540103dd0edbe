"""Single-value concepts shared by every step: missing cells, JSON-ready values, execution rate, polarity.

Each concept has one implementation here so that two modules cannot disagree
on it (an execution rate as a fraction in one place and a percent in another,
or two readings of which way an indicator is better).
"""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pandas as pd


def is_missing(x) -> bool:
    """Return True for None, pd.NA, NaN and NaT; False for any other scalar (including strings)."""
    if x is None or x is pd.NA:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # list-likes are never "a missing cell"
        return False


def json_ready(value):
    """Return ``value`` with NaN/inf/NA as None and numpy/pandas scalars as plain Python, recursively."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [json_ready(v) for v in sorted(value, key=str)]
    if value is pd.NA or value is pd.NaT:
        return None
    if callable(getattr(value, "tolist", None)) and not isinstance(value, (str, bytes)):
        # numpy scalars and arrays, pandas Series: plain Python values.
        value = value.tolist()
        if isinstance(value, list):
            return [json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        try:
            return value.isoformat()
        except (ValueError, TypeError):  # NaT
            return None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if repr(value) in ("<NA>", "NaT"):
        return None
    return str(value)


def to_json(value) -> str:
    """Return stable, human-readable JSON (UTF-8 text, keys in the given order, a final newline)."""
    return json.dumps(json_ready(value), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def execution_rate(executed, budget):
    """Return executed / budget as a fraction (0.99255, not 99.255); NaN where the budget is 0 or missing.

    Works on scalars and on aligned Series/arrays alike.  A percent is made
    from it only when shown (``rate * 100``), never stored.
    """
    if np.ndim(executed) == 0 and np.ndim(budget) == 0:
        if is_missing(executed) or is_missing(budget) or float(budget) <= 0:
            return math.nan
        return float(executed) / float(budget)
    e = pd.to_numeric(pd.Series(executed) if not isinstance(executed, pd.Series) else executed, errors="coerce")
    b = pd.to_numeric(pd.Series(budget) if not isinstance(budget, pd.Series) else budget, errors="coerce")
    return e / b.where(b > 0)
