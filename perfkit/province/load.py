"""Checking every department under a data directory: in parallel processes, cached, stacked into province tables.

A province holds thousands of small department folders.  Checking one costs
tens of milliseconds of pandas work however small it is, so departments are
grouped into :data:`N_BUCKETS` buckets by a hash of their code, and each
bucket is handled in a worker process (one per core): its departments' files
are validated together (:func:`perfkit.ingest.loading.validate_many`), each
department-year is checked, and the bucket's rows are stacked (``dept``
column) and scored in one pass (:mod:`perfkit.province.scoring`).

Each bucket's result is kept in the cache directory
(:attr:`perfkit.settings.Settings.cache_dir`) under a key made of perfkit's own
code and built-in rules (:func:`perfkit.batch.fingerprint.tool_digest`) and,
for every department in it, its path and the name, size and modification time
of every file in its folder (a bucket with a file written in the last seconds
is not cached).  A second check of an unchanged province reads
only the cache; a changed department costs its bucket.  The data folders are
only read, never written.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa

from perfkit.batch.fingerprint import tool_digest
from perfkit.ingest.loading import find_departments
from perfkit.province.scoring import EMPTY_SCORED
from perfkit.province.units import CHECK_COLUMNS, UnitCheck, check_and_score
from perfkit.settings import default_settings

CACHE_FORMAT = "6"  # bump when what a bucket holds changes shape
N_BUCKETS = 64  # fixed, so adding a department leaves the other buckets' cache valid
SCORED = ("checks", "indicators", "execution", "totals")  # what a bucket keeps and the province stacks
_EMPTY_COLUMNS = {"checks": CHECK_COLUMNS, **EMPTY_SCORED}
# A bucket holding a file changed within this many nanoseconds of the check is checked but not cached, as git
# re-reads "racy" entries: a second edit of the same size inside the timestamp's granularity must not be missed.
RACY_NS = 3_000_000_000


@dataclass
class Bucket:
    """The checks of some departments and their stacked tables (each with a ``dept`` column)."""

    units: list[UnitCheck]
    # checks, and the scored indicators, execution and totals: Arrow tables, or frames Arrow cannot type
    tables: dict[str, pa.Table | pd.DataFrame]

    def __getstate__(self) -> dict:
        # Pickled, an Arrow array that is a slice of a larger buffer writes the whole buffer: a bucket's
        # columns are slices of the stack its departments were validated in (one per department), so
        # each column would be written once per department, a cache growing with the square of the
        # bucket (1.4 MB for 4 departments, 11 GB read back for a province of 3,000).  The Arrow IPC
        # format writes each slice's own bytes, and is read back without copying.
        return {"units": self.units,
                "tables": {name: _ipc_bytes(t) if isinstance(t, pa.Table) else t for name, t in self.tables.items()}}

    def __setstate__(self, state: dict) -> None:
        self.units = state["units"]
        self.tables = {name: pa.ipc.open_stream(t).read_all() if isinstance(t, bytes) else t
                       for name, t in state["tables"].items()}


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@dataclass
class ProvinceCheck:
    """Every department's :class:`~perfkit.province.units.UnitCheck` in code order, the stacked tables, timings."""

    data_dir: Path
    units: list[UnitCheck]
    tables: dict[str, pd.DataFrame]
    n_cached: int = 0  # departments read from the cache
    n_checked: int = 0  # departments checked in this run
    seconds: dict = field(default_factory=dict)


def _signature(path: Path, now: int) -> tuple[str, bool]:
    """Return the name, size and modification time of every file under a department folder (hidden ones left out),
    and whether any was written too recently for its time to tell a second edit (then it is not cached)."""
    out = []
    racy = False
    stack = [path]
    while stack:
        here = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            return "missing", True
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir():
                stack.append(Path(e.path))
            else:
                st = e.stat()
                racy |= now - st.st_mtime_ns < RACY_NS
                out.append(f"{os.path.relpath(e.path, path)}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(out), racy


def bucket_of(code: str) -> int:
    """Return the bucket a department code falls in (stable across runs and machines)."""
    return zlib.crc32(code.encode("utf-8")) % N_BUCKETS


def _bucket_key(paths: list[Path]) -> tuple[str, bool]:
    """Return a bucket's cache key, and whether a file in it is too fresh for the result to be kept."""
    h = hashlib.sha256()
    h.update(f"{CACHE_FORMAT}\0{tool_digest()}\0".encode())
    now = time.time_ns()
    racy = False
    for p in paths:
        sig, fresh = _signature(p, now)
        racy |= fresh
        h.update(f"{p}\0{sig}\0".encode("utf-8"))
    return h.hexdigest(), racy


def check_bucket(paths: list[str]) -> Bucket:
    """Return the checks of the departments in ``paths`` and their scored tables (the work of one process).

    The departments are validated together and scored in one pass, and each
    year's checks read its share of that pass
    (:func:`perfkit.province.units.check_and_score`), here in the worker: the
    scores are computed in parallel and cached with the checks, so a second
    check of an unchanged province scores nothing again.
    """
    units, scored = check_and_score(paths)
    frames = [u.checks for u in units if u.checks is not None and len(u.checks)]
    tables = {"checks": pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), **scored}
    for u in units:
        u.release()
    return Bucket(units, {name: _to_arrow(df) for name, df in tables.items()})


def _to_arrow(df: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """Return a bucket's table as an Arrow table, which a warm check reads and stacks many times faster
    than pickled frames (no per-column unpickling, one concatenation of buffers); a column Arrow cannot
    type (numbers and texts mixed, as a check's stated value may be) keeps the frame as it is."""
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return df


def _stack(frames: list[pa.Table | pd.DataFrame]) -> pd.DataFrame:
    """Return the buckets' tables one under the other as one frame.

    Arrow tables are concatenated as buffers and converted once (a categorical column stays categorical,
    its categories unioned); a bucket kept as a frame, or tables Arrow cannot unify, go through pandas.
    """
    if all(isinstance(f, pa.Table) for f in frames):
        try:
            return pa.concat_tables(frames, promote_options="permissive").to_pandas()
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
    frames = [f.to_pandas() if isinstance(f, pa.Table) else f for f in frames]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _read_cached(file: Path) -> Bucket | None:
    try:
        with file.open("rb") as fh:
            hit = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None  # absent, half-written by a killed run, or from an older perfkit: check again
    return hit if isinstance(hit, Bucket) else None


def _write_cached(file: Path, bucket: Bucket) -> None:
    """Write one bucket atomically; a cache that cannot be written only costs time next run."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".pkl")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(bucket, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass


def _run(groups: list[list[str]], processes: int) -> Iterator[Bucket]:
    """Yield each group's bucket, in order, as soon as it and those before it are checked."""
    if processes <= 1 or len(groups) < 2:
        yield from map(check_bucket, groups)
        return
    # fork: the workers start with perfkit already imported (a spawned one would pay the imports again)
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=processes, mp_context=ctx) as pool:
        yield from pool.map(check_bucket, groups)


def check_province(data_dir: str | os.PathLike, departments: list[str] | None = None,
                   processes: int | None = None, cache_dir: str | os.PathLike | None = None,
                   use_cache: bool = True, progress: Callable[[int, int], None] | None = None) -> ProvinceCheck:
    """Return the check of every department under ``data_dir`` (or of ``departments``), cached and in parallel.

    Parameters
    ----------
    data_dir : path
        The folder holding one sub-folder per department.
    departments : list of str, optional
        Codes to check; all departments by default.
    processes : int, optional
        Worker processes (default: the number of cores; 1 checks in this process).
    cache_dir : path, optional
        Default :attr:`perfkit.settings.Settings.cache_dir`.
    use_cache : bool
        False checks everything again and reads or writes no cache.
    progress : callable, optional
        Called as ``progress(done, total)`` with the number of departments to
        check in this run before the first bucket and as each bucket is done
        (a first check of a province takes minutes); not called when the cache
        answers for every department.
    """
    start = time.perf_counter()
    data_dir = Path(data_dir)
    codes = list(departments) if departments is not None else find_departments(data_dir)
    cache = Path(cache_dir) if cache_dir is not None else default_settings().cache_dir
    members: dict[int, list[str]] = {}
    for code in codes:
        members.setdefault(bucket_of(code), []).append(code)
    found: dict[int, Bucket] = {}
    files: dict[int, Path] = {}
    for b, group in members.items():
        if use_cache:
            key, racy = _bucket_key([data_dir / c for c in group])
            files[b] = cache / "check" / f"bucket-{b:02d}-{key[:32]}.pkl"
            if racy:  # a file written moments ago may be written again within its timestamp's granularity
                files.pop(b)
                continue
            hit = _read_cached(files[b])
            if hit is not None and [u.code for u in hit.units] == group:
                found[b] = hit
    n_cached = sum(len(members[b]) for b in found)
    t_cache = time.perf_counter()
    todo = [b for b in members if b not in found]
    n = processes if processes is not None else (os.cpu_count() or 1)
    total, done = sum(len(members[b]) for b in todo), 0
    if progress is not None and todo:
        progress(done, total)
    for b, bucket in zip(todo, _run([[str(data_dir / c) for c in members[b]] for b in todo], n)):
        found[b] = bucket
        if b in files:
            _write_cached(files[b], bucket)
        done += len(bucket.units)
        if progress is not None:
            progress(done, total)
    t_check = time.perf_counter()
    by_code = {u.code: u for b in found.values() for u in b.units}
    units = [by_code[c] for c in codes]
    tables = {}
    for name in SCORED:
        frames = [found[b].tables[name] for b in sorted(found)
                  if name in found[b].tables and found[b].tables[name].shape[0]]
        tables[name] = _stack(frames) if frames else pd.DataFrame(columns=_EMPTY_COLUMNS[name])
    end = time.perf_counter()
    return ProvinceCheck(data_dir, units, tables, n_cached=n_cached, n_checked=len(codes) - n_cached,
                         seconds={"cache": t_cache - start, "check": t_check - t_cache, "stack": end - t_check,
                                  "total": end - start})
