"""Budget execution, totals per 一级指标 group and per scope, and whole-department management ratios.

A scope's total is honest about what could not be scored: ``score_min`` is
what the scored items add up to, ``score_max`` adds the weight of every item
that could not be scored (and, for a partial transcription or a report with no
indicator table, the points of the rule's total no row accounts for).  A grade
is given only when the whole range lies in one grade band and the weights add
up to the rule's total; a scope with nothing scorable is 无法评分, not 0 and 差.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfkit.errors import Problem
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.rules.ruleset import RuleSet
from perfkit.score.codes import column, combine, factorize_text
from perfkit.score.figures import ExprError, evaluate, figure_functions
from perfkit.score.judge import _pct
from perfkit.score.targets import fmt_number
from perfkit.text import judging, labels, validation
from perfkit.text.vocabulary import PARTITION_LINE_TYPES

EXECUTION_LABEL = judging.EXECUTION_LEVEL1
STATUS_LABELS = judging.STATUS_LABELS
BASE_LABELS = {"budget": labels.BUDGET_FIELDS["budget"], "budget_original": labels.BUDGET_FIELDS["budget_original"]}


# --------------------------------------------------------------------------- execution


def score_execution(budget: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Return the budget-execution score of each (year, scope_id), from its ``合计`` line.

    The weight is the 合计 row's printed 分值 (budget.csv ``weight``) when
    given, 0 when printed as not applicable (``weight_na``), else the rule
    set's.  When the 合计 line's base is 0 or empty while the scope's partition
    lines (支出类型 or 资金来源) print amounts, the rate is taken from those lines
    (the total row was left unfilled) and the reason says so.

    Returns
    -------
    DataFrame
        year, scope_id, budget_original, budget, executed, execution_rate
        (executed ÷ the rule set's base; NaN when the base is 0 or missing),
        weight, score = min(rate, cap) × weight, reason (Chinese), base_from
        (``合计`` or the line type whose lines were added), src_row.
    """
    tot = budget[budget["line"] == TOTAL_LINE]
    base_col = rules.execution_base
    base_label = BASE_LABELS[base_col]
    rows = []
    for rec in tot.to_dict("records"):
        base, executed = _number(rec.get(base_col)), _number(rec.get("executed"))
        base_from = TOTAL_LINE
        if not base > 0:
            parts = _partition_amounts(budget, rec, base_col)
            if parts is not None:
                base, executed, base_from = parts
        weight = _execution_weight(rec, rules)
        rate = executed / base if base > 0 and not math.isnan(executed) else math.nan
        score = min(rate, rules.execution_cap) * weight if not math.isnan(rate) else math.nan
        rows.append({**({"dept": rec["dept"]} if "dept" in rec else {}),
                     "year": rec["year"], "scope_id": rec["scope_id"], "budget_original": _number(rec.get("budget_original")),
                     "budget": _number(rec.get("budget")), "executed": _number(rec.get("executed")),
                     "execution_rate": rate, "weight": weight, "score": score, "base_from": base_from,
                     "reason": _execution_reason(rules, weight, base, executed, rate, score, base_label, base_from, rec),
                     **({"src_row": rec["src_row"]} if "src_row" in rec else {})})
    cols = (["dept"] if "dept" in tot.columns else []) + ["year", "scope_id", "budget_original", "budget", "executed", "execution_rate", "weight", "score",
            "reason", "base_from"] + (["src_row"] if "src_row" in tot.columns else [])
    out = pd.DataFrame(rows, columns=cols).astype({"budget_original": float, "budget": float, "executed": float,
                                                   "execution_rate": float, "weight": float, "score": float})
    out["reason"] = out["reason"].astype("str")
    if len(tot):
        out["year"] = out["year"].astype(tot["year"].dtype)
    return out


def _number(x) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return math.nan
    return value


def _execution_weight(rec: dict, rules: RuleSet) -> float:
    """Return the weight of the execution item: the printed 分值, 0 when marked not applicable, else the rule's."""
    if rec.get("weight_na") is True:
        return 0.0
    printed = _number(rec.get("weight"))
    return printed if not math.isnan(printed) else float(rules.execution_weight)


def _partition_amounts(budget: pd.DataFrame, total: dict, base_col: str) -> tuple[float, float, str] | None:
    """Return (base, executed, line type) summed over a scope's partition lines that print a base, or None."""
    scope = budget[(budget["scope_id"] == total["scope_id"]) & (budget["year"] == total["year"])]
    if "dept" in total:  # a province scored in one pass: the lines of this department only
        scope = scope[scope["dept"] == total["dept"]]
    for line_type in PARTITION_LINE_TYPES:
        lines = scope[scope["line_type"] == line_type]
        printed = lines[pd.to_numeric(lines[base_col], errors="coerce").notna()]
        if not len(printed) or pd.to_numeric(printed["executed"], errors="coerce").isna().any():
            continue
        base = float(pd.to_numeric(printed[base_col]).sum())
        if base > 0:
            return base, float(pd.to_numeric(printed["executed"]).sum()), line_type
    return None


def _execution_reason(rules, weight, base, executed, rate, score, base_label, base_from, rec) -> str:
    if weight == 0:
        if rec.get("weight_na") is True:
            return judging.EXECUTION_WEIGHT_NA
        return judging.EXECUTION_NOT_IN_RULES.format(rule_set=rules.name)
    if math.isnan(rate):
        b = _number(rec.get(rules.execution_base))
        why = judging.BASE_ZERO if b == 0 else judging.BASE_MISSING
        if math.isnan(executed) and not math.isnan(b) and b > 0:
            why = judging.EXECUTED_MISSING
        return judging.EXECUTION_UNSCORED.format(base=base_label, why=why)
    capped = judging.EXECUTION_CAPPED if rate > rules.execution_cap else ""
    source = "" if base_from == TOTAL_LINE else \
        judging.EXECUTION_FROM_PARTS.format(base=base_label, base_from=base_from)
    return judging.EXECUTION_REASON.format(
        source=source, executed=fmt_number(round(executed, 2)), base=base_label, amount=fmt_number(round(base, 2)),
        rate=_pct(rate), capped=capped, capped_rate=_pct(min(rate, rules.execution_cap)), weight=fmt_number(weight),
        score=fmt_number(round(score, 2)))


# --------------------------------------------------------------------------- totals


def indicator_totals(scored: pd.DataFrame) -> pd.DataFrame:
    """Return weight and score per (year, scope_id, 一级指标 group), over counted top-level rows only.

    Sub-rows (其中项) are left out, so a parent and its parts are not counted
    twice; so are placeholder and not-applicable rows (``counted`` False).
    Unscored rows add 0 to ``score``, their weight to ``weight_unscored``, and
    are counted in ``n_unscored``; totals add unrounded scores.

    Returns
    -------
    DataFrame
        year, scope_id, level1 (the rule set's group), weight, score,
        n_indicators, n_unscored, weight_unscored; groups in order of first appearance.
    """
    top = column(scored, "parent_id").isna().to_numpy()
    if "counted" in scored.columns:
        top = top & scored["counted"].to_numpy(dtype=bool)
    # numbered over all rows, then kept for the counted ones: cheaper than filtering the texts first
    y_codes, years = factorize_text(scored["year"])
    s_codes, scopes = factorize_text(scored["scope_id"])
    y_codes, s_codes = y_codes[top], s_codes[top]
    groups = scored["level1_group"]
    if isinstance(groups.dtype, pd.CategoricalDtype):
        g_codes = groups.cat.codes.to_numpy()[top].astype(np.int64)
        g_names = list(groups.cat.categories)
        g_codes = np.where(g_codes < 0, len(g_names), g_codes)
        g_names.append(None)
    else:
        g_codes, g_names = factorize_text(groups[top])
    key, first = combine(y_codes, s_codes, g_codes)
    weight = np.nan_to_num(scored["weight_used"].to_numpy(dtype=float)[top])
    score = scored["score"].to_numpy(dtype=float)[top]
    size = len(first)
    unscored = np.isnan(score)
    return pd.DataFrame({
        "year": np.asarray(years, dtype=object)[y_codes[first]],
        "scope_id": np.asarray(scopes, dtype=object)[s_codes[first]],
        "level1": np.asarray(g_names, dtype=object)[g_codes[first]],
        "weight": np.bincount(key, weights=weight, minlength=size),
        "score": np.bincount(key, weights=np.where(unscored, 0.0, score), minlength=size),
        "n_indicators": np.bincount(key, minlength=size),
        "n_unscored": np.bincount(key, weights=unscored, minlength=size).astype(np.int64),
        "weight_unscored": np.bincount(key, weights=np.where(unscored, weight, 0.0), minlength=size),
    }).astype({"year": scored["year"].dtype})


def grade(score: float, rules: RuleSet) -> str | None:
    """Return the grade (优/良/中/差) of a score under ``rules``; None when the score is missing."""
    return rules.grade(score)


def grade_of_range(low: float, high: float, rules: RuleSet) -> str | None:
    """Return the grade when the whole range [low, high] lies in one grade band, else None."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return None
    g = rules.grade(low)
    return g if rules.grade(high) == g else None


def by_level1(scored: pd.DataFrame, execution: pd.DataFrame, management: pd.DataFrame,
              rules: dict[str, RuleSet], order: list[str]) -> pd.DataFrame:
    """Return one row per scope and part: 预算执行率, each 一级指标 group, the management block.

    Columns: year, scope_id, block, level1, weight, score, n_indicators,
    n_unscored, weight_unscored; the rows of a scope add up to its total.
    """
    cols = ["year", "scope_id", "block", "level1", "weight", "score", "n_indicators", "n_unscored",
            "weight_unscored"]
    parts = []
    ex = execution[execution["weight"] > 0]
    parts.append(pd.DataFrame({"year": ex["year"], "scope_id": ex["scope_id"], "block": None,
                               "level1": EXECUTION_LABEL, "weight": ex["weight"], "score": ex["score"].fillna(0.0),
                               "n_indicators": 1, "n_unscored": ex["score"].isna().astype(int),
                               "weight_unscored": ex["weight"].where(ex["score"].isna(), 0.0)}))
    if len(scored):
        ind = indicator_totals(scored)
        ind["block"] = [rules[sid].block_of(group) if sid in rules else None
                        for sid, group in zip(ind["scope_id"], ind["level1"])]
        parts.append(ind)
    if len(management):
        mg = management.assign(unscored_points=management["points"].where(management["score"].isna(), 0.0))
        mg = mg.groupby(["year", "scope_id", "block"], sort=False).agg(
            weight=("points", "sum"), score=("score", "sum"), n_indicators=("score", "size"),
            n_scored=("score", "count"), weight_unscored=("unscored_points", "sum")).reset_index()
        mg["n_unscored"] = mg["n_indicators"] - mg.pop("n_scored")
        mg["level1"] = mg["block"]
        parts.append(mg)
    out = pd.concat([p[cols] for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=cols)
    out = out.astype({"weight": float, "score": float, "weight_unscored": float, "level1": object, "block": object})
    out["block"] = out["block"].where(out["block"].notna(), None)
    rank = {sid: i for i, sid in enumerate(order)}
    return out.sort_values("scope_id", key=lambda s: s.map(rank), kind="stable").reset_index(drop=True)


BY_SCOPE_COLUMNS = ["year", "scope_id", "name", "scope_type", "rule_set", "illustrative", "weight", "score", "grade",
                    "execution_score", "indicator_score", "management_score", "n_unscored", "stated_score",
                    "stated_grade", "score_min", "score_max", "weight_unscored", "weight_missing", "incomplete",
                    "status", "status_label"]


def by_scope(dept, scopes: pd.DataFrame, levels: pd.DataFrame, rules: dict[str, RuleSet],
             problems: list[Problem]) -> pd.DataFrame:
    """Return one total per scope: the scored part, the range it may reach, and a grade only when it is certain.

    ``score`` and ``score_min`` are what the scored items add up to (NaN when
    nothing could be scored); ``score_max`` adds ``weight_unscored`` and
    ``weight_missing`` (the points of the rule's total that no row carries,
    counted only for a partial transcription or a report without an indicator
    table).  ``status``: ``complete``, ``range``, ``unscorable`` or
    ``weights_off`` (the weights do not add up to the rule's total: no grade);
    weights that do not add up are also reported in ``problems``.
    """
    rows = []
    for rec in scopes.itertuples(index=False):
        rs = rules[rec.scope_id]
        parts = levels[levels["scope_id"] == rec.scope_id]
        rows.append(_scope_total(dept, rec, rs, parts, problems))
    out = pd.DataFrame(rows, columns=BY_SCOPE_COLUMNS)
    out["grade"] = out["grade"].astype(object).where(out["grade"].notna(), None)  # no grade is None, never NaN
    return out


def _scope_total(dept, rec, rs: RuleSet, parts: pd.DataFrame, problems: list[Problem]) -> dict:
    sid = rec.scope_id
    weight = float(parts["weight"].sum())
    scored = float(parts["score"].sum())
    unscored_weight = float(parts["weight_unscored"].sum())
    n_items, n_unscored = int(parts["n_indicators"].sum()), int(parts["n_unscored"].sum())
    ex = float(parts.loc[parts["level1"] == EXECUTION_LABEL, "score"].sum())
    mg = float(parts.loc[parts["level1"] == rs.management_block, "score"].sum()) if rs.management else 0.0
    incomplete = dept.is_incomplete(sid, rec.year)
    no_table = not ((parts["level1"] != EXECUTION_LABEL) & (parts["level1"] != rs.management_block)).any()
    partial = incomplete or no_table
    missing = max(0.0, rs.total - weight) if partial else 0.0
    weights_ok = weight <= rs.total + 1e-6 if partial else abs(weight - rs.total) <= 1e-6
    if n_items - n_unscored == 0:
        status, low, high = "unscorable", math.nan, math.nan
    else:
        low, high = scored, scored + unscored_weight + missing
        status = "weights_off" if not weights_ok else ("range" if high - low > 1e-9 else "complete")
    grade = grade_of_range(low, high, rs) if status in ("complete", "range") else None
    if not weights_ok and len(parts):
        detail = validation.LIST_SEP.join(judging.WEIGHT_PART.format(level1=l, weight=fmt_number(round(w, 4))) for l, w in zip(parts["level1"], parts["weight"]))
        problems.append(Problem(str(dept.path / "indicators.csv"), None, "weight", fmt_number(round(weight, 4)),
                                judging.WEIGHTS_OFF.format(scope=sid, total=fmt_number(rs.total), rule_set=rs.name,
                                                           weight=fmt_number(round(weight, 4)), detail=detail)))
    return {"year": rec.year, "scope_id": sid, "name": rec.name, "scope_type": rec.scope_type,
            "rule_set": rs.name, "illustrative": rs.illustrative, "weight": weight, "score": low, "grade": grade,
            "execution_score": ex, "indicator_score": scored - ex - mg if status != "unscorable" else math.nan,
            "management_score": mg, "n_unscored": n_unscored, "stated_score": getattr(rec, "stated_score", np.nan),
            "stated_grade": getattr(rec, "stated_grade", None), "score_min": low, "score_max": high,
            "weight_unscored": unscored_weight, "weight_missing": missing, "incomplete": bool(incomplete),
            "status": status, "status_label": STATUS_LABELS[status]}


def points_rows(indicators: pd.DataFrame, execution: pd.DataFrame, management: pd.DataFrame | None = None,
                keys: tuple[str, ...] = ("scope_id",)) -> pd.DataFrame:
    """Return the rows that carry points toward a total, with ``keys``, ``weight``, ``score`` and ``unscored``.

    The one definition of what is counted as judged or not: a top-level
    indicator (a child's points are its parent's), an execution row with a
    weight, a management item.  :attr:`perfkit.analysis.YearAnalysis.coverage`
    sums it per scope; a province sums it per department and year.
    """
    cols = [*keys, "weight", "score"]
    parts = []
    if len(indicators):
        top = indicators[indicators["parent_id"].isna()]
        parts.append(top[[*keys, "weight_used", "score"]].rename(columns={"weight_used": "weight"}))
    if len(execution):
        parts.append(execution.loc[execution["weight"] > 0, cols])
    if management is not None and len(management):
        parts.append(management[[*keys, "points", "score"]].rename(columns={"points": "weight"}))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    return rows.assign(unscored=rows["score"].isna().to_numpy(dtype=bool))


# --------------------------------------------------------------------------- whole-department sheet


def empty_management() -> pd.DataFrame:
    """Return the management-ratio frame with no rows (the columns of :func:`score_management`)."""
    # a copy: building the typed columns costs 40 times more, once per department-year of a province
    return _EMPTY_MANAGEMENT.copy()


def _empty_management() -> pd.DataFrame:
    return pd.DataFrame({"year": pd.Series(dtype="Int64"), "scope_id": pd.Series(dtype=object),
                         "block": pd.Series(dtype=object), "item": pd.Series(dtype=object),
                         "label": pd.Series(dtype=object), "value": pd.Series(dtype=float),
                         "unit": pd.Series(dtype=object), "points": pd.Series(dtype=float),
                         "score": pd.Series(dtype=float), "reason": pd.Series(dtype=object)})


_EMPTY_MANAGEMENT = _empty_management()


def score_management(dept, year: int, scope_ids: list[str], rules: RuleSet) -> pd.DataFrame:
    """Return the management-ratio lines of a whole-department sheet (预算调整率 …) for each scope.

    Each ratio is the rule set's ``expr`` (the formula language of
    ``stated.csv``) evaluated on the department's data; missing data leaves the
    line unscored with the reason.

    Returns
    -------
    DataFrame
        year, scope_id, block, item, label, value, unit, points, score, reason.
    """
    functions = figure_functions(dept, year)
    rows = []
    for sid in scope_ids:
        for item in rules.management:
            expr = item.expr.replace("{scope}", sid)
            try:
                value = float(evaluate(expr, functions))
            except ExprError as err:
                value, why = math.nan, str(err)
            else:
                why = ""
            got = item.score(value)
            if math.isnan(value):
                reason = judging.MANAGEMENT_UNCOMPUTABLE.format(why=why)
            else:
                shown = f"{fmt_number(round(value, 2))}{item.unit}"
                rule = judging.MANAGEMENT_METHOD["proportional" if item.method == "proportional" else "bands"]
                reason = judging.MANAGEMENT_REASON.format(label=item.label, shown=shown, expr=expr, method=rule,
                                                          score=fmt_number(round(got, 2)),
                                                          points=fmt_number(item.points))
                if rules.illustrative:
                    reason += judging.ILLUSTRATIVE_POINTS
            rows.append({"year": year, "scope_id": sid, "block": rules.management_block, "item": item.id,
                         "label": item.label, "value": value, "unit": item.unit, "points": item.points,
                         "score": got, "reason": reason})
    return pd.DataFrame(rows) if rows else empty_management()
