"""The findings of a department-year: every registered detector run, their hits worded and ordered.

Each finding rule looks at one kind of evidence — execution rates, in-year
progress, indicator results, how targets and actuals are written, year-over-year
changes, stated figures that do not recompute — and, when it fires, fills the
Chinese templates of ``perfkit/rules/findings.yaml`` with the numbers it found.
Thresholds, severities, wording and which findings go under 存在的主要问题 live in
that file, so a department can copy and edit it (``findings:`` in its
``department.yaml``) without touching code.

:func:`derive_findings` is pure: it is handed the department, the year's
:class:`~perfkit.score.scoring.YearScore`, its consistency checks, the finding
rules, the prior year's YearScore and the year-over-year indicator table, and
returns new objects; it scores, checks, compares and reads no file itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import pandas as pd

from perfkit.errors import RuleSetError
from perfkit.instrument import counted
from perfkit.findings.model import SECTION_APPENDIX, SECTION_MAIN, SEVERITIES, Finding, Hit, scope_rank, sort_findings
from perfkit.findings.registry import detectors
from perfkit.rules.findings import FindingRules
from perfkit.text import messages, samples
from perfkit.values import is_missing

#: placeholders of a finding that merges several items (filled by :func:`_fill_group`), with sample values
GROUP_PLACEHOLDERS: Mapping[str, Any] = {"count": 2, "items": samples.GROUP_ITEMS, "names": samples.GROUP_NAMES, "note": ""}


@dataclass
class Context:
    """Everything the detectors read for one department-year.

    Attributes
    ----------
    dept : Department
        All years (year-over-year rules look at the prior year).
    year : int
    data : Department
        The department restricted to ``year``.
    rules : FindingRules
    scored : YearScore
    checks : DataFrame
        ``perfkit.score.checks.check_stated`` of the year.
    prior_scored : YearScore or None
        The comparison year's scores (the latest earlier year), None without one.
    yoy_indicators : DataFrame or None
        ``perfkit.compare`` year-over-year indicator table of ``year``.
    scope_rank : dict
        Scope id -> sort key (:func:`~perfkit.findings.model.scope_rank`); its keys are the year's scopes in order.
    """

    dept: Any
    year: int
    data: Any
    rules: FindingRules
    scored: Any = None
    checks: pd.DataFrame | None = None
    prior_scored: Any = None
    yoy_indicators: pd.DataFrame | None = None
    scope_rank: dict = field(default_factory=dict)

    def scope_name(self, scope_id: str) -> str:
        """Return a scope's name ("" for no scope)."""
        return self.data.scope_name(scope_id) if scope_id else ""

    def scope_type(self, scope_id: str) -> str:
        """Return a scope's type (部门整体, 一级项目 …), "" when unknown."""
        return self.data.scope_type(scope_id)

    def phrase(self, key: str, sub: str | None = None, **values) -> str:
        """Return a phrase of the rules file, filled with ``values``."""
        template = self.rules.phrases[key]
        if sub is not None:
            template = template[sub]
        return _format(template, values, f"phrases.{key}")

    def active(self, code: str) -> dict | None:
        """Return a rule's settings when it is switched on, else None."""
        return self.rules.get(code) if self.rules.enabled(code) else None


@counted("findings")
def derive_findings(dept, year: int, scored, checks: pd.DataFrame, rules: FindingRules, *,
                    prior_scored, yoy_indicators: pd.DataFrame | None) -> list[Finding]:
    """Return the findings of one department-year, ordered by severity, scope, subject and rule.

    Parameters
    ----------
    dept : Department
        The loaded department (all years).
    year : int
    scored : YearScore
        ``perfkit.score.scoring.score_year(dept, year, book)``.  The indicator
        rules read its ``met``, ``attainment`` and ``flags`` columns.
    checks : DataFrame
        ``perfkit.score.checks.check_stated(dept, year, scored)``.
    rules : FindingRules
        The finding rules in force (``RuleBook.findings``).
    prior_scored : YearScore or None
        The comparison year's scores (``Department.prior_year``), for the fall in
        scope totals; None when there is no earlier year.
    yoy_indicators : DataFrame or None
        ``perfkit.compare`` year-over-year indicator table of ``year``; None
        leaves the year-over-year indicator rules silent.

    Returns
    -------
    list of Finding
    """
    year = int(year)
    data = dept.for_year(year)
    ctx = Context(dept=dept, year=year, data=data, rules=rules, scored=scored, checks=checks,
                  prior_scored=prior_scored, yoy_indicators=yoy_indicators, scope_rank=scope_rank(data.scopes))
    hits: list[Hit] = []
    for d in detectors():
        hits.extend(d.func(ctx))
    findings = _main_section_cut(_assemble(ctx, hits), rules.meta.get("main_min_severity"))
    return sort_findings(findings, ctx.scope_rank)


def _main_section_cut(findings: list[Finding], cut: str | None) -> list[Finding]:
    """Move main-section findings less severe than ``cut`` to the appendix.

    A report's 存在的主要问题 names a handful of problems; the minor ones stay
    visible in the appendix table instead of burying the main ones.
    """
    if not cut:
        return findings
    limit = SEVERITIES.index(cut)
    return [replace(f, section=SECTION_APPENDIX) if f.section == SECTION_MAIN and SEVERITIES.index(f.severity) > limit
            else f for f in findings]


# --------------------------------------------------------------------------- assembling


def _severity(cfg: dict, metric: float | None) -> str:
    if metric is not None and not is_missing(metric):
        for band in cfg.get("bands") or []:
            if metric < band["below"]:
                return band["severity"]
    return cfg["severity"]


def _assemble(ctx: Context, hits: list[Hit]) -> list[Finding]:
    """Return findings from the hits: group per scope where asked, fill templates, drop suppressed ones."""
    grouped: dict[tuple, list[Hit]] = {}
    single: list[Hit] = []
    for hit in hits:
        cfg = ctx.rules.get(hit.code)
        if hit.item is not None and cfg.get("group") == "scope":
            grouped.setdefault((hit.code, hit.scope_id), []).append(hit)
        elif hit.item is not None:
            grouped.setdefault((hit.code, hit.scope_id, hit.subject, hit.evidence.get("indicator_id")), []).append(hit)
        else:
            single.append(hit)
    findings = [_fill(ctx, h, [h.item] if h.item else None) for h in single]
    for group in grouped.values():
        findings.append(_fill_group(ctx, group))
    present = {(f.code, f.scope_id, f.subject) for f in findings}
    kept = []
    for f in findings:
        suppressors = ctx.rules.get(f.code).get("suppressed_by") or []
        if any((other, f.scope_id, f.subject) in present for other in suppressors):
            continue
        kept.append(f)
    return kept


def _base_values(ctx: Context, scope_id: str, subject: str) -> dict:
    """Return the placeholders every template may use (:data:`perfkit.findings.registry.COMMON_PLACEHOLDERS`)."""
    return {"year": ctx.year, "department": ctx.dept.name, "scope_id": scope_id,
            "scope_name": ctx.scope_name(scope_id), "scope_type": ctx.scope_type(scope_id), "subject": subject}


def _fill(ctx: Context, hit: Hit, items: list[dict] | None) -> Finding:
    cfg = ctx.rules.get(hit.code)
    values = {**_base_values(ctx, hit.scope_id, hit.subject), **hit.values}
    problem = _format(cfg["problem"], values, hit.code)
    recs = [_format(r, values, hit.code) for r in cfg["recommendations"]]
    if items and cfg.get("item_recommendation"):
        recs += [_format(cfg["item_recommendation"], {**values, **it}, hit.code) for it in items]
    evidence = {"rule": hit.code, **hit.evidence}
    return Finding(code=hit.code, severity=hit.severity or _severity(cfg, hit.metric), scope_id=hit.scope_id,
                   scope_name=values["scope_name"], subject=hit.subject, evidence=evidence, problem=problem,
                   recommendations=_dedupe(recs), section=cfg["section"], year=ctx.year, title=cfg["title"])


def _fill_group(ctx: Context, group: list[Hit]) -> Finding:
    """Return one finding for several indicators of one scope hit by the same rule."""
    first = group[0]
    items = [h.item for h in group]
    names = "、".join(it["indicator"] for it in items)
    listed = "、".join(it["listed"] for it in items)
    unverified = [h.values["note_part"] for h in group if h.values.get("note_part")]
    note = ctx.phrase("unverified_direction", names="、".join(unverified)) if unverified else ""
    values = {"count": len(items), "items": listed, "names": names, "note": note}
    metrics = [h.metric for h in group if h.metric is not None]
    evidence = {"indicators": [{k: v for k, v in h.evidence.items()} for h in group],
                "count": len(items)}
    merged = Hit(first.code, first.scope_id, names, values, evidence, min(metrics) if metrics else None)
    return _fill(ctx, merged, items)


def _format(template: str, values: dict, code: str) -> str:
    try:
        return template.format_map(values)
    except (KeyError, ValueError) as exc:  # validated on load; a value of an unexpected type lands here
        raise RuleSetError(messages.FINDING_TEMPLATE_FAILED.format(code=code, error=exc, template=template)) from None


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for s in items:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out
