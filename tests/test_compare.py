"""Year-over-year comparison, multi-year views and the PEFA lens (perfkit.compare and its analysis properties).

Expected numbers are worked out by hand in the comments next to each case;
small departments are written to a temporary directory and loaded with the
real loader, so the tests see exactly what a user's data gives.
"""
from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import perfkit
from perfkit import compare
from perfkit.instrument import CALLS
from perfkit.compare.common import NO_CURRENT, NO_PRIOR, ZERO_BASE
from perfkit.ingest.loading import validate
from perfkit.rules.files import BUILTIN_RULES_DIR
from perfkit.errors import DataError, RuleSetError
from perfkit.present import views
from perfkit.rules.book import rulebook_for
from perfkit.rules.pefa import load_pefa_rules

from builders import load_department
from conftest import REFERENCE, SYNTHETIC

# --------------------------------------------------------------------------- building small departments


@pytest.fixture(scope="module")
def reference():
    # validate() rather than load(): these tests need the data, not the rule-set files
    dept, _, _ = validate(REFERENCE)
    assert dept is not None
    return dept


_BUDGET_COLUMNS = ["year", "scope_id", "line", "line_type", "budget_original", "budget", "executed"]
_SCOPE_COLUMNS = ["year", "scope_id", "scope_type", "name", "parent_scope_id"]


def make_dept(tmp_path: Path, years, budget, indicators=(), stated=(), scopes=None, code="hand",
              scope_rules=None):
    """Return a loaded Department built from plain tuples/dicts, scored under the built-in cz2020.

    budget: (year, scope_id, line, line_type, budget_original, budget, executed), None = empty cell.
    indicators: dicts with year, scope_id, indicator_id, level1, level2, name, target, actual, prior_actual.
    scopes: (year, scope_id, scope_type, name, parent) tuples; default: every scope seen in budget,
    ``whole`` as 部门整体 and others as 一级项目.
    scope_rules: scope_id -> rule-set reference written in scopes.csv's ``rule_set``.
    """
    if scopes is None:
        seen = dict.fromkeys((b[0], b[1]) for b in budget)
        scopes = [(y, s, "部门整体" if s == "whole" else "一级项目", "部门整体支出" if s == "whole" else f"项目{s}", None)
                  for y, s in seen]
    inds = list(indicators) or [{"year": years[0], "scope_id": "whole", "indicator_id": "x", "level1": "产出指标",
                                 "level2": "数量指标", "name": "占位", "target": "有效", "actual": "达成"}]
    tables = {
        "scopes.csv": [dict(zip(_SCOPE_COLUMNS, s), rule_set=(scope_rules or {}).get(s[1])) for s in scopes],
        "budget.csv": [dict(zip(_BUDGET_COLUMNS, b)) for b in budget],
        "indicators.csv": inds,
        "stated.csv": list(stated) or None,
    }
    return load_department(tmp_path / code, years=years, meta={"synthetic": True}, tables=tables)


def _ind(year, name, target, actual, prior_actual=None, iid=None, unit_level2="数量指标", scope="whole"):
    return {"year": year, "scope_id": scope, "indicator_id": iid or f"i{year}_{name}", "level1": "产出指标",
            "level2": unit_level2, "name": name, "target": target, "actual": actual, "prior_actual": prior_actual}


@pytest.fixture
def gap_dept(tmp_path):
    """Years 2020, 2022, 2023 (2021 missing), as in the synthetic department."""
    budget = [
        # year, scope, line, type, original, budget, executed
        (2020, "whole", "合计", "合计", 950, 1000, 1000),
        (2020, "whole", "旧专项", "支出类型", 10, 10, 9),
        (2022, "whole", "合计", "合计", 1000, 1000, 900),
        (2022, "whole", "新增拨款", "资金来源", 0, 0, 0),
        (2022, "whole", "旧专项", "支出类型", 10, 10, 10),
        (2022, "whole", "空白行", "支出类型", None, 20, 18),
        (2023, "whole", "合计", "合计", 1050, 1100, 1078),
        (2023, "whole", "新增拨款", "资金来源", 40, 50, 45),
        (2023, "whole", "空白行", "支出类型", 25, 25, 20),
        (2023, "p_new", "合计", "合计", 300, 300, 270),
    ]
    indicators = [
        _ind(2020, "办结率", "≥95%", "94%", iid="a1"),
        _ind(2022, "办结率", "≥95%", "95.5%", iid="b7"),
        _ind(2023, "办结率", "≥95%", "97.0%", prior_actual="95.5%", iid="c3"),
        _ind(2022, "受理件数", "≥180件", "200件"),
        _ind(2023, "受理件数", "≥180件", "250件", prior_actual="210件"),
        _ind(2022, "投诉件数", "同比下降", "40件"),
        _ind(2023, "投诉件数", "同比下降", "44件"),
        _ind(2022, "满意度", "保持", "96%"),
        _ind(2023, "满意度", "保持", "96.00%"),
        _ind(2022, "事故数", "=0起", "0起"),
        _ind(2023, "事故数", "=0起", "2起"),
        _ind(2023, "上线模块数", "≥8个", "9个"),
        _ind(2020, "网办率", "提升", "80%"),
        _ind(2022, "网办率", "提升", "≥85%"),
        _ind(2022, "会议费", "≤90万元", "88万元"),
        _ind(2023, "会议费", "≤90万元", "860000元"),
    ]
    return make_dept(tmp_path, [2020, 2022, 2023], budget, indicators)


def _row(df, **match):
    mask = np.ones(len(df), dtype=bool)
    for k, v in match.items():
        mask &= (df[k] == v).to_numpy()
    rows = df[mask]
    assert len(rows) == 1, f"{match}: {len(rows)} rows"
    return rows.iloc[0]


def _assert_reasons(df: pd.DataFrame) -> None:
    """No inf anywhere; every missing change has its reason; pct_change is missing only for rates or with a reason."""
    nums = df.select_dtypes("number")
    assert not np.isinf(nums.to_numpy(dtype=float, na_value=np.nan)).any()
    no_change = df["change"].isna()
    assert (df.loc[no_change, "note"].str.len() > 0).all(), df.loc[no_change & (df["note"] == "")]
    no_pct = df["pct_change"].isna() & (df["change_kind"] != "rate")
    assert (df.loc[no_pct, "note"].str.len() > 0).all(), df.loc[no_pct & (df["note"] == "")]


# --------------------------------------------------------------------------- change()


@pytest.mark.parametrize(
    "prior, current, kind, unit, expected",
    [
        # 1000 → 1100 万元: +100 万元, +10%
        (1000.0, 1100.0, "amount", None, dict(change=100.0, change_unit="万元", pct_change=10.0, note="")),
        (1100.0, 990.0, "amount", None, dict(change=-110.0, change_unit="万元", pct_change=-10.0, note="")),
        # zero base: the change exists, the percent does not, and says why
        (0.0, 50.0, "amount", None, dict(change=50.0, change_unit="万元", pct_change=None, note=ZERO_BASE)),
        (0.0, 0.0, "amount", None, dict(change=0.0, change_unit="万元", pct_change=None, note=ZERO_BASE)),
        (None, 50.0, "amount", None, dict(change=None, change_unit="万元", pct_change=None, note=NO_PRIOR)),
        (50.0, float("nan"), "amount", None, dict(change=None, change_unit="万元", pct_change=None, note=NO_CURRENT)),
        # rates: percentage points, never a percent of a percent
        (95.5, 97.0, "rate", None, dict(change=1.5, change_unit="百分点", pct_change=None, note="")),
        (98.0, 98.0, "rate", None, dict(change=0.0, change_unit="百分点", pct_change=None, note="")),
        (0.0, 5.0, "rate", None, dict(change=5.0, change_unit="百分点", pct_change=None, note="")),
        # scores: 分, and a percent change
        (80.0, 88.0, "score", None, dict(change=8.0, change_unit="分", pct_change=10.0, note="")),
        # another quantity keeps its unit
        (200.0, 250.0, "number", "件", dict(change=50.0, change_unit="件", pct_change=25.0, note="")),
    ],
    ids=["amount-up", "amount-down", "zero-base", "zero-to-zero", "missing-prior", "missing-current",
         "rate-in-points", "rate-flat", "rate-from-zero", "score", "number-with-unit"],
)
def test_change(prior, current, kind, unit, expected):
    got = compare.change(prior, current, kind, unit)
    for key, value in expected.items():
        if value is None:
            assert math.isnan(got[key]), key
        elif isinstance(value, float):
            assert got[key] == pytest.approx(value), key
        else:
            assert got[key] == value, key
    assert got["change_kind"] == kind


def test_change_missing_detail_is_appended():
    got = compare.change(None, 1.0, prior_missing="2021年不在数据中")
    assert got["note"] == "无上年数据（2021年不在数据中）"


def test_change_rejects_unknown_kind():
    with pytest.raises(ValueError, match="变动类型"):
        compare.change(1, 2, "percent")


@given(st.floats(-1e9, 1e9), st.floats(-1e9, 1e9), st.sampled_from(compare.CHANGE_KINDS))
@example(5.27e-299, 1e9, "amount")  # a base above the old 1e-300 threshold whose ratio still overflows
def test_change_never_inf_and_always_says_why(prior, current, kind):
    got = compare.change(prior, current, kind)
    assert got["change"] == pytest.approx(current - prior)
    assert not math.isinf(got["pct_change"])
    if math.isnan(got["pct_change"]) and kind != "rate":
        # NaN only when the ratio itself cannot be a number (base 0, or so near 0 that it overflows);
        # the condition is the float arithmetic itself, no threshold a generated prior can cross
        assert got["note"] == ZERO_BASE
        assert prior == 0 or not math.isfinite((current - prior) / abs(prior) * 100)


# --------------------------------------------------------------------------- prior year


@pytest.mark.parametrize(
    "year, allow_gap, prior, label",
    [
        (2023, True, 2022, "上年（2022）"),
        (2022, True, 2020, "上年（2020，非连续）"),
        (2022, False, None, "无上年数据"),
        (2020, True, None, "无上年数据"),
    ],
    ids=["consecutive", "missing-middle-year", "missing-middle-year-strict", "first-year"],
)
def test_previous_year(gap_dept, year, allow_gap, prior, label):
    got = compare.previous_year(gap_dept, year, allow_gap)
    assert got == prior
    assert compare.prior_label(year, got) == label


def test_undeclared_year_is_a_data_error(gap_dept):
    with pytest.raises(DataError, match="2021"):
        compare.yoy_budget(gap_dept, 2021)


# --------------------------------------------------------------------------- budget


@pytest.mark.parametrize(
    "year, allow_gap, where, expected",
    [
        # 合计 全年预算数 1000 → 1100: +100 万元, +10%
        (2023, True, dict(scope_id="whole", line="合计", field="budget"),
         dict(prior=1000.0, current=1100.0, change=100.0, pct_change=10.0, note="")),
        # 合计 执行数 900 → 1078: +178, +19.777…%
        (2023, True, dict(scope_id="whole", line="合计", field="executed"),
         dict(prior=900.0, current=1078.0, change=178.0, pct_change=178 / 9, note="")),
        # a zero base: 0 → 50 万元
        (2023, True, dict(scope_id="whole", line="新增拨款", field="budget"),
         dict(prior=0.0, current=50.0, change=50.0, pct_change=None, note=ZERO_BASE)),
        # an empty cell is unknown, not 0
        (2023, True, dict(scope_id="whole", line="空白行", field="budget_original"),
         dict(prior=None, current=25.0, change=None, note="无上年数据（2022年该项为空）")),
        # a project new this year
        (2023, True, dict(scope_id="p_new", line="合计", field="executed"),
         dict(prior=None, current=270.0, change=None, note="无上年数据（2022年无此预算行）")),
        # a line that existed last year only
        (2023, True, dict(scope_id="whole", line="旧专项", field="executed"),
         dict(prior=10.0, current=None, change=None, note="无本年数据（2023年无此预算行）")),
        # the missing middle year: 2022 is compared with 2020 and says so
        (2022, True, dict(scope_id="whole", line="合计", field="executed"),
         dict(prior=1000.0, current=900.0, change=-100.0, pct_change=-10.0,
              note="比较基期为2020年（非连续，缺2021年；变动为2年累计）")),
        # … or is treated as having no prior
        (2022, False, dict(scope_id="whole", line="合计", field="executed"),
         dict(prior=None, current=900.0, change=None,
              note="无上年数据（2021年不在数据中，不跨年比较（最近为2020年））")),
    ],
    ids=["budget-up-10pct", "executed", "zero-base", "empty-cell", "new-project", "dropped-line",
         "missing-middle-year", "missing-middle-year-strict"],
)
def test_yoy_budget(gap_dept, year, allow_gap, where, expected):
    df = compare.yoy_budget(gap_dept, year, allow_gap=allow_gap)
    row = _row(df, **where)
    assert row["change_unit"] == "万元" and row["change_kind"] == "amount"
    for key, value in expected.items():
        if value is None:
            assert pd.isna(row[key]), key
        elif isinstance(value, float):
            assert row[key] == pytest.approx(value), key
        else:
            assert row[key] == value, key


def test_yoy_budget_labels_the_prior(gap_dept):
    df = compare.yoy_budget(gap_dept, 2022)
    assert set(df["prior_label"]) == {"上年（2020，非连续）"}
    assert set(df["prior_year"]) == {2020}
    assert list(df.loc[df["line"] == "合计", "field_label"]) == ["年初预算数", "全年预算数", "全年执行数"]
    _assert_reasons(df)


def test_yoy_budget_order_current_first_then_dropped(gap_dept):
    df = compare.yoy_budget(gap_dept, 2023)
    lines = list(dict.fromkeys(zip(df["scope_id"], df["line"])))
    assert lines == [("whole", "合计"), ("whole", "新增拨款"), ("whole", "空白行"), ("p_new", "合计"),
                     ("whole", "旧专项")]


# --------------------------------------------------------------------------- execution


@pytest.mark.parametrize(
    "base, expected",
    [
        # 2022: 900 / 1000 = 90%; 2023: 1078 / 1100 = 98%: +8 百分点
        ("adjusted", dict(prior=90.0, current=98.0, change=8.0)),
        # on 年初预算数: 900 / 1000 = 90%; 1078 / 1050 = 102.666…%
        ("original", dict(prior=90.0, current=1078 / 1050 * 100, change=1078 / 1050 * 100 - 90)),
    ],
    ids=["adjusted-base", "original-base"],
)
def test_yoy_execution_in_points(gap_dept, base, expected):
    df = compare.yoy_execution(gap_dept, 2023, base=base)
    row = _row(df, scope_id="whole", line="合计")
    assert row["change_unit"] == "百分点" and row["change_kind"] == "rate"
    assert pd.isna(row["pct_change"])
    for key, value in expected.items():
        assert row[key] == pytest.approx(value), key


def test_yoy_execution_zero_budget_says_why(gap_dept):
    df = compare.yoy_execution(gap_dept, 2023)
    row = _row(df, line="新增拨款")
    assert pd.isna(row["prior"]) and row["current"] == pytest.approx(90.0)
    assert row["note"] == "无上年数据（2022年全年预算数为0）"
    _assert_reasons(df)


# --------------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    "name, expected",
    [
        # matched across years although the ids differ (b7 → c3): 95.5% → 97.0% = +1.5 百分点
        ("办结率", dict(prior=95.5, current=97.0, change=1.5, change_unit="百分点", change_kind="rate",
                     pct_change=None, prior_source="2022年完成值", note="")),
        # 200 → 250 件: +50 件, +25%; the row's prior_actual (210) disagrees and is shown, not used
        ("受理件数", dict(prior=200.0, current=250.0, change=50.0, change_unit="件", pct_change=25.0,
                      note="2022年表完成值「200件」与本年表所填上年值「210件」不一致，取前者")),
        # 同比下降: 40 → 44 件 rose, so the direction is missed
        ("投诉件数", dict(prior=40.0, current=44.0, change=4.0, pct_change=10.0, direction="下降",
                      direction_met=False)),
        # 保持: 96% → 96.00% is met exactly at the boundary
        ("满意度", dict(prior=96.0, current=96.0, change=0.0, change_unit="百分点", direction="保持",
                     direction_met=True, at_boundary=True)),
        # a zero base: 0 → 2 起
        ("事故数", dict(prior=0.0, current=2.0, change=2.0, pct_change=None, note=ZERO_BASE)),
        ("上线模块数", dict(prior=None, current=9.0, change=None, note="无上年数据（2022年无此指标）")),
    ],
    ids=["percentage-points", "count-and-mismatched-prior-actual", "direction-missed", "keep-at-boundary",
         "zero-base", "new-indicator"],
)
def test_yoy_indicators(gap_dept, name, expected):
    row = _row(compare.yoy_indicators(gap_dept, 2023, rulebook_for(gap_dept)), name=name)
    for key, value in expected.items():
        if value is None:
            assert pd.isna(row[key]), key
        elif isinstance(value, float):
            assert row[key] == pytest.approx(value), key
        elif key == "note" and value:
            assert value in row[key], row[key]
        else:
            assert row[key] == value, key


def test_yoy_indicators_different_units_are_not_compared(gap_dept):
    row = _row(compare.yoy_indicators(gap_dept, 2023, rulebook_for(gap_dept)), name="会议费")
    assert (row["prior"], row["current"]) == (88.0, 860000.0)
    assert pd.isna(row["change"]) and pd.isna(row["pct_change"])
    assert "单位不一致（上年「万元」，本年「元」），未比较" in row["note"]


def test_yoy_indicators_bound_is_not_a_measurement(gap_dept):
    # 2022 网办率 "≥85%" copies a bound: 2022 has no measured value to compare with 2020's 80%
    row = _row(compare.yoy_indicators(gap_dept, 2022, rulebook_for(gap_dept)), name="网办率")
    assert pd.isna(row["change"])
    assert row["prior"] == pytest.approx(80.0)
    assert "无本年数据（2022年完成值写作界限「≥85%」，不是实测值）" in row["note"]
    assert pd.isna(row["direction_met"])


def test_yoy_indicators_prior_actual_fills_the_missing_year(tmp_path):
    # only 2023 in the data; its prior_actual (year 2022 by definition) is the prior
    dept = make_dept(tmp_path, [2023], [(2023, "whole", "合计", "合计", None, 100, 90)],
                     [_ind(2023, "办结率", "≥95%", "97%", prior_actual="96.2%"),
                      _ind(2023, "件数", "≥10件", "12件")])
    df = compare.yoy_indicators(dept, 2023, rulebook_for(dept))
    row = _row(df, name="办结率")
    assert (row["prior_year"], row["prior_label"], row["prior_source"]) == (2022, "上年（2022）", "本年表所填上年值")
    assert row["change"] == pytest.approx(0.8) and row["change_unit"] == "百分点"
    other = _row(df, name="件数")
    assert other["note"] == "无上年数据（2022年不在数据中）"


def test_yoy_indicators_stated_change_in_actual(tmp_path):
    # 同比下降13.8% as the actual: shown as stated (-13.8%), the direction is met, nothing recomputed
    dept = make_dept(tmp_path, [2023], [(2023, "whole", "合计", "合计", None, 100, 90)],
                     [_ind(2023, "案件类警情", "同比下降", "同比下降13.8%")])
    row = _row(compare.yoy_indicators(dept, 2023, rulebook_for(dept)), name="案件类警情")
    assert row["pct_change"] == pytest.approx(-13.8)
    assert pd.isna(row["prior"]) and pd.isna(row["current"])
    assert row["direction_met"] == True  # noqa: E712
    assert row["prior_source"] == "完成值原文所述同比"
    assert "未复算" in row["note"]


def test_reference_satisfaction_keeps_exactly_at_boundary(reference):
    # 治安满意度 (w08): 2022 98.00% (prior_actual) → 2023 98.00%: 0 百分点, 保持 met only at the
    # boundary, which is why the report calls it only 基本实现
    row = _row(compare.yoy_indicators(reference, 2023, rulebook_for(reference)), indicator_id="w08")
    assert row["name"] == "治安满意度"
    assert (row["prior"], row["current"]) == (pytest.approx(98.0), pytest.approx(98.0))
    assert row["change"] == 0.0 and row["change_unit"] == "百分点" and pd.isna(row["pct_change"])
    assert row["prior_year"] == 2022 and row["prior_source"] == "本年表所填上年值"
    assert row["direction"] == "保持" and row["direction_met"] == True  # noqa: E712
    assert row["at_boundary"] == True  # noqa: E712
    assert "98.00% → 98.00%" in row["note"] and "边界" in row["note"]


def _keep_dept(tmp_path, p1_rules: str):
    """Return a department whose project p1 follows ``p1_rules``: 满意度 96% → 95.8% (保持) in both scopes."""
    budget = [(y, s, "合计", "合计", None, 100, 95) for y in (2022, 2023) for s in ("whole", "p1")]
    indicators = [_ind(y, "满意度", "保持", actual, iid=f"{s}_{y}", scope=s)
                  for y, actual in ((2022, "96%"), (2023, "95.8%")) for s in ("whole", "p1")]
    dept = make_dept(tmp_path, [2022, 2023], budget, indicators, scope_rules={"p1": "p1_rules.yaml"})
    (dept.path / "p1_rules.yaml").write_text(p1_rules, encoding="utf-8")  # read by rulebook_for, not by load
    return dept


def test_keep_tolerance_comes_from_the_scopes_rule_set(tmp_path):
    # p1's rule set allows 保持 to fall 0.5 百分点: 96% → 95.8% (−0.2) is met, at the boundary;
    # the whole department follows cz2020 (no tolerance), where the same fall misses 保持
    cz2020 = (BUILTIN_RULES_DIR / "cz2020.yaml").read_text(encoding="utf-8")
    assert "  keep_tolerance_pp: 0\n" in cz2020
    dept = _keep_dept(tmp_path, cz2020.replace("  keep_tolerance_pp: 0\n", "  keep_tolerance_pp: 0.5\n"))
    df = compare.yoy_indicators(dept, 2023, rulebook_for(dept))
    p1, whole = _row(df, scope_id="p1"), _row(df, scope_id="whole")
    assert p1["change"] == pytest.approx(-0.2) and whole["change"] == pytest.approx(-0.2)
    assert (p1["direction_met"], p1["at_boundary"]) == (True, True)
    assert "略低于上年，在容差内（96.00% → 95.80%）" in p1["note"]
    assert whole["direction_met"] == False  # noqa: E712
    assert perfkit.analyze(dept, 2023).yoy_indicators.equals(df)


def test_broken_rule_file_of_a_scope_is_an_error_not_a_default(tmp_path):
    # compare used to swallow this and read 保持 under cz2020's defaults; the analysis now names the file
    dept = _keep_dept(tmp_path, "kind: indicator_scoring\nname: [unclosed\n")
    a = perfkit.analyze(dept, 2023)
    with pytest.raises(RuleSetError, match="p1_rules.yaml"):
        a.yoy_indicators
    with pytest.raises(RuleSetError, match="p1_rules.yaml"):
        rulebook_for(dept)


@pytest.mark.parametrize(
    "prior, current, direction, tolerance, keep_means, expected",
    [
        (98.0, 98.0, "keep", 0.0, "no_decline", True),
        (98.0, 97.9, "keep", 0.0, "no_decline", False),
        (98.0, 97.9, "保持", 0.2, "no_decline", True),
        (98.0, 99.0, "keep", 0.0, "no_decline", True),
        (98.0, 99.0, "keep", 0.5, "unchanged", False),
        (98.0, 98.4, "keep", 0.5, "unchanged", True),
        (40.0, 44.0, "down", 0.0, "no_decline", False),
        (40.0, 40.0, "down", 0.0, "no_decline", False),
        (40.0, 36.0, "下降", 0.0, "no_decline", True),
        (80.0, 81.0, "提升", 0.0, "no_decline", True),
        (None, 81.0, "up", 0.0, "no_decline", None),
    ],
    ids=["keep-equal", "keep-below", "keep-within-tolerance", "keep-improved", "unchanged-moved-too-far",
         "unchanged-within-tolerance", "down-missed", "down-flat", "down-met", "up-met", "missing"],
)
def test_direction_met(prior, current, direction, tolerance, keep_means, expected):
    assert compare.direction_met(prior, current, direction, tolerance, keep_means) is expected


# --------------------------------------------------------------------------- scores


def _fake_score(by_scope, indicators):
    """Return a YearScore-like object: by_scope rows (scope, weight, score, grade), indicator rows."""
    bs = pd.DataFrame(by_scope, columns=["scope_id", "weight", "score", "grade"])
    ind = pd.DataFrame(indicators, columns=["scope_id", "level1", "level2", "name", "weight_used", "score"])
    lv = ind.groupby(["scope_id", "level1"], as_index=False)[["weight_used", "score"]].sum()
    lv = lv.rename(columns={"weight_used": "weight"})
    return SimpleNamespace(by_scope=bs, by_level1=lv, indicators=ind)


def _scores(gap_dept):
    return {
        2020: _fake_score([("whole", 100, 95.0, "优")], [("whole", "产出指标", "数量指标", "受理件数", 50, 50.0),
                                                        ("whole", "效益指标", "社会效益指标", "满意度", 30, 30.0)]),
        2022: _fake_score([("whole", 100, 88.0, "良")], [("whole", "产出指标", "数量指标", "受理件数", 50, 45.0),
                                                        ("whole", "效益指标", "社会效益指标", "满意度", 30, 28.0)]),
        2023: _fake_score([("whole", 100, 84.5, "良")], [("whole", "产出指标", "数量指标", "受理件数", 60, 44.0),
                                                        ("whole", "效益指标", "社会效益指标", "满意度", 30, 30.0)]),
    }


def test_yoy_scores(gap_dept):
    s = _scores(gap_dept)
    df = compare.yoy_scores(gap_dept, 2023, scored=s[2023], prior_scored=s[2022])
    total = _row(df, level="scope", scope_id="whole")
    # 88.0 → 84.5: −3.5 分, −3.977…%
    assert total["change"] == pytest.approx(-3.5) and total["change_unit"] == "分"
    assert total["pct_change"] == pytest.approx(-3.5 / 88 * 100)
    ind = _row(df, level="indicator", name="受理件数")
    assert ind["change"] == pytest.approx(-1.0)
    assert "分值由50调整为60" in ind["note"]
    lv = _row(df, level="level1", level1="产出指标")
    assert (lv["prior"], lv["current"]) == (45.0, 44.0)
    _assert_reasons(df)


def test_scores_are_handed_in_never_computed(gap_dept):
    s = _scores(gap_dept)
    with pytest.raises(ValueError, match="2022年的评分结果"):
        compare.yoy_scores(gap_dept, 2023, s[2023], None)
    with pytest.raises(ValueError, match="评分结果"):
        compare.series(gap_dept, "scores")


def test_falling_scores_two_years_running(gap_dept):
    # whole: 95 → 88 → 84.5 fell twice (2020 → 2022 crosses the missing 2021);
    # 受理件数 50 → 45 → 44 fell twice; 满意度 30 → 28 → 30 recovered
    df = compare.falling_scores(gap_dept, scored=_scores(gap_dept))
    assert list(zip(df["level"], df["name"])) == [("indicator", "受理件数"), ("scope", "总分")]
    total = _row(df, level="scope")
    assert total["years"] == "2020→2022→2023" and total["scores"] == "95→88→84.5"
    assert total["run_length"] == 2 and total["drop"] == pytest.approx(10.5)
    assert total["note"] == "含非连续年度（2020→2022）"
    assert compare.falling_scores(gap_dept, min_run=3, scored=_scores(gap_dept)).empty


# --------------------------------------------------------------------------- stated year-over-year figures


def test_stated_yoy(tmp_path):
    sentence = "全年受理投诉44件，同比上升10%。"
    stated = [
        # matched by name to 投诉件数: 40 → 44 = +10.0% exactly
        dict(year=2023, figure_id="yoy_ok", scope_id="whole", label="投诉件数同比", kind="同比", stated_text="上升10.0%",
             value=10.0, unit="%", sentence=sentence),
        # printed with 0 decimals: 12% against 10% is off by 2 > 0.5
        dict(year=2023, figure_id="yoy_bad", scope_id="whole", label="投诉件数同比", kind="同比", stated_text="上升12%",
             value=12.0, unit="%", sentence=sentence),
        dict(year=2023, figure_id="yoy_free", scope_id="whole", label="破案率同比", kind="同比", stated_text="上升7.8%",
             value=7.8, unit="%", sentence="破案率同比上升7.8%。"),
        # with expr: the consistency module's result is used
        dict(year=2023, figure_id="yoy_expr", scope_id="whole", label="执行数同比", kind="同比", stated_text="上升9.9%",
             value=9.9, unit="%", expr="(executed('whole') - 90) / 90 * 100", sentence="执行数同比上升9.9%。"),
    ]
    dept = make_dept(tmp_path, [2022, 2023],
                     [(2022, "whole", "合计", "合计", None, 100, 90), (2023, "whole", "合计", "合计", None, 100, 99)],
                     [_ind(2022, "投诉件数", "同比下降", "40件"), _ind(2023, "投诉件数", "同比下降", "44件")], stated)
    checks = pd.DataFrame({"figure_id": ["yoy_expr"], "recomputed": [10.0]})
    df = compare.stated_yoy(dept, 2023, checks, rulebook_for(dept)).set_index("figure_id")
    assert df.loc["yoy_ok", "recomputed"] == pytest.approx(10.0)
    assert (df.loc["yoy_ok", "status"], df.loc["yoy_ok", "decimals"]) == ("一致", 1)
    assert df.loc["yoy_bad", "status"] == "不一致" and df.loc["yoy_bad", "difference"] == pytest.approx(2.0)
    assert df.loc["yoy_free", "status"] == "仅列示" and pd.isna(df.loc["yoy_free", "ok"])
    assert df.loc["yoy_free", "basis"] == "仅列示：未找到对应的指标"
    # 9.9 printed with one decimal against 10.0: 0.1 > 0.05
    assert df.loc["yoy_expr", "status"] == "不一致" and df.loc["yoy_expr", "basis"].startswith("按公式复算")
    assert df.loc["yoy_ok", "sentence"] == sentence


def test_stated_yoy_reference_is_listed_with_its_sentence(reference):
    df = compare.stated_yoy(reference, 2023, pd.DataFrame(), rulebook_for(reference))
    assert list(df["figure_id"]) == ["yoy_cases_110", "yoy_punished", "yoy_solved", "yoy_solve_rate"]
    assert list(df["stated"]) == [-13.8, 66.2, 15.1, 7.8]
    assert set(df["status"]) == {"仅列示"}
    assert df["sentence"].str.contains("同比下降 13.8%").all()


# --------------------------------------------------------------------------- multi-year views


@pytest.mark.parametrize(
    "values, expected",
    [([1, 3, 2, 1], ("下降", 2)), ([1, 2, 3], ("上升", 2)), ([5, 5, 5], ("持平", 2)), ([1, 2, 2], ("持平", 1)),
     ([3, 1, 2], ("上升", 1)), ([1], ("", 0)), ([], ("", 0))],
    ids=["falling-twice", "rising-twice", "flat", "flat-after-rise", "rebound", "one-value", "empty"],
)
def test_current_run(values, expected):
    assert compare.current_run(values) == expected


@pytest.mark.parametrize(
    "first, last, years, expected",
    [(100, 121, 2, 10.0), (1000, 1331, 3, 10.0), (100, 81, 2, -10.0), (0, 5, 2, None), (100, 120, 0, None),
     (-5, 5, 2, None)],
    ids=["two-years", "three-years", "decline", "zero-first", "no-span", "negative-first"],
)
def test_cagr(first, last, years, expected):
    got = compare.cagr(first, last, years)
    assert math.isnan(got) if expected is None else got == pytest.approx(expected)


def test_series_and_summary_over_a_missing_year(tmp_path):
    # 执行数 1000 (2020) → 1100 (2022) → 1331 (2023): CAGR over the span 2020–2023 (3 years, not 2
    # observations' steps) = 10%; the execution rate 100% → 100% → 96.8% falls 1.0667 百分点 a year
    budget = [(2020, "whole", "合计", "合计", None, 1000, 1000), (2022, "whole", "合计", "合计", None, 1100, 1100),
              (2023, "whole", "合计", "合计", None, 1375, 1331)]
    dept = make_dept(tmp_path, [2020, 2022, 2023], budget)
    long = compare.series(dept, "budget")
    assert set(long.columns) >= {"year", "key", "value"}
    ex = long[long["key"] == "whole/合计/executed"]
    assert list(ex["year"]) == [2020, 2022, 2023] and list(ex["value"]) == [1000, 1100, 1331]
    summary = compare.summarize_series(long).set_index("key")
    row = summary.loc["whole/合计/executed"]
    assert row["growth"] == pytest.approx(10.0) and row["growth_unit"] == "%/年"
    assert row["span"] == "2020–2023年（跨3年，其中2021年无数值）"
    assert (row["first"], row["last"], row["run_direction"], row["run_length"]) == (1000, 1331, "上升", 2)
    assert "budget_original" not in " ".join(summary.index)  # all-empty series are left out
    rate = compare.multi_year(dept, "execution").set_index("key").loc["whole/合计/execution_rate"]
    assert rate["growth"] == pytest.approx((96.8 - 100) / 3) and rate["growth_unit"] == "百分点/年"
    assert (rate["run_direction"], rate["trend"]) == ("下降", "恶化")


def test_indicator_series_trend_knows_lower_is_better(gap_dept):
    summary = compare.multi_year(gap_dept, "indicators").set_index("key")
    row = summary.loc["whole/产出指标/数量指标/投诉件数"]
    assert (row["better"], row["run_direction"], row["trend"]) == ("lower", "上升", "恶化")
    # 2023's prior_actual stands in for no year (2022 is in the data), so 受理件数 is 200 → 250
    assert summary.loc["whole/产出指标/数量指标/受理件数", "values"] == "2022:200→2023:250"
    with pytest.raises(ValueError, match="序列类型"):
        compare.series(gap_dept, "weights")


# --------------------------------------------------------------------------- PEFA


@pytest.fixture(scope="module")
def pefa_rules():
    """The built-in PEFA 2016 bands, as a department's RuleBook.pefa holds them."""
    return load_pefa_rules()


@pytest.mark.parametrize(
    "outturn, grade",
    [(100.0, "A"), (95.0, "A"), (105.0, "A"), (94.99, "B"), (105.01, "B"), (90.0, "B"), (110.0, "B"),
     (85.0, "C"), (115.0, "C"), (84.99, "D"), (115.01, "D"), (None, None)],
    ids=["on-budget", "A-low-edge", "A-high-edge", "just-below-A", "just-above-A", "B-low-edge", "B-high-edge",
         "C-low-edge", "C-high-edge", "below-C", "above-C", "unknown"],
)
def test_pi1_grade_bands(pefa_rules, outturn, grade):
    assert compare.pi1_grade(outturn, pefa_rules) == grade


@pytest.mark.parametrize(
    "variance, grade",
    [(0.0, "A"), (4.999, "A"), (5.0, "B"), (9.99, "B"), (10.0, "C"), (14.99, "C"), (15.0, "D"), (None, None)],
    ids=["none", "just-below-5", "5-is-B", "just-below-10", "10-is-C", "just-below-15", "15-is-D", "unknown"],
)
def test_pi2_grade_bands(pefa_rules, variance, grade):
    assert compare.pi2_grade(variance, pefa_rules) == grade


@pytest.mark.parametrize(
    "grades, score",
    [(["A", "A", "D"], "A"), (["A", "D", "D"], "D"), (["C", "B", "A"], "B"), (["A", None, "B"], "B"),
     (["D", "D", "D"], "D"), ([None, None], None)],
    ids=["two-A", "one-A-only", "one-each", "a-year-missing", "all-D", "nothing-graded"],
)
def test_window_score_two_of_three(pefa_rules, grades, score):
    assert compare.window_score(grades, pefa_rules)[0] == score


def test_window_score_with_one_year_is_indicative(pefa_rules):
    score, note = compare.window_score(["B"], pefa_rules)
    assert score == "B" and "仅1个年度可评分" in note


@pytest.fixture
def pefa_dept(tmp_path):
    budget = [
        # PI-1 on 年初预算数 1000 each year:
        #   2021: 960 / 1000 = 96%  → A;  2022: 1080 / 1000 = 108% → B;  2023: 870 / 1000 = 87% → C
        #   window: A reached in 1 year, B-or-better in 2 → B
        (2021, "whole", "合计", "合计", 1000, 1000, 960),
        (2022, "whole", "合计", "合计", 1000, 1100, 1080),
        (2023, "whole", "合计", "合计", 1000, 900, 870),
        # PI-2 by 功能分类 (two lines), variance = Σ|A_i − B_i × ΣA/ΣB| / ΣA:
        #   2021: B = 600, 400; A = 660, 300; ΣA/ΣB = 960/1000 = 0.96; adjusted 576, 384;
        #         deviations 84 + 84 = 168; 168 / 960 = 17.5%  → D
        (2021, "whole", "公共安全", "功能分类", 600, 600, 660),
        (2021, "whole", "一般公共服务", "功能分类", 400, 400, 300),
        #   2022: B = 600, 400; A = 600, 380; ratio 0.98; adjusted 588, 392;
        #         deviations 12 + 12 = 24; 24 / 980 = 2.4490%  → A
        (2022, "whole", "公共安全", "功能分类", 600, 600, 600),
        (2022, "whole", "一般公共服务", "功能分类", 400, 400, 380),
        #   2023: B = 500, 500 (original missing for one line → the year uses 全年预算数 500, 500);
        #         A = 530, 470; ratio 1; deviations 30 + 30 = 60; 60 / 1000 = 6%  → B
        (2023, "whole", "公共安全", "功能分类", 500, 500, 530),
        (2023, "whole", "一般公共服务", "功能分类", None, 500, 470),
        #   window: D, A, B → B-or-better in 2 years → B
        (2023, "whole", "基本支出", "支出类型", 800, 800, 790),
    ]
    return make_dept(tmp_path, [2021, 2022, 2023], budget)


def test_pefa_pi1_worked_example(pefa_dept):
    df = compare.pefa_pi1(pefa_dept, rulebook_for(pefa_dept).pefa)
    assert list(df["year"]) == [2021, 2022, 2023]
    assert list(df["outturn"]) == [pytest.approx(96.0), pytest.approx(108.0), pytest.approx(87.0)]
    assert list(df["grade"]) == ["A", "B", "C"]
    assert df.attrs["score"] == "B" and set(df["pefa_score"]) == {"B"}
    assert set(df["base_label"]) == {"年初预算数"}
    assert "至少2个年度" in df.attrs["rule"]


def test_pefa_pi1_on_the_adjusted_base(pefa_dept):
    # 960/1000 = 96% A; 1080/1100 = 98.18% A; 870/900 = 96.67% A → A
    df = compare.pefa_pi1(pefa_dept, rulebook_for(pefa_dept).pefa, base="adjusted")
    assert list(df["grade"]) == ["A", "A", "A"] and df.attrs["score"] == "A"
    assert set(df["base_label"]) == {"全年预算数"}


def test_pefa_pi1_falls_back_to_adjusted_and_says_so(reference):
    df = compare.pefa_pi1(reference, rulebook_for(reference).pefa)
    row = df.iloc[0]
    # 199466.59 / 200963.70 = 99.2550%: A, on 全年预算数 since 年初预算数 is not given
    assert row["outturn"] == pytest.approx(199466.59 / 200963.70 * 100)
    assert (row["grade"], row["base_used"], row["base_label"]) == ("A", "adjusted", "全年预算数")
    assert row["note"] == "2023年缺年初预算数，改用全年预算数（国内口径）"
    assert "仅1个年度可评分" in df.attrs["score_note"]


def test_pefa_pi2_worked_example(pefa_dept):
    df = compare.pefa_pi2(pefa_dept, rulebook_for(pefa_dept).pefa)
    assert set(df["by_label"]) == {"功能分类"}
    assert list(df["variance"]) == [pytest.approx(17.5), pytest.approx(24 / 980 * 100), pytest.approx(6.0)]
    assert list(df["grade"]) == ["D", "A", "B"]
    assert df.attrs["score"] == "B"
    assert list(df["base_used"]) == ["original", "original", "adjusted"]
    assert df.loc[2, "note"] == "2023年有细分项缺年初预算数，改用全年预算数（国内口径）"
    comps = compare.pefa_pi2_components(pefa_dept, rulebook_for(pefa_dept).pefa, years=[2021])
    assert list(comps["adjusted_budget"]) == [pytest.approx(576.0), pytest.approx(384.0)]
    assert list(comps["abs_deviation"]) == [pytest.approx(84.0), pytest.approx(84.0)]


def test_pefa_pi2_needs_two_components(pefa_dept):
    df = compare.pefa_pi2(pefa_dept, rulebook_for(pefa_dept).pefa, years=[2023], line_type="支出类型")
    assert pd.isna(df.loc[0, "variance"]) and df.loc[0, "grade"] is None
    assert "不足两个" in df.loc[0, "note"]


def test_pefa_rules_come_from_the_yaml_and_are_checked(tmp_path):
    rules = load_pefa_rules()
    assert [b["grade"] for b in rules["pi1"]["bands"]] == ["A", "B", "C"]
    assert rules["pi1"]["confidence"] and rules["pi2"]["confidence"] and rules["pi1"]["source"]
    # an edited copy changes the bands
    rules["pi1"]["bands"][0].update(low=98, high=102)
    assert compare.pi1_grade(96.0, rules) == "B"
    bad = tmp_path / "bad.yaml"
    bad.write_text("window_years: 3\nyears_required: 5\npi1: {bands: [{grade: A, low: 95}], else: D}\n",
                   encoding="utf-8")
    with pytest.raises(RuleSetError) as err:
        load_pefa_rules(bad)
    message = str(err.value)
    assert "years_required" in message and "high" in message and "pi2.bands" in message


# --------------------------------------------------------------------------- smoke on the shipped data


@pytest.fixture(scope="module")
def synthetic_data():
    if not SYNTHETIC.is_dir():
        pytest.skip("data/demo-synthetic 尚未生成")
    dept, _, _ = validate(SYNTHETIC)
    assert dept is not None
    return dept


def test_synthetic_missing_middle_year(synthetic_data):
    df = compare.yoy_budget(synthetic_data, 2022)
    assert set(df["prior_label"]) == {"上年（2020，非连续）"}
    strict = compare.yoy_budget(synthetic_data, 2022, allow_gap=False)
    assert strict["change"].isna().all() and strict["note"].str.startswith(NO_PRIOR).all()


@pytest.mark.parametrize("year", [2020, 2022, 2023, 2024])
def test_synthetic_every_table_gives_reasons(synthetic_data, year):
    a = perfkit.analyze(synthetic_data, year)
    for table in (a.yoy_budget, a.yoy_execution, a.yoy_indicators):
        _assert_reasons(table)


def test_synthetic_zero_base_and_views(synthetic_data):
    row = _row(compare.yoy_budget(synthetic_data, 2023), scope_id="whole", line="政府性基金预算拨款", field="budget")
    assert (row["prior"], row["current"], row["note"]) == (0.0, 180.0, ZERO_BASE)
    for what in ("budget", "execution", "indicators"):
        summary = compare.multi_year(synthetic_data, what)
        assert len(summary) and not np.isinf(summary["growth"].dropna()).any()
    pefa = compare.pefa_summary(synthetic_data, rulebook_for(synthetic_data).pefa)
    assert list(pefa["indicator"]) == ["PI-1", "PI-2", "PI-2"]
    assert pefa["score"].isin(list("ABCD")).all()


def test_reference_tables_give_reasons(reference):
    # one year of data: every budget comparison is 无上年数据, with the reason
    a = perfkit.analyze(reference, 2023)
    for df in (a.yoy_budget, a.yoy_execution, a.yoy_indicators):
        _assert_reasons(df)
    budget = compare.yoy_budget(reference, 2023)
    assert budget["note"].str.startswith(NO_PRIOR).all() and set(budget["prior_label"]) == {NO_PRIOR}


def test_synthetic_scores_smoke(synthetic_data):
    a = perfkit.analyze(synthetic_data, 2024)
    df = a.yoy_scores
    assert (df["change_unit"] == "分").all()
    _assert_reasons(df)
    a.falling_scores


def test_analysis_compares_once_for_every_presentation(synthetic_data):
    # the notebook's table and the findings read one yoy_indicators; the score comparison reuses the
    # prior year's own analysis (2022 → 2023), so each year is scored once
    a = perfkit.analyze(synthetic_data, 2023)
    before = CALLS.copy()
    views.yoy_indicator_table(a)
    a.findings
    views.yoy_budget_table(a)
    views.pefa_table(a)
    a.yoy_scores, a.falling_scores, a.score_series
    views.yoy_indicator_table(a)
    ran: dict[str, int] = {}
    for (step, _year), n in (CALLS - before).items():
        ran[step] = ran.get(step, 0) + n
    assert ran["yoy_indicators"] == ran["yoy_budget"] == ran["yoy_execution"] == ran["pefa"] == 1
    assert ran["yoy_scores"] == ran["falling_scores"] == ran["multi_year"] == 1
    assert ran["score"] == len([y for y in synthetic_data.years if y <= 2023])  # 2020, 2022, 2023
    assert a.yoy_scores["prior_year"].eq(2022).all() and a.prior.scored is a.department.year(2022).scored


def test_yoy_scores_say_when_a_total_is_no_plain_score(synthetic_data):
    """Issue 13 point 4: the synthetic p_ops_patrol weights add to 110 in 2022 (issue text: 100.05/110), so its
    2022 total is not compared as it stands; a total that is a range says so with the range."""
    a = perfkit.analyze(synthetic_data, 2023)
    scope = a.yoy_scores[a.yoy_scores["level"] == "scope"].set_index("scope_id")
    assert "2022年分值合计为110分，不等于规则总分" in scope.loc["p_ops_patrol", "note"]
    assert "2022年有指标无法评分，总分为区间" in scope.loc["whole", "note"]
    assert "分值合计" not in scope.loc["p_ops", "note"] and "区间" not in scope.loc["p_ops", "note"]
