"""A whole province at once: :func:`analyze_all` checks, scores and compares every department and year.

The route: :func:`perfkit.province.load.check_province` validates, checks and
scores the departments bucket by bucket (worker processes, cached; the
scoring is :func:`perfkit.province.scoring.score_province`, one pass per rule
set over a bucket's stacked rows) and stacks the buckets' tables; here the
year-over-year comparison and the main findings are
computed on those tables with groupby and shift, and one row per
department-year gathers what a reviewer sorts and filters the province by.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from perfkit.analysis import load_department
from perfkit.ingest.schema import WHOLE_SCOPE_TYPE
from perfkit.province.load import ProvinceCheck, check_province
from perfkit.rules.findings import load_findings_rules
from perfkit.findings import placeholders as finding_placeholders
from perfkit.text import province as words

KEYS = ["dept", "year"]


@dataclass
class ProvinceAnalysis:
    """Tidy tables of every department and year under a data directory, keyed by ``dept`` and ``year``.

    ``totals``: one row per scope (score or range, status, grade, stated
    score); ``indicators`` and ``execution``: the scored rows; ``checks``: the
    stated-figure and table-arithmetic checks; ``yoy``: each scope's score and
    execution rate against its prior year; ``findings``: one row per main
    finding; ``summary``: one row per department-year; ``problems``: the data
    problems of departments that could not be loaded.
    """

    data_dir: Path
    check: ProvinceCheck = field(repr=False)
    totals: pd.DataFrame = field(repr=False)
    indicators: pd.DataFrame = field(repr=False)
    execution: pd.DataFrame = field(repr=False)
    checks: pd.DataFrame = field(repr=False)
    yoy: pd.DataFrame = field(repr=False)
    findings: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    problems: pd.DataFrame = field(repr=False)
    seconds: dict = field(default_factory=dict)

    def reasons(self, rows: pd.DataFrame | None = None) -> pd.Series:
        """Return the reason of each row of :attr:`indicators` (or of ``rows``, some of them), as its report words it.

        The province is scored without spelling reasons (half the time of
        scoring a million rows).  This scores again, as a department-year is
        scored for its own report, only the department-years ``rows`` come
        from, and finds each row by its department and its row in
        indicators.csv: filter first, then ask for the reasons of what is left.
        The departments are read from their files as they are now, so an edit
        made after the province was analysed shows in these reasons.
        """
        rows = self.indicators if rows is None else rows
        out = pd.Series(None, index=rows.index, dtype=object)
        paths = {u.code: u.path for u in self.check.units}
        for dept, of_dept in rows.groupby("dept", sort=False):
            analysis = load_department(paths[dept])
            for year, of_year in of_dept.groupby("year", sort=False):
                scored = analysis.year(int(year)).scored.indicators
                by_row = pd.Series(scored["reason"].to_numpy(dtype=object), index=scored["src_row"].to_numpy())
                out.loc[of_year.index] = of_year["src_row"].map(by_row).to_numpy()
        return out


def analyze_all(data_dir: str | os.PathLike, departments: list[str] | None = None, processes: int | None = None,
                use_cache: bool = True, cache_dir: str | os.PathLike | None = None,
                progress: Callable[[int, int], None] | None = None) -> ProvinceAnalysis:
    """Return the :class:`ProvinceAnalysis` of every department (or of ``departments``) under ``data_dir``.

    Parameters
    ----------
    data_dir : path
        A folder of department folders (data/README.md).
    departments : list of str, optional
        Codes to analyse; all by default.
    processes : int, optional
        Worker processes for validating and checking (default: one per core).
    use_cache, cache_dir, progress
        See :func:`perfkit.province.load.check_province`.
    """
    start = time.perf_counter()
    pc = check_province(data_dir, departments, processes=processes, cache_dir=cache_dir, use_cache=use_cache,
                        progress=progress)
    t_check = time.perf_counter()
    # scored in the workers, bucket by bucket, and cached with the checks (perfkit.province.load.check_bucket)
    totals, execution, indicators = pc.tables["totals"], pc.tables["execution"], pc.tables["indicators"]
    checks = pc.tables["checks"]
    yoy = year_over_year(totals, execution)
    findings = main_findings(pc, totals, execution, indicators, checks, yoy)
    summary = summarize(pc, totals, execution, checks, yoy, findings)
    end = time.perf_counter()
    return ProvinceAnalysis(Path(data_dir), pc, totals, indicators, execution, checks, yoy, findings, summary,
                            _problems(pc), seconds={**{f"check.{k}": v for k, v in pc.seconds.items()},
                                                    "compare_and_findings": end - t_check,
                                                    "total": end - start})


def _problems(pc: ProvinceCheck) -> pd.DataFrame:
    rows = [{"dept": u.code, "file": p.file, "row": p.row, "column": p.column, "value": p.value,
             "expected": p.expected, "message": str(p)} for u in pc.units for p in u.errors]
    return pd.DataFrame(rows, columns=["dept", "file", "row", "column", "value", "expected", "message"])


def year_over_year(totals: pd.DataFrame, execution: pd.DataFrame) -> pd.DataFrame:
    """Return each scope's score and execution rate next to those of its prior year (the latest earlier one)."""
    cols = ["dept", "scope_id", "year", "status", "score", "score_min", "score_max"]
    if not len(totals):
        return pd.DataFrame(columns=[*cols, "prior_year", "prior_status", "prior_score", "score_change",
                                     "execution_rate", "prior_execution_rate", "execution_rate_change"])
    t = totals[cols].merge(execution[["dept", "year", "scope_id", "execution_rate"]] if len(execution) else
                           pd.DataFrame(columns=["dept", "year", "scope_id", "execution_rate"]),
                           on=["dept", "year", "scope_id"], how="left")
    t = t.sort_values(["dept", "scope_id", "year"], kind="stable").reset_index(drop=True)
    g = t.groupby(["dept", "scope_id"], sort=False)
    t["prior_year"] = g["year"].shift(1)
    t["prior_status"] = g["status"].shift(1)
    t["prior_score"] = g["score"].shift(1)
    t["prior_execution_rate"] = g["execution_rate"].shift(1)
    # a change is a plain difference only between two complete scores: a range or an unweighted total has none
    plain = (t["status"] == "complete") & (t["prior_status"] == "complete")
    t["score_change"] = (t["score"] - t["prior_score"]).where(plain)
    t["execution_rate_change"] = t["execution_rate"].astype(float) - t["prior_execution_rate"].astype(float)
    t["prior_year"] = t["prior_year"].astype("Int64")
    return t


def _rule_settings(pc: ProvinceCheck) -> pd.DataFrame:
    """Return per department the settings of the finding rules it follows (its own file, else the built-in one)."""
    cache: dict = {}
    rows = []
    for u in pc.units:
        if not u.usable:
            continue
        ref = u.meta.get("findings")
        key = (str(ref), str(u.path) if ref else "")
        if key not in cache:
            cache[key] = load_findings_rules(ref, u.path, finding_placeholders())
        rules = cache[key]
        row = {"dept": u.code}
        for code in ("exec_rate_whole", "exec_rate_project", "indicator_missed", "yoy_score_decline",
                     "stated_mismatch", "table_arithmetic"):
            row[f"{code}.on"] = rules.enabled(code)
            cfg = rules.rules.get(code, {})
            row[f"{code}.threshold"] = float(cfg.get("threshold", np.nan)) if "threshold" in cfg else np.nan
            row[f"{code}.min_points"] = float(cfg.get("min_points", 0.0) or 0.0)
            row[f"{code}.title"] = cfg.get("title", "")  # the rule file's own title, as the reports show it
        rows.append(row)
    return pd.DataFrame(rows)


def main_findings(pc, totals, execution, indicators, checks, yoy) -> pd.DataFrame:
    """Return one row per main finding of a department-year: dept, year, scope_id, code, title, value, detail.

    The measures of the finding rules (:mod:`perfkit.findings`), computed for
    the whole province on its tables, with each department's thresholds and
    switches: execution rate below the threshold, indicators not met, scores
    falling from one year to the next, stated figures and table arithmetic
    that disagree.  The Word report and the 03 notebook of a department-year
    carry the full text of every finding.
    """
    settings = _rule_settings(pc)
    cols = ["dept", "year", "scope_id", "code", "title", "value", "detail"]
    if not len(settings) or not len(totals):
        return pd.DataFrame(columns=cols)
    parts = []
    ex = execution.merge(totals[["dept", "year", "scope_id", "scope_type", "name"]], on=["dept", "year", "scope_id"])
    ex = ex.merge(settings, on="dept")
    for code, whole in (("exec_rate_whole", True), ("exec_rate_project", False)):
        is_whole = ex["scope_type"] == WHOLE_SCOPE_TYPE
        low = ex[ex[f"{code}.on"] & (is_whole == whole) & (ex["execution_rate"] < ex[f"{code}.threshold"])]
        parts.append(pd.DataFrame({"dept": low["dept"], "year": low["year"], "scope_id": low["scope_id"], "code": code,
                                   "value": low["execution_rate"],
                                   "detail": [words.LOW_RATE.format(name=n, rate=r, threshold=t) for n, r, t in
                                              zip(low["name"], low["execution_rate"], low[f"{code}.threshold"])]}))
    if len(indicators):
        counted = indicators[indicators["counted"].astype(bool) & indicators["parent_id"].isna()]
        missed = counted[counted["met"].fillna(True) == False]  # noqa: E712 (nullable boolean)
        n = missed.groupby(["dept", "year", "scope_id"], sort=False).size().rename("value").reset_index()
        n = n.merge(settings[["dept", "indicator_missed.on"]], on="dept")
        n = n[n["indicator_missed.on"]]
        parts.append(n.assign(code="indicator_missed", detail=[words.MISSED.format(n=v) for v in n["value"]])
                     .drop(columns="indicator_missed.on"))
    down = yoy.merge(settings[["dept", "yoy_score_decline.on", "yoy_score_decline.min_points"]], on="dept")
    down = down[down["yoy_score_decline.on"] & (down["score_change"] <= -down["yoy_score_decline.min_points"])]
    parts.append(pd.DataFrame({"dept": down["dept"], "year": down["year"], "scope_id": down["scope_id"],
                               "code": "yoy_score_decline", "value": down["score_change"],
                               "detail": [words.SCORE_DOWN.format(prior=int(p), drop=-c) for p, c in
                                          zip(down["prior_year"], down["score_change"])]}))
    if len(checks):
        bad = checks[checks["ok"].astype("boolean").fillna(True) == False]  # noqa: E712
        stated = bad["check"] == "stated_figure"
        arithmetic = ~bad["check"].isin(("stated_figure", "weight_total", "listed_only", "expr_error"))
        for code, rows in (("stated_mismatch", bad[stated]), ("table_arithmetic", bad[arithmetic])):
            n = rows.groupby(KEYS, sort=False).size().rename("value").reset_index()
            n = n.merge(settings[["dept", f"{code}.on"]], on="dept")
            n = n[n[f"{code}.on"]].drop(columns=f"{code}.on")
            parts.append(n.assign(scope_id=None, code=code, detail=[words.MISMATCHES.format(n=v) for v in n["value"]]))
    out = pd.concat([p for p in parts if len(p)] or [pd.DataFrame(columns=cols)], ignore_index=True)
    titles = settings.melt(id_vars="dept", value_vars=[c for c in settings.columns if c.endswith(".title")],
                           var_name="code", value_name="title")
    titles["code"] = titles["code"].str.removesuffix(".title")
    out = out.drop(columns="title", errors="ignore").merge(titles, on=["dept", "code"], how="left")
    return out[cols].sort_values(["dept", "year"], kind="stable").reset_index(drop=True)


def summarize(pc, totals, execution, checks, yoy, findings) -> pd.DataFrame:
    """Return one row per department-year: its whole-department score (or range), stated score, checks, findings."""
    cols = list(words.SUMMARY_COLUMNS)
    years = [(u.code, u.name, y.year, y) for u in pc.units for y in u.years]
    if not years:
        return pd.DataFrame(columns=cols)
    base = pd.DataFrame({"dept": [c for c, _, _, _ in years], "name": [n for _, n, _, _ in years],
                         "year": [y for _, _, y, _ in years],
                         "n_checked": [y.n_checked for *_, y in years],
                         "n_mismatches": [len(y.mismatches) for *_, y in years],
                         "n_unevaluated": [len(y.unevaluated) for *_, y in years],
                         "n_data_errors": [len(y.errors) for *_, y in years],
                         "n_unscored": [y.n_unscored for *_, y in years]})
    # the scope a department-year is known by: its 部门整体 scope, else its first (a project table)
    main = totals.assign(_whole=(totals["scope_type"] != WHOLE_SCOPE_TYPE).astype(int), _at=range(len(totals)))
    whole = main.sort_values(["_whole", "_at"], kind="stable").drop_duplicates(KEYS)
    whole = whole.rename(columns={"name": "scope_name"})[
        ["dept", "year", "scope_id", "scope_name", "status", "score_min", "score_max", "grade", "stated_score",
         "stated_grade"]]
    out = base.merge(whole, on=KEYS, how="left")
    rate = execution.merge(whole[["dept", "year", "scope_id"]], on=["dept", "year", "scope_id"])
    out = out.merge(rate[["dept", "year", "execution_rate"]], on=KEYS, how="left")
    change = yoy.merge(whole[["dept", "year", "scope_id"]], on=["dept", "year", "scope_id"])
    out = out.merge(change[["dept", "year", "score_change"]], on=KEYS, how="left")
    out["score_text"] = [words.score_text(s, lo, hi) for s, lo, hi in
                         zip(out["status"], out["score_min"], out["score_max"])]
    agree = (out["stated_score"] >= out["score_min"] - 0.05) & (out["stated_score"] <= out["score_max"] + 0.05)
    out["stated_agrees"] = agree.where(out["stated_score"].notna() & out["score_min"].notna())
    titles = findings.groupby(KEYS, sort=False)["title"].agg(lambda t: "；".join(dict.fromkeys(t)))
    out = out.merge(titles.rename("main_findings").reset_index(), on=KEYS, how="left")
    out["main_findings"] = out["main_findings"].fillna("")
    return out.reindex(columns=cols)
