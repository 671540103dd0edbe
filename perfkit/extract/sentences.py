"""Figures stated in a report's sentences: budget and execution, totals, scores, year-on-year changes, counts.

The narrative of a 自评报告 states the figures a reviewer checks
("全年预算数…万元，执行数…万元，完成预算的…%", "自评得分为…分", "同比下降…%").
Lines broken by PDF extraction are joined into paragraphs first (a heading
starts a paragraph of its own), then each sentence is matched against the
patterns below.  Every figure keeps its sentence and line; nothing is computed
or rounded here.  Headings also give the section a figure belongs to, and a
heading naming a 专项资金 or 项目 opens a scope of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfkit.extract.cells import compact, halfwidth
from perfkit.extract.model import HIGH, MEDIUM, Line
from perfkit.text import extract as extract_text
from perfkit.text.vocabulary import (AMOUNT_KIND, CHANGE_KIND, COUNT_KIND, PERCENT_KIND, POINTS_UNIT, SCORE_KIND,
                                     WAN_SHORT, WAN_YUAN)

_N = r"(\d[\d,]*(?:\.\d+)?)"
# Recognised input, not output: the patterns of a report's sentences.
RECOGNISED_INPUT = ("_HEADING", "COUNT_UNITS", "_SCOPE_HEADING", "_HEADING_NUMBER", "_PART_HEADING", "_BUDGET",
                    "_FINANCE", "_SCORE", "_YOY", "_AMOUNT", "_PERCENT", "_COUNT", "_RATE_WORD", "_YEAR_PAIR",
                    "_CLAUSE", "_SUBJECT_LEAD", "_SUBJECT_TRAIL", "_YEAR_LEAD", "_SCORE_UNIT_REQUIRED", "_YOY_LEAD",
                    "_YOY_SUBJECTS", "_FALLING", "_EXECUTED_BEFORE", "_BUDGET_BEFORE", "_ORIGINAL_BEFORE",
                    "_PERCENT_CLAUSE", "_PERCENT_TRAIL", "_PERCENT_SUBJECTS", "_COUNT_AFTER", "_NOT_FIGURES")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}\s*[.、．](?!\d)|"
                      r"[（(]?[一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部章节])")
_END = "。；;！？!?"
COUNT_UNITS = ("个", "项", "宗", "人", "户", "家", "所", "座", "架", "台", "名", "起", "次", "件", "篇", "份", "辆")
_SCOPE_HEADING = re.compile(r"^(?P<name>.{2,30}?(?:专项资金|专项经费|专项|资金|项目))(?:绩效)?(?:完成情况分析|"
                            r"绩效目标完成情况|自评情况|绩效自评情况)$")
# a heading's number (1. / （二）), and the number of a top-level part (一、), which closes a 专项资金 scope
_HEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(][一二三四五六七八九十\d]+[)）])\s*")
_PART_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class Sentence:
    """One sentence of the narrative with its first line and the section it is in."""

    text: str
    line: int
    page: int | None
    section: str
    scope: str | None  # the name of the 专项资金/项目 section it is in, None for the whole department

    @property
    def where(self) -> str:
        return ((extract_text.AT_PAGE.format(page=self.page) if self.page else "")
                + extract_text.AT_LINE.format(line=self.line))


@dataclass
class Figure:
    """One stated figure: what it is, as printed, its value and unit, and its sentence."""

    kind: str            # 金额 / 百分比 / 同比 / 计数 / 得分 / 比率 / 合计
    label: str
    stated_text: str
    value: float
    unit: str
    sentence: Sentence
    role: str = ""       # budget / executed / rate / finance:<item> / score / yoy / count / amount / percent
    subject: str = ""    # for yoy and shares: what the figure is of (an indicator's name, a fund)
    extra: dict = field(default_factory=dict)
    confidence: str = HIGH


def _is_heading(text: str) -> bool:
    s = text.strip()
    return bool(_HEADING.match(s)) and len(s) <= 40 and not s.endswith(("，", ","))


def paragraphs(lines: list[Line], skip: set[int]) -> list[tuple[str, int, int | None, bool]]:
    """Return the text's paragraphs (text, first line, page, is heading); lines in ``skip`` (tables) left out."""
    out: list[tuple[str, int, int | None, bool]] = []
    current: list[str] = []
    start: tuple[int, int | None] | None = None

    def flush():
        nonlocal current, start
        if current and start is not None:
            out.append(("".join(current), start[0], start[1], False))
        current, start = [], None

    for line in lines:
        text = line.text.strip()
        if line.number in skip or not text:
            if line.number in skip:
                flush()
            continue
        if _is_heading(text):
            flush()
            head = re.split(r"(?<=[。；])", text, maxsplit=1)
            out.append((head[0], line.number, line.page, not head[0].endswith(tuple(_END))))
            if len(head) > 1 and head[1].strip():
                current, start = [head[1]], (line.number, line.page)
            continue
        if current and re.search(r"[A-Za-z0-9]$", current[-1]) and re.match(r"[A-Za-z0-9]", text):
            current.append(" ")  # 2023 / 年 broken over lines stays readable; Chinese joins without a space
        current.append(text)
        start = start or (line.number, line.page)
        if text.endswith(tuple(_END)) and len(text) < 18:
            flush()
    flush()
    return out


def sentences(lines: list[Line], skip: set[int] | None = None) -> list[Sentence]:
    """Return the narrative's sentences with their line and section."""
    out = []
    section, scope = "", None
    for text, number, page, heading in paragraphs(lines, skip or set()):
        if heading:
            section = compact(text)
            body = _HEADING_NUMBER.sub("", section)
            m = _SCOPE_HEADING.match(body)
            if m:
                scope = m.group("name")
            elif _PART_HEADING.match(section):
                scope = None
            continue
        for part in re.findall(rf"[^{_END}]+[{_END}]?", text):
            if part.strip():
                text = halfwidth(re.sub(r"\s*([，。；：、])\s*", r"\1", part.strip()))  # ２００９６３．７０ → 200963.70
                out.append(Sentence(text, number, page, section, scope))
    return out


# --------------------------------------------------------------------------- patterns


def _num(text: str) -> float:
    return float(halfwidth(text).replace(",", ""))


# A figure's subject: the words back to the clause start, without the time words before and the verbs after.
_CLAUSE = re.compile(r"[，,。；;：:、]|其中")
_SUBJECT_LEAD = re.compile(r"^(?:20\d\d\s*年度?|一年来|今年以来|全年|共|合计|累计|当前|其中)+")
_SUBJECT_TRAIL = re.compile(r"(?:为|是|达到|达|约|共|计|了|均为|均达|占|的)+$")
_YEAR_LEAD = re.compile(r"^.*?20\d\d\s*年度?")


def _label_before(text: str, end: int, limit: int = 16) -> str:
    """Return the words before position ``end`` back to the clause start (the figure's subject)."""
    head = _CLAUSE.split(text[:end])[-1]
    head = _SUBJECT_LEAD.sub("", head.strip())
    head = _SUBJECT_TRAIL.sub("", head.strip())
    return head[-limit:].strip()


_BUDGET = re.compile(rf"(?:全年)?预算数\s*(?:为)?\s*{_N}\s*(万元|元)\s*[，,]?\s*(?:全年)?(?:实际)?执行数\s*(?:为)?\s*{_N}\s*"
                     rf"(万元|元)(?:\s*[，,]\s*(?:完成预算的|(?:当前)?(?:预算)?执行率(?:为|达)?)\s*{_N}\s*%)?")
_FINANCE = re.compile(rf"(总收入|本年收入|总支出|本年支出|年初结转结余|年末结转结余)\s*(?:为)?\s*{_N}\s*(万元|元)")
_SCORE = re.compile(rf"(自评得分|自评结果|综合评分|评价得分|自评总分|最终得分|总得分|评分)\s*(?:[（(]分[)）])?\s*"
                    rf"(?:为|是|:|：)?\s*{_N}\s*(分)?")
_YOY = re.compile(rf"同比(上升|增长|增加|提高|下降|减少|降低)\s*{_N}\s*%((?:\s*[、和及]\s*{_N}\s*%)*)")
_AMOUNT = re.compile(rf"{_N}\s*(万元|元|万(?=[，。；、,]))")
_PERCENT = re.compile(rf"{_N}\s*(%|‰)(以上|以下)?")
# a count is no duration (3个月) or date; 1个年初结转项目 is a count
_COUNT = re.compile(rf"(?<![\d.〔\[（(第])(\d+)\s*({'|'.join(COUNT_UNITS)})(?![号月日]|年(?![初末中])|次方)")
_RATE_WORD = re.compile(r"(执行率|支付率|完成率|到位率|完成预算的)")
_YEAR_PAIR = re.compile(rf"(20\d\d)\s*年与\s*(20\d\d)\s*年(?P<subject>[^，,。；]{{0,12}}?)(?:基本)?(?:保持|持平)?[，,]?"
                        rf"\s*均为\s*{_N}\s*%")
# score words taken as a stated score only with 分 printed after the number
_SCORE_UNIT_REQUIRED = ("自评结果", "评分")
_YOY_LEAD = re.compile(r"^(?:一年来|今年以来|全年|其中)+")
_YOY_SUBJECTS = re.compile(r"[、和及]")
_FALLING = ("下降", "减少", "降低")
# what an amount follows: an execution, a budget, the budget at the start of the year
_EXECUTED_BEFORE = re.compile(r"(?:执行|支付|执行数|实际执行|实际支出)$")
_BUDGET_BEFORE = re.compile(r"(?:预算|预算数|预算资金|安排资金|安排|下达|共下达|投入)$")
_ORIGINAL_BEFORE = re.compile(r"年初[^，,。；;（(]{0,6}预算[^，,。；;（(]{0,10}$")
_PERCENT_CLAUSE = re.compile(r"[，,。；;：:]|其中")
_PERCENT_TRAIL = re.compile(r"(?:均达|均为|达到|达|为|均)+$")
_PERCENT_SUBJECTS = re.compile(r"[、和]")
_COUNT_AFTER = re.compile(r"[，,。；;、被进]")
# years and document numbers are no figures
_NOT_FIGURES = re.compile(r"20\d\d\s*年度?|[〔\[（(]20\d\d[〕\]）)]\s*\d+\s*号|\d+\s*号")


def _budget_figures(s: Sentence, out: list[Figure], spans: list[tuple[int, int]]) -> None:
    for m in _BUDGET.finditer(s.text):
        subject = _YEAR_LEAD.sub("", _label_before(s.text, m.start()))
        common = dict(sentence=s, subject=subject)
        out.append(Figure(AMOUNT_KIND, extract_text.BUDGET_LABEL.format(subject=subject), f"{m.group(1)}{m.group(2)}",
                          _num(m.group(1)), m.group(2), role="budget", **common))
        out.append(Figure(AMOUNT_KIND, extract_text.EXECUTED_LABEL.format(subject=subject), f"{m.group(3)}{m.group(4)}",
                          _num(m.group(3)), m.group(4), role="executed", **common))
        if m.group(5):
            out.append(Figure(PERCENT_KIND, extract_text.RATE_LABEL.format(subject=subject), f"{m.group(5)}%",
                              _num(m.group(5)), "%", role="rate", **common))
        spans.append(m.span())


def _finance_figures(s: Sentence, out: list[Figure], spans: list[tuple[int, int]]) -> None:
    for m in _FINANCE.finditer(s.text):
        out.append(Figure(AMOUNT_KIND, m.group(1), f"{m.group(2)}{m.group(3)}", _num(m.group(2)), m.group(3), s,
                          role=f"finance:{m.group(1)}"))
        spans.append(m.span())


def _score_figures(s: Sentence, out: list[Figure], spans: list[tuple[int, int]]) -> None:
    for m in _SCORE.finditer(s.text):
        if m.group(1) in _SCORE_UNIT_REQUIRED and not m.group(3):
            continue
        value = _num(m.group(2))
        if value > 100:
            continue
        subject = _label_before(s.text, m.start(), 20)
        out.append(Figure(SCORE_KIND, f"{subject}{m.group(1)}", f"{m.group(2)}{m.group(3) or ''}", value, POINTS_UNIT,
                          s, role="score", subject=subject))
        spans.append(m.span())


def _yoy_figures(s: Sentence, out: list[Figure], spans: list[tuple[int, int]]) -> None:
    for m in _YOY.finditer(s.text):
        head = re.split(r"[，,。；;：:]", s.text[:m.start()])[-1]
        head = _YOY_LEAD.sub("", head.strip())
        subjects = [p.strip() for p in _YOY_SUBJECTS.split(head) if p.strip()]
        values = [m.group(2)] + re.findall(_N, m.group(3) or "")
        sign = -1.0 if m.group(1) in _FALLING else 1.0
        if len(subjects) != len(values):
            subjects = [" ".join(subjects)] * len(values) if len(values) == 1 else \
                [extract_text.NTH_ITEM.format(n=k + 1) for k in range(len(values))]
        for subject, value in zip(subjects, values):
            # stated as printed: the number and its %; the direction is in the label and the sign
            out.append(Figure(CHANGE_KIND, extract_text.CHANGE_LABEL.format(subject=subject, direction=m.group(1)),
                              f"{value}%", sign * _num(value), "%", s,
                              role="yoy", subject=subject, extra={"direction": m.group(1)}))
        spans.append(m.span())


def _year_pairs(s: Sentence, out: list[Figure], spans: list[tuple[int, int]]) -> None:
    for m in _YEAR_PAIR.finditer(s.text):
        subject = m.group("subject") or extract_text.THIS_ITEM
        for year in (m.group(1), m.group(2)):
            out.append(Figure(PERCENT_KIND, extract_text.YEAR_LABEL.format(year=year, subject=subject),
                              f"{m.group(4)}%", _num(m.group(4)), "%", s,
                              role="year_value", subject=subject, extra={"year": int(year)}))
        spans.append(m.span())


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in spans)


def _plain_figures(s: Sentence, out: list[Figure], spans: list[tuple[int, int]]) -> None:
    """Amounts, percentages and counts not taken by a more specific pattern."""
    text = s.text
    for m in _AMOUNT.finditer(text):
        if _overlaps(m.span(), spans):
            continue
        unit = WAN_YUAN if m.group(2) == WAN_SHORT else m.group(2)
        label = _label_before(text, m.start())
        before = text[:m.start()].rstrip()
        role = "executed_any" if _EXECUTED_BEFORE.search(before) else (
            "budget_any" if _BUDGET_BEFORE.search(before) else (
                # 年初批复预算8个项目985万元: the budget at the start of the year (年初预算数)
                "budget_original_any" if _ORIGINAL_BEFORE.search(before)
                else "amount"))
        # a figure without a subject is labelled by its kind
        out.append(Figure(AMOUNT_KIND, label or AMOUNT_KIND, m.group(0).strip(), _num(m.group(1)), unit, s, role=role,
                          subject=label))
        spans.append(m.span())
    for m in _PERCENT.finditer(text):
        if _overlaps(m.span(), spans):
            continue
        label = _label_before(text, m.start(), 20)
        rate = _RATE_WORD.search(text[max(0, m.start() - 10):m.start()])
        head = _PERCENT_CLAUSE.split(text[:m.start()])[-1].strip()
        head = _PERCENT_TRAIL.sub("", head).strip()
        subjects = [p.strip() for p in _PERCENT_SUBJECTS.split(head) if p.strip()]
        out.append(Figure(PERCENT_KIND, label or PERCENT_KIND, m.group(0).strip(), _num(m.group(1)), m.group(2), s,
                          role="rate_any" if rate else "percent", subject=label,
                          extra={"subjects": subjects, "qualifier": m.group(3) or ""}))
        spans.append(m.span())
    for m in _COUNT.finditer(text):
        if _overlaps(m.span(), spans):
            continue
        label = _label_before(text, m.start(), 16)
        if not label:
            after = _COUNT_AFTER.split(text[m.end():])[0]
            label = after[:12]
        out.append(Figure(COUNT_KIND, label or COUNT_KIND, m.group(0).strip(), _num(m.group(1)), m.group(2), s,
                          role="count", subject=label))
        spans.append(m.span())


def figures(sents: list[Sentence]) -> list[Figure]:
    """Return every figure the sentences state, in reading order."""
    out: list[Figure] = []
    for s in sents:
        spans: list[tuple[int, int]] = []
        for m in _NOT_FIGURES.finditer(s.text):
            spans.append(m.span())
        for finder in (_budget_figures, _finance_figures, _score_figures, _yoy_figures, _year_pairs, _plain_figures):
            finder(s, out, spans)
    order = {id(s): k for k, s in enumerate(sents)}
    out.sort(key=lambda f: (order[id(f.sentence)], f.sentence.text.find(f.stated_text)))
    for f in out:
        if f.role in ("year_value",) or f.kind == CHANGE_KIND:
            f.confidence = MEDIUM
    return out
