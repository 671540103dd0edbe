"""Small helpers shared by the modules that format or compare single cell values."""
from __future__ import annotations

import pandas as pd


def is_missing(x) -> bool:
    """Return True for None, pd.NA, NaN and NaT; False for any other scalar (including strings)."""
    if x is None or x is pd.NA:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # list-likes are never "a missing cell"
        return False
