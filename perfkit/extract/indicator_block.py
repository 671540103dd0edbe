"""Reading the indicator block of a self-evaluation table: block labels carried down, rows placed, the 总分 row.

Labels printed once for a merged block (一级指标, 二级指标) hold for the rows
below them; placeholder rows (``指标2``, ``……``) and empty sub-blocks are skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from perfkit.extract.align import UNWRITTEN, Placed
from perfkit.extract.cells import (COMPARATORS, Label, compact, garble, is_dash, is_placeholder, is_quantity,
                                   is_sentence, label_of, level1_for, read_number, value_text)
from perfkit.extract.glued import cut_dashes, cut_glued_name, cut_label, cut_off_after, from_left, like_row_above
from perfkit.extract.model import FLAT, LOW, MEDIUM, ROWS, IndicatorRow, Review, Stream, TableRead, Token, Value
from perfkit.extract.rows import placed_row, row_confidence, row_tokens
from perfkit.extract.vocab import BLOCK_POINTS, INDICATOR_HEADERS, end_word, header_key, is_section_word
from perfkit.text import extract as extract_text

# Recognised input, not output: how a placeholder row and a label open, how a sub-row (其中：…) opens.
RECOGNISED_INPUT = ("_INDICATOR_WORD", "_CHILD_PREFIX")
_INDICATOR_WORD = "指标"
_CHILD_PREFIX = "其中"

LABEL_ROLES = ("level0", "level1", "level2", "name")


def _next_label(tokens: list[Token], i: int) -> Label | None:
    for tok in tokens[i:i + 3]:
        if not tok.empty:
            return label_of(tok.text)
    return None


@dataclass
class _Blocks:
    """The labels in force while reading indicator rows."""

    level1: Value | None = None
    level2: Value | None = None
    rows_since_level1: int = 0

    def set_level1(self, value: Value) -> None:
        self.level1, self.level2, self.rows_since_level1 = value, None, 0


def _apply_label(lab: Label, tok: Token, tokens: list[Token], i: int, blocks: _Blocks, conf: str) -> None:
    """Put a block label in force: as tier 1 or tier 2, by its kind and by what follows it."""
    following = _next_label(tokens, i + 1)
    kind = lab.kind
    if kind in ("either", "block"):
        fresh_level1 = blocks.level1 is not None and blocks.rows_since_level1 == 0 and blocks.level2 is None
        if following is not None and following.kind in ("level2", "either", "block"):
            kind = "level1"
        elif fresh_level1 or (blocks.level1 is not None and kind == "block"):
            kind = "level2"
        else:
            kind = "level1" if blocks.level1 is None or kind == "block" else "level2"
    if kind == "garbled":
        kind = "level1"
    if kind == "level1":
        note = lab.note
        name = lab.name
        if (name is None or lab.kind == "garbled") and following is not None and level1_for(following.name):
            name = level1_for(following.name)
            note = note or extract_text.LEVEL1_FROM_LEVEL2
        blocks.set_level1(Value(name or "", tok.where, LOW if note else conf, tok.text, note))
        return
    blocks.level2 = Value(lab.name or "", tok.where, conf, tok.text, lab.note)
    if blocks.level1 is None or not blocks.level1.text:
        inferred = level1_for(lab.name)
        if inferred:
            where = blocks.level1.where if blocks.level1 else tok.where
            blocks.level1 = Value(inferred, where, LOW, tok.text, extract_text.LEVEL1_NOT_PRINTED)


def _target(placed: Placed) -> str:
    """Return the 年度指标值 as the data format writes it: 指标性质 and 度量单位 cells joined to the value."""
    target = value_text(placed.text("target"))
    nature, unit = compact(placed.text("nature")), compact(placed.text("unit"))
    if target and unit and not is_dash(unit) and not target.endswith(unit) and re.search(r"\d$", target):
        target += unit
    if target and nature in COMPARATORS and not target.startswith(tuple(COMPARATORS)):
        target = nature + target
    return target


def _is_row_stop(tok: Token) -> bool:
    if end_word(tok.text) or is_placeholder(tok.text) and compact(tok.text).startswith(_INDICATOR_WORD):
        return True  # a template's placeholder row (指标2:) opens a row of its own
    lab = label_of(tok.text)
    return lab is not None and lab.kind != "garbled"


def read_indicators(tokens: list[Token], i: int, roles: list[str], stream: Stream, table: TableRead) -> int:
    """Read indicator rows from ``i`` into ``table``; return the index after the block."""
    value_roles = roles[max((k for k, r in enumerate(roles) if r in LABEL_ROLES), default=-1) + 1:]
    if stream.grid and "name" in roles:
        return _read_grid(tokens, i, roles, value_roles, stream, table)
    blocks = _Blocks()
    while i < len(tokens):
        tok = tokens[i]
        if tok.empty:
            i += 1
            continue
        if end_word(tok.text):
            return _read_total(tokens, i, value_roles, stream, table)
        if is_section_word(tok.text) and not (blocks.level1 is not None and BLOCK_POINTS.search(compact(tok.text))):
            i += 1  # inside a block, a section word with its points (绩效目标 (6分)) is a tier-2 label
            continue
        if table.numbered and re.fullmatch(r"\d{1,3}", compact(tok.text)):
            i += 1  # the 序号 opening a row
            continue
        opened = cut_label(tok.text, blocks.level2.text if blocks.level2 else None) \
            if stream.mode == FLAT and tok.glued else None
        if opened is not None:
            # a tier-2 label glued to the first name of its block (项目目标完整性)
            _apply_label(Label("level2", opened[0], None), tok, tokens, i, blocks, LOW)
            tokens[i] = Token(opened[1], tok.where, tok.line, tok.row, True, tok.context)
            continue
        lab = label_of(tok.text)
        weak = lab is not None and lab.kind == "level1" and lab.points is None and not (lab.name or "").endswith(_INDICATOR_WORD)
        if weak and blocks.level1 is not None and blocks.level2 is not None:
            lab = None  # a bare 满意度 under a full block is an indicator's name, not a label
        if lab is not None and lab.kind == "garbled" and blocks.level1 is not None:
            following = _next_label(tokens, i + 1)
            lab = lab if following is not None and following.kind in ("level2", "either") else None
        if lab is not None:
            _apply_label(lab, tok, tokens, i, blocks, stream.base_confidence)
            i += 1
            continue
        if is_sentence(tok.text) and not table.indicators[-1:]:
            i += 1
            continue
        if is_sentence(tok.text) and len(compact(tok.text)) > 20:
            return i
        if (is_quantity(tok.text) or is_dash(tok.text)) and table.indicators and stream.mode == ROWS:
            i = _continue_row(tokens, i, value_roles, stream, table)
            continue
        i = _read_row(tokens, i, value_roles, stream, table, blocks)
    return i


def _grid_rows(tokens: list[Token], i: int) -> list[list[Token]]:
    rows: list[list[Token]] = []
    for tok in tokens[i:]:
        if not rows or tok.row != rows[-1][0].row:
            rows.append([])
        rows[-1].append(tok)
    return rows


def _read_grid(tokens, i, roles, value_roles, stream: Stream, table: TableRead) -> int:
    """Read indicator rows of a real grid by position: the header says which column holds what."""
    blocks = _Blocks()
    for cells in _grid_rows(tokens, i):
        texts = [t.text for t in cells]
        lead = next((t for t in cells if not t.empty), None)
        if lead is None:
            continue
        if end_word(lead.text):
            _read_total(tokens, tokens.index(lead), value_roles, stream, table)
            break
        if len(cells) < len(roles):
            continue
        base = len(cells) - len(roles) if len(cells) > len(roles) else 0
        pick = {r: cells[base + k] for k, r in enumerate(roles)}
        for level in ("level1", "level2"):
            tok = pick.get(level)
            if tok is not None and not tok.empty:
                value = Value(_label_name(tok.text), tok.where, stream.base_confidence, tok.text)
                if level == "level1" and (blocks.level1 is None or blocks.level1.context != tok.text):
                    blocks.set_level1(value)
                elif level == "level2":
                    blocks.level2 = value
        name = pick.get("name")
        if name is None or name.empty or is_placeholder(name.text) or header_key(name.text) in INDICATOR_HEADERS:
            continue
        placed = Placed({r: (pick[r].text, pick[r]) for r in value_roles if not pick[r].empty and r not in UNWRITTEN})
        level1 = blocks.level1 or Value("", name.where, LOW, "", extract_text.NO_LEVEL1)
        level2 = blocks.level2 or Value("", name.where, LOW, "", extract_text.NO_LEVEL2)
        context = " | ".join(t for t in texts if t)
        row = IndicatorRow(level1, level2, Value(value_text(name.text), name.where, stream.base_confidence, context))
        _fill_values(row, placed, stream.base_confidence, context, table)
        row.child = value_text(name.text).startswith(_CHILD_PREFIX)
        table.indicators.append(row)
    return len(tokens)


def _label_name(text: str) -> str:
    """Return a block label as the data keeps it: its points and spaces dropped (``产出指标(50分)`` → 产出指标)."""
    lab = label_of(text)
    return lab.name if lab is not None and lab.name else BLOCK_POINTS.sub("", compact(text))


def _read_row(tokens, i, value_roles, stream, table, blocks: _Blocks) -> int:
    tok = tokens[i]
    values = row_tokens(tokens, i + 1, stream, len(value_roles), _is_row_stop)
    name, fixed = value_text(tok.text), {}
    if stream.mode == FLAT and tok.glued:
        name, fixed, values, reviews = cut_glued_name(tok, values, value_roles)
        table.reviews += reviews
    origin = list(range(len(values)))  # which token each cell came from (a dash cut off adds a cell)
    if stream.mode == FLAT and "target" in value_roles and "actual" in value_roles:
        values, origin = cut_dashes(values)
    # cells cut off the label hold their columns; the cells after it fill the columns after those
    rest = value_roles[max((value_roles.index(r) for r in fixed), default=-1) + 1:]
    placed, used = placed_row(values, rest, stream, budget=False)
    if fixed:
        placed = Placed({**fixed, **placed.cells}, placed.score, True, placed.split)
    used = origin[used - 1] + 1 if used else 0
    if stream.mode == ROWS and cut_off_after(tokens, i + 1 + used):
        placed = from_left(values[:used], rest, placed)
    if is_placeholder(name) or compact(name).endswith(("/", "／")) and is_placeholder(compact(name)[:-1]):
        if not any(compact(t) and not is_dash(t) for t, _ in placed.cells.values()):
            table.skipped.append(extract_text.PLACEHOLDER_ROW.format(where=tok.where, text=tok.text))
            return i + 1 + used
    context = " | ".join([tok.text] + [t.text for t in values[:used]])
    conf = row_confidence(stream, placed)
    if stream.mode == FLAT and blocks.level1 is not None:
        above = next((r for r in reversed(table.indicators) if not r.child), None)
        same = above is not None and above.level1.text == blocks.level1.text
        placed = like_row_above(placed, {k: v.text for k, v in above.values.items()} if same else None)
    level1 = blocks.level1 or Value("", tok.where, LOW, "", extract_text.NO_LEVEL1)
    level2 = blocks.level2 or Value("", tok.where, LOW, "", extract_text.NO_LEVEL2)
    row = IndicatorRow(level1, level2, Value(name, tok.where, stream.base_confidence, context))
    _fill_values(row, placed, conf, context, table)
    top = [r for r in table.indicators if not r.child]
    parent = top[-1] if top else None
    row.child = parent is not None and (name.startswith(_CHILD_PREFIX) or (
        parent.name.text.startswith("★") and not name.startswith("★")
        and "weight" not in row.values and "score" not in row.values and parent.level2.text == level2.text))
    table.indicators.append(row)
    blocks.rows_since_level1 += 1
    return i + 1 + used


def _fill_values(row: IndicatorRow, placed: Placed, conf: str, context: str, table: TableRead) -> None:
    note = extract_text.PLACED_BY_CONTENT if placed.inferred else ""
    target = _target(placed)
    fields = {"target": target, "actual": placed.text("actual"), "weight": placed.text("weight"),
              "score": placed.text("score"), "note": placed.text("note")}
    unit = compact(placed.text("unit"))
    # a form that prints the unit in the target cell too (100% under 计量单位 %) prints a bare actual as it is (0)
    printed_in_cells = bool(unit) and compact(placed.text("target")).endswith(unit)
    if fields["actual"] and unit and re.search(r"\d$", value_text(fields["actual"])) and not is_dash(unit) \
            and not printed_in_cells:
        fields["actual"] = value_text(fields["actual"]) + unit
    for field_name, text in fields.items():
        if not compact(text) or is_dash(text) and field_name in ("weight", "score"):
            continue
        role = "nature" if field_name == "target" and "target" not in placed.cells else field_name
        src = placed.cells.get(field_name, placed.cells.get(role, (None, None)))[1]
        where = src.where if src is not None else row.name.where
        bad = garble(text, target if field_name == "actual" else None)
        if bad:
            table.reviews.append(Review(extract_text.INDICATOR_FIELD.format(name=row.name.text, field=field_name), value_text(text),
                                        where, bad))
            continue
        if field_name in ("weight", "score") and read_number(text) is None:
            table.reviews.append(Review(extract_text.INDICATOR_FIELD.format(name=row.name.text, field=field_name), text, where,
                                        extract_text.NOT_A_NUMBER))
            continue
        row.values[field_name] = Value(value_text(text) if field_name != "note" else compact(text), where, conf,
                                       context, note)


def _continue_row(tokens, i, value_roles, stream, table: TableRead) -> int:
    """A line holding only values continues the row above when that row has none (a name over two lines)."""
    last = table.indicators[-1]
    values = row_tokens(tokens, i + 1, stream, len(value_roles), _is_row_stop)
    values = [tokens[i]] + values
    if last.values:
        return i + len(values)
    placed, used = placed_row(values, value_roles, stream, budget=False)
    context = last.name.context + " | " + " | ".join(t.text for t in values[:used])
    _fill_values(last, placed, MEDIUM, context, table)
    return i + max(used, 1)


def _read_total(tokens, i, value_roles, stream, table: TableRead) -> int:
    """Read the 总分/合计 row: the total of 分值 and of 得分 (one number: 分值 if the form has it, else 得分)."""
    tok = tokens[i]
    j = i + 1
    while j < len(tokens) and end_word(tokens[j].text) == end_word(tok.text):
        j += 1
    if stream.mode == ROWS:
        values = [t for t in tokens[j:] if t.row == tok.row]
    else:
        values = row_tokens(tokens, j, stream, len(value_roles), lambda t: read_number(t.text) is None and not t.glued)
    numbers: list[tuple[str, Token]] = []
    for v in values:
        if v.glued and read_number(v.text) is not None and len(compact(v.text)) >= 4:
            half = len(compact(v.text)) // 2
            s = compact(v.text)
            numbers += [(s[:half], v), (s[half:], v)] if s[:half] == s[half:] else [(s, v)]
        elif read_number(v.text) is not None:
            numbers.append((v.text, v))
    if stream.mode == ROWS and len(values) > len(value_roles) and not any(v.glued for v in values):
        values = values[-len(value_roles):]  # a grid's 总分 cell spans the label columns
    if stream.mode != FLAT and len(values) == len(value_roles):
        numbers = [(v.text, v) for r, v in zip(value_roles, values) if r in ("weight", "score") and not v.empty]
        names = [r for r, v in zip(value_roles, values) if r in ("weight", "score") and not v.empty]
    elif len(numbers) >= 2:
        names = ["weight", "score"]
    else:
        names = ["weight" if "weight" in value_roles else "score"]
    for name, (text, src) in zip(names, numbers):
        table.totals[name] = Value(value_text(text), src.where, MEDIUM if len(numbers) == 1 else stream.base_confidence,
                                   " | ".join([tok.text] + [v.text for v in values]))
    return j + len(values)

