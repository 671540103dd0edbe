"""Print setup of the scored workbook: A4, fit to the page width, heading rows repeated, rows tall enough.

LibreOffice and Excel do not grow a row for wrapped text in merged cells,
and a workbook without page setup prints each sheet across several pages.
:func:`setup_print` gives every sheet A4 paper (landscape when it is wide),
one page wide, the given heading rows on every page, and each row the
height its longest wrapped text needs (estimated: a CJK character is two
width units of a column, a Latin one).
"""
from __future__ import annotations

import math

from openpyxl.utils import get_column_letter

#: points per line of 11-point text, and the least a row is given
LINE_HEIGHT = 15.0
#: a sheet wider than this (in column width units) is printed landscape
LANDSCAPE_WIDTH = 90


def text_units(text: str) -> int:
    """Return the width of ``text`` in column units: 2 for a CJK or full-width character, 1 otherwise."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return float(dim.width) if dim is not None and dim.width else 8.43


def _spans(ws) -> dict[tuple[int, int], int]:
    """Return (row, first column) -> last column of every merged range on one row."""
    return {(r.min_row, r.min_col): r.max_col for r in ws.merged_cells.ranges if r.min_row == r.max_row}


def fit_rows(ws) -> None:
    """Set each row's height to the lines its longest wrapped text needs in its (merged) width."""
    spans = _spans(ws)
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            last = spans.get((cell.row, cell.column), cell.column)
            width = sum(_width(ws, c) for c in range(cell.column, last + 1))
            need = sum(max(1, math.ceil(text_units(part) / max(width - 1, 1))) for part in cell.value.split("\n"))
            lines = max(lines, need)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT


def setup_print(ws, title_rows: str | None = None) -> None:
    """Give ``ws`` A4 paper, one page wide (landscape when wide), ``title_rows`` (e.g. ``"5:5"``) on every page."""
    total = sum(_width(ws, c) for c in range(1, ws.max_column + 1))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total > LANDSCAPE_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    fit_rows(ws)
