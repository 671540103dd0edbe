"""Checks across a department's files: ids safe to use, scopes and parents that exist, no duplicates, known words."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from perfkit.errors import Problem
from perfkit.ingest.schema import LINE_TYPES, NARRATIVE_SECTIONS, SCOPE_TYPES, STATED_KINDS
from perfkit.score.figures import ExprError, parse_expr
from perfkit.text import validation
from perfkit.text.vocabulary import GRADE_KIND, TOTAL_LINE

# An id ends up in file names (charts are saved as score_breakdown_<scope_id>.png) and in formulas:
# no path separators, no "..", no quotes, brackets or spaces.
_UNSAFE_ID_RE = re.compile(r"[/\\\s'\"`<>{}()\[\]]|\.\.|^\.")
ID_COLUMNS = {"scopes.csv": ("scope_id", "parent_scope_id"), "indicators.csv": ("indicator_id", "parent_id"),
              "stated.csv": ("figure_id",)}


def check_ids(tables: dict[str, pd.DataFrame], path: Path, problems: list[Problem]) -> None:
    """Record ids that could escape a folder or break a formula (``..``, ``/``, quotes, spaces)."""
    for fname, cols in ID_COLUMNS.items():
        df = tables.get(fname)
        for col in cols if df is not None else ():
            bad = df[col].notna() & df[col].astype(str).str.contains(_UNSAFE_ID_RE)
            for row, value in zip(df.loc[bad, "src_row"], df.loc[bad, col]):
                problems.append(Problem(str(path / fname), int(row), col, value,
                                        validation.UNSAFE_ID))


def _duplicates(df: pd.DataFrame, keys: list[str], fname: str, what: str, problems: list[Problem]) -> None:
    dup = df.duplicated(keys, keep="first") & df[keys].notna().all(axis=1)
    if not dup.any():
        return
    first_row = df.drop_duplicates(keys, keep="first").set_index(keys)["src_row"]
    for _, rec in df[dup].iterrows():
        key = tuple(rec[k] for k in keys)
        first = first_row.loc[key if len(keys) > 1 else key[0]]
        value = " / ".join(str(v) for v in key)
        problems.append(Problem(fname, int(rec["src_row"]), ",".join(keys), value,
                                validation.DUPLICATE.format(what=what, first=int(first))))


def check_references(tables: dict[str, pd.DataFrame], path: Path, problems: list[Problem]) -> None:
    """Cross-file checks: scopes exist, parents exist, every scope has a 合计 line."""
    scopes = tables.get("scopes.csv")
    if scopes is None:
        return
    f_scopes = str(path / "scopes.csv")
    for _, rec in scopes[scopes["scope_type"].notna() & ~scopes["scope_type"].isin(SCOPE_TYPES)].iterrows():
        problems.append(Problem(f_scopes, int(rec["src_row"]), "scope_type", rec["scope_type"],
                                validation.SCOPE_TYPE.format(allowed=validation.LIST_SEP.join(SCOPE_TYPES))))
    known = set(zip(scopes["year"], scopes["scope_id"]))
    for _, rec in scopes[scopes["parent_scope_id"].notna()].iterrows():
        if (rec["year"], rec["parent_scope_id"]) not in known:
            problems.append(Problem(f_scopes, int(rec["src_row"]), "parent_scope_id", rec["parent_scope_id"],
                                    validation.NO_PARENT_SCOPE.format(year=rec["year"])))
    for fname, df in tables.items():
        if fname == "scopes.csv" or df is None or "scope_id" not in df.columns:
            continue
        has = df["scope_id"].notna() & df["year"].notna()
        for _, rec in df[has].iterrows():
            if (rec["year"], rec["scope_id"]) not in known:
                problems.append(Problem(str(path / fname), int(rec["src_row"]), "scope_id", rec["scope_id"],
                                        validation.NO_SCOPE.format(year=rec["year"])))
    budget = tables.get("budget.csv")
    if budget is not None:
        f_budget = str(path / "budget.csv")
        for _, rec in budget[budget["line_type"].notna() & ~budget["line_type"].isin(LINE_TYPES)].iterrows():
            problems.append(Problem(f_budget, int(rec["src_row"]), "line_type", rec["line_type"],
                                    validation.LINE_TYPE.format(allowed=validation.LIST_SEP.join(LINE_TYPES))))
        totals = set(zip(budget.loc[budget["line"] == TOTAL_LINE, "year"],
                         budget.loc[budget["line"] == TOTAL_LINE, "scope_id"]))
        for _, rec in scopes.iterrows():
            if (rec["year"], rec["scope_id"]) not in totals:
                problems.append(Problem(f_budget, None, "line", TOTAL_LINE,
                                        validation.NO_TOTAL_LINE.format(scope=rec["scope_id"], year=rec["year"],
                                                                         row=int(rec["src_row"]))))
        _duplicates(budget, ["year", "scope_id", "line"], f_budget, validation.WHAT_BUDGET_LINE, problems)
    narrative = tables.get("narrative.csv")
    if narrative is not None:
        unknown = narrative["section"].notna() & ~narrative["section"].isin(NARRATIVE_SECTIONS)
        for _, rec in narrative[unknown].iterrows():
            problems.append(Problem(str(path / "narrative.csv"), int(rec["src_row"]), "section", rec["section"],
                                    validation.NARRATIVE_SECTION.format(sections="、".join(NARRATIVE_SECTIONS))))
    _duplicates(scopes, ["year", "scope_id"], f_scopes, validation.WHAT_SCOPE, problems)
    ind = tables.get("indicators.csv")
    if ind is not None:
        f_ind = str(path / "indicators.csv")
        _duplicates(ind, ["year", "indicator_id"], f_ind, validation.WHAT_INDICATOR_ID, problems)
        _duplicates(ind, ["year", "scope_id", "level1", "level2", "name"], f_ind, validation.WHAT_INDICATOR,
                    problems)
        ids = set(zip(ind["year"], ind["indicator_id"]))
        for _, rec in ind[ind["parent_id"].notna()].iterrows():
            if (rec["year"], rec["parent_id"]) not in ids:
                problems.append(Problem(f_ind, int(rec["src_row"]), "parent_id", rec["parent_id"],
                                        validation.NO_PARENT_INDICATOR.format(year=rec["year"])))
    stated = tables.get("stated.csv")
    if stated is not None:
        f_stated = str(path / "stated.csv")
        _duplicates(stated, ["year", "figure_id"], f_stated, validation.WHAT_FIGURE_ID, problems)
        for _, rec in stated[stated["kind"].notna() & ~stated["kind"].isin(STATED_KINDS)].iterrows():
            problems.append(Problem(f_stated, int(rec["src_row"]), "kind", rec["kind"],
                                    validation.STATED_KIND.format(allowed=validation.LIST_SEP.join(STATED_KINDS))))
        needs_value = stated["kind"].ne(GRADE_KIND) & stated["value"].isna()
        # a value refused as "not a number" is already reported for that cell
        refused = {p.row for p in problems if p.file == f_stated and p.column == "value"}
        for _, rec in stated[needs_value & ~stated["src_row"].isin(refused)].iterrows():
            problems.append(Problem(f_stated, int(rec["src_row"]), "value", None, validation.VALUE_REQUIRED))
        for _, rec in stated[stated["expr"].notna()].iterrows():
            try:
                parse_expr(rec["expr"])  # parsed and checked only, never run here
            except ExprError as err:
                problems.append(Problem(f_stated, int(rec["src_row"]), "expr", rec["expr"],
                                        validation.BAD_EXPR.format(error=err)))

