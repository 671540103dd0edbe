"""Stated figures recomputed at their printed precision, and the tables' own arithmetic (domain.md §6, §7)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import perfkit

import numpy as np
import pandas as pd
import pytest

from perfkit.score.checks import matches, printed_decimals
from perfkit.score.figures import ExprError, evaluate, parse_expr
from perfkit.ingest.department import Department

from builders import load_department

# --------------------------------------------------------------------------- the evaluator


@pytest.mark.parametrize("expr,value", [("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("-4 / 2", -2), ("+3 - 1", 2),
                                        ("199466.59 / 200963.70 * 100", pytest.approx(99.25503))],
                         ids=["precedence", "parentheses", "unary_minus", "unary_plus", "seed_rate"])
def test_arithmetic(expr, value):
    assert evaluate(expr, {}) == value


@pytest.mark.parametrize("expr", ["__import__('os').system('true')", "budget.__class__", "(lambda: 1)()",
                                  "[1, 2][0]", "2 ** 10", "1 if 1 else 2", "budget(scope='whole')", "abs(-1)",
                                  "'text'", "x", "1 +"],
                         ids=["import", "attribute", "lambda", "subscript", "power", "conditional", "keyword_argument",
                              "unlisted_function", "bare_string", "bare_name", "syntax_error"])
def test_anything_else_is_refused(expr):
    with pytest.raises(ExprError):
        parse_expr(expr)


def test_functions_are_called_with_their_arguments():
    functions = {"budget": lambda scope: {"whole": 200.0}[scope], "fig": lambda fid: 7.0}
    assert evaluate("fig('a') / budget('whole') * 100", functions) == pytest.approx(3.5)


def test_division_by_zero_is_an_expr_error():
    with pytest.raises(ExprError, match="除数为 0"):
        evaluate("1 / (2 - 2)", {})


@pytest.mark.parametrize("expr", ["1e308 * 1e308", "1e999 - 1", "-1e308 * 10 + 1e308 * 10", "1e999"])
def test_a_result_beyond_floats_is_an_expr_error_not_infinity(expr):
    with pytest.raises(ExprError, match="超出数值范围"):
        evaluate(expr, {})


# --------------------------------------------------------------------------- printed precision

DECIMALS = [("percent_one", "99.3%", 1), ("score_two", "96.67分", 2), ("count", "7个", 0), ("amount", "200963.70万元", 2),
            ("words_before", "下降 13.8%", 1), ("thousands", "1,200.5万元", 1), ("no_number", "优", None)]


@pytest.mark.parametrize("text,decimals", [d[1:] for d in DECIMALS], ids=[d[0] for d in DECIMALS])
def test_printed_decimals(text, decimals):
    assert printed_decimals(text) == decimals


MATCHES = [
    ("seed_99_3_vs_99_255", 99.3, 199466.59 / 200963.70 * 100, 1, True),
    ("seed_33_3_vs_7_of_21", 33.3, 7 / 21 * 100, 1, True),
    ("just_inside_half_unit", 99.3, 99.35, 1, True),
    ("just_outside_half_unit", 99.3, 99.36, 1, False),
    ("two_decimals_off", 96.67, 96.66, 2, False),
    ("integer_rounding", 88, 87.6, 0, True),
]


@pytest.mark.parametrize("stated,recomputed,decimals,ok", [m[1:] for m in MATCHES], ids=[m[0] for m in MATCHES])
def test_matches_at_printed_precision(stated, recomputed, decimals, ok):
    assert matches(stated, recomputed, decimals) is ok


# --------------------------------------------------------------------------- a hand-made department

SCOPES = ["year", "scope_id", "scope_type", "name", "parent_scope_id", "rule_set", "stated_score", "stated_grade"]
BUDGET = ["year", "scope_id", "line", "line_type", "budget_original", "budget", "executed", "unit"]
INDICATORS = ["year", "scope_id", "indicator_id", "parent_id", "level1", "level2", "name", "target", "actual", "weight",
              "stated_score", "prior_actual"]
STATED = ["year", "figure_id", "scope_id", "label", "kind", "stated_text", "value", "unit", "expr", "sentence"]


def table(columns, rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df.insert(0, "src_row", np.arange(2, len(df) + 2))
    return df


def department(path: Path, scopes, budget, indicators, stated=(), finance=()) -> Department:
    return Department(
        code="t", path=path, meta={"code": "t", "name": "测试", "years": [2023], "rule_set": "cz2020"},
        scopes=table(SCOPES, scopes), budget=table(BUDGET, budget),
        finance=table(["year", "item", "amount", "unit"], list(finance)),
        indicators=table(INDICATORS, indicators).astype({"weight": float, "stated_score": float}),
        stated=table(STATED, list(stated)).astype({"value": float}),
        progress=pd.DataFrame({"year": pd.Series(dtype="Int64")}))


def ind(iid, level1, target, actual, weight, stated=np.nan, parent=None, scope="p", name=None):
    return [2023, scope, iid, parent, level1, "数量指标", name or f"指标{iid}", target, actual, weight, stated, None]


@pytest.fixture
def flawed(tmp_path):
    """A project whose table gets its own arithmetic wrong in every way domain.md §7 lists."""
    return department(
        tmp_path,
        scopes=[[2023, "p", "一级项目", "项目", None, None, 99.0, "良"],
                [2023, "q", "一级项目", "项目乙", None, None, 101.0, "优"],
                [2023, "whole", "部门整体", "整体", None, None, np.nan, None]],
        budget=[[2023, "p", "合计", "合计", 100.0, 100.0, 90.0, "万元"],
                [2023, "p", "基本支出", "支出类型", 60.0, 60.0, 50.0, "万元"],
                [2023, "p", "项目支出", "支出类型", 40.0, 40.0, 30.0, "万元"],
                [2023, "q", "合计", "合计", 50.0, 50.0, 50.0, "万元"],
                [2023, "whole", "合计", "合计", 0.0, 0.0, 0.0, "万元"],
                [2023, "whole", "财政拨款", "资金来源", 10.0, 10.0, 10.0, "万元"]],
        indicators=[ind("a", "产出指标", "≥100", "85", 50, stated=50),            # full marks on a missed target
                    ind("b", "效益指标", "有效", "达成", 30, stated=35),           # score above weight
                    ind("c", "满意度指标", "≥90%", "95%", 20, stated=20),          # weights add to 110
                    ind("d", "产出指标", "≥10个", "10个", 60, scope="q"),
                    ind("d1", "产出指标", "≥6个", "6个", np.nan, parent="d", scope="q"),
                    ind("d2", "产出指标", "≥5个", "5个", np.nan, parent="d", scope="q"),  # 6 + 5 ≠ 10
                    ind("e", "效益指标", "≥1", "1", 30, scope="q")],
        stated=[[2023, "rate", "p", "预算完成率", "百分比", "90.0%", 90.0, "%", "executed('p') / budget('p') * 100",
                 "完成预算的90.0%。"],
                [2023, "rate_bad", "p", "预算完成率（误）", "百分比", "91.2%", 91.2, "%",
                 "executed('p') / budget('p') * 100", "完成预算的91.2%。"],
                [2023, "grade_p", "p", "等级", "等级", "良", np.nan, None, "grade(90)", None],
                [2023, "listed", "p", "项目个数", "计数", "18个", 18.0, "个", None, "其中一级项目18个"],
                [2023, "broken", "p", "收入", "金额", "5万元", 5.0, "万元", "finance('总收入')", None]])


def _by(findings: pd.DataFrame, check: str, scope: str | None = None) -> pd.DataFrame:
    rows = findings[findings["check"] == check]
    return rows[rows["scope_id"] == scope] if scope else rows


def test_stated_figure_within_precision_is_ok(flawed):
    found = perfkit.analyze(flawed, 2023).checks
    row = found[found["figure_id"] == "rate"].iloc[0]
    assert (row["ok"], row["stated"], row["recomputed"], row["decimals"]) == (True, 90.0, 90.0, 1)
    assert "完成预算的90.0%" in row["detail"] and "stated.csv 第 2 行" in row["detail"]


def test_stated_figure_outside_precision_is_a_finding_with_both_numbers(flawed):
    row = perfkit.analyze(flawed, 2023).checks.set_index("figure_id").loc["rate_bad"]
    assert (row["ok"], row["severity"]) == (False, "error")
    assert row["difference"] == pytest.approx(1.2)
    assert "91.2%" in row["detail"] and "90" in row["detail"] and "不一致" in row["detail"]


def test_grade_rows_compare_text(flawed):
    row = perfkit.analyze(flawed, 2023).checks.set_index("figure_id").loc["grade_p"]
    assert (row["stated"], row["recomputed"], row["ok"]) == ("良", "优", False)


def test_rows_without_expr_are_listed_only(flawed):
    row = perfkit.analyze(flawed, 2023).checks.set_index("figure_id").loc["listed"]
    assert pd.isna(row["ok"])
    assert row["detail"].startswith("仅列示，无法复算") and "其中一级项目18个" in row["detail"]


def test_a_formula_the_data_cannot_answer_is_reported(flawed):
    row = perfkit.analyze(flawed, 2023).checks.set_index("figure_id").loc["broken"]
    assert (row["check"], row["severity"]) == ("expr_error", "error") and pd.isna(row["ok"])
    assert "总收入" in row["detail"]


ARITHMETIC = [
    ("weights_add_to_110", "weight_total", "p", 110.0, 100.0),
    ("score_above_weight", "score_above_weight", "p", 35.0, 30.0),
    ("stated_total_not_the_sum_of_rows", "total_sum", "p", 99.0, 50 + 35 + 20 + 9.0),
    ("grade_does_not_match_score", "grade_vs_score", "p", "良", "优"),
    ("full_marks_on_a_missed_target", "full_marks_missed", "p", 50.0, 42.5),
    ("parent_differs_from_sub_rows", "parent_sum", "q", 10.0, 11.0),
    ("total_above_what_rows_allow", "total_above_max", "q", 101.0, 60 + 30 + 10.0),
    ("budget_lines_do_not_add_up", "budget_parts", "p", 90.0, 80.0),
    ("total_left_at_zero_while_a_line_holds_money", "budget_parts", "whole", 0.0, 10.0),
]


@pytest.mark.parametrize("check,scope,stated,recomputed", [a[1:] for a in ARITHMETIC], ids=[a[0] for a in ARITHMETIC])
def test_table_arithmetic(flawed, check, scope, stated, recomputed):
    rows = _by(perfkit.analyze(flawed, 2023).checks, check, scope)
    bad = rows[rows["ok"] == False]  # noqa: E712 (nullable boolean)
    assert len(bad) >= 1, rows
    row = bad.iloc[0]
    if isinstance(stated, str):
        assert (row["stated"], row["recomputed"]) == (stated, recomputed)
    else:
        assert (row["stated"], row["recomputed"]) == (pytest.approx(stated), pytest.approx(recomputed))
    assert row["detail"] and row["severity"] in ("warning", "error")


def test_rates_of_sub_rows_are_not_added(tmp_path):
    dept = department(tmp_path, scopes=[[2023, "p", "一级项目", "项目", None, None, np.nan, None]],
                      budget=[[2023, "p", "合计", "合计", 1.0, 1.0, 1.0, "万元"]],
                      indicators=[ind("r", "产出指标", "≥95%", "98%", 10),
                                  ind("r1", "产出指标", "≥95%", "97%", np.nan, parent="r"),
                                  ind("r2", "产出指标", "≥95%", "99%", np.nan, parent="r")])
    assert _by(perfkit.analyze(dept, 2023).checks, "parent_sum").empty


def test_grade_follows_the_rule_set_of_the_figures_scope(tmp_path):
    (tmp_path / "local.yaml").write_text(
        "extends: cz2020\nname: local\ngrades:\n  bands:\n    - {grade: 优, min: 85}\n    - {grade: 良, min: 75}\n"
        "    - {grade: 中, min: 60}\n    - {grade: 差, min: 0}\n  source: 本地\n  confidence: C\n", encoding="utf-8")
    dept = department(tmp_path, scopes=[[2023, "p", "一级项目", "项目", None, None, np.nan, None],
                                        [2023, "l", "一级项目", "本地项目", None, "local.yaml", np.nan, None]],
                      budget=[[2023, "p", "合计", "合计", 1.0, 1.0, 1.0, "万元"],
                              [2023, "l", "合计", "合计", 1.0, 1.0, 1.0, "万元"]],
                      indicators=[],
                      stated=[[2023, "gp", "p", "等级", "等级", "良", np.nan, None, "grade(88)", None],
                              [2023, "gl", "l", "等级", "等级", "优", np.nan, None, "grade(88)", None]])
    found = perfkit.analyze(dept, 2023).checks.set_index("figure_id")
    assert (found.loc["gp", "recomputed"], found.loc["gl", "recomputed"]) == ("良", "优")


def test_consistent_scopes_pass(flawed):
    found = perfkit.analyze(flawed, 2023).checks
    weights_q = _by(found, "weight_total", "q").iloc[0]
    assert bool(weights_q["ok"]) and weights_q["recomputed"] == 100


def test_columns(flawed):
    found = perfkit.analyze(flawed, 2023).checks
    assert list(found.columns) == ["year", "scope_id", "check", "label", "figure_id", "stated_text", "stated",
                                   "recomputed", "difference", "decimals", "ok", "severity", "file", "row", "detail",
                                   "tolerance", "variant"]
    assert str(found["ok"].dtype) == "boolean"


# --------------------------------------------------------------------------- the reference case


@pytest.fixture
def seed_like(tmp_path):
    """The reference report's own figures, typed in the data format (independent of data/)."""
    return department(
        tmp_path,
        scopes=[[2023, "whole", "部门整体", "越秀区公安分局部门整体支出", None, None, 96.67, None],
                [2023, "jyyw", "专项资金", "见义勇为专项资金", None, None, 88.0, None]],
        budget=[[2023, "whole", "合计", "合计", np.nan, 200963.70, 199466.59, "万元"],
                [2023, "jyyw", "合计", "合计", np.nan, np.nan, np.nan, "万元"]],
        indicators=[ind("w01", "产出指标", "同比下降", "同比下降13.8%", np.nan, scope="whole")],
        stated=[[2023, "execution_rate", "whole", "预算完成率", "百分比", "99.3%", 99.3, "%",
                 "executed('whole') / budget('whole') * 100", "执行数199466.59万元，完成预算的99.3%。"],
                [2023, "five_star_stations", "whole", "五星公安派出所数", "计数", "7 个", 7, "个", None, None],
                [2023, "stations_total", "whole", "派出所总数", "计数", "21个", 21, "个", None, "假设"],
                [2023, "five_star_share", "whole", "五星派出所比例", "百分比", "33.3%", 33.3, "%",
                 "fig('five_star_stations') / fig('stations_total') * 100", "五星派出所比例占派出所总数的33.3%"],
                [2023, "overall_score", "whole", "自评得分", "得分", "96.67分", 96.67, "分", None, None],
                [2023, "overall_grade", "whole", "等级", "等级", "优", np.nan, None, "grade(fig('overall_score'))", None],
                [2023, "jyyw_score", "jyyw", "见义勇为得分", "得分", "88分", 88, "分", None, None],
                [2023, "jyyw_grade", "jyyw", "见义勇为等级", "等级", "良", np.nan, None, "grade(fig('jyyw_score'))", None]])


SEED = [("execution_99_3_matches_99_255", "execution_rate", True, pytest.approx(99.255035, abs=1e-6)),
        ("share_33_3_matches_7_of_21", "five_star_share", True, pytest.approx(100 / 3)),
        ("whole_96_67_is_excellent", "overall_grade", True, "优"),
        ("fund_88_is_good", "jyyw_grade", True, "良")]


@pytest.mark.parametrize("figure,ok,recomputed", [s[1:] for s in SEED], ids=[s[0] for s in SEED])
def test_reference_figures(seed_like, figure, ok, recomputed):
    row = perfkit.analyze(seed_like, 2023).checks.set_index("figure_id").loc[figure]
    assert (row["ok"], row["recomputed"]) == (ok, recomputed)


@pytest.mark.parametrize("figure,ok,recomputed", [s[1:] for s in SEED], ids=[s[0] for s in SEED])
def test_reference_figures_in_shipped_data(reference, figure, ok, recomputed):
    row = perfkit.analyze(reference, 2023).checks.set_index("figure_id").loc[figure]
    assert (row["ok"], row["recomputed"]) == (ok, recomputed)


@pytest.mark.parametrize("line_type,flagged", [("经济分类", True), ("统计项", False)],
                         ids=["economic-parts-above-total", "memo-lines-never-summed"])
def test_budget_parts_above_total_except_memo_lines(tmp_path, line_type, flagged):
    # 三公经费 and 政府采购 overlap other lines by design, so 统计项 lines are never added up
    dept = department(tmp_path, scopes=[[2023, "p", "一级项目", "项目", None, None, np.nan, None]],
                      budget=[[2023, "p", "合计", "合计", 100.0, 100.0, 90.0, "万元"],
                              [2023, "p", "三公经费", line_type, 60.0, 60.0, 50.0, "万元"],
                              [2023, "p", "政府采购", line_type, 70.0, 70.0, 60.0, "万元"]],
                      indicators=[ind("r", "产出指标", "≥95%", "98%", 10)])
    assert (not _by(perfkit.analyze(dept, 2023).checks, "budget_parts").empty) is flagged


# --------------------------------------------------------------------------- every printed score audited (issue 11)

HEAD = {
    "scopes.csv": "year,scope_id,scope_type,name,stated_score,source\n",
    "budget.csv": "year,scope_id,line,line_type,budget_original,budget,executed,unit,weight,rate_printed,stated_score,"
                  "source\n",
    "indicators.csv": "year,scope_id,indicator_id,level1,level2,name,target,actual,weight,stated_score,source\n",
    "stated.csv": "year,figure_id,scope_id,label,kind,stated_text,value,unit,expr,sentence,source\n",
}


def written(tmp_path, name="t", meta="", **files) -> Department:
    """Return a department written as files (so printed precision and — markers are read as a user types them)."""
    defaults = {"scopes.csv": "2023,p,一级项目,项目,,测试\n", "budget.csv": "2023,p,合计,合计,,100,100,万元,,,,测试\n",
                "indicators.csv": ""}
    tables = {fname: list(csv.DictReader(io.StringIO(HEAD[fname] + rows)))
              for fname, rows in {**defaults, **files}.items()}
    return load_department(tmp_path / name, name="测试", meta=meta, tables=tables, fill=False)


def audit(dept) -> pd.DataFrame:
    return perfkit.analyze(dept, 2023).checks


def ind_rows(*rows) -> str:
    return "".join(f"2023,p,i{i},{l1},数量指标,指标{i},{t},{a},{w},{s},测试\n" for i, (l1, t, a, w, s) in enumerate(rows))


VARIANTS = [
    ("uncapped_ratio_30_on_a_20_row", ("产出指标", "≥20", "30", 20, 30), "score_above_weight", "uncapped_ratio"),
    ("rounded_down_9_7_to_9", ("产出指标", "≥100", "97", 10, 9), "indicator_score", "floor"),
    ("rounded_8_62_to_9", ("产出指标", "43.2", "37.24", 10, 9), "indicator_score", "round"),
    ("linear_reverse_6_67", ("产出指标", "≤3天", "4天", 10, 6.67), "indicator_score", "reverse_linear"),
    ("bands_80_50", ("效益指标", "有效", "部分达成", 10, 5.5), "indicator_score", "bands_8050"),
    ("full_marks_on_a_miss", ("产出指标", "≥100", "85", 10, 10), "full_marks_missed", "full_marks_on_miss"),
    ("deduction_on_a_met_target", ("产出指标", "≥1", "1", 10, 8), "indicator_score", "deduction_on_met"),
    ("no_known_variant", ("产出指标", "≥100", "85", 10, 7.3), "indicator_score", None),
]


@pytest.mark.parametrize("row,check,variant", [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS])
def test_a_printed_score_that_differs_names_the_variant_that_gives_it(tmp_path, row, check, variant):
    found = audit(written(tmp_path, **{"indicators.csv": ind_rows(row)}))
    got = found[found["file"].str.endswith("indicators.csv") & (found["row"] == 2)
                & found["check"].isin(["indicator_score", "score_above_weight", "full_marks_missed"])]
    [rec] = got.to_dict("records")
    assert (rec["check"], rec["ok"], rec["variant"] if isinstance(rec["variant"], str) else None) == \
        (check, False, variant)
    assert str(row[4]) in rec["detail"] or f"{row[4]:g}" in rec["detail"]
    if variant is None:
        assert "已知的计分变体都得不出报告的得分" in rec["detail"]


AGREE = [
    ("met_quantitative", ("产出指标", "≥95%", "96%", 10, 10)),
    ("proportional_two_decimals", ("产出指标", "≥100", "85", 10, 8.5)),
    ("qualitative_inside_its_band", ("效益指标", "有效", "达成", 10, 8.5)),
    ("deadline_inside_its_band", ("产出指标", "2021年12月完成", "2021年12月完成", 5, 4)),
]


@pytest.mark.parametrize("row", [a[1] for a in AGREE], ids=[a[0] for a in AGREE])
def test_a_printed_score_the_rule_allows_agrees(tmp_path, row):
    found = audit(written(tmp_path, **{"indicators.csv": ind_rows(row)}))
    rec = found[found["check"] == "indicator_score"].iloc[0]
    assert bool(rec["ok"]) and "一致" in rec["detail"]


def test_a_score_perfkit_cannot_compute_is_not_a_mismatch_and_names_the_missing_input(tmp_path):
    found = audit(written(tmp_path, **{"indicators.csv": ind_rows(("产出指标", "≥95%", "", 10, 10),
                                                                   ("产出指标", "≥95%", "96%", "", 5))}))
    rows = found[found["check"] == "indicator_score"].set_index("row")
    assert rows["ok"].isna().all()
    assert "实际完成值为空" in rows.loc[2, "detail"] and rows.loc[2, "detail"].startswith("无法复算")
    assert "未印分值" in rows.loc[3, "detail"]


BUDGET_ROWS = [
    ("rate_and_score_agree", "2023,p,合计,合计,,43.2,37.24,万元,10,86%,8.62,测试\n", (True, True), (None, None)),
    ("score_rounded_to_an_integer", "2023,p,合计,合计,,43.2,37.24,万元,10,86%,9,测试\n", (True, False), (None, "round")),
    ("rate_misprinted", "2023,p,合计,合计,,43.2,37.24,万元,10,90%,8.62,测试\n", (False, True), (None, None)),
    ("older_form_20_times_rate", "2023,p,合计,合计,,100,90,万元,10,90%,18,测试\n", (True, False), (None, "execution_20")),
]


@pytest.mark.parametrize("line,oks,variants", [b[1:] for b in BUDGET_ROWS], ids=[b[0] for b in BUDGET_ROWS])
def test_the_printed_execution_rate_and_score_against_the_amounts_and_the_rule(tmp_path, line, oks, variants):
    found = audit(written(tmp_path, **{"budget.csv": line}))
    rate = found[found["check"] == "execution_rate"].iloc[0]
    score = found[found["check"] == "execution_score"].iloc[0]
    assert (bool(rate["ok"]), bool(score["ok"])) == oks
    assert (score["variant"] if isinstance(score["variant"], str) else None) == variants[1]


def test_a_rate_printed_without_amounts_is_unrecomputable_and_the_score_uses_it(tmp_path):
    found = audit(written(tmp_path, **{"budget.csv": "2023,p,合计,合计,,,,万元,10,76%,7.6,测试\n"}))
    rate = found[found["check"] == "execution_rate"].iloc[0]
    score = found[found["check"] == "execution_score"].iloc[0]
    assert pd.isna(rate["ok"]) and rate["detail"].startswith("无法复算")
    assert bool(score["ok"]) and score["recomputed"] == pytest.approx(7.6)


@pytest.mark.parametrize("budget_text,ok", [("89.974", True), ("89.9740", False)],
                         ids=["three_decimals_in_wan_yuan_match_yuan", "four_decimals_are_closer_than_that"])
def test_tolerance_comes_from_the_printed_precision_of_every_input(tmp_path, budget_text, ok):
    # 899736 元 stated; the budget printed 89.974 万元 is known to ±5 元, so 4 元 apart is within it
    dept = written(tmp_path, **{
        "budget.csv": f"2023,p,合计,合计,,{budget_text},80,万元,,,,测试\n",
        "stated.csv": "2023,b,p,全年预算数（元）,金额,899736元,899736,元,budget('p') * 10000,,测试\n"})
    row = audit(dept).set_index("figure_id").loc["b"]
    assert bool(row["ok"]) is ok and row["difference"] == pytest.approx(-4)


def test_the_printed_total_lies_inside_perfkits_range(tmp_path):
    dept = written(tmp_path, **{"scopes.csv": "2023,p,一级项目,项目,96,测试\n",
                                "indicators.csv": ind_rows(("产出指标", "≥1", "1", 50, 50), ("效益指标", "≥1", "", 30, 30),
                                                           ("满意度指标", "≥1", "1", 10, 6))})
    row = audit(dept).set_index("check").loc["total_vs_perfkit"]
    assert (bool(row["ok"]), row["stated"]) == (True, 96)
    assert "总分应在 70–100 之间：报告总分在区间内" in row["detail"]


def test_the_printed_total_against_perfkits_complete_total(tmp_path):
    dept = written(tmp_path, **{"scopes.csv": "2023,p,一级项目,项目,92.5,测试\n",
                                "indicators.csv": ind_rows(("产出指标", "≥1", "1", 50, 50), ("效益指标", "≥1", "1", 30, 30),
                                                           ("满意度指标", "≥1", "1", 10, 10))})
    found = audit(dept).set_index("check")
    assert (bool(found.loc["total_vs_perfkit", "ok"]), found.loc["total_vs_perfkit", "recomputed"]) == (False, 100)
    assert found.loc["total_vs_perfkit", "difference"] == pytest.approx(-7.5)
    assert not bool(found.loc["total_sum", "ok"])  # 92.5 ≠ 50 + 30 + 10 + 10 either


def test_an_incomplete_table_bounds_sums_instead_of_asserting_them(tmp_path):
    dept = written(tmp_path, meta="incomplete: true\n", **{
        "scopes.csv": "2023,p,一级项目,项目,98,测试\n",
        "indicators.csv": ind_rows(("产出指标(50分)", "≥1", "1", 50, 45), ("效益指标", "≥1", "1", 20, 20))})
    found = audit(dept)
    assert found[found["check"].isin(["total_sum", "weight_total"])].empty
    # 45 + 20 printed + execution 10 + the 20 points no transcribed row carries = 95 < 98
    row = found.set_index("check").loc["total_above_max"]
    assert (row["stated"], row["recomputed"]) == (98, pytest.approx(95))


def test_printed_block_weights_against_rows_and_the_fixed_split(tmp_path):
    found = audit(written(tmp_path, **{"indicators.csv": ind_rows(("产出指标(70分)", "≥1", "1", 70, 70),
                                                                   ("效益指标(20分)", "≥1", "1", 15, 15),
                                                                   ("满意度指标(10分)", "≥1", "1", 10, 10))}))
    rows = found[found["check"] == "block_weight"]
    pairs = {(r.stated, r.recomputed, bool(r.ok)) for r in rows.itertuples()}
    # the rows against their block (70 = 70, 15 ≠ 20), and the blocks against cz2020's fixed 50 / 30 / 10
    assert pairs == {(70, 70, True), (70, 50, False), (20, 15, False), (20, 30, False), (10, 10, True)}


@pytest.mark.parametrize("other,flagged", [("-,-", False), (",", False), ("5,5", True)],
                         ids=["dash_means_none", "empty_means_unknown", "printed_amount_breaks_the_sum"])
def test_budget_parts_with_not_applicable_and_unknown_lines(tmp_path, other, flagged):
    dept = written(tmp_path, **{"budget.csv": "2023,p,合计,合计,,100,100,万元,,,,测试\n"
                                              "2023,p,财政拨款,资金来源,,100,100,万元,,,,测试\n"
                                              f"2023,p,其他资金,资金来源,,{other},万元,,,,测试\n"})
    assert (not audit(dept)[audit(dept)["check"] == "budget_parts"].empty) is flagged


def test_listed_items_are_counted_and_other_figures_referred_to(tmp_path):
    dept = written(tmp_path, **{"stated.csv": "2023,units,p,直属单位,计数,10个,10,个,count_items('甲中心、乙中心和丙所'),,测试\n"
                                              "2023,ref,p,某数,计数,3个,3,个,fig('units') - 7,,测试\n"})
    found = audit(dept).set_index("figure_id")
    assert (found.loc["units", "recomputed"], bool(found.loc["units", "ok"])) == (3, False)
    assert found.loc["ref", "recomputed"] == 3


def test_a_score_formula_on_a_range_is_unrecomputable(tmp_path):
    dept = written(tmp_path, **{"indicators.csv": ind_rows(("产出指标", "≥1", "", 90, 90)),
                                "stated.csv": "2023,s,p,自评得分,得分,96分,96,分,score('p'),,测试\n"})
    row = audit(dept).set_index("figure_id").loc["s"]
    assert row["check"] == "expr_error" and pd.isna(row["ok"]) and "总分为区间" in row["detail"]


def test_split_by_yields_what_groupby_yields():
    # the checks split a department-year's rows without groupby; the groups, their order, their rows and index
    # must be groupby's, including keys left empty (dropped) and a column that is Arrow text
    from perfkit.score.checkrows import split_by

    frame = pd.DataFrame({"scope_id": pd.array(["b", "a", None, "b", "a", "c"], dtype="str"),
                          "line_type": ["x", "y", "x", np.nan, "y", "x"], "v": [1, 2, 3, 4, 5, 6]},
                         index=[10, 11, 12, 13, 14, 15])
    for columns in (("scope_id",), ("scope_id", "line_type"), ("line_type",)):
        ours = list(split_by(frame, *columns))
        theirs = list(frame.groupby(list(columns) if len(columns) > 1 else columns[0], sort=False))
        assert [k for k, _ in ours] == [k for k, _ in theirs]
        for (_, mine), (_, want) in zip(ours, theirs):
            pd.testing.assert_frame_equal(mine, want)
    one = frame[frame["scope_id"] == "b"]
    assert [k for k, _ in split_by(one, "scope_id")] == ["b"] and next(split_by(one, "scope_id"))[1].equals(one)
