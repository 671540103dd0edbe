"""Where a department-year is rendered before it is good: staging directories, moved into place whole.

A department-year is written into a staging directory beside its final place
and moved there only when all its notebooks and files succeeded, so a failure
leaves the previous good report untouched.  Staging directories are named
after the host and process that made them, so renders sharing one output
folder never delete each other's work in progress.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from pathlib import Path

from perfkit.batch.fingerprint import department_digest, fingerprint, notebooks_digest
from perfkit.batch.plan import ReportJob

STAGE_PREFIX = ".stage-"
_STAGE_RE = re.compile(r"^\.stage-(?P<host>.+)-(?P<pid>\d+)-[0-9a-f]{8}-")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stage_name(run: str, department: str) -> str:
    return f"{STAGE_PREFIX}{run}-{department}"


def remove_stale_staging(out: Path) -> None:
    """Delete staging directories left by renders on this host that are no longer running.

    A staging directory is named after the host and process that made it, so
    renders sharing one output folder (shards on several machines) never
    delete each other's work in progress.
    """
    host = socket.gethostname()
    for stage in out.glob(f"{STAGE_PREFIX}*"):
        match = _STAGE_RE.match(stage.name)
        if match and match.group("host") == host and not pid_alive(int(match.group("pid"))):
            shutil.rmtree(stage, ignore_errors=True)
def data_param(data_dir: Path, out: Path, code: str) -> str:
    """Return the data folder relative to a report directory of ``code`` (the staging one is as deep)."""
    return os.path.relpath(data_dir, out / code / "0")


def fingerprints(jobs: list[ReportJob], data_dir: Path, out: Path, notebooks: list[Path]) -> dict[ReportJob, str]:
    """Return each job's input fingerprint (see :mod:`perfkit.batch.fingerprint`)."""
    nb = notebooks_digest(notebooks)
    depts = {code: department_digest(data_dir / code) for code in {job.department for job in jobs}}
    return {job: fingerprint(depts[job.department], nb, job.year, data_param(data_dir, out, job.department))
            for job in jobs}


def move_into_place(stage: Path, final: Path) -> None:
    """Replace ``final`` by ``stage`` with two renames, never leaving a partial directory."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = stage.parent / f".old-{uuid.uuid4().hex[:8]}"
        os.replace(final, old)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
