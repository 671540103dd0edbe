"""``perfkit extract`` on .xlsx, .docx and PDF copies of the real tables, with merged cells (generated here)."""
from __future__ import annotations

import pdfplumber
import pytest
from docx import Document
from openpyxl import load_workbook

from extract_check import Score, fixture_year, score_extraction
from extract_files import LAYOUTS, table_grid, write_docx, write_pdf, write_xlsx
from perfkit.extract.command import extract

WRITERS = {"xlsx": write_xlsx, "docx": write_docx, "pdf": write_pdf}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_share_of_cells_read_right_from_generated_files(kind, tmp_path, capsys):
    total = Score()
    for name in LAYOUTS:
        path = WRITERS[kind](table_grid(name), tmp_path / f"{name}.{kind}")
        total.add(score_extraction(name, extract([path], "draft", fixture_year(name), tmp_path / name)))
    share = total.right / total.total
    with capsys.disabled():
        print(f"\nperfkit extract，{len(LAYOUTS)} 张表的 .{kind} 副本：{total.right}/{total.total} 个单元格读对（{share:.1%}）")
    assert total.total > 600
    assert share >= 0.99, total.notes[:20]


def test_generated_files_carry_merged_cells_and_a_text_layer(tmp_path):
    grid = table_grid("07_xiaoxian_hexi_zhongyang")
    ws = load_workbook(write_xlsx(grid, tmp_path / "t.xlsx")).active
    vertical = [r for r in ws.merged_cells.ranges if r.max_row > r.min_row]
    assert len(vertical) >= 3  # 项目资金（万元）, 产出指标, 数量指标 …
    body = Document(str(write_docx(grid, tmp_path / "t.docx"))).element.xml
    assert 'w:vMerge w:val="restart"' in body
    spanned = Document(str(write_docx(table_grid("03_tianchang_water_flood"), tmp_path / "s.docx"))).element.xml
    assert "w:gridSpan" in spanned  # the 总分 row spans the label columns
    with pdfplumber.open(str(write_pdf(grid, tmp_path / "t.pdf"))) as pdf:
        page = pdf.pages[0]
        assert "特色产业带动增加受益农户收入(总收入)" in page.extract_text()
        assert len(page.find_tables()) == 1


def test_vertically_merged_labels_hold_for_their_block(tmp_path):
    grid = table_grid("07_xiaoxian_hexi_zhongyang")
    for kind, writer in WRITERS.items():
        dept = extract([writer(grid, tmp_path / f"t.{kind}")], kind, 2023, tmp_path / "data")
        import csv

        with (dept / "indicators.csv").open(encoding="utf-8", newline="") as fh:
            sub = next(r for r in csv.DictReader(fh) if r["name"] == "其中猪养殖数量")
        assert (sub["level1"], sub["level2"], sub["target"], sub["actual"]) == ("产出指标", "数量指标", "12头", "12头"), \
            (kind, sub)
        assert sub["parent_id"] == "i08"  # child of ★补助家畜家禽养殖数量 (i08)
