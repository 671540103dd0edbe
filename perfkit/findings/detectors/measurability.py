"""How targets and actuals are written: directional, vague, bare, hidden in the name, missing, copied.

These rules list items: each indicator hit is one item, and the indicators of a
scope hit by the same rule become one finding (``group: scope``) whose
``item_recommendation`` is written once per indicator.
"""
from __future__ import annotations

from perfkit.findings.derive import GROUP_PLACEHOLDERS, Context
from perfkit.findings.detectors.common import canonical, ind_evidence, ind_values, indicators, readings, text
from perfkit.findings.model import Hit
from perfkit.findings.registry import detector
from perfkit.score.targets import parse_target
from perfkit.text import formats, samples
from perfkit.text.vocabulary import POINTS

_CODES = ("target_directional", "target_vague", "target_bare_value", "target_in_name", "target_missing",
          "actual_copies_target", "actual_missing")
# placeholders of one listed indicator (item_recommendation)
_ITEM = {"indicator": samples.INDICATOR, "target": samples.DIRECTION_TARGET, "actual": "", "suggestion": "“≥95%”"}

# Which kind of measurable standard to suggest for a vague target, from the indicator's wording
# (recognised input, not output).
RECOGNISED_INPUT = ("_SATISFACTION_WORD", "_DEADLINE_WORDS", "_RATE_SUFFIX")
_SATISFACTION_WORD = "满意"
_DEADLINE_WORDS = ("及时", "按时", "按期", "如期")
_RATE_SUFFIX = "率"


@detector(*_CODES, placeholders={c: GROUP_PLACEHOLDERS for c in _CODES}, items={c: _ITEM for c in _CODES})
def detect_measurability(ctx: Context) -> list[Hit]:
    """Targets and actuals that cannot be measured: directional, vague, bare, hidden, missing, copied."""
    hits = []
    for rec in indicators(ctx).to_dict("records"):
        sid, name = rec["scope_id"], text(rec.get("name"))
        t, a, in_name = readings(rec)
        target_text, actual_text = text(rec.get("target")), text(rec.get("actual"))
        base = ind_values(ctx, rec)

        def hit(code, suggestion="", listed=None, note_part=None, **extra):
            if not ctx.rules.enabled(code):
                return
            listed = listed or ctx.phrase("listed_text", indicator=name, text=target_text or ctx.phrase("empty"))
            item = {**base, "suggestion": suggestion, "listed": listed}
            values = {"note_part": note_part} if note_part else {}
            hits.append(Hit(code, sid, name, values, ind_evidence(rec, **extra), item=item))

        if t.kind == "directional":
            verifiable = text(rec.get("prior_actual")) or (a.kind == "directional" and a.direction == t.direction)
            hit("target_directional", _directional_suggestion(ctx, t, a, rec),
                note_part=None if verifiable else name, direction=t.direction)
        elif t.kind == "qualitative" and t.deadline is None:
            hit("target_vague", _vague_suggestion(ctx, name, t))
        elif t.kind == "quantitative" and t.implicit_op:
            hit("target_bare_value", ctx.phrase("suggest_bare", target=target_text), reading=t.reading)
        elif t.kind == "blank" and in_name is not None:
            hit("target_in_name", ctx.phrase("suggest_in_name", target=canonical(in_name)), listed=name,
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


def _directional_suggestion(ctx: Context, t, a, rec: dict) -> str:
    """Return a measurable spelling for a directional target: from this year's actual, else last year's."""
    if a.kind == "directional" and a.value is not None and a.direction == t.direction:
        return ctx.phrase("suggest_direction_amount", word=ctx.rules.phrases["words"][t.direction],
                          amount=formats.quantity(a.value, a.unit))
    if a.kind == "quantitative" and a.value is not None and a.unit != POINTS:
        actual = text(rec.get("actual"))
        # a bound written as the actual (90%以上) suggests its number, quoted as written
        level = actual if not a.op_written else formats.quantity(a.value, a.unit)
        said = actual if not a.op_written else f"“{actual}”"
        return ctx.phrase("suggest_direction_level", t.direction, level=level, actual=said)
    prior = text(rec.get("prior_actual"))
    p = parse_target(prior)
    if p.kind == "quantitative" and p.value is not None and not p.op_written:
        return ctx.phrase("suggest_direction_prior", t.direction, prior=prior)
    return ctx.phrase("suggest_direction_none", t.direction)


def _vague_suggestion(ctx: Context, name: str, t) -> str:
    """Return the suggested measurable standard for a vague target (satisfaction, deadline, rate or other)."""
    if _SATISFACTION_WORD in name:
        kind = "satisfaction"
    elif any(w in (t.text or "") for w in _DEADLINE_WORDS):
        kind = "deadline"
    elif name.endswith(_RATE_SUFFIX):
        kind = "rate"
    else:
        kind = "other"
    return ctx.phrase("suggest_vague", kind)
