"""Putting what was read into a draft department: scopes, budget lines, indicators, stated figures, totals.

Each read table becomes one scope (its 项目名称, or the section of the report it
stands in); the narrative's figures go to the scope of their section.  Every
value written keeps its :class:`~perfkit.extract.model.Value` (where it came
from, how sure), and whatever the data format needs but the source does not
give is either left empty or written with an ``assumption`` saying so.
Nothing is computed: a rate is written as printed, with the formula that lets
``perfkit check`` recompute it from the amounts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfkit.extract.cells import compact, halfwidth, read_number, read_rate, value_text
from perfkit.extract.model import HIGH, MEDIUM, Document, Review, TableRead, Value
from perfkit.extract.sentences import Figure
from perfkit.extract.tables import TITLE_KEY
from perfkit.ingest.schema import FUND_SCOPE_TYPE, PROJECT_SCOPE_TYPE, WHOLE_SCOPE_TYPE
from perfkit.text import extract as extract_text
from perfkit.text.vocabulary import (PERCENT_KIND, POINTS_UNIT, RATIO_KIND, SCORE_KIND, SOURCE_LINE_TYPE, TOTAL_LINE,
                                     WAN_SHORT, WAN_YUAN, YUAN)

WHOLE = "whole"
# Recognised input, not output: what reports, forms and web pages print around a unit's name, a title and a year.
RECOGNISED_INPUT = ("_TITLE", "_NAME_ENDS", "_NOT_A_NAME", "_PAGE_FIELDS", "_NAME_FIELD", "_TITLE_WORDS",
                    "_TITLE_WORDS_BEFORE", "_PUBLISHER_CUT", "_PUBLISHER", "_YEAR_NOTE", "_YEAR_WORD", "_WHOLE_TITLE",
                    "FUND_NAME", "_PROJECT_FIELD", "_UNIT_FIELDS", "_PART_LEAD", "_RATE_WORDS", "_LINE_LEAD",
                    "_TOTAL_SUBJECT", "_FUND_WORD")
_TITLE = re.compile(r"^(?P<name>.*?)\s*(?P<year>20\d\d)\s*年度?")
# a web page's metadata fields after a title (名称: … 文号:) and the field name before it
_PAGE_FIELDS = re.compile(r"文号[:：]|索引号|发布日期|生成日期")
_NAME_FIELD = re.compile(r"^名称[:：]")
# the words of a title, and of a title's second line (the line before it then holds the year)
_TITLE_WORDS = re.compile(r"报告|自评表|评价表")
_TITLE_WORDS_BEFORE = re.compile(r"报告|自评表")
# a web page's field that names who published it, and the fields after it on the same line
_PUBLISHER_CUT = re.compile(r"主题分类|组配分类|索引号|文号|生成日期|发布日期|浏览次数")
_PUBLISHER = re.compile(r"(?:发布机构|来源|实施单位|单位名称)[:：]\s*([^\s:：]{3,30})")
# the year a table prints in its head: (2022年度)
_YEAR_NOTE = re.compile(r"[（(]?\s*(20\d\d)\s*年度\s*[)）]?")
_YEAR_WORD = re.compile(r"(20\d\d)\s*年度")
# a title naming the whole department's spending
_WHOLE_TITLE = re.compile(r"部门整体|整体支出|机关整体|部门绩效")
# a project name naming a fund (专项资金) rather than a project
FUND_NAME = re.compile(r"资金|经费")
# the head fields of a form (tables._meta): the project's name, and the unit's name in the order they are taken
_PROJECT_FIELD = "项目名称"
_UNIT_FIELDS = ("实施单位", "主管部门", "单位名称")
# a sentence opening with 其中 states a part, not the total
_PART_LEAD = "其中"
_RATE_WORDS = re.compile(r"执行率|支付率|完成预算")
# a budget line's subject: without 其中 or the year before it; these subjects are the total
_LINE_LEAD = re.compile(r"^(?:其中|.*?20\d\d年度?)")
_TOTAL_SUBJECT = re.compile(r"年度资金总额|资金总额|部门|分局|局$|合计|全年$")
_FUND_WORD = "资金"


@dataclass
class Row:
    """One row of a draft CSV file: its cells, where each came from, and its provenance columns."""

    values: dict[str, str]
    provenance: dict[str, Value] = field(default_factory=dict)
    source: str = ""
    assumption: str = ""


@dataclass
class Draft:
    """A department-year read from reports, before it is written."""

    code: str
    year: int
    meta: dict = field(default_factory=dict)
    files: dict[str, list[Row]] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)

    def add(self, fname: str, row: Row) -> Row:
        row.values = {"year": str(self.year), **row.values}
        self.files.setdefault(fname, []).append(row)
        return row

    def rows(self, fname: str) -> list[Row]:
        return self.files.get(fname, [])


@dataclass
class _Scope:
    scope_id: str
    scope_type: str
    name: str
    row: Row


# --------------------------------------------------------------------------- document facts

# Form words a unit's name runs into when a form's cells are run together or OCR garbled them
# (银川市教育局实施第位自评得分, 农业工作科填报日期): the name ends where one begins.
_NAME_ENDS = re.compile(r"实施.?位|主管部门|项目负责人|联系人|联系电话|填报日期|自评得分|自评总分|自评|财政处室|\(盖章\)|"
                        r"（盖章）|[(（]?20\d\d|[(（|]+$")
# Words of a form's or report's title: a "name" holding them is the title, not the unit (部门预算项目支出绩效自评表()
_NOT_A_NAME = re.compile(r"自评表|评价表|报告|绩效|预算|项目支出|转移支付|名称")


def unit_name(text: str) -> str:
    """Return a unit's name as a cell or title prints it, cut at the form words run into it; "" when it is none."""
    s = re.sub(r"^[0-9A-Z]+-", "", halfwidth(compact(text)))  # 219001-池州市… : the unit's code
    s = _NAME_ENDS.split(s)[0].strip(":：|")
    return s if len(s) >= 3 and not _NOT_A_NAME.search(s) else ""



def _title(doc: Document) -> tuple[str, Value | None]:
    """Return the report's title and where it is (first lines naming a 报告 or 自评表)."""
    lines = [ln for ln in doc.lines[:40] if ln.text.strip()]
    for k, ln in enumerate(lines):
        # a web page's metadata line (名称: … 文号:) and a table row's empty cells (| | |) are no part of a title
        text = _PAGE_FIELDS.split(halfwidth(compact(ln.text)))[0]
        text = _NAME_FIELD.sub("", text).strip("|")
        if _TITLE_WORDS.search(text) and len(text) <= 60:
            before = lines[k - 1].text if k else ""
            if k and not _TITLE_WORDS_BEFORE.search(compact(before)) and re.search(r"20\d\d", before) \
                    and not re.search(r"20\d\d", text):
                text = halfwidth(compact(lines[k - 1].text)) + text
            return text, Value(text, ln.where, HIGH, ln.text)
    return "", None


def _publisher(doc: Document) -> str | None:
    for ln in doc.lines[:40]:
        text = _PUBLISHER_CUT.split(ln.text)[0]
        m = _PUBLISHER.search(text)
        if m and not re.search(r"\d", m.group(1)):
            return m.group(1)
    return None


def document_year(docs: list[Document]) -> int | None:
    """Return the year the reports evaluate, from their titles or a table's ``(2022年度)``."""
    for doc in docs:
        title, _ = _title(doc)
        m = _TITLE.match(title)
        if m:
            return int(m.group("year"))
        for ln in doc.lines[:80]:
            m = _YEAR_NOTE.search(ln.text)
            if m:
                return int(m.group(1))
        for stream in doc.streams:
            for tok in stream.tokens[:80]:
                m = _YEAR_WORD.search(tok.text)
                if m:
                    return int(m.group(1))
    return None


def _is_whole(title: str) -> bool:
    return bool(_WHOLE_TITLE.search(title))


# --------------------------------------------------------------------------- builder


class DraftBuilder:
    """Collects one department-year from any number of read documents."""

    def __init__(self, code: str, year: int):
        self.draft = Draft(code, year)
        self.scopes: dict[str, _Scope] = {}
        self.names: list[str] = []
        self.figure_ids = 0
        self.indicator_ids = 0
        self.exec20 = False

    # scopes ---------------------------------------------------------------

    def add_name(self, text: str) -> None:
        """Keep a candidate for the department's name (the first one that is a name wins)."""
        name = unit_name(text)
        if name:
            self.names.append(name)

    def scope(self, key: str, scope_type: str, name: str, where: Value | None, source: str, note: str = "") -> str:
        """Return the id of the scope ``key`` (created on first use)."""
        if key in self.scopes:
            return self.scopes[key].scope_id
        sid = WHOLE if scope_type == WHOLE_SCOPE_TYPE and WHOLE not in {s.scope_id for s in self.scopes.values()} \
            else f"p{sum(s.scope_id != WHOLE for s in self.scopes.values()) + 1:02d}"
        row = self.draft.add("scopes.csv", Row({"scope_id": sid, "scope_type": scope_type, "name": name},
                                               {"name": where} if where else {}, source, note))
        self.scopes[key] = _Scope(sid, scope_type, name, row)
        return sid

    def set_score(self, sid: str, value: Value) -> None:
        for scope in self.scopes.values():
            if scope.scope_id == sid and "stated_score" not in scope.row.provenance:
                scope.row.values["stated_score"] = value_text(value.text).rstrip(POINTS_UNIT)
                scope.row.provenance["stated_score"] = value

    # stated figures -------------------------------------------------------

    def stated(self, sid: str | None, label: str, kind: str, stated_text: str, value: float | None, unit: str,
               expr: str, where: Value, source: str, assumption: str = "") -> str:
        self.figure_ids += 1
        fid = f"f{self.figure_ids:02d}"
        number = "" if value is None else _fmt(value, stated_text)
        self.draft.add("stated.csv", Row({"figure_id": fid, "scope_id": sid or "", "label": label, "kind": kind,
                                          "stated_text": stated_text, "value": number, "unit": unit, "expr": expr,
                                          "sentence": where.context}, {"value": where}, source, assumption))
        return fid

    # budget ---------------------------------------------------------------

    def budget_line(self, sid: str, line: str, line_type: str, amounts: dict[str, Value], unit: str, source: str,
                    assumption: str = "") -> None:
        for row in self.draft.rows("budget.csv"):
            if row.values["scope_id"] == sid and row.values["line"] == line:
                return  # the first reading of a line stands (a table before the narrative's restatement)
        values = {"scope_id": sid, "line": line, "line_type": line_type, "unit": unit}
        for col in ("budget_original", "budget", "executed"):
            if col in amounts:
                values[col] = _amount(amounts[col].text)
        self.draft.add("budget.csv", Row(values, {c: v for c, v in amounts.items()}, source, assumption))

    def has_total(self, sid: str) -> bool:
        return any(r.values["scope_id"] == sid and r.values["line"] == TOTAL_LINE and
                   (r.values.get("budget") or r.values.get("executed")) for r in self.draft.rows("budget.csv"))

    def finish(self) -> Draft:
        """Return the draft: every scope given its 合计 line, the metadata filled."""
        for scope in self.scopes.values():
            if not any(r.values["scope_id"] == scope.scope_id and r.values["line"] == TOTAL_LINE
                       for r in self.draft.rows("budget.csv")):
                self.draft.add("budget.csv", Row({"scope_id": scope.scope_id, "line": TOTAL_LINE, "line_type": TOTAL_LINE,
                                                  "unit": WAN_YUAN}, {}, scope.row.source,
                                                 extract_text.NO_AMOUNTS))
        d = self.draft
        name = next((n for n in self.names if n), d.code)
        rule_set = "legacy_exec20" if self.exec20 else "cz2020"
        d.meta = {"code": d.code, "name": name, "years": [d.year], "rule_set": rule_set, "synthetic": False,
                  "source": extract_text.DRAFT_SOURCE.format(inputs=extract_text.LIST_SEP.join(d.inputs))}
        d.assumptions.insert(0, extract_text.RULE_SET_CHOSEN.format(
            rule_set=rule_set, why=extract_text.RULE_SET_EXEC20 if self.exec20 else extract_text.RULE_SET_DEFAULT))
        if name == d.code:
            d.assumptions.append(extract_text.NO_NAME)
        return d


def _fmt(value: float, printed: str) -> str:
    """Return a figure's value with the decimals it was printed with (99.3% → "99.3")."""
    m = re.search(r"\d+(?:\.(\d+))?", printed.replace(",", ""))
    decimals = len(m.group(1) or "") if m else 0
    return f"{value:.{decimals}f}"


def _amount(text: str) -> str:
    number = read_number(text)
    return "" if number is None else value_text(text).replace(",", "").removesuffix(WAN_YUAN).removesuffix(YUAN) \
        .removesuffix(WAN_SHORT)


# --------------------------------------------------------------------------- tables into the draft


def _table_scope(b: DraftBuilder, t: TableRead, n: int, fname: str, title: str, scope_of_line) -> str:
    source = extract_text.AT_TABLE.format(file=fname, where=t.where, n=n)
    project = t.meta.get(_PROJECT_FIELD)
    for key in _UNIT_FIELDS:
        if key in t.meta:
            b.add_name(t.meta[key].text)
    if project is not None:
        name = re.sub(r"^[0-9A-Z]{10,}-", "", project.text)
        kind = FUND_SCOPE_TYPE if FUND_NAME.search(name) else PROJECT_SCOPE_TYPE
        return b.scope(f"{fname}:{n}:{name}", kind, name, project, source,
                       extract_text.PROJECT_LEVEL_UNSTATED.format(kind=kind))
    inline = scope_of_line(t.lines[0]) if t.lines else None
    if inline:
        return inline
    form_title = t.meta[TITLE_KEY].text if TITLE_KEY in t.meta else ""
    if _is_whole(title) or "criterion" in t.indicator_roles or _is_whole(form_title):
        return b.scope("whole", WHOLE_SCOPE_TYPE, extract_text.WHOLE_SCOPE_NAME.format(name=b.names[0] if b.names else ""),
                       None, source)
    return b.scope(f"{fname}:{n}", PROJECT_SCOPE_TYPE, extract_text.TABLE_NAME.format(n=n), None, source,
                   extract_text.NO_PROJECT_NAME)


def add_table(b: DraftBuilder, t: TableRead, n: int, fname: str, title: str, scope_of_line) -> None:
    """Write one read table into the draft: its scope, budget rows, execution figures, indicators, total."""
    sid = _table_scope(b, t, n, fname, title, scope_of_line)
    source = extract_text.AT_TABLE.format(file=fname, where=t.where, n=n)
    unit = t.unit or WAN_YUAN
    note = "" if t.unit else extract_text.NO_UNIT
    if t.exec_weight == 20:
        b.exec20 = True
    for row in t.budget:
        amounts = {k: v for k, v in row.values.items() if k in ("budget_original", "budget", "executed")}
        if not amounts:
            b.draft.skipped.append(extract_text.LINE_WITHOUT_AMOUNTS.format(where=row.label.where, line=row.label.text))
            continue
        b.budget_line(sid, row.line, row.line_type, amounts, unit, source, note)
        _execution_figures(b, sid, row, source)
    _indicators(b, sid, t, source)
    if "score" in t.totals:
        b.set_score(sid, t.totals["score"])
    b.draft.reviews += t.reviews
    b.draft.skipped += t.skipped
    b.draft.assumptions += t.notes


def _execution_figures(b: DraftBuilder, sid: str, row, source: str) -> None:
    """The printed 执行率 (recomputed by check from the amounts) and the printed execution score."""
    rate = row.values.get("rate")
    ref = f"'{sid}'" if row.line == TOTAL_LINE else f"'{sid}', '{row.line}'"
    if rate is not None and read_rate(rate.text):
        value, form = read_rate(rate.text)
        base = f"executed({ref}) / budget({ref})" if row.line == TOTAL_LINE else \
            f"line({ref}, 'executed') / line({ref}, 'budget')"
        if form == RATIO_KIND:
            b.stated(sid, extract_text.LINE_RATE.format(line=row.line), RATIO_KIND, rate.text, value / 100, "", base, rate,
                     source)
        else:
            b.stated(sid, extract_text.LINE_RATE.format(line=row.line), PERCENT_KIND, rate.text, value, "%",
                     f"{base} * 100", rate, source)
    score = row.values.get("score")
    if score is not None and read_number(score.text) is not None and row.line == TOTAL_LINE:
        b.stated(sid, extract_text.EXECUTION_SCORE, SCORE_KIND, score.text, read_number(score.text), POINTS_UNIT, "",
                 score, source)


def _indicators(b: DraftBuilder, sid: str, t: TableRead, source: str) -> None:
    seen: set[tuple[str, str, str]] = set()
    last_parent = ""
    for r in t.indicators:
        if not r.values:
            b.draft.skipped.append(extract_text.NAME_ONLY.format(where=r.name.where, name=r.name.text))
            continue
        # level1 is required; level2 may be empty where the table prints no tier-2 labels (data/README.md)
        level1, level2 = r.level1.text or extract_text.INDICATORS, r.level2.text or r.level1.text
        assumptions = [] if r.level1.text and r.level2.text else [extract_text.NO_LEVEL_COLUMNS]
        name = r.name.text
        while (level1, level2, name) in seen:
            name += extract_text.DUPLICATE_MARK
            assumptions.append(extract_text.DUPLICATE_NAME)
        seen.add((level1, level2, name))
        b.indicator_ids += 1
        iid = f"i{b.indicator_ids:02d}"
        if not r.child:
            last_parent = iid
        values = {"scope_id": sid, "indicator_id": iid, "parent_id": last_parent if r.child else "",
                  "level1": level1, "level2": level2, "name": name}
        prov = {"level1": r.level1, "level2": r.level2, "name": r.name}
        for src, col in (("target", "target"), ("actual", "actual"), ("weight", "weight"),
                         ("score", "stated_score"), ("note", "deviation_note")):
            if src in r.values:
                values[col] = r.values[src].text
                prov[col] = r.values[src]
        for v in (r.level1, r.level2):
            if v.note:
                assumptions.append(v.note)
        b.draft.add("indicators.csv", Row(values, prov, source, "；".join(dict.fromkeys(assumptions))))


# --------------------------------------------------------------------------- narrative into the draft


def _sentence_value(f: Figure, fname: str) -> Value:
    return Value(f.stated_text, f.sentence.where, f.confidence, f.sentence.text)


def add_narrative(b: DraftBuilder, figs: list[Figure], fname: str, scope_for) -> None:
    """Write the narrative's figures: budget and execution, totals, scores, and every other stated figure."""
    budget_any: dict[str, Figure] = {}
    executed_any: dict[str, Figure] = {}
    original_any: dict[str, Figure] = {}
    for f in figs:
        sid = scope_for(f.sentence)
        source = f"{fname}:{f.sentence.section or f.sentence.where}"
        value = _sentence_value(f, fname)
        unit = f.unit
        expr = ""
        if f.role in ("budget", "executed"):
            line = _line_of(f.subject)
            amounts = {"budget" if f.role == "budget" else "executed": value}
            _merge_amount(b, sid, line, amounts, unit, source)
            ref = f"'{sid}'" if line == TOTAL_LINE else f"'{sid}', '{line}'"
            expr = f"{f.role}({ref})" if line == TOTAL_LINE else f"line({ref}, '{f.role}')"
        elif f.role == "rate":
            line = _line_of(f.subject)
            ref = f"'{sid}'" if line == TOTAL_LINE else f"'{sid}', '{line}'"
            expr = (f"executed({ref}) / budget({ref}) * 100" if line == TOTAL_LINE else
                    f"line({ref}, 'executed') / line({ref}, 'budget') * 100")
        elif f.role.startswith("finance:"):
            item = f.role.split(":", 1)[1]
            b.draft.add("finance.csv", Row({"item": item, "amount": _fmt(f.value, f.stated_text), "unit": unit},
                                           {"amount": value}, source))
            expr = f"finance('{item}')"
        elif f.role == "score":
            b.set_score(sid, value)
        elif f.role == "budget_any":
            budget_any.setdefault(sid, f)
        elif f.role == "budget_original_any":
            original_any.setdefault(sid, f)
        elif f.role == "executed_any" and sid in budget_any and not f.sentence.text.startswith(_PART_LEAD):
            executed_any.setdefault(sid, f)
        elif f.role == "rate_any" and sid in executed_any and _RATE_WORDS.search(f.label + f.sentence.text):
            expr = f"executed('{sid}') / budget('{sid}') * 100"
        f.extra["figure_id"] = b.stated(sid, f.label, f.kind, f.stated_text, f.value, unit, expr, value, source)
    _narrative_totals(b, budget_any, executed_any, original_any, fname)


def _narrative_totals(b: DraftBuilder, budget_any: dict[str, Figure], executed_any: dict[str, Figure],
                      original_any: dict[str, Figure], fname: str) -> None:
    """Write the 合计 line of scopes whose amounts the prose states without the words 全年预算数/执行数."""
    for sid, f in budget_any.items():
        if b.has_total(sid):
            continue
        amounts = {"budget": _sentence_value(f, fname)}
        if sid in executed_any:
            amounts["executed"] = _sentence_value(executed_any[sid], fname)
        for v in amounts.values():
            v.confidence, v.note = MEDIUM, extract_text.AMOUNTS_INFERRED
        b.budget_line(sid, TOTAL_LINE, TOTAL_LINE, amounts, f.unit, f"{fname}:{f.sentence.section or f.sentence.where}",
                      extract_text.TOTAL_FROM_SENTENCES)
    for sid, f in original_any.items():
        value = _sentence_value(f, fname)
        value.confidence, value.note = MEDIUM, extract_text.ORIGINAL_FROM_SENTENCE
        _merge_amount(b, sid, TOTAL_LINE, {"budget_original": value}, f.unit,
                      f"{fname}:{f.sentence.section or f.sentence.where}")
    _fix_rate_exprs(b, executed_any)


def _fix_rate_exprs(b: DraftBuilder, executed_any: dict[str, Figure]) -> None:
    """Drop a rate's formula when its scope ended up without both amounts (nothing to recompute from)."""
    complete = {r.values["scope_id"] for r in b.draft.rows("budget.csv")
                if r.values["line"] == TOTAL_LINE and r.values.get("budget") and r.values.get("executed")}
    for row in b.draft.rows("stated.csv"):
        expr = row.values.get("expr", "")
        if expr.startswith("executed('") and "/ budget(" in expr:
            sid = expr.split("'")[1]
            if sid not in complete:
                row.values["expr"] = ""


def _line_of(subject: str) -> str:
    s = _LINE_LEAD.sub("", compact(subject))
    if not s or _TOTAL_SUBJECT.search(s) or s == compact(subject) and _FUND_WORD not in s:
        return TOTAL_LINE
    return s


def _merge_amount(b: DraftBuilder, sid: str, line: str, amounts: dict[str, Value], unit: str, source: str) -> None:
    for row in b.draft.rows("budget.csv"):
        if row.values["scope_id"] == sid and row.values["line"] == line:
            for col, v in amounts.items():
                if not row.values.get(col):
                    row.values[col] = _amount(v.text)
                    row.provenance[col] = v
            return
    b.budget_line(sid, line, TOTAL_LINE if line == TOTAL_LINE else SOURCE_LINE_TYPE, amounts, unit, source)
