"""What the comparison modules share: vocabulary, Chinese column headings and small helpers.

:mod:`perfkit.compare.yoy`, :mod:`perfkit.compare.indicators`,
:mod:`perfkit.compare.series` and :mod:`perfkit.compare.pefa` all label their
columns from :data:`COLUMN_LABELS`, explain missing values with the same words
(:data:`NO_PRIOR`, :data:`NO_CURRENT`, :data:`ZERO_BASE`) and read budget
fields by the same names (:data:`BUDGET_FIELDS`).
"""
from __future__ import annotations

from perfkit.ingest.department import Department
from perfkit.text import labels, messages

# --------------------------------------------------------------------------- vocabulary
# The words are perfkit.text's; these names are the comparison modules' (and perfkit.compare's public) handles.

CHANGE_KINDS = ("amount", "rate", "score", "number")
# the unit of ``change`` per kind; ``number`` keeps the indicator's unit
CHANGE_UNITS = labels.CHANGE_UNITS
BUDGET_FIELDS = labels.BUDGET_FIELDS

NO_PRIOR = messages.NO_PRIOR
NO_CURRENT = messages.NO_CURRENT
ZERO_BASE = messages.ZERO_BASE
NOTE_SEP = messages.NOTE_SEP

# Chinese headings of the columns perfkit.compare returns: the headings of every table perfkit shows
COLUMN_LABELS = labels.COLUMNS


# --------------------------------------------------------------------------- helpers


def join_notes(*notes) -> str:
    """Return the non-empty notes joined by ``；``."""
    return NOTE_SEP.join(n for n in notes if n)


def scope_namer(dept: Department):
    """Return scope_id -> display name, as :meth:`Department.scope_name` but without a scan per call."""
    names = dict(zip(dept.scopes["scope_id"], dept.scopes["name"]))  # the last row wins, as there
    return lambda sid: str(names.get(sid, sid))



def base_column(base: str) -> str:
    """Return the budget column of a rate's base: ``budget`` (全年预算数) or ``budget_original`` (年初预算数)."""
    if base in ("adjusted", "budget"):
        return "budget"
    if base in ("original", "budget_original"):
        return "budget_original"
    raise ValueError(messages.UNKNOWN_BASE.format(base=base))


def nearly_equal(a: float, b: float) -> bool:
    """Return whether two numbers are equal up to float noise."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
