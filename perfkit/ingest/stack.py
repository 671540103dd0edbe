"""Many departments' files of one type as one table: the unit every cell check works on.

A province holds thousands of small department folders, and a pandas
operation costs about the same on 60 rows as on 60,000.  So the files are
read one by one (:mod:`perfkit.ingest.reading`), then every department's rows
of one file type are stacked into one table with the department of each row
(``unit``), checked column by column once (:mod:`perfkit.ingest.cells`,
:mod:`perfkit.ingest.references`), and split back into one table per
department.  A single department is a stack of one: there is one
implementation of the checks.

The problems of a department come out in the order a department checked on
its own would list them (its ``department.yaml``, then file by file, then
across files), whatever the order the stacked checks run in: each goes to its
department's list for its *stage*.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfkit.errors import Problem
from perfkit.ingest.reading import RawTable


class Sink:
    """The problems and notices of ``n`` departments, each kept in its stage (meta, a file, cross-file checks)."""

    def __init__(self, n: int, stages: int):
        self._problems = [[[] for _ in range(stages)] for _ in range(n)]
        self._notices = [[[] for _ in range(stages)] for _ in range(n)]

    def problems_of(self, unit: int, stage: int) -> list[Problem]:
        """Return the list one department's problems of one stage go to (to append to)."""
        return self._problems[unit][stage]

    def notices_of(self, unit: int, stage: int) -> list[str]:
        return self._notices[unit][stage]

    def problems(self, unit: int) -> list[Problem]:
        return [p for stage in self._problems[unit] for p in stage]

    def notices(self, unit: int) -> list[str]:
        return [n for stage in self._notices[unit] for n in stage]


@dataclass
class Stacked:
    """One file type of many departments: the rows of all, the department of each, where each came from.

    ``frame`` holds ``src_row`` and the file's columns (text cells as read, or
    typed once converted); ``unit`` the department index of each row, rows of
    a department contiguous and in file order; ``files`` per department the
    path of its file; ``present`` per department whether the file was read;
    ``columns`` per department its own column order (a file may carry extra
    columns others lack).
    """

    fname: str
    stage: int
    frame: pd.DataFrame
    unit: np.ndarray
    files: list[str]
    present: np.ndarray
    columns: list[list[str] | None]
    sink: Sink

    def problem(self, i: int, column: str | None, value, expected: str, row: int | None = -1) -> None:
        """Record a problem of stacked row ``i`` (its own spreadsheet row unless ``row`` is given)."""
        u = int(self.unit[i])
        at = int(self.frame["src_row"].iat[i]) if row == -1 else row
        self.sink.problems_of(u, self.stage).append(Problem(self.files[u], at, column, value, expected))

    def problems(self, mask, column: str | None, values, expected) -> None:
        """Record one problem per row where ``mask`` holds: its value from ``values``, ``expected`` a text or per row."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(idx):
            return
        rows = self.frame["src_row"].to_numpy()[idx]
        vals = np.asarray(values, dtype=object)[idx]
        exp = [expected] * len(idx) if isinstance(expected, str) else np.asarray(expected, dtype=object)[idx]
        for i, r, v, e in zip(idx.tolist(), rows.tolist(), vals.tolist(), exp):
            u = int(self.unit[i])
            self.sink.problems_of(u, self.stage).append(Problem(self.files[u], r, column, v, e))

    def file_problem(self, u: int, column: str | None, value, expected: str, row: int | None = None) -> None:
        self.sink.problems_of(u, self.stage).append(Problem(self.files[u], row, column, value, expected))

    def notice(self, u: int, text: str) -> None:
        self.sink.notices_of(u, self.stage).append(text)

    def bounds(self) -> np.ndarray:
        """Return per department the first stacked row and the end (rows of a department are contiguous)."""
        n = len(self.files)
        return np.searchsorted(self.unit, np.arange(n + 1), side="left")


def stack(fname: str, stage: int, raws: list[RawTable | None], files: list[str], sink: Sink) -> Stacked:
    """Return the rows of ``raws`` (one per department, None where the file was not read) as one text table."""
    present = np.array([r is not None for r in raws], dtype=bool)
    columns: list[list[str] | None] = [r.columns if r is not None else None for r in raws]
    names: list[str] = []
    for cols in columns:
        for c in cols or ():
            if c not in names:
                names.append(c)
    counts = np.array([len(r.src_rows) if r is not None else 0 for r in raws], dtype=np.int64)
    unit = np.repeat(np.arange(len(raws), dtype=np.int64), counts)
    data = {"src_row": np.fromiter((row for r in raws if r is not None for row in r.src_rows), dtype=np.int64,
                                   count=int(counts.sum()))}
    for c in names:
        cells: list[str] = []
        for r, n in zip(raws, counts.tolist()):
            if r is None or not n:
                continue
            # a column only some departments' files carry: the others' rows are empty, and dropped on splitting
            cells.extend(r.cells[c] if c in r.cells else [""] * n)
        data[c] = cells
    frame = pd.DataFrame(data, columns=["src_row", *names])
    for c in names:
        # cells are stripped here, once per column of the stack, rather than one by one as files are read
        frame[c] = frame[c].astype(str).str.strip()
    return Stacked(fname, stage, frame, unit, files, present, columns, sink)


def split(frame: pd.DataFrame, st: Stacked, schema: dict | tuple = (),
          int_columns: tuple[str, ...] = (), as_numpy: bool = False) -> list[pd.DataFrame | None]:
    """Return ``frame`` (rows as in ``st``) cut back into one table per department, in its own column order.

    A department keeps ``src_row``, the ``schema`` columns and the extra columns
    of its own file, in its file's order.  ``int_columns`` stored nullable
    because some department has a bad cell go back to plain int64 in every
    department whose cells are all good, as a department read on its own
    would have them; with ``as_numpy`` the others hold what ``to_numpy()`` gives.
    """
    bounds = st.bounds()
    fixed = ["src_row", *[c for c in schema if c in frame.columns]]
    out: list[pd.DataFrame | None] = []
    shared = list(frame.columns)
    for u, cols in enumerate(st.columns):
        if not st.present[u]:
            out.append(None)
            continue
        own = fixed + [c for c in cols if c not in schema and c in frame.columns]
        lo, hi = int(bounds[u]), int(bounds[u + 1])
        part = frame.iloc[lo:hi] if own == shared else frame[own].iloc[lo:hi]
        part = part.copy(deep=False)  # a view of the stack: copy-on-write keeps the departments apart
        part.index = pd.RangeIndex(hi - lo)
        for c in int_columns:
            if c in part.columns and str(part[c].dtype) == "Int64":
                if part[c].notna().all():
                    part[c] = part[c].astype("int64")
                elif as_numpy:
                    part[c] = part[c].to_numpy()
        out.append(part)
    return out
