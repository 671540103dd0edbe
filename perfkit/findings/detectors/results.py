"""Indicator results, as scored: missed, partly met, over-completed, or deviating without an explanation."""
from __future__ import annotations

from perfkit.findings.derive import Context
from perfkit.findings.detectors.common import (INDICATOR_PLACEHOLDERS, flags, ind_evidence, ind_values, indicators,
                                               readings, scope_ruleset, text)
from perfkit.findings.model import Hit
from perfkit.findings.registry import detector
from perfkit.text import formats, samples
from perfkit.text.vocabulary import PARTLY_MET
from perfkit.values import is_missing


def _scored_rows(ctx: Context) -> list[dict]:
    """Return this year's scored indicator rows; none when the year is not scored (results cannot be judged)."""
    ind = indicators(ctx)
    return ind.to_dict("records") if "met" in ind.columns else []


def _for_row(cfg: dict | None, rec: dict) -> dict | None:
    """Return a rule's settings if it applies to the row (其中 sub-rows are left to their parent unless asked)."""
    if cfg is None or (text(rec.get("parent_id")) and cfg.get("skip_sub_rows", True)):
        return None
    return cfg


def _met(rec: dict) -> bool | None:
    met = rec.get("met")
    return None if is_missing(met) else bool(met)


def _attainment(rec: dict) -> float | None:
    attainment = rec.get("attainment")
    return None if is_missing(attainment) else float(attainment)


@detector("indicator_missed", "indicator_partly_met", placeholders={
    "indicator_missed": {**INDICATOR_PLACEHOLDERS, "attainment": 0.85, "attainment_text": "85%", "gap": samples.GAP,
                         "reason": ""},
    "indicator_partly_met": {**INDICATOR_PLACEHOLDERS, "level": PARTLY_MET}})
def detect_unmet(ctx: Context) -> list[Hit]:
    """Indicators partly met (an actual such as 部分达成) or, otherwise, missed."""
    c_missed, c_partly = ctx.active("indicator_missed"), ctx.active("indicator_partly_met")
    hits = []
    for rec in _scored_rows(ctx):
        sid, name = rec["scope_id"], text(rec.get("name"))
        t, a, in_name = readings(rec)
        c_missed_r, c_partly_r = _for_row(c_missed, rec), _for_row(c_partly, rec)
        base = ind_values(ctx, rec)
        attainment = _attainment(rec)
        if c_partly_r is not None and a.level in (c_partly_r.get("levels") or []):
            hits.append(Hit("indicator_partly_met", sid, name, {**base, "level": a.level},
                            ind_evidence(rec, level=a.level)))
        elif c_missed_r and _met(rec) is False:
            gap = _gap_text(ctx, t if t.kind != "blank" or in_name is None else in_name, a, rec)
            att_text = formats.rate(attainment, 0)
            hits.append(Hit("indicator_missed", sid, name,
                            {**base, "attainment": attainment if attainment is not None else float("nan"),
                             "attainment_text": att_text, "gap": gap, "reason": text(rec.get("reason"))},
                            ind_evidence(rec, gap=gap), metric=attainment))
    return hits


@detector("over_completion", placeholders={
    "over_completion": {**INDICATOR_PLACEHOLDERS, "attainment": 1.4, "threshold": 1.3}})
def detect_over_completion(ctx: Context) -> list[Hit]:
    """Indicators completed far beyond their target (the target was set too low)."""
    cfg = ctx.active("over_completion")
    hits = []
    for rec in _scored_rows(ctx):
        if not (_for_row(cfg, rec) and _is_over(ctx, rec)):
            continue
        attainment, threshold = _attainment(rec), _over_threshold(ctx, rec["scope_id"], cfg)
        hits.append(Hit("over_completion", rec["scope_id"], text(rec.get("name")),
                        {**ind_values(ctx, rec), "attainment": attainment, "threshold": threshold},
                        ind_evidence(rec, threshold=threshold), metric=attainment))
    return hits


@detector("deviation_unexplained", placeholders={
    "deviation_unexplained": {**INDICATOR_PLACEHOLDERS, "status": samples.STATUS}})
def detect_deviation_unexplained(ctx: Context) -> list[Hit]:
    """Indicators missed or over-completed without a deviation note (偏差原因)."""
    cfg = ctx.active("deviation_unexplained")
    hits = []
    for rec in _scored_rows(ctx):
        cfg_r = _for_row(cfg, rec)
        if not cfg_r or text(rec.get("deviation_note")):
            continue
        status = None
        required = _deviation_required(cfg_r)
        if _met(rec) is False and "missed" in required:
            status = ctx.phrase("status", "missed")
        elif _is_over(ctx, rec) and "over_completion" in required:
            status = ctx.phrase("status", "over_completion")
        if status:
            hits.append(Hit("deviation_unexplained", rec["scope_id"], text(rec.get("name")),
                            {**ind_values(ctx, rec), "status": status}, ind_evidence(rec, status=status)))
    return hits


def _is_over(ctx: Context, rec: dict) -> bool:
    """Return True when a row is over-completed: scoring's flag decides, the ratio guards the sentence.

    (达到指标值的x% would misread a reverse indicator flagged by scoring.)
    """
    attainment = _attainment(rec)
    threshold = _over_threshold(ctx, rec["scope_id"], ctx.active("over_completion"))
    return (("over_completion" in flags(rec)) if "flags" in rec else True) and attainment is not None \
        and threshold is not None and attainment >= threshold


def _over_threshold(ctx: Context, scope_id: str, cfg: dict | None) -> float | None:
    """Return the over-completion ratio: the scoring rule set's when it has one, else findings.yaml's."""
    value = getattr(scope_ruleset(ctx, scope_id), "over_threshold", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None if cfg is None else float(cfg["threshold"])


def _deviation_required(cfg: dict) -> list[str]:
    """Return which deviations need a note (``missed``, ``over_completion``); the rule sets do not say, so
    findings.yaml does."""
    return list(cfg.get("require_for") or [])


def _gap_text(ctx: Context, t, a, rec: dict) -> str:
    """Return how far an actual falls short of its target, in words (差15人, 差4.5个百分点, 超出1天 …)."""
    if t.kind == "quantitative" and a.kind == "quantitative" and t.value is not None and a.value is not None \
            and (a.unit == t.unit or a.unit is None or t.unit is None):
        unit = t.unit or a.unit
        above = t.op in ("<=", "<") or (t.op == "=" and t.value == 0)
        diff = a.value - t.value if above else t.value - a.value
        if unit == "%":  # a gap between two percentages is in percentage points
            return ctx.phrase("gap_points_above" if above else "gap_points_below",
                              amount=formats.quantity(round(diff, 4)))
        return ctx.phrase("gap_above" if above else "gap_below", amount=formats.quantity(round(diff, 6), unit))
    if t.kind == "directional":
        return ctx.phrase("gap_direction", direction=ctx.rules.phrases["words"][t.direction],
                          prior=text(rec.get("prior_actual")) or formats.MISSING,
                          actual=text(rec.get("actual")) or formats.MISSING)
    if a.level:
        return ctx.phrase("gap_level", level=a.level)
    return text(rec.get("reason")) or ctx.phrase("gap_unknown")
