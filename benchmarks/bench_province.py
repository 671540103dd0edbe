"""Benchmark: a whole province checked and scored, time and peak memory as the number of units grows.

Run on demand (it is not a test)::

    python benchmarks/bench_province.py --units 30 100 300

For each size it writes a synthetic province (:mod:`province`: N units × 5
years × ~20 indicators per scope) and measures, each in a fresh subprocess so
the peak memory is its own:

* ``perfkit check`` over the whole data directory (what a reviewer runs);
* ``perfkit.analyze`` of every unit-year (the Python API, scores, checks and findings);
* the yardstick, in the same run: reading every CSV of the province with
  ``pandas.read_csv`` and nothing else — the floor any loader pays per file.

Target on the project's 2-core machine (DEVELOPERS.md): 3,000 units in under
10 s and 2 GB, cost linear in units.  Prints one line per size and the
per-unit cost, so growth with size is visible.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from province import make_province  # noqa: E402

TARGET_UNITS, TARGET_SECONDS, TARGET_BYTES = 3000, 10.0, 2 << 30

_MEASURE = r"""
import json, resource, sys, time
t = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - t,
                   "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
"""

_CHECK = """
import contextlib, io
from perfkit.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(["check", "--data", sys.argv[1]])
    except SystemExit:
        pass
"""

_ANALYZE = """
import perfkit
from perfkit.ingest.department import find_departments
for code in find_departments(sys.argv[1]):
    dept = perfkit.load(code, sys.argv[1])
    for year in dept.years:
        a = perfkit.analyze(dept, year)
        a.scored, a.checks, a.findings
"""

_READ_CSV = """
import pandas as pd
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*/*.csv")):
    pd.read_csv(path, dtype=str, keep_default_na=False)
"""


def measure(body: str, data: Path) -> dict:
    """Return {seconds, peak_bytes} of ``body`` run in a fresh Python process on ``data``."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE.format(body=body), str(data)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[30, 100, 300])
    parser.add_argument("--skip-analyze", action="store_true", help="only perfkit check and the yardstick")
    args = parser.parse_args()
    print(f"{'单位数':>6} {'check 秒':>9} {'check MB':>9} {'analyze 秒':>10} {'read_csv 秒':>11} {'check 秒/单位':>12}")
    for units in args.units:
        with tempfile.TemporaryDirectory(prefix="perfkit-province-") as tmp:
            data = make_province(Path(tmp) / "data", units)
            check = measure(_CHECK, data)
            analyze = None if args.skip_analyze else measure(_ANALYZE, data)
            floor = measure(_READ_CSV, data)
        print(f"{units:>6} {check['seconds']:>9.2f} {check['peak_bytes'] / 2**20:>9.0f} "
              f"{analyze['seconds'] if analyze else float('nan'):>10.2f} {floor['seconds']:>11.2f} "
              f"{check['seconds'] / units:>12.4f}")
    per_unit = check["seconds"] / units
    projected = per_unit * TARGET_UNITS
    verdict = "PASS" if projected <= TARGET_SECONDS else "FAIL"
    print(f"\n按最后一档线性外推 {TARGET_UNITS} 个单位：perfkit check 约 {projected:.0f} 秒（目标 ≤ {TARGET_SECONDS:.0f} 秒）：{verdict}")


if __name__ == "__main__":
    main()
