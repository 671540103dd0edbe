"""The ``perfkit`` command: check data, score, render reports, Excel in and out.

Every error a user can cause prints as a plain Chinese message, never a
traceback: the analyst needs the file, row and column (or the folder that
could not be written), not our stack.  Exit status: 0 success; 1 bad data
(files, rule sets) or a file that could not be read or written; 2 a usage
error (unknown option, department or year); 3 an internal error (a bug: run
again with ``PERFKIT_DEBUG=1`` for the traceback); 130 interrupted.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from pathlib import Path

from perfkit.errors import DataError, PerfkitError, RuleSetError
from perfkit.ingest.loading import find_departments
from perfkit.ingest.schema import CODE_RE
from perfkit.province import analyze_all, write_table
from perfkit.province.table import FORMATS
from perfkit.province.units import UnitCheck, YearCheck
from perfkit.settings import default_settings
from perfkit.text import cli as cli_text
from perfkit.text import messages
from perfkit.text import province as province_words

EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 2, 3, 130
DEBUG_ENV_VAR = "PERFKIT_DEBUG"


def _print_years(found: list[YearCheck]) -> None:
    for y in found:
        print(cli_text.YEAR_SUMMARY.format(year=y.year, checked=y.n_checked, mismatches=len(y.mismatches), listed=y.n_listed)
              + (cli_text.YEAR_UNEVALUATED.format(n=len(y.unevaluated)) if y.unevaluated else "")
              + (cli_text.YEAR_UNSCORED.format(n=y.n_unscored) if y.n_unscored else ""))
        for p in y.errors:
            print(cli_text.YEAR_ERROR.format(line=p))
        for line in y.mismatches:
            print(cli_text.YEAR_ERROR.format(line=line))
        for line in y.unevaluated:
            print(cli_text.YEAR_UNCHECKED.format(line=line))


def _print_unit(unit: UnitCheck) -> tuple[int, int]:
    """Print one department's check; return (data errors, mismatches and unevaluated formulas)."""
    for notice in unit.notices:
        print(cli_text.NOTICE.format(notice=notice))
    code, label, problems = unit.code, unit.name, unit.problems
    if problems:
        print(cli_text.DEPT_PROBLEMS.format(code=code, label=label, n=len(problems)))
        for p in problems:
            print(cli_text.PROBLEM_ITEM.format(problem=p))
        return len(problems), 0
    errors, doubts = unit.errors, unit.doubts
    years = "、".join(str(y.year) for y in unit.years)
    if errors:
        print(cli_text.DEPT_SCORING_PROBLEMS.format(code=code, label=label, n=len(errors), years=years))
    elif doubts:
        print(cli_text.DEPT_DOUBTS.format(code=code, label=label, years=years, n=doubts))
    else:
        print(cli_text.DEPT_OK.format(code=code, label=label, years=years))
    _print_years(unit.years)
    return len(errors), doubts


@contextlib.contextmanager
def _check_bar(show: bool):
    """Yield a ``progress(done, total)`` that draws a bar on stderr (None when not shown).

    Only in a terminal: a first check of a province takes minutes, but a log
    or a pipe would get one line per update.
    """
    if not show:
        yield None
        return
    from tqdm.auto import tqdm

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=province_words.CHECK_PROGRESS, unit=province_words.CHECK_PROGRESS_UNIT,
                       file=sys.stderr, dynamic_ncols=True)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def _cmd_check(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    if not data_dir.is_dir():
        print(messages.NO_DATA_DIR.format(path=data_dir), file=sys.stderr)
        return EXIT_USAGE
    known = find_departments(data_dir)
    codes = args.dept or known
    if not codes:
        print(cli_text.NO_DEPARTMENTS.format(data=data_dir), file=sys.stderr)
        return EXIT_USAGE
    unknown = [c for c in codes if c not in known]
    if unknown:
        print(cli_text.UNKNOWN_DEPARTMENTS.format(unknown=cli_text.LIST_SEP.join(unknown), data=data_dir,
                                                  known=cli_text.LIST_SEP.join(known) or cli_text.NONE), file=sys.stderr)
        return EXIT_USAGE
    if args.out and Path(args.out).suffix.lower() not in FORMATS:
        print(f"{args.out}：{province_words.OUT_SUFFIX}", file=sys.stderr)
        return EXIT_USAGE
    with _check_bar(not args.no_progress and sys.stderr.isatty()) as progress:
        province = analyze_all(data_dir, codes, processes=args.workers, use_cache=not args.no_cache,
                               progress=progress)
    n_errors = n_doubts = 0
    for unit in province.check.units:
        errors, doubts = _print_unit(unit)
        n_errors, n_doubts = n_errors + errors, n_doubts + doubts
    if len(codes) > 1:
        pc = province.check
        print(province_words.CHECK_TIMING.format(n=len(codes), cached=pc.n_cached, checked=pc.n_checked,
                                                 seconds=province.seconds["total"]))
    if args.out:
        print(province_words.TABLE_WRITTEN.format(path=write_table(province.summary, args.out)))
    if n_errors:
        print(cli_text.DATA_PROBLEMS.format(n=n_errors), file=sys.stderr)
        return EXIT_DATA
    if n_doubts and args.strict:
        print(cli_text.STRICT_DOUBTS.format(n=n_doubts), file=sys.stderr)
        return EXIT_DATA
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from perfkit.batch.render import render_all  # papermill and nbconvert: only when rendering

    result = render_all(args.data, args.out, departments=args.dept, years=args.year, workers=args.workers,
                        timeout=args.timeout, progress=not args.no_progress, force=args.force,
                        scheduler=args.scheduler)
    print(cli_text.RENDERED.format(n=len(result.rendered), notebooks=result.notebooks, seconds=result.seconds,
                                 index=Path(args.out) / "index.html"))
    if result.skipped:
        print(cli_text.SKIPPED.format(n=len(result.skipped)))
    if result.failures:
        print(cli_text.NOTEBOOKS_FAILED.format(n=len(result.failures)), file=sys.stderr)
        for failure in result.failures:
            print(f"  - {failure}", file=sys.stderr)
        if any(_no_space(f) for f in result.failures):
            print(messages.RENDER_DISK_FULL.format(out=args.out), file=sys.stderr)
        return 1
    return 0


# Commands that read departments look for them where perfkit.settings says when --data is not given;
# import and extract write, so they keep writing to the data/ of the current directory unless told.
_DATA_HELP = cli_text.HELP_DATA_DEFAULT


def _apply_defaults(args: argparse.Namespace) -> None:
    """Fill the locations the user did not give from :func:`perfkit.settings.default_settings`."""
    if getattr(args, "data", "") is None:
        args.data = str(default_settings().data_dir)
    if args.command == "render" and args.out is None:
        args.out = str(default_settings().reports_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkit",
        description=cli_text.DESCRIPTION,
    )
    sub = parser.add_subparsers(dest="command", metavar=cli_text.COMMANDS)

    p = sub.add_parser("check", help=cli_text.HELP_CHECK)
    p.add_argument("--data", help=_DATA_HELP)
    p.add_argument("--dept", action="append", help=cli_text.HELP_CHECK_DEPT)
    p.add_argument("--strict", action="store_true", help=cli_text.HELP_STRICT)
    p.add_argument("--out", metavar="FILE", help=cli_text.HELP_CHECK_OUT)
    p.add_argument("--workers", type=int, default=None, help=cli_text.HELP_WORKERS)
    p.add_argument("--no-cache", action="store_true", help=cli_text.HELP_NO_CACHE)
    p.add_argument("--no-progress", action="store_true", help=cli_text.HELP_NO_PROGRESS)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("render", help=cli_text.HELP_RENDER)
    p.add_argument("--data", help=_DATA_HELP)
    p.add_argument("--out", help=cli_text.HELP_RENDER_OUT_DEFAULT)
    p.add_argument("--dept", action="append", help=cli_text.HELP_RENDER_DEPT)
    p.add_argument("--year", type=int, action="append", help=cli_text.HELP_RENDER_YEAR)
    p.add_argument("--workers", type=int, default=None, help=cli_text.HELP_WORKERS)
    p.add_argument("--timeout", type=float, default=600, help=cli_text.HELP_TIMEOUT)
    p.add_argument("--no-progress", action="store_true", help=cli_text.HELP_NO_PROGRESS)
    p.add_argument("--force", action="store_true", help=cli_text.HELP_FORCE)
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help=cli_text.HELP_SCHEDULER)
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("template", help=cli_text.HELP_TEMPLATE)
    p.add_argument("output", help=cli_text.HELP_XLSX_OUT)
    p.add_argument("--dept", help=cli_text.HELP_TEMPLATE_DEPT)
    p.add_argument("--year", type=int, help=cli_text.HELP_TEMPLATE_YEAR)
    p.add_argument("--data", help=_DATA_HELP)
    p.add_argument("--rows", type=int, help=cli_text.HELP_ROWS)
    p.set_defaults(func=_lazy("perfkit.ingest.workbook", "cmd_template"))

    p = sub.add_parser("import", help=cli_text.HELP_IMPORT)
    p.add_argument("workbook", help=cli_text.HELP_WORKBOOK)
    p.add_argument("--data", default="data", help=cli_text.HELP_DATA_WRITTEN)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--merge", action="store_true", help=cli_text.HELP_IMPORT_MERGE)
    mode.add_argument("--replace", action="store_true", help=cli_text.HELP_REPLACE)
    p.set_defaults(func=_lazy("perfkit.ingest.workbook", "cmd_import"))

    p = sub.add_parser("export", help=cli_text.HELP_EXPORT)
    p.add_argument("output", help=cli_text.HELP_XLSX_OUT)
    p.add_argument("--dept", required=True, help=cli_text.HELP_DEPT_CODE)
    p.add_argument("--year", type=int, action="append", help=cli_text.HELP_EXPORT_YEAR)
    p.add_argument("--data", help=_DATA_HELP)
    p.set_defaults(func=_lazy("perfkit.ingest.workbook", "cmd_export"))

    p = sub.add_parser("extract", help=cli_text.HELP_EXTRACT)
    p.add_argument("files", nargs="+", metavar="FILE", help=cli_text.HELP_EXTRACT_FILES)
    p.add_argument("--dept", required=True, help=cli_text.HELP_EXTRACT_DEPT)
    p.add_argument("--year", type=int, help=cli_text.HELP_EXTRACT_YEAR)
    p.add_argument("--out", default="data", help=cli_text.HELP_DATA_WRITTEN)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--merge", action="store_true", help=cli_text.HELP_EXTRACT_MERGE)
    mode.add_argument("--replace", action="store_true", help=cli_text.HELP_REPLACE)
    p.set_defaults(func=_lazy("perfkit.extract.command", "cmd_extract"))
    return parser


def _lazy(module: str, name: str):
    """Return a handler that imports its module only when its sub-command runs (keeps --help fast)."""
    def handler(args):
        import importlib

        return getattr(importlib.import_module(module), name)(args)
    return handler


# What to do when a file cannot be written, per sub-command (the option that chooses the place).
_WRITE_HINTS = cli_text.WRITE_HINTS
_ERRNO_TEXT = {getattr(errno, name): text for name, text in cli_text.ERRNO_TEXT.items()}
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def _where_written(args: argparse.Namespace) -> Path | None:
    """Return the directory a sub-command writes into, as the user named it."""
    if args.command in ("render", "extract"):
        return Path(args.out)
    if args.command == "import":
        return Path(args.data)
    if args.command in ("template", "export"):
        return Path(args.output).parent
    return None


def _os_message(err: OSError, args: argparse.Namespace) -> str:
    """Return one line naming the directory that failed, why, and what to do."""
    why = _ERRNO_TEXT.get(err.errno, err.strerror or type(err).__name__)
    failed = cli_text.FAILED_FILE.format(file=err.filename) if err.filename else ""
    folder = _where_written(args)
    if folder is None or (err.filename and not _inside(err.filename, folder)):  # an input that could not be read
        return cli_text.CANNOT_READ.format(failed=failed, why=why)
    hint = _WRITE_HINTS.get(args.command, cli_text.WRITE_HINT_OTHER)
    if err.errno in _NO_SPACE:
        return cli_text.CANNOT_WRITE_FULL.format(folder=folder, failed=failed, why=why,
                                                 advice=messages.DISK_FULL_ADVICE.format(hint=hint))
    return cli_text.CANNOT_WRITE.format(folder=folder, failed=failed, why=why, hint=hint)


def _inside(name, folder: Path) -> bool:
    """Return True when the file ``name`` is ``folder`` or lies under it."""
    path, root = os.path.realpath(os.fsdecode(name)), os.path.realpath(folder)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _no_space(failure) -> bool:
    """Return True when a render failure is a write that found the disk full (or over quota)."""
    # A kernel's OSError arrives as text only: "[Errno 28] No space left on device: '…'", maybe after a prefix.
    return any(f"[Errno {code}]" in failure.message for code in _NO_SPACE)


def main(argv: list[str] | None = None) -> int:
    """Return the exit status of one ``perfkit`` command (see the module docstring for the codes)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    _apply_defaults(args)
    try:
        code = getattr(args, "dept", None)
        if args.command in ("export", "template", "extract") and code is not None and not CODE_RE.match(code):
            raise PerfkitError(messages.DEPT_NOT_A_CODE.format(code=code))  # read or written outside the data folder
        return int(args.func(args) or 0)
    except (DataError, RuleSetError) as err:
        print(cli_text.ERROR.format(error=err), file=sys.stderr)
        return EXIT_DATA
    except PerfkitError as err:
        print(cli_text.ERROR.format(error=err), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader of our output went away (perfkit check | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_DATA
    except OSError as err:
        print(_os_message(err, args), file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print(cli_text.INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # noqa: BLE001 - the boundary: a bug still gets a message, not a stack
        if os.environ.get(DEBUG_ENV_VAR):
            raise
        print(cli_text.INTERNAL_ERROR.format(kind=type(err).__name__, error=err, variable=DEBUG_ENV_VAR), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
