"""The formula language of ``stated.csv`` and of score sheets: a small, safe evaluator and its functions.

A formula is arithmetic (``+ - * / ( )``, numbers) over a fixed set of
functions answering from one department-year's data (``budget('whole')``,
``fig('x')`` …).  Nothing else is allowed: no names, attributes or calls
outside that set, so a formula in a data file cannot run code.
"""
from __future__ import annotations

import ast
import math
import operator
from typing import Callable, Mapping

import pandas as pd

from perfkit.score.targets import parse_target

FUNCTIONS = ("budget", "budget_original", "executed", "line", "finance", "actual", "prior", "fig", "score",
             "grade", "count_scopes")
LINE_FIELDS = ("budget_original", "budget", "executed")

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

    ``score`` and ``grade`` need the scored year; when ``scored`` is None they
    raise :class:`ExprError` (management ratios are computed while scoring).  ``grade`` uses the rule set of ``scope`` (the
    figure's scope), else the whole department's.
    """
    year = int(year)

    def rows(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["year"] == year] if "year" in df.columns else df

    budget = rows(dept.budget)

    def year_score():
        # Management ratios are evaluated while the year is being scored, so
        # they cannot ask for its score; stated figures always can.
        if scored is None:
            raise ExprError("此处不能引用得分（score/grade）：本年得分尚在计算中")
        return scored

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
        rules = year_score().rules
        rs = rules.get(scope) or rules.get("whole") or next(iter(rules.values()), None)
        if rs is None:
            raise ExprError("没有可用的规则集，无法给出等级")
        return rs.grade(_number(x))

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
