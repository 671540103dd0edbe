"""The presentation layer the notebooks call: Chinese tables and text computed from perfkit's results."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import perfkit
from perfkit.present import views


@pytest.fixture(scope="module")
def ref():
    from conftest import REFERENCE

    return perfkit.analyze(REFERENCE, 2023)


@pytest.fixture(scope="module")
def syn():
    from conftest import SYNTHETIC

    return perfkit.analyze(SYNTHETIC, 2023)


def test_execution_summary_states_rate_and_check(ref):
    text = views.execution_summary(ref).data
    assert "执行率 **99.26%**" in text
    assert "报告陈述的执行率为 99.3%，复算为 99.255%，按其印刷精度一致" in text


def test_score_summary_marks_incomplete_totals(ref):
    text = views.score_summary(ref).data
    cov = ref.coverage.set_index("scope_id").loc["whole"]
    # By hand from indicators.csv and the example sheet (履职效能 80 = 产出 45.7143 + 效益 34.2857, 管理效率 20):
    # scored are 案件类警情 and 破案数 (45.7143 / 4 = 11.4286 each), 治安满意度 (34.2857 / 4 = 8.5714) and the
    # execution rate 199466.59 / 200963.70 = 99.255% of 5 points = 4.9628: 36.3913.  Unscored are two 产出 and
    # three 效益 indicators (22.8571 + 25.7143) and five management items of 3 points: 63.5714; 36.39 + 63.57 = 99.96.
    assert "36.39–99.96 / 100.00" in text and f"另有{int(cov['n_unscored'])}项" in text
    assert "按 0 分计入" not in text and "等级待总分确定后评定" in text
    # the stated 96.67 (stated.csv, 自评结果为 96.67分) lies inside the range
    assert "报告陈述的自评得分为96.67分、等级“优”" in text and "报告陈述得分在复算区间内" in text
    # 见义勇为: all three indicators lack an actual, the execution rate has no amounts: nothing to score
    assert "**见义勇为专项资金**（**无法评分**）" in text and "— / 100" not in text


def test_checks_table_verdicts(syn):
    table = views.checks_table(syn)
    assert list(table.columns[:3]) == ["评价范围", "核对项", "报告陈述"]
    row = table[table["核对项"] == "预算完成率"].iloc[0]
    assert (row["报告陈述"], row["复算"], row["结论"]) == ("98.8", "98.23", "不一致")


def test_indicator_table_uses_rule_labels_and_two_decimals(ref):
    table = views.indicator_table(ref)
    assert len(table) == len(ref.scored.indicators)
    assert "方向性指标：对比上年值" in set(table["适用规则"])
    assert all(s == "—" or s.count(".") == 1 and len(s.split(".")[1]) == 2 for s in table["得分"])


def test_yoy_budget_without_prior_year_says_so(ref):
    assert "无上年数据" in views.yoy_budget_table(ref).data


def test_yoy_budget_rates_change_in_percentage_points(syn):
    table = views.yoy_budget_table(syn)
    rates = table["执行率"]
    assert len(rates) and list(rates.columns) == ["2022年", "2023年", "增减（个百分点）"]
    assert "增减率" not in rates.columns  # never a percent of a percent


def test_yoy_budget_table_is_one_row_per_line_with_measures_as_columns(syn):
    # issue 13: 16 budget lines of 2023 in budget.csv, one row each (not 4 measures x 16 rows)
    table = views.yoy_budget_table(syn)
    assert len(table) == 16
    assert [c for c in dict.fromkeys(table.columns.get_level_values(0))] == [
        "评价范围", "预算行", "年初预算数", "全年预算数", "全年执行数", "执行率", "备注"]
    whole = table[(table[("预算行", "")] == "合计")].iloc[0]
    # budget.csv: 2022 whole 合计 5928.60 / 5240.88, 2023 6120.50 / 6012.33 (printed with two decimals)
    assert (whole[("全年预算数", "2022年")], whole[("全年预算数", "2023年")]) == ("5,928.60", "6,120.50")
    assert whole[("全年预算数", "增减率")] == "3.24%"  # 191.90 / 5928.60 by hand
    assert (whole[("执行率", "2022年")], whole[("执行率", "2023年")]) == ("88.40%", "98.23%")
    assert whole[("执行率", "增减（个百分点）")] == "9.83"  # 98.2325 - 88.3999 by hand
    # a note is listed once below the table; the rows carry only its mark
    notes = table.attrs["notes"]
    assert len(notes) == len(set(notes)) and "注3：无上年数据（2022年无此预算行）" in notes
    assert not any("无上年数据" in str(v) for v in table[("备注", "")])
    html = table._repr_html_()
    assert html.count("无上年数据（2022年无此预算行）") == 1 and 'colspan="3"' in html


def test_amounts_shown_with_the_printed_precision(tmp_path):
    # an amount printed 1234.5 stays one decimal, 88 stays whole; the rate perfkit computes has two
    src = Path(__file__).parent.parent / "data" / "yuexiu-police"
    dept = tmp_path / "yuexiu-police"
    shutil.copytree(src, dept)
    budget = (dept / "budget.csv").read_text(encoding="utf-8").replace("200963.70,199466.59", "200963.7,199466")
    (dept / "budget.csv").write_text(budget, encoding="utf-8")
    a = perfkit.analyze(perfkit.load(dept), 2023)
    whole = views.execution_table(a).iloc[0]
    assert (whole["全年预算数（万元）"], whole["全年执行数（万元）"]) == ("200,963.7", "199,466")
    assert whole["执行率"] == "99.25%"  # 199466 / 200963.7 = 0.992547 by hand


def test_problems_and_recommendations_follow_the_findings(ref):
    main = [f for f in ref.findings if f.section == "存在的主要问题" and f.code != "actual_missing"]
    problems = views.problems_markdown(ref).data
    assert all(f.problem.split("，")[0] in problems for f in main)  # every main finding is told
    assert "治安满意度" in problems and "见义勇为专项资金" in problems
    assert "99.3" not in problems  # the execution rate is not a problem
    # grouped: the three measurability findings (6 + 1 directional targets, 治安满意度 at its boundary) are one problem
    # the report's own main problem first (narrative.csv, from 三、存在的主要问题), then perfkit's three
    assert problems.count("**（") == 4 and "**（三）绩效目标设置不够清晰、可衡量**" in problems
    assert problems.startswith("**（一）部门自评报告所述问题**") and "有保有压、精打细算、精准投入" in problems
    assert "没有实际完成值" not in problems  # missing actuals are the analyst's, not the department's
    recs = views.recommendations_markdown(ref).data
    assert recs.startswith("**（一）")


def test_analyst_checklist_holds_what_to_supply(ref):
    items = views.analyst_checklist(ref).data
    # indicators.csv: 共护校园数, 公安热线办结率, 区域安全防护能力, 社会治安稳定 have no actual (whole);
    # 发放率 and 满意度 (见义勇为) neither; 公用经费 is not a budget line of the reference case
    assert "共护校园数" in items and "发放率" in items and "「公用经费控制率」" in items
    assert "请确认" in items and "本报告按“≥”理解" in items  # 263 and 100% were read as ≥
    assert ".csv" not in items and "prior_actual" not in items and "whole" not in items


def test_charts_are_saved_and_shown_from_the_same_file(ref, tmp_path):
    image = views.execution_chart(ref, tmp_path)
    saved = tmp_path / "budget_execution.png"
    assert saved.is_file() and image.data == saved.read_bytes()


def test_title_marks_synthetic_data(syn, ref):
    assert "示例数据" in views.title(syn, "预算执行").data
    assert "示例数据" not in views.title(ref, "预算执行").data


def test_tables_have_no_styler_and_count_from_one(ref):
    table = views.finance_table(ref)
    assert isinstance(table, pd.DataFrame) and table.index[0] == 1


def test_default_locations_work_from_any_directory(tmp_path, monkeypatch):
    # papermill may run a notebook from anywhere with data_dir/output_dir left at None
    from perfkit.ingest.loading import default_data_dir
    from perfkit.settings import CHECKOUT

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PERFKIT_DATA_DIR", raising=False)
    assert default_data_dir() == CHECKOUT / "data"
    a = perfkit.analyze("yuexiu-police", 2023)
    # no location asked for: charts are shown, nothing is written into the checkout
    assert views.figures_dir(None) is None
    views.execution_chart(a)
    assert not (CHECKOUT / "reports" / "_notebook").exists() or not any((CHECKOUT / "reports" / "_notebook").rglob("*.png"))
    assert views.figures_dir("x") == __import__("pathlib").Path("x")
