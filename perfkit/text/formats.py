"""Number formatters: the one way perfkit writes a number for a reader.

Each function takes one value (a Python or numpy number, or a missing value:
None, NaN, ``pd.NA``, NaT) and returns the text shown.  A missing or
non-finite value is shown as :data:`MISSING` (``—``), never as ``nan`` or
``inf``.  Formatting is for display only: totals and comparisons use the
unrounded values.

Rounding is Python's: the value as stored is rounded to the nearest printed
digit, an exact tie to the even digit.  So ``2.675`` (stored as
2.67499999…) prints ``2.67`` and ``0.125`` (exactly a tie) ``0.12``, where a
spreadsheet would print 2.68 and 0.13.  Stated figures are compared with a
half-unit tolerance (:func:`perfkit.score.checks.matches`), never by their
printed text, so this never decides a check.
"""
from __future__ import annotations

import math

from perfkit.text import messages
from perfkit.values import is_missing

#: How a missing value is shown.
MISSING = "—"

#: Unit of a change of a rate or percentage (a percent of a percent is never shown).
POINTS_UNIT = "个百分点"


def _finite(x) -> float | None:
    """Return ``x`` as a float, or None when it is missing or not finite."""
    if is_missing(x):
        return None
    value = float(x)
    return value if math.isfinite(value) else None


def number(x, decimals: int = 2, grouping: bool = True) -> str:
    """Return a number with a fixed number of decimals (``1,234.50``).

    Parameters
    ----------
    x : float, int, numpy number or missing
    decimals : int, default 2
    grouping : bool, default True
        Separate thousands with commas.

    Returns
    -------
    str
        :data:`MISSING` for a missing or non-finite value.

    Examples
    --------
    >>> number(1234.5)
    '1,234.50'
    >>> number(1234.5, 1, grouping=False)
    '1234.5'
    """
    value = _finite(x)
    if value is None:
        return MISSING
    return f"{value:,.{decimals}f}" if grouping else f"{value:.{decimals}f}"


def amount(x, decimals: int = 2, grouping: bool = True) -> str:
    """Return an amount in 万元 as printed, without the unit (``12,345.68``).

    Amounts are stored in 万元 (the loader converts 元), so nothing is scaled here.

    Parameters
    ----------
    x : float, int, numpy number or missing
    decimals : int, default 2
    grouping : bool, default True
        Thousands separators (tables on screen); the Word report prints without them.

    Returns
    -------
    str
        :data:`MISSING` for a missing or non-finite value.

    Examples
    --------
    >>> amount(3567.8912)
    '3,567.89'
    >>> amount(3567.8912, grouping=False)
    '3567.89'
    """
    return number(x, decimals, grouping)


def score(x, decimals: int = 2) -> str:
    """Return a score or weight with two decimals (``95.00``), the way scores are shown everywhere.

    Parameters
    ----------
    x : float, int, numpy number or missing
    decimals : int, default 2

    Returns
    -------
    str
        :data:`MISSING` for a missing or non-finite value.

    Examples
    --------
    >>> score(9.5)
    '9.50'
    """
    return number(x, decimals, grouping=False)


def percent(x, decimals: int = 2) -> str:
    """Return a value already in percent with a percent sign (``99.26`` → ``99.26%``).

    Parameters
    ----------
    x : float, int, numpy number or missing
        A percentage (99.26 for 99.26%).
    decimals : int, default 2

    Returns
    -------
    str
        :data:`MISSING` for a missing or non-finite value.

    Examples
    --------
    >>> percent(98)
    '98.00%'
    """
    value = _finite(x)
    return MISSING if value is None else f"{value:.{decimals}f}%"


def rate(x, decimals: int = 2) -> str:
    """Return a rate held as a fraction as a percentage (``0.99255`` → ``99.26%``).

    Parameters
    ----------
    x : float, int, numpy number or missing
        A fraction (0.99255 for 99.255%), as :func:`perfkit.values.execution_rate` returns it.
    decimals : int, default 2
        Decimals of the percentage.

    Returns
    -------
    str
        :data:`MISSING` for a missing or non-finite value.

    Examples
    --------
    >>> rate(0.99255)
    '99.26%'
    >>> rate(0.85, 0)
    '85%'
    """
    value = _finite(x)
    return MISSING if value is None else percent(value * 100, decimals)


def points(x, decimals: int = 2) -> str:
    """Return a change of a rate in 百分点 (``-1.5`` → ``-1.50个百分点``).

    The change of a rate is read in percentage points, never as a percent of a
    percent; the sign is kept (a fall is negative).

    Parameters
    ----------
    x : float, int, numpy number or missing
        The change in 百分点 (98.0% → 96.5% is -1.5).
    decimals : int, default 2

    Returns
    -------
    str
        :data:`MISSING` for a missing or non-finite value.

    Examples
    --------
    >>> points(-1.5)
    '-1.50个百分点'
    """
    value = _finite(x)
    return MISSING if value is None else f"{value:.{decimals}f}{POINTS_UNIT}"


def compact(x, decimals: int = 2, missing: str = MISSING) -> str:
    """Return a number rounded to ``decimals`` and written without trailing zeros (``84.5``, ``95``).

    Parameters
    ----------
    x : float, int, numpy number or missing
    decimals : int, default 2
        Decimals kept at most.
    missing : str, default :data:`MISSING`
        What a missing or non-finite value is shown as.

    Returns
    -------
    str
        Never ``-0``: a value that rounds to zero is ``0``.

    Examples
    --------
    >>> compact(84.50)
    '84.5'
    >>> compact(99.25549, 4)
    '99.2555'
    >>> compact(120.0, 0)
    '120'
    """
    value = _finite(x)
    if value is None:
        return missing
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def quantity(x, unit: str | None = None, decimals: int | None = None) -> str:
    """Return a number followed by its unit (``98.5%``, ``263个``).

    Parameters
    ----------
    x : float, int, numpy number or missing
    unit : str, optional
        Written right after the number (Chinese units take no space).
    decimals : int, optional
        Fixed decimals; by default up to six, without trailing zeros.

    Returns
    -------
    str
        :data:`MISSING` (without the unit) for a missing or non-finite value.

    Examples
    --------
    >>> quantity(263.0, "个")
    '263个'
    >>> quantity(98.5, "%", 2)
    '98.50%'
    """
    value = _finite(x)
    if value is None:
        return MISSING
    shown = compact(value, 6) if decimals is None else number(value, decimals, grouping=False)
    return f"{shown}{unit or ''}"


def score_range(low, high, weight=None, status: str | None = None) -> str:
    """Return a total as the reader should see it: ``95.00``, ``36.39–99.96`` or ``无法评分``, with ``/ 满分``.

    ``status`` is :attr:`YearScore.by_scope`'s (complete, range, unscorable,
    weights_off): an unscorable total reads 无法评分 (never ``— / 100``); a
    range reads low–high, so a total with unscored items is never shown as
    if its unscored points were 0.

    Examples
    --------
    >>> score_range(36.391, 99.963, 100, "range")
    '36.39–99.96 / 100.00'
    >>> score_range(float("nan"), float("nan"), 100, "unscorable")
    '无法评分'
    """
    if status == "unscorable" or _finite(low) is None:
        return UNSCORABLE
    text = score(low) if _finite(high) is None or abs(float(high) - float(low)) <= 1e-9 else \
        f"{score(low)}{RANGE_DASH}{score(high)}"
    return text if _finite(weight) is None else f"{text} / {score(weight)}"


#: what a total reads when nothing in it could be scored
UNSCORABLE = "无法评分"
#: between the two ends of a range of scores
RANGE_DASH = "–"


def score_caveats(prior_total: dict | None, current_total: dict | None, prior: int, year: int) -> list[str]:
    """Return why a scope total of either year is not a plain score (weights off the rule's total, a range).

    Parameters
    ----------
    prior_total, current_total : dict or None
        A row of ``YearScore.by_scope`` of each year (``status``, ``weight``,
        ``score``, ``score_max``); None when the year has no such scope.
    prior, year : int
        The two years, named in the notes.
    """
    notes = []
    for total, yr in ((prior_total, prior), (current_total, year)):
        if not total:
            continue
        which = f"{yr}年"
        status = total.get("status")
        if status == "weights_off":
            notes.append(messages.SCORE_WEIGHTS_OFF.format(which=which, weight=compact(total.get("weight"))))
        elif status == "range":
            notes.append(messages.SCORE_RANGE.format(which=which, low=score(total.get("score")),
                                                     high=score(total.get("score_max"))))
    return notes
