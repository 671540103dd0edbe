"""Errors in rule files: scoring rule sets, the finding rules (``findings.yaml``) and PEFA bands.

Used by :mod:`perfkit.rules.files`, :mod:`perfkit.rules.ruleset`, :mod:`perfkit.rules.loading`, :mod:`perfkit.rules.parse`,
:mod:`perfkit.rules.findings` and :mod:`perfkit.rules.pefa`.  Templates take
``str.format`` placeholders (a literal brace is doubled); the texts marked *as is*
are shown without formatting.
"""
from __future__ import annotations

#: joins items of a list in a message
LIST_SEP = "、"
#: one error under a file's heading
ERROR_ITEM = "  - {error}"

# --------------------------------------------------------------------------- reading a rule file (files)

NOT_FOUND = "找不到{what}：{path}"
NOT_YAML = "{what} {path} 不是有效的 YAML（UTF-8）：{error}"
NOT_A_MAPPING = "{what} {path} 应为 YAML 映射（键: 值）"
RULE_SET_FILE = "规则集"
FINDINGS_FILE = "问题与建议规则文件"
PEFA_FILE = "PEFA 规则文件"

# --------------------------------------------------------------------------- scoring rule sets (ruleset)

#: the block of a whole-department sheet's management items, unless the rule set names it
MANAGEMENT_BLOCK = "管理效率"
ILLUSTRATIVE_WEIGHTS = "（示例权重，待用户提供正式分值）"
DESCRIBE = "{name}：{title}{note}"
NO_BUILTIN = "找不到规则集「{name}」：内置规则集有 {known}；也可以写 YAML 文件路径"
NO_FILE = "找不到规则集文件：{path}"
EXTENDS_LOOP = "规则集 extends 形成循环：{loop}"
#: where an error is: 「weights.groups[0].name」缺失
AT_KEY = "「{where}」{message}"
NOT_A_SECTION = "缺失或不是映射"
UNKNOWN_KEY = "不是可用的键（可用：{allowed}）"
NO_SOURCE = "缺失：每条规则须写明来源"
BAD_CONFIDENCE = "应为 V、C 或 ?（加引号写作 \"?\"），现为 {value!r}"
NOT_A_NUMBER = "应为数字，现为 {value!r}"
ABOVE = "大于"
NOT_BELOW = "不小于"
TOO_LOW = "应{relation} {low}，现为 {value}"
TOO_HIGH = "应不大于 {high}，现为 {value}"
NOT_A_CHOICE = "应为 {options} 之一，现为 {value!r}"
NOT_A_BOOLEAN = "应为 true 或 false，现为 {value!r}"
NOT_NAMES = "应为名称列表，如 [产出指标, 产出]"
UNKNOWN_TOP_KEY = "不是可用的顶层键（可用：{allowed}）"
NOT_A_SCORING_RULE_SET = "规则集 {path} 不是评分规则集：kind 应为 {kinds} 之一，现为 {kind!r}"
NO_TITLE = "缺失：请写规则集的中文名称"
NO_BASIS = "缺失：请写规则集的依据"
#: as is
BAD_REDISTRIBUTE = "应为 {from: 组名, to: [组名, …]}"
UNKNOWN_GROUP = "引用了不存在的一级指标组「{name}」（已有：{known}）"
UNKNOWN_VARIANT = "未知的计分变体「{variant}」（可用：{known}）"
NO_MANAGEMENT_ITEMS = "部门整体评分表（kind: dept_sheet）须列出管理效率评分项 items"
PARTS_NOT_TOTAL = "与各部分分值之和不符：预算执行率 {execution:g} + 一级指标 {groups}"
PLUS_MANAGEMENT = " + 管理效率 {points:g}"
PARTS_END = " = {parts:g}，而 total.points 为 {total:g}"
ERRORS = "规则集 {path} 有 {n} 处错误：\n{lines}"
NO_GROUPS = "应为一级指标组列表（name、weight、level1…）"
NOT_A_MAPPING_HERE = "应为映射"
UNKNOWN_GROUP_KEY = "不是可用的键（可用：name、weight、level1、aliases、level2、block）"
MISSING = "缺失"
DUPLICATE_GROUP = "一级指标组「{name}」重复"
#: as is
NO_BANDS = "应为区间列表，自高到低，如 {name: 达成, low: 0.8, high: 1.0}"
#: as is
BAD_BAND = "应为 {name, low, high}"
LOW_NOT_BELOW_HIGH = "low（{low}）应小于 high（{high}）"
BANDS_NOT_COVERING = "应覆盖 0 到 1（第一档 high 为 1，最后一档 low 为 0）"
BANDS_NOT_ADJACENT = "「{upper}」的 low 应等于「{lower}」的 high（自高到低、首尾相接）"
NO_LEVELS = "应为映射：{levels} → {{band, fraction}}"
#: as is
BAD_LEVEL = "缺失或不是 {band, fraction}"
UNKNOWN_BAND = "应为已定义的区间（{known}），现为 {value!r}"
FRACTION_OUTSIDE = "{fraction} 不在区间「{band}」[{low}, {high}{close} 内"
UNKNOWN_LEVEL = "不是可用的等级（可用：{known}）"
#: as is
NO_GRADES = "应为等级列表，自高到低，如 {grade: 优, min: 90}"
#: as is
BAD_GRADE = "应为 {grade: 等级, min: 最低分}"
GRADES_NOT_DESCENDING = "最低分应自高到低、互不相同，现为 {mins}"
LAST_GRADE_NOT_ZERO = "最后一个等级的 min 应为 0，使每个分数都有等级"
NO_ITEMS = "应为评分项列表"
ITEM_ID = "缺失或重复：{value!r}"
#: as is
NO_EXPR = "缺失：请写复算公式（与 stated.csv 的 expr 相同写法，范围写作 {scope}）"
#: as is
BAD_ITEM_BAND = "应为 {op, value, points}"
NO_ITEM_BANDS = "method 为 bands 时须列出分档"

# --------------------------------------------------------------------------- finding rules (findings)

FINDINGS_RULES_NOT_MAPPING = "问题与建议规则文件 {path}：「rules」应为“规则代码: 设置”的映射"
FINDINGS_UNKNOWN_CODE = "问题与建议规则文件 {path}：未知的规则代码「{code}」；可用：{known}"
FINDINGS_RULE_NOT_MAPPING = "问题与建议规则文件 {path}：规则「{code}」的设置应为映射"
FINDINGS_PHRASES_NOT_MAPPING = "问题与建议规则文件 {path}：「phrases」应为“短语名: 模板”的映射"
FINDINGS_UNKNOWN_PHRASE = "问题与建议规则文件 {path}：未知的短语「{key}」；可用：{known}"
FINDINGS_MAIN_SEVERITY = "问题与建议规则文件 {path}：main_min_severity 应为 {severities} 之一或留空，而不是「{value}」"
AT_PHRASE = "问题与建议规则文件 {path}：短语「{key}」"
PHRASE_KEYS = "{where} 应为映射，包含：{keys}"
PHRASE_NOT_TEXT = "{where} 缺失或不是一句文字"
TEMPLATE = "模板"
AT_RULE = "问题与建议规则文件 {path}：规则「{code}」"
UNKNOWN_RULE = "{where}：perfkit 不认识这条规则（可用：{known}）"
MISSING_RULE_KEY = "{where}：缺少「{key}」"
#: joins the allowed sections
OR = " 或 "
BAD_SECTION = "{where}：section 应为 {sections}，而不是「{value}」"
BAD_SEVERITY = "{where}：severity 应为 高、中 或 低，而不是「{value}」"
BAD_SEVERITY_BAND = "{where}：bands 的每一档应为 {{below: 数值, severity: 高/中/低}}，而不是「{band}」"
NOT_NUMERIC = "{where}：「{key}」应为数值，而不是「{value}」"
NOT_A_LIST = "{where}：「{key}」应为列表"
NOT_TRUE_FALSE = "{where}：「{key}」应为 true 或 false，而不是「{value}」"
UNKNOWN_SUPPRESSOR = "{where}：suppressed_by 中的「{other}」不是规则代码"
BAD_CHECK_SEVERITY = "{where}：check_severity 应为“核对级别: 高/中/低”的映射"
BAD_CHECKPOINTS = "{where}：checkpoints 应为“月份(1–12): 进度比例”的映射"
BAD_GROUP = "{where}：group 应为 scope 或 indicator"
BAD_RECOMMENDATIONS = "{where}：recommendations 应为句子列表"
NO_ITEM_RECOMMENDATION = "{where}：这条规则的问题不逐项列出指标，不能设 item_recommendation"
UNKNOWN_PLACEHOLDER = "{where} 的 {name} 模板用了未知的占位符 {{{placeholder}}}；可用：{known}"
#: a placeholder as listed in UNKNOWN_PLACEHOLDER
PLACEHOLDER = "{{{name}}}"
BAD_TEMPLATE = "{where} 的 {name} 模板格式有误（{error}）：{template}"

# --------------------------------------------------------------------------- PEFA bands (pefa)

PEFA_PROBLEMS = "{path}：PEFA 规则有 {n} 个问题：\n"
PEFA_NOT_MAPPING = "应为键值对（YAML 映射）"
PEFA_WINDOW = "window_years 应为正整数（当前：{value!r}）"
PEFA_REQUIRED = "years_required 应为 1 到 window_years 之间的整数（当前：{value!r}）"
PEFA_NO_BANDS = "{section}.bands 应为非空列表"
PEFA_BAD_GRADE = "{section}.bands[{i}] 的 grade 应为 {grades}"
PEFA_MISSING_FIELD = "{section}.bands[{i}]（{grade}）缺少数值字段 {field}"
PEFA_BAD_ELSE = "{section}.else 应为 {grades}"
