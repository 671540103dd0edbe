"""In-year progress: cumulative execution at checkpoint months behind the required share of the budget."""
from __future__ import annotations

from perfkit.findings.derive import Context
from perfkit.findings.model import TOTAL_LINE, Hit
from perfkit.findings.registry import detector
from perfkit.text import samples
from perfkit.values import is_missing


@detector("progress_behind", placeholders={
    "progress_behind": {"missed": samples.PROGRESS_MISSED, "n_missed": 1, "worst_month": 4,
                        "worst_rate": 0.12, "worst_required": 0.25, "budget": 100.0}})
def detect_progress(ctx: Context) -> list[Hit]:
    """Cumulative execution at the end of checkpoint months below the required share of the budget."""
    cfg = ctx.active("progress_behind")
    prog = ctx.data.progress
    if not cfg or prog is None or prog.empty:
        return []
    checkpoints = {int(m): float(r) for m, r in sorted((cfg.get("checkpoints") or {}).items())}
    hits = []
    for sid in sorted(prog["scope_id"].unique(), key=lambda s: ctx.scope_rank.get(s, (2, 0, s))):
        base, base_field = _base(ctx, sid)
        if base is None:
            continue
        rows = prog[prog["scope_id"] == sid].set_index("month")["executed_cumulative"]
        missed = []
        for month, required in checkpoints.items():
            if month not in rows.index or is_missing(rows[month]):
                continue
            rate = float(rows[month]) / base
            if rate < required:
                missed.append({"month": month, "rate": rate, "required": required,
                               "executed_cumulative": float(rows[month])})
        if not missed:
            continue
        worst = min(missed, key=lambda m: (m["rate"] / m["required"], m["month"]))
        listed = "、".join(ctx.phrase("progress_item", month=m["month"], rate=m["rate"], required=m["required"])
                          for m in missed)
        values = {"missed": listed, "n_missed": len(missed), "worst_month": worst["month"],
                  "worst_rate": worst["rate"], "worst_required": worst["required"], "budget": base}
        evidence = {"budget": base, "budget_field": base_field, "missed": missed, "checkpoints": checkpoints,
                    "file": "progress.csv"}
        hits.append(Hit("progress_behind", sid, ctx.scope_name(sid), values, evidence,
                        metric=worst["rate"] / worst["required"]))
    return hits


def _base(ctx: Context, scope_id: str) -> tuple[float | None, str]:
    """Return the amount progress is measured against (the adjusted budget, else the original one) and its column."""
    budget = ctx.data.budget
    total = budget[(budget["scope_id"] == scope_id) & (budget["line"] == TOTAL_LINE)]
    if len(total) and not is_missing(total["budget"].iloc[0]) and total["budget"].iloc[0] > 0:
        return float(total["budget"].iloc[0]), "budget"
    if len(total) and not is_missing(total["budget_original"].iloc[0]) and total["budget_original"].iloc[0] > 0:
        return float(total["budget_original"].iloc[0]), "budget_original"
    return None, "budget"
