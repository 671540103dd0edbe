"""Words of the input workbook (``perfkit template`` / ``import`` / ``export``): the guide, sheets, cell checks.

Used by :mod:`perfkit.ingest.workbook`, :mod:`perfkit.ingest.workbook_layout` and
:mod:`perfkit.ingest.workbook_import`.  The sheet and column names are read
back on import, so they are input as much as output: change them only together
with existing workbooks in mind.
"""
from __future__ import annotations

from types import MappingProxyType

# --------------------------------------------------------------------------- the guide sheet (workbook)

#: joins items of a list in a cell
LIST_SEP = "、"
GUIDE_TITLE = "预算绩效自评数据填报模板"
GUIDE_DEPARTMENT = "部门：{name}；年度：{years}"
NOT_FILLED = "（未填）"
GUIDE_HOW = "怎么填"
GUIDE_HOW_LINES = (
    "1. 「部门信息」：填写部门代码、名称、年度、规则集、部门职能（每行一条）等。",
    "2. 「评价范围」：部门整体一行（范围代码 whole），每个项目或专项资金一行。",
    "3. 「预算执行」：每个范围每年至少一行「合计」，填年初预算数、全年预算数、全年执行数和单位（万元或元）。",
    "4. 「收支总额」：总收入、本年收入、总支出、本年支出等。",
    "5. 「绩效指标」：一级/二级/三级指标、年度指标值、实际完成值、分值、偏差原因分析及改进措施。",
    "6. 「陈述数字」：报告中陈述、可以复算的数字及原句（可选）。「执行进度」：分月累计执行数（可选）。",
    "7. 「假设记录」：凡不是来源原文给出的数值，写明假设及理由（同时填在该行的「假设说明」列）。",
)
GUIDE_RULES = "规则"
GUIDE_RULES_LINES = (
    "• 第 1 行是中文表头，第 2 行灰色小字是数据格式的列名（data/README.md），请勿修改第 2 行；数据从第 3 行起。",
    "• 红色表头为必填列，蓝色表头为选填列。把鼠标停在表头上可看到该列的说明。",
    "• 空单元格表示“未知/不适用”，不是 0；不知道的数不要填 0。",
    "• 年度指标值、实际完成值请照报告原文填写（如 ≥95%、=100%、同比下降），这些列已设为文本格式。",
    "• 金额单位只能是「万元」或「元」，同一张表不要混用。",
    "• 「来源」列必填：写明数字出自来源的哪一节。",
    "• 带下拉箭头的单元格可从列表中选择；单位、范围类型、预算行类型、陈述数字类别只接受列表中的值，其余列表只作提示。",
)
GUIDE_IMPORT = "导入"
GUIDE_IMPORT_LINES = (
    "填好后运行：perfkit import 本文件.xlsx --data data",
    "导入前会按数据格式逐格校验；有错误时列出工作表、行、列和期望的值，并且不会写入任何文件。",
)
GUIDE_SYNTHETIC = "示例数据：本工作簿中的数据是虚构的，仅供演示。"
ASSUMPTIONS_HEAD = "假设记录（ASSUMPTIONS.md）：每个不是来自来源的数值及理由。每行一行文字，导入时原样写回 ASSUMPTIONS.md。"
#: the whole scope's name in a new template: 某某局部门整体支出
WHOLE_SCOPE_NAME = "{name}部门整体支出"

# --------------------------------------------------------------------------- the 部门信息 sheet and cell checks

META_HEADINGS = ("项目", "字段", "值", "填写说明")
CHOOSE_FROM_LIST = "请从下拉列表中选择"
NOT_IN_LIST = "不在常用值列表中；确认无误可继续"
INPUT_TITLE = "输入值"
WHOLE_NUMBER_BETWEEN = "应为 {low}–{high} 的整数"
AMOUNT_NOT_NEGATIVE = "金额应为不小于 0 的数字"

# --------------------------------------------------------------------------- importing (workbook_import)

FORMULA_WITHOUT_VALUE = "公式「{formula}」没有计算结果：请在 Excel 中打开并保存后再导入，或改填数值"
COLUMN_AT = "{label}（{letter}列）"
DUPLICATE_COLUMN = "列重复（与{letter}列相同）"
COLUMN_MISSING = "{label}（缺）"
VALUE_COLUMN = "值（C列）"
SYNTHETIC_FIELD = "示例数据"
YES_OR_NO = "应为「是」或「否」"
SHEET_OF = "{path} 工作表「{sheet}」"
NO_WORKBOOK = "工作簿不存在"
NOT_A_WORKBOOK = "无法读取工作簿（{error}）：应为 Excel .xlsx 文件"
NO_SHEET = "缺少工作表「{sheet}」"
IMPORTED_HEADER = "由 perfkit 从工作簿 {workbook} 导入；修改请改工作簿后重新导入，或直接编辑本文件。"
ROWS_REF = "{prefix}第 {rows} 行"
IN_SHEET = "工作表{sheet}"
META_YEARS = "「{sheet}」的年度"
META_SHEET_REF = "工作表「{sheet}」"
MISSING_COLUMNS = "缺少必需的列（第 2 行应有列名「{column}」）；表头应包含："
NO_DATA_ROWS = "没有数据行（数据从第 3 行起）"
BAD_ON_EXISTING = "on_existing 应为 error/merge/replace：{value!r}"
DEPARTMENT_EXISTS = "部门目录已存在；要以新读入的年度替换这些年度的数据请用合并（--merge），要整体替换请用 --replace"
UNREADABLE_EXISTING = "现有数据无法读取，不能合并：{error}"
