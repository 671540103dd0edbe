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
import string
from dataclasses import dataclass

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
# significant digits, so that the number prints back as written (fmt_number uses 6 decimals).  Read by
# Arrow's extract_regex (RE2), hence anchored and with named groups; no unit starts with a digit or a
# dot, so a match splits into number and unit one way only.
_PLAIN_ARROW = rf"^(?P<number>[0-9]{{1,9}}(?:\.[0-9]{{1,6}})?)(?P<unit>{'|'.join(map(re.escape, PLAIN_UNITS))})?$"

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
    built only when a row needs the scalar judge (:meth:`reading`), and their
    number and unit stay in Arrow (a batch holds a hundred thousand of them).
    """

    texts: list
    plain: np.ndarray  # bool per text
    value: np.ndarray  # float per text (NaN when not a plain number)
    parsed: list  # Target per text that is not plain, None for plain texts
    numbers: pa.Array  # the number as written, per plain text (in the order of the plain texts)
    units: pa.Array  # the unit as written ("" when none), per plain text
    at: np.ndarray  # per text: its place among the plain texts, -1 when not plain

    def reading(self, k: int) -> Target:
        """Return the Target of text ``k`` (built on demand for a plain number)."""
        found = self.parsed[k]
        if found is None:
            i = int(self.at[k])
            found = self.parsed[k] = plain_reading(self.texts[k], self.numbers[i].as_py(),
                                                   self.units[i].as_py() or None)
        return found

    def kinds(self) -> list[str]:
        """Return the kind of every text."""
        return ["quantitative" if p is None else p.kind for p in self.parsed]

    def flag(self, name: str) -> np.ndarray:
        """Return, per text, a boolean attribute of the reading (``not_applicable``); plain numbers give False."""
        out = np.zeros(len(self.parsed), dtype=bool)
        rows = np.flatnonzero(~self.plain)
        out[rows] = [bool(getattr(self.parsed[k], name)) for k in rows.tolist()]
        return out

    def kind_is(self, kind: str) -> np.ndarray:
        """Return, per text, whether its kind is ``kind``."""
        out = np.full(len(self.parsed), kind == "quantitative")
        rows = np.flatnonzero(~self.plain)
        out[rows] = [self.parsed[k].kind == kind for k in rows.tolist()]
        return out


def read_actuals(texts: list) -> Actuals:
    """Return the readings of distinct texts: plain numbers by one regular expression, the rest by parse_target."""
    n = len(texts)
    value = np.full(n, np.nan)
    parsed: list = [None] * n
    # one pass of Arrow's regular expressions over all texts (RE2: anchored, the same groups as _PLAIN_RE)
    found = pc.extract_regex(_arrow_texts(texts), _PLAIN_ARROW)
    valid = found.is_valid()
    plain = valid.to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(plain)
    got = found.filter(valid)
    numbers = got.field("number").cast(pa.large_string())
    value[rows] = pc.cast(numbers, pa.float64()).to_numpy()
    at = np.full(n, -1, dtype=np.int64)
    at[rows] = np.arange(len(rows))
    for k in np.flatnonzero(~plain).tolist():
        parsed[k] = parse_target(texts[k])
    units = pc.fill_null(got.field("unit").cast(pa.large_string()), "")
    return Actuals(texts, plain, value, parsed, numbers, units, at)


def _arrow_texts(texts: list) -> pa.Array:
    """Return the texts as an Arrow string array; anything that is not a str (None, NaN, a number) is null."""
    try:
        return pa.array(texts, type=pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a number or NaN among them: not a plain text
        return pa.array([t if type(t) is str else None for t in texts], type=pa.large_string())


def plain_numbers(numbers: list[str]) -> np.ndarray:
    """Return ``fmt_number(float(x))`` for plain printed numbers x (no sign, ≤ 9 + 6 digits), by text in Arrow.

    Such a number prints back exactly at 6 decimals, so fmt_number only drops
    leading zeros and trailing decimal zeros: ``007`` → ``7``, ``12.50`` → ``12.5``, ``1.00`` → ``1``.
    """
    return np.array(_printed(pa.array(numbers, type=pa.large_string())).to_pylist(), dtype=object)


def _printed(numbers: pa.Array) -> pa.Array:
    """Return plain_numbers of an Arrow array of plain numbers, as an Arrow array."""
    text = pc.replace_substring_regex(numbers, r"^0+([0-9])", r"\1")
    text = pc.replace_substring_regex(text, r"\.([0-9]*?)0+$", r".\1")
    return pc.replace_substring_regex(text, r"\.$", "")


def fill(template: str, **values) -> pa.Array:
    """Return ``template.format(**values)`` element-wise, where values are Arrow string arrays of one length or str.

    The texts of a judgement are long and many (one per distinct combination): joined in Arrow, not in Python.
    """
    pieces = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if name is not None:
            if spec or conversion:
                raise ValueError(f"fill() takes plain fields only: {template!r}")
            pieces.append(values[name])
    pieces = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p.cast(pa.large_string()) for p in pieces]
    return pc.binary_join_element_wise(*pieces, _NOTHING)


_NOTHING = pa.scalar("", pa.large_string())


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
    head: pa.Array | None  # the reason before the score (None when judged without texts)


def _shown_unit(unit: str | None) -> str:
    return formats.POINTS_UNIT if unit == POINTS else unit or ""


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


def _pct_texts(x: np.ndarray) -> pa.Array:
    """Return ``fmt_number(round(v * 100, 2)) + '%'`` for every v of x (judge's _pct), as an Arrow array.

    round(y, 2) is k / 100 for an integer k, and fmt_number prints k / 100 (below 10⁶) as the digits of
    k with the point two places from the right, trailing zeros dropped: so the text is made from k.
    k is rint(y * 100) except within an ulp of a half, where Python rounds the exact binary value of y:
    there y * 100 is formed exactly in extended precision (53 + 7 bits fit in its 64) and compared with
    the half.  Anything else (|y| ≥ 10⁶, no extended precision) goes through round() and fmt_number.
    """
    y = x * 100
    z = y * 100
    k = np.rint(z)
    small = np.abs(z) < 1e8
    near = small & (np.abs(np.abs(z - np.floor(z)) - 0.5) <= 1e-6)
    odd = np.flatnonzero(~small | (near & ~_EXTENDED))
    if _EXTENDED and near.any():
        exact = np.longdouble(y[near]) * 100  # exact: a 53-bit mantissa times 100 fits in 64 bits
        low = np.floor(exact)
        rest = exact - low
        up = (rest > 0.5) | ((rest == 0.5) & (np.fmod(low, 2) != 0))  # a true half rounds to even, as round() does
        k[near] = (low + up).astype(np.float64)
    k = np.where(small, k, 0.0)
    whole = np.abs(k).astype(np.int64)
    text = pc.binary_join_element_wise(
        _SIGNS.take(pa.array((k < 0).astype(np.int64))), pc.cast(pa.array(whole // 100), pa.large_string()),
        _CENTS.take(pa.array(whole % 100)), pa.scalar("%", pa.large_string()), _NOTHING)
    if not len(odd):
        return text
    at = np.arange(len(x))
    at[odd] = len(x) + np.arange(len(odd))
    more = pa.array([f"{fmt_number(round(float(y[i]), 2))}%" for i in odd.tolist()], type=pa.large_string())
    return pa.concat_arrays([text, more]).take(pa.array(at))


# Whether numpy's longdouble holds a 64-bit mantissa (x86's extended precision), for _pct_texts.
_EXTENDED = bool(np.finfo(np.longdouble).nmant >= 63)
_SIGNS = pa.array(["", "-"], type=pa.large_string())
_CENTS = pa.array([f".{c:02d}".rstrip("0").rstrip(".") for c in range(100)], type=pa.large_string())


def judge_plain(targets: list[Target], actuals: Actuals, t_of: np.ndarray, a_of: np.ndarray,
                rules: RuleSet, texts: bool = True) -> PlainJudgements:
    """Return the judgements of the combinations (target t_of[i], actual a_of[i]) the vectorized rules cover.

    Covered: a quantitative target above 0 against a plain number ≥ 0 in the
    same unit (or both without one).  That is judge's path through
    ``_quantitative`` with no unit conversion, no copied operator and no
    clipping, and its arithmetic is repeated here operation by operation.
    ``texts=False`` leaves the heads out (``head`` is None): spelling them is
    most of the cost, and a bulk score shows no reason.
    """
    ok_t, tv_t, code_t, shown_t, unit_t, bits_t = _target_parts(targets, rules)
    # one code per unit, targets' and actuals' alike (an actual's "" is no unit, as a target's None)
    index: dict = {None: 0}
    t_unit = np.array([index.setdefault(u, len(index)) for u in unit_t], dtype=np.int64)
    a_dict = pc.dictionary_encode(actuals.units)
    a_names = np.array([index.setdefault(u or None, len(index)) for u in a_dict.dictionary.to_pylist()],
                       dtype=np.int64)
    a_unit = np.zeros(len(actuals.texts), dtype=np.int64)  # texts that are not plain are not taken
    a_unit[actuals.at >= 0] = a_names[a_dict.indices.to_numpy(zero_copy_only=False)]
    taken = np.flatnonzero(ok_t[t_of] & actuals.plain[a_of] & (t_unit[t_of] == a_unit[a_of]))
    ti, ai = t_of[taken], a_of[taken]
    tv, av, code = tv_t[ti], actuals.value[ai], code_t[ti]
    if texts:  # the actual as shown (its number as fmt_number prints it, its unit) and the target as shown
        names = pa.array([_shown_unit(u) for u in index], type=pa.large_string())
        at = pa.array(actuals.at[ai])
        A = pc.binary_join_element_wise(_printed(actuals.numbers).take(at), names.take(pa.array(a_unit[ai])),
                                        _NOTHING)
        T = pa.array(shown_t.tolist(), type=pa.large_string()).take(pa.array(ti))
    attainment = av / tv
    fraction = np.ones(len(taken))
    met = np.ones(len(taken), dtype=bool)
    bits = bits_t[ti].copy()
    lower = code == _LOWER
    # the rule names taken from three str objects, not made once per combination
    rule = np.array(["higher_is_better", "equality", f"lower_is_better_{rules.reverse_method}"],
                    dtype=object)[np.where(lower, 2, (code == _EQUAL).astype(np.int64))]
    heads = []  # (rows, their heads): every taken combination falls in exactly one case

    def case(mask, template, **values):  # values are thunks: their percentages are spelled only for texts
        if texts:
            rows = pa.array(np.flatnonzero(mask))
            heads.append((rows, fill(template, actual=A.take(rows), target=T.take(rows),
                                     **{k: v() for k, v in values.items()})))

    fine = lower & (av <= tv)
    case(fine, judging.MET_AT_MOST)
    over = lower & ~fine
    if rules.reverse_method == "ratio":
        fraction[over] = tv[over] / av[over]
        case(over, judging.NOT_MET_REVERSE_RATIO, fraction=lambda: _pct_texts(fraction[over]))
    else:
        excess = (av[over] - tv[over]) / tv[over]
        fraction[over] = np.maximum(0.0, 1.0 - excess)
        case(over, judging.NOT_MET_REVERSE_LINEAR, over=lambda: _pct_texts(excess),
             fraction=lambda: _pct_texts(fraction[over]))
    met[over] = False

    higher = ~lower
    reached = higher & (av >= tv)
    beyond = reached & (av >= rules.over_threshold * tv)
    short = higher & ~reached
    case(reached & ~beyond, judging.MET_AT_LEAST)
    if beyond.any():
        fraction[beyond] = 1.0 - rules.over_deduction
        bits[beyond] |= _BIT["over_completion"]
        deduct = judging.OVER_DEDUCTION.format(deduction=_pct_texts(np.array([rules.over_deduction]))[0].as_py()) \
            if rules.over_deduction else ""
        case(beyond, judging.OVER_COMPLETION, attainment=lambda: _pct_texts(attainment[beyond]),
             threshold=lambda: _pct_texts(np.array([rules.over_threshold]))[0].as_py(), deduct=lambda: deduct)
    fraction[short] = np.maximum(attainment[short], 0.0)
    met[short] = False
    case(short, judging.NOT_MET_RATIO, attainment=lambda: _pct_texts(attainment[short]))
    head = None
    if texts:
        order = np.concatenate([rows.to_numpy() for rows, _ in heads])
        back = np.empty(len(taken), dtype=np.int64)
        back[order] = np.arange(len(taken))
        head = pa.concat_arrays([h for _, h in heads]).take(pa.array(back))
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
    head: pa.Array | None  # the reason before the score (None when judged without texts)
    note: pa.Array | None  # remarks after the score (None when judged without texts)


def judge_combinations(targets: list[Target], actuals: Actuals, priors: list[Target], t_of: np.ndarray,
                       a_of: np.ndarray, p_of: np.ndarray, preset: dict, rules: RuleSet,
                       texts: bool = True) -> Combinations:
    """Return the judgement of every combination: vectorized where :func:`judge_plain` covers it, else judge().

    ``preset`` maps a combination to a Judgement given in advance (an empty row); the few such rows are
    listed there, not every combination.  ``texts=False``: no heads or notes (both None), for a bulk
    score that shows no reason.
    """
    n = len(t_of)
    plain = judge_plain(targets, actuals, t_of, a_of, rules, texts)
    rest = np.ones(n, dtype=bool)
    rest[plain.taken] = False
    rest_idx = np.flatnonzero(rest)
    judged = [preset.get(i) or judge(targets[t_of[i]], actuals.reading(a_of[i]), priors[p_of[i]], rules)
              for i in rest_idx.tolist()]
    out = Combinations(np.empty(n, dtype=object), np.empty(n), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool),
                       np.empty(n), np.empty(n), np.empty(n, dtype=np.int64), [None] * n, None, None)
    taken = plain.taken
    out.rule[taken], out.fraction[taken], out.met[taken] = plain.rule, plain.fraction, plain.met
    out.attainment[taken], out.actual_value[taken] = plain.attainment, plain.actual_value
    out.bits[taken] = plain.bits
    if texts:  # texts stay in Arrow: the vectorized heads, then judge()'s, put in the order of the combinations
        at = np.empty(n, dtype=np.int64)
        at[taken] = np.arange(len(taken))
        at[rest_idx] = len(taken) + np.arange(len(rest_idx))
        out.head = pa.concat_arrays([plain.head, _texts([j.head for j in judged])]).take(pa.array(at))
        at = np.zeros(n, dtype=np.int64)
        at[rest_idx] = 1 + np.arange(len(rest_idx))
        out.note = _texts([""] + [j.note for j in judged]).take(pa.array(at))
    if judged:
        out.rule[rest_idx] = [j.rule for j in judged]
        out.fraction[rest_idx] = [j.fraction for j in judged]
        out.met[rest_idx] = [j.met is True for j in judged]
        out.met_na[rest_idx] = [j.met is None for j in judged]
        out.attainment[rest_idx] = [j.attainment for j in judged]
        out.actual_value[rest_idx] = [j.actual_value for j in judged]
        out.bits[rest_idx] = [j.bits for j in judged]
        for i, j in zip(rest_idx.tolist(), judged):
            out.level[i] = j.level
    return out


def _texts(values) -> pa.Array:
    return pa.array(values, type=pa.large_string())
