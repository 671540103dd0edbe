"""OCR of run-together forms: header cells misread, row labels glued to their neighbours (perfkit.extract)."""
from __future__ import annotations

from perfkit.extract.glued import cut_label, cut_name
from perfkit.extract.text import lex_glued
from perfkit.extract.vocab import BUDGET_HEADERS, INDICATOR_HEADERS, header_parts

# the value columns of the 融媒体中心 form (tests/real_tables/12): 计量单位 指标性质 年初指标值 调整指标值 全年完成值
# 得分系数 指标权重 指标得分 是否核心指标
ROLES_12 = ["unit", "nature", "target", "ignore", "actual", "coefficient", "weight", "score", "flag"]


def test_header_cells_misread_by_ocr_are_read_as_the_headers_they_hold():
    # characters out of order, run together with the next header, "(A)" read as "(八)"
    assert header_parts("考值参分指标值(八)", INDICATOR_HEADERS) == (["参考分值", "指标值"], "")
    assert header_parts("年成值全完值", INDICATOR_HEADERS) == (["全年完成值"], "")  # 值 read twice
    assert header_parts("指标权重(分)指标", INDICATOR_HEADERS, "得分(分)") == (["指标权重"], "指标")  # cut across cells
    assert header_parts("年初预匏数调整预算将,A、", BUDGET_HEADERS) == (["年初预算数", "调整预算数"], "")  # 算→匏, 数→将
    assert header_parts("财政供养人员控制率", INDICATOR_HEADERS) == ([], "")  # a name is no header
    assert header_parts("项目名称", BUDGET_HEADERS) == ([], "")


def test_a_glued_row_label_is_cut_into_the_name_and_the_cells_its_columns_say():
    cut = cut_name("否“三公经费变动率%", ROLES_12, "100%")
    assert (cut.name, cut.cells, cut.dropped) == ("“三公经费变动率", [("unit", "%")], ["否"])
    cut = cut_name("是管理制度健全性性标定指高高", ROLES_12)
    assert cut.name == "管理制度健全性" and cut.cells == [("nature", "性标定指"), ("target", "高"), ("actual", "高")]
    cut = cut_name("否党性教育培训次数次", ROLES_12, "26次")  # 次 of 次数 is no unit cell
    assert (cut.name, cut.cells) == ("党性教育培训次数", [("unit", "次")])
    cut = cut_name("是组织宣传活动次数次到", ROLES_12, "0次")
    assert (cut.name, cut.lent) == ("组织宣传活动次数", "到")  # the head of the next cell, "到0次", as printed
    cut = cut_name("否播发稿件数量tot扁", ROLES_12, "2200篇")
    assert cut.name == "播发稿件数量" and cut.garbled == [("unit", "tot扁")]
    # without a unit or 指标性质 column nothing is cut off the name
    assert cut_name("管理制度健全性高高", ["weight", "target", "actual", "score"]).name == "管理制度健全性高高"


def test_a_tier2_label_is_cut_off_the_first_name_of_its_block_only():
    assert cut_label("项目目标完整性", None) == ("项目目标", "完整性")
    assert cut_label("项Fl实施绩效监控有效性", "财务管理") == ("项Fl实施", "绩效监控有效性")  # 目 read as Fl
    assert cut_label("财务管理财务管理制度有效性", "投入管理") == ("财务管理", "财务管理制度有效性")
    assert cut_label("财务管理制度有效性", "财务管理") is None  # under its own label the words open the name
    assert cut_label("保障人数", "数量指标") is None


def test_the_lexer_keeps_dates_labels_and_garbled_numbers_whole():
    cells = [t for t, _ in lex_glued("公用经费完成时间52021年12月完成2021年12月完成4指标2:时效指标(5分)")]
    assert cells == ["公用经费完成时间", "5", "2021年12月完成", "2021年12月完成", "4", "指标2:", "时效指标(5分)"]
    assert [t for t, _ in lex_glued("2项目管理(25分)")] == ["2", "项目管理", "(25分)"]  # 项 of 项目 is no unit
    assert [t for t, _ in lex_glued("成本3M.8万元14.8万元3")] == ["成本", "3", "M.8万元", "14.8万元", "3"]
