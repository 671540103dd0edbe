"""Cutting an indicator's name out of run-together OCR text, where it is glued to its neighbours.

OCR of a document preview runs a row's cells together, and the cut between
words and numbers (:func:`perfkit.extract.text.lex_glued`) leaves the name in
one piece with the word cells around it: the 是/否 of the row before it (a
``是否核心指标`` column), a section label crossing the page (``绩效指标``), and
the word cells after it: 计量单位, 指标性质, a word target printed twice as
target and actual (``好好``), or the head of the next cell (``到`` + ``0次``).
These are cut off only where the header says such a column follows the name,
and only in the forms the columns take; what remains is the name.  Nothing is
guessed: a piece that fits no column stays in the name.

The last part reads rows that lost cells in copying: a dash glued to the word
after it, a lone word cell placed as the rows above it, and a row cut off by
the end of the text, read from the left.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfkit.extract.align import UNWRITTEN, Placed, compat
from perfkit.extract.cells import CJK, QUANTITY_UNITS, compact, garble, is_dash, is_quantity, value_text
from perfkit.extract.model import Review, Token
from perfkit.extract.vocab import CUT_OFF, SECTION_WORDS, end_word
from perfkit.text import extract as extract_text

# Recognised input, not output: words and patterns of run-together rows.
RECOGNISED_INPUT = ("_NATURE", "_FLAG_LEAD", "PROJECT_LEVEL2", "_DASH_LEAD", "_NOT_DASH_WORDS", "_OCR_DASH")
_FLAG_LEAD = re.compile(r"^[是否](?![是否])")  # the 是否核心指标 cell of the row before
_OCR_DASH = "一"  # a dash OCR read as the character 一
# words that open with 一 and are not a dash glued to a word
_NOT_DASH_WORDS = ("一级", "一般", "一流", "一次", "一年", "一致")
_NATURE = re.compile(r"(?:定量指标|定性指标|定量|定性|[定性量指标]{4})$")
_UNITS = sorted(QUANTITY_UNITS, key=len, reverse=True)
# a word target printed as both 年度指标值 and 实际完成值 (高 | 高, 好 | 好, 按时 | 按时)
_TWICE = re.compile(rf"([{CJK}]{{1,4}})\1$")
# letters OCR put where a unit's character was (篇 read as "tot扁"): lower-case only, as acronyms are upper-case
_LETTER_UNIT = re.compile(rf"(?<=[{CJK}])[a-z]{{2,}}[{CJK}]?$")


@dataclass
class NameCut:
    """A row label cut into the name and the cells glued to it."""

    name: str
    cells: list[tuple[str, str]] = field(default_factory=list)  # (role, text) following the name, in order
    lent: str = ""             # the head of the next cell (joined to the next token)
    dropped: list[str] = field(default_factory=list)  # pieces that belong to no cell of this row
    garbled: list[tuple[str, str]] = field(default_factory=list)  # (role, text) unreadable, to review

    @property
    def changed(self) -> bool:
        return bool(self.cells or self.lent or self.dropped or self.garbled)


def _strip_lead(text: str, roles: list[str]) -> tuple[str, list[str]]:
    dropped = []
    if roles and roles[-1] == "flag" and _FLAG_LEAD.match(text) and len(text) > 3:
        dropped.append(text[0])  # the 是否核心指标 cell of the row before
        text = text[1:]
    for word in sorted(SECTION_WORDS, key=len, reverse=True):
        if text.startswith(word) and len(text) > len(word) + 2:
            dropped.append(word)  # a merged section label crossing a page break
            text = text[len(word):]
            break
    return text, dropped


def _cut_unit(text: str, following: str, at_end: bool) -> tuple[str, str, str] | None:
    """Return (name, unit, rest) at the unit cell that best explains what follows it, or None.

    ``rest`` is what the unit cell is followed by: nothing, a garbled value
    (``第O份``), or the head of the next cell when that cell starts with a digit.
    With ``at_end`` the unit must end the text (the cells after it are cut off already).
    """
    best, best_score = None, 0.0
    for k in range(2, len(text)):
        for unit in _UNITS:
            if not text.startswith(unit, k):
                continue
            rest = text[k + len(unit):]
            if not rest:
                score = 2.0
            elif at_end:
                continue
            elif garble(rest) and re.search(r"\d|[OoIl]", rest):
                score = 2.5
            elif len(rest) <= 2 and re.match(r"^\d", following):
                score = 1.0
            else:
                continue
            if score > best_score:
                best, best_score = (text[:k], unit, rest), score
    return best


def cut_name(text: str, roles: list[str], following: str = "") -> NameCut:
    """Return a glued row label cut into its name and the cells of ``roles`` (the value columns) glued to it."""
    text, dropped = _strip_lead(compact(text), roles)
    cut = NameCut(text, dropped=dropped)
    words = [r for r in roles if r in ("unit", "nature", "target", "actual")]
    if not words or words[0] not in ("unit", "nature"):
        return cut  # the name is followed by numbers only: the lexer has cut them off already
    tail: list[tuple[str, str]] = []
    m = _TWICE.search(text)
    if m and "target" in roles and "actual" in roles and m.start() >= 3:
        tail = [("target", m.group(1)), ("actual", m.group(1))]
        text = text[:m.start()]
    m = _NATURE.search(text)
    if m and "nature" in roles and m.start() >= 3:
        tail.insert(0, ("nature", m.group(0)))
        text = text[:m.start()]
    if "unit" in roles:
        m = _LETTER_UNIT.search(text)
        found = None if m else _cut_unit(text, following, at_end=bool(tail))
        if m:
            cut.garbled.append(("unit", m.group(0)))
            text = text[:m.start()]
        elif found is not None:
            text, unit, rest = found
            tail.insert(0, ("unit", unit))
            if rest and garble(rest):
                tail.append(("target", rest))  # left to the row's garble check: listed for review, not written
            else:
                cut.lent = rest
    cut.name, cut.cells = text, tail
    return cut


# Tier-2 labels of the project forms' 决策/过程(管理) blocks (财预〔2020〕10号 framework and municipal variants).
# Not block labels elsewhere (财务管理 opens indicator names too), so they are cut only off a glued row label.
PROJECT_LEVEL2 = ("项目立项", "绩效目标", "资金投入", "资金管理", "组织实施", "项目目标", "投入管理", "财务管理",
                  "项目实施", "业务管理")


def _printed_prefix(text: str, label: str) -> str | None:
    """Return how ``text`` begins with ``label``: as is, or with one character read as letters (项Fl实施)."""
    if text.startswith(label):
        return label
    for k in range(1, len(label)):
        m = re.match(re.escape(label[:k]) + r"[A-Za-z]{1,2}" + re.escape(label[k + 1:]), text)
        if m:
            return m.group(0)
    return None


def cut_label(text: str, in_force: str | None) -> tuple[str, str] | None:
    """Return (tier-2 label as printed, name) for a glued row label that opens a block (项目目标完整性), or None.

    A label equal to the one in force is part of the name (财务管理制度有效性 under 财务管理).
    """
    s = compact(text)
    for label in PROJECT_LEVEL2:
        printed = _printed_prefix(s, label)
        if printed and len(s) - len(printed) >= 2 and printed != in_force:
            return printed, s[len(printed):]
    return None


_DASH_LEAD = re.compile(rf"^([一\-—－])(?=[{CJK}]{{2}})")


def cut_dash(text: str) -> tuple[str, str] | None:
    """Return (dash, text) for a word cell glued to the dash of the cell before it (``一持续有效``), or None."""
    m = _DASH_LEAD.match(compact(text))
    if not m or len(compact(text)) < 4 or compact(text).startswith(_NOT_DASH_WORDS):
        return None
    return m.group(1), compact(text)[1:]


# --------------------------------------------------------------------------- rows that lost cells


def cut_off_after(tokens: list[Token], k: int) -> bool:
    """Return True when the source text ends (is cut off) right after token ``k - 1``."""
    nxt = next((t for t in tokens[k:] if not t.empty), None)
    return nxt is None or end_word(nxt.text) == CUT_OFF


def from_left(values: list[Token], roles: list[str], placed: Placed) -> Placed:
    """Return a row cut off by the end of the text read from the left: it lost its last cells, not its middle ones."""
    present = [t for t in values if not t.empty]
    if not present or len(present) >= len(roles) - 1:
        return placed
    fits = [compat(r, t.text, False) for r, t in zip(roles, present)]
    if any(f is None for f in fits):
        return placed
    return Placed({r: (t.text, t) for r, t in zip(roles, present) if r not in UNWRITTEN}, sum(fits), True)


def cut_dashes(values: list[Token]) -> tuple[list[Token], list[int]]:
    """Return the row's cells with a dash glued to the word cell after it cut off (``-严格执行…``, ``一持续有效``),
    and for each cell the index of the token it came from.

    A dash is no value and is dropped; ``一`` (OCR may have read a dash so) is kept as printed.
    """
    out: list[Token] = []
    origin: list[int] = []
    for k, tok in enumerate(values):
        cut = cut_dash(tok.text) if tok.glued else None
        pieces = [tok] if cut is None else [Token(t, tok.where, tok.line, tok.row, False, tok.context)
                                            for t in cut if not is_dash(t)]
        out += pieces
        origin += [k] * len(pieces)
    return out, origin


def like_row_above(placed: Placed, above: dict[str, str] | None) -> Placed:
    """Return the placement with a lone word cell put where the row above in the block put its word cell.

    Run-together text loses empty cells, so a row printing one word between
    分值 and 得分 does not say whether it is the 指标值 or the 实际值; in a block
    whose rows leave 指标值 empty or a dash, it is the 实际值.  ``above``: the
    cells the row above in the same block was given, by column (None: no such row).
    """
    if "target" not in placed.cells or "actual" in placed.cells or above is None or "actual" not in above:
        return placed
    text = placed.text("target")
    if is_quantity(text) or is_dash(text) or garble(text) or compact(text) == _OCR_DASH:
        return placed
    target = above.get("target")
    if target is not None and not (is_dash(target) or compact(target) == _OCR_DASH):
        return placed
    cells = dict(placed.cells)
    cells["actual"] = cells.pop("target")
    return Placed(cells, placed.score, True, placed.split)


def cut_glued_name(tok: Token, values: list[Token], value_roles: list[str]
                   ) -> tuple[str, dict[str, tuple[str, Token]], list[Token], list[Review]]:
    """Return a glued row label's name, the cells cut off it by column, the row's following cells, and what to review."""
    cut = cut_name(tok.text, value_roles, values[0].text if values else "")
    if not cut.changed:
        return value_text(tok.text), {}, values, []
    lead = {role: (text, Token(text, tok.where, tok.line, tok.row, False, tok.context)) for role, text in cut.cells}
    if cut.lent and values:
        first = values[0]
        values = [Token(cut.lent + first.text, first.where, first.line, first.row, first.glued, first.context)] + values[1:]
    reviews = [Review(extract_text.INDICATOR_FIELD.format(name=cut.name, field=role), text, tok.where,
                      extract_text.UNIT_GARBLED.format(text=compact(tok.text), unit=text)) for role, text in cut.garbled]
    return value_text(cut.name), lead, values, reviews
