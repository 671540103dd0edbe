"""Scoring rules on worked examples, weights and totals, and properties that must hold for any input."""
from __future__ import annotations

import perfkit
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfkit.ingest.department import Department
from perfkit.errors import DataError, RuleSetError
from perfkit.rules.loading import load_rules
from perfkit.score.scoring import (
    FLAG_CODES,
    SCORED_COLUMNS,
    YearScore,
    grade,
    indicator_totals,
    judge,
    score_execution,
    score_indicators,
    score_year,
)
from perfkit.score.targets import Target, parse_target

TABLE_COLUMNS = ["year", "scope_id", "indicator_id", "parent_id", "level1", "level2", "name", "target", "actual",
                     "weight", "stated_score", "prior_actual"]


def indicators(*rows: dict, **common) -> pd.DataFrame:
    """Return an indicators table; each row gives only what differs from the defaults."""
    defaults = {"year": 2023, "scope_id": "p", "parent_id": None, "level1": "产出指标", "level2": "数量指标",
                "target": None, "actual": None, "weight": 10.0, "stated_score": np.nan, "prior_actual": None}
    records = []
    for i, row in enumerate(rows):
        rec = {**defaults, **common, "indicator_id": f"i{i + 1}", "name": f"指标{i + 1}", **row}
        records.append(rec)
    df = pd.DataFrame(records, columns=TABLE_COLUMNS)
    df.insert(0, "src_row", np.arange(2, len(df) + 2))
    return df.astype({"weight": float, "stated_score": float})


def one(target, actual, weight=10.0, rules="cz2020", **row) -> pd.Series:
    """Return the one scored row of a one-row table."""
    scored = score_indicators(indicators({"target": target, "actual": actual, "weight": weight, **row}),
                              load_rules(rules))
    return scored.iloc[0]


def flags(row: pd.Series) -> set[str]:
    return set(filter(None, str(row["flags"]).split(",")))


# --------------------------------------------------------------------------- worked examples

# (id, target, actual, prior, rule set, expected score, expected met, flags that must be present)
WORKED = [
    ("ge_85_of_100_scores_8_5", "≥100", "85", None, "cz2020", 8.5, False, set()),
    ("ge_met_exactly", "≥95%", "95%", None, "cz2020", 10, True, set()),
    ("gt_is_scored_inclusive", ">95%", "95%", None, "cz2020", 10, True, set()),
    ("over_completion_full_marks_and_flag", "≥2400", "3200", None, "cz2020", 10, True, {"over_completion"}),
    ("over_completion_optional_deduction", "≥2400", "3200", None, "cz2020_overdeduct", 9, True, {"over_completion"}),
    ("below_threshold_is_not_over", "≥2400", "3100", None, "cz2020", 10, True, set()),
    ("le_4_days_ratio_7_5", "≤3天", "4天", None, "cz2020", 7.5, False, set()),
    ("le_4_days_linear_6_67", "≤3天", "4天", None, "cz2020_linear", 20 / 3, False, set()),
    ("le_twice_target_linear_zero", "≤3天", "6天", None, "cz2020_linear", 0, False, set()),
    ("le_met", "≤3天", "2天", None, "cz2020", 10, True, set()),
    ("eq_zero_with_zero_full", "=0", "0", None, "cz2020", 10, True, set()),
    ("eq_zero_with_one_nothing", "=0", "1", None, "cz2020", 0, False, set()),
    ("eq_as_higher_is_better", "=100%", "98%", None, "cz2020", 9.8, False, set()),
    ("bare_value_read_as_ge", "263", "250", None, "cz2020", 2500 / 263, False, {"implicit_ge"}),
    ("fraction_actual_against_percent", "100%", "0.95", None, "cz2020", 9.5, False, {"fraction_rate", "implicit_ge"}),
    ("copied_operator_flagged", "≥90%", "≥90%", None, "cz2020", 10, True, {"copied_operator"}),
    ("copied_operator_is_a_claim_in_the_band", "≥90%", "≥90%", None, "cz2020_band8050", 10, True, {"copied_operator"}),
    ("copied_bound_short_of_target_unscored", "≥95%", "≥90%", None, "cz2020", math.nan, None,
     {"copied_operator", "unjudgeable"}),
    ("stock_phrase_against_a_number", "≥90%", "达成预期指标", None, "cz2020", 10, True, {"stock_phrase"}),
    ("negative_actual_clipped", "≥10", "-5", None, "cz2020", 0, False, set()),
    ("yuan_against_wan_yuan", "≤90万元", "850000元", None, "cz2020", 10, True, set()),
    ("cost_overrun_ratio", "≤90万元", "100万元", None, "cz2020", 9, False, set()),
    ("qualitative_achieved", "有效", "达成", None, "cz2020", 10, True, set()),
    ("qualitative_stock_phrase", "有效", "达成预期指标", None, "cz2020", 10, True, set()),
    ("qualitative_basically", "有效", "基本达成", None, "cz2020", 8, False, set()),
    ("qualitative_partly_band_80_60", "有效", "部分达成", None, "cz2020", 7, False, set()),
    ("qualitative_partly_band_80_50", "有效", "部分达成", None, "cz2020_band8050", 6.5, False, set()),
    ("qualitative_missed", "有效", "未达成", None, "cz2020", 3, False, set()),
    ("qualitative_same_words", "合规", "合规", None, "cz2020", 10, True, set()),
    ("deadline_on_time", "2021年12月完成", "2021年11月完成", None, "cz2020", 10, True, set()),
    ("deadline_late", "2021年12月完成", "2022年3月完成", None, "cz2020", 7, False, set()),
    ("direction_checked_with_prior", "同比下降", "100", "120", "cz2020", 10, True, {"unmeasurable"}),
    ("direction_missed_is_not_achieved", "同比下降", "130", "120", "cz2020", 3, False, {"unmeasurable"}),
    ("direction_right_amount_short", "同比下降10%", "110", "120", "cz2020", 7, False, {"unmeasurable"}),
    ("direction_right_amount_reached", "同比下降10%", "100", "120", "cz2020", 10, True, {"unmeasurable"}),
    ("keep_seed_98_to_98", "保持", "98.00%", "98.00%", "cz2020", 10, True, {"unmeasurable"}),
    ("keep_allows_a_rise", "保持", "99%", "98%", "cz2020", 10, True, {"unmeasurable"}),
    ("keep_fails_on_a_fall", "保持", "97.5%", "98%", "cz2020", 3, False, {"unmeasurable"}),
    ("direction_stated_in_actual_seed", "同比下降", "同比下降13.8%", None, "cz2020", 10, True, {"unmeasurable"}),
    ("direction_stated_wrong_way", "同比下降", "同比上升5%", None, "cz2020", 3, False, {"unmeasurable"}),
    ("direction_qualitative_without_prior", "提升", "达成", None, "cz2020", 10, True, {"unmeasurable"}),
]


@pytest.mark.parametrize("target,actual,prior,rules,score,met,must_flag", [w[1:] for w in WORKED],
                         ids=[w[0] for w in WORKED])
def test_worked_examples(target, actual, prior, rules, score, met, must_flag):
    row = one(target, actual, rules=rules, prior_actual=prior)
    if math.isnan(score):  # cannot be scored: no score and no verdict
        assert pd.isna(row["score"]) and pd.isna(row["met"])
    else:
        assert row["score"] == pytest.approx(score)
        assert row["met"] == met
    assert must_flag <= flags(row)
    assert row["reason"]


@pytest.mark.parametrize("target,actual,rules,shown", [("≥100", "85", "cz2020", 8.5), ("≤3天", "4天", "cz2020", 7.5),
                                                        ("≤3天", "4天", "cz2020_linear", 6.67)],
                         ids=["ge_85_of_100", "le_ratio_7_5", "le_linear_6_67"])
def test_issue_examples_as_displayed(target, actual, rules, shown):
    assert round(one(target, actual, rules=rules)["score"], 2) == shown


UNSCORED = [
    ("no_actual", "≥95%", None, None, {"no_actual"}),
    ("unreadable_actual", "≥95%", "1-2个", None, {"unreadable"}),
    ("unreadable_target", "95%-100%", "98%", None, {"unreadable"}),
    ("dash_target", "—", "98%", None, {"no_target"}),
    ("qualitative_words_that_say_nothing", "有效", "较好", None, {"unjudgeable"}),
    ("direction_without_prior", "提升", "98%", None, {"unmeasurable", "unjudgeable"}),
    ("number_target_word_actual", "≥95%", "较好", None, {"unjudgeable"}),
]


@pytest.mark.parametrize("target,actual,prior,must_flag", [u[1:] for u in UNSCORED], ids=[u[0] for u in UNSCORED])
def test_unscorable_rows_are_not_silently_scored(target, actual, prior, must_flag):
    row = one(target, actual, prior_actual=prior)
    assert math.isnan(row["score"])
    assert pd.isna(row["met"])
    assert must_flag <= flags(row)
    assert row["reason"].startswith("无法评分")


def test_reason_wording_of_a_missed_target():
    assert one("≥100", "85")["reason"] == "未完成：完成值 85，指标值 ≥100，完成值/指标值 = 85%，得分 8.5"


def test_over_completion_reason_asks_for_an_explanation():
    reason = one("≥2400", "3200")["reason"]
    assert "133.33%" in reason and "指标值可能设定偏低" in reason


def test_target_hidden_in_the_name_is_used_and_flagged():
    row = one(None, "98%", name="年度资金支付完成率100%")
    assert (row["target_value"], row["target_op"], row["score"]) == (100, ">=", pytest.approx(9.8))
    assert {"target_in_name", "implicit_ge"} <= flags(row)


def test_reading_columns():
    row = one("不低于95%", "96%")
    assert (row["target_kind"], row["target_op"], row["target_value"], row["target_unit"]) == \
        ("quantitative", ">=", 95.0, "%")
    assert (row["actual_kind"], row["actual_value"]) == ("quantitative", 96.0)
    assert row["attainment"] == pytest.approx(96 / 95)
    assert row["target_reading"] == "按「≥95%」理解"
    assert row["rule"] == "higher_is_better"


STATED_BAND = [("inside", 7.5, False), ("at_band_bottom", 6.0, False), ("above_band", 9.0, True),
               ("below_band", 5.0, True)]


@pytest.mark.parametrize("stated,outside", [s[1:] for s in STATED_BAND], ids=[s[0] for s in STATED_BAND])
def test_stated_score_checked_against_its_band(stated, outside):
    row = one("有效", "部分达成", stated_score=stated)
    assert ("stated_outside_band" in flags(row)) is outside


def test_flags_use_known_codes_only():
    scored = score_indicators(indicators(*({"target": t, "actual": a} for t, a in
                                           [("≥2400", "3200"), ("263", "≥90%"), ("提升", None)])),
                              load_rules("cz2020"))
    for text in scored["flags"]:
        assert set(filter(None, text.split(","))) <= set(FLAG_CODES)


# --------------------------------------------------------------------------- problems


def test_unreadable_text_is_reported_with_file_row_column_value():
    problems = []
    table = indicators({"target": "≥95%", "actual": "98%"}, {"target": "1-2个", "actual": "2个"},
                       {"target": "≥95%", "actual": "2宗2人"}, {"level1": "决策指标", "target": "≥1", "actual": "1"})
    score_indicators(table, load_rules("cz2020"), file="data/x/indicators.csv", problems=problems)
    found = {(p.file, p.row, p.column, p.value) for p in problems}
    assert found == {("data/x/indicators.csv", 3, "target", "1-2个"), ("data/x/indicators.csv", 4, "actual", "2宗2人"),
                     ("data/x/indicators.csv", 5, "level1", "决策指标")}


# --------------------------------------------------------------------------- weights and totals


def test_missing_weights_split_the_group_weight_with_satisfaction_redistributed():
    table = indicators(*([{"target": "≥1", "actual": "1", "weight": np.nan}] * 4
                         + [{"level1": "效益指标", "target": "≥1", "actual": "1", "weight": np.nan}] * 2))
    scored = score_indicators(table, load_rules("cz2020"))
    assert scored["weight_used"].tolist() == pytest.approx([56.25 / 4] * 4 + [33.75 / 2] * 2)
    assert all("default_weight" in f for f in scored["flags"])
    assert "按规则集将「产出指标」56.25 分平分给 4 项，每项 14.0625 分" in scored["reason"].iloc[0]


def test_missing_weights_share_what_the_given_ones_leave():
    table = indicators({"target": "≥1", "actual": "1", "weight": 20.0},
                       {"target": "≥1", "actual": "1", "weight": np.nan},
                       {"target": "≥1", "actual": "1", "weight": np.nan},
                       {"level1": "效益指标", "target": "≥1", "actual": "1", "weight": 30.0},
                       {"level1": "满意度指标", "target": "≥1", "actual": "1", "weight": 10.0})
    assert score_indicators(table, load_rules("cz2020"))["weight_used"].tolist() == [20, 15, 15, 30, 10]


def test_sub_rows_are_scored_but_not_counted_twice():
    table = indicators({"target": "≥100", "actual": "100", "weight": 10.0},
                       {"parent_id": "i1", "target": "≥60", "actual": "60", "weight": 6.0},
                       {"parent_id": "i1", "target": "≥40", "actual": "40", "weight": 4.0})
    scored = score_indicators(table, load_rules("cz2020"))
    assert scored["score"].tolist() == [10, 6, 4]
    totals = indicator_totals(scored)
    assert (totals["weight"].sum(), totals["score"].sum()) == (10, 10)
    assert "sub_row" in scored["flags"].iloc[1]


def test_totals_add_unrounded_scores_and_count_unscored():
    table = indicators(*[{"target": "≥3", "actual": "2"}] * 3, {"target": "≥3", "actual": None})
    totals = indicator_totals(score_indicators(table, load_rules("cz2020")))
    assert totals["score"].iloc[0] == pytest.approx(20.0)  # 3 × 6.666…, not 3 × 6.67
    assert (totals["n_indicators"].iloc[0], totals["n_unscored"].iloc[0]) == (4, 1)


def test_output_is_the_input_plus_the_scored_columns():
    table = indicators({"target": "≥95%", "actual": "96%"})
    scored = score_indicators(table, load_rules("cz2020"))
    assert list(scored.columns) == list(table.columns) + list(SCORED_COLUMNS)
    assert scored["met"].dtype == "boolean"
    pd.testing.assert_frame_equal(table, indicators({"target": "≥95%", "actual": "96%"}))  # input untouched


def test_empty_table():
    scored = score_indicators(indicators(), load_rules("cz2020"))
    assert len(scored) == 0 and "reason" in scored.columns
    assert len(indicator_totals(scored)) == 0


# --------------------------------------------------------------------------- execution


def budget(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"year": 2023, "scope_id": s, "line": "合计", "line_type": "合计", "budget_original": o,
                          "budget": b, "executed": e, "unit": "万元"} for s, o, b, e in rows])


EXECUTION = [
    ("seed_99_255_percent_on_10", "cz2020", 200963.70, 199466.59, 9.93),
    ("ninety_percent_gives_9", "cz2020", 100.0, 90.0, 9.0),
    ("over_executed_capped", "cz2020", 100.0, 120.0, 10.0),
    ("legacy_20_times_rate", "legacy_exec20", 100.0, 90.0, 18.0),
]


@pytest.mark.parametrize("rules,b,e,score", [x[1:] for x in EXECUTION], ids=[x[0] for x in EXECUTION])
def test_execution_score(rules, b, e, score):
    ex = score_execution(budget(("whole", np.nan, b, e)), load_rules(rules))
    assert round(ex["score"].iloc[0], 2) == score
    assert ex["execution_rate"].iloc[0] == pytest.approx(e / b)


def test_execution_with_zero_budget_has_no_rate_and_says_why():
    ex = score_execution(budget(("whole", np.nan, 0.0, 5.0)), load_rules("cz2020"))
    assert math.isnan(ex["execution_rate"].iloc[0]) and math.isnan(ex["score"].iloc[0])
    assert "为 0" in ex["reason"].iloc[0]


def test_execution_reason_shows_the_arithmetic():
    reason = score_execution(budget(("whole", np.nan, 200963.70, 199466.59)), load_rules("cz2020"))["reason"].iloc[0]
    assert reason == "执行率 = 执行数 199466.59 ÷ 全年预算数 200963.7 = 99.26%，得分 = 99.26% × 10 = 9.93"


# --------------------------------------------------------------------------- grades


@pytest.mark.parametrize("score,label", [(96.67, "优"), (88, "良"), (60, "中"), (59.99, "差"), (math.nan, None)],
                         ids=["seed_whole", "seed_fund", "boundary_60", "below_60", "missing"])
def test_grade(score, label):
    assert grade(score, load_rules("cz2020")) == label


# --------------------------------------------------------------------------- a department-year


def department(path: Path, scopes, budget_rows, indicator_rows, meta=None) -> Department:
    scopes_df = pd.DataFrame([{"year": 2023, "scope_id": s, "scope_type": t, "name": n, "parent_scope_id": None,
                               "rule_set": r, "stated_score": np.nan, "stated_grade": None}
                              for s, t, n, r in scopes])
    budget_df = budget(*budget_rows)
    empty = pd.DataFrame({"year": pd.Series(dtype="Int64")})
    return Department(code="t", path=path, meta={"code": "t", "name": "测试", "years": [2023], "rule_set": "cz2020",
                                                  **(meta or {})},
                      scopes=scopes_df, budget=budget_df, finance=empty.assign(item=None, amount=np.nan),
                      indicators=indicator_rows, stated=empty, progress=empty)


def test_score_year_adds_execution_and_indicators(tmp_path):
    rows = indicators({"target": "≥100", "actual": "85", "weight": 50.0},
                      {"level1": "效益指标", "target": "有效", "actual": "达成", "weight": 30.0},
                      {"level1": "满意度指标", "target": "≥90%", "actual": "95%", "weight": 10.0}, scope_id="p")
    dept = department(tmp_path, [("p", "一级项目", "项目", None)], [("p", np.nan, 100.0, 90.0)], rows)
    ys = perfkit.analyze(dept, 2023).scored
    assert isinstance(ys, YearScore)
    total = ys.by_scope.set_index("scope_id").loc["p"]
    assert total["score"] == pytest.approx(9 + 42.5 + 30 + 10)
    assert (total["weight"], total["grade"]) == (100, "优")
    assert ys.by_level1["score"].sum() == pytest.approx(total["score"])
    assert ys.problems == []
    assert ys.rules["p"].name == "cz2020"


def test_weights_that_do_not_add_up_are_reported(tmp_path):
    rows = indicators({"target": "≥1", "actual": "1", "weight": 60.0},
                      {"level1": "效益指标", "target": "≥1", "actual": "1", "weight": 30.0},
                      {"level1": "满意度指标", "target": "≥1", "actual": "1", "weight": 10.0})
    dept = department(tmp_path, [("p", "一级项目", "项目", None)], [("p", np.nan, 100.0, 100.0)], rows)
    ys = perfkit.analyze(dept, 2023).scored
    assert ys.by_scope["weight"].iloc[0] == 110
    [problem] = ys.problems
    assert problem.column == "weight" and "应为 100" in problem.expected and "110" in problem.expected


def test_scope_override_and_user_rule_file(tmp_path):
    (tmp_path / "mine.yaml").write_text("extends: cz2020\nname: mine\nexecution:\n  weight: 10\n  base: budget\n"
                                        "  cap: 1.0\n  source: 测试\n  confidence: C\n"
                                        "quantitative:\n  lower_is_better:\n    method: linear\n"
                                        "    source: 测试\n    confidence: C\n", encoding="utf-8")
    rows = indicators({"target": "≤3天", "actual": "4天", "scope_id": "a"}, {"target": "≤3天", "actual": "4天",
                                                                            "scope_id": "b"})
    dept = department(tmp_path, [("a", "一级项目", "甲", None), ("b", "一级项目", "乙", "mine.yaml")],
                      [("a", np.nan, 1.0, 1.0), ("b", np.nan, 1.0, 1.0)], rows)
    ys = perfkit.analyze(dept, 2023).scored
    scores = ys.indicators.set_index("scope_id")["score"]
    assert (scores["a"], scores["b"]) == (pytest.approx(7.5), pytest.approx(20 / 3))
    assert (ys.rules["a"].name, ys.rules["b"].name) == ("cz2020", "mine")


def test_whole_department_follows_the_dept_sheet(tmp_path):
    rows = indicators({"target": "≥1", "actual": "1", "weight": np.nan, "scope_id": "whole"},
                      {"level1": "效益指标", "target": "≥1", "actual": "1", "weight": np.nan, "scope_id": "whole"})
    dept = department(tmp_path, [("whole", "部门整体", "整体", None)], [("whole", 90.0, 99.0, 99.0)], rows,
                      meta={"dept_sheet": "dept_sheet_example"})
    ys = perfkit.analyze(dept, 2023).scored
    assert ys.rules["whole"].name == "dept_sheet_example"
    mg = ys.management.set_index("item")
    assert mg.loc["budget_completion", "score"] == pytest.approx(5.0)
    assert mg.loc["budget_adjustment", "value"] == pytest.approx(10.0)
    assert mg.loc["budget_adjustment", "score"] == 2
    assert math.isnan(mg.loc["three_public_control", "score"])
    assert "三公经费" in mg.loc["three_public_control", "reason"]
    total = ys.by_scope.iloc[0]
    assert total["score"] == pytest.approx(80 + 5 + 2)
    assert bool(total["illustrative"])


def test_unknown_year_is_a_data_error(tmp_path):
    dept = department(tmp_path, [("p", "一级项目", "项目", None)], [("p", np.nan, 1.0, 1.0)], indicators())
    with pytest.raises(DataError, match="没有 2019 年的数据"):
        perfkit.analyze(dept, 2019).scored


# --------------------------------------------------------------------------- properties

positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
actuals = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=0.1, max_value=100, allow_nan=False, allow_infinity=False)


def _score(op: str, target: float, actual: float, weight: float, rules: str = "cz2020") -> float:
    t = Target(f"{op}{target}", "quantitative", op, target, None, op_written=True)
    a = Target(str(actual), "quantitative", ">=", actual, None, implicit_op=True)
    return judge(t, a, parse_target(None), load_rules(rules)).fraction * weight


@settings(max_examples=200)
@given(target=positive, actual=actuals, weight=weights,
       case=st.sampled_from([(">=", "cz2020"), ("=", "cz2020"), ("<=", "cz2020"), ("<=", "cz2020_linear")]))
def test_score_stays_between_zero_and_weight(target, actual, weight, case):
    op, rules = case
    assert 0 <= _score(op, target, actual, weight, rules) <= weight + 1e-9


@settings(max_examples=200)
@given(target=positive, a1=actuals, a2=actuals, weight=weights)
def test_higher_is_better_never_falls_as_actual_rises(target, a1, a2, weight):
    low, high = sorted((a1, a2))
    assert _score(">=", target, low, weight) <= _score(">=", target, high, weight) + 1e-9


@settings(max_examples=200)
@given(target=positive, a1=actuals, a2=actuals, weight=weights, rules=st.sampled_from(["cz2020", "cz2020_linear"]))
def test_lower_is_better_never_rises_as_actual_rises(target, a1, a2, weight, rules):
    low, high = sorted((a1, a2))
    assert _score("<=", target, high, weight, rules) <= _score("<=", target, low, weight, rules) + 1e-9


@settings(max_examples=200)
@given(target=positive, actual=actuals, weight=weights,
       case=st.sampled_from([(">=", "cz2020"), ("<=", "cz2020"), ("<=", "cz2020_linear")]))
def test_full_marks_exactly_when_met(target, actual, weight, case):
    op, rules = case
    met = actual >= target if op == ">=" else actual <= target
    assert (_score(op, target, actual, weight, rules) == pytest.approx(weight, rel=1e-12)) is met or \
        (not met and abs(actual - target) <= 1e-9 * target)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["≥95%", "≤3天", "=0", "263", "有效", "同比下降", "—", "100%"]),
                          st.sampled_from(["96%", "4天", "0", "250", "达成", "部分达成", None, "0.95", "≥90%", "1-2个"]),
                          st.sampled_from([None, "120", "98%"]),
                          st.sampled_from([10.0, 5.0, 2.5])), min_size=1, max_size=30))
def test_vectorized_scores_equal_the_judgement_of_each_row(rows):
    rules = load_rules("cz2020")
    table = indicators(*({"target": t, "actual": a, "prior_actual": p, "weight": w} for t, a, p, w in rows))
    scored = score_indicators(table, rules)
    for (t, a, p, w), got in zip(rows, scored["score"]):
        expected = judge(parse_target(t), parse_target(a), parse_target(p), rules).fraction * w
        assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


# --------------------------------------------------------------------------- real forms (issue 11)


def test_a_bare_ceiling_ratio_is_read_as_at_most_from_the_name():
    row = one("100%", "95%", name="在职人员控制率")
    assert (row["score"], row["met"], row["target_op"]) == (10, True, "<=")
    assert "lower_by_name" in flags(row) and "指标名称含「控制率」" in row["target_reading"]
    assert one("5%", "0", name="预算调整率")["score"] == 10  # an adjustment rate of 0 against 5% is met
    assert one("100%", "95%")["score"] == pytest.approx(9.5)  # without such a word: higher is better, as before
    assert one("≥100%", "95%", name="人员控制率")["score"] == pytest.approx(9.5)  # a written operator wins


def test_an_execution_rate_row_without_target_is_scored_as_execution():
    row = one("—", "90%", name="预算执行率")
    assert row["score"] == pytest.approx(9) and "execution_item" in flags(row)
    assert one("—", "100%", name="预算执行率")["score"] == 10


def test_nature_and_unit_columns_are_joined_with_the_target():
    table = indicators({"target": "30", "actual": "25万元"}, {"target": "100", "actual": "98%"})
    table = table.assign(nature=["≤", "="], measure_unit=["万元", "%"])
    scored = score_indicators(table, load_rules("cz2020"))
    assert scored["target_op"].tolist() == ["<=", "="]
    assert scored["score"].tolist() == [10, pytest.approx(9.8)]
    assert "printed_cells" in scored["flags"].iloc[0] and "合为「≤30万元」" in scored["target_reading"].iloc[0]


def test_an_unreadable_nature_is_a_problem_and_is_not_used():
    problems = []
    table = indicators({"target": "高", "actual": "高"}).assign(nature=["性标定指"])
    scored = score_indicators(table, load_rules("cz2020"), file="x.csv", problems=problems)
    assert scored["score"].iloc[0] == 10
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "nature", "性标定指")]


def test_placeholder_and_not_applicable_rows_are_shown_but_never_scored_or_weighted():
    table = indicators({"target": "≥1", "actual": "1", "weight": np.nan},
                       {"name": "指标2", "weight": np.nan},
                       {"name": "……", "weight": np.nan},
                       {"name": "指标1:/", "target": "/", "actual": "/", "weight": np.nan})
    scored = score_indicators(table, load_rules("cz2020"))
    assert scored["rule"].tolist()[1:] == ["empty_row", "empty_row", "not_applicable"]
    assert scored["counted"].tolist() == [True, False, False, False]
    # 产出 50 + 满意度 10 moved to the only group present: the whole share goes to the one real row, not a quarter
    assert scored["weight_used"].iloc[0] == pytest.approx(60)
    totals = indicator_totals(scored)
    assert (totals["n_indicators"].sum(), totals["n_unscored"].sum()) == (1, 0)


def test_a_not_applicable_target_with_a_reported_result_is_judged_as_stated():
    row = one("—", "达成", weight=4.0)
    assert row["score"] == 4 and {"not_applicable", "stock_phrase"} <= flags(row)
    empty = one(None, "目标明确", weight=4.0)
    assert pd.isna(empty["score"]) and empty["reason"].startswith("无法评分：年度指标值为空")


@pytest.mark.parametrize("label,group", [("产 出 指 标 (50分)", "产出指标"), ("效益指标（30分）", "效益指标"),
                                         ("项目产出", "产出指标"), ("满意度指标(10分)", "满意度指标")],
                         ids=["spaced_with_block_weight", "full_width_parentheses", "alias", "satisfaction"])
def test_printed_labels_map_to_the_rule_sets_groups(label, group):
    assert load_rules("cz2020").group_of(label, "数量指标") == group


def test_four_block_labels_map_by_aliases():
    rules = load_rules("cz2020_four_blocks")
    assert [rules.group_of(x) for x in ("项目决策(10分)", "项目管理(25分)", "综合管理", "部门决策", "项目效益(35分)")] == \
        ["决策", "过程", "过程", "决策", "效益"]


def test_an_unknown_label_is_one_problem_naming_its_rows():
    problems = []
    table = indicators(*[{"level1": "(50分)", "target": "≥1", "actual": "1"}] * 3)
    scored = score_indicators(table, load_rules("cz2020"), file="x.csv", problems=problems)
    [problem] = problems
    assert (problem.row, problem.column, problem.value) == (2, "level1", "(50分)")
    assert "第 2、3、4 行" in problem.expected and "aliases" in problem.expected
    assert scored["weight_used"].sum() == 30  # the rows keep their printed weights: nothing is dropped


def _ys(tmp_path, rows, budget_rows=(("p", np.nan, 100.0, 100.0),), meta=None):
    dept = department(tmp_path, [("p", "一级项目", "项目", None)], list(budget_rows), rows, meta=meta)
    return perfkit.analyze(dept, 2023).scored.by_scope.iloc[0]


def test_a_scope_with_unscored_items_is_a_range_with_no_grade_across_bands(tmp_path):
    rows = indicators({"target": "≥1", "actual": "1", "weight": 50.0},
                      {"level1": "效益指标", "target": "≥1", "actual": None, "weight": 30.0},
                      {"level1": "满意度指标", "target": "≥90%", "actual": "95%", "weight": 10.0})
    total = _ys(tmp_path, rows)
    assert (total["score_min"], total["score_max"], total["weight_unscored"]) == (70, 100, 30)
    assert (total["status"], total["grade"], total["n_unscored"]) == ("range", None, 1)


def test_a_range_inside_one_band_keeps_its_grade(tmp_path):
    rows = indicators({"target": "≥1", "actual": "1", "weight": 85.0},
                      {"level1": "效益指标", "target": "≥1", "actual": None, "weight": 5.0})
    total = _ys(tmp_path, rows)
    assert (total["score_min"], total["score_max"], total["grade"]) == (95, 100, "优")


def test_a_scope_with_nothing_scorable_is_unscorable_not_zero(tmp_path):
    rows = indicators({"target": "≥1", "actual": None, "weight": 90.0})
    total = _ys(tmp_path, rows, budget_rows=[("p", np.nan, np.nan, np.nan)])
    assert total["status"] == "unscorable" and pd.isna(total["score"]) and total["grade"] is None


def test_weights_off_the_total_get_no_grade(tmp_path):
    rows = indicators({"target": "≥1", "actual": "1", "weight": 100.0})
    total = _ys(tmp_path, rows)
    assert (total["weight"], total["status"], total["grade"]) == (110, "weights_off", None)


def test_an_incomplete_table_counts_the_missing_points_in_the_range(tmp_path):
    rows = indicators({"target": "≥1", "actual": "1", "weight": 50.0})
    total = _ys(tmp_path, rows, meta={"incomplete": True})
    assert (total["score_min"], total["score_max"], total["weight_missing"]) == (60, 100, 40)
    assert total["status"] == "range" and bool(total["incomplete"])


def test_reference_case_reads_as_a_range_with_ten_items_to_supply(reference):
    by_scope = perfkit.analyze(reference, 2023).scored.by_scope.set_index("scope_id")
    whole = by_scope.loc["whole"]
    # hand sum: 产出 2 × 11.4286 + 效益 8.5714 + 预算完成率 5 × 199466.59/200963.70 = 36.39; + 63.57 unscored points
    assert (round(whole["score_min"], 2), round(whole["score_max"], 2), whole["n_unscored"]) == (36.39, 99.96, 10)
    assert whole["grade"] is None and whole["status"] == "range"
    fund = by_scope.loc["jianyiyongwei"]
    assert fund["status"] == "unscorable" and pd.isna(fund["score"]) and fund["grade"] is None


def test_execution_uses_the_printed_weight_and_a_not_applicable_one():
    rules = load_rules("cz2020")
    ex = score_execution(budget(("p", np.nan, 100.0, 90.0)).assign(weight=[20.0], weight_na=[False]), rules)
    assert (ex["weight"].iloc[0], ex["score"].iloc[0]) == (20, 18)
    ex = score_execution(budget(("p", np.nan, 100.0, 90.0)).assign(weight=[np.nan], weight_na=[True]), rules)
    assert (ex["weight"].iloc[0], ex["reason"].iloc[0]) == (0, "表中预算执行率分值标为不适用，未计分")


def test_an_unfilled_total_row_takes_the_rate_of_its_lines():
    table = pd.concat([budget(("p", 0.0, 0.0, 0.0)),
                       budget(("p", 90.0, 89.974, 89.974)).assign(line="其中:本年财政拨款", line_type="资金来源"),
                       budget(("p", np.nan, np.nan, np.nan)).assign(line="其他资金", line_type="资金来源")],
                      ignore_index=True)
    ex = score_execution(table, load_rules("cz2020"))
    assert (ex["execution_rate"].iloc[0], ex["score"].iloc[0], ex["base_from"].iloc[0]) == (1, 10, "资金来源")
    assert ex["reason"].iloc[0].startswith("合计行全年预算数为 0 或空白，按各「资金来源」行之和复算")


def test_rule_set_audit_variants_and_aliases_are_validated(tmp_path):
    (tmp_path / "bad.yaml").write_text("extends: cz2020\nname: bad\naudit:\n  variants: [round, guess]\n"
                                       "  source: 测试\n  confidence: C\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="未知的计分变体「guess」"):
        load_rules(tmp_path / "bad.yaml")
    rules = load_rules("cz2020")
    assert rules.variants[0] == "full_marks_on_miss" and "控制率" in rules.lower_words and rules.fixed_weights
    assert rules.is_execution_item("预算执行率") and not rules.is_execution_item("预算完成率")
