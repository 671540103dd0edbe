"""Planning a batch render, in the parent process before any kernel starts.

Which department-years to render, from each department's ``department.yaml``
alone (reading every table of a province just to list its years would cost
as much as analysing it), and which notebooks, after checking each one's
``parameters`` cell.  Data problems in the tables surface when a worker loads
the department, as that department's failure; ``perfkit check`` lists them
all beforehand.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from perfkit.errors import DataError, RenderError
from perfkit.ingest.loading import find_departments
from perfkit.ingest.meta import read_meta
from perfkit.settings import default_settings
from perfkit.text import messages
from perfkit.text import batch as batch_text

#: Names every report notebook's ``parameters`` cell must assign.
PARAMETER_NAMES: tuple[str, ...] = ("department", "year", "data_dir", "output_dir")

_ASSIGN_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", re.MULTILINE)


@dataclass(frozen=True)
class ReportJob:
    """One department-year to render."""

    department: str
    name: str
    year: int


def _as_year(value) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise RenderError(batch_text.YEAR_NOT_INTEGER.format(value=value)) from None


def plan_reports(data_dir: str | os.PathLike, departments=None, years=None) -> list[ReportJob]:
    """Return the department-years to render, sorted by department code then year.

    Parameters
    ----------
    data_dir : str or Path
        Directory holding one sub-directory per department.
    departments : iterable of str, optional
        Department codes to render; default every department found.
    years : iterable of int, optional
        Years to render; default every year each department declares.  A year
        is accepted when at least one selected department has it.

    Raises
    ------
    RenderError
        Unknown department or year (the message lists the valid ones), or
        nothing to render.
    DataError
        A selected department's ``department.yaml`` is missing or invalid.
    """
    base = Path(data_dir)
    if not base.is_dir():
        raise RenderError(messages.NO_DATA_DIR.format(path=base))
    codes = find_departments(base)
    if not codes:
        raise RenderError(batch_text.NO_DEPARTMENTS.format(base=base))
    if departments is not None:
        wanted = list(dict.fromkeys(str(d) for d in departments))
        unknown = [d for d in wanted if d not in codes]
        if unknown:
            raise RenderError(batch_text.UNKNOWN_DEPARTMENTS.format(unknown=batch_text.LIST_SEP.join(unknown),
                                                                   known=batch_text.LIST_SEP.join(codes)))
        codes = wanted
    metas, problems = {}, []
    for code in codes:
        meta, found = read_meta(base / code)
        metas[code] = meta
        problems += found
    if problems:
        raise DataError(problems)
    available = sorted({int(y) for meta in metas.values() for y in meta.get("years", [])})
    wanted_years = None
    if years is not None:
        wanted_years = sorted({_as_year(y) for y in years})
        unknown_years = [y for y in wanted_years if y not in available]
        if unknown_years:
            raise RenderError(batch_text.UNKNOWN_YEARS.format(
                unknown=batch_text.LIST_SEP.join(map(str, unknown_years)),
                known=batch_text.LIST_SEP.join(map(str, available)) or batch_text.NONE))
    jobs = [ReportJob(code, str(meta.get("name") or code), int(year))
            for code, meta in sorted(metas.items())
            for year in sorted(int(y) for y in meta.get("years", []))
            if wanted_years is None or int(year) in wanted_years]
    if not jobs:
        raise RenderError(batch_text.NOTHING_TO_RENDER)
    return jobs


def check_notebook(path: Path) -> str:
    """Return the notebook's kernel name; raise RenderError if its parameters cell is wrong.

    The cell tagged ``parameters`` must exist and assign every name in
    :data:`PARAMETER_NAMES`.
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(batch_text.UNREADABLE_NOTEBOOK.format(path=path, error=exc)) from exc
    cells = nb.get("cells", [])
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        raise RenderError(batch_text.NO_PARAMETERS_CELL.format(name=path.name))
    source = tagged[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    missing = [n for n in PARAMETER_NAMES if n not in set(_ASSIGN_RE.findall(source))]
    if missing:
        raise RenderError(batch_text.MISSING_PARAMETERS.format(name=path.name, missing=batch_text.LIST_SEP.join(missing)))
    return nb.get("metadata", {}).get("kernelspec", {}).get("name") or "python3"


def find_notebooks(notebooks_dir: str | os.PathLike | None = None) -> tuple[list[Path], str]:
    """Return the report notebooks (sorted by name) and their common kernel name.

    ``notebooks_dir`` defaults to :func:`perfkit.settings.default_settings`'s.

    Raises
    ------
    RenderError
        No notebooks, a bad parameters cell, or notebooks asking for different kernels.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_settings().notebooks_dir
    paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not paths:
        raise RenderError(batch_text.NO_NOTEBOOKS.format(folder=folder))
    kernels = {p.name: check_notebook(p) for p in paths}
    if len(set(kernels.values())) > 1:
        listed = batch_text.LIST_SEP.join(batch_text.NOTEBOOK_KERNEL.format(name=n, kernel=k) for n, k in kernels.items())
        raise RenderError(batch_text.MIXED_KERNELS.format(listed=listed))
    return [p.resolve() for p in paths], next(iter(kernels.values()))
