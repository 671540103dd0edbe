"""What checking one department finds: its validation, and per year the data errors, mismatches and counts.

This is the unit of work of a province-wide check (:mod:`perfkit.province.load`):
one call per department, run in worker processes and cached by the content of
the department's files, so a second check of an unchanged province only reads
the cache.  ``perfkit check`` prints these results; the province tables
(:mod:`perfkit.province.analysis`) are built from them and from the
vectorized scoring.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from perfkit.analysis import DepartmentAnalysis
from perfkit.errors import DataError, Problem, RuleSetError
from perfkit.ingest.department import Department
from perfkit.ingest.loading import validate_many
from perfkit.ingest.schema import TABLE_ATTRS
from perfkit.province.scoring import score_province
from perfkit.rules.book import RuleBook, rulebook_for
from perfkit.score.checks import check_stated
from perfkit.score.scoring import YearScore, score_year, with_na_markers, year_rule_refs
from perfkit.score.totals import empty_management, points_rows

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
    n_unscored = int(a.coverage["n_unscored"].sum()) if len(a.coverage) else 0
    return _year_check(a.year, a.checks, a.scored.problems, n_unscored), a.checks


def _year_check(year: int, checks: pd.DataFrame, problems: list[Problem], n_unscored: int) -> YearCheck:
    found = YearCheck(year, n_unscored=n_unscored)
    # A problem with a row is a cell scoring cannot read (target, 一级指标): a data error.  The one
    # without a row is the weight total, which the checks below also report as 分值合计; listed once.
    found.errors = [p for p in problems if p.row is not None]
    table_level = [str(p) for p in problems if p.row is None]
    if checks.empty:
        found.mismatches = table_level
        return found
    checked = checks[checks["ok"].notna()]
    bad = checked[checked["ok"] == False]  # noqa: E712 (nullable boolean)
    found.mismatches = [f"{label}：{detail}" for label, detail in zip(bad["label"], bad["detail"])]
    if not (bad["check"] == "weight_total").any():
        found.mismatches += table_level
    listed = checks[checks["ok"].isna()]
    errors = listed[listed["check"] == "expr_error"]
    found.unevaluated = [f"{label}：{detail}" for label, detail in zip(errors["label"], errors["detail"])]
    found.n_checked, found.n_listed = len(checked), len(listed)
    return found


def check_unit(path: str | Path) -> UnitCheck:
    """Return the :class:`UnitCheck` of the department in ``path`` (validation, then every year's checks)."""
    return check_units([path])[0]


def check_units(paths: list[str | Path], shared: bool = True) -> list[UnitCheck]:
    """Return the :class:`UnitCheck` of every department in ``paths``, their files validated together.

    ``shared`` (the default) scores the departments in one pass and checks
    each year against its share of it (:func:`check_and_score`); False scores
    each department-year alone, as its own report does: the reference the
    shared pass is held equal to.
    """
    if shared:
        return check_and_score(paths)[0]
    paths = [Path(p) for p in paths]
    return [_check_validated(path, *found) for path, found in zip(paths, validate_many(paths))]


def check_and_score(paths: list[str | Path]) -> tuple[list[UnitCheck], dict[str, pd.DataFrame]]:
    """Return the :class:`UnitCheck` of every department in ``paths`` and their scored province tables.

    The departments are validated together and their rows scored in one pass
    (:func:`perfkit.province.scoring.score_province`); each department-year's
    checks (:func:`perfkit.score.checks.check_stated`) then read that year's
    share of the pass instead of scoring it again, which was half the cost of
    checking a province.  What each year finds is what scoring it alone finds
    (a test holds the two equal): a year whose weights miss the rule's total
    or that has no indicator or budget row, and a department the one pass does not cover (a score sheet with
    management ratios) or whose rules cannot be read, are scored year by year.

    Returns
    -------
    (units, tables)
        ``tables``: ``indicators``, ``execution``, ``totals`` of
        :func:`score_province`, with a ``dept`` column.
    """
    paths = [Path(p) for p in paths]
    units: list[UnitCheck] = []
    books: dict[str, RuleBook] = {}
    for path, (dept, problems, notices) in zip(paths, validate_many(paths)):
        book = _shared_book(dept, problems)
        if book is None:
            units.append(_check_validated(path, dept, problems, notices))
            continue
        books[dept.code] = book
        units.append(UnitCheck(path.name, path, dept, problems, notices, [], None, name=dept.name,
                               meta=dict(dept.meta)))
    stacked = stack_tables(units)
    problems: list[Problem] = []
    tables = score_province(stacked, units, problems=problems)
    weights_ok = tables.pop("weights_ok", None)
    shared = [u for u in units if u.code in books]
    if shared:
        failed = _check_shared(shared, books, tables, weights_ok, problems)
        if failed:  # a department whose checks failed is not scored in the province tables, as on its own
            tables = {name: t[~t["dept"].isin(failed)].reset_index(drop=True) if "dept" in t.columns else t
                      for name, t in tables.items()}
    return units, tables


def stack_tables(units: list[UnitCheck]) -> dict[str, pd.DataFrame]:
    """Return the scopes, budget (with ``weight_na``) and indicators of the usable units, stacked with ``dept``."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in ("scopes", "budget", "indicators")}
    for u in units:
        d = u.dept
        if d is not None and not u.problems:
            parts["scopes"].append(d.scopes.assign(dept=d.code))
            budget = with_na_markers(d.budget, d.printed_cells("budget.csv"), ("weight",))
            parts["budget"].append(budget.assign(dept=d.code))
            parts["indicators"].append(d.indicators.assign(dept=d.code))
    return {name: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            for name, frames in parts.items()}


def _shared_book(dept: Department | None, problems: list[Problem]) -> RuleBook | None:
    """Return the rules of a department the shared pass can check, or None (it is checked year by year)."""
    if dept is None or problems:
        return None
    try:
        book = rulebook_for(dept)
    except (DataError, RuleSetError):
        return None  # the year-by-year path reports it as the department's problem
    return None if any(rs.management for rs in book.sets.values()) else book


class _Shares:
    """Each department-year's rows of a stacked table, laid out as scoring it alone lays them out.

    The table is sorted once (by department, year and ``order``, stably) so
    that every share is a contiguous slice: one sort and one copy for the
    bucket instead of a take, a sort and a copy per department-year.
    """

    def __init__(self, frame: pd.DataFrame, order: str | None):
        self.bounds: dict = {}
        if frame.empty:
            self.body = frame
            return
        keys = ["dept", "year"] + ([order] if order is not None else [])
        ordered = frame.sort_values(keys, kind="stable") if len(frame) > 1 else frame
        for key, at in ordered.groupby(["dept", "year"], sort=False).indices.items():
            self.bounds[key] = (int(at[0]), int(at[-1]) + 1)
        self.body = _plain(ordered.drop(columns="dept").reset_index(drop=True))

    def __contains__(self, key) -> bool:
        return key in self.bounds

    def __getitem__(self, key) -> pd.DataFrame:
        start, stop = self.bounds[key]
        return self.body.iloc[start:stop].reset_index(drop=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its text and categorical columns as Python objects (the same values).

    The checks filter, take and read rows of a department-year's few rows a
    hundred times over; on Arrow text and categorical columns each of those
    costs several times what it costs on object columns, so the bucket's
    tables are converted once, in one vectorized pass per column.
    """
    converted = {c: frame[c].astype(object) for c in frame.columns
                 if isinstance(frame[c].dtype, (pd.StringDtype, pd.CategoricalDtype))}
    return frame.assign(**converted) if converted else frame


def _plain_department(dept: Department) -> Department:
    """Return a copy of ``dept`` whose tables and printed cells are :func:`_plain` (the checks read them per year)."""
    tables = {attr: _plain(getattr(dept, attr)) for attr in TABLE_ATTRS.values()}
    return replace(dept, **tables, printed={f: _plain(df) for f, df in dept.printed.items()})


def _check_shared(units: list[UnitCheck], books: dict, tables: dict, weights_ok: pd.DataFrame | None,
                  problems: list[Problem]) -> set[str]:
    """Check every year of ``units`` against its share of the one-pass scores; return the departments that failed."""
    ind, ex, totals = tables["indicators"], tables["execution"], tables["totals"]
    at_ind, at_ex, at_tot = _Shares(ind, "src_row"), _Shares(ex, "src_row"), _Shares(totals, None)
    off = set()
    if weights_ok is not None and len(weights_ok):
        bad = weights_ok[~weights_ok["weights_ok"].astype(bool)]
        off = set(zip(bad["dept"], bad["year"].astype(int)))
    counted = points_rows(ind, ex, keys=("dept", "year"))
    n_unscored = {(d, int(y)): int(n) for (d, y), n in counted.groupby(["dept", "year"])["unscored"].sum().items()}
    year_of = {}
    for u in units:
        d = u.dept
        if len(d.indicators) and "src_row" in d.indicators.columns:
            year_of[str(d.path / "indicators.csv")] = dict(zip(d.indicators["src_row"], d.indicators["year"]))
    problems_of: dict = {}
    for p in problems:
        year = year_of.get(p.file, {}).get(p.row)
        problems_of.setdefault((p.file, None if year is None else int(year)), []).append(p)
    failed = set()
    for u in units:
        d, book = _plain_department(u.dept), books[u.code]
        file = str(d.path / "indicators.csv")
        frames = []
        try:
            for year in d.years:
                key = (u.code, year)
                # scored alone: a weight problem is worded from the blocks' weights, and a table with
                # no row (a report without an indicator table) has the columns scoring it alone gives
                alone = key in off or not (key in at_ind and key in at_ex and key in at_tot)
                if alone:
                    ys = score_year(d, year, book)
                else:
                    ys = _year_score(d, year, book, at_ind[key], at_ex[key], at_tot[key],
                                     sorted(problems_of.get((file, year), []),
                                            key=lambda p: (p.file, p.row or 0, p.column or "")))
                checks = check_stated(d, year, ys)
                n = (n_unscored.get(key, 0) if not alone
                     else int(points_rows(ys.indicators, ys.execution)["unscored"].sum()))
                u.years.append(_year_check(year, checks, ys.problems, n))
                frames.append(checks.assign(dept=d.code))
        except (DataError, RuleSetError) as err:
            u.years = []
            u.problems = list(err.problems) if isinstance(err, DataError) else [Problem(str(u.path), None, None,
                                                                                        None, str(err))]
            u.meta = {}
            failed.add(u.code)
        frames = [f.reindex(columns=CHECK_COLUMNS) for f in frames if len(f)] if not u.problems else []
        u.checks = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_COLUMNS)
    return failed


def _year_score(dept, year: int, book: RuleBook, indicators: pd.DataFrame, execution: pd.DataFrame,
                totals: pd.DataFrame, problems: list[Problem]) -> YearScore:
    """Return the YearScore the checks read, from one department-year's share of the one pass."""
    # the scopes of the year are those of its totals; a row may name a scope the scopes table lacks
    refs = year_rule_refs(dept, year, totals["scope_id"], [*indicators["scope_id"], *execution["scope_id"]])
    # by_level1 is not read by the checks; None makes any reader fail loudly instead of reading nothing
    return YearScore(year, indicators, execution, None, totals, empty_management(), problems,
                     {sid: book.sets[ref] for sid, ref in refs.items()})


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
            years, frames = [], []  # a department that cannot be checked shows its problems, not some years' checks
            problems = list(err.problems) if isinstance(err, DataError) else [Problem(str(path), None, None, None,
                                                                                      str(err))]
    frames = [f.reindex(columns=CHECK_COLUMNS) for f in frames if len(f)]
    checks = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_COLUMNS)
    usable = dept is not None and not problems
    needs_full = usable and any(rs.management for rs in analysis.rules.sets.values())
    return UnitCheck(path.name, path, dept, problems, notices, years, checks,
                     name=dept.name if dept is not None else path.name,
                     meta=dict(dept.meta) if usable else {}, needs_full=needs_full)
