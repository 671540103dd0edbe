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

import ast
import math
import operator
import re
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from perfkit.targets import fmt_number, parse_target

FUNCTIONS = ("budget", "budget_original", "executed", "line", "finance", "actual", "prior", "fig", "score",
             "grade", "count_scopes")
LINE_FIELDS = ("budget_original", "budget", "executed")
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


# --------------------------------------------------------------------------- safe evaluator


class ExprError(ValueError):
    """A recomputation formula that is not allowed, or that the data cannot answer."""


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def parse_expr(text: str) -> ast.Expression:
    """Return the parsed formula; raise :class:`ExprError` for anything beyond arithmetic and the listed functions.

    Allowed: numbers, ``+ - * /``, unary ``-``, parentheses, and calls of
    :data:`FUNCTIONS` with number or quoted-text arguments.
    """
    try:
        tree = ast.parse(str(text).strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"复算公式语法错误：{text}（{exc.msg}）") from None
    _check_node(tree.body, text, in_call=False)
    return tree


def _check_node(node: ast.AST, text: str, in_call: bool) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
            raise ExprError(f"复算公式只能含数字与带引号的名称：{text}")
        if isinstance(node.value, str) and not in_call:
            raise ExprError(f"带引号的名称只能作函数参数：{text}")
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check_node(node.left, text, False)
        _check_node(node.right, text, False)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check_node(node.operand, text, False)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = getattr(node.func, "id", ast.unparse(node.func))
            raise ExprError(f"复算公式不能调用「{name}」；可用函数：{'、'.join(FUNCTIONS)}")
        if node.keywords:
            raise ExprError(f"复算公式的函数参数不能用 名称=值 的写法：{text}")
        for arg in node.args:
            _check_node(arg, text, True)
    else:
        raise ExprError(f"复算公式只允许数字、+ - * /、括号和函数 {'、'.join(FUNCTIONS)}：{text}")


def evaluate(text: str, functions: Mapping[str, Callable]):
    """Return the value of a formula (a number, or the text ``grade()`` returns)."""
    return _eval(parse_expr(text).body, functions)


def _eval(node: ast.AST, functions: Mapping[str, Callable]):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_number(_eval(node.operand, functions)))
    if isinstance(node, ast.BinOp):
        left = _number(_eval(node.left, functions))
        right = _number(_eval(node.right, functions))
        if isinstance(node.op, ast.Div) and right == 0:
            raise ExprError("除数为 0")
        return _BINOPS[type(node.op)](left, right)
    func = functions.get(node.func.id)
    if func is None:
        raise ExprError(f"此处不能使用函数「{node.func.id}」")
    try:
        return func(*[_eval(a, functions) for a in node.args])
    except TypeError:
        raise ExprError(f"函数「{node.func.id}」的参数个数不对") from None


def _number(value) -> float:
    if isinstance(value, str) or value is None:
        raise ExprError(f"「{value}」不是数值，不能参与运算")
    value = float(value)
    if math.isnan(value):
        raise ExprError("数据缺失（空值），无法计算")
    return value


def figure_functions(dept, year: int, scored=None, scope: str | None = None) -> dict[str, Callable]:
    """Return the functions a formula may call, answering from ``dept``'s data for ``year``.

    ``score`` and ``grade`` need the scored year; when ``scored`` is None it is
    computed on first use only.  ``grade`` uses the rule set of ``scope`` (the
    figure's scope), else the whole department's.
    """
    year = int(year)

    def rows(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["year"] == year] if "year" in df.columns else df

    budget = rows(dept.budget)
    cache: dict[str, object] = {} if scored is None else {"scored": scored}

    def year_score():
        if "scored" not in cache:
            from perfkit.scoring import score_year

            cache["scored"] = score_year(dept, year)
        return cache["scored"]

    def line(scope, name, column):
        if column not in LINE_FIELDS:
            raise ExprError(f"line() 的第三个参数应为 {'、'.join(LINE_FIELDS)} 之一，现为「{column}」")
        hit = budget[(budget["scope_id"] == scope) & (budget["line"] == name)]
        if hit.empty:
            raise ExprError(f"budget.csv 中没有范围「{scope}」{year} 年的预算行「{name}」")
        value = hit[column].iloc[0]
        if pd.isna(value):
            raise ExprError(f"budget.csv 中范围「{scope}」预算行「{name}」的 {column} 为空")
        return float(value)

    def finance(item):
        fin = rows(dept.finance)
        hit = fin[fin["item"] == item]
        if hit.empty:
            raise ExprError(f"finance.csv 中没有 {year} 年的「{item}」")
        return float(hit["amount"].iloc[0])

    def indicator_value(column):
        def get(indicator_id):
            ind = rows(dept.indicators)
            hit = ind[ind["indicator_id"] == indicator_id]
            if hit.empty:
                raise ExprError(f"indicators.csv 中没有 {year} 年的指标「{indicator_id}」")
            text = hit[column].iloc[0]
            parsed = parse_target(text)
            if parsed.kind != "quantitative" or parsed.value is None:
                raise ExprError(f"指标「{indicator_id}」的 {column}「{'' if pd.isna(text) else text}」不是可读数值")
            return parsed.value
        return get

    def fig(figure_id):
        st = rows(dept.stated)
        hit = st[st["figure_id"] == figure_id]
        if hit.empty or pd.isna(hit["value"].iloc[0]):
            raise ExprError(f"stated.csv 中没有 {year} 年数值型的陈述数字「{figure_id}」")
        return float(hit["value"].iloc[0])

    def score(scope):
        by_scope = year_score().by_scope
        hit = by_scope[by_scope["scope_id"] == scope]
        if hit.empty:
            raise ExprError(f"没有范围「{scope}」的得分")
        return float(hit["score"].iloc[0])

    def grade(x):
        from perfkit.scoring import grade as grade_of

        rules = year_score().rules
        rs = rules.get(scope) or rules.get("whole") or next(iter(rules.values()), None)
        return grade_of(_number(x), rs)

    def count_scopes(scope_type):
        sc = rows(dept.scopes)
        return float((sc["scope_type"] == scope_type).sum())

    return {
        "budget": lambda scope: line(scope, "合计", "budget"),
        "budget_original": lambda scope: line(scope, "合计", "budget_original"),
        "executed": lambda scope: line(scope, "合计", "executed"),
        "line": line,
        "finance": finance,
        "actual": indicator_value("actual"),
        "prior": indicator_value("prior_actual"),
        "fig": fig,
        "score": score,
        "grade": grade,
        "count_scopes": count_scopes,
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


def check_stated(dept, year: int, scored=None) -> pd.DataFrame:
    """Return the findings of one department-year: stated figures recomputed, and the tables' arithmetic.

    Parameters
    ----------
    dept : Department
        From :func:`perfkit.data.load`.
    year : int
    scored : YearScore, optional
        The year's scores, when already computed (computed here otherwise).

    Returns
    -------
    DataFrame
        One row per finding: year, scope_id, check (code), label (Chinese),
        figure_id, stated_text, stated, recomputed, difference
        (stated − recomputed), decimals, ok (True / False / NA for figures only
        listed), severity (``info``, ``warning``, ``error``), file, row, detail
        (a Chinese sentence with both numbers and where they came from).
    """
    from perfkit.scoring import score_year

    year = int(year)
    if scored is None:
        scored = score_year(dept, year)
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
