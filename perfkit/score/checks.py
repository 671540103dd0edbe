"""Checking what a report states against what its own data give (domain.md §6, §7).

Three kinds of findings, one row each:

(a) every figure in ``stated.csv`` with an ``expr`` is recomputed with a small,
    safe evaluator and compared at the precision it was printed with, plus the
    rounding of the inputs the formula reads (99.3 against 99.255: |difference|
    0.045 ≤ 0.05, so they agree);
(b) every printed score, row by row (:mod:`perfkit.score.audit`): indicator
    得分 against the rule, the budget row's 执行率 and 得分, printed block weights;
(c) the tables' own arithmetic: weights against the total, the printed total
    against the printed row scores and against perfkit's own total (a range
    when items cannot be scored), grades against scores, parent rows against
    their sub-rows, budget lines against their 合计.

A transcription flagged ``incomplete`` has its sums checked only as bounds.  A
figure that cannot be recomputed is 无法复算 (``ok`` empty) with the missing
input named; a mismatch is shown next to both numbers; nothing is "corrected".
"""
from __future__ import annotations

import math

import pandas as pd

from perfkit.instrument import counted
from perfkit.ingest.schema import MEMO_LINE_TYPE, NOT_APPLICABLE
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.score.audit import block_weights, execution_rows, indicator_scores
from perfkit.score.checkrows import (  # noqa: F401 (re-exported)
    CHECK_LABELS,
    COLUMNS,
    SCORE_TOLERANCE,
    finding,
    matches,
    printed_decimals,
    split_by,
    value_in_text,
    where,
)
from perfkit.score.figures import AMOUNT_FACTORS, ExprError, evaluate_with_tolerance, figure_functions, half_unit
from perfkit.score.targets import fmt_number
from perfkit.text import checking, labels, validation
from perfkit.text.vocabulary import GRADE_KIND, PARTITION_LINE_TYPES

RATE_UNITS = ("%", "‰")


def _n(x) -> str:
    return fmt_number(round(float(x), 4))


@counted("checks")
def check_stated(dept, year: int, scored) -> pd.DataFrame:
    """Return the findings of one department-year: stated figures recomputed, printed scores audited, table arithmetic.

    Parameters
    ----------
    dept : Department
        From :func:`perfkit.ingest.loading.load`.
    year : int
    scored : YearScore
        The year's scores (:func:`perfkit.score.scoring.score_year`).

    Returns
    -------
    DataFrame
        One row per finding: year, scope_id, check (code), label (Chinese),
        figure_id, stated_text, stated, recomputed, difference
        (stated − recomputed), decimals, ok (True / False / NA for figures only
        listed or that cannot be recomputed), severity (``info``, ``warning``,
        ``error``), file, row, detail (a Chinese sentence with both numbers and
        where they came from), tolerance (how far apart the two may be, from
        the printed precision of every input), variant (for a printed score
        that differs from the rule: the code of the known scoring variant that
        gives it, :data:`VARIANT_LABELS`; empty when none does).  For a
        total compared with perfkit's range, ``recomputed`` is the bound
        nearest the stated total and ``difference`` is 0 inside the range.
    """
    year = int(year)
    findings = _stated_figures(dept, year, scored)
    rows = indicator_scores(dept, year, scored) + execution_rows(dept, year, scored)
    findings += rows
    findings += block_weights(dept, year, scored)
    findings += _weights_and_totals(dept, year, scored, rows)
    findings += _parent_sums(dept, year, scored)
    findings += _budget_parts(dept, year)
    out = pd.DataFrame(findings, columns=list(COLUMNS))
    out["ok"] = out["ok"].astype("boolean")
    out["difference"] = out["difference"].astype(float)
    out["tolerance"] = out["tolerance"].astype(float)
    out["decimals"] = out["decimals"].astype("Int64")
    out["row"] = out["row"].astype("Int64")
    return out


# --------------------------------------------------------------------------- (a) stated figures


def _stated_figures(dept, year: int, scored) -> list[dict]:
    stated = dept.stated[dept.stated["year"] == year] if len(dept.stated) else dept.stated
    file = str(dept.path / "stated.csv")
    by_scope = {}  # the functions, per figure scope (grade() follows the scope's rule set)
    out = []
    for rec in stated.to_dict("records"):
        sentence = rec.get("sentence") if isinstance(rec.get("sentence"), str) else ""
        at = where(file, rec.get("src_row"))
        said = checking.SENTENCE.format(sentence=sentence) if sentence else checking.NO_SENTENCE
        common = dict(figure_id=rec["figure_id"], stated_text=rec["stated_text"], file=file, row=rec.get("src_row"))
        scope = rec.get("scope_id") if isinstance(rec.get("scope_id"), str) else None
        expr = rec.get("expr")
        if not isinstance(expr, str) or not expr.strip():
            out.append(finding(year, scope, "listed_only", rec["label"], stated=rec.get("value"),
                               decimals=printed_decimals(rec["stated_text"]), ok=None,
                               detail=checking.LISTED_ONLY.format(stated=rec["stated_text"], said=said, at=at), **common))
            continue
        if scope not in by_scope:
            by_scope[scope] = figure_functions(dept, year, scored, scope)
        try:
            recomputed, tol = evaluate_with_tolerance(expr, by_scope[scope])
        except ExprError as err:
            out.append(finding(year, scope, "expr_error", rec["label"], stated=rec.get("value"), ok=None,
                               severity="error",
                               detail=checking.EXPR_ERROR.format(stated=rec["stated_text"], error=err, expr=expr, said=said,
                                                                 at=at), **common))
            continue
        if rec["kind"] == GRADE_KIND or isinstance(recomputed, str):
            out.append(_grade_figure(year, scope, rec, recomputed, expr, said, at, common))
            continue
        out.append(_number_figure(year, scope, rec, float(recomputed), tol, expr, said, at, common))
    return out


def _grade_figure(year, scope, rec, recomputed, expr, said, at, common) -> dict:
    stated_grade = str(rec["stated_text"]).strip()
    ok = stated_grade == str(recomputed)
    verdict = labels.STATUS[bool(ok)]
    return finding(year, scope, "stated_figure", rec["label"], stated=stated_grade, recomputed=str(recomputed), ok=ok,
                   severity="info" if ok else "error",
                   detail=checking.GRADE_FIGURE.format(stated=stated_grade, expr=expr, recomputed=recomputed, verdict=verdict,
                                                        said=said, at=at),
                   **common)


def _number_figure(year, scope, rec, recomputed: float, tol: float, expr, said, at, common) -> dict:
    value = rec.get("value")
    if value is None or pd.isna(value):
        value = value_in_text(rec["stated_text"])
    decimals = printed_decimals(rec["stated_text"]) or 0
    ok = matches(float(value), recomputed, decimals, tol)
    unit = rec.get("unit") if isinstance(rec.get("unit"), str) else ""
    allowed = 0.5 * 10.0 ** (-decimals) + tol
    inputs = checking.INPUTS_PRECISION.format(tolerance=fmt_number(float(f'{tol:.2g}'))) if tol > 0 else ""
    verdict = (checking.WITHIN_PRECISION if ok else checking.BEYOND_PRECISION).format(
        decimals=decimals, allowed=fmt_number(0.5 * 10.0 ** (-decimals)), inputs=inputs)
    return finding(
        year, scope, "stated_figure", rec["label"], stated=float(value), recomputed=recomputed,
        difference=float(value) - recomputed, decimals=decimals, ok=ok, severity="info" if ok else "error",
        tolerance=allowed,
        detail=checking.NUMBER_FIGURE.format(stated=rec["stated_text"], expr=expr, recomputed=fmt_number(round(recomputed, 4)),
                                             unit=unit, difference=fmt_number(round(float(value) - recomputed, 4)),
                                             verdict=verdict, said=said, at=at),
        **common)


# --------------------------------------------------------------------------- (c) weights and totals


def _weights_and_totals(dept, year: int, scored, row_checks: list[dict]) -> list[dict]:
    """Weights against the rule set's total, the stated total against row scores and perfkit's, grades against scores.

    ``row_checks``: the audit of printed row scores, so that a total outside
    perfkit's range says how much of the gap the rows that disagree explain.
    """
    out = []
    scopes = dept.scopes[dept.scopes["year"] == year]
    by = _by_scope(dept, year, scored)
    for rec in scopes.to_dict("records"):
        rules = scored.rules.get(rec["scope_id"])
        if rules is None:
            continue
        ctx = _ScopeParts(dept, year, by, rec, rules)
        ctx.row_excess = [(r["stated"] - r["recomputed"]) for r in row_checks
                          if r["scope_id"] == rec["scope_id"] and r["ok"] is False and r["recomputed"] is not None
                          and r["stated"] > r["recomputed"]]
        out += ctx.weight_total()
        stated_total = rec.get("stated_score")
        if stated_total is None or pd.isna(stated_total):
            continue
        out += ctx.total_sum(float(stated_total))
        out += ctx.total_vs_perfkit(float(stated_total))
        stated_grade = rec.get("stated_grade")
        if isinstance(stated_grade, str) and stated_grade.strip():
            out.append(ctx.grade_row(float(stated_total), stated_grade.strip()))
    return out


def _split(frame: pd.DataFrame) -> dict:
    """Return {scope_id: its rows} of a year's table (one split instead of a filter per scope)."""
    if not len(frame) or "scope_id" not in frame.columns:
        return {}
    return dict(split_by(frame, "scope_id"))


def _by_scope(dept, year: int, scored) -> dict:
    """Return the year's tables the total checks read, each split by scope."""
    ind = scored.indicators
    top = ind[ind["parent_id"].isna()] if len(ind) else ind
    budget = dept.budget[(dept.budget["year"] == year) & (dept.budget["line"] == TOTAL_LINE)]
    return {"top": _split(top), "top_empty": top.iloc[:0], "execution": _split(scored.execution),
            "budget": _split(budget), "management": _split(scored.management) if len(scored.management) else None,
            "totals": _split(scored.by_scope)}


class _ScopeParts:
    """One scope's printed weights and scores, as the total checks need them."""

    def __init__(self, dept, year, by, rec, rules):
        self.year, self.rec, self.rules, self.sid = year, rec, rules, rec["scope_id"]
        self.f_ind, self.f_scopes = str(dept.path / "indicators.csv"), str(dept.path / "scopes.csv")
        self.at = where(self.f_scopes, rec.get("src_row"))
        rows = by["top"].get(self.sid, by["top_empty"])
        self.rows = rows[rows["counted"]] if "counted" in rows.columns else rows
        self.incomplete = dept.is_incomplete(self.sid, year)
        self.partial = self.incomplete or not len(self.rows)
        ex = by["execution"].get(self.sid)
        self.ex_weight = float(ex["weight"].iloc[0]) if ex is not None and len(ex) else 0.0
        self.ex_score = float(ex["score"].iloc[0]) if ex is not None and len(ex) else 0.0
        budget = by["budget"].get(self.sid)
        printed = budget["stated_score"].dropna() if budget is not None and "stated_score" in budget.columns else ()
        self.ex_printed = float(printed.iloc[0]) if len(printed) else math.nan
        mg = None if by["management"] is None else by["management"].get(self.sid, ())
        self.mg_points = float(mg["points"].sum()) if mg is not None and len(mg) else 0.0
        self.mg_score = float(mg["score"].fillna(0).sum()) if mg is not None and len(mg) else 0.0
        self.has_mg = mg is not None and len(mg) > 0
        self.row_excess: list[float] = []
        totals = by["totals"].get(self.sid)
        self.total = totals.iloc[0] if totals is not None and len(totals) else None

    def weight_total(self) -> list[dict]:
        """Only a complete table that prints every weight can be checked; missing ones take the rule set's split."""
        given = self.rows["weight"]
        if self.partial or not len(self.rows) or not given.notna().all():
            return []
        total = self.ex_weight + self.mg_points + float(given.sum())
        ok = abs(total - self.rules.total) <= 1e-6
        return [finding(self.year, self.sid, "weight_total", stated=total, recomputed=self.rules.total,
                        difference=total - self.rules.total, ok=ok, severity="info" if ok else "error", file=self.f_ind,
                        detail=(checking.WEIGHT_TOTAL.format(scope=self.sid, weights=_n(given.sum()),
                                                              execution=fmt_number(self.ex_weight))
                                + (checking.PLUS_MANAGEMENT.format(points=fmt_number(self.mg_points))
                                   if self.mg_points else "")
                                + checking.WEIGHT_TOTAL_END.format(total=_n(total), rule_set=self.rules.name,
                                                                   rule_total=fmt_number(self.rules.total),
                                                                   verdict=labels.STATUS[bool(ok)], at=self.f_ind)))]

    def total_sum(self, stated: float) -> list[dict]:
        """The printed total against the printed row scores (equality, or a bound for a partial table)."""
        row_stated = self.rows["stated_score"]
        ex_part = self.ex_printed if not math.isnan(self.ex_printed) else self.ex_score
        ex_said = checking.EXECUTION_STATED if not math.isnan(self.ex_printed) else checking.EXECUTION_RECOMPUTED
        mg_said = checking.PLUS_MANAGEMENT.format(points=_n(self.mg_score)) if self.has_mg else ""
        if not self.partial and len(self.rows) and row_stated.notna().all():
            parts = float(row_stated.sum()) + ex_part + self.mg_score
            ok = abs(stated - parts) <= SCORE_TOLERANCE + 1e-9
            return [finding(self.year, self.sid, "total_sum", stated=stated, recomputed=parts, difference=stated - parts,
                            decimals=printed_decimals(fmt_number(stated)), ok=ok, severity="info" if ok else "error",
                            file=self.f_scopes, row=self.rec.get("src_row"), tolerance=SCORE_TOLERANCE,
                            detail=checking.TOTAL_SUM.format(scope=self.sid, stated=fmt_number(stated), at=self.at,
                                                           rows=_n(row_stated.sum()), execution=_n(ex_part),
                                                           execution_said=ex_said, management=mg_said,
                                                           parts=_n(parts), verdict=labels.STATUS[bool(ok)]))]
        if not len(self.rows) and not self.incomplete:
            return []
        known_weight = float(self.rows["weight_used"].fillna(0).sum()) + self.ex_weight + self.mg_points
        missing = max(0.0, self.rules.total - known_weight) if self.incomplete else 0.0
        ex_cap = self.ex_printed if not math.isnan(self.ex_printed) else self.ex_weight
        cap = float(row_stated.fillna(self.rows["weight_used"]).sum()) + ex_cap + self.mg_points + missing
        if stated <= cap + SCORE_TOLERANCE:
            return []
        rest = (checking.TOTAL_INCOMPLETE.format(missing=_n(missing), rule_total=fmt_number(self.rules.total),
                                                known=_n(known_weight)) if self.incomplete else "")
        return [finding(self.year, self.sid, "total_above_max", stated=stated, recomputed=cap, difference=stated - cap,
                        ok=False, severity="error", file=self.f_scopes, row=self.rec.get("src_row"),
                        detail=checking.TOTAL_ABOVE_MAX.format(scope=self.sid, stated=fmt_number(stated), at=self.at,
                                                               cap=_n(cap), execution=_n(ex_cap), rest=rest))]

    def total_vs_perfkit(self, stated: float) -> list[dict]:
        """The printed total against perfkit's own total: equal, or inside the range when items cannot be scored."""
        t = self.total
        if t is None:
            return []
        status = t.get("status", "complete")
        common = dict(stated=stated, file=self.f_scopes, row=self.rec.get("src_row"))
        if status in ("unscorable", "weights_off"):
            why = (checking.NOTHING_SCORABLE if status == "unscorable" else
                   checking.WEIGHTS_NOT_TOTAL.format(weight=_n(t["weight"]), rule_total=fmt_number(self.rules.total)))
            return [finding(self.year, self.sid, "total_vs_perfkit", ok=None, **common,
                            detail=checking.TOTAL_UNCOMPUTABLE.format(scope=self.sid, stated=fmt_number(stated),
                                                                      at=self.at, why=why))]
        low, high = float(t["score_min"]), float(t["score_max"])
        if status == "complete":
            ok = abs(stated - low) <= SCORE_TOLERANCE + 1e-9
            return [finding(self.year, self.sid, "total_vs_perfkit", **common, recomputed=low, difference=stated - low,
                            ok=ok, severity="info" if ok else "error", tolerance=SCORE_TOLERANCE,
                            detail=checking.TOTAL_VS_PERFKIT.format(scope=self.sid, stated=fmt_number(stated), at=self.at,
                                                                  rule_set=self.rules.name, low=_n(low),
                                                                  difference=_n(stated - low),
                                                                  verdict=labels.STATUS[bool(ok)]))]
        ok = low - SCORE_TOLERANCE <= stated <= high + SCORE_TOLERANCE
        nearest = low if abs(stated - low) < abs(stated - high) else high  # the bound the total is compared with
        n, w = int(t["n_unscored"]), float(t["weight_unscored"]) + float(t.get("weight_missing", 0.0) or 0.0)
        missing = checking.TABLE_INCOMPLETE if t.get("incomplete") else ""
        explained = ""
        if not ok and stated > high and self.row_excess:
            excess = float(sum(self.row_excess))
            explained = (checking.ROW_EXCESS.format(n=len(self.row_excess), excess=_n(excess))
                         + checking.EXCESS_EXPLAINS[excess + SCORE_TOLERANCE >= stated - high])
        return [finding(self.year, self.sid, "total_vs_perfkit", **common, recomputed=nearest,
                        difference=0.0 if ok else stated - nearest, ok=ok, severity="info" if ok else "error",
                        tolerance=SCORE_TOLERANCE,
                        detail=checking.TOTAL_IN_RANGE.format(
                            scope=self.sid, stated=fmt_number(stated), at=self.at, low=_n(low), n=n, missing=missing,
                            weight=_n(w), high=_n(high), explained=explained,
                            where=checking.IN_RANGE if ok else
                            (checking.ABOVE if stated > high else checking.BELOW) + checking.RANGE))]

    def grade_row(self, stated: float, stated_grade: str) -> dict:
        expected = self.rules.grade(stated)
        ok = stated_grade == expected
        return finding(self.year, self.sid, "grade_vs_score", stated=stated_grade, recomputed=expected, ok=ok,
                       severity="info" if ok else "error", file=self.f_scopes, row=self.rec.get("src_row"),
                       detail=checking.GRADE_ROW.format(scope=self.sid, stated_grade=stated_grade, stated=fmt_number(stated),
                                                   rule_set=self.rules.name, expected=expected,
                                                   verdict=labels.STATUS[bool(ok)], at=self.at))


# --------------------------------------------------------------------------- parents and budget lines


def _parent_sums(dept, year: int, scored) -> list[dict]:
    """Parent rows against their sub-rows (counts and amounts add up; rates do not); a bound on a partial table."""
    ind = scored.indicators
    if not len(ind):
        return []
    file = str(dept.path / "indicators.csv")
    out = []
    subs = ind[ind["parent_id"].notna()]
    parents = ind.set_index("indicator_id")
    for pid, children in split_by(subs, "parent_id"):
        if pid not in parents.index:
            continue
        parent = parents.loc[pid]
        bound = dept.is_incomplete(parent["scope_id"], year)
        for column, value_col in (("actual", "actual_value"), ("weight", "weight")):
            values = children[value_col]
            own = parent[value_col]
            if pd.isna(own) or values.isna().any():
                continue
            rates = children["target_unit"].isin(RATE_UNITS).any() or parent["target_unit"] in RATE_UNITS
            if column == "actual" and (rates or (children["actual_kind"] != "quantitative").any()):
                continue
            total = float(values.sum())
            close = abs(float(own) - total) <= 1e-6 * max(1.0, abs(total))
            if close or (bound and total < float(own)):
                continue
            what = checking.PARENT_WHAT[column]
            ids = validation.LIST_SEP.join(children["indicator_id"].astype(str))
            out.append(finding(
                year, parent["scope_id"], "parent_sum", stated=float(own), recomputed=total,
                difference=float(own) - total, ok=False, severity="warning", file=file, row=parent.get("src_row"),
                detail=checking.PARENT_SUM.format(name=parent["name"], what=what, own=_n(own), ids=ids, total=_n(total),
                                                   at=where(file, parent.get("src_row")))))
    return out


def _budget_parts(dept, year: int) -> list[dict]:
    """Budget lines of one type against their scope's 合计: parts never exceed the whole; partitions add up.

    A line printed —, / or 无 holds no money (0); an empty one is unknown, so
    with it the parts are only checked not to exceed the whole.  The tolerance
    is the rounding of every amount as printed.
    """
    budget = dept.budget[dept.budget["year"] == year]
    file = str(dept.path / "budget.csv")
    out = []
    totals = budget[budget["line"] == TOTAL_LINE].set_index("scope_id")
    # 统计项 lines (三公经费, 政府采购 …) overlap other lines by design; they are not parts of the total
    parts = budget[(budget["line"] != TOTAL_LINE) & ~budget["line_type"].isin([TOTAL_LINE, MEMO_LINE_TYPE])]
    for (sid, line_type), lines in split_by(parts, "scope_id", "line_type"):
        if sid not in totals.index:
            continue
        whole = totals.loc[sid]
        for column, label in (("budget", labels.BUDGET_FIELDS["budget"]), ("executed", labels.BUDGET_FIELDS["executed"])):
            row = _parts_row(year, sid, line_type, lines, whole, column, label, dept, file,
                             dept.is_incomplete(sid, year))
            if row is not None:
                out.append(row)
    return out


def _parts_row(year, sid, line_type, lines, whole, column, label, dept, file, incomplete) -> dict | None:
    if pd.isna(whole[column]):
        return None
    # a handful of lines per scope: plain Python over their cells costs less than pandas operations on them
    src_rows = lines["src_row"].tolist() if "src_row" in lines.columns else [None] * len(lines)
    units = lines["unit"].tolist() if "unit" in lines.columns else [None] * len(lines)
    amounts = lines[column].tolist()
    na = [_printed_text(dept, r, column) in NOT_APPLICABLE for r in src_rows]
    known = [not pd.isna(v) or n for v, n in zip(amounts, na)]
    if not any(known):
        return None
    total = float(sum(0.0 if n else v for v, n, k in zip(amounts, na, known) if k))
    stated = float(whole[column])
    tol = _amount_tolerance(whole, column, dept) + sum(_cell_tolerance(r, u, column, dept)
                                                        for r, u, k in zip(src_rows, units, known) if k)
    tol = tol if tol > 0 else 0.005
    partition = line_type in PARTITION_LINE_TYPES and all(known) and not incomplete
    off = abs(stated - total) > tol + 1e-9 if partition else total > stated + tol + 1e-9
    if not off:
        return None
    names = validation.LIST_SEP.join(line for line, k in zip(lines["line"], known) if k)
    relation = checking.PARTS_SUM if partition else checking.PARTS_ABOVE
    return finding(
        year, sid, "budget_parts", label=checking.PARTS_LABEL.format(check=CHECK_LABELS["budget_parts"], line_type=line_type,
                                                             label=label),
        stated=stated, recomputed=total, difference=stated - total, decimals=2, ok=False, tolerance=tol,
        severity="error", file=file, row=whole.get("src_row"),
        detail=checking.PARTS_ROW.format(scope=sid, label=label, stated=fmt_number(round(stated, 4)),
                                           at=where(file, whole.get("src_row")), line_type=line_type, names=names,
                                           relation=relation, total=fmt_number(round(total, 4)),
                                           difference=fmt_number(round(stated - total, 4)),
                                           tolerance=fmt_number(round(tol, 6))))


def _printed_text(dept, src_row, column):
    """Return a budget cell as printed (—, / or 无 for a line that holds no money), None when none was kept."""
    cells = dept.printed_row("budget.csv", src_row) if hasattr(dept, "printed_row") else None
    return None if cells is None else cells.get(column)


def _amount_tolerance(rec, column, dept) -> float:
    return _cell_tolerance(rec.get("src_row"), rec.get("unit"), column, dept)


def _cell_tolerance(src_row, unit, column, dept) -> float:
    """Return half the last printed digit of one amount cell, in 万元 (0 for a cell printed —, / or empty)."""
    text = _printed_text(dept, src_row, column)
    if text is None or text in NOT_APPLICABLE or (isinstance(text, float) and math.isnan(text)) or text == "":
        return 0.0
    return half_unit(text, AMOUNT_FACTORS.get(str(unit), 1.0))

