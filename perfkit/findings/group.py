"""The findings as the two audiences read them: the department's main problems, and the analyst's checklist.

存在的主要问题 speaks about the department: related findings are one problem
(all indicators missed, of every scope, are 部分绩效指标未完成 with their
list), so a report has a handful of problems, each headed once.  What the
analyst must still supply or confirm — an indicator without its actual, an
assumption perfkit made in reading a target, an amount a score needs — is not
the department's problem; it goes to a checklist (the Word draft's appendix,
the 03 notebook's last section).
"""
from __future__ import annotations

from dataclasses import dataclass

from perfkit.findings.model import SECTION_MAIN, SEVERITIES, Finding
from perfkit.text import labels

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


@dataclass(frozen=True)
class Problem:
    """One main problem: its heading and the findings it groups (each a sentence of its own)."""

    theme: str
    title: str
    findings: tuple

    @property
    def recommendations(self) -> list[str]:
        """Return the group's recommendations, each once, in the findings' order."""
        return list(dict.fromkeys(r for f in self.findings for r in f.recommendations))


def main_problems(findings: list[Finding]) -> list[Problem]:
    """Return the department's main problems: the main-section findings grouped by theme, most severe first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.section == SECTION_MAIN and f.code not in ANALYST_CODES:
            groups.setdefault(THEME_OF.get(f.code, "other"), []).append(f)

    def rank(theme: str):
        return (min(SEVERITIES.index(f.severity) for f in groups[theme]), THEME_ORDER.index(theme))

    return [Problem(t, labels.PROBLEM_THEMES[t], tuple(groups[t])) for t in sorted(groups, key=rank)]


def analyst_findings(findings: list[Finding]) -> list[Finding]:
    """Return the findings that are the analyst's to settle (ANALYST_CODES), in the given order."""
    return [f for f in findings if f.code in ANALYST_CODES]
