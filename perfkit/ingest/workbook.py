"""The analysts' input workbook: ``perfkit template``, ``perfkit import`` and ``perfkit export``.

Analysts fill these forms in Excel, not in CSV.  The workbook carries exactly
the data format of ``data/README.md``: one sheet per CSV file plus a 部门信息
sheet for ``department.yaml`` (layout in :mod:`perfkit.ingest.workbook_layout`).
Each table sheet has two header rows, the Chinese heading analysts know (row 1)
and the data-format column name (row 2), so a renamed heading never breaks an
import.  A template offers drop-downs and formats; importing
(:mod:`perfkit.ingest.workbook_import`) validates like the CSV files and names
the sheet, row and column of every problem; exporting writes a department back
into the same layout.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from perfkit.errors import DataError
from perfkit.ingest.department import Department
from perfkit.ingest.loading import find_departments, load
from perfkit.ingest.schema import AMOUNT_UNITS, META_REQUIRED, NOT_APPLICABLE, TABLE_ATTRS, WHOLE_SCOPE, WHOLE_SCOPE_TYPE
from perfkit.rules.loading import builtin_names as builtin_rule_sets
from perfkit.ingest.workbook_import import import_workbook, read_workbook
from perfkit.ingest.workbook_layout import (AMOUNT_FORMAT, ASSUMPTIONS_SHEET, BORDER, DEFAULT_ROWS, DEFAULT_RULE_SET,
                                            FINANCE_ITEMS, FUNCTIONS_FIELD, GOV_LEVELS, GUIDE_SHEET, HEADER_FONT,
                                            HEADER_ROWS, KEY_FILL, KEY_FONT, META_FIELDS, META_SHEET, N_FUNCTION_ROWS,
                                            OPTIONAL_FILL, REQUIRED_FILL, SHEET_BY_FILE, SHEETS, TEXT_FORMAT, YES_NO, BOOLEAN_META,
                                            Column, SheetSpec, column_kind, is_required, set_text)
from perfkit.reproducible import save_office_file
from perfkit.text import cli as cli_text
from perfkit.text import workbook as workbook_text
from perfkit.text.vocabulary import NO, TOTAL_LINE, WAN_YUAN, YES

__all__ = ["cmd_export", "cmd_import", "cmd_template", "export_workbook", "import_workbook", "read_workbook",
           "write_template"]

# --------------------------------------------------------------------------- writing


def write_template(path: str | Path, department_meta: dict | None = None, year: int | None = None,
                   rows: int = DEFAULT_ROWS, carry_from: "Department | None" = None) -> Path:
    """Return the path of a new, empty data-entry workbook for one department-year.

    Parameters
    ----------
    path : str or Path
        Where to write the ``.xlsx``.
    department_meta : dict, optional
        ``department.yaml`` fields to pre-fill (code, name, functions, rule_set …).
    year : int, optional
        The year to be filled.  When given, the rows every department-year needs
        are pre-filled: the ``whole`` scope, its 合计 budget line and the four
        income/expenditure totals (amounts and sources left for the analyst).
    rows : int
        Blank rows per sheet prepared with drop-downs and formats.
    carry_from : Department, optional
        An existing department: its latest year before ``year`` seeds the
        scopes, budget lines and indicators (targets, weights), with last
        year's actual values as 上年实际值 and every figure of the new year empty.
    """
    meta = dict(department_meta or {})
    if year is not None:
        meta["years"] = [int(year)]
    meta.setdefault("rule_set", DEFAULT_RULE_SET)
    tables = {s.file: pd.DataFrame(columns=[c.key for c in s.columns]) for s in SHEETS}
    if year is not None:
        tables.update(_prefilled_rows(meta, int(year), carry_from))
    assumptions = ""
    if carry_from is not None and (carry_from.path / "ASSUMPTIONS.md").is_file():
        assumptions = (carry_from.path / "ASSUMPTIONS.md").read_text(encoding="utf-8")
    _write_workbook(Path(path), meta, tables, rows, assumptions)
    return Path(path)


def _prefilled_rows(meta: dict, year: int, carry_from) -> dict[str, pd.DataFrame]:
    """Return the starting rows of a new year: the whole scope, or last year's structure."""
    prev_years = [y for y in (carry_from.years if carry_from is not None else []) if y < year]
    finance = pd.DataFrame({"year": year, "item": list(FINANCE_ITEMS[:4]), "unit": WAN_YUAN})
    if not prev_years:
        name = meta.get("name")
        return {
            "scopes.csv": pd.DataFrame([{"year": year, "scope_id": WHOLE_SCOPE, "scope_type": WHOLE_SCOPE_TYPE,
                                         "name": workbook_text.WHOLE_SCOPE_NAME.format(name=name) if name else None}]),
            "budget.csv": pd.DataFrame([{"year": year, "scope_id": WHOLE_SCOPE, "line": TOTAL_LINE,
                                         "line_type": TOTAL_LINE, "unit": WAN_YUAN}]),
            "finance.csv": finance,
        }
    prev = carry_from.for_year(max(prev_years))
    scopes = prev.scopes[["scope_id", "scope_type", "name", "parent_scope_id", "rule_set"]].assign(year=year)
    budget = prev.budget[["scope_id", "line", "line_type", "unit"]].assign(year=year)
    ind = prev.indicators
    indicators = ind[["scope_id", "indicator_id", "parent_id", "level1", "level2", "name", "target", "weight"]].assign(
        year=year, prior_actual=ind["actual"])
    if len(prev.finance):
        finance = prev.finance[["item", "unit"]].assign(year=year)
    return {"scopes.csv": scopes, "budget.csv": budget, "finance.csv": finance, "indicators.csv": indicators}


def export_workbook(dept: "Department", path: str | Path, years: list[int] | None = None,
                    rows: int = 50) -> Path:
    """Return the path of a workbook holding ``dept``'s data (all years, or ``years``) in the template.

    Amounts are written in each row's own unit (元 rows back in 元), so
    importing the workbook again reproduces the department's files.
    """
    years = sorted(int(y) for y in (years if years is not None else dept.years))
    for y in years:
        dept.require_year(y)  # raises the usual DataError for an undeclared year
    meta = dict(dept.meta)
    meta["years"] = years
    tables = {}
    for spec in SHEETS:
        df = getattr(dept, TABLE_ATTRS[spec.file])
        df = df[df["year"].isin(years)].drop(columns=["src_row"], errors="ignore").copy()
        amount_cols = [c for c, (k, _) in spec.schema.items() if k == "amount"]
        if amount_cols and "unit" in df.columns:
            # back to the unit the analyst typed; 6 decimals undo the float error of ×1e-4
            factor = df["unit"].map(AMOUNT_UNITS).astype("float64").fillna(1.0)
            for col in amount_cols:
                df[col] = (df[col] / factor).round(6)
        tables[spec.file] = _with_printed_marks(df, dept, spec)
    assumptions_file = Path(dept.path) / "ASSUMPTIONS.md"
    assumptions = assumptions_file.read_text(encoding="utf-8") if assumptions_file.is_file() else ""
    _write_workbook(Path(path), meta, tables, rows, assumptions)
    return Path(path)


def _with_printed_marks(df: pd.DataFrame, dept, spec: SheetSpec) -> pd.DataFrame:
    """Return ``df`` with number cells the source printed as —, / or 无 written back as printed (not as empty)."""
    printed = dept.printed_cells(spec.file)
    if printed.empty or "src_row" not in printed.columns:
        return df
    rows = getattr(dept, TABLE_ATTRS[spec.file])["src_row"].reindex(df.index)
    marks = printed.set_index("src_row")
    df = df.astype({c: object for c in df.columns if c in marks.columns and c != "year"})
    for col in (c for c in marks.columns if c in df.columns and c != "year"):
        text = rows.map(marks[col])
        na = text.isin(NOT_APPLICABLE)
        df.loc[na, col] = text[na]
    return df


def _write_workbook(path: Path, meta: dict, tables: dict[str, pd.DataFrame], blank_rows: int,
                    assumptions: str) -> None:
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    _write_guide(guide, meta)
    _write_meta_sheet(wb.create_sheet(META_SHEET), meta)
    for spec in SHEETS:
        _write_table_sheet(wb.create_sheet(spec.name), spec, tables.get(spec.file), blank_rows)
    ws = wb.create_sheet(ASSUMPTIONS_SHEET)
    ws.column_dimensions["A"].width = 120
    ws["A1"] = workbook_text.ASSUMPTIONS_HEAD
    ws["A1"].font = KEY_FONT
    for i, line in enumerate(assumptions.splitlines(), start=2):
        set_text(ws.cell(i, 1), line)
    save_office_file(wb, path)


def _write_guide(ws, meta: dict) -> None:
    years = workbook_text.LIST_SEP.join(map(str, meta.get("years") or [])) or workbook_text.NOT_FILLED
    lines = [
        (workbook_text.GUIDE_TITLE, Font(bold=True, size=14)),
        (workbook_text.GUIDE_DEPARTMENT.format(name=meta.get("name") or workbook_text.NOT_FILLED, years=years), None),
        ("", None),
        (workbook_text.GUIDE_HOW, Font(bold=True)),
        *((line, None) for line in workbook_text.GUIDE_HOW_LINES),
        ("", None),
        (workbook_text.GUIDE_RULES, Font(bold=True)),
        *((line, None) for line in workbook_text.GUIDE_RULES_LINES),
        ("", None),
        (workbook_text.GUIDE_IMPORT, Font(bold=True)),
        *((line, None) for line in workbook_text.GUIDE_IMPORT_LINES),
    ]
    ws.column_dimensions["A"].width = 110
    for i, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(i, 1, text)
        if font is not None:
            cell.font = font
    if meta.get("synthetic"):
        ws.cell(len(lines) + 2, 1, workbook_text.GUIDE_SYNTHETIC).font = Font(bold=True, color="C00000")


def _meta_cell_value(key: str, value):
    if value is None:
        return None
    if key == "years":
        return workbook_text.LIST_SEP.join(str(v) for v in value) if isinstance(value, list) else str(value)
    if key in BOOLEAN_META:
        return YES if value is True else NO if value is False else str(value)
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
    return value


def _write_meta_sheet(ws, meta: dict) -> None:
    for col, (label, width) in enumerate(zip(workbook_text.META_HEADINGS, (16, 14, 70, 50)), start=1):
        cell = ws.cell(1, col, label)
        cell.font, cell.fill = HEADER_FONT, OPTIONAL_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    row = 2
    known = {k for k, _, _ in META_FIELDS} | {FUNCTIONS_FIELD[0]}
    validations = []
    for key, label, note in META_FIELDS:
        ws.cell(row, 1, label).font = Font(bold=key in META_REQUIRED)
        ws.cell(row, 2, key).font = KEY_FONT
        set_text(ws.cell(row, 3), _meta_cell_value(key, meta.get(key)))
        ws.cell(row, 4, note).font = KEY_FONT
        if key == "level":
            validations.append((GOV_LEVELS, False, f"C{row}"))
        elif key == "synthetic":
            validations.append((tuple(YES_NO), True, f"C{row}"))
        elif key in ("rule_set", "dept_sheet"):
            validations.append((tuple(builtin_rule_sets()), False, f"C{row}"))
        row += 1
    for key in meta:
        if key not in known:
            # fields perfkit does not know are kept, so an import loses nothing
            ws.cell(row, 1, key)
            ws.cell(row, 2, key).font = KEY_FONT
            set_text(ws.cell(row, 3), _meta_cell_value(key, meta[key]))
            row += 1
    functions = list(meta.get("functions") or [])
    key, label, note = FUNCTIONS_FIELD
    for i in range(max(len(functions), N_FUNCTION_ROWS)):
        ws.cell(row, 1, f"{label}{i + 1}")
        ws.cell(row, 2, key).font = KEY_FONT
        set_text(ws.cell(row, 3), functions[i] if i < len(functions) else None)
        ws.cell(row, 3).alignment = Alignment(wrap_text=True)
        if i == 0:
            ws.cell(row, 4, note).font = KEY_FONT
        row += 1
    for choices, strict, ref in validations:
        _add_list_validation(ws, _list_formula(choices), strict, ref)


def _list_formula(choices) -> str | None:
    if not choices:
        return None
    return '"' + ",".join(choices) + '"'


def _add_list_validation(ws, formula: str | None, strict: bool, ref: str) -> None:
    if formula is None:
        return
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        errorStyle="stop" if strict else "warning",
                        error=workbook_text.CHOOSE_FROM_LIST if strict else workbook_text.NOT_IN_LIST,
                        errorTitle=workbook_text.INPUT_TITLE)
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(ref)


def _write_table_sheet(ws, spec: SheetSpec, df: pd.DataFrame | None, blank_rows: int) -> None:
    df = df if df is not None else pd.DataFrame()
    extra = [c for c in df.columns if c not in {col.key for col in spec.columns}]
    columns = list(spec.columns) + [Column(c, c, 14) for c in extra]
    last_row = HEADER_ROWS + len(df) + blank_rows
    scope_sheet = SHEET_BY_FILE["scopes.csv"].name
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        head = ws.cell(1, j, col.label)
        head.font = HEADER_FONT
        head.fill = REQUIRED_FILL if is_required(spec, col.key) else OPTIONAL_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = BORDER
        if col.note:
            head.comment = Comment(col.note, "perfkit", width=260, height=80)
        key = ws.cell(2, j, col.key)
        key.font, key.fill, key.border = KEY_FONT, KEY_FILL, BORDER
        ws.column_dimensions[letter].width = col.width
        kind = column_kind(spec, col.key)
        ref = f"{letter}{HEADER_ROWS + 1}:{letter}{last_row}"
        if col.choices == "scopes":
            formula = f"'{scope_sheet}'!$B${HEADER_ROWS + 1}:$B${last_row}"
            _add_list_validation(ws, formula, False, ref)
        elif col.choices == "rule_sets":
            _add_list_validation(ws, _list_formula(builtin_rule_sets()), False, ref)
        elif col.choices:
            _add_list_validation(ws, _list_formula(col.choices), col.strict, ref)
        elif kind in ("year", "month"):
            lo, hi = (1990, 2100) if kind == "year" else (1, 12)
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi),
                                allow_blank=True, error=workbook_text.WHOLE_NUMBER_BETWEEN.format(low=lo, high=hi),
                                errorTitle=workbook_text.INPUT_TITLE)
            ws.add_data_validation(dv)
            dv.add(ref)
        elif kind in ("amount",):
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                error=workbook_text.AMOUNT_NOT_NEGATIVE, errorTitle=workbook_text.INPUT_TITLE)
            ws.add_data_validation(dv)
            dv.add(ref)
        # text columns keep what is typed (=100%, 263) as text; number columns get a number format
        fmt = TEXT_FORMAT if kind in ("str", "unit") else AMOUNT_FORMAT if kind == "amount" else "General"
        for i in range(HEADER_ROWS + 1, last_row + 1):
            ws.cell(i, j).number_format = fmt
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = spec.freeze
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(last_row, HEADER_ROWS + 1)}"
    for i, rec in enumerate(df.itertuples(index=False), start=HEADER_ROWS + 1):
        values = dict(zip(df.columns, rec))
        for j, col in enumerate(columns, start=1):
            value = values.get(col.key)
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            kind = column_kind(spec, col.key)
            cell = ws.cell(i, j)
            if kind in ("str", "unit") or isinstance(value, str):  # a number cell printed — or /: as printed
                set_text(cell, str(value))
            elif kind in ("year", "month", "int"):
                cell.value = int(value)
            else:
                cell.value = float(value)


# --------------------------------------------------------------------------- CLI handlers


def cmd_template(args) -> int:
    """Return 0 after writing a data-entry template (``perfkit template``).

    ``args``: ``output`` (path of the .xlsx), ``dept`` (department code, optional),
    ``year`` (optional), ``data`` (data directory, default ``data``),
    ``rows`` (blank rows per sheet, optional).
    """
    data_dir = Path(getattr(args, "data", None) or "data")
    code = getattr(args, "dept", None)
    if isinstance(code, list):
        code = code[0] if code else None
    year = getattr(args, "year", None)
    meta: dict = {}
    carry = None
    if code:
        if code in find_departments(data_dir):
            carry = load(code, data_dir=data_dir)
            meta = dict(carry.meta)
            if year is not None and int(year) in carry.years:
                print(cli_text.YEAR_EXISTS.format(code=code, year=year), file=sys.stderr)
        else:
            meta = {"code": code}
    out = write_template(args.output, meta, year=year, rows=int(getattr(args, "rows", None) or DEFAULT_ROWS),
                         carry_from=carry if year is not None else None)
    what = cli_text.LIST_SEP.join(x for x in (meta.get("name") or code or "", cli_text.IN_YEAR.format(year=year) if year else "")
                            if x)
    print(cli_text.TEMPLATE_WRITTEN.format(path=out) + (cli_text.TEMPLATE_OF.format(what=what) if what else ""))
    if carry is not None and year is not None and any(y < int(year) for y in carry.years):
        print(cli_text.CARRIED_OVER.format(year=max(y for y in carry.years if y < int(year))))
    print(cli_text.THEN_IMPORT.format(path=out, data=data_dir))
    return 0


def cmd_import(args) -> int:
    """Return 0 after importing a filled workbook, 1 when it has problems (``perfkit import``).

    ``args``: ``workbook`` (the .xlsx), ``data`` (output data directory, default
    ``data``), ``merge`` / ``replace`` (bool, what to do with an existing department).
    """
    mode = "merge" if getattr(args, "merge", False) else "replace" if getattr(args, "replace", False) else "error"
    try:
        target = import_workbook(args.workbook, getattr(args, "data", None) or "data", on_existing=mode)
    except DataError as err:
        print(cli_text.IMPORT_FAILED.format(workbook=args.workbook, n=len(err.problems)), file=sys.stderr)
        for p in err.problems:
            print(cli_text.PROBLEM_ITEM.format(problem=p), file=sys.stderr)
        return 1
    dept = load(target)
    print(cli_text.IMPORTED.format(name=dept.name, code=dept.code, target=target, years=cli_text.LIST_SEP.join(map(str, dept.years))))
    return 0


def cmd_export(args) -> int:
    """Return 0 after exporting a department to a workbook (``perfkit export``).

    ``args``: ``dept`` (code), ``output`` (.xlsx path), ``year`` (optional, int or list),
    ``data`` (data directory).
    """
    code = args.dept[0] if isinstance(args.dept, list) else args.dept
    dept = load(code, data_dir=getattr(args, "data", None) or "data")
    year = getattr(args, "year", None)
    years = None if year is None else [int(y) for y in (year if isinstance(year, list) else [year])]
    out = export_workbook(dept, args.output, years=years)
    print(cli_text.EXPORTED.format(name=dept.name, code=dept.code, years=cli_text.LIST_SEP.join(map(str, years or dept.years)),
                              path=out))
    return 0

