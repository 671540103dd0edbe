"""Turning one file's text cells into typed columns, recording every cell that is not what its column expects.

Every file is read as text first (:mod:`perfkit.ingest.reading`), so one run
reports every bad cell of every file (row, column, value, what was expected)
instead of stopping at the first.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from perfkit.ingest.reading import row_list
from perfkit.ingest.stack import Stacked
from perfkit.ingest.schema import AMOUNT_UNITS, NOT_APPLICABLE, NUMBER_KINDS
from perfkit.text import validation

# ASCII digits only: \d also matches full-width and other scripts' digits, which to_numeric cannot read
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _required_cells(st: Stacked, col: str) -> None:
    """Record every empty cell of a required column (with a hint when the cell above is filled: merged cells)."""
    raw = st.frame[col]
    empty = (raw == "").to_numpy()
    if not empty.any():
        return
    above = raw.shift(1, fill_value="").to_numpy(dtype=object)
    first = np.ones(len(raw), dtype=bool)
    first[1:] = st.unit[1:] != st.unit[:-1]
    above[first] = ""  # the row above another department's first row is not its cell
    hints = np.where(above != "", validation.MERGED_CELL_HINT, "")
    st.problems(empty, col, [""] * len(raw), [validation.REQUIRED.format(hint=h) for h in hints])


_WIDE_RE = "[\uff01-\uff5e\u3000]"


def _number_text(st: Stacked, raw: pd.Series, col: str) -> pd.Series:
    """Return number cells in ASCII: full-width digits, ％ and separators NFKC-normalised (with a notice), 1,234 → 1234.

    Excel with a Chinese input method easily types １９９４６６ or ９８．５; such
    a cell is read as the number it shows, and the notice says so, rather
    than being refused or, worse, read as empty.
    """
    wide = raw.str.contains(_WIDE_RE, regex=True).to_numpy(dtype=bool)
    text = raw
    if wide.any():
        folded = raw.to_numpy(dtype=object).copy()
        folded[wide] = [_fold_width(v) for v in folded[wide]]
        text = pd.Series(folded, index=raw.index, dtype=str)
        changed = (text != raw).to_numpy()
        src = st.frame["src_row"].to_numpy()
        for u in dict.fromkeys(st.unit[changed].tolist()):
            at = np.flatnonzero(changed & (st.unit == u))
            st.notice(u, validation.FULL_WIDTH_NOTICE.format(file=st.files[u], column=col,
                                                             rows=row_list(src[at].tolist()), raw=raw.iat[at[0]],
                                                             folded=text.iat[at[0]]))
    return text.str.replace(",", "", regex=False)


def _fold_width(value: str) -> str:
    """Return ``value`` with full-width forms (U+FF01–U+FF5E, ideographic space) NFKC-folded to ASCII.

    Only that block: NFKC would also turn ² into 2 or ① into 1, silently
    changing a number, so other characters are left for the check to refuse.
    """
    return "".join(unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" or ch == "\u3000" else ch
                   for ch in value).strip()


def _number_problem(cleaned: str) -> str:
    """Return why a number cell is refused, naming what it holds."""
    if cleaned.endswith("%"):
        return validation.NUMBER_WITH_PERCENT
    if any(ch.isdigit() for ch in cleaned):
        return validation.NUMBER_WITH_TEXT
    return validation.NUMBER


def _numbers(st: Stacked, col: str, kind: str, years: list[list[int] | None], required: bool = True) -> pd.Series:
    """Return a number column, recording every cell that is not a number of the kind expected.

    An optional amount or number may be written —, / or 无 (not applicable):
    read as empty here, kept apart from empty in ``Department.printed``.
    ``years`` holds per department its declared years (None: unknown, not checked).
    """
    raw = st.frame[col]
    empty = raw == ""
    if not required and kind in ("amount", "float"):
        empty = empty | raw.isin(NOT_APPLICABLE)
    cleaned = _number_text(st, raw, col)
    ok = (cleaned.str.fullmatch(_NUMBER_RE) | empty).to_numpy(dtype=bool)
    if not ok.all():
        st.problems(~ok, col, raw.to_numpy(dtype=object),
                    [_number_problem(t) if not good else "" for t, good in zip(cleaned.tolist(), ok.tolist())])
    numbers = pd.to_numeric(cleaned.where(ok & ~empty), errors="coerce").astype("float64")
    checks = []
    if kind == "amount":
        checks.append((numbers < 0, validation.NEGATIVE_AMOUNT))
    if kind in ("year", "month", "int"):
        checks.append((numbers.notna() & (numbers != numbers.round()), validation.INTEGER))
    if kind == "year":
        known = np.array([y is not None for y in years], dtype=bool)
        allowed = [u * 10_000 + int(y) for u, ys in enumerate(years) if ys for y in ys]
        key = st.unit * 10_000 + numbers.fillna(0).to_numpy()
        unknown = numbers.notna().to_numpy() & known[st.unit] & ~np.isin(key, allowed)
        declared = [validation.UNKNOWN_YEAR.format(declared=validation.LIST_SEP.join(map(str, ys))
                                                   or validation.NONE_DECLARED) if ys is not None else ""
                    for ys in years]
        checks.append((unknown, np.asarray(declared, dtype=object)[st.unit]))
    if kind == "month":
        checks.append((numbers.notna() & ~numbers.between(1, 12), validation.MONTH))
    values = raw.to_numpy(dtype=object)
    for bad, expected in checks:
        st.problems(np.asarray(bad, dtype=bool), col, values, expected)
    if kind in ("year", "month", "int"):
        # plain int64 when complete, so merges and groupbys behave; nullable only when cells are bad
        ints = numbers.round()
        return ints.astype("int64") if ints.notna().all() else ints.astype("Int64")
    return numbers


def convert_columns(st: Stacked, schema: dict[str, tuple[str, bool]],
                    years: list[list[int] | None]) -> pd.DataFrame:
    """Return the stacked text cells as typed columns, recording every bad cell.

    ``years`` per department: None means its declared years are unknown
    (department.yaml unreadable): its year cells are then not checked against
    them, so one broken YAML file gives one problem, not one per row.
    """
    df = st.frame
    out = {"src_row": df["src_row"].astype("int64")}
    for col, (kind, required) in schema.items():
        raw = df[col]
        empty = raw == ""
        if required:
            _required_cells(st, col)
        if kind in ("year", "month", "int", "amount", "float"):
            out[col] = _numbers(st, col, kind, years, required)
        elif kind == "unit":
            bad = ~empty & ~raw.isin(list(AMOUNT_UNITS))
            st.problems(bad.to_numpy(), col, raw.to_numpy(dtype=object), validation.UNKNOWN_UNIT)
            out[col] = raw.mask(empty)
        else:
            out[col] = raw.mask(empty)
    for col in (c for c in df.columns if c not in schema and c != "src_row"):
        out[col] = df[col].mask(df[col] == "")
    return pd.DataFrame(out)


def check_units(df: pd.DataFrame, st: Stacked, amount_cols: list[str]) -> pd.DataFrame:
    """Refuse files that mix 元 and 万元; convert amounts to 万元 (those of a mixed file are left as printed)."""
    unit_col = df["unit"]
    known = unit_col.isin(list(AMOUNT_UNITS)).to_numpy()
    kinds = pd.DataFrame({"u": st.unit[known], "unit": unit_col[known].to_numpy()}).drop_duplicates()
    n_kinds = kinds.groupby("u").size()
    mixed = np.zeros(len(st.files), dtype=bool)
    mixed[n_kinds.index[n_kinds > 1].to_numpy(dtype=np.int64)] = True
    bounds = st.bounds()
    for u in np.flatnonzero(mixed).tolist():
        part = df.iloc[int(bounds[u]):int(bounds[u + 1])]
        counts = part["unit"][part["unit"].isin(list(AMOUNT_UNITS))].value_counts()
        majority = counts.index[0]
        minority = part[part["unit"].isin(list(AMOUNT_UNITS)) & (part["unit"] != majority)]
        rows = validation.LIST_SEP.join(str(int(r)) for r in minority["src_row"])
        st.file_problem(u, "unit", minority["unit"].iloc[0], validation.MIXED_UNITS.format(majority=majority, rows=rows),
                        row=int(minority["src_row"].iloc[0]))
    factor = unit_col.map(AMOUNT_UNITS).astype("float64").fillna(1.0).to_numpy().copy()
    factor[mixed[st.unit]] = 1.0
    df = df.copy()
    for col in amount_cols:
        df[col] = df[col] * factor
    return df


#: Spending above this multiple of the full-year budget (全年预算数) is taken for
#: a typing error, not a real overspend: carried-over funds (上年结转) and
#: mid-year top-ups can push execution somewhat above the budget line, but
#: half as much again almost always means a 元/万元 mix-up or a digit too many.
OVERSPEND_FACTOR = 1.5


def check_spending(df: pd.DataFrame, st: Stacked) -> None:
    """Record budget lines with spending but no (or a zero) budget, and spending far above the budget."""
    if "budget" not in df or "executed" not in df:
        return
    raw = st.frame
    budget, executed = df["budget"], df["executed"]
    spent = executed > 0
    for i in np.flatnonzero((spent & ~(budget > 0)).to_numpy()).tolist():
        value = raw["budget"].iat[i]
        st.problem(i, "budget", value, validation.SPENT_WITHOUT_BUDGET.format(
            why=validation.BUDGET_EMPTY if value == "" else validation.BUDGET_ZERO, executed=raw["executed"].iat[i]))
    over = spent & (budget > 0) & (executed > OVERSPEND_FACTOR * budget)
    for i in np.flatnonzero(over.to_numpy()).tolist():
        st.problem(i, "executed", raw["executed"].iat[i],
                   validation.OVERSPENT.format(budget=raw["budget"].iat[i], ratio=executed.iat[i] / budget.iat[i],
                                               factor=OVERSPEND_FACTOR))


def printed_cells(st: Stacked, converted: pd.DataFrame, schema: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """Return src_row, year and every number column's cells as printed (their decimals set the precision)."""
    cols = [c for c, (kind, _) in schema.items() if kind in NUMBER_KINDS]
    out = st.frame[["src_row", *cols]].copy()
    if "year" in converted.columns:
        out.insert(1, "year", converted["year"].array)  # nullable kept: each department's part is set on splitting
    return out
