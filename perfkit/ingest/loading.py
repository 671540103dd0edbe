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
from perfkit.ingest.reading import read_table
from perfkit.ingest.references import check_ids, check_references
from perfkit.ingest.schema import HEADER_ONLY_OK, OPTIONAL_COLUMNS, REQUIRED_FILES, SCHEMAS, TABLE_ATTRS, empty_table
from perfkit.instrument import counted
from perfkit.settings import default_settings
from perfkit.text import validation


def validate(path: str | Path) -> tuple[Department | None, list[Problem], list[str]]:
    """Return the loaded department (None when unusable), every problem, and notices."""
    path = Path(path)
    problems: list[Problem] = []
    notices: list[str] = []
    if not path.is_dir():
        return None, [Problem(str(path), None, None, None, validation.NO_DIRECTORY)], notices
    meta = load_meta(path, problems)
    years = declared_years(meta)
    tables: dict[str, pd.DataFrame | None] = {}
    printed: dict[str, pd.DataFrame] = {}
    for fname, schema in SCHEMAS.items():
        fpath = path / fname
        if not fpath.is_file():
            if fname in REQUIRED_FILES:
                problems.append(Problem(str(fpath), None, None, None, validation.MISSING_FILE))
            tables[fname] = None
            continue
        raw = read_table(fpath, schema, problems, notices, optional=OPTIONAL_COLUMNS.get(fname, ()),
                         header_only_ok=fname in HEADER_ONLY_OK)
        if raw is None:
            tables[fname] = None
            continue
        df = convert_columns(raw, schema, str(fpath), years, problems, notices)
        printed[fname] = printed_cells(raw, df, schema)
        amount_cols = [c for c, (k, _) in schema.items() if k == "amount"]
        if "unit" in schema and amount_cols:
            df = check_units(df, str(fpath), amount_cols, problems)
        if fname == "budget.csv":
            check_spending(df, raw, str(fpath), problems)
        tables[fname] = df
    check_ids({k: v for k, v in tables.items() if v is not None}, path, problems)
    check_references({k: v for k, v in tables.items() if v is not None}, path, problems)
    if any(tables[f] is None for f in REQUIRED_FILES) or not meta:
        return None, problems, notices
    frames = {TABLE_ATTRS[f]: (tables[f] if tables[f] is not None else empty_table(SCHEMAS[f]))
              for f in SCHEMAS}
    for fname, df in frames.items():
        df.attrs["file"] = str(path / f"{fname}.csv")
    dept = Department(code=str(meta.get("code", path.name)), path=path, meta=meta, notices=notices,
                      printed=printed, **frames)
    return dept, problems, notices


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
    for code in find_departments(base):
        dept, found, _ = validate(base / code)
        problems += found
        if dept is not None:
            depts.append(dept)
    if problems:
        raise DataError(problems)
    return depts
