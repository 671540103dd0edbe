"""Budget execution: rates below their thresholds, money left unspent, low spending the report admits in words."""
from __future__ import annotations

import re

from perfkit.ingest.schema import MEMO_LINE_TYPE
from perfkit.findings.derive import Context
from perfkit.findings.detectors.common import text
from perfkit.findings.model import TOTAL_LINE, WHOLE, Hit
from perfkit.findings.registry import detector
from perfkit.text import samples
from perfkit.text.vocabulary import COUNT_KIND, PARTITION_LINE_TYPES
from perfkit.values import is_missing

_EXEC = {"budget": 100.0, "executed": 80.0, "unspent": 20.0, "rate": 0.8, "threshold": 0.9}


@detector("exec_rate_whole", "exec_rate_project", "exec_rate_line", "underspent", placeholders={
    "exec_rate_whole": _EXEC,
    "exec_rate_project": _EXEC,
    "exec_rate_line": {**_EXEC, "line": samples.BUDGET_LINE, "line_type": PARTITION_LINE_TYPES[0]},
    "underspent": {**_EXEC, "max_rate": 0.6, "min_amount": 0.0}})
def detect_execution(ctx: Context) -> list[Hit]:
    """Execution rate below its threshold: the whole department, each project, each budget line."""
    hits = []
    budget = ctx.data.budget
    c_whole, c_proj, c_line = (ctx.active(c) for c in ("exec_rate_whole", "exec_rate_project", "exec_rate_line"))
    c_under = ctx.active("underspent")
    for rec in budget.to_dict("records"):
        b, e = rec.get("budget"), rec.get("executed")
        if is_missing(b) or is_missing(e) or b <= 0:
            continue
        rate = e / b
        sid = rec["scope_id"]
        values = {"budget": float(b), "executed": float(e), "unspent": float(b - e), "rate": float(rate)}
        evidence = {**values, "file": "budget.csv", "row": rec.get("src_row"), "line": rec["line"]}
        if rec["line"] == TOTAL_LINE:
            subject = ctx.scope_name(sid)
            cfg = c_whole if sid == WHOLE else c_proj
            if cfg and rate < cfg["threshold"]:
                hits.append(Hit("exec_rate_whole" if sid == WHOLE else "exec_rate_project", sid, subject,
                                {**values, "threshold": cfg["threshold"]},
                                {**evidence, "threshold": cfg["threshold"]}, metric=rate))
            if (c_under and sid != WHOLE and ctx.scope_type(sid) in (c_under.get("scope_types") or [])
                    and rate < c_under["max_rate"] and b - e >= c_under.get("min_amount", 0)):
                params = {"max_rate": c_under["max_rate"], "min_amount": float(c_under.get("min_amount", 0))}
                hits.append(Hit("underspent", sid, subject, {**values, **params, "threshold": c_under["max_rate"]},
                                {**evidence, **params}, metric=rate))
        elif c_line and rate < c_line["threshold"] and rec.get("line_type") != MEMO_LINE_TYPE:
            # a memo line (统计项: 三公经费, 政府采购 …) is a ceiling or a count, not money to spend
            hits.append(Hit("exec_rate_line", sid, str(rec["line"]),
                            {**values, "threshold": c_line["threshold"], "line": rec["line"],
                             "line_type": text(rec.get("line_type"))},
                            {**evidence, "threshold": c_line["threshold"]}, metric=rate))
    return hits


_CLAUSE_SPLIT = re.compile(r"[。；;！!？?\n]")


@detector("low_spending_noted", placeholders={
    "low_spending_noted": {"quote": samples.QUOTE, "counts": samples.COUNTS, "budget_status": samples.BUDGET_STATUS}})
def detect_low_spending(ctx: Context) -> list[Hit]:
    """Low spending said in the report's words for a scope whose amounts are not in the data."""
    cfg = ctx.active("low_spending_noted")
    if not cfg:
        return []
    keywords = [str(k) for k in cfg.get("keywords") or []]
    hits = []
    budget = ctx.data.budget
    for sid in ctx.scope_rank:
        total = budget[(budget["scope_id"] == sid) & (budget["line"] == TOTAL_LINE)]
        b = total["budget"].iloc[0] if len(total) else None
        e = total["executed"].iloc[0] if len(total) else None
        if not is_missing(b) and not is_missing(e):
            continue  # the amounts are there: the execution-rate rules speak
        quotes = _quotes(_scope_texts(ctx, sid), keywords)
        if not quotes:
            continue
        stated = ctx.data.stated
        counts = stated[(stated["scope_id"] == sid) & (stated["kind"] == COUNT_KIND)]
        count_texts = [str(t).replace(" ", "") for t in counts["stated_text"]]
        which = "both" if is_missing(b) and is_missing(e) else ("budget" if is_missing(b) else "executed")
        missing = ctx.rules.phrases["amount_words"][which]
        name = ctx.scope_name(sid)
        values = {"quote": quotes[0][1], "counts": "、".join(count_texts) or ctx.phrase("empty"),
                  "budget_status": ctx.phrase("amounts_missing", scope_name=name, missing=missing)}
        evidence = {"quotes": [{**w, "text": q} for w, q in quotes],
                    "counts": {fid: v for fid, v in zip(counts["figure_id"], counts["value"])},
                    "budget": None if is_missing(b) else float(b), "executed": None if is_missing(e) else float(e),
                    "missing": missing, "keywords": [k for k in keywords if any(k in q for _, q in quotes)]}
        hits.append(Hit("low_spending_noted", sid, name, values, evidence))
    return hits


def _quotes(texts: list[tuple[dict, str]], keywords: list[str]) -> list[tuple[dict, str]]:
    """Return (where, clause) of each distinct clause that holds one of ``keywords``, in order."""
    quotes = []
    for where, txt in texts:
        for clause in _CLAUSE_SPLIT.split(txt):
            if any(k in clause for k in keywords) and clause.strip() not in [q for _, q in quotes]:
                quotes.append((where, clause.strip()))
    return quotes


def _scope_texts(ctx: Context, scope_id: str) -> list[tuple[dict, str]]:
    """Return (where, text) of a scope's deviation notes and stated sentences, in file order."""
    out = []
    ind = ctx.data.indicators
    for rec in ind[ind["scope_id"] == scope_id].to_dict("records"):
        note = text(rec.get("deviation_note"))
        if note:
            out.append(({"file": "indicators.csv", "row": rec.get("src_row"), "column": "deviation_note",
                         "indicator": rec["name"]}, note))
    stated = ctx.data.stated
    seen = set()
    for rec in stated[stated["scope_id"] == scope_id].to_dict("records"):
        sentence = text(rec.get("sentence"))
        if sentence and sentence not in seen:
            seen.add(sentence)
            out.append(({"file": "stated.csv", "row": rec.get("src_row"), "column": "sentence",
                         "figure_id": rec["figure_id"]}, sentence))
    return out
