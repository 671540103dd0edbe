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

# --------------------------------------------------------------------------- labels of stated figures (sentences)

#: 全年预算数…执行数…完成预算的…% of a subject (the subject may be empty: the whole department)
BUDGET_LABEL = "{subject}全年预算数"
EXECUTED_LABEL = "{subject}执行数"
RATE_LABEL = "{subject}预算执行率"
#: a stated change: 案件类警情同比下降
CHANGE_LABEL = "{subject}同比{direction}"
#: the subject of one of several changes stated together that the sentence does not name one by one
NTH_ITEM = "第{n}项"
#: a value stated for two years (2022年与2023年…均为…%), and the subject when the sentence names none
YEAR_LABEL = "{year}年{subject}"
THIS_ITEM = "该项"

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

# --------------------------------------------------------------------------- the draft (draft)

NO_AMOUNTS = "来源未给出该范围的预算数和执行数，金额留空（数据格式要求每个范围有合计行）"
DRAFT_SOURCE = "perfkit extract 从 {inputs} 提取的草稿（出处与把握见 extraction.md）"
RULE_SET_CHOSEN = "评分规则集取 `{rule_set}`：{why}"
RULE_SET_EXEC20 = "表中预算执行率为 20 分（旧版 20 分制表）"
RULE_SET_DEFAULT = "来源未写明所用规则，取现行全国办法 财预〔2020〕10号"
NO_NAME = "来源中未找到单位名称，部门名称暂用部门代码"
AT_TABLE = "{file}:{where} 表{n}"
PROJECT_LEVEL_UNSTATED = "来源未写明项目层级，按{kind}记录"
TABLE_NAME = "表{n}"
NO_PROJECT_NAME = "来源未印出项目名称与层级，按一级项目记录"
NO_UNIT = "表头未写金额单位，按万元记录"
LINE_WITHOUT_AMOUNTS = "{where} 预算行「{line}」未印金额"
LINE_RATE = "{line}执行率"
EXECUTION_SCORE = "预算执行率得分"
NAME_ONLY = "{where} 指标「{name}」只有名称、没有任何数值（表可能在此截断）"
#: the 一级/二级指标 of a table without those columns
INDICATORS = "绩效指标"
NO_LEVEL_COLUMNS = "表中没有一级/二级指标列，按所在层级填写"
DUPLICATE_MARK = "（重）"
DUPLICATE_NAME = "同一表中指标名称重复，名称后加「（重）」区分"
AMOUNTS_INFERRED = "报告未用“全年预算数/执行数”的说法，按句中“预算/安排/下达…”与“执行/支付…”推定"
TOTAL_FROM_SENTENCES = "合计行的金额取自叙述中的句子（见 extraction.md），需复核"

# --------------------------------------------------------------------------- cells and tables (cells, tables)

OCR_LETTERS = "疑似 OCR 把数字识别为字母（「{text}」）"
OCR_SIGN = "疑似 OCR 把「{sign}」识别为「{letter}」（原文「{text}」，可能为 {sign}{number}{unit}）"
OCR_GE = "疑似 OCR 把「≥」识别为「2」（原文「{text}」，可能为 ≥{rest}）"
BLOCK_WITHOUT_NAME = "一级指标名称未印出（只有分值），按二级指标推定"
OCR_SCRAMBLED = "原文「{text}」字序错乱（OCR），按所含文字推定为「{restored}」"
OCR_GARBLED = "原文「{text}」为 OCR 乱码，含「{restored}」的文字"
LINE_FIELD = "预算行「{line}」的{role}"
PLACED_BY_CONTENT = "按内容推定所在列"
LEVEL1_FROM_LEVEL2 = "一级指标按其下的二级指标推定"
LEVEL1_NOT_PRINTED = "一级指标未印出，按二级指标推定"
NO_LEVEL1 = "表中没有一级指标"
NO_LEVEL2 = "表中没有二级指标"
PLACEHOLDER_ROW = "{where} 占位行「{text}」"
INDICATOR_FIELD = "指标「{name}」的{field}"
NOT_A_NUMBER = "不是数字"
INDICATOR_HEADER = "指标表的表头"
HEADER_READ_AS = "{where} 表头「{text}」读作「{parts}」（OCR 字序错乱、错字或几格连写）"
HEADER_PARTS_SEP = "」「"
TOTAL_FROM_HEAD = "总分取自表头"
UNIT_GARBLED = "疑似 OCR 乱码（原文「{text}」中「{unit}」不是可读的单位）"
UNREADABLE_HEADER = "表头中有无法识别的单元格（可能是 OCR 乱码），各列含义不明，本表指标行未读取"

# --------------------------------------------------------------------------- reading files (docx, pdf, xlsx, text)

NOT_DOCX = "无法读取 Word 文件（{error}）：应为 .docx 文件"
DOCX_CELL = "表 {table} 第 {row} 行第 {column} 列"
DOCX_TABLE = "表 {table}"
NOT_PDF = "无法读取 PDF（{error}）"
PDF_CELL = "第 {page} 页 表 {table} 第 {row} 行第 {column} 列"
PDF_TABLE = "第 {page} 页 表 {table}"
NO_TEXT_LAYER = ("{file} 第 {pages} 页没有文字层（扫描件）：perfkit 不做文字识别（OCR），"
                 "请先用文字识别软件转成文字或带文字层的 PDF 后再提取")
NOT_XLSX = "无法读取工作簿（{error}）：应为 Excel .xlsx 文件"
XLSX_CELL = "工作表「{sheet}」{cell}"
XLSX_SHEET = "工作表「{sheet}」"
UNKNOWN_ENCODING = "无法识别文本编码：应为 UTF-8 或 GB18030"
#: a sentence's 年初…预算 read as the opening budget
ORIGINAL_FROM_SENTENCE = "按句中“年初…预算”推定为年初预算数"
