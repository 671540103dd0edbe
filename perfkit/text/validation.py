"""Problems found in a department's data: the ``expected`` texts of :class:`perfkit.errors.Problem`.

Used by :mod:`perfkit.ingest` (loading and validating the files), :mod:`perfkit.rules`
(reading rule files) and :mod:`perfkit.score` (cells scoring cannot read).  Templates
take ``str.format`` placeholders.
"""
from __future__ import annotations

#: joins items of a list in a message
LIST_SEP = "、"

# --------------------------------------------------------------------------- cells scoring cannot read (score.scoring)

UNREADABLE_TARGET = "无法识别的年度指标值写法；应写成如「≥95%」「=100%」「≤3天」「263个」「同比下降」或定性表述"
UNREADABLE_ACTUAL = "无法识别的实际完成值写法；应写数值（如 98%、3200个）或达成、部分达成、未达成等表述"
UNREADABLE_PRIOR = "无法识别的上年实际值写法；应写数值（如 98%）"
UNREADABLE_NATURE = "无法识别的指标性质；应为 ≥、≤、=、>、<、定性 或 定量（此行未采用该格）"
ROWS_OF_LABEL = "（共 {n} 行：第 {rows} 行）"
UNKNOWN_LEVEL1 = ("规则集 {rule_set} 没有这个一级指标{more}（可用：{known}）；请改写一级指标，或在规则集的 "
                  "weights.groups 中把这种写法加入 aliases")
NO_SUCH_YEAR = "没有 {year} 年的数据；可用年度：{years}"

# --------------------------------------------------------------------------- cells (ingest.cells, ingest.references, ingest.meta)

MERGED_CELL_HINT = "（上一行有值：若在 Excel 中合并了单元格，请取消合并并逐行填写）"
REQUIRED = "不能为空{hint}"
FULL_WIDTH_NOTICE = "{file} 列「{column}」第 {rows} 行含全角数字或符号，已按 NFKC 转为半角（如「{raw}」→「{folded}」）"
NUMBER_WITH_PERCENT = "应为数字，不带 % 号（百分比写数值，如 99.3）"
NUMBER_WITH_TEXT = "应为数字（只能含 0–9、小数点、正负号和千位分隔逗号，不带单位或文字）"
NUMBER = "应为数字"
NEGATIVE_AMOUNT = "金额不能为负数"
INTEGER = "应为整数"
NONE_DECLARED = "（未声明）"
#: how the years of department.yaml are named in a message (import names the sheet instead)
META_YEARS = "department.yaml 的 years"
UNKNOWN_YEAR = "未知年度：不在 " + META_YEARS + " 中（已声明：{declared}）"
MONTH = "月份应为 1–12"
UNKNOWN_UNIT = "未知金额单位，应为「万元」或「元」"
MIXED_UNITS = "同一文件混用了「元」与「万元」（多数行为「{majority}」，第 {rows} 行不同）；不做静默换算，请统一为一种单位"
BUDGET_EMPTY = "为空"
BUDGET_ZERO = "为 0"
SPENT_WITHOUT_BUDGET = "全年预算数{why}，但执行数（executed）为「{executed}」；有支出就应有预算，请填写全年预算数"
OVERSPENT = "执行数是全年预算数「{budget}」的 {ratio:.1f} 倍，超过 {factor} 倍；请核对单位（元/万元）和数位"
UNSAFE_ID = "代码不能含路径符号（/、\\、..）、引号、括号或空白，也不能以 . 开头；请只用字母、数字、汉字、- 和 _"
DUPLICATE = "{what}重复（与第 {first} 行相同）"
YAML_ERROR = "YAML 格式错误：{what}"
YAML_ERROR_AT = ("YAML 格式错误（该行第 {column} 个字符处：{what}）；常见原因：缩进不一致、"
                 "冒号后缺空格、含「:」或「#」的值没有加引号")

# --------------------------------------------------------------------------- department.yaml

NO_META = "缺少 department.yaml（部门信息、years、rule_set）"
NOT_A_MAPPING = "应为键值对（YAML 映射）"
MISSING_KEY = "缺少必填字段「{key}」"
#: how import knows the department-code problem of its temporary directory
CODE_NOT_DIRECTORY_MARK = "与目录名一致"
CODE_NOT_DIRECTORY = "部门代码应" + CODE_NOT_DIRECTORY_MARK + "（{directory}）"
CODE_CHARACTERS = "部门代码只能用小写字母、数字、- 和 _"
YEARS = "应为年度整数列表，如 [2022, 2023]"
NO_RULE_SET = "找不到规则集：既不是内置规则集（{builtin}），也不是本目录下的文件"
INCOMPLETE_FLAG = "应为 true 或 false（true 表示转录的表格不完整，不核对表内加总）"
NO_FINDINGS_FILE = "找不到问题与建议规则文件（内置为 findings；或本目录下的 YAML 路径）"

# --------------------------------------------------------------------------- references between files

SCOPE_TYPE = "范围类型应为：{allowed}"
NO_PARENT_SCOPE = "上级范围在 {year} 年不存在"
NO_SCOPE = "范围在 scopes.csv 的 {year} 年中不存在"
LINE_TYPE = "预算行类型应为：{allowed}"
NO_TOTAL_LINE = "范围「{scope}」{year} 年缺少「合计」预算行（scopes.csv 第 {row} 行）"
WHAT_BUDGET_LINE = "预算行"
WHAT_SCOPE = "范围"
WHAT_INDICATOR_ID = "指标代码"
WHAT_INDICATOR = "指标（同一范围的一级、二级、三级指标）"
NO_PARENT_INDICATOR = "父指标在 {year} 年不存在（应为同一年度某行的 indicator_id）"
WHAT_FIGURE_ID = "陈述数字代码"
STATED_KIND = "类别应为：{allowed}"
VALUE_REQUIRED = "数值类陈述数字必须填写 value"
BAD_EXPR = "复算公式不能使用：{error}（见 data/README.md 的公式说明）"
NO_DIRECTORY = "部门目录不存在"
MISSING_FILE = "缺少必需的文件"
NONE = "（无）"
NO_DEPARTMENT = "找不到部门；{base} 下的部门：{known}"

# --------------------------------------------------------------------------- reading a CSV (ingest.reading)

SAVE_AS_UTF8 = "请在 Excel 中另存为「CSV UTF-8」"
#: rows named in a problem, and how many more: 2、3、5 等 14 行
MORE_ROWS = " 等 {n} 行"
A_WORKBOOK = "这是 Excel 工作簿或压缩文件，不是 CSV 文本；{save}，或用 perfkit import 导入工作簿"
UTF16 = "文件为 UTF-16 编码（Excel 的「Unicode 文本」）；{save}"
BINARY = "不是文本文件（含二进制内容，第 {at} 个字节起）；{save}"
TOO_LARGE = "文件过大（{size:.1f} MB，上限 {limit} MB），不像是部门数据表；请确认文件是否放错"
UNREADABLE_FILE = "无法读取文件：{error}；请确认文件存在且有读取权限"
UNKNOWN_ENCODING = "无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030，第 {at} 字节起）；{save}"
GB18030_NOTICE = "{path}：文件为 GBK/GB18030 编码，已按 GB18030 读取；建议另存为「CSV UTF-8」"
CONTROL_CHARACTER = "含控制字符 U+{code:04X}，不是正常的文本表格（文件损坏或不是 CSV）；{save}"
CSV_ERROR = "无法按 CSV 解析（{error}）；请检查引号是否成对，或{save}"
#: joins the first header cells quoted in NOT_A_HEADER
HEADER_SEP = "，"
NOT_A_HEADER = "第 1 行不是本文件的表头（应包含列：{expected}）；文件放错或内容损坏？"
DUPLICATE_COLUMNS = "表头中有重复的列名；每列只能出现一次"
UNNAMED_COLUMN = "表头第 {column} 列没有列名，但第 {rows} 行在该列有值；请补上列名或删去该列"
#: joins column names inside 「」
COLUMNS_SEP = "」「"
MISSING_COLUMNS_HEAD = "缺少必需的列"
MISSING_COLUMNS = MISSING_COLUMNS_HEAD + "「{missing}」（表头应包含：{expected}）"
EXTRA_COLUMNS = "{file}：列「{extra}」不是本文件定义的列，perfkit 不使用（列名拼写有误？本文件的列：{expected}）"
FIELDS_TOO_MANY = "某个值里有未加引号的逗号（含逗号的值要用英文双引号括起来）"
FIELDS_TOO_FEW = "缺少字段（逗号少了，或引号未闭合把几行并成了一行）"
ROWS_ALL = "第 {rows} 行都"
FIELD_COUNT = "{where}有 {n} 个字段，而表头有 {width} 列：{why}"
EMPTY_FILE = "文件为空：应有表头行和数据行"
HEADER_ONLY = "只有表头，没有数据行"

# --------------------------------------------------------------------------- how a problem reads (errors)

AT_ROW = " 第{row}行"
FIELD = "字段"
COLUMN = "列"
AT_COLUMN = " {kind}「{column}」"
AT_VALUE = "：值「{value}」"
PROBLEM = "{where}{value}，{expected}"
PROBLEMS = "数据校验发现 {n} 个问题："
PROBLEM_ITEM = "  - {problem}"
AT_CELL = " 单元格 {cell}"
NOTEBOOK_FAILURE = "{department} {year} {notebook}{cell}：{error} {message}"
NOTEBOOKS_FAILED = "{n} 个笔记本渲染失败："
#: narrative.csv: a section outside the report's sections
NARRATIVE_SECTION = "章节应为：{sections}"
