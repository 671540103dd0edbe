"""Year over year: 保持 met only by equality with last year, indicators that got worse, scope totals that fell.

Nothing is compared or scored here: the year-over-year indicator table
(``perfkit.compare``) and the prior year's YearScore are in the context.
"""
from __future__ import annotations

from typing import Iterator

from perfkit.findings.derive import Context
from perfkit.findings.detectors.common import INDICATOR_PLACEHOLDERS, ind_evidence, ind_values, text
from perfkit.findings.model import Hit
from perfkit.findings.registry import detector
from perfkit.score.targets import parse_target
from perfkit.score.targets import polarity as polarity_of
from perfkit.text import formats, messages, samples
from perfkit.text.vocabulary import POINTS
from perfkit.values import is_missing


def _yoy_rows(ctx: Context) -> Iterator[tuple[dict, dict, dict, str | None]]:
    """Yield (yoy row, this year's indicator row, placeholders, unit) for each indicator of this year."""
    yoy = ctx.yoy_indicators
    if yoy is None or yoy.empty:
        return
    if "year" in yoy.columns:
        yoy = yoy[yoy["year"] == ctx.year]
    ind = ctx.data.indicators.set_index("indicator_id")
    for rec in yoy.to_dict("records"):
        iid = rec.get("indicator_id")
        if is_missing(rec.get("actual")) and (iid not in ind.index):
            continue  # indicator dropped this year: nothing to say about this year's result
        src = ind.loc[iid].to_dict() if iid in ind.index else {}
        src["indicator_id"] = iid
        unit = rec.get("unit")
        unit = None if is_missing(unit) else str(unit)
        prior_year = rec.get("prior_year")
        prior_text = text(rec.get("prior_text")) or formats.quantity(rec.get("prior"), unit)
        base = {**ind_values(ctx, {**src, "name": text(rec.get("name")), "target": rec.get("target"),
                                   "actual": rec.get("actual")}),
                "prior": prior_text, "prior_year": "" if is_missing(prior_year) else int(prior_year)}
        yield rec, src, base, unit


@detector("met_at_boundary", placeholders={
    "met_at_boundary": {**INDICATOR_PLACEHOLDERS, "prior": "98.00%", "prior_year": 2022, "change": samples.CHANGE_NONE}})
def detect_met_at_boundary(ctx: Context) -> list[Hit]:
    """保持 (or another direction configured) met only by equalling last year: no improvement."""
    cfg = ctx.active("met_at_boundary")
    if not cfg:
        return []
    hits = []
    for rec, src, base, unit in _yoy_rows(ctx):
        if rec.get("at_boundary") is not True:
            continue
        if parse_target(rec.get("target")).direction not in (cfg.get("directions") or ["keep"]):
            continue
        change = rec.get("change")
        ch = (ctx.phrase("flat_points", amount=float(change)) if unit in ("%", POINTS)
              else ctx.phrase("flat", amount=formats.quantity(change, unit)))
        hits.append(Hit("met_at_boundary", rec["scope_id"], text(rec.get("name")), {**base, "change": ch},
                        ind_evidence(src, prior=rec.get("prior"), current=rec.get("current"), change=change,
                                     change_unit=rec.get("change_unit"), prior_source=rec.get("prior_source"))))
    return hits


@detector("yoy_indicator_decline", placeholders={
    "yoy_indicator_decline": {**INDICATOR_PLACEHOLDERS, "prior": "98%", "prior_year": 2022,
                              "change": samples.CHANGE_FALL}})
def detect_yoy_decline(ctx: Context) -> list[Hit]:
    """Indicators whose actual got worse than last year's by more than the rule's margin."""
    cfg = ctx.active("yoy_indicator_decline")
    if not cfg:
        return []
    hits = []
    for rec, src, base, unit in _yoy_rows(ctx):
        change = rec.get("change")
        if is_missing(change) or not _decline_applies(ctx, cfg, rec, src):
            continue
        polarity = polarity_of(rec.get("target")) or "higher"
        worse = -change if polarity == "higher" else change
        if worse <= 0:
            continue
        fired, ch = _decline_words(ctx, cfg, rec, unit, polarity, worse)
        if not fired:
            continue
        hits.append(Hit("yoy_indicator_decline", rec["scope_id"], text(rec.get("name")), {**base, "change": ch},
                        ind_evidence(src, prior=rec.get("prior"), current=rec.get("current"), change=change,
                                     change_unit=rec.get("change_unit"), pct_change=rec.get("pct_change"),
                                     polarity=polarity, min_points=cfg["min_points"],
                                     min_relative=cfg["min_relative"]),
                        metric=_kept_share(rec, polarity)))
    return hits


def _decline_applies(ctx: Context, cfg: dict, rec: dict, src: dict) -> bool:
    """Return whether a row is judged: its 一级指标 is listed, it is no 其中 row, the years are consecutive."""
    levels = cfg.get("level1") or []
    if levels and text(src.get("level1")) not in levels:
        return False
    if cfg.get("skip_sub_rows", True) and text(src.get("parent_id")):
        return False  # the parent row speaks for its 其中 rows
    # across a gap the change is not 同比
    return not (cfg.get("consecutive_only", True) and rec.get("prior_year") != ctx.year - 1)


def _decline_words(ctx: Context, cfg: dict, rec: dict, unit: str | None, polarity: str,
                   worse: float) -> tuple[bool, str | None]:
    """Return whether the decline is large enough to report, and the change in words."""
    change, pct = rec.get("change"), rec.get("pct_change")
    word = ctx.rules.phrases["words"]["down" if change < 0 else "up"]
    if unit in ("%", POINTS):  # a change of a percentage is read in percentage points, never as a percent of a percent
        fired = worse >= cfg["min_points"]
        ch = ctx.phrase("change_points", word=word, amount=abs(float(change)))
    else:
        if is_missing(pct):
            return False, None
        fired = worse / abs(rec["prior"]) >= cfg["min_relative"]
        ch = ctx.phrase("change_relative", word=word, pct=abs(float(pct)), prior=formats.quantity(rec["prior"], unit),
                        current=formats.quantity(rec["current"], unit))
    if polarity == "lower":
        ch = ctx.phrase("change_lower_better", change=ch)
    return fired, ch


def _kept_share(rec: dict, polarity: str) -> float | None:
    """Return the share of last year's level kept (higher is better) or its inverse: 11人 → 2人 keeps 0.18."""
    p_val, c_val = float(rec["prior"]), float(rec["current"])
    if polarity == "higher" and p_val > 0:
        return c_val / p_val
    if polarity == "lower" and c_val > 0:
        return p_val / c_val
    return None


@detector("yoy_score_decline", placeholders={
    "yoy_score_decline": {"prior_year": 2022, "prior_score": 92.0, "score": 88.0, "drop": 4.0,
                          "prior_grade": samples.PRIOR_GRADE, "grade": samples.GRADE,
                          "caveat": samples.CAVEAT}})
def detect_yoy_scores(ctx: Context) -> list[Hit]:
    """Scope totals that fell against the comparison year's (the prior YearScore in the context).

    A total of either year that is no plain score (weights off the rule's total,
    a range of unscored items) is said in ``caveat``, as the year-over-year
    score table says it (:func:`perfkit.text.formats.score_caveats`).
    """
    cfg = ctx.active("yoy_score_decline")
    by_scope = getattr(ctx.scored, "by_scope", None)
    prior = ctx.prior_scored
    if not cfg or by_scope is None or prior is None:
        return []
    prior_year = int(prior.year)
    if cfg.get("consecutive_only", False) and prior_year != ctx.year - 1:
        return []
    old = prior.by_scope.set_index("scope_id")
    hits = []
    for rec in by_scope.to_dict("records"):
        sid = rec["scope_id"]
        if sid not in old.index or is_missing(rec.get("score")) or is_missing(old.loc[sid, "score"]):
            continue
        drop = float(old.loc[sid, "score"]) - float(rec["score"])
        if drop < cfg["min_points"]:
            continue
        values = {"prior_year": prior_year, "prior_score": float(old.loc[sid, "score"]), "score": float(rec["score"]),
                  "drop": drop, "prior_grade": text(old.loc[sid].get("grade")) or formats.MISSING,
                  "grade": text(rec.get("grade")) or formats.MISSING,
                  "caveat": _caveat(old.loc[sid].to_dict(), rec, prior_year, ctx.year)}
        hits.append(Hit("yoy_score_decline", sid, ctx.scope_name(sid), values,
                        {**values, "min_points": cfg["min_points"]}, metric=None))
    return hits


def _caveat(prior_total: dict, current_total: dict, prior_year: int, year: int) -> str:
    """Return the sentence saying which year's total is no plain score, or "" when both are."""
    notes = formats.score_caveats(prior_total, current_total, prior_year, year)
    return messages.SCORE_CAVEAT_SENTENCE.format(text=messages.NOTE_SEP.join(notes)) if notes else ""
