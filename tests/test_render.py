"""Tests for perfkit.batch.render and perfkit.batch.kernels: batch rendering on warm kernels.

The report notebooks here are small fixtures (tests/fixtures/render/), and the
kernels run a stand-in jobs module (fake_jobs.py, passed in through
:class:`perfkit.batch.render.Jobs`) instead of perfkit's analysis, so these tests
pin the renderer's own behaviour: layout, HTML without code, summaries, the
index, failure isolation, validation before any kernel starts, byte-identical
reruns, no state leaking between notebooks on one kernel, and a quiet stderr.

Kernel starts are the expensive part; one module-scoped single-worker
renderer serves most tests (single worker: consecutive notebooks are known
to share a kernel).
"""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import perfkit

from perfkit.batch.fingerprint import FINGERPRINT_FILE
from perfkit.batch.index import build_index
from perfkit.values import to_json as summary_json
from perfkit.batch.notebooks import normalize_notebook
from perfkit.batch.plan import check_notebook
from perfkit.batch.render import Jobs, Renderer, render_all
from perfkit.errors import BatchRenderError, NotebookFailure, RenderError

from builders import write_department

FIXTURES = Path(__file__).parent / "fixtures" / "render"
REPORT_NOTEBOOKS = FIXTURES / "report"
LEAK_NOTEBOOKS = FIXTURES / "leak"
NOTEBOOK_STEMS = ("01_概况", "02_指标")
FIGURES = ("fig_execution.png", "fig_trend.png")

# Departments of the main fake dataset and their years.
DEPARTMENTS = {"alpha": [2022, 2023], "beta": [2023]}


# --------------------------------------------------------------------------
# Test departments and the stand-in kernel jobs (tests/fixtures/render/fake_jobs.py)
# --------------------------------------------------------------------------

sys.path.insert(0, str(FIXTURES))
from fake_jobs import fake_score  # noqa: E402  (the same function the kernels use)

#: The render's collaborators in these tests: perfkit's own planning, the stand-in kernel jobs.
FAKE_JOBS = Jobs(kernel_module="fake_jobs", kernel_paths=(str(FIXTURES),), inject_data_dir=True)


def make_data(root: Path, departments: dict[str, list[int]]) -> Path:
    """Create a data dir: one directory per department with a minimal department.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    for code, years in departments.items():
        write_department(root / code, name=f"{code}局", years=years)
    return root


@pytest.fixture(scope="module")
def renderer():
    with Renderer(workers=1, timeout=120, progress=False, jobs=FAKE_JOBS) as r:
        yield r


@pytest.fixture(scope="module")
def rendered(renderer, tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    data = make_data(root / "data", DEPARTMENTS)
    result = renderer.render(data, root / "out", notebooks_dir=REPORT_NOTEBOOKS)
    return result, root


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


DEPT_YEARS = [(code, year) for code, years in DEPARTMENTS.items() for year in years]
DEPT_YEAR_IDS = [f"{c}-{y}" for c, y in DEPT_YEARS]


# --------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "summary, expected",
    [
        ({"department": {"code": "x"}, "total": {"score": 96.67, "weight": 100.0, "grade": "优", "complete": True}},
         (96.67, "优")),
        ({"total": {"score": 36.39, "weight": 100.0, "grade": "差", "complete": False}}, (36.39, "差（不完整）")),
        ({"total": None}, (None, None)),
        ({"total": {"score": "96.67", "grade": ""}}, (None, None)),
        ({"total": {"score": True}}, (None, None)),
        ({}, (None, None)),
    ],
    ids=["complete", "incomplete-marked", "total-none", "score-as-text-ignored", "bool-not-a-score", "empty"],
)
def test_summary_score_grade(summary, expected):
    from perfkit.batch.index import _summary_score_grade

    assert _summary_score_grade(summary) == expected


@pytest.mark.parametrize(
    "summary, expected",
    [
        ({"department": {"code": "a", "name": "甲局"}}, "甲局"),
        ({"department": "a"}, None),
        ({}, None),
    ],
    ids=["nested-department", "code-only", "empty"],
)
def test_summary_name(summary, expected):
    from perfkit.batch.index import _summary_name

    assert _summary_name(summary) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"a": math.nan}, '{\n  "a": null\n}\n'),
        ({"a": math.inf}, '{\n  "a": null\n}\n'),
        ({"等级": "优"}, '{\n  "等级": "优"\n}\n'),
        ({"b": 1, "a": 2}, '{\n  "b": 1,\n  "a": 2\n}\n'),
        ({"s": {2, 1}}, '{\n  "s": [\n    1,\n    2\n  ]\n}\n'),
    ],
    ids=["nan-to-null", "inf-to-null", "chinese-kept", "key-order-kept", "set-sorted"],
)
def test_summary_json(value, expected):
    assert summary_json(value) == expected


def test_summary_json_numpy_scalars():
    value = {"x": np.float64(1.5), "n": np.int64(3), "z": np.float64("nan"), "a": np.array([1.0, np.nan])}
    assert json.loads(summary_json(value)) == {"x": 1.5, "n": 3, "z": None, "a": [1.0, None]}


@pytest.mark.parametrize(
    "executed_index, expected",
    [(0, 0), (1, 1), (2, None), (3, 2), (6, 5)],
    ids=["markdown-before-parameters", "parameters-cell", "injected-cell", "first-after-injected", "last"],
)
def test_source_cell_index(executed_index, expected):
    from perfkit.batch.notebooks import source_cell_index

    # 01_概况: cell 0 markdown, cell 1 parameters -> papermill injects at 2.
    assert source_cell_index(REPORT_NOTEBOOKS / "01_概况.ipynb", executed_index, {}) == expected


def _out(kind, text="", name="stdout"):
    if kind == "stream":
        return {"output_type": "stream", "name": name, "text": text}
    return {"output_type": "display_data", "data": {"text/plain": text}, "metadata": {}}


@pytest.mark.parametrize(
    "outputs, expected",
    [
        ([], []),
        ([_out("stream", "a\n")], [_out("stream", "a\n")]),
        ([_out("stream", "部门"), _out("stream", "\n")], [_out("stream", "部门\n")]),
        ([_out("stream", "w", "stderr"), _out("stream", "a")], [_out("stream", "a"), _out("stream", "w", "stderr")]),
        ([_out("stream", "a"), _out("stream", "w", "stderr"), _out("stream", "b")],
         [_out("stream", "ab"), _out("stream", "w", "stderr")]),
        ([_out("stream", "a"), _out("display", "D"), _out("stream", "b")],
         [_out("stream", "a"), _out("display", "D"), _out("stream", "b")]),
    ],
    ids=["empty", "single", "print-split-in-two-chunks", "stderr-before-stdout-reordered",
         "interleaved-streams-joined", "display-is-a-fixed-point"],
)
def test_merge_streams(outputs, expected):
    from perfkit.batch.notebooks import merge_streams

    assert merge_streams([dict(o) for o in outputs]) == expected


def test_normalize_notebook_removes_volatile_metadata():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"start_time": "t", "end_time": "t", "duration": 1.0,
                                "input_path": "/abs/in.ipynb", "output_path": None, "parameters": {"year": 1}}
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata = {"tags": ["injected-parameters"], "execution": {"iopub.status.busy": "t"},
                     "papermill": {"start_time": "t", "end_time": "t", "duration": 0.1, "status": "completed"}}
    nb.cells.append(cell)
    normalize_notebook(nb, "01_x.ipynb")
    assert nb.metadata["papermill"] == {"input_path": "01_x.ipynb", "output_path": "01_x.ipynb",
                                        "parameters": {"year": 1}}
    assert cell.metadata == {"tags": ["injected-parameters"], "papermill": {"status": "completed"}}
    assert cell["id"] == "injected-parameters"


@pytest.mark.parametrize(
    "source, message",
    [
        (None, "没有标记为 parameters"),
        ('department = "x"\nyear = 2023', "data_dir、output_dir"),
        ('department = "x"\nyear == 2023\ndata_dir = "d"\noutput_dir = "."', "year"),
    ],
    ids=["no-parameters-cell", "missing-two-names", "comparison-is-not-assignment"],
)
def test_check_notebook_rejects_bad_parameters(tmp_path, source, message):
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source or "x = 1")
    if source is not None:
        cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(RenderError, match=message):
        check_notebook(path)


def test_build_index_of_empty_dir(tmp_path):
    assert "尚无已生成的报告" in build_index(tmp_path)


# --------------------------------------------------------------------------
# Validation happens before any kernel starts
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, named, valid",
    [
        ({"departments": ["nope"]}, "nope", ["alpha", "beta"]),
        ({"departments": ["alpha", "zeta"]}, "zeta", ["alpha", "beta"]),
        ({"years": [1999]}, "1999", ["2022", "2023"]),
        ({"departments": ["beta"], "years": [2022]}, "2022", ["2023"]),
    ],
    ids=["unknown-department", "one-of-two-unknown", "unknown-year", "year-not-in-selected-department"],
)
def test_unknown_department_or_year_rejected_before_kernels(tmp_path, monkeypatch, kwargs, named, valid):
    data = make_data(tmp_path / "data", DEPARTMENTS)
    fresh = Renderer(workers=1, progress=False)

    def no_kernels(*args, **kw):
        raise AssertionError("workers started before validation")

    monkeypatch.setattr(fresh, "_start_workers", no_kernels)
    with pytest.raises(RenderError) as info:
        fresh.render(data, tmp_path / "out", notebooks_dir=REPORT_NOTEBOOKS, **kwargs)
    message = str(info.value)
    assert named in message
    assert all(v in message.split("可用")[1] for v in valid), message
    assert not fresh.started
    assert not (tmp_path / "out").exists()


def test_notebooks_without_parameters_rejected_before_kernels(tmp_path, monkeypatch):
    import nbformat

    data = make_data(tmp_path / "data", DEPARTMENTS)
    folder = tmp_path / "nbs"
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(folder / "01_x.ipynb"))
    fresh = Renderer(workers=1, progress=False)
    monkeypatch.setattr(fresh, "_start_workers", lambda *a, **k: pytest.fail("workers started"))
    with pytest.raises(RenderError, match="01_x.ipynb"):
        fresh.render(data, tmp_path / "out", notebooks_dir=folder)
    assert not fresh.started


def test_real_data_module_validates_departments(tmp_path):
    """The adapter works with the real perfkit.ingest.loading: unknown codes list the shipped departments."""
    data_dir = Path(__file__).resolve().parents[1] / "data"
    from perfkit.batch.plan import plan_reports

    with pytest.raises(RenderError, match="yuexiu-police"):
        plan_reports(data_dir, departments=["no-such-dept"])
    jobs = plan_reports(data_dir, departments=["yuexiu-police"])
    loaded = perfkit.load("yuexiu-police", data_dir)
    assert {job.year for job in jobs} == set(loaded.years)
    assert all(job.name == loaded.name for job in jobs)


# --------------------------------------------------------------------------
# A normal render: layout, HTML, summary, index
# --------------------------------------------------------------------------

def test_render_result(rendered):
    result, root = rendered
    assert result.failures == []
    assert result.rendered == sorted(DEPT_YEARS)
    assert result.notebooks == len(DEPT_YEARS) * len(NOTEBOOK_STEMS)
    assert not list((root / "out").glob(".stage-*"))


@pytest.mark.parametrize("code, year", DEPT_YEARS, ids=DEPT_YEAR_IDS)
def test_output_layout(rendered, code, year):
    _, root = rendered
    files = {p.name for p in (root / "out" / code / str(year)).iterdir()}
    expected = {f"{s}.ipynb" for s in NOTEBOOK_STEMS} | {f"{s}.html" for s in NOTEBOOK_STEMS}
    assert files == expected | set(FIGURES) | {"summary.json", FINGERPRINT_FILE}


@pytest.mark.parametrize("stem", NOTEBOOK_STEMS)
@pytest.mark.parametrize("code, year", DEPT_YEARS, ids=DEPT_YEAR_IDS)
def test_html_has_outputs_but_no_code_or_parameters(rendered, code, year, stem):
    _, root = rendered
    page = (root / "out" / code / str(year) / f"{stem}.html").read_text(encoding="utf-8")
    source = json.loads((REPORT_NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    code_lines = [line.strip() for cell in source["cells"] if cell["cell_type"] == "code"
                  for line in "".join(cell["source"]).splitlines() if len(line.strip()) > 12]
    assert code_lines
    for line in code_lines:
        assert line not in page and line.replace('"', "&quot;") not in page, line
    assert "# Parameters" not in page
    assert f'department = "{code}"' not in page and "department = &quot;" not in page
    assert str(root / "data") not in page
    assert not re.search(r"In(&nbsp;|\s)\[\d*\]", page)
    assert "<img" in page or "执行率" in page


def test_html_shows_printed_output_and_table(rendered):
    _, root = rendered
    page = (root / "out" / "alpha" / "2023" / "01_概况.html").read_text(encoding="utf-8")
    assert "部门：alpha，年度：2023" in page
    assert "<table" in page and "执行率" in page
    # report styling: Chinese table text left-aligned (Jupyter right-aligns cells for numbers)
    from perfkit.batch.notebooks import REPORT_CSS
    assert REPORT_CSS in page and page.index(REPORT_CSS) < page.index("</head>")


@pytest.mark.parametrize("code, year", DEPT_YEARS, ids=DEPT_YEAR_IDS)
def test_executed_notebook_parameters_and_metadata(rendered, code, year):
    _, root = rendered
    nb = json.loads((root / "out" / code / str(year) / "01_概况.ipynb").read_text(encoding="utf-8"))
    pm = nb["metadata"]["papermill"]
    # the data folder relative to the report directory: no machine paths in reports
    assert pm["parameters"] == {"department": code, "year": year, "data_dir": "../../../data", "output_dir": "."}
    assert not {"start_time", "end_time", "duration"} & set(pm)
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert [c["id"] for c in injected] == ["injected-parameters"]
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))
    for cell in nb["cells"]:
        assert "execution" not in cell["metadata"]
        assert not {"start_time", "end_time", "duration"} & set(cell["metadata"].get("papermill", {}))


@pytest.mark.parametrize("code, year", DEPT_YEARS, ids=DEPT_YEAR_IDS)
def test_summary_written(rendered, code, year):
    _, root = rendered
    summary = json.loads((root / "out" / code / str(year) / "summary.json").read_text(encoding="utf-8"))
    assert summary == {"department": {"code": code, "name": f"{code}局"}, "year": year,
                       "total": {"score": fake_score(code, year),
                                 "grade": "优" if fake_score(code, year) >= 90 else "良", "complete": True},
                       "missing": None}


@pytest.mark.parametrize("code, year", DEPT_YEARS, ids=DEPT_YEAR_IDS)
def test_index_links_every_report(rendered, code, year):
    _, root = rendered
    from urllib.parse import quote

    index = (root / "out" / "index.html").read_text(encoding="utf-8")
    row = next(r for r in index.split("<tr>") if f"<td>{code}</td><td>{year}</td>" in r)
    for stem in NOTEBOOK_STEMS:
        assert f'href="{quote(f"{code}/{year}/{stem}.html")}"' in row
        assert (root / "out" / code / str(year) / f"{stem}.html").is_file()
    assert f"<td>{code}局</td>" in row
    assert f"{fake_score(code, year):.2f}" in row


# --------------------------------------------------------------------------
# Reproducible output
# --------------------------------------------------------------------------

def test_two_runs_byte_identical(renderer, rendered, tmp_path):
    """A second render (kernel reused, another out dir beside the first) gives the same bytes in every file.

    The notebooks get the data folder relative to the report directory, so a
    copy of data and reports elsewhere (another checkout) renders the same bytes.
    """
    first_result, root = rendered
    second = renderer.render(root / "data", root / "again", notebooks_dir=REPORT_NOTEBOOKS)
    assert second.failures == []
    first_files, second_files = tree_bytes(root / "out"), tree_bytes(root / "again")
    assert sorted(first_files) == sorted(second_files)
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert differing == []


def test_rerun_into_same_dir_is_identical(renderer, tmp_path):
    data = make_data(tmp_path / "data", {"gamma": [2023]})
    out = tmp_path / "out"
    renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS)
    before = tree_bytes(out)
    forced = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS, force=True)
    assert forced.rendered == [("gamma", 2023)] and forced.skipped == []
    assert tree_bytes(out) == before


def test_unchanged_inputs_are_skipped_changed_ones_rendered(renderer, tmp_path):
    """Incremental rendering: a department-year whose files did not change is left as it is."""
    data = make_data(tmp_path / "data", {"delta": [2022, 2023], "eps": [2023]})
    out = tmp_path / "out"
    first = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS)
    assert first.rendered == [("delta", 2022), ("delta", 2023), ("eps", 2023)]
    again = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS)
    assert again.rendered == [] and again.skipped == first.rendered and again.notebooks == 0
    assert (out / "index.html").is_file()
    # a changed file of one department renders that department again, and only it
    (data / "eps" / "notes.txt").write_text("改动", encoding="utf-8")
    third = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS)
    assert third.rendered == [("eps", 2023)] and third.skipped == [("delta", 2022), ("delta", 2023)]
    # a report whose fingerprint is gone (deleted, or half-copied) is rendered again
    (out / "delta" / "2022" / FINGERPRINT_FILE).unlink()
    fourth = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS)
    assert fourth.rendered == [("delta", 2022)]


# --------------------------------------------------------------------------
# Failures: collected, isolated, no partial output
# --------------------------------------------------------------------------

def test_failing_notebooks_isolated(renderer, tmp_path):
    """A cell error, a timeout and a killed worker each fail only their own department-year."""
    data = make_data(tmp_path / "data", {"alpha": [2023], "broken": [2023], "slow": [2023]})
    out = tmp_path / "out"
    good = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS, timeout=5)
    assert good.failures == []
    previous = {code: tree_bytes(out / code) for code in ("broken", "slow")}

    (data / "broken" / "FAIL").touch()
    (data / "slow" / "SLOW").touch()
    make_data(data, {"newbad": [2023], "crash": [2023]})
    (data / "newbad" / "FAIL").touch()
    (data / "crash" / "CRASH").touch()
    result = renderer.render(data, out, notebooks_dir=REPORT_NOTEBOOKS, timeout=5)

    # 02_指标 cell 3 raises; 01_概况 cell 5 sleeps past the timeout; 02_指标 cell 4
    # kills the worker process, which is replaced for the remaining notebooks.
    failures = sorted(result.failures, key=lambda f: f.department)
    crash = failures.pop([f.department for f in failures].index("crash"))
    assert (crash.department, crash.notebook, crash.cell, crash.error) == ("crash", "02_指标.ipynb", None, "WorkerDied")
    assert crash.message.startswith("渲染进程意外退出")
    assert failures == [
        NotebookFailure("broken", 2023, "02_指标.ipynb", 3, "ValueError", "故意失败：测试用"),
        NotebookFailure("newbad", 2023, "02_指标.ipynb", 3, "ValueError", "故意失败：测试用"),
        NotebookFailure("slow", 2023, "01_概况.ipynb", 5, "CellTimeoutError", "单元格执行超过 5 秒，已中止"),
    ]
    assert result.rendered == [] and result.skipped == [("alpha", 2023)]  # alpha unchanged: left as it was
    assert not (out / "crash").exists()
    # The previous good reports are untouched; a department-year never rendered has no directory.
    assert {code: tree_bytes(out / code) for code in ("broken", "slow")} == previous
    assert not (out / "newbad").exists()
    assert not list(out.glob(".stage-*"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "newbad" not in index and "<td>broken</td>" in index
    with pytest.raises(BatchRenderError) as info:
        result.raise_for_failures()
    assert len(info.value.failures) == 4
    assert "单元格 3" in str(info.value)

    # Kernels and workers recover: the next render succeeds.
    for marker in data.glob("*/[A-Z]*"):
        marker.unlink()
    again = renderer.render(data, out, departments=["newbad", "crash"], notebooks_dir=REPORT_NOTEBOOKS)
    assert again.failures == [] and again.rendered == [("crash", 2023), ("newbad", 2023)]


# --------------------------------------------------------------------------
# No state leaks between notebooks on one kernel
# --------------------------------------------------------------------------

def test_no_state_leaks_between_notebooks(renderer, tmp_path):
    """A changes namespace, rcParams, cwd, env, sys.path, options, builtins, caches; B sees none of it."""
    data = make_data(tmp_path / "data", {"leak": [2023]})
    result = renderer.render(data, tmp_path / "out", notebooks_dir=LEAK_NOTEBOOKS)
    assert result.failures == []
    report = tmp_path / "out" / "leak" / "2023"
    pids = {name: json.loads((report / f"kernel_{name}.json").read_text())["pid"] for name in "abcd"}
    # A, B and C ran on the same warm kernel, so B's checks were meaningful ...
    assert pids["a"] == pids["b"] == pids["c"]
    # ... and C's magic could not be reset away: the kernel was replaced before D.
    assert pids["d"] != pids["c"]
    assert len(result.reset_problems) == 1 and "magics" in result.reset_problems[0]


def test_leak_fixture_detects_leaks_without_reset(tmp_path):
    """Control: without the reset, notebook B does fail, naming what leaked."""
    from papermill.exceptions import PapermillExecutionError

    from perfkit.batch.kernels import WarmKernel, silence_papermill_logging

    silence_papermill_logging()
    params = {"department": "leak", "year": 2023, "data_dir": str(tmp_path), "output_dir": "."}
    warm = WarmKernel(cwd=tmp_path, log_path=tmp_path / "kernel.log")
    try:
        warm.start()
        warm.prepare(tmp_path)
        warm.execute_notebook(LEAK_NOTEBOOKS / "01_a.ipynb", params, timeout=60)
        warm.prepare(tmp_path)  # chdir and numbering only: no reset
        with pytest.raises(PapermillExecutionError) as info:
            warm.execute_notebook(LEAK_NOTEBOOKS / "02_b.ipynb", params, timeout=60)
    finally:
        warm.close()
    leaked = info.value.evalue
    for item in ("variable", "In history", "Out history", "rcParams", "environ", "sys.path",
                 "pandas options", "numpy errstate", "builtins", "perfkit cache"):
        assert item in leaked, leaked


def test_warm_kernel_runs_ipykernel_launcher_without_debugpy(tmp_path):
    """The lean launch runs ipykernel's launcher as ``-m`` does, without importing debugpy."""
    from perfkit.batch.kernel_state import GC_THRESHOLDS
    from perfkit.batch.kernels import ControlCellError, WarmKernel

    warm = WarmKernel(preload=(), cwd=tmp_path, log_path=tmp_path / "kernel.log")
    check = ("__import__('builtins').exec(\"import os, sys, gc\\n"
             "assert os.path.basename(sys.argv[0]) == 'ipykernel_launcher.py', sys.argv\\n"
             "assert sys.argv[1] == '-f', sys.argv\\n"
             "assert sys.path[0] != '', sys.path\\n"
             "assert sys.modules.get('debugpy') is None\\n"
             "assert gc.get_threshold() == {gc!r}, gc.get_threshold()\")").format(gc=GC_THRESHOLDS)
    try:
        warm.start()
        warm.run_control(check, "launch")
        with pytest.raises(ControlCellError):  # the check itself can fail
            warm.run_control("__import__('builtins').exec('assert False')", "control")
    finally:
        warm.close()


# --------------------------------------------------------------------------
# A normal run prints nothing but the progress bar
# --------------------------------------------------------------------------

def test_normal_run_stderr_is_only_the_progress_bar(tmp_path, capfd):
    data = make_data(tmp_path / "data", DEPARTMENTS)
    capfd.readouterr()
    result = render_all(data, tmp_path / "out", workers=2, progress=True, notebooks_dir=REPORT_NOTEBOOKS,
                        jobs=FAKE_JOBS)
    out, err = capfd.readouterr()
    assert result.failures == [] and result.workers == 2
    assert out == ""
    segments = [s for s in re.split(r"[\r\n]+", err) if s.strip()]
    assert segments, "the progress bar was not shown"
    assert all(s.startswith("渲染报告") for s in segments), segments
    assert f"{result.notebooks}/{result.notebooks}" in segments[-1]


def test_render_all_from_script_without_main_guard(tmp_path):
    """Regression: workers must not re-import the caller's ``__main__`` (multiprocessing spawn does)."""
    import subprocess

    make_data(tmp_path / "data", {"solo": [2023]})
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys, json\n"
        "from perfkit.batch.render import Jobs, render_all\n"
        f"jobs = Jobs(kernel_module='fake_jobs', kernel_paths=({str(FIXTURES)!r},), inject_data_dir=True)\n"
        f"result = render_all({str(tmp_path / 'data')!r}, {str(tmp_path / 'out')!r}, workers=1, progress=False,\n"
        f"                    notebooks_dir={str(REPORT_NOTEBOOKS)!r}, jobs=jobs)\n"
        "print(json.dumps([result.rendered, [str(f) for f in result.failures]]))\n",
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert proc.stderr == ""
    assert json.loads(proc.stdout) == [[["solo", 2023]], []]


@pytest.fixture(scope="module")
def real_renderer():
    with Renderer(workers=1, timeout=300, progress=False) as r:
        yield r


SHIPPED = Path(__file__).resolve().parents[1]


def test_real_notebooks_render(real_renderer, tmp_path):
    """The shipped notebooks render for the reference department with the real data and report files."""
    notebooks = SHIPPED / "notebooks"
    result = real_renderer.render(SHIPPED / "data", tmp_path / "out", departments=["yuexiu-police"],
                                  years=[2023], notebooks_dir=notebooks)
    assert result.failures == []
    report = tmp_path / "out" / "yuexiu-police" / "2023"
    assert {p.stem for p in report.glob("*.html")} == {p.stem for p in notebooks.glob("*.ipynb")}
    assert {p.suffix for p in report.iterdir()} >= {".json", ".xlsx", ".docx", ".png"}
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "广州市公安局越秀区分局" in index
    assert f"{summary['total']['score']:.2f}" in index
    # nothing of the worker's bookkeeping is left in the report
    assert not (report / ".perfkit-stages.json").exists()
    # no path of this machine in any report file (the notebooks get no data_dir: the kernel pinned it)
    nb = json.loads((report / "01_预算执行.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["data_dir"] is None
    for path in report.iterdir():
        if path.suffix in (".ipynb", ".html", ".json"):
            assert str(SHIPPED) not in path.read_text(encoding="utf-8"), path.name


def test_each_step_runs_once_per_department_year(real_renderer, tmp_path):
    """Issue "Compute once": one load per department, one scoring, check and findings run per year,
    however many notebooks and report files present them (counted inside the kernel)."""
    result = real_renderer.render(SHIPPED / "data", tmp_path / "out", departments=["demo-synthetic"],
                                  years=[2022, 2023], notebooks_dir=SHIPPED / "notebooks")
    assert result.failures == []
    assert sorted(result.stage_counts) == [("demo-synthetic", 2022), ("demo-synthetic", 2023)]
    for key, counts in result.stage_counts.items():
        # the steps every department-year runs, exactly once ...
        for step in ("load", "rules", "score", "checks", "findings", "yoy_budget", "yoy_execution", "yoy_indicators"):
            assert counts.get(step) == 1, (key, step, counts)
        # ... and no step more than once (comparisons a year has no use for may not run at all)
        assert max(counts.values()) == 1, (key, counts)


# --------------------------------------------------------------------------
# A Dask cluster instead of local workers
# --------------------------------------------------------------------------

def test_render_on_a_dask_local_cluster(tmp_path):
    """Departments go to Dask workers (one warm kernel each); results, failures and the layout are the same."""
    distributed = pytest.importorskip("distributed")
    data = make_data(tmp_path / "data", {"alpha": [2022, 2023], "beta": [2023], "bad": [2023]})
    (data / "bad" / "FAIL").touch()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = Renderer(progress=False, jobs=FAKE_JOBS, timeout=120).render(
            data, tmp_path / "out", notebooks_dir=REPORT_NOTEBOOKS, scheduler=cluster.scheduler_address)
    assert result.workers == 2
    assert result.rendered == [("alpha", 2022), ("alpha", 2023), ("beta", 2023)]
    assert result.failures == [NotebookFailure("bad", 2023, "02_指标.ipynb", 3, "ValueError", "故意失败：测试用")]
    for code, year in result.rendered:
        summary = json.loads((tmp_path / "out" / code / str(year) / "summary.json").read_text(encoding="utf-8"))
        assert summary["total"]["score"] == pytest.approx(fake_score(code, year))
    assert not (tmp_path / "out" / "bad").exists() and not list((tmp_path / "out").glob(".stage-*"))


def test_ctrl_c_leaves_no_staging_and_the_previous_report_untouched(tmp_path):
    """Issue 12: Ctrl-C during `perfkit render` stops it with a message, no traceback, no half-written report."""
    import signal
    import time as _time

    from perfkit.cli import EXIT_INTERRUPTED

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "perfkit.cli", "render", "--data", str(SHIPPED / "data"), "--out", str(out),
           "--dept", "yuexiu-police", "--workers", "1", "--no-progress"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = tree_bytes(out / "yuexiu-police")
    proc = subprocess.Popen(cmd + ["--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = _time.monotonic() + 120
    while not list(out.glob(".stage-*")) and _time.monotonic() < deadline and proc.poll() is None:
        _time.sleep(0.05)
    _time.sleep(1.0)  # let the worker start on the department
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_INTERRUPTED, err
    assert "已中断" in err and "Traceback" not in err
    assert not list(out.glob(".stage-*"))
    assert tree_bytes(out / "yuexiu-police") == before
