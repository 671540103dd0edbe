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

from perfkit.ingest import department as pdata

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
        _SOURCE, _ASSUMPTION,
        Column("incomplete", "表格不完整", 10, "转录的表格只是原表的一部分时填 是（其各项之和不作断言），可空"))),
    SheetSpec("budget.csv", "预算执行", (
        _YEAR, _SCOPE,
        Column("line", "预算行", 14, "合计 为该范围总数；其余为细分（基本支出、项目支出、财政拨款…）（必填）",
               choices=BUDGET_LINES),
        Column("line_type", "预算行类型", 12, " / ".join(pdata.LINE_TYPES) + "（必填；统计项如三公经费、政府采购不参与加总）",
               choices=pdata.LINE_TYPES, strict=True),
        Column("budget_original", "年初预算数", 16, "年初预算数，≥0，可空"),
        Column("budget", "全年预算数", 16, "全年预算数（调整后），≥0，可空"),
        Column("executed", "全年执行数", 16, "全年执行数，≥0，可空"),
        _UNIT, _SOURCE, _ASSUMPTION,
        Column("weight", "分值", 8, "该行印出的预算执行率分值，可空；印作 — 或 / 表示不适用"),
        Column("rate_printed", "印出执行率", 10, "该行印出的执行率，照原文（如 99.5%、0.995），可空"),
        Column("stated_score", "陈述得分", 10, "该行印出的预算执行率得分，可空")), freeze="D3"),
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
        _SOURCE, _ASSUMPTION,
        Column("nature", "指标性质", 8, "表格单列印出的指标性质（≥ ≤ = 定性 …），可空：与年度指标值合并读取"),
        Column("measure_unit", "度量单位", 8, "表格单列印出的度量单位（%、个、天 …），可空")), freeze="H3"),
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
