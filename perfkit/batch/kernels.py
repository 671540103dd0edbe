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

This module has two halves that run in different processes:

* ``kernel_init`` / ``kernel_prepare`` / ``kernel_reset`` run *inside* the
  kernel (they are called by one-line cells that bind no names).  They import
  only the standard library at module level, so importing this module in the
  kernel is cheap.
* :class:`WarmKernel` runs in the worker process and drives the kernel with
  jupyter_client and papermill, both imported lazily.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

#: Modules imported into every warm kernel before the baseline is taken.
#: Missing or broken optional modules are skipped (a notebook that needs them
#: reports the error itself).
DEFAULT_PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "pandas.io.formats.style",
    "matplotlib",
    "matplotlib.pyplot",
    "yaml",
    "perfkit",
)

# Seconds allowed for the short control cells (prepare / reset).
_CONTROL_TIMEOUT = 60

# The control cells: expressions only, so they bind nothing in the user namespace.
_INIT_CELL = "__import__('perfkit.batch.kernels', fromlist=['_']).kernel_init({preload!r})"
_PREPARE_CELL = "__import__('perfkit.batch.kernels', fromlist=['_']).kernel_prepare({cwd!r})"
_RESET_CELL = "__import__('perfkit.batch.kernels', fromlist=['_']).kernel_reset()"

# Name of the papermill engine that runs a notebook on an existing kernel.
ENGINE_NAME = "perfkit-warm"


# --------------------------------------------------------------------------
# Kernel side
# --------------------------------------------------------------------------

_BASELINE: dict[str, Any] | None = None


def _warm_up_libraries() -> None:
    """Exercise first-use code paths (font lookup, Agg text, HTML repr) once."""
    import io

    modules = sys.modules
    if "matplotlib.pyplot" in modules:
        plt = modules["matplotlib.pyplot"]
        fig = plt.figure(figsize=(1, 1))
        # ASCII only outside the CJK style: a missing-glyph warning here would
        # be remembered and hide the same warning from a notebook.
        fig.text(0.1, 0.5, "99.3%")
        fonts = modules.get("perfkit.present.fonts")
        if fonts is not None:
            try:
                with fonts.chinese_style():
                    fig.text(0.1, 0.2, "绩效自评 96.67")
                    fig.savefig(io.BytesIO(), format="png", dpi=20)
            except Exception:  # a font problem shows up in the notebook, with context
                pass
        fig.savefig(io.BytesIO(), format="png", dpi=20)
        plt.close(fig)
    if "pandas" in modules:
        pd = modules["pandas"]
        frame = pd.DataFrame({"金额": [1.5, 2.25]}, index=["甲", "乙"])
        frame._repr_html_()
        frame.to_string()


def kernel_init(preload: list[str] | tuple[str, ...] = DEFAULT_PRELOAD) -> None:
    """Import ``preload``, warm the libraries up, record the baseline.

    Runs inside the kernel.  Returns None; the baseline is kept in this module.
    """
    import importlib

    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:
            # Optional module missing or broken: the notebook that imports it
            # will report the real error with its own traceback.
            continue
    try:
        _warm_up_libraries()
    except Exception:
        pass
    _reset_state()
    # Every reset runs a full garbage collection (IPython's reset does); with
    # the pre-imported libraries moved to the permanent generation it only
    # scans what notebooks created: ~70 ms down to a few.
    import gc

    gc.collect()
    gc.freeze()
    global _BASELINE
    _BASELINE = _snapshot()


def kernel_prepare(cwd: str) -> None:
    """Enter ``cwd`` and restart execution numbering at 1 for the next notebook.

    Runs inside the kernel.
    """
    from IPython import get_ipython

    os.chdir(cwd)
    get_ipython().execution_count = 1


def kernel_reset() -> None:
    """Put the kernel back to its baseline; raise RuntimeError if it is not clean after.

    Runs inside the kernel.  The error message lists what differs, so a worker
    can log why it had to restart the kernel.
    """
    if _BASELINE is None:
        raise RuntimeError("kernel_init was not run in this kernel")
    _reset_state(_BASELINE)
    problems = _compare(_BASELINE, _snapshot())
    if problems:
        raise RuntimeError("kernel state differs from baseline: " + "; ".join(problems))


def _ipython():
    from IPython import get_ipython

    return get_ipython()


def _formatter_state(ip) -> dict:
    return {
        mime: (dict(f.type_printers), dict(f.deferred_printers), f.enabled)
        for mime, f in ip.display_formatter.formatters.items()
    }


def _inline_backend_state() -> dict | None:
    mod = sys.modules.get("matplotlib_inline.backend_inline")
    if mod is None or not mod.InlineBackend.initialized():
        return None
    cfg = mod.InlineBackend.instance()
    return {
        "figure_formats": set(cfg.figure_formats),
        "print_figure_kwargs": dict(cfg.print_figure_kwargs),
        "rc": dict(cfg.rc),
        "close_figures": cfg.close_figures,
    }


def _user_module(module) -> bool:
    """Return True for a module loaded from outside the Python installation and perfkit."""
    path = getattr(module, "__file__", None)
    if not path:
        return False
    path = os.path.realpath(path)
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    perfkit = sys.modules.get("perfkit")
    if perfkit is not None and getattr(perfkit, "__file__", None):
        roots.add(os.path.dirname(os.path.realpath(perfkit.__file__)))
    return not any(path.startswith(root + os.sep) for root in roots)


def _pandas_options(pd) -> dict[str, Any]:
    """Return every registered pandas option and its value."""
    import warnings

    from pandas._config import config as pd_config

    options = {}
    with warnings.catch_warnings():
        # Reading a deprecated option warns; the value is still wanted.
        warnings.simplefilter("ignore")
        for key in pd_config._registered_options:
            try:
                options[key] = pd.get_option(key)
            except Exception:
                continue
    return options


def _snapshot() -> dict[str, Any]:
    """Return the parts of kernel state a notebook can change, in comparable form."""
    import builtins
    import logging
    import random
    import threading
    import warnings

    ip = _ipython()
    snap: dict[str, Any] = {
        "user_ns": {k: type(v) for k, v in ip.user_ns.items()},
        "cwd": os.getcwd(),
        "environ": dict(os.environ),
        "sys.path": list(sys.path),
        "modules": set(sys.modules),
        "builtins": dict(vars(builtins)),
        "stdio": (sys.stdout, sys.stderr, sys.stdin),
        "warnings": list(warnings.filters),
        "logging": (logging.root.level, list(logging.root.handlers)),
        "random": random.getstate(),
        "threads": {t for t in threading.enumerate() if not t.daemon},
        "events": {k: list(v) for k, v in ip.events.callbacks.items()},
        "formatters": _formatter_state(ip),
        "magics": {kind: set(table) for kind, table in ip.magics_manager.magics.items()},
        "extensions": set(ip.extension_manager.loaded),
        "inline": _inline_backend_state(),
        "execution_count": ip.execution_count,
    }
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        snap["rcParams"] = dict(mpl.rcParams.copy())
        plt = sys.modules.get("matplotlib.pyplot")
        snap["figures"] = list(plt.get_fignums()) if plt is not None else []
        snap["backend"] = plt.get_backend() if plt is not None else None
    pd = sys.modules.get("pandas")
    if pd is not None:
        snap["pandas"] = _pandas_options(pd)
    np = sys.modules.get("numpy")
    if np is not None:
        snap["numpy"] = (np.geterr(), np.get_printoptions())
        snap["numpy.random"] = np.random.get_state(legacy=True)
    return snap


def _reset_state(base: dict[str, Any] | None = None) -> None:
    """Clear the user namespace and caches; restore everything recorded in ``base``."""
    import builtins
    import logging
    import random
    import warnings

    ip = _ipython()
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    # new_session=True also empties In/Out and restarts execution numbering.
    ip.reset(new_session=True)
    _clear_perfkit_caches()
    # Forget which warnings were already shown ("default" shows each once), so
    # every notebook sees the warnings a fresh kernel would show it.
    warnings._filters_mutated()
    if base is None:
        return

    if os.getcwd() != base["cwd"]:
        os.chdir(base["cwd"])
    if dict(os.environ) != base["environ"]:
        os.environ.clear()
        os.environ.update(base["environ"])
    sys.path[:] = base["sys.path"]
    for name in set(sys.modules) - base["modules"]:
        if _user_module(sys.modules[name]):
            del sys.modules[name]
    names = vars(builtins)
    for key in set(names) - set(base["builtins"]):
        del names[key]
    for key, value in base["builtins"].items():
        if names.get(key) is not value:
            names[key] = value
    sys.stdout, sys.stderr, sys.stdin = base["stdio"]
    warnings.filters[:] = base["warnings"]
    warnings._filters_mutated()
    logging.root.setLevel(base["logging"][0])
    logging.root.handlers[:] = base["logging"][1]
    random.setstate(base["random"])
    for event, callbacks in base["events"].items():
        ip.events.callbacks[event][:] = callbacks
    for mime, (printers, deferred, enabled) in base["formatters"].items():
        formatter = ip.display_formatter.formatters[mime]
        formatter.type_printers.clear()
        formatter.type_printers.update(printers)
        formatter.deferred_printers.clear()
        formatter.deferred_printers.update(deferred)
        formatter.enabled = enabled
    if base["inline"] is not None:
        cfg = sys.modules["matplotlib_inline.backend_inline"].InlineBackend.instance()
        for key, value in base["inline"].items():
            if getattr(cfg, key) != value:
                setattr(cfg, key, type(value)(value) if isinstance(value, (set, dict)) else value)

    if "rcParams" in base:
        mpl = sys.modules["matplotlib"]
        if plt is not None and base.get("backend") and plt.get_backend() != base["backend"]:
            plt.switch_backend(base["backend"])
        mpl.rcParams._update_raw(base["rcParams"])
    if "pandas" in base:
        pd = sys.modules["pandas"]
        current = _pandas_options(pd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in base["pandas"].items():
                if current.get(key) != value:
                    pd.set_option(key, value)
    if "numpy" in base:
        np = sys.modules["numpy"]
        err, printopts = base["numpy"]
        np.seterr(**err)
        np.set_printoptions(**printopts)
        np.random.set_state(base["numpy.random"])
    ip.execution_count = base["execution_count"]


def _clear_perfkit_caches() -> None:
    """Empty every functools cache in loaded perfkit modules.

    Some perfkit caches depend on state a notebook can change (the font lookup
    reads an environment variable), so none is trusted across notebooks;
    recomputing them costs milliseconds.  A module may define
    ``_reset_caches()`` for state that is not a functools cache, and list in
    ``_PURE_CACHES`` the names of caches that depend on their arguments only
    and return values nobody mutates: those survive between notebooks.
    """
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "perfkit" or name.startswith("perfkit.")):
            continue
        hook = getattr(module, "_reset_caches", None)
        if callable(hook):
            hook()
        pure = set(getattr(module, "_PURE_CACHES", ()))
        for attr, value in list(vars(module).items()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name and attr not in pure:
                clear()


def _compare(base: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Return a description of every way ``now`` differs from ``base``."""
    problems = []
    if now["user_ns"] != base["user_ns"]:
        extra = sorted(set(now["user_ns"]) - set(base["user_ns"]))
        problems.append(f"user namespace ({', '.join(extra) or 'types changed'})")
    ip = _ipython()
    if ip.user_ns.get("In") != [""] or ip.user_ns.get("Out"):
        problems.append("In/Out history")
    if now["modules"] - base["modules"] and any(
        _user_module(sys.modules[m]) for m in now["modules"] - base["modules"]
    ):
        problems.append("user modules")
    for key in ("cwd", "environ", "sys.path", "warnings", "events", "magics", "extensions",
                "inline", "execution_count", "stdio", "logging", "rcParams", "figures",
                "backend", "pandas"):
        if key in base and now.get(key) != base[key]:
            problems.append(key)
    if now["threads"] - base["threads"]:
        problems.append("threads")
    if now["builtins"].keys() != base["builtins"].keys() or any(
        now["builtins"][k] is not v for k, v in base["builtins"].items()
    ):
        problems.append("builtins")
    if "numpy" in base and now["numpy"] != base["numpy"]:
        problems.append("numpy options")
    return problems


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

    import perfkit

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
                    raise ControlCellError("内核无响应")
                try:
                    reply = await self.kc.get_shell_msg(timeout=min(remaining, 1.0))
                except Exception:  # queue.Empty: check the kernel is still alive
                    if not await self.km.is_alive():
                        raise ControlCellError("内核进程已退出") from None
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
