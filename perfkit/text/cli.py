"""What the ``perfkit`` commands print: progress, results and errors of the command line.

Used by :mod:`perfkit.cli` and the commands defined beside their work
(:mod:`perfkit.ingest.workbook`: ``template``, ``import``, ``export``).
Templates take ``str.format`` placeholders.
"""
from __future__ import annotations

#: joins items of a list in a line
LIST_SEP = "、"
#: one problem under a failed command
PROBLEM_ITEM = "    - {problem}"

# --------------------------------------------------------------------------- template, import, export (ingest.workbook)

YEAR_EXISTS = "提示：{code} 已有 {year} 年的数据；要修改已有数据请用 perfkit export 导出后编辑"
IN_YEAR = "{year} 年"
TEMPLATE_WRITTEN = "已生成填报模板：{path}"
TEMPLATE_OF = "（{what}）"
CARRIED_OVER = "已沿用 {year} 年的评价范围、预算行和指标（上年完成值填入「上年实际值」）"
THEN_IMPORT = "填好后运行：perfkit import {path} --data {data}"
IMPORT_FAILED = "✗ {workbook}：{n} 个问题，未写入任何文件"
IMPORTED = "✓ 已导入 {name}（{code}）到 {target}，年度 {years}"
EXPORTED = "已导出 {name}（{code}）{years} 年的数据：{path}"
