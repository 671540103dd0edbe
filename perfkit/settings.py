"""Where perfkit finds its inputs and puts its outputs: the one place these defaults live.

Every command and API that needs a location takes it explicitly; when it is
not given, :func:`default_settings` decides, in this order: an environment
variable (``PERFKIT_DATA_DIR``, ``PERFKIT_NOTEBOOKS_DIR``, ``PERFKIT_REPORTS_DIR``),
the folder of that name in the current directory or its parent, and — for data and notebooks
only — the folders of the source checkout perfkit runs from (an editable
install).  Installed from a wheel, the report notebooks are the copies shipped
in the package (``perfkit.notebooks``); the data has no such fallback, so a data
folder must then be named (``--data``, ``PERFKIT_DATA_DIR``) or be in the
current directory.  Nothing is ever written into the package or the checkout
unless that location was asked for.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path


def _checkout() -> Path | None:
    """Return the source checkout this perfkit runs from (``pip install -e .``), or None when installed."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


#: The source checkout this perfkit runs from, or None when it runs from an installed wheel.
CHECKOUT = _checkout()

#: The package the report notebooks ship in (pyproject maps it to the checkout's notebooks/).
NOTEBOOKS_PACKAGE = "perfkit.notebooks"


@dataclass(frozen=True)
class Settings:
    """Locations of the data, the report notebooks and the rendered reports."""

    data_dir: Path
    notebooks_dir: Path
    reports_dir: Path
    #: where a province-wide check keeps each department's validated data and check results, keyed by the
    #: content of its files and of perfkit (``PERFKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/perfkit``, else
    #: ``~/.cache/perfkit``); never inside the data, the package or the checkout
    cache_dir: Path


def packaged_notebooks() -> Path | None:
    """Return the folder of the report notebooks shipped in the installed package, or None.

    The package has no ``__init__.py`` (it is the analysts' notebooks folder),
    so it is a namespace package; its import spec names its one real folder,
    which papermill needs as a path (``importlib.resources.files`` would give a
    MultiplexedPath).
    """
    spec = importlib.util.find_spec(NOTEBOOKS_PACKAGE)  # None in a source tree on sys.path (no mapping)
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        folder = Path(location)
        if any(folder.glob("*.ipynb")):
            return folder
    return None


def _first_existing(env: str, name: str, marker: str, fallback: Path | None) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env])
    here = Path.cwd() / name
    # ``../data`` too: JupyterLab runs a notebook in ``notebooks/``.
    for candidate in (here, Path.cwd().parent / name):
        if candidate.is_dir() and any(candidate.glob(marker)):
            return candidate
    if fallback is not None and fallback.is_dir() and any(fallback.glob(marker)):
        return fallback
    return here


def _notebooks_fallback() -> Path | None:
    if CHECKOUT is not None and any((CHECKOUT / "notebooks").glob("*.ipynb")):
        return CHECKOUT / "notebooks"
    return packaged_notebooks()


def default_settings() -> Settings:
    """Return the default locations (see the module docstring for the order they are looked up in)."""
    return Settings(
        data_dir=_first_existing("PERFKIT_DATA_DIR", "data", "*/department.yaml",
                                 CHECKOUT / "data" if CHECKOUT is not None else None),
        notebooks_dir=_first_existing("PERFKIT_NOTEBOOKS_DIR", "notebooks", "*.ipynb", _notebooks_fallback()),
        reports_dir=Path(os.environ.get("PERFKIT_REPORTS_DIR") or Path.cwd() / "reports"),
        cache_dir=_cache_dir(),
    )


def _cache_dir() -> Path:
    if os.environ.get("PERFKIT_CACHE_DIR"):
        return Path(os.environ["PERFKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "perfkit"
