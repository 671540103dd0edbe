"""Amounts as the source printed them: the decimals of each budget cell, read from what the data file holds.

A table that shows an amount from the data shows it with the precision of
the printed figure (``200963.7`` printed as ``200963.70`` stays two decimals,
``5200`` stays whole), not a precision chosen here; what perfkit computed
(changes, rates, converted amounts) gets a fixed two decimals.
"""
from __future__ import annotations

import unicodedata

import pandas as pd

from perfkit.ingest.department import Department
from perfkit.score.checkrows import printed_decimals
from perfkit.text import formats, labels

#: the amount columns of budget.csv, and the unit in which a printed cell is shown as printed
AMOUNT_COLUMNS = ("budget_original", "budget", "executed")
REPORTING_UNIT = labels.UNIT_AMOUNT
#: decimals of an amount perfkit computed or converted
COMPUTED_DECIMALS = 2


def budget_decimals(dept: Department) -> dict[tuple, int]:
    """Return (year, scope_id, line, column) -> the decimals the budget cell was printed with.

    Only cells printed in 万元 are listed: an amount converted from 元 is
    perfkit's number, shown with :data:`COMPUTED_DECIMALS`.
    """
    printed = dept.printed_cells("budget.csv")
    budget = dept.budget
    if printed.empty or budget.empty or "src_row" not in budget.columns:
        return {}
    rows = budget[["src_row", "year", "scope_id", "line", "unit"]].merge(
        printed.drop(columns=["year"], errors="ignore"), on="src_row", how="left")
    out = {}
    for rec in rows.to_dict("records"):
        if str(rec["unit"]) != REPORTING_UNIT:
            continue
        for col in AMOUNT_COLUMNS:
            text = rec.get(col)
            if isinstance(text, str) and text.strip():
                decimals = printed_decimals(unicodedata.normalize("NFKC", text))
                if decimals is not None:
                    out[(int(rec["year"]), rec["scope_id"], rec["line"], col)] = decimals
    return out


def amount_as_printed(value, decimals: int | None) -> str:
    """Return an amount with the printed ``decimals`` (thousands separated), two decimals when unknown."""
    return formats.amount(value, COMPUTED_DECIMALS if decimals is None else decimals)


def amounts_as_printed(values: pd.Series, keys, decimals: dict[tuple, int]) -> list[str]:
    """Return each of ``values`` formatted with the decimals of its key (year, scope_id, line, column)."""
    return [amount_as_printed(v, decimals.get(k)) for v, k in zip(values, keys)]
