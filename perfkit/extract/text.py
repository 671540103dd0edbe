"""Plain text as copied from a PDF or a web page, read into narrative lines and a stream of table cells.

Copying a table out of a PDF or a web page loses its grid in one of a few ways,
and each needs its own reading (the stream modes of :mod:`perfkit.extract.model`):

* a pipe table (``a | b | c``) keeps its rows; one cell per line followed by
  ``|`` keeps the cells but not the rows;
* one cell per paragraph (cells separated by blank lines; an empty cell is a
  line of spaces) keeps the cells, not the rows;
* one row per line, cells separated by spaces, loses the empty cells;
* one long line with spaces keeps the cells but not the rows;
* one long run without separators (OCR of a document preview) keeps neither:
  it is cut at the labels the forms print and between numbers and words, and
  a run of digits that may hold several cells is marked ``glued`` for the
  recogniser to split.

The mode is chosen from the lines around the table headers.  Lines are numbered
as in the file, so every cell names its line.
"""
from __future__ import annotations

import re
from pathlib import Path

from perfkit.errors import DataError, Problem
from perfkit.extract.cells import CJK, COMPARATORS, INDICATOR_SUFFIX, QUANTITY_UNITS, clean, compact, halfwidth, \
    one_line
from perfkit.extract.model import CELLS, FLAT, HIGH, LOW, ROWS, Document, Line, Stream, Token
from perfkit.extract.vocab import ANCHORS, GLUE_WORDS
from perfkit.text import extract as extract_text

_PAGE_MARK = re.compile(r"^\s*(\d{1,2})、")
# 项 after a number is a unit unless it opens 项目 (the labels 项目立项, 项目管理 … glued to a weight: 2项目管理;
# OCR reads 项目 as 项Fl too)
_UNIT_ALT = "|".join(re.escape(u) + ("(?![目A-Za-z])" if u == "项" else "") for u in sorted(QUANTITY_UNITS, key=len, reverse=True))
# Recognised input, not output: patterns of text-layer tables.
RECOGNISED_INPUT = ("_UNIT_ALT", "_GLUED_VALUE", "_SHORT_HEADER", "_POINTS", "_DATE", "_CUTS")
# A date value (2021年12月完成, 2023年6月底前): one cell, though it holds digits.
_DATE = r"20\d\d年\d{1,2}月(?:\d{1,2}日)?(?:底前|底|前|以前|之前|内)?(?:完成)?"
# A value inside run-together text: a date, or optional comparator, digits (several numbers may be glued), unit.
_GLUED_VALUE = re.compile(rf"{_DATE}|\d{{1,2}}(?={_DATE})|(?:[{COMPARATORS}])?\d+(?:\.\d+)*(?:%|{_UNIT_ALT}|(?![\d.年月日季]))")
# Short headers left in a run after a longer one (实际完成值(B)得分…): cut off, they are no part of the next cell.
_SHORT_HEADER = re.compile(r"^(得分|分值|权重|自评得分)(?=.)")
_POINTS = re.compile(r"[（(]\d+(?:\.\d+)?分[)）]")
# Cells cut out of a run before its values: block points (30分), and a template's placeholder row (指标2:, 指标L)
# which would otherwise hold the value before it (IO指标 | 2 for IO | 指标2:)
_CUTS = re.compile(r"[（(]\d+(?:\.\d+)?分[)）]|[:：]?指标(?:[0-9LlI][:：]?|[:：])(?![A-Za-z0-9])")
_PAREN = re.compile(r"[（(][A-Za-z/%]{1,4}[)）]")


def read_text_file(path: str | Path) -> str:
    """Return a text file's content: UTF-8 (with or without BOM), else GB18030 as saved by Chinese Windows."""
    data = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(Problem(str(path), None, None, None, extract_text.UNKNOWN_ENCODING))


def read_text(path: str | Path, text: str | None = None) -> Document:
    """Return a text file (or ``text`` read from it) as a :class:`Document`: its lines and one table stream."""
    raw = (read_text_file(path) if text is None else text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(str(path), "text")
    doc.lines = [Line(i + 1, halfwidth(clean(line))) for i, line in enumerate(raw)]
    mode = detect_mode(raw)
    builders = {"pipe-cells": _pipe_cells, "pipe-rows": _pipe_rows, "paragraph-cells": _paragraph_cells,
                "lines": _space_lines, "flat": _flat, "glued": _glued}
    tokens, stream_mode = builders[mode](raw)
    confidence = LOW if mode == "glued" else HIGH
    doc.streams.append(Stream(tokens, stream_mode, extract_text.WHOLE_TEXT.format(mode=_MODE_NAMES[mode]), confidence))
    return doc


_MODE_NAMES = extract_text.MODE_NAMES


def detect_mode(raw: list[str]) -> str:
    """Return how the table text is laid out (see the module docstring), judged near its headers."""
    nonblank = [line for line in raw if line.strip()]
    if not nonblank:
        return "lines"
    pipes = [line for line in nonblank if "|" in line]
    if len(pipes) >= 0.3 * len(nonblank):
        single = sum(1 for line in pipes if line.count("|") == 1 and line.rstrip().endswith("|"))
        return "pipe-cells" if single >= 0.6 * len(pipes) or _header_broken(nonblank) else "pipe-rows"
    anchors = [i for i, line in enumerate(raw) if any(a in compact(line) for a in ANCHORS)]
    zone = sorted({j for i in anchors for j in range(max(0, i - 40), min(len(raw), i + 40))}) or range(len(raw))
    lines = [raw[j] for j in zone if raw[j].strip()]
    long = [line for line in lines if len(line) > 300]
    if long:
        spaces = sum(line.count(" ") for line in long) / max(1, sum(len(line) for line in long))
        return "glued" if spaces < 0.02 else "flat"
    multi = sum(1 for line in lines if len(line.split()) >= 2) / max(1, len(lines))
    blank_separated = sum(1 for line in raw if line == "") >= 0.3 * len(nonblank)
    # empty cells survive as lines of spaces; prose copied out of a PDF has long lines instead
    empty_cells = sum(1 for line in raw if line and not line.strip())
    short = sorted(len(line.strip()) for line in lines)[len(lines) // 2] <= 10 if lines else False
    cells = blank_separated and multi < 0.3 and (empty_cells >= 5 or short)
    return "paragraph-cells" if cells else "lines"


def _header_broken(lines: list[str]) -> bool:
    """Return True when the indicator header runs over several lines (``一级 指标 |`` / ``二级 指标 |``):
    then a line is no table row, and the cells between ``|`` are read one after another."""
    keys = [k for k in ANCHORS if k.endswith(INDICATOR_SUFFIX)]
    for a, b in zip(lines, lines[1:]):
        if a.rstrip().endswith("|") and any(k in compact(a) for k in keys) and any(k in compact(b) for k in keys) \
                and len([c for c in a.split("|") if c.strip()]) <= 2:
            return True
    return False


def _token(text: str, number: int, row: int | None = None, **kw) -> Token:
    return Token(one_line(text), extract_text.AT_LINE.format(line=number), line=number, row=row, **kw)


def _pipe_cells(raw: list[str]) -> tuple[list[Token], str]:
    """One cell per line ending in ``|``; a cell may run over several lines; a bare ``|`` is an empty cell."""
    tokens, pending, start = [], [], None
    for i, line in enumerate(raw, 1):
        if "|" not in line:
            if line.strip():
                pending.append(line)
                start = start or i
            continue
        parts = line.split("|")
        pending.append(parts[0])
        tokens.append(_token("\n".join(pending), start or i))
        tokens += [_token(p, i) for p in parts[1:-1]]
        pending, start = ([parts[-1]], i) if parts[-1].strip() else ([], None)
    if any(p.strip() for p in pending):
        tokens.append(_token("\n".join(pending), start or len(raw)))
    return tokens, CELLS


def _pipe_rows(raw: list[str]) -> tuple[list[Token], str]:
    """One table row per line, cells between ``|``; trailing empty cells (merged-cell padding) dropped."""
    tokens = []
    for i, line in enumerate(raw, 1):
        if not line.strip():
            continue
        parts = [p for p in line.split("|")]
        while parts and not parts[-1].strip():
            parts.pop()
        if parts and not parts[0].strip() and line.lstrip().startswith("|"):
            parts.pop(0)
        tokens += [_token(p, i, row=i) for p in parts]
    return tokens, ROWS


def _paragraph_cells(raw: list[str]) -> tuple[list[Token], str]:
    """One cell per line, cells separated by blank lines; a line of spaces is an empty cell."""
    tokens = [_token(line, i) for i, line in enumerate(raw, 1) if line != ""]
    return tokens, CELLS


def _split_spaced(line: str, number: int, row: int | None) -> list[Token]:
    """Return a line's cells split at whitespace; spaced-out single characters (产 出 指 标) rejoined."""
    pieces = line.split()
    out: list[str] = []
    for piece in pieces:
        if out and len(piece) == 1 and re.match(rf"[{CJK}]", piece) and re.search(rf"(?:^|\s)[{CJK}]$", out[-1]):
            out[-1] += piece  # a vertical label printed one character per column
            continue
        out.append(piece)
    return [_token(p, number, row=row) for p in out]


def _space_lines(raw: list[str]) -> tuple[list[Token], str]:
    """One table row per line, cells separated by spaces (empty cells are lost)."""
    tokens = []
    for i, line in enumerate(raw, 1):
        tokens += _split_spaced(line, i, i)
    return tokens, ROWS


def _flat(raw: list[str]) -> tuple[list[Token], str]:
    """The table in one run of text with spaces between cells: cells kept, rows lost."""
    tokens = []
    for i, line in enumerate(raw, 1):
        tokens += _split_spaced(line, i, None)
    return tokens, FLAT


def _join_page_marks(raw: list[str]) -> list[tuple[int, str]]:
    """Return the lines with a document site's page marks (``2、`` opening a line) removed and the runs rejoined."""
    out: list[tuple[int, str]] = []
    for i, line in enumerate(raw, 1):
        m = _PAGE_MARK.match(line)
        if m and out and len(out[-1][1]) > 200:
            # the mark splits a cell ("10" + "2、" + "0%" is 100%): the runs join without a break
            out[-1] = (out[-1][0], out[-1][1] + line[m.end():])
            continue
        out.append((i, line))
    return out


def _glued(raw: list[str]) -> tuple[list[Token], str]:
    """Run-together text: cut at printed labels and between words and numbers; digit runs marked glued."""
    tokens = []
    for number, line in _join_page_marks(raw):
        for piece in line.split():
            for text, glued in lex_glued(piece):
                tokens.append(Token(text, extract_text.AT_LINE.format(line=number), line=number, glued=glued,
                                    context=piece[:80]))
    return tokens, FLAT


def lex_glued(piece: str) -> list[tuple[str, bool]]:
    """Return the cells of one run of text without separators, each with whether it may hold several cells."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in GLUE_WORDS.finditer(piece):
        out += _lex_values(piece[pos:m.start()])
        out.append((m.group(0), False))
        pos = m.end()
    out += _lex_values(piece[pos:])
    for k in range(len(out) - 1, 0, -1):
        m = _SHORT_HEADER.match(out[k][0])
        if m and GLUE_WORDS.fullmatch(out[k - 1][0]) and not out[k - 1][1]:
            out[k:k + 1] = [(m.group(1), False), (out[k][0][m.end():], True)]
    return out


def _lex_values(text: str) -> list[tuple[str, bool]]:
    """Return the words and values of a run without printed labels (``安装坡面水标尺10≥266米`` → 3 cells)."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CUTS.finditer(text):
        out += _lex_plain(text[pos:m.start()])
        out.append((m.group(0), False))
        pos = m.end()
    return out + _lex_plain(text[pos:])


def _lex_plain(text: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _GLUED_VALUE.finditer(text):
        before = text[pos:m.start()]
        # digits inside a word (指标1…, Ф160PVC) stay in the word
        if before and re.search(r"[A-Za-zФ]\.?$", before):  # M.8万元: a letter read for a digit, kept whole
            continue
        if before.strip() and not _PAREN.fullmatch(before.strip()):
            out.append((before, True))
        out.append((m.group(0), bool(re.search(r"\d[\d.]{2,}", m.group(0))) and not re.fullmatch(_DATE, m.group(0))))
        pos = m.end()
    rest = text[pos:]
    if rest.strip() and not _PAREN.fullmatch(rest.strip()):
        out.append((rest, True))
    return out
