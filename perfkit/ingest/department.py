"""A department's data as one object: its metadata, one DataFrame per file, and which rule set each scope follows.

Built by :func:`perfkit.ingest.loading.validate` (and :func:`~perfkit.ingest.loading.load`)
from a validated directory; amounts are in 万元.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from perfkit.errors import DataError, Problem
from perfkit.ingest.schema import SCHEMAS, TABLE_ATTRS, TRUE_WORDS, WHOLE_SCOPE_TYPE, empty_table
from perfkit.text import validation


@dataclass
class Department:
    """A department's data: metadata plus one DataFrame per file, amounts in 万元."""

    code: str
    path: Path
    meta: dict
    scopes: pd.DataFrame
    budget: pd.DataFrame
    finance: pd.DataFrame
    indicators: pd.DataFrame
    stated: pd.DataFrame
    progress: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    #: file name -> src_row, year and the numeric cells as printed (text), for precision and — / markers
    printed: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the report's own stated problems and measures (narrative.csv; empty when the file is absent)
    narrative: pd.DataFrame = field(default_factory=lambda: empty_table(SCHEMAS["narrative.csv"]))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.code))

    @property
    def years(self) -> list[int]:
        """Return the declared years, ascending."""
        return sorted(int(y) for y in self.meta.get("years", []))

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    def require_year(self, year: int) -> int:
        """Return ``year`` as an int; DataError naming department.yaml and the declared years if it is not one."""
        year = int(year)
        if year not in self.years:
            raise DataError(
                Problem(str(self.path / "department.yaml"), None, "years", year,
                        validation.NO_SUCH_YEAR.format(year=year, years=validation.LIST_SEP.join(map(str, self.years))))
            )
        return year

    def for_year(self, year: int) -> "Department":
        """Return a copy holding only ``year``'s rows (metadata unchanged)."""
        year = self.require_year(year)
        tables = {attr: _rows_of_year(getattr(self, attr), year) for attr in TABLE_ATTRS.values()}
        printed = {f: _rows_of_year(df, year) for f, df in self.printed.items()}
        return replace(self, **tables, printed=printed)

    def prior_year(self, year: int, allow_gap: bool = True) -> int | None:
        """Return the latest declared year before ``year``, or None; with ``allow_gap=False`` only ``year - 1``."""
        earlier = [y for y in self.years if y < int(year)]
        if not earlier:
            return None
        prior = max(earlier)
        return prior if allow_gap or prior == int(year) - 1 else None

    def rule_set_for(self, scope_id: str, year: int | None = None) -> str:
        """Return the rule-set reference (built-in name or path) that ``scope_id`` follows.

        The choice is :func:`scope_rule_refs` (the scope's own ``rule_set`` in
        ``scopes.csv``, else ``dept_sheet`` for a whole-department scope when
        the department names one, else the department's ``rule_set``), made
        once for every scope row; without a year, the scope's latest row
        decides.  A scope with no row follows the department's rule set.
        """
        by_year, latest = self._rule_index
        ref = by_year.get((scope_id, int(year))) if year is not None else latest.get(scope_id)
        return ref if ref is not None else str(self.meta["rule_set"])

    @cached_property
    def _rule_index(self) -> tuple[dict, dict]:
        sc = self.scopes
        refs = scope_rule_refs(sc, str(self.meta["rule_set"]), str(self.meta.get("dept_sheet") or ""))
        by_year = dict(zip(zip(sc["scope_id"], sc["year"].astype(int)), refs))
        latest = {sid: ref for _, sid, ref in sorted(zip(sc["year"].astype(int), sc["scope_id"], refs),
                                                     key=lambda t: t[0])}
        return by_year, latest

    def rule_refs(self) -> list[str]:
        """Return every rule-set reference any scope of any year follows, in first-use order."""
        refs = list(scope_rule_refs(self.scopes, str(self.meta["rule_set"]), str(self.meta.get("dept_sheet") or "")))
        refs.append(str(self.meta["rule_set"]))
        return list(dict.fromkeys(refs))

    @cached_property
    def _scope_index(self) -> dict:
        """Return scope lookups built once (checks and findings ask per row): names, types, partial tables."""
        sc = self.scopes
        flagged = set()
        if "incomplete" in sc.columns:
            mark = sc["incomplete"].fillna("").astype(str).str.strip().str.lower().isin(TRUE_WORDS)
            flagged = {(sid, int(y)) for sid, y in zip(sc.loc[mark, "scope_id"], sc.loc[mark, "year"])}
        return {"name": dict(zip(sc["scope_id"], sc["name"])),  # the last year's name wins
                "type": dict(zip(sc["scope_id"][::-1], sc["scope_type"][::-1])),  # the first year's type
                "incomplete": flagged}

    def is_incomplete(self, scope_id: str, year: int | None = None) -> bool:
        """Return True when the transcribed table of a scope is partial (``incomplete`` in department.yaml or scopes.csv)."""
        if self.meta.get("incomplete") is True:
            return True
        flagged = self._scope_index["incomplete"]
        if year is not None:
            return (scope_id, int(year)) in flagged
        return any(sid == scope_id for sid, _ in flagged)

    def printed_cells(self, fname: str) -> pd.DataFrame:
        """Return the numeric cells of ``fname`` as printed (src_row, year and one text column per number column)."""
        df = self.printed.get(fname)
        return df if df is not None else pd.DataFrame({"src_row": pd.Series(dtype="int64")})

    def printed_row(self, fname: str, src_row) -> dict | None:
        """Return the cells of one row of ``fname`` as printed ({column: text}, the first such row), or None."""
        rows = self._printed_rows.get(fname)
        if rows is None:
            # checks ask row by row: one pass over the file's printed cells, kept for every later row
            rows = {}
            for rec in self.printed_cells(fname).to_dict("records"):
                rows.setdefault(rec["src_row"], rec)
            self._printed_rows[fname] = rows
        return rows.get(src_row)

    @cached_property
    def _printed_rows(self) -> dict:
        return {}

    def scope_name(self, scope_id: str) -> str:
        """Return the display name of a scope (its id when unknown)."""
        name = self._scope_index["name"].get(scope_id)
        return scope_id if name is None or (isinstance(name, float) and name != name) else str(name)

    def scope_type(self, scope_id: str) -> str:
        """Return a scope's type (部门整体, 一级项目 …), "" when unknown."""
        kind = self._scope_index["type"].get(scope_id)
        return "" if kind is None or (isinstance(kind, float) and kind != kind) else str(kind)


def scope_rule_refs(scopes: pd.DataFrame, default, sheet) -> np.ndarray:
    """Return, per row of ``scopes``, the rule-set reference that scope follows that year.

    The one place this choice is made: the row's own ``rule_set``, else
    ``sheet`` (the department's ``dept_sheet``) for a 部门整体 scope, else
    ``default`` (the department's ``rule_set``).  ``default`` and ``sheet``
    may be arrays aligned with the rows, so a whole province is resolved at once.
    """
    own = scopes["rule_set"] if "rule_set" in scopes.columns else pd.Series("", index=scopes.index)
    own = own.fillna("").astype(str).to_numpy(dtype=object)
    sheet = np.broadcast_to(np.asarray(sheet, dtype=object), own.shape)
    whole = (scopes["scope_type"] == WHOLE_SCOPE_TYPE).to_numpy(dtype=bool)
    has_own = np.array([len(x) > 0 for x in own], dtype=bool)
    has_sheet = np.array([len(x) > 0 for x in sheet], dtype=bool)
    return np.where(has_own, own, np.where(has_sheet & whole, sheet, np.asarray(default, dtype=object)))


def _rows_of_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    if "year" not in df.columns:
        return df
    return df[df["year"] == year].reset_index(drop=True)

