"""Reading 年度指标值 and 实际完成值 as they are written in published tables.

Published tables write the same target a dozen ways (``≥95%``, ``不低于95%``,
``95%以上``, ``≧95%``, a bare ``95%``; domain.md §7).  :func:`parse_target`
turns each spelling into one :class:`Target`, and says in Chinese how it read
it, so that a reader can check the reading instead of trusting it.

Parsing is cached per distinct spelling: a batch has a few thousand spellings
over a million rows, and :mod:`perfkit.score.scoring` parses each spelling once.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from perfkit.text import formats, judging, labels
from perfkit.text.vocabulary import LEVELS, MET, POINTS

KINDS = ("quantitative", "qualitative", "directional", "blank", "unreadable")
OPS = (">=", ">", "=", "<=", "<")
OP_SYMBOLS = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<"}
DIRECTION_LABELS = labels.DIRECTIONS
# Recognised input, not output (the constants named here and the regular expressions built of them
# are what perfkit reads in a 指标值 or 实际完成值).
RECOGNISED_INPUT = ("COUNT_UNITS", "_PREFIX_OPS", "_REACH_OPS", "_SUFFIX_OPS", "_BLANKS", "_NOT_APPLICABLE",
                    "_UNIT_ALIASES", "_DIR_WORDS", "_DIR_CONTEXT", "_DIR_STEADY", "_DIR_DEGREE", "_DIRECTION_RE",
                    "_LEVEL_RES", "_DATE_RES", "_DATE_REST_RE", "_PERCENT_WORD_RE", "_NAME_TARGET_RE", "_HOLD_AT",
                    "_NATURE_OPS", "_NATURE_KINDS")
# Units of counted things: a count printed without decimals is exact, not rounded.
COUNT_UNITS = ("个", "人", "次", "项", "份", "篇", "架", "只", "头", "户", "家", "所", "座", "台", "辆", "件", "宗",
               "人次", "场", "期", "批", "套", "处", "条", "张", "本", "名", "艘", "间", "株", "棵", "天", "日", "周",
               "月", "个月", "年")



@dataclass(frozen=True)
class Target:
    """One 年度指标值 or 实际完成值, read.

    Attributes
    ----------
    text : str
        The cell as written (stripped).
    kind : str
        ``quantitative``, ``qualitative``, ``directional``, ``blank`` or ``unreadable``.
    op : str or None
        ``>=``, ``>``, ``=``, ``<=``, ``<``; None when there is no number to compare.
    value : float or None
        The number as written (``95%`` gives 95.0, ``0.1`` gives 0.1); for a
        directional text, the stated amount of change (``同比下降13.8%`` gives 13.8).
    unit : str or None
        ``%``, ``万元``, ``个`` … (``百分比`` is read as ``%``, ``个百分点`` as ``百分点``).
    direction : str or None
        ``up``, ``down`` or ``keep`` for directional texts.
    level : str or None
        For stock phrases: ``达成``, ``基本达成``, ``部分达成`` or ``未达成``.
    deadline : str or None
        ``YYYY-MM`` or ``YYYY-MM-DD`` for dates (``2021年12月完成``); ``--MM`` without a year.
    implicit_op : bool
        True when no operator was written and a bare value is read as ``≥``.
    op_written : bool
        True when a bound was written (a symbol or a word such as 不低于/以上/以内);
        an actual with a written bound copies its target instead of measuring.
    reading : str
        How perfkit read the text, in Chinese, for tables and reasons.
    from_name : bool
        True when the target was recovered from the indicator's name (:func:`target_from_name`).
    not_applicable : bool
        True for a cell written —, -, / or 无: "not applicable" to the form's author.  The
        kind stays ``blank`` (nothing to compare), but an empty cell means unknown instead.
    decimals : int or None
        Decimals of the number as printed (``72.74%`` → 2), which set its precision.
    """

    text: str
    kind: str
    op: str | None = None
    value: float | None = None
    unit: str | None = None
    direction: str | None = None
    level: str | None = None
    deadline: str | None = None
    implicit_op: bool = False
    op_written: bool = False
    reading: str = ""
    from_name: bool = False
    not_applicable: bool = False
    decimals: int | None = None

    def canonical(self) -> str:
        """Return the target in one spelling (``≥95%``), or the text itself when not numeric."""
        if self.kind == "quantitative":
            return f"{OP_SYMBOLS.get(self.op or '', '')}{fmt_number(self.value)}{self.unit or ''}"
        return self.text


def fmt_number(x: float | None) -> str:
    """Return a number without trailing zeros (``100.0`` → ``100``, ``99.255`` → ``99.255``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --------------------------------------------------------------------------- vocabulary
# Longest words first, so 不低于 wins over 低于 and 及以上 over 以上.

_PREFIX_OPS = {
    ">=": ["不低于", "不少于", "不小于", "不短于", "至少", "最少", "大于等于", "大于或等于", "高于或等于",
           "不得低于", "不得少于", "≥"],
    ">": ["高于", "大于", "多于", "超过", "超出", ">"],
    "<=": ["不高于", "不超过", "不多于", "不大于", "不超出", "不长于", "小于等于", "小于或等于", "最多", "至多",
           "不得超过", "不得高于", "控制在", "≤"],
    "<": ["低于", "小于", "少于", "不足", "<"],
    "=": ["等于", "="],
}
# Words that name the value to reach rather than a bound: 达到95% is a target
# read as ≥95%, but as an actual it is a measurement, not a copied operator.
_REACH_OPS = {
    ">=": ["达到", "提高到", "提高至", "提升到", "提升至", "增长到", "增长至", "增加到", "增加至", "上升到",
           "上升至", "保持在", "达"],
    "<=": ["降至", "降到", "下降到", "下降至", "降低到", "降低至", "减少到", "减少至", "压缩到", "压缩至"],
}
_SUFFIX_OPS = {
    ">=": ["及以上", "或以上", "以上"],
    "<=": ["及以下", "或以下", "以下", "以内", "之内", "内"],
}
_BLANKS = {"", "-", "--", "—", "——", "－", "/", "\\", "无", "暂无", "不适用", "n/a", "na", "null", "none", "nan",
           "…", "...", "_"}
# Of the blanks, those an author writes to say "not applicable" (an empty cell means unknown).
_NOT_APPLICABLE = {"-", "--", "—", "——", "－", "/", "\\", "无", "不适用", "n/a", "na"}

_UNIT_ALIASES = {"百分比": "%", "百分之": "%", "％": "%", "个百分点": "百分点", "元/": "元/"}

_DIR_WORDS = {
    "down": ["下降", "减少", "降低", "下滑", "回落", "缩减", "减小"],
    "up": ["上升", "增长", "增加", "提升", "提高", "上涨", "增强", "增多", "扩大"],
    "keep": ["保持稳定", "保持不变", "总体稳定", "保持", "稳定", "持平", "不变"],
}
_DIR_CONTEXT = r"(?:同比|环比|较上年度|比上年度|较上年|比上年|较去年|比去年|与上年相比|较同期|比同期)?"
_DIR_STEADY = r"(?:稳步|持续|逐步|有所|进一步|不断|继续|稳中有)?"
# Degree words make a direction unmeasurable in size, so the text is judged as a
# qualitative standard (domain.md §7 lists 显著提升 among qualitative phrases).
_DIR_DEGREE = r"(?:显著|明显|大幅|大幅度|大大|极大|有效|全面|切实)"

_NUM = r"[+-]?\d+(?:\.\d+)?"
# 控制在 ≤3% with 达到: the hold-at word may go with a reach word of the same bound
_HOLD_AT = "控制在"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _word_map(groups: dict[str, list[str]]) -> dict[str, str]:
    return {w: op for op, words in groups.items() for w in words}


_PREFIX_MAP = _word_map(_PREFIX_OPS)
_REACH_MAP = _word_map(_REACH_OPS)
_SUFFIX_MAP = _word_map(_SUFFIX_OPS)
_DIR_MAP = _word_map(_DIR_WORDS)

_QUANT_RE = re.compile(
    rf"^(?P<pre>{_alternation(_PREFIX_MAP)})?(?P<reach>{_alternation(_REACH_MAP)})?"
    rf"(?P<num>{_NUM})(?P<unit>[^\d≥≤<>=+\-.]{{0,8}}?)(?P<suf>{_alternation(_SUFFIX_MAP)})?$"
)
_DIRECTION_RE = re.compile(
    rf"^{_DIR_CONTEXT}{_DIR_STEADY}(?P<word>{_alternation(_DIR_MAP)})"
    rf"(?:(?P<num>{_NUM})(?P<unit>%|个百分点|百分点|[^\d]{{0,4}}))?$"
)
_DIR_DEGREE_RE = re.compile(rf"^{_DIR_CONTEXT}{_DIR_DEGREE}(?:{_alternation(_DIR_MAP)})")
_LEVEL_RES = [
    # order matters: 未/部分/基本 qualify the verbs that alone mean 达成
    (LEVELS[3], re.compile(r"^(?:未|没有|未能|尚未|不)(?:达成|完成|实现|达到|达标|合格|符合)|^否$|^不合格")),
    (LEVELS[2], re.compile(r"^部分(?:达成|完成|实现|达到|达标)")),
    (LEVELS[1], re.compile(r"^基本(?:达成|完成|实现|达到|达标|保持|符合|稳定)")),
    (LEVELS[0], re.compile(r"^(?:已经|已|全部|均已|均|全面|如期|按时|按期|准时|及时)?"
                        r"(?:达成|完成|实现|达到|达标|合格|符合|办结)|^是$|^(?:及时|按时|按期|如期|准时)$")),
]
_DATE_RES = [
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?:底|末|份)?(?:之前|以前|前)?(?P<rest>.*)$"),
    # only - and / as separators: 2021.12 is more often a number than a date
    re.compile(r"^(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})(?:[-/](?P<d>\d{1,2}))?(?:之前|以前|前)?(?P<rest>.*)$"),
    re.compile(r"^(?P<y>\d{4})年(?:底|末|年底|年末)(?:之前|以前|前)?(?P<rest>.*)$"),
    re.compile(r"^(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?:底|末|份)?(?:之前|以前|前)?(?P<rest>.*)$"),
]
_DATE_REST_RE = re.compile(r"^(?:完成|办结|竣工|实施|上线|到位|验收|投入使用|交付|建成|开工|启动|支付|拨付|全部完成)?"
                           r"(?:完成)?$")
_PAREN_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT_WORD_RE = re.compile(rf"百分之({_NUM})")
_HAS_DIGIT_RE = re.compile(r"\d")
_UNIT_RE = re.compile(r"^[\u4e00-\u9fff%‰a-zA-Z/·²³]{1,8}$")
# A target at the end of an indicator's name: 年度资金支付完成率100%, 培训人数≥50人.
_NAME_TARGET_RE = re.compile(
    rf"(?P<t>(?:{_alternation(_PREFIX_MAP)}|{_alternation(_REACH_MAP)})?{_NUM}"
    rf"(?:%|‰|百分比|[\u4e00-\u9fff]{{1,3}})?(?:{_alternation(_SUFFIX_MAP)})?)$"
)

_SYMBOLS = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "≯": "≤", "≮": "≥", "〉": ">", "〈": "<",
                          "﹥": ">", "﹤": "<", "﹦": "=", "＞": ">", "＜": "<", "＝": "=", "，": ",",
                          "（": "(", "）": ")", "。": "", "−": "-", "－": "-"})


def normalize_text(text: str) -> str:
    """Return the text with full-width forms, operator variants, spaces and 1,000-separators unified."""
    s = unicodedata.normalize("NFKC", text).translate(_SYMBOLS)
    s = re.sub(r"\s+", "", s)
    for two, one in ((">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"), ("≥=", "≥"), ("≤=", "≤")):
        s = s.replace(two, one)
    s = _THOUSANDS_RE.sub("", s)
    s = _PERCENT_WORD_RE.sub(r"\1%", s)
    if "(" in s or "[" in s or "【" in s:
        # (含) and [注] are remarks; a whole cell in brackets is the value itself
        s = _PAREN_RE.sub("", s) or s.strip("()[]【】")
    return s


def _normalize_unit(unit: str) -> str | None:
    unit = unit.strip()
    if not unit:
        return None
    return _UNIT_ALIASES.get(unit, unit)


# --------------------------------------------------------------------------- parsing


def parse_target(text) -> Target:
    """Return the :class:`Target` read from a 年度指标值 or 实际完成值 as written.

    Parameters
    ----------
    text : str or None
        The cell.  None, NaN, an empty string or a dash give kind ``blank``.

    Returns
    -------
    Target
        Text that cannot be read gives kind ``unreadable``; callers report it
        as a data problem instead of scoring it.

    Examples
    --------
    >>> parse_target("不低于95%").canonical()
    '≥95%'
    >>> parse_target("263").implicit_op
    True
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return _BLANK
    return _parse_cached(str(text))


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> Target:
    return parse_uncached(text)


def clear_cache() -> None:
    """Forget cached readings (benchmarks time a cold start with it)."""
    _parse_cached.cache_clear()


def parse_uncached(text: str) -> Target:
    """Return :func:`parse_target`'s reading without the cache (the benchmark's per-row yardstick)."""
    raw = str(text).strip()
    s = normalize_text(raw)
    if s.lower() in _NOT_APPLICABLE or (s and not s.strip("-—/－ ")):
        return Target(raw, "blank", reading=judging.READ_NOT_APPLICABLE.format(raw=raw), not_applicable=True)
    if s.lower() in _BLANKS or not s.strip("-—_/－ "):
        return Target(raw, "blank", reading=judging.READ_BLANK)
    for parse in (_parse_deadline, _parse_quantitative, _parse_direction, _parse_words):
        found = parse(raw, s)
        if found is not None:
            return found
    return Target(raw, "unreadable", reading=judging.READ_UNREADABLE)


_BLANK = Target("", "blank", reading=judging.READ_BLANK)


def _parse_quantitative(raw: str, s: str) -> Target | None:
    m = _QUANT_RE.match(s)
    if m is None:
        return None
    unit = _normalize_unit(m["unit"])
    if unit is not None and not _UNIT_RE.match(unit):
        return None
    pre, reach, suf = m["pre"], m["reach"], m["suf"]
    ops = {_PREFIX_MAP[pre] if pre else None, _SUFFIX_MAP[suf] if suf else None} - {None}
    if len(ops) > 1:  # 不低于95%以内: contradictory bounds
        return None
    if reach and ops and _REACH_MAP[reach] not in ops and not (pre == _HOLD_AT and _REACH_MAP[reach] == "<="):
        return None
    value = float(m["num"])
    decimals = len(m["num"].partition(".")[2])
    written = bool(ops)
    if ops:
        op = ops.pop()
    elif reach:
        op = _REACH_MAP[reach]
    else:
        op = None
    shown = f"{fmt_number(value)}{unit or ''}"
    if op is None:
        return Target(raw, "quantitative", ">=", value, unit, implicit_op=True, decimals=decimals,
                      reading=judging.READ_IMPLICIT_GE.format(shown=shown))
    canonical = f"{OP_SYMBOLS[op]}{shown}"
    if not written:
        reading = judging.READ_REACH.format(reach=reach, canonical=canonical)
    elif s == canonical:
        reading = canonical
    else:
        reading = judging.READ_AS.format(canonical=canonical)
    return Target(raw, "quantitative", op, value, unit, op_written=written, reading=reading, decimals=decimals)


def _parse_direction(raw: str, s: str) -> Target | None:
    m = _DIRECTION_RE.match(s)
    if m is None:
        return None
    direction = _DIR_MAP[m["word"]]
    value = float(m["num"]) if m["num"] else None
    unit = _normalize_unit(m["unit"] or "") if m["num"] else None
    if m["num"] and unit is not None and not _UNIT_RE.match(unit):
        return None
    if direction == "keep" and value is not None:  # 保持95%: a level to hold, i.e. ≥95%
        return Target(raw, "quantitative", ">=", value, unit,
                      reading=judging.READ_KEEP_LEVEL.format(shown=f"{fmt_number(value)}{unit or ''}"))
    label = DIRECTION_LABELS[direction]
    amount = f"{fmt_number(value)}{formats.POINTS_UNIT if unit == POINTS else unit or ''}" if value is not None else ""
    reading = judging.READ_DIRECTION.format(label=label, amount=amount)
    return Target(raw, "directional", value=value, unit=unit, direction=direction, reading=reading)


def _parse_deadline(raw: str, s: str) -> Target | None:
    if not _HAS_DIGIT_RE.search(s):
        return None
    for pattern in _DATE_RES:
        m = pattern.match(s)
        if m is None or not _DATE_REST_RE.match(m["rest"]):
            continue
        groups = m.groupdict()
        year = groups.get("y")
        month = int(groups["m"]) if groups.get("m") else 12
        day = groups.get("d")
        if not 1 <= month <= 12 or (day and not 1 <= int(day) <= 31):
            return None
        deadline = f"{year or '-'}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        shown = ((judging.DATE_YEAR.format(year=year) if year else "") + judging.DATE_MONTH.format(month=month)
                 + (judging.DATE_DAY.format(day=int(day)) if day else ""))
        return Target(raw, "qualitative", level=MET if m["rest"] else None, deadline=deadline,
                      reading=judging.READ_DEADLINE.format(shown=shown))
    return None


def _parse_words(raw: str, s: str) -> Target | None:
    if _HAS_DIGIT_RE.search(s):
        return None
    if not re.search(r"[\u4e00-\u9fff]", s) or re.search(r"[≥≤<>=]", s):
        return None
    for level, pattern in _LEVEL_RES:
        if pattern.search(s):
            return Target(raw, "qualitative", level=level, reading=judging.READ_LEVEL.format(level=level))
    if _DIR_DEGREE_RE.match(s):
        return Target(raw, "qualitative", reading=judging.READ_DEGREE)
    return Target(raw, "qualitative", reading=judging.READ_QUALITATIVE)


def target_from_name(name) -> Target | None:
    """Return the target written at the end of an indicator's name, or None.

    Some tables leave 年度指标值 empty and put it in the name
    (``年度资金支付完成率100%``); scoring uses it and flags ``target_in_name``.
    """
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    s = normalize_text(str(name))
    m = _NAME_TARGET_RE.search(s)
    if m is None or m.start() == 0 or not re.search(r"[\u4e00-\u9fff]", s[: m.start()]):
        return None
    # 2023年… or 第3季度: a number glued to the words before it is not a target
    if s[m.start() - 1].isdigit():
        return None
    found = parse_target(m["t"])
    # a bare number closing a name (指标1, 二期工程3) is a label, not a target: need a unit or an operator
    if found.kind != "quantitative" or (found.unit is None and found.implicit_op):
        return None
    return replace(found, text=str(name), from_name=True,
                   reading=judging.READ_FROM_NAME.format(target=m['t'], reading=found.reading))


def polarity(target, name=None, lower_words=()) -> str | None:
    """Return which way an indicator is better, ``'higher'`` or ``'lower'``, or None when the target does not say.

    The one reading used by comparison and findings: ≤, <, ``=0`` and a
    downward direction (同比下降) mean lower is better; ≥, >, other ``=`` and
    upward or steady directions mean higher; a blank target is read from the
    indicator's name (``年度资金支付完成率100%``).  A bare value (no operator)
    is lower-is-better when the name holds one of ``lower_words`` (a rule
    set's ``quantitative.lower_is_better.name_words``: 控制率, 调整率 …).
    Qualitative and unreadable targets give None: a caller that needs a
    default states its own.
    """
    t = target if isinstance(target, Target) else parse_target(target)
    if t.kind == "blank" and name is not None:
        t = target_from_name(name) or t
    if t.kind == "directional":
        return "lower" if t.direction == "down" else "higher"
    if t.kind == "quantitative":
        if t.op in ("<=", "<") or (t.op == "=" and t.value == 0):
            return "lower"
        if t.implicit_op and lower_word(name, lower_words):
            return "lower"
        return "higher"
    return None


def lower_word(name, words) -> str | None:
    """Return the first of ``words`` the indicator's name contains (the name says lower is better), or None."""
    if not words or name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    s = normalize_text(str(name))
    return next((w for w in words if w in s), None)


def read_lower(t: Target, word: str) -> Target:
    """Return a bare-valued target read as ``≤`` because the indicator's name says lower is better."""
    shown = f"≤{fmt_number(t.value)}{t.unit or ''}"
    return replace(t, op="<=", implicit_op=False,
                   reading=judging.READ_LOWER_BY_NAME.format(word=word, shown=shown))


# --------------------------------------------------------------------------- 指标性质 and 度量单位 in their own cells

_NATURE_OPS = {">=": ["≥", ">=", "大于等于", "不低于", "不少于", "正向", "正向指标"], ">": [">", "大于", "高于"],
               "<=": ["≤", "<=", "小于等于", "不高于", "不超过", "反向", "反向指标", "逆向指标"], "<": ["<", "小于", "低于"],
               "=": ["=", "等于"]}
_NATURE_MAP = {w: op for op, words in _NATURE_OPS.items() for w in words}
_NATURE_KINDS = {"定性": "qualitative", "定性指标": "qualitative", "定量": "quantitative", "定量指标": "quantitative"}
_BARE_NUMBER_RE = re.compile(rf"^{_NUM}$")


def read_nature(nature) -> tuple[str | None, str | None]:
    """Return (operator, kind) a printed 指标性质 says: (``<=``, None) for ≤, (None, ``qualitative``) for 定性.

    (None, None) for an empty cell; (None, ``unreadable``) for a cell perfkit cannot read.
    """
    if nature is None or (isinstance(nature, float) and math.isnan(nature)):
        return None, None
    s = normalize_text(str(nature))
    if not s:
        return None, None
    if s in _NATURE_MAP:
        return _NATURE_MAP[s], None
    if s in _NATURE_KINDS:
        return None, _NATURE_KINDS[s]
    return None, "unreadable"


def parse_printed_target(nature, target, measure_unit) -> Target:
    """Return the target read from 指标性质, 年度指标值 and 度量单位 printed in three cells (``=`` ``100`` ``%``).

    The cells are joined into one target (``=100%``) and the reading says so.
    A unit is added only to a bare number; an operator only to a target that
    writes none (a contradicting one makes the target unreadable).  With no
    nature and no unit this is :func:`parse_target`.
    """
    op, kind = read_nature(nature)
    unit = None if measure_unit is None or (isinstance(measure_unit, float) and math.isnan(measure_unit)) \
        else str(measure_unit).strip() or None
    base = parse_target(target)
    if (op is None and kind is None and unit is None) or base.kind == "blank":
        return base
    text, parts, notes = str(target).strip(), [], []
    if op is not None or kind == "qualitative":
        parts.append(judging.PRINTED_NATURE.format(nature=str(nature).strip()))
    if unit is not None and _BARE_NUMBER_RE.match(normalize_text(text)):
        text += unit
        parts.append(judging.PRINTED_UNIT.format(unit=unit))
    found = parse_target(text)
    if unit is not None and found.unit is not None and _normalize_unit(unit) != found.unit:
        notes.append(judging.PRINTED_UNIT_DIFFERS.format(unit=unit, found=found.unit))
    if kind == "unreadable":
        notes.append(judging.PRINTED_NATURE_UNREADABLE.format(nature=str(nature).strip()))
    if op is not None and found.kind == "quantitative":
        if found.op_written and found.op != op:
            return Target(text, "unreadable", reading=judging.PRINTED_NATURE_CONFLICT.format(nature=nature, target=target))
        found = replace(found, op=op, implicit_op=False, op_written=True)
        found = replace(found, reading=judging.READ_AS.format(canonical=found.canonical()))
    shown = found.canonical() if found.kind == "quantitative" else found.text
    reading = found.reading
    if parts:
        reading = judging.PRINTED_JOINED.format(parts=judging.PARTS_SEP.join(parts), target=target, shown=shown,
                                               reading=reading)
    if notes:
        reading = judging.READ_NOTES.format(reading=reading, notes=judging.NOTES_SEP.join(notes))
    return replace(found, text=shown if parts else found.text, reading=reading)
