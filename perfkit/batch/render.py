"""Render the report notebooks of every department and year, in parallel, on warm kernels.

``render_all`` is what ``perfkit render`` runs.  The route (see README's
architecture section): :mod:`perfkit.batch.plan` lists the department-years
from each ``department.yaml``; a pool of :mod:`perfkit.batch.worker` processes,
one warm kernel each, takes whole departments (largest first), so a
department is loaded and each of its years analysed once, in one kernel,
for all its notebooks and report files; this module stages every
department-year and moves it into place when it fully succeeded, then
rebuilds the index (:mod:`perfkit.batch.index`).

Why it is built this way:

* **Speed.** A fresh kernel per notebook (what the ``papermill`` command does)
  spends most of its time starting Python and importing; a warm kernel pays
  that once per worker.  Report files are written in the workers' kernels,
  so the parent only schedules and moves directories.
* **Compute once.** The notebooks' ``perfkit.analyze`` calls and the report
  files present the analysis the kernel pinned for the department
  (:func:`perfkit.analysis.pin`); each step's count is reported back in
  :attr:`RenderResult.stage_counts`.
* **No half reports.** A department-year is written into a staging directory
  beside its final place and moved there only when all its notebooks and
  files succeeded; a failure leaves the previous good report untouched.
* **Same input, same bytes.** Volatile notebook metadata is removed
  (:mod:`perfkit.batch.notebooks`) and the notebooks get their data folder
  relative to the report directory, so an unchanged dataset renders
  byte-identical files on any machine and in any checkout.
* **Quiet.** Workers and kernels write their logs to files; the parent shows
  one progress bar and nothing else.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import weakref
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from perfkit.batch.distributed import schedule_on_cluster
from perfkit.batch.fingerprint import (FINGERPRINT_FILE, department_digest, fingerprint, is_current,
                                       notebooks_digest)
from perfkit.batch.index import INDEX_NAME, SUMMARY_NAME, write_index
from perfkit.batch.kernel_jobs import STAGES_FILE
from perfkit.batch.kernels import DEFAULT_PRELOAD, notebook_imports
from perfkit.batch.worker import log_tail
from perfkit.batch.plan import PARAMETER_NAMES, ReportJob, find_notebooks, plan_reports
from perfkit.errors import BatchRenderError, NotebookFailure
from perfkit.text import batch as batch_text

STAGE_PREFIX = ".stage-"
_STAGE_RE = re.compile(r"^\.stage-(?P<host>.+)-(?P<pid>\d+)-[0-9a-f]{8}-")
# Worker processes replaced after a crash, per requested worker, before giving up.
_MAX_RESPAWNS_PER_WORKER = 2


@dataclass(frozen=True)
class Jobs:
    """The collaborators of a render: planning in the parent, a jobs module in the kernels.

    ``plan(data_dir, departments, years)`` returns the :class:`ReportJob` list;
    ``kernel_module`` names a module importable in the kernel with ``begin``,
    ``finish_year`` and ``end`` (see :mod:`perfkit.batch.kernel_jobs`), and
    ``kernel_paths`` directories put on the workers' and kernels' import path.
    """

    plan: Callable = plan_reports
    kernel_module: str = "perfkit.batch.kernel_jobs"
    kernel_paths: tuple[str, ...] = ()
    #: Give notebooks ``data_dir`` (relative to the report directory).  perfkit's own notebooks need
    #: none: the kernel pinned their department, which ``perfkit.analyze(code, year)`` finds by code,
    #: so executed notebooks carry no path of this machine at all.
    inject_data_dir: bool = False


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
    #: department-years left as they were: their inputs did not change since their last render
    skipped: list[tuple[str, int]] = field(default_factory=list)
    #: (department, year) -> {step: times it ran}, as reported by the kernel (see perfkit.analysis.STAGE_COUNTS)
    stage_counts: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)

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

        self.id = worker_id
        self.log_path = Path(config["log_dir"]) / f"worker-{worker_id}.log"
        parent_sock, child_sock = socket.socketpair()
        env = dict(os.environ)
        # The worker (and its kernel) must import this very perfkit, installed or not,
        # and the jobs module the render was given.
        package_root = str(Path(__file__).resolve().parents[2])
        paths = (*config.get("kernel_paths", ()), package_root, env.get("PYTHONPATH"))
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "import perfkit.batch.worker as w; w.worker_entry()",
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


def _stage_name(run: str, department: str) -> str:
    return f"{STAGE_PREFIX}{run}-{department}"


def _remove_stale_staging(out: Path) -> None:
    """Delete staging directories left by renders on this host that are no longer running.

    A staging directory is named after the host and process that made it, so
    renders sharing one output folder (shards on several machines) never
    delete each other's work in progress.
    """
    host = socket.gethostname()
    for stage in out.glob(f"{STAGE_PREFIX}*"):
        match = _STAGE_RE.match(stage.name)
        if match and match.group("host") == host and not _pid_alive(int(match.group("pid"))):
            shutil.rmtree(stage, ignore_errors=True)


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
    jobs : Jobs, optional
        The collaborators of a render (how departments are planned, which
        module the kernels call to load a department and write its report
        files); default perfkit's own.  Tests pass their own.
    """

    def __init__(self, workers: int | None = None, timeout: float | None = 600, progress: bool = True,
                 preload=None, startup_timeout: float = 120, jobs: "Jobs | None" = None):
        self.max_workers = max(1, int(workers or os.cpu_count() or 1))
        self.timeout = timeout
        self.progress = progress
        self.preload = tuple(preload) if preload is not None else DEFAULT_PRELOAD
        self.startup_timeout = startup_timeout
        self.jobs = jobs or Jobs()
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
            "kernel_paths": tuple(self.jobs.kernel_paths),
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
               timeout: float | None = None, progress: bool | None = None, force: bool = False,
               scheduler=None) -> RenderResult:
        """Render reports; return a RenderResult (failures listed in it, not raised).

        See :func:`render_all` for the parameters; ``timeout`` and ``progress``
        override the renderer's defaults for this call.
        """
        started = time.perf_counter()
        planned = self.jobs.plan(data_dir, departments, years)
        notebooks, kernel_name = find_notebooks(notebooks_dir)
        out = Path(out_dir).resolve()
        data_path = Path(data_dir).resolve()
        prints = _fingerprints(planned, data_path, out, notebooks)
        jobs = [job for job in planned
                if force or not is_current(out / job.department / str(job.year), prints[job])]
        timings: dict[str, float] = {"plan": time.perf_counter() - started}
        out.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(out)
        result = RenderResult(out_dir=out, notebooks=len(jobs) * len(notebooks),
                              skipped=sorted((j.department, j.year) for j in planned if j not in jobs))
        if not jobs:  # nothing changed: no kernel needed, only the index is rebuilt
            result.index = write_index(out, {job.department: job.name for job in planned})
            result.seconds = time.perf_counter() - started
            return result
        run = _BatchRun(self, out, data_path, jobs, notebooks,
                        self._timeout(timeout), self.progress if progress is None else progress, prints)
        starts_before = self._kernel_starts
        imports = tuple(notebook_imports(notebooks)) + (self.jobs.kernel_module,)
        try:
            if scheduler is not None:
                run.open_bar()
                config = {**self._config(), "kernel_name": kernel_name,
                          "preload": self.preload + tuple(m for m in imports if m not in self.preload)}
                result.workers = schedule_on_cluster(scheduler, run.tasks, run, result, config)
            else:
                t = time.perf_counter()
                self._start_workers(min(self.max_workers, len(run.tasks)), kernel_name, imports)
                timings["pool_start"] = time.perf_counter() - t
                run.open_bar()
                self._schedule(run.tasks, run, result)
                result.workers = len(self._workers)
        finally:
            run.close()
        t = time.perf_counter()
        result.index = write_index(out, {job.department: job.name for job in planned})
        timings["index"] = time.perf_counter() - t
        for key, value in [*run.timings.items(), *self._worker_timings.items()]:
            timings[key] = timings.get(key, 0.0) + value
        self._worker_timings.clear()
        result.timings = timings
        result.kernel_starts = self._kernel_starts - starts_before
        result.seconds = time.perf_counter() - started
        result.rendered.sort()
        return result

    def _timeout(self, timeout: float | None) -> float | None:
        timeout = self.timeout if timeout is None else timeout
        return timeout if timeout and timeout > 0 else None

    def _schedule(self, tasks: deque, run: "_BatchRun", result: RenderResult) -> None:
        """Hand departments to idle workers until all are done; replace workers that die."""
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
                # No worker could start a kernel: every remaining department fails.
                while tasks:
                    run.done(tasks.popleft(), _failed_task("KernelStartError", fatal_message or batch_text.NO_WORKER),
                             result)
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
                        elif kind == "progress":
                            run.progress(payload, worker.task)
                        elif kind == "year":
                            run.year_done(worker.task, payload, result)
                        elif kind == "done":
                            task, worker.task = worker.task, None
                            feed(worker)  # the next department first, then the bookkeeping
                            run.done(task, payload, result)
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
                        log = log_tail(worker.log_path)
                        run.done(task, _failed_task("WorkerDied", batch_text.WORKER_DIED
                                                         + (batch_text.WITH_LOG.format(log=log) if log else "")),
                                 result)
                    if not fatal_message and tasks and respawns_left > 0:
                        respawns_left -= 1
                        self._spawn()


def _failed_task(error: str, message: str) -> dict:
    return {"failed": {"error": error, "message": message}}


class _BatchRun:
    """One render's tasks, staging directories, progress bar and bookkeeping."""

    def __init__(self, renderer: Renderer, out: Path, data_dir: Path, jobs: list[ReportJob],
                 notebooks: list[Path], timeout: float | None, show: bool, prints: dict[ReportJob, str]):
        self.out, self.notebooks, self.show, self.prints = out, notebooks, show, prints
        self.run_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.timings: dict[str, float] = {}
        self.bar = None
        self.ran: dict[int, int] = {}
        self.finished: set[tuple[str, int]] = set()
        self.stages: list[Path] = []
        by_dept: dict[str, list[ReportJob]] = {}
        for job in jobs:
            by_dept.setdefault(job.department, []).append(job)
        # Largest departments first: with whole departments per task, that
        # keeps the workers busy until the end (longest-processing-time first).
        order = sorted(by_dept, key=lambda code: (-len(by_dept[code]), code))
        self.tasks: deque[dict] = deque()
        self.jobs: dict[int, list[ReportJob]] = {}
        for code in order:
            stage_root = out / _stage_name(self.run_id, code)
            stages = {}
            for job in by_dept[code]:
                stage = stage_root / str(job.year)
                stage.mkdir(parents=True)
                stages[str(job.year)] = str(stage)
            self.stages.append(stage_root)
            task_id = len(self.tasks)
            self.jobs[task_id] = by_dept[code]
            self.tasks.append({
                "id": task_id, "department": code, "years": [job.year for job in by_dept[code]],
                "stages": stages, "notebooks": [str(n) for n in notebooks], "timeout": timeout,
                "data_dir": str(data_dir),
                # Relative to the report directory (the staging one is at the same depth),
                # so executed notebooks do not carry this machine's paths.
                "data_param": _data_param(data_dir, out, code) if renderer.jobs.inject_data_dir else None,
                "jobs_module": renderer.jobs.kernel_module, "stages_file": STAGES_FILE,
            })

    def open_bar(self) -> None:
        if self.show:
            from tqdm.auto import tqdm

            total = sum(len(t["years"]) for t in self.tasks) * len(self.notebooks)
            self.bar = tqdm(total=total, desc=batch_text.PROGRESS, unit=batch_text.PROGRESS_UNIT, file=sys.stderr, dynamic_ncols=True)

    def progress(self, n: int, task: dict | None = None) -> None:
        """Count ``n`` notebooks done (of ``task``, to know which one runs next)."""
        if task is not None:
            self.ran[task["id"]] = self.ran.get(task["id"], 0) + n
        if self.bar is not None:
            self.bar.update(n)

    def year_done(self, task: dict, year: dict, result: RenderResult) -> None:
        """Record one department-year: move it into place when it succeeded, list its failures otherwise."""
        job = next(j for j in self.jobs[task["id"]] if j.year == int(year["year"]))
        self.finished.add((job.department, job.year))
        stage = Path(task["stages"][str(job.year)])
        final = self.out / job.department / str(job.year)
        # A message names the file where the user will look for it, not in the staging directory.
        def where(message: str) -> str:
            return message.replace(str(stage), str(final))
        if not year["ok"]:
            for f in year["failures"]:
                result.failures.append(NotebookFailure(job.department, job.year, f["notebook"], f["cell"],
                                                       f["error"], where(f["message"])))
            shutil.rmtree(stage, ignore_errors=True)
            return
        try:
            (stage / FINGERPRINT_FILE).write_text(self.prints[job] + "\n", encoding="utf-8")
            _move_into_place(stage, final)
        except OSError as exc:
            result.failures.append(NotebookFailure(job.department, job.year, f"{job.department}/{job.year}",
                                                   None, type(exc).__name__, where(str(exc))))
            return
        result.rendered.append((job.department, job.year))
        result.stage_counts[(job.department, job.year)] = dict(year.get("stages", {}))

    def done(self, task: dict, res: dict, result: RenderResult) -> None:
        """Close a department: fail its years that never reported (the worker died or could not start)."""
        for key, value in res.get("timings", {}).items():
            self.timings[key] = self.timings.get(key, 0.0) + value
        result.reset_problems += res.get("reset_problems", [])
        failed = res.get("failed")
        if failed is None:
            return
        per_year = len(self.notebooks)
        ran = self.ran.get(task["id"], 0)
        for job in self.jobs[task["id"]]:
            if (job.department, job.year) in self.finished:
                continue
            # The notebook that was running when the worker died: the one after those reported done.
            index = ran - task["years"].index(job.year) * per_year
            notebook = self.notebooks[index].name if 0 <= index < per_year else ""
            self.year_done(task, {"year": job.year, "ok": False, "failures": [
                {"notebook": notebook, "cell": None, **failed}]}, result)
            self.progress(max(0, per_year - max(index, 0)) if index < per_year else 0)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        for stage in self.stages:
            shutil.rmtree(stage, ignore_errors=True)


def _data_param(data_dir: Path, out: Path, code: str) -> str:
    """Return the data folder relative to a report directory of ``code`` (the staging one is as deep)."""
    return os.path.relpath(data_dir, out / code / "0")


def _fingerprints(jobs: list[ReportJob], data_dir: Path, out: Path, notebooks: list[Path]) -> dict[ReportJob, str]:
    """Return each job's input fingerprint (see :mod:`perfkit.batch.fingerprint`)."""
    nb = notebooks_digest(notebooks)
    depts = {code: department_digest(data_dir / code) for code in {job.department for job in jobs}}
    return {job: fingerprint(depts[job.department], nb, job.year, _data_param(data_dir, out, job.department))
            for job in jobs}


def _move_into_place(stage: Path, final: Path) -> None:
    """Replace ``final`` by ``stage`` with two renames, never leaving a partial directory."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = stage.parent / f".old-{uuid.uuid4().hex[:8]}"
        os.replace(final, old)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def render_all(data_dir: str | os.PathLike, out_dir: str | os.PathLike = "reports",
               departments=None, years=None, workers: int | None = None, timeout: float | None = 600,
               notebooks_dir: str | os.PathLike | None = None, progress: bool = True,
               jobs: Jobs | None = None, force: bool = False, scheduler=None) -> RenderResult:
    """Return the result of rendering every (or the named) department and year into ``out_dir``.

    Writes ``<out_dir>/<department>/<year>/``: the executed notebooks, an HTML
    version of each without code, the figures they saved, and the report
    files registered in :mod:`perfkit.outputs` (``summary.json``, the scored
    .xlsx, the draft .docx); then ``<out_dir>/index.html``.

    Parameters
    ----------
    data_dir : str or Path
        Directory with one sub-directory per department.
    out_dir : str or Path
        Where reports are written (created if needed).
    departments, years : iterable, optional
        Restrict to these department codes / years.
    workers : int, optional
        Worker processes, one warm kernel each (default: CPU count).
    timeout : float, optional
        Seconds one cell may run (None or 0: no limit).
    notebooks_dir : str or Path, optional
        Where the report notebooks are (default :func:`perfkit.settings.default_settings`).
    progress : bool
        Show a progress bar on stderr.
    jobs : Jobs, optional
        The render's collaborators (default perfkit's own; see :class:`Jobs`).
    force : bool
        Render every department-year, also those whose inputs did not change
        since their last render (skipped otherwise, see :mod:`perfkit.batch.fingerprint`).
    scheduler : str, distributed.Client or LocalCluster, optional
        Render on this Dask cluster instead of local worker processes (see
        :mod:`perfkit.batch.distributed`); ``workers`` is then ignored.

    Returns
    -------
    RenderResult
        ``failures`` lists every failure (department, year, notebook, cell
        index in the source notebook, error name, message); call
        ``raise_for_failures()`` to turn them into a :class:`BatchRenderError`.

    Raises
    ------
    RenderError
        Before any kernel starts: unknown department or year, no notebooks,
        a notebook without the parameters cell.
    DataError
        A selected department's ``department.yaml`` is invalid.
    """
    with Renderer(workers=workers, timeout=timeout, progress=progress, jobs=jobs) as renderer:
        return renderer.render(data_dir, out_dir, departments=departments, years=years,
                               notebooks_dir=notebooks_dir, force=force, scheduler=scheduler)


__all__ = ["INDEX_NAME", "Jobs", "PARAMETER_NAMES", "RenderResult", "Renderer", "ReportJob", "SUMMARY_NAME",
           "render_all"]
