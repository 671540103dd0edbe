"""Year over year: budget lines, execution rates and scores against the prior year in the data.

Every function here is pure: it takes a loaded
:class:`~perfkit.ingest.department.Department` and what has already been
computed from it (a :class:`~perfkit.score.scoring.YearScore`), and returns a
new DataFrame; nothing is read, printed or scored here.  Indicators are
compared in :mod:`perfkit.compare.indicators`.

Conventions shared by every comparison table
--------------------------------------------
``prior`` / ``current``
    The two values compared.  Amounts are in 万元 (the loader already converted
    them); rates and percentages are in percent (``99.26`` for 99.26%).
``change``, ``change_unit``
    ``current - prior`` in ``change_unit``: 万元 for amounts, 百分点 for rates and
    percentages, 分 for scores, the indicator's own unit otherwise.
``pct_change``
    Relative change in %, ``(current - prior) / |prior| * 100``.  Never computed
    for rates and percentages: the change of a rate is read in 百分点, never as
    a percent of a percent, so ``pct_change`` is empty there by design.
``change_kind``
    ``amount``, ``rate``, ``score`` or ``number``: what the change is.
``note``
    Why a value is missing (``无上年数据``, ``无法计算：上年为0`` …) or what to keep in
    mind (a non-consecutive prior year).  A number is never inf, and an empty
    number always has its reason here, except ``pct_change`` of a rate.

"Previous year" policy
----------------------
The prior is the latest earlier year present in the data (``dept.years``).  When
that is not ``year - 1`` it is still used, labelled ``上年（2020，非连续）`` in
``prior_label`` and explained in ``note`` (the change then spans several years).
Pass ``allow_gap=False`` to treat such a prior as missing instead (``无上年数据``).
For indicators, the row's own ``prior_actual`` (上年实际值, by definition year-1)
is used when the data have no usable year-1 row, so a department with one year
of data still gets its stated year-over-year comparisons.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfkit.instrument import counted
from perfkit.compare.common import (BUDGET_FIELDS, CHANGE_KINDS, CHANGE_UNITS, NO_CURRENT, NO_PRIOR, ZERO_BASE,
                                    base_column, join_notes, nearly_equal, scope_namer)
from perfkit.ingest.department import Department
from perfkit.score.scoring import YearScore
from perfkit.text import formats, labels, messages
from perfkit.values import execution_rate, is_missing

# --------------------------------------------------------------------------- change


def change(prior, current, kind: str = "amount", unit: str | None = None, *,
           prior_missing: str = "", current_missing: str = "") -> dict:
    """Return the change from ``prior`` to ``current``, labelled with what it is.

    Parameters
    ----------
    prior, current : float or None
        The two values; None/NaN means unknown (never read as 0).  Rates and
        percentages are given in percent (98.0 for 98%).
    kind : {'amount', 'rate', 'score', 'number'}
        ``amount`` (万元), ``rate`` (a rate or percentage; change in 百分点 and no
        percent change), ``score`` (分) or ``number`` (any other quantity, in ``unit``).
    unit : str, optional
        Unit of a ``number``; ignored for the other kinds.
    prior_missing, current_missing : str, optional
        Detail appended to ``无上年数据`` / ``无本年数据`` when a value is missing.

    Returns
    -------
    dict
        ``prior``, ``current``, ``change``, ``change_unit``, ``pct_change`` (%),
        ``change_kind`` and ``note``.  A missing or zero base gives NaN with the
        reason in ``note``, never inf.

    Examples
    --------
    >>> change(98.0, 98.0, "rate")["change"]
    0.0
    >>> change(0, 5, "amount")["note"]
    '无法计算：上年为0'
    """
    if kind not in CHANGE_KINDS:
        raise ValueError(messages.UNKNOWN_CHANGE_KIND.format(kind=kind, allowed=messages.LIST_SEP.join(CHANGE_KINDS)))
    change_unit = CHANGE_UNITS.get(kind, unit or "")
    out = {"prior": np.nan if is_missing(prior) else float(prior),
           "current": np.nan if is_missing(current) else float(current),
           "change": np.nan, "change_unit": change_unit, "pct_change": np.nan,
           "change_kind": kind, "note": ""}
    p, c = out["prior"], out["current"]
    notes = []
    if math.isnan(p):
        notes.append(messages.WITH_REASON.format(what=NO_PRIOR, why=prior_missing) if prior_missing else NO_PRIOR)
    if math.isnan(c):
        notes.append(messages.WITH_REASON.format(what=NO_CURRENT, why=current_missing) if current_missing
                     else NO_CURRENT)
    if not notes:
        out["change"] = c - p
        if kind != "rate":
            pct = (c - p) / abs(p) * 100 if p != 0 else np.nan
            if p == 0 or not math.isfinite(pct):  # a base so near 0 that the ratio overflows is 0
                notes.append(ZERO_BASE)
            else:
                out["pct_change"] = pct
    out["note"] = join_notes(*notes)
    return out


# --------------------------------------------------------------------------- prior year


def previous_year(dept: Department, year: int, allow_gap: bool = True) -> int | None:
    """Return the comparison year of ``year`` (see :meth:`Department.prior_year`)."""
    return dept.prior_year(year, allow_gap)


def prior_label(year: int, prior: int | None) -> str:
    """Return how a table names its comparison year: ``上年（2022）``, ``上年（2020，非连续）`` or ``无上年数据``."""
    if prior is None:
        return NO_PRIOR
    if prior == int(year) - 1:
        return messages.PRIOR_LABEL.format(prior=prior)
    return messages.PRIOR_LABEL_GAP.format(prior=prior)


def gap_note(year: int, prior: int | None) -> str:
    """Return the note of a non-consecutive prior (``比较基期为2020年（非连续，缺2021年；…）``); empty when consecutive."""
    if prior is None or prior == year - 1:
        return ""
    missing = messages.LIST_SEP.join(str(y) for y in range(prior + 1, year))
    return messages.GAP_NOTE.format(prior=prior, missing=missing, span=year - prior)


def prior_context(dept: Department, year: int, allow_gap: bool) -> tuple[int | None, str, str]:
    """Return (prior year, its label, the reason when there is none)."""
    prior = previous_year(dept, year, allow_gap)
    if prior is not None:
        return prior, prior_label(year, prior), ""
    earlier = previous_year(dept, year, True)
    if earlier is None:
        why = messages.YEAR_NOT_IN_DATA.format(year=year - 1)
    else:
        why = messages.YEAR_NOT_IN_DATA_NEAREST.format(year=year - 1, earlier=earlier)
    return None, NO_PRIOR, why


# --------------------------------------------------------------------------- pairing


def pair_years(cur: pd.DataFrame, old: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.DataFrame:
    """Return current and prior rows side by side on ``keys``.

    Current rows keep their order; rows only in the prior year follow.  Value
    columns get ``_cur``/``_old`` suffixes, ``in_cur``/``in_old`` say where a row exists.
    """
    a = cur[keys + cols].copy()
    a["in_cur"] = True
    a["_order"] = np.arange(len(a), dtype=float)
    b = old[keys + cols].copy()
    b["in_old"] = True
    b["_order_old"] = np.arange(len(b), dtype=float)
    merged = a.merge(b, on=keys, how="outer", suffixes=("_cur", "_old"), sort=False)
    merged["in_cur"] = merged["in_cur"].eq(True)
    merged["in_old"] = merged["in_old"].eq(True)
    merged["_order"] = merged["_order"].fillna(len(a) + merged["_order_old"])
    merged = merged.sort_values("_order", kind="stable").drop(columns=["_order", "_order_old"])
    return merged.reset_index(drop=True)


# --------------------------------------------------------------------------- budget


@counted("yoy_budget")
def yoy_budget(dept: Department, year: int, allow_gap: bool = True) -> pd.DataFrame:
    """Return the year-over-year change of every budget line and field.

    Parameters
    ----------
    dept : Department
    year : int
        The current year; the prior is the latest earlier year in the data
        (see the module docstring).
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.

    Returns
    -------
    DataFrame
        One row per (scope, line, field), in the current year's order, then
        lines found only in the prior year.  Columns: ``year``, ``prior_year``,
        ``prior_label``, ``scope_id``, ``scope_name``, ``line``, ``line_type``,
        ``field`` (``budget_original``/``budget``/``executed``), ``field_label``
        (年初预算数/全年预算数/全年执行数), ``prior``, ``current`` (万元), ``change``,
        ``change_unit`` (万元), ``pct_change`` (%), ``change_kind`` (``amount``), ``note``.
    """
    year = dept.require_year(year)
    prior, label, why = prior_context(dept, year, allow_gap)
    name_of = scope_namer(dept)
    fields = list(BUDGET_FIELDS)
    b = dept.budget
    cur = b[b["year"] == year]
    old = b[b["year"] == prior] if prior is not None else b.iloc[0:0]
    paired = pair_years(cur, old, ["scope_id", "line"], ["line_type"] + fields)
    gap = gap_note(year, prior)
    rows = []
    for rec in paired.to_dict("records"):
        line_type = rec["line_type_cur"] if rec["in_cur"] else rec["line_type_old"]
        for f in fields:
            if prior is None:
                p_why = why
            else:
                p_why = messages.IN_YEAR.format(year=prior, what=messages.FIELD_EMPTY if rec["in_old"]
                                                else messages.NO_BUDGET_LINE)
            c_why = messages.IN_YEAR.format(year=year, what=messages.FIELD_EMPTY if rec["in_cur"]
                                            else messages.NO_BUDGET_LINE)
            ch = change(rec[f + "_old"] if rec["in_old"] else None, rec[f + "_cur"] if rec["in_cur"] else None,
                        "amount", prior_missing=p_why, current_missing=c_why)
            ch["note"] = join_notes(ch["note"], gap if not is_missing(ch["change"]) else "")
            rows.append({"year": year, "prior_year": prior, "prior_label": label, "scope_id": rec["scope_id"],
                         "scope_name": name_of(rec["scope_id"]), "line": rec["line"],
                         "line_type": line_type, "field": f, "field_label": BUDGET_FIELDS[f], **ch})
    return typed_frame(rows, _BUDGET_COLUMNS)


CHANGE_COLUMNS = ["prior", "current", "change", "change_unit", "pct_change", "change_kind", "note"]
_BUDGET_COLUMNS = ["year", "prior_year", "prior_label", "scope_id", "scope_name", "line", "line_type", "field",
                   "field_label"] + CHANGE_COLUMNS


def typed_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Return the rows as a DataFrame with the comparison tables' dtypes (Int64 years, float64 values)."""
    df = pd.DataFrame(rows, columns=columns)
    if "prior_year" in df.columns:
        df["prior_year"] = df["prior_year"].astype("Int64")
    for col in ("prior", "current", "change", "pct_change"):
        if col in df.columns:
            df[col] = df[col].astype("float64")
    return df


# --------------------------------------------------------------------------- execution


def execution_rates(budget: pd.DataFrame, base: str = "adjusted") -> pd.DataFrame:
    """Return ``budget`` with ``execution_rate`` (%) and ``rate_note`` columns added.

    执行率 = 全年执行数 / 全年预算数 × 100 (``base='adjusted'``, the Chinese
    definition), or / 年初预算数 with ``base='original'``.  Not capped at 100:
    the score caps it, the comparison should not.  A zero or empty base gives
    NaN and the reason in ``rate_note``.
    """
    col = base_column(base)
    out = budget.copy()
    den = out[col]
    out["execution_rate"] = (execution_rate(out["executed"], den) * 100).astype("float64")
    label = BUDGET_FIELDS[col]
    notes = np.where(den.isna(), messages.RATE_BASE_EMPTY.format(base=label),
                     np.where(den.eq(0), messages.RATE_BASE_ZERO.format(base=label),
                              np.where(out["executed"].isna(), messages.RATE_EXECUTED_EMPTY, "")))
    out["rate_note"] = notes
    return out


@counted("yoy_execution")
def yoy_execution(dept: Department, year: int, allow_gap: bool = True, base: str = "adjusted") -> pd.DataFrame:
    """Return the year-over-year change of the execution rate of every budget line, in 百分点.

    Parameters
    ----------
    dept : Department
    year : int
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.
    base : {'adjusted', 'original'}
        Denominator of the rate: 全年预算数 (default, the Chinese 执行率) or 年初预算数.

    Returns
    -------
    DataFrame
        One row per (scope, line): ``year``, ``prior_year``, ``prior_label``,
        ``scope_id``, ``scope_name``, ``line``, ``line_type``, ``base_label``,
        ``prior``, ``current`` (rates in %), ``change`` (百分点), ``change_unit``,
        ``pct_change`` (always empty: a rate's change is read in 百分点),
        ``change_kind`` (``rate``), ``note``.
    """
    year = dept.require_year(year)
    prior, label, why = prior_context(dept, year, allow_gap)
    name_of = scope_namer(dept)
    b = execution_rates(dept.budget, base)
    cur = b[b["year"] == year]
    old = b[b["year"] == prior] if prior is not None else b.iloc[0:0]
    paired = pair_years(cur, old, ["scope_id", "line"], ["line_type", "execution_rate", "rate_note"])
    gap = gap_note(year, prior)
    base_label = BUDGET_FIELDS[base_column(base)]
    rows = []
    for rec in paired.to_dict("records"):
        if prior is None:
            p_why = why
        else:
            p_why = messages.IN_YEAR.format(year=prior, what=_rate_reason(rec, "old"))
        c_why = messages.IN_YEAR.format(year=year, what=_rate_reason(rec, "cur"))
        ch = change(rec["execution_rate_old"] if rec["in_old"] else None,
                    rec["execution_rate_cur"] if rec["in_cur"] else None, "rate",
                    prior_missing=p_why, current_missing=c_why)
        ch["note"] = join_notes(ch["note"], gap if not is_missing(ch["change"]) else "")
        rows.append({"year": year, "prior_year": prior, "prior_label": label, "scope_id": rec["scope_id"],
                     "scope_name": name_of(rec["scope_id"]), "line": rec["line"],
                     "line_type": rec["line_type_cur"] if rec["in_cur"] else rec["line_type_old"],
                     "base_label": base_label, **ch})
    return typed_frame(rows, ["year", "prior_year", "prior_label", "scope_id", "scope_name", "line", "line_type",
                              "base_label"] + CHANGE_COLUMNS)


def _rate_reason(rec: dict, which: str) -> str:
    """Return why a paired row's execution rate is missing in one of its years (``which``: cur or old)."""
    if not rec[f"in_{which}"]:
        return messages.NO_BUDGET_LINE
    return str(rec[f"rate_note_{which}"]).removeprefix(messages.RATE_NOT_COMPUTABLE)


# --------------------------------------------------------------------------- scores


def _comparability(rec: dict, prior: int, year: int) -> list[str]:
    """Return :func:`perfkit.text.formats.score_caveats` of a paired row of :func:`yoy_scores` (``_old``/``_cur`` columns)."""
    side = {s: {k: rec.get(f"{k}_{s}") for k in ("status", "weight", "score", "score_max")} for s in ("old", "cur")}
    return formats.score_caveats(side["old"], side["cur"], prior, year)


def score_frames(scored: YearScore) -> pd.DataFrame:
    """Return one long frame of a YearScore: scope totals, 一级指标 subtotals and indicator scores."""
    key_cols = ["level", "scope_id", "level1", "level2", "name"]
    parts = []
    s = scored.by_scope
    parts.append(pd.DataFrame({"level": "scope", "scope_id": s["scope_id"], "level1": "", "level2": "", "name": "",
                               "weight": s.get("weight"), "score": s["score"], "grade": s.get("grade"),
                               "status": s.get("status"), "score_max": s.get("score_max")}))
    lv = scored.by_level1
    parts.append(pd.DataFrame({"level": "level1", "scope_id": lv["scope_id"], "level1": lv["level1"], "level2": "",
                               "name": "", "weight": lv.get("weight"), "score": lv["score"], "grade": None}))
    ind = scored.indicators
    weight = ind["weight_used"] if "weight_used" in ind.columns else ind.get("weight")
    parts.append(pd.DataFrame({"level": "indicator", "scope_id": ind["scope_id"], "level1": ind["level1"],
                               "level2": ind["level2"], "name": ind["name"], "weight": weight, "score": ind["score"],
                               "grade": None}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    for col in key_cols:
        out[col] = out[col].fillna("").astype(str)
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce").astype("float64")
    out["score"] = pd.to_numeric(out["score"], errors="coerce").astype("float64")
    return out


_LEVEL_LABELS = labels.SCORE_LEVELS


def _score_reason(year: int, what: str, present: bool) -> str:
    """Return why a score row has no score in ``year``: it is not there, or it was not scored."""
    reason = messages.SCORE_ROW_UNSCORED if present else messages.SCORE_ROW_MISSING
    return messages.IN_YEAR.format(year=year, what=reason.format(what=what))


@counted("yoy_scores")
def yoy_scores(dept: Department, year: int, scored: YearScore, prior_scored: YearScore | None,
               allow_gap: bool = True) -> pd.DataFrame:
    """Return the year-over-year change of the scores computed by :func:`perfkit.score.scoring.score_year`.

    Parameters
    ----------
    dept : Department
    year : int
    scored : YearScore
        The scores of ``year``.
    prior_scored : YearScore or None
        The scores of the comparison year (:meth:`Department.prior_year`); None
        only when there is none.
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.

    Returns
    -------
    DataFrame
        Scope totals, then 一级指标 subtotals, then indicators, each matched by
        (scope_id, level1, level2, name): ``year``, ``prior_year``, ``prior_label``,
        ``level`` (``scope``/``level1``/``indicator``), ``level_label``, ``scope_id``,
        ``scope_name``, ``level1``, ``level2``, ``name``, ``prior_weight``, ``weight``,
        ``prior_grade``, ``grade`` (scope totals), ``prior``, ``current`` (分), ``change``
        (分), ``change_unit``, ``pct_change`` (%), ``change_kind`` (``score``), ``note``.
    """
    year = dept.require_year(year)
    prior, label, why = prior_context(dept, year, allow_gap)
    if prior is not None and prior_scored is None:
        raise ValueError(messages.YOY_NEEDS_PRIOR_SCORED.format(year=year, prior=prior))
    name_of = scope_namer(dept)
    cur = score_frames(scored)
    old = score_frames(prior_scored) if prior is not None else cur.iloc[0:0]
    keys = ["level", "scope_id", "level1", "level2", "name"]
    paired = pair_years(cur, old, keys, ["weight", "score", "grade", "status", "score_max"])
    # scope totals, then subtotals, then indicators; within each, scopes in this year's order
    level_rank = paired["level"].map({"scope": 0, "level1": 1, "indicator": 2})
    scope_order = {sid: i for i, sid in enumerate(dict.fromkeys(list(cur["scope_id"]) + list(old["scope_id"])))}
    paired = paired.assign(_l=level_rank, _s=paired["scope_id"].map(scope_order))
    paired = paired.sort_values(["_l", "_s"], kind="stable").drop(columns=["_l", "_s"]).reset_index(drop=True)
    gap = gap_note(year, prior)
    rows = []
    for rec in paired.to_dict("records"):
        what = labels.SCORE_LEVEL_SUBJECTS[rec["level"]]
        p_why = why if prior is None else _score_reason(prior, what, rec["in_old"])
        c_why = _score_reason(year, what, rec["in_cur"])
        ch = change(rec["score_old"] if rec["in_old"] else None, rec["score_cur"] if rec["in_cur"] else None,
                    "score", prior_missing=p_why, current_missing=c_why)
        notes = [ch.pop("note")]
        if not is_missing(ch["change"]):
            notes.append(gap)
            w0, w1 = rec["weight_old"], rec["weight_cur"]
            if not is_missing(w0) and not is_missing(w1) and not nearly_equal(float(w0), float(w1)):
                notes.append(messages.WEIGHT_CHANGED.format(prior=formats.compact(w0), current=formats.compact(w1)))
            g0, g1 = rec.get("grade_old"), rec.get("grade_cur")
            if rec["level"] == "scope" and isinstance(g0, str) and isinstance(g1, str) and g0 != g1:
                notes.append(messages.GRADE_CHANGED.format(prior=g0, current=g1))
            if rec["level"] == "scope":
                notes += _comparability(rec, prior, year)
        rows.append({"year": year, "prior_year": prior, "prior_label": label, "level": rec["level"],
                     "level_label": _LEVEL_LABELS[rec["level"]], "scope_id": rec["scope_id"],
                     "scope_name": name_of(rec["scope_id"]), "level1": rec["level1"] or None,
                     "level2": rec["level2"] or None, "name": rec["name"] or None,
                     "prior_weight": rec["weight_old"] if rec["in_old"] else np.nan,
                     "weight": rec["weight_cur"] if rec["in_cur"] else np.nan,
                     "prior_grade": rec["grade_old"] if rec["in_old"] else None,
                     "grade": rec["grade_cur"] if rec["in_cur"] else None, **ch, "note": join_notes(*notes)})
    return typed_frame(rows, ["year", "prior_year", "prior_label", "level", "level_label", "scope_id", "scope_name",
                              "level1", "level2", "name", "prior_weight", "weight", "prior_grade", "grade"]
                       + CHANGE_COLUMNS)
