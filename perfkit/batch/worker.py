"""A worker process: one warm kernel, one department at a time.

The parent sends a worker whole departments.  For each, the worker has its
kernel load the department once (:func:`perfkit.batch.kernel_jobs.begin`),
runs every notebook of every requested year in the kernel's report-directory
staging folder, writes the executed ``.ipynb`` and its code-free HTML, has
the kernel write the year's report files from the same analysis
(:func:`~perfkit.batch.kernel_jobs.finish_year`), and reports back per year.
Between notebooks the kernel is reset to its baseline and verified (see
:mod:`perfkit.batch.kernels`); the pinned analysis survives the reset, the
department boundary does not.

Workers are plain ``python -c`` subprocesses talking over a socket pair (see
:class:`perfkit.batch.pool.WorkerHandle`); their output goes to a log file.
"""
from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

from perfkit.batch.kernel_state import GC_THRESHOLDS
from perfkit.batch.kernels import (STARTUP_GC_THRESHOLDS, ControlCellError, KernelInterrupted, WarmKernel,
                                   kernel_home, register_engine, silence_papermill_logging)
from perfkit.batch.notebooks import REPORT_CSS, make_html_exporter, normalize_notebook, source_cell_index
from perfkit.text import batch as batch_text

# Control cells: expressions only, so they bind nothing in the user namespace.
_JOB_CELL = "__import__({module!r}, fromlist=['_']).{func}({args})"


def log_tail(path: Path, lines: int = 5) -> str:
    """Return the last non-empty lines of a log file joined on one line ("" when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line for line in text.strip().splitlines()[-lines:] if line.strip())


def _failure(notebook: str, cell, error: str, message: str) -> dict:
    return {"notebook": notebook, "cell": cell, "error": error, "message": message}


def _control_failure(exc) -> tuple[str, str]:
    """Return (error name, message) of a failed control cell, without the 'what:' prefix."""
    text = str(exc)
    parts = text.split(": ", 2)
    return (parts[1], parts[2]) if len(parts) == 3 else ("ControlCellError", text)


class DepartmentRun:
    """Runs one department task on a warm kernel and collects per-year results."""

    def __init__(self, warm, exporter, task: dict, send):
        self.warm, self.exporter, self.task = warm, exporter, task
        self.send = send
        self.timings: dict[str, float] = {}
        self.index_cache: dict = {}
        self.pinned = False
        self.reset_problems: list[str] = []
        self.restarts = 0

    def _time(self, key: str, start: float) -> float:
        now = time.perf_counter()
        self.timings[key] = self.timings.get(key, 0.0) + now - start
        return now

    def _job(self, func: str, *args) -> None:
        code = _JOB_CELL.format(module=self.task["jobs_module"], func=func, args=", ".join(map(repr, args)))
        self.warm.run_control(code, func)

    def _ensure_kernel(self, stage: Path) -> None:
        """Make the kernel ready in ``stage``, with the department pinned (after a restart too)."""
        starts = self.warm.starts
        try:
            self.warm.prepare(stage)
        except ControlCellError:
            self.warm.dirty = True  # one clean restart before giving up
            self.warm.prepare(stage)
        if self.warm.starts != starts:
            self.restarts += self.warm.starts - starts
            self.pinned = False
        if not self.pinned:
            t = time.perf_counter()
            self._job("begin", self.task["department"], self.task["data_dir"])
            self._time("load", t)
            self.pinned = True

    def send_progress(self, n: int) -> None:
        if n:
            self.send("progress", n)

    def run(self) -> dict:
        """Send each year's result ({year, ok, failures, stages}) as it is done; return the task's totals."""
        for year in self.task["years"]:
            self.send("year", self._year(int(year), Path(self.task["stages"][str(year)])))
        self._end()
        return {"timings": self.timings, "restarts": self.restarts, "reset_problems": self.reset_problems}

    def _year(self, year: int, stage: Path) -> dict:
        out = {"year": year, "ok": False, "failures": [], "stages": {}}
        for i, notebook in enumerate(self.task["notebooks"]):
            try:
                self._ensure_kernel(stage)
            except ControlCellError as exc:
                self.warm.dirty, self.pinned = True, False
                error, message = _control_failure(exc)
                out["failures"].append(_failure(batch_text.STAGE_LOADING, None, error, message))
                self.send_progress(len(self.task["notebooks"]) - i)
                return out
            failure = self._notebook(Path(notebook), stage, year)
            self.send_progress(1)
            if failure is not None:
                out["failures"].append(failure)
                self.send_progress(len(self.task["notebooks"]) - i - 1)
                return out
        t = time.perf_counter()
        try:
            self._job("finish_year", self.task["department"], year, str(stage))
        except ControlCellError as exc:
            error, message = _control_failure(exc)
            out["failures"].append(_failure(batch_text.STAGE_OUTPUTS, None, error, message))
            return out
        self._time("outputs", t)
        stages_file = stage / self.task["stages_file"]
        if stages_file.is_file():
            out["stages"] = json.loads(stages_file.read_text(encoding="utf-8"))
            stages_file.unlink()
        out["ok"] = True
        return out

    def _end(self) -> None:
        if self.pinned and not self.warm.dirty:
            try:
                self._job("end")
            except ControlCellError:
                self.warm.dirty = True
        self.pinned = False

    def _notebook(self, notebook: Path, stage: Path, year: int) -> dict | None:
        """Execute one notebook; write its .ipynb and HTML; return a failure dict or None."""
        import nbformat
        from papermill.exceptions import PapermillExecutionError


        params = {"department": self.task["department"], "year": year,
                  "data_dir": self.task["data_param"], "output_dir": "."}
        t = time.perf_counter()
        try:
            nb = self.warm.execute_notebook(notebook, params, self.task["timeout"])
        except PapermillExecutionError as exc:
            self.warm.dirty, self.pinned = True, False
            return _failure(notebook.name, source_cell_index(notebook, exc.cell_index, self.index_cache),
                            exc.ename, str(exc.evalue))
        except KernelInterrupted as exc:
            self.warm.dirty, self.pinned = True, False
            message = (batch_text.CELL_TIMEOUT.format(timeout=self.task["timeout"]) if exc.error == "CellTimeoutError"
                       else batch_text.KERNEL_DIED)
            return _failure(notebook.name, source_cell_index(notebook, exc.cell_index, self.index_cache),
                            exc.error, message)
        except Exception as exc:
            self.warm.dirty, self.pinned = True, False
            return _failure(notebook.name, None, type(exc).__name__, str(exc))
        t = self._time("execute", t)
        normalize_notebook(nb, notebook.name)
        (stage / notebook.name).write_text(nbformat.writes(nb), encoding="utf-8")
        t = self._time("write_ipynb", t)
        body, _ = self.exporter.get().from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
        (stage / f"{notebook.stem}.html").write_text(body.replace("</head>", REPORT_CSS + "</head>", 1),
                                                    encoding="utf-8")
        t = self._time("html", t)
        problem = self.warm.reset()
        if problem:
            self.reset_problems.append(f"{notebook.name}: {problem}")
            self.pinned = False
        self._time("reset", t)
        return None


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


class BackgroundExporter:
    """Build and warm the HTML exporter in a thread; hand it out at the first export.

    Importing nbconvert, loading its templates and the first export take
    ~0.5 s of a worker's start.  The worker's main thread spends that time
    waiting on the kernel (ZMQ waits release the GIL), so building the
    exporter alongside takes it off the critical path.
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
            nb.cells.append(nbformat.v4.new_markdown_cell(batch_text.WARM_UP_CELL, id="warm-up"))
            exporter.from_notebook_node(nb)
            self._exporter = exporter
        except BaseException as exc:  # re-raised in the main thread by get()
            self._error = exc
        self.seconds = time.perf_counter() - start

    @property
    def building(self) -> bool:
        return self._thread.is_alive()

    def get(self):
        """Return the exporter, waiting for the thread if it is still building it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._exporter


def start_kernel(worker_id: int, config: dict):
    """Return (warm kernel, exporter, timings) once the kernel is warm."""
    log_dir = Path(config["log_dir"])
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    warm = WarmKernel(kernel_name=config["kernel_name"], preload=config["preload"],
                      cwd=kernel_home(log_dir / f"worker-{worker_id}"),
                      log_path=log_dir / f"kernel-{worker_id}.log", startup_timeout=config["startup_timeout"])
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
        exporter = BackgroundExporter()
        timings["worker_imports"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        warm.wait_ready()
        timings["kernel_wait"] = time.perf_counter() - t2
    except Exception:
        warm.close()
        raise
    return warm, exporter, timings


def worker_main(conn, worker_id: int, config: dict) -> None:
    """Worker process: keep one warm kernel, run the departments the parent sends."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    gc.set_threshold(*STARTUP_GC_THRESHOLDS)  # until the imports are done (see below)
    # nbformat imports jsonschema, whose optional IRI checker (rfc3987_syntax)
    # compiles a grammar on import: 0.7 s per worker for a format nbformat's
    # schema never uses.  A None entry makes that optional import fail fast.
    sys.modules.setdefault("rfc3987_syntax", None)
    log_dir = Path(config["log_dir"])
    try:
        warm, exporter, timings = start_kernel(worker_id, config)
    except Exception as exc:
        detail = log_tail(log_dir / f"kernel-{worker_id}.log")
        conn.send(("fatal", worker_id, f"{type(exc).__name__}: {exc}" + (f"（{detail}）" if detail else "")))
        return
    # As in the kernels (kernel_state.GC_THRESHOLDS): the HTML export builds a bs4 tree of some
    # 30,000 nodes per notebook, and the default thresholds spent ~30 % of its time collecting.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    conn.send(("ready", worker_id, {"timings": timings, "pid": warm.pid}))
    exporter_reported = False
    try:
        while True:
            try:
                task = conn.recv()
            except EOFError:
                break
            if task is None:
                break
            run = DepartmentRun(warm, exporter, task, lambda kind, payload: conn.send((kind, worker_id, payload)))
            try:
                result = run.run()
            except Exception as exc:  # a bug here must not take the other departments down
                warm.dirty = True
                result = {"timings": run.timings, "restarts": run.restarts, "reset_problems": run.reset_problems,
                          "failed": {"error": type(exc).__name__, "message": str(exc)}}
            if not exporter_reported and not exporter.building:
                result["timings"]["exporter_setup"] = exporter.seconds
                exporter_reported = True
            result["id"] = task["id"]
            result["kernel_pid"] = warm.pid
            conn.send(("done", worker_id, result))
    finally:
        warm.close()


def worker_entry() -> None:
    """Entry point of a worker subprocess: ``argv`` holds the socket fd and the worker id."""
    from multiprocessing.connection import Connection

    conn = Connection(int(sys.argv[1]))
    config = conn.recv()
    worker_main(conn, int(sys.argv[2]), config)
