"""Re-execute the notebooks on the reference and synthetic cases into ``tests/notebooks/`` for nbval.

nbval re-runs each notebook there and compares every text output with the
stored one, so a computed figure that changes fails the test run. After an
intended change of figures, run this script, review ``git diff tests/notebooks``
(the diff is the list of changed figures) and commit.

Parameters are injected as paths relative to ``tests/notebooks`` so the stored
notebooks run from any checkout location; no output folder, so running them
writes no files.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "tests" / "notebooks"

#: (department, year) pairs pinned by nbval: the reference case and a synthetic year with a prior year.
CASES = [("yuexiu-police", 2023), ("demo-synthetic", 2023)]

VOLATILE_CELL_METADATA = ("papermill", "execution")


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop timestamps and durations so the stored notebooks only change when outputs do."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id on every run
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def refresh(cases=CASES, out_dir: Path = OUT) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for department, year in cases:
        for source in sorted(NOTEBOOKS.glob("*.ipynb")):
            target = out_dir / f"{department}_{year}_{source.name}"
            params = {
                "department": department,
                "year": year,
                "data_dir": "../../data",
                # charts shown, not saved: nbval re-runs these on every test run, and a
                # folder here would be written into the checkout each time
                "output_dir": None,
            }
            nb = pm.execute_notebook(str(source), None, parameters=params, cwd=str(out_dir),
                                     progress_bar=False, kernel_name="python3")
            nbformat.write(strip_volatile(nb), target)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in refresh():
        print(path.relative_to(ROOT))
    sys.exit(0)
