"""The notebooks: one parameters cell, each .ipynb in step with its paired .py, nbval fixtures in step.

Each notebook's source is a py:percent file paired by jupytext (``notebooks/jupytext.toml``):
JupyterLab saves both files, and ``jupytext --sync notebooks/*.py`` brings the .ipynb up to an
edit of the .py. The .ipynb is what papermill and ``perfkit render`` execute, so a .py edited
alone must fail here rather than be silently ignored by the renderer.

The nbval run itself (``tests/notebooks/*.ipynb``, collected because pytest runs
with ``--nbval``) re-executes the stored notebooks and compares their figures.
"""
from __future__ import annotations

import json
import os
import shutil

import jupytext
import nbformat
import pytest
from jupyter_server.services.contents.largefilemanager import LargeFileManager
from jupytext.cli import jupytext as jupytext_cli
from jupytext.sync_contentsmanager import build_sync_jupytext_contents_manager_class

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURES = sorted((ROOT / "tests" / "notebooks").glob("*.ipynb"))
PARAMETER_NAMES = {"department", "year", "data_dir", "output_dir"}
SYNC_HINT = "open and save the notebook in JupyterLab, or run `jupytext --sync notebooks/*.py`"


def _cells(path):
    """Return (cell type, source, tags) of each cell, as jupytext reads the file."""
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in jupytext.read(path).cells]


def _pairing_differences(ipynb):
    """Return one line per cell where ``ipynb`` and its paired .py disagree (empty when in sync)."""
    left, right = _cells(ipynb), _cells(ipynb.with_suffix(".py"))
    differences = [f"cell {i}: .ipynb has {a!r}, .py has {b!r}" for i, (a, b) in enumerate(zip(left, right)) if a != b]
    if len(left) != len(right):
        differences.append(f"{len(left)} cells in the .ipynb, {len(right)} in the .py")
    return differences


def _copy_notebooks(tmp_path):
    """Return the copy, in ``tmp_path/notebooks``, of the notebooks, their .py files and the pairing."""
    target = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


def _contents(folder):
    """Return the bytes of each file directly in ``folder``, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


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
def test_committed_notebooks_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), \
        "notebooks are committed without outputs"


def test_every_notebook_has_its_paired_py():
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.py")) == [p.stem for p in NOTEBOOKS]
    config = (ROOT / "notebooks" / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,py:percent"' in config.splitlines()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_in_sync_with_its_py(path):
    assert _pairing_differences(path) == [], SYNC_HINT


def _edit_py_source(folder):
    py = folder / "03_问题与改进建议.py"
    py.write_text(py.read_text(encoding="utf-8").replace(
        "views.findings_table(analysis)", "views.findings_table(analysis).head()"), encoding="utf-8")


def _drop_py_parameters_tag(folder):
    py = folder / "01_预算执行.py"
    py.write_text(py.read_text(encoding="utf-8").replace('# %% tags=["parameters"]', "# %%"), encoding="utf-8")


def _add_ipynb_cell(folder):
    path = folder / "02_绩效指标完成情况.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("## 六、备注", id="cell-99"))
    nbformat.write(nb, path)


@pytest.mark.parametrize("edit, edited", [
    pytest.param(_edit_py_source, "03_问题与改进建议.ipynb", id="py-source"),
    pytest.param(_drop_py_parameters_tag, "01_预算执行.ipynb", id="py-tag"),
    pytest.param(_add_ipynb_cell, "02_绩效指标完成情况.ipynb", id="ipynb-cell"),
])
def test_sync_check_fails_when_one_side_is_edited_alone(tmp_path, edit, edited):
    folder = _copy_notebooks(tmp_path)
    edit(folder)
    out_of_sync = [p.name for p in sorted(folder.glob("*.ipynb")) if _pairing_differences(p)]
    assert out_of_sync == [edited]


@pytest.mark.parametrize("newer", ["py", "ipynb"])
def test_jupytext_sync_rewrites_nothing(tmp_path, newer):
    """Both files are exactly what ``jupytext --sync`` writes from either side, cell ids included."""
    folder = _copy_notebooks(tmp_path)
    before = _contents(folder)
    for path in folder.glob(f"*.{newer}"):  # --sync takes the newer file's cells
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    assert jupytext_cli(["--sync", "--quiet", *map(str, sorted(folder.glob("*.py")))]) == 0
    assert _contents(folder) == before, SYNC_HINT


def test_jupyterlab_open_and_save_keeps_both_files(tmp_path):
    """What JupyterLab's jupytext contents manager writes on save: unchanged files, or an edit in both."""
    folder = _copy_notebooks(tmp_path)
    before = _contents(folder)
    manager = build_sync_jupytext_contents_manager_class(LargeFileManager)(root_dir=str(tmp_path))
    for path in sorted(folder.glob("*.ipynb")):
        manager.save(manager.get(f"notebooks/{path.name}"), f"notebooks/{path.name}")
    assert _contents(folder) == before

    model = manager.get("notebooks/01_预算执行.ipynb")
    model["content"].cells[-1].source = "views.pefa_table(analysis)  # 分析员的修改"
    manager.save(model, "notebooks/01_预算执行.ipynb")
    assert _pairing_differences(folder / "01_预算执行.ipynb") == []
    assert "views.pefa_table(analysis)  # 分析员的修改\n" in (folder / "01_预算执行.py").read_text(encoding="utf-8")
    ids = [c.id for c in nbformat.read(folder / "01_预算执行.ipynb", as_version=4).cells]
    assert ids == [c.id for c in nbformat.read(ROOT / "notebooks" / "01_预算执行.ipynb", as_version=4).cells]


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
