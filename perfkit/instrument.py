"""How often each step of the analysis ran in this process: the evidence for "compute once".

The steps of a department-year (load, rules, score, checks, findings, the
comparisons) are decorated with :func:`counted`.  The batch renderer clears
:data:`CALLS` when a kernel starts a department and reports the counts of
each year with the rendered report (:attr:`perfkit.batch.render.RenderResult.stage_counts`);
a test asserts every step ran once per department-year.  Counting is all this
does: no step reads it.
"""
from __future__ import annotations

import functools
from collections import Counter

#: (step, year or None) -> calls in this process since the last clear()
CALLS: Counter = Counter()


def counted(step: str, year_arg: int | None = 1):
    """Return a decorator counting calls of a step, keyed by its year argument (position ``year_arg``)."""
    def wrap(func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            year = None
            if year_arg is not None:
                year = args[year_arg] if len(args) > year_arg else kwargs.get("year")
            CALLS[(step, None if year is None else int(year))] += 1
            return func(*args, **kwargs)
        return inner
    return wrap


def counts_for(year: int) -> dict[str, int]:
    """Return {step: calls} for the steps of ``year`` and the year-independent ones (load, rules)."""
    out: dict[str, int] = {}
    for (step, y), n in CALLS.items():
        if y is None or y == int(year):
            out[step] = out.get(step, 0) + n
    return out
