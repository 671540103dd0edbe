"""The formula language of ``stated.csv`` and of score sheets: a small, safe evaluator and its functions.

A formula is arithmetic (``+ - * / ( )``, numbers) over a fixed set of
functions answering from one department-year's data (``budget('whole')``,
``fig('x')`` …).  Nothing else is allowed: no names, attributes or calls
outside that set, so a formula in a data file cannot run code.

Every value a function returns carries the precision it was printed with (an
amount printed ``89.974`` in 万元 is known to ±0.0005 万元; the same in 元, to
±0.5 元), and :func:`evaluate_with_tolerance` carries it through the
arithmetic, so a check allows for the rounding of every input, not only of the
stated figure.  Numbers written in the formula itself are exact.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from typing import Callable, Mapping

import pandas as pd

from perfkit.score.targets import COUNT_UNITS, parse_target
from perfkit.text import messages
from perfkit.text import checking, validation
from perfkit.text.vocabulary import COUNT_KIND, TOTAL_LINE, WAN_YUAN, YUAN

FUNCTIONS = ("budget", "budget_original", "executed", "line", "finance", "actual", "prior", "fig", "score",
             "grade", "count_scopes", "weight", "count_items")
AMOUNT_FACTORS = {WAN_YUAN: 1.0, YUAN: 1e-4}
# Stated figures that are exact whatever their printing (7 个 is 7): no rounding tolerance.
EXACT_KINDS = (COUNT_KIND,)
# Recognised input, not output: what separates the items of a listed text.
_ITEM_SEPARATORS = re.compile(r"[、，,；;]|和|及|与")
LINE_FIELDS = ("budget_original", "budget", "executed")
RECOGNISED_INPUT = ("_ITEM_SEPARATORS",)

# --------------------------------------------------------------------------- safe evaluator


class ExprError(ValueError):
    """A recomputation formula that is not allowed, or that the data cannot answer."""


class Approx(float):
    """A number known to ± ``tol`` (half a unit of the last digit it was printed with)."""

    tol: float

    def __new__(cls, value: float, tol: float = 0.0):
        obj = super().__new__(cls, value)
        obj.tol = float(tol)
        return obj


def half_unit(text, factor: float = 1.0) -> float:
    """Return half a unit of the last printed digit of a number written as ``text`` (``89.974`` → 0.0005), × factor.

    Thousands separators are ignored; a cell with no digits gives 0.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return 0.0
    m = re.search(r"\d[\d,，]*(?:\.(\d+))?", str(text))
    if m is None:
        return 0.0
    return 0.5 * 10.0 ** (-len(m.group(1) or "")) * factor


#: Longest formula accepted: stated.csv and the rule sets write at most ~120 characters; nesting stays shallow.
MAX_EXPR_LENGTH = 500

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def parse_expr(text: str) -> ast.Expression:
    """Return the parsed formula; raise :class:`ExprError` for anything beyond arithmetic and the listed functions.

    Allowed: numbers, ``+ - * /``, unary ``-``, parentheses, and calls of
    :data:`FUNCTIONS` with number or quoted-text arguments.
    """
    text = str(text).strip()
    if len(text) > MAX_EXPR_LENGTH:
        raise ExprError(messages.EXPR_TOO_LONG.format(n=len(text), limit=MAX_EXPR_LENGTH, start=text[:40]))
    try:
        tree = ast.parse(text, mode="eval")
        _check_node(tree.body, text, in_call=False)
    except SyntaxError as exc:
        raise ExprError(checking.EXPR_SYNTAX.format(text=text, error=exc.msg)) from None
    except (RecursionError, MemoryError):  # hundreds of nested signs or operators: no report writes that
        raise ExprError(messages.EXPR_TOO_DEEP.format(start=text[:40])) from None
    return tree


def _check_node(node: ast.AST, text: str, in_call: bool) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
            raise ExprError(checking.EXPR_ONLY_NUMBERS_AND_NAMES.format(text=text))
        if isinstance(node.value, str) and not in_call:
            raise ExprError(checking.EXPR_NAME_ONLY_ARGUMENT.format(text=text))
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check_node(node.left, text, False)
        _check_node(node.right, text, False)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check_node(node.operand, text, False)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = getattr(node.func, "id", ast.unparse(node.func))
            raise ExprError(checking.EXPR_UNKNOWN_FUNCTION.format(name=name, functions=validation.LIST_SEP.join(FUNCTIONS)))
        if node.keywords:
            raise ExprError(checking.EXPR_KEYWORD_ARGUMENT.format(text=text))
        for arg in node.args:
            _check_node(arg, text, True)
    else:
        raise ExprError(checking.EXPR_NOT_ALLOWED.format(functions=validation.LIST_SEP.join(FUNCTIONS), text=text))


def evaluate(text: str, functions: Mapping[str, Callable]):
    """Return the value of a formula (a number, or the text ``grade()`` returns)."""
    return _eval(parse_expr(text).body, functions)[0]


def evaluate_with_tolerance(text: str, functions: Mapping[str, Callable]) -> tuple[object, float]:
    """Return the value of a formula and how far off it may be from the rounding of its printed inputs."""
    return _eval(parse_expr(text).body, functions)


def _eval(node: ast.AST, functions: Mapping[str, Callable]) -> tuple[object, float]:
    value, tol = _node_value(node, functions)
    # Every value a formula meets passes here: a constant such as 1e999, a product that overflowed, a
    # figure too large for a float.  Infinity is no figure to compare a stated one with.
    if isinstance(value, float) and math.isinf(value):
        raise ExprError(checking.EXPR_OVERFLOW)
    return value, tol


def _node_value(node: ast.AST, functions: Mapping[str, Callable]) -> tuple[object, float]:
    if isinstance(node, ast.Constant):
        return node.value, 0.0
    if isinstance(node, ast.UnaryOp):
        value, tol = _eval(node.operand, functions)
        return _UNARY[type(node.op)](_number(value)), tol
    if isinstance(node, ast.BinOp):
        (a, ta), (b, tb) = _eval(node.left, functions), _eval(node.right, functions)
        a, b = _number(a), _number(b)
        if isinstance(node.op, ast.Div) and b == 0:
            raise ExprError(checking.EXPR_DIVISION_BY_ZERO)
        return _BINOPS[type(node.op)](a, b), _propagate(node.op, a, ta, b, tb)
    func = functions.get(node.func.id)
    if func is None:
        raise ExprError(checking.EXPR_FUNCTION_HERE.format(name=node.func.id))
    try:
        result = func(*[_eval(a, functions)[0] for a in node.args])
    except TypeError:
        raise ExprError(checking.EXPR_ARGUMENT_COUNT.format(name=node.func.id)) from None
    return result, getattr(result, "tol", 0.0)


def _propagate(op: ast.operator, a: float, ta: float, b: float, tb: float) -> float:
    """Return the widest error of ``a op b`` when a and b are off by at most ta and tb."""
    if isinstance(op, (ast.Add, ast.Sub)):
        return ta + tb
    if isinstance(op, ast.Mult):
        return abs(a) * tb + abs(b) * ta + ta * tb
    if abs(b) <= tb:
        return math.inf
    return (abs(a) * tb + abs(b) * ta) / (abs(b) * (abs(b) - tb))


def _number(value) -> float:
    if isinstance(value, str) or value is None:
        raise ExprError(checking.EXPR_NOT_A_NUMBER.format(value=value))
    value = float(value)
    if math.isnan(value):
        raise ExprError(checking.EXPR_MISSING_VALUE)
    return value


def figure_functions(dept, year: int, scored=None, scope: str | None = None) -> dict[str, Callable]:
    """Return the functions a formula may call, answering from ``dept``'s data for ``year``.

    ``score``, ``weight`` and ``grade`` need the scored year; when ``scored``
    is None they raise :class:`ExprError` (management ratios are computed
    while scoring).  ``grade`` uses the rule set of ``scope`` (the figure's
    scope), else the whole department's.  Amounts, stated figures and
    indicator values come back as :class:`Approx`, carrying their printed
    precision.
    """
    f = _Figures(dept, int(year), scored, scope)
    return {
        "budget": lambda s: f.line(s, TOTAL_LINE, "budget"),
        "budget_original": lambda s: f.line(s, TOTAL_LINE, "budget_original"),
        "executed": lambda s: f.line(s, TOTAL_LINE, "executed"),
        "line": f.line,
        "finance": f.finance,
        "actual": lambda iid: f.indicator(iid, "actual"),
        "prior": lambda iid: f.indicator(iid, "prior_actual"),
        "fig": f.fig,
        "score": f.score,
        "weight": f.weight,
        "grade": f.grade,
        "count_scopes": f.count_scopes,
        "count_items": count_items,
    }


def count_items(text) -> float:
    """Return how many items a listed text names (``甲、乙和丙`` → 3): items split at 、，,；; 和 及 与."""
    if not isinstance(text, str):
        raise ExprError(checking.EXPR_COUNT_ITEMS)
    return float(len([t for t in _ITEM_SEPARATORS.split(text) if t.strip()]))


class _Figures:
    """The data a formula may ask for: one department-year (and its scores, once scored)."""

    def __init__(self, dept, year: int, scored, scope: str | None):
        self.dept, self.year, self.scored, self.scope = dept, year, scored, scope
        self.budget = self.rows(dept.budget)
        self._lines: dict | None = None  # (scope, line) → its first budget row, built on the first line()

    def rows(self, df: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
        year = self.year if year is None else int(year)
        return df[df["year"] == year] if "year" in df.columns else df

    def _amount(self, fname: str, rec: dict, col: str) -> Approx:
        """Return an amount (万元) of one row (a record) with the precision its cell was printed with, in its unit."""
        value = float(rec[col])
        printed_row = getattr(self.dept, "printed_row", None)
        cells = printed_row(fname, rec.get("src_row")) if printed_row is not None and "src_row" in rec else None
        text = cells.get(col) if cells is not None else None
        factor = AMOUNT_FACTORS.get(str(rec["unit"]), 1.0) if "unit" in rec else 1.0
        return Approx(value, half_unit(text, factor) if text is not None else 0.0)

    def line(self, scope, name, column):
        if column not in LINE_FIELDS:
            raise ExprError(checking.EXPR_LINE_FIELD.format(fields=validation.LIST_SEP.join(LINE_FIELDS), column=column))
        if self._lines is None:
            # a formula asks for a few lines of a year's table, often the same ones: one pass over the
            # year's rows instead of a filter of the table per call
            self._lines = {}
            for rec in self.budget.to_dict("records"):
                self._lines.setdefault((rec["scope_id"], rec["line"]), rec)
        rec = self._lines.get((scope, name))
        if rec is None:
            raise ExprError(checking.EXPR_NO_LINE.format(scope=scope, year=self.year, name=name))
        if pd.isna(rec[column]):
            raise ExprError(checking.EXPR_LINE_EMPTY.format(scope=scope, name=name, column=column))
        return self._amount("budget.csv", rec, column)

    def finance(self, item):
        fin = self.rows(self.dept.finance)
        hit = fin[fin["item"] == item]
        if hit.empty:
            raise ExprError(checking.EXPR_NO_FINANCE.format(year=self.year, item=item))
        return self._amount("finance.csv", hit.iloc[0].to_dict(), "amount")

    def indicator(self, indicator_id, column):
        ind = self.rows(self.dept.indicators)
        hit = ind[ind["indicator_id"] == indicator_id]
        if hit.empty:
            raise ExprError(checking.EXPR_NO_INDICATOR.format(year=self.year, indicator=indicator_id))
        text = hit[column].iloc[0]
        parsed = parse_target(text)
        if parsed.kind != "quantitative" or parsed.value is None:
            raise ExprError(checking.EXPR_NOT_READABLE.format(indicator=indicator_id, column=column,
                                                              text="" if pd.isna(text) else text))
        whole_count = not parsed.decimals and (parsed.unit is None or parsed.unit in COUNT_UNITS)
        return Approx(parsed.value, 0.0 if whole_count else 0.5 * 10.0 ** -(parsed.decimals or 0))

    def fig(self, figure_id, year=None):
        st = self.rows(self.dept.stated, year)
        hit = st[st["figure_id"] == figure_id]
        when = self.year if year is None else int(year)
        if hit.empty or pd.isna(hit["value"].iloc[0]):
            raise ExprError(checking.EXPR_NO_FIGURE.format(year=when, figure=figure_id))
        exact = "kind" in hit.columns and hit["kind"].iloc[0] in EXACT_KINDS
        return Approx(float(hit["value"].iloc[0]), 0.0 if exact else half_unit(hit["stated_text"].iloc[0]))

    def year_score(self):
        # Management ratios are evaluated while the year is being scored, so
        # they cannot ask for its score; stated figures always can.
        if self.scored is None:
            raise ExprError(checking.EXPR_NO_SCORES_YET)
        return self.scored

    def _total(self, scope):
        by_scope = self.year_score().by_scope
        hit = by_scope[by_scope["scope_id"] == scope]
        if hit.empty:
            raise ExprError(checking.EXPR_NO_SCORE.format(scope=scope))
        return hit.iloc[0]

    def score(self, scope):
        total = self._total(scope)
        status = total.get("status", "complete")
        if status == "unscorable" or pd.isna(total["score"]):
            raise ExprError(checking.EXPR_UNSCORABLE.format(scope=scope))
        if status == "range":
            raise ExprError(checking.EXPR_SCORE_RANGE.format(scope=scope, n=int(total["n_unscored"]),
                                                             low=total["score_min"], high=total["score_max"]))
        return float(total["score"])

    def weight(self, scope):
        return float(self._total(scope)["weight"])

    def grade(self, x):
        rules = self.year_score().rules
        rs = rules.get(self.scope) or rules.get("whole") or next(iter(rules.values()), None)
        if rs is None:
            raise ExprError(checking.EXPR_NO_RULE_SET)
        return rs.grade(_number(x))

    def count_scopes(self, scope_type):
        sc = self.rows(self.dept.scopes)
        return float((sc["scope_type"] == scope_type).sum())
