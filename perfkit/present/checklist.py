"""The analyst's checklist: what must still be supplied or confirmed before the report is final.

Kept apart from 存在的主要问题 (which speaks about the department): indicators
without an actual, management items whose amounts are missing, targets
perfkit had to read with an assumption, and the data problems scoring met.
"""
from __future__ import annotations

import pandas as pd

from perfkit.findings.group import analyst_findings
from perfkit.present.reader import names_of, plain
from perfkit.text import judging, messages

#: analyst findings that record an assumption perfkit made (to confirm), not a missing figure (to supply)
ASSUMPTION_CODES = ("target_bare_value",)


def checklist_items(a) -> list[str]:
    """Return the checklist's items as sentences for the reader, in report order."""
    names = names_of(a)
    items = []
    for f in analyst_findings(a.findings):
        text = messages.CHECK_FINDING.format(scope=f.scope_name, text=plain(f.problem, names))
        items.append(messages.CHECK_CONFIRM.format(text=text) if f.code in ASSUMPTION_CODES else text)
    mg = getattr(a.scored, "management", None)
    if mg is not None and len(mg):
        for rec in mg[mg["score"].isna()].itertuples(index=False):
            why = plain(rec.reason, names).removeprefix(judging.UNCOMPUTABLE)
            items.append(messages.CHECK_MANAGEMENT.format(scope=a.dept.scope_name(rec.scope_id), label=rec.label,
                                                          why=why))
    items += [messages.CHECK_DATA.format(text=plain(str(p), names)) for p in a.scored.problems]
    return list(dict.fromkeys(i for i in items if not pd.isna(i)))
