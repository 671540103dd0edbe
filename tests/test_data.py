"""Loading and validation: the reference case's figures, and one message per kind of bad input."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import perfkit
from perfkit.ingest.department import find_departments, validate
from perfkit.errors import DataError

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
    dept_dir = tmp_path / "yuexiu-police"
    shutil.copytree(REFERENCE, dept_dir)
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
    dept_dir = tmp_path / "yuexiu-police"
    shutil.copytree(REFERENCE, dept_dir)
    _edit_csv(dept_dir / "budget.csv", _replace("200963.70", "abc"))
    _edit_csv(dept_dir / "budget.csv", _replace("199466.59", "-1"))
    _edit_csv(dept_dir / "finance.csv", _replace("201881.94,万元", "201881.94,千元"))
    _, problems, _ = validate(dept_dir)
    assert {(Path(p.file).name, p.row, p.column) for p in problems} >= {
        ("budget.csv", 2, "budget"), ("budget.csv", 2, "executed"), ("finance.csv", 2, "unit")}


def test_gbk_file_is_read_with_notice(tmp_path):
    dept_dir = tmp_path / "yuexiu-police"
    shutil.copytree(REFERENCE, dept_dir)
    text = (dept_dir / "finance.csv").read_text(encoding="utf-8")
    (dept_dir / "finance.csv").write_bytes(text.encode("gbk"))
    dept, problems, notices = validate(dept_dir)
    assert problems == []
    assert any("GB18030" in n and "finance.csv" in n for n in notices)
    assert list(dept.finance["item"]) == ["总收入", "本年收入", "总支出", "本年支出"]


def test_undecodable_file_is_refused(tmp_path):
    dept_dir = tmp_path / "yuexiu-police"
    shutil.copytree(REFERENCE, dept_dir)
    (dept_dir / "finance.csv").write_bytes(b"year,item\n\xff\xfe\xfa\x80\x81\n")
    _, problems, _ = validate(dept_dir)
    assert any("无法识别文件编码" in p.expected for p in problems)


def test_amounts_in_yuan_are_converted(tmp_path):
    dept_dir = tmp_path / "yuexiu-police"
    shutil.copytree(REFERENCE, dept_dir)
    _edit_csv(dept_dir / "finance.csv",
              lambda t: t.replace("201881.94,万元", "2018819400,元").replace("199822.71,万元", "1998227100,元")
              .replace("199466.59,万元", "1994665900,元"))
    dept = perfkit.load(dept_dir)
    assert dept.finance.set_index("item")["amount"]["总收入"] == pytest.approx(201881.94)
