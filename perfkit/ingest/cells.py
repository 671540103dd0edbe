"""Turning one file's text cells into typed columns, recording every cell that is not what its column expects.

Every file is read as text first (:mod:`perfkit.ingest.reading`), so one run
reports every bad cell of every file (row, column, value, what was expected)
instead of stopping at the first.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

from perfkit.errors import Problem
from perfkit.ingest.reading import row_list
from perfkit.ingest.schema import AMOUNT_UNITS, NOT_APPLICABLE, NUMBER_KINDS
from perfkit.text import validation

# ASCII digits only: \d also matches full-width and other scripts' digits, which to_numeric cannot read
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _required_cells(df: pd.DataFrame, col: str, fname: str, problems: list[Problem]) -> None:
    """Record every empty cell of a required column (with a hint when the cell above is filled: merged cells)."""
    raw = df[col]
    above = raw.shift(1, fill_value="")
    for row, prev in zip(df.loc[raw == "", "src_row"], above[raw == ""]):
        hint = validation.MERGED_CELL_HINT if prev else ""
        problems.append(Problem(fname, int(row), col, "", validation.REQUIRED.format(hint=hint)))


def _number_text(raw: pd.Series, col: str, fname: str, df: pd.DataFrame, notices: list[str]) -> pd.Series:
    """Return number cells in ASCII: full-width digits, ％ and separators NFKC-normalised (with a notice), 1,234 → 1234.

    Excel with a Chinese input method easily types １９９４６６ or ９８．５; such
    a cell is read as the number it shows, and the notice says so, rather
    than being refused or, worse, read as empty.
    """
    text = raw.map(_fold_width)
    changed = text != raw
    if changed.any():
        rows = [int(r) for r in df.loc[changed, "src_row"]]
        first = changed.idxmax()
        notices.append(validation.FULL_WIDTH_NOTICE.format(file=fname, column=col, rows=row_list(rows), raw=raw[first],
                                                          folded=text[first]))
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


def _numbers(df: pd.DataFrame, col: str, kind: str, fname: str, years: list[int] | None,
             problems: list[Problem], notices: list[str], required: bool = True) -> pd.Series:
    """Return a number column, recording every cell that is not a number of the kind expected.

    An optional amount or number may be written —, / or 无 (not applicable):
    read as empty here, kept apart from empty in ``Department.printed``.
    """
    raw = df[col]
    empty = raw == ""
    if not required and kind in ("amount", "float"):
        empty = empty | raw.isin(NOT_APPLICABLE)
    cleaned = _number_text(raw, col, fname, df, notices)
    ok = cleaned.str.fullmatch(_NUMBER_RE) | empty
    for row, value, text in zip(df.loc[~ok, "src_row"], raw[~ok], cleaned[~ok]):
        problems.append(Problem(fname, int(row), col, value, _number_problem(text)))
    numbers = pd.to_numeric(cleaned.where(ok & ~empty), errors="coerce").astype("float64")
    checks = []
    if kind == "amount":
        checks.append((numbers < 0, validation.NEGATIVE_AMOUNT))
    if kind in ("year", "month", "int"):
        checks.append((numbers.notna() & (numbers != numbers.round()), validation.INTEGER))
    if kind == "year" and years is not None:
        declared = validation.LIST_SEP.join(map(str, years)) or validation.NONE_DECLARED
        checks.append((numbers.notna() & ~numbers.isin(years),
                       validation.UNKNOWN_YEAR.format(declared=declared)))
    if kind == "month":
        checks.append((numbers.notna() & ~numbers.between(1, 12), validation.MONTH))
    for bad, expected in checks:
        for row, value in zip(df.loc[bad, "src_row"], raw[bad]):
            problems.append(Problem(fname, int(row), col, value, expected))
    if kind in ("year", "month", "int"):
        # plain int64 when complete, so merges and groupbys behave; nullable only when cells are bad
        ints = numbers.round()
        return ints.astype("int64") if ints.notna().all() else ints.astype("Int64")
    return numbers


def convert_columns(df: pd.DataFrame, schema: dict[str, tuple[str, bool]], fname: str,
                     years: list[int] | None, problems: list[Problem], notices: list[str]) -> pd.DataFrame:
    """Convert string cells to typed columns, recording every bad cell.

    ``years`` None means the declared years are unknown (department.yaml
    unreadable): year cells are then not checked against them, so one broken
    YAML file gives one problem, not one per row.
    """
    out = pd.DataFrame({"src_row": df["src_row"].astype("int64")})
    for col, (kind, required) in schema.items():
        raw = df[col]
        empty = raw == ""
        if required:
            _required_cells(df, col, fname, problems)
        if kind in ("year", "month", "int", "amount", "float"):
            out[col] = _numbers(df, col, kind, fname, years, problems, notices, required)
        elif kind == "unit":
            bad = ~empty & ~raw.isin(list(AMOUNT_UNITS))
            for row, value in zip(df.loc[bad, "src_row"], raw[bad]):
                problems.append(Problem(fname, int(row), col, value, validation.UNKNOWN_UNIT))
            out[col] = raw.mask(empty)
        else:
            out[col] = raw.mask(empty)
    extra = [c for c in df.columns if c not in schema and c != "src_row"]
    for col in extra:
        out[col] = df[col].mask(df[col] == "")
    return out


def check_units(df: pd.DataFrame, fname: str, amount_cols: list[str], problems: list[Problem]) -> pd.DataFrame:
    """Refuse files that mix 元 and 万元; convert amounts to 万元."""
    units = df["unit"].dropna()
    known = units[units.isin(list(AMOUNT_UNITS))]
    if known.nunique() > 1:
        counts = known.value_counts()
        majority = counts.index[0]
        minority_rows = df.loc[df["unit"].isin(list(AMOUNT_UNITS)) & (df["unit"] != majority), "src_row"]
        rows = validation.LIST_SEP.join(str(int(r)) for r in minority_rows)
        problems.append(Problem(fname, int(minority_rows.iloc[0]), "unit", df.loc[minority_rows.index[0], "unit"],
                                validation.MIXED_UNITS.format(majority=majority, rows=rows)))
        return df
    factor = df["unit"].map(AMOUNT_UNITS).astype("float64").fillna(1.0)
    for col in amount_cols:
        df[col] = df[col] * factor
    return df


#: Spending above this multiple of the full-year budget (全年预算数) is taken for
#: a typing error, not a real overspend: carried-over funds (上年结转) and
#: mid-year top-ups can push execution somewhat above the budget line, but
#: half as much again almost always means a 元/万元 mix-up or a digit too many.
OVERSPEND_FACTOR = 1.5


def check_spending(df: pd.DataFrame, raw: pd.DataFrame, fname: str, problems: list[Problem]) -> None:
    """Record budget lines with spending but no (or a zero) budget, and spending far above the budget."""
    if "budget" not in df or "executed" not in df:
        return
    budget, executed = df["budget"], df["executed"]
    spent = executed > 0
    for i in df.index[spent & ~(budget > 0)]:
        value = raw.at[i, "budget"]
        problems.append(Problem(fname, int(df.at[i, "src_row"]), "budget", value,
                                validation.SPENT_WITHOUT_BUDGET.format(
                                    why=validation.BUDGET_EMPTY if value == "" else validation.BUDGET_ZERO,
                                    executed=raw.at[i, "executed"])))
    for i in df.index[spent & (budget > 0) & (executed > OVERSPEND_FACTOR * budget)]:
        problems.append(Problem(fname, int(df.at[i, "src_row"]), "executed", raw.at[i, "executed"],
                                validation.OVERSPENT.format(budget=raw.at[i, "budget"], ratio=executed[i] / budget[i],
                                                            factor=OVERSPEND_FACTOR)))



def printed_cells(raw: pd.DataFrame, converted: pd.DataFrame, schema: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """Return src_row, year and every number column's cells as printed (their decimals set the precision)."""
    cols = [c for c, (kind, _) in schema.items() if kind in NUMBER_KINDS]
    out = raw[["src_row", *cols]].copy()
    if "year" in converted.columns:
        out.insert(1, "year", converted["year"].to_numpy())
    return out.reset_index(drop=True)

