"""Several years: long tables of one kind of value per year, their trends, and scores falling year after year.

Pure like the rest of :mod:`perfkit.compare`: score series are built from the
:class:`~perfkit.score.scoring.YearScore` of each year handed in (``scored``),
never by scoring here.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfkit.instrument import counted, last_year_of
from perfkit.compare.common import BUDGET_FIELDS, join_notes, scope_namer
from perfkit.compare.indicators import IND_KEYS, read_measure
from perfkit.compare.yoy import execution_rates, score_frames
from perfkit.ingest.department import Department
from perfkit.score.scoring import YearScore
from perfkit.score.targets import polarity
from perfkit.text import formats, labels, messages
from perfkit.values import is_missing

# --------------------------------------------------------------------------- long tables

SERIES_KINDS = ("budget", "execution", "indicators", "scores")
_SERIES_COLUMNS = ["what", "key", "label", "scope_id", "line", "field", "level1", "level2", "name", "year", "value",
                   "unit", "kind", "better", "source"]


def series(dept: Department, what: str = "budget", scope_id: str | None = None,
           scored: dict[int, YearScore] | None = None) -> pd.DataFrame:
    """Return a long table of one kind of value per year: one row per (series, year).

    Parameters
    ----------
    dept : Department
    what : {'budget', 'execution', 'indicators', 'scores'}
        ``budget``: 年初预算数/全年预算数/全年执行数 of every budget line (万元);
        ``execution``: execution rate of every line (%, on 全年预算数);
        ``indicators``: numeric actual of every indicator, matched across years by
        (scope_id, level1, level2, name), plus ``prior_actual`` for a year-1 that is
        not in the data (``source`` says so); ``scores``: scope totals and indicator
        scores of the years in ``scored``.
    scope_id : str, optional
        Keep one scope only.
    scored : dict of int to YearScore
        year -> :func:`perfkit.score.scoring.score_year` result; required for
        ``scores`` (its years are the series' years), unused otherwise.

    Returns
    -------
    DataFrame
        ``what``, ``key`` (stable id of the series), ``label`` (Chinese), ``scope_id``,
        ``line``, ``field``, ``level1``, ``level2``, ``name`` (the parts that apply),
        ``year``, ``value``, ``unit``, ``kind`` (amount/rate/score/number),
        ``better`` (``higher``/``lower``/None: which way is an improvement), ``source``.
        Years without a usable value are left out.
    """
    if what not in SERIES_KINDS:
        raise ValueError(messages.UNKNOWN_SERIES.format(what=what, allowed=messages.LIST_SEP.join(SERIES_KINDS)))
    if what == "scores" and scored is None:
        raise ValueError(messages.SCORES_NEED_SCORED)
    build = {"budget": _series_budget, "execution": _series_execution, "indicators": _series_indicators,
             "scores": _series_scores}[what]
    rows = build(dept, scored) if what == "scores" else build(dept)
    df = pd.DataFrame(rows, columns=_SERIES_COLUMNS)
    if scope_id is not None:
        df = df[df["scope_id"] == scope_id]
    df = df[df["value"].notna()]
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    return df.sort_values(["key", "year"], kind="stable").reset_index(drop=True)


def _series_budget(dept: Department) -> list[dict]:
    rows = []
    name_of = scope_namer(dept)
    for rec in dept.budget.to_dict("records"):
        for f, f_label in BUDGET_FIELDS.items():
            rows.append({"what": "budget", "key": f"{rec['scope_id']}/{rec['line']}/{f}",
                         "label": f"{name_of(rec['scope_id'])}·{rec['line']}·{f_label}",
                         "scope_id": rec["scope_id"], "line": rec["line"], "field": f, "year": rec["year"],
                         "value": rec[f], "unit": labels.UNIT_AMOUNT, "kind": "amount", "better": None,
                         "source": "budget.csv"})
    return rows


def _series_execution(dept: Department) -> list[dict]:
    rows = []
    name_of = scope_namer(dept)
    for rec in execution_rates(dept.budget).to_dict("records"):
        rows.append({"what": "execution", "key": f"{rec['scope_id']}/{rec['line']}/execution_rate",
                     "label": f"{name_of(rec['scope_id'])}·{rec['line']}·{labels.EXECUTION_RATE}",
                     "scope_id": rec["scope_id"], "line": rec["line"], "field": "execution_rate",
                     "year": rec["year"], "value": rec["execution_rate"], "unit": "%", "kind": "rate",
                     "better": "higher", "source": "budget.csv"})
    return rows


def _series_indicators(dept: Department) -> list[dict]:
    rows = []
    name_of = scope_namer(dept)
    ind = dept.indicators.sort_values("year", kind="stable")
    present = set(dept.years)
    better = {}
    for rec in ind.to_dict("records"):
        key = "/".join(str(rec[k]) for k in IND_KEYS)
        pol = polarity(rec["target"], rec["name"])
        if pol is not None:
            better[key] = pol  # the latest year's target wins (rows are in year order)
        base = {"what": "indicators", "key": key, "label": f"{name_of(rec['scope_id'])}·{rec['name']}",
                "scope_id": rec["scope_id"], "level1": rec["level1"], "level2": rec["level2"], "name": rec["name"]}
        value, unit, _ = read_measure(rec["actual"])
        rows.append({**base, "year": rec["year"], "value": value, "unit": unit,
                     "kind": "rate" if unit == "%" else "number", "source": "actual"})
        if rec["year"] - 1 not in present and not is_missing(rec["prior_actual"]):
            value, unit, _ = read_measure(rec["prior_actual"])
            rows.append({**base, "year": rec["year"] - 1, "value": value, "unit": unit,
                         "kind": "rate" if unit == "%" else "number", "source": "prior_actual"})
    for r in rows:
        r["better"] = better.get(r["key"])
    return rows


def _series_scores(dept: Department, scored: dict[int, YearScore]) -> list[dict]:
    rows = []
    name_of = scope_namer(dept)
    for y in sorted(scored):
        for rec in score_frames(scored[y]).to_dict("records"):
            if rec["level"] == "level1":
                continue
            if rec["level"] == "scope":
                key = f"{rec['scope_id']}/{labels.TOTAL_SCORE}"
                label = f"{name_of(rec['scope_id'])}·{labels.TOTAL_SCORE}"
            else:
                key = "/".join(str(rec[k]) for k in IND_KEYS)
                label = f"{name_of(rec['scope_id'])}·{rec['name']}"
            rows.append({"what": "scores", "key": key, "label": label, "scope_id": rec["scope_id"],
                         "level1": rec["level1"] or None, "level2": rec["level2"] or None,
                         "name": rec["name"] or None, "year": y, "value": rec["score"], "unit": labels.UNIT_SCORE,
                         "kind": "score", "better": "higher", "source": rec["level"]})
    return rows


def cagr(first: float, last: float, years: float) -> float:
    """Return the compound average annual growth rate in % from ``first`` to ``last`` over ``years``.

    NaN when it is undefined (``years`` ≤ 0, ``first`` ≤ 0 or ``last`` < 0);
    :func:`summarize_series` says why in its note.

    Examples
    --------
    >>> round(cagr(100, 121, 2), 6)
    10.0
    """
    if years <= 0 or is_missing(first) or is_missing(last) or first <= 0 or last < 0:
        return float("nan")
    return ((last / first) ** (1.0 / years) - 1.0) * 100


def current_run(values) -> tuple[str, int]:
    """Return the direction of the latest run (上升/下降/持平) and its length in steps.

    ``[1, 3, 2, 1]`` → ``('下降', 2)``: the last two steps fell.  Fewer than two
    values give ``('', 0)``.
    """
    vals = [float(v) for v in values if not is_missing(v)]
    if len(vals) < 2:
        return "", 0
    signs = [int(np.sign(round(b - a, 9))) for a, b in zip(vals, vals[1:])]
    last = signs[-1]
    n = 0
    for s in reversed(signs):
        if s != last:
            break
        n += 1
    return labels.RUN_DIRECTIONS[last], n


def _span_text(years: list[int]) -> str:
    first, last = years[0], years[-1]
    missing = [y for y in range(first, last + 1) if y not in years]
    if missing:
        return messages.SPAN_WITH_GAPS.format(first=first, last=last, years=last - first,
                                              missing=messages.LIST_SEP.join(map(str, missing)))
    return messages.SPAN.format(first=first, last=last, years=last - first)


def _trend(direction: str, better: str | None) -> str:
    """Return whether a run is an improvement (改善), a worsening (恶化) or flat (持平); "" when unknown."""
    if direction == labels.RUN_DIRECTIONS[0]:
        return labels.TRENDS["flat"]
    if direction and better in ("higher", "lower"):
        rising = direction == labels.RUN_DIRECTIONS[1]
        return labels.TRENDS["better"] if rising == (better == "higher") else labels.TRENDS["worse"]
    return ""


def summarize_series(long: pd.DataFrame) -> pd.DataFrame:
    """Return, per series of a :func:`series` table, first and last, average annual change and the current run.

    Average annual change: CAGR over the calendar span ``last_year - first_year``
    (not the number of observations; a missing middle year still counts) for
    amounts and other numbers; for rates and scores the average change per year
    in 百分点 or 分 (a growth rate of a rate would be a percent of a percent).

    Returns
    -------
    DataFrame
        ``key``, ``label``, ``what``, ``scope_id``, ``unit``, ``kind``, ``better``,
        ``first_year``, ``first``, ``last_year``, ``last``, ``n_years``, ``span``
        (e.g. ``2020–2024年（跨4年，缺2021年）``), ``growth``, ``growth_unit``
        (``%/年``, ``百分点/年``, ``分/年``), ``growth_kind``, ``run_direction``
        (上升/下降/持平), ``run_length`` (steps in the current run), ``trend``
        (改善/恶化/持平, when ``better`` is known), ``values`` (``2020:…→…``), ``note``.
    """
    groups: dict[str, list[dict]] = {}
    for rec in long.to_dict("records"):  # plain records: a groupby per series costs 10x more
        groups.setdefault(rec["key"], []).append(rec)
    out = []
    for key, recs in groups.items():
        recs.sort(key=lambda r: r["year"])
        years = [int(r["year"]) for r in recs]
        values = [float(r["value"]) for r in recs]
        units = sorted({r["unit"] for r in recs if isinstance(r["unit"], str)})
        last_rec = recs[-1]
        kind, better = last_rec["kind"], last_rec["better"]
        unit = next((r["unit"] for r in reversed(recs) if isinstance(r["unit"], str)), None)
        first, last = values[0], values[-1]
        span = years[-1] - years[0]
        notes = []
        if kind in ("rate", "score"):
            growth_unit, growth_kind = labels.GROWTH[kind]
            growth = (last - first) / span if span > 0 else np.nan
        else:
            growth_unit, growth_kind = labels.GROWTH["growth"]
            growth = cagr(first, last, span)
            if span > 0 and math.isnan(growth):
                notes.append(messages.CAGR_FIRST_ZERO if first == 0 else messages.CAGR_NEGATIVE)
        if span <= 0:
            notes.append(messages.ONE_YEAR_ONLY)
        if len(units) > 1:
            growth = np.nan
            notes.append(messages.UNITS_DIFFER.format(units=messages.LIST_SEP.join(units)))
        direction, length = current_run(values)
        trend = _trend(direction, better)
        if any(r["source"] == "prior_actual" for r in recs):
            notes.append(messages.INCLUDES_STATED_PRIOR)
        out.append({"key": key, "label": last_rec["label"], "what": last_rec["what"],
                    "scope_id": last_rec["scope_id"], "unit": unit, "kind": kind, "better": better,
                    "first_year": years[0], "first": first, "last_year": years[-1], "last": last,
                    "n_years": len(years), "span": _span_text(years), "growth": growth, "growth_unit": growth_unit,
                    "growth_kind": growth_kind, "run_direction": direction, "run_length": length, "trend": trend,
                    "values": "→".join(f"{y}:{formats.compact(v)}" for y, v in zip(years, values)),
                    "note": join_notes(*notes)})
    cols = ["key", "label", "what", "scope_id", "unit", "kind", "better", "first_year", "first", "last_year", "last",
            "n_years", "span", "growth", "growth_unit", "growth_kind", "run_direction", "run_length", "trend",
            "values", "note"]
    df = pd.DataFrame(out, columns=cols)
    for col in ("first", "last", "growth"):
        df[col] = df[col].astype("float64")
    return df


@counted("multi_year", year_of=last_year_of("scored", 3))
def multi_year(dept: Department, what: str = "budget", scope_id: str | None = None,
               scored: dict[int, YearScore] | None = None) -> pd.DataFrame:
    """Return :func:`summarize_series` of :func:`series` (one row per series, three or more years welcome)."""
    return summarize_series(series(dept, what, scope_id=scope_id, scored=scored))


@counted("falling_scores", year_of=last_year_of("scored", 1))
def falling_scores(dept: Department, scored: dict[int, YearScore], min_run: int = 2) -> pd.DataFrame:
    """Return the scopes and indicators whose score fell ``min_run`` years running, up to the latest year.

    "Running" counts successive years of ``scored``: with 2021 missing,
    2020 → 2022 is one step (``note`` says so).

    Parameters
    ----------
    dept : Department
    scored : dict of int to YearScore
        year -> :func:`perfkit.score.scoring.score_year` result of the years
        looked at; the latest of them is the year a run must reach.
    min_run : int, default 2
        How many successive falls make a row.

    Returns
    -------
    DataFrame
        ``level`` (``scope``/``indicator``), ``scope_id``, ``scope_name``, ``name``,
        ``years`` (``2022→2023→2024``), ``scores`` (``95→90→85``), ``run_length``,
        ``drop`` (分, from the start of the run to the latest year), ``note``.
    """
    cols = ["level", "scope_id", "scope_name", "name", "years", "scores", "run_length", "drop", "note"]
    if not scored:
        return pd.DataFrame(columns=cols)
    long = series(dept, "scores", scored=scored)
    latest = max(scored)
    rows = []
    name_of = scope_namer(dept)
    for key, grp in long.groupby("key", sort=False):
        grp = grp.sort_values("year")
        if grp["year"].iloc[-1] != latest:
            continue
        direction, length = current_run(grp["value"].tolist())
        if direction != labels.RUN_DIRECTIONS[-1] or length < min_run:
            continue
        run = grp.iloc[-(length + 1):]
        years = run["year"].astype(int).tolist()
        gaps = [f"{a}→{b}" for a, b in zip(years, years[1:]) if b - a > 1]
        rows.append({"level": run["source"].iloc[-1], "scope_id": run["scope_id"].iloc[-1],
                     "scope_name": name_of(run["scope_id"].iloc[-1]),
                     "name": run["name"].iloc[-1] if run["source"].iloc[-1] == "indicator" else labels.TOTAL_SCORE,
                     "years": "→".join(map(str, years)), "scores": "→".join(formats.compact(v) for v in run["value"]),
                     "run_length": length, "drop": float(run["value"].iloc[0] - run["value"].iloc[-1]),
                     "note": messages.INCLUDES_GAPS.format(gaps=messages.LIST_SEP.join(gaps)) if gaps else ""})
    df = pd.DataFrame(rows, columns=cols)
    df["drop"] = df["drop"].astype("float64")
    return df
