"""The finding model: a rule that fired (:class:`Hit`), the finding it becomes (:class:`Finding`), and their order.

A detector returns hits: the numbers it found, before any wording.  The
derivation (:mod:`perfkit.findings.derive`) fills the rule's Chinese templates
with them and returns findings, sorted by :func:`sort_findings` so that a report
rendered twice reads the same.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from perfkit.ingest.schema import WHOLE_SCOPE
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.rules.findings import SECTION_APPENDIX, SECTION_MAIN, SECTIONS, SEVERITIES
from perfkit.values import json_ready

__all__ = ["FINDING_COLUMNS", "SECTIONS", "SECTION_APPENDIX", "SECTION_MAIN", "SEVERITIES", "TOTAL_LINE", "WHOLE",
           "Finding", "Hit", "findings_frame", "scope_rank", "sort_findings"]

WHOLE = WHOLE_SCOPE

FINDING_COLUMNS = ["year", "code", "title", "severity", "section", "scope_id", "scope_name", "subject",
                   "problem", "recommendations", "evidence"]


@dataclass(frozen=True)
class Finding:
    """One problem found in a department-year, with its evidence and recommendations.

    Attributes
    ----------
    code : str
        The rule that fired (a key of ``findings.yaml``), e.g. ``target_directional``.
    severity : str
        ``高``, ``中`` or ``低``.
    scope_id, scope_name : str
        The evaluation scope (``whole`` for the whole department) and its name.
    subject : str
        What the finding is about: a budget line, an indicator, or several indicators' names.
    evidence : dict
        The numbers that made the rule fire and the rule's parameters (``rule``, thresholds,
        source rows), JSON-safe.
    problem : str
        The sentence for 存在的主要问题.
    recommendations : list of str
        The sentences for 下一步改进措施; each names its indicator, project or line.
    section : str
        ``存在的主要问题`` or ``附录`` (listed only in the appendix table).
    year : int
    title : str
        The rule's short Chinese name (问题类别).
    """

    code: str
    severity: str
    scope_id: str
    scope_name: str
    subject: str
    evidence: dict
    problem: str
    recommendations: list
    section: str
    year: int | None = None
    title: str = ""

    def to_dict(self) -> dict:
        """Return the finding as a JSON-safe dict (for ``summary.json``)."""
        return {"code": self.code, "title": self.title, "year": json_ready(self.year),
                "severity": self.severity, "section": self.section, "scope_id": self.scope_id,
                "scope_name": self.scope_name, "subject": self.subject, "problem": self.problem,
                "recommendations": list(self.recommendations), "evidence": json_ready(self.evidence)}


@dataclass
class Hit:
    """A rule that fired, before its templates are filled: what a detector returns.

    Attributes
    ----------
    code : str
        The rule code (one the detector registered).
    scope_id, subject : str
        Where the finding goes and what it is about.
    values : dict
        The placeholders the detector registered for ``code``, filled.
    evidence : dict
        The numbers behind the finding (JSON-safe once encoded).
    metric : float, optional
        The number the rule's severity ``bands`` are read against (e.g. the execution rate).
    item : dict, optional
        For rules whose findings list items: this indicator's item placeholders;
        hits with items are merged into one finding per scope (or per indicator).
    severity : str, optional
        Set when the evidence carries its own severity (consistency checks).
    """

    code: str
    scope_id: str
    subject: str
    values: dict
    evidence: dict
    metric: float | None = None
    item: dict | None = None
    severity: str | None = None


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Return one row per finding, in the given order.

    Returns
    -------
    DataFrame
        Columns ``year``, ``code``, ``title``, ``severity``, ``section``, ``scope_id``,
        ``scope_name``, ``subject``, ``problem``, ``recommendations`` (the sentences
        joined by a newline) and ``evidence`` (JSON text).
    """
    rows = [{"year": f.year, "code": f.code, "title": f.title, "severity": f.severity, "section": f.section,
             "scope_id": f.scope_id, "scope_name": f.scope_name, "subject": f.subject, "problem": f.problem,
             "recommendations": "\n".join(f.recommendations),
             "evidence": json.dumps(json_ready(f.evidence), ensure_ascii=False, sort_keys=True)}
            for f in findings]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def sort_findings(findings: list[Finding], scope_rank: dict | None = None) -> list[Finding]:
    """Return findings ordered by severity (高, 中, 低), scope, subject and rule code.

    ``scope_rank`` maps scope ids to their position (:func:`scope_rank`);
    without it ``whole`` comes first and the others follow by id.
    """
    rank = scope_rank or {}

    def key(f: Finding):
        scope = rank.get(f.scope_id, (0 if f.scope_id == WHOLE else 1, len(rank), f.scope_id))
        return (SEVERITIES.index(f.severity), scope, f.subject, f.code, f.problem)

    return sorted(findings, key=key)


def scope_rank(scopes: pd.DataFrame) -> dict:
    """Return scope id -> sort key: the whole department first, then scopes.csv order."""
    rank = {}
    order = scopes.sort_values("src_row") if "src_row" in scopes.columns else scopes
    for i, sid in enumerate(order["scope_id"].drop_duplicates()):
        rank[sid] = (0 if sid == WHOLE else 1, i, str(sid))
    return rank
