"""perfkit on real published self-evaluation tables (tests/real_tables/, issue 11).

Each folder holds one published table or report transcribed in perfkit's data
format, with the source's own errors kept, and the colleague's hand
calculation in ``expected.yaml``.  For every folder perfkit must:

- load it without a data problem;
- flag every arithmetic error ``expected.yaml`` lists, with both numbers;
- raise no other mismatch (no false alarm).  The one mismatch allowed beyond
  the list is a printed total above perfkit's range that the listed row errors
  explain (the report's total is too high because of them);
- reproduce the consistent figures: the printed total against the printed row
  scores, the execution rate and execution score, the sum of weights.

Expected numbers come from ``expected.yaml`` (hand-computed), never from perfkit.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from perfkit.analysis import DepartmentAnalysis
from perfkit.ingest.loading import find_departments, validate
from perfkit.text.vocabulary import TOTAL_LINE

from builders import write_department

CORPUS = Path(__file__).resolve().parent / "real_tables"
FOLDERS = find_departments(CORPUS)
SCORE_ROWS = ("indicator_score", "full_marks_missed", "score_above_weight", "execution_score")


def _close(a, b, tol=0.01) -> bool:
    return a is not None and b is not None and not pd.isna(a) and not pd.isna(b) and abs(float(a) - float(b)) <= tol


def _pair(row) -> tuple[float, float] | None:
    try:
        return float(row["stated"]), float(row["recomputed"])
    except (TypeError, ValueError):
        return None


@pytest.fixture(scope="module")
def corpus():
    """Return {folder: (problems, department, checks, scored, expected)}, each folder analysed once."""
    out = {}
    for code in FOLDERS:
        dept, problems, _ = validate(CORPUS / code)
        expected = yaml.safe_load((CORPUS / code / "expected.yaml").read_text(encoding="utf-8"))
        if dept is None:
            out[code] = (problems, None, None, None, expected)
            continue
        analysis = DepartmentAnalysis(dept).year(dept.years[0])
        out[code] = (problems, dept, analysis.checks, analysis.scored, expected)
    return out


def test_the_corpus_has_nineteen_tables_with_their_sources():
    assert len(FOLDERS) == 19
    for code in FOLDERS:
        folder = CORPUS / code
        for name in ("page.txt", "source.md", "expected.yaml", "as_printed_indicators.csv", "scopes.csv", "budget.csv",
                     "indicators.csv"):
            assert (folder / name).is_file(), f"{code}/{name}"


@pytest.mark.parametrize("code", FOLDERS)
def test_loads_without_data_problems_and_every_row_has_a_source(corpus, code):
    problems, dept, *_ = corpus[code]
    assert problems == [] and dept is not None, problems
    for table in (dept.scopes, dept.budget, dept.indicators, dept.stated):
        assert table["source"].notna().all()


@pytest.mark.parametrize("code", FOLDERS)
def test_every_listed_error_is_flagged_with_both_numbers(corpus, code):
    _, _, checks, _, expected = corpus[code]
    bad = checks[checks["ok"].eq(False).fillna(False)]
    pairs = [p for p in (_pair(r) for _, r in bad.iterrows()) if p is not None]
    for error in expected.get("errors") or []:
        want = {float(error["printed"]), float(error["recomputed"])}
        hit = [p for p in pairs if (_close(p[0], error["printed"]) and _close(p[1], error["recomputed"]))
               or (_close(p[1], error["printed"]) and _close(p[0], error["recomputed"]))]
        assert hit, f"{code}: not flagged: {error['where']} {want}\n{bad[['check', 'stated', 'recomputed']]}"


@pytest.mark.parametrize("code", FOLDERS)
def test_no_false_alarm(corpus, code):
    _, _, checks, _, expected = corpus[code]
    errors = expected.get("errors") or []
    bad = checks[checks["ok"].eq(False).fillna(False)]
    for _, row in bad.iterrows():
        pair = _pair(row)
        listed = pair is not None and any(
            {round(pair[0], 2), round(pair[1], 2)} == {round(float(e["printed"]), 2), round(float(e["recomputed"]), 2)}
            or (_close(pair[0], e["printed"]) and _close(pair[1], e["recomputed"])) for e in errors)
        if listed:
            continue
        assert row["check"] == "total_vs_perfkit", f"{code}: false alarm {row['check']}: {row['detail']}"
        # a total above perfkit's range is allowed only when the listed row errors explain the gap
        excess = sum(float(e["printed"]) - float(e["recomputed"]) for e in errors
                     if float(e["printed"]) > float(e["recomputed"]) and not _close(e["printed"], row["stated"]))
        assert row["stated"] - row["recomputed"] <= excess + 0.01, f"{code}: {row['detail']}"


@pytest.mark.parametrize("code", FOLDERS)
def test_consistent_totals_are_reproduced(corpus, code):
    _, dept, checks, _, expected = corpus[code]
    printed, rows = expected.get("printed_total"), expected.get("sum_of_printed_row_scores")
    total = checks[checks["check"] == "total_sum"]
    if dept.meta.get("incomplete"):  # sums over a partial transcription are not asserted
        assert total.empty
        return
    if printed is None or rows is None:
        return
    assert len(total) == 1, total
    assert (total["stated"].iloc[0], total["recomputed"].iloc[0]) == (pytest.approx(printed), pytest.approx(rows))
    assert bool(total["ok"].iloc[0]) is (abs(printed - rows) < 0.005)


@pytest.mark.parametrize("code", FOLDERS)
def test_weights_add_up_as_calculated_by_hand(corpus, code):
    _, dept, checks, scored, expected = corpus[code]
    weights = expected.get("sum_of_weights")
    if weights is None or dept.meta.get("incomplete"):
        return
    row = checks[checks["check"] == "weight_total"]
    assert len(row) == 1 and row["stated"].iloc[0] == pytest.approx(weights)
    assert bool(row["ok"].iloc[0]) is (abs(weights - 100) < 1e-9)


def _total_line(dept) -> int:
    return int(dept.budget.loc[dept.budget["line"] == TOTAL_LINE, "src_row"].iloc[0])


@pytest.mark.parametrize("code", FOLDERS)
def test_execution_rate_and_score_are_recomputed(corpus, code):
    _, dept, checks, _, expected = corpus[code]
    ex = expected.get("execution") or {}
    rate, printed_rate = ex.get("rate_recomputed_pct"), str(ex.get("rate_printed") or "")
    if printed_rate:
        # the rate is printed in the budget block or stated in the text: either way one row checks it
        value = float(printed_rate.rstrip("%")) * (1 if printed_rate.endswith("%") or float(printed_rate) > 1.5 else 100)
        rate_rows = (checks["check"] == "execution_rate") | ((checks["check"] == "stated_figure")
                                                             & checks["detail"].str.contains("executed(", regex=False))
        rows = checks[rate_rows & checks["stated"].apply(lambda s: _close(s, value))]
        if rate is None:
            assert rows["ok"].isna().all() and len(rows), f"{code}: a rate without amounts is 无法复算"
        else:
            assert any(_close(r, rate) for r in rows["recomputed"]), rows
    score, score_printed = ex.get("score_by_rule"), ex.get("score_printed")
    if score is not None and score_printed is not None:
        # the budget row's 得分, or (银川) the 预算执行率 row of the indicator table
        rows = checks[checks["check"].isin(SCORE_ROWS) & checks["stated"].apply(lambda v: _close(v, score_printed))
                      & checks["recomputed"].apply(lambda v: _close(v, score, 1e-4))]
        assert len(rows) >= 1, f"{code}: execution score {score_printed} / {score} not checked"
        on_total = rows[(rows["check"] == "execution_score") & (rows["row"] == _total_line(dept))]
        assert len(on_total) or rows["file"].str.endswith("indicators.csv").all()
        assert bool(rows["ok"].iloc[0]) is (abs(score_printed - score) < 0.005)


@pytest.mark.parametrize("code", FOLDERS)
def test_a_printed_score_perfkit_cannot_compute_is_never_a_mismatch(corpus, code):
    _, _, checks, _, _ = corpus[code]
    rows = checks[checks["check"].isin(SCORE_ROWS + ("execution_rate", "total_vs_perfkit"))]
    blank = rows[rows["recomputed"].isna()]
    assert blank["ok"].isna().all()
    assert blank["detail"].str.startswith("无法复算").all()


# --------------------------------------------------------------------------- named cases


def _rows(corpus, code, check):
    checks = corpus[code][2]
    return checks[checks["check"] == check]


def test_variants_name_how_the_printed_score_was_reached(corpus):
    langfang = _rows(corpus, "02_langfang_foodschool_hvac", "indicator_score")
    assert set(langfang.loc[langfang["ok"] == False, "variant"]) == {"round"}  # noqa: E712 (9 for 8.62)
    chongqing = _rows(corpus, "12_chongqing_media_whole", "full_marks_missed")
    assert sorted(chongqing["recomputed"].round(4)) == [1.4548, 2.3077]  # 2 × 72.74%, 5 × 12/26
    assert set(chongqing["variant"]) == {"full_marks_on_miss"}
    yinchuan = _rows(corpus, "10_yinchuan_school_gongyong", "indicator_score")
    execution = yinchuan[yinchuan["ok"] == False].iloc[0]  # noqa: E712
    assert (execution["stated"], execution["recomputed"], execution["variant"]) == (9, 10, "deduction_on_met")


def test_a_narrative_report_without_a_table_is_checked_on_what_it_states(corpus):
    problems, dept, checks, scored, _ = corpus["17_yunnan_yingji_2022_narrative"]
    assert problems == [] and len(dept.indicators) == 0
    rate = checks[checks["figure_id"] == "rate"].iloc[0]
    assert (bool(rate["ok"]), round(rate["recomputed"], 4)) == (True, 88.7401)  # 9265.353442 / 10441
    total = scored.by_scope.iloc[0]
    assert total["status"] == "range" and total["grade"] is None


def test_nothing_scorable_is_unscorable_not_zero(corpus):
    scored = corpus["14_nanxian_czj_narrative"][3]
    total = scored.by_scope.iloc[0]
    assert total["status"] == "unscorable" and pd.isna(total["score"]) and total["grade"] is None
    row = _rows(corpus, "14_nanxian_czj_narrative", "total_vs_perfkit").iloc[0]
    assert pd.isna(row["ok"]) and "无法评分" in row["detail"]


def test_an_incomplete_table_bounds_the_printed_total(corpus):
    # 银川: 84 printed over the retrieved rows + at most 10 for the cut 满意度 row = 94 < 98
    row = _rows(corpus, "10_yinchuan_school_gongyong", "total_above_max").iloc[0]
    assert (row["stated"], row["recomputed"]) == (98, pytest.approx(94))
    assert _rows(corpus, "10_yinchuan_school_gongyong", "total_sum").empty  # no equality asserted on a partial table


def test_not_applicable_cells_are_kept_apart_from_empty(corpus):
    dept, scored = corpus["03_tianchang_water_flood"][1], corpus["03_tianchang_water_flood"][3]
    na_row = scored.indicators[scored.indicators["name"] == "指标1:/"].iloc[0]
    assert na_row["rule"] == "not_applicable" and not na_row["counted"]
    printed = dept.printed_cells("budget.csv")
    assert list(printed["weight"].iloc[1:]) == ["-", "-", "-"]  # 其中 rows print 分值 as -, not empty


def test_perfkit_check_runs_over_the_corpus():
    res = subprocess.run([sys.executable, "-m", "perfkit.cli", "check", "--data", str(CORPUS)], capture_output=True,
                         text=True, timeout=600, cwd=Path(__file__).resolve().parents[1])
    # Two tables print a target the OCR garbled (「M.8万元」, 「到0次」), kept as printed: scoring cannot read
    # them, so check names both rows and exits 1 (issue 11 point 5); every table is still checked.
    assert res.returncode == 1, res.stderr
    assert "共 2 个数据问题" in res.stderr
    assert "10_yinchuan_school_gongyong/indicators.csv 第18行 列「target」：值「M.8万元」" in res.stdout
    assert "12_chongqing_media_whole/indicators.csv 第17行 列「target」：值「到0次」" in res.stdout
    listed = [line for line in res.stdout.splitlines() if line[:1] in ("✓", "✗")]
    assert len(listed) == 19
    assert "Traceback" not in res.stdout + res.stderr


# --------------------------------------------------------------------------- the data model holds what forms print


def _minimal(tmp_path, indicators="year,scope_id,indicator_id,parent_id,level1,level2,name,target,actual,weight,"
                                  "stated_score,prior_actual,deviation_note,source,assumption\n", meta=""):
    return write_department(tmp_path / "d", name="测试", meta=meta, tables={
        "scopes.csv": "year,scope_id,scope_type,name,parent_scope_id,rule_set,stated_score,stated_grade,"
                      "source,assumption\n2023,p,专项资金,某资金,,,,,测试,\n",
        "budget.csv": "year,scope_id,line,line_type,budget_original,budget,executed,unit,source,assumption\n"
                      "2023,p,合计,合计,,105,,万元,测试,\n",
        "indicators.csv": indicators})


def test_a_report_without_an_indicator_table_loads_from_a_header_only_file(tmp_path):
    dept, problems, _ = validate(_minimal(tmp_path))
    assert problems == [] and len(dept.indicators) == 0
    assert {"nature", "measure_unit", "weight", "rate_printed", "incomplete"} <= \
        set(dept.indicators.columns) | set(dept.budget.columns) | set(dept.scopes.columns)  # optional columns


def test_not_applicable_markers_are_accepted_in_optional_numbers_only(tmp_path):
    rows = ("year,scope_id,indicator_id,parent_id,level1,level2,name,target,actual,weight,stated_score,prior_actual,"
            "deviation_note,source,assumption\n2023,p,i1,,产出指标,,指标1,/,/,/,—,,,测试,\n")
    dept, problems, _ = validate(_minimal(tmp_path, rows))
    assert problems == []
    assert pd.isna(dept.indicators["weight"].iloc[0]) and dept.printed_cells("indicators.csv")["weight"].iloc[0] == "/"


def test_incomplete_must_be_true_or_false(tmp_path):
    _, problems, _ = validate(_minimal(tmp_path, meta="incomplete: 部分\n"))
    assert [(p.column, p.value) for p in problems] == [("incomplete", "部分")]
