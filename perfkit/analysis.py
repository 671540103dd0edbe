"""One department-year's analysis, computed once and shared by notebooks, summary and exports.

Notebooks, ``summary.json``, the Excel tables and the Word report all need the
same scores, checks and findings; computing them in one place keeps them in
agreement and avoids scoring the same rows three times per report.

The route of a department-year: :func:`perfkit.ingest.loading.load` →
:func:`perfkit.rules.book.rulebook_for` → :mod:`perfkit.score` (scores, checks)
→ :mod:`perfkit.compare` → :mod:`perfkit.findings`; each step is a cached
property here, so it runs once however many outputs present it.  A
:class:`DepartmentAnalysis` holds the years of one department, so a
comparison with the prior year reuses that year's analysis instead of scoring
it again.

Each step counts its calls (:mod:`perfkit.instrument`); the batch renderer
reports them per department-year, and a test asserts every step ran once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from perfkit import compare
from perfkit.findings import derive_findings
from perfkit.ingest.department import Department
from perfkit.ingest.loading import load, resolve
from perfkit.rules.book import RuleBook, rulebook_for
from perfkit.score.checks import check_stated
from perfkit.score.scoring import YearScore, score_year
from perfkit.score.totals import points_rows


class DepartmentAnalysis:
    """The analyses of one loaded department: its rules, loaded once, and one :class:`YearAnalysis` per year."""

    def __init__(self, dept: Department):
        self.dept = dept
        self._years: dict[int, YearAnalysis] = {}

    @cached_property
    def rules(self) -> RuleBook:
        """Return the department's rules (rule sets, finding rules, PEFA bands), loaded once."""
        return rulebook_for(self.dept)

    def year(self, year: int) -> "YearAnalysis":
        """Return the analysis of ``year`` (created on first use; DataError for an undeclared year)."""
        year = int(year)
        if year not in self._years:
            self.dept.require_year(year)  # an undeclared year fails now, with the usual message
            self._years[year] = YearAnalysis(self, year)
        return self._years[year]


@dataclass(eq=False)
class YearAnalysis:
    """Return-value bundle: the scored year, consistency checks, comparisons and findings."""

    department: DepartmentAnalysis = field(repr=False)
    year: int

    @property
    def dept(self) -> Department:
        """Return the loaded department (all years)."""
        return self.department.dept

    @property
    def rules(self) -> RuleBook:
        """Return the department's rules (shared by all its years)."""
        return self.department.rules

    @property
    def prior(self) -> "YearAnalysis | None":
        """Return the analysis of the comparison year (the latest earlier year), or None."""
        prior = self.prior_year
        return None if prior is None else self.department.year(prior)

    @cached_property
    def data(self) -> Department:
        """Return the department restricted to this year."""
        return self.dept.for_year(self.year)

    @cached_property
    def scored(self):
        """Return the :class:`perfkit.score.scoring.YearScore` of this year."""
        return score_year(self.dept, self.year, self.rules)

    @cached_property
    def checks(self) -> pd.DataFrame:
        """Return the stated-figure and table-arithmetic checks."""
        return check_stated(self.dept, self.year, self.scored)

    @cached_property
    def findings(self) -> list:
        """Return the findings (problems and recommendations), ordered."""
        prior = self.prior
        return derive_findings(self.dept, self.year, self.scored, self.checks, self.rules.findings,
                               prior_scored=None if prior is None else prior.scored,
                               yoy_indicators=self.yoy_indicators)

    @property
    def prior_year(self) -> int | None:
        """Return the latest earlier year in the data, if any."""
        return self.dept.prior_year(self.year)

    # ------------------------------------------------------------ comparisons (perfkit.compare)

    @cached_property
    def yoy_budget(self) -> pd.DataFrame:
        """Return the year-over-year change of every budget line and field (:func:`perfkit.compare.yoy_budget`)."""
        return compare.yoy_budget(self.dept, self.year)

    @cached_property
    def yoy_execution(self) -> pd.DataFrame:
        """Return the year-over-year change of every line's execution rate (:func:`perfkit.compare.yoy_execution`)."""
        return compare.yoy_execution(self.dept, self.year)

    @cached_property
    def yoy_indicators(self) -> pd.DataFrame:
        """Return the year-over-year change of every indicator's actual (:func:`perfkit.compare.yoy_indicators`)."""
        return compare.yoy_indicators(self.dept, self.year, self.rules)

    @cached_property
    def yoy_scores(self) -> pd.DataFrame:
        """Return the year-over-year change of the scores, against the prior year's own analysis."""
        prior = self.prior
        return compare.yoy_scores(self.dept, self.year, self.scored, None if prior is None else prior.scored)

    @cached_property
    def stated_yoy(self) -> pd.DataFrame:
        """Return the report's stated 同比 figures with what could be recomputed (:func:`perfkit.compare.stated_yoy`)."""
        return compare.stated_yoy(self.dept, self.year, self.checks, self.rules)

    @cached_property
    def pefa(self) -> pd.DataFrame:
        """Return PEFA PI-1 and PI-2 over the PEFA window (three years) up to this year, one row each.

        :func:`perfkit.compare.pefa_summary` with the department's PEFA bands.
        """
        years = [y for y in self.dept.years if y <= self.year][-self.rules.pefa["window_years"]:]
        return compare.pefa_summary(self.dept, self.rules.pefa, years=years)

    @property
    def scored_by_year(self) -> dict[int, YearScore]:
        """Return year -> YearScore of every year up to this one, each from that year's own analysis.

        A report on a year looks back only: a later year in the data must not
        change it.  Each year is scored once however many reports use it.
        """
        return {y: self.department.year(y).scored for y in self.dept.years if y <= self.year}

    @cached_property
    def score_series(self) -> pd.DataFrame:
        """Return the trend of every scope total and indicator score up to this year, one row per series."""
        return compare.multi_year(self.dept, "scores", scored=self.scored_by_year)

    @cached_property
    def falling_scores(self) -> pd.DataFrame:
        """Return the scopes and indicators whose score fell two years running up to this year."""
        return compare.falling_scores(self.dept, self.scored_by_year)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        """Return, per scope, the points that could be scored and those that could not.

        A total where several indicators had no actual (the reference report
        publishes few) is not comparable with a stated score; readers must see
        how much of the 100 points was actually judged.
        """
        rows = points_rows(self.scored.indicators, self.scored.execution, getattr(self.scored, "management", None))
        unscored = rows["unscored"]
        rows = rows.assign(weight_scored=rows["weight"].where(~unscored, 0.0),
                           weight_unscored=rows["weight"].where(unscored, 0.0), n_unscored=unscored)
        out = (rows.groupby("scope_id", sort=False)[["weight_scored", "weight_unscored", "score", "n_unscored"]]
               .sum().reset_index())
        out["n_unscored"] = out["n_unscored"].astype("int64")
        out["score_rate_scored"] = out["score"] / out["weight_scored"].where(out["weight_scored"] > 0)
        return out

    def scope_total(self, scope_id: str = "whole") -> pd.Series | None:
        """Return the by-scope total row (weight, score, grade) of one scope."""
        by_scope = self.scored.by_scope
        rows = by_scope[by_scope["scope_id"] == scope_id]
        return rows.iloc[0] if len(rows) else None


# The department a batch kernel is rendering (see pin()); None everywhere else.
_PINNED: DepartmentAnalysis | None = None


def pin(department: DepartmentAnalysis | None) -> None:
    """Make :func:`analyze` answer from ``department`` when asked for it by code or path; None unpins.

    A batch kernel pins the department it renders, so its notebooks and its
    report files, run one after another in that kernel, present one analysis
    instead of loading and scoring again.  Nothing else pins: an analyst's
    ``analyze`` call always reads the data as it is on disk.
    """
    global _PINNED
    _PINNED = department


def pinned() -> DepartmentAnalysis | None:
    """Return the pinned department analysis, if any."""
    return _PINNED


def load_department(department: str | Path, data_dir: str | Path | None = None) -> DepartmentAnalysis:
    """Return a :class:`DepartmentAnalysis` of a department loaded (and validated) from its files."""
    dept = load(department, data_dir)
    return DepartmentAnalysis(dept)


def analyze(department: str | Path | Department, year: int, data_dir: str | Path | None = None) -> YearAnalysis:
    """Return the :class:`YearAnalysis` of a department (object, code or path) and year."""
    if isinstance(department, Department):
        return DepartmentAnalysis(department).year(year)
    if _PINNED is not None and (
            (data_dir is None and str(department) == _PINNED.dept.code)
            or resolve(department, data_dir).resolve() == _PINNED.dept.path.resolve()):
        return _PINNED.year(year)
    return load_department(department, data_dir).year(year)
