"""perfkit's exception hierarchy.

Every error a user can cause derives from :class:`PerfkitError`, so the CLI can
print it as a message instead of a traceback.  Data errors carry *all* the
problems found in one pass, each naming file, row, column, value and what was
expected, so an analyst fixes a file once instead of once per run.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from perfkit.text import messages
from perfkit.text import validation


@dataclass(frozen=True)
class Problem:
    """One problem in one input cell (or file, when row/column are None)."""

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += validation.AT_ROW.format(row=self.row)
        if self.column:
            # YAML files have fields, not columns; say it the way the user sees it
            kind = validation.FIELD if self.file.endswith((".yaml", ".yml")) else validation.COLUMN
            where += validation.AT_COLUMN.format(kind=kind, column=self.column)
        value = "" if self.value is None else validation.AT_VALUE.format(value=_short(str(self.value)))
        return validation.PROBLEM.format(where=where, value=value, expected=self.expected)


def _short(text: str, limit: int = 200) -> str:
    """Return ``text``, or its start and length when it is too long to print in a message."""
    return text if len(text) <= limit else messages.LONG_VALUE.format(start=text[:60], n=len(text))


class PerfkitError(Exception):
    """Base class of every error perfkit raises on purpose."""


class DataError(PerfkitError):
    """Input data failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(file or "", None, None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        lines = [validation.PROBLEMS.format(n=n)]
        lines += [validation.PROBLEM_ITEM.format(problem=p) for p in self.problems]
        return "\n".join(lines)


class RuleSetError(PerfkitError):
    """A rule-set file is missing, unreadable or inconsistent."""


class RenderError(PerfkitError):
    """Rendering could not start or could not finish (bad parameters, failed notebooks)."""


@dataclass
class NotebookFailure:
    """A notebook that failed during a batch render."""

    department: str
    year: int
    notebook: str
    cell: int | None = None
    error: str = ""
    message: str = ""

    def __str__(self) -> str:
        cell = "" if self.cell is None else validation.AT_CELL.format(cell=self.cell)
        return validation.NOTEBOOK_FAILURE.format(department=self.department, year=self.year, notebook=self.notebook,
                                                  cell=cell, error=self.error, message=self.message).strip()


@dataclass
class BatchRenderError(RenderError):
    """Some notebooks of a batch failed; the others were rendered."""

    failures: list[NotebookFailure] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [validation.NOTEBOOKS_FAILED.format(n=len(self.failures))]
        lines += [validation.PROBLEM_ITEM.format(problem=f) for f in self.failures]
        return "\n".join(lines)
