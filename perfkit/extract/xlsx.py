"""Excel workbooks (.xlsx) read into the intermediate form: one stream of cells per sheet.

Merged cells are undone as a person reads them: a label merged down a block
(一级指标, 项目资金（万元）) holds for every row it spans, while a cell merged
across columns is read once, the columns it covers left empty, so every
row keeps one cell per column and is read by position.  Numbers come back as
the sheet shows them (a 0.86 formatted as percent is ``86%``).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from openpyxl import load_workbook

from perfkit.errors import DataError, Problem
from perfkit.extract.cells import one_line
from perfkit.extract.model import HIGH, ROWS, Document, Line, Stream, Token
from perfkit.text import extract as extract_text
from perfkit.text.vocabulary import NO, YES


def cell_text(value, number_format: str = "") -> str:
    """Return a cell's value as the sheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            decimals = len(number_format.split(".")[1].split("%")[0]) if "." in number_format else 0
            return f"{value * 100:.{decimals}f}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()[:10]
    return one_line(value)


def sheet_grid(ws) -> list[list[str]]:
    """Return a sheet's cells as text rows, merged ranges filled down and left empty across."""
    grid = [[cell_text(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
    for rng in ws.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[r - 1][c - 1] = top if c == rng.min_col else ""
    return grid


def read_xlsx(path: str | Path) -> Document:
    """Return an .xlsx file as a :class:`Document`: one stream per sheet; rows with one value are also lines."""
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for other files
        raise DataError(Problem(str(path), None, None, None,
                                extract_text.NOT_XLSX.format(error=type(exc).__name__))) from None
    doc = Document(str(path), "xlsx")
    number = 0
    for ws in wb.worksheets:
        grid = sheet_grid(ws)
        tokens = []
        for r, row in enumerate(grid, 1):
            if not any(row):
                continue
            distinct = {t for t in row if t}
            if len(distinct) == 1:
                number += 1
                doc.lines.append(Line(number, next(iter(distinct))))
            for c, text in enumerate(row, 1):
                tokens.append(Token(text, extract_text.XLSX_CELL.format(sheet=ws.title, cell=ws.cell(r, c).coordinate), row=r))
        doc.streams.append(Stream(tokens, ROWS, extract_text.XLSX_SHEET.format(sheet=ws.title), HIGH, grid=True))
    return doc
