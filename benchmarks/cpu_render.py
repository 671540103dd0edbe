"""CPU seconds of ``perfkit render`` per department-year: parent, workers and kernels separately.

Run on demand (not part of the test suite).  Wall time on a shared 2-core
machine says little; CPU time does not depend on what else runs::

    python benchmarks/cpu_render.py                      # the shipped data/
    python benchmarks/cpu_render.py --units 6 --years 2  # a synthetic province
    python benchmarks/cpu_render.py --profile DIR        # also cProfile each process into DIR

CPU of the parent is ``getrusage(RUSAGE_SELF)`` around ``Renderer.render``;
that of each worker and kernel is read from ``/proc/<pid>/stat`` just before
they are stopped (the pool is started and warmed by the same render once before, so
the numbers exclude start-up; ``--cold`` includes it).
With ``--profile`` the parent, every worker (through a ``sitecustomize`` on
their path) and every kernel (a wrapping jobs module, enabled from the first
``begin`` to the last ``end``) write ``.prof`` files, and the top functions
by cumulative time are printed.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from province import YEARS, make_province  # noqa: E402

from perfkit.batch.render import Jobs, Renderer  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")

_SITECUSTOMIZE = '''
import os, sys
_dir = os.environ.get("PERFKIT_CPU_PROFILE_DIR")
if _dir and "perfkit.batch.worker" in " ".join(getattr(sys, "orig_argv", [])):
    import atexit, cProfile
    _prof = cProfile.Profile()
    _prof.enable()
    def _dump():
        _prof.disable()
        _prof.dump_stats(os.path.join(_dir, f"worker-{os.getpid()}.prof"))
    atexit.register(_dump)
'''

_KERNEL_JOBS = '''
"""perfkit's kernel jobs, with cProfile running in the kernel from begin to end."""
import cProfile
import os

from perfkit.batch import kernel_jobs

_PROF = cProfile.Profile()
_DIR = os.environ["PERFKIT_CPU_PROFILE_DIR"]


def begin(department, data_dir):
    _PROF.enable()
    kernel_jobs.begin(department, data_dir)


def finish_year(department, year, stage):
    kernel_jobs.finish_year(department, year, stage)


def end():
    kernel_jobs.end()
    _PROF.disable()
    _PROF.dump_stats(os.path.join(_DIR, f"kernel-{os.getpid()}.prof"))
'''


def proc_cpu(pid: int | None) -> float:
    """Return user + system CPU seconds of a running process (0 when it is gone)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def self_cpu() -> float:
    """Return this process's user + system CPU seconds."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def pool_cpu(renderer: Renderer) -> dict[str, float]:
    """Return CPU seconds so far of the renderer's workers and of their kernels."""
    workers = sum(proc_cpu(w.proc.pid) for w in renderer._workers)
    kernels = sum(proc_cpu(w.info.get("pid")) for w in renderer._workers)
    return {"workers": workers, "kernels": kernels}


def measure(data_dir: Path, out: Path, workers: int, years, jobs: Jobs, cold: bool,
            parent_prof: cProfile.Profile | None) -> dict:
    """Return CPU seconds (parent, workers, kernels), wall seconds and department-years of one render."""
    with Renderer(workers=workers, progress=False, jobs=jobs) as renderer:
        if not cold:  # start and warm the pool with the same render once
            renderer.render(data_dir, out / "warm-up", years=years, notebooks_dir=ROOT / "notebooks", force=True)
        before = pool_cpu(renderer)
        p0, w0 = self_cpu(), time.perf_counter()
        if parent_prof is not None:
            parent_prof.enable()
        result = renderer.render(data_dir, out / "reports", years=years, notebooks_dir=ROOT / "notebooks",
                                 force=True)
        if parent_prof is not None:
            parent_prof.disable()
        wall, parent = time.perf_counter() - w0, self_cpu() - p0
        after = pool_cpu(renderer)
    if result.failures:
        raise SystemExit(f"render failed: {result.failures[:3]}")
    n = len(result.rendered)
    return {"n": n, "wall": wall, "parent": parent, "workers": after["workers"] - before["workers"],
            "kernels": after["kernels"] - before["kernels"], "timings": result.timings}


def print_profiles(prof_dir: Path, top: int) -> None:
    for kind in ("parent", "worker", "kernel"):
        files = sorted(prof_dir.glob(f"{kind}-*.prof"))
        if not files:
            continue
        stats = pstats.Stats(*map(str, files), stream=sys.stdout)
        print(f"\n===== {kind} ({len(files)} profile(s)) =====")
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="data folder (default: the shipped data/, or --units)")
    parser.add_argument("--units", type=int, default=0, help="render a synthetic province of this many units")
    parser.add_argument("--years", type=int, default=0, help="only the latest N years (default all)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="include pool start-up in the measurement")
    parser.add_argument("--profile", type=Path, help="write cProfile files here and print the top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="copy the rendered reports here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="cpu-render-"))
    try:
        data_dir = args.data.resolve() if args.data else ROOT / "data"
        if args.units:
            data_dir = make_province(work / "data", args.units)
        years = list(YEARS[-args.years:]) if args.years else None
        jobs = Jobs()
        parent_prof = None
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for old in args.profile.glob("*.prof"):
                old.unlink()
            hooks = work / "hooks"
            hooks.mkdir()
            (hooks / "sitecustomize.py").write_text(textwrap.dedent(_SITECUSTOMIZE), encoding="utf-8")
            (hooks / "cpu_profile_jobs.py").write_text(textwrap.dedent(_KERNEL_JOBS), encoding="utf-8")
            os.environ["PERFKIT_CPU_PROFILE_DIR"] = str(args.profile.resolve())
            jobs = Jobs(kernel_module="cpu_profile_jobs", kernel_paths=(str(hooks),))
            parent_prof = cProfile.Profile()
        r = measure(data_dir, work, args.workers, years, jobs, args.cold, parent_prof)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(work / "reports", args.keep)
        if parent_prof is not None:
            parent_prof.dump_stats(str(args.profile / f"parent-{os.getpid()}.prof"))
        n = r["n"]
        print(f"{n} department-years, {args.workers} worker(s), wall {r['wall']:.2f} s")
        total = r["parent"] + r["workers"] + r["kernels"]
        for key in ("parent", "workers", "kernels"):
            print(f"  {key:<8} CPU {r[key]:7.2f} s   {r[key] / n:6.3f} s per department-year")
        print(f"  {'total':<8} CPU {total:7.2f} s   {total / n:6.3f} s per department-year")
        print("  stages (s, summed over workers): " + ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items()))
        if args.profile:
            print_profiles(args.profile, args.top)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
