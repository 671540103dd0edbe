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


def counted(step: str, year_arg: int | None = 1, year_of=None):
    """Return a decorator counting calls of a step, keyed by its year.

    The year is the argument at position ``year_arg`` (or keyword ``year``),
    or ``year_of(args, kwargs)`` for steps that take several years; None for
    steps of a whole department (load, rules).
    """
    def wrap(func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            year = None
            if year_of is not None:
                year = year_of(args, kwargs)
            elif year_arg is not None:
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


def last_year_of(name: str, position: int):
    """Return a ``year_of`` for steps given several years: the latest of argument ``name``/``position``."""
    def year_of(args, kwargs):
        years = kwargs.get(name) if name in kwargs else (args[position] if len(args) > position else None)
        return max(years) if years else None
    return year_of
