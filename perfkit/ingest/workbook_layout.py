"""Layout of the analysts' input workbook: sheets, columns, drop-down choices, cell styles.

One sheet per CSV file of the data format (``data/README.md``) plus 说明,
部门信息 and 假设记录.  Writing (:mod:`perfkit.ingest.workbook`) and reading
(:mod:`perfkit.ingest.workbook_import`) both go by these specs, so a column
added here appears in the template and is read back on import.  The border and
amount format are shared with the scored tables (:mod:`perfkit.outputs.xlsx`),
so both workbooks look alike.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Border, Font, PatternFill, Side

from perfkit.ingest.schema import AMOUNT_UNITS, LINE_TYPES, SCHEMAS, SCOPE_TYPES, STATED_KINDS
from perfkit.text import workbook as workbook_text
from perfkit.text.vocabulary import NO, YES

GUIDE_SHEET = workbook_text.GUIDE_SHEET
META_SHEET = workbook_text.META_SHEET
ASSUMPTIONS_SHEET = workbook_text.ASSUMPTIONS_SHEET
HEADER_ROWS = 2  # Chinese heading, then the data-format column name
DEFAULT_ROWS = 200
# Rule set pre-filled for a new department: the current national rules (see perfkit/rules/).
DEFAULT_RULE_SET = "cz2020"

# Recognised input, not output: the suggestions of drop-downs are values of the data format.
RECOGNISED_INPUT = ("LEVEL1_CHOICES", "LEVEL2_CHOICES", "FINANCE_ITEMS", "BUDGET_LINES", "GRADE_CHOICES", "GOV_LEVELS",
                    "YES_NO")
# Suggestions offered in drop-downs.  Where the data format allows other values
# ("…等"), the drop-down only warns, so an analyst can still type another one.
LEVEL1_CHOICES = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_CHOICES = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
                  "生态效益指标", "可持续影响指标", "服务对象满意度指标")
FINANCE_ITEMS = ("总收入", "本年收入", "总支出", "本年支出", "年初结转结余", "年末结转结余")
BUDGET_LINES = ("合计", "基本支出", "项目支出", "财政拨款", "其他资金")
GRADE_CHOICES = ("优", "良", "中", "差")
GOV_LEVELS = ("中央", "省级", "市级", "区县级")
YES_NO = {YES: True, NO: False}
# department.yaml fields that are true/false, written 是/否 in the workbook
BOOLEAN_META = ("synthetic", "incomplete")


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: data-format name, Chinese heading, width, how to check it."""

    key: str
    label: str
    width: float
    note: str = ""
    choices: tuple[str, ...] | str | None = None  # tuple, or "scopes"/"rule_sets" for dynamic lists
    strict: bool = False  # drop-down refuses other values (else only warns)


@dataclass(frozen=True)
class SheetSpec:
    """A table sheet: the CSV file it stands for, its name, columns and frozen cell."""

    file: str
    name: str
    columns: tuple[Column, ...]
    freeze: str = "C3"

    @property
    def schema(self) -> dict[str, tuple[str, bool]]:
        """Return the file's data-format schema: column -> (kind, required)."""
        return SCHEMAS[self.file]


def _column(file: str, key: str, width: float, fill: dict | None = None, **how) -> Column:
    """Return the column ``key`` of a sheet, its heading and note from :data:`perfkit.text.workbook.COLUMNS`."""
    label, note = workbook_text.COLUMNS[file][key]
    return Column(key, label, width, note.format(**fill) if fill else note, **how)


_SOURCE = _column("shared", "source", 28)
_ASSUMPTION = _column("shared", "assumption", 36)
_YEAR = _column("shared", "year", 8)
_SCOPE = _column("shared", "scope_id", 16, choices="scopes")
_UNIT = _column("shared", "unit", 8, choices=tuple(AMOUNT_UNITS), strict=True)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("scopes.csv", workbook_text.SHEET_NAMES["scopes.csv"], (
        _YEAR,
        _column("scopes.csv", "scope_id", 16),
        _column("scopes.csv", "scope_type", 12, choices=SCOPE_TYPES, strict=True),
        _column("scopes.csv", "name", 30),
        _column("scopes.csv", "parent_scope_id", 16, choices="scopes"),
        _column("scopes.csv", "rule_set", 14, choices="rule_sets"),
        _column("scopes.csv", "stated_score", 10),
        _column("scopes.csv", "stated_grade", 10, choices=GRADE_CHOICES),
        _SOURCE, _ASSUMPTION,
        _column("scopes.csv", "incomplete", 10))),
    SheetSpec("budget.csv", workbook_text.SHEET_NAMES["budget.csv"], (
        _YEAR, _SCOPE,
        _column("budget.csv", "line", 14, choices=BUDGET_LINES),
        _column("budget.csv", "line_type", 12, fill={"types": " / ".join(LINE_TYPES)}, choices=LINE_TYPES,
                strict=True),
        _column("budget.csv", "budget_original", 16),
        _column("budget.csv", "budget", 16),
        _column("budget.csv", "executed", 16),
        _UNIT, _SOURCE, _ASSUMPTION,
        _column("budget.csv", "weight", 8),
        _column("budget.csv", "rate_printed", 10),
        _column("budget.csv", "stated_score", 10)), freeze="D3"),
    SheetSpec("finance.csv", workbook_text.SHEET_NAMES["finance.csv"], (
        _YEAR,
        _column("finance.csv", "item", 16, choices=FINANCE_ITEMS),
        _column("finance.csv", "amount", 16),
        _UNIT, _SOURCE, _ASSUMPTION)),
    SheetSpec("indicators.csv", workbook_text.SHEET_NAMES["indicators.csv"], (
        _YEAR, _SCOPE,
        _column("indicators.csv", "indicator_id", 10),
        _column("indicators.csv", "parent_id", 10),
        _column("indicators.csv", "level1", 12, choices=LEVEL1_CHOICES),
        _column("indicators.csv", "level2", 16, choices=LEVEL2_CHOICES),
        _column("indicators.csv", "name", 28),
        _column("indicators.csv", "target", 14),
        _column("indicators.csv", "actual", 14),
        _column("indicators.csv", "weight", 8),
        _column("indicators.csv", "deviation_note", 40),
        _column("indicators.csv", "stated_score", 10),
        _column("indicators.csv", "prior_actual", 14),
        _SOURCE, _ASSUMPTION,
        _column("indicators.csv", "nature", 8),
        _column("indicators.csv", "measure_unit", 8)), freeze="H3"),
    SheetSpec("stated.csv", workbook_text.SHEET_NAMES["stated.csv"], (
        _YEAR,
        _column("stated.csv", "figure_id", 18),
        _column("stated.csv", "scope_id", 16, choices="scopes"),
        _column("stated.csv", "label", 24),
        _column("stated.csv", "kind", 10, choices=STATED_KINDS, strict=True),
        _column("stated.csv", "stated_text", 14),
        _column("stated.csv", "value", 12),
        _column("stated.csv", "unit", 8),
        _column("stated.csv", "expr", 36),
        _column("stated.csv", "sentence", 40),
        _SOURCE, _ASSUMPTION)),
    SheetSpec("progress.csv", workbook_text.SHEET_NAMES["progress.csv"], (
        _YEAR, _SCOPE,
        _column("progress.csv", "month", 8),
        _column("progress.csv", "executed_cumulative", 16),
        _UNIT, _SOURCE, _ASSUMPTION)),
)
SHEET_BY_FILE = {s.file: s for s in SHEETS}

# 部门信息: (field, label, note); functions take one row each.
META_FIELDS = workbook_text.META_FIELDS
FUNCTIONS_FIELD = workbook_text.FUNCTIONS_FIELD
N_FUNCTION_ROWS = 12  # blank 部门职能 rows offered by the template

HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_FILL = PatternFill("solid", fgColor="C0504D")
OPTIONAL_FILL = PatternFill("solid", fgColor="4F81BD")
KEY_FONT = Font(italic=True, color="808080", size=9)
KEY_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TEXT_FORMAT = "@"
AMOUNT_FORMAT = "#,##0.00##"


def is_required(spec: SheetSpec, key: str) -> bool:
    """Return True when the data format requires column ``key`` of the sheet's file."""
    return spec.schema.get(key, ("str", False))[1]


def column_kind(spec: SheetSpec, key: str) -> str:
    """Return the data-format kind of column ``key`` (str, amount, year, …); str for extra columns."""
    return spec.schema.get(key, ("str", False))[0]


def set_text(cell, value) -> None:
    """Store ``value`` as text, even when it starts with ``=`` (targets like ``=100%``)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    cell.number_format = TEXT_FORMAT
