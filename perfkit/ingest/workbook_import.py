"""Importing the analysts' workbook: read the sheets as the data format, validate, write data/<code>/.

Importing never re-implements validation: the sheets are written as CSV into a
temporary department directory, :func:`perfkit.ingest.loading.validate` runs on it, and
each problem's file and row are mapped back to the sheet, row and column the
analyst sees.  Nothing reaches ``out_dir`` unless validation passes.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from perfkit.errors import DataError, Problem
from perfkit.ingest.loading import validate
from perfkit.ingest.reading import read_text
from perfkit.ingest.schema import CODE_RE, REQUIRED_FILES, SCHEMAS
from perfkit.rules.files import BUILTIN_RULES_DIR, rule_file
from perfkit.text import validation
from perfkit.text import workbook as workbook_text
from perfkit.text.vocabulary import NO, YES
from perfkit.ingest.workbook_layout import (ASSUMPTIONS_SHEET, FUNCTIONS_FIELD, HEADER_ROWS, META_FIELDS, META_SHEET,
                                            SHEET_BY_FILE, SHEETS, BOOLEAN_META, YES_NO, SheetSpec)



@dataclass
class _Origin:
    """Where one CSV row came from, for mapping validation problems back."""

    file: str
    row: int
    columns: dict[str, str]  # data-format column -> how to name it to the user


def _cell_text(cell, fcell) -> tuple[str, str | None]:
    """Return a cell's content as the text a CSV would hold, and a problem text if unusable."""
    value = cell.value
    if value is None:
        if fcell is not None and isinstance(fcell.value, str) and fcell.data_type == "f":
            return "", workbook_text.FORMULA_WITHOUT_VALUE.format(formula=fcell.value)
        return "", None
    if isinstance(value, bool):
        return (YES if value else NO), None
    if isinstance(value, (int, float)):
        fmt = cell.number_format or ""
        if "%" in fmt:
            # Excel stores 95% as 0.95; the data format keeps targets/actuals as written
            decimals = len(fmt.split(".")[1].split("%")[0]) if "." in fmt else 0
            return f"{value * 100:.{decimals}f}%", None
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value)), None
        return repr(value) if isinstance(value, float) else str(value), None
    if isinstance(value, _dt.datetime):
        return (value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")), None
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat(), None
    return str(value).strip(), None


def _read_table_sheet(ws, wsf, spec: SheetSpec, where: str, problems: list[Problem]):
    """Return (columns, rows of text, origins) of one table sheet; problems appended."""
    labels = {c.label: c.key for c in spec.columns}
    keys = {c.key for c in spec.columns} | set(spec.schema)
    max_col = ws.max_column
    row1 = [ws.cell(1, j).value for j in range(1, max_col + 1)]
    row2 = [ws.cell(2, j).value for j in range(1, max_col + 1)]
    has_key_row = any(isinstance(v, str) and v.strip() in keys for v in row2)
    first_data = HEADER_ROWS + 1 if has_key_row else 2
    col_of: dict[str, int] = {}
    shown: dict[str, str] = {}
    for j in range(1, max_col + 1):
        k2 = str(row2[j - 1]).strip() if has_key_row and row2[j - 1] is not None else ""
        l1 = str(row1[j - 1]).strip().rstrip("*＊") if row1[j - 1] is not None else ""
        key = k2 if k2 in keys else labels.get(l1) or k2 or l1
        if not key:
            continue
        letter = get_column_letter(j)
        if key in col_of:
            problems.append(Problem(where, 1, workbook_text.COLUMN_AT.format(label=l1 or key, letter=letter), key,
                                    workbook_text.DUPLICATE_COLUMN.format(letter=get_column_letter(col_of[key]))))
            continue
        col_of[key] = j
        label = next((c.label for c in spec.columns if c.key == key), l1 or key)
        shown[key] = workbook_text.COLUMN_AT.format(label=label, letter=letter)
    columns = [k for k in spec.schema if k in col_of] + [k for k in col_of if k not in spec.schema]
    rows, origins = [], []
    formulas = wsf.iter_rows(min_row=first_data, max_col=max_col) if wsf is not None else None
    for cells in ws.iter_rows(min_row=first_data, max_col=max_col):
        fcells = next(formulas) if formulas is not None else (None,) * len(cells)
        texts = {}
        for key, j in col_of.items():
            text, issue = _cell_text(cells[j - 1], fcells[j - 1])
            if issue:
                problems.append(Problem(where, cells[0].row, shown[key], None, issue))
            texts[key] = text
        if not any(texts.values()):
            continue
        rows.append([texts[k] for k in columns])
        origins.append(_Origin(where, cells[0].row, shown))
    for key in spec.schema:
        if key not in col_of:
            label = next((c.label for c in spec.columns if c.key == key), key)
            shown[key] = workbook_text.COLUMN_MISSING.format(label=label)
    return columns, rows, origins, shown


def _read_meta_sheet(ws, wsf, where: str, problems: list[Problem]) -> tuple[dict, dict[str, int], dict[str, str]]:
    """Return department.yaml fields from the 部门信息 sheet, each field's row, and its text as typed."""
    labels = {label: key for key, label, _ in META_FIELDS}
    known = {k for k, _, _ in META_FIELDS}
    meta: dict = {}
    rows: dict[str, int] = {}
    raw: dict[str, str] = {}
    functions: list[str] = []
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, 2).value
        key = str(key).strip() if key is not None else labels.get(str(ws.cell(r, 1).value or "").strip(), "")
        if not key:
            continue
        text, issue = _cell_text(ws.cell(r, 3), wsf.cell(r, 3) if wsf is not None else None)
        if issue:
            problems.append(Problem(where, r, workbook_text.VALUE_COLUMN, None, issue))
        if key == FUNCTIONS_FIELD[0]:
            rows.setdefault(key, r)
            if text:
                functions.append(text)
            continue
        rows[key], raw[key] = r, text
        if not text:
            continue
        if key == "years":
            parts = [p for p in re.split(r"[、,，;；\s]+", text) if p]
            # left as text when not a year, so validation reports it like a bad department.yaml
            meta[key] = [int(p) if p.isdigit() else p for p in parts]
        elif key in BOOLEAN_META:
            if text in YES_NO or text.lower() in ("true", "false"):
                meta[key] = YES_NO.get(text, text.lower() == "true")
            else:
                problems.append(Problem(where, r, workbook_text.SYNTHETIC_FIELD if key == "synthetic" else key, text,
                                        workbook_text.YES_OR_NO))
        elif key in known:
            meta[key] = text
        else:
            try:
                meta[key] = yaml.safe_load(text)
            except yaml.YAMLError:
                meta[key] = text
    if functions:
        # department.yaml lists functions right after the identity fields; keep that order
        head = {k: meta.pop(k) for k in ("code", "name", "region", "level") if k in meta}
        meta = {**head, "functions": functions, **meta}
    return meta, rows, raw


@dataclass
class WorkbookContents:
    """A workbook read into the data format (text cells), before validation."""

    path: Path
    meta: dict
    tables: dict[str, pd.DataFrame]  # CSV file name -> strings, one row per filled sheet row
    assumptions: str
    problems: list[Problem]  # found while reading: missing sheets, formulas without values …
    sources: dict[str, list[_Origin]]  # CSV file name -> where each row came from
    shown: dict[str, tuple[str, dict[str, str]]]  # CSV file name -> (sheet, column display names)
    meta_rows: dict[str, int]
    meta_raw: dict[str, str]

    def where(self, sheet: str) -> str:
        return workbook_text.SHEET_OF.format(path=self.path, sheet=sheet)


def read_workbook(xlsx_path: str | Path) -> WorkbookContents:
    """Return a workbook's contents as data-format text tables, before validation."""
    xlsx_path = Path(xlsx_path)
    if not xlsx_path.is_file():
        raise DataError(Problem(str(xlsx_path), None, None, None, workbook_text.NO_WORKBOOK))
    try:
        wbf = load_workbook(xlsx_path, data_only=False)
        # formulas need a second pass for their cached values; most filled forms have none
        has_formulas = any(c.data_type == "f" for ws in wbf.worksheets for row in ws.iter_rows() for c in row)
        wb = load_workbook(xlsx_path, data_only=True) if has_formulas else wbf
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for non-xlsx files
        raise DataError(Problem(str(xlsx_path), None, None, None,
                                workbook_text.NOT_A_WORKBOOK.format(error=type(exc).__name__))) from None
    out = WorkbookContents(xlsx_path, {}, {}, "", [], {}, {}, {}, {})
    if META_SHEET in wb.sheetnames:
        out.meta, out.meta_rows, out.meta_raw = _read_meta_sheet(wb[META_SHEET], wbf[META_SHEET],
                                                                 out.where(META_SHEET), out.problems)
    else:
        out.problems.append(Problem(str(xlsx_path), None, None, None, workbook_text.NO_SHEET.format(sheet=META_SHEET)))
    for spec in SHEETS:
        if spec.name not in wb.sheetnames:
            if spec.file in REQUIRED_FILES:
                out.problems.append(Problem(str(xlsx_path), None, None, None, workbook_text.NO_SHEET.format(sheet=spec.name)))
            continue
        columns, rows, origins, shown = _read_table_sheet(wb[spec.name], wbf[spec.name], spec,
                                                          out.where(spec.name), out.problems)
        out.tables[spec.file] = pd.DataFrame(rows, columns=columns, dtype=object)
        out.sources[spec.file] = origins
        out.shown[spec.file] = (out.where(spec.name), shown)
    if ASSUMPTIONS_SHEET in wb.sheetnames:
        ws = wb[ASSUMPTIONS_SHEET]
        lines = ["" if ws.cell(r, 1).value is None else str(ws.cell(r, 1).value) for r in range(2, ws.max_row + 1)]
        while lines and not lines[-1].strip():
            lines.pop()
        out.assumptions = "\n".join(lines) + "\n" if lines else ""
    return out


def _csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(df.columns))
    for rec in df.itertuples(index=False):
        writer.writerow(["" if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in rec])
    return buf.getvalue()


def _yaml_text(meta: dict, xlsx_path: Path, header: str | None = None) -> str:
    class _Dumper(yaml.SafeDumper):
        pass

    def _list(dumper, value):
        # years read best on one line, as people write them: [2022, 2023]
        flow = all(isinstance(v, (int, float)) for v in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)

    _Dumper.add_representer(list, _list)
    body = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    header = header or workbook_text.IMPORTED_HEADER.format(workbook=xlsx_path.name)
    return f"# {header}\n{body}"


# Recognised input, not output: how perfkit's own messages name rows and sheets, rewritten into sheet terms.
_ROW_REF = re.compile(r"(?:(\w+\.csv) ?)?第 ?([\d、]+) ?行")
_SHEET_REF = re.compile(r"工作表(「[^」]*」)")
RECOGNISED_INPUT = ("_ROW_REF", "_SHEET_REF")


def _map_problem(p: Problem, tmp_dept: Path, book: WorkbookContents) -> Problem:
    """Return ``p`` renamed from the temporary CSV files to the workbook's sheets, rows and columns."""
    fname = Path(p.file).name
    sheet_of = {f: where for f, (where, _) in book.shown.items()}

    def locate(file: str, row: int) -> _Origin | None:
        rows = book.sources.get(file) or []
        return rows[row - 2] if 2 <= row < len(rows) + 2 else None

    def fix_text(text: str) -> str:
        def rows_ref(m: re.Match) -> str:
            found = [locate(m.group(1) or fname, int(n)) for n in m.group(2).split(validation.LIST_SEP)]
            if any(o is None for o in found):
                return m.group(0)
            files = {o.file for o in found}
            # a reference into another sheet names it; one into the same sheet only its rows
            prefix = _sheet_only(files.pop()) if m.group(1) and len(files) == 1 else ""
            return workbook_text.ROWS_REF.format(prefix=prefix, rows=validation.LIST_SEP.join(str(o.row) for o in found))
        text = _ROW_REF.sub(rows_ref, text)
        for f, where in sheet_of.items():
            text = text.replace(f, workbook_text.IN_SHEET.format(sheet=_sheet_only(where)))
        text = text.replace(validation.META_YEARS, workbook_text.META_YEARS.format(sheet=META_SHEET))
        return text.replace("department.yaml", workbook_text.META_SHEET_REF.format(sheet=META_SHEET))

    if Path(p.file).parent != tmp_dept:
        # a file of the temporary directory that is no sheet (a rule file copied in): the user's is the workbook
        inside = Path(p.file) == tmp_dept or tmp_dept in Path(p.file).parents
        return replace(p, file=str(book.path) if inside else p.file, expected=fix_text(p.expected))
    if fname == "department.yaml":
        labels = {k: lab for k, lab, _ in META_FIELDS + (FUNCTIONS_FIELD,)}
        value = book.meta_raw.get(p.column, p.value) if p.column else p.value
        return Problem(book.where(META_SHEET), book.meta_rows.get(p.column) if p.column else None,
                       labels.get(p.column or "", p.column), value, fix_text(p.expected))
    where, shown = book.shown.get(fname, (str(book.path), {}))  # never the temporary file
    origin = locate(fname, p.row) if p.row is not None and p.row >= 2 else None
    file, row, shown = (origin.file, origin.row, origin.columns) if origin else (where, p.row, shown)
    columns = validation.LIST_SEP.join(shown.get(c, c) for c in p.column.split(",")) if p.column else None
    expected = p.expected
    if expected.startswith(validation.MISSING_COLUMNS_HEAD) and fname in SHEET_BY_FILE:
        expected = (workbook_text.MISSING_COLUMNS.format(column=p.column)
                    + validation.LIST_SEP.join(c.label for c in SHEET_BY_FILE[fname].columns))
    elif expected.startswith(validation.HEADER_ONLY):
        expected = workbook_text.NO_DATA_ROWS
    return Problem(file, row, columns, p.value, fix_text(expected))


def _sheet_missing(p: Problem, tables: dict, book: WorkbookContents) -> bool:
    """Return True when ``p`` is about a file no sheet gave: reading already reported the missing sheet."""
    fname = Path(p.file).name
    return (p.row is None and fname in SHEET_BY_FILE and fname not in tables
            and any(q.file == str(book.path) for q in book.problems))


def _sheet_only(where: str) -> str:
    m = _SHEET_REF.search(where)
    return m.group(1) if m else where


def _read_existing(dept_dir: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Return an existing department's yaml fields and CSV tables as text (for merging years)."""
    meta = yaml.safe_load(read_text(dept_dir / "department.yaml")[0]) or {}
    tables = {}
    for fname in SCHEMAS:
        f = dept_dir / fname
        if f.is_file():
            text = read_text(f)[0]
            if text.strip():
                tables[fname] = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return meta, tables


def import_workbook(xlsx_path: str | Path, out_dir: str | Path, on_existing: str = "error") -> Path:
    """Return the department directory written from a filled workbook (``out_dir/<code>/``).

    The workbook is validated exactly like the CSV files (:func:`perfkit.ingest.loading.validate`);
    problems name the sheet, the Excel row and the column.  When there is any
    problem nothing is written and :class:`DataError` lists them all.

    Parameters
    ----------
    xlsx_path : str or Path
        The filled workbook.
    out_dir : str or Path
        The data directory; the department goes to ``out_dir/<部门代码>/``.
    on_existing : {"error", "merge", "replace"}
        What to do when that directory already exists: refuse (default);
        ``merge``: the workbook's years replace those years' rows, other years
        are kept; ``replace``: the department's data files are replaced.
    """
    if on_existing not in ("error", "merge", "replace"):
        raise ValueError(workbook_text.BAD_ON_EXISTING.format(value=on_existing))
    return install_contents(read_workbook(xlsx_path), out_dir, on_existing)


def install_contents(book: WorkbookContents, out_dir: str | Path, on_existing: str = "error",
                     header: str | None = None, extra: dict[str, str] | None = None) -> Path:
    """Return the department directory written from contents read into the data format (a workbook, an extraction).

    Validated, merged or replaced exactly as :func:`import_workbook` describes;
    ``header`` replaces the comment opening ``department.yaml``; ``extra``
    (file name -> text) are further files written with the data, all or none.
    """
    xlsx_path, out_dir = book.path, Path(out_dir)
    problems = list(book.problems)
    code = str(book.meta.get("code") or "")
    valid_code = bool(CODE_RE.match(code))
    target = out_dir / code if valid_code else None
    meta, tables, assumptions = book.meta, book.tables, book.assumptions
    if target is not None and (target / "department.yaml").is_file():
        if on_existing == "error":
            problems.append(Problem(str(target), None, None, None,
                                    workbook_text.DEPARTMENT_EXISTS))
        elif on_existing == "merge":
            meta, tables = _merge_existing(target, book, problems)
            if not assumptions and (target / "ASSUMPTIONS.md").is_file():
                assumptions = (target / "ASSUMPTIONS.md").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="perfkit-import-") as tmp:
        tmp_dept = Path(tmp) / (code if valid_code else "_")
        tmp_dept.mkdir()
        (tmp_dept / "department.yaml").write_text(_yaml_text(meta, xlsx_path, header), encoding="utf-8")
        for fname, df in tables.items():
            if df.empty and fname not in REQUIRED_FILES:
                continue  # an optional sheet left blank means the file is absent, not empty
            (tmp_dept / fname).write_text(_csv_text(df), encoding="utf-8")
        if assumptions:
            (tmp_dept / "ASSUMPTIONS.md").write_text(assumptions, encoding="utf-8")
        for fname, text in (extra or {}).items():
            (tmp_dept / fname).write_text(text, encoding="utf-8")
        _copy_rule_files(meta, target, tmp_dept)
        _, found, _ = validate(tmp_dept)
        for p in found:
            if p.column == "code" and validation.CODE_NOT_DIRECTORY_MARK in p.expected and not valid_code:
                continue  # the invalid code itself is reported; the temporary directory name is ours
            if _sheet_missing(p, tables, book):
                continue  # the missing sheet is reported by name; its file was never written
            problems.append(_map_problem(p, tmp_dept, book))
        if problems:
            raise DataError(problems)
        assert target is not None
        _install(tmp_dept, target, replace=on_existing in ("merge", "replace"), extra=tuple(extra or ()))
    return target


#: the data files the workbook has a sheet for; the others are not the workbook's to merge or remove
_SHEET_FILES = frozenset(spec.file for spec in SHEETS)


def _merge_existing(target: Path, book: WorkbookContents, problems: list[Problem]):
    """Return meta and tables with the target's other years kept; ``book.sources`` gains their rows."""
    try:
        old_meta, old_tables = _read_existing(target)
    except (DataError, yaml.YAMLError, pd.errors.ParserError) as exc:
        problems.append(Problem(str(target), None, None, None, workbook_text.UNREADABLE_EXISTING.format(error=exc)))
        return book.meta, book.tables
    meta = dict(old_meta)
    meta.update({k: v for k, v in book.meta.items() if v not in (None, "", [])})
    years = [y for y in (old_meta.get("years") or []) + (book.meta.get("years") or []) if isinstance(y, int)]
    bad = [y for y in book.meta.get("years") or [] if not isinstance(y, int)]
    meta["years"] = sorted(set(years)) + bad
    new_years = {str(y) for y in book.meta.get("years") or []}
    tables = {}
    for fname in SCHEMAS:
        old, new = old_tables.get(fname), book.tables.get(fname)
        if fname not in _SHEET_FILES:  # no sheet holds it (narrative.csv): the department's file stays as it is
            if old is not None:
                tables[fname] = old
                book.sources[fname] = [_Origin(str(target / fname), int(i) + 2, {}) for i in old.index]
            continue
        kept, kept_src = None, []
        if old is not None and "year" in old.columns:
            mask = ~old["year"].str.strip().isin(new_years)
            kept = old[mask]
            kept_src = [_Origin(str(target / fname), int(i) + 2, {}) for i in old.index[mask]]
        parts = [d for d in (kept, new) if d is not None and len(d)]
        if not parts:
            if new is not None:
                tables[fname] = new
            continue
        merged = pd.concat(parts, ignore_index=True).fillna("") if len(parts) > 1 else parts[0].reset_index(drop=True)
        origins = kept_src + list(book.sources.get(fname, []))
        # years in order, each year's rows as they were, so the files read like hand-made ones
        order = pd.to_numeric(merged["year"], errors="coerce").sort_values(kind="stable").index
        tables[fname] = merged.loc[order].reset_index(drop=True)
        book.sources[fname] = [origins[i] for i in order]
    return meta, tables


def _copy_rule_files(meta: dict, target: Path | None, tmp_dept: Path) -> None:
    """Make rule sets given as relative paths resolvable while validating in the temporary directory."""
    if target is None:
        return
    for key in ("rule_set", "dept_sheet"):
        ref = meta.get(key)
        if not ref:
            continue
        src = rule_file(str(ref), target)
        if src.is_file() and not Path(str(ref)).is_absolute() and src.parent != BUILTIN_RULES_DIR:
            dst = tmp_dept / str(ref)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _install(tmp_dept: Path, target: Path, replace: bool, extra: tuple[str, ...] = ()) -> None:
    """Move the validated files into place together; stale data files of a replaced department are removed.

    Every file is first copied beside its final name (a hidden temporary in
    ``target``), so the last step is renames, which need no space: a write that
    fails (a full disk) leaves the department as it was and names the user's file.
    """
    created = next((p for p in reversed((target, *target.parents)) if not p.exists()), None)
    target.mkdir(parents=True, exist_ok=True)
    managed = {"department.yaml", "ASSUMPTIONS.md", *SCHEMAS, *extra}
    written = sorted(p.name for p in tmp_dept.iterdir() if p.is_file() and p.name in managed)
    parts = [target / f".{name}.{uuid.uuid4().hex[:8]}.tmp" for name in written]
    try:
        for name, part in zip(written, parts):
            try:
                shutil.copyfile(tmp_dept / name, part)
            except OSError as err:  # names the temporary copy and its source otherwise
                raise OSError(err.errno, err.strerror, str(target / name)) from None
    except BaseException:
        for part in parts:
            part.unlink(missing_ok=True)
        if created is not None:  # folders this import made, down to the department's
            shutil.rmtree(created, ignore_errors=True)
        raise
    if replace:
        for name in managed - set(written) - {"ASSUMPTIONS.md"}:
            (target / name).unlink(missing_ok=True)
    for name, part in zip(written, parts):
        os.replace(part, target / name)
