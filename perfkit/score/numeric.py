"""Vectorized reading and judging of the common case: a measured number against a numeric target.

Real tables print actuals as measured numbers (``96.37%``, ``1287人``,
``2.6天``), so a batch of a million rows holds over a hundred thousand
distinct actual texts and as many (target, actual) combinations.  Reading and
judging each in Python costs more than all the rest of scoring, so:

- :func:`read_actuals` reads the plain ``number[unit]`` spellings with one
  regular expression and leaves every other text to
  :func:`~perfkit.score.targets.parse_target`;
- :func:`judge_plain` judges, for all combinations at once with numpy, a
  quantitative target against such a number in the same unit, following
  :func:`perfkit.score.judge._quantitative` step by step; everything else
  (other units, copied operators, targets ≤ 0, qualitative and directional
  rows) goes to :func:`~perfkit.score.judge.judge`.

Both give exactly what the scalar path gives (tests/test_numeric.py compares
them on every row of generated and real tables).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from perfkit.rules.ruleset import RuleSet
from perfkit.score.judge import _BIT, AMOUNT_FACTORS, Judgement, judge
from perfkit.score.targets import COUNT_UNITS, OP_SYMBOLS, Target, fmt_number, parse_target
from perfkit.text import formats, judging
from perfkit.text.vocabulary import POINTS

# Recognised input, not output: the units of a plain ``number + unit`` actual.
RECOGNISED_INPUT = ("PLAIN_UNITS",)
# Units whose ``number + unit`` spelling parse_target always reads as a bare value in that unit: no
# date words (12月 is a deadline), no word that ends like a bound (…内), no alias (百分比 → %).
PLAIN_UNITS = tuple(sorted(
    {"%", "‰", *AMOUNT_FACTORS, "小时", "分钟", "个工作日", "工作日", "公里", "千米", "米", "平方米", "亩", "吨", "分",
     *(u for u in COUNT_UNITS if not set(u) & set("年月日内"))}, key=len, reverse=True))
# ASCII digits only (\d also takes full-width ones, which parse_target folds first); at most 15
# significant digits, so that the number prints back as written (fmt_number uses 6 decimals).
_PLAIN_RE = re.compile(rf"([0-9]{{1,9}}(?:\.[0-9]{{1,6}})?)({'|'.join(map(re.escape, PLAIN_UNITS))})?")

# Codes of a judgement's rule for the vectorized rows.
_LOWER, _HIGHER, _EQUAL = 0, 1, 2


def plain_reading(text: str, number: str, unit: str | None) -> Target:
    """Return the Target parse_target gives a plain ``number[unit]`` text (a bare value, read as ≥)."""
    value = float(number)
    shown = f"{fmt_number(value)}{unit or ''}"
    return Target(text, "quantitative", ">=", value, unit, implicit_op=True, decimals=len(number.partition(".")[2]),
                  reading=judging.READ_IMPLICIT_GE.format(shown=shown))


@dataclass
class Actuals:
    """The distinct actual (or prior-year) texts of a batch, read; plain numbers are kept as arrays only.

    ``plain`` marks the texts read by the regular expression: their Target is
    built only when a row needs the scalar judge (:meth:`reading`).
    """

    texts: list
    plain: np.ndarray  # bool per text
    value: np.ndarray  # float per text (NaN when not a plain number)
    unit: list  # unit per plain text, None otherwise
    number: list  # the number as written per plain text, None otherwise
    parsed: list  # Target per text that is not plain, None for plain texts

    def reading(self, k: int) -> Target:
        """Return the Target of text ``k`` (built on demand for a plain number)."""
        found = self.parsed[k]
        if found is None:
            found = self.parsed[k] = plain_reading(self.texts[k], self.number[k], self.unit[k])
        return found

    def kinds(self) -> list[str]:
        """Return the kind of every text."""
        return ["quantitative" if p is None else p.kind for p in self.parsed]

    def flag(self, name: str) -> np.ndarray:
        """Return, per text, a boolean attribute of the reading (``not_applicable``); plain numbers give False."""
        return np.array([p is not None and getattr(p, name) for p in self.parsed], dtype=bool)


def read_actuals(texts: list) -> Actuals:
    """Return the readings of distinct texts: plain numbers by one regular expression, the rest by parse_target."""
    n = len(texts)
    plain = np.zeros(n, dtype=bool)
    value = np.full(n, np.nan)
    unit: list = [None] * n
    number: list = [None] * n
    parsed: list = [None] * n
    match = _PLAIN_RE.fullmatch
    for k, text in enumerate(texts):
        m = match(text) if type(text) is str else None
        if m is None:
            parsed[k] = parse_target(text)
        else:
            plain[k] = True
            number[k], unit[k] = m.groups()
    rows = np.flatnonzero(plain)
    value[rows] = np.array([number[k] for k in rows.tolist()], dtype=float)
    return Actuals(texts, plain, value, unit, number, parsed)


def plain_numbers(numbers: list[str]) -> np.ndarray:
    """Return ``fmt_number(float(x))`` for plain printed numbers x (no sign, ≤ 9 + 6 digits), by text in Arrow.

    Such a number prints back exactly at 6 decimals, so fmt_number only drops
    leading zeros and trailing decimal zeros: ``007`` → ``7``, ``12.50`` → ``12.5``, ``1.00`` → ``1``.
    """
    text = pc.replace_substring_regex(pa.array(numbers, type=pa.large_string()), r"^0+([0-9])", r"\1")
    text = pc.replace_substring_regex(text, r"\.([0-9]*?)0+$", r".\1")
    text = pc.replace_substring_regex(text, r"\.$", "")
    return np.array(text.to_pylist(), dtype=object)


@dataclass
class PlainJudgements:
    """Judgements of the combinations :func:`judge_plain` took, as arrays (one entry per taken combination)."""

    taken: np.ndarray  # indices of the combinations judged here
    rule: np.ndarray  # rule name per combination (object)
    fraction: np.ndarray
    met: np.ndarray  # bool: every vectorized judgement says met or not
    attainment: np.ndarray
    actual_value: np.ndarray
    bits: np.ndarray
    head: np.ndarray  # object: the reason before the score


def _shown_unit(unit: str | None) -> str:
    return formats.POINTS_UNIT if unit == POINTS else unit or ""


def _fill(template: str, **fields) -> np.ndarray | str:
    """Return ``template.format(**fields)`` element-wise, for fields that are arrays of texts (or texts).

    The reasons are the templates of :mod:`perfkit.text.judging` that judge.py fills one row at a time;
    here their pieces are joined with numpy over all rows at once, so the wording exists once.
    """
    out = ""
    for literal, name, _, _ in Formatter().parse(template):
        out = out + literal
        if name is not None:
            out = out + fields[name]
    return out


def _target_parts(targets: list[Target], rules: RuleSet) -> tuple[np.ndarray, ...]:
    """Return per target: eligible, value, rule code, printed target T, unit, flag bits (as judge computes them)."""
    n = len(targets)
    ok, tv = np.zeros(n, dtype=bool), np.full(n, np.nan)
    code, bits = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    shown, units = np.empty(n, dtype=object), [None] * n
    for k, t in enumerate(targets):
        if t.kind != "quantitative" or t.value is None or not t.value > 0:
            continue
        op = rules.bare_value_op if t.implicit_op else t.op
        ok[k], tv[k], units[k] = True, t.value, t.unit
        code[k] = _LOWER if op in ("<=", "<") else _EQUAL if op == "=" else _HIGHER
        text = t.canonical() if not t.implicit_op else f"{fmt_number(t.value)}{_shown_unit(t.unit)}"
        shown[k] = f"{OP_SYMBOLS[op]}{text}" if t.implicit_op and op != ">=" else text
        bits[k] = (_BIT["implicit_ge"] if t.implicit_op else 0) | (_BIT["target_in_name"] if t.from_name else 0)
    return ok, tv, code, shown, units, bits


def _pct_texts(x: np.ndarray) -> np.ndarray:
    """Return ``fmt_number(round(v * 100, 2)) + '%'`` for every v of x (judge's _pct), formatting each distinct value once."""
    y = x * 100
    z = y * 100
    k = np.rint(z)
    # numpy's rint(y*100)/100 is Python's round(y, 2) except within an ulp of a half: those go through round()
    exact = (np.abs(z) < 1e8) & (np.abs(np.abs(z - np.floor(z)) - 0.5) > 1e-6)
    codes, uniques = pd.factorize(np.where(exact, k / 100, np.nan), use_na_sentinel=True)
    texts = np.array([f"{fmt_number(v)}%" for v in uniques.tolist()] + [""], dtype=object)
    out = texts[codes]
    for i in np.flatnonzero(~exact).tolist():
        out[i] = f"{fmt_number(round(float(y[i]), 2))}%"
    return out


def judge_plain(targets: list[Target], actuals: Actuals, t_of: np.ndarray, a_of: np.ndarray,
                rules: RuleSet) -> PlainJudgements:
    """Return the judgements of the combinations (target t_of[i], actual a_of[i]) the vectorized rules cover.

    Covered: a quantitative target above 0 against a plain number ≥ 0 in the
    same unit (or both without one).  That is judge's path through
    ``_quantitative`` with no unit conversion, no copied operator and no
    clipping, and its arithmetic is repeated here operation by operation.
    """
    ok_t, tv_t, code_t, shown_t, unit_t, bits_t = _target_parts(targets, rules)
    unit_codes, unit_names = pd.factorize(np.array(unit_t + actuals.unit, dtype=object), use_na_sentinel=True)
    t_unit, a_unit = unit_codes[:len(unit_t)], unit_codes[len(unit_t):]
    taken = np.flatnonzero(ok_t[t_of] & actuals.plain[a_of] & (t_unit[t_of] == a_unit[a_of]))
    ti, ai = t_of[taken], a_of[taken]
    tv, av, code = tv_t[ti], actuals.value[ai], code_t[ti]
    names = np.array([_shown_unit(u) for u in unit_names.tolist()] + [""], dtype=object)
    a_rows = np.unique(ai)
    a_text = np.empty(len(actuals.texts), dtype=object)
    a_text[a_rows] = plain_numbers([actuals.number[k] for k in a_rows.tolist()]) + names[a_unit[a_rows]]
    A, T = a_text[ai], shown_t[ti]
    attainment = av / tv
    fraction = np.ones(len(taken))
    met = np.ones(len(taken), dtype=bool)
    bits = bits_t[ti].copy()
    head = np.empty(len(taken), dtype=object)
    rule = np.where(code == _EQUAL, "equality", "higher_is_better").astype(object)

    lower = code == _LOWER
    rule[lower] = f"lower_is_better_{rules.reverse_method}"
    fine = lower & (av <= tv)
    head[fine] = _fill(judging.MET_AT_MOST, actual=A[fine], target=T[fine])
    over = lower & ~fine
    if rules.reverse_method == "ratio":
        fraction[over] = tv[over] / av[over]
        head[over] = _fill(judging.NOT_MET_REVERSE_RATIO, actual=A[over], target=T[over], fraction=_pct_texts(fraction[over]))
    else:
        excess = (av[over] - tv[over]) / tv[over]
        fraction[over] = np.maximum(0.0, 1.0 - excess)
        pe = _pct_texts(excess)
        head[over] = _fill(judging.NOT_MET_REVERSE_LINEAR, actual=A[over], target=T[over], over=pe,
                           fraction=_pct_texts(fraction[over]))
    met[over] = False

    higher = ~lower
    reached = higher & (av >= tv)
    beyond = reached & (av >= rules.over_threshold * tv)
    short = higher & ~reached
    plain_met = reached & ~beyond
    head[plain_met] = _fill(judging.MET_AT_LEAST, actual=A[plain_met], target=T[plain_met])
    if beyond.any():
        fraction[beyond] = 1.0 - rules.over_deduction
        bits[beyond] |= _BIT["over_completion"]
        deduct = judging.OVER_DEDUCTION.format(deduction=_pct_texts(np.array([rules.over_deduction]))[0]) \
            if rules.over_deduction else ""
        limit = _pct_texts(np.array([rules.over_threshold]))[0]
        head[beyond] = _fill(judging.OVER_COMPLETION, actual=A[beyond], target=T[beyond],
                             attainment=_pct_texts(attainment[beyond]), threshold=limit, deduct=deduct)
    fraction[short] = np.maximum(attainment[short], 0.0)
    met[short] = False
    head[short] = _fill(judging.NOT_MET_RATIO, actual=A[short], target=T[short], attainment=_pct_texts(attainment[short]))
    return PlainJudgements(taken, rule, fraction, met, attainment, av, bits, head)


def to_judgement(p: PlainJudgements, k: int) -> Judgement:
    """Return entry k of vectorized judgements as a scalar Judgement (for tests and comparisons)."""
    return Judgement(str(p.rule[k]), float(p.fraction[k]), bool(p.met[k]), float(p.attainment[k]),
                     float(p.actual_value[k]), None, int(p.bits[k]), str(p.head[k]), "")


@dataclass
class Combinations:
    """The judgement of every distinct (target, actual, prior) combination, as arrays (one entry per combination)."""

    rule: np.ndarray  # object
    fraction: np.ndarray
    met: np.ndarray  # bool: met is True
    met_na: np.ndarray  # bool: met is None
    attainment: np.ndarray
    actual_value: np.ndarray
    bits: np.ndarray
    level: list  # the qualitative level applied, or None
    head: np.ndarray  # object
    note: np.ndarray  # object


def judge_combinations(targets: list[Target], actuals: Actuals, priors: list[Target], t_of: np.ndarray,
                       a_of: np.ndarray, p_of: np.ndarray, preset: list, rules: RuleSet) -> Combinations:
    """Return the judgement of every combination: vectorized where :func:`judge_plain` covers it, else judge().

    ``preset[i]`` is a Judgement given in advance (an empty row), or None.
    """
    n = len(t_of)
    plain = judge_plain(targets, actuals, t_of, a_of, rules)
    rest = np.ones(n, dtype=bool)
    rest[plain.taken] = False
    rest_idx = np.flatnonzero(rest)
    judged = [preset[i] or judge(targets[t_of[i]], actuals.reading(a_of[i]), priors[p_of[i]], rules)
              for i in rest_idx.tolist()]
    out = Combinations(np.empty(n, dtype=object), np.empty(n), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool),
                       np.empty(n), np.empty(n), np.empty(n, dtype=np.int64), [None] * n,
                       np.empty(n, dtype=object), np.full(n, "", dtype=object))
    taken = plain.taken
    out.rule[taken], out.fraction[taken], out.met[taken] = plain.rule, plain.fraction, plain.met
    out.attainment[taken], out.actual_value[taken] = plain.attainment, plain.actual_value
    out.bits[taken], out.head[taken] = plain.bits, plain.head
    if judged:
        out.rule[rest_idx] = [j.rule for j in judged]
        out.fraction[rest_idx] = [j.fraction for j in judged]
        out.met[rest_idx] = [j.met is True for j in judged]
        out.met_na[rest_idx] = [j.met is None for j in judged]
        out.attainment[rest_idx] = [j.attainment for j in judged]
        out.actual_value[rest_idx] = [j.actual_value for j in judged]
        out.bits[rest_idx] = [j.bits for j in judged]
        out.head[rest_idx] = [j.head for j in judged]
        out.note[rest_idx] = [j.note for j in judged]
        for i, j in zip(rest_idx.tolist(), judged):
            out.level[i] = j.level
    return out
