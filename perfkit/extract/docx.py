"""Word documents (.docx) read into the intermediate form: paragraphs as lines, each table as a stream.

python-docx returns a vertically merged cell again for every row it spans,
which is how a label printed once for a block should be read; a cell spanning
several columns is read once and the columns it covers are left empty, so
rows are read by position.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document as open_docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from perfkit.errors import DataError, Problem
from perfkit.extract.cells import one_line
from perfkit.extract.model import HIGH, ROWS, Document, Line, Stream, Token
from perfkit.text import extract as extract_text


def table_rows(table: Table) -> list[list[str]]:
    """Return a table's cells as text rows: vertical merges repeated, horizontal spans read once."""
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            cells.append("" if cell._tc is last else one_line(cell.text))
            last = cell._tc
        rows.append(cells)
    return rows


def read_docx(path: str | Path) -> Document:
    """Return a .docx file as a :class:`Document`, paragraphs and tables in document order."""
    try:
        word = open_docx(str(path))
    except Exception as exc:  # python-docx raises PackageNotFoundError, KeyError … for other files
        raise DataError(Problem(str(path), None, None, None,
                                extract_text.NOT_DOCX.format(error=type(exc).__name__))) from None
    doc = Document(str(path), "docx")
    n_par = n_table = 0
    for item in word.iter_inner_content():
        if isinstance(item, Paragraph):
            n_par += 1
            if item.text.strip():
                doc.lines.append(Line(n_par, item.text))
            continue
        n_table += 1
        tokens = []
        for r, cells in enumerate(table_rows(item), 1):
            tokens += [Token(text, extract_text.DOCX_CELL.format(table=n_table, row=r, column=c), row=r) for c, text in enumerate(cells, 1)]
        doc.streams.append(Stream(tokens, ROWS, extract_text.DOCX_TABLE.format(table=n_table), HIGH, grid=True))
    return doc
