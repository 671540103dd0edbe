"""Benchmark the batch renderer against a shell loop of ``papermill`` commands.

Run on demand (not part of the test suite)::

    /tmp/venv/bin/python benchmarks/bench_render.py [--repeat 1] [--keep DIR]

It measures, in one run and on the same notebook runs (N >= 12):

(a) the yardstick: ``for ...; do papermill in.ipynb out.ipynb -p ...; done``
    in bash, one fresh Python process and one fresh kernel per notebook;
(b) ``perfkit.batch.render.render_all`` with 1 worker and with 2 workers (warm
    kernels, plus HTML export, summaries and the index, which the yardstick
    does not even do);
(c) the floor: papermill executing an empty notebook on an already warm kernel;

and where the time goes: the cost of a ``papermill`` process before any
notebook work, a fresh kernel's start and imports, and the renderer's own
stage timings.  It runs the real notebooks (``notebooks/``) on the shipped
data (``data/yuexiu-police``, ``data/demo-synthetic``).

Exit status 0 when 2 workers reach at least 4x the yardstick's throughput,
1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ("yuexiu-police", "demo-synthetic")
MIN_RUNS = 12
TARGET_RATIO = 4.0


def choose_inputs(work: Path) -> dict:
    """Return the notebooks, data dir and department-years to benchmark on."""
    from perfkit.batch.plan import find_notebooks, plan_reports

    real_notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    present = [code for code in REAL_DATA if (ROOT / "data" / code / "department.yaml").is_file()]
    if real_notebooks and present:
        # A data dir holding only the benchmark departments (links, read-only use).
        data_dir = work / "data"
        data_dir.mkdir()
        for code in present:
            (data_dir / code).symlink_to(ROOT / "data" / code, target_is_directory=True)
        jobs = plan_reports(data_dir)
        notebooks, _ = find_notebooks(ROOT / "notebooks")
        if len(jobs) * len(notebooks) < MIN_RUNS:
            print(f"注意：笔记本 × 部门年度只有 {len(jobs) * len(notebooks)} 次运行（建议 ≥ {MIN_RUNS}）")
        return {"mode": "real notebooks and data", "notebooks": notebooks, "data_dir": data_dir,
                "jobs": [(j.department, j.year) for j in jobs]}
    raise SystemExit("找不到 notebooks/*.ipynb 或 data/ 下的部门，无法运行基准")


def run_yardstick(inputs: dict, out: Path) -> tuple[float, int]:
    """Return (wall seconds, failed runs) of a bash loop running the papermill command per notebook."""
    papermill = Path(sys.executable).with_name("papermill")
    runs = out / "runs.tsv"
    out.mkdir(parents=True)
    with runs.open("w", encoding="utf-8") as f:
        for code, year in inputs["jobs"]:
            target = out / code / str(year)
            for nb in inputs["notebooks"]:
                f.write(f"{nb}\t{code}\t{year}\t{target}\n")
    script = f"""
fails=0
while IFS=$'\\t' read -r nb dept year target; do
  mkdir -p "$target"
  "{papermill}" "$nb" "$target/$(basename "$nb")" -p department "$dept" -p year "$year" \\
      -p data_dir "{inputs['data_dir']}" -p output_dir "$target" --no-progress-bar >>"{out}/log.txt" 2>&1 \\
      || fails=$((fails+1))
done < "{runs}"
exit $fails
"""
    start = time.perf_counter()
    proc = subprocess.run(["bash", "-c", script], cwd=out)
    return time.perf_counter() - start, proc.returncode


def run_renderer(inputs: dict, out: Path, workers: int):
    from perfkit.batch.render import render_all

    start = time.perf_counter()
    result = render_all(inputs["data_dir"], out, workers=workers, progress=False,
                        notebooks_dir=inputs["notebooks"][0].parent)
    return time.perf_counter() - start, result


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
    parser.add_argument("--repeat", type=int, default=1, help="repeat each measurement, keep the best")
    parser.add_argument("--keep", type=Path, help="keep outputs in this directory instead of a temp dir")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-render-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        summary_note = "perfkit.outputs.summary.build_summary"
        inputs = choose_inputs(work)
        n = len(inputs["jobs"]) * len(inputs["notebooks"])
        print(f"输入：{inputs['mode']}；{len(inputs['notebooks'])} 个笔记本 × {len(inputs['jobs'])} 个部门年度 "
              f"= {n} 次笔记本运行；摘要：{summary_note}")
        print(f"CPU 核数：{os.cpu_count()}；Python：{sys.executable}")

        # Warm the OS file cache so the first contender is not penalised.
        time_command([sys.executable, "-c", "import papermill, pandas, matplotlib.pyplot, nbconvert"])

        yard = min(run_yardstick(inputs, work / f"yardstick-{i}") for i in range(args.repeat))
        one = min((run_renderer(inputs, work / f"workers1-{i}", 1) for i in range(args.repeat)),
                  key=lambda r: r[0])
        two = min((run_renderer(inputs, work / f"workers2-{i}", 2) for i in range(args.repeat)),
                  key=lambda r: r[0])
        floor = measure_floor(work)
        pm_import = statistics.median(time_command([str(Path(sys.executable).with_name("papermill")), "--help"])
                                      for _ in range(3))

        print()
        print(f"{'方式':<34}{'墙钟(s)':>10}{'吞吐(本/s)':>12}{'相对基准':>10}  失败")
        rows = [("(a) shell 循环 papermill 命令", yard[0], yard[1]),
                ("(b) perfkit render_all, 1 worker", one[0], len(one[1].failures)),
                ("(b) perfkit render_all, 2 workers", two[0], len(two[1].failures))]
        for label, wall, fails in rows:
            print(f"{label:<34}{wall:>10.2f}{n / wall:>12.2f}{yard[0] / wall:>9.1f}x  {fails}")
        print(f"{'(c) 下限：预热内核上执行空笔记本':<34}{floor['execute']:>10.3f}{1 / floor['execute']:>12.1f}"
              f"          （含 prepare+reset：{floor['cycle']:.3f} s/本）")

        print()
        print("时间去向：")
        print(f"  papermill 命令启动（python + 导入，不含内核）：{pm_import:.2f} s/次")
        print(f"  新内核：启动 {floor['launch']:.2f} s 后返回，至预热完成（含 pandas/matplotlib/perfkit 导入）"
              f"{floor['warm_start']:.2f} s")
        print(f"  基准每本：{yard[0] / n:.2f} s；2 workers 每本（墙钟/本数）：{two[0] / n:.2f} s")
        t = two[1].timings
        order = ["plan", "pool_start", "kernel_launch", "worker_imports", "kernel_wait", "exporter_setup",
                 "prepare", "restart", "execute", "write_ipynb", "html", "reset", "summary", "finalize", "index"]
        print("  render_all 2 workers 各阶段（worker 阶段为各进程累计秒数）：")
        for key in order:
            if key in t:
                print(f"    {key:<15}{t[key]:>8.2f} s")
        print(f"  内核启动次数：{two[1].kernel_starts}；重置检查未通过：{len(two[1].reset_problems)}")

        ratio = yard[0] / two[0]
        ok = ratio >= TARGET_RATIO and not two[1].failures and yard[1] == 0
        print()
        print(f"{'PASS' if ok else 'FAIL'}：2 workers 吞吐为基准的 {ratio:.1f} 倍（目标 ≥ {TARGET_RATIO:.0f} 倍）")
        for failure in two[1].failures:
            print(f"  失败：{failure}")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
