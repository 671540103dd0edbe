"""A full disk under one folder, for the end-to-end fault tests (tests/test_disk_full.py).

Put this directory first on ``PYTHONPATH`` and set ``PERFKIT_FAULT_FULL_DIR``
to a folder: every process that starts from that environment (the ``perfkit``
command, its render workers and their Jupyter kernels, which inherit it)
imports this module at start-up, before anything else, and from then on a
write into a file under that folder fails with ``OSError(ENOSPC)`` once the
process has written ``PERFKIT_FAULT_FULL_AFTER`` bytes there (default 0);
``PERFKIT_FAULT_FULL_MATCH`` (a glob on the file name, default ``*``) narrows
the fault to some files, e.g. ``*.docx*`` to the report the kernel writes.
Writes elsewhere (logs, temporary files, the kernel's connection file) work.

What is wrapped, so that every way Python writes a file meets the fault:
``open``/``io.open`` (the raw file of a write mode is a subclass of
``io.FileIO`` whose ``write`` fails, so buffered and text files fail when they
flush, as on a real full disk), ``os.open`` + ``os.write`` (``tempfile``,
``os.fdopen``) and ``os.sendfile`` (``shutil.copyfile``).  Without the
variable nothing is changed.
"""
from __future__ import annotations

import builtins
import errno
import fnmatch
import io
import os

_FOLDER = os.environ.get("PERFKIT_FAULT_FULL_DIR")


def _install(folder: str, allowed: int, pattern: str) -> None:
    root = os.path.realpath(folder)
    state = {"left": allowed}
    watched: set[int] = set()  # descriptors of files under the folder opened for writing
    real_open, real_os_open, real_write, real_sendfile = io.open, os.open, os.write, os.sendfile
    real_close = os.close

    def under(path) -> bool:
        if isinstance(path, int):
            return path in watched
        try:
            full = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return full.startswith(root + os.sep) and fnmatch.fnmatch(os.path.basename(full), pattern)

    def spend(n: int, name: str) -> int:
        """Return how many of ``n`` bytes fit; raise ENOSPC when none does."""
        if n and state["left"] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        fit = min(n, state["left"])
        state["left"] -= fit
        return fit

    class FullFileIO(io.FileIO):
        def __init__(self, file, mode="r", closefd=True, opener=None):
            super().__init__(file, mode, closefd, opener)
            watched.add(self.fileno())

        def write(self, b):
            fit = spend(len(memoryview(b).cast("B")), str(self.name))
            return super().write(memoryview(b).cast("B")[:fit])

        def close(self):
            if not self.closed:
                watched.discard(self.fileno())
            super().close()

    def full_open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
                  opener=None):
        if not any(c in mode for c in "wax+") or not under(file):
            return real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)
        raw = FullFileIO(file, "".join(c for c in mode if c in "rwax+"), closefd, opener)
        if buffering == 0 and "b" in mode:
            return raw
        size = buffering if buffering > 1 else io.DEFAULT_BUFFER_SIZE
        kind = io.BufferedRandom if "+" in mode else io.BufferedWriter
        buffer = kind(raw, size)
        if "b" in mode:
            return buffer
        text = io.TextIOWrapper(buffer, encoding, errors, newline, line_buffering=buffering == 1)
        text.mode = mode
        return text

    def full_os_open(path, flags, mode=0o777, *, dir_fd=None):
        fd = real_os_open(path, flags, mode, dir_fd=dir_fd)
        if flags & (os.O_WRONLY | os.O_RDWR) and dir_fd is None and under(path):
            watched.add(fd)
        return fd

    def full_write(fd, data):
        if fd in watched:
            data = memoryview(data).cast("B")[:spend(len(memoryview(data).cast("B")), f"fd {fd}")]
        return real_write(fd, data)

    def full_sendfile(out_fd, in_fd, offset, count, *args, **kwargs):
        if out_fd in watched:
            count = spend(count, f"fd {out_fd}")
        return real_sendfile(out_fd, in_fd, offset, count, *args, **kwargs)

    def full_close(fd):
        watched.discard(fd)  # the number is free for an unrelated file
        return real_close(fd)

    builtins.open = io.open = full_open
    os.open, os.write, os.sendfile, os.close = full_os_open, full_write, full_sendfile, full_close


if _FOLDER:
    _install(_FOLDER, int(os.environ.get("PERFKIT_FAULT_FULL_AFTER", "0")), os.environ.get("PERFKIT_FAULT_FULL_MATCH", "*"))
