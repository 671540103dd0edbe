"""Writing the province table (one row per department-year) to .csv, .xlsx or .parquet, for sorting and filtering.

The file is written beside its final name and renamed into place, so a
failed run never leaves half a table where the last good one was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
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


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=words.SHEET, index=False)
        ws = writer.sheets[words.SHEET]
        ws.freeze_panes = "D2"  # code, name and year stay in view
        ws.auto_filter.ref = ws.dimensions
        for i, col in enumerate(table.columns, start=1):
            longest = max([len(str(col))] + [len(str(v)) for v in table[col].head(200)])
            ws.column_dimensions[get_column_letter(i)].width = min(60, 2 + 1.8 * longest)
        for cell in ws[get_column_letter(table.columns.get_loc(words.SUMMARY_COLUMNS["execution_rate"]) + 1)][1:]:
            cell.number_format = "0.0%"
    normalize_office_file(path)
