"""What a batch kernel does besides running notebooks: load a department once, write its report files.

Runs *inside* the warm kernel, called by one-line control cells that bind no
names.  For each department the worker calls :func:`begin` (load and
validate the data once, pin the analysis so the notebooks' own
``perfkit.analyze`` calls reuse it), runs every notebook of every year, calls
:func:`finish_year` per year (the report files registered in
:mod:`perfkit.outputs`, from that same analysis, plus a record of how often
each step ran) and :func:`end` (unpin).  Report files are written here, in the
worker's kernel, not in the parent process, so they scale with the workers.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from perfkit import analysis, instrument
from perfkit.outputs import write_outputs
from perfkit.text import batch as batch_text

#: Written into each department-year's staging directory by finish_year, read and removed by the worker.
STAGES_FILE = ".perfkit-stages.json"


def begin(department: str, data_dir: str) -> None:
    """Load ``department`` from ``data_dir`` and pin its analysis; raise DataError on invalid data.

    The department is read through a path relative to the data folder's
    parent (``data/<code>``), so messages that cite a file name the same file
    on every machine; its rules are loaded now, while that path is valid.  The
    kernel then goes back to the folder it was in (the staging directory the
    worker prepared): a notebook saves its charts under ``output_dir="."``, and
    from the data folder's parent those would land in the checkout, not the report.
    """
    analysis.pin(None)
    instrument.CALLS.clear()
    base = Path(data_dir)
    stage = os.getcwd()
    os.chdir(base.parent)
    try:
        pinned = analysis.load_department(department, base.name)
        pinned.rules  # noqa: B018  (read the rule files now, relative to the folder just entered)
    finally:
        os.chdir(stage)  # the notebook that follows saves its charts into its own (staging) directory
    analysis.pin(pinned)


def finish_year(department: str, year: int, stage: str) -> None:
    """Write the report files of one pinned department-year into ``stage``, and the step counts."""
    pinned = analysis.pinned()
    if pinned is None or pinned.dept.code != department:
        raise RuntimeError(batch_text.NOT_LOADED.format(department=department))
    a = pinned.year(year)
    os.chdir(stage)
    write_outputs(a, Path(stage))
    counts = instrument.counts_for(year)
    (Path(stage) / STAGES_FILE).write_text(json.dumps(counts, sort_keys=True), encoding="utf-8")


def end() -> None:
    """Unpin the department: the next one starts from its own files."""
    analysis.pin(None)
    instrument.CALLS.clear()
