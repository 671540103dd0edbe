"""Findings: every rule on the smallest data that fires it and on data that just misses, the rules
file (validation, department override), ordering, JSON output, and the reference case's findings."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

import perfkit
from perfkit import compare
from perfkit.errors import RuleSetError
from perfkit.findings import (FINDING_COLUMNS, SECTION_APPENDIX, SECTION_MAIN, Finding, Hit, derive_findings,
                              findings_frame, registry, scope_rank, sort_findings)
from perfkit.findings.group import main_problems
from perfkit.rules.book import rulebook_for
from perfkit.rules.files import read_yaml
from perfkit.rules.findings import BUILTIN_FINDINGS, load_findings_rules

from builders import load_department
from conftest import SYNTHETIC

YEAR = 2023
NO_CHECKS = pd.DataFrame(columns=["year", "scope_id", "check", "label", "figure_id", "stated_text", "stated",
                                  "recomputed", "difference", "decimals", "ok", "severity", "file", "row", "detail"])

# --------------------------------------------------------------------------- building small departments

SCOPES = [
    {"year": YEAR, "scope_id": "whole", "scope_type": "部门整体", "name": "部门整体支出"},
    {"year": YEAR, "scope_id": "p1", "scope_type": "一级项目", "name": "甲项目"},
]
BUDGET = [
    {"year": YEAR, "scope_id": "whole", "line": "合计", "line_type": "合计", "budget": 100, "executed": 100},
    {"year": YEAR, "scope_id": "p1", "line": "合计", "line_type": "合计", "budget": 50, "executed": 50},
]


def ind(iid, name, target, actual="", scope="p1", year=YEAR, **kw):
    """Return one indicators.csv row (产出/数量 unless given)."""
    return {"year": year, "scope_id": scope, "indicator_id": iid, "level1": kw.pop("level1", "产出指标"),
            "level2": kw.pop("level2", "数量指标"), "name": name, "target": target, "actual": actual, **kw}


def write_dept(path, *, years=(YEAR,), scopes=None, budget=None, indicators=None, stated=None, progress=None,
               meta=None):
    """Write a department directory (only the given rows; other cells empty) and return it loaded."""
    tables = {"scopes.csv": scopes or [dict(s, year=y) for y in years for s in SCOPES],
              "budget.csv": budget or [dict(b, year=y) for y in years for b in BUDGET],
              "indicators.csv": indicators or [ind("x1", "占位指标", "≥1", "1")],
              "stated.csv": stated, "progress.csv": progress}
    return load_department(path, years=years, meta=meta, tables=tables)


def fake_scored(dept, year=YEAR, results=None, by_scope=None, execution=None, rules=None):
    """Return a YearScore look-alike: the year's indicators plus met/attainment/flags given per indicator id."""
    df = dept.for_year(year).indicators.copy()
    df["met"] = pd.Series([pd.NA] * len(df), dtype="boolean")
    df["attainment"] = float("nan")
    df["flags"] = ""
    for iid, cols in (results or {}).items():
        for col, value in cols.items():
            df.loc[df["indicator_id"] == iid, col] = value
    return SimpleNamespace(indicators=df, by_scope=by_scope if by_scope is not None else pd.DataFrame(
        columns=["scope_id", "name", "weight", "score", "grade"]), execution=execution, rules=rules or {},
        problems=[])


def load_rules(ref=None, base_dir=None):
    """Return finding rules validated against the registered detectors' placeholders, as rulebook_for does."""
    return load_findings_rules(ref, base_dir, registry.placeholders())


def derive(dept, year, scored, checks=NO_CHECKS, rules=None, prior_scored=None):
    """Return derive_findings with the department's own finding rules and perfkit.compare's yoy table."""
    book = rulebook_for(dept)
    rules = rules if rules is not None else book.findings
    return derive_findings(dept, year, scored, checks, rules, prior_scored=prior_scored,
                           yoy_indicators=compare.yoy_indicators(dept, year, book))


def derive_like_analysis(a, rules):
    """Return derive_findings given what a YearAnalysis passes, with other finding rules."""
    return derive_findings(a.dept, a.year, a.scored, a.checks, rules,
                           prior_scored=None if a.prior is None else a.prior.scored, yoy_indicators=a.yoy_indicators)


def run(dept, year=YEAR, checks=NO_CHECKS, rules=None, prior_scored=None, **scored_kw):
    return derive(dept, year, fake_scored(dept, year, **scored_kw), checks, rules, prior_scored)


def hits(findings, code):
    return [f for f in findings if f.code == code]


# --------------------------------------------------------------------------- each rule: fires / just misses


def _budget(whole=(100, 100), p1=(50, 50), lines=(), line_type="支出类型"):
    rows = [{"year": YEAR, "scope_id": "whole", "line": "合计", "line_type": "合计", "budget": whole[0],
             "executed": whole[1]},
            {"year": YEAR, "scope_id": "p1", "line": "合计", "line_type": "合计", "budget": p1[0],
             "executed": p1[1]}]
    return rows + [{"year": YEAR, "scope_id": "whole", "line": name, "line_type": line_type, "budget": b,
                    "executed": e} for name, b, e in lines]


EXECUTION_CASES = [
    # id, budget kwargs, rule, expected subject (None = must not fire), expected severity
    ("whole_85pct_fires", dict(whole=(100, 85)), "exec_rate_whole", "部门整体支出", "中"),
    ("whole_55pct_is_high", dict(whole=(100, 55)), "exec_rate_whole", "部门整体支出", "高"),
    ("whole_exactly_90pct_misses", dict(whole=(100, 90)), "exec_rate_whole", None, None),
    ("project_70pct_fires", dict(p1=(50, 35)), "exec_rate_project", "甲项目", "中"),
    ("project_95pct_misses", dict(p1=(50, 47.5)), "exec_rate_project", None, None),
    ("project_35pct_underspent", dict(p1=(50, 17.5)), "underspent", "甲项目", "高"),
    ("project_35pct_not_also_low_rate", dict(p1=(50, 17.5)), "exec_rate_project", None, None),
    ("project_exactly_60pct_not_underspent", dict(p1=(50, 30)), "underspent", None, None),
    ("whole_35pct_is_not_a_project", dict(whole=(100, 35)), "underspent", None, None),
    ("line_80pct_fires", dict(lines=[("基本支出", 80, 64)]), "exec_rate_line", "基本支出", "低"),
    ("line_50pct_is_medium", dict(lines=[("项目支出", 20, 10)]), "exec_rate_line", "项目支出", "中"),
    ("line_exactly_90pct_misses", dict(lines=[("基本支出", 80, 72)]), "exec_rate_line", None, None),
    # issue 11: a memo line (三公经费 spent 40 of a 100 ceiling) is a saving, never under-spending
    ("memo_line_never_under_spending", dict(lines=[("三公经费", 100, 40)], line_type="统计项"), "exec_rate_line",
     None, None),
]


@pytest.mark.parametrize("kw, code, subject, severity", [c[1:] for c in EXECUTION_CASES],
                         ids=[c[0] for c in EXECUTION_CASES])
def test_execution_rules(tmp_path, kw, code, subject, severity):
    found = hits(run(write_dept(tmp_path / "d", budget=_budget(**kw))), code)
    if subject is None:
        assert found == []
    else:
        assert [(f.subject, f.severity) for f in found] == [(subject, severity)]


def test_execution_finding_carries_the_numbers(tmp_path):
    f, = hits(run(write_dept(tmp_path / "d", budget=_budget(whole=(200, 170)))), "exec_rate_whole")
    assert f.evidence["rate"] == pytest.approx(0.85)
    assert f.evidence["unspent"] == pytest.approx(30)
    assert f.evidence["threshold"] == 0.9
    assert "85.0%" in f.problem and "30.00万元" in f.problem
    assert any("30.00万元" in r for r in f.recommendations)


LOW_SPENDING_CASES = [
    # id, p1 budget (None = empty), deviation note, fires
    ("amounts_missing_and_note_says_low", (None, None), "仅2宗2人，实际支出量偏低", True),
    ("amounts_present_note_says_low", (50, 50), "仅2宗2人，实际支出量偏低", False),
    ("amounts_missing_no_such_words", (None, None), "按计划发放", False),
]


@pytest.mark.parametrize("amounts, note, fires", [c[1:] for c in LOW_SPENDING_CASES],
                         ids=[c[0] for c in LOW_SPENDING_CASES])
def test_low_spending_noted(tmp_path, amounts, note, fires):
    budget = _budget(p1=amounts)
    stated = [{"year": YEAR, "figure_id": "cases", "scope_id": "p1", "label": "宗数", "kind": "计数",
               "stated_text": "2宗", "value": 2, "unit": "宗"}]
    dept = write_dept(tmp_path / "d", budget=budget, stated=stated,
                      indicators=[ind("i1", "发放率", "=100%", "100%", deviation_note=note)])
    found = hits(run(dept), "low_spending_noted")
    assert len(found) == (1 if fires else 0)
    if fires:
        assert "实际支出量偏低" in found[0].problem and "2宗" in found[0].problem
        assert "没有甲项目的预算数和执行数" in found[0].problem


def _progress(month_amounts, budget=100):
    return [{"year": YEAR, "scope_id": "whole", "month": m, "executed_cumulative": a} for m, a in month_amounts]


PROGRESS_CASES = [
    ("april_20pct_fires", [(4, 20), (6, 45), (8, 65), (10, 85)], ["4"]),
    ("april_exactly_25pct_misses", [(4, 25), (6, 40), (8, 60), (10, 80)], []),
    ("three_checkpoints_late", [(4, 10), (6, 30), (8, 50), (10, 85)], ["4", "6", "8"]),
    ("months_without_data_not_judged", [(3, 1), (5, 2)], []),
]


@pytest.mark.parametrize("rows, missed", [c[1:] for c in PROGRESS_CASES], ids=[c[0] for c in PROGRESS_CASES])
def test_progress_behind(tmp_path, rows, missed):
    found = hits(run(write_dept(tmp_path / "d", progress=_progress(rows))), "progress_behind")
    assert [str(m["month"]) for f in found for m in f.evidence["missed"]] == missed
    if missed:
        assert found[0].subject == "部门整体支出"


def test_progress_severity_high_when_far_behind(tmp_path):
    f, = hits(run(write_dept(tmp_path / "d", progress=_progress([(4, 10), (6, 45)]))), "progress_behind")
    assert f.severity == "高"  # 10% against 25%: 0.4 of the requirement
    assert "4月末累计执行10.0%（应不低于25%）" in f.problem


RESULT_CASES = [
    # id, indicator row, scoring results, rule, fires
    ("missed_85_of_100", ind("i1", "培训人数", "≥100人", "85人"), {"met": False, "attainment": 0.85},
     "indicator_missed", True),
    ("met_is_not_missed", ind("i1", "培训人数", "≥100人", "100人"), {"met": True, "attainment": 1.0},
     "indicator_missed", False),
    ("partly_met_phrase", ind("i1", "制度建设", "有效", "部分达成"), {"met": False}, "indicator_partly_met", True),
    ("fully_met_phrase", ind("i1", "制度建设", "有效", "达成"), {"met": True}, "indicator_partly_met", False),
    ("over_completion_flag", ind("i1", "服务人次", "≥2400人次", "3200人次"),
     {"met": True, "attainment": 3200 / 2400, "flags": "over_completion"}, "over_completion", True),
    ("no_over_completion_flag", ind("i1", "服务人次", "≥2400人次", "3000人次"),
     {"met": True, "attainment": 1.25, "flags": ""}, "over_completion", False),
    ("flag_on_reverse_indicator_not_worded_as_over", ind("i1", "办理时限", "≤3天", "1天"),
     {"met": True, "attainment": 1 / 3, "flags": "over_completion"}, "over_completion", False),
    ("missed_without_note", ind("i1", "培训人数", "≥100人", "85人"), {"met": False, "attainment": 0.85},
     "deviation_unexplained", True),
    ("missed_with_note", ind("i1", "培训人数", "≥100人", "85人", deviation_note="疫情停办两期"),
     {"met": False, "attainment": 0.85}, "deviation_unexplained", False),
]


@pytest.mark.parametrize("row, results, code, fires", [c[1:] for c in RESULT_CASES],
                         ids=[c[0] for c in RESULT_CASES])
def test_indicator_result_rules(tmp_path, row, results, code, fires):
    dept = write_dept(tmp_path / "d", indicators=[row])
    found = hits(run(dept, results={"i1": results}), code)
    assert [f.subject for f in found] == ([row["name"]] if fires else [])


def test_missed_indicator_states_the_gap(tmp_path):
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "培训人数", "≥100人", "85人"),
                                                  ind("i2", "合格率", "≥95%", "90.5%"),
                                                  ind("i3", "办理时限", "≤3天", "4天")])
    found = {f.subject: f for f in hits(run(dept, results={
        "i1": {"met": False, "attainment": 0.85}, "i2": {"met": False, "attainment": 90.5 / 95},
        "i3": {"met": False, "attainment": 0.75}}), "indicator_missed")}
    assert found["培训人数"].evidence["gap"] == "差15人"
    assert found["合格率"].evidence["gap"] == "差4.5个百分点"
    assert found["办理时限"].evidence["gap"] == "超出1天"
    assert "≥100人" in found["培训人数"].problem and "85人" in found["培训人数"].problem


def test_missed_indicator_severity_follows_attainment(tmp_path):
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "培训人数", "≥100人", "50人")])
    f, = hits(run(dept, results={"i1": {"met": False, "attainment": 0.5}}), "indicator_missed")
    assert f.severity == "高"


def test_result_rules_leave_sub_rows_to_their_parent(tmp_path):
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "培训人数", "≥100人", "85人"),
                                                  ind("i2", "其中：线上", "≥50人", "40人", parent_id="i1")])
    found = run(dept, results={"i1": {"met": False, "attainment": 0.85}, "i2": {"met": False, "attainment": 0.8}})
    assert [f.subject for f in hits(found, "indicator_missed")] == ["培训人数"]
    assert [f.subject for f in hits(found, "deviation_unexplained")] == ["培训人数"]


def test_missed_target_read_from_the_name_is_shown(tmp_path):
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "年度资金支付完成率100%", "", "96.8%")])
    f, = hits(run(dept, results={"i1": {"met": False, "attainment": 0.968}}), "indicator_missed")
    assert "年度指标值（空，名称中为≥100%）" in f.problem and "差3.2个百分点" in f.problem


def test_decline_of_a_missed_indicator_is_reported_once(tmp_path):
    dept = _two_years(tmp_path, "11人", "2人", "≥10人", name="奖励人数")
    found = run(dept, results={"i1": {"met": False, "attainment": 0.2}})
    assert [f.code for f in found if f.subject == "奖励人数"] == ["indicator_missed", "deviation_unexplained"]


@pytest.mark.parametrize("actual, fires", [("85人", True), ("100人", False)], ids=["missed", "met"])
def test_with_real_scoring(tmp_path, actual, fires):
    """The findings of a year scored by perfkit itself (the YearScore YearAnalysis passes)."""
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "培训人数", "≥100人", actual, weight=50)])
    found = hits(perfkit.analyze(dept, YEAR).findings, "indicator_missed")
    assert [(f.subject, f.evidence.get("gap")) for f in found] == ([("培训人数", "差15人")] if fires else [])


MEASURABILITY_CASES = [
    # id, target, actual, name, rule, fires
    ("directional_target", "提升", "", "群众满意度", "target_directional", True),
    ("operator_target_is_not_directional", "≥95%", "96%", "群众满意度", "target_directional", False),
    ("vague_target", "效果明显", "达成", "宣传效果", "target_vague", True),
    ("deadline_is_not_vague", "2021年12月完成", "2021年11月完成", "工程进度", "target_vague", False),
    ("bare_value", "263", "263", "共护校园数", "target_bare_value", True),
    ("written_operator_not_bare", "≥263", "263", "共护校园数", "target_bare_value", False),
    ("target_in_name", "", "100%", "年度资金支付完成率100%", "target_in_name", True),
    ("name_without_value_is_missing_not_in_name", "", "100%", "年度资金支付完成率", "target_in_name", False),
    ("target_missing", "", "100%", "年度资金支付完成率", "target_missing", True),
    ("target_given_not_missing", "=100%", "100%", "年度资金支付完成率", "target_missing", False),
    ("actual_copies_operator", "≥90%", "≥90%", "验收合格率", "actual_copies_target", True),
    ("actual_written_as_bound", "≥90%", "90%以上", "验收合格率", "actual_copies_target", True),
    ("stock_phrase_for_number", "≥90%", "达成预期指标", "验收合格率", "actual_copies_target", True),
    ("measured_actual", "≥90%", "92%", "验收合格率", "actual_copies_target", False),
    ("actual_missing", "≥90%", "", "验收合格率", "actual_missing", True),
    ("actual_present", "≥90%", "92%", "验收合格率", "actual_missing", False),
]


@pytest.mark.parametrize("target, actual, name, code, fires", [c[1:] for c in MEASURABILITY_CASES],
                         ids=[c[0] for c in MEASURABILITY_CASES])
def test_measurability_rules(tmp_path, target, actual, name, code, fires):
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", name, target, actual)])
    found = hits(run(dept), code)
    assert [f.subject for f in found] == ([name] if fires else [])


def test_measurability_groups_a_scope_and_names_each_indicator(tmp_path):
    dept = write_dept(tmp_path / "d", indicators=[
        ind("i1", "案件数", "同比下降", "同比下降13.8%"), ind("i2", "满意度", "保持", "95%"),
        ind("i3", "防护能力", "提升", ""), ind("i4", "合格率", "≥90%", "92%")])
    f, = hits(run(dept), "target_directional")
    assert f.subject == "案件数、满意度、防护能力"
    assert f.evidence["count"] == 3
    assert "有3项指标" in f.problem and "案件数“同比下降”" in f.problem
    assert "其中满意度、防护能力没有上年值或同比完成值" in f.problem
    recs = "\n".join(f.recommendations)
    assert "“同比下降≥13.8%”" in recs          # from this year's actual decline
    assert "“≥95%”（本年实际95%）" in recs       # 保持 at this year's level
    assert "“防护能力”" in recs


def test_group_by_indicator_when_configured(tmp_path):
    rules_file = tmp_path / "my_findings.yaml"
    rules_file.write_text("rules:\n  target_directional:\n    group: indicator\n", encoding="utf-8")
    dept = write_dept(tmp_path / "d", meta={"findings": str(rules_file)},
                      indicators=[ind("i1", "案件数", "同比下降"), ind("i2", "满意度", "保持")])
    found = hits(run(dept), "target_directional")
    assert sorted(f.subject for f in found) == ["案件数", "满意度"]


def _two_years(tmp_path, prior_actual, actual, target="≥90%", name="验收合格率"):
    years = (2022, YEAR)
    rows = [ind("i1", name, target, prior_actual, year=2022), ind("i1", name, target, actual, year=YEAR)]
    return write_dept(tmp_path / "d", years=years, indicators=rows)


YOY_CASES = [
    # id, prior, current, target, rule, fires
    ("drop_5_points", "95%", "90%", "≥90%", "yoy_indicator_decline", True),
    ("drop_1_5_points_misses", "95%", "93.5%", "≥90%", "yoy_indicator_decline", False),
    ("rise_is_fine", "90%", "95%", "≥90%", "yoy_indicator_decline", False),
    ("lower_is_better_days_up", "2天", "3天", "≤3天", "yoy_indicator_decline", True),
    ("lower_is_better_days_down", "3天", "2天", "≤3天", "yoy_indicator_decline", False),
    ("count_drop_15pct", "200个", "170个", "≥150个", "yoy_indicator_decline", True),
    ("count_drop_8pct_misses", "200个", "184个", "≥150个", "yoy_indicator_decline", False),
    ("keep_at_equal_value", "98.00%", "98.00%", "保持", "met_at_boundary", True),
    ("keep_with_improvement", "97.50%", "98.00%", "保持", "met_at_boundary", False),
]


@pytest.mark.parametrize("prior, current, target, code, fires", [c[1:] for c in YOY_CASES],
                         ids=[c[0] for c in YOY_CASES])
def test_year_over_year_rules(tmp_path, prior, current, target, code, fires):
    found = hits(run(_two_years(tmp_path, prior, current, target)), code)
    assert [f.subject for f in found] == (["验收合格率"] if fires else [])


def test_decline_across_a_gap_is_not_year_over_year(tmp_path):
    rows = [ind("i1", "验收合格率", "≥90%", "99%", year=2020), ind("i1", "验收合格率", "≥90%", "90%", year=2022)]
    dept = write_dept(tmp_path / "d", years=(2020, 2022), indicators=rows)
    assert hits(run(dept, year=2022), "yoy_indicator_decline") == []


def test_decline_of_a_sub_row_is_left_to_its_parent(tmp_path):
    rows = [ind(iid, name, "≥100人", a, year=y, parent_id=parent) for y, a_parent, a_child in
            ((2022, "300人", "200人"), (YEAR, "200人", "100人"))
            for iid, name, a, parent in (("i1", "培训人数", a_parent, ""), ("i2", "其中：线上", a_child, "i1"))]
    dept = write_dept(tmp_path / "d", years=(2022, YEAR), indicators=rows)
    assert [f.subject for f in hits(run(dept), "yoy_indicator_decline")] == ["培训人数"]


def test_steep_decline_is_high_severity(tmp_path):
    f, = hits(run(_two_years(tmp_path, "11人", "2人", "≥2人", name="奖励人数")), "yoy_indicator_decline")
    assert f.severity == "高"
    assert "下降81.8%（11人 → 2人）" in f.problem


def test_keep_at_boundary_from_prior_actual_column(tmp_path):
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "治安满意度", "保持", "98.00%", prior_actual="98.00%")])
    f, = hits(run(dept), "met_at_boundary")
    assert "与上年98.00%持平" in f.problem and "0.00个百分点" in f.problem


def test_decline_names_the_change(tmp_path):
    f, = hits(run(_two_years(tmp_path, "95%", "90%")), "yoy_indicator_decline")
    assert f.evidence["change"] == pytest.approx(-5.0)
    assert "下降5.00个百分点" in f.problem and "2022" in f.problem


def _by_scope(score, grade):
    return pd.DataFrame({"scope_id": ["whole"], "name": ["部门整体支出"], "weight": [100.0], "score": [score],
                         "grade": [grade]})


SCORE_CASES = [
    ("drop_4_points", 92.0, 88.0, True),
    ("drop_half_point_misses", 92.0, 91.5, False),
    ("rise_is_fine", 88.0, 92.0, False),
]


@pytest.mark.parametrize("prior, current, fires", [c[1:] for c in SCORE_CASES], ids=[c[0] for c in SCORE_CASES])
def test_yoy_score_decline(tmp_path, prior, current, fires):
    dept = write_dept(tmp_path / "d", years=(2022, YEAR),
                      indicators=[ind("i1", "占位", "≥1", "1", year=2022), ind("i1", "占位", "≥1", "1")])
    prior_scored = SimpleNamespace(year=2022, by_scope=_by_scope(prior, "优"))
    found = hits(run(dept, by_scope=_by_scope(current, "良"), prior_scored=prior_scored), "yoy_score_decline")
    assert len(found) == (1 if fires else 0)
    if fires:
        assert found[0].evidence["drop"] == pytest.approx(prior - current)
        assert "下降4.00分" in found[0].problem
        assert found[0].problem.endswith("下降4.00分。")  # both totals plain scores: no caveat


SCORE_CAVEAT_CASES = [
    # issue 13: a 2022 total over weights adding to 110 is no score to compare as it stands
    ("prior_weights_off", dict(status="weights_off", weight=110.0, score=100.05), dict(status="complete"),
     "2022年分值合计为110分，不等于规则总分，该年得分不能直接比较。"),
    ("current_range", dict(status="complete", score=92.0), dict(status="range", score=88.0, score_max=95.5),
     "2023年有指标无法评分，总分为区间（88.00–95.50），此处只比较已评部分。"),
]


@pytest.mark.parametrize("prior, current, caveat", [c[1:] for c in SCORE_CAVEAT_CASES],
                         ids=[c[0] for c in SCORE_CAVEAT_CASES])
def test_yoy_score_decline_repeats_the_caveat(tmp_path, prior, current, caveat):
    dept = write_dept(tmp_path / "d", years=(2022, YEAR),
                      indicators=[ind("i1", "占位", "≥1", "1", year=2022), ind("i1", "占位", "≥1", "1")])
    old = _by_scope(prior.get("score", 92.0), "优").assign(**prior)
    new = _by_scope(current.get("score", 88.0), "良").assign(**current)
    f, = hits(run(dept, by_scope=new, prior_scored=SimpleNamespace(year=2022, by_scope=old)), "yoy_score_decline")
    assert f.problem.endswith("分。" + caveat)


def _checks(*rows):
    base = dict(year=YEAR, scope_id="whole", label="", figure_id=None, stated_text=None, stated=None,
                recomputed=None, difference=None, decimals=1, severity="", file=None, row=None, detail="")
    return pd.DataFrame([{**base, **r} for r in rows], columns=NO_CHECKS.columns)


CHECK_CASES = [
    ("stated_rate_wrong", _checks(dict(check="stated_figure", label="预算完成率", stated_text="98.3%", stated=98.3,
                                       recomputed=99.255, ok=False, severity="error")), "stated_mismatch",
     ["预算完成率"]),
    ("stated_rate_right", _checks(dict(check="stated_figure", label="预算完成率", stated=99.3, recomputed=99.255,
                                       ok=True, severity="info")), "stated_mismatch", []),
    ("listed_only", _checks(dict(check="listed_only", label="派出所总数", stated=21, ok=pd.NA)), "stated_mismatch", []),
    ("expr_error_is_not_a_mismatch", _checks(dict(check="expr_error", label="某数", stated=1, ok=pd.NA)),
     "table_arithmetic", []),
    ("score_above_weight", _checks(dict(check="score_above_weight", label="得分超过分值", stated=12, recomputed=10,
                                        ok=False, severity="error", file="x/indicators.csv", row=5)),
     "table_arithmetic", ["得分超过分值（indicators.csv 第5行）"]),
    ("weights_check_goes_to_weights_rule",
     _checks(dict(check="weight_total", label="分值合计", stated=110, recomputed=100, ok=False)), "weights_sum",
     ["部门整体支出"]),
    ("weights_check_not_also_table_arithmetic",
     _checks(dict(check="weight_total", label="分值合计", stated=110, recomputed=100, ok=False)),
     "table_arithmetic", []),
]


@pytest.mark.parametrize("checks, code, subjects", [c[1:] for c in CHECK_CASES], ids=[c[0] for c in CHECK_CASES])
def test_check_rules(tmp_path, checks, code, subjects):
    checks = checks.astype({"ok": "boolean"})
    found = hits(run(write_dept(tmp_path / "d"), checks=checks), code)
    assert [f.subject for f in found] == subjects


def test_stated_mismatch_shows_both_numbers_and_check_severity(tmp_path):
    checks = _checks(dict(check="stated_figure", label="预算完成率", figure_id="rate", stated_text="98.3%", stated=98.3,
                          recomputed=99.25512, decimals=1, ok=False, severity="error"),
                     dict(check="parent_sum", label="父项与其中子项之和", stated=300, recomputed=310, ok=False,
                          severity="warning", file="indicators.csv", row=7)).astype({"ok": "boolean"})
    stated = [{"year": YEAR, "figure_id": "rate", "scope_id": "whole", "label": "预算完成率", "kind": "百分比",
               "stated_text": "98.3%", "value": 98.3, "unit": "%"}]
    found = run(write_dept(tmp_path / "d", stated=stated), checks=checks)
    f, = hits(found, "stated_mismatch")
    assert f.problem == "报告中“预算完成率”为98.3%，按数据复算为99.255%，超出印刷精度允许的误差，两者不一致。"
    assert f.severity == "中"
    g, = hits(found, "table_arithmetic")
    assert g.severity == "低"  # consistency marks parent/sub-row differences as warnings


WEIGHT_CASES = [
    ("adds_to_110", [60, 30, 10], True),
    ("adds_to_100", [50, 30, 10], False),
    ("one_weight_missing", [50, 30, None], True),
]


@pytest.mark.parametrize("weights, fires", [c[1:] for c in WEIGHT_CASES], ids=[c[0] for c in WEIGHT_CASES])
def test_weights_sum_from_data(tmp_path, weights, fires):
    rows = [ind(f"i{k}", f"指标{k}", "≥1", "1", scope="whole", weight=w) for k, w in enumerate(weights)]
    execution = pd.DataFrame({"scope_id": ["whole"], "weight": [10.0]})
    dept = write_dept(tmp_path / "d", indicators=rows)
    found = hits(run(dept, execution=execution), "weights_sum")
    assert len(found) == (1 if fires else 0)
    if fires:
        assert found[0].evidence["expected"] == 100


# --------------------------------------------------------------------------- output shape and order


def test_order_is_severity_then_scope_then_subject(tmp_path):
    dept = write_dept(tmp_path / "d", budget=_budget(p1=(50, 10)), indicators=[
        ind("i1", "乙指标", "提升", "", scope="p1"), ind("i2", "甲指标", "提升", "", scope="whole"),
        ind("i3", "丙指标", "263", "263", scope="whole")])
    found = run(dept)
    keys = [(f.severity, f.scope_id, f.subject) for f in found]
    assert keys[0] == ("高", "p1", "甲项目")                      # underspent
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), key="高中低".index)
    medium = [k[1] for k in keys if k[0] == "中"]
    assert medium == sorted(medium, key=lambda s: s != "whole")  # whole department first
    assert run(dept) == found                                   # deterministic


def test_to_dict_is_json_safe(tmp_path):
    import numpy as np

    f = Finding("x", "中", "whole", "部门整体", "甲", {"rate": np.float64(0.5), "n": np.int64(2), "gap": float("nan"),
                                                     "rows": (2, 3)}, "问题。", ["建议。"], SECTION_MAIN, 2023, "示例")
    d = f.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["evidence"] == {"rate": 0.5, "n": 2, "gap": None, "rows": [2, 3]}


def test_findings_frame(tmp_path):
    found = run(write_dept(tmp_path / "d", budget=_budget(whole=(100, 80))))
    df = findings_frame(found)
    assert list(df.columns) == FINDING_COLUMNS
    assert list(df["code"]) == [f.code for f in found]
    assert json.loads(df["evidence"].iloc[0])["rule"] == found[0].code
    assert findings_frame([]).empty and list(findings_frame([]).columns) == FINDING_COLUMNS


# --------------------------------------------------------------------------- the rules file

BAD_RULES = [
    ("unknown_placeholder", "rules:\n  exec_rate_whole:\n    problem: '{nonsense}'\n", "{nonsense}"),
    ("bad_format_spec", "rules:\n  exec_rate_whole:\n    problem: '{scope_name:.1%}'\n", "格式有误"),
    ("unknown_rule", "rules:\n  no_such_rule:\n    enabled: false\n", "no_such_rule"),
    ("bad_severity", "rules:\n  exec_rate_whole:\n    severity: 严重\n", "严重"),
    ("bad_section", "rules:\n  exec_rate_whole:\n    section: 正文\n", "正文"),
    ("threshold_not_number", "rules:\n  exec_rate_whole:\n    threshold: 九成\n", "threshold"),
    ("bad_band", "rules:\n  exec_rate_whole:\n    bands: [{below: 0.5}]\n", "bands"),
    ("unknown_phrase", "phrases:\n  no_such_phrase: x\n", "no_such_phrase"),
    ("phrase_placeholder", "phrases:\n  gap_below: '差{nonsense}'\n", "{nonsense}"),
    ("phrase_mapping_incomplete", "phrases:\n  words: '上升'\n", "words"),
    # only rules whose findings list indicators fill item_recommendation: elsewhere it would be dropped unseen
    ("item_recommendation_without_items", "rules:\n  exec_rate_whole:\n    item_recommendation: '{indicator}'\n",
     "item_recommendation"),
]


@pytest.mark.parametrize("text, message", [c[1:] for c in BAD_RULES], ids=[c[0] for c in BAD_RULES])
def test_bad_rules_file_is_refused(tmp_path, text, message):
    path = tmp_path / "findings.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_rules(path)


def test_missing_rules_file(tmp_path):
    with pytest.raises(RuleSetError, match="找不到"):
        load_rules("nope.yaml", tmp_path)


def test_builtin_rules_cover_every_rule():
    rules = load_rules()
    # every rule of findings.yaml has a registered detector, and every registered code has its rule there
    assert set(read_yaml(BUILTIN_FINDINGS, "findings")["rules"]) == set(registry.placeholders())
    assert set(rules.rules) == set(registry.placeholders())
    assert all(cfg["section"] in (SECTION_MAIN, SECTION_APPENDIX) for cfg in rules.rules.values())
    # YAML line breaks do not leave spaces inside Chinese sentences
    assert all("  " not in cfg["problem"] and "\n" not in cfg["problem"] for cfg in rules.rules.values())


def test_department_findings_file_overrides_threshold_and_wording(tmp_path):
    dept_dir = tmp_path / "d"
    dept_dir.mkdir()
    (dept_dir / "findings.yaml").write_text(
        "rules:\n  exec_rate_whole:\n    threshold: 0.99\n    problem: '执行率仅{rate:.2%}。'\n"
        "  target_bare_value:\n    enabled: false\n", encoding="utf-8")
    dept = write_dept(dept_dir, meta={"findings": "findings.yaml"}, budget=_budget(whole=(100, 95)),
                      indicators=[ind("i1", "共护校园数", "263", "263")])
    found = run(dept)
    f, = hits(found, "exec_rate_whole")
    assert f.problem == "执行率仅95.00%。"
    # untouched fields keep the built-in wording
    assert len(f.recommendations) == 2 and f.recommendations[0].startswith("逐项核对未执行的5.00万元")
    assert hits(found, "target_bare_value") == []


def test_phrases_can_be_reworded(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("phrases:\n  gap_below: 短缺{amount}\n  words: {down: 减少}\n", encoding="utf-8")
    dept = write_dept(tmp_path / "d", indicators=[ind("i1", "培训人数", "≥100人", "85人")])
    found = derive(dept, YEAR, fake_scored(dept, results={"i1": {"met": False, "attainment": 0.85}}),
                   rules=load_rules(path))
    f, = hits(found, "indicator_missed")
    assert "未完成目标（短缺15人）" in f.problem
    assert load_rules(path).phrases["words"] == {"up": "上升", "down": "减少", "keep": "保持"}


def test_rules_argument_takes_precedence(tmp_path):
    path = tmp_path / "strict.yaml"
    path.write_text("rules:\n  exec_rate_whole:\n    threshold: 0.999\n", encoding="utf-8")
    dept = write_dept(tmp_path / "d", budget=_budget(whole=(100, 99.5)))
    assert hits(derive(dept, YEAR, fake_scored(dept)), "exec_rate_whole") == []
    assert len(hits(derive(dept, YEAR, fake_scored(dept), rules=load_rules(path)), "exec_rate_whole")) == 1


# --------------------------------------------------------------------------- the reference case


@pytest.fixture(scope="module")
def reference_findings(reference):
    return perfkit.analyze(reference, 2023).findings


# (code, scope_id, subject): what the report itself names as problems, and what perfkit adds
REFERENCE_EXPECTED = [
    ("target_directional", "whole", "案件类警情、破案数、区域安全防护能力、社会治安稳定、市民安全感、治安满意度"),
    ("target_directional", "jianyiyongwei", "满意度"),
    ("met_at_boundary", "whole", "治安满意度"),
    ("low_spending_noted", "jianyiyongwei", "见义勇为专项资金"),
    ("actual_missing", "whole", "共护校园数、公安热线办结率、区域安全防护能力、社会治安稳定"),
    ("actual_missing", "jianyiyongwei", "发放率（向符合见义勇为条件人员发放）、满意度"),
    ("actual_copies_target", "whole", "市民安全感"),
    ("target_bare_value", "whole", "共护校园数、公安热线办结率"),
]


@pytest.mark.parametrize("code, scope_id, subject", REFERENCE_EXPECTED, ids=[f"{c}-{s}" for c, s, _ in REFERENCE_EXPECTED])
def test_reference_names_the_reports_own_problems(reference_findings, code, scope_id, subject):
    assert (code, scope_id, subject) in {(f.code, f.scope_id, f.subject) for f in reference_findings}


def test_reference_does_not_call_99_3_percent_a_problem(reference_findings):
    assert not [f for f in reference_findings if f.code.startswith("exec_rate") or f.code == "underspent"]


def test_reference_directional_targets_named_with_their_words(reference_findings):
    f, = [f for f in reference_findings if f.code == "target_directional" and f.scope_id == "whole"]
    for word in ("“同比下降”", "“同比上升”", "“提升”", "“保持”"):
        assert word in f.problem
    assert f.section == SECTION_MAIN


def test_reference_satisfaction_only_at_the_boundary(reference_findings):
    f, = [f for f in reference_findings if f.code == "met_at_boundary"]
    assert "98.00%" in f.problem and "持平" in f.problem
    assert f.evidence["prior"] == pytest.approx(98.0) and f.evidence["current"] == pytest.approx(98.0)
    assert f.section == SECTION_MAIN


def test_reference_jyyw_low_spending_says_amounts_are_missing(reference_findings):
    f, = [f for f in reference_findings if f.code == "low_spending_noted"]
    assert "2宗、2人" in f.problem
    assert "没有见义勇为专项资金的预算数和执行数" in f.problem
    assert f.evidence["counts"] == {"jyyw_cases": 2.0, "jyyw_persons": 2.0}
    assert f.section == SECTION_MAIN


def test_reference_is_reproducible(reference, reference_findings):
    again = perfkit.analyze(reference, 2023).findings
    assert [f.to_dict() for f in again] == [f.to_dict() for f in reference_findings]


def test_reference_summary_json_roundtrip(reference_findings):
    payload = [f.to_dict() for f in reference_findings]
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload


# --------------------------------------------------------------------------- the synthetic department


@pytest.mark.skipif(not (SYNTHETIC / "department.yaml").is_file(), reason="示例数据尚未生成")
def test_synthetic_every_year_derives(synthetic):
    codes = set()
    for year in synthetic.years:
        found = perfkit.analyze(synthetic, year).findings
        assert found == sort_findings(found, scope_rank(synthetic.for_year(year).scopes))
        codes |= {f.code for f in found}
    # the generator plants these cases (slow year, whole below 90%, a project at 35%, a missed target)
    assert {"progress_behind", "exec_rate_whole", "underspent", "target_in_name", "actual_copies_target"} <= codes
    assert {"indicator_missed", "over_completion", "stated_mismatch"} <= codes


@pytest.mark.parametrize("cut,low_in_main", [("中", False), ("低", True), ("", True)],
                         ids=["default-cut-moves-low-to-appendix", "cut-at-low-keeps-all", "empty-cut-keeps-all"])
def test_main_section_severity_cut(tmp_path, synthetic, cut, low_in_main):
    # a report's 存在的主要问题 should name a handful of problems; minor ones stay in the appendix
    (tmp_path / "f.yaml").write_text(f'main_min_severity: "{cut}"\n', encoding="utf-8")
    rules = load_rules(tmp_path / "f.yaml")
    analysis = perfkit.analyze(synthetic, 2022)
    found = derive_like_analysis(analysis, rules)
    low = [f for f in found if f.severity == "低"]
    assert low  # synthetic 2022 has low-severity findings (line execution rates, partly met indicators)
    assert any(f.section == "存在的主要问题" for f in low) is low_in_main
    assert {f.code for f in found} == {f.code for f in analysis.findings}  # nothing dropped


def test_main_section_severity_cut_is_validated(tmp_path):
    (tmp_path / "f.yaml").write_text("main_min_severity: 严重\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="main_min_severity"):
        load_rules(tmp_path / "f.yaml")


# --------------------------------------------------------------------------- the registry: adding a rule

MANY_LINES_RULE = """\
rules:
  many_budget_lines:
    title: 预算明细过多
    section: 附录
    severity: 低
    max_lines: 2
    problem: '{department}{year}年{scope_name}（{scope_type}）有{n_lines}条预算明细，超过{max_lines}条。'
    recommendations:
      - 合并{subject}（{scope_id}）的预算明细。
"""


def _detect_many_lines(ctx) -> list:
    """A detector written outside perfkit: scopes with more budget lines than the rule allows."""
    cfg = ctx.active("many_budget_lines")
    if not cfg:
        return []
    budget = ctx.data.budget
    lines = budget[budget["line"] != "合计"]
    return [Hit("many_budget_lines", sid, ctx.scope_name(sid), {"n_lines": len(rows), "max_lines": cfg["max_lines"]},
                {"n_lines": len(rows)})
            for sid, rows in lines.groupby("scope_id", sort=False) if len(rows) > cfg["max_lines"]]


@pytest.fixture
def many_lines_detector():
    """Register _detect_many_lines for one test, then remove it so other tests see the built-in registry."""
    registry.detector("many_budget_lines", placeholders={"many_budget_lines": {"n_lines": 3, "max_lines": 2}})(
        _detect_many_lines)
    yield
    registry.unregister(_detect_many_lines)


def test_a_registered_detector_fires_with_its_rule_passed_in(tmp_path, many_lines_detector):
    path = tmp_path / "mine.yaml"
    path.write_text(MANY_LINES_RULE, encoding="utf-8")
    dept = write_dept(tmp_path / "d", budget=_budget(lines=[("基本支出", 10, 10), ("项目支出", 10, 10),
                                                             ("其他支出", 10, 10)]))
    f, = hits(run(dept, rules=load_rules(path)), "many_budget_lines")
    assert f.problem == "测试部门2023年部门整体支出（部门整体）有3条预算明细，超过2条。"
    assert f.recommendations == ["合并部门整体支出（whole）的预算明细。"]  # with the problem: every common placeholder
    assert (f.scope_id, f.subject, f.severity, f.section, f.title) == ("whole", "部门整体支出", "低", "附录",
                                                                      "预算明细过多")
    assert f.evidence == {"rule": "many_budget_lines", "n_lines": 3}
    # the rules in force decide: without a rule for its code the detector stays silent
    assert hits(run(dept), "many_budget_lines") == []


def test_a_registered_detector_s_templates_are_validated(tmp_path, many_lines_detector):
    path = tmp_path / "mine.yaml"
    path.write_text(MANY_LINES_RULE.replace("{n_lines}", "{n_rows}"), encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"many_budget_lines.*\{n_rows\}"):
        load_rules(path)


def test_unregistered_code_is_unknown_again(tmp_path, many_lines_detector):
    registry.unregister(_detect_many_lines)
    assert "many_budget_lines" not in registry.placeholders()
    path = tmp_path / "mine.yaml"
    path.write_text(MANY_LINES_RULE, encoding="utf-8")
    with pytest.raises(RuleSetError, match="未知的规则代码「many_budget_lines」"):
        load_rules(path)


def test_a_rule_code_is_fired_by_one_detector():
    with pytest.raises(ValueError, match="exec_rate_whole"):
        @registry.detector("exec_rate_whole", placeholders={"exec_rate_whole": {}})
        def detect_again(ctx):
            return []
    assert [d.name for d in registry.detectors() if "exec_rate_whole" in d.codes] == [
        "perfkit.findings.detectors.execution.detect_execution"]


@pytest.mark.parametrize("codes, placeholders, items", [
    (("a_rule", "b_rule"), {"a_rule": {}}, None),
    (("a_rule",), {"a_rule": {}}, {"b_rule": {}}),
    ((), {}, None),
], ids=["placeholders-missing-for-a-code", "items-for-a-code-not-fired", "no-code"])
def test_registration_names_placeholders_for_exactly_its_codes(codes, placeholders, items):
    with pytest.raises(ValueError):
        registry.detector(*codes, placeholders=placeholders, items=items)


# ---------------------------------------------------------------- main problems (findings.group)


def _finding(code, scope_id, subject, problem, recs=(), gap=""):
    return Finding(code=code, severity="中", scope_id=scope_id, scope_name=f"范围{scope_id}", subject=subject,
                   evidence={"name": subject, "gap": gap}, problem=problem, recommendations=list(recs),
                   section="存在的主要问题", year=YEAR, title="")


def test_missed_indicators_of_one_scope_are_one_problem_with_its_list():
    found = [_finding("indicator_missed", "a", "甲", "“甲”未完成目标（差1人）。", ["分析甲。"], "差1人"),
             _finding("indicator_missed", "b", "丙", "“丙”未完成目标（差3户）。", ["分析丙。"], "差3户"),
             _finding("indicator_missed", "a", "乙", "“乙”未完成目标（差2天）。", ["分析乙。"], "差2天")]
    results, = main_problems(found)
    first, second = results.lines
    assert first.text == "范围a有2项指标未完成目标：" and first.items == ("“甲”未完成目标（差1人）。", "“乙”未完成目标（差2天）。")
    assert first.joined() == "范围a有2项指标未完成目标：“甲”未完成目标（差1人）；“乙”未完成目标（差2天）。"
    assert second.text == "“丙”未完成目标（差3户）。" and not second.items  # one of its scope: as it is
    assert results.recommendations[0].startswith("逐项分析范围a上述2项未完成指标（甲（差1人）、乙（差2天））的原因")
    assert "重新核定“甲”、“乙”的年度指标值" in results.recommendations[1]
    assert results.recommendations[2:] == ["分析丙。"]


def test_stated_problems_come_first_and_are_not_repeated():
    stated = pd.DataFrame({"section": ["存在的主要问题", "下一步改进措施", "下一步改进措施"],
                           "scope_id": [None, None, "p"], "title": [None, "加强统筹。", None],
                           "text": ["预算管理有保有压。", "优化结构。", "及时奖励。"]})
    found = [_finding("low_spending_noted", "p", "p", "预算管理有保有压。"),
             _finding("underspent", "p", "p", "支出偏低。", ["清理结余。"])]
    own, execution = main_problems(found, stated, {"p": "项目P"}.get)
    assert (own.title, [ln.text for ln in own.lines]) == ("部门自评报告所述问题", ["预算管理有保有压。"])
    assert own.recommendations == ["加强统筹。优化结构。", "项目P：及时奖励。"]
    assert own.measures_title == "部门自评报告所述改进措施"
    assert [ln.text for ln in execution.lines] == ["支出偏低。"]  # the finding saying the same sentence is left out
