"""The kernel side of a warm kernel: baseline, reset and verification, run *inside* the kernel.

Called by one-line control cells that bind no names (see
:mod:`perfkit.batch.kernels`, which drives the kernel from the worker).  This
module imports only the standard library at module level, so importing it in
the kernel is cheap.  Between notebooks everything a notebook can change is put
back to the baseline (user namespace and ``In``/``Out`` history, matplotlib
figures and rcParams, working directory, environment, ``sys.path``,
pandas/numpy options, random state, warning filters, builtins, IPython hooks
and formatters, perfkit caches), and the reset then *verifies* the kernel
equals the baseline; anything it cannot put back makes it fail, and the
worker restarts the kernel instead of risking a leak.
"""
from __future__ import annotations

import os
import sys
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
    "perfkit.text.batch",  # the warm-up's words (below), looked up in sys.modules like the other libraries
)


#: Cyclic-GC thresholds of warm kernels and workers.  A report allocates millions of short-lived
#: objects (pandas, openpyxl and python-docx trees, bs4 in the HTML export); with the default
#: (700, 10, 10) the collector runs some 700 times per department-year, ~6 % of a kernel's CPU,
#: for cycles a reset collects anyway.  Larger generations collect the same garbage ~20× less often.
GC_THRESHOLDS = (10_000, 20, 20)

_BASELINE: dict[str, Any] | None = None


def _warm_up_libraries() -> None:
    """Exercise first-use code paths (font lookup, Agg text, HTML repr) once."""
    import io

    modules = sys.modules
    batch_text = modules.get("perfkit.text.batch")
    if "matplotlib.pyplot" in modules:
        plt = modules["matplotlib.pyplot"]
        fig = plt.figure(figsize=(1, 1))
        # ASCII only outside the CJK style: a missing-glyph warning here would
        # be remembered and hide the same warning from a notebook.
        fig.text(0.1, 0.5, "99.3%")
        fonts = modules.get("perfkit.present.fonts")
        if fonts is not None and batch_text is not None:
            try:
                with fonts.chinese_style():
                    fig.text(0.1, 0.2, batch_text.WARM_UP_TEXT)
                    fig.savefig(io.BytesIO(), format="png", dpi=20)
            except Exception:  # a font problem shows up in the notebook, with context
                pass
        fig.savefig(io.BytesIO(), format="png", dpi=20)
        plt.close(fig)
    if "pandas" in modules and batch_text is not None:
        pd = modules["pandas"]
        frame = pd.DataFrame({batch_text.WARM_UP_COLUMN: [1.5, 2.25]}, index=list(batch_text.WARM_UP_INDEX))
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
    gc.set_threshold(*GC_THRESHOLDS)
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
    recomputing them costs milliseconds.
    """
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "perfkit" or name.startswith("perfkit.")):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
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
