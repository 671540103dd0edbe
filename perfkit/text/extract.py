"""What ``perfkit extract`` says: the confidence words, notes on how a value was read, the draft's records.

Used by :mod:`perfkit.extract` (model, assemble, draft, writer, command, text).
The words of published forms that extraction recognises are not here: they are
input, kept beside the code that matches them (``RECOGNISED_INPUT``).
Templates take ``str.format`` placeholders.
"""
from __future__ import annotations

from types import MappingProxyType

#: joins items of a list in a line
LIST_SEP = "、"
#: how sure a reading is: high, medium, low (see perfkit.extract.model)
CONFIDENCE_LEVELS = ("高", "中", "低")
#: where in a source: 第 3 页 第 12 行
AT_PAGE = "第 {page} 页 "
AT_LINE = "第 {line} 行"

# --------------------------------------------------------------------------- reading notes (assemble, draft, text)

AT_TITLE = "{file}:标题"
WHOLE_SCOPE_NAME = "{name}部门整体支出"
LEVEL_UNSTATED = "报告未写明层级，按{kind}记录"
LEVEL_BY_HEADING = "报告以小标题「{section}」分述，按{kind}记录"
#: an actual read from a stated change: 同比下降13.8%
STATED_CHANGE = "同比{direction}{amount}"
ACTUAL_FROM_SENTENCE = "表中未列完成值；按指标名称取自叙述中的句子"
TAKEN_WHAT = MappingProxyType({"actual": "完成值", "prior_actual": "上年值"})
TAKEN_FROM_SENTENCE = "{what}取自{where}「{sentence}」，按指标名称对应，需复核"
NO_YEAR = "来源中没有找到评价年度（如“2023年度”），请用 --year 指定"
NOTHING_READ = "没有读到任何自评表或陈述数字；扫描件（没有文字层）的 PDF 需先做文字识别"
DOCUMENT_NOTES = "（{notes}）"
NOTES_SEP = "；"
WHOLE_TEXT = "全文（{mode}）"
MODE_NAMES = MappingProxyType({"pipe-cells": "每行一格、以 | 分隔", "pipe-rows": "每行一行、以 | 分隔",
                               "paragraph-cells": "每段一格", "lines": "每行一行、以空格分隔",
                               "flat": "整表一段、以空格分隔", "glued": "整表一段、无分隔"})

# --------------------------------------------------------------------------- the draft's files (writer)

CONFIDENCE_NOTE = ("把握：**高** = 表头下的单元格，按位置读取；**中** = 按内容推定（复制时丢了空单元格、沿用合并单元格的标签、"
                   "按指标名称从叙述中对应）；**低** = 从没有分隔的连续文字中拆出，或从 OCR 乱码中恢复。")
ASSUMPTIONS_TITLE = "# 假设记录：{name}（perfkit extract 草稿）"
ASSUMPTIONS_SOURCE = "来源：{inputs}。本目录由 `perfkit extract` 自动生成；每个值的出处与把握见 `extraction.md`。"
ASSUMPTIONS_INTRO = "下列内容不是来源原文直接给出的，逐条说明；CSV 中对应行的 `assumption` 列也写明了。"
BULLET = "- {text}"
ROW_ASSUMPTION = "- {file}「{key}」：{assumption}"
NOT_WRITTEN = "（未写入）"
TO_REVIEW = "待复核"
RECORD_TITLE = "# 提取记录：{name}（{code}）{year} 年"
RECORD_SOURCE = ("来源：{inputs}。由 `perfkit extract` 自动读取，**未经人工核对**：请对照原件逐项复核，"
                 "改正后运行 `perfkit check` 复算。")
RECORD_COUNTS = "共写入 {n} 个值：高 {high}、中 {medium}、低 {low}；{reviews} 处读到但未写入（需人工判断）。"
READING_NOTES = "## 读取说明"
REVIEWS = "## 未写入、需人工判断的内容"
REVIEWS_HEAD = "| 内容 | 原文 | 位置 | 原因 |"
NONE = "（无）"
SKIPPED = "## 跳过的行（占位行、未印数值的行）"
WRITTEN = "## 写入的值"
WRITTEN_HEAD = "| 行（代码） | 列 | 值 | 出处 | 把握 | 原文 | 说明 |"
DRAFT_HEADER = "perfkit extract 从 {inputs} 提取的草稿：每个值的出处与把握见 extraction.md，请逐项复核后再使用。"

# --------------------------------------------------------------------------- perfkit extract (command)

NO_FILE = "文件不存在"
UNSUPPORTED = "不支持的文件类型：应为文本（.txt）、Excel（.xlsx）、Word（.docx）或带文字层的 PDF（旧版 .doc/.xls 请先另存为新格式）"
FILE_ROWS = "{file} {n} 行"
DRAFT_WRITTEN = "已写入草稿 {target}（{year} 年）：{sizes}"
DRAFT_COUNTS = ("共 {n} 个值：把握高 {high}、中 {medium}、低 {low}；{reviews} 处读到但未写入，需人工判断。"
                "出处与把握见 {record}")
NOTICE = "提示：{note}"
NEXT_STEP = "下一步：复核草稿后运行 perfkit check --data {data} --dept {dept}"
