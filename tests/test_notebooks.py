"""The notebooks: one parameters cell, no drift from their generator, nbval fixtures in step.

The nbval run itself (``tests/notebooks/*.ipynb``, collected because pytest runs
with ``--nbval``) re-executes the stored notebooks and compares their figures.
"""
from __future__ import annotations

import importlib.util
import json

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURES = sorted((ROOT / "tests" / "notebooks").glob("*.ipynb"))
PARAMETER_NAMES = {"department", "year", "data_dir", "output_dir"}


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_three_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01_预算执行.ipynb", "02_绩效指标完成情况.ipynb", "03_问题与改进建议.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exactly_one_parameters_cell_with_the_four_names(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {line.split("=")[0].strip() for line in tagged[0].source.splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    assert names == PARAMETER_NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_are_clean_and_match_generator(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "notebooks are committed without outputs"
    expected = _generator().NOTEBOOK_FILES[path.name]
    assert [c.source for c in nb.cells] == [c.source for c in expected.cells], \
        "run `python scripts/make_notebooks.py` after editing the notebook cells there"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_only_call_perfkit(path):
    """Notebook cells lay out perfkit's results; they never compute with pandas themselves."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        for line in cell.source.splitlines():
            assert not line.startswith(("import pandas", "import numpy", "from pandas")), line
            assert ".groupby(" not in line and ".sum(" not in line, line


def test_nbval_fixtures_cover_every_notebook_and_case():
    names = {p.name for p in FIXTURES}
    for case in ("yuexiu-police_2023", "demo-synthetic_2023"):
        for nb in NOTEBOOKS:
            assert f"{case}_{nb.name}" in names


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_nbval_fixtures_have_the_current_cells(path):
    """A stored nbval notebook must run today's cells, or nbval would test stale code."""
    source_name = path.name.split("_", 2)[2]
    current = nbformat.read(ROOT / "notebooks" / source_name, as_version=4)
    stored = nbformat.read(path, as_version=4)
    stored_cells = [c.source for c in stored.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    assert stored_cells == [c.source for c in current.cells], \
        "run `python scripts/refresh_nbval.py` and review the diff"
    injected = [c for c in stored.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "../../data" in injected[0].source


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_nbval_fixtures_hold_outputs_without_errors(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert any(c["outputs"] for c in code)
    assert not any(o.get("output_type") == "error" for c in code for o in c["outputs"])
