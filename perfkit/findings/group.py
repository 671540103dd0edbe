"""The findings as the two audiences read them: the department's main problems, and the analyst's checklist.

存在的主要问题 speaks about the department: related findings are one problem
(all indicators missed, of every scope, are 部分绩效指标未完成 with their
list; the indicators one scope missed are one sentence with its list), so a
report has a handful of problems, each headed once.  The department's own
stated problems and measures (narrative.csv) come first, as its own words,
and a sentence is never listed twice.  What the analyst must still supply or
confirm — an indicator without its actual, an assumption perfkit made in
reading a target, an amount a score needs — is not the department's problem;
it goes to a checklist (the Word draft's appendix, the 03 notebook's last
section).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from perfkit.findings.model import SECTION_MAIN, SEVERITIES, Finding
from perfkit.ingest.schema import NARRATIVE_SECTIONS
from perfkit.text import labels, messages

#: rule code -> the theme its findings are grouped under (labels.PROBLEM_THEMES holds the headings)
THEME_OF = {
    "exec_rate_whole": "execution", "exec_rate_project": "execution", "exec_rate_line": "execution",
    "underspent": "execution", "low_spending_noted": "execution", "progress_behind": "execution",
    "indicator_missed": "results", "indicator_partly_met": "results", "yoy_indicator_decline": "results",
    "yoy_score_decline": "results",
    "target_directional": "targets", "target_vague": "targets", "target_in_name": "targets",
    "target_missing": "targets", "met_at_boundary": "targets", "over_completion": "targets",
    "actual_copies_target": "evidence", "deviation_unexplained": "evidence",
    "stated_mismatch": "figures", "table_arithmetic": "figures", "weights_sum": "figures",
}
#: rules whose findings are the analyst's to settle (missing actuals, perfkit's reading of a target)
ANALYST_CODES = ("actual_missing", "target_bare_value")
THEME_ORDER = ("execution", "results", "targets", "evidence", "figures", "other")
#: the theme of the department's own stated items (narrative.csv), listed first
STATED_THEME = "stated"
#: findings of one scope merged into one sentence with their list
MERGED_CODES = ("indicator_missed",)


@dataclass(frozen=True)
class Line:
    """One numbered sentence of a problem, with the items it lists (shown as a sub-list, or after a colon)."""

    text: str
    items: tuple[str, ...] = ()

    def joined(self) -> str:
        """Return the sentence with its items after it, separated by ；, ending with 。."""
        if not self.items:
            return self.text
        return self.text + messages.NOTE_SEP.join(i.rstrip("。") for i in self.items) + "。"


@dataclass(frozen=True)
class Problem:
    """One main problem: its heading, the findings it groups, its sentences and its measures."""

    theme: str
    title: str
    findings: tuple
    lines: tuple[Line, ...] = ()
    measures: tuple[str, ...] = ()
    #: the heading of its measures in 下一步改进措施, when not ``title``
    measures_title: str = ""

    @property
    def recommendations(self) -> list[str]:
        """Return the group's measures, each once, in the findings' order."""
        return list(self.measures)


def main_problems(findings: list[Finding], stated: pd.DataFrame | None = None,
                  scope_name: Callable[[str], str] = str) -> list[Problem]:
    """Return the department's main problems: its own stated ones first, then the findings grouped by theme.

    Parameters
    ----------
    findings : list of Finding
        The year's findings; the main-section ones that are not the analyst's are grouped.
    stated : DataFrame, optional
        The year's narrative.csv rows (``section``, ``scope_id``, ``title``, ``text``).
    scope_name : callable, optional
        scope_id -> display name, for a stated item of one scope.
    """
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.section == SECTION_MAIN and f.code not in ANALYST_CODES:
            groups.setdefault(THEME_OF.get(f.code, "other"), []).append(f)

    def rank(theme: str):
        return (min(SEVERITIES.index(f.severity) for f in groups[theme]), THEME_ORDER.index(theme))

    own = _stated_problem(stated, scope_name)
    seen = {_key(line.text) for line in own.lines} if own else set()
    seen_measures = set(own.measures) if own else set()
    out = [own] if own else []
    for t in sorted(groups, key=rank):
        lines, measures = _lines(groups[t])
        lines = [ln for ln in lines if _key(ln.joined()) not in seen]
        measures = [m for m in dict.fromkeys(measures) if m not in seen_measures]
        if lines:
            out.append(Problem(t, labels.PROBLEM_THEMES[t], tuple(groups[t]), tuple(lines), tuple(measures)))
    return out


def _key(text: str) -> str:
    """Return a sentence with spaces and punctuation left out, to tell one said twice."""
    return re.sub(r"[\s，。；、：,.;:“”\"'（）()]", "", text)


def _lines(findings: list[Finding]) -> tuple[list[Line], list[str]]:
    """Return the sentences and measures of one theme's findings, a scope's missed indicators merged into one."""
    merged: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.code in MERGED_CODES:
            merged.setdefault((f.code, f.scope_id), []).append(f)
    lines, measures, done = [], [], set()
    for f in findings:
        key = (f.code, f.scope_id)
        group = merged.get(key, [])
        if len(group) < 2:
            lines.append(Line(f.problem))
            measures += f.recommendations
        elif key not in done:
            done.add(key)
            line, recs = _merged(group)
            lines.append(line)
            measures += recs
    return lines, measures


def _merged(group: list[Finding]) -> tuple[Line, list[str]]:
    """Return one sentence listing the missed indicators of one scope, and the measures said once for them."""
    first = group[0]
    names = messages.LIST_SEP.join(messages.QUOTED_NAME.format(name=f.evidence.get("name", f.subject)) for f in group)
    gaps = messages.LIST_SEP.join(messages.MISSED_GROUP_GAP.format(name=f.evidence.get("name", f.subject),
                                                                   gap=f.evidence.get("gap", ""))
                                  for f in group)
    values = {"scope_name": first.scope_name, "count": len(group), "names": names, "gaps": gaps}
    line = Line(messages.MISSED_GROUP.format(**values), tuple(f.problem for f in group))
    return line, [r.format(**values) for r in messages.MISSED_GROUP_RECOMMENDATIONS]


def _stated_problem(stated: pd.DataFrame | None, scope_name: Callable[[str], str]) -> Problem | None:
    """Return the department's own stated problems and measures as one group, or None when it states none."""
    if stated is None or stated.empty:
        return None
    lines, measures = [], []
    for rec in stated.to_dict("records"):
        text = _cell(rec.get("text"))
        if _cell(rec.get("title")):
            text = messages.STATED_WITH_TITLE.format(title=_cell(rec["title"]), text=text)
        if _cell(rec.get("scope_id")):
            text = messages.STATED_OF_SCOPE.format(scope=scope_name(_cell(rec["scope_id"])), text=text)
        (lines if rec.get("section") == NARRATIVE_SECTIONS[0] else measures).append(text)
    lines = list(dict.fromkeys(lines))
    return Problem(STATED_THEME, labels.STATED_PROBLEMS_TITLE, (), tuple(Line(t) for t in lines),
                   tuple(dict.fromkeys(measures)), labels.STATED_MEASURES_TITLE)


def _cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def analyst_findings(findings: list[Finding]) -> list[Finding]:
    """Return the findings that are the analyst's to settle (ANALYST_CODES), in the given order."""
    return [f for f in findings if f.code in ANALYST_CODES]
