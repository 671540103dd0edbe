"""Warm Jupyter kernels: started once, reused for many notebooks, reset in between.

A fresh kernel per notebook costs about a second to start plus as much again
to import pandas and matplotlib, which is most of the time a report notebook
takes.  :class:`WarmKernel` pays that once per worker process: it starts one
kernel, pre-imports the heavy modules, records a *baseline* of the kernel's
state, and between notebooks puts everything back to that baseline (user
namespace and ``In``/``Out`` history, matplotlib figures and rcParams, working
directory, environment, ``sys.path``, pandas/numpy options, random state,
warning filters, builtins, IPython hooks and formatters, perfkit caches).  The
reset then *verifies* the kernel equals the baseline; anything it cannot put
back (a user magic, a loaded extension, a non-daemon thread, ...) makes it
fail, and the caller restarts the kernel instead of risking a leak.

This module runs in the worker process and drives the kernel with
jupyter_client and papermill (both imported lazily); what runs *inside* the
kernel — the baseline, the reset, the verification — is
:mod:`perfkit.batch.kernel_state`.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import perfkit
from perfkit.batch.kernel_state import DEFAULT_PRELOAD
from perfkit.text import batch as batch_text

# Seconds allowed for the short control cells (prepare / reset).
_CONTROL_TIMEOUT = 60

# The control cells: expressions only, so they bind nothing in the user namespace.
_INIT_CELL = "__import__('perfkit.batch.kernel_state', fromlist=['_']).kernel_init({preload!r})"
_PREPARE_CELL = "__import__('perfkit.batch.kernel_state', fromlist=['_']).kernel_prepare({cwd!r})"
_RESET_CELL = "__import__('perfkit.batch.kernel_state', fromlist=['_']).kernel_reset()"

# Name of the papermill engine that runs a notebook on an existing kernel.
ENGINE_NAME = "perfkit-warm"

#: Cyclic-GC thresholds while a warm kernel or a worker imports its libraries (kernel_init and the
#: worker then set GC_THRESHOLDS): importing ipykernel, pandas, matplotlib and perfkit allocates
#: objects that all live, and the default thresholds spent ~8 % of that CPU scanning them.
STARTUP_GC_THRESHOLDS = (100_000, 50, 50)

# What ``python -m ipykernel_launcher`` runs, preceded by two start-up savings (~15 % of the
# kernel's import CPU): the GC thresholds above, and no debugpy — ipykernel imports it to offer a
# debugger nobody attaches to a batch kernel.  Notebook outputs do not depend on either.
# runpy runs the launcher as ``-m`` would (same sys.argv[0], same sys.path handling).
_LAUNCH_CODE = ("import gc, runpy, sys; gc.set_threshold(*{gc!r}); sys.modules.setdefault('debugpy', None); "
                "runpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)"
                ).format(gc=STARTUP_GC_THRESHOLDS)


# --------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------

def notebook_imports(paths) -> list[str]:
    """Return the modules the given notebooks import, for pre-importing in a warm kernel.

    A static scan (``ast``) of every code cell: ``import x``, ``from x import
    y`` (``x.y`` too, in case it is a submodule), and ``perfkit.<name>``
    attributes resolved through perfkit's lazy exports.  Names that turn out
    not to be modules are skipped at import time.  Pre-importing exactly
    these, instead of every perfkit module, keeps Excel and Word export
    libraries out of report kernels.
    """
    import ast
    import json

    exports = getattr(perfkit, "_EXPORTS", {})
    found: set[str] = set()
    for path in paths:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            # IPython magics and shell escapes are not Python.
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    found.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
                elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                      and node.value.id == "perfkit" and node.attr in exports):
                    found.add(exports[node.attr])
    return sorted(found)


class KernelInterrupted(Exception):
    """A notebook stopped without a Python error: a cell timed out or the kernel died."""

    def __init__(self, cell_index: int | None, error: str, message: str):
        super().__init__(message)
        self.cell_index = cell_index
        self.error = error
        self.message = message


class ControlCellError(RuntimeError):
    """A prepare/reset cell failed: the kernel is not in a known state."""


_ENGINE_REGISTERED = False


def register_engine() -> str:
    """Register the papermill engine that runs on an existing kernel; return its name.

    ``papermill.execute_notebook`` forwards unknown keyword arguments to the
    engine; this engine takes ``km`` and ``kc`` (a started kernel manager and
    its client) and hands both to nbclient, which neither starts nor shuts
    down a kernel it does not own (``NotebookClient.owns_km``).  Reusing the
    client too avoids opening five new ZMQ channels per notebook.
    """
    global _ENGINE_REGISTERED
    if _ENGINE_REGISTERED:
        return ENGINE_NAME
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import remove_args

    class WarmEngine(NBClientEngine):
        """papermill engine executing on a kernel started elsewhere."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     km=None, kc=None, **kwargs):
            if km is None or kc is None:
                raise ValueError("WarmEngine needs km and kc")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=False,
                # Timing metadata would make every run's .ipynb differ.
                record_timing=False,
                interrupt_on_timeout=False,
                **kwargs,
            )
            client.kc = kc
            try:
                return client.execute()
            except (CellTimeoutError, DeadKernelError) as exc:
                started = [i for i, cell in enumerate(nb_man.nb.cells)
                           if cell.metadata.get("papermill", {}).get("start_time")]
                index = started[-1] if started else None
                raise KernelInterrupted(index, type(exc).__name__, str(exc).strip()) from exc

    papermill_engines.register(ENGINE_NAME, WarmEngine)
    _ENGINE_REGISTERED = True
    return ENGINE_NAME


class WarmKernel:
    """One kernel kept warm for many notebooks, with a verified reset in between.

    Parameters
    ----------
    kernel_name : str
        Kernel spec to start (the notebooks' ``kernelspec.name``).
    preload : sequence of str
        Modules imported before the baseline is recorded.
    cwd : str or Path, optional
        The kernel's home directory, restored after every notebook.
    log_path : str or Path, optional
        File that receives the kernel's own stdout/stderr (transport and
        debugger warnings), so nothing reaches the terminal.
    startup_timeout : float
        Seconds to wait for the kernel to answer after launch.
    """

    def __init__(self, kernel_name: str = "python3", preload=DEFAULT_PRELOAD,
                 cwd: str | os.PathLike | None = None, log_path: str | os.PathLike | None = None,
                 startup_timeout: float = 60):
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.cwd = str(cwd) if cwd is not None else os.getcwd()
        self.log_path = str(log_path) if log_path is not None else os.devnull
        self.startup_timeout = startup_timeout
        self.km = None
        self.kc = None
        self.starts = 0
        #: True when the kernel must be restarted before the next notebook.
        self.dirty = False
        self._pending_init: str | None = None
        self._log = None

    # -- lifecycle -------------------------------------------------------
    def launch(self) -> None:
        """Start the kernel process and queue the warm-up cell; return without waiting.

        The warm-up request is sent before the kernel answers: ZMQ queues it on
        the connecting socket, so the kernel starts importing as soon as it is
        up while the caller does its own slow imports.
        """
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        if self._log is None:
            self._log = open(self.log_path, "ab", buffering=0)
        env = dict(os.environ)
        # The debugger's frozen-modules warning is noise in a batch run.
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        _use_lean_launcher(self.km)
        run_sync(self.km.start_kernel)(
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            cwd=self.cwd,
            env=env,
            stdout=self._log,
            stderr=self._log,
        )
        self.kc = self.km.client()
        # nbclient sets this on clients it creates; a notebook calling input()
        # must fail at once, not wait for an answer until the cell times out.
        self.kc.allow_stdin = False
        self.kc.start_channels()
        self.starts += 1
        self._pending_init = self.kc.execute(_INIT_CELL.format(preload=list(self.preload)),
                                             silent=True, store_history=False)

    def wait_ready(self) -> None:
        """Block until the kernel has run the warm-up cell and recorded its baseline."""
        if self._pending_init is None:
            return
        msg_id, self._pending_init = self._pending_init, None
        try:
            self._check(self._wait_reply(msg_id, self.startup_timeout + _CONTROL_TIMEOUT), "init")
        except ControlCellError:
            self.dirty = True
            raise
        self.dirty = False

    def start(self) -> None:
        """Start the kernel and wait until it is warm."""
        self.launch()
        self.wait_ready()

    def shutdown(self, now: bool = True) -> None:
        """Stop the kernel and its channels; safe to call twice."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=now)
            except Exception:
                pass
        self.km = self.kc = None

    def restart(self) -> None:
        """Replace the kernel by a fresh warm one."""
        self.shutdown(now=True)
        self.start()

    def close(self) -> None:
        """Shut the kernel down and close the log file."""
        self.shutdown(now=True)
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def pid(self) -> int | None:
        """Return the kernel's process id, or None when it is not running."""
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    # -- control cells ---------------------------------------------------
    def _wait_reply(self, msg_id: str, timeout: float) -> dict:
        from jupyter_core.utils import run_sync

        async def wait() -> dict:
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ControlCellError(batch_text.KERNEL_NOT_RESPONDING)
                try:
                    reply = await self.kc.get_shell_msg(timeout=min(remaining, 1.0))
                except Exception:  # queue.Empty: check the kernel is still alive
                    if not await self.km.is_alive():
                        raise ControlCellError(batch_text.KERNEL_EXITED) from None
                    continue
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"]

        return run_sync(wait)()

    @staticmethod
    def _check(content: dict, what: str) -> None:
        if content.get("status") != "ok":
            raise ControlCellError(f"{what}: {content.get('ename')}: {content.get('evalue')}")

    def _drain_iopub(self) -> None:
        """Drop queued broadcast messages so they do not pile up across notebooks."""
        from jupyter_core.utils import run_sync

        async def drain() -> None:
            while await self.kc.iopub_channel.msg_ready():
                await self.kc.iopub_channel.get_msg(timeout=0)

        try:
            run_sync(drain)()
        except Exception:
            pass

    def run_control(self, code: str, what: str) -> None:
        """Run a silent cell that stores no history; raise ControlCellError if it fails."""
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        self._check(self._wait_reply(msg_id, _CONTROL_TIMEOUT), what)

    def prepare(self, cwd: str | os.PathLike) -> None:
        """Make the kernel ready for a notebook that runs in ``cwd``, restarting it if needed."""
        if self.dirty or self.km is None:
            self.restart()
        elif self._pending_init is not None:
            self.wait_ready()
        self._drain_iopub()
        self.run_control(_PREPARE_CELL.format(cwd=str(cwd)), "prepare")

    def reset(self) -> str | None:
        """Reset the kernel to its baseline; return None if clean, else why it will be restarted."""
        try:
            self.run_control(_RESET_CELL, "reset")
        except ControlCellError as exc:
            self.dirty = True
            return str(exc)
        return None

    # -- notebooks -------------------------------------------------------
    def execute_notebook(self, input_path: str | os.PathLike, parameters: dict,
                         timeout: float | None = None):
        """Return the executed notebook (a NotebookNode) run by papermill on this kernel.

        Raises whatever papermill raises (``PapermillExecutionError`` for an
        error in a cell) or :class:`KernelInterrupted` for a timeout or a dead
        kernel.  The caller decides whether to :meth:`reset` or mark the
        kernel dirty.
        """
        import papermill

        engine = register_engine()
        return papermill.execute_notebook(
            str(input_path),
            None,
            parameters=parameters,
            engine_name=engine,
            kernel_name=self.kernel_name,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            km=self.km,
            kc=self.kc,
        )


def _use_lean_launcher(km) -> None:
    """Start ``km``'s kernel through :data:`_LAUNCH_CODE` when its spec is the standard ipykernel one."""
    from jupyter_client.kernelspec import KernelSpec

    spec = km.kernel_spec
    argv = list(spec.argv)
    if argv[1:3] != ["-m", "ipykernel_launcher"]:
        return  # another kernel (or launcher): start it as its spec says
    km._kernel_spec = KernelSpec(**{**spec.to_dict(), "argv": [argv[0], "-c", _LAUNCH_CODE, *argv[3:]]},
                                 resource_dir=spec.resource_dir)


def silence_papermill_logging() -> None:
    """Stop papermill/nbclient log records (missing-parameter warnings, timeouts) reaching stderr."""
    import logging

    for name in ("papermill", "traitlets", "nbclient", "jupyter_client", "asyncio"):
        log = logging.getLogger(name)
        log.setLevel(logging.CRITICAL + 1)
        log.propagate = False


def kernel_home(base: str | os.PathLike) -> Path:
    """Return (creating it) an empty directory to use as a warm kernel's home."""
    path = Path(base) / "kernel-home"
    path.mkdir(parents=True, exist_ok=True)
    return path
