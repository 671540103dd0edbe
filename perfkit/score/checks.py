"""Checking what a report states against what its own data give (domain.md §6, §7).

Two kinds of findings:

(a) every figure in ``stated.csv`` with an ``expr`` is recomputed with a small,
    safe evaluator and compared at the precision it was printed with
    (99.3 against 99.255: |difference| 0.045 ≤ 0.05, so they agree);
(b) the tables' own arithmetic: weights against the total, scores against
    weights, row scores against a stated total, grades against scores, parent
    rows against their sub-rows, budget lines against their 合计, full marks on
    a missed target.

A mismatch is a finding shown next to both numbers; nothing is "corrected".
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from perfkit.instrument import counted
from perfkit.score.figures import ExprError, evaluate, figure_functions
from perfkit.score.targets import fmt_number

# Line types whose lines split the 合计 without overlap; other types (经济分类 …) may list only some parts.
PARTITION_LINE_TYPES = ("支出类型", "资金来源")
RATE_UNITS = ("%", "‰")
COLUMNS = ("year", "scope_id", "check", "label", "figure_id", "stated_text", "stated", "recomputed", "difference",
           "decimals", "ok", "severity", "file", "row", "detail")
CHECK_LABELS = {
    "stated_figure": "陈述数字复算",
    "expr_error": "无法复算",
    "listed_only": "仅列示",
    "weight_total": "分值合计",
    "score_above_weight": "得分超过分值",
    "total_sum": "各项得分之和与总分",
    "total_above_max": "总分超过各项可得分之和",
    "grade_vs_score": "报告等级与得分",
    "parent_sum": "父项与其中子项之和",
    "budget_parts": "预算细分行之和与合计",
    "full_marks_missed": "未完成却得满分",
}


# --------------------------------------------------------------------------- precision


_NUMBER_IN_TEXT = re.compile(r"[+-−]?\d[\d,]*(?:\.(\d+))?")


def printed_decimals(text) -> int | None:
    """Return how many decimals a figure was printed with (``99.3%`` → 1, ``96.67分`` → 2, ``7个`` → 0)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    m = _NUMBER_IN_TEXT.search(str(text))
    if m is None:
        return None
    return len(m.group(1) or "")


def matches(stated: float, recomputed: float, decimals: int) -> bool:
    """Return True when ``recomputed`` prints as ``stated`` at ``decimals`` decimals (half a unit of the last digit)."""
    return abs(stated - recomputed) <= 0.5 * 10.0 ** (-decimals) + 1e-9


def _value_in_text(text) -> float | None:
    m = _NUMBER_IN_TEXT.search(str(text))
    return float(m.group(0).replace(",", "").replace("−", "-")) if m else None


# --------------------------------------------------------------------------- findings


def _finding(year, scope_id, check, label=None, *, figure_id=None, stated_text=None, stated=None,
             recomputed=None, difference=np.nan, decimals=None, ok=None, severity="info", file=None, row=None,
             detail="") -> dict:
    return {"year": year, "scope_id": scope_id, "check": check, "label": label or CHECK_LABELS[check],
            "figure_id": figure_id, "stated_text": stated_text, "stated": stated, "recomputed": recomputed,
            "difference": difference, "decimals": decimals, "ok": ok, "severity": severity, "file": file,
            "row": row, "detail": detail}


def _where(file, row) -> str:
    return f"{file} 第 {int(row)} 行" if row is not None and not pd.isna(row) else str(file)


@counted("checks")
def check_stated(dept, year: int, scored) -> pd.DataFrame:
    """Return the findings of one department-year: stated figures recomputed, and the tables' arithmetic.

    Parameters
    ----------
    dept : Department
        From :func:`perfkit.ingest.department.load`.
    year : int
    scored : YearScore
        The year's scores (:func:`perfkit.score.scoring.score_year`).

    Returns
    -------
    DataFrame
        One row per finding: year, scope_id, check (code), label (Chinese),
        figure_id, stated_text, stated, recomputed, difference
        (stated − recomputed), decimals, ok (True / False / NA for figures only
        listed), severity (``info``, ``warning``, ``error``), file, row, detail
        (a Chinese sentence with both numbers and where they came from).
    """
    year = int(year)
    findings = _stated_figures(dept, year, scored)
    findings += _weights_and_totals(dept, year, scored)
    findings += _indicator_rows(dept, year, scored)
    findings += _budget_parts(dept, year)
    out = pd.DataFrame(findings, columns=list(COLUMNS))
    out["ok"] = out["ok"].astype("boolean")
    out["difference"] = out["difference"].astype(float)
    out["decimals"] = out["decimals"].astype("Int64")
    out["row"] = out["row"].astype("Int64")
    return out


def _stated_figures(dept, year: int, scored) -> list[dict]:
    stated = dept.stated[dept.stated["year"] == year] if len(dept.stated) else dept.stated
    file = str(dept.path / "stated.csv")
    by_scope = {}  # the functions, per figure scope (grade() follows the scope's rule set)
    out = []
    for rec in stated.to_dict("records"):
        sentence = rec.get("sentence") if isinstance(rec.get("sentence"), str) else ""
        where = _where(file, rec.get("src_row"))
        said = f"原句：「{sentence}」" if sentence else "（未录原句）"
        common = dict(figure_id=rec["figure_id"], stated_text=rec["stated_text"], file=file, row=rec.get("src_row"))
        scope = rec.get("scope_id") if isinstance(rec.get("scope_id"), str) else None
        expr = rec.get("expr")
        if not isinstance(expr, str) or not expr.strip():
            out.append(_finding(year, scope, "listed_only", rec["label"], stated=rec.get("value"),
                                decimals=printed_decimals(rec["stated_text"]), ok=None,
                                detail=f"仅列示，无法复算：报告陈述 {rec['stated_text']}。{said}（{where}）", **common))
            continue
        if scope not in by_scope:
            by_scope[scope] = figure_functions(dept, year, scored, scope)
        try:
            recomputed = evaluate(expr, by_scope[scope])
        except ExprError as err:
            out.append(_finding(year, scope, "expr_error", rec["label"], stated=rec.get("value"), ok=None,
                                severity="error",
                                detail=f"无法复算 {rec['stated_text']}：{err}。公式 {expr}；{said}（{where}）",
                                **common))
            continue
        if rec["kind"] == "等级" or isinstance(recomputed, str):
            stated_grade = str(rec["stated_text"]).strip()
            ok = stated_grade == str(recomputed)
            verdict = "一致" if ok else "不一致"
            out.append(_finding(year, scope, "stated_figure", rec["label"], stated=stated_grade,
                                recomputed=str(recomputed), ok=ok, severity="info" if ok else "error",
                                detail=f"报告陈述等级「{stated_grade}」，按 {expr} 复算为「{recomputed}」，{verdict}。"
                                       f"{said}（{where}）", **common))
            continue
        value = rec.get("value")
        if value is None or pd.isna(value):
            value = _value_in_text(rec["stated_text"])
        decimals = printed_decimals(rec["stated_text"]) or 0
        recomputed = float(recomputed)
        ok = matches(float(value), recomputed, decimals)
        unit = rec.get("unit") if isinstance(rec.get("unit"), str) else ""
        tol = fmt_number(0.5 * 10.0 ** (-decimals))
        verdict = (f"按印刷精度（{decimals} 位小数，允许相差 {tol}）一致" if ok else
                   f"超出印刷精度（{decimals} 位小数，允许相差 {tol}），不一致")
        out.append(_finding(
            year, scope, "stated_figure", rec["label"], stated=float(value), recomputed=recomputed,
            difference=float(value) - recomputed, decimals=decimals, ok=ok, severity="info" if ok else "error",
            detail=(f"报告陈述 {rec['stated_text']}，由 {expr} 复算为 {fmt_number(round(recomputed, 4))}{unit}，"
                    f"相差 {fmt_number(round(float(value) - recomputed, 4))}，{verdict}。{said}（{where}）"),
            **common))
    return out


def _weights_and_totals(dept, year: int, scored) -> list[dict]:
    """Weights against the rule set's total, stated totals against row scores, grades against scores."""
    out = []
    ind = scored.indicators
    scopes = dept.scopes[dept.scopes["year"] == year]
    f_ind = str(dept.path / "indicators.csv")
    f_scopes = str(dept.path / "scopes.csv")
    ex = scored.execution.set_index("scope_id") if len(scored.execution) else pd.DataFrame()
    for rec in scopes.to_dict("records"):
        sid = rec["scope_id"]
        rules = scored.rules.get(sid)
        if rules is None:
            continue
        rows = ind[(ind["scope_id"] == sid) & ind["parent_id"].isna()] if len(ind) else ind
        ex_weight = float(ex.loc[sid, "weight"]) if sid in ex.index else 0.0
        ex_score = float(ex.loc[sid, "score"]) if sid in ex.index else 0.0
        mg = scored.management[scored.management["scope_id"] == sid] if len(scored.management) else None
        mg_points = float(mg["points"].sum()) if mg is not None else 0.0
        mg_score = float(mg["score"].fillna(0).sum()) if mg is not None else 0.0
        given = rows["weight"] if len(rows) else pd.Series(dtype=float)
        # only a table that prints every weight can be checked; missing ones take the rule set's split
        if len(rows) and given.notna().all():
            total = ex_weight + mg_points + float(given.sum())
            ok = abs(total - rules.total) <= 1e-6
            out.append(_finding(year, sid, "weight_total", stated=total, recomputed=rules.total,
                                difference=total - rules.total, ok=ok, severity="info" if ok else "error",
                                file=f_ind,
                                detail=(f"范围「{sid}」表中分值之和 {fmt_number(round(float(given.sum()), 4))}"
                                        f" + 预算执行率 {fmt_number(ex_weight)}"
                                        + (f" + 管理效率 {fmt_number(mg_points)}" if mg_points else "")
                                        + f" = {fmt_number(round(total, 4))}，规则集 {rules.name} 的总分为 "
                                        f"{fmt_number(rules.total)}，{'一致' if ok else '不一致'}（{f_ind}）")))
        stated_total = rec.get("stated_score")
        row_stated = rows["stated_score"] if len(rows) else pd.Series(dtype=float)
        if stated_total is not None and not pd.isna(stated_total):
            where = _where(f_scopes, rec.get("src_row"))
            if len(rows) and row_stated.notna().all():
                parts = float(row_stated.sum()) + ex_score + mg_score
                decimals = printed_decimals(fmt_number(stated_total)) or 0
                ok = matches(float(stated_total), parts, decimals)
                out.append(_finding(
                    year, sid, "total_sum", stated=float(stated_total), recomputed=parts,
                    difference=float(stated_total) - parts, decimals=decimals, ok=ok,
                    severity="info" if ok else "error", file=f_scopes, row=rec.get("src_row"),
                    detail=(f"范围「{sid}」报告总分 {fmt_number(stated_total)}（{where}），各指标报告得分之和 "
                            f"{fmt_number(round(float(row_stated.sum()), 4))} + 预算执行率得分 "
                            f"{fmt_number(round(ex_score, 2))}（由 budget.csv 复算）"
                            + (f" + 管理效率 {fmt_number(round(mg_score, 2))}" if mg is not None else "")
                            + f" = {fmt_number(round(parts, 4))}，{'一致' if ok else '不一致'}")))
            elif len(rows):
                cap = float(row_stated.fillna(rows["weight_used"]).sum()) + ex_weight + mg_points
                if float(stated_total) > cap + 1e-6:
                    out.append(_finding(
                        year, sid, "total_above_max", stated=float(stated_total), recomputed=cap,
                        difference=float(stated_total) - cap, ok=False, severity="error", file=f_scopes,
                        row=rec.get("src_row"),
                        detail=(f"范围「{sid}」报告总分 {fmt_number(stated_total)}（{where}）高于各项最多可得 "
                                f"{fmt_number(round(cap, 4))} 分（有报告得分的取报告得分，其余取分值，"
                                f"加预算执行率 {fmt_number(ex_weight)} 分）")))
            stated_grade = rec.get("stated_grade")
            if isinstance(stated_grade, str) and stated_grade.strip():
                expected = rules.grade(float(stated_total))
                ok = stated_grade.strip() == expected
                out.append(_finding(
                    year, sid, "grade_vs_score", stated=stated_grade.strip(), recomputed=expected, ok=ok,
                    severity="info" if ok else "error", file=f_scopes, row=rec.get("src_row"),
                    detail=(f"范围「{sid}」报告等级「{stated_grade}」、得分 {fmt_number(stated_total)}；按规则集 "
                            f"{rules.name}，{fmt_number(stated_total)} 分应为「{expected}」，"
                            f"{'一致' if ok else '不一致'}（{where}）")))
    return out


def _indicator_rows(dept, year: int, scored) -> list[dict]:
    """Row-level checks: stated score above weight, full marks on a missed target, parent against sub-rows."""
    ind = scored.indicators
    if not len(ind):
        return []
    file = str(dept.path / "indicators.csv")
    out = []
    has = ind["stated_score"].notna()
    above = has & (ind["stated_score"] > ind["weight"] + 1e-9)
    for rec in ind[above].to_dict("records"):
        out.append(_finding(
            year, rec["scope_id"], "score_above_weight", stated=float(rec["stated_score"]),
            recomputed=float(rec["weight"]), difference=float(rec["stated_score"] - rec["weight"]), ok=False,
            severity="error", file=file, row=rec.get("src_row"),
            detail=(f"指标「{rec['name']}」报告得分 {fmt_number(rec['stated_score'])} 高于分值 "
                    f"{fmt_number(rec['weight'])}（{_where(file, rec.get('src_row'))}）")))
    full = has & ~above & (ind["met"] == False) & (  # noqa: E712 (nullable boolean)
        (ind["stated_score"] - ind["weight_used"]).abs() <= 1e-9)
    for rec in ind[full.fillna(False)].to_dict("records"):
        out.append(_finding(
            year, rec["scope_id"], "full_marks_missed", stated=float(rec["stated_score"]),
            recomputed=float(rec["score"]) if not pd.isna(rec["score"]) else None,
            difference=float(rec["stated_score"] - rec["score"]) if not pd.isna(rec["score"]) else np.nan,
            ok=False, severity="error", file=file, row=rec.get("src_row"),
            detail=(f"指标「{rec['name']}」未完成（{rec['reason']}），报告却给满分 {fmt_number(rec['stated_score'])}"
                    f"（{_where(file, rec.get('src_row'))}）")))
    subs = ind[ind["parent_id"].notna()]
    if len(subs):
        parents = ind.set_index("indicator_id")
        for pid, children in subs.groupby("parent_id", sort=False):
            if pid not in parents.index:
                continue
            parent = parents.loc[pid]
            for column, value_col in (("actual", "actual_value"), ("weight", "weight")):
                values = children[value_col]
                own = parent[value_col]
                if pd.isna(own) or values.isna().any():
                    continue
                # rates of the parts do not add up to the rate of the whole; counts and amounts do
                rates = children["target_unit"].isin(RATE_UNITS).any() or parent["target_unit"] in RATE_UNITS
                if column == "actual" and (rates or (children["actual_kind"] != "quantitative").any()):
                    continue
                total = float(values.sum())
                if abs(float(own) - total) <= 1e-6 * max(1.0, abs(total)):
                    continue
                what = "实际完成值" if column == "actual" else "分值"
                ids = "、".join(children["indicator_id"].astype(str))
                out.append(_finding(
                    year, parent["scope_id"], "parent_sum", stated=float(own), recomputed=total,
                    difference=float(own) - total, ok=False, severity="warning", file=file, row=parent.get("src_row"),
                    detail=(f"指标「{parent['name']}」的{what} {fmt_number(round(float(own), 4))} 与其中子项"
                            f"（{ids}）之和 {fmt_number(round(total, 4))} 不符（{_where(file, parent.get('src_row'))}）")))
    return out


def _budget_parts(dept, year: int) -> list[dict]:
    """Budget lines of one type against their scope's 合计: parts never exceed the whole; partitions add up."""
    budget = dept.budget[dept.budget["year"] == year]
    file = str(dept.path / "budget.csv")
    out = []
    totals = budget[budget["line"] == "合计"].set_index("scope_id")
    # 统计项 lines (三公经费, 政府采购 …) overlap other lines by design; they are not parts of the total
    parts = budget[(budget["line"] != "合计") & ~budget["line_type"].isin(["合计", "统计项"])]
    for (sid, line_type), lines in parts.groupby(["scope_id", "line_type"], sort=False):
        if sid not in totals.index:
            continue
        whole = totals.loc[sid]
        for column, label in (("budget", "全年预算数"), ("executed", "全年执行数")):
            if lines[column].isna().any() or pd.isna(whole[column]):
                continue
            total = float(lines[column].sum())
            stated = float(whole[column])
            partition = line_type in PARTITION_LINE_TYPES
            off = abs(stated - total) > 0.005 if partition else total > stated + 0.005
            if not off:
                continue
            names = "、".join(lines["line"])
            relation = "之和" if partition else "之和超过合计："
            out.append(_finding(
                year, sid, "budget_parts", label=f"{CHECK_LABELS['budget_parts']}（{line_type}·{label}）",
                stated=stated, recomputed=total, difference=stated - total, decimals=2, ok=False,
                severity="error", file=file, row=whole.get("src_row"),
                detail=(f"范围「{sid}」{label}：合计 {fmt_number(round(stated, 2))} 万元"
                        f"（{_where(file, whole.get('src_row'))}），按{line_type}细分（{names}）{relation}"
                        f" {fmt_number(round(total, 2))} 万元，相差 {fmt_number(round(stated - total, 2))}")))
    return out
