"""The scored self-evaluation tables of one department-year, in the national layout (绩效自评表.xlsx).

One sheet per scope: 部门整体支出绩效自评表 for the whole department and a
项目支出绩效自评表 for each project or fund, plus a 得分汇总 sheet.  Every figure
is the analysis's (:attr:`perfkit.analysis.YearAnalysis.scored`), written as a
number with a display format, so totals add unrounded values; nothing here
scores anything.  The execution rate (B/A) and the 总分 row are Excel formulas
over the cells they come from (``=F7/E7``, ``=SUM(...)``), so a reviewer who
corrects an amount or a score sees the rate and the total follow; a total is
written as a formula only when the cells above add up to perfkit's total
(a rule whose total is not the plain sum keeps its value).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill

from perfkit.analysis import YearAnalysis
from perfkit.ingest.schema import SCOPE_TYPES
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.ingest.workbook_layout import AMOUNT_FORMAT, BORDER, set_text
from perfkit.outputs.registry import output
from perfkit.outputs.xlsx_print import setup_print
from perfkit.present.reader import names_of, plain
from perfkit.reproducible import save_office_file
from perfkit.text import formats, labels, messages
from perfkit.values import is_missing

SCORED_TABLES_NAME = labels.SCORED_TABLES_NAME
PROJECT_TABLE = labels.PROJECT_TABLE
WHOLE_TABLE = labels.WHOLE_TABLE
SUMMARY_SHEET = labels.SUMMARY_SHEET
# Columns of the national template (domain.md §7), plus perfkit's scoring reason at the right.
SCORED_WIDTHS = {"A": 12, "B": 12, "C": 14, "D": 28, "E": 14, "F": 14, "G": 9, "H": 11, "I": 36, "J": 56}
BUDGET_HEADINGS = labels.BUDGET_FORM
INDICATOR_HEADINGS = labels.INDICATOR_FORM
REASON_HEADING = labels.COLUMNS["reason"]
MANAGEMENT_HEADINGS = labels.MANAGEMENT_FORM
FORM = labels.FORM
SCORE_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
_TITLE_FONT = Font(bold=True, size=16)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
WHOLE_TYPE = SCOPE_TYPES[0]  # 部门整体, the scope type of the whole department in scopes.csv
RECOGNISED_INPUT = ("SUB_ROW_WORD",)  # recognised input, not output
SUB_ROW_WORD = "其中"  # how an indicator name in the data may already mark a sub-row


def _sheet_names(scopes: pd.DataFrame) -> dict[str, str]:
    """Return scope_id -> worksheet name (≤31 characters, unique, no characters Excel refuses)."""
    names, used = {}, {SUMMARY_SHEET}
    for rec in scopes.itertuples(index=False):
        base = WHOLE_TABLE if rec.scope_type == WHOLE_TYPE else _SHEET_NAME_BAD.sub("_", str(rec.name))[:31]
        name, i = base, 2
        while name in used:
            suffix = f"_{i}"
            name, i = base[:31 - len(suffix)] + suffix, i + 1
        names[rec.scope_id] = name
        used.add(name)
    return names


def _num(value):
    """Return a cell value for a number (written with a display format, not as text): None for missing, a float."""
    if is_missing(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _txt(value):
    """Return a cell value for text: None for missing, ``str(value)`` otherwise."""
    return None if is_missing(value) else str(value)


class _Sheet:
    """Writes a bordered form row by row, remembering the cells the 总分 row adds up."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1
        #: cells of the scope's points (分值) and scores (得分) written so far, for the 总分 formulas
        self.points_cells: list[str] = []
        self.score_cells: list[str] = []

    def scored(self, points_col: str, score_col: str) -> None:
        """Remember this row's 分值 and 得分 cells as parts of the scope's total."""
        self.points_cells.append(f"{points_col}{self.row}")
        self.score_cells.append(f"{score_col}{self.row}")

    def put(self, col: str, value, fmt: str | None = None, font=None, fill=None, align=_WRAP, text=False):
        """Return the cell ``col`` of the current row after setting its value and style."""
        cell = self.ws[f"{col}{self.row}"]
        if text and isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # a name like "=HYPERLINK(…)" from the data is text, never a formula
        if fmt:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        cell.alignment = align
        cell.border = BORDER
        return cell

    def merge(self, first: str, last: str, value=None, **kw):
        """Return the first cell of columns ``first``..``last`` of the current row, merged and bordered."""
        for col in range(ord(first), ord(last) + 1):
            self.put(chr(col), None, **{k: v for k, v in kw.items() if k in ("fill",)})
        cell = self.put(first, value, **kw)
        if first != last:
            self.ws.merge_cells(f"{first}{self.row}:{last}{self.row}")
        return cell

    def next(self, n: int = 1):
        self.row += n

    def head(self, col: str, text: str):
        """Return a heading cell (bold, shaded, centred)."""
        return self.put(col, text, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)


def write_scored_tables(a: YearAnalysis, path: str | Path) -> Path:
    """Return the path of an .xlsx with the year's scored self-evaluation tables (national template layout).

    One sheet per scope: 部门整体支出绩效自评表 for the whole department and a
    项目支出绩效自评表 for each project or fund, each with the budget block
    (年初预算数 | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分), the
    indicator table (一级/二级/三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    偏差原因分析及改进措施), the management ratios of a whole-department score
    sheet when its rule set has them, and the 总分 row; plus a 得分汇总 sheet.

    Parameters
    ----------
    a : YearAnalysis
        The analysed department-year; its ``scored`` figures are written as they are.
    path : str or Path
        Where to write the ``.xlsx``.
    """
    data = a.data
    names = _sheet_names(data.scopes)
    wb = Workbook()
    _write_score_summary(wb.active, a, names)
    for rec in data.scopes.itertuples(index=False):
        _write_scope_table(wb.create_sheet(names[rec.scope_id]), a, rec)
    reader = names_of(a)
    for ws in wb.worksheets:
        _for_reader(ws, reader)
        setup_print(ws, _heading_rows(ws))
    return save_office_file(wb, path)


@output(SCORED_TABLES_NAME)
def _write_into(a: YearAnalysis, out_dir: Path) -> list[Path]:
    """Return [path] of the scored tables written into ``out_dir``."""
    return [write_scored_tables(a, Path(out_dir) / SCORED_TABLES_NAME)]


def _for_reader(ws, names: dict) -> None:
    """Rewrite every text cell for the department (no files, formulas, ids: perfkit.present.reader.plain)."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "s":
                text = plain(cell.value, names)
                if text != cell.value:
                    set_text(cell, text)


def _heading_rows(ws) -> str | None:
    """Return the rows to repeat on every printed page: the summary's or the indicator table's heading row."""
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == labels.SUMMARY_FORM[0] or row[1].value == INDICATOR_HEADINGS[0]:
            return f"{row[0].row}:{row[0].row}"
    return None


def _rows_of(df: pd.DataFrame, scope_id: str) -> pd.DataFrame:
    return df[df["scope_id"] == scope_id] if len(df) else df


def _note(s: _Sheet, text: str, font=None) -> None:
    """Write a plain line of text (no border, no wrapping) in column A of the current row."""
    s.put("A", text, font=font, align=Alignment()).border = Border()


def _write_score_summary(ws, a: YearAnalysis, names: dict[str, str]) -> None:
    dept, scored = a.dept, a.scored
    ws.title = SUMMARY_SHEET
    s = _Sheet(ws)
    s.ws.merge_cells("A1:I1")
    s.put("A", messages.XLSX_SUMMARY_TITLE.format(department=dept.name, year=a.year), font=_TITLE_FONT,
          align=_CENTER).border = Border()
    s.next()
    if dept.synthetic:
        _note(s, messages.XLSX_SYNTHETIC, font=Font(bold=True, color="C00000"))
        s.next()
    s.next()
    for col, head in zip("ABCDEFGHIJ", (*labels.SUMMARY_FORM, labels.XLSX_TOTAL_RANGE)):
        s.head(col, head)
    s.next()
    for rec in scored.by_scope.itertuples(index=False):
        rule = (messages.XLSX_ILLUSTRATIVE_RULE.format(rule_set=rec.rule_set) if getattr(rec, "illustrative", False)
                else rec.rule_set)
        values = (rec.name, rec.scope_type, rule, _num(rec.weight), _num(rec.score), _txt(rec.grade),
                  _num(rec.stated_score), _txt(rec.stated_grade), names.get(rec.scope_id))
        for col, value in zip("ABCDEFGHI", values):
            s.put(col, value, fmt=SCORE_FORMAT if col in "DEG" else None)
        s.put("J", formats.score_range(rec.score_min, rec.score_max, None, rec.status), align=_CENTER)
        s.next()
    s.next()
    _note(s, messages.XLSX_SUMMARY_NOTE)
    if scored.problems:
        s.next(2)
        _note(s, messages.DATA_PROBLEMS, font=_BOLD)
        for p in scored.problems:
            s.next()
            _note(s, messages.BULLET.format(text=p))
    for col, width in zip("ABCDEFGHIJ", (30, 10, 26, 9, 10, 8, 12, 12, 30, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5" if dept.synthetic else "A4"


def _write_scope_table(ws, a: YearAnalysis, scope) -> None:
    s = _Sheet(ws)
    for col, width in SCORED_WIDTHS.items():
        ws.column_dimensions[col].width = width
    _write_scope_heading(s, a, scope)
    _write_budget_block(s, a, scope)
    _write_indicator_block(s, a, scope)
    _write_management_block(s, a, scope)
    _write_total(s, a, scope)
    s.ws[f"A{s.row}"] = messages.XLSX_SCOPE_NOTE
    ws.freeze_panes = None


def _write_scope_heading(s: _Sheet, a: YearAnalysis, scope) -> None:
    whole = scope.scope_type == WHOLE_TYPE
    dept = a.dept
    s.merge("A", "J", WHOLE_TABLE if whole else PROJECT_TABLE, font=_TITLE_FONT, align=_CENTER)
    s.next()
    s.merge("A", "J", messages.XLSX_YEAR.format(year=a.year), align=_CENTER)
    s.next()
    if dept.synthetic:
        s.merge("A", "J", FORM["synthetic"], font=Font(bold=True, color="C00000"), align=_CENTER)
        s.next()
    s.put("A", FORM["department_name"] if whole else FORM["project_name"], font=_BOLD, fill=_HEAD_FILL)
    s.merge("B", "J", dept.name if whole else scope.name)
    s.next()
    s.put("A", FORM["supervisor"], font=_BOLD, fill=_HEAD_FILL)
    s.merge("B", "E", dept.name)
    s.put("F", FORM["implementer"], font=_BOLD, fill=_HEAD_FILL)
    s.merge("G", "J", None)
    s.next()


def _write_budget_block(s: _Sheet, a: YearAnalysis, scope) -> None:
    whole = scope.scope_type == WHOLE_TYPE
    ex = _rows_of(a.scored.execution, scope.scope_id)
    lines = _rows_of(a.data.budget, scope.scope_id)
    lines = lines[lines["line"] != TOTAL_LINE]
    first = s.row
    s.head("A", FORM["funds_department"] if whole else FORM["funds_project"])
    s.merge("B", "C", None, fill=_HEAD_FILL)
    for col, head in zip("DEFGHI", BUDGET_HEADINGS):
        s.head(col, head)
    s.head("J", REASON_HEADING)
    s.next()
    s.put("A", None)
    s.merge("B", "C", FORM["funds_total"])
    if len(ex):
        r = ex.iloc[0]
        weight = _num(r["weight"])
        s.put("D", _num(r.get("budget_original")), fmt=AMOUNT_FORMAT)
        s.put("E", _num(r["budget"]), fmt=AMOUNT_FORMAT)
        s.put("F", _num(r["executed"]), fmt=AMOUNT_FORMAT)
        s.put("G", weight if weight else formats.MISSING, fmt=SCORE_FORMAT, align=_CENTER)
        s.put("H", _rate_formula(s.row, r["budget"], r["executed"], r["execution_rate"]), fmt=RATE_FORMAT)
        s.put("I", _num(r["score"]) if weight else formats.MISSING, fmt=SCORE_FORMAT, align=_CENTER)
        if weight:
            s.scored("G", "I")
        s.put("J", _txt(r["reason"]))
    else:
        for col in "DEFGHIJ":
            s.put(col, None)
    s.next()
    for i, rec in enumerate(lines.itertuples(index=False)):
        s.put("A", None)
        s.merge("B", "C", f"{FORM['sub_row'] if i == 0 else ''}{rec.line}")
        s.put("D", _num(rec.budget_original), fmt=AMOUNT_FORMAT)
        s.put("E", _num(rec.budget), fmt=AMOUNT_FORMAT)
        s.put("F", _num(rec.executed), fmt=AMOUNT_FORMAT)
        for col in "GHI":
            s.put(col, formats.MISSING, align=_CENTER)
        s.put("J", f"{rec.line_type}")
        s.next()
    if s.row - 1 > first:
        s.ws.merge_cells(f"A{first}:A{s.row - 1}")


def _write_indicator_block(s: _Sheet, a: YearAnalysis, scope) -> None:
    ind = _rows_of(a.scored.indicators, scope.scope_id)
    first = s.row
    s.head("A", FORM["indicators"])
    for col, head in zip("BCDEFGHI", INDICATOR_HEADINGS):
        s.head(col, head)
    s.head("J", REASON_HEADING)
    s.next()
    for rec in ind.itertuples(index=False):
        name = str(rec.name)
        if _txt(getattr(rec, "parent_id", None)) is not None and not name.startswith(SUB_ROW_WORD):
            name = f"{FORM['sub_row']}{name}"  # sub-rows as the national form prints them
        s.put("A", None)
        s.put("B", _txt(rec.level1), text=True)
        s.put("C", _txt(rec.level2), text=True)
        s.put("D", name, text=True)
        s.put("E", _txt(rec.target), text=True)
        s.put("F", _txt(rec.actual), text=True)
        s.put("G", _num(rec.weight_used), fmt=SCORE_FORMAT)
        s.put("H", _num(rec.score), fmt=SCORE_FORMAT)
        s.scored("G", "H")
        s.put("I", _txt(rec.deviation_note), text=True)
        s.put("J", _txt(rec.reason), text=True)
        s.next()
    if not len(ind):
        s.put("A", None)
        s.merge("B", "J", messages.XLSX_NO_INDICATORS)
        s.next()
    s.ws.merge_cells(f"A{first}:A{s.row - 1}")


def _write_management_block(s: _Sheet, a: YearAnalysis, scope) -> None:
    """Write the management ratios of a whole-department score sheet, if the scope has any."""
    mg = _rows_of(a.scored.management, scope.scope_id)
    if not len(mg):
        return
    first = s.row
    s.head("A", _txt(mg["block"].iloc[0]) or FORM["management"])
    s.merge("B", "D", MANAGEMENT_HEADINGS[0], font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    for col, head in zip("EFGH", MANAGEMENT_HEADINGS[1:]):
        s.head(col, head)
    s.merge("I", "J", REASON_HEADING, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.next()
    for rec in mg.itertuples(index=False):
        s.put("A", None)
        s.merge("B", "D", _txt(rec.label))
        s.put("E", _num(rec.value), fmt=SCORE_FORMAT)
        s.put("F", _txt(rec.unit))
        s.put("G", _num(rec.points), fmt=SCORE_FORMAT)
        s.put("H", _num(rec.score), fmt=SCORE_FORMAT)
        s.scored("G", "H")
        s.merge("I", "J", _txt(rec.reason))
        s.next()
    s.ws.merge_cells(f"A{first}:A{s.row - 1}")


def _write_total(s: _Sheet, a: YearAnalysis, scope) -> None:
    """Write the 总分 row, the stated score beside it when the report gives one, and a blank row."""
    total = _rows_of(a.scored.by_scope, scope.scope_id)
    t = total.iloc[0] if len(total) else None
    s.merge("A", "F", FORM["total"], font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.put("G", None if t is None else _sum_formula(s, s.points_cells, t["weight"]), fmt=SCORE_FORMAT, font=_BOLD)
    s.put("H", None if t is None else _sum_formula(s, s.score_cells, t["score"]), fmt=SCORE_FORMAT, font=_BOLD)
    s.put("I", None if t is None else messages.XLSX_GRADE.format(grade=_txt(t["grade"]) or formats.MISSING),
          font=_BOLD)
    rule = a.scored.rules.get(scope.scope_id)
    s.put("J", None if rule is None else messages.XLSX_RULE.format(name=rule.name, title=rule.title)
          + (messages.XLSX_RULE_ILLUSTRATIVE if rule.illustrative else ""))
    s.next()
    if t is not None and t["status"] in ("range", "unscorable"):
        s.merge("A", "F", labels.XLSX_TOTAL_RANGE, font=_BOLD, align=_CENTER)
        s.put("G", None)
        s.put("H", formats.score_range(t["score_min"], t["score_max"], None, t["status"]), font=_BOLD, align=_CENTER)
        s.put("I", None)
        s.put("J", messages.XLSX_UNSCORABLE_NOTE if t["status"] == "unscorable" else messages.XLSX_RANGE_NOTE.format(
            low=formats.score(t["score_min"]), n=int(t["n_unscored"]), unscored=formats.score(t["weight_unscored"])))
        s.next()
    if t is not None and _num(t.get("stated_score")) is not None:
        s.merge("A", "F", labels.COLUMNS["stated_score"], align=_CENTER)
        s.put("G", None)
        s.put("H", _num(t["stated_score"]), fmt=SCORE_FORMAT)
        s.put("I", _txt(t.get("stated_grade")))
        s.put("J", messages.XLSX_STATED_NOTE)
        s.next()
    s.next()


def _rate_formula(row: int, budget, executed, rate):
    """Return ``=F{row}/E{row}`` when both amounts are there and the budget is positive, else the rate itself.

    The formula is what the form's heading says (执行率 = B/A), so it follows a
    corrected amount; perfkit's own rate is the same quotient (a test holds them equal).
    """
    if _num(budget) is not None and _num(executed) is not None and float(budget) > 0:
        return f"=F{row}/E{row}"
    return _num(rate)


def _sum_formula(s: _Sheet, cells: list[str], total):
    """Return ``=SUM(...)`` of ``cells`` when their values add up to ``total``, else ``total`` as a number.

    A rule set may total otherwise than by adding the rows (a block scaled to
    its weight): then the cells are not the total's parts and the value stays.
    """
    value = _num(total)
    parts = [s.ws[c].value for c in cells]
    numbers = [float(v) for v in parts if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if value is None or not numbers or abs(sum(numbers) - value) > 1e-6:
        return value
    return "=SUM(" + ",".join(_ranges(cells)) + ")"


def _ranges(cells: list[str]) -> list[str]:
    """Return ``cells`` (``["H9", "H10", "H11", "I7"]``) as ranges of consecutive rows of one column (``H9:H11``)."""
    out: list[list] = []
    for ref in cells:
        col, row = re.match(r"([A-Z]+)(\d+)$", ref).groups()
        if out and out[-1][0] == col and out[-1][2] == int(row) - 1:
            out[-1][2] = int(row)
        else:
            out.append([col, int(row), int(row)])
    return [f"{c}{a}" if a == b else f"{c}{a}:{c}{b}" for c, a, b in out]
