"""What extraction passes between its steps: tokens of a table, streams, documents, and read values.

Every reader (plain text, .xlsx, .docx, PDF) turns its file into the same
intermediate form: a :class:`Document` holding text lines (for the narrative)
and :class:`Stream` s of table cells (for the tables).  A stream is a cell grid
read row by row; for text copied out of a PDF or a web page the row boundaries
are often lost, so a stream says how much of the grid is still known
(:attr:`Stream.mode`).  The recognisers in :mod:`perfkit.extract.tables` and
:mod:`perfkit.extract.sentences` read streams and lines into :class:`Value` s,
each carrying where it came from and how sure the reading is.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from perfkit.text import extract as extract_text

# How sure a reading is.  高: a cell under a recognised header, read as printed; 中: placed by
# inference (cells lost in copying, labels carried over a merged block, a figure linked to an
# indicator by its name); 低: split out of run-together text, or a label restored from OCR garble.
HIGH, MEDIUM, LOW = extract_text.CONFIDENCE_LEVELS

# Stream modes: how much of the table's grid survived.
CELLS = "cells"  # one cell after another, empty cells kept, row boundaries lost (one cell per line)
ROWS = "rows"    # row boundaries known (a real grid, a pipe table, one row per line); empty cells may be lost
FLAT = "flat"    # neither: one run of text (a flattened .docx, OCR of a document preview)


@dataclass
class Token:
    """One table cell as read: its text and where it is."""

    text: str
    where: str            # e.g. "第 12 行" or "表 1 第 3 行第 4 列"
    line: int | None = None   # 1-based line of a text source
    row: int | None = None    # row key when the stream knows its rows (ROWS mode)
    glued: bool = False       # split out of run-together text: may still hold several cells
    context: str = ""         # the text around it, for the provenance record

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass
class Stream:
    """The cells of one table region, in reading order."""

    tokens: list[Token]
    mode: str
    where: str            # e.g. "表 1", "第 2 页 表 1", "第 40–120 行"
    base_confidence: str = HIGH  # a real grid reads surer than text copied out of one
    grid: bool = False           # every row has one cell per column (a real .xlsx/.docx/PDF table)


@dataclass
class Line:
    """One line of narrative text with its 1-based number (and page, for PDFs)."""

    number: int
    text: str
    page: int | None = None

    @property
    def where(self) -> str:
        return ((extract_text.AT_PAGE.format(page=self.page) if self.page else "")
                + extract_text.AT_LINE.format(line=self.number))


@dataclass
class Document:
    """A file read into the intermediate form: narrative lines and table streams."""

    path: str
    kind: str                       # text / xlsx / docx / pdf
    lines: list[Line] = field(default_factory=list)
    streams: list[Stream] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader could not do (scanned page …)


@dataclass
class Value:
    """One value read from the source, with its provenance and confidence."""

    text: str                 # as printed (normalised: whitespace, full-width digits)
    where: str
    confidence: str = HIGH
    context: str = ""         # the sentence or the row's cells, for the reviewer
    note: str = ""            # why the confidence is not 高, or what was inferred


@dataclass
class Review:
    """Something read but not written: left empty for a person to decide."""

    what: str                 # which field of which row
    printed: str              # the text as printed
    where: str
    reason: str               # e.g. "疑似 OCR 把 ≥ 识别为 2"


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
    meta: dict[str, Value] = field(default_factory=dict)      # 项目名称, 主管部门, 实施单位 as printed; the form title
    skipped: list[str] = field(default_factory=list)          # placeholder rows, empty sub-blocks
    reviews: list[Review] = field(default_factory=list)
    lines: tuple[int, int] | None = None                      # first and last text line of the table
    notes: list[str] = field(default_factory=list)            # header cells read from OCR garble
    numbered: bool = False                                    # rows open with a 序号 cell

