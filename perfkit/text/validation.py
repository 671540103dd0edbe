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
