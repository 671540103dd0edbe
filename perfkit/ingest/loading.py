"""Loading a department: finding its directory, validating every file, building the :class:`Department`.

Every file is read as text first and validated cell by cell
(:mod:`perfkit.ingest.cells`), then across files
(:mod:`perfkit.ingest.references`), so that one run reports every problem of
every file instead of stopping at the first.  Nothing here writes to the
input directory.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfkit.errors import DataError, Problem
from perfkit.ingest.cells import check_spending, check_units, convert_columns, printed_cells
from perfkit.ingest.department import Department
from perfkit.ingest.meta import declared_years, load_meta
from perfkit.ingest.reading import RawTable, read_table
from perfkit.ingest.stack import Sink, Stacked, split, stack
from perfkit.ingest.references import check_ids, check_references
from perfkit.ingest.schema import HEADER_ONLY_OK, OPTIONAL_COLUMNS, REQUIRED_FILES, SCHEMAS, TABLE_ATTRS, empty_table
from perfkit.instrument import counted
from perfkit.settings import default_settings
from perfkit.text import validation


def validate(path: str | Path) -> tuple[Department | None, list[Problem], list[str]]:
    """Return the loaded department (None when unusable), every problem, and notices."""
    return validate_many([path])[0]


def validate_many(paths: list[str | Path]) -> list[tuple[Department | None, list[Problem], list[str]]]:
    """Return, for each department folder in ``paths``, what :func:`validate` returns for it alone.

    The files are read one by one; the cells of every department's files of
    one type are then checked together, as one stacked table
    (:mod:`perfkit.ingest.stack`): a province of thousands of departments
    costs a few table operations per column, not a few per department.
    """
    paths = [Path(p) for p in paths]
    n = len(paths)
    files = list(SCHEMAS)
    stage_refs = len(files) + 1  # stage 0 is department.yaml, then one per file, then the cross-file checks
    sink = Sink(n, stage_refs + 1)
    metas: list[dict] = [{} for _ in paths]
    here = [p.is_dir() for p in paths]
    for u, path in enumerate(paths):
        if not here[u]:
            sink.problems_of(u, 0).append(Problem(str(path), None, None, None, validation.NO_DIRECTORY))
            continue
        metas[u] = load_meta(path, sink.problems_of(u, 0))
    years = [declared_years(m) for m in metas]
    tables: dict[str, tuple[pd.DataFrame, Stacked]] = {}
    printed: dict[str, list[pd.DataFrame | None]] = {}
    split_tables: dict[str, list[pd.DataFrame | None]] = {}
    for stage, fname in enumerate(files, start=1):
        schema = SCHEMAS[fname]
        raws = [_read(path, fname, stage, sink, u) if here[u] else None for u, path in enumerate(paths)]
        if not any(r is not None for r in raws):
            split_tables[fname] = [None] * n
            continue
        st = stack(fname, stage, raws, [str(p / fname) for p in paths], sink)
        df = convert_columns(st, schema, years)
        amount_cols = [c for c, (k, _) in schema.items() if k == "amount"]
        if "unit" in schema and amount_cols:
            df = check_units(df, st, amount_cols)
        if fname == "budget.csv":
            check_spending(df, st)
        tables[fname] = (df, st)
        int_cols = tuple(c for c, (k, _) in schema.items() if k in ("year", "month", "int"))
        split_tables[fname] = split(df, st, schema, int_cols)
        printed[fname] = split(printed_cells(st, df, schema), st, ("year",), ("year",), as_numpy=True)
    check_ids(tables, stage_refs)
    check_references(tables, stage_refs)
    out = []
    for u, path in enumerate(paths):
        problems, notices = sink.problems(u), sink.notices(u)
        if not here[u] or any(split_tables[f][u] is None for f in REQUIRED_FILES) or not metas[u]:
            out.append((None, problems, notices))
            continue
        tables_of = {f: split_tables[f][u] for f in SCHEMAS}
        printed_of = {f: printed[f][u] for f in printed if printed[f][u] is not None}
        out.append((_department(path, metas[u], tables_of, printed_of, notices), problems, notices))
    return out


def _read(path: Path, fname: str, stage: int, sink: Sink, u: int) -> RawTable | None:
    """Return one department's file as text cells, None when it is absent (a problem if required) or unreadable."""
    fpath = path / fname
    if not fpath.is_file():
        if fname in REQUIRED_FILES:
            sink.problems_of(u, stage).append(Problem(str(fpath), None, None, None, validation.MISSING_FILE))
        return None
    return read_table(fpath, SCHEMAS[fname], sink.problems_of(u, stage), sink.notices_of(u, stage),
                      optional=OPTIONAL_COLUMNS.get(fname, ()), header_only_ok=fname in HEADER_ONLY_OK)


def _department(path: Path, meta: dict, tables: dict, printed: dict, notices: list[str]) -> Department:
    """Return the Department of one validated folder (a file it does not have is an empty table)."""
    frames = {}
    for fname, df in tables.items():
        df = df if df is not None else empty_table(SCHEMAS[fname])
        df.attrs["file"] = str(path / fname)
        frames[TABLE_ATTRS[fname]] = df
    return Department(code=str(meta.get("code", path.name)), path=path, meta=meta, notices=notices,
                      printed=printed, **frames)


def default_data_dir() -> Path:
    """Return where departments live when no data directory is given (:func:`perfkit.settings.default_settings`)."""
    return default_settings().data_dir


def resolve(code_or_path: str | Path, data_dir: str | Path | None = None) -> Path:
    """Return a department's directory from a code (looked up in data_dir) or a path."""
    candidate = Path(code_or_path)
    if (candidate / "department.yaml").is_file():
        return candidate
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    if (base / str(code_or_path) / "department.yaml").is_file():
        return base / str(code_or_path)
    known = find_departments(base) if base.is_dir() else []
    raise DataError(Problem(str(base / str(code_or_path)), None, None, str(code_or_path),
                            validation.NO_DEPARTMENT.format(base=base, known=validation.LIST_SEP.join(known) or validation.NONE)))


@counted("load", year_arg=None)
def load(code_or_path: str | Path, data_dir: str | Path | None = None) -> Department:
    """Return a validated :class:`Department`; raise :class:`DataError` listing every problem.

    Parameters
    ----------
    code_or_path : str or Path
        A department directory, or a department code looked up under ``data_dir``.
    data_dir : str or Path, optional
        Where departments live (default: :func:`default_data_dir`).
    """
    dept, problems, _ = validate(resolve(code_or_path, data_dir))
    if problems:
        raise DataError(problems)
    assert dept is not None
    return dept



def find_departments(data_dir: str | Path | None = None) -> list[str]:
    """Return the codes of the departments under ``data_dir`` (directories with department.yaml; default: the settings')."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    return sorted(p.name for p in base.iterdir() if (p / "department.yaml").is_file()) if base.is_dir() else []


def load_all(data_dir: str | Path | None = None) -> list[Department]:
    """Return every department under ``data_dir``; raise one DataError listing all problems."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    depts, problems = [], []
    for dept, found, _ in validate_many([base / code for code in find_departments(base)]):
        problems += found
        if dept is not None:
            depts.append(dept)
    if problems:
        raise DataError(problems)
    return depts
