"""PDF files with a text layer read into the intermediate form (pdfplumber; no OCR).

Ruled tables become streams: pdfplumber finds them from their lines and
returns ``None`` where a merged cell covers a position.  A position covered
from the left (a cell spanning columns) is left empty; one covered from above
(a label merged down a block) repeats the label, as in the Word and Excel
readers.  The text outside the tables becomes the narrative lines, numbered
per page.  A page without any text is a scan: it is reported, not guessed at.
"""
from __future__ import annotations

from pathlib import Path

import pdfplumber

from perfkit.errors import DataError, Problem
from perfkit.extract.cells import one_line
from perfkit.extract.model import HIGH, ROWS, Document, Line, Stream, Token
from perfkit.text import extract as extract_text


def _grid(table) -> list[list[str]]:
    """Return a pdfplumber table as text rows, merged positions filled as the module docstring says."""
    rows = table.extract()
    boxes = [row.cells for row in table.rows]
    starts: dict[int, float] = {}
    for row in boxes:
        for c, box in enumerate(row):
            if box is not None:
                starts.setdefault(c, box[0])
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row):
            if text is not None:
                cells.append(one_line(text))
                continue
            left = next((boxes[r][k] for k in range(c - 1, -1, -1) if boxes[r][k] is not None), None)
            spans_left = left is not None and c in starts and left[2] > starts[c] + 0.5
            cells.append("" if spans_left or not out else out[-1][c])
        out.append(cells)
    return out


def read_pdf(path: str | Path) -> Document:
    """Return a PDF as a :class:`Document`: ruled tables as streams, other text as lines."""
    doc = Document(str(path), "pdf")
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises PDFSyntaxError and others for non-PDF files
        raise DataError(Problem(str(path), None, None, None, extract_text.NOT_PDF.format(error=type(exc).__name__))) from None
    with pdf:
        scanned = []
        n_table = 0
        for p, page in enumerate(pdf.pages, 1):
            if not page.chars:
                scanned.append(p)
                continue
            tables = page.find_tables()
            for table in tables:
                n_table += 1
                tokens = [Token(text, extract_text.PDF_CELL.format(page=p, table=n_table, row=r, column=c), row=r)
                          for r, cells in enumerate(_grid(table), 1) for c, text in enumerate(cells, 1)]
                doc.streams.append(Stream(tokens, ROWS, extract_text.PDF_TABLE.format(page=p, table=n_table), HIGH, grid=True))
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes):
                return not any(b[0] <= obj.get("x0", 0) <= b[2] and b[1] <= obj.get("top", 0) <= b[3] for b in boxes)

            text = page.filter(outside).extract_text() or ""
            doc.lines += [Line(k, line, page=p) for k, line in enumerate(text.split("\n"), 1)]
        if scanned:
            pages = extract_text.LIST_SEP.join(map(str, scanned))
            doc.notes.append(extract_text.NO_TEXT_LAYER.format(file=Path(path).name, pages=pages))
    return doc
