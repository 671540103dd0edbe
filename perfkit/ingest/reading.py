"""Reading one data file: bytes → text → CSV records → the cells of each column, as text.

Everything that can make a file unreadable as a whole is found here and
reported once (file, row, what was found, what was expected): an encoding
that is neither UTF-8 nor GBK, a workbook or binary file saved under a .csv
name, a header that is not this file's, a row with a comma too many.  Cell
values are checked afterwards, by :mod:`perfkit.ingest.cells`.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from perfkit.errors import DataError, Problem
from perfkit.text import validation

#: Largest data file read.  A department's tables are kilobytes (the largest
#: shipped one, four years of indicators, is 60 KB); a file of this size is a
#: wrong file, and checking it cell by cell would take minutes and print
#: thousands of problems.
MAX_FILE_BYTES = 32 * 2**20
#: Rows named one by one in a grouped problem (field counts, normalised cells).
ROWS_LISTED = 10
# Control characters never found in a text table (tab, CR and LF are allowed).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_AS_UTF8 = validation.SAVE_AS_UTF8


def row_list(rows: list[int]) -> str:
    """Return rows as 「2、3、5」, the first ROWS_LISTED of them and a count of the rest."""
    shown = validation.LIST_SEP.join(str(r) for r in rows[:ROWS_LISTED])
    return shown + (validation.MORE_ROWS.format(n=len(rows)) if len(rows) > ROWS_LISTED else "")


def _not_text(raw: bytes) -> str | None:
    """Return why ``raw`` is not a text file (a workbook, UTF-16, binary), or None."""
    if raw.startswith(b"PK\x03\x04"):
        return validation.A_WORKBOOK.format(save=_SAVE_AS_UTF8)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return validation.UTF16.format(save=_SAVE_AS_UTF8)
    nul = raw.find(b"\x00")
    if nul >= 0:
        return validation.BINARY.format(at=nul + 1, save=_SAVE_AS_UTF8)
    return None


def read_text(path: Path) -> tuple[str, str | None]:
    """Return a file's text and a notice when it was not UTF-8.

    Chinese Excel saves CSV as GBK/GB18030; such files are decoded as GB18030
    (a superset of GBK) rather than refused, with a notice suggesting UTF-8.
    A file that cannot be read, is too large, or is not text at all (a
    workbook, UTF-16, binary junk) raises one :class:`DataError` saying so.
    """
    def refuse(expected: str, row: int | None = None) -> DataError:
        return DataError(Problem(str(path), row, None, None, expected))

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise refuse(validation.TOO_LARGE.format(size=size / 2**20, limit=MAX_FILE_BYTES // 2**20))
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(validation.UNREADABLE_FILE.format(error=exc.strerror or exc)) from None
    why = _not_text(raw)
    if why:
        raise refuse(why)
    notice = None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise refuse(validation.UNKNOWN_ENCODING.format(at=exc.start, save=_SAVE_AS_UTF8)) from None
        notice = validation.GB18030_NOTICE.format(path=path)
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise refuse(validation.CONTROL_CHARACTER.format(code=ord(bad.group()), save=_SAVE_AS_UTF8), line)
    return text, notice


def _csv_records(text: str, fname: str, problems: list[Problem]) -> list[tuple[int, list[str]]] | None:
    """Return ``(spreadsheet row, fields)`` of every non-blank record, header first; None when unparseable.

    Rows are counted as Excel counts them (one per record, blank ones
    included), so a message's row is the one the analyst sees.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    try:
        for row, fields in enumerate(reader, start=1):
            if any(f.strip() for f in fields):
                records.append((row, fields))
    except csv.Error as exc:
        problems.append(Problem(fname, reader.line_num, None, None,
                                validation.CSV_ERROR.format(error=exc, save=_SAVE_AS_UTF8)))
        return None
    return records


def _check_header(header: list[str], records: list[tuple[int, list[str]]], schema: dict[str, tuple[str, bool]],
                  fname: str, problems: list[Problem], notices: list[str],
                  optional: tuple[str, ...] = ()) -> list[str] | None:
    """Return the usable header (unnamed empty columns dropped), or None after recording why it is not."""
    columns = [c.strip() for c in header]
    expected = validation.LIST_SEP.join(schema)
    if not set(columns) & set(schema):
        problems.append(Problem(fname, 1, None, validation.HEADER_SEP.join(columns[:5])[:80],
                                validation.NOT_A_HEADER.format(expected=expected)))
        return None
    ok = True
    dups = sorted({c for c in columns if c and columns.count(c) > 1})
    if dups:
        problems.append(Problem(fname, 1, validation.LIST_SEP.join(dups), None, validation.DUPLICATE_COLUMNS))
        ok = False
    for i, col in enumerate(columns):
        if col:
            continue
        filled = [row for row, fields in records if i < len(fields) and fields[i].strip()]
        if filled:
            problems.append(Problem(fname, 1, None, None,
                                    validation.UNNAMED_COLUMN.format(column=i + 1, rows=row_list(filled))))
            ok = False
    missing = [c for c in schema if c not in columns and c not in optional]
    if missing:
        problems.append(Problem(fname, 1, validation.LIST_SEP.join(missing), None,
                                validation.MISSING_COLUMNS.format(missing=validation.COLUMNS_SEP.join(missing),
                                                                  expected=expected)))
        ok = False
    extra = [c for c in columns if c and c not in schema]
    if extra:
        notices.append(validation.EXTRA_COLUMNS.format(file=fname, extra=validation.COLUMNS_SEP.join(extra),
                                                      expected=expected))
    return columns if ok else None


def _check_field_counts(records: list[tuple[int, list[str]]], width: int, fname: str,
                        problems: list[Problem]) -> bool:
    """Return True when every data row has the header's number of fields; else record one problem per count."""
    wrong: dict[int, list[int]] = {}
    for row, fields in records:
        # no tolerance for an empty last field: "a,x,b," may be a comma too many in the middle with
        # the last column empty, whose values are then all shifted (Excel writes every row full width)
        if len(fields) != width:
            wrong.setdefault(len(fields), []).append(row)
    for n, rows in sorted(wrong.items(), key=lambda kv: kv[1][0]):
        why = validation.FIELDS_TOO_MANY if n > width else validation.FIELDS_TOO_FEW
        # one row: the problem's row says where; several with the same count: one problem naming them all
        where = "" if len(rows) == 1 else validation.ROWS_ALL.format(rows=row_list(rows))
        problems.append(Problem(fname, rows[0] if len(rows) == 1 else None, None, None,
                                validation.FIELD_COUNT.format(where=where, n=n, width=width, why=why)))
    return not wrong


@dataclass
class RawTable:
    """One file's cells as text (not yet stripped), column by column, with the spreadsheet row of every record."""

    columns: list[str]  # the header's named columns, in file order, then optional columns the header left out
    cells: dict[str, list[str]]
    src_rows: list[int]


def read_table(path: Path, schema: dict[str, tuple[str, bool]], problems: list[Problem],
               notices: list[str], optional: tuple[str, ...] = (),
               header_only_ok: bool = False) -> RawTable | None:
    """Read one CSV as text cells and check its shape; None when it cannot be used at all.

    Columns in ``optional`` may be left out of the header (forms that do not
    print them): they are read as empty.  With ``header_only_ok`` a file with
    a header and no rows is a table with no rows (a narrative report has no
    indicator table), not a problem.

    A file with a wrong header or a row of the wrong length is reported once
    (file, row, fields found and expected) and not read further: its cells
    would be shifted, and checking them would only add misleading problems.
    The cells stay plain lists: many departments' files are stacked into one
    table per file type before any cell is checked (:mod:`perfkit.ingest.stack`).
    """
    fname = str(path)
    try:
        text, notice = read_text(path)
    except DataError as err:
        problems.extend(err.problems)
        return None
    if notice:
        notices.append(notice)
    if not text.strip():
        problems.append(Problem(fname, None, None, None, validation.EMPTY_FILE))
        return None
    records = _csv_records(text, fname, problems)
    if records is None:
        return None
    (_, header), body = records[0], records[1:]
    columns = _check_header(header, body, schema, fname, problems, notices, optional)
    if columns is None or not _check_field_counts(body, len(header), fname, problems):
        return None
    if not body and not header_only_ok:
        problems.append(Problem(fname, None, None, None, validation.HEADER_ONLY))
    keep = [i for i, c in enumerate(columns) if c]
    # stripped once the files are stacked (perfkit.ingest.stack), a vectorized operation per column
    cells = {columns[i]: [fields[i] for _, fields in body] for i in keep}
    names = [columns[i] for i in keep]
    for col in optional:
        if col not in cells:
            cells[col] = [""] * len(body)
            names.append(col)
    return RawTable(names, cells, [row for row, _ in body])
