"""Findings: the problems (存在的主要问题) and recommendations (下一步改进措施) of a department-year.

Each finding rule looks at one kind of evidence — execution rates, in-year
progress, indicator results, how targets and actuals are written, year-over-year
changes, stated figures that do not recompute — and, when it fires, fills the
Chinese templates of ``perfkit/rules/findings.yaml`` with the numbers it found.
Thresholds, severities, wording and which findings go under 存在的主要问题 live in
that file, so a department can copy and edit it (``findings:`` in its
``department.yaml``) without touching code.

The functions are pure: they take a loaded :class:`~perfkit.ingest.department.Department`
and, optionally, its :class:`~perfkit.score.scoring.YearScore` and consistency checks,
and return new objects.  Output is sorted (severity, scope, subject, rule) so that
a report rendered twice reads the same.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from perfkit import compare
from perfkit.rules.book import rulebook_for
from perfkit.values import is_missing as _missing
from perfkit.values import json_ready
from perfkit.score.targets import polarity as polarity_of
from perfkit.errors import RuleSetError

from perfkit.rules.findings import (BUILTIN_FINDINGS, GROUPABLE, SECTION_APPENDIX, SECTION_MAIN, SECTIONS,
                                    SEVERITIES, FindingRules, findings_rules_for, load_findings_rules)
WHOLE = "whole"
TOTAL_LINE = "合计"

FINDING_COLUMNS = ["year", "code", "title", "severity", "section", "scope_id", "scope_name", "subject",
                   "problem", "recommendations", "evidence"]

# --------------------------------------------------------------------------- the finding


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


# --------------------------------------------------------------------------- context


@dataclass
class _Context:
    """Everything the rules read for one department-year."""

    dept: Any
    year: int
    data: Any                  # the department restricted to ``year``
    rules: FindingRules
    scored: Any = None
    checks: pd.DataFrame | None = None
    scope_rank: dict = field(default_factory=dict)
    yoy_indicators: pd.DataFrame | None = None

    def scope_name(self, scope_id: str) -> str:
        return self.data.scope_name(scope_id) if scope_id else ""

    def phrase(self, key: str, sub: str | None = None, **values) -> str:
        """Return a phrase of the rules file, filled with ``values``."""
        template = self.rules.phrases[key]
        if sub is not None:
            template = template[sub]
        return _format(template, values, f"phrases.{key}")

    def scope_type(self, scope_id: str) -> str:
        s = self.data.scopes
        rows = s.loc[s["scope_id"] == scope_id, "scope_type"]
        return str(rows.iloc[0]) if len(rows) else ""


@dataclass
class _Hit:
    """A rule that fired, before its templates are filled."""

    code: str
    scope_id: str
    subject: str
    values: dict
    evidence: dict
    metric: float | None = None
    item: dict | None = None
    severity: str | None = None   # set when the evidence carries its own severity (consistency checks)


def derive_findings(dept, year: int, scored=None, checks: pd.DataFrame | None = None,
                    rules: FindingRules | str | Path | None = None,
                    yoy_indicators: pd.DataFrame | None = None) -> list[Finding]:
    """Return the findings of one department-year, ordered by severity, scope, subject and rule.

    Parameters
    ----------
    dept : Department
        The loaded department (all years: year-over-year rules look at the prior year).
    year : int
    scored : YearScore, optional
        ``perfkit.score.scoring.score_year(dept, year, rulebook_for(dept))``; computed when not given.  The
        indicator rules read its ``met``, ``attainment`` and ``flags`` columns.
    checks : DataFrame, optional
        ``perfkit.score.checks.check_stated(dept, year, scored)``; computed when not given.
    rules : FindingRules, str or Path, optional
        Finding rules to use instead of the department's own (``findings:`` in
        department.yaml) or the built-in ones.
    yoy_indicators : DataFrame, optional
        ``perfkit.compare.yoy_indicators(dept, year, rulebook_for(dept))``; computed when not given.

    Returns
    -------
    list of Finding
    """
    year = int(year)
    data = dept.for_year(year)
    if rules is None:
        rules = findings_rules_for(dept)
    elif not isinstance(rules, FindingRules):
        rules = load_findings_rules(rules, getattr(dept, "path", None))
    if scored is None:
        scored = _score(dept, year)
    if checks is None:
        checks = _check(dept, year, scored)
    ctx = _Context(dept=dept, year=year, data=data, rules=rules, scored=scored, checks=checks,
                   scope_rank=_scope_rank(data.scopes), yoy_indicators=yoy_indicators)
    hits: list[_Hit] = []
    for detect in _DETECTORS:
        hits.extend(detect(ctx))
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


def sort_findings(findings: list[Finding], scope_rank: dict | None = None) -> list[Finding]:
    """Return findings ordered by severity (高, 中, 低), scope, subject and rule code.

    ``scope_rank`` maps scope ids to their position (the order of scopes.csv);
    without it ``whole`` comes first and the others follow by id.
    """
    rank = scope_rank or {}

    def key(f: Finding):
        scope = rank.get(f.scope_id, (0 if f.scope_id == WHOLE else 1, len(rank), f.scope_id))
        return (SEVERITIES.index(f.severity), scope, f.subject, f.code, f.problem)

    return sorted(findings, key=key)


def _scope_rank(scopes: pd.DataFrame) -> dict:
    """Return scope id -> sort key: the whole department first, then scopes.csv order."""
    rank = {}
    order = scopes.sort_values("src_row") if "src_row" in scopes.columns else scopes
    for i, sid in enumerate(order["scope_id"].drop_duplicates()):
        rank[sid] = (0 if sid == WHOLE else 1, i, str(sid))
    return rank


def _score(dept, year: int):
    try:
        from perfkit.rules.book import rulebook_for
        from perfkit.score.scoring import score_year
    except ImportError:  # scoring not available: the indicator-result rules are skipped
        return None
    return score_year(dept, year, rulebook_for(dept))


def _check(dept, year: int, scored) -> pd.DataFrame | None:
    try:
        from perfkit.score.checks import check_stated
    except ImportError:
        return None
    return check_stated(dept, year, scored)


# --------------------------------------------------------------------------- assembling


def _severity(cfg: dict, metric: float | None) -> str:
    if metric is not None and not _missing(metric):
        for band in cfg.get("bands") or []:
            if metric < band["below"]:
                return band["severity"]
    return cfg["severity"]


def _assemble(ctx: _Context, hits: list[_Hit]) -> list[Finding]:
    """Return findings from the hits: group per scope where asked, fill templates, drop suppressed ones."""
    grouped: dict[tuple, list[_Hit]] = {}
    single: list[_Hit] = []
    for hit in hits:
        cfg = ctx.rules.get(hit.code)
        if hit.item is not None and cfg.get("group") == "scope":
            grouped.setdefault((hit.code, hit.scope_id), []).append(hit)
        elif hit.item is not None:
            grouped.setdefault((hit.code, hit.scope_id, hit.subject, hit.evidence.get("indicator_id")), []).append(hit)
        else:
            single.append(hit)
    findings = [_fill(ctx, h, [h.item] if h.item else None) for h in single]
    for key, group in grouped.items():
        findings.append(_fill_group(ctx, group))
    present = {(f.code, f.scope_id, f.subject) for f in findings}
    kept = []
    for f in findings:
        suppressors = ctx.rules.get(f.code).get("suppressed_by") or []
        if any((other, f.scope_id, f.subject) in present for other in suppressors):
            continue
        kept.append(f)
    return kept


def _base_values(ctx: _Context, scope_id: str, subject: str) -> dict:
    return {"year": ctx.year, "department": ctx.dept.name, "scope_id": scope_id,
            "scope_name": ctx.scope_name(scope_id), "scope_type": ctx.scope_type(scope_id), "subject": subject}


def _fill(ctx: _Context, hit: _Hit, items: list[dict] | None) -> Finding:
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


def _fill_group(ctx: _Context, group: list[_Hit]) -> Finding:
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
    merged = _Hit(first.code, first.scope_id, names, values, evidence, min(metrics) if metrics else None)
    return _fill(ctx, merged, items)


def _format(template: str, values: dict, code: str) -> str:
    try:
        return template.format_map(values)
    except (KeyError, ValueError) as exc:  # validated on load; a value of an unexpected type lands here
        raise RuleSetError(f"问题与建议规则「{code}」的模板无法填写（{exc}）：{template}") from None


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for s in items:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


# --------------------------------------------------------------------------- small helpers




def _text(x) -> str:
    return "" if _missing(x) else str(x).strip()


def _num(value: float | None, unit: str | None = None, decimals: int | None = None) -> str:
    """Return a number with its unit, without trailing zeros (``98.5%``, ``263个``)."""
    from perfkit.score.targets import fmt_number

    if _missing(value):
        return "—"
    shown = f"{value:.{decimals}f}" if decimals is not None else fmt_number(float(value))
    return f"{shown}{unit or ''}"


def _active(ctx: _Context, code: str) -> dict | None:
    return ctx.rules.get(code) if ctx.rules.enabled(code) else None


# --------------------------------------------------------------------------- budget execution


def _detect_execution(ctx: _Context) -> list[_Hit]:
    """Execution rate below its threshold: the whole department, each project, each budget line."""
    hits = []
    budget = ctx.data.budget
    c_whole, c_proj, c_line = (_active(ctx, c) for c in ("exec_rate_whole", "exec_rate_project", "exec_rate_line"))
    c_under = _active(ctx, "underspent")
    for rec in budget.to_dict("records"):
        b, e = rec.get("budget"), rec.get("executed")
        if _missing(b) or _missing(e) or b <= 0:
            continue
        rate = e / b
        sid = rec["scope_id"]
        values = {"budget": float(b), "executed": float(e), "unspent": float(b - e), "rate": float(rate)}
        evidence = {**values, "file": "budget.csv", "row": rec.get("src_row"), "line": rec["line"]}
        if rec["line"] == TOTAL_LINE:
            subject = ctx.scope_name(sid)
            cfg = c_whole if sid == WHOLE else c_proj
            if cfg and rate < cfg["threshold"]:
                hits.append(_Hit("exec_rate_whole" if sid == WHOLE else "exec_rate_project", sid, subject,
                                 {**values, "threshold": cfg["threshold"]},
                                 {**evidence, "threshold": cfg["threshold"]}, metric=rate))
            if (c_under and sid != WHOLE and ctx.scope_type(sid) in (c_under.get("scope_types") or [])
                    and rate < c_under["max_rate"] and b - e >= c_under.get("min_amount", 0)):
                params = {"max_rate": c_under["max_rate"], "min_amount": float(c_under.get("min_amount", 0))}
                hits.append(_Hit("underspent", sid, subject, {**values, **params, "threshold": c_under["max_rate"]},
                                 {**evidence, **params}, metric=rate))
        elif c_line and rate < c_line["threshold"]:
            hits.append(_Hit("exec_rate_line", sid, str(rec["line"]),
                             {**values, "threshold": c_line["threshold"], "line": rec["line"],
                              "line_type": _text(rec.get("line_type"))},
                             {**evidence, "threshold": c_line["threshold"]}, metric=rate))
    return hits


_CLAUSE_SPLIT = re.compile(r"[。；;！!？?\n]")


def _detect_low_spending(ctx: _Context) -> list[_Hit]:
    """Low spending said in the report's words for a scope whose amounts are not in the data."""
    cfg = _active(ctx, "low_spending_noted")
    if not cfg:
        return []
    keywords = [str(k) for k in cfg.get("keywords") or []]
    hits = []
    budget = ctx.data.budget
    for sid in ctx.scope_rank:
        total = budget[(budget["scope_id"] == sid) & (budget["line"] == TOTAL_LINE)]
        b = total["budget"].iloc[0] if len(total) else None
        e = total["executed"].iloc[0] if len(total) else None
        if not _missing(b) and not _missing(e):
            continue  # the amounts are there: the execution-rate rules speak
        texts = _scope_texts(ctx, sid)
        quotes = []
        for where, text in texts:
            for clause in _CLAUSE_SPLIT.split(text):
                if any(k in clause for k in keywords) and clause.strip() not in [q for _, q in quotes]:
                    quotes.append((where, clause.strip()))
        if not quotes:
            continue
        stated = ctx.data.stated
        counts = stated[(stated["scope_id"] == sid) & (stated["kind"] == "计数")]
        count_texts = [str(t).replace(" ", "") for t in counts["stated_text"]]
        which = "both" if _missing(b) and _missing(e) else ("budget" if _missing(b) else "executed")
        missing = ctx.rules.phrases["amount_words"][which]
        name = ctx.scope_name(sid)
        values = {"quote": quotes[0][1], "counts": "、".join(count_texts) or ctx.phrase("empty"),
                  "budget_status": ctx.phrase("amounts_missing", scope_name=name, missing=missing)}
        evidence = {"quotes": [{**w, "text": q} for w, q in quotes],
                    "counts": {fid: v for fid, v in zip(counts["figure_id"], counts["value"])},
                    "budget": None if _missing(b) else float(b), "executed": None if _missing(e) else float(e),
                    "missing": missing, "keywords": [k for k in keywords if any(k in q for _, q in quotes)]}
        hits.append(_Hit("low_spending_noted", sid, name, values, evidence))
    return hits


def _scope_texts(ctx: _Context, scope_id: str) -> list[tuple[dict, str]]:
    """Return (where, text) of a scope's deviation notes and stated sentences, in file order."""
    out = []
    ind = ctx.data.indicators
    for rec in ind[ind["scope_id"] == scope_id].to_dict("records"):
        note = _text(rec.get("deviation_note"))
        if note:
            out.append(({"file": "indicators.csv", "row": rec.get("src_row"), "column": "deviation_note",
                         "indicator": rec["name"]}, note))
    stated = ctx.data.stated
    seen = set()
    for rec in stated[stated["scope_id"] == scope_id].to_dict("records"):
        sentence = _text(rec.get("sentence"))
        if sentence and sentence not in seen:
            seen.add(sentence)
            out.append(({"file": "stated.csv", "row": rec.get("src_row"), "column": "sentence",
                         "figure_id": rec["figure_id"]}, sentence))
    return out


def _detect_progress(ctx: _Context) -> list[_Hit]:
    """Cumulative execution at the end of checkpoint months below the required share of the budget."""
    cfg = _active(ctx, "progress_behind")
    prog = ctx.data.progress
    if not cfg or prog is None or prog.empty:
        return []
    checkpoints = {int(m): float(r) for m, r in sorted((cfg.get("checkpoints") or {}).items())}
    budget = ctx.data.budget
    hits = []
    for sid in sorted(prog["scope_id"].unique(), key=lambda s: ctx.scope_rank.get(s, (2, 0, s))):
        total = budget[(budget["scope_id"] == sid) & (budget["line"] == TOTAL_LINE)]
        base, base_field = None, "budget"
        if len(total) and not _missing(total["budget"].iloc[0]) and total["budget"].iloc[0] > 0:
            base = float(total["budget"].iloc[0])
        elif len(total) and not _missing(total["budget_original"].iloc[0]) and total["budget_original"].iloc[0] > 0:
            base, base_field = float(total["budget_original"].iloc[0]), "budget_original"
        if base is None:
            continue
        rows = prog[prog["scope_id"] == sid].set_index("month")["executed_cumulative"]
        missed = []
        for month, required in checkpoints.items():
            if month not in rows.index or _missing(rows[month]):
                continue
            rate = float(rows[month]) / base
            if rate < required:
                missed.append({"month": month, "rate": rate, "required": required,
                               "executed_cumulative": float(rows[month])})
        if not missed:
            continue
        worst = min(missed, key=lambda m: (m["rate"] / m["required"], m["month"]))
        text = "、".join(ctx.phrase("progress_item", month=m["month"], rate=m["rate"], required=m["required"])
                        for m in missed)
        values = {"missed": text, "n_missed": len(missed), "worst_month": worst["month"], "worst_rate": worst["rate"],
                  "worst_required": worst["required"], "budget": base}
        evidence = {"budget": base, "budget_field": base_field, "missed": missed, "checkpoints": checkpoints,
                    "file": "progress.csv"}
        hits.append(_Hit("progress_behind", sid, ctx.scope_name(sid), values, evidence,
                         metric=worst["rate"] / worst["required"]))
    return hits


# --------------------------------------------------------------------------- indicators


def _indicators(ctx: _Context) -> pd.DataFrame:
    """Return this year's indicators, with the scoring columns when a YearScore is given."""
    scored = getattr(ctx.scored, "indicators", None) if ctx.scored is not None else None
    if isinstance(scored, pd.DataFrame) and "indicator_id" in scored.columns:
        df = scored
        if "year" in df.columns:
            df = df[df["year"] == ctx.year]
        return df.reset_index(drop=True)
    return ctx.data.indicators


def _readings(rec: dict):
    from perfkit.score.targets import parse_target, target_from_name

    t = parse_target(rec.get("target"))
    a = parse_target(rec.get("actual"))
    in_name = target_from_name(rec.get("name")) if t.kind == "blank" else None
    return t, a, in_name


def _flags(rec: dict) -> set[str]:
    return {f.strip() for f in _text(rec.get("flags")).split(",") if f.strip()}


def _ind_values(ctx: _Context, rec: dict) -> dict:
    target = _text(rec.get("target"))
    if not target:
        from perfkit.score.targets import target_from_name

        in_name = target_from_name(rec.get("name"))
        target = (ctx.phrase("target_from_name", target=_canonical(in_name)) if in_name is not None
                  else ctx.phrase("empty"))
    return {"indicator": _text(rec.get("name")), "level1": _text(rec.get("level1")),
            "level2": _text(rec.get("level2")), "target": target,
            "actual": _text(rec.get("actual")) or ctx.phrase("empty")}


def _canonical(t) -> str:
    from perfkit.score.targets import OP_SYMBOLS, fmt_number

    return f"{OP_SYMBOLS.get(t.op or '', '')}{fmt_number(t.value)}{t.unit or ''}"


def _ind_evidence(rec: dict, **extra) -> dict:
    keep = ("indicator_id", "name", "target", "actual", "prior_actual", "src_row", "met", "attainment", "flags",
            "score", "weight_used", "target_kind")
    ev = {k: rec.get(k) for k in keep if k in rec and not _missing(rec.get(k))}
    ev["file"] = "indicators.csv"
    ev.update(extra)
    return ev


def _detect_measurability(ctx: _Context) -> list[_Hit]:
    """Targets and actuals that cannot be measured: directional, vague, bare, hidden, missing, copied."""
    hits = []
    ind = _indicators(ctx)
    for rec in ind.to_dict("records"):
        sid, name = rec["scope_id"], _text(rec.get("name"))
        t, a, in_name = _readings(rec)
        target_text, actual_text = _text(rec.get("target")), _text(rec.get("actual"))
        base = _ind_values(ctx, rec)

        def hit(code, suggestion="", listed=None, note_part=None, **extra):
            if not ctx.rules.enabled(code):
                return
            listed = listed or ctx.phrase("listed_text", indicator=name, text=target_text or ctx.phrase("empty"))
            item = {**base, "suggestion": suggestion, "listed": listed}
            values = {"note_part": note_part} if note_part else {}
            hits.append(_Hit(code, sid, name, values, _ind_evidence(rec, **extra), item=item))

        if t.kind == "directional":
            verifiable = _text(rec.get("prior_actual")) or (a.kind == "directional" and a.direction == t.direction)
            hit("target_directional", _directional_suggestion(ctx, t, a, rec),
                note_part=None if verifiable else name, direction=t.direction)
        elif t.kind == "qualitative" and t.deadline is None:
            hit("target_vague", _vague_suggestion(ctx, name, t))
        elif t.kind == "quantitative" and t.implicit_op:
            hit("target_bare_value", ctx.phrase("suggest_bare", target=target_text), reading=t.reading)
        elif t.kind == "blank" and in_name is not None:
            hit("target_in_name", ctx.phrase("suggest_in_name", target=_canonical(in_name)), listed=name,
                reading=in_name.reading)
        elif t.kind == "blank":
            hit("target_missing", listed=name)
        if a.kind == "blank":
            hit("actual_missing", listed=ctx.phrase("listed_target", indicator=name, target=base["target"]))
        elif _copies_target(t, a, target_text, actual_text):
            hit("actual_copies_target", listed=ctx.phrase("listed_text", indicator=name, text=actual_text),
                reading=a.reading)
    return hits


def _copies_target(t, a, target_text: str, actual_text: str) -> bool:
    """Return True when an actual is not a measurement: a bound, the target copied, or a stock phrase."""
    if a.kind == "quantitative" and a.op_written:
        return True
    # the same text is a copy only where the target is not itself a level one can reach exactly
    # (263 against 263 is a measurement that meets its target; 有效 against 有效 or ≥90% against ≥90% is not)
    if actual_text and actual_text == target_text and (t.op_written or t.kind in ("directional", "qualitative")):
        return True
    # 达成预期指标 against ≥95%: a phrase where a number was asked for
    return t.kind == "quantitative" and a.kind == "qualitative" and a.level is not None


def _directional_suggestion(ctx: _Context, t, a, rec: dict) -> str:
    """Return a measurable spelling for a directional target: from this year's actual, else last year's."""
    from perfkit.score.targets import fmt_number, parse_target

    if a.kind == "directional" and a.value is not None and a.direction == t.direction:
        return ctx.phrase("suggest_direction_amount", word=ctx.rules.phrases["words"][t.direction],
                          amount=f"{fmt_number(a.value)}{a.unit or ''}")
    if a.kind == "quantitative" and a.value is not None and a.unit != "百分点":
        actual = _text(rec.get("actual"))
        # a bound written as the actual (90%以上) suggests its number, quoted as written
        level = actual if not a.op_written else f"{fmt_number(a.value)}{a.unit or ''}"
        said = actual if not a.op_written else f"“{actual}”"
        return ctx.phrase("suggest_direction_level", t.direction, level=level, actual=said)
    prior = _text(rec.get("prior_actual"))
    p = parse_target(prior)
    if p.kind == "quantitative" and p.value is not None and not p.op_written:
        return ctx.phrase("suggest_direction_prior", t.direction, prior=prior)
    return ctx.phrase("suggest_direction_none", t.direction)


# Which kind of measurable standard to suggest for a vague target, from the indicator's wording.
_SATISFACTION_WORD = "满意"
_DEADLINE_WORDS = ("及时", "按时", "按期", "如期")
_RATE_SUFFIX = "率"


def _vague_suggestion(ctx: _Context, name: str, t) -> str:
    if _SATISFACTION_WORD in name:
        kind = "satisfaction"
    elif any(w in (t.text or "") for w in _DEADLINE_WORDS):
        kind = "deadline"
    elif name.endswith(_RATE_SUFFIX):
        kind = "rate"
    else:
        kind = "other"
    return ctx.phrase("suggest_vague", kind)


def _detect_results(ctx: _Context) -> list[_Hit]:
    """Indicators missed, partly met, over-completed, or deviating without an explanation."""
    ind = _indicators(ctx)
    if "met" not in ind.columns:
        return []  # not scored: results cannot be judged
    c_missed, c_partly = _active(ctx, "indicator_missed"), _active(ctx, "indicator_partly_met")
    c_over, c_dev = _active(ctx, "over_completion"), _active(ctx, "deviation_unexplained")
    hits = []
    for rec in ind.to_dict("records"):
        sid, name = rec["scope_id"], _text(rec.get("name"))
        sub_row = bool(_text(rec.get("parent_id")))
        t, a, in_name = _readings(rec)
        base = _ind_values(ctx, rec)
        met = rec.get("met")
        met = None if _missing(met) else bool(met)
        attainment = rec.get("attainment")
        attainment = None if _missing(attainment) else float(attainment)
        flags = _flags(rec)
        c_missed_r, c_partly_r, c_over_r, c_dev_r = (
            None if (cfg is None or (sub_row and cfg.get("skip_sub_rows", True))) else cfg
            for cfg in (c_missed, c_partly, c_over, c_dev))
        partial = c_partly_r is not None and a.level in (c_partly_r.get("levels") or [])
        if partial:
            hits.append(_Hit("indicator_partly_met", sid, name, {**base, "level": a.level},
                             _ind_evidence(rec, level=a.level)))
        elif c_missed_r and met is False:
            gap = _gap_text(ctx, t if t.kind != "blank" or in_name is None else in_name, a, rec)
            att_text = "—" if attainment is None else f"{attainment:.0%}"
            hits.append(_Hit("indicator_missed", sid, name,
                             {**base, "attainment": attainment if attainment is not None else float("nan"),
                              "attainment_text": att_text, "gap": gap, "reason": _text(rec.get("reason"))},
                             _ind_evidence(rec, gap=gap), metric=attainment))
        threshold = _over_threshold(ctx, sid, c_over)
        # scoring's flag decides; the ratio guards the sentence (达到指标值的x%) against a reverse indicator
        over = ("over_completion" in flags if "flags" in rec else True) and attainment is not None \
            and threshold is not None and attainment >= threshold
        if c_over_r and over:
            hits.append(_Hit("over_completion", sid, name,
                             {**base, "attainment": attainment if attainment is not None else float("nan"),
                              "threshold": threshold},
                             _ind_evidence(rec, threshold=threshold), metric=attainment))
        if c_dev_r and not _text(rec.get("deviation_note")):
            status = None
            required = _deviation_required(ctx, sid, c_dev_r)
            if met is False and "missed" in required:
                status = ctx.phrase("status", "missed")
            elif over and "over_completion" in required:
                status = ctx.phrase("status", "over_completion")
            if status:
                hits.append(_Hit("deviation_unexplained", sid, name, {**base, "status": status},
                                 _ind_evidence(rec, status=status)))
    return hits


def _scope_ruleset(ctx: _Context, scope_id: str):
    rules = getattr(ctx.scored, "rules", None) if ctx.scored is not None else None
    if isinstance(rules, dict):
        return rules.get(scope_id)
    return rules


def _over_threshold(ctx: _Context, scope_id: str, cfg: dict | None) -> float | None:
    """Return the over-completion ratio: the scoring rule set's when it has one, else findings.yaml's."""
    value = getattr(_scope_ruleset(ctx, scope_id), "over_threshold", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None if cfg is None else float(cfg["threshold"])


def _deviation_required(ctx: _Context, scope_id: str, cfg: dict) -> list[str]:
    """Return which deviations need a note (``missed``, ``over_completion``); the rule sets do not say, so
    findings.yaml does."""
    return list(cfg.get("require_for") or [])


def _gap_text(ctx: _Context, t, a, rec: dict) -> str:
    """Return how far an actual falls short of its target, in words (差15人, 差4.5个百分点, 超出1天 …)."""
    if t.kind == "quantitative" and a.kind == "quantitative" and t.value is not None and a.value is not None \
            and (a.unit == t.unit or a.unit is None or t.unit is None):
        unit = t.unit or a.unit
        above = t.op in ("<=", "<") or (t.op == "=" and t.value == 0)
        diff = a.value - t.value if above else t.value - a.value
        if unit == "%":  # a gap between two percentages is in percentage points
            return ctx.phrase("gap_points_above" if above else "gap_points_below", amount=_num(round(diff, 4)))
        return ctx.phrase("gap_above" if above else "gap_below", amount=_num(round(diff, 6), unit))
    if t.kind == "directional":
        return ctx.phrase("gap_direction", direction=ctx.rules.phrases["words"][t.direction],
                          prior=_text(rec.get("prior_actual")) or "—", actual=_text(rec.get("actual")) or "—")
    if a.level:
        return ctx.phrase("gap_level", level=a.level)
    return _text(rec.get("reason")) or ctx.phrase("gap_unknown")


# --------------------------------------------------------------------------- year over year


def _yoy_indicators(ctx: _Context) -> pd.DataFrame | None:
    df = ctx.yoy_indicators
    if df is None:
        df = compare.yoy_indicators(ctx.dept, ctx.year, rulebook_for(ctx.dept))
    return df[df["year"] == ctx.year] if "year" in df.columns else df


def _detect_yoy_indicators(ctx: _Context) -> list[_Hit]:
    """保持 met only by equality with last year, and indicators that got worse year over year."""
    c_bound, c_decline = _active(ctx, "met_at_boundary"), _active(ctx, "yoy_indicator_decline")
    if not (c_bound or c_decline):
        return []
    yoy = _yoy_indicators(ctx)
    if yoy is None or yoy.empty:
        return []
    from perfkit.score.targets import parse_target

    ind = ctx.data.indicators.set_index("indicator_id")
    hits = []
    for rec in yoy.to_dict("records"):
        iid = rec.get("indicator_id")
        if _missing(rec.get("actual")) and (iid not in ind.index):
            continue  # indicator dropped this year: nothing to say about this year's result
        src = ind.loc[iid].to_dict() if iid in ind.index else {}
        src["indicator_id"] = iid
        sid, name = rec["scope_id"], _text(rec.get("name"))
        unit = rec.get("unit")
        unit = None if _missing(unit) else str(unit)
        prior_year = rec.get("prior_year")
        prior_text = _text(rec.get("prior_text")) or _num(rec.get("prior"), unit)
        base = {**_ind_values(ctx, {**src, "name": name, "target": rec.get("target"), "actual": rec.get("actual")}),
                "prior": prior_text, "prior_year": "" if _missing(prior_year) else int(prior_year)}
        change, pct = rec.get("change"), rec.get("pct_change")
        rate = unit in ("%", "百分点")
        if c_bound and rec.get("at_boundary") is True:
            direction = parse_target(rec.get("target")).direction
            if direction in (c_bound.get("directions") or ["keep"]):
                ch = (ctx.phrase("flat_points", amount=float(change)) if rate
                      else ctx.phrase("flat", amount=_num(change, unit)))
                hits.append(_Hit("met_at_boundary", sid, name, {**base, "change": ch},
                                 _ind_evidence(src, prior=rec.get("prior"), current=rec.get("current"),
                                               change=change, change_unit=rec.get("change_unit"),
                                               prior_source=rec.get("prior_source"))))
        if c_decline and not _missing(change):
            levels = c_decline.get("level1") or []
            if levels and _text(src.get("level1")) not in levels:
                continue
            if c_decline.get("skip_sub_rows", True) and _text(src.get("parent_id")):
                continue  # the parent row speaks for its 其中 rows
            if c_decline.get("consecutive_only", True) and prior_year != ctx.year - 1:
                continue  # across a gap the change is not 同比
            polarity = polarity_of(rec.get("target")) or "higher"
            worse = -change if polarity == "higher" else change
            if worse <= 0:
                continue
            word = ctx.rules.phrases["words"]["down" if change < 0 else "up"]
            if rate:  # a change of a percentage is read in percentage points, never as a percent of a percent
                fired = worse >= c_decline["min_points"]
                ch = ctx.phrase("change_points", word=word, amount=abs(float(change)))
            else:
                if _missing(pct):
                    continue
                fired = worse / abs(rec["prior"]) >= c_decline["min_relative"]
                ch = ctx.phrase("change_relative", word=word, pct=abs(float(pct)), prior=_num(rec["prior"], unit),
                                current=_num(rec["current"], unit))
            if polarity == "lower":
                ch = ctx.phrase("change_lower_better", change=ch)
            if fired:
                # share of last year's level kept (higher is better) or its inverse: 11人 → 2人 keeps 0.18
                p_val, c_val = float(rec["prior"]), float(rec["current"])
                metric = None
                if polarity == "higher" and p_val > 0:
                    metric = c_val / p_val
                elif polarity == "lower" and c_val > 0:
                    metric = p_val / c_val
                hits.append(_Hit("yoy_indicator_decline", sid, name, {**base, "change": ch},
                                 _ind_evidence(src, prior=rec.get("prior"), current=rec.get("current"),
                                               change=change, change_unit=rec.get("change_unit"),
                                               pct_change=pct, polarity=polarity,
                                               min_points=c_decline["min_points"],
                                               min_relative=c_decline["min_relative"]),
                                 metric=metric))
    return hits


def _detect_yoy_scores(ctx: _Context) -> list[_Hit]:
    """Scope totals that fell against the previous year in the data."""
    cfg = _active(ctx, "yoy_score_decline")
    if not cfg or ctx.scored is None or getattr(ctx.scored, "by_scope", None) is None:
        return []
    earlier = [y for y in ctx.dept.years if y < ctx.year]
    if not earlier:
        return []
    prior_year = max(earlier)
    if cfg.get("consecutive_only", False) and prior_year != ctx.year - 1:
        return []
    prior = _score(ctx.dept, prior_year)
    if prior is None:
        return []
    old = prior.by_scope.set_index("scope_id")
    hits = []
    for rec in ctx.scored.by_scope.to_dict("records"):
        sid = rec["scope_id"]
        if sid not in old.index or _missing(rec.get("score")) or _missing(old.loc[sid, "score"]):
            continue
        drop = float(old.loc[sid, "score"]) - float(rec["score"])
        if drop < cfg["min_points"]:
            continue
        values = {"prior_year": prior_year, "prior_score": float(old.loc[sid, "score"]), "score": float(rec["score"]),
                  "drop": drop, "prior_grade": _text(old.loc[sid].get("grade")) or "—",
                  "grade": _text(rec.get("grade")) or "—"}
        hits.append(_Hit("yoy_score_decline", sid, ctx.scope_name(sid), values,
                         {**values, "min_points": cfg["min_points"]}, metric=None))
    return hits


# --------------------------------------------------------------------------- stated figures and weights


def _weight_check_codes(ctx: _Context) -> set[str]:
    return {str(c) for c in (ctx.rules.get("weights_sum").get("checks") or [])}


def _detect_checks(ctx: _Context) -> list[_Hit]:
    """Stated figures and table arithmetic that do not recompute (rows of perfkit.score.checks with ok False)."""
    checks = ctx.checks
    if checks is None or checks.empty or "ok" not in checks.columns:
        return []
    c_stated, c_table, c_weights = (_active(ctx, c) for c in ("stated_mismatch", "table_arithmetic", "weights_sum"))
    weight_codes = _weight_check_codes(ctx)
    stated_codes = set(ctx.rules.get("stated_mismatch").get("checks") or [])
    table_excluded = set(ctx.rules.get("table_arithmetic").get("exclude_checks") or [])
    bad = checks[checks["ok"].astype("boolean").fillna(True) == False]  # noqa: E712 (nullable boolean)
    if "year" in bad.columns:
        bad = bad[bad["year"] == ctx.year]
    units = {}
    if len(ctx.data.stated):
        units = {fid: _text(u) for fid, u in zip(ctx.data.stated["figure_id"], ctx.data.stated["unit"])}
    hits = []
    for rec in bad.to_dict("records"):
        check = _text(rec.get("check"))
        sid = _text(rec.get("scope_id")) or WHOLE
        evidence = {k: rec.get(k) for k in ("check", "label", "figure_id", "stated_text", "stated", "recomputed",
                                             "difference", "decimals", "severity", "file", "row", "detail")
                    if k in rec}
        label = _text(rec.get("label")) or check
        if check in weight_codes:
            if c_weights:
                values = {"total": _float(rec.get("stated")), "expected": _float(rec.get("recomputed")),
                          "indicator_weight": float("nan"), "execution_weight": float("nan"),
                          "management_weight": float("nan"), "n_missing": 0, "detail": _text(rec.get("detail"))}
                hits.append(_Hit("weights_sum", sid, ctx.scope_name(sid), values, evidence))
            continue
        if check in stated_codes:
            code, cfg = "stated_mismatch", c_stated
        elif check not in table_excluded:
            code, cfg = "table_arithmetic", c_table
        else:
            continue
        if not cfg:
            continue
        decimals = rec.get("decimals")
        decimals = None if _missing(decimals) else int(decimals)
        stated = _text(rec.get("stated_text")) if code == "stated_mismatch" else ""
        values = {"label": label, "stated": stated or _shown(rec.get("stated")),
                  "recomputed": _shown(rec.get("recomputed"), None if decimals is None else decimals + 2),
                  "unit": units.get(_text(rec.get("figure_id")), "") if code == "stated_mismatch" else "",
                  "difference": _shown(rec.get("difference")), "detail": _text(rec.get("detail")), "check": check}
        subject = label
        if code == "table_arithmetic" and not _missing(rec.get("row")):
            subject = ctx.phrase("table_subject", label=label, file=Path(_text(rec.get("file"))).name,
                                 row=int(rec["row"]))
        hit = _Hit(code, sid, subject, values, evidence)
        hit.severity = (cfg.get("check_severity") or {}).get(_text(rec.get("severity")))
        hits.append(hit)
    return hits


def _float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def _shown(x, decimals: int | None = None) -> str:
    """Return a checked value for a sentence: numbers without trailing zeros, text as is."""
    if _missing(x):
        return "—"
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        shown = f"{float(x):.{4 if decimals is None else decimals}f}"
        return shown.rstrip("0").rstrip(".") if "." in shown else shown
    return str(x)


def _detect_weights(ctx: _Context) -> list[_Hit]:
    """Weights that do not add up to the total, when the consistency checks did not already say so."""
    cfg = _active(ctx, "weights_sum")
    if not cfg or ctx.scored is None:
        return []
    checks = ctx.checks
    if checks is not None and not checks.empty and "check" in checks.columns \
            and checks["check"].isin(list(_weight_check_codes(ctx))).any():
        return []  # consistency checked weights itself; _detect_checks reports its mismatches
    ind = ctx.data.indicators
    execution = getattr(ctx.scored, "execution", None)
    hits = []
    for sid in ctx.scope_rank:
        rows = ind[(ind["scope_id"] == sid) & ind["parent_id"].isna()]
        if rows.empty or rows["weight"].isna().all():
            continue  # no weights written: the rule set's default split applies
        ind_w = float(rows["weight"].sum())
        n_missing = int(rows["weight"].isna().sum())
        exec_w = 0.0
        if isinstance(execution, pd.DataFrame) and "weight" in execution.columns:
            e = execution[execution["scope_id"] == sid]
            exec_w = float(e["weight"].iloc[0]) if len(e) and not _missing(e["weight"].iloc[0]) else 0.0
        mgmt_w = 0.0
        management = getattr(ctx.scored, "management", None)
        if isinstance(management, pd.DataFrame) and "points" in management.columns and len(management):
            mgmt_w = float(management.loc[management["scope_id"] == sid, "points"].sum())
        expected = _expected_total(ctx, sid)
        total = ind_w + exec_w + mgmt_w
        if abs(total - expected) <= 1e-6:
            continue
        detail = ""  # consistency's sentence when it checked; here the parts are in the other placeholders
        values = {"total": total, "expected": expected, "indicator_weight": ind_w, "execution_weight": exec_w,
                  "management_weight": mgmt_w, "n_missing": n_missing, "detail": detail}
        hits.append(_Hit("weights_sum", sid, ctx.scope_name(sid), values, dict(values)))
    return hits


def _expected_total(ctx: _Context, scope_id: str) -> float:
    rs = _scope_ruleset(ctx, scope_id)
    for attr in ("total", "total_weight", "full_marks"):
        value = getattr(rs, attr, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return float(ctx.rules.get("weights_sum")["expected_total"])


_DETECTORS = (_detect_execution, _detect_low_spending, _detect_progress, _detect_results,
              _detect_yoy_indicators, _detect_measurability, _detect_yoy_scores, _detect_checks, _detect_weights)
