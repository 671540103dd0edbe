"""What a batch render did: :class:`RenderResult`, returned by :func:`perfkit.batch.render.render_all`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from perfkit.errors import BatchRenderError, NotebookFailure


@dataclass
class RenderResult:
    """What a batch render did.

    Attributes
    ----------
    out_dir : Path
        Where the reports are.
    rendered : list of (str, int)
        Department-years written (moved into place) by this run.
    failures : list of NotebookFailure
        Every notebook (or summary) that failed; its department-year was not
        written and any previous report of it was left in place.
    notebooks : int
        Notebook executions attempted.
    seconds : float
        Wall time of the whole call.
    workers : int
        Worker processes used.
    kernel_starts : int
        Kernels started (one per worker plus restarts after failures or a
        failed reset check).
    timings : dict of str to float
        Seconds summed over workers per stage (``kernel_launch``,
        ``worker_imports``, ``kernel_wait``, ``prepare``, ``restart``,
        ``execute``, ``write_ipynb``, ``html``, ``reset``) and parent stages
        (``plan``, ``pool_start``, ``summary``, ``finalize``, ``index``).
    index : Path or None
        The index page.
    """

    out_dir: Path
    rendered: list[tuple[str, int]] = field(default_factory=list)
    failures: list[NotebookFailure] = field(default_factory=list)
    notebooks: int = 0
    seconds: float = 0.0
    workers: int = 0
    kernel_starts: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    index: Path | None = None
    reset_problems: list[str] = field(default_factory=list)
    #: department-years left as they were: their inputs did not change since their last render
    skipped: list[tuple[str, int]] = field(default_factory=list)
    #: (department, year) -> {step: times it ran}, as reported by the kernel (see perfkit.analysis.STAGE_COUNTS)
    stage_counts: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True when nothing failed."""
        return not self.failures

    def raise_for_failures(self) -> None:
        """Raise BatchRenderError listing the failures, if there are any."""
        if self.failures:
            raise BatchRenderError(failures=list(self.failures))
