"""From read documents to one draft: which scope each table and sentence belongs to, and figures linked to indicators.

A report states some indicators' actual values in its prose rather than in
the table ("110案件类警情同比下降 13.8%" for the indicator 案件类警情 whose
target is 同比下降).  Such a value is linked to the indicator by its name and
written as the indicator's 实际完成值 with an ``assumption`` naming the
sentence, so a reviewer sees it was inferred.
"""
from __future__ import annotations

import re
from pathlib import Path

from perfkit.errors import DataError, Problem
from perfkit.extract.cells import compact
from perfkit.extract.draft import FUND_NAME, WHOLE, Draft, DraftBuilder, Row, _is_whole, _publisher, _title, \
    add_narrative, add_table, document_year
from perfkit.extract.model import MEDIUM, Document, Value
from perfkit.extract.sentences import Figure, Sentence, figures, sentences
from perfkit.extract.tables import read_tables
from perfkit.text import extract as extract_text
from perfkit.ingest.schema import FUND_SCOPE_TYPE, PROJECT_SCOPE_TYPE, WHOLE_SCOPE_TYPE
from perfkit.text.vocabulary import CHANGE_KIND

# Recognised input, not output: how a report's title names its year, its unit and its project or fund.
RECOGNISED_INPUT = ("_YEAR_LEAD", "_REPORT_SUFFIX", "_FUND_TITLE", "_NAME_BEFORE_YEAR")
_YEAR_LEAD = re.compile(r"^.*?20\d\d\s*年度?")
_REPORT_SUFFIX = re.compile(r"(?:项目)?(?:支出)?绩效(?:目标)?自评(?:报告|表)?$|绩效评价报告$")
# a title naming a fund (专项资金): the words of draft.FUND_NAME, and 转移支付
_FUND_TITLE = re.compile(r"资金|经费|转移支付")
_NAME_BEFORE_YEAR = re.compile(r"^(?P<name>.*?)\s*20\d\d\s*年")


def _doc_scope(b: DraftBuilder, doc: Document, fname: str, title: str, name: str) -> str:
    """Return the scope of a report's sentences outside any 专项资金/项目 section."""
    if _is_whole(title):
        return b.scope(WHOLE, WHOLE_SCOPE_TYPE, extract_text.WHOLE_SCOPE_NAME.format(name=name), None,
                       extract_text.AT_TITLE.format(file=fname))
    body = _YEAR_LEAD.sub("", title).strip("）)|:： ") or title or Path(fname).stem
    body = _REPORT_SUFFIX.sub("", body) or body
    kind = FUND_SCOPE_TYPE if _FUND_TITLE.search(body) else PROJECT_SCOPE_TYPE
    return b.scope(f"{fname}:doc", kind, body, None, extract_text.AT_TITLE.format(file=fname),
                   extract_text.LEVEL_UNSTATED.format(kind=kind))


def add_document(b: DraftBuilder, doc: Document) -> None:
    """Read one document's tables and narrative into the builder."""
    fname = Path(doc.path).name
    b.draft.inputs.append(fname)
    b.draft.notes += doc.notes
    title, _ = _title(doc)
    m = _NAME_BEFORE_YEAR.match(title)
    publisher = _publisher(doc)
    name = publisher or (m.group("name") if m and len(m.group("name")) >= 3 else "")
    if name:
        b.add_name(name)
    tables = [(s, t) for s in doc.streams for t in read_tables(s)]
    skip = {n for _, t in tables if t.lines for n in range(t.lines[0], t.lines[1] + 1)}
    sents = sentences(doc.lines, skip)
    section_scope: dict[str, str] = {}

    def scope_for(sentence: Sentence) -> str:
        if sentence.scope:
            if sentence.scope not in section_scope:
                kind = FUND_SCOPE_TYPE if FUND_NAME.search(sentence.scope) else PROJECT_SCOPE_TYPE
                section_scope[sentence.scope] = b.scope(f"{fname}:sec:{sentence.scope}", kind, sentence.scope,
                                                        Value(sentence.scope, sentence.where, MEDIUM, sentence.section),
                                                        f"{fname}:{sentence.section}",
                                                        extract_text.LEVEL_BY_HEADING.format(section=sentence.section,
                                                                                                    kind=kind))
            return section_scope[sentence.scope]
        if tables and not _is_whole(title) and len(b.scopes) == 1:
            return next(iter(b.scopes.values())).scope_id
        return _doc_scope(b, doc, fname, title, name)

    def scope_of_line(line: int) -> str | None:
        before = [s for s in sents if s.line < line]
        return scope_for(before[-1]) if before and (before[-1].scope or _is_whole(title)) else None

    first = len(b.draft.rows("indicators.csv"))
    for n, (_, table) in enumerate(tables, 1):
        add_table(b, table, n, fname, title, scope_of_line)
    figs = figures(sents)
    add_narrative(b, figs, fname, scope_for)
    link_figures(b, b.draft.rows("indicators.csv")[first:], figs, sents)


def link_figures(b: DraftBuilder, indicators: list[Row], figs: list[Figure], sents: list[Sentence]) -> None:
    """Give indicators without an actual value the one the prose states for them, marked as inferred."""
    year = b.draft.year
    for f in figs:
        if f.role == "yoy":
            for row in indicators:
                name = row.values["name"]
                if not row.values.get("actual") and CHANGE_KIND in row.values.get("target", "") and name in f.subject:
                    _set(row, "actual", extract_text.STATED_CHANGE.format(direction=f.extra["direction"],
                                                                          amount=f.stated_text.lstrip(f.extra["direction"])),
                         f, b)
        elif f.role == "percent" and f.extra.get("qualifier") is not None:
            for row in indicators:
                if not row.values.get("actual") and row.values["name"] in f.extra.get("subjects", []):
                    _set(row, "actual", compact(f.stated_text), f, b)
        elif f.role == "year_value":
            row = _named_nearby(indicators, f.sentence, sents)
            if row is None:
                continue
            column = "actual" if f.extra["year"] == year else "prior_actual" if f.extra["year"] == year - 1 else None
            if column and not row.values.get(column):
                _set(row, column, compact(f.stated_text), f, b)
                fid = f.extra.get("figure_id")
                for stated in b.draft.rows("stated.csv"):
                    if stated.values["figure_id"] == fid:
                        stated.values["expr"] = f"{'actual' if column == 'actual' else 'prior'}" \
                                                f"('{row.values['indicator_id']}')"


def _named_nearby(indicators: list[Row], sentence: Sentence, sents: list[Sentence]) -> Row | None:
    """Return the indicator named in ``sentence`` or the two before it (longest name first)."""
    k = next((i for i, s in enumerate(sents) if s is sentence), None)
    if k is None:
        return None
    text = "".join(s.text for s in sents[max(0, k - 2):k + 1])
    hits = [r for r in indicators if len(r.values["name"]) >= 3 and r.values["name"] in text]
    return max(hits, key=lambda r: len(r.values["name"])) if hits else None


def _set(row: Row, column: str, text: str, f: Figure, b: DraftBuilder) -> None:
    row.values[column] = text
    row.provenance[column] = Value(text, f.sentence.where, MEDIUM, f.sentence.text,
                                   extract_text.ACTUAL_FROM_SENTENCE)
    what = extract_text.TAKEN_WHAT[column]
    note = extract_text.TAKEN_FROM_SENTENCE.format(what=what, where=f.sentence.where, sentence=f.sentence.text[:60])
    row.assumption = "；".join(p for p in (row.assumption, note) if p)


def build_draft(docs: list[Document], code: str, year: int | None = None) -> Draft:
    """Return the draft department-year read from ``docs``.

    Raises
    ------
    DataError
        When no year is given and none is printed in the documents.
    """
    year = year or document_year(docs)
    if year is None:
        raise DataError(Problem(docs[0].path if docs else "", None, None, None,
                                extract_text.NO_YEAR))
    b = DraftBuilder(code, int(year))
    for doc in docs:
        add_document(b, doc)
    if not b.scopes:
        raise DataError(Problem("、".join(d.path for d in docs), None, None, None,
                                extract_text.NOTHING_READ
                                + (extract_text.DOCUMENT_NOTES.format(
                                    notes=extract_text.NOTES_SEP.join(n for d in docs for n in d.notes))
                                   if any(d.notes for d in docs) else "")))
    return b.finish()
