"""Year over year for indicators: actual values against the prior year, directional targets, stated 同比 figures.

Pure like the rest of :mod:`perfkit.compare`: the 保持 tolerance comes from the
:class:`~perfkit.rules.book.RuleBook` handed in, and the recomputed stated
figures from the :func:`perfkit.score.checks.check_stated` result handed in;
nothing is read or scored here.  The table conventions (``prior``, ``current``,
``change`` …) and the prior-year policy are those of :mod:`perfkit.compare.yoy`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfkit.instrument import counted
from perfkit.compare.common import NO_CURRENT, NO_PRIOR, ZERO_BASE, join_notes, nearly_equal, scope_namer
from perfkit.compare.yoy import (CHANGE_COLUMNS, change, gap_note, pair_years, prior_context, prior_label,
                                 typed_frame)
from perfkit.ingest.department import Department
from perfkit.rules.book import RuleBook
from perfkit.rules.ruleset import RuleSet
from perfkit.score.checks import matches, printed_decimals
from perfkit.score.targets import parse_target
from perfkit.text import formats, labels, messages
from perfkit.text.vocabulary import CHANGE_KIND
from perfkit.values import is_missing

# Recognised input, not output: direction words a stated direction may be written in.
RECOGNISED_INPUT = ("_STATED_DIRECTIONS",)
_STATED_DIRECTIONS = {"上升": "up", "提升": "up", "提高": "up", "增长": "up", "增加": "up", "下降": "down",
                      "降低": "down", "减少": "down", "保持": "keep", "持平": "keep", "稳定": "keep"}

_DIRECTION_WORDS = labels.DIRECTIONS


# --------------------------------------------------------------------------- indicators


def read_measure(text) -> tuple[float, str | None, str]:
    """Return the measured number in an 实际完成值, its unit, and why it is not usable.

    Uses :func:`perfkit.score.targets.parse_target`.  Only a plain measurement counts:
    a bound (``90%以上``, ``≥90%``: a copy of the target, not a measurement), a
    year-over-year change (``同比下降13.8%``: not a level), qualitative words
    and blanks give NaN with the reason.

    Returns
    -------
    tuple
        ``(value, unit, reason)``; ``reason`` is empty when ``value`` is usable.
    """
    t = parse_target(text)
    if t.kind == "blank":
        return np.nan, None, messages.MEASURE_EMPTY
    if t.kind == "quantitative" and t.value is not None:
        if t.op_written:
            return np.nan, t.unit, messages.MEASURE_BOUND.format(text=t.text)
        return float(t.value), t.unit, ""
    if t.kind == "directional":
        amount = formats.quantity(t.value, t.unit) if t.value is not None else ""
        return np.nan, t.unit, messages.MEASURE_CHANGE.format(text=t.text, direction=_DIRECTION_WORDS[t.direction],
                                                               amount=amount)
    if t.kind == "qualitative":
        return np.nan, None, messages.MEASURE_QUALITATIVE.format(text=t.text)
    return np.nan, None, messages.MEASURE_UNKNOWN.format(text=t.text)


def _target_direction(target) -> str | None:
    t = parse_target(target)
    return t.direction if t.kind == "directional" else None


def direction_met(prior, current, direction: str, tolerance: float = 0.0, keep_means: str = "no_decline"
                  ) -> bool | None:
    """Return whether ``current`` moved from ``prior`` the way a directional target asks.

    :mod:`perfkit.score.scoring` applies the same test inside its scoring of a
    directional target; this is the plain-value form, for tables.

    Parameters
    ----------
    prior, current : float
    direction : {'up', 'down', 'keep'} or 上升/下降/保持/提升 …
    tolerance : float, default 0
        How far ``keep`` may move and still be met, in the values' unit (百分点
        for rates).  ``up``/``down`` need a strict move.
    keep_means : {'no_decline', 'unchanged'}
        The rule set's reading of 保持: not below the prior (default, cz2020),
        or within ``tolerance`` of it either way.

    Returns
    -------
    bool or None
        None when either value is missing.  ``keep`` is met at equality: the
        reference report's 98.00% → 98.00% meets 保持 exactly at the boundary.
    """
    if is_missing(prior) or is_missing(current):
        return None
    d = _STATED_DIRECTIONS.get(direction, direction)
    p, c = float(prior), float(current)
    eps = 1e-9 * max(1.0, abs(p), abs(c))
    if d == "up":
        return c - p > eps
    if d == "down":
        return p - c > eps
    if d == "keep":
        if keep_means == "unchanged":
            return abs(c - p) <= tolerance + eps
        return c - p >= -tolerance - eps
    raise ValueError(messages.UNKNOWN_DIRECTION.format(direction=direction))


def _keep_rule(rs: RuleSet) -> tuple[float, float, str]:
    """Return a rule set's reading of 保持: (tolerance in 百分点, relative tolerance, keep_means)."""
    return float(rs.keep_tolerance_pp), float(rs.keep_tolerance_rel), rs.keep_means


IND_KEYS = ["scope_id", "level1", "level2", "name"]


@counted("yoy_indicators")
def yoy_indicators(dept: Department, year: int, book: RuleBook, allow_gap: bool = True) -> pd.DataFrame:
    """Return the year-over-year change of every indicator's actual value.

    Indicators are matched across years by (scope_id, level1, level2, name):
    ids may differ by year.  The prior value is the matched row's ``actual`` in
    the prior year; when the data have no usable ``year - 1`` value, the current
    row's ``prior_actual`` (上年实际值) is used instead (``prior_source`` says
    which).  When both exist and disagree, the prior year's own actual is used
    and ``note`` shows both.

    Parameters
    ----------
    dept : Department
    year : int
    book : RuleBook
        The department's rules (:func:`perfkit.rules.book.rulebook_for`): each
        scope's rule set says how 保持 is read, as in scoring.
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.

    Returns
    -------
    DataFrame
        One row per indicator of ``year``, then indicators found only in the
        prior year: ``year``, ``prior_year``, ``prior_label``, ``scope_id``,
        ``scope_name``, ``indicator_id``, ``level1``, ``level2``, ``name``,
        ``target``, ``actual``, ``prior_text``, ``prior_source``, ``unit``,
        ``prior``, ``current``, ``change`` (百分点 when the unit is %), ``change_unit``,
        ``pct_change`` (%; empty for percentages), ``change_kind`` (``rate`` or
        ``number``), ``direction`` (上升/下降/保持 when the target is directional),
        ``direction_met`` (True/False, NA when it cannot be checked),
        ``at_boundary`` (True when 保持 is met without any improvement: equal to
        the prior, or below it within the rule set's tolerance), ``note``.
        保持's reading and tolerance come from the scope's rule set
        (``directional.keep_means``, ``keep_tolerance_pp``/``_rel``), as in scoring.
    """
    year = dept.require_year(year)
    prior, label, why = prior_context(dept, year, allow_gap)
    name_of = scope_namer(dept)
    ind = dept.indicators
    cols = ["indicator_id", "target", "actual", "prior_actual"]
    cur = ind[ind["year"] == year]
    old = ind[ind["year"] == prior] if prior is not None else ind.iloc[0:0]
    paired = pair_years(cur, old, IND_KEYS, cols)
    # the rule set scoring follows for each scope (Department.rule_set_for), so 保持 reads the same in both
    keep = {sid: _keep_rule(book.for_scope(dept, sid, year)) for sid in dict.fromkeys(paired["scope_id"])}
    rows = [_indicator_row(name_of, year, prior, label, why, rec, keep[rec["scope_id"]])
            for rec in paired.to_dict("records")]
    df = typed_frame(rows, _IND_COLUMNS)
    df["direction_met"] = df["direction_met"].astype("boolean")
    df["at_boundary"] = df["at_boundary"].astype("boolean")
    return df


_IND_COLUMNS = (["year", "prior_year", "prior_label", "scope_id", "scope_name", "indicator_id", "level1", "level2",
                 "name", "target", "actual", "prior_text", "prior_source", "unit"] + CHANGE_COLUMNS[:-1]
                + ["direction", "direction_met", "at_boundary", "note"])


def _indicator_row(name_of, year, prior, label, why, rec, keep) -> dict:
    """Return one row of :func:`yoy_indicators` from a paired (current, prior) record."""
    in_cur = rec["in_cur"]
    target = rec["target_cur"] if in_cur else rec["target_old"]
    actual = rec["actual_cur"] if in_cur else None
    c_val, c_unit, c_why = read_measure(actual) if in_cur else (np.nan, None, "")
    (p_year, p_label, p_text, p_source, p_val, p_unit), notes = _indicator_prior(year, prior, label, why, rec)
    if math.isnan(c_val):
        notes.append(messages.WITH_REASON.format(
            what=NO_CURRENT, why=messages.IN_YEAR.format(year=year, what=c_why or messages.NO_INDICATOR)))
    unit = c_unit or p_unit
    kind = "rate" if unit == "%" else "number"
    ch = change(p_val, c_val, kind, unit)
    ch.pop("note")  # its generic reasons are replaced by the specific ones above
    if c_unit and p_unit and c_unit != p_unit:
        ch["change"], ch["pct_change"] = np.nan, np.nan
        notes.append(messages.UNIT_MISMATCH.format(prior=p_unit, current=c_unit))
    elif not math.isnan(ch["change"]):
        if kind != "rate" and p_val == 0:
            notes.append(ZERO_BASE)
        if p_year != year - 1:
            notes.append(gap_note(year, p_year))
    direction = _target_direction(target)
    met, boundary = pd.NA, pd.NA
    stated_move = _stated_move(actual) if in_cur and math.isnan(c_val) else None
    if stated_move is not None and math.isnan(ch["change"]):
        # the actual itself is a year-over-year change (同比下降13.8%): show it as stated
        _, amount, move_unit = stated_move
        ch["change_kind"], unit = "number", (None if move_unit == "%" else move_unit)
        if move_unit == "%":
            ch["pct_change"], ch["change_unit"] = amount, ""
        else:
            ch["change"], ch["change_unit"] = amount, move_unit or ""
        p_year, p_label, p_source = year - 1, prior_label(year, year - 1), messages.PRIOR_FROM_CHANGE
        notes = [n for n in notes if not n.startswith((NO_PRIOR, NO_CURRENT))]
        notes.append(messages.STATED_CHANGE_NOTE.format(actual=actual))
    if direction is not None:
        met, boundary, note = _direction_check(direction, ch["change"], kind, p_val, c_val, unit, stated_move, keep)
        notes.append(note)
    return {"year": year, "prior_year": p_year, "prior_label": p_label, "scope_id": rec["scope_id"],
            "scope_name": name_of(rec["scope_id"]),
            "indicator_id": rec["indicator_id_cur"] if in_cur else rec["indicator_id_old"],
            "level1": rec["level1"], "level2": rec["level2"], "name": rec["name"], "target": target,
            "actual": actual, "prior_text": p_text, "prior_source": p_source, "unit": unit, **ch,
            "direction": _DIRECTION_WORDS.get(direction) if direction else None,
            "direction_met": met, "at_boundary": boundary, "note": join_notes(*notes)}


def _indicator_prior(year, prior, label, why, rec) -> tuple[tuple, list[str]]:
    """Return the prior used (year, label, text, source, value, unit) and its notes.

    Two candidates: the prior year's own row, and this year's 上年实际值
    (``year - 1`` by definition).  The prior year's row wins when it is
    consecutive or the only one; a missing prior says the most specific reason.
    """
    in_cur, in_old = rec["in_cur"], rec["in_old"]
    notes = []
    o_val, o_unit, o_why = read_measure(rec["actual_old"]) if in_old else (np.nan, None, "")
    stated = rec["prior_actual_cur"] if in_cur else None
    s_val, s_unit, s_why = read_measure(stated) if not is_missing(stated) else (np.nan, None, "")
    consecutive = prior is not None and prior == year - 1
    if not math.isnan(o_val) and (consecutive or math.isnan(s_val)):
        if consecutive and not math.isnan(s_val) and not nearly_equal(o_val, s_val):
            notes.append(messages.PRIOR_CONFLICT.format(year=prior, prior=rec["actual_old"], stated=stated))
        return (prior, label, rec["actual_old"], messages.PRIOR_FROM_ACTUAL.format(year=prior), o_val, o_unit), notes
    if not math.isnan(s_val):
        return (year - 1, prior_label(year, year - 1), stated, messages.PRIOR_FROM_STATED, s_val, s_unit), notes
    if in_old and o_why:
        p_why = messages.IN_YEAR.format(year=prior, what=o_why)
    elif not is_missing(stated) and s_why:
        p_why = messages.STATED_PRIOR_REASON.format(why=s_why)
    elif prior is None:
        p_why = why
    else:
        p_why = messages.IN_YEAR.format(year=prior, what=messages.NO_INDICATOR)
    notes.append(messages.WITH_REASON.format(what=NO_PRIOR, why=p_why))
    return (prior, label, rec["actual_old"] if in_old else stated, "", np.nan, None), notes


def _direction_check(direction, change_value, kind, p_val, c_val, unit, stated_move, keep) -> tuple:
    """Return (direction met, 保持 met only at the boundary, note) of a directional target.

    保持 is read with the scope's rule set (``keep``: tolerance in 百分点, relative
    tolerance, keep_means).  Met without any improvement is the weakest way to
    meet it (the reference report's 基本实现), so it is flagged.
    """
    tol_pp, tol_rel, keep_means = keep
    if math.isnan(change_value) and stated_move is not None:
        ok = direction_met(0.0, stated_move[1], direction, 0.0, keep_means)
    elif math.isnan(change_value):
        ok = None
    else:
        tol = tol_pp if kind == "rate" else tol_rel * abs(p_val)
        ok = direction_met(p_val, c_val, direction, tol, keep_means)
    if ok is None:
        return pd.NA, pd.NA, messages.DIRECTION_UNCHECKED
    measured = not (math.isnan(c_val) or math.isnan(p_val))
    boundary = bool(direction == "keep" and ok and measured and c_val - p_val <= 1e-9 * max(1.0, abs(p_val)))
    if not boundary:
        return ok, boundary, ""
    flat = messages.KEEP_FLAT if nearly_equal(c_val, p_val) else messages.KEEP_WITHIN_TOLERANCE
    return ok, boundary, messages.KEEP_AT_BOUNDARY.format(how=flat, prior=_fmt(p_val, unit), current=_fmt(c_val, unit))


def _stated_move(text) -> tuple[str, float, str | None] | None:
    """Return (direction, signed amount, unit) of an actual written as a change (同比下降13.8% → -13.8)."""
    t = parse_target(text)
    if t.kind != "directional" or t.value is None or t.direction not in ("up", "down"):
        return None
    return t.direction, (-t.value if t.direction == "down" else t.value), t.unit


def _fmt(x: float, unit: str | None) -> str:
    """Return a measured value as a note shows it: percentages with two decimals, other numbers as written."""
    return formats.percent(x) if unit == labels.UNIT_PERCENT else formats.quantity(x, unit)


# --------------------------------------------------------------------------- stated year-over-year figures


@counted("stated_yoy")
def stated_yoy(dept: Department, year: int, checks: pd.DataFrame, book: RuleBook) -> pd.DataFrame:
    """Return the report's stated year-over-year figures (stated.csv kind 同比) with what can be recomputed.

    A figure with an ``expr`` takes the value :func:`perfkit.score.checks.check_stated`
    recomputed (``checks``: its result for ``year``).  A figure without
    one is matched by name to an indicator of the same scope (the label without
    同比, e.g. ``群众投诉件数同比`` → 群众投诉件数) whose actual is a number in both
    ``year`` and ``year - 1``; it is then recomputed as the percent change (unit
    %) or the change in 百分点 (unit 百分点).  Otherwise it is listed only (仅列示).
    A stated figure printed with k decimals matches when it is within half a unit
    of its last digit (domain.md §6; :func:`perfkit.score.checks.matches`).

    Parameters
    ----------
    dept : Department
    year : int
    checks : DataFrame
        ``check_stated(dept, year, scored)``.
    book : RuleBook
        The department's rules, for :func:`yoy_indicators`.

    Returns
    -------
    DataFrame
        ``year``, ``figure_id``, ``scope_id``, ``label``, ``stated_text``, ``stated``,
        ``unit``, ``sentence``, ``expr``, ``recomputed``, ``difference``, ``decimals``,
        ``ok`` (boolean, NA when listed only), ``status`` (一致/不一致/仅列示), ``basis``
        (how it was recomputed, or why not), ``source``, ``assumption``.
    """
    year = dept.require_year(year)
    st = dept.stated
    st = st[(st["year"] == year) & (st["kind"] == CHANGE_KIND)]
    columns = ["year", "figure_id", "scope_id", "label", "stated_text", "stated", "unit", "sentence", "expr",
               "recomputed", "difference", "decimals", "ok", "status", "basis", "source", "assumption"]
    if st.empty:
        return _typed_stated(pd.DataFrame(columns=columns))
    by_expr = _checks_by_figure(checks) if st["expr"].notna().any() else {}
    ind = None
    rows = []
    for rec in st.to_dict("records"):
        k = printed_decimals(rec["stated_text"]) or 0
        recomputed, basis = np.nan, ""
        hit = by_expr.get(rec["figure_id"]) if not is_missing(rec["expr"]) else None
        if hit is not None and not is_missing(hit):
            recomputed, basis = float(hit), messages.BY_FORMULA.format(expr=rec["expr"])
        else:
            if ind is None:
                ind = yoy_indicators(dept, year, book, allow_gap=False)
            recomputed, basis = _match_indicator(ind, rec, year)
            if not is_missing(rec["expr"]):
                why = messages.FORMULA_VALUES_MISSING if rec["figure_id"] in by_expr else messages.FORMULA_NOT_CHECKED
                basis = (messages.FORMULA_FAILED_FALLBACK if not math.isnan(recomputed)
                         else messages.FORMULA_FAILED).format(why=why, basis=basis)
        ok = pd.NA
        diff = np.nan
        if not math.isnan(recomputed) and not is_missing(rec["value"]):
            # one rule for "matches as printed" across perfkit: the consistency module's
            diff = float(rec["value"]) - recomputed
            ok = bool(matches(float(rec["value"]), recomputed, k))
        status = labels.STATUS[None if ok is pd.NA else ok]
        rows.append({"year": year, "figure_id": rec["figure_id"], "scope_id": rec["scope_id"], "label": rec["label"],
                     "stated_text": rec["stated_text"], "stated": rec["value"], "unit": rec["unit"],
                     "sentence": rec["sentence"], "expr": rec["expr"], "recomputed": recomputed,
                     "difference": diff, "decimals": k, "ok": ok, "status": status,
                     "basis": basis if ok is not pd.NA else (messages.LISTED_ONLY.format(status=status, basis=basis)
                                                             if basis else status),
                     "source": rec["source"], "assumption": rec["assumption"]})
    return _typed_stated(pd.DataFrame(rows, columns=columns))


def _typed_stated(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("stated", "recomputed", "difference"):
        df[col] = df[col].astype("float64")
    df["decimals"] = df["decimals"].astype("Int64")
    df["ok"] = df["ok"].astype("boolean")
    return df


def _checks_by_figure(checks: pd.DataFrame) -> dict:
    """Return figure_id -> recomputed value from the consistency module's checks."""
    if checks.empty or "recomputed" not in checks.columns or "figure_id" not in checks.columns:
        return {}
    rows = checks[checks["figure_id"].notna()]
    found = rows[rows["recomputed"].notna()].drop_duplicates("figure_id")
    out = dict.fromkeys(rows["figure_id"], np.nan)  # present but not recomputable
    out.update(zip(found["figure_id"], found["recomputed"]))
    return out


def _match_indicator(ind: pd.DataFrame, rec: dict, year: int) -> tuple[float, str]:
    """Return (recomputed value, basis) for a stated 同比 figure matched to an indicator by name."""
    name = str(rec["label"]).replace(CHANGE_KIND, "").strip()
    pool = ind if is_missing(rec["scope_id"]) else ind[ind["scope_id"] == rec["scope_id"]]
    hits = pool[pool["name"] == name]
    if hits.empty:
        hits = pool[pool["name"].map(lambda n: bool(n) and (str(n) in name or name in str(n)))]
    if hits.empty:
        return np.nan, messages.NO_MATCHING_INDICATOR
    if len(hits) > 1:
        return np.nan, messages.SEVERAL_INDICATORS.format(names=messages.LIST_SEP.join(hits["name"]))
    h = hits.iloc[0]
    years = {"indicator": messages.INDICATOR_NAMED.format(name=h["name"]), "prior": year - 1, "year": year}
    if is_missing(h["prior"]) or is_missing(h["current"]) or h["prior_year"] != year - 1:
        return np.nan, messages.NO_COMPARABLE_VALUES.format(**years)
    if rec["unit"] == labels.UNIT_POINTS:
        return float(h["change"]), messages.POINTS_DIFFERENCE.format(**years)
    if h["change_kind"] == "rate" and rec["unit"] == labels.UNIT_PERCENT:
        # a stated "%" change of a percentage is ambiguous: relative change or points
        rel = (h["current"] - h["prior"]) / abs(h["prior"]) * 100 if h["prior"] else np.nan
        return rel, messages.RELATIVE_OF_RATE.format(**years)
    if is_missing(h["pct_change"]):
        return np.nan, messages.PRIOR_ZERO.format(**years)
    return float(h["pct_change"]), messages.PERCENT_CHANGE.format(**years)
