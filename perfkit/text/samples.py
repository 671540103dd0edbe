"""Sample values of the finding templates' placeholders, with which ``findings.yaml`` is test-filled.

Never shown in a report: a rule file's templates are filled with these when
it is loaded, so that a misspelt placeholder is an error at load time rather
than in a user's report.  They read like real values so that a filled sample
can be read (and checked by eye) as a finding would be.
"""
from __future__ import annotations

# every finding (perfkit.findings.registry.COMMON_PLACEHOLDERS)
DEPARTMENT = "示例部门"
SCOPE_NAME = "部门整体支出"
SUBJECT = "示例"
# a finding merging several items (perfkit.findings.derive.GROUP_PLACEHOLDERS)
GROUP_ITEMS = "甲（提升）、乙（保持）"
GROUP_NAMES = "甲、乙"
# an indicator row (perfkit.findings.detectors.common.INDICATOR_PLACEHOLDERS)
INDICATOR = "示例指标"
LEVEL1 = "产出指标"
LEVEL2 = "数量指标"
# the detectors' own placeholders
STATED_LABEL = "预算完成率"
ARITHMETIC_LABEL = "得分超过分值"
BUDGET_LINE = "项目支出"
QUOTE = "实际支出量偏低"
COUNTS = "2宗、2人"
BUDGET_STATUS = "数据中没有预算数"
DIRECTION_TARGET = "提升"
PROGRESS_MISSED = "4月末累计执行12.0%（应不低于25%）"
GAP = "差5个百分点"
STATUS = "未完成"
CHANGE_NONE = "变动0.00个百分点"
CHANGE_FALL = "下降2.00个百分点"
PRIOR_GRADE = "优"
GRADE = "良"
CAVEAT = "2022年分值合计为110分，不等于规则总分，该年得分不能直接比较。"
