"""Where perfkit finds its inputs and puts its outputs: the one place these defaults live.

Every command and API that needs a location takes it explicitly; when it is
not given, :func:`default_settings` decides, in this order: an environment
variable (``PERFKIT_DATA_DIR``, ``PERFKIT_NOTEBOOKS_DIR``, ``PERFKIT_REPORTS_DIR``),
the folder of that name in the current directory or its parent, and — for data and notebooks
only — the folders of the source checkout perfkit runs from (an editable
install).  Nothing is ever written into the package or the checkout unless
that location was asked for.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The source checkout this perfkit runs from, when it is one (``pip install -e .``).
CHECKOUT = Path(__file__).resolve().parents[1]


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


def _first_existing(env: str, name: str, marker: str, from_checkout: bool) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env])
    here = Path.cwd() / name
    # ``../data`` too: JupyterLab runs a notebook in ``notebooks/``.
    for candidate in (here, Path.cwd().parent / name):
        if candidate.is_dir() and any(candidate.glob(marker)):
            return candidate
    checkout = CHECKOUT / name
    if from_checkout and checkout.is_dir() and any(checkout.glob(marker)):
        return checkout
    return here


def default_settings() -> Settings:
    """Return the default locations (see the module docstring for the order they are looked up in)."""
    return Settings(
        data_dir=_first_existing("PERFKIT_DATA_DIR", "data", "*/department.yaml", True),
        notebooks_dir=_first_existing("PERFKIT_NOTEBOOKS_DIR", "notebooks", "*.ipynb", True),
        reports_dir=Path(os.environ.get("PERFKIT_REPORTS_DIR") or Path.cwd() / "reports"),
        cache_dir=_cache_dir(),
    )


def _cache_dir() -> Path:
    if os.environ.get("PERFKIT_CACHE_DIR"):
        return Path(os.environ["PERFKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "perfkit"
