"""Excel in and out: the analysts' template, importing it, exporting a department, scored tables.

Analysts fill these forms in Excel, not in CSV.  The workbook carries exactly
the data format of ``data/README.md``: one sheet per CSV file plus a 部门信息
sheet for ``department.yaml``.  Each table sheet has two header rows, the
Chinese heading analysts know (row 1) and the data-format column name (row 2),
so a renamed heading never breaks an import.

Importing never re-implements validation: the sheets are written as CSV into a
temporary department directory, :func:`perfkit.ingest.department.validate` runs on it, and
each problem's file and row are mapped back to the sheet, row and column the
analyst sees.  Nothing reaches ``out_dir`` unless validation passes.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from perfkit.ingest import department as pdata
from perfkit.outputs.reproducible import normalize_office_file
from perfkit.errors import DataError, Problem

# --------------------------------------------------------------------------- layout

GUIDE_SHEET = "说明"
META_SHEET = "部门信息"
ASSUMPTIONS_SHEET = "假设记录"
HEADER_ROWS = 2  # Chinese heading, then the data-format column name
DEFAULT_ROWS = 200
# Rule set pre-filled for a new department: the current national rules (see perfkit/rules/).
DEFAULT_RULE_SET = "cz2020"

# Suggestions offered in drop-downs.  Where the data format allows other values
# ("…等"), the drop-down only warns, so an analyst can still type another one.
LEVEL1_CHOICES = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_CHOICES = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
                  "生态效益指标", "可持续影响指标", "服务对象满意度指标")
FINANCE_ITEMS = ("总收入", "本年收入", "总支出", "本年支出", "年初结转结余", "年末结转结余")
BUDGET_LINES = ("合计", "基本支出", "项目支出", "财政拨款", "其他资金")
GRADE_CHOICES = ("优", "良", "中", "差")
GOV_LEVELS = ("中央", "省级", "市级", "区县级")
YES_NO = {"是": True, "否": False}


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
        return pdata.SCHEMAS[self.file]


_SOURCE = Column("source", "来源", 28, "本行数字出自来源的哪一节，如 seed:一(四)部门整体收支情况（必填）")
_ASSUMPTION = Column("assumption", "假设说明", 36, "本行若有任何数值不是来源原文给出的，写明假设及理由；否则留空")
_YEAR = Column("year", "年度", 8, "年度，须在「部门信息」的年度中声明（必填）")
_SCOPE = Column("scope_id", "范围代码", 16, "评价范围代码，须在「评价范围」表中存在；部门整体为 whole（必填）",
                choices="scopes")
_UNIT = Column("unit", "单位", 8, "金额单位：万元 或 元；同一张表不得混用（必填）", choices=tuple(pdata.AMOUNT_UNITS),
               strict=True)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("scopes.csv", "评价范围", (
        _YEAR,
        Column("scope_id", "范围代码", 16, "范围代码，年度内唯一；部门整体固定为 whole（必填）"),
        Column("scope_type", "范围类型", 12, "部门整体 / 一级项目 / 二级项目 / 专项资金（必填）",
               choices=pdata.SCOPE_TYPES, strict=True),
        Column("name", "名称", 30, "项目或资金名称（必填）"),
        Column("parent_scope_id", "上级范围代码", 16, "二级项目填所属一级项目的范围代码，可空", choices="scopes"),
        Column("rule_set", "规则集", 14, "覆盖部门规则集时填写，可空", choices="rule_sets"),
        Column("stated_score", "陈述得分", 10, "报告陈述的自评得分，可空"),
        Column("stated_grade", "陈述等级", 10, "报告陈述的等级（优/良/中/差），可空", choices=GRADE_CHOICES),
        _SOURCE, _ASSUMPTION)),
    SheetSpec("budget.csv", "预算执行", (
        _YEAR, _SCOPE,
        Column("line", "预算行", 14, "合计 为该范围总数；其余为细分（基本支出、项目支出、财政拨款…）（必填）",
               choices=BUDGET_LINES),
        Column("line_type", "预算行类型", 12, " / ".join(pdata.LINE_TYPES) + "（必填；统计项如三公经费、政府采购不参与加总）",
               choices=pdata.LINE_TYPES, strict=True),
        Column("budget_original", "年初预算数", 16, "年初预算数，≥0，可空"),
        Column("budget", "全年预算数", 16, "全年预算数（调整后），≥0，可空"),
        Column("executed", "全年执行数", 16, "全年执行数，≥0，可空"),
        _UNIT, _SOURCE, _ASSUMPTION), freeze="D3"),
    SheetSpec("finance.csv", "收支总额", (
        _YEAR,
        Column("item", "项目", 16, "总收入 / 本年收入 / 总支出 / 本年支出 / 年初结转结余 / 年末结转结余 / 其他（必填）",
               choices=FINANCE_ITEMS),
        Column("amount", "金额", 16, "金额，≥0（必填）"),
        _UNIT, _SOURCE, _ASSUMPTION)),
    SheetSpec("indicators.csv", "绩效指标", (
        _YEAR, _SCOPE,
        Column("indicator_id", "指标代码", 10, "指标代码，部门同一年度内唯一（必填）"),
        Column("parent_id", "父指标代码", 10, "「其中…」子行填父指标的指标代码，可空"),
        Column("level1", "一级指标", 12, "产出指标 / 效益指标 / 满意度指标 / 成本指标 等（必填）", choices=LEVEL1_CHOICES),
        Column("level2", "二级指标", 16, "数量指标 / 质量指标 / 时效指标 / 社会效益指标 … （必填）", choices=LEVEL2_CHOICES),
        Column("name", "三级指标", 28, "指标名称（必填）"),
        Column("target", "年度指标值", 14, "照原文填写，如 ≥95%、=100%、263、同比下降、提升"),
        Column("actual", "实际完成值", 14, "照原文填写，可空"),
        Column("weight", "分值", 8, "分值（权重），可空：空则由规则集分配"),
        Column("deviation_note", "偏差原因分析及改进措施", 40, "未完成或超额完成的原因及改进措施"),
        Column("stated_score", "陈述得分", 10, "报告陈述的得分，可空"),
        Column("prior_actual", "上年实际值", 14, "上年实际完成值，照原文，可空"),
        _SOURCE, _ASSUMPTION), freeze="H3"),
    SheetSpec("stated.csv", "陈述数字", (
        _YEAR,
        Column("figure_id", "数字代码", 18, "数字代码，部门同一年度内唯一（必填）"),
        Column("scope_id", "范围代码", 16, "所属范围，可空", choices="scopes"),
        Column("label", "名称", 24, "中文名称，如 预算完成率（必填）"),
        Column("kind", "类别", 10, "比率 / 百分比 / 同比 / 合计 / 金额 / 计数 / 得分 / 等级（必填）",
               choices=pdata.STATED_KINDS, strict=True),
        Column("stated_text", "原文写法", 14, "报告原文写法，如 99.3%、96.67分、优；小数位数由此确定（必填）"),
        Column("value", "数值", 12, "数值（按单位），等级类留空"),
        Column("unit", "单位", 8, "% / 万元 / 个 / 分 / 百分点 …"),
        Column("expr", "复算公式", 36, "如 executed('whole') / budget('whole') * 100，可空（见 data/README.md）"),
        Column("sentence", "原句", 40, "该数字所在的原句"),
        _SOURCE, _ASSUMPTION)),
    SheetSpec("progress.csv", "执行进度", (
        _YEAR, _SCOPE,
        Column("month", "月份", 8, "月末，1–12（必填）"),
        Column("executed_cumulative", "累计执行数", 16, "截至该月末累计执行数，≥0（必填）"),
        _UNIT, _SOURCE, _ASSUMPTION)),
)
SHEET_BY_FILE = {s.file: s for s in SHEETS}

# 部门信息: (field, label, note); functions take one row each.
META_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("code", "部门代码", "小写字母、数字、- 和 _，也是数据目录名（必填）"),
    ("name", "部门名称", "（必填）"),
    ("region", "所属地区", ""),
    ("level", "层级", "中央 / 省级 / 市级 / 区县级"),
    ("years", "年度", "本工作簿含有数据的年度，多个用顿号或逗号分隔，如 2022、2023（必填）"),
    ("rule_set", "指标评分规则集", "内置规则集名称（如 cz2020）或相对数据目录的 YAML 路径（必填）"),
    ("dept_sheet", "部门整体评分表", "同上，可空"),
    ("synthetic", "示例数据", "是：虚构的示例数据；否：真实数据"),
    ("source", "数据来源", "数据来源说明"),
    ("notes", "备注", "可空"),
)
FUNCTIONS_FIELD = ("functions", "部门职能", "每行一条；不够可插入行（字段列填 functions）")
N_FUNCTION_ROWS = 12  # blank 部门职能 rows offered by the template

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="C0504D")
_OPTIONAL_FILL = PatternFill("solid", fgColor="4F81BD")
_KEY_FONT = Font(italic=True, color="808080", size=9)
_KEY_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TEXT_FORMAT = "@"
_AMOUNT_FORMAT = "#,##0.00##"


def _is_required(spec: SheetSpec, key: str) -> bool:
    return spec.schema.get(key, ("str", False))[1]


def _kind(spec: SheetSpec, key: str) -> str:
    return spec.schema.get(key, ("str", False))[0]


# --------------------------------------------------------------------------- writing


def write_template(path: str | Path, department_meta: dict | None = None, year: int | None = None,
                   rows: int = DEFAULT_ROWS, carry_from: "pdata.Department | None" = None) -> Path:
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
    finance = pd.DataFrame({"year": year, "item": list(FINANCE_ITEMS[:4]), "unit": "万元"})
    if not prev_years:
        name = meta.get("name")
        return {
            "scopes.csv": pd.DataFrame([{"year": year, "scope_id": pdata.WHOLE_SCOPE, "scope_type": "部门整体",
                                         "name": f"{name}部门整体支出" if name else None}]),
            "budget.csv": pd.DataFrame([{"year": year, "scope_id": pdata.WHOLE_SCOPE, "line": pdata.TOTAL_LINE,
                                         "line_type": pdata.TOTAL_LINE, "unit": "万元"}]),
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


def export_workbook(dept: "pdata.Department", path: str | Path, years: list[int] | None = None,
                    rows: int = 50) -> Path:
    """Return the path of a workbook holding ``dept``'s data (all years, or ``years``) in the template.

    Amounts are written in each row's own unit (元 rows back in 元), so
    importing the workbook again reproduces the department's files.
    """
    years = sorted(int(y) for y in (years if years is not None else dept.years))
    for y in years:
        dept.for_year(y)  # raises the usual DataError for an undeclared year
    meta = dict(dept.meta)
    meta["years"] = years
    tables = {}
    for spec in SHEETS:
        df = getattr(dept, pdata.TABLE_ATTRS[spec.file])
        df = df[df["year"].isin(years)].drop(columns=["src_row"], errors="ignore").copy()
        amount_cols = [c for c, (k, _) in spec.schema.items() if k == "amount"]
        if amount_cols and "unit" in df.columns:
            # back to the unit the analyst typed; 6 decimals undo the float error of ×1e-4
            factor = df["unit"].map(pdata.AMOUNT_UNITS).astype("float64").fillna(1.0)
            for col in amount_cols:
                df[col] = (df[col] / factor).round(6)
        tables[spec.file] = df
    assumptions_file = Path(dept.path) / "ASSUMPTIONS.md"
    assumptions = assumptions_file.read_text(encoding="utf-8") if assumptions_file.is_file() else ""
    _write_workbook(Path(path), meta, tables, rows, assumptions)
    return Path(path)


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
    ws["A1"] = "假设记录（ASSUMPTIONS.md）：每个不是来自来源的数值及理由。每行一行文字，导入时原样写回 ASSUMPTIONS.md。"
    ws["A1"].font = _KEY_FONT
    for i, line in enumerate(assumptions.splitlines(), start=2):
        _set_text(ws.cell(i, 1), line)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    normalize_office_file(path)


def _set_text(cell, value) -> None:
    """Store ``value`` as text, even when it starts with ``=`` (targets like ``=100%``)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    cell.number_format = _TEXT_FORMAT


def _write_guide(ws, meta: dict) -> None:
    lines = [
        ("预算绩效自评数据填报模板", Font(bold=True, size=14)),
        (f"部门：{meta.get('name') or '（未填）'}；年度：{'、'.join(map(str, meta.get('years') or [])) or '（未填）'}", None),
        ("", None),
        ("怎么填", Font(bold=True)),
        ("1. 「部门信息」：填写部门代码、名称、年度、规则集、部门职能（每行一条）等。", None),
        ("2. 「评价范围」：部门整体一行（范围代码 whole），每个项目或专项资金一行。", None),
        ("3. 「预算执行」：每个范围每年至少一行「合计」，填年初预算数、全年预算数、全年执行数和单位（万元或元）。", None),
        ("4. 「收支总额」：总收入、本年收入、总支出、本年支出等。", None),
        ("5. 「绩效指标」：一级/二级/三级指标、年度指标值、实际完成值、分值、偏差原因分析及改进措施。", None),
        ("6. 「陈述数字」：报告中陈述、可以复算的数字及原句（可选）。「执行进度」：分月累计执行数（可选）。", None),
        ("7. 「假设记录」：凡不是来源原文给出的数值，写明假设及理由（同时填在该行的「假设说明」列）。", None),
        ("", None),
        ("规则", Font(bold=True)),
        ("• 第 1 行是中文表头，第 2 行灰色小字是数据格式的列名（data/README.md），请勿修改第 2 行；数据从第 3 行起。", None),
        ("• 红色表头为必填列，蓝色表头为选填列。把鼠标停在表头上可看到该列的说明。", None),
        ("• 空单元格表示“未知/不适用”，不是 0；不知道的数不要填 0。", None),
        ("• 年度指标值、实际完成值请照报告原文填写（如 ≥95%、=100%、同比下降），这些列已设为文本格式。", None),
        ("• 金额单位只能是「万元」或「元」，同一张表不要混用。", None),
        ("• 「来源」列必填：写明数字出自来源的哪一节。", None),
        ("• 带下拉箭头的单元格可从列表中选择；单位、范围类型、预算行类型、陈述数字类别只接受列表中的值，其余列表只作提示。", None),
        ("", None),
        ("导入", Font(bold=True)),
        ("填好后运行：perfkit import 本文件.xlsx --data data", None),
        ("导入前会按数据格式逐格校验；有错误时列出工作表、行、列和期望的值，并且不会写入任何文件。", None),
    ]
    ws.column_dimensions["A"].width = 110
    for i, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(i, 1, text)
        if font is not None:
            cell.font = font
    if meta.get("synthetic"):
        ws.cell(len(lines) + 2, 1, "示例数据：本工作簿中的数据是虚构的，仅供演示。").font = Font(bold=True, color="C00000")


def _meta_cell_value(key: str, value):
    if value is None:
        return None
    if key == "years":
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if key == "synthetic":
        return "是" if value is True else "否" if value is False else str(value)
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
    return value


def _write_meta_sheet(ws, meta: dict) -> None:
    for col, (label, width) in enumerate((("项目", 16), ("字段", 14), ("值", 70), ("填写说明", 50)), start=1):
        cell = ws.cell(1, col, label)
        cell.font, cell.fill = _HEADER_FONT, _OPTIONAL_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    row = 2
    known = {k for k, _, _ in META_FIELDS} | {FUNCTIONS_FIELD[0]}
    validations = []
    for key, label, note in META_FIELDS:
        ws.cell(row, 1, label).font = Font(bold=key in pdata.META_REQUIRED)
        ws.cell(row, 2, key).font = _KEY_FONT
        _set_text(ws.cell(row, 3), _meta_cell_value(key, meta.get(key)))
        ws.cell(row, 4, note).font = _KEY_FONT
        if key == "level":
            validations.append((GOV_LEVELS, False, f"C{row}"))
        elif key == "synthetic":
            validations.append((tuple(YES_NO), True, f"C{row}"))
        elif key in ("rule_set", "dept_sheet"):
            validations.append((tuple(pdata.builtin_rule_sets()), False, f"C{row}"))
        row += 1
    for key in meta:
        if key not in known:
            # fields perfkit does not know are kept, so an import loses nothing
            ws.cell(row, 1, key)
            ws.cell(row, 2, key).font = _KEY_FONT
            _set_text(ws.cell(row, 3), _meta_cell_value(key, meta[key]))
            row += 1
    functions = list(meta.get("functions") or [])
    key, label, note = FUNCTIONS_FIELD
    for i in range(max(len(functions), N_FUNCTION_ROWS)):
        ws.cell(row, 1, f"{label}{i + 1}")
        ws.cell(row, 2, key).font = _KEY_FONT
        _set_text(ws.cell(row, 3), functions[i] if i < len(functions) else None)
        ws.cell(row, 3).alignment = Alignment(wrap_text=True)
        if i == 0:
            ws.cell(row, 4, note).font = _KEY_FONT
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
                        error="请从下拉列表中选择" if strict else "不在常用值列表中；确认无误可继续",
                        errorTitle="输入值")
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
        head.font = _HEADER_FONT
        head.fill = _REQUIRED_FILL if _is_required(spec, col.key) else _OPTIONAL_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = _BORDER
        if col.note:
            head.comment = Comment(col.note, "perfkit", width=260, height=80)
        key = ws.cell(2, j, col.key)
        key.font, key.fill, key.border = _KEY_FONT, _KEY_FILL, _BORDER
        ws.column_dimensions[letter].width = col.width
        kind = _kind(spec, col.key)
        ref = f"{letter}{HEADER_ROWS + 1}:{letter}{last_row}"
        if col.choices == "scopes":
            formula = f"'{scope_sheet}'!$B${HEADER_ROWS + 1}:$B${last_row}"
            _add_list_validation(ws, formula, False, ref)
        elif col.choices == "rule_sets":
            _add_list_validation(ws, _list_formula(pdata.builtin_rule_sets()), False, ref)
        elif col.choices:
            _add_list_validation(ws, _list_formula(col.choices), col.strict, ref)
        elif kind in ("year", "month"):
            lo, hi = (1990, 2100) if kind == "year" else (1, 12)
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi),
                                allow_blank=True, error=f"应为 {lo}–{hi} 的整数", errorTitle="输入值")
            ws.add_data_validation(dv)
            dv.add(ref)
        elif kind in ("amount",):
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                error="金额应为不小于 0 的数字", errorTitle="输入值")
            ws.add_data_validation(dv)
            dv.add(ref)
        # text columns keep what is typed (=100%, 263) as text; number columns get a number format
        fmt = _TEXT_FORMAT if kind in ("str", "unit") else _AMOUNT_FORMAT if kind == "amount" else "General"
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
            kind = _kind(spec, col.key)
            cell = ws.cell(i, j)
            if kind in ("str", "unit"):
                _set_text(cell, str(value))
            elif kind in ("year", "month", "int"):
                cell.value = int(value)
            else:
                cell.value = float(value)


# --------------------------------------------------------------------------- reading


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
            return "", f"公式「{fcell.value}」没有计算结果：请在 Excel 中打开并保存后再导入，或改填数值"
        return "", None
    if isinstance(value, bool):
        return ("是" if value else "否"), None
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
            problems.append(Problem(where, 1, f"{l1 or key}（{letter}列）", key,
                                    f"列重复（与{get_column_letter(col_of[key])}列相同）"))
            continue
        col_of[key] = j
        label = next((c.label for c in spec.columns if c.key == key), l1 or key)
        shown[key] = f"{label}（{letter}列）"
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
            shown[key] = f"{label}（缺）"
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
            problems.append(Problem(where, r, "值（C列）", None, issue))
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
        elif key == "synthetic":
            if text in YES_NO or text.lower() in ("true", "false"):
                meta[key] = YES_NO.get(text, text.lower() == "true")
            else:
                problems.append(Problem(where, r, "示例数据", text, "应为「是」或「否」"))
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
        return f"{self.path} 工作表「{sheet}」"


def read_workbook(xlsx_path: str | Path) -> WorkbookContents:
    """Return a workbook's contents as data-format text tables, before validation."""
    xlsx_path = Path(xlsx_path)
    if not xlsx_path.is_file():
        raise DataError(Problem(str(xlsx_path), None, None, None, "工作簿不存在"))
    try:
        wbf = load_workbook(xlsx_path, data_only=False)
        # formulas need a second pass for their cached values; most filled forms have none
        has_formulas = any(c.data_type == "f" for ws in wbf.worksheets for row in ws.iter_rows() for c in row)
        wb = load_workbook(xlsx_path, data_only=True) if has_formulas else wbf
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for non-xlsx files
        raise DataError(Problem(str(xlsx_path), None, None, None,
                                f"无法读取工作簿（{type(exc).__name__}）：应为 Excel .xlsx 文件")) from None
    out = WorkbookContents(xlsx_path, {}, {}, "", [], {}, {}, {}, {})
    if META_SHEET in wb.sheetnames:
        out.meta, out.meta_rows, out.meta_raw = _read_meta_sheet(wb[META_SHEET], wbf[META_SHEET],
                                                                 out.where(META_SHEET), out.problems)
    else:
        out.problems.append(Problem(str(xlsx_path), None, None, None, f"缺少工作表「{META_SHEET}」"))
    for spec in SHEETS:
        if spec.name not in wb.sheetnames:
            if spec.file in pdata.REQUIRED_FILES:
                out.problems.append(Problem(str(xlsx_path), None, None, None, f"缺少工作表「{spec.name}」"))
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


def _yaml_text(meta: dict, xlsx_path: Path) -> str:
    class _Dumper(yaml.SafeDumper):
        pass

    def _list(dumper, value):
        # years read best on one line, as people write them: [2022, 2023]
        flow = all(isinstance(v, (int, float)) for v in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)

    _Dumper.add_representer(list, _list)
    body = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return f"# 由 perfkit 从工作簿 {xlsx_path.name} 导入；修改请改工作簿后重新导入，或直接编辑本文件。\n{body}"


_ROW_REF = re.compile(r"(?:(\w+\.csv) ?)?第 ?([\d、]+) ?行")


def _map_problem(p: Problem, tmp_dept: Path, book: WorkbookContents) -> Problem:
    """Return ``p`` renamed from the temporary CSV files to the workbook's sheets, rows and columns."""
    fname = Path(p.file).name
    sheet_of = {f: where for f, (where, _) in book.shown.items()}

    def locate(file: str, row: int) -> _Origin | None:
        rows = book.sources.get(file) or []
        return rows[row - 2] if 2 <= row < len(rows) + 2 else None

    def fix_text(text: str) -> str:
        def rows_ref(m: re.Match) -> str:
            found = [locate(m.group(1) or fname, int(n)) for n in m.group(2).split("、")]
            if any(o is None for o in found):
                return m.group(0)
            files = {o.file for o in found}
            # a reference into another sheet names it; one into the same sheet only its rows
            prefix = _sheet_only(files.pop()) if m.group(1) and len(files) == 1 else ""
            return f"{prefix}第 {'、'.join(str(o.row) for o in found)} 行"
        text = _ROW_REF.sub(rows_ref, text)
        for f, where in sheet_of.items():
            text = text.replace(f, f"工作表{_sheet_only(where)}")
        text = text.replace("department.yaml 的 years", f"「{META_SHEET}」的年度")
        return text.replace("department.yaml", f"工作表「{META_SHEET}」")

    if Path(p.file).parent != tmp_dept:
        return replace(p, expected=fix_text(p.expected))
    if fname == "department.yaml":
        labels = {k: lab for k, lab, _ in META_FIELDS + (FUNCTIONS_FIELD,)}
        value = book.meta_raw.get(p.column, p.value) if p.column else p.value
        return Problem(book.where(META_SHEET), book.meta_rows.get(p.column) if p.column else None,
                       labels.get(p.column or "", p.column), value, fix_text(p.expected))
    where, shown = book.shown.get(fname, (str(p.file), {}))
    origin = locate(fname, p.row) if p.row is not None and p.row >= 2 else None
    file, row, shown = (origin.file, origin.row, origin.columns) if origin else (where, p.row, shown)
    columns = "、".join(shown.get(c, c) for c in p.column.split(",")) if p.column else None
    expected = p.expected
    if expected.startswith("缺少必需的列") and fname in SHEET_BY_FILE:
        expected = (f"缺少必需的列（第 2 行应有列名「{p.column}」）；表头应包含："
                    + "、".join(c.label for c in SHEET_BY_FILE[fname].columns))
    elif expected.startswith("只有表头"):
        expected = "没有数据行（数据从第 3 行起）"
    return Problem(file, row, columns, p.value, fix_text(expected))


def _sheet_only(where: str) -> str:
    m = re.search(r"工作表(「[^」]*」)", where)
    return m.group(1) if m else where


def _read_existing(dept_dir: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Return an existing department's yaml fields and CSV tables as text (for merging years)."""
    meta = yaml.safe_load(pdata.read_text(dept_dir / "department.yaml")[0]) or {}
    tables = {}
    for fname in pdata.SCHEMAS:
        f = dept_dir / fname
        if f.is_file():
            text = pdata.read_text(f)[0]
            if text.strip():
                tables[fname] = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return meta, tables


def import_workbook(xlsx_path: str | Path, out_dir: str | Path, on_existing: str = "error") -> Path:
    """Return the department directory written from a filled workbook (``out_dir/<code>/``).

    The workbook is validated exactly like the CSV files (:func:`perfkit.ingest.department.validate`);
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
        raise ValueError(f"on_existing 应为 error/merge/replace：{on_existing!r}")
    xlsx_path, out_dir = Path(xlsx_path), Path(out_dir)
    book = read_workbook(xlsx_path)
    problems = list(book.problems)
    code = str(book.meta.get("code") or "")
    valid_code = bool(pdata.CODE_RE.match(code))
    target = out_dir / code if valid_code else None
    meta, tables, assumptions = book.meta, book.tables, book.assumptions
    if target is not None and (target / "department.yaml").is_file():
        if on_existing == "error":
            problems.append(Problem(str(target), None, None, None,
                                    "部门目录已存在；要以本工作簿的年度替换这些年度的数据请用合并（--merge），"
                                    "要整体替换请用 --replace"))
        elif on_existing == "merge":
            meta, tables = _merge_existing(target, book, problems)
            if not assumptions and (target / "ASSUMPTIONS.md").is_file():
                assumptions = (target / "ASSUMPTIONS.md").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="perfkit-import-") as tmp:
        tmp_dept = Path(tmp) / (code if valid_code else "_")
        tmp_dept.mkdir()
        (tmp_dept / "department.yaml").write_text(_yaml_text(meta, xlsx_path), encoding="utf-8")
        for fname, df in tables.items():
            if df.empty and fname not in pdata.REQUIRED_FILES:
                continue  # an optional sheet left blank means the file is absent, not empty
            (tmp_dept / fname).write_text(_csv_text(df), encoding="utf-8")
        if assumptions:
            (tmp_dept / "ASSUMPTIONS.md").write_text(assumptions, encoding="utf-8")
        _copy_rule_files(meta, target, tmp_dept)
        _, found, _ = pdata.validate(tmp_dept)
        for p in found:
            if p.column == "code" and "与目录名一致" in p.expected and not valid_code:
                continue  # the invalid code itself is reported; the temporary directory name is ours
            problems.append(_map_problem(p, tmp_dept, book))
        if problems:
            raise DataError(problems)
        assert target is not None
        _install(tmp_dept, target, replace=on_existing in ("merge", "replace"))
    return target


def _merge_existing(target: Path, book: WorkbookContents, problems: list[Problem]):
    """Return meta and tables with the target's other years kept; ``book.sources`` gains their rows."""
    try:
        old_meta, old_tables = _read_existing(target)
    except (DataError, yaml.YAMLError, pd.errors.ParserError) as exc:
        problems.append(Problem(str(target), None, None, None, f"现有数据无法读取，不能合并：{exc}"))
        return book.meta, book.tables
    meta = dict(old_meta)
    meta.update({k: v for k, v in book.meta.items() if v not in (None, "", [])})
    years = [y for y in (old_meta.get("years") or []) + (book.meta.get("years") or []) if isinstance(y, int)]
    bad = [y for y in book.meta.get("years") or [] if not isinstance(y, int)]
    meta["years"] = sorted(set(years)) + bad
    new_years = {str(y) for y in book.meta.get("years") or []}
    tables = {}
    for fname in pdata.SCHEMAS:
        old, new = old_tables.get(fname), book.tables.get(fname)
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
        src = pdata.rule_file(str(ref), target)
        if src.is_file() and not Path(str(ref)).is_absolute() and src.parent != pdata.BUILTIN_RULES_DIR:
            dst = tmp_dept / str(ref)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _install(tmp_dept: Path, target: Path, replace: bool) -> None:
    """Copy the validated files into place; stale data files of a replaced department are removed."""
    target.mkdir(parents=True, exist_ok=True)
    managed = {"department.yaml", "ASSUMPTIONS.md", *pdata.SCHEMAS}
    written = {p.name for p in tmp_dept.iterdir() if p.is_file() and p.name in managed}
    if replace:
        for name in managed - written - {"ASSUMPTIONS.md"}:
            (target / name).unlink(missing_ok=True)
    for name in written:
        shutil.copyfile(tmp_dept / name, target / name)


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
        if code in pdata.find_departments(data_dir):
            carry = pdata.load(code, data_dir=data_dir)
            meta = dict(carry.meta)
            if year is not None and int(year) in carry.years:
                print(f"提示：{code} 已有 {year} 年的数据；要修改已有数据请用 perfkit export 导出后编辑", file=sys.stderr)
        else:
            meta = {"code": code}
    out = write_template(args.output, meta, year=year, rows=int(getattr(args, "rows", None) or DEFAULT_ROWS),
                         carry_from=carry if year is not None else None)
    what = "、".join(x for x in (meta.get("name") or code or "", f"{year} 年" if year else "") if x)
    print(f"已生成填报模板：{out}" + (f"（{what}）" if what else ""))
    if carry is not None and year is not None and any(y < int(year) for y in carry.years):
        print(f"已沿用 {max(y for y in carry.years if y < int(year))} 年的评价范围、预算行和指标（上年完成值填入「上年实际值」）")
    print(f"填好后运行：perfkit import {out} --data {data_dir}")
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
        print(f"✗ {args.workbook}：{len(err.problems)} 个问题，未写入任何文件", file=sys.stderr)
        for p in err.problems:
            print(f"    - {p}", file=sys.stderr)
        return 1
    dept = pdata.load(target)
    print(f"✓ 已导入 {dept.name}（{dept.code}）到 {target}，年度 {'、'.join(map(str, dept.years))}")
    return 0


def cmd_export(args) -> int:
    """Return 0 after exporting a department to a workbook (``perfkit export``).

    ``args``: ``dept`` (code), ``output`` (.xlsx path), ``year`` (optional, int or list),
    ``data`` (data directory).
    """
    code = args.dept[0] if isinstance(args.dept, list) else args.dept
    dept = pdata.load(code, data_dir=getattr(args, "data", None) or "data")
    year = getattr(args, "year", None)
    years = None if year is None else [int(y) for y in (year if isinstance(year, list) else [year])]
    out = export_workbook(dept, args.output, years=years)
    print(f"已导出 {dept.name}（{dept.code}）{'、'.join(map(str, years or dept.years))} 年的数据：{out}")
    return 0


# --------------------------------------------------------------------------- scored tables

PROJECT_TABLE = "项目支出绩效自评表"
WHOLE_TABLE = "部门整体支出绩效自评表"
SUMMARY_SHEET = "得分汇总"
# Columns of the national template (domain.md §7), plus perfkit's scoring reason at the right.
SCORED_WIDTHS = {"A": 12, "B": 12, "C": 14, "D": 28, "E": 14, "F": 14, "G": 9, "H": 11, "I": 36, "J": 56}
BUDGET_HEADINGS = ("年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分")
INDICATOR_HEADINGS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                      "偏差原因分析及改进措施")
REASON_HEADING = "评分依据（perfkit 计算）"
MANAGEMENT_HEADINGS = ("管理指标", "计算值", "单位", "分值", "得分")
SCORE_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
_TITLE_FONT = Font(bold=True, size=16)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_names(scopes: pd.DataFrame) -> dict[str, str]:
    """Return scope_id -> worksheet name (≤31 characters, unique, no characters Excel refuses)."""
    names, used = {}, {SUMMARY_SHEET}
    for rec in scopes.itertuples(index=False):
        base = WHOLE_TABLE if rec.scope_type == "部门整体" else _SHEET_NAME_BAD.sub("_", str(rec.name))[:31]
        name, i = base, 2
        while name in used:
            suffix = f"_{i}"
            name, i = base[:31 - len(suffix)] + suffix, i + 1
        names[rec.scope_id] = name
        used.add(name)
    return names


def _num(value):
    """Return a cell value for a number: None for missing, a Python float otherwise."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _txt(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


class _Sheet:
    """Writes a bordered form row by row."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1

    def put(self, col: str, value, fmt: str | None = None, font=None, fill=None, align=_WRAP, text=False):
        cell = self.ws[f"{col}{self.row}"]
        if text and isinstance(value, str):
            _set_text(cell, value)
        else:
            cell.value = value
        if fmt:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        cell.alignment = align
        cell.border = _BORDER
        return cell

    def merge(self, first: str, last: str, value=None, **kw):
        for col in range(ord(first), ord(last) + 1):
            self.put(chr(col), None, **{k: v for k, v in kw.items() if k in ("fill",)})
        cell = self.put(first, value, **kw)
        if first != last:
            self.ws.merge_cells(f"{first}{self.row}:{last}{self.row}")
        return cell

    def next(self, n: int = 1):
        self.row += n


def write_scored_tables(dept: "pdata.Department", year: int, path: str | Path, scored=None) -> Path:
    """Return the path of an .xlsx with the year's scored self-evaluation tables (national template layout).

    One sheet per scope: 部门整体支出绩效自评表 for the whole department and a
    项目支出绩效自评表 for each project or fund, each with the budget block
    (年初预算数 | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分), the
    indicator table (一级/二级/三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    偏差原因分析及改进措施), the management ratios of a whole-department score
    sheet when its rule set has them, and the 总分 row; plus a 得分汇总 sheet.
    Every figure is perfkit's (:func:`perfkit.score.scoring.score_year`), written as a
    number with a display format, so totals add unrounded values.

    Parameters
    ----------
    dept : Department
    year : int
    path : str or Path
        Where to write the ``.xlsx``.
    scored : YearScore, optional
        ``score_year(dept, year, rulebook_for(dept))``, computed when not given.
    """
    if scored is None:
        from perfkit.rules.book import rulebook_for
        from perfkit.score.scoring import score_year

        scored = score_year(dept, year, rulebook_for(dept))
    data = dept.for_year(year)
    names = _sheet_names(data.scopes)
    wb = Workbook()
    _write_score_summary(wb.active, dept, year, scored, names)
    for rec in data.scopes.itertuples(index=False):
        _write_scope_table(wb.create_sheet(names[rec.scope_id]), dept, data, year, scored, rec)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return normalize_office_file(path)


def _rows_of(df: pd.DataFrame, scope_id: str) -> pd.DataFrame:
    return df[df["scope_id"] == scope_id] if len(df) else df


def _write_score_summary(ws, dept, year: int, scored, names: dict[str, str]) -> None:
    ws.title = SUMMARY_SHEET
    s = _Sheet(ws)
    s.ws.merge_cells("A1:I1")
    s.put("A", f"{dept.name} {year} 年度绩效自评得分汇总", font=_TITLE_FONT, align=_CENTER).border = Border()
    s.next()
    if dept.synthetic:
        s.put("A", "示例数据：本部门为虚构的示例部门，数字不代表任何真实单位。", font=Font(bold=True, color="C00000"),
              align=Alignment()).border = Border()
        s.next()
    s.next()
    heads = ("评价范围", "范围类型", "规则集", "分值", "得分", "等级", "报告陈述得分", "报告陈述等级", "工作表")
    for col, head in zip("ABCDEFGHI", heads):
        s.put(col, head, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.next()
    for rec in scored.by_scope.itertuples(index=False):
        rule = f"{rec.rule_set}（示例分值）" if getattr(rec, "illustrative", False) else rec.rule_set
        values = (rec.name, rec.scope_type, rule, _num(rec.weight), _num(rec.score), _txt(rec.grade),
                  _num(rec.stated_score), _txt(rec.stated_grade), names.get(rec.scope_id))
        for col, value in zip("ABCDEFGHI", values):
            s.put(col, value, fmt=SCORE_FORMAT if col in "DEG" else None)
        s.next()
    s.next()
    s.put("A", "说明：得分由 perfkit 按规则集计算，显示保留两位小数，合计按未取整的数值相加；“报告陈述”为报告原文。",
          align=Alignment()).border = Border()
    if scored.problems:
        s.next(2)
        s.put("A", "评分时发现的数据问题：", font=_BOLD, align=Alignment()).border = Border()
        for p in scored.problems:
            s.next()
            s.put("A", f"• {p}", align=Alignment()).border = Border()
    for col, width in zip("ABCDEFGHI", (30, 10, 26, 9, 10, 8, 12, 12, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5" if dept.synthetic else "A4"


def _write_scope_table(ws, dept, data, year: int, scored, scope) -> None:
    whole = scope.scope_type == "部门整体"
    s = _Sheet(ws)
    for col, width in SCORED_WIDTHS.items():
        ws.column_dimensions[col].width = width
    s.merge("A", "J", WHOLE_TABLE if whole else PROJECT_TABLE, font=_TITLE_FONT, align=_CENTER)
    s.next()
    s.merge("A", "J", f"（{year}年度）", align=_CENTER)
    s.next()
    if dept.synthetic:
        s.merge("A", "J", "示例数据（虚构，仅供演示）", font=Font(bold=True, color="C00000"), align=_CENTER)
        s.next()
    s.put("A", "部门名称" if whole else "项目名称", font=_BOLD, fill=_HEAD_FILL)
    s.merge("B", "J", dept.name if whole else scope.name)
    s.next()
    s.put("A", "主管部门", font=_BOLD, fill=_HEAD_FILL)
    s.merge("B", "E", dept.name)
    s.put("F", "实施单位", font=_BOLD, fill=_HEAD_FILL)
    s.merge("G", "J", None)
    s.next()

    # budget block
    ex = _rows_of(scored.execution, scope.scope_id)
    lines = _rows_of(data.budget, scope.scope_id)
    lines = lines[lines["line"] != pdata.TOTAL_LINE]
    first = s.row
    s.put("A", f"{'部门' if whole else '项目'}资金（万元）", font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.merge("B", "C", None, fill=_HEAD_FILL)
    for col, head in zip("DEFGHI", BUDGET_HEADINGS):
        s.put(col, head, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.put("J", REASON_HEADING, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.next()
    s.put("A", None)
    s.merge("B", "C", "年度资金总额")
    if len(ex):
        r = ex.iloc[0]
        weight = _num(r["weight"])
        s.put("D", _num(r.get("budget_original")), fmt=_AMOUNT_FORMAT)
        s.put("E", _num(r["budget"]), fmt=_AMOUNT_FORMAT)
        s.put("F", _num(r["executed"]), fmt=_AMOUNT_FORMAT)
        s.put("G", weight if weight else "—", fmt=SCORE_FORMAT, align=_CENTER)
        s.put("H", _num(r["execution_rate"]), fmt=RATE_FORMAT)
        s.put("I", _num(r["score"]) if weight else "—", fmt=SCORE_FORMAT, align=_CENTER)
        s.put("J", _txt(r["reason"]))
    else:
        for col in "DEFGHIJ":
            s.put(col, None)
    s.next()
    for i, rec in enumerate(lines.itertuples(index=False)):
        s.put("A", None)
        s.merge("B", "C", f"{'其中：' if i == 0 else ''}{rec.line}")
        s.put("D", _num(rec.budget_original), fmt=_AMOUNT_FORMAT)
        s.put("E", _num(rec.budget), fmt=_AMOUNT_FORMAT)
        s.put("F", _num(rec.executed), fmt=_AMOUNT_FORMAT)
        for col in "GHI":
            s.put(col, "—", align=_CENTER)
        s.put("J", f"{rec.line_type}")
        s.next()
    if s.row - 1 > first:
        ws.merge_cells(f"A{first}:A{s.row - 1}")

    # indicator table
    ind = _rows_of(scored.indicators, scope.scope_id)
    first = s.row
    s.put("A", "绩效指标", font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    for col, head in zip("BCDEFGHI", INDICATOR_HEADINGS):
        s.put(col, head, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.put("J", REASON_HEADING, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.next()
    for rec in ind.itertuples(index=False):
        name = str(rec.name)
        if _txt(getattr(rec, "parent_id", None)) is not None and not name.startswith("其中"):
            name = f"其中：{name}"  # sub-rows as the national form prints them
        s.put("A", None)
        s.put("B", _txt(rec.level1), text=True)
        s.put("C", _txt(rec.level2), text=True)
        s.put("D", name, text=True)
        s.put("E", _txt(rec.target), text=True)
        s.put("F", _txt(rec.actual), text=True)
        s.put("G", _num(rec.weight_used), fmt=SCORE_FORMAT)
        s.put("H", _num(rec.score), fmt=SCORE_FORMAT)
        s.put("I", _txt(rec.deviation_note), text=True)
        s.put("J", _txt(rec.reason), text=True)
        s.next()
    if not len(ind):
        s.put("A", None)
        s.merge("B", "J", "（数据中没有该范围的绩效指标）")
        s.next()
    ws.merge_cells(f"A{first}:A{s.row - 1}")

    # management ratios of a whole-department score sheet
    mg = _rows_of(scored.management, scope.scope_id)
    if len(mg):
        first = s.row
        block = _txt(mg["block"].iloc[0]) or "管理效率"
        s.put("A", block, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
        s.merge("B", "D", MANAGEMENT_HEADINGS[0], font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
        for col, head in zip("EFGH", MANAGEMENT_HEADINGS[1:]):
            s.put(col, head, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
        s.merge("I", "J", REASON_HEADING, font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
        s.next()
        for rec in mg.itertuples(index=False):
            s.put("A", None)
            s.merge("B", "D", _txt(rec.label))
            s.put("E", _num(rec.value), fmt=SCORE_FORMAT)
            s.put("F", _txt(rec.unit))
            s.put("G", _num(rec.points), fmt=SCORE_FORMAT)
            s.put("H", _num(rec.score), fmt=SCORE_FORMAT)
            s.merge("I", "J", _txt(rec.reason))
            s.next()
        ws.merge_cells(f"A{first}:A{s.row - 1}")

    # total
    total = _rows_of(scored.by_scope, scope.scope_id)
    t = total.iloc[0] if len(total) else None
    s.merge("A", "F", "总分", font=_BOLD, fill=_HEAD_FILL, align=_CENTER)
    s.put("G", None if t is None else _num(t["weight"]), fmt=SCORE_FORMAT, font=_BOLD)
    s.put("H", None if t is None else _num(t["score"]), fmt=SCORE_FORMAT, font=_BOLD)
    s.put("I", None if t is None else f"等级：{_txt(t['grade']) or '—'}", font=_BOLD)
    rule = scored.rules.get(scope.scope_id)
    s.put("J", None if rule is None else
          f"规则集 {rule.name}：{rule.title}" + ("（分值为示例，待用户提供官方分值）" if rule.illustrative else ""))
    s.next()
    if t is not None and _num(t.get("stated_score")) is not None:
        s.merge("A", "F", "报告陈述得分", align=_CENTER)
        s.put("G", None)
        s.put("H", _num(t["stated_score"]), fmt=SCORE_FORMAT)
        s.put("I", _txt(t.get("stated_grade")))
        s.put("J", "报告原文所述，与上行 perfkit 计算的总分对照")
        s.next()
    s.next()
    note = ("说明：本表由 perfkit 根据部门数据计算生成；得分显示保留两位小数，合计按未取整的数值相加；"
            "分值为空的指标按规则集的默认分值分配（见评分依据）。")
    s.ws[f"A{s.row}"] = note
    ws.freeze_panes = None
