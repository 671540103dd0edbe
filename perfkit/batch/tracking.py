"""One render's tasks and their bookkeeping: a task per department, its staging directories, the progress bar.

The scheduler (:meth:`perfkit.batch.render.Renderer.render`, or the Dask one in
:mod:`perfkit.batch.distributed`) hands the tasks out and reports back here:
a department-year that fully succeeded is moved into place, one that failed
is listed with the notebook and cell that failed.
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
import uuid
from collections import deque
from pathlib import Path

from perfkit.batch.fingerprint import FINGERPRINT_FILE
from perfkit.batch.kernel_jobs import STAGES_FILE
from perfkit.batch.plan import ReportJob
from perfkit.batch.result import RenderResult
from perfkit.batch.staging import data_param, move_into_place, stage_name
from perfkit.errors import NotebookFailure
from perfkit.text import batch as batch_text


def failed_task(error: str, message: str) -> dict:
    return {"failed": {"error": error, "message": message}}


class BatchRun:
    """One render's tasks, staging directories, progress bar and bookkeeping."""

    def __init__(self, renderer, out: Path, data_dir: Path, jobs: list[ReportJob],
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
            stage_root = out / stage_name(self.run_id, code)
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
                "data_param": data_param(data_dir, out, code) if renderer.jobs.inject_data_dir else None,
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
            move_into_place(stage, final)
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
