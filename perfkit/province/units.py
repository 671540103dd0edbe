"""What checking one department finds: its validation, and per year the data errors, mismatches and counts.

This is the unit of work of a province-wide check (:mod:`perfkit.province.load`):
one call per department, run in worker processes and cached by the content of
the department's files, so a second check of an unchanged province only reads
the cache.  ``perfkit check`` prints these results; the province tables
(:mod:`perfkit.province.analysis`) are built from them and from the
vectorized scoring.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from perfkit.analysis import DepartmentAnalysis
from perfkit.errors import DataError, Problem, RuleSetError
from perfkit.ingest.department import Department
from perfkit.ingest.loading import validate_many

#: The columns of the checks kept per department-year for the province tables (a subset of check_stated's).
CHECK_COLUMNS = ["dept", "year", "scope_id", "check", "label", "figure_id", "stated_text", "stated", "recomputed",
                 "difference", "ok", "severity", "detail"]


@dataclass
class YearCheck:
    """What ``perfkit check`` found in one department-year beyond file validation."""

    year: int
    errors: list[Problem] = field(default_factory=list)  # rows scoring cannot read: data errors
    mismatches: list[str] = field(default_factory=list)  # stated figures or table arithmetic that disagree
    unevaluated: list[str] = field(default_factory=list)  # formulas the data cannot answer
    n_checked: int = 0
    n_listed: int = 0
    n_unscored: int = 0


@dataclass
class UnitCheck:
    """One department's check: its problems and notices, its years' checks, what the province scoring needs.

    ``dept`` (the loaded data) and ``checks`` are kept only while the
    department's bucket is being stacked and scored (``needs_full``: a score
    sheet with management ratios, which the one-pass scoring leaves to
    :func:`perfkit.score.scoring.score_year`).
    """

    code: str  # the folder name
    path: Path
    dept: Department | None
    problems: list[Problem]
    notices: list[str]
    years: list[YearCheck]
    checks: pd.DataFrame | None  # CHECK_COLUMNS, every year; None once stacked into the bucket's table
    name: str = ""
    meta: dict = field(default_factory=dict)  # department.yaml (rule_set, dept_sheet, incomplete …)
    needs_full: bool = False

    @property
    def usable(self) -> bool:
        """Return True when the department loaded without problems (it is scored in the province tables)."""
        return bool(self.meta) and not self.problems

    @property
    def errors(self) -> list[Problem]:
        """Return every data error: the files' problems and the cells scoring could not read."""
        return self.problems + [p for y in self.years for p in y.errors]

    @property
    def doubts(self) -> int:
        """Return the number of mismatches and formulas that could not be recomputed."""
        return sum(len(y.mismatches) + len(y.unevaluated) for y in self.years)

    def release(self) -> None:
        """Drop the loaded data and the checks once the bucket has stacked and scored them.

        A cached bucket is read back on every check of an unchanged province: one
        frame per department would cost more to unpickle than the stacked table.
        """
        self.checks = None
        self.dept = None


def check_year(a) -> tuple[YearCheck, pd.DataFrame]:
    """Return what scoring and the stated-figure checks found in one year (a YearAnalysis), and its checks."""
    checks = a.checks
    found = YearCheck(a.year, n_unscored=int(a.coverage["n_unscored"].sum()) if len(a.coverage) else 0)
    # A problem with a row is a cell scoring cannot read (target, 一级指标): a data error.  The one
    # without a row is the weight total, which the checks below also report as 分值合计; listed once.
    found.errors = [p for p in a.scored.problems if p.row is not None]
    table_level = [str(p) for p in a.scored.problems if p.row is None]
    if checks.empty:
        found.mismatches = table_level
        return found, checks
    checked = checks[checks["ok"].notna()]
    bad = checked[checked["ok"] == False]  # noqa: E712 (nullable boolean)
    found.mismatches = [f"{r['label']}：{r['detail']}" for _, r in bad.iterrows()]
    if not (bad["check"] == "weight_total").any():
        found.mismatches += table_level
    listed = checks[checks["ok"].isna()]
    found.unevaluated = [f"{r['label']}：{r['detail']}" for _, r in listed[listed["check"] == "expr_error"].iterrows()]
    found.n_checked, found.n_listed = len(checked), len(listed)
    return found, checks


def check_unit(path: str | Path) -> UnitCheck:
    """Return the :class:`UnitCheck` of the department in ``path`` (validation, then every year's checks)."""
    return check_units([path])[0]


def check_units(paths: list[str | Path]) -> list[UnitCheck]:
    """Return the :class:`UnitCheck` of every department in ``paths``, their files validated together."""
    paths = [Path(p) for p in paths]
    return [_check_validated(path, *found) for path, found in zip(paths, validate_many(paths))]


def _check_validated(path: Path, dept: Department | None, problems: list[Problem], notices: list[str]) -> UnitCheck:
    years: list[YearCheck] = []
    frames: list[pd.DataFrame] = []
    if dept is not None and not problems:
        analysis = DepartmentAnalysis(dept)
        try:
            for year in dept.years:
                found, checks = check_year(analysis.year(year))
                years.append(found)
                frames.append(checks.assign(dept=dept.code))
        except (DataError, RuleSetError) as err:
            years = []
            problems = list(err.problems) if isinstance(err, DataError) else [Problem(str(path), None, None, None,
                                                                                      str(err))]
    frames = [f.reindex(columns=CHECK_COLUMNS) for f in frames if len(f)]
    checks = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_COLUMNS)
    usable = dept is not None and not problems
    needs_full = usable and any(rs.management for rs in analysis.rules.sets.values())
    return UnitCheck(path.name, path, dept, problems, notices, years, checks,
                     name=dept.name if dept is not None else path.name,
                     meta=dict(dept.meta) if usable else {}, needs_full=needs_full)
