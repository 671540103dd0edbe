"""The parent's side of the worker processes: start one (a ``python -c`` child on a socket pair), stop them."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path


class WorkerHandle:
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


def stop_workers(workers: list, tmp_dir: str | None) -> None:
    for worker in list(workers):
        worker.stop()
    workers.clear()
    if tmp_dir:
        shutil.rmtree(tmp_dir, ignore_errors=True)
