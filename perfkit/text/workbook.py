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
GUIDE_SHEET = "说明"
META_SHEET = "部门信息"
ASSUMPTIONS_SHEET = "假设记录"
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

#: 部门信息: (field, label, note); functions take one row each
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

# --------------------------------------------------------------------------- sheets and columns (workbook_layout)

#: data file -> sheet name
SHEET_NAMES = MappingProxyType({"scopes.csv": "评价范围",
 "budget.csv": "预算执行",
 "finance.csv": "收支总额",
 "indicators.csv": "绩效指标",
 "stated.csv": "陈述数字",
 "progress.csv": "执行进度"})
#: data file (or shared, for columns of several sheets) -> column key -> (heading, note shown on the heading)
COLUMNS = MappingProxyType({
    "shared": MappingProxyType({
        "source": ("来源", "本行数字出自来源的哪一节，如 seed:一(四)部门整体收支情况（必填）"),
        "assumption": ("假设说明", "本行若有任何数值不是来源原文给出的，写明假设及理由；否则留空"),
        "year": ("年度", "年度，须在「部门信息」的年度中声明（必填）"),
        "scope_id": ("范围代码", "评价范围代码，须在「评价范围」表中存在；部门整体为 whole（必填）"),
        "unit": ("单位", "金额单位：万元 或 元；同一张表不得混用（必填）"),
    }),
    "scopes.csv": MappingProxyType({
        "scope_id": ("范围代码", "范围代码，年度内唯一；部门整体固定为 whole（必填）"),
        "scope_type": ("范围类型", "部门整体 / 一级项目 / 二级项目 / 专项资金（必填）"),
        "name": ("名称", "项目或资金名称（必填）"),
        "parent_scope_id": ("上级范围代码", "二级项目填所属一级项目的范围代码，可空"),
        "rule_set": ("规则集", "覆盖部门规则集时填写，可空"),
        "stated_score": ("陈述得分", "报告陈述的自评得分，可空"),
        "stated_grade": ("陈述等级", "报告陈述的等级（优/良/中/差），可空"),
        "incomplete": ("表格不完整", "转录的表格只是原表的一部分时填 是（其各项之和不作断言），可空"),
    }),
    "budget.csv": MappingProxyType({
        "line": ("预算行", "合计 为该范围总数；其余为细分（基本支出、项目支出、财政拨款…）（必填）"),
        "line_type": ("预算行类型", "{types}（必填；统计项如三公经费、政府采购不参与加总）"),
        "budget_original": ("年初预算数", "年初预算数，≥0，可空"),
        "budget": ("全年预算数", "全年预算数（调整后），≥0，可空"),
        "executed": ("全年执行数", "全年执行数，≥0，可空"),
        "weight": ("分值", "该行印出的预算执行率分值，可空；印作 — 或 / 表示不适用"),
        "rate_printed": ("印出执行率", "该行印出的执行率，照原文（如 99.5%、0.995），可空"),
        "stated_score": ("陈述得分", "该行印出的预算执行率得分，可空"),
    }),
    "finance.csv": MappingProxyType({
        "item": ("项目", "总收入 / 本年收入 / 总支出 / 本年支出 / 年初结转结余 / 年末结转结余 / 其他（必填）"),
        "amount": ("金额", "金额，≥0（必填）"),
    }),
    "indicators.csv": MappingProxyType({
        "indicator_id": ("指标代码", "指标代码，部门同一年度内唯一（必填）"),
        "parent_id": ("父指标代码", "「其中…」子行填父指标的指标代码，可空"),
        "level1": ("一级指标", "产出指标 / 效益指标 / 满意度指标 / 成本指标 等（必填）"),
        "level2": ("二级指标", "数量指标 / 质量指标 / 时效指标 / 社会效益指标 … （必填）"),
        "name": ("三级指标", "指标名称（必填）"),
        "target": ("年度指标值", "照原文填写，如 ≥95%、=100%、263、同比下降、提升"),
        "actual": ("实际完成值", "照原文填写，可空"),
        "weight": ("分值", "分值（权重），可空：空则由规则集分配"),
        "deviation_note": ("偏差原因分析及改进措施", "未完成或超额完成的原因及改进措施"),
        "stated_score": ("陈述得分", "报告陈述的得分，可空"),
        "prior_actual": ("上年实际值", "上年实际完成值，照原文，可空"),
        "nature": ("指标性质", "表格单列印出的指标性质（≥ ≤ = 定性 …），可空：与年度指标值合并读取"),
        "measure_unit": ("度量单位", "表格单列印出的度量单位（%、个、天 …），可空"),
    }),
    "stated.csv": MappingProxyType({
        "figure_id": ("数字代码", "数字代码，部门同一年度内唯一（必填）"),
        "scope_id": ("范围代码", "所属范围，可空"),
        "label": ("名称", "中文名称，如 预算完成率（必填）"),
        "kind": ("类别", "比率 / 百分比 / 同比 / 合计 / 金额 / 计数 / 得分 / 等级（必填）"),
        "stated_text": ("原文写法", "报告原文写法，如 99.3%、96.67分、优；小数位数由此确定（必填）"),
        "value": ("数值", "数值（按单位），等级类留空"),
        "unit": ("单位", "% / 万元 / 个 / 分 / 百分点 …"),
        "expr": ("复算公式", "如 executed('whole') / budget('whole') * 100，可空（见 data/README.md）"),
        "sentence": ("原句", "该数字所在的原句"),
    }),
    "progress.csv": MappingProxyType({
        "month": ("月份", "月末，1–12（必填）"),
        "executed_cumulative": ("累计执行数", "截至该月末累计执行数，≥0（必填）"),
    }),
})
