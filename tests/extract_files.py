"""Writing the fixture tables as .xlsx, .docx and PDF files, with merged cells, as offices publish them.

Each table is laid out from its hand-checked expectation (tests/extract_fixtures/NN_*/)
and its printed headers (layouts.yaml): title, the budget block with 项目资金（万元）
merged down its rows, the indicator block with 一级指标 and 二级指标 merged down
their blocks, and a 总分 row merged across the label columns.  The same grid
is written three ways: openpyxl merged ranges, python-docx merged cells, and a
ruled PDF table drawn with matplotlib's PDF backend in the bundled CJK font.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import yaml  # noqa: E402
from docx import Document  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from extract_check import FIXTURES, read_csv  # noqa: E402
from perfkit.present.fonts import bundled_font_path  # noqa: E402

LAYOUTS = yaml.safe_load((FIXTURES / "layouts.yaml").read_text(encoding="utf-8"))
BUDGET_ROLE = {"年初预算数": "budget_original", "年初预算": "budget_original"}


@dataclass
class Grid:
    """Rows of cell texts and merged ranges (r0, c0, r1, c1), 0-based and inclusive."""

    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max(len(r) for r in self.rows)


def _budget_role(header: str) -> str:
    key = header.split("(")[0]
    if key in BUDGET_ROLE:
        return BUDGET_ROLE[key]
    if "执行率" in key and "得分" not in key:
        return "rate"
    if "执行数" in key:
        return "executed"
    if "预算" in key:
        return "budget"
    return {"分值": "weight", "权重": "weight"}.get(key, "score" if "得分" in key else "note")


def _indicator_role(header: str) -> str:
    key = header.split("(")[0]
    for words, role in ((("年度指标值", "指标值", "年初目标值"), "target"), (("实际完成值", "全年实际值", "完成值"), "actual"),
                        (("分值", "权重"), "weight"), (("得分", "自评得分"), "stated_score")):
        if key in words:
            return role
    return "other"


def table_grid(name: str) -> Grid:
    """Return fixture ``name``'s table as a grid with merged cells."""
    lay = LAYOUTS[name]
    budget_h, ind_h = lay.get("budget", []), lay["indicators"]
    width = max(2 + len(budget_h), len(ind_h))
    g = Grid([])

    def add(cells: list[str]) -> int:
        g.rows.append(cells + [""] * (width - len(cells)))
        return len(g.rows) - 1

    r = add([lay["title"]])
    g.merges.append((r, 0, r, width - 1))
    budget = read_csv(FIXTURES / name / "budget.csv")
    stated = {s["kind"]: s["stated_text"] for s in read_csv(FIXTURES / name / "stated.csv")}
    if budget_h:
        top = add([lay.get("budget_section", "项目资金（万元）"), ""] + budget_h)
        for k, row in enumerate(budget):
            label = "年度资金总额" if row["line"] == "合计" else (f"其中：{row['line']}" if k == 1 else row["line"])
            cells = []
            for h in budget_h:
                role = _budget_role(h)
                total = row["line"] == "合计"
                cells.append(row.get(role, "") if role in ("budget_original", "budget", "executed") else
                             (str(lay.get("exec_weight", "")) if total and role == "weight" else
                              stated.get("rate", "") if total and role == "rate" else
                              stated.get("exec_score", "") if total and role == "score" else ""))
            add([lay.get("budget_section", "项目资金（万元）"), label] + cells)
        g.merges.append((top, 0, len(g.rows) - 1, 0))
    add(ind_h)
    rows = read_csv(FIXTURES / name / "indicators.csv")
    for review in read_csv(FIXTURES / name / "review.csv"):
        # the garbled cell is printed as the source printed it: the reader must flag it, not read it
        for row in rows:
            if row["name"] == review["name"]:
                row[review["column"]] = review["printed"]
    first = len(g.rows)
    for row in rows:
        values = [row.get(_indicator_role(h), "") for h in ind_h[3:]]
        add([row["level1"], row["level2"], row["name"]] + values)
    for col in (0, 1):
        start = first
        for k in range(first, len(g.rows) + 1):
            same = k < len(g.rows) and g.rows[k][col] == g.rows[start][col] and \
                (col == 0 or g.rows[k][0] == g.rows[start][0])
            if not same:
                if k - 1 > start:
                    g.merges.append((start, col, k - 1, col))
                start = k
    score = next((s["stated_score"] for s in read_csv(FIXTURES / name / "scope.csv")), "")
    if score:
        cells = ["总分", "", ""] + ["" if _indicator_role(h) != "stated_score" else score for h in ind_h[3:]]
        r = add(cells)
        g.merges.append((r, 0, r, 2))
    return g


def _blank_merged(g: Grid) -> list[list[str]]:
    rows = [list(r) for r in g.rows]
    for r0, c0, r1, c1 in g.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    rows[r][c] = ""
    return rows


def write_xlsx(g: Grid, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    for r, row in enumerate(_blank_merged(g), 1):
        for c, text in enumerate(row, 1):
            if text:
                cell = ws.cell(r, c, text)
                cell.data_type = "s"  # "=100%" is a target as printed, not a formula
    for r0, c0, r1, c1 in g.merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


def write_docx(g: Grid, path: Path) -> Path:
    doc = Document()
    doc.add_paragraph(g.rows[0][0])
    table = doc.add_table(rows=len(g.rows) - 1, cols=g.width)
    rows = _blank_merged(g)
    for r, row in enumerate(rows[1:]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r0, c0, r1, c1 in g.merges:
        if r0 == 0:
            continue
        table.cell(r0 - 1, c0).merge(table.cell(r1 - 1, c1))
    doc.save(path)
    return path


def write_pdf(g: Grid, path: Path) -> Path:
    """Write the grid as one ruled table on a PDF page (text layer in the bundled Noto Sans SC)."""
    font = FontProperties(fname=str(bundled_font_path()))
    rows = _blank_merged(g)
    spans = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in g.merges}
    covered = {(r, c) for (r0, c0), (r1, c1) in spans.items() for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    widths = [max([4] + [len(rows[r][c]) for r in range(len(rows)) if (r, c) not in spans or spans[(r, c)][1] == c])
              for c in range(g.width)]
    unit, height = 0.09, 0.22  # inches per character at 6 pt, per row
    xs = [0.3]
    for w in widths:
        xs.append(xs[-1] + w * unit + 0.1)
    fig_w, fig_h = xs[-1] + 0.3, len(rows) * height + 0.6
    fig = plt.figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, fig_w)
    ax.set_ylim(fig_h, 0)
    ax.axis("off")
    ys = [0.3 + k * height for k in range(len(rows) + 1)]
    for r in range(len(rows)):
        for c in range(g.width):
            if (r, c) in covered and (r, c) not in spans:
                continue
            r1, c1 = spans.get((r, c), (r, c))
            x0, x1, y0, y1 = xs[c], xs[c1 + 1], ys[r], ys[r1 + 1]
            ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, linewidth=0.5))
            if rows[r][c]:
                ax.text(x0 + 0.05, (y0 + y1) / 2, rows[r][c], fontproperties=font, fontsize=6, va="center")
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig.savefig(path, format="pdf")
    plt.close(fig)
    return path
