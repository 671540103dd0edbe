"""Writing the province table (one row per department-year) to .csv, .xlsx or .parquet, for sorting and filtering.

The file is written beside its final name and renamed into place, so a
failed run never leaves half a table where the last good one was.
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from perfkit.errors import DataError, Problem
from perfkit.reproducible import normalize_office_file
from perfkit.text import province as words
from perfkit.text.judging import STATUS_LABELS
from perfkit.text.vocabulary import NO, YES

FORMATS = (".csv", ".xlsx", ".parquet")


def province_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the summary with Chinese headers and statuses, as the reviewer reads it."""
    out = summary.copy()
    out["status"] = out["status"].map(STATUS_LABELS)
    out["stated_agrees"] = out["stated_agrees"].map({True: YES, False: NO})
    return out.rename(columns=words.SUMMARY_COLUMNS)[list(words.SUMMARY_COLUMNS.values())]


def write_table(summary: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the province table to ``path`` (its suffix picks the format); return the path.

    Raises
    ------
    DataError
        For a suffix other than .csv, .xlsx or .parquet, or .parquet without pyarrow installed.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DataError(Problem(str(path), None, None, path.suffix or path.name, words.OUT_SUFFIX))
    table = province_table(summary)
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401  (an optional dependency: perfkit[parquet])
        except ImportError:
            raise DataError(Problem(str(path), None, None, path.name, words.OUT_PARQUET)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=suffix)
    os.close(fd)
    try:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8-sig")  # with a BOM: Excel opens it as UTF-8
        elif suffix == ".parquet":
            table.to_parquet(tmp, index=False)
        else:
            _write_xlsx(table, Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


#: Widest column, in Excel's character units; longer texts (names, findings) wrap inside the cell.
MAX_WIDTH = 32


def _display_width(text: str) -> float:
    """Return how many Excel character units ``text`` takes: a Chinese character is about two."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=words.SHEET, index=False)
        ws = writer.sheets[words.SHEET]
        ws.freeze_panes = "D2"  # code, name and year stay in view
        ws.auto_filter.ref = ws.dimensions
        wrap = Alignment(wrap_text=True, vertical="top")
        lines = [1] * (len(table) + 2)  # per sheet row, the lines its tallest cell wraps to
        for i, col in enumerate(table.columns, start=1):
            # as shown: a float with the two decimals (or the percent) its number format gives it
            shown = "{:.2f}" if pd.api.types.is_float_dtype(table[col]) else "{}"
            texts = ["" if pd.isna(v) else shown.format(v) for v in table[col]]
            longest = max([_display_width(t) for t in texts[:200]] + [0.0])
            # a header wraps over two lines rather than widening a column of short numbers
            width = min(MAX_WIDTH, max(2 + longest, 2 + _display_width(str(col)) / 2, 8))
            ws.column_dimensions[get_column_letter(i)].width = round(width, 1)
            for r, text in enumerate([str(col), *texts], start=1):
                lines[r] = max(lines[r], math.ceil(_display_width(text) / max(width - 1.5, 1.0)))
            for cell in ws[get_column_letter(i)]:
                cell.alignment = wrap
        for r in range(1, len(table) + 2):
            ws.row_dimensions[r].height = 15 * lines[r]  # Excel and LibreOffice do not grow a row for wrapped text
        for cell in ws[1]:
            cell.font = Font(bold=True)
        formats = {"execution_rate": "0.0%", "score_min": "0.00", "score_max": "0.00", "stated_score": "0.00",
                   "score_change": "0.00"}
        for key, fmt in formats.items():
            for cell in ws[get_column_letter(table.columns.get_loc(words.SUMMARY_COLUMNS[key]) + 1)][1:]:
                cell.number_format = fmt
        # printed, the table is read across: landscape, every column on one page's width, the header on each page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A3
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
    normalize_office_file(path)
