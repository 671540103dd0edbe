"""A synthetic province in perfkit's documented data format, for benchmarks (deterministic, sizes as arguments).

``make_province(root, units=300)`` writes ``root/<unit>/`` for each budget
unit: department.yaml (5 years), scopes.csv (the whole unit and two
projects), budget.csv (合计 and its 基本支出/项目支出 split per scope),
finance.csv, indicators.csv (about 20 indicators per scope-year, with the
variety of target and actual spellings real tables use — the pool of
``bench_scoring.spelling_pool``) and stated.csv (the figures a report
restates: budget, execution, rate, score).  Every row says it is synthetic.

Run it alone to write one::

    python benchmarks/province.py /tmp/province --units 300
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import _LEVEL1, spelling_pool  # noqa: E402

YEARS = (2020, 2021, 2022, 2023, 2024)
SOURCE = "合成数据（benchmarks/province.py）"
ASSUMPTION = "合成数据：仅用于性能测试"


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def make_unit(root: Path, index: int, rng: np.random.Generator, pool: list, indicators: int = 20) -> None:
    """Write one budget unit's directory."""
    code = f"unit-{index:05d}"
    d = root / code
    d.mkdir(parents=True, exist_ok=True)
    (d / "department.yaml").write_text(
        f"code: {code}\nname: 示例单位{index:05d}\nyears: [{', '.join(map(str, YEARS))}]\n"
        "rule_set: cz2020\nsynthetic: true\nsource: 合成数据（性能测试）\n", encoding="utf-8")
    scopes = [("whole", "部门整体", f"示例单位{index:05d}部门整体支出"), ("p1", "一级项目", "示例业务运行"),
              ("p2", "专项资金", "示例专项资金")]
    scope_rows, budget_rows, finance_rows, ind_rows, stated_rows = [], [], [], [], []
    for year in YEARS:
        for sid, stype, name in scopes:
            scope_rows.append([year, sid, stype, name, "", "", "", "", SOURCE, ASSUMPTION])
            budget = round(float(rng.uniform(50, 5000)), 2)
            executed = round(budget * float(rng.uniform(0.7, 1.0)), 2)
            basic = round(budget * 0.6, 2)
            budget_rows.append([year, sid, "合计", "合计", budget, budget, executed, "万元", SOURCE, ASSUMPTION])
            budget_rows.append([year, sid, "基本支出", "支出类型", "", basic, round(executed * 0.6, 2), "万元", SOURCE,
                                ASSUMPTION])
            budget_rows.append([year, sid, "项目支出", "支出类型", "", round(budget - basic, 2),
                                round(executed - round(executed * 0.6, 2), 2), "万元", SOURCE, ASSUMPTION])
            for k in range(indicators):
                target, actuals = pool[int(rng.integers(0, len(pool)))][:2]
                l1, l2 = _LEVEL1[k % len(_LEVEL1)]
                actual = actuals[int(rng.integers(0, len(actuals)))]
                ind_rows.append([year, sid, f"{sid}-i{k:02d}", "", l1, l2, f"示例指标{k:02d}", target, actual,
                                 "", "", "", "", SOURCE, ASSUMPTION])
            if sid == "whole":
                rate = executed / budget * 100
                sentence = f"{year}年全年预算数{budget:.2f}万元，执行数{executed:.2f}万元，完成预算的{rate:.1f}%。"
                stated_rows += [
                    [year, "budget_total", "whole", "全年预算数", "金额", f"{budget:.2f}万元", budget, "万元",
                     "budget('whole')", sentence, SOURCE, ASSUMPTION],
                    [year, "execution_rate", "whole", "预算完成率", "百分比", f"{rate:.1f}%", round(rate, 1), "%",
                     "executed('whole') / budget('whole') * 100", sentence, SOURCE, ASSUMPTION]]
        total = round(float(rng.uniform(1000, 9000)), 2)
        finance_rows += [[year, "总收入", total, "万元", SOURCE, ASSUMPTION], [year, "总支出", total, "万元", SOURCE,
                                                                           ASSUMPTION]]
    _write(d / "scopes.csv", ["year", "scope_id", "scope_type", "name", "parent_scope_id", "rule_set",
                              "stated_score", "stated_grade", "source", "assumption"], scope_rows)
    _write(d / "budget.csv", ["year", "scope_id", "line", "line_type", "budget_original", "budget", "executed",
                              "unit", "source", "assumption"], budget_rows)
    _write(d / "finance.csv", ["year", "item", "amount", "unit", "source", "assumption"], finance_rows)
    _write(d / "indicators.csv", ["year", "scope_id", "indicator_id", "parent_id", "level1", "level2", "name",
                                  "target", "actual", "weight", "stated_score", "prior_actual", "deviation_note",
                                  "source", "assumption"], ind_rows)
    _write(d / "stated.csv", ["year", "figure_id", "scope_id", "label", "kind", "stated_text", "value", "unit",
                              "expr", "sentence", "source", "assumption"], stated_rows)


def make_province(root: str | Path, units: int, seed: int = 20261202, indicators: int = 20) -> Path:
    """Write ``units`` budget units under ``root`` and return it (same seed, same bytes)."""
    root = Path(root)
    rng = np.random.default_rng(seed)
    pool = spelling_pool(rng)
    for i in range(units):
        make_unit(root, i, rng, pool, indicators)
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--units", type=int, default=300)
    args = parser.parse_args()
    make_province(args.root, args.units)
    print(f"{args.units} 个单位 × {len(YEARS)} 年 → {args.root}")
