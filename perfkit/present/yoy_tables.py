"""The year-over-year tables of the notebooks, compact: one row per budget line, measures as columns, notes once.

:mod:`perfkit.compare.yoy` returns long tables (one row per line and
measure), the right shape to compute with; a reader wants one row per
budget line with each measure's 上年 | 本年 | 增减 side by side, and a note
that applies to many rows said once, below the table.
"""
from __future__ import annotations

import pandas as pd

from perfkit.analysis import YearAnalysis
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.present.printed import amount_as_printed, budget_decimals
from perfkit.present.tables import ReportTable, noted_table, split_notes
from perfkit.text import formats, labels, messages

COLUMNS = labels.COLUMNS
_AMOUNT_FIELDS = ("budget_original", "budget", "executed")


def _ordered(a: YearAnalysis, table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with scopes in scopes.csv order and, within a scope, 合计 first, then budget.csv order."""
    scope_rank = {sid: i for i, sid in enumerate(dict.fromkeys(a.data.scopes["scope_id"]))}
    lines = a.dept.budget.sort_values("line", key=lambda s: s.ne(TOTAL_LINE), kind="stable")
    line_rank = {line: i for i, line in enumerate(dict.fromkeys(lines["line"]))}
    return (table.assign(_scope=table["scope_id"].map(scope_rank), _line=table["line"].map(line_rank))
            .sort_values(["_scope", "_line"], kind="stable").drop(columns=["_scope", "_line"]))


def _measures_of(notes: dict[str, str]) -> dict[str, list[str]]:
    """Return each note of one row -> the measures (年初预算数, 执行率 …) whose cell it explains."""
    out: dict[str, list[str]] = {}
    for label, note in notes.items():
        for part in split_notes(note):
            out.setdefault(part, []).append(label)
    return out


def _row_notes(rows_notes: list[dict[str, str]]) -> list[str]:
    """Return each row's notes, each once: a note of the whole row (or of a whole row elsewhere) alone, others
    after the measures they are of (``执行率：无上年数据…``)."""
    parsed = [_measures_of(notes) for notes in rows_notes]
    general = {part for notes, m in zip(rows_notes, parsed) for part, of in m.items() if len(of) == len(notes)}
    return [messages.NOTE_SEP.join(
        part if part in general else messages.YOY_MEASURE_NOTE.format(measure=messages.LIST_SEP.join(of), note=part)
        for part, of in m.items()) for m in parsed]


def budget_wide(a: YearAnalysis) -> ReportTable:
    """Return one row per budget line: each amount's 上年 | 本年 | 增减率, the execution rate's 上年 | 本年 | 增减.

    Amounts are shown with the decimals the source printed them with; changes
    and rates (perfkit's) with two.  年初预算数 is left out when neither year has
    one.  Notes (no prior, an empty cell, a non-consecutive prior) are listed
    once below the table, each row marking the ones that apply to it.
    """
    amounts, rates = a.yoy_budget, a.yoy_execution
    fields = [f for f in _AMOUNT_FIELDS
              if amounts.loc[amounts["field"] == f, ["prior", "current"]].notna().any().any()] or ["budget"]
    prior, year = a.prior_year, a.year
    decimals = budget_decimals(a.dept)
    head_prior, head_current = labels.YOY_PRIOR.format(year=prior), labels.YOY_CURRENT.format(year=year)
    by_field = {f: g.set_index(["scope_id", "line"]) for f, g in amounts.groupby("field")}
    rate_rows = rates.set_index(["scope_id", "line"])
    keys = _ordered(a, rates[["scope_id", "line", "scope_name"]].drop_duplicates(["scope_id", "line"]))
    rows, rows_notes = [], []
    for sid, line, scope_name in keys.itertuples(index=False, name=None):
        row = {(COLUMNS["scope"], ""): scope_name, (COLUMNS["line"], ""): line}
        notes = {}
        for f in fields:
            r = by_field[f].loc[(sid, line)]
            label = labels.BUDGET_FIELDS[f]
            row[(label, head_prior)] = amount_as_printed(r["prior"], decimals.get((prior, sid, line, f)))
            row[(label, head_current)] = amount_as_printed(r["current"], decimals.get((year, sid, line, f)))
            row[(label, labels.YOY_PCT_CHANGE)] = formats.percent(r["pct_change"])
            notes[label] = str(r["note"] or "")
        r = rate_rows.loc[(sid, line)]
        row[(labels.EXECUTION_RATE, head_prior)] = formats.percent(r["prior"])
        row[(labels.EXECUTION_RATE, head_current)] = formats.percent(r["current"])
        row[(labels.EXECUTION_RATE, labels.YOY_POINTS_CHANGE)] = formats.number(r["change"])
        notes[labels.EXECUTION_RATE] = str(r["note"] or "")
        rows.append(row)
        rows_notes.append(notes)
    table = pd.DataFrame(rows)
    table[(COLUMNS["note"], "")] = _row_notes(rows_notes)
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    return noted_table(table, (COLUMNS["note"], ""))


def indicators_noted(table: pd.DataFrame) -> ReportTable:
    """Return a year-over-year indicator table (Chinese headings) with its 备注 column's notes listed once below."""
    if COLUMNS["note"] not in table.columns:
        return table
    return noted_table(table, COLUMNS["note"])
