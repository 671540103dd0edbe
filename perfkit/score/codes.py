"""Integer codes for the distinct values of table columns: the vectorized core of scoring.

Scoring a batch means judging each distinct spelling once and spreading the
result over the rows with numpy; these helpers turn columns into codes and
combinations of codes into one code.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import CategoricalDtype


def factorize_text(values: pd.Series) -> tuple[np.ndarray, list]:
    """Return codes and the distinct texts; missing cells become one blank entry at the end."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu" and len(values):
        # whole numbers (years) span a short range: numbered by indexing, without hashing
        raw = values.to_numpy()
        low = raw.min()
        codes, first = _renumber((raw - low).astype(np.int64), int(raw.max() - low) + 1)
        return codes, list(raw[first]) + [None]
    if pd.api.types.is_numeric_dtype(values.dtype) or isinstance(values.dtype, pd.StringDtype):
        # a str column (pandas' default for text) is hashed in its own storage: converting it to
        # Python objects first costs several times the hashing
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    else:  # mixed object columns: hashing the object array directly is the fast path
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    # to_numpy first: iterating an Arrow-backed Index yields its values one by one, many times slower
    if isinstance(uniques, pd.Index):
        uniques = uniques.to_numpy(dtype=object)
    uniques = uniques.tolist() if isinstance(uniques, np.ndarray) and uniques.dtype == object else list(uniques)
    codes = np.where(codes < 0, len(uniques), codes)
    return codes, uniques + [None]


def factorize_column(df: pd.DataFrame, name: str) -> tuple[np.ndarray, list]:
    """Return :func:`factorize_text` of a column; a column the frame does not have is all missing (one code)."""
    if name in df.columns:
        return factorize_text(df[name])
    return np.zeros(len(df), dtype=np.int64), [None]


def value_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return codes of non-negative integers in order of first appearance, and the distinct values."""
    if not len(values):
        return np.zeros(0, dtype=np.int64), values[:0]
    codes, first = _renumber(values.astype(np.int64, copy=False), int(values.max()) + 1)
    return codes, values[first]


def combine(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return codes of the distinct combinations of several non-negative code arrays, and one row per combination.

    Codes are numbered in order of first appearance (as ``pd.factorize`` numbers them), so that
    categories built from them keep the order of the rows.
    """
    n = len(codes[0])
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for c in codes:
        size = int(c.max(initial=0)) + 1
        if size == 1:  # a column of one value (often an absent one) adds nothing to the key
            continue
        if radix * size >= 1 << 62:  # renumber before the mixed-radix key would overflow
            key, first = _renumber(key, radix)
            radix = len(first)
        key = key * size + c if radix > 1 else c.astype(np.int64)
        radix *= size
    return _renumber(key, radix)


def _renumber(key: np.ndarray, radix: int) -> tuple[np.ndarray, np.ndarray]:
    """Return codes 0, 1, … of the distinct values of key (all in [0, radix)) in order of first appearance, and
    the first row of each.

    While the values fit a table of a few times the rows (a few columns of few values: the usual case),
    the table is indexed directly, in a few passes over the rows that each cost less than hashing them.
    """
    n = len(key)
    if radix > max(4 * n, 1 << 16):
        key, _ = pd.factorize(key)
        first = np.empty(int(key.max(initial=-1)) + 1, dtype=np.int64)
        first[key[::-1]] = np.arange(n - 1, -1, -1)  # the earliest row of each combination
        return key, first
    if radix <= _FEW:
        # few values, all met near the top as a rule: one count shows which occur, the top rows where
        found = _few_firsts(key, radix)
        if found is not None:
            table = np.empty(radix, dtype=np.int64)
            table[key[found]] = np.arange(len(found))
            return table[key], found
    rows = np.arange(n)
    table = np.empty(radix, dtype=np.int64)
    table[key[::-1]] = rows[::-1]  # the earliest row of each value (the last write wins)
    first = np.flatnonzero(table[key] == rows)  # rows where a value first appears, in row order
    table[key[first]] = np.arange(len(first))  # now: the code of each value
    return table[key], first


_FEW = 1 << 12
_TOP = 1 << 16


def _few_firsts(key: np.ndarray, radix: int) -> np.ndarray | None:
    """Return the first row of every value of key in row order, if all occur in the top rows; else None."""
    present = np.bincount(key, minlength=radix) > 0
    top = key[:_TOP]
    first_at = np.full(radix, -1, dtype=np.int64)
    first_at[top[::-1]] = np.arange(len(top) - 1, -1, -1)
    if (first_at[present] < 0).any():
        return None
    return np.sort(first_at[present])


def column(df: pd.DataFrame, name: str) -> pd.Series:
    """Return a column, or an all-missing one when the frame does not have it."""
    if name in df.columns:
        return df[name]
    return pd.Series(np.nan, index=df.index, dtype=object)


def source_rows(df: pd.DataFrame) -> np.ndarray:
    """Return the spreadsheet row of each row (``src_row``), or 2, 3, … for a frame made in code."""
    if "src_row" in df.columns:
        return df["src_row"].to_numpy()
    return np.arange(2, len(df) + 2)


def categorical(codes: np.ndarray, labels) -> pd.Categorical:
    """Return a categorical from codes into labels that may repeat or be None (missing)."""
    values = np.empty(len(labels) + 1, dtype=object)
    values[:-1] = labels
    values[-1] = None
    remap, categories = pd.factorize(values, use_na_sentinel=True)
    dtype = _unique_categories(pd.Index(categories))
    return pd.Categorical.from_codes(remap[codes], dtype=dtype, validate=False)


def _unique_categories(categories: pd.Index) -> CategoricalDtype:
    """Return the categorical dtype of categories known to be distinct and not missing (factorize's uniques).

    The public constructor checks both again, which for a few hundred
    thousand reason texts costs as much as the factorizing itself.
    """
    fastpath = getattr(CategoricalDtype, "_from_fastpath", None)
    return fastpath(categories, False) if fastpath is not None else CategoricalDtype(categories)


def distinct_categorical(codes: np.ndarray, texts) -> pd.Categorical:
    """Return a categorical from codes into texts that are already distinct (an Arrow dictionary), as ``str``."""
    if _TEXT_DTYPE == object:  # pandas before 3 keeps text in Python objects
        categories = pd.Index(texts.to_numpy(zero_copy_only=False), dtype=object)
    else:
        categories = pd.Index(pd.array(texts, dtype=_TEXT_DTYPE))
    return pd.Categorical.from_codes(codes, dtype=_unique_categories(categories), validate=False)


# What pandas makes of Python strings: the dtype categorical()'s categories get, which distinct_categorical keeps.
_TEXT_DTYPE = pd.Index(np.array(["text"], dtype=object)).dtype
