"""Prose of the notebooks' views (:mod:`perfkit.present.views`), in Markdown, and words of the reader filter.

Templates take ``str.format`` placeholders; numbers are formatted by the caller.
The reader words replace data-format terms in texts shown to a department
(:mod:`perfkit.present.reader`).
"""
from __future__ import annotations

# --------------------------------------------------------------------------- views (present.views)

SYNTHETIC_MARK = "（示例数据）"
TITLE = "# {department}{mark} {year} 年{subject}"
SYNTHETIC_NOTE = "> **示例数据**：本部门为虚构的示例部门，用于演示与测试全部评分规则，不代表任何真实单位。"
NO_WHOLE_BUDGET = "数据中没有部门整体的预算数。"
WHOLE_EXECUTION = ("{year} 年部门整体全年预算数 **{budget} 万元**，全年执行数 **{executed} 万元**，"
                   "执行率 **{rate}**。")
EXECUTION_SCORE = "预算执行率得分 **{score} / {weight}**。"
EXECUTION_IN_MANAGEMENT = "部门整体评分表不单列预算执行率，{label}在管理效率中计 **{score} / {points}** 分。"
STATED_RATE = "\n\n报告陈述的执行率为 {stated}，复算为 {recomputed}%，按其印刷精度{verdict}。"
NO_FINANCE = "数据中没有收支总额。"
NO_EARLIER_YEAR = "无上年数据：数据中没有 {year} 年之前的年度，无法同比。"
ONE_YEAR_ONLY = "只有一个年度的数据，没有趋势图。"
NO_SCORES = "*无评分结果。*"
NO_MANAGEMENT = "所用规则集没有管理效率（部门整体评分表）项目。"
NO_PRIOR = "无上年数据，无法同比。"
NO_UNREADABLE_TARGETS = "未发现无法解读的指标值。"
NO_MAIN_PROBLEMS = "未发现需要列为主要问题的事项。"
NO_IMPROVEMENTS = "暂无改进措施。"

# --------------------------------------------------------------------------- the reader filter (present.reader)

#: a data file as the reader knows it: 预算执行表
FILE_AS_TABLE = "{sheet}表"
DEVIATION_NOTE = "偏差原因"
AS_STATED = "按报告陈述的口径复算"
PROGRAM = "程序"
