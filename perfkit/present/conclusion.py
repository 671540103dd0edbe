"""The 自评结论 of a scope, the same in the HTML, the Word draft, the workbook and the index.

One sentence per scope: the score and grade the report states, the score
perfkit recomputes (one number, a range while items are unscored, 无法评分
when nothing could be scored), a grade only when ``by_scope`` gives one, and
whether the stated score agrees (the ``total_vs_perfkit`` check).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perfkit.text import formats, messages
from perfkit.text.vocabulary import GRADE_KIND
from perfkit.values import is_missing

#: the check that compares the report's total with perfkit's (perfkit.score.checks)
TOTAL_CHECK = "total_vs_perfkit"


@dataclass(frozen=True)
class Conclusion:
    """One scope's conclusion: its name, the sentence, and the figures behind it."""

    scope_id: str
    name: str
    text: str
    total: str
    status: str
    grade: str | None
    agrees: bool | None


def stated_grade(a, scope_id: str) -> str | None:
    """Return the grade the report states for a scope (scopes' stated_grade, else a stated figure of kind 等级)."""
    row = a.scored.by_scope[a.scored.by_scope["scope_id"] == scope_id]
    if len(row) and isinstance(row["stated_grade"].iloc[0], str) and row["stated_grade"].iloc[0]:
        return row["stated_grade"].iloc[0]
    stated = getattr(a.data, "stated", None)
    if stated is None or stated.empty or "kind" not in stated.columns:
        return None
    hit = stated[(stated["scope_id"] == scope_id) & (stated["kind"] == GRADE_KIND)]
    return str(hit["stated_text"].iloc[0]) if len(hit) else None


def total_agrees(a, scope_id: str) -> bool | None:
    """Return whether the stated total agrees with perfkit's (lies in its range); None when it cannot be told."""
    c = a.checks
    if "check" not in c.columns:
        return None
    rows = c[(c["check"] == TOTAL_CHECK) & (c["scope_id"] == scope_id)]
    return None if rows.empty or pd.isna(rows["ok"].iloc[0]) else bool(rows["ok"].iloc[0])


def _recomputed(a, r) -> str:
    n = int(r["n_unscored"] or 0)
    if r["status"] == "unscorable":
        return messages.CONCLUSION_UNSCORABLE.format(n=n)
    weight = formats.score(r["weight"])
    if r["status"] == "weights_off":
        rs = a.scored.rules.get(r["scope_id"])
        total = formats.score(getattr(rs, "total", None))
        return messages.CONCLUSION_WEIGHTS_OFF.format(score=formats.score(r["score_max"]), weight=weight, total=total)
    if r["status"] == "range":
        return messages.CONCLUSION_RANGE.format(low=formats.score(r["score_min"]), high=formats.score(r["score_max"]),
                                                weight=weight, n=n, unscored=formats.score(r["weight_unscored"]))
    return messages.CONCLUSION_COMPLETE.format(score=formats.score(r["score"]), weight=weight)


def scope_conclusion(a, r) -> Conclusion:
    """Return the conclusion of one ``by_scope`` row ``r``."""
    sid = r["scope_id"]
    stated = r.get("stated_score")
    grade_said = stated_grade(a, sid)
    if is_missing(stated):
        said = messages.CONCLUSION_NO_STATED
    else:
        said = messages.CONCLUSION_STATED.format(score=formats.score(stated))
        said += messages.CONCLUSION_STATED_GRADE.format(grade=grade_said) if grade_said else ""
    grade = r["grade"] if isinstance(r["grade"], str) and r["grade"] else None
    if grade:
        graded = messages.CONCLUSION_GRADE.format(grade=grade)
    elif r["status"] == "range":
        graded = messages.CONCLUSION_GRADE_PENDING
    else:
        graded = messages.CONCLUSION_NO_GRADE
    agrees = None if is_missing(stated) else total_agrees(a, sid)
    parts = [said, _recomputed(a, r) + "，" + graded]
    if not is_missing(stated):
        parts.append(messages.CONCLUSION_NOT_CHECKED if agrees is None
                     else messages.CONCLUSION_AGREE.get((r["status"], agrees), messages.CONCLUSION_NOT_CHECKED))
    total = formats.score_range(r["score_min"], r["score_max"], r["weight"], r["status"])
    return Conclusion(sid, a.dept.scope_name(sid), messages.CONCLUSION_JOIN.join(parts) + "。", total,
                      r["status"], grade, agrees)


def conclusions(a) -> list[Conclusion]:
    """Return the conclusion of every scope, in by_scope order."""
    return [scope_conclusion(a, r) for _, r in a.scored.by_scope.iterrows()]
