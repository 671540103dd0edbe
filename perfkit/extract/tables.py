"""Recognising the self-evaluation tables in a stream of cells: headers, the budget block, the indicator block.

The families (``tests/real_tables/README.md``): the national 财预〔2020〕10号
project table (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分, then
the indicators), provincial forms with 指标性质 and 度量单位 in their own cells
or 分值 before 年度指标值, the older 20-point execution form, and
whole-department tables.  They differ in their headers, so a table is read by
its header: each header cell names the role of its column
(:mod:`perfkit.extract.vocab`), and the rows are placed under those roles
(:mod:`perfkit.extract.align`).  Labels printed once for a merged block
(一级指标, 二级指标) hold for the rows below them.  Placeholder rows (``指标2``,
``……``) and empty sub-blocks are skipped.  Nothing is scored here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfkit.extract.align import UNWRITTEN, Placed, place, place_prefix
from perfkit.extract.cells import (COMPARATORS, Label, compact, garble, is_dash, is_placeholder, is_quantity,
                                   is_sentence, label_of, level1_for, read_number, value_text)
from perfkit.extract.glued import cut_dashes, cut_glued_name, cut_label, cut_off_after, from_left, like_row_above
from perfkit.extract.model import FLAT, HIGH, LOW, MEDIUM, ROWS, Review, Stream, Token, Value
from perfkit.extract.vocab import (BUDGET_HEADERS, BUDGET_KEYS, INDICATOR_HEADERS, INDICATOR_KEYS, budget_row,
                                   end_word, header_key, header_parts, is_section_word)
from perfkit.text import extract as extract_text

_LABEL_ROLES = ("level0", "level1", "level2", "name")
# Recognised input, not output.
RECOGNISED_INPUT = ("_POINTS",)
_POINTS = re.compile(r"[（(](\d+(?:\.\d+)?)分[)）]")


@dataclass
class BudgetRow:
    """One row of the budget block."""

    line: str
    line_type: str
    label: Token
    values: dict[str, Value] = field(default_factory=dict)  # budget_original, budget, executed, weight, rate, score


@dataclass
class IndicatorRow:
    """One indicator row, its labels carried from the merged blocks above it."""

    level1: Value
    level2: Value
    name: Value
    values: dict[str, Value] = field(default_factory=dict)  # target, actual, weight, score, note
    child: bool = False


@dataclass
class TableRead:
    """One self-evaluation table read from a stream."""

    where: str
    indicator_roles: list[str] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    totals: dict[str, Value] = field(default_factory=dict)   # weight / score of the 总分 row
    exec_weight: float | None = None
    unit: str | None = None
    meta: dict[str, Value] = field(default_factory=dict)      # 项目名称, 主管部门, 实施单位
    skipped: list[str] = field(default_factory=list)          # placeholder rows, empty sub-blocks
    reviews: list[Review] = field(default_factory=list)
    lines: tuple[int, int] | None = None                      # first and last text line of the table
    notes: list[str] = field(default_factory=list)            # header cells read from OCR garble
    numbered: bool = False                                    # rows open with a 序号 cell


# --------------------------------------------------------------------------- fragments


def _is_word(text: str) -> bool:
    key = header_key(text)
    if key in BUDGET_HEADERS or key in INDICATOR_HEADERS or budget_row(text):
        return True
    lab = label_of(text)
    return lab is not None and lab.kind in ("level1", "level2", "either") and lab.name is not None


def _unbalanced(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def join_fragments(tokens: list[Token], mode: str) -> list[Token]:
    """Return the tokens with labels broken over lines joined (``经济效益`` + ``指标``, ``年初`` + ``预算数``)."""
    out: list[Token] = []
    for tok in tokens:
        prev = out[-1] if out else None
        if prev is not None and not prev.empty and not tok.empty:
            joined = prev.text + tok.text
            points_suffix = bool(re.fullmatch(r"[（(]\d+(?:\.\d+)?分[)）]", compact(tok.text)))
            broken = (mode != FLAT or prev.glued or tok.glued) and not _POINTS.fullmatch(compact(prev.text))
            block_word = prev.glued and bool(re.fullmatch(r"[\u3400-\u9fff]{2,8}", compact(prev.text)))  # 顼目产出 + (30分)
            if (broken and _is_word(joined) and not (_is_word(tok.text) and _is_word(prev.text))) \
                    or (points_suffix and (label_of(prev.text) or block_word)) \
                    or (_unbalanced(prev.text) and (mode != ROWS or tok.row != prev.row) and len(joined) < 60):
                out[-1] = Token(joined, prev.where, prev.line, prev.row, prev.glued and tok.glued, prev.context)
                continue
        out.append(tok)
    return out


# --------------------------------------------------------------------------- headers


def _header(tokens: list[Token], i: int, table: dict[str, str]) -> tuple[list[str], int, list[str]]:
    """Return the column roles of a header starting at ``i``, the index after it, and how misread cells were read."""
    roles, notes, j, lent = [], [], i, ""
    while j < len(tokens):
        tok = tokens[j]
        following = tokens[j + 1].text if j + 1 < len(tokens) else ""
        key = header_key(tok.text)
        if key not in table and not lent and is_section_word(tok.text):
            j += 1  # a merged section label beside the header (年度预算数(万元)), not a misread header
            continue
        # the header's first cell must be one (or OCR of one) that opens a header; later cells may be any
        opens = key in table or bool(table is BUDGET_HEADERS and _opens_budget(tok.text))
        parts, lent = header_parts(lent + key, table, following) if j > i or opens else ([], "")
        if parts:
            roles += [table[p] for p in parts]
            if parts != [key]:
                notes.append(f"{tok.where} 表头「{tok.text}」读作「{'」「'.join(parts)}」（OCR 字序错乱、错字或几格连写）")
        elif not (tok.empty or is_section_word(tok.text) or re.fullmatch(r"[（(][^）)]{0,10}[)）]", compact(tok.text))):
            break
        j += 1
    return roles, j, notes


def _opens_budget(text: str) -> bool:
    """Return True for a cell OCR garbled or ran together that opens a budget header (年初预匏数调整预算将,A、)."""
    if is_section_word(text) or re.search(r"\d", text):
        return False
    parts, _ = header_parts(text, BUDGET_HEADERS)
    return bool(parts) and parts[0] in BUDGET_KEYS


def _header_at(tokens: list[Token], i: int) -> str | None:
    key = header_key(tokens[i].text)
    if key not in BUDGET_KEYS and _opens_budget(tokens[i].text):
        key = header_parts(tokens[i].text, BUDGET_HEADERS)[0][0]
    if key in BUDGET_KEYS:
        roles, _, _ = _header(tokens, i, BUDGET_HEADERS)
        if len(roles) >= 2 and {"budget", "executed"} & set(roles):
            return "budget"
    if key in INDICATOR_KEYS:
        roles, _, _ = _header(tokens, i, INDICATOR_HEADERS)
        if sum(r in _LABEL_ROLES for r in roles) >= 2 or ("name" in roles and len(roles) >= 2):
            return "indicator"
    return None


def _unit_near(tokens: list[Token], lo: int, hi: int) -> str | None:
    for tok in tokens[max(0, lo):hi]:
        s = compact(tok.text)
        m = re.search(r"[（(](万元|元)[)）]|单位[:：](万元|元)", s)
        if m:
            return m.group(1) or m.group(2)
    return None


def _points_near(tokens: list[Token], lo: int, hi: int) -> float | None:
    for tok in tokens[max(0, lo):hi]:
        s = compact(tok.text)
        if "预算执行" in s or re.fullmatch(r"[（(]\d+分[)）]", s):
            m = _POINTS.search(s)
            if m:
                return float(m.group(1))
    return None


# --------------------------------------------------------------------------- rows


def _confidence(stream: Stream, placed: Placed) -> str:
    if placed.split or stream.base_confidence == LOW:
        return LOW
    return MEDIUM if placed.inferred else stream.base_confidence


def _value(text: str, tok: Token, confidence: str, row_text: str, note: str = "") -> Value:
    return Value(value_text(text), tok.where, confidence, row_text, note)


def _row_tokens(tokens: list[Token], i: int, stream: Stream, width: int, stop) -> list[Token]:
    """Return the cells after a row label that may belong to its row (its values)."""
    out: list[Token] = []
    row = tokens[i - 1].row if i else None
    limit = width + 3 if stream.mode == FLAT else width
    while i < len(tokens) and len(out) < limit:
        tok = tokens[i]
        if stream.mode == ROWS and tok.row != row:
            break
        if not tok.empty and stop(tok):
            break
        out.append(tok)
        i += 1
    return out


def _placed_row(values: list[Token], roles: list[str], stream: Stream, budget: bool) -> tuple[Placed, int]:
    if stream.mode == FLAT:
        return place_prefix([t for t in values if not t.empty], roles, budget)
    placed = place(values, roles, budget, positional=True)
    return (placed or Placed()), len(values)


def _is_budget_stop(tok: Token) -> bool:
    return budget_row(tok.text) is not None or not (
        read_number(tok.text) is not None or is_dash(tok.text) or "%" in tok.text or tok.glued and re.search(r"\d", tok.text)
        or is_sentence(tok.text) and re.match(r"^\d[.、]", compact(tok.text)))


def read_budget(tokens: list[Token], i: int, roles: list[str], stream: Stream, table: TableRead,
                label_before: Token | None = None) -> int:
    """Read budget rows from ``i`` into ``table``; return the index after the block.

    ``label_before``: a row label printed before the header (OCR of a form whose
    年度资金总额 cell spans the header row), for values that follow the header unlabelled.
    """
    while i < len(tokens):
        tok = tokens[i]
        if tok.empty:
            i += 1
            continue
        found = budget_row(tok.text)
        if found is None and is_section_word(tok.text):
            i += 1  # a merged section label repeated down the block (项目资金（万元）)
            continue
        if found is None and label_before is not None and not _is_budget_stop(tok):
            i = _read_budget_row(tokens, i - 1, label_before, budget_row(label_before.text), roles, stream, table)
            label_before = None
            continue
        if found is None:
            return i
        i = _read_budget_row(tokens, i, tok, found, roles, stream, table)
        label_before = None
    return i


def _read_budget_row(tokens: list[Token], i: int, tok: Token, found: tuple[str, str], roles: list[str],
                     stream: Stream, table: TableRead) -> int:
    """Read the budget row labelled ``tok`` whose cells follow index ``i``; return the index after it."""
    values = _row_tokens(tokens, i + 1, stream, len(roles), _is_budget_stop)
    placed, used = _placed_row(values, roles, stream, budget=True)
    if found[1] != "合计" and placed.inferred and {"weight", "score"} & set(placed.cells):
        # a part row prints 分值/得分 only in forms that fill every cell (read by position);
        # placed by kind, its cells are amounts
        amount_roles = [r for r in roles if r in ("budget_original", "budget", "executed", "rate")]
        again, _ = _placed_row([t for t in values[:used] if not is_dash(t.text)], amount_roles, stream, True)
        if again.cells:
            placed = again
    row = BudgetRow(found[0], found[1], tok)
    context = " | ".join([tok.text] + [t.text for t in values[:used]])
    conf = _confidence(stream, placed)
    for role, (text, src) in placed.cells.items():
        if role == "note" or is_dash(text) or not compact(text):
            continue
        bad = garble(text)
        if bad:
            table.reviews.append(Review(f"预算行「{found[0]}」的{role}", text, src.where, bad))
            continue
        row.values[role] = _value(text, src, conf, context, "按内容推定所在列" if placed.inferred else "")
    table.budget.append(row)
    return i + 1 + used


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
    if end_word(tok.text) or is_placeholder(tok.text) and compact(tok.text).startswith("指标"):
        return True  # a template's placeholder row (指标2:) opens a row of its own
    lab = label_of(tok.text)
    return lab is not None and lab.kind != "garbled"


def read_indicators(tokens: list[Token], i: int, roles: list[str], stream: Stream, table: TableRead) -> int:
    """Read indicator rows from ``i`` into ``table``; return the index after the block."""
    value_roles = roles[max((k for k, r in enumerate(roles) if r in _LABEL_ROLES), default=-1) + 1:]
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
        if is_section_word(tok.text) and not (blocks.level1 is not None and _POINTS.search(compact(tok.text))):
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
        weak = lab is not None and lab.kind == "level1" and lab.points is None and not (lab.name or "").endswith("指标")
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
        row.child = value_text(name.text).startswith("其中")
        table.indicators.append(row)
    return len(tokens)


def _label_name(text: str) -> str:
    """Return a block label as the data keeps it: its points and spaces dropped (``产出指标(50分)`` → 产出指标)."""
    lab = label_of(text)
    return lab.name if lab is not None and lab.name else _POINTS.sub("", compact(text))


def _read_row(tokens, i, value_roles, stream, table, blocks: _Blocks) -> int:
    tok = tokens[i]
    values = _row_tokens(tokens, i + 1, stream, len(value_roles), _is_row_stop)
    name, fixed = value_text(tok.text), {}
    if stream.mode == FLAT and tok.glued:
        name, fixed, values, reviews = cut_glued_name(tok, values, value_roles)
        table.reviews += reviews
    origin = list(range(len(values)))  # which token each cell came from (a dash cut off adds a cell)
    if stream.mode == FLAT and "target" in value_roles and "actual" in value_roles:
        values, origin = cut_dashes(values)
    # cells cut off the label hold their columns; the cells after it fill the columns after those
    rest = value_roles[max((value_roles.index(r) for r in fixed), default=-1) + 1:]
    placed, used = _placed_row(values, rest, stream, budget=False)
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
    conf = _confidence(stream, placed)
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
    row.child = parent is not None and (name.startswith("其中") or (
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
    values = _row_tokens(tokens, i + 1, stream, len(value_roles), _is_row_stop)
    values = [tokens[i]] + values
    if last.values:
        return i + len(values)
    placed, used = _placed_row(values, value_roles, stream, budget=False)
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
        values = _row_tokens(tokens, j, stream, len(value_roles), lambda t: read_number(t.text) is None and not t.glued)
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


# --------------------------------------------------------------------------- tables


def _meta(tokens: list[Token], lo: int, hi: int) -> dict[str, Value]:
    out = {}
    for k in range(max(0, lo), min(hi, len(tokens)) - 1):
        key = header_key(tokens[k].text)
        if key in ("项目名称", "主管部门", "实施单位", "单位名称") and key not in out:
            nxt = next((t for t in tokens[k + 1:k + 3] if not t.empty), None)
            if nxt is not None and not header_key(nxt.text) in ("主管部门", "实施单位", "项目负责人及电话"):
                text = re.split(r"项目负责人|\(盖章\)", nxt.text)[0]
                out[key] = Value(compact(text), nxt.where, HIGH, f"{tokens[k].text} {nxt.text}")
        if "表名" not in out and re.search(r"自评表|评价表|评分表", compact(tokens[k].text)):
            out["表名"] = Value(compact(tokens[k].text), tokens[k].where, HIGH, tokens[k].text)  # the form's own title
    return out


_HEADER_TOTALS = ("自评得分", "自评总分", "总分", "综合评分", "评价得分")


def _header_total(tokens: list[Token], lo: int, hi: int) -> Value | None:
    """Return the total a form prints in its head (``自评得分 98``, ``自评总分(分) 97.6``), or None."""
    for k in range(max(0, lo), min(hi, len(tokens)) - 1):
        if not header_key(tokens[k].text).endswith(_HEADER_TOTALS):
            continue
        nxt = next((t for t in tokens[k + 1:k + 3] if not t.empty), None)
        number = read_number(nxt.text) if nxt is not None else None
        if number is not None and 0 < number <= 100:
            return Value(value_text(nxt.text).rstrip("分"), nxt.where, MEDIUM, f"{tokens[k].text} {nxt.text}",
                         "总分取自表头")
    return None


def read_tables(stream: Stream) -> list[TableRead]:
    """Return every self-evaluation table found in ``stream``."""
    tokens = join_fragments(stream.tokens, stream.mode)
    tables: list[TableRead] = []
    current: TableRead | None = None
    start = 0
    i = 0
    while i < len(tokens):
        kind = _header_at(tokens, i)
        if kind is None:
            i += 1
            continue
        begin = i
        if kind == "budget" or current is None or current.indicator_roles:
            current = TableRead(stream.where)
            current.meta = _meta(tokens, start, i)
            head_total = _header_total(tokens, start, i)
            if head_total is not None:
                current.totals["score"] = head_total  # a 总分 row at the end, read later, takes its place
            tables.append(current)
        if kind == "budget":
            roles, j, notes = _header(tokens, i, BUDGET_HEADERS)
            current.notes += notes
            current.unit = _unit_near(tokens, i - 6, j)
            current.exec_weight = _points_near(tokens, i - 6, j)
            before = tokens[i - 1] if i and budget_row(tokens[i - 1].text) == ("合计", "合计") else None
            i = read_budget(tokens, j, roles, stream, current, before)
        else:
            roles, j, notes = _header(tokens, i, INDICATOR_HEADERS)
            current.indicator_roles = roles
            current.numbered = i > 0 and header_key(tokens[i - 1].text) == "序号"
            current.notes += notes
            current.unit = current.unit or _unit_near(tokens, i - 6, j)
            broken = next((t for t in tokens[j + 1:j + 4] if header_key(t.text) in INDICATOR_HEADERS), None)
            if broken is not None and j < len(tokens):
                # an unreadable cell inside the header (OCR garble): the columns are unknown, so no row is read
                current.reviews.append(Review(extract_text.INDICATOR_HEADER, tokens[j].text, tokens[j].where,
                                              extract_text.UNREADABLE_HEADER))
                i = j + 1
            else:
                i = read_indicators(tokens, j, roles, stream, current)
        numbers = [t.line for t in tokens[begin:i] if t.line is not None]
        if numbers:
            lo, hi = min(numbers), max(numbers)
            current.lines = (min(lo, current.lines[0]), max(hi, current.lines[1])) if current.lines else (lo, hi)
        start = i
    return tables
