"""The analysts' workbook (template layout, import messages naming sheet/row/column, round trips) and the scored tables."""
from __future__ import annotations

import argparse
import re
import shutil

import openpyxl
import pandas as pd
import pytest

import perfkit
from perfkit.ingest import workbook, workbook_layout as layout
from perfkit.outputs import xlsx
from perfkit.errors import DataError

from builders import copy_department
from conftest import REFERENCE, SYNTHETIC

FIRST = layout.HEADER_ROWS + 1  # first data row of a table sheet
TABLES = ("scopes", "budget", "finance", "indicators", "stated", "progress")


def _assert_same_department(a, b):
    assert a.meta == b.meta
    for attr in TABLES:
        pd.testing.assert_frame_equal(getattr(a, attr), getattr(b, attr), obj=attr)


def _sheet(path, name):
    return openpyxl.load_workbook(path)[name]


def _column_letter(sheet_name, key):
    spec = next(s for s in layout.SHEETS if s.name == sheet_name)
    return openpyxl.utils.get_column_letter([c.key for c in spec.columns].index(key) + 1)


def _meta_row(ws, key):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == key)


# ---------------------------------------------------------------- template layout


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "模板.xlsx"
    meta = {"code": "test-dept", "name": "测试局", "rule_set": "cz2020", "functions": ["职能一", "职能二"]}
    return workbook.write_template(path, meta, year=2024, rows=30)


def test_template_has_one_sheet_per_file_plus_guide_and_meta(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [layout.GUIDE_SHEET, layout.META_SHEET, *(s.name for s in layout.SHEETS),
                             layout.ASSUMPTIONS_SHEET]


@pytest.mark.parametrize("sheet,heading,key", [
    ("预算执行", "年初预算数", "budget_original"),
    ("预算执行", "全年预算数", "budget"),
    ("预算执行", "全年执行数", "executed"),
    ("绩效指标", "一级指标", "level1"),
    ("绩效指标", "三级指标", "name"),
    ("绩效指标", "年度指标值", "target"),
    ("绩效指标", "实际完成值", "actual"),
    ("绩效指标", "分值", "weight"),
    ("绩效指标", "偏差原因分析及改进措施", "deviation_note"),
    ("绩效指标", "上年实际值", "prior_actual"),
    ("收支总额", "金额", "amount"),
    ("陈述数字", "类别", "kind"),
], ids=lambda v: v if isinstance(v, str) and v.isascii() else None)
def test_template_headings_map_chinese_to_data_format(template, sheet, heading, key):
    ws = _sheet(template, sheet)
    headings = [c.value for c in ws[1]]
    keys = [c.value for c in ws[2]]
    assert keys[headings.index(heading)] == key


@pytest.mark.parametrize("sheet,key,formula", [
    ("预算执行", "unit", '"万元,元"'),
    ("收支总额", "unit", '"万元,元"'),
    ("评价范围", "scope_type", '"部门整体,一级项目,二级项目,专项资金"'),
    ("预算执行", "line_type", '"合计,支出类型,资金来源,经济分类,功能分类,统计项"'),
    ("绩效指标", "level1", '"产出指标,效益指标,满意度指标,成本指标"'),
    ("陈述数字", "kind", '"比率,百分比,同比,合计,金额,计数,得分,等级"'),
    ("绩效指标", "scope_id", "'评价范围'!$B$3:$B$"),
], ids=["budget_unit", "finance_unit", "scope_type", "line_type", "level1", "stated_kind", "scope_ref"])
def test_template_dropdowns(template, sheet, key, formula):
    ws = _sheet(template, sheet)
    letter = _column_letter(sheet, key)
    found = [dv for dv in ws.data_validations.dataValidation
             if dv.type == "list" and any(str(r).startswith(f"{letter}{FIRST}:") for r in dv.sqref.ranges)]
    assert found, f"{sheet} {key} 没有下拉列表"
    assert found[0].formula1.startswith(formula)
    # the prepared rows: the pre-filled ones plus `rows` blank ones
    last_row = max(int(str(r).split(":")[1][1:]) for r in found[0].sqref.ranges)
    assert last_row >= FIRST - 1 + 30


def test_template_strict_lists_refuse_other_values_and_open_lists_only_warn(template):
    ws = _sheet(template, "绩效指标")
    styles = {dv.formula1.split(",")[0]: dv.errorStyle for dv in ws.data_validations.dataValidation
              if dv.type == "list" and dv.formula1.startswith('"')}
    assert styles['"产出指标'] == "warning"
    ws = _sheet(template, "预算执行")
    styles = {dv.formula1: dv.errorStyle for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert styles['"万元,元"'] == "stop"


@pytest.mark.parametrize("sheet", [s.name for s in layout.SHEETS])
def test_template_freezes_headers_and_sets_widths(template, sheet):
    ws = _sheet(template, sheet)
    assert ws.freeze_panes.endswith(str(FIRST))
    spec = next(s for s in layout.SHEETS if s.name == sheet)
    for j, col in enumerate(spec.columns, start=1):
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width == col.width
        assert ws.cell(1, j).comment is not None


def test_template_text_columns_keep_targets_as_typed(template):
    ws = _sheet(template, "绩效指标")
    assert ws[f"{_column_letter('绩效指标', 'target')}{FIRST + 5}"].number_format == "@"
    assert ws[f"{_column_letter('绩效指标', 'weight')}{FIRST + 5}"].number_format == "General"


def test_template_prefills_meta_and_the_rows_every_year_needs(template):
    meta = _sheet(template, layout.META_SHEET)
    assert meta.cell(_meta_row(meta, "code"), 3).value == "test-dept"
    assert meta.cell(_meta_row(meta, "years"), 3).value == "2024"
    assert meta.cell(_meta_row(meta, "functions"), 3).value == "职能一"
    scopes = _sheet(template, "评价范围")
    assert [c.value for c in scopes[FIRST]][:4] == [2024, "whole", "部门整体", "测试局部门整体支出"]
    budget = _sheet(template, "预算执行")
    assert [c.value for c in budget[FIRST]][:4] == [2024, "whole", "合计", "合计"]
    finance = _sheet(template, "收支总额")
    assert [finance.cell(r, 2).value for r in range(FIRST, FIRST + 4)] == ["总收入", "本年收入", "总支出", "本年支出"]


def test_guide_sheet_explains_how_to_fill(template):
    text = "\n".join(str(c.value) for c in _sheet(template, layout.GUIDE_SHEET)["A"] if c.value)
    for phrase in ("必填", "万元", "perfkit import", "不会写入任何文件"):
        assert phrase in text


def _fill_template(path):
    """Fill a fresh template the way an analyst would (percent cells, =targets, typed numbers)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["评价范围"]
    ws.cell(FIRST, 9, "测试：部门自评表")
    ws = wb["预算执行"]
    for col, value in zip("EFGI", (1000, 1200.5, 1100.25, "测试：部门自评表")):
        ws[f"{col}{FIRST}"] = value
    ws = wb["收支总额"]
    for i, amount in enumerate((1300, 1250, 1280, 1100.25)):
        ws[f"C{FIRST + i}"] = amount
        ws[f"E{FIRST + i}"] = "测试：收支表"
    ws = wb["绩效指标"]
    rows = [
        # year, scope, id, parent, level1, level2, name, target, actual, weight
        (2024, "whole", "i1", None, "产出指标", "数量指标", "办件量", "≥500件", 520, 20),
        (2024, "whole", "i2", None, "产出指标", "质量指标", "办结率", "=100%", 0.95, 30),
        (2024, "whole", "i3", None, "效益指标", "社会效益指标", "群众满意度", "提升", "提升", None),
    ]
    for i, rec in enumerate(rows):
        for j, value in enumerate(rec, start=1):
            cell = ws.cell(FIRST + i, j, value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would read "=100%" as a formula; Excel keeps it as text
        ws.cell(FIRST + i, 14, "测试：指标表")
    ws.cell(FIRST + 1, 9).number_format = "0.00%"  # the analyst typed 95.00%
    wb.save(path)


def test_filled_template_imports(tmp_path, template):
    path = tmp_path / "filled.xlsx"
    shutil.copy(template, path)
    _fill_template(path)
    target = workbook.import_workbook(path, tmp_path / "data")
    assert target == tmp_path / "data" / "test-dept"
    dept = perfkit.load(target)
    assert dept.years == [2024]
    assert dept.meta["functions"] == ["职能一", "职能二"]
    budget = dept.budget.set_index("scope_id")
    assert budget.loc["whole", "budget"] == pytest.approx(1200.5)
    assert budget.loc["whole", "executed"] == pytest.approx(1100.25)
    ind = dept.indicators.set_index("indicator_id")
    assert ind.loc["i2", "target"] == "=100%"
    assert ind.loc["i2", "actual"] == "95.00%"
    assert ind.loc["i1", "actual"] == "520"
    assert ind.loc["i1", "weight"] == 20
    assert pd.isna(ind.loc["i3", "weight"])
    assert not (target / "progress.csv").exists()  # a blank optional sheet is an absent file


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("source", [REFERENCE, SYNTHETIC], ids=["reference", "synthetic"])
def test_export_then_import_gives_the_same_data(tmp_path, source):
    dept = perfkit.load(source)
    path = workbook.export_workbook(dept, tmp_path / "out.xlsx")
    back = perfkit.load(workbook.import_workbook(path, tmp_path / "data"))
    _assert_same_department(dept, back)
    assert (back.path / "ASSUMPTIONS.md").read_text(encoding="utf-8") == \
        (source / "ASSUMPTIONS.md").read_text(encoding="utf-8")


def test_columns_real_forms_print_round_trip(tmp_path):
    """Issue 11: 指标性质 and 度量单位 in their own cells, a budget row's printed 分值/执行率, and a cell printed
    「/」 (not applicable, kept apart from empty) survive the workbook, as in the 青神县 table (real_tables/04)."""
    source = __import__("pathlib").Path(__file__).parent / "real_tables" / "04_qingshen_fgj_wages"
    dept = perfkit.load(source)
    back = perfkit.load(workbook.import_workbook(workbook.export_workbook(dept, tmp_path / "f.xlsx"), tmp_path / "d"))
    ind = back.indicators.set_index("indicator_id")
    assert (ind.loc["i01", "nature"], ind.loc["i01", "target"], ind.loc["i01", "measure_unit"]) == ("=", "100", "%")
    budget = back.budget.set_index("line")
    assert budget.loc["合计", "weight"] == 10 and budget.loc["合计", "rate_printed"] == "100.00%"
    printed = back.printed_cells("budget.csv").set_index("src_row")
    assert printed.loc[3, "weight"] == "/"  # 其中:财政资金 prints its 分值 as 「/」
    _assert_same_department(dept, back)


def test_export_one_year_round_trips_that_year(tmp_path, synthetic):
    path = workbook.export_workbook(synthetic, tmp_path / "y.xlsx", years=[2023])
    back = perfkit.load(workbook.import_workbook(path, tmp_path / "data"))
    assert back.years == [2023]
    one = synthetic.for_year(2023)
    for attr in TABLES:
        a = getattr(one, attr).drop(columns="src_row")
        b = getattr(back, attr).drop(columns="src_row")
        pd.testing.assert_frame_equal(a, b, obj=attr)


def test_amounts_in_yuan_round_trip_in_yuan(tmp_path):
    dept_dir = copy_department(REFERENCE, tmp_path / "src")
    text = (dept_dir / "finance.csv").read_text(encoding="utf-8")
    for wan in ("201881.94", "199822.71", "199466.59"):
        yuan = f"{round(float(wan) * 10000)}"
        text = text.replace(f"{wan},万元", f"{yuan},元")
    (dept_dir / "finance.csv").write_text(text, encoding="utf-8")
    dept = perfkit.load(dept_dir)
    path = workbook.export_workbook(dept, tmp_path / "yuan.xlsx")
    ws = _sheet(path, "收支总额")
    assert (ws[f"C{FIRST}"].value, ws[f"D{FIRST}"].value) == (2018819400, "元")
    back = perfkit.load(workbook.import_workbook(path, tmp_path / "data"))
    _assert_same_department(dept, back)


def test_merge_replaces_only_the_workbooks_years(tmp_path, synthetic):
    data = tmp_path / "data"
    copy_department(SYNTHETIC, data)
    path = workbook.export_workbook(synthetic, tmp_path / "2023.xlsx", years=[2023])
    wb = openpyxl.load_workbook(path)
    ws = wb["预算执行"]
    ws[f"G{FIRST}"] = 1234.5
    wb.save(path)
    with pytest.raises(DataError, match="部门目录已存在"):
        workbook.import_workbook(path, data)
    merged = perfkit.load(workbook.import_workbook(path, data, on_existing="merge"))
    assert merged.years == synthetic.years
    assert list(merged.indicators["year"]) == sorted(merged.indicators["year"])
    first_2023 = synthetic.budget[synthetic.budget["year"] == 2023].index[0]
    expected = synthetic.budget.drop(columns="src_row").copy()
    expected.loc[first_2023, "executed"] = 1234.5
    got = merged.budget.drop(columns="src_row")
    key = ["year", "scope_id", "line"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True))
    for attr in ("scopes", "indicators", "stated", "progress", "finance"):
        a = getattr(synthetic, attr).drop(columns="src_row").sort_values(["year"], kind="stable")
        b = getattr(merged, attr).drop(columns="src_row").sort_values(["year"], kind="stable")
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=attr)


def test_template_for_next_year_carries_structure_and_prior_actuals(tmp_path, reference):
    path = workbook.write_template(tmp_path / "next.xlsx", reference.meta, year=2024, carry_from=reference)
    ws = _sheet(path, "绩效指标")
    keys = [c.value for c in ws[2]]
    rows = [dict(zip(keys, (c.value for c in row))) for row in ws.iter_rows(min_row=FIRST) if row[0].value]
    assert [r["name"] for r in rows] == list(reference.indicators["name"])
    assert {r["year"] for r in rows} == {2024}
    w08 = next(r for r in rows if r["indicator_id"] == "w08")
    assert (w08["prior_actual"], w08["actual"], w08["target"]) == ("98.00%", None, "保持")


# ---------------------------------------------------------------- import errors


@pytest.fixture(scope="module")
def reference_book(tmp_path_factory):
    return workbook.export_workbook(perfkit.load(REFERENCE), tmp_path_factory.mktemp("ref") / "reference.xlsx")


def _set(sheet, cell, value):
    def edit(wb):
        wb[sheet][cell] = value
    return edit


def _set_meta(key, value):
    def edit(wb):
        ws = wb[layout.META_SHEET]
        ws.cell(_meta_row(ws, key), 3, value)
    return edit


def _copy_cell(sheet, src, dst):
    def edit(wb):
        wb[sheet][dst] = wb[sheet][src].value
    return edit


def _delete_sheet(sheet):
    def edit(wb):
        del wb[sheet]
    return edit


def _delete_column(sheet, letter):
    def edit(wb):
        wb[sheet].delete_cols(openpyxl.utils.column_index_from_string(letter))
    return edit


B, I = "预算执行", "绩效指标"  # noqa: E741
BAD_WORKBOOKS = [
    # id, edit, (sheet, row, column heading, text in message)
    ("text_in_amount", _set(B, f"F{FIRST}", "二十万"), (B, FIRST, "全年预算数（F列）", "应为数字")),
    ("negative_amount", _set(B, f"G{FIRST}", -1), (B, FIRST, "全年执行数（G列）", "金额不能为负数")),
    ("unknown_unit", _set(B, f"H{FIRST}", "千元"), (B, FIRST, "单位（H列）", "未知金额单位")),
    ("empty_required_cell", _set(I, f"E{FIRST + 1}", None), (I, FIRST + 1, "一级指标（E列）", "不能为空")),
    ("duplicate_indicator_id", _copy_cell(I, f"C{FIRST}", f"C{FIRST + 1}"),
     (I, FIRST + 1, "年度（A列）、指标代码（C列）", f"指标代码重复（与第 {FIRST} 行相同）")),
    ("unknown_scope", _set(B, f"B{FIRST + 1}", "nosuch"), (B, FIRST + 1, "范围代码（B列）", "范围在 工作表「评价范围」")),
    ("unknown_year", _set("评价范围", f"A{FIRST + 1}", 2203), ("评价范围", FIRST + 1, "年度（A列）", "未知年度")),
    ("missing_total_line", _set(B, f"C{FIRST + 1}", "基本支出"),
     (B, None, "预算行（C列）", f"缺少「合计」预算行（「评价范围」第 {FIRST + 1} 行）")),
    ("bad_years", _set_meta("years", "二〇二三"), (layout.META_SHEET, None, "年度", "应为年度整数列表")),
    ("bad_synthetic_flag", _set_meta("synthetic", "也许"), (layout.META_SHEET, None, "示例数据", "应为「是」或「否」")),
    ("bad_code", _set_meta("code", "Yuexiu Police"), (layout.META_SHEET, None, "部门代码", "只能用小写字母")),
    ("formula_without_value", _set("收支总额", f"C{FIRST}", "=B3*2"), ("收支总额", FIRST, "金额（C列）", "没有计算结果")),
    ("missing_column", _delete_column(B, "G"), (B, 1, "全年执行数（缺）", "缺少必需的列")),
    ("missing_sheet", _delete_sheet(I), (None, None, None, "缺少工作表「绩效指标」")),
]


@pytest.mark.parametrize("edit,expected", [b[1:] for b in BAD_WORKBOOKS], ids=[b[0] for b in BAD_WORKBOOKS])
def test_import_error_names_sheet_row_and_column(tmp_path, reference_book, edit, expected):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.load_workbook(reference_book)
    edit(wb)
    wb.save(path)
    out = tmp_path / "data"
    with pytest.raises(DataError) as info:
        workbook.import_workbook(path, out)
    sheet, row, column, text = expected
    matching = [p for p in info.value.problems if text in p.expected or text in str(p)]
    assert matching, [str(p) for p in info.value.problems]
    p = matching[0]
    if sheet is not None:
        assert p.file == f"{path} 工作表「{sheet}」"
    else:
        assert p.file == str(path)
    if sheet == layout.META_SHEET:
        ws = wb[layout.META_SHEET]
        label_rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
        assert p.row == label_rows[column]
    else:
        assert p.row == row
    assert p.column == column
    assert not out.exists() or not any(out.rglob("*")), "a failed import must write nothing"


def test_all_problems_reported_at_once(tmp_path, reference_book):
    wb = openpyxl.load_workbook(reference_book)
    for edit in (_set(B, f"F{FIRST}", "abc"), _set(B, f"H{FIRST + 1}", "千元"), _set(I, f"E{FIRST + 2}", None)):
        edit(wb)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(DataError) as info:
        workbook.import_workbook(path, tmp_path / "data")
    where = {(p.file.split("「")[-1].rstrip("」"), p.row) for p in info.value.problems}
    assert where >= {(B, FIRST), (B, FIRST + 1), (I, FIRST + 2)}


def test_failed_merge_leaves_existing_department_untouched(tmp_path, reference_book):
    data = tmp_path / "data"
    copy_department(REFERENCE, data)
    before = {p.name: p.read_bytes() for p in (data / "yuexiu-police").iterdir()}
    wb = openpyxl.load_workbook(reference_book)
    _set(B, f"F{FIRST}", "abc")(wb)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(DataError):
        workbook.import_workbook(path, data, on_existing="merge")
    assert {p.name: p.read_bytes() for p in (data / "yuexiu-police").iterdir()} == before


def test_merge_keeps_the_files_no_sheet_holds(tmp_path, reference_book):
    # narrative.csv (the report's own problems and measures) has no sheet: re-importing the year keeps it
    data = tmp_path / "data"
    shutil.copytree(REFERENCE, data / "yuexiu-police")
    before = (data / "yuexiu-police" / "narrative.csv").read_bytes()
    merged = perfkit.load(workbook.import_workbook(reference_book, data, on_existing="merge"))
    assert len(merged.narrative) == 5 and merged.narrative["section"].iloc[0] == "存在的主要问题"
    assert (data / "yuexiu-police" / "narrative.csv").read_bytes().replace(b"\r\n", b"\n") == before


def test_not_a_workbook_is_a_data_error(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("year,scope_id\n", encoding="utf-8")
    with pytest.raises(DataError, match="无法读取工作簿"):
        workbook.import_workbook(path, tmp_path / "data")


# ---------------------------------------------------------------- CLI handlers


def test_cmd_template_and_cmd_import(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    args = argparse.Namespace(output=str(out), dept="new-dept", year=2024, data=str(tmp_path / "data"))
    assert workbook.cmd_template(args) == 0
    assert "已生成填报模板" in capsys.readouterr().out
    # left unfilled, the template must fail with messages that say where to fill in
    assert workbook.cmd_import(argparse.Namespace(workbook=str(out), data=str(tmp_path / "data"))) == 1
    err = capsys.readouterr().err
    assert "未写入任何文件" in err and "工作表「部门信息」" in err and "来源" in err
    assert not (tmp_path / "data").exists()


def test_cmd_template_from_existing_department_and_cmd_import(tmp_path, capsys):
    data = tmp_path / "data"
    copy_department(REFERENCE, data)
    out = tmp_path / "2024.xlsx"
    args = argparse.Namespace(output=str(out), dept="yuexiu-police", year=2024, data=str(data))
    assert workbook.cmd_template(args) == 0
    assert "已沿用 2023 年" in capsys.readouterr().out
    export = tmp_path / "e.xlsx"
    assert workbook.cmd_export(argparse.Namespace(dept="yuexiu-police", output=str(export), year=None,
                                               data=str(data))) == 0
    code = workbook.cmd_import(argparse.Namespace(workbook=str(export), data=str(tmp_path / "copy")))
    assert code == 0
    assert "已导入 广州市公安局越秀区分局" in capsys.readouterr().out


# ---------------------------------------------------------------- scored tables


def _scored_cases():
    cases = [("reference", REFERENCE, 2023)]
    if SYNTHETIC.is_dir():
        cases += [("synthetic", SYNTHETIC, y) for y in (2020, 2022, 2023, 2024)]
    return cases


@pytest.fixture(scope="module")
def scored_books(tmp_path_factory):
    """(department, year) -> (dept, YearScore, path of the written tables)."""
    out, loaded = {}, {}
    base = tmp_path_factory.mktemp("scored")
    for name, source, year in _scored_cases():
        dept = loaded.setdefault(name, perfkit.load(source))
        a = perfkit.analyze(dept, year)
        path = xlsx.write_scored_tables(a, base / f"{name}_{year}.xlsx")
        out[(name, year)] = (dept, a.scored, path)
    return out


def _scope_sheets(wb):
    """Return scope name -> worksheet, read from each form's 项目名称/部门名称 row."""
    found = {}
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=1, max_row=6):
            if row[0].value in ("项目名称", "部门名称"):
                found[ws["A1"].value, row[1].value] = ws
    return found


def _row_where(ws, col, value):
    return next(r for r in range(1, ws.max_row + 1) if ws[f"{col}{r}"].value == value)


_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _evaluate(ws, value):
    """Return a cell's value, a formula of the scored tables (``=F7/E7``, ``=SUM(G9:G12,G7)``) computed by hand."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    m = re.fullmatch(r"=([A-Z]+\d+)/([A-Z]+\d+)", value)
    if m:
        return _evaluate(ws, ws[m.group(1)].value) / _evaluate(ws, ws[m.group(2)].value)
    m = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", value)
    assert m, f"unexpected formula {value}"
    total = 0.0
    for part in m.group(1).split(","):
        first, _, last = part.partition(":")
        col, a = _REF.match(first).groups()
        b = _REF.match(last).group(2) if last else a
        for r in range(int(a), int(b) + 1):
            v = _evaluate(ws, ws[f"{col}{r}"].value)
            total += v if isinstance(v, (int, float)) else 0.0  # SUM skips empty and text cells
    return total


def _same(cell_value, expected):
    if expected is None or pd.isna(expected):
        return cell_value in (None, "—")
    return cell_value == pytest.approx(float(expected), rel=1e-12)


@pytest.mark.parametrize("case", [c[0] + f"-{c[2]}" for c in _scored_cases()])
def test_scored_tables_match_score_year(scored_books, case):
    name, year = case.rsplit("-", 1)
    dept, scored, path = scored_books[(name, int(year))]
    wb = openpyxl.load_workbook(path)
    sheets = _scope_sheets(wb)
    scopes = dept.for_year(int(year)).scopes
    assert len(sheets) == len(scopes)
    for scope in scopes.itertuples(index=False):
        whole = scope.scope_type == "部门整体"
        title = xlsx.WHOLE_TABLE if whole else xlsx.PROJECT_TABLE
        ws = sheets[title, dept.name if whole else scope.name]
        ex = scored.execution[scored.execution["scope_id"] == scope.scope_id].iloc[0]
        r = _row_where(ws, "B", "年度资金总额")
        assert _same(ws[f"E{r}"].value, ex["budget"])
        assert _same(ws[f"F{r}"].value, ex["executed"])
        assert _same(_evaluate(ws, ws[f"H{r}"].value), ex["execution_rate"]), "执行率(B/A)"
        if ex["weight"] > 0:
            assert _same(ws[f"G{r}"].value, ex["weight"]) and _same(ws[f"I{r}"].value, ex["score"])
        else:
            assert ws[f"G{r}"].value == ws[f"I{r}"].value == "—"
        ind = scored.indicators[scored.indicators["scope_id"] == scope.scope_id]
        first = _row_where(ws, "B", "一级指标") + 1
        for i, rec in enumerate(ind.itertuples(index=False)):
            assert ws[f"D{first + i}"].value.endswith(rec.name)
            assert ws[f"E{first + i}"].value == (None if pd.isna(rec.target) else rec.target)
            assert _same(ws[f"G{first + i}"].value, rec.weight_used)
            assert _same(ws[f"H{first + i}"].value, rec.score)
        total = scored.by_scope.set_index("scope_id").loc[scope.scope_id]
        r = _row_where(ws, "A", "总分")
        assert _same(_evaluate(ws, ws[f"G{r}"].value), total["weight"])
        assert _same(_evaluate(ws, ws[f"H{r}"].value), total["score"])
        # a range or a scope with nothing scorable has no grade (issue 11): shown as —
        assert ws[f"I{r}"].value == f"等级：{total['grade'] if isinstance(total['grade'], str) else '—'}"
        assert ws[f"H{r}"].number_format == xlsx.SCORE_FORMAT


@pytest.mark.parametrize("case", [c[0] + f"-{c[2]}" for c in _scored_cases()])
def test_scored_tables_summary_sheet(scored_books, case):
    name, year = case.rsplit("-", 1)
    dept, scored, path = scored_books[(name, int(year))]
    ws = openpyxl.load_workbook(path)[xlsx.SUMMARY_SHEET]
    head = _row_where(ws, "A", "评价范围")
    for i, rec in enumerate(scored.by_scope.itertuples(index=False), start=head + 1):
        assert ws[f"A{i}"].value == rec.name
        assert _same(ws[f"E{i}"].value, rec.score)
        assert ws[f"F{i}"].value == (rec.grade if isinstance(rec.grade, str) else None)
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    assert ("示例数据" in text) == dept.synthetic


def test_scored_tables_layout_is_the_national_template(scored_books):
    dept, scored, path = scored_books[("reference", 2023)]
    wb = openpyxl.load_workbook(path)
    ws = _scope_sheets(wb)[xlsx.PROJECT_TABLE, "见义勇为专项资金"]
    r = _row_where(ws, "A", "项目资金（万元）")
    assert [ws.cell(r, j).value for j in range(4, 10)] == list(xlsx.BUDGET_HEADINGS)
    r = _row_where(ws, "A", "绩效指标")
    assert [ws.cell(r, j).value for j in range(2, 10)] == list(xlsx.INDICATOR_HEADINGS)
    assert ws[f"B{_row_where(ws, 'A', '主管部门')}"].value == dept.name
    # the 越秀 report's stated 88 is shown next to perfkit's total, never in its place
    stated = _row_where(ws, "A", "报告陈述得分")
    assert ws[f"H{stated}"].value == 88
    assert ws[f"H{_row_where(ws, 'A', '总分')}"].value != 88 or scored.by_scope.set_index("scope_id").loc[
        "jianyiyongwei", "score"] == 88


def test_scored_tables_show_management_ratios_of_a_department_sheet(scored_books):
    dept, scored, path = scored_books[("reference", 2023)]
    mg = scored.management[scored.management["scope_id"] == "whole"]
    if not len(mg):
        pytest.skip("the department's rule set has no management ratios")
    ws = _scope_sheets(openpyxl.load_workbook(path))[xlsx.WHOLE_TABLE, dept.name]
    first = _row_where(ws, "B", "管理指标") + 1
    for i, rec in enumerate(mg.itertuples(index=False)):
        assert ws[f"B{first + i}"].value == rec.label
        assert _same(ws[f"G{first + i}"].value, rec.points)
        assert _same(ws[f"H{first + i}"].value, rec.score)


def test_sheet_names_are_valid_and_unique():
    scopes = pd.DataFrame({"scope_id": ["whole", "a", "b", "c"],
                           "scope_type": ["部门整体", "一级项目", "一级项目", "专项资金"],
                           "name": ["整体", "很长的项目名称" * 6, "很长的项目名称" * 6, "资金[2023]/奖励:?"]})
    names = xlsx._sheet_names(scopes)
    assert names["whole"] == xlsx.WHOLE_TABLE
    assert len(set(names.values())) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names.values())


def test_scored_tables_print_on_a4_with_headings_repeated(scored_books):
    dept, scored, path = scored_books[("reference", 2023)]
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4 (ECMA-376 paper size 9)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows  # the heading row of the summary or of the indicator table
    scope = _scope_sheets(wb)[xlsx.WHOLE_TABLE, dept.name]
    head = _row_where(scope, "B", "一级指标")
    assert scope.print_title_rows == f"${head}:${head}"
    assert scope.page_setup.orientation == "landscape"  # ten columns, 206 width units


def test_scored_tables_rates_and_totals_equal_their_formulas(scored_books):
    # 执行率（B/A） is F/E of its row; 总分 is the sum of the 得分 cells above it (H of indicators, I of execution)
    for (name, year), (dept, scored, path) in scored_books.items():
        wb = openpyxl.load_workbook(path)
        for ws in _scope_sheets(wb).values():
            r = _row_where(ws, "B", "年度资金总额")
            if isinstance(ws[f"E{r}"].value, float) and ws[f"E{r}"].value > 0:
                assert ws[f"H{r}"].value == f"=F{r}/E{r}"
                assert _evaluate(ws, ws[f"H{r}"].value) == pytest.approx(ws[f"F{r}"].value / ws[f"E{r}"].value,
                                                                         rel=1e-12)
                assert ws[f"H{r}"].number_format == xlsx.RATE_FORMAT


def test_scored_tables_rate_and_total_formulas_by_hand(scored_books):
    # 越秀 2023 部门整体: budget.csv 200963.70 万元 budget, 199466.59 executed; the report prints 完成预算的99.3%
    dept, scored, path = scored_books[("reference", 2023)]
    wb = openpyxl.load_workbook(path)
    ws = _scope_sheets(wb)[xlsx.WHOLE_TABLE, dept.name]
    r = _row_where(ws, "B", "年度资金总额")
    assert (ws[f"E{r}"].value, ws[f"F{r}"].value, ws[f"H{r}"].value) == (200963.70, 199466.59, f"=F{r}/E{r}")
    rate = _evaluate(ws, ws[f"H{r}"].value)
    assert rate == pytest.approx(0.992550, abs=5e-7)  # 1 - 1497.11 / 200963.70 by hand
    assert round(rate * 100, 1) == 99.3
    # 总分 adds the 得分 column above it: a reviewer who corrects a score sees the total change
    total = _row_where(ws, "A", "总分")
    formula = ws[f"H{total}"].value
    assert formula.startswith("=SUM(")
    first = _row_where(ws, "B", "一级指标") + 1
    assert f"H{first}" in formula
    ws[f"H{first}"] = ws[f"H{first}"].value - 1.0
    assert _evaluate(ws, formula) == pytest.approx(scored.by_scope.set_index("scope_id").loc["whole", "score"] - 1.0)


def test_scored_tables_show_the_range_and_unscorable(scored_books):
    dept, scored, path = scored_books[("reference", 2023)]
    wb = openpyxl.load_workbook(path)
    sheets = _scope_sheets(wb)
    whole = sheets[xlsx.WHOLE_TABLE, dept.name]
    r = _row_where(whole, "A", "复算总分（含无法评分项的区间）")
    assert whole[f"H{r}"].value == "36.39–99.96"  # by hand in test_views
    jyyw = sheets[xlsx.PROJECT_TABLE, "见义勇为专项资金"]
    assert jyyw[f"H{_row_where(jyyw, 'A', '复算总分（含无法评分项的区间）')}"].value == "无法评分"
    summary = wb[xlsx.SUMMARY_SHEET]
    head = _row_where(summary, "A", "评价范围")
    assert [summary[f"J{head + 1}"].value, summary[f"J{head + 2}"].value] == ["36.39–99.96", "无法评分"]
    text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    for internal in (".csv", "prior_actual", "budget_original", "executed('", "/work/"):
        assert internal not in text, internal
