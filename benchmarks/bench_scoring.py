"""Benchmark: score a million indicator rows, DataFrame to per-scope totals.

Run on demand (it is not a test)::

    /tmp/venv/bin/python benchmarks/bench_scoring.py            # 1,000,000 rows
    /tmp/venv/bin/python benchmarks/bench_scoring.py --rows 200000 --loop-rows 50000

It builds rows with realistic spellings (``≥95%``, ``不低于95%``, ``95%以上``,
``≤3天``, ``同比下降``, ``达成预期指标`` …; a few thousand distinct spellings)
over many departments, then, in a fresh subprocess so that its peak memory is
its own, times :func:`perfkit.score.scoring.score_indicators` plus the per-scope
totals with a cold parse cache.  The yardstick is a plain per-row Python loop
doing the same work (parse each row's texts without the cache, judge, weight,
write the reason, accumulate the totals), timed in the same run; both must give
the same totals.

Targets on the project's 2-core machine: ≤ 1 s, ≤ 1 GB peak, ≥ 3× faster than
the loop.  Prints PASS/FAIL per target.
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict

import numpy as np
import pandas as pd

TARGET_SECONDS = 1.0
TARGET_BYTES = 1 << 30
TARGET_SPEEDUP = 3.0

INDICATORS_PER_SCOPE = 20
SCOPES_PER_DEPT = 10

_OPS_GE = ["≥{v}{u}", "≧{v}{u}", "不低于{v}{u}", "{v}{u}以上", "{v}{u}", ">={v}{u}", "达到{v}{u}", "不少于{v}{u}"]
_OPS_LE = ["≤{v}{u}", "≦{v}{u}", "不超过{v}{u}", "{v}{u}以内", "<={v}{u}", "不高于{v}{u}"]
_OPS_EQ = ["={v}{u}", "═{v}{u}", "＝{v}{u}"]
_COUNT_UNITS = ["个", "人", "人次", "件", "次", "项", "户", "家", "所", "场"]
_QUALITATIVE = ["有效", "效果明显", "显著提升", "合规", "及时", "按时完成", "2023年12月完成", "12月底前完成", "良好"]
_DIRECTIONS = ["同比下降", "同比上升", "提升", "保持", "稳步提升", "下降", "较上年增长5%", "同比下降10%"]
_LEVELS = ["达成", "达成预期指标", "完成", "已完成", "基本达成", "部分达成", "未达成"]
_LEVEL1 = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
           ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]


def _fmt(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text


def spelling_pool(rng: np.random.Generator) -> list[tuple[str, list[str], str]]:
    """Return (target, possible actuals, kind) templates; a few thousand distinct spellings in all."""
    pool = []
    for v in (60, 70, 75, 80, 85, 88, 90, 92, 95, 96, 98, 99, 100):
        for op in _OPS_GE:
            target = op.format(v=v, u="%")
            actuals = [f"{_fmt(v * f)}%" for f in (0.9, 0.95, 0.97, 0.99, 1.0, 1.01)] + [f"{v}%", f"{_fmt(v / 100)}"]
            pool.append((target, actuals, "rate"))
    for v in (1, 2, 3, 5, 10, 15, 30):
        for op in _OPS_LE:
            for u in ("天", "个工作日", "小时"):
                target = op.format(v=v, u=u)
                actuals = [f"{_fmt(v * f)}{u}" for f in (0.5, 1.0, 1.2, 1.5)]
                pool.append((target, actuals, "le"))
    for v in (20, 50, 90, 120, 300, 850):
        for op in _OPS_LE[:3]:
            for u in ("万元", "元"):
                vv = v if u == "万元" else v * 10000
                target = op.format(v=vv, u=u)
                actuals = [f"{_fmt(vv * f)}{u}" for f in (0.8, 0.97, 1.1)]
                pool.append((target, actuals, "cost"))
    for v in (1, 2, 4, 6, 8, 10, 12, 20, 30, 50, 80, 100, 150, 263, 300, 500, 800, 1200, 2400, 5000, 12000):
        for op in _OPS_GE[:6] + _OPS_EQ[:1]:
            for u in rng.choice(_COUNT_UNITS, 6, replace=False):
                target = op.format(v=v, u=u)
                actuals = [f"{int(v * f)}{u}" for f in (0.75, 0.9, 1.0, 1.1, 1.4)] + [f"{int(v * 1.05)}"]
                pool.append((target, actuals, "count"))
    for op in _OPS_EQ:
        pool.append((op.format(v=0, u="起"), ["0起", "0", "1起"], "zero"))
        pool.append((op.format(v=100, u="%"), ["100%", "100.00%", "98%", "1"], "eq"))
    for q in _QUALITATIVE:
        pool.append((q, _LEVELS + [q, "2023年11月完成"], "qual"))
    for d in _DIRECTIONS:
        pool.append((d, ["12.5%", "98%", "1200", "同比下降13.8%", "同比上升15.1%", "达成", "保持"], "dir"))
    pool.append(("", ["100%", "95%"], "blank"))  # the target hides in the name
    pool.append(("—", ["—"], "dash"))
    return pool


def build_rows(n: int, seed: int = 20240611) -> pd.DataFrame:
    """Return n indicator rows over n / 200 departments, in the columns of indicators.csv."""
    rng = np.random.default_rng(seed)
    pool = spelling_pool(rng)
    n_templates = len(pool)
    template = rng.integers(0, n_templates, n)
    choice = rng.integers(0, 1 << 30, n)
    max_actuals = max(len(a) for _, a, _ in pool)
    actual_table = np.array([[a[i % len(a)] for i in range(max_actuals)] for _, a, _ in pool], dtype=object)
    targets = np.array([t for t, _, _ in pool], dtype=object)
    kinds = np.array([k for _, _, k in pool], dtype=object)
    # 2% of actuals left empty, as published tables do
    actual = actual_table[template, choice % max_actuals]
    actual[rng.random(n) < 0.02] = None
    target = targets[template]
    target = np.where(target == "", None, target)
    scope = np.arange(n) // INDICATORS_PER_SCOPE
    dept = scope // SCOPES_PER_DEPT
    level = rng.integers(0, len(_LEVEL1), n)
    level1 = np.array([l1 for l1, _ in _LEVEL1], dtype=object)[level]
    level2 = np.array([l2 for _, l2 in _LEVEL1], dtype=object)[level]
    # a table either gives every weight (most do) or none (the reference report gives none)
    weight = rng.choice(np.array([2.0, 4.0, 5.0, 10.0]), n, p=[0.3, 0.3, 0.3, 0.1])
    weight[(rng.random(scope.max() + 1) < 0.2)[scope]] = np.nan
    names = np.array(["年度资金支付完成率100%", "培训人数", "服务对象满意度", "办结率", "案件数"], dtype=object)
    name = names[rng.integers(0, len(names), n)]
    prior_pool = np.array([None, None, None, "10.2%", "98%", "1000", "1300"], dtype=object)
    prior = np.where(kinds[template] == "dir", prior_pool[rng.integers(0, len(prior_pool), n)], None)
    # ids are unique within a department-year, as in indicators.csv; texts come from pools,
    # so the table holds references to a few strings, like a table read from many CSV files
    per_dept = INDICATORS_PER_SCOPE * SCOPES_PER_DEPT
    local = np.arange(n) % per_dept
    id_pool = np.array([f"i{k:03d}" for k in range(per_dept)], dtype=object)
    indicator_id = id_pool[local]
    # every 25th row is a 其中 sub-row of the row before it (never across departments: 25 divides 200)
    parent = np.where(local % 25 == 24, id_pool[local - 1], None)
    scope_pool = np.array([f"d{d}_s{k}" for d in range(dept.max() + 1) for k in range(SCOPES_PER_DEPT)], dtype=object)
    df = pd.DataFrame({
        "year": 2023,
        "scope_id": scope_pool[scope],
        "indicator_id": indicator_id,
        "parent_id": parent,
        "level1": level1,
        "level2": level2,
        "name": name,
        "target": target,
        "actual": actual,
        "weight": weight,
        "stated_score": np.nan,
        "prior_actual": prior,
    })
    df.insert(0, "src_row", np.arange(2, n + 2))
    return df


def per_scope_totals(scored: pd.DataFrame) -> pd.DataFrame:
    """Return weight and score per (year, scope_id) from the scored rows (the same totals score_year adds)."""
    from perfkit.score.scoring import indicator_totals

    return indicator_totals(scored).groupby(["year", "scope_id"], sort=True)[["weight", "score"]].sum()


def run_vectorized(rows: int) -> dict:
    """Build the rows, then time parse + score + totals with a cold cache (run in a subprocess)."""
    from perfkit.rules.ruleset import load_rules
    from perfkit.score.scoring import score_indicators
    from perfkit.score.targets import clear_cache

    df = build_rows(rows)
    rules = load_rules("cz2020")
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    clear_cache()
    start = time.perf_counter()
    scored = score_indicators(df, rules)
    totals = per_scope_totals(scored)
    seconds = time.perf_counter() - start
    del scored
    # the pipeline's own allocations, on a second (warm) run: tracemalloc slows it, so it is not the timed one
    tracemalloc.start()
    per_scope_totals(score_indicators(df, rules))
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    distinct = int(pd.concat([df["target"], df["actual"], df["prior_actual"]]).nunique())
    return {"seconds": seconds, "rss_after_data": rss_data, "traced_peak": traced_peak, "scopes": len(totals),
            "distinct_spellings": distinct,
            "total_score": float(totals["score"].sum()), "total_weight": float(totals["weight"].sum()),
            "sample": totals.head(1000).reset_index().to_dict("list")}


def run_loop(df: pd.DataFrame) -> tuple[float, dict]:
    """Return the seconds a plain per-row loop takes, and its per-scope totals.

    Same work as the vectorized path: every row's texts parsed without the
    cache, judged, weighted (two passes: the default split needs the group
    sums), its reason written, and the totals accumulated.
    """
    from perfkit.rules.ruleset import load_rules
    from perfkit.score.scoring import judge
    from perfkit.score.targets import fmt_number, parse_uncached, target_from_name

    rules = load_rules("cz2020")

    def read(text):
        return parse_uncached("" if text is None or (isinstance(text, float) and math.isnan(text)) else text)

    start = time.perf_counter()
    records = df[["year", "scope_id", "parent_id", "level1", "level2", "name", "target", "actual", "weight",
                  "prior_actual"]].itertuples(index=False)
    scored_rows = []
    present = defaultdict(set)
    given = defaultdict(float)
    missing = defaultdict(int)
    for year, scope, parent, level1, level2, name, target, actual, weight, prior in records:
        t = read(target)
        if t.kind == "blank":
            t = target_from_name(name) or t
        a, p = read(actual), read(prior)
        j = judge(t, a, p, rules)
        group = rules.group_of(level1, level2)
        top = parent is None or (isinstance(parent, float) and math.isnan(parent))
        key = (year, scope)
        if top and group is not None:
            present[key].add(group)
            if math.isnan(weight):
                missing[key, group] += 1
            else:
                given[key, group] += weight
        scored_rows.append((key, group, top, weight, j))
    totals: dict = defaultdict(lambda: [0.0, 0.0])
    pools = {}
    for key, group, top, weight, j in scored_rows:
        if math.isnan(weight) and top and group is not None:
            if key not in pools:
                pools[key] = rules.group_weights(present[key])
            weight = max(pools[key][group] - given[key, group], 0.0) / missing[key, group]
        score = j.fraction * weight
        reason = j.head + (f"，得分 {fmt_number(round(score, 2))}" if not math.isnan(score) else "") + j.note
        del reason
        if top:
            acc = totals[key]
            acc[0] += 0.0 if math.isnan(weight) else weight
            acc[1] += 0.0 if math.isnan(score) else score
    return time.perf_counter() - start, totals


def _child(rows: int) -> None:
    print(json.dumps(run_vectorized(rows)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="indicator rows (default 1,000,000)")
    parser.add_argument("--loop-rows", type=int, default=None,
                        help="rows for the per-row loop yardstick (default: all rows)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.rows)
        return 0

    proc = subprocess.run([sys.executable, __file__, "--child", "--rows", str(args.rows)], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return proc.returncode
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux reports KiB
    result = json.loads(proc.stdout)
    seconds = result["seconds"]

    df = build_rows(args.rows)
    loop_rows = min(args.loop_rows or args.rows, args.rows)
    loop_seconds, loop_totals = run_loop(df.iloc[:loop_rows])
    loop_full = loop_seconds * args.rows / loop_rows

    # the loop must agree with the vectorized totals on the scopes both covered
    sample = pd.DataFrame(result["sample"]).set_index(["year", "scope_id"])
    compared = [(k, v) for k, v in loop_totals.items() if k in sample.index
                and (df.iloc[:loop_rows]["scope_id"] == k[1]).sum() == INDICATORS_PER_SCOPE]
    worst = max((abs(sample.loc[k, "score"] - v[1]) + abs(sample.loc[k, "weight"] - v[0]) for k, v in compared),
                default=math.nan)

    print(f"rows: {args.rows:,}  scopes: {result['scopes']:,}  distinct spellings: {result['distinct_spellings']:,}")
    print(f"vectorized (parse + score + per-scope totals, cold cache): {seconds:.3f} s  "
          f"= {args.rows / seconds:,.0f} rows/s")
    print(f"peak memory of the vectorized run (maxrss of its subprocess, incl. building the data): "
          f"{peak / 2**20:,.0f} MiB; after building the data: {result['rss_after_data'] / 2**20:,.0f} MiB; "
          f"allocated by parse + score + totals (tracemalloc peak): {result['traced_peak'] / 2**20:,.0f} MiB")
    scaled = "" if loop_rows == args.rows else f" (measured on {loop_rows:,} rows, scaled linearly)"
    print(f"per-row Python loop (same work, no cache): {loop_full:.2f} s{scaled}  "
          f"= {args.rows / loop_full:,.0f} rows/s")
    print(f"loop vs vectorized totals, {len(compared):,} scopes compared: max |difference| = {worst:.2e}")
    speedup = loop_full / seconds
    checks = [
        (f"time ≤ {TARGET_SECONDS:g} s", seconds <= TARGET_SECONDS, f"{seconds:.3f} s"),
        (f"peak memory ≤ {TARGET_BYTES / 2**30:g} GB", peak <= TARGET_BYTES, f"{peak / 2**20:,.0f} MiB"),
        (f"≥ {TARGET_SPEEDUP:g}× faster than the loop", speedup >= TARGET_SPEEDUP, f"{speedup:.1f}×"),
        ("loop and vectorized totals agree", bool(worst <= 1e-6), f"{worst:.2e}"),
    ]
    for label, ok, shown in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {shown}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
