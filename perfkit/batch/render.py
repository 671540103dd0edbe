"""Render the report notebooks of every department and year, in parallel, on warm kernels.

``render_all`` is what ``perfkit render`` runs.  The route (see README's
architecture section): :mod:`perfkit.batch.plan` lists the department-years
from each ``department.yaml``; a pool of :mod:`perfkit.batch.worker` processes,
one warm kernel each, takes whole departments (largest first), so a
department is loaded and each of its years analysed once, in one kernel,
for all its notebooks and report files (:mod:`perfkit.batch.pool` starts and
stops them, this module schedules); every department-year is staged and moved
into place when it fully succeeded (:mod:`perfkit.batch.tracking`,
:mod:`perfkit.batch.staging`), then the index is rebuilt (:mod:`perfkit.batch.index`).

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
import tempfile
import time
import weakref
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

from perfkit.batch.distributed import schedule_on_cluster
from perfkit.batch.fingerprint import is_current
from perfkit.batch.index import INDEX_NAME, SUMMARY_NAME, write_index
from perfkit.batch.kernels import DEFAULT_PRELOAD, notebook_imports
from perfkit.batch.plan import PARAMETER_NAMES, ReportJob, find_notebooks, plan_reports
from perfkit.batch.pool import WorkerHandle, stop_workers
from perfkit.batch.result import RenderResult
from perfkit.batch.staging import fingerprints, remove_stale_staging
from perfkit.batch.tracking import BatchRun, failed_task
from perfkit.batch.worker import log_tail
from perfkit.text import batch as batch_text

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
        self._workers: list[WorkerHandle] = []
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

    def _spawn(self) -> WorkerHandle:
        worker = WorkerHandle(self._next_id, self._config())
        self._next_id += 1
        self._workers.append(worker)
        return worker

    def _start_workers(self, n: int, kernel_name: str, notebook_imports: tuple[str, ...] = ()) -> None:
        """Start (or top up) the pool to ``n`` workers running ``kernel_name`` kernels."""
        if self._workers and kernel_name != self._kernel_name:
            stop_workers(self._workers, None)
        if not self._workers:
            # Running kernels keep their pre-imports; a module only a later
            # batch needs is imported once by its first notebook.
            self._notebook_imports = tuple(notebook_imports)
        self._kernel_name = kernel_name
        if self._tmp_dir is None:
            self._tmp_dir = tempfile.mkdtemp(prefix="perfkit-render-")
            self._finalizer = weakref.finalize(self, stop_workers, self._workers, self._tmp_dir)
        while len(self._workers) < n:
            self._spawn()

    def close(self) -> None:
        """Stop the workers and their kernels."""
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        else:
            stop_workers(self._workers, self._tmp_dir)
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
        prints = fingerprints(planned, data_path, out, notebooks)
        jobs = [job for job in planned
                if force or not is_current(out / job.department / str(job.year), prints[job])]
        timings: dict[str, float] = {"plan": time.perf_counter() - started}
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out)
        result = RenderResult(out_dir=out, notebooks=len(jobs) * len(notebooks),
                              skipped=sorted((j.department, j.year) for j in planned if j not in jobs))
        if not jobs:  # nothing changed: no kernel needed, only the index is rebuilt
            result.index = write_index(out, {job.department: job.name for job in planned})
            result.seconds = time.perf_counter() - started
            return result
        run = BatchRun(self, out, data_path, jobs, notebooks,
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

    def _schedule(self, tasks: deque, run: "BatchRun", result: RenderResult) -> None:
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
                    run.done(tasks.popleft(), failed_task("KernelStartError", fatal_message or batch_text.NO_WORKER),
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
                        run.done(task, failed_task("WorkerDied", batch_text.WORKER_DIED
                                                         + (batch_text.WITH_LOG.format(log=log) if log else "")),
                                 result)
                    if not fatal_message and tasks and respawns_left > 0:
                        respawns_left -= 1
                        self._spawn()


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