"""Write the three report notebooks in ``notebooks/`` from the cell lists below.

The notebooks are the product analysts open in JupyterLab, so they are committed
as .ipynb (without outputs). Keeping their source here too means a heading or a
call changes in one reviewed place and the three notebooks stay alike;
``tests/test_notebooks.py`` fails when a committed notebook drifts from this
script. Run: ``python scripts/make_notebooks.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

PARAMETERS = '''# 参数：papermill / perfkit render 会注入新值；直接在 JupyterLab 打开时用这里的默认值（参考案例）
department = "yuexiu-police"  # 部门代码（data/ 下的目录名）
year = 2023  # 年度
data_dir = None  # 数据目录；None 表示仓库的 data/（从任何目录运行都能找到）
output_dir = None  # 图表文件的输出目录；None 表示 reports/_notebook/<部门>/<年度>/'''

SETUP = '''import perfkit
from perfkit.present import views

views.configure_display()
analysis = perfkit.analyze(department, year, data_dir=data_dir)
views.title(analysis, "{title}")'''


def _notebook(title: str, intro: str, body: list) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(intro),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(SETUP.format(title=title)),
        *body,
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    # Stable ids keep diffs small and the rendered output byte-identical.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def md(text: str):
    return new_markdown_cell(text)


def code(text: str):
    return new_code_cell(text)


BUDGET = _notebook(
    "预算执行",
    "本笔记本分析一个部门一个年度的**预算执行**：预算数、执行数、执行率及其得分，收支总额，与上年比较，"
    "以及 PEFA 视角的预算可信度。所有数字由 perfkit 从 `data/` 计算。",
    [
        md("## 一、预算执行总体情况"),
        code("views.execution_summary(analysis)"),
        code("views.execution_table(analysis)"),
        code("views.execution_chart(analysis, output_dir)"),
        md("## 二、收支情况"),
        code("views.finance_table(analysis)"),
        md("## 三、与上年比较"),
        code("views.yoy_budget_table(analysis)"),
        code("views.trend_chart(analysis, output_dir)"),
        md("## 四、预算可信度（PEFA 2016 视角）"),
        code("views.pefa_table(analysis)"),
    ],
)

INDICATORS = _notebook(
    "绩效指标完成情况",
    "本笔记本逐项列出**绩效指标完成情况**：年度指标值、实际完成值、适用的评分规则、得分及理由，"
    "按一级指标和评价范围汇总总分与等级，并复算报告陈述的数字。",
    [
        md("## 一、自评结论"),
        code("views.score_summary(analysis)"),
        code("views.totals_table(analysis)"),
        code("views.score_chart(analysis, output_dir)"),
        md("### 管理效率（部门整体评分表）"),
        code("views.management_table(analysis)"),
        md("## 二、指标完成情况"),
        code("views.indicator_table(analysis)"),
        code("views.attainment_chart(analysis, output_dir)"),
        md("## 三、与上年比较"),
        code("views.yoy_indicator_table(analysis)"),
        md("## 四、陈述数字与表内运算核对"),
        code("views.checks_table(analysis)"),
        md("## 五、数据问题"),
        code("views.data_problems(analysis)"),
    ],
)

FINDINGS = _notebook(
    "问题与改进建议",
    "本笔记本按自评报告的结构，列出 perfkit 从评分、执行和同比中发现的**存在的主要问题**和"
    "**下一步改进措施**。措辞来自可编辑的规则文件，每条都写明依据的数字。",
    [
        md("## 三、存在的主要问题"),
        code("views.problems_markdown(analysis)"),
        md("## 四、下一步改进措施"),
        code("views.recommendations_markdown(analysis)"),
        md("## 附：全部发现"),
        code("views.findings_table(analysis)"),
    ],
)

NOTEBOOK_FILES = {
    "01_预算执行.ipynb": BUDGET,
    "02_绩效指标完成情况.ipynb": INDICATORS,
    "03_问题与改进建议.ipynb": FINDINGS,
}


def main(out_dir: Path = NOTEBOOKS) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, nb in NOTEBOOK_FILES.items():
        nbformat.write(nb, out_dir / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NOTEBOOKS)
