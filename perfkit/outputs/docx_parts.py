"""Parts of the Word draft filled from the data: project counts, 自评结论, problems, improvements, checklist.

Split from :mod:`perfkit.outputs.docx_report` (which lays the draft out);
each function writes through the report's writer, so every text passes
:func:`perfkit.present.reader.plain` there.
"""
from __future__ import annotations

from perfkit.findings.group import main_problems
from perfkit.present.checklist import checklist_items
from perfkit.present.conclusion import conclusions
from perfkit.text import formats, labels, messages
from perfkit.values import is_missing

#: stated figures about the projects the department evaluated (一(五) of the report)
PROJECT_FIGURE_PREFIX = "project_"


def project_sentences(a) -> list[str]:
    """Return 一(五)'s sentences: the project counts and funds the report states, and the scopes perfkit rescored."""
    out = []
    st = a.data.stated
    if len(st) and "figure_id" in st.columns:
        rows = st[st["figure_id"].astype(str).str.startswith(PROJECT_FIGURE_PREFIX)]
        items = [messages.DOCX_PROJECT_ITEM.format(label=r.label, stated=str(r.stated_text).replace(" ", ""))
                 for r in rows.itertuples(index=False) if not is_missing(r.stated_text)]
        if items:
            out.append(messages.DOCX_PROJECTS_STATED.format(items=messages.LIST_SEP.join(items)))
    scopes = a.data.scopes
    out.append(messages.DOCX_SCOPES_EVALUATED.format(n=len(scopes),
                                                     names=messages.LIST_SEP.join(scopes["name"].astype(str))))
    return out


def conclusion_sentences(a) -> list[str]:
    """Return the 自评结论: per scope the stated score and grade, the recomputed score or range, and whether they agree."""
    out = []
    for c in conclusions(a):
        rs = a.scored.rules.get(c.scope_id)
        title = getattr(rs, "title", None) or getattr(rs, "name", "")
        text = messages.DOCX_CONCLUSION_RULE.format(rule_title=title, year=a.year, scope=c.name, conclusion=c.text)
        if getattr(rs, "illustrative", False):
            text += messages.DOCX_ILLUSTRATIVE
        out.append(text)
    return out


def score_rows(a) -> list[list[str]]:
    """Return the scores table's rows: the total as a range or 无法评分, the grade only when certain."""
    rows = []
    for r in a.scored.by_scope.itertuples(index=False):
        total = formats.score_range(r.score_min, r.score_max, None, r.status)
        grade = r.grade if isinstance(r.grade, str) and r.grade else formats.MISSING
        stated = formats.score(r.stated_score) if not is_missing(r.stated_score) else formats.MISSING
        rows.append([str(r.name), str(r.scope_type), formats.score(r.weight), total, grade, stated])
    return rows


def topic_sentences(a, topic: str) -> tuple[list[str], list[str]]:
    """Return (sentences from the score sheet's items of ``topic`` that have data, labels of those without)."""
    mg = a.scored.management
    items = labels.MANAGEMENT_TOPIC_ITEMS.get(topic, ())
    rows = mg[mg["item"].isin(items)] if len(mg) else mg
    said, missing = [], []
    for r in rows.itertuples(index=False):
        if is_missing(r.score):
            missing.append(str(r.label))
            continue
        value = formats.MISSING if is_missing(r.value) else formats.score(r.value) + ("" if is_missing(r.unit) else
                                                                                     str(r.unit))
        said.append(messages.DOCX_MANAGEMENT_ITEM.format(label=r.label, value=value, score=formats.score(r.score),
                                                         points=formats.score(r.points)))
    return said, missing


def management_topic(w, a, topic: str) -> None:
    """Write one 管理效率 topic other than 预算执行: what the score sheet has, then what is left to supply."""
    said, missing = topic_sentences(a, topic)
    for s in said:
        w.para(s)
    if missing:  # name the score-sheet items that need figures
        w.placeholder(messages.DOCX_TOPIC_TO_FILL.format(topic=topic, items=messages.LIST_SEP.join(missing)))
    elif not said:
        w.placeholder(messages.DOCX_TO_FILL["topic"].format(topic=topic))


def _main_problems(a):
    """Return the main problems: the department's stated ones (narrative.csv) first, then perfkit's, grouped."""
    return main_problems(a.findings, a.data.narrative, a.dept.scope_name)


def problems(w, a, heading: str) -> None:
    """Write 存在的主要问题: one numbered paragraph per grouped problem, its sentences numbered under it."""
    w.heading(heading, 1)
    groups = [p for p in _main_problems(a) if p.lines]
    for i, p in enumerate(groups, 1):
        w.para(messages.DOCX_PROBLEM_HEAD.format(n=labels.numeral(i), title=p.title))
        for j, line in enumerate(p.lines, 1):
            w.para(messages.DOCX_IMPROVEMENT.format(n=j, text=line.joined()))
    if not any(p.findings for p in groups):  # perfkit found nothing, whatever the department states
        w.para(messages.DOCX_NO_PROBLEMS)
    w.placeholder(messages.DOCX_TO_FILL["other_problems"])


def improvements(w, a, heading: str) -> None:
    """Write 下一步改进措施: one numbered heading per main problem, its recommendations numbered under it."""
    w.heading(heading, 1)
    groups = [p for p in _main_problems(a) if p.recommendations]
    for i, p in enumerate(groups, 1):
        w.heading(messages.DOCX_IMPROVEMENT_GROUP.format(n=labels.numeral(i), title=p.measures_title or p.title), 2)
        for j, rec in enumerate(p.recommendations, 1):
            w.para(messages.DOCX_IMPROVEMENT.format(n=j, text=rec))
    if not groups:
        w.para(messages.DOCX_NO_IMPROVEMENTS)
    w.placeholder(messages.DOCX_TO_FILL["improvements"])


def checklist(w, a) -> None:
    """Write the analyst's checklist appendix: what to supply or confirm before the draft is final."""
    w.heading(labels.CHECKLIST_TITLE, 1)
    items = checklist_items(a)
    w.para(messages.DOCX_CHECKLIST_INTRO if items else labels.CHECKLIST_NONE)
    for i, t in enumerate(items, 1):
        w.para(messages.DOCX_IMPROVEMENT.format(n=i, text=t))
