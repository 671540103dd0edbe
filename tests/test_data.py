"""Loading and validation: the reference case's figures, and one message per kind of bad input."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import perfkit
from perfkit.ingest import reading
from perfkit.ingest.loading import find_departments, validate
from perfkit.errors import DataError

from builders import copy_department
from conftest import DATA, REFERENCE


def _amount(df, scope, col):
    row = df[(df["scope_id"] == scope) & (df["line"] == "合计")]
    assert len(row) == 1
    return float(row[col].iloc[0])


def _stated(dept, figure_id):
    return dept.stated.set_index("figure_id").loc[figure_id, "value"]


def test_reference_budget_and_execution(reference):
    assert _amount(reference.budget, "whole", "budget") == pytest.approx(200963.70)
    assert _amount(reference.budget, "whole", "executed") == pytest.approx(199466.59)


def test_reference_income_and_expenditure(reference):
    fin = reference.finance.set_index("item")["amount"]
    assert fin["总收入"] == pytest.approx(201881.94)
    assert fin["总支出"] == pytest.approx(201881.94)
    assert fin["本年收入"] == pytest.approx(199822.71)
    assert fin["本年支出"] == pytest.approx(199466.59)


def test_reference_project_counts_and_funds(reference):
    assert _stated(reference, "project_count_level1") == 18
    assert _stated(reference, "project_count_level2") == 23
    assert _stated(reference, "project_funds") == pytest.approx(30411.81)


def test_reference_scores_and_indicator_tables(reference):
    scores = reference.scopes.set_index("scope_id")["stated_score"]
    assert scores["whole"] == pytest.approx(96.67)
    assert scores["jianyiyongwei"] == 88
    ind = reference.indicators
    assert list(ind.loc[ind["scope_id"] == "whole", "name"]) == [
        "案件类警情", "破案数", "共护校园数", "公安热线办结率",
        "区域安全防护能力", "社会治安稳定", "市民安全感", "治安满意度"]
    assert list(ind.loc[ind["scope_id"] == "jianyiyongwei", "target"]) == ["=100%", "提升"]
    w08 = ind.set_index("indicator_id").loc["w08"]
    assert (w08["target"], w08["actual"], w08["prior_actual"]) == ("保持", "98.00%", "98.00%")


def test_reference_dtypes(reference):
    assert reference.budget["budget"].dtype == "float64"
    assert reference.indicators["year"].dtype == "int64"
    assert pd.api.types.is_string_dtype(reference.indicators["target"])
    assert reference.years == [2023]


def test_every_row_has_provenance(reference):
    for attr in ("scopes", "budget", "finance", "indicators", "stated"):
        df = getattr(reference, attr)
        assert df["source"].notna().all(), attr


def test_for_year_filters_and_rejects_unknown_year(reference):
    assert len(reference.for_year(2023).indicators) == len(reference.indicators)
    with pytest.raises(DataError, match="没有 2031 年的数据"):
        reference.for_year(2031)


def test_load_by_code_and_unknown_code():
    assert perfkit.load("yuexiu-police", data_dir=DATA).code == "yuexiu-police"
    with pytest.raises(DataError, match="找不到部门"):
        perfkit.load("no-such-dept", data_dir=DATA)


def test_find_departments_lists_reference():
    assert "yuexiu-police" in find_departments(DATA)


def test_loading_never_writes_inputs(tmp_path):
    before = {p: p.stat().st_mtime_ns for p in REFERENCE.iterdir()}
    perfkit.load(REFERENCE)
    assert {p: p.stat().st_mtime_ns for p in REFERENCE.iterdir()} == before


# ---------------------------------------------------------------- bad inputs


def _edit_csv(path: Path, fn):
    text = path.read_text(encoding="utf-8")
    path.write_text(fn(text), encoding="utf-8")


def _replace(old, new):
    return lambda text: text.replace(old, new, 1)


BAD_INPUTS = [
    # id, file, how to break it, (column, expected text in message)
    ("missing_column", "budget.csv",
     lambda t: t.replace("executed,", "", 1), ("executed", "缺少必需的列")),
    ("text_in_number", "budget.csv",
     _replace("200963.70", "二十万"), ("budget", "应为数字")),
    ("negative_amount", "budget.csv",
     _replace("199466.59", "-199466.59"), ("executed", "金额不能为负数")),
    ("duplicate_indicator", "indicators.csv",
     lambda t: t + t.splitlines()[1] + "\n", ("year,indicator_id", "指标代码重复")),
    ("unknown_unit", "finance.csv",
     _replace("201881.94,万元", "201881.94,千元"), ("unit", "未知金额单位")),
    ("mixed_units", "finance.csv",
     _replace("199822.71,万元", "1998227100,元"), ("unit", "混用了「元」与「万元」")),
    ("empty_file", "indicators.csv",
     lambda t: "", (None, "文件为空")),
    ("unknown_year", "scopes.csv",
     _replace("2023,jianyiyongwei", "2203,jianyiyongwei"), ("year", "未知年度")),
    ("missing_parent", "indicators.csv",
     _replace("2023,whole,w02,,", "2023,whole,w02,w99,"), ("parent_id", "父指标在 2023 年不存在")),
    ("unknown_scope", "budget.csv",
     _replace("2023,jianyiyongwei,合计", "2023,nosuch,合计"), ("scope_id", "范围在 scopes.csv")),
    ("empty_required_cell", "indicators.csv",
     _replace("2023,whole,w03,,产出指标", "2023,whole,w03,,"), ("level1", "不能为空")),
]


@pytest.mark.parametrize("file,breaker,expected", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_specific_message(tmp_path, file, breaker, expected):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / file, breaker)
    column, text = expected
    _, problems, _ = validate(dept_dir)
    matching = [p for p in problems if text in p.expected and p.file.endswith(file)]
    assert matching, [str(p) for p in problems]
    assert matching[0].column == column
    with pytest.raises(DataError) as info:
        perfkit.load(dept_dir)
    assert text in str(info.value) and file in str(info.value)


def test_all_problems_reported_at_once(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "budget.csv", _replace("200963.70", "abc"))
    _edit_csv(dept_dir / "budget.csv", _replace("199466.59", "-1"))
    _edit_csv(dept_dir / "finance.csv", _replace("201881.94,万元", "201881.94,千元"))
    _, problems, _ = validate(dept_dir)
    assert {(Path(p.file).name, p.row, p.column) for p in problems} >= {
        ("budget.csv", 2, "budget"), ("budget.csv", 2, "executed"), ("finance.csv", 2, "unit")}


def test_gbk_file_is_read_with_notice(tmp_path):
    dept_dir = _copy(tmp_path)
    text = (dept_dir / "finance.csv").read_text(encoding="utf-8")
    (dept_dir / "finance.csv").write_bytes(text.encode("gbk"))
    dept, problems, notices = validate(dept_dir)
    assert problems == []
    assert any("GB18030" in n and "finance.csv" in n for n in notices)
    assert list(dept.finance["item"]) == ["总收入", "本年收入", "总支出", "本年支出"]


def test_undecodable_file_is_refused(tmp_path):
    dept_dir = _copy(tmp_path)
    (dept_dir / "finance.csv").write_bytes(b"year,item\n\xff\xfe\xfa\x80\x81\n")
    _, problems, _ = validate(dept_dir)
    assert any("无法识别文件编码" in p.expected for p in problems)


def test_amounts_in_yuan_are_converted(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "finance.csv",
              lambda t: t.replace("201881.94,万元", "2018819400,元").replace("199822.71,万元", "1998227100,元")
              .replace("199466.59,万元", "1994665900,元"))
    dept = perfkit.load(dept_dir)
    assert dept.finance.set_index("item")["amount"]["总收入"] == pytest.approx(201881.94)


# ---------------------------------------------------------------- files that are not tables (issue 12)


def _copy(tmp_path) -> Path:
    return copy_department(REFERENCE, tmp_path)


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; ``row`` is the spreadsheet row (2 = first data row)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _problems_of(dept_dir, fname):
    _, problems, notices = validate(dept_dir)
    return [p for p in problems if Path(p.file).name == fname], notices


def test_rows_with_the_same_wrong_field_count_are_one_problem_naming_them(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "finance.csv", lambda t: t.replace(",万元,", ",万元,x,"))  # all four data rows
    found, _ = _problems_of(dept_dir, "finance.csv")
    assert len(found) == 1
    assert found[0].row is None and "第 2、3、4、5 行都有 7 个字段，而表头有 6 列" in found[0].expected


def test_blank_rows_are_skipped_but_rows_keep_their_excel_numbers(tmp_path):
    dept_dir = _copy(tmp_path)
    # a blank line and a row of empty cells carry nothing; they still count, as rows do in Excel
    _edit_csv(dept_dir / "finance.csv",
              lambda t: t.replace("本年收入,199822.71,万元,seed:一(四)部门整体收支情况,\n",
                                  "本年收入,199822.71,万元,seed:一(四)部门整体收支情况,\n\n,,,,,\n"))
    _edit_csv(dept_dir / "finance.csv", _replace("总支出,201881.94,万元", "总支出,二十万,万元"))
    found, _ = _problems_of(dept_dir, "finance.csv")
    assert [(p.row, p.column, p.value) for p in found] == [(6, "amount", "二十万")]


def test_comma_too_many_before_an_empty_last_cell_is_still_found(tmp_path):
    # "…,万元,x,seed…," has one field too many although its last one is empty: the cells are shifted
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "finance.csv", _replace("201881.94,万元,", "201881.94,万元,x,"))
    found, _ = _problems_of(dept_dir, "finance.csv")
    assert [(p.row, p.expected[:20]) for p in found] == [(2, "有 7 个字段，而表头有 6 列：某个值")]


def test_header_problems(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "finance.csv", lambda t: t.replace("year,item,amount", "year,item,item", 1))
    found, _ = _problems_of(dept_dir, "finance.csv")
    assert [(p.row, p.column) for p in found] == [(1, "item"), (1, "amount")]
    assert "重复的列名" in found[0].expected and "缺少必需的列「amount」" in found[1].expected


def test_unnamed_column_with_values_is_refused_and_without_values_dropped(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "finance.csv", lambda t: t.replace("\n", ",\n"))  # header and rows end with ","
    assert _problems_of(dept_dir, "finance.csv")[0] == []
    _edit_csv(dept_dir / "finance.csv", _replace("总收入,201881.94,万元,seed:一(四)部门整体收支情况,,",
                                                 "总收入,201881.94,万元,seed:一(四)部门整体收支情况,,备注"))
    found, _ = _problems_of(dept_dir, "finance.csv")
    assert len(found) == 1 and "表头第 7 列没有列名，但第 2 行在该列有值" in found[0].expected


def test_file_above_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    dept_dir = _copy(tmp_path)
    size = (dept_dir / "stated.csv").stat().st_size
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", size - 1)
    found, _ = _problems_of(dept_dir, "stated.csv")
    assert len(found) == 1 and "文件过大" in found[0].expected


# ---------------------------------------------------------------- full-width numbers (issue 12)


FULL_WIDTH = [
    # id, file, row, column, cell written, value read (万元 / number), or None when it must be refused
    ("digits", "budget.csv", 2, "budget", "２００９６３．７０", 200963.70),
    ("full_width_comma", "budget.csv", 2, "executed", "１９９，４６６．５９", 199466.59),
    ("ideographic_space", "finance.csv", 2, "amount", "\u3000２０１８８１．９４\u3000", 201881.94),
    ("year", "indicators.csv", 2, "year", "２０２３", 2023),
    ("weight", "indicators.csv", 2, "weight", "１２．５", 12.5),
    ("percent_sign_refused", "stated.csv", 4, "value", "９９．３％", None),
    ("superscript_refused", "finance.csv", 2, "amount", "201881.94²", None),
    ("arabic_indic_refused", "finance.csv", 2, "amount", "٢٠١٨٨١", None),
]


@pytest.mark.parametrize("fname,row,column,text,expected", [c[1:] for c in FULL_WIDTH], ids=[c[0] for c in FULL_WIDTH])
def test_full_width_numbers_are_read_with_a_notice_or_refused_by_name(tmp_path, fname, row, column, text, expected):
    dept_dir = _copy(tmp_path)
    _set_cell(dept_dir / fname, row, column, text)
    dept, problems, notices = validate(dept_dir)
    mine = [p for p in problems if Path(p.file).name == fname and p.row == row and p.column == column]
    if expected is None:
        assert len(mine) == 1 and mine[0].value == text and "应为数字" in mine[0].expected
        return
    assert problems == []
    assert any(fname in n and f"列「{column}」第 {row} 行含全角" in n for n in notices)
    table = getattr(dept, fname.removesuffix(".csv"))
    assert table.loc[table["src_row"] == row, column].iloc[0] == pytest.approx(expected)


# ---------------------------------------------------------------- spending against budget (issue 12)


SPENDING = [
    # id, budget cell, executed cell, column flagged (None = passes), words expected
    ("zero_budget_with_spending", "0", "10", "budget", "全年预算数为 0"),
    ("missing_budget_with_spending", "", "10", "budget", "全年预算数为空"),
    ("missing_budget_without_spending", "", "", None, ""),
    ("zero_budget_zero_spending", "0", "0", None, ""),
    ("exactly_one_and_a_half_times", "100", "150", None, ""),
    ("just_above_one_and_a_half_times", "100", "150.01", "executed", "1.5 倍"),
    ("ten_times", "100", "1000", "executed", "10.0 倍"),
    ("yuan_file_compares_like_wanyuan", "1000000", "1600000", "executed", "1.6 倍"),
]


@pytest.mark.parametrize("budget,executed,column,words", [c[1:] for c in SPENDING], ids=[c[0] for c in SPENDING])
def test_spending_without_or_far_above_budget_is_a_problem(tmp_path, budget, executed, column, words):
    dept_dir = _copy(tmp_path)
    unit = "元" if budget == "1000000" else "万元"
    _edit_csv(dept_dir / "budget.csv",
              lambda t: t.replace(",,,万元,seed:二(二)2", f",{budget},{executed},{unit},seed:二(二)2"))
    if unit == "元":  # one unit per file: the other row in 元 too
        _edit_csv(dept_dir / "budget.csv", _replace("200963.70,199466.59,万元", "2009637000,1994665900,元"))
    found = [p for p in _problems_of(dept_dir, "budget.csv")[0] if p.row == 3]
    if column is None:
        assert found == []
        return
    assert len(found) == 1 and found[0].column == column and words in found[0].expected
    assert found[0].value == (budget if column == "budget" else executed)


# ---------------------------------------------------------------- department.yaml, ids, formulas (issue 12)


def test_one_yaml_syntax_error_is_one_problem_at_its_line(tmp_path):
    dept_dir = _copy(tmp_path)
    text = (dept_dir / "department.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("rule_set: cz2020") + 1
    (dept_dir / "department.yaml").write_text(text.replace("rule_set: cz2020", "rule_set: [cz2020"), encoding="utf-8")
    _, problems, _ = validate(dept_dir)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file.endswith("department.yaml") and problems[0].row >= line
    assert "YAML 格式错误" in problems[0].expected


def test_years_not_a_list_is_one_problem_not_one_per_row(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "department.yaml", _replace("years: [2023]", "years: 2023年"))
    _, problems, _ = validate(dept_dir)
    assert [(p.column, p.value) for p in problems] == [("years", "2023年")]


UNSAFE_IDS = [
    ("dot_dot", "scopes.csv", 3, "scope_id", "../x"),
    ("slash", "scopes.csv", 3, "scope_id", "a/b"),
    ("backslash", "indicators.csv", 4, "indicator_id", "a\\b"),
    ("leading_dot", "indicators.csv", 4, "indicator_id", ".hidden"),
    ("space", "stated.csv", 2, "figure_id", "budget total"),
    ("quote", "stated.csv", 2, "figure_id", "x')+fig('y"),
]


@pytest.mark.parametrize("fname,row,column,value", [c[1:] for c in UNSAFE_IDS], ids=[c[0] for c in UNSAFE_IDS])
def test_ids_that_could_leave_a_folder_or_break_a_formula_are_refused(tmp_path, fname, row, column, value):
    dept_dir = _copy(tmp_path)
    _set_cell(dept_dir / fname, row, column, value)
    found = [p for p in _problems_of(dept_dir, fname)[0] if p.row == row and p.column == column]
    assert len(found) == 1 and found[0].value == value and "路径符号" in found[0].expected


@pytest.mark.parametrize("expr, words", [
    ("__import__('os').system('true')", "不能调用"),
    ("open('/etc/passwd')", "不能调用「open」"),
    ("budget('whole').real", "只允许数字"),
    ("budget(x='whole')", "名称=值"),
    ("budget('whole'", "语法错误"),
], ids=["dunder-import", "open", "attribute", "keyword", "syntax"])
def test_refused_formula_is_a_problem_with_row_and_reason(tmp_path, expr, words):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "stated.csv", _replace("budget('whole'),", f'"{expr}",'))
    found, _ = _problems_of(dept_dir, "stated.csv")
    assert [(p.row, p.column, p.value) for p in found] == [(2, "expr", expr)]
    assert words in found[0].expected


def test_unknown_extra_column_gives_a_notice_naming_it(tmp_path):
    dept_dir = _copy(tmp_path)
    _edit_csv(dept_dir / "scopes.csv", lambda t: t.replace("\n", ",\n").replace("assumption,", "assumption,备注", 1))
    _, problems, notices = validate(dept_dir)
    assert problems == []
    assert [n for n in notices if "scopes.csv" in n and "列「备注」不是本文件定义的列" in n]
