"""The ``perfkit`` command: check data, score, render reports, Excel in and out.

User errors (bad data, bad rules, bad parameters) print as plain Chinese
messages with exit status 2; no traceback, because the analyst needs the file,
row and column, not our stack.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from perfkit.analysis import analyze
from perfkit.errors import PerfkitError


def _cmd_check(args: argparse.Namespace) -> int:
    from perfkit.ingest.department import find_departments, validate

    data_dir = Path(args.data)
    codes = args.dept or find_departments(data_dir)
    if not codes:
        print(f"{data_dir} 下没有部门目录（含 department.yaml 的子目录）", file=sys.stderr)
        return 2
    n_problems = n_mismatch = 0
    for code in codes:
        dept, problems, notices = validate(data_dir / code)
        label = dept.name if dept is not None else code
        for notice in notices:
            print(f"提示：{notice}")
        if problems:
            n_problems += len(problems)
            print(f"✗ {code}（{label}）：{len(problems)} 个数据问题")
            for p in problems:
                print(f"    - {p}")
            continue
        years = "、".join(map(str, dept.years))
        print(f"✓ {code}（{label}）：数据校验通过，年度 {years}")
        n_mismatch += _print_consistency(dept)
    if n_problems:
        print(f"\n共 {n_problems} 个数据问题，请修改后重试。", file=sys.stderr)
        return 1
    if n_mismatch and args.strict:
        return 1
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from perfkit.batch.render import render_all

    result = render_all(args.data, args.out, departments=args.dept, years=args.year, workers=args.workers,
                        timeout=args.timeout, progress=not args.no_progress, force=args.force)
    print(f"已生成 {len(result.rendered)} 个部门年度的报告（{result.notebooks} 个笔记本，{result.seconds:.1f} 秒）："
          f"{Path(args.out) / 'index.html'}")
    if result.skipped:
        print(f"{len(result.skipped)} 个部门年度的输入未变，沿用上次的报告（--force 可全部重新生成）")
    if result.failures:
        print(f"\n{len(result.failures)} 个笔记本失败（对应部门年度未写入，原有报告保留）：", file=sys.stderr)
        for failure in result.failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


def _print_consistency(dept) -> int:
    """Print the stated-figure and table-arithmetic checks; return the number of mismatches."""
    mismatches = 0
    for year in dept.years:
        findings = analyze(dept, year).checks
        if findings.empty:
            continue
        checked = findings[findings["ok"].notna()]
        bad = checked[checked["ok"] == False]  # noqa: E712 (nullable boolean)
        print(f"    {year} 年：核对 {len(checked)} 项陈述数字/表内运算，{len(bad)} 项不一致，"
              f"{int(findings['ok'].isna().sum())} 项仅列示")
        for _, row in bad.iterrows():
            print(f"      ✗ {row['label']}：{row['detail']}")
        mismatches += len(bad)
    return mismatches


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkit",
        description="预算绩效自评分析：校验数据、评分、同比、问题与建议，批量生成报告。",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("check", help="校验 data/ 下所有部门的数据，并复算报告陈述的数字")
    p.add_argument("--data", default="data", help="数据目录（默认 data）")
    p.add_argument("--dept", action="append", help="只校验该部门（可重复）")
    p.add_argument("--strict", action="store_true", help="陈述数字与复算不一致时也以非 0 退出")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("render", help="用 papermill 为每个部门、每个年度渲染报告到 reports/")
    p.add_argument("--data", default="data", help="数据目录（默认 data）")
    p.add_argument("--out", default="reports", help="输出目录（默认 reports）")
    p.add_argument("--dept", action="append", help="只渲染该部门（可重复）")
    p.add_argument("--year", type=int, action="append", help="只渲染该年度（可重复）")
    p.add_argument("--workers", type=int, default=None, help="并行进程数（默认 CPU 核数）")
    p.add_argument("--timeout", type=float, default=600, help="每个单元格的执行超时（秒，默认 600）")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.add_argument("--force", action="store_true", help="全部重新生成（默认跳过输入未变的部门年度）")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("template", help="生成填报用 Excel 模板（可沿用某部门上年的范围、预算行和指标）")
    p.add_argument("output", help="输出的 .xlsx 路径")
    p.add_argument("--dept", help="部门代码（已有部门则沿用其信息）")
    p.add_argument("--year", type=int, help="填报年度")
    p.add_argument("--data", default="data", help="数据目录（默认 data）")
    p.add_argument("--rows", type=int, help="每张表预留的空行数")
    p.set_defaults(func=_lazy("perfkit.ingest.workbook", "cmd_template"))

    p = sub.add_parser("import", help="把填好的 Excel 模板导入为 data/ 下的 CSV/YAML（校验通过才写入）")
    p.add_argument("workbook", help="填好的 .xlsx")
    p.add_argument("--data", default="data", help="写入的数据目录（默认 data）")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--merge", action="store_true", help="部门已存在时，用工作簿中的年度替换这些年度")
    mode.add_argument("--replace", action="store_true", help="部门已存在时，整体替换")
    p.set_defaults(func=_lazy("perfkit.ingest.workbook", "cmd_import"))

    p = sub.add_parser("export", help="把某部门的数据导出为同一格式的 Excel 工作簿")
    p.add_argument("output", help="输出的 .xlsx 路径")
    p.add_argument("--dept", required=True, help="部门代码")
    p.add_argument("--year", type=int, action="append", help="只导出该年度（可重复）")
    p.add_argument("--data", default="data", help="数据目录（默认 data）")
    p.set_defaults(func=_lazy("perfkit.ingest.workbook", "cmd_export"))

    p = sub.add_parser("extract", help="从已发布的自评报告/自评表（文本、.xlsx、.docx、PDF）提取数据草稿")
    p.add_argument("files", nargs="+", metavar="FILE", help="报告或自评表文件（可多个，同一部门年度）")
    p.add_argument("--dept", required=True, help="部门代码（草稿目录名）")
    p.add_argument("--year", type=int, help="评价年度（默认取文件中的年度）")
    p.add_argument("--out", default="data", help="写入的数据目录（默认 data）")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--merge", action="store_true", help="部门已存在时，用提取的年度替换该年度")
    mode.add_argument("--replace", action="store_true", help="部门已存在时，整体替换")
    p.set_defaults(func=_lazy("perfkit.extract.command", "cmd_extract"))
    return parser


def _lazy(module: str, name: str):
    """Return a handler that imports its module only when its sub-command runs (keeps --help fast)."""
    def handler(args):
        import importlib

        return getattr(importlib.import_module(module), name)(args)
    return handler


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except PerfkitError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
