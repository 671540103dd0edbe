"""Checks across a department's files: ids safe to use, scopes and parents that exist, no duplicates, known words."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from perfkit.ingest.schema import LINE_TYPES, NARRATIVE_SECTIONS, SCOPE_TYPES, STATED_KINDS
from perfkit.score.figures import ExprError, parse_expr
from perfkit.text import validation
from perfkit.text.vocabulary import GRADE_KIND, TOTAL_LINE

# An id ends up in file names (charts are saved as score_breakdown_<scope_id>.png) and in formulas:
# no path separators, no "..", no quotes, brackets or spaces.
_UNSAFE_ID_RE = re.compile(r"[/\\\s'\"`<>{}()\[\]]|\.\.|^\.")
ID_COLUMNS = {"scopes.csv": ("scope_id", "parent_scope_id"), "indicators.csv": ("indicator_id", "parent_id"),
              "stated.csv": ("figure_id",)}


Tables = dict  # file name -> (the stacked typed table, its Stacked), for the files some department has


def check_ids(tables: Tables, stage: int) -> None:
    """Record ids that could escape a folder or break a formula (``..``, ``/``, quotes, spaces)."""
    for fname, cols in ID_COLUMNS.items():
        if fname not in tables:
            continue
        df, st = tables[fname]
        st = replace(st, stage=stage)
        for col in cols:
            bad = df[col].notna() & df[col].astype(str).str.contains(_UNSAFE_ID_RE)
            st.problems(bad.to_numpy(dtype=bool), col, df[col].to_numpy(dtype=object), validation.UNSAFE_ID)


def _keys(unit: np.ndarray, *columns) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([unit, *[np.asarray(c, dtype=object) for c in columns]])


def _duplicates(df: pd.DataFrame, st, keys: list[str], what: str, rows: np.ndarray | None = None) -> None:
    """Record every row repeating an earlier row's ``keys`` within its department, naming the first."""
    keyed = df[keys].assign(_unit=st.unit)
    if rows is not None:
        keyed = keyed[rows]
    dup = (keyed.duplicated([*keys, "_unit"], keep="first") & keyed[keys].notna().all(axis=1)).to_numpy()
    if not dup.any():
        return
    first_row = df.loc[keyed.index].assign(_unit=keyed["_unit"]).drop_duplicates([*keys, "_unit"], keep="first") \
        .set_index(["_unit", *keys])["src_row"]
    for i in keyed.index[dup].tolist():
        key = tuple(df[k].iat[i] for k in keys)
        first = first_row.loc[(int(st.unit[i]), *key)]
        st.problem(i, ",".join(keys), " / ".join(str(v) for v in key), validation.DUPLICATE.format(what=what, first=int(first)))


def _known(keys: pd.MultiIndex, unit: np.ndarray, *columns) -> np.ndarray:
    return _keys(unit, *columns).isin(keys)


def check_references(tables: Tables, stage: int) -> None:
    """Cross-file checks: scopes exist, parents exist, every scope has a 合计 line (within each department)."""
    if "scopes.csv" not in tables:
        return
    scopes, s_st = tables["scopes.csv"]
    s_st = replace(s_st, stage=stage)
    # a department without a scopes table has no cross-file checks: its scopes are unknown, not missing
    with_scopes = s_st.present
    st_type = scopes["scope_type"]
    s_st.problems((st_type.notna() & ~st_type.isin(SCOPE_TYPES)).to_numpy(), "scope_type", st_type.to_numpy(dtype=object),
                  validation.SCOPE_TYPE.format(allowed=validation.LIST_SEP.join(SCOPE_TYPES)))
    known = _keys(s_st.unit, scopes["year"], scopes["scope_id"])
    parent = scopes["parent_scope_id"]
    has_parent = parent.notna().to_numpy()
    missing = has_parent & ~_known(known, s_st.unit, scopes["year"], parent)
    s_st.problems(missing, "parent_scope_id", parent.to_numpy(dtype=object),
                  [validation.NO_PARENT_SCOPE.format(year=y) for y in scopes["year"].tolist()] if missing.any() else "")
    for fname, (df, st) in tables.items():
        if fname == "scopes.csv" or "scope_id" not in df.columns:
            continue
        st = replace(st, stage=stage)
        has = (df["scope_id"].notna() & df["year"].notna()).to_numpy() & with_scopes[st.unit]
        missing = has & ~_known(known, st.unit, df["year"], df["scope_id"])
        st.problems(missing, "scope_id", df["scope_id"].to_numpy(dtype=object),
                    [validation.NO_SCOPE.format(year=y) for y in df["year"].tolist()] if missing.any() else "")
    if "budget.csv" in tables:
        budget, b_st = tables["budget.csv"]
        b_st = replace(b_st, stage=stage)
        in_scope = with_scopes[b_st.unit]
        lt = budget["line_type"]
        b_st.problems((lt.notna() & ~lt.isin(LINE_TYPES)).to_numpy() & in_scope, "line_type", lt.to_numpy(dtype=object),
                      validation.LINE_TYPE.format(allowed=validation.LIST_SEP.join(LINE_TYPES)))
        total = (budget["line"] == TOTAL_LINE).to_numpy()
        totals = _keys(b_st.unit[total], budget["year"][total], budget["scope_id"][total])
        no_total = b_st.present[s_st.unit] & ~_known(totals, s_st.unit, scopes["year"], scopes["scope_id"])
        for i in np.flatnonzero(no_total).tolist():
            b_st.file_problem(int(s_st.unit[i]), "line", TOTAL_LINE, validation.NO_TOTAL_LINE.format(
                scope=scopes["scope_id"].iat[i], year=scopes["year"].iat[i], row=int(scopes["src_row"].iat[i])))
        _duplicates(budget, b_st, ["year", "scope_id", "line"], validation.WHAT_BUDGET_LINE, rows=in_scope)
    if "narrative.csv" in tables:
        narrative, n_st = tables["narrative.csv"]
        n_st = replace(n_st, stage=stage)
        sec = narrative["section"]
        unknown = (sec.notna() & ~sec.isin(NARRATIVE_SECTIONS)).to_numpy() & with_scopes[n_st.unit]
        n_st.problems(unknown, "section", sec.to_numpy(dtype=object),
                      validation.NARRATIVE_SECTION.format(sections="、".join(NARRATIVE_SECTIONS)))
    _duplicates(scopes, s_st, ["year", "scope_id"], validation.WHAT_SCOPE)
    if "indicators.csv" in tables:
        ind, i_st = tables["indicators.csv"]
        i_st = replace(i_st, stage=stage)
        in_scope = with_scopes[i_st.unit]
        _duplicates(ind, i_st, ["year", "indicator_id"], validation.WHAT_INDICATOR_ID, rows=in_scope)
        _duplicates(ind, i_st, ["year", "scope_id", "level1", "level2", "name"], validation.WHAT_INDICATOR,
                    rows=in_scope)
        ids = _keys(i_st.unit, ind["year"], ind["indicator_id"])
        pid = ind["parent_id"]
        missing = pid.notna().to_numpy() & in_scope & ~_known(ids, i_st.unit, ind["year"], pid)
        i_st.problems(missing, "parent_id", pid.to_numpy(dtype=object),
                      [validation.NO_PARENT_INDICATOR.format(year=y) for y in ind["year"].tolist()] if missing.any() else "")
    if "stated.csv" in tables:
        _check_stated(*tables["stated.csv"], with_scopes, stage)


def _check_stated(stated: pd.DataFrame, st, with_scopes: np.ndarray, stage: int) -> None:
    own_stage = st.stage
    st = replace(st, stage=stage)
    in_scope = with_scopes[st.unit]
    _duplicates(stated, st, ["year", "figure_id"], validation.WHAT_FIGURE_ID, rows=in_scope)
    kind = stated["kind"]
    st.problems((kind.notna() & ~kind.isin(STATED_KINDS)).to_numpy() & in_scope, "kind", kind.to_numpy(dtype=object),
                validation.STATED_KIND.format(allowed=validation.LIST_SEP.join(STATED_KINDS)))
    needs_value = (kind.ne(GRADE_KIND) & stated["value"].isna()).to_numpy() & in_scope
    # a value refused as "not a number" is already reported for that cell
    for u in dict.fromkeys(st.unit[needs_value].tolist()):
        refused = {p.row for p in st.sink.problems_of(u, own_stage) if p.column == "value"}
        if refused:
            rows = st.unit == u
            needs_value[rows] &= ~stated["src_row"][rows].isin(refused).to_numpy()
    st.problems(needs_value, "value", [None] * len(stated), validation.VALUE_REQUIRED)
    expr = stated["expr"]
    errors: dict[str, str | None] = {}
    for text in expr[expr.notna().to_numpy() & in_scope].unique().tolist():
        try:
            parse_expr(text)  # parsed and checked only, never run here; once per distinct formula
            errors[text] = None
        except ExprError as err:
            errors[text] = validation.BAD_EXPR.format(error=err)
    bad = np.array([errors.get(e) is not None if isinstance(e, str) else False for e in expr.tolist()], dtype=bool)
    st.problems(bad & in_scope, "expr", expr.to_numpy(dtype=object),
                [errors.get(e) or "" if isinstance(e, str) else "" for e in expr.tolist()])
