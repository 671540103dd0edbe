"""Rendering on a Dask distributed cluster: departments as Dask tasks, one warm kernel per Dask worker.

``perfkit render --scheduler tcp://host:8786`` (or ``Renderer.render(...,
scheduler=...)``) sends each department to the cluster instead of to local
worker processes.  A Dask worker process starts one warm kernel the first time
it gets a department and keeps it for the next ones, exactly like a local
worker (:class:`perfkit.batch.worker.DepartmentRun` does the work in both
cases); results and failures come back to the parent's one progress bar and
failure list, and the parent moves each staged department-year into place.

The staging directories and the data must be on a file system every Dask
worker sees at the same path (a shared volume), since workers write the
reports where the parent planned them.
"""
from __future__ import annotations

import atexit
import os
import tempfile
import threading
from pathlib import Path

from perfkit.batch.worker import DepartmentRun, start_kernel

# One warm kernel per Dask worker process, kept between tasks; Dask runs one task
# at a time per thread, and a lock keeps two threads from sharing the kernel.
_STATE: dict = {}
_LOCK = threading.Lock()


def _kernel(config: dict):
    """Return this Dask worker's (warm kernel, exporter), starting them on first use or after a crash."""
    state = _STATE.get("kernel")
    if state is not None and state[0].km is not None:
        return state
    log_dir = Path(tempfile.mkdtemp(prefix="perfkit-dask-"))
    # The kernel must import this perfkit and the render's jobs module, installed or not.
    paths = [*config.get("kernel_paths", ()), str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    warm, exporter, _ = start_kernel(os.getpid(), {**config, "log_dir": str(log_dir)})
    _STATE["kernel"] = (warm, exporter)
    atexit.register(warm.close)
    return warm, exporter


def render_department(task: dict, config: dict) -> dict:
    """Run one department task on this Dask worker's warm kernel; return its messages and totals."""
    with _LOCK:
        warm, exporter = _kernel(config)
        messages: list = []
        run = DepartmentRun(warm, exporter, task, lambda kind, payload: messages.append((kind, payload)))
        try:
            totals = run.run()
        except Exception as exc:  # reported like a local worker's failure, the kernel replaced
            warm.dirty = True
            totals = {"timings": run.timings, "restarts": run.restarts, "reset_problems": run.reset_problems,
                      "failed": {"error": type(exc).__name__, "message": str(exc)}}
        return {"messages": messages, "totals": totals, "kernel_pid": warm.pid}


def schedule_on_cluster(scheduler, tasks, run, result, config: dict) -> int:
    """Send every department task to the cluster and feed the results to ``run``; return the worker count.

    ``scheduler`` is a scheduler address, a ``distributed.Client`` or a
    ``LocalCluster``.
    """
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler, set_as_default=False)
    owns = client is not scheduler
    try:
        return _run_all(client, as_completed, tasks, run, result, config)
    finally:
        if owns:
            client.close()


def _run_all(client, as_completed, tasks, run, result, config: dict) -> int:
    with client.as_current():
        futures = {client.submit(render_department, task, config, pure=False,
                                 key=f"perfkit-{task['department']}-{task['id']}-{os.getpid()}"): task
                   for task in tasks}
        tasks.clear()
        for future in as_completed(futures):
            task = futures[future]
            try:
                out = future.result()
            except Exception as exc:  # the Dask worker died or could not run the task
                run.done(task, {"failed": {"error": type(exc).__name__, "message": str(exc)}}, result)
                continue
            for kind, payload in out["messages"]:
                if kind == "progress":
                    run.progress(payload, task)
                elif kind == "year":
                    run.year_done(task, payload, result)
            run.done(task, out["totals"], result)
        return len(client.scheduler_info().get("workers", {}))
