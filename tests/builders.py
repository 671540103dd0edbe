"""Test departments on disk: the one builder every test file uses to make a department folder.

Two ways to get one:

- :func:`write_department` writes ``department.yaml`` and the tables given, as
  rows (dicts, written under that file's columns) or as verbatim CSV text
  (when a test is about exactly what a user typed);
- :func:`copy_department` copies a shipped department (the reference case,
  the synthetic one) for a test that then edits a file or two of it.

Both return the department's folder; load it with ``perfkit.load`` (or use
:func:`load_department`).  Nothing here knows a test's expectations: values
come from the test that writes them.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Mapping

import pandas as pd
import yaml

import perfkit
from perfkit.ingest.department import Department
from perfkit.ingest.schema import SCHEMAS

#: The year test departments are about unless told.
TEST_YEAR = 2023
#: Filled into empty cells when ``fill`` is on: every row cites a source, amounts are in 万元.
FILL_SOURCE = "测试"
FILL_UNIT = "万元"
_AMOUNT_TABLES = ("budget.csv", "finance.csv", "progress.csv")


def _empty(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def write_rows(path: Path, rows, fill: bool = True) -> Path:
    """Return ``path`` after writing ``rows`` (dicts) under the columns of its table in SCHEMAS.

    Empty cells are None/NaN/missing keys; other values are written as ``str()``,
    so ``100`` stays ``100`` and ``"98.5"`` keeps its printed precision.  With
    ``fill``, an empty ``source`` becomes 测试 and an empty amount ``unit`` 万元.
    A key that is no column of the table is an error (a typo in a test).
    """
    columns = list(SCHEMAS[path.name])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            out = {k: ("" if _empty(v) else str(v)) for k, v in dict(row).items()}
            if fill and not out.get("source"):
                out["source"] = FILL_SOURCE
            if fill and path.name in _AMOUNT_TABLES and not out.get("unit"):
                out["unit"] = FILL_UNIT
            writer.writerow(out)
    return path


def write_department(path: str | Path, *, name: str = "测试部门", years=(TEST_YEAR,), rule_set: str = "cz2020",
                     meta: Mapping | str | None = None, tables: Mapping[str, object] | None = None,
                     fill: bool = True) -> Path:
    """Return the folder of a department written at ``path`` (its code is the folder's name).

    Parameters
    ----------
    name, years, rule_set
        The department.yaml fields every department has.
    meta
        More department.yaml fields: a mapping (merged over the ones above) or
        YAML text appended verbatim (e.g. ``"dept_sheet: x\\n"``).
    tables
        File name -> rows (a list of dicts, see :func:`write_rows`), CSV text
        written verbatim (header included), or None (file not written).
    fill
        Fill empty ``source`` and amount ``unit`` cells of row tables (see :func:`write_rows`).
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    doc = {"code": path.name, "name": name, "years": list(years), "rule_set": rule_set}
    if isinstance(meta, Mapping):
        doc.update(meta)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None)
    if isinstance(meta, str):
        text += meta
    (path / "department.yaml").write_text(text, encoding="utf-8")
    for fname, content in (tables or {}).items():
        if content is None:
            continue
        if isinstance(content, str):
            (path / fname).write_text(content, encoding="utf-8")
        else:
            write_rows(path / fname, content, fill=fill)
    return path


def load_department(path: str | Path, **kwargs) -> Department:
    """Return the department :func:`write_department` writes at ``path`` with ``kwargs``, loaded."""
    return perfkit.load(write_department(path, **kwargs))


def copy_department(source: str | Path, data_dir: str | Path, code: str | None = None) -> Path:
    """Return the folder of a copy of the department at ``source`` under ``data_dir`` (named ``code``)."""
    target = Path(data_dir) / (code or Path(source).name)
    shutil.copytree(source, target)
    return target


def replace_in(path: str | Path, old: str, new: str, count: int = 1) -> Path:
    """Return ``path`` after replacing ``old`` with ``new`` in it (``count`` times; -1: all); fail if absent."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path
