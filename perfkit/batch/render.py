"""Render the report notebooks for every department and year, in parallel, on warm kernels.

``render_all`` is what ``perfkit render`` runs.  For each department-year it
executes every notebook in ``notebooks/`` with papermill, writes the executed
``.ipynb``, an HTML version without code or injected parameters, the figures
the notebook saved, and ``summary.json``; then it links everything from
``<out_dir>/index.html``.

Why it is built this way:

* **Speed.** Each worker process keeps one warm kernel (see
  :mod:`perfkit.batch.kernels`): started once with pandas, matplotlib and perfkit
  already imported, reset and verified between notebooks, restarted only after
  a failure or a failed verification.  One nbconvert exporter per worker is
  built once.  A fresh kernel per notebook (what the ``papermill`` command
  does) spends most of its time starting Python and importing.
* **No half reports.** A department-year is written into
  ``<out_dir>/.staging/`` and moved into place only when all its notebooks and
  its summary succeeded; a failure leaves the previous good report untouched.
* **Same input, same bytes.** Volatile metadata (papermill timestamps and
  durations, nbclient timings, random cell ids, absolute output paths) is
  removed, and each notebook runs in its report directory with
  ``output_dir="."``, so an unchanged dataset renders byte-identical files.
* **Quiet.** Workers and kernels write their logs to files; the parent shows
  one progress bar and nothing else.
"""
from __future__ import annotations

import html
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from perfkit.errors import BatchRenderError, NotebookFailure, RenderError
from perfkit.values import to_json

#: Names every report notebook's ``parameters`` cell must assign.
PARAMETER_NAMES: tuple[str, ...] = ("department", "year", "data_dir", "output_dir")

STAGING_DIR = ".staging"
INDEX_NAME = "index.html"
SUMMARY_NAME = "summary.json"

# Cells hidden from the HTML: the parameters cell and the one papermill injects.
_HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})
# Metadata that changes on every run and would make reports differ byte-wise.
_VOLATILE_KEYS = ("start_time", "end_time", "duration")
# Stable id for the cell papermill injects (nbformat gives it a random one).
_INJECTED_CELL_ID = "injected-parameters"
# Worker processes replaced after a crash, per requested worker, before giving up.
_MAX_RESPAWNS_PER_WORKER = 2


# --------------------------------------------------------------------------
# Planning and validation (parent process, before any kernel starts)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportJob:
    """One department-year to render."""

    department: str
    name: str
    year: int


def _data_module():
    """Return ``perfkit.ingest.department`` (looked up at call time, so tests can substitute it)."""
    try:
        return importlib.import_module("perfkit.ingest.department")
    except ImportError as exc:
        raise RenderError(f"无法导入数据模块 perfkit.ingest.department：{exc}") from exc


def _output_writers():
    """Return (``perfkit.analysis.analyze``, ``perfkit.outputs.write_outputs``): a department-year's report files.

    Looked up at call time, like the data module, so the renderer's tests can
    substitute them.
    """
    return importlib.import_module("perfkit.analysis").analyze, importlib.import_module("perfkit.outputs").write_outputs


def _as_year(value) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise RenderError(f"年度「{value}」不是整数") from None


def plan_reports(data_dir: str | os.PathLike, departments=None, years=None
                 ) -> tuple[list[ReportJob], dict[str, object]]:
    """Return the department-years to render and the loaded departments, after validation.

    Parameters
    ----------
    data_dir : str or Path
        Directory holding one sub-directory per department.
    departments : iterable of str, optional
        Department codes to render; default every department found.
    years : iterable of int, optional
        Years to render; default every year each department declares.  A year
        is accepted when at least one selected department has it.

    Returns
    -------
    jobs : list of ReportJob
        Sorted by department code, then year.
    loaded : dict
        ``{code: Department}`` as returned by ``perfkit.ingest.department.load``.

    Raises
    ------
    RenderError
        Unknown department or year (the message lists the valid ones), or
        nothing to render.
    DataError
        A selected department's data does not validate.
    """
    data = _data_module()
    base = Path(data_dir)
    if not base.is_dir():
        raise RenderError(f"数据目录不存在：{base}")
    codes = list(data.find_departments(base))
    if not codes:
        raise RenderError(f"{base} 下没有部门数据（含 department.yaml 的子目录）")
    if departments is not None:
        wanted = list(dict.fromkeys(str(d) for d in departments))
        unknown = [d for d in wanted if d not in codes]
        if unknown:
            raise RenderError(f"未知部门：{'、'.join(unknown)}；可用的部门：{'、'.join(codes)}")
        codes = wanted
    loaded = {code: data.load(code, data_dir=base) for code in codes}
    available = sorted({int(y) for dept in loaded.values() for y in dept.years})
    wanted_years = None
    if years is not None:
        wanted_years = sorted({_as_year(y) for y in years})
        unknown_years = [y for y in wanted_years if y not in available]
        if unknown_years:
            raise RenderError(
                f"未知年度：{'、'.join(map(str, unknown_years))}；"
                f"可用的年度：{'、'.join(map(str, available)) or '（无）'}"
            )
    jobs = [
        ReportJob(code, str(getattr(dept, "name", code)), int(year))
        for code, dept in sorted(loaded.items())
        for year in sorted(int(y) for y in dept.years)
        if wanted_years is None or int(year) in wanted_years
    ]
    if not jobs:
        raise RenderError("没有需要渲染的部门年度")
    return jobs, loaded


def default_notebooks_dir() -> Path:
    """Return ``./notebooks`` if it holds notebooks, else the ``notebooks/`` beside the package."""
    here = Path.cwd() / "notebooks"
    if any(here.glob("*.ipynb")):
        return here
    return Path(__file__).resolve().parents[2] / "notebooks"


_ASSIGN_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", re.MULTILINE)


def check_notebook(path: Path) -> str:
    """Return the notebook's kernel name; raise RenderError if its parameters cell is wrong.

    The cell tagged ``parameters`` must exist and assign every name in
    :data:`PARAMETER_NAMES`.
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(f"无法读取笔记本 {path}：{exc}") from exc
    cells = nb.get("cells", [])
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        raise RenderError(f"笔记本 {path.name} 没有标记为 parameters 的单元格")
    source = tagged[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    missing = [n for n in PARAMETER_NAMES if n not in set(_ASSIGN_RE.findall(source))]
    if missing:
        raise RenderError(f"笔记本 {path.name} 的 parameters 单元格缺少参数：{'、'.join(missing)}")
    return nb.get("metadata", {}).get("kernelspec", {}).get("name") or "python3"


def find_notebooks(notebooks_dir: str | os.PathLike | None = None) -> tuple[list[Path], str]:
    """Return the report notebooks (sorted by name) and their common kernel name.

    Raises
    ------
    RenderError
        No notebooks, a bad parameters cell, or notebooks asking for different kernels.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not paths:
        raise RenderError(f"{folder} 下没有笔记本（*.ipynb）")
    kernels = {p.name: check_notebook(p) for p in paths}
    if len(set(kernels.values())) > 1:
        listed = "、".join(f"{n}={k}" for n, k in kernels.items())
        raise RenderError(f"笔记本使用了不同的内核，无法共用预热内核：{listed}")
    return [p.resolve() for p in paths], next(iter(kernels.values()))


# --------------------------------------------------------------------------
# Output helpers (pure functions on notebooks and summaries)
# --------------------------------------------------------------------------

def merge_streams(outputs: list) -> list:
    """Return cell outputs with each run of consecutive stream outputs merged: stdout, then stderr.

    The kernel sends printed text in chunks on a timer, so one ``print`` can
    arrive as one stream output or as two, and stdout and stderr chunks
    interleave differently from run to run.  Displays and results flush both
    streams first, so they are fixed points; between two of them the text of
    each stream is kept in order and joined.
    """
    merged: list = []
    run: dict[str, object] = {}
    for output in outputs:
        if output.get("output_type") == "stream":
            name = output.get("name", "stdout")
            if name in run:
                run[name]["text"] += output["text"]
            else:
                run[name] = output
            continue
        merged += [run[n] for n in sorted(run, key=lambda n: (n != "stdout", n))]
        run = {}
        merged.append(output)
    merged += [run[n] for n in sorted(run, key=lambda n: (n != "stdout", n))]
    return merged


def normalize_notebook(nb, name: str):
    """Return ``nb`` with run-dependent metadata removed, streams merged and cell ids made stable.

    Drops papermill's start/end times and durations (notebook and cells) and
    nbclient's execution timings, replaces absolute input/output paths by the
    file name, merges stream chunks (:func:`merge_streams`), and gives the
    injected-parameters cell a fixed id.  Modifies ``nb`` in place and returns it.
    """
    meta = nb.metadata.setdefault("papermill", {})
    for key in _VOLATILE_KEYS:
        meta.pop(key, None)
    meta["input_path"] = name
    meta["output_path"] = name
    for index, cell in enumerate(nb.cells):
        cell_meta = cell.metadata
        pm = cell_meta.get("papermill")
        if pm:
            for key in _VOLATILE_KEYS:
                pm.pop(key, None)
        cell_meta.pop("execution", None)
        if cell.get("outputs"):
            cell["outputs"] = merge_streams(cell["outputs"])
        if "injected-parameters" in cell_meta.get("tags", []):
            cell["id"] = _INJECTED_CELL_ID
        elif not cell.get("id"):
            cell["id"] = f"cell-{index}"
    return nb


#: Report styling added to every HTML page: Chinese text reads left to right, so table cells are
#: left-aligned (Jupyter right-aligns them for numbers), and a CJK font stack is named first.
REPORT_CSS = """<style>
body, .jp-RenderedHTMLCommon { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "PingFang SC", "Noto Sans SC", sans-serif; }
.jp-RenderedHTMLCommon table { font-size: 13px; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { text-align: left !important; vertical-align: top; max-width: 36em; }
.jp-RenderedHTMLCommon img { max-width: 100%; }
@media print { .jp-Cell { break-inside: avoid; } }
</style>
"""


def make_html_exporter():
    """Return an nbconvert HTMLExporter that shows outputs and prose only.

    No code, no input or output prompts, and no parameters / injected-parameters
    cells.  Building one costs a template load, so a worker builds it once.
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(_HIDDEN_TAGS), enabled=True), enabled=True
    )
    return exporter


def summary_json(summary: dict) -> str:
    """Return the summary as stable, human-readable JSON (see :func:`perfkit.values.to_json`)."""
    return to_json(summary)


def _summary_score_grade(summary: dict) -> tuple[float | None, str | None]:
    """Return (total score, grade) from a summary.json written by perfkit.outputs.summary.

    A total that left items unscored is marked 不完整, so the index never shows
    a bare 差 that only reflects missing data.
    """
    total = summary.get("total")
    if not isinstance(total, dict):
        return None, None
    score = total.get("score")
    score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
    grade = total.get("grade") if isinstance(total.get("grade"), str) and total.get("grade") else None
    if grade and total.get("complete") is False:
        grade += "（不完整）"
    return score, grade


def _summary_name(summary: dict, code: str) -> str | None:
    """Return the department's display name from a summary.json, if it has one."""
    dept = summary.get("department")
    name = dept.get("name") if isinstance(dept, dict) else None
    return name if isinstance(name, str) and name else None


def _notebook_title(stem: str) -> str:
    """Return a notebook's display title: its file stem without the ordering prefix."""
    return re.sub(r"^\d+[_\-\s.]*", "", stem) or stem


def build_index(out_dir: str | os.PathLike, names: dict[str, str] | None = None) -> str:
    """Return the HTML of the index page linking every report under ``out_dir``.

    Every ``<department>/<year>/`` directory is listed with links to its
    notebooks' HTML and, when its ``summary.json`` has them, the total score
    and grade.  ``names`` maps department codes to display names (falls back
    to the summary, then to the code).
    """
    out = Path(out_dir)
    names = dict(names or {})
    rows = []
    for dept_dir in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for year_dir in sorted((p for p in dept_dir.iterdir() if p.is_dir() and p.name.isdigit()),
                               key=lambda p: int(p.name)):
            pages = sorted(year_dir.glob("*.html"))
            summary = {}
            summary_path = year_dir / SUMMARY_NAME
            if summary_path.is_file():
                try:
                    summary = json.loads(summary_path.read_text(encoding="utf-8"))
                except ValueError:
                    summary = {}
            if not pages and not summary:
                continue
            code = dept_dir.name
            name = names.get(code) or (_summary_name(summary, code) if isinstance(summary, dict) else None)
            score, grade = _summary_score_grade(summary) if isinstance(summary, dict) else (None, None)
            total = summary.get("total") if isinstance(summary, dict) else None
            stated = total.get("stated_score") if isinstance(total, dict) else None
            rows.append((code, name or code, int(year_dir.name), pages, summary_path.is_file(), score, grade, stated))

    def link(path: Path, text: str) -> str:
        href = quote(path.relative_to(out).as_posix())
        return f'<a href="{href}">{html.escape(text)}</a>'

    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>预算绩效自评报告</title>",
        "<style>",
        "body{font-family:'Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em;color:#222}",
        "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.4em .8em;text-align:left}",
        "th{background:#f3f3f3}td.num{text-align:right}",
        "</style>",
        "</head>",
        "<body>",
        "<h1>预算绩效自评报告</h1>",
        "<p>由 perfkit 从 data/ 计算生成；得分与等级为 perfkit 按规则集复算的结果（详见各报告）。</p>",
    ]
    if not rows:
        lines.append("<p>尚无已生成的报告。</p>")
    else:
        lines += [
            "<table>",
            "<thead><tr><th>部门</th><th>代码</th><th>年度</th><th>报告</th>"
            "<th>摘要</th><th>perfkit 复算得分</th><th>等级</th><th>报告自评得分</th></tr></thead>",
            "<tbody>",
        ]
        for code, name, year, pages, has_summary, score, grade, stated in rows:
            reports = "、".join(link(p, _notebook_title(p.stem)) for p in pages) or "—"
            summary_cell = link(out / code / str(year) / SUMMARY_NAME, SUMMARY_NAME) if has_summary else "—"
            office = sorted([*(out / code / str(year)).glob("*.xlsx"), *(out / code / str(year)).glob("*.docx")])
            office_links = "、".join(link(p, p.stem) for p in office)
            if office_links:
                reports += f"<br>{office_links}"
            score_cell = f"{score:.2f}" if score is not None else "—"
            lines.append(
                f"<tr><td>{html.escape(name)}</td><td>{html.escape(code)}</td><td>{year}</td>"
                f"<td>{reports}</td><td>{summary_cell}</td><td class=\"num\">{score_cell}</td>"
                f"<td>{html.escape(grade or '—')}</td>"
                f"<td class=\"num\">{f'{stated:.2f}' if isinstance(stated, (int, float)) else '—'}</td></tr>"
            )
        lines += ["</tbody>", "</table>"]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_index(out_dir: str | os.PathLike, names: dict[str, str] | None = None) -> Path:
    """Write ``<out_dir>/index.html`` (atomically) and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / INDEX_NAME
    _write_atomic(path, build_index(out, names))
    return path


# --------------------------------------------------------------------------
# Worker process
# --------------------------------------------------------------------------

def _source_cell_index(notebook: Path, executed_index: int | None, cache: dict) -> int | None:
    """Return the index in the source notebook of a cell of the executed (parameterized) one."""
    if executed_index is None:
        return None
    if notebook not in cache:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        tagged = [i for i, c in enumerate(nb.get("cells", []))
                  if "parameters" in c.get("metadata", {}).get("tags", [])]
        cache[notebook] = tagged[0] + 1 if tagged else 0
    injected = cache[notebook]
    if executed_index == injected:
        return None  # the injected cell itself failed: no source cell to point at
    return executed_index - 1 if executed_index > injected else executed_index


def _tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line for line in text.strip().splitlines()[-lines:] if line.strip())


def _run_task(warm, exporter, task: dict, index_cache: dict) -> dict:
    """Execute one notebook on the warm kernel; return a result dict for the parent."""
    from papermill.exceptions import PapermillExecutionError

    from perfkit.batch.kernels import ControlCellError, KernelInterrupted

    notebook = Path(task["notebook"])
    stage = Path(task["stage"])
    timings: dict[str, float] = {}
    result = {"id": task["id"], "ok": False, "timings": timings, "restarts": 0, "reset_problem": None}

    def fail(cell, error, message):
        warm.dirty = True
        result["failure"] = {"cell": cell, "error": error, "message": message}
        return result

    t0 = time.perf_counter()
    starts_before = warm.starts
    try:
        try:
            warm.prepare(stage)
        except ControlCellError:
            # One clean restart before giving up on this notebook.
            warm.dirty = True
            warm.prepare(stage)
    except Exception as exc:
        result["restarts"] = warm.starts - starts_before
        return fail(None, "KernelStartError", f"内核无法启动：{exc}")
    result["restarts"] = warm.starts - starts_before
    t1 = time.perf_counter()
    timings["restart" if result["restarts"] else "prepare"] = t1 - t0

    try:
        nb = warm.execute_notebook(notebook, task["parameters"], task["timeout"])
    except PapermillExecutionError as exc:
        timings["execute"] = time.perf_counter() - t1
        return fail(_source_cell_index(notebook, exc.cell_index, index_cache), exc.ename,
                    str(exc.evalue))
    except KernelInterrupted as exc:
        timings["execute"] = time.perf_counter() - t1
        if exc.error == "CellTimeoutError":
            message = f"单元格执行超过 {task['timeout']} 秒，已中止"
        else:
            message = "内核意外退出"
        return fail(_source_cell_index(notebook, exc.cell_index, index_cache), exc.error, message)
    except Exception as exc:
        timings["execute"] = time.perf_counter() - t1
        return fail(None, type(exc).__name__, str(exc))
    t2 = time.perf_counter()
    timings["execute"] = t2 - t1

    import nbformat

    normalize_notebook(nb, notebook.name)
    (stage / notebook.name).write_text(nbformat.writes(nb), encoding="utf-8")
    t3 = time.perf_counter()
    timings["write_ipynb"] = t3 - t2
    body, _ = exporter.get().from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    (stage / f"{notebook.stem}.html").write_text(body.replace("</head>", REPORT_CSS + "</head>", 1), encoding="utf-8")
    t4 = time.perf_counter()
    timings["html"] = t4 - t3
    result["reset_problem"] = warm.reset()
    timings["reset"] = time.perf_counter() - t4
    result["ok"] = True
    return result


def _warm_papermill() -> None:
    """Run papermill once without a kernel: compiles the notebook schema, loads translators (~0.1 s)."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"}})
    params = nbformat.v4.new_code_cell('department = "x"\nyear = 2000\ndata_dir = "."\noutput_dir = "."',
                                       id="warm-up-parameters")
    params.metadata["tags"] = ["parameters"]
    nb.cells.append(params)
    papermill.execute_notebook(nb, None, parameters={"department": "y", "year": 2001},
                               prepare_only=True, progress_bar=False)


class _BackgroundExporter:
    """Build and warm the HTML exporter in a thread; hand it out at the first export.

    Importing nbconvert, loading its templates and the first export take
    ~0.5 s of a worker's start.  The worker's main thread spends that time
    waiting on the kernel (ZMQ waits release the GIL), so building the
    exporter alongside takes it off the critical path.  papermill is
    imported first, in the main thread, so the two threads share few modules
    still being imported.
    """

    def __init__(self):
        import threading

        self._exporter = None
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._build, name="html-exporter", daemon=True)
        self._thread.start()

    def _build(self) -> None:
        start = time.perf_counter()
        try:
            import nbformat

            exporter = make_html_exporter()
            nb = nbformat.v4.new_notebook()
            nb.cells.append(nbformat.v4.new_markdown_cell("预热", id="warm-up"))
            exporter.from_notebook_node(nb)
            self._exporter = exporter
        except BaseException as exc:  # re-raised in the main thread by get()
            self._error = exc
        self.seconds = time.perf_counter() - start

    def get(self):
        """Return the exporter, waiting for the thread if it is still building it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._exporter


def _worker_main(conn, worker_id: int, config: dict) -> None:
    """Worker process: keep one warm kernel, run the notebooks the parent sends."""
    log_dir = Path(config["log_dir"])
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    # nbformat imports jsonschema, whose optional IRI checker (rfc3987_syntax)
    # compiles a grammar on import: 0.7 s per worker for a format nbformat's
    # schema never uses.  A None entry makes that optional import fail fast.
    sys.modules.setdefault("rfc3987_syntax", None)

    from perfkit.batch.kernels import WarmKernel, kernel_home, register_engine, silence_papermill_logging

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    warm = WarmKernel(
        kernel_name=config["kernel_name"],
        preload=config["preload"],
        cwd=kernel_home(log_dir / f"worker-{worker_id}"),
        log_path=log_dir / f"kernel-{worker_id}.log",
        startup_timeout=config["startup_timeout"],
    )
    try:
        warm.launch()
        timings["kernel_launch"] = time.perf_counter() - t0
        # The worker's own imports run while the kernel boots and pre-imports.
        t1 = time.perf_counter()
        silence_papermill_logging()
        register_engine()
        try:
            _warm_papermill()
        except Exception:  # only a warm-up: the real run reports real errors
            pass
        exporter = _BackgroundExporter()
        timings["worker_imports"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        warm.wait_ready()
        timings["kernel_wait"] = time.perf_counter() - t2
    except Exception as exc:
        detail = _tail(log_dir / f"kernel-{worker_id}.log")
        conn.send(("fatal", worker_id, f"{type(exc).__name__}: {exc}" + (f"（{detail}）" if detail else "")))
        warm.close()
        return
    conn.send(("ready", worker_id, {"timings": timings, "pid": warm.pid}))
    index_cache: dict = {}
    exporter_reported = False
    try:
        while True:
            try:
                task = conn.recv()
            except EOFError:
                break
            if task is None:
                break
            try:
                result = _run_task(warm, exporter, task, index_cache)
            except Exception as exc:
                warm.dirty = True
                result = {"id": task["id"], "ok": False, "timings": {}, "restarts": 0,
                          "reset_problem": None,
                          "failure": {"cell": None, "error": type(exc).__name__, "message": str(exc)}}
            if not exporter_reported and not exporter._thread.is_alive():
                result["timings"]["exporter_setup"] = exporter.seconds
                exporter_reported = True
            result["kernel_pid"] = warm.pid
            conn.send(("done", worker_id, result))
    finally:
        warm.close()


# --------------------------------------------------------------------------
# Parent: pool, scheduling, staging
# --------------------------------------------------------------------------

@dataclass
class RenderResult:
    """What a batch render did.

    Attributes
    ----------
    out_dir : Path
        Where the reports are.
    rendered : list of (str, int)
        Department-years written (moved into place) by this run.
    failures : list of NotebookFailure
        Every notebook (or summary) that failed; its department-year was not
        written and any previous report of it was left in place.
    notebooks : int
        Notebook executions attempted.
    seconds : float
        Wall time of the whole call.
    workers : int
        Worker processes used.
    kernel_starts : int
        Kernels started (one per worker plus restarts after failures or a
        failed reset check).
    timings : dict of str to float
        Seconds summed over workers per stage (``kernel_launch``,
        ``worker_imports``, ``kernel_wait``, ``prepare``, ``restart``,
        ``execute``, ``write_ipynb``, ``html``, ``reset``) and parent stages
        (``plan``, ``pool_start``, ``summary``, ``finalize``, ``index``).
    index : Path or None
        The index page.
    """

    out_dir: Path
    rendered: list[tuple[str, int]] = field(default_factory=list)
    failures: list[NotebookFailure] = field(default_factory=list)
    notebooks: int = 0
    seconds: float = 0.0
    workers: int = 0
    kernel_starts: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    index: Path | None = None
    reset_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing failed."""
        return not self.failures

    def raise_for_failures(self) -> None:
        """Raise BatchRenderError listing the failures, if there are any."""
        if self.failures:
            raise BatchRenderError(failures=list(self.failures))


class _Worker:
    """Parent-side handle of one worker process.

    Workers are plain ``python -c`` subprocesses talking over a socket pair
    wrapped in a ``multiprocessing`` Connection, not ``multiprocessing``
    processes: a spawned ``multiprocessing`` child re-imports the caller's
    ``__main__``, which breaks (noisily) any script that calls
    :func:`render_all` without an ``if __name__ == "__main__"`` guard.  The
    worker's stdout/stderr go to its log file from the first byte.
    """

    def __init__(self, worker_id: int, config: dict):
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        self.id = worker_id
        self.log_path = Path(config["log_dir"]) / f"worker-{worker_id}.log"
        parent_sock, child_sock = socket.socketpair()
        env = dict(os.environ)
        # The worker must import this very perfkit, installed or not.
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "import perfkit.batch.render as r; r._worker_entry()",
                 str(child_sock.fileno()), str(worker_id)],
                pass_fds=[child_sock.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                close_fds=True,
            )
        child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.conn.send(config)
        self.ready = False
        self.task: dict | None = None
        self.info: dict = {}

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        import subprocess

        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.conn.close()


def _worker_entry() -> None:
    """Entry point of a worker subprocess: ``argv`` holds the socket fd and the worker id."""
    from multiprocessing.connection import Connection

    conn = Connection(int(sys.argv[1]))
    config = conn.recv()
    _worker_main(conn, int(sys.argv[2]), config)


def _stop_workers(workers: list, tmp_dir: str | None) -> None:
    for worker in list(workers):
        worker.stop()
    workers.clear()
    if tmp_dir:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_staging(out: Path) -> None:
    """Delete staging directories left by renders that are no longer running."""
    staging = out / STAGING_DIR
    if not staging.is_dir():
        return
    for run in staging.iterdir():
        match = re.match(r"run-(\d+)-", run.name)
        if match and not _pid_alive(int(match.group(1))):
            shutil.rmtree(run, ignore_errors=True)


class Renderer:
    """A pool of worker processes with warm kernels, reusable for several renders.

    Use it as a context manager, or call :meth:`close`.  Workers start on the
    first :meth:`render`, after its parameters were validated.

    Parameters
    ----------
    workers : int, optional
        Worker processes (one kernel each); default the number of CPU cores.
    timeout : float, optional
        Seconds a single cell may run before it is stopped (None: no limit).
    progress : bool
        Show one progress bar on stderr.
    preload : sequence of str, optional
        Modules pre-imported in every kernel (default
        :data:`perfkit.batch.kernels.DEFAULT_PRELOAD`), in addition to the modules
        the notebooks import (found by a static scan).
    startup_timeout : float
        Seconds a kernel may take to start.
    """

    def __init__(self, workers: int | None = None, timeout: float | None = 600, progress: bool = True,
                 preload=None, startup_timeout: float = 120):
        from perfkit.batch.kernels import DEFAULT_PRELOAD

        self.max_workers = max(1, int(workers or os.cpu_count() or 1))
        self.timeout = timeout
        self.progress = progress
        self.preload = tuple(preload) if preload is not None else DEFAULT_PRELOAD
        self.startup_timeout = startup_timeout
        self._workers: list[_Worker] = []
        self._kernel_name: str | None = None
        self._notebook_imports: tuple[str, ...] = ()
        self._tmp_dir: str | None = None
        self._next_id = 0
        self._kernel_starts = 0
        self._worker_timings: dict[str, float] = {}
        self._finalizer = None

    # -- pool ------------------------------------------------------------
    @property
    def started(self) -> bool:
        """Return True once worker processes exist."""
        return bool(self._workers)

    def _config(self) -> dict:
        return {
            "kernel_name": self._kernel_name,
            "preload": self.preload + tuple(m for m in self._notebook_imports if m not in self.preload),
            "log_dir": self._tmp_dir,
            "startup_timeout": self.startup_timeout,
        }

    def _spawn(self) -> _Worker:
        worker = _Worker(self._next_id, self._config())
        self._next_id += 1
        self._workers.append(worker)
        return worker

    def _start_workers(self, n: int, kernel_name: str, notebook_imports: tuple[str, ...] = ()) -> None:
        """Start (or top up) the pool to ``n`` workers running ``kernel_name`` kernels."""
        if self._workers and kernel_name != self._kernel_name:
            _stop_workers(self._workers, None)
        if not self._workers:
            # Running kernels keep their pre-imports; a module only a later
            # batch needs is imported once by its first notebook.
            self._notebook_imports = tuple(notebook_imports)
        self._kernel_name = kernel_name
        if self._tmp_dir is None:
            self._tmp_dir = tempfile.mkdtemp(prefix="perfkit-render-")
            self._finalizer = weakref.finalize(self, _stop_workers, self._workers, self._tmp_dir)
        while len(self._workers) < n:
            self._spawn()

    def close(self) -> None:
        """Stop the workers and their kernels."""
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        else:
            _stop_workers(self._workers, self._tmp_dir)
        self._tmp_dir = None
        self._kernel_name = None

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- render ----------------------------------------------------------
    def render(self, data_dir: str | os.PathLike, out_dir: str | os.PathLike = "reports",
               departments=None, years=None, notebooks_dir: str | os.PathLike | None = None,
               timeout: float | None = None, progress: bool | None = None) -> RenderResult:
        """Render reports; return a RenderResult (failures listed in it, not raised).

        See :func:`render_all` for the parameters; ``timeout`` and ``progress``
        override the renderer's defaults for this call.
        """
        started = time.perf_counter()
        timings: dict[str, float] = {}
        jobs, loaded = plan_reports(data_dir, departments, years)
        notebooks, kernel_name = find_notebooks(notebooks_dir)
        analyze, write_outputs = _output_writers()
        timings["plan"] = time.perf_counter() - started

        out = Path(out_dir).resolve()
        data_path = str(Path(data_dir).resolve())
        out.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(out)
        run_dir = out / STAGING_DIR / f"run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        timeout = self.timeout if timeout is None else timeout
        timeout = timeout if timeout and timeout > 0 else None
        show = self.progress if progress is None else progress

        tasks: deque[dict] = deque()
        remaining: dict[ReportJob, int] = {}
        failed: set[ReportJob] = set()
        by_id: dict[int, tuple[ReportJob, Path]] = {}
        for job in jobs:
            stage = run_dir / job.department / str(job.year)
            stage.mkdir(parents=True)
            remaining[job] = len(notebooks)
            for notebook in notebooks:
                task_id = len(by_id)
                by_id[task_id] = (job, notebook)
                tasks.append({
                    "id": task_id,
                    "notebook": str(notebook),
                    "stage": str(stage),
                    "timeout": timeout,
                    "parameters": {
                        "department": job.department,
                        "year": job.year,
                        "data_dir": data_path,
                        "output_dir": ".",
                    },
                })

        result = RenderResult(out_dir=out, notebooks=len(tasks))
        bar = None
        try:
            t = time.perf_counter()
            starts_before = self._kernel_starts
            from perfkit.batch.kernels import notebook_imports

            self._start_workers(min(self.max_workers, len(tasks)), kernel_name,
                                tuple(notebook_imports(notebooks)))
            timings["pool_start"] = time.perf_counter() - t
            if show:
                from tqdm.auto import tqdm

                bar = tqdm(total=len(tasks), desc="渲染报告", unit="本", file=sys.stderr,
                           dynamic_ncols=True)

            def record(job: ReportJob, notebook: str, cell, error: str, message: str) -> None:
                result.failures.append(NotebookFailure(job.department, job.year, notebook,
                                                       cell, error, message))
                failed.add(job)

            def finish(job: ReportJob) -> None:
                stage = run_dir / job.department / str(job.year)
                if job in failed:
                    shutil.rmtree(stage, ignore_errors=True)
                    return
                t0 = time.perf_counter()
                try:
                    # summary.json, the scored .xlsx and the draft .docx, all from one analysis
                    write_outputs(analyze(loaded[job.department], job.year), stage)
                except Exception as exc:  # a summary bug must not stop the other reports
                    timings["summary"] = timings.get("summary", 0.0) + time.perf_counter() - t0
                    record(job, SUMMARY_NAME, None, type(exc).__name__, str(exc))
                    shutil.rmtree(stage, ignore_errors=True)
                    return
                t1 = time.perf_counter()
                timings["summary"] = timings.get("summary", 0.0) + t1 - t0
                try:
                    self._move_into_place(stage, out / job.department / str(job.year), run_dir)
                except OSError as exc:
                    record(job, f"{job.department}/{job.year}", None, type(exc).__name__, str(exc))
                    return
                timings["finalize"] = timings.get("finalize", 0.0) + time.perf_counter() - t1
                result.rendered.append((job.department, job.year))

            def done(task: dict, res: dict) -> None:
                job, notebook = by_id[task["id"]]
                for key, value in res.get("timings", {}).items():
                    timings[key] = timings.get(key, 0.0) + value
                self._kernel_starts += res.get("restarts", 0)
                if res.get("reset_problem"):
                    result.reset_problems.append(f"{notebook.name}: {res['reset_problem']}")
                if not res["ok"]:
                    f = res["failure"]
                    record(job, notebook.name, f["cell"], f["error"], f["message"])
                remaining[job] -= 1
                if bar is not None:
                    bar.update(1)
                if remaining[job] == 0:
                    finish(job)

            self._schedule(tasks, done)
        finally:
            if bar is not None:
                bar.close()
            shutil.rmtree(run_dir, ignore_errors=True)
            try:
                (out / STAGING_DIR).rmdir()
            except OSError:
                pass

        t = time.perf_counter()
        names = {job.department: job.name for job in jobs}
        result.index = write_index(out, names)
        timings["index"] = time.perf_counter() - t
        for key, value in self._worker_timings.items():
            timings[key] = timings.get(key, 0.0) + value
        self._worker_timings.clear()
        result.timings = timings
        result.workers = len(self._workers)
        result.kernel_starts = self._kernel_starts - starts_before
        result.seconds = time.perf_counter() - started
        result.rendered.sort()
        return result

    @staticmethod
    def _move_into_place(stage: Path, final: Path, run_dir: Path) -> None:
        """Replace ``final`` by ``stage`` with two renames, never leaving a partial directory."""
        final.parent.mkdir(parents=True, exist_ok=True)
        old = None
        if final.exists():
            old = run_dir / f".old-{uuid.uuid4().hex[:8]}"
            os.replace(final, old)
        os.replace(stage, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _schedule(self, tasks: deque, done) -> None:
        """Hand tasks to idle workers until all are done; replace workers that die."""
        from multiprocessing.connection import wait

        respawns_left = _MAX_RESPAWNS_PER_WORKER * self.max_workers
        fatal_message = ""
        def feed(worker) -> None:
            if worker.ready and worker.task is None and tasks:
                worker.task = tasks.popleft()
                try:
                    worker.conn.send(worker.task)
                except OSError:
                    pass  # the worker died; its closed connection reports it below

        while tasks or any(w.task is not None for w in self._workers):
            for worker in self._workers:
                feed(worker)
            if not self._workers:
                # No worker could start a kernel: every remaining notebook fails.
                while tasks:
                    task = tasks.popleft()
                    done(task, {"ok": False, "failure": {
                        "cell": None, "error": "KernelStartError",
                        "message": fatal_message or "没有可用的渲染进程"}})
                break
            # A dead worker's connection becomes readable (EOF), so waiting on
            # the connections alone also notices crashes.
            ready = set(wait([w.conn for w in self._workers], timeout=5.0))
            for worker in list(self._workers):
                if worker.conn not in ready and worker.alive():
                    continue
                dead = False
                try:
                    while worker.conn.poll():
                        kind, _, payload = worker.conn.recv()
                        if kind == "ready":
                            worker.ready = True
                            worker.info = payload
                            self._kernel_starts += 1
                            for key, value in payload["timings"].items():
                                self._worker_timings[key] = self._worker_timings.get(key, 0.0) + value
                        elif kind == "done":
                            task, worker.task = worker.task, None
                            # Hand the worker its next notebook first: done() may build a
                            # summary and office files, and the kernel should not idle meanwhile.
                            feed(worker)
                            done(task, payload)
                        elif kind == "fatal":
                            fatal_message = payload
                            dead = True
                            break
                except (EOFError, OSError):
                    dead = True
                if dead or not worker.alive():
                    self._workers.remove(worker)
                    worker.stop(timeout=1.0)
                    if worker.task is not None:
                        task, worker.task = worker.task, None
                        log = _tail(worker.log_path)
                        done(task, {"ok": False, "failure": {
                            "cell": None, "error": "WorkerDied",
                            "message": "渲染进程意外退出" + (f"：{log}" if log else "")}})
                    if not fatal_message and tasks and respawns_left > 0:
                        respawns_left -= 1
                        self._spawn()


def render_all(data_dir: str | os.PathLike, out_dir: str | os.PathLike = "reports",
               departments=None, years=None, workers: int | None = None, timeout: float | None = 600,
               notebooks_dir: str | os.PathLike | None = None, progress: bool = True) -> RenderResult:
    """Return the result of rendering every (or the named) department and year into ``out_dir``.

    Writes ``<out_dir>/<department>/<year>/``: the executed notebooks, an HTML
    page per notebook (outputs only), the figures the notebooks saved, and
    the files of :func:`perfkit.outputs.write_outputs` (``summary.json``, .xlsx, .docx); then
    ``<out_dir>/index.html``.

    Parameters
    ----------
    data_dir : str or Path
        Directory of department data (``data/``).
    out_dir : str or Path
        Where reports go (default ``reports``).
    departments : iterable of str, optional
        Department codes to render (default all).
    years : iterable of int, optional
        Years to render (default each department's declared years).
    workers : int, optional
        Worker processes, each with one warm kernel (default: CPU cores).
    timeout : float, optional
        Seconds one cell may run (default 600; None or 0: no limit).
    notebooks_dir : str or Path, optional
        Where the report notebooks are (default ``./notebooks``, else the
        ``notebooks/`` of the perfkit checkout).
    progress : bool
        Show a progress bar on stderr (the only output of a normal run).

    Returns
    -------
    RenderResult
        ``failures`` lists every failed notebook (department, year, notebook,
        cell index in the source notebook, error name, message); call
        ``raise_for_failures()`` to turn them into a :class:`BatchRenderError`.

    Raises
    ------
    RenderError
        Before any kernel starts: unknown department or year, no notebooks,
        a notebook without the parameters cell.
    DataError
        A selected department's data does not validate.
    """
    with Renderer(workers=workers, timeout=timeout, progress=progress) as renderer:
        return renderer.render(data_dir, out_dir, departments=departments, years=years,
                               notebooks_dir=notebooks_dir)


__all__ = [
    "PARAMETER_NAMES",
    "RenderResult",
    "Renderer",
    "ReportJob",
    "build_index",
    "check_notebook",
    "find_notebooks",
    "make_html_exporter",
    "merge_streams",
    "normalize_notebook",
    "plan_reports",
    "render_all",
    "summary_json",
    "write_index",
]
