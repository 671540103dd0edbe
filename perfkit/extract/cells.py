"""Reading single cells: whitespace and full-width forms, numbers, indicator labels, OCR garble.

Cells are kept as printed wherever the data format says "照原文" (targets,
actual values, names); only what copying did to them is undone: whitespace
inside Chinese text, full-width digits in values, non-breaking spaces.  OCR
garble (``≥`` read as ``2``, ``≤`` as ``Q``, letters for digits) is detected and
reported, never turned into a number.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from perfkit.text import extract as extract_text
from perfkit.text.vocabulary import POINTS_UNIT, RATIO_KIND, WAN_SHORT, WAN_YUAN, YUAN

# Recognised input, not output: units, block labels and patterns of published forms.
RECOGNISED_INPUT = ("CJK", "AMOUNT_UNITS", "QUANTITY_UNITS", "QUANTITY_RE", "PLACEHOLDER_RE", "POINTS_RE",
                    "LEVEL1_LABELS", "LEVEL1_OTHER", "LEVEL2_LABELS", "LEVEL1_OF_LEVEL2", "_LEVEL2_FULL",
                    "_SATISFACTION", "_LEVEL1_STEMS", "INDICATOR_SUFFIX")
CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{CJK}（）()：:，、《》“”])\s+(?=[{CJK}（）()：:，、《》“”])")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")

AMOUNT_UNITS = ("万元", "元")
# Units a quantity may carry in an indicator cell; longest first so 万元 wins over 元.
QUANTITY_UNITS = ("万元", "百分比", "公里", "厘米", "小时", "人次", "元", "个", "人", "米", "亩", "只", "头", "次",
                  "份", "篇", "户", "项", "所", "宗", "架", "台", "座", "间", "天", "家", "件", "套", "辆", "期",
                  "场", "批", "处", "条", "%", "‰")
COMPARATORS = "≥≤=<>＞＜＝≧≦"
_NUM = r"\d+(?:\.\d+)?"
NUMBER_RE = re.compile(rf"^[+-]?{_NUM}$")
_UNIT_ALT = "|".join(re.escape(u) for u in QUANTITY_UNITS)
QUANTITY_RE = re.compile(rf"^(?:[{COMPARATORS}]|不低于|不高于|不少于|不超过|大于|小于|达到)?\s*{_NUM}\s*(?:{_UNIT_ALT})?(?:以上|以下|以内)?$")
SENTENCE_MARKS = re.compile(r"[，。；;！？]|,.{6,}")
DASHES = {"-", "—", "——", "/", "／", "－", "–", "\\"}
PLACEHOLDER_RE = re.compile(r"^(?:指标\s*[0-9０-９LlI一二三]*\s*[:：]?\s*/?|…+|\.{3,}|。{3,}|·{3,})$")
POINTS_RE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
# the units an amount, weight or score cell may print after its number (万元 tried before 万 and 元)
_NUMBER_UNITS = (WAN_YUAN, YUAN, POINTS_UNIT, WAN_SHORT)
# a satisfaction target (满意度≥90%) is where an OCR'd ≥ reads as a leading 2
_SATISFACTION = "满意"
# a tier-1 label is its stem and 指标 (产出指标, 效益指标 …)
_LEVEL1_STEMS = ("产出", "效益", "满意度", "成本")
INDICATOR_SUFFIX = "指标"

# --------------------------------------------------------------------------- whitespace and width


def clean(text) -> str:
    """Return ``text`` with copying damage undone: spaces collapsed, spaces between Chinese characters removed."""
    if text is None:
        return ""
    s = _SPACES.sub(" ", str(text).replace("\r", "")).strip()
    s = re.sub(r"\s*\n\s*", "\n", s)
    s = _CJK_GAP.sub("", s)
    return s


def one_line(text) -> str:
    """Return a cell's text on one line: breaks inside Chinese text vanish, others become a space."""
    s = clean(text)
    s = re.sub(rf"(?<=[{CJK}（(])\n(?=[{CJK}）)])", "", s)
    return _CJK_GAP.sub("", s.replace("\n", " ")).strip()


def halfwidth(text: str) -> str:
    """Return ``text`` with full-width digits, letters and ASCII signs made half-width (Chinese punctuation kept)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A or ch in "％．＋－＝＜＞":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


def value_text(text) -> str:
    """Return a value cell as the data format keeps it: one line, half-width digits, no inner spaces in numbers."""
    s = halfwidth(one_line(text))
    s = re.sub(r"(?<=\d)\s+(?=[%‰\d.])|(?<=[.])\s+(?=\d)", "", s)
    s = re.sub(rf"(?<=[{COMPARATORS}])\s+(?=\d)", "", s)
    return s.strip()


def compact(text) -> str:
    """Return ``text`` without any whitespace (for matching labels)."""
    return re.sub(r"\s+", "", str(text or ""))


# --------------------------------------------------------------------------- values


def is_dash(text) -> bool:
    """Return True for a cell printed as a dash or slash (not applicable)."""
    return compact(text) in DASHES


def read_number(text) -> float | None:
    """Return the bare number in an amount, weight or score cell (``1,234.5万元`` → 1234.5); None if it holds none."""
    s = halfwidth(compact(text)).replace(",", "").replace("，", "")
    for unit in _NUMBER_UNITS:
        if s.endswith(unit):
            s = s[: -len(unit)]
            break
    return float(s) if NUMBER_RE.match(s) else None


def read_rate(text) -> tuple[float, str] | None:
    """Return an execution rate in percent and how it was printed (``86%`` → (86, "%"), ``1`` → (100, "比率"))."""
    s = halfwidth(compact(text))
    if s.endswith("%") and NUMBER_RE.match(s[:-1]):
        return float(s[:-1]), "%"
    if NUMBER_RE.match(s) and float(s) <= 1.5:
        return float(s) * 100, RATIO_KIND
    return None


def is_quantity(text) -> bool:
    """Return True for a quantity cell: a number with a comparator or unit (``≥95%``, ``29.5亩``, ``263``)."""
    return bool(QUANTITY_RE.match(value_text(text)))


def is_sentence(text) -> bool:
    """Return True for prose (a deviation note, a footnote): sentence punctuation or length."""
    s = compact(text)
    return bool(SENTENCE_MARKS.search(s)) or len(s) > 30


def is_placeholder(text) -> bool:
    """Return True for a template's placeholder row name (``指标2``, ``指标1:``, ``……``)."""
    return bool(PLACEHOLDER_RE.match(compact(text)))


# Letters OCR puts where digits or signs were, and what they stand for.
_OCR_SIGNS = {"Q": "≤", "W": "≤", "2": "≥"}
_LETTER_FOR_NUMBER = re.compile(rf"(?<![A-Za-z])[OoIl](?=(?:{_UNIT_ALT})$)")
_LETTER_IN_NUMBER = re.compile(r"(?<![A-Za-z])(?:[OoIlL](?=[\d.%])|(?<=\d)[OoIlL]|^[A-Z](?=\.\d))")


def garble(text, target: str | None = None) -> str | None:
    """Return why a value cell looks like OCR garble (to be reviewed, not read), or None.

    ``target``, when given, is the row's target: an actual of ``290%`` against a
    target of ``90%`` is a ``≥`` read as ``2``.
    """
    s = halfwidth(compact(text))
    if not s:
        return None
    if s in ("IO", "lO", "Il", "O", "o"):
        return extract_text.OCR_LETTERS.format(text=s)
    m = re.match(r"^([QW2])(\d+(?:\.\d+)?)(%|[^\d.%]*)$", s)
    if m and m.group(1) in "QW":
        return extract_text.OCR_SIGN.format(sign=_OCR_SIGNS[m.group(1)], letter=m.group(1), text=s, number=m.group(2),
                                            unit=m.group(3))
    if m and m.group(3) == "%" and float(s[:-1]) > 100 and float(m.group(2)) <= 100:
        rest = f"{m.group(2)}%"
        if target is None or compact(target).lstrip(COMPARATORS + "≥≤") == rest or _SATISFACTION in str(target):
            return extract_text.OCR_GE.format(text=s, rest=rest)
    if _LETTER_IN_NUMBER.search(s) and re.search(r"\d", s):
        return extract_text.OCR_LETTERS.format(text=s)
    if _LETTER_FOR_NUMBER.search(s):
        return extract_text.OCR_LETTERS.format(text=s)
    return None


# --------------------------------------------------------------------------- indicator labels

LEVEL1_LABELS = ("产出指标", "效益指标", "满意度指标", "成本指标", "服务对象满意度指标")
# Whole-department and municipal forms group indicators under these instead.
LEVEL1_OTHER = ("投入", "过程", "产出", "效益", "效果", "满意度", "决策", "管理", "履职效能", "项目决策", "项目管理",
                "项目产出", "项目效益", "部门管理", "部门决策", "部门产出", "部门效益")
LEVEL2_LABELS = ("数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
                 "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
                 "服务对象满意度", "满意度指标", "经济效益", "社会效益", "生态效益")
# Which tier-1 group a tier-2 label belongs to, for a block whose tier-1 label was lost.
LEVEL1_OF_LEVEL2 = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
    "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标", "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标", "服务对象满意度": "满意度指标", "满意度指标": "满意度指标",
}
_LEVEL2_FULL = {"经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标"}



@dataclass(frozen=True)
class Label:
    """A block label of an indicator table: which tier, its name in the data, and its printed points."""

    kind: str            # level1 / level2 / either (满意度指标, 成本指标: tier by position) / block (tier by position)
    name: str | None     # None when the printed label lost its text (only "(50分)" left)
    points: float | None
    note: str = ""


def _anagram_of(base: str) -> str | None:
    """Return the tier-1 label whose characters ``base`` holds, in any order (OCR of vertical text)."""
    have = Counter(base)
    for label in LEVEL1_LABELS[:3]:
        if all(have[c] >= n for c, n in Counter(label).items()) and len(base) <= len(label) + 6:
            return label
    return None


def label_of(text) -> Label | None:
    """Return the block label a cell holds (``产出指标(50分)``, ``数量指标``, ``(30分)``), or None for other cells."""
    s = halfwidth(compact(text)).replace("：", ":").rstrip(":")
    m = POINTS_RE.search(s)
    points = float(m.group(1)) if m else None
    base = POINTS_RE.sub("", s).strip(":")
    if not base:
        return Label("block", None, points, extract_text.BLOCK_WITHOUT_NAME) if points is not None else None
    if len(base) > 14 or re.search(r"\d", base):
        return None
    in1, in2 = base in LEVEL1_LABELS, base in LEVEL2_LABELS
    if in1 and in2:
        # 成本指标 is tier 1 in the 2022 forms and tier 2 under 产出指标 in the older ones: its place says which
        return Label("either", _LEVEL2_FULL.get(base, base), points)
    if in1 or base in LEVEL1_OTHER:
        return Label("level1", base, points)
    if in2:
        return Label("level2", _LEVEL2_FULL.get(base, base), points)
    if base.endswith(INDICATOR_SUFFIX) and base[:-2] in _LEVEL1_STEMS:
        return Label("level1", base, points)
    if points is not None and len(base) <= 10:
        return Label("block", base, points)
    restored = _anagram_of(base)
    if restored and sorted(base) == sorted(restored):
        return Label("level1", restored, points, extract_text.OCR_SCRAMBLED.format(text=text, restored=restored))
    if restored:
        return Label("garbled", restored, points, extract_text.OCR_GARBLED.format(text=text, restored=restored))
    return None


def level1_for(level2: str | None) -> str | None:
    """Return the tier-1 group of a tier-2 label (数量指标 → 产出指标), None when unknown."""
    return LEVEL1_OF_LEVEL2.get(level2 or "")
