"""The words self-evaluation forms print: column headers, budget rows, block labels, end markers.

Headers are matched after removing whitespace and parenthesised notes
(``全年预算数(A)``, ``执行率(B/A)``, ``分值(分)``), so one entry covers the
ways a header is printed.  Each header maps to the role of its column.
"""
from __future__ import annotations

import re
from collections import Counter

from perfkit.extract.cells import LEVEL1_LABELS, LEVEL2_LABELS, compact, halfwidth
from perfkit.text.vocabulary import SOURCE_LINE_TYPE, TOTAL_LINE

# Recognised input, not output: every word of this module is matched against published forms.
RECOGNISED_INPUT = ("BUDGET_HEADERS", "INDICATOR_HEADERS", "INDICATOR_KEYS", "BUDGET_KEYS", "SECTION_WORDS",
                    "TOTAL_ROWS", "PART_ROWS", "END_WORDS", "ANCHORS", "GLUE_VOCAB", "BLOCK_POINTS",
                    "_SECTION_NUMBERED", "_PART_LEAD", "CUT_OFF", "_NOTE_MARK", "_NOTE_WORD", "_ALONE_END_WORDS",
                    "_NOT_GLUE", "_GLUE_BEFORE_NOTE")
# Column roles of the budget block.
BUDGET_HEADERS = {
    "年初预算数": "budget_original", "年初预算": "budget_original", "年初预算数额": "budget_original",
    "全年预算数": "budget", "调整后预算数": "budget", "预算数": "budget", "全年调整预算数": "budget",
    "调整预算数": "budget", "全年预算": "budget",
    "全年执行数": "executed", "预算执行数": "executed", "执行数": "executed", "实际执行数": "executed",
    "全年实际执行数": "executed",
    "分值": "weight", "权重": "weight", "执行率权重": "weight",
    "执行率": "rate", "预算执行率": "rate",
    "得分": "score", "执行率得分": "score",
    "原因": "note",
}
# Column roles of the indicator block.
INDICATOR_HEADERS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name", "指标名称": "name", "指标类别": "level0",
    "年度指标值": "target", "指标值": "target", "年初目标值": "target", "年初指标值": "target", "年度目标值": "target",
    "目标值": "target", "预期指标值": "target",
    "调整指标值": "ignore", "全年调整指标值": "ignore",
    "实际完成值": "actual", "全年实际值": "actual", "完成值": "actual", "全年完成值": "actual",
    "全年实际完成值": "actual", "实际值": "actual",
    "分值": "weight", "权重": "weight", "指标权重": "weight", "参考分值": "weight",
    "得分": "score", "自评得分": "score", "指标得分": "score",
    "偏差原因分析及改进措施": "note", "未完成原因分析": "note", "未完成原因及拟采取的改进措施": "note",
    "扣分原因和其他说明": "note", "未完成原因分析及改进措施": "note", "偏差原因分析": "note", "偏差原因": "note",
    "指标性质": "nature", "度量单位": "unit", "计量单位": "unit", "评分标准": "criterion",
    "指标分值": "weight", "指标解释": "criterion", "指标说明及评分标准": "criterion", "评分细则": "criterion",
    "序号": "ignore",
    "得分系数": "coefficient", "是否核心指标": "flag",
}
INDICATOR_KEYS = ("一级指标", "二级指标", "三级指标", "指标名称")
BUDGET_KEYS = ("年初预算数", "年初预算", "全年预算数", "调整后预算数", "全年执行数", "预算执行数", "执行数", "预算数",
               "执行率", "预算执行率")
# Cells around a header that are no column of their own (merged section labels).
SECTION_WORDS = ("项目资金", "资金情况", "预算执行情况", "年度预算数", "绩效指标", "年度绩效指标完成情况",
                 "年度绩效指标", "绩效目标", "项目资金万元", "资金情况万元", "年度资金", "预算执行情况万元")

# Budget rows: the total, and the parts the forms list under it.
TOTAL_ROWS = ("年度资金总额", "年度财政资金总额", "资金总额", "总额", "年度资金总额A", "项目资金总额")
PART_ROWS = ("本年财政拨款", "当年财政拨款", "财政拨款", "财政资金", "上年结转资金", "上年结转", "其他资金",
             "财政专户管理资金", "单位资金", "中央财政资金", "地方财政资金", "省级资金", "市级资金", "县级资金")
# Cells that end an indicator block.
END_WORDS = ("总分", "合计", "评价结论", "存在问题", "改进措施", "备注", "项目负责人", "财务负责人", "填表人",
             "偏差大或目标未完成原因分析", "说明")
ANCHORS = ("一级指标", "二级指标", "三级指标", "年初预算数", "全年预算数", "全年执行数", "调整后预算数", "年度指标值")

_NOTE = re.compile(r"[（(][^（()）]{0,12}[)）]")
# a section label with its points or number run into it (绩效指标2, 预算执行情况10分)
_SECTION_NUMBERED = re.compile(r"(?:预算执行情况|绩效指标)\d*分?")
# a part row's lead word (其中：本年财政拨款)
_PART_LEAD = re.compile(r"^其中[:：]?")
# the end marker of a source cut off ([…]), and the note marker (注：) that ends a block
CUT_OFF = "截断"
_NOTE_MARK = re.compile(r"^注[:：0-9１]")
_NOTE_WORD = "注"
# end words that may open a cell that is no end marker: they end a block only alone or before : or |
_ALONE_END_WORDS = ("说明", "合计")


def header_key(text) -> str:
    """Return a cell as a header is looked up: no whitespace, no parenthesised notes, no trailing colon."""
    s = halfwidth(compact(text))
    s = _NOTE.sub("", s)
    return s.rstrip(":：").replace("(", "").replace(")", "")


def _anagram_key(segment: str, table: dict[str, str]) -> str | None:
    """Return the header ``segment`` is as OCR read it, or None.

    OCR of a narrow cell prints a header's characters out of order (考值参分 for
    参考分值), one of them twice (年成值全完值 for 全年完成值), or one of five or
    more misread as another (年初预匏数 for 年初预算数).
    """
    if len(segment) < 4:
        return None
    have = Counter(segment)
    for k in table:
        want = Counter(k)
        extra = have - want
        if len(k) >= 4 and not want - have and (not extra or (sum(extra.values()) == 1 and set(extra) <= set(k))):
            return k
        if len(k) == len(segment) >= 5 and sum(a != b for a, b in zip(k, segment)) == 1:
            return k
    return None


_NOISE = re.compile(r"^[,，、.:：A-Za-z]{1,4}(?![A-Za-z])")


def _segments(key: str, table: dict[str, str]) -> list[str] | None:
    """Return ``key`` cut into headers (each printed as is or with its characters out of order), or None."""
    if not key:
        return []
    noise = _NOISE.match(key)
    if noise:  # OCR debris between headers (the ",A、" left of "(A)")
        return _segments(key[noise.end():], table)
    for end in range(len(key), 1, -1):
        head = key[:end]
        known = head if head in table else _anagram_key(head, table)
        if known is None:
            continue
        rest = _segments(key[end:], table)
        if rest is not None:
            return [known] + rest
    return None


def header_parts(text, table: dict[str, str], following="") -> tuple[list[str], str]:
    """Return the headers one header cell holds and the fragment it lends to the next cell.

    OCR of a form run together reads several headers as one cell
    (``考值参分指标值(八)`` is 参考分值 and 指标值, the first with its
    characters out of order) and cuts a header across two cells
    (``指标权重(分)指标`` + ``得分(分)``: the trailing 指标 belongs to 指标得分).
    ``following`` is the next cell.  An empty list: the cell is no header.
    """
    key = header_key(text)
    if key in table:
        return [key], ""
    parts = _segments(key, table)
    if parts:
        return parts, ""
    nxt = header_key(following)
    for cut in range(len(key) - 1, 1, -1):
        lent = key[cut:]
        parts = _segments(key[:cut], table)
        if parts and len(lent) <= 4 and nxt and lent + nxt in table:
            return parts, lent
    return [], ""


def is_section_word(text) -> bool:
    """Return True for a merged section label beside a header (``项目资金（万元）``, ``绩效指标``)."""
    key = header_key(text)
    return key in SECTION_WORDS or bool(_SECTION_NUMBERED.fullmatch(key))


def budget_row(text) -> tuple[str, str] | None:
    """Return (line, line_type) for a budget row label (``其中:本年财政拨款`` → (本年财政拨款, 资金来源)), or None."""
    key = header_key(text)
    if key in TOTAL_ROWS:
        return TOTAL_LINE, TOTAL_LINE
    part = _PART_LEAD.sub("", key)
    if part in PART_ROWS or (part != key and 2 <= len(part) <= 12 and not re.search(r"\d", part)):
        return part, SOURCE_LINE_TYPE
    return None


def end_word(text) -> str | None:
    """Return the end marker a cell starts with (``总分``, ``注:``, ``评价结论`` …), or None."""
    key = compact(text)
    if key.startswith("[…") or key.startswith("[..."):
        return CUT_OFF
    if _NOTE_MARK.match(key) or key == _NOTE_WORD:
        return _NOTE_WORD
    for word in END_WORDS:
        if key.startswith(word) and (len(key) == len(word) or word not in _ALONE_END_WORDS or key[len(word)] in ":：|"):
            return word
    return None


# Printed words that cut run-together text (OCR of a document preview) into cells.  Only words that
# never occur inside an indicator's name: 执行率 or 得分 alone would cut 政府采购执行率 in two.
GLUE_VOCAB = ("年初预算数", "全年预算数", "全年执行数", "调整后预算数", "预算执行数", "一级指标", "二级指标", "三级指标",
              "年度指标值", "实际完成值", "全年实际值", "全年完成值", "年初目标值", "年初指标值", "调整指标值",
              "偏差原因分析及改进措施", "未完成原因分析及改进措施", "未完成原因及拟采取的改进措施", "未完成原因分析",
              "扣分原因和其他说明", "指标性质", "度量单位", "计量单位", "评分标准", "指标名称", "得分系数", "是否核心指标",
              "执行率权重", "执行率得分", "预算数(A)", "执行数(B)", "执行率(B/A)", "全年预算数(A)", "全年执行数(B)",
              "其中:本年财政拨款", "其中：本年财政拨款", "上年结转资金", "其他资金", "总分", "年度总体目标",
              "年度总体目标完成情况综述", "年初设定目标", "项目名称", "主管部门", "实施单位", "注:", "备注:",
              "项目资金(万元)", "资金情况(万元)", "预算执行情况(万元)", "年度资金总额:", "年度资金总额",
              "年度财政资金总额")
# tier-2 labels left out of the cutting words: indicator names may hold them
_NOT_GLUE = {"经济效益", "社会效益", "生态效益"}
# 得分 and 执行率 cut a run only before their parenthesised note (得分（20分）)
_GLUE_BEFORE_NOTE = r"得分(?=[（(])|执行率(?=[（(])"


def _glue_pattern() -> re.Pattern:
    words = set(GLUE_VOCAB) | set(LEVEL1_LABELS) | set(LEVEL2_LABELS) - _NOT_GLUE
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:{alternation}|{_GLUE_BEFORE_NOTE})(?:[（(][^（()）]{{0,10}}[)）])?")


GLUE_WORDS = _glue_pattern()

# The points a block label or an execution row prints after it, 产出指标（50分）: no spaces inside.
BLOCK_POINTS = re.compile(r"[（(](\d+(?:\.\d+)?)分[)）]")
