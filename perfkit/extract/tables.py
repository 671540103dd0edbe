"""Recognising the self-evaluation tables in a stream of cells: headers, the budget block, the indicator block.

The families (``tests/real_tables/README.md``): the national 财预〔2020〕10号
project table (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分, then
the indicators), provincial forms with 指标性质 and 度量单位 in their own cells
or 分值 before 年度指标值, the older 20-point execution form, and
whole-department tables.  They differ in their headers, so a table is read by
its header: each header cell names the role of its column
(:mod:`perfkit.extract.vocab`), and the rows are placed under those roles
(:mod:`perfkit.extract.align`): the budget block by
:mod:`perfkit.extract.budget_block`, the indicator block by
:mod:`perfkit.extract.indicator_block`.  This module finds the headers and the
table's head (项目名称, a total printed in it).  Nothing is scored here.
"""
from __future__ import annotations

import re

from perfkit.extract.budget_block import read_budget
from perfkit.extract.cells import compact, label_of, read_number, value_text
from perfkit.extract.indicator_block import LABEL_ROLES, read_indicators
from perfkit.extract.model import FLAT, HIGH, MEDIUM, ROWS, Review, Stream, TableRead, Token, Value
from perfkit.extract.vocab import (BLOCK_POINTS, BUDGET_HEADERS, BUDGET_KEYS, INDICATOR_HEADERS, INDICATOR_KEYS,
                                   budget_row, header_key, header_parts, is_section_word)
from perfkit.text import extract as extract_text
from perfkit.text.vocabulary import TOTAL_LINE

# Recognised input, not output: what a form prints around and in its header.
RECOGNISED_INPUT = ("_POINTS_SUFFIX", "_BARE_POINTS", "_EXECUTION_WORD", "_UNIT_NOTE", "_HEAD_FIELDS", "_HEAD_NEXT",
                    "_HEAD_VALUE_END", "_FORM_TITLE", "_HEADER_TOTALS", "_POINTS_WORD", "_SERIAL")
_POINTS_SUFFIX = re.compile(r"[（(]\d+(?:\.\d+)?分[)）]")  # a block's points broken onto the next line
_BARE_POINTS = re.compile(r"[（(]\d+分[)）]")
_EXECUTION_WORD = "预算执行"
_UNIT_NOTE = re.compile(r"[（(](万元|元)[)）]|单位[:：](万元|元)")
# the fields a form's head names (项目名称 …), the cells that are never their value, where a value ends
_HEAD_FIELDS = ("项目名称", "主管部门", "实施单位", "单位名称")
_HEAD_NEXT = ("主管部门", "实施单位", "项目负责人及电话")
_HEAD_VALUE_END = re.compile(r"项目负责人|\(盖章\)")
_FORM_TITLE = re.compile(r"自评表|评价表|评分表")
_HEADER_TOTALS = ("自评得分", "自评总分", "总分", "综合评分", "评价得分")
_POINTS_WORD = "分"
_SERIAL = "序号"
# the key of a form's own title among the head fields a table keeps (TableRead.meta)
TITLE_KEY = "title"


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
            points_suffix = bool(_POINTS_SUFFIX.fullmatch(compact(tok.text)))
            broken = (mode != FLAT or prev.glued or tok.glued) and not BLOCK_POINTS.fullmatch(compact(prev.text))
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
                notes.append(extract_text.HEADER_READ_AS.format(where=tok.where, text=tok.text,
                                                               parts=extract_text.HEADER_PARTS_SEP.join(parts)))
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
        if sum(r in LABEL_ROLES for r in roles) >= 2 or ("name" in roles and len(roles) >= 2):
            return "indicator"
    return None


def _unit_near(tokens: list[Token], lo: int, hi: int) -> str | None:
    for tok in tokens[max(0, lo):hi]:
        s = compact(tok.text)
        m = _UNIT_NOTE.search(s)
        if m:
            return m.group(1) or m.group(2)
    return None


def _points_near(tokens: list[Token], lo: int, hi: int) -> float | None:
    for tok in tokens[max(0, lo):hi]:
        s = compact(tok.text)
        if _EXECUTION_WORD in s or _BARE_POINTS.fullmatch(s):
            m = BLOCK_POINTS.search(s)
            if m:
                return float(m.group(1))
    return None


# --------------------------------------------------------------------------- rows

# --------------------------------------------------------------------------- tables


def _meta(tokens: list[Token], lo: int, hi: int) -> dict[str, Value]:
    out = {}
    for k in range(max(0, lo), min(hi, len(tokens)) - 1):
        key = header_key(tokens[k].text)
        if key in _HEAD_FIELDS and key not in out:
            nxt = next((t for t in tokens[k + 1:k + 3] if not t.empty), None)
            if nxt is not None and not header_key(nxt.text) in _HEAD_NEXT:
                text = _HEAD_VALUE_END.split(nxt.text)[0]
                out[key] = Value(compact(text), nxt.where, HIGH, f"{tokens[k].text} {nxt.text}")
        if TITLE_KEY not in out and _FORM_TITLE.search(compact(tokens[k].text)):
            out[TITLE_KEY] = Value(compact(tokens[k].text), tokens[k].where, HIGH, tokens[k].text)
    return out



def _header_total(tokens: list[Token], lo: int, hi: int) -> Value | None:
    """Return the total a form prints in its head (``自评得分 98``, ``自评总分(分) 97.6``), or None."""
    for k in range(max(0, lo), min(hi, len(tokens)) - 1):
        if not header_key(tokens[k].text).endswith(_HEADER_TOTALS):
            continue
        nxt = next((t for t in tokens[k + 1:k + 3] if not t.empty), None)
        number = read_number(nxt.text) if nxt is not None else None
        if number is not None and 0 < number <= 100:
            return Value(value_text(nxt.text).rstrip(_POINTS_WORD), nxt.where, MEDIUM, f"{tokens[k].text} {nxt.text}",
                         extract_text.TOTAL_FROM_HEAD)
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
            before = tokens[i - 1] if i and budget_row(tokens[i - 1].text) == (TOTAL_LINE, TOTAL_LINE) else None
            i = read_budget(tokens, j, roles, stream, current, before)
        else:
            roles, j, notes = _header(tokens, i, INDICATOR_HEADERS)
            current.indicator_roles = roles
            current.numbered = i > 0 and header_key(tokens[i - 1].text) == _SERIAL
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
