"""Placing a row's cells under its columns when copying lost some of them, or glued them together.

A row whose cells all survived is read by position.  Otherwise every way of
placing the surviving cells, in order, under the header's columns is scored:
what kind of text each column holds (an amount, a weight, a rate, a target …)
and whether the row's own arithmetic agrees (执行率 = 执行数 ÷ 预算数, 得分 ≤ 分值,
得分 = 分值 × 执行率).  A glued run of digits (``202010100.00%``) is tried in
every split into valid numbers; a split must pay for itself: it wins only where the row's
arithmetic then agrees.  The
best placement is taken, and the reading is marked as inferred.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from perfkit.extract.cells import (COMPARATORS, QUANTITY_UNITS, compact, garble, halfwidth, is_dash, is_quantity,
                                   is_sentence, read_number, read_rate)
from perfkit.extract.model import Token
from perfkit.text.vocabulary import POINTS_UNIT, WAN_SHORT

AMOUNT, POINTS, RATE, QUANTITY, NOTE, NATURE, UNIT, CRITERION, FLAG, IGNORE = (
    "amount", "points", "rate", "quantity", "note", "nature", "unit", "criterion", "flag", "ignore")
ROLE_KIND = {"budget_original": AMOUNT, "budget": AMOUNT, "executed": AMOUNT, "weight": POINTS, "score": POINTS,
             "rate": RATE, "note": NOTE, "target": QUANTITY, "actual": QUANTITY, "nature": NATURE, "unit": UNIT,
             "criterion": CRITERION, "coefficient": RATE, "flag": FLAG, "ignore": IGNORE}
# Columns read only to place the others (得分系数, 是否核心指标, 调整指标值): nothing of theirs is written.
UNWRITTEN = ("ignore", "coefficient", "flag")
_VALID_NUMBER = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")
_GLUED_NUMBER = re.compile(rf"^([{COMPARATORS}]?)(\d[\d.]*)(%|[^\d.%]*)$")
MAX_OPTIONS = 800
# Recognised input, not output: the words of a 是否核心指标 column, of an empty note, of an 指标性质 column.
RECOGNISED_INPUT = ("_FLAG_WORDS", "_EMPTY_NOTES", "_NATURE_WORDS", "_NATURE_CHARS")
_FLAG_WORDS = ("是", "否")
_EMPTY_NOTES = ("无", "0")
_NATURE_WORDS = ("定量", "定性", "定量指标", "定性指标")
_NATURE_CHARS = set("定性量指标")  # the nature words with their characters scrambled by OCR


@dataclass
class Placed:
    """The cells of one row under their columns: role -> (text, the token it came from)."""

    cells: dict[str, tuple[str, Token]] = field(default_factory=dict)
    score: float = 0.0
    inferred: bool = False   # placed by kind, not by position
    split: bool = False      # a glued run was split

    def text(self, role: str) -> str:
        return self.cells[role][0] if role in self.cells else ""


def compat(role: str, text: str, budget_table: bool) -> float | None:
    """Return how well ``text`` fits a column of ``role`` (higher is better), None when it cannot be there."""
    kind = ROLE_KIND.get(role, IGNORE)
    s = compact(text)
    if not s:
        return 0.0
    if kind == IGNORE:
        return 0.3
    if kind == FLAG:
        return 1.0 if s in _FLAG_WORDS or is_dash(s) else None
    dash = is_dash(s)
    number = read_number(s)
    if kind == AMOUNT:
        # a budget row's cells are amounts first: 0 | 0 is 预算数 | 执行数, not 分值 | 得分
        return 1.0 if dash else (3.2 if number is not None and number >= 0 and not s.endswith(POINTS_UNIT) else None)
    if kind == POINTS:
        if dash:
            return 1.0
        if garble(s) and len(s) <= 3:
            return 1.0
        limit = 30 if budget_table else 100
        return 3.0 if number is not None and 0 <= number <= limit and WAN_SHORT not in s else None
    if kind == RATE:
        if dash:
            return 1.0
        rate = read_rate(s)
        return None if rate is None else (3.0 if s.endswith("%") else 2.0)
    if kind == QUANTITY:
        if dash:
            return 1.5
        if is_quantity(s):
            return 3.0
        return 0.5 if is_sentence(s) else 2.0
    if kind == NOTE:
        if is_sentence(s):
            return 3.0
        return 0.5 if dash or s in _EMPTY_NOTES else (0.0 if number is not None else -1.0)
    if kind == NATURE:
        if s in COMPARATORS or s in _NATURE_WORDS or set(s) <= _NATURE_CHARS:
            return 3.0
        return 1.0 if dash else None
    if kind == UNIT:
        return 2.5 if s in QUANTITY_UNITS or (len(s) <= 4 and not re.search(r"\d", s)) else None
    return 2.0 if number is None else 0.5  # criterion


def _number_splits(text: str, max_parts: int) -> list[list[str]]:
    """Return the ways a glued run of digits reads as 2..max_parts valid numbers (unit kept on the last)."""
    m = _GLUED_NUMBER.match(halfwidth(text))
    if not m or max_parts < 2:
        return []
    sign, body, suffix = m.groups()
    out = []
    for parts in range(2, max_parts + 1):
        for cuts in itertools.combinations(range(1, len(body)), parts - 1):
            pieces = [body[a:b] for a, b in zip((0,) + cuts, cuts + (len(body),))]
            if all(_VALID_NUMBER.match(p) for p in pieces):
                pieces[0] = sign + pieces[0]
                pieces[-1] += suffix
                out.append(pieces)
                if len(out) > 200:
                    return out
    return out


def _options(token: Token, max_parts: int, checked: bool = False) -> list[list[str]]:
    """Return the readings of one token: as printed, and (for a glued token) its splits.

    With ``checked`` (the row can check a split: 得分 = 分值 × 得分系数) two digits
    are tried as two cells too (``22`` is 分值 2 and 得分 2).
    """
    options = [[token.text]]
    if checked and re.fullmatch(r"\d\d", compact(token.text)):
        return options + [[compact(token.text)[0], compact(token.text)[1]]]
    if not token.glued:
        return options
    options += _number_splits(token.text, max_parts)
    s = compact(token.text)
    half = len(s) // 2
    if len(s) >= 4 and len(s) % 2 == 0 and s[:half] == s[half:] and not re.search(r"\d", s):
        options.append([s[:half], s[half:]])  # the same text printed in two cells (target = actual)
    return options


def _consistency(values: dict[str, str], budget_table: bool) -> float:
    """Return the bonus (or penalty) for a row's arithmetic under one placement."""
    num = {k: read_number(v) for k, v in values.items() if k in ("budget_original", "budget", "executed", "weight",
                                                                  "score")}
    bonus = 0.0
    w, s = num.get("weight"), num.get("score")
    if w is not None and s is not None and w > 0:
        bonus += 2.0 if s <= w + 1e-9 else -3.0
    if budget_table:
        if w is not None and s is None:
            bonus -= 1.5  # a 分值 without its 得分: more likely a split gone wrong
        b, e = num.get("budget"), num.get("executed")
        rate = read_rate(values["rate"]) if values.get("rate") else None
        if b is not None and e is not None:
            if e > 1.5 * b + 1e-9:
                bonus -= 2.0
            if rate is not None and b > 0:
                bonus += 4.0 if abs(e / b * 100 - rate[0]) <= 0.6 else -2.0
            if rate is None and b == e and b > 0:
                bonus += 0.5
        if rate is not None and w is not None and s is not None:
            bonus += 2.0 if abs(s - w * min(rate[0] / 100, 1.0)) <= 0.51 else 0.0
    else:
        factor = read_rate(values["coefficient"]) if values.get("coefficient") else None
        if factor is not None and w is not None and s is not None:
            # 指标得分 = 指标权重 × 得分系数: the row's own arithmetic places the 系数 cell
            bonus += 4.0 if abs(s - w * factor[0] / 100) <= 0.01 else -2.0
        t, a = compact(values.get("target", "")), compact(values.get("actual", ""))
        if t and a and t == a:
            bonus += 1.0
    return bonus


def place(tokens: list[Token], roles: list[str], budget_table: bool, positional: bool) -> Placed | None:
    """Return the best placement of a row's tokens under ``roles`` (None when no placement fits)."""
    if positional and len(tokens) == len(roles):
        fits = [compat(r, t.text, budget_table) for r, t in zip(roles, tokens)]
        if all(f is not None for f in fits):
            cells = {r: (t.text, t) for r, t in zip(roles, tokens) if not t.empty and r not in UNWRITTEN[:1]}
            return Placed(cells, sum(fits) + _consistency({r: c[0] for r, c in cells.items()}, budget_table))
    present = [t for t in tokens if not t.empty]
    if not present:
        return Placed()
    checked = not positional and "coefficient" in roles and "weight" in roles and "score" in roles
    options = [_options(t, len(roles), checked) for t in present]
    best: Placed | None = None
    for n, combo in enumerate(itertools.product(*options)):
        if n > MAX_OPTIONS:
            break
        cells = [(text, tok) for texts, tok in zip(combo, present) for text in texts]
        if len(cells) > len(roles):
            continue
        extra = sum(len(texts) - 1 for texts in combo)
        for cols in itertools.combinations(range(len(roles)), len(cells)):
            fits = [compat(roles[c], text, budget_table) for c, (text, _) in zip(cols, cells)]
            if any(f is None for f in fits):
                continue
            chosen = {roles[c]: cell for c, cell in zip(cols, cells) if roles[c] not in UNWRITTEN[:1]}
            # earlier columns win ties: a short row fills from the left, as the forms are filled
            score = sum(fits) + _consistency({r: c[0] for r, c in chosen.items()}, budget_table) \
                - 1.5 * extra - 0.001 * sum(cols)
            if best is None or score > best.score + 1e-9:
                best = Placed(chosen, score, inferred=True, split=extra > 0)
    return best


def place_prefix(tokens: list[Token], roles: list[str], budget_table: bool) -> tuple[Placed, int]:
    """Return the best placement of a leading run of ``tokens`` and how many it takes (rows lost their ends)."""
    best, taken = Placed(), 0
    for k in range(1, min(len(tokens), len(roles) + 2) + 1):
        placed = place(tokens[:k], roles, budget_table, positional=False)
        if placed is not None and placed.score > best.score + 1e-9:
            best, taken = placed, k
    return best, taken
