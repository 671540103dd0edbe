"""The report files of a department-year, each written by one registered function of its analysis.

A writer is ``writer(a, out_dir) -> list[Path]``: it presents the one
:class:`~perfkit.analysis.YearAnalysis` it is given and computes nothing of
its own, so summary.json, the .xlsx and the .docx always show the same
numbers.  Writers register themselves with :func:`output`; adding an output
format is one module with a decorated writer (imported by
``perfkit/outputs/__init__.py``) plus its test.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfkit.analysis import YearAnalysis

Writer = Callable[[YearAnalysis, Path], list[Path]]

# name -> writer, in registration order: the order perfkit/outputs/__init__.py imports the modules.
_WRITERS: dict[str, Writer] = {}


def output(name: str) -> Callable[[Writer], Writer]:
    """Return a decorator registering a writer of the output called ``name`` (its file name).

    Raises
    ------
    ValueError
        When another writer is already registered under ``name``.
    """
    def register(writer: Writer) -> Writer:
        if name in _WRITERS and _WRITERS[name] is not writer:
            raise ValueError(f"output {name!r} is already registered by {_WRITERS[name].__module__}")
        _WRITERS[name] = writer
        return writer
    return register


def registered() -> tuple[str, ...]:
    """Return the names of the registered outputs, in the order :func:`write_outputs` writes them."""
    return tuple(_WRITERS)


def write_outputs(a: YearAnalysis, out_dir: str | Path) -> list[Path]:
    """Return the paths of every registered output of ``a``, written into ``out_dir`` in a fixed order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for writer in _WRITERS.values():
        paths.extend(writer(a, out_dir))
    return paths
