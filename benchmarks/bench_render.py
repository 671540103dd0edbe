"""Benchmark the batch renderer against ``papermill`` run with the same parallelism.

Run on demand (not part of the test suite)::

    python benchmarks/bench_render.py [--units 8] [--years 2] [--repeat 3]

Inputs: the real notebooks (``notebooks/``) on a synthetic province
(:mod:`province`: ``--units`` budget units, the last ``--years`` years each),
so there are enough departments to share among workers, as in real use.

It measures, interleaved and ``--repeat`` times (medians reported):

(a) the yardstick: ``xargs -P 2`` running the ``papermill`` command once per
    notebook and department-year (one fresh Python process and kernel per
    notebook, two at a time: the same parallelism as (b) with 2 workers);
(b) ``perfkit render --force`` with 1 worker and with 2 workers (warm kernels,
    one analysis per department-year, HTML, summary.json, .xlsx, .docx and
    the index, which the yardstick does not even do);
(c) ``perfkit render`` again on unchanged data (incremental: nothing to do);
(d) with ``--dask``: ``perfkit render --scheduler`` on a ``dask.distributed``
    LocalCluster of 1 and of 2 worker processes (one thread each, a fresh
    cluster per round; its start is not timed, its workers' kernel starts
    are), so that throughput growing with the number of Dask workers is shown;
(e) with ``--baseline CHECKOUT`` (an older perfkit, e.g. ``git worktree add
    /tmp/old 7d81127``): the time per department-year of ``perfkit render
    --workers 1`` on the shipped data, this checkout's code and data against
    the baseline's own code, notebooks and data, interleaved (issue #10: the
    time before and after the refactoring).

Targets (DEVELOPERS.md): (b, 2 workers) ≥ 5× the throughput of (a); 2 workers
≥ 1.7× 1 worker; (c) under 5 s.  Exit status 0 when all hold.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from province import YEARS, make_province  # noqa: E402

TARGET_VS_PAPERMILL = 5.0
TARGET_SCALING = 1.7
TARGET_UNCHANGED_SECONDS = 5.0


def choose_inputs(work: Path, units: int, years: int) -> dict:
    """Return the notebooks, a synthetic province and its department-years to benchmark on."""
    from perfkit.batch.plan import find_notebooks, plan_reports

    data_dir = make_province(work / "data", units)
    wanted = YEARS[-years:]
    jobs = [j for j in plan_reports(data_dir) if j.year in wanted]
    notebooks, _ = find_notebooks(ROOT / "notebooks")
    return {"notebooks": notebooks, "data_dir": data_dir, "years": wanted,
            "jobs": [(j.department, j.year) for j in jobs]}


def cpu_seconds() -> float:
    """Return CPU seconds of this process plus its finished (waited-for) children and theirs."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_yardstick(inputs: dict, out: Path, parallel: int = 2) -> tuple[float, int, float]:
    """Return (wall seconds, failed runs, CPU seconds) of ``xargs -P`` running the papermill command per notebook."""
    papermill = Path(sys.executable).with_name("papermill")
    out.mkdir(parents=True)
    runs = out / "runs.txt"
    with runs.open("w", encoding="utf-8") as f:
        for code, year in inputs["jobs"]:
            target = out / code / str(year)
            target.mkdir(parents=True)
            for nb in inputs["notebooks"]:
                f.write(f"{nb}\t{code}\t{year}\t{target}\n")
    one = (f'IFS=$(printf "\\t") read -r nb dept year target <<EOF\n$1\nEOF\n'
           f'"{papermill}" "$nb" "$target/$(basename "$nb")" -p department "$dept" -p year "$year" '
           f'-p data_dir "{inputs["data_dir"]}" -p output_dir "$target" --no-progress-bar >/dev/null 2>&1')
    start, cpu = time.perf_counter(), cpu_seconds()
    proc = subprocess.run(["bash", "-c", f'tr "\\n" "\\0" < "{runs}" | xargs -0 -P {parallel} -n 1 sh -c \'{one}\' _'],
                          cwd=out)
    return time.perf_counter() - start, proc.returncode, cpu_seconds() - cpu


def run_renderer(inputs: dict, out: Path, workers: int, force: bool = True, scheduler=None):
    """Return (wall seconds, RenderResult, CPU seconds) of ``perfkit render`` through the API.

    CPU counts the parent, its workers and their kernels: all are waited for when the render ends
    (on a Dask cluster the workers are not this process's children: CPU is the parent's only).
    """
    from perfkit.batch.render import render_all

    start, cpu = time.perf_counter(), cpu_seconds()
    result = render_all(inputs["data_dir"], out, workers=workers, progress=False, years=list(inputs["years"]),
                        notebooks_dir=inputs["notebooks"][0].parent, force=force, scheduler=scheduler)
    return time.perf_counter() - start, result, cpu_seconds() - cpu


def render_shipped(checkout: Path, out: Path) -> float:
    """Return the wall seconds of ``perfkit render --workers 1`` of ``checkout``'s own code on its shipped data."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "perfkit.cli", "render", "--data", str(checkout / "data"), "--out",
                    str(out), "--workers", "1", "--no-progress"], cwd=checkout, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def shipped_department_years(checkout: Path) -> int:
    """Return the number of department-years under ``checkout/data`` (the years of each department.yaml)."""
    import yaml

    return sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["years"])
               for f in sorted((checkout / "data").glob("*/department.yaml")))


def run_on_cluster(inputs: dict, out: Path, n_workers: int):
    """Return (wall seconds, RenderResult) of a render sent to a fresh LocalCluster of ``n_workers`` processes."""
    import distributed

    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(n_workers)
        wall, result, _ = run_renderer(inputs, out, n_workers, scheduler=cluster.scheduler_address)
    return wall, result


def measure_floor(work: Path, runs: int = 20) -> dict[str, float]:
    """Return median seconds of an empty notebook on one warm kernel (execute; with prepare+reset)."""
    import nbformat

    from perfkit.batch.kernels import WarmKernel, silence_papermill_logging

    silence_papermill_logging()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"}})
    cell = nbformat.v4.new_code_cell('department = "x"\nyear = 2023\ndata_dir = "."\noutput_dir = "."')
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    path = work / "empty.ipynb"
    nbformat.write(nb, str(path))
    home = work / "floor"
    home.mkdir()
    warm = WarmKernel(cwd=home, log_path=work / "floor-kernel.log")
    t0 = time.perf_counter()
    warm.launch()
    t1 = time.perf_counter()
    warm.wait_ready()
    t2 = time.perf_counter()
    execute, cycle = [], []
    params = {"department": "y", "year": 2024, "data_dir": ".", "output_dir": "."}
    try:
        for _ in range(runs + 2):
            a = time.perf_counter()
            warm.prepare(home)
            b = time.perf_counter()
            warm.execute_notebook(path, params)
            c = time.perf_counter()
            warm.reset()
            d = time.perf_counter()
            execute.append(c - b)
            cycle.append(d - a)
    finally:
        warm.close()
    # The first two runs include one-time costs; the floor is the steady state.
    return {"launch": t1 - t0, "warm_start": t2 - t0, "execute": statistics.median(execute[2:]),
            "cycle": statistics.median(cycle[2:])}


def time_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=8, help="budget units of the synthetic province")
    parser.add_argument("--years", type=int, default=2, help="years rendered per unit (the latest)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--dask", action="store_true",
                        help="also render on a dask.distributed LocalCluster of 1 and of 2 workers")
    parser.add_argument("--baseline", type=Path, default=None, metavar="CHECKOUT",
                        help="an older perfkit checkout: time per department-year before and after, shipped data")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        inputs = choose_inputs(work, args.units, args.years)
        n = len(inputs["jobs"]) * len(inputs["notebooks"])
        print(f"输入：{len(inputs['notebooks'])} 个笔记本 × {len(inputs['jobs'])} 个部门年度（{args.units} 个合成单位 × "
              f"{args.years} 年）= {n} 次笔记本运行；CPU 核数 {os.cpu_count()}")
        time_command([sys.executable, "-c", "import papermill, pandas, matplotlib.pyplot, nbconvert"])
        yard, one, two = [], [], []
        for i in range(args.repeat):  # interleaved, so machine noise hits every contender alike
            yard.append(run_yardstick(inputs, work / f"yardstick-{i}"))
            one.append(run_renderer(inputs, work / f"w1-{i}", 1))
            two.append(run_renderer(inputs, work / f"w2-{i}", 2))
        unchanged = [run_renderer(inputs, work / f"w2-{args.repeat - 1}", 2, force=False)[0] for _ in range(3)]
        y, w1, w2 = (statistics.median(r[0] for r in rs) for rs in (yard, one, two))
        # CPU per department-year depends less than wall time on what else runs on the machine.
        cpu = [statistics.median(r[2] for r in rs) / len(inputs["jobs"]) for rs in (yard, one, two)]
        u = statistics.median(unchanged)
        fails = [sum(r[1] for r in yard), sum(len(r[1].failures) for r in one), sum(len(r[1].failures) for r in two)]
        print()
        print(f"{'方式':<40}{'墙钟中位数(s)':>14}{'吞吐(本/s)':>12}{'相对基准':>10}{'CPU s/部门年度':>16}  失败")
        for label, wall, c, f in (("(a) xargs -P 2 papermill 命令", y, cpu[0], fails[0]),
                                  ("(b) perfkit render, 1 worker", w1, cpu[1], fails[1]),
                                  ("(b) perfkit render, 2 workers", w2, cpu[2], fails[2])):
            print(f"{label:<40}{wall:>14.2f}{n / wall:>12.2f}{y / wall:>9.1f}x{c:>16.2f}  {f}")
        print(f"{'(c) 数据未变时再次 perfkit render':<40}{u:>14.2f}")
        print(f"\n每个部门年度：1 worker {w1 / len(inputs['jobs']):.2f} s，2 workers {w2 / len(inputs['jobs']):.2f} s")
        t = two[-1][1].timings
        print("render 2 workers 各阶段（worker 阶段为各进程累计秒数）：" +
              "，".join(f"{k} {v:.2f}" for k, v in t.items()))
        checks = [(y / w2 >= TARGET_VS_PAPERMILL, f"2 workers 为 xargs -P 2 papermill 的 {y / w2:.1f} 倍（目标 ≥ {TARGET_VS_PAPERMILL:.0f}）"),
                  (w1 / w2 >= TARGET_SCALING, f"2 workers 为 1 worker 的 {w1 / w2:.2f} 倍（目标 ≥ {TARGET_SCALING}）"),
                  (u < TARGET_UNCHANGED_SECONDS, f"数据未变时再次渲染 {u:.2f} s（目标 < {TARGET_UNCHANGED_SECONDS:.0f} s）"),
                  (not any(fails), "无失败")]
        if args.dask:
            d1, d2 = [], []
            for i in range(args.repeat):
                d1.append(run_on_cluster(inputs, work / f"dask1-{i}", 1))
                d2.append(run_on_cluster(inputs, work / f"dask2-{i}", 2))
            c1, c2 = (statistics.median(r[0] for r in rs) for rs in (d1, d2))
            dfails = sum(len(r[1].failures) for r in d1 + d2)
            print(f"\n{'(d) perfkit render --scheduler（LocalCluster）':<40}{'墙钟中位数(s)':>14}{'吞吐(本/s)':>12}")
            for label, wall in (("1 个 Dask worker", c1), ("2 个 Dask worker", c2)):
                print(f"{label:<40}{wall:>14.2f}{n / wall:>12.2f}")
            checks.append((c1 / c2 > 1.0 and not dfails,
                           f"Dask 2 workers 吞吐为 1 worker 的 {c1 / c2:.2f} 倍（随 worker 数增长），失败 {dfails}"))
        if args.baseline is not None:
            old, new = [], []
            for i in range(args.repeat):
                old.append(render_shipped(args.baseline.resolve(), work / f"base-old-{i}"))
                new.append(render_shipped(ROOT, work / f"base-new-{i}"))
            n_old, n_new = shipped_department_years(args.baseline.resolve()), shipped_department_years(ROOT)
            o, w = statistics.median(old) / n_old, statistics.median(new) / n_new
            print(f"\n(e) 随附数据，perfkit render --workers 1，每个部门年度（中位数）：基线 {args.baseline} "
                  f"{o:.2f} s（{n_old} 个部门年度，各轮 {', '.join(f'{t:.1f}' for t in old)} s）；"
                  f"本版本 {w:.2f} s（{n_new} 个部门年度，各轮 {', '.join(f'{t:.1f}' for t in new)} s）")
        print()
        for ok, text in checks:
            print(f"{'PASS' if ok else 'FAIL'}：{text}")
        return 0 if all(ok for ok, _ in checks) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
