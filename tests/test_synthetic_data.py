"""The synthetic example department: never drifts from its generator, and holds every case.

``data/demo-synthetic/`` exists to exercise every scoring rule and every consistency
check, so these tests pin that each case the other modules rely on is really in
the data (a target with ``≤``, a ``其中`` sub-row, an execution rate below 90% …),
read straight from the CSV text so they do not depend on the code under test.
"""
from __future__ import annotations

import perfkit
import ast
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from perfkit.rules.loading import builtin_names as builtin_rule_sets

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "data" / "demo-synthetic"
SCRIPT = ROOT / "scripts" / "generate_synthetic.py"
YEARS = [2020, 2022, 2023, 2024]
CSV_FILES = ["scopes.csv", "budget.csv", "finance.csv", "indicators.csv", "stated.csv", "progress.csv"]
ALL_FILES = ["department.yaml", *CSV_FILES, "ASSUMPTIONS.md"]
AMOUNTS = ["budget_original", "budget", "executed"]
# Grade bands of domain.md §3 [V]; restated here so the test does not trust the generator's copy.
GRADE_FLOORS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
DIRECTIONS = ("同比下降", "提升", "保持")


def _generator() -> SimpleNamespace:
    """Return the generator script's functions, run from its file (runpy: nothing left in sys.modules)."""
    return SimpleNamespace(**runpy.run_path(str(SCRIPT), run_name="generate_synthetic"))


def _number(text: str) -> float | None:
    m = NUMBER.search(text or "")
    return float(m.group()) if m else None


def _grade(score: float) -> str:
    return next(g for floor, g in GRADE_FLOORS if score >= floor)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    out = {}
    for name in CSV_FILES:
        df = pd.read_csv(SYNTHETIC / name, dtype=str, keep_default_na=False)
        df["year"] = df["year"].astype(int)
        out[name.removesuffix(".csv")] = df
    for col in AMOUNTS:
        out["budget"][col] = out["budget"][col].astype(float)
    out["indicators"]["weight_num"] = pd.to_numeric(out["indicators"]["weight"])
    return out


@pytest.fixture(scope="module")
def meta() -> dict:
    return yaml.safe_load((SYNTHETIC / "department.yaml").read_text(encoding="utf-8"))


def _rates(budget: pd.DataFrame) -> pd.DataFrame:
    total = budget[budget["line"] == "合计"].copy()
    total["rate"] = total["executed"] / total["budget"]
    return total


# --------------------------------------------------------------------------- no drift


def test_regenerating_gives_byte_identical_files(tmp_path):
    written = _generator().generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(ALL_FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(ALL_FILES)
    assert sorted(p.name for p in SYNTHETIC.iterdir()) == sorted(ALL_FILES), "unexpected files in data/demo-synthetic"
    differing = [name for name in ALL_FILES
                 if (tmp_path / name).read_bytes() != (SYNTHETIC / name).read_bytes()]
    assert differing == [], "committed data drifted from scripts/generate_synthetic.py; re-run the script"


def test_generating_twice_gives_identical_text():
    gen = _generator()
    assert gen.build() == gen.build()


# --------------------------------------------------------------------------- labelling


def test_department_is_labelled_synthetic(meta):
    assert meta["code"] == "demo-synthetic" == SYNTHETIC.name
    assert "示例数据" in meta["name"]
    assert meta["synthetic"] is True
    assert (meta["rule_set"], meta["dept_sheet"]) == ("cz2020", "dept_sheet_example")
    assert "示例数据" in meta["source"] and "scripts/generate_synthetic.py" in meta["source"]
    assert meta["years"] == YEARS


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_row_says_it_is_made_up(tables, name):
    df = tables[name.removesuffix(".csv")]
    assert df["source"].str.contains("示例数据").all()
    assert df["assumption"].str.startswith("示例数据，虚构").all()
    assert sorted(df["year"].unique()) == YEARS


@pytest.mark.parametrize("name", ["budget.csv", "finance.csv", "progress.csv"])
def test_one_amount_unit_per_file(tables, name):
    assert set(tables[name.removesuffix(".csv")]["unit"]) == {"万元"}


def test_assumptions_log_says_synthetic():
    text = (SYNTHETIC / "ASSUMPTIONS.md").read_text(encoding="utf-8")
    assert "示例数据" in text and "虚构" in text


# --------------------------------------------------------------------------- scopes and budget


def test_scope_types_and_new_project(tables):
    scopes = tables["scopes"]
    assert set(scopes["scope_type"]) == {"部门整体", "一级项目", "二级项目", "专项资金"}
    second = scopes[scopes["scope_type"] == "二级项目"]
    assert (second["parent_scope_id"] != "").all()
    first_year = scopes.groupby("scope_id")["year"].min()
    assert list(first_year[first_year == 2023].index) == ["p_digital"]
    per_year = scopes.groupby("year").size()
    assert per_year.between(3, 6).all()


def test_breakdowns_add_up_to_the_total(tables):
    budget = tables["budget"]
    total = budget[budget["line"] == "合计"].set_index(["year", "scope_id"])[AMOUNTS]
    partitions = budget[budget["line_type"].isin(["支出类型", "资金来源"])]
    parts = partitions.groupby(["year", "scope_id", "line_type"])[AMOUNTS].sum()
    assert set(parts.index.get_level_values("line_type")) == {"支出类型", "资金来源"}
    assert {"基本支出", "项目支出"} <= set(budget.loc[budget["scope_id"] == "whole", "line"])
    for (year, scope, _), row in parts.iterrows():
        assert row.values == pytest.approx(total.loc[(year, scope)].values, abs=1e-6), (year, scope)


def test_economic_lines_split_basic_spending(tables):
    budget = tables["budget"]
    economic = budget[budget["line_type"] == "经济分类"]
    assert set(economic["line"]) == {"人员经费", "公用经费"}
    basic = budget[budget["line"] == "基本支出"].set_index("year")[AMOUNTS]
    for year, g in economic.groupby("year"):
        assert g[AMOUNTS].sum().values == pytest.approx(basic.loc[year].values, abs=1e-6)
    public = economic[economic["line"] == "公用经费"].set_index("year")
    over = public[public["executed"] > public["budget"]]
    assert list(over.index) == [2024]


def test_memo_lines_for_the_management_ratios(tables):
    """三公经费 and 政府采购 are 统计项 lines of the whole department, every year, in both bands."""
    budget = tables["budget"]
    memo = budget[budget["line_type"] == "统计项"]
    assert set(memo["scope_id"]) == {"whole"}
    for line in ("三公经费", "政府采购"):
        rows = memo[memo["line"] == line].set_index("year")
        assert list(rows.index) == YEARS, line
        assert rows["assumption"].str.contains("统计项").all()
    total = budget[budget["line"] == "合计"].set_index(["year", "scope_id"])
    public = budget[budget["line"] == "公用经费"].set_index("year")
    three = memo[memo["line"] == "三公经费"].set_index("year")
    buy = memo[memo["line"] == "政府采购"].set_index("year")
    for year in YEARS:   # small memo amounts, well inside the department's spending
        assert three.loc[year, "budget"] < public.loc[year, "budget"]
        assert buy.loc[year, "budget"] < total.loc[(year, "whole"), "budget"]
    three_rate = three["executed"] / three["budget"]
    assert (three_rate <= 1).any() and (three_rate > 1).any()      # full points and none
    buy_rate = buy["executed"] / buy["budget"]
    assert (buy_rate == 1).any() and (buy_rate < 1).any()          # full points and partial


def test_every_management_ratio_is_scorable():
    dept = perfkit.load(SYNTHETIC)
    for year in dept.years:
        m = perfkit.analyze(dept, year).scored.management
        whole = m[m["scope_id"] == "whole"]
        assert len(whole) > 0
        assert not whole["score"].isna().any(), whole.loc[whole["score"].isna(), "reason"].tolist()


def test_whole_project_spending_is_the_sum_of_top_level_projects(tables):
    budget, scopes = tables["budget"], tables["scopes"]
    top = scopes[scopes["scope_type"].isin(["一级项目", "专项资金"])]
    totals = budget[budget["line"] == "合计"].merge(top[["year", "scope_id"]])
    by_year = totals.groupby("year")["executed"].sum()
    project_line = budget[(budget["scope_id"] == "whole") & (budget["line"] == "项目支出")].set_index("year")
    assert project_line["executed"].to_dict() == pytest.approx(by_year.to_dict())


def test_whole_execution_below_90_percent_in_exactly_one_year(tables):
    rates = _rates(tables["budget"])
    whole = rates[rates["scope_id"] == "whole"].set_index("year")["rate"]
    assert list(whole[whole < 0.9].index) == [2022]


def test_a_project_spent_far_less_than_budgeted(tables):
    rates = _rates(tables["budget"])
    low = rates[(rates["scope_id"] != "whole") & (rates["rate"] <= 0.40)]
    assert len(low) == 1 and low["rate"].iloc[0] == pytest.approx(0.35)


def test_a_budget_line_is_zero_one_year_and_not_the_next(tables):
    budget = tables["budget"]
    found = []
    for (scope, line), g in budget.groupby(["scope_id", "line"]):
        b = g.set_index("year")["budget"]
        found += [(scope, line, y) for y, nxt in zip(YEARS, YEARS[1:])
                  if y in b and nxt in b and b[y] == 0 and b[nxt] > 0]
    assert found == [("whole", "政府性基金预算拨款", 2022)]


def test_finance_identities(tables):
    fin = tables["finance"].pivot(index="year", columns="item", values="amount").astype(float)
    executed = _rates(tables["budget"]).query("scope_id == 'whole'").set_index("year")["executed"]
    assert (fin["总收入"] - fin["本年收入"] - fin["年初结转结余"]).abs().max() < 1e-6
    assert (fin["总支出"] - fin["本年支出"] - fin["年末结转结余"]).abs().max() < 1e-6
    assert fin["总收入"].to_dict() == pytest.approx(fin["总支出"].to_dict())
    assert fin["本年支出"].to_dict() == pytest.approx(executed.to_dict())
    for year in (2023, 2024):   # carried over where the previous year is in the data
        assert fin.loc[year, "年初结转结余"] == pytest.approx(fin.loc[year - 1, "年末结转结余"])


# --------------------------------------------------------------------------- indicators: spellings

TARGET_SPELLINGS = [
    ("ge_percent", r"≥\d+%", "≥95%"),
    ("bare_number", r"\d+", "263"),
    ("bare_percent", r"\d+%", "100%"),
    ("le_days", r"≤\d+天", "≤3天"),
    ("le_amount", r"≤\d+(\.\d+)?万元", "≤90万元"),
    ("eq_percent", r"=100%", "=100%"),
    ("eq_zero", r"=0起", "=0起"),
    ("variant_ge", r"≧.+", "≧90%"),
    ("fullwidth_gt", r"＞.+", "＞95%"),
    ("variant_eq", r"═.+", "═100%"),
    ("word_not_below", r"不低于.+", "不低于98%"),
    ("word_not_above", r"不超过.+", "不超过40万元"),
    ("word_above", r".+以上", "30个以上"),
    ("word_within", r".+以内", "5天以内"),
    ("misspelt_unit", r".+百分比", "≥100百分比"),
    ("qualitative_effective", r"有效", "有效"),
    ("qualitative_obvious", r"效果明显", "效果明显"),
    ("deadline", r"\d{4}年\d+月完成", "2023年12月完成"),
    ("direction_down", r"同比下降", "同比下降"),
    ("direction_up", r"提升", "提升"),
    ("direction_keep", r"保持", "保持"),
]


@pytest.mark.parametrize("pattern, example", [(p, e) for _, p, e in TARGET_SPELLINGS],
                         ids=[i for i, _, _ in TARGET_SPELLINGS])
def test_target_spelling_present(tables, pattern, example):
    targets = tables["indicators"]["target"]
    assert re.fullmatch(pattern, example)
    assert targets.str.fullmatch(pattern).any()


ACTUAL_SPELLINGS = [
    ("achieved", r"达成"),
    ("partly_achieved", r"部分达成"),
    ("copied_operator", r"≥\d+%"),
    ("with_unit", r"\d+(\.\d+)?人次"),
    ("bare_number", r"\d+"),
    ("two_decimals_percent", r"\d+\.\d\d%"),
]


@pytest.mark.parametrize("pattern", [p for _, p in ACTUAL_SPELLINGS], ids=[i for i, _ in ACTUAL_SPELLINGS])
def test_actual_spelling_present(tables, pattern):
    assert tables["indicators"]["actual"].str.fullmatch(pattern).any()


def test_target_hidden_in_the_name(tables):
    ind = tables["indicators"]
    hidden = ind[(ind["target"] == "") & ind["name"].str.fullmatch(r".+\d+%")]
    assert set(hidden["name"]) == {"年度资金支付完成率100%"}


# --------------------------------------------------------------------------- indicators: outcomes


# Every "higher is better" spelling the data uses (domain.md §7), so no over-completion hides.
HIGHER_IS_BETTER = r"(≥|≧|＞|不低于)\d.*|\d.*以上|\d+(\.\d+)?%?"


def _ge_ratios(ind: pd.DataFrame) -> pd.DataFrame:
    numeric_actual = ind["actual"].str.fullmatch(r"\d+(\.\d+)?\D*")
    ge = ind[ind["target"].str.fullmatch(HIGHER_IS_BETTER) & numeric_actual].copy()
    ge["ratio"] = ge["actual"].map(_number) / ge["target"].map(_number)
    return ge


def test_over_completion_at_least_130_percent(tables):
    ge = _ge_ratios(tables["indicators"])
    over = ge[(ge["ratio"] >= 1.3) & (ge["parent_id"] == "")]
    assert [(r.year, r.target, r.actual) for r in over.itertuples()] == [(2023, "≥2400人次", "3200人次")]


def test_missed_higher_is_better_targets(tables):
    ge = _ge_ratios(tables["indicators"])
    missed = ge[(ge["ratio"] < 1) & (ge["weight"] != "")]
    assert ((missed["target"] == "≥100次") & (missed["actual"] == "85次")).any()
    assert len(missed) >= 3


def test_missed_lower_is_better_target(tables):
    ind = tables["indicators"]
    le = ind[ind["target"].str.startswith("≤")]
    assert (le["actual"].map(_number) > le["target"].map(_number)).any()
    assert (le["actual"].map(_number) <= le["target"].map(_number)).any()


def test_equality_with_zero_target_met_and_missed(tables):
    ind = tables["indicators"]
    zero = ind[ind["target"] == "=0起"]
    assert set(zero["actual"].map(_number)) == {0.0, 1.0}


def test_prior_actual_is_last_years_actual(tables):
    ind = tables["indicators"]
    actual = ind.set_index(["year", "indicator_id"])["actual"]
    for row in ind.itertuples():
        key = (row.year - 1, row.indicator_id)
        expected = actual.get(key, "") if row.year - 1 in YEARS else ""
        assert row.prior_actual == expected, (row.year, row.indicator_id)
    assert (ind.loc[ind["year"].isin([2020, 2022]), "prior_actual"] == "").all()


def test_directional_targets_checkable_in_some_years_and_one_missed(tables):
    ind = tables["indicators"]
    directional = ind[ind["target"].isin(DIRECTIONS)].copy()
    measured = directional["actual"].str.fullmatch(r"\d+(\.\d+)?\D*")   # not 达成, not 同比下降5.2%
    directional["now"] = directional["actual"].map(_number).where(measured)
    directional["before"] = directional["prior_actual"].map(_number)
    checkable = directional.dropna(subset=["now", "before"])
    assert set(checkable["target"]) == set(DIRECTIONS)
    assert (directional["prior_actual"] == "").any()
    missed = checkable[((checkable["target"] == "同比下降") & (checkable["now"] >= checkable["before"]))
                       | ((checkable["target"] == "提升") & (checkable["now"] <= checkable["before"]))
                       | ((checkable["target"] == "保持") & (checkable["now"] < checkable["before"]))]
    assert sorted(zip(missed["year"], missed["indicator_id"])) == [(2023, "f12"), (2024, "w04")]
    kept = checkable[(checkable["target"] == "保持") & (checkable["now"] == checkable["before"])]
    assert len(kept) >= 1
    unjudgeable = directional[directional["now"].notna() & directional["before"].isna()]
    assert set(unjudgeable["year"]) == {2022, 2023}   # 2021 is missing; p_digital starts in 2023


def test_actual_states_a_direction(tables):
    ind = tables["indicators"]
    stated = ind[ind["target"].isin(DIRECTIONS) & ind["actual"].str.fullmatch(r"(同比下降|提升|保持)(\d.*)?")]
    assert (stated["actual"] == "同比下降5.2%").any()
    assert (stated["prior_actual"] == "").all()


def test_new_project_has_no_prior_in_its_first_year(tables):
    ind = tables["indicators"]
    first = ind[(ind["scope_id"] == "p_digital") & (ind["year"] == 2023)]
    assert len(first) > 0 and (first["prior_actual"] == "").all()


def test_sub_rows_sum_to_parent_except_once(tables):
    ind = tables["indicators"]
    subs = ind[ind["parent_id"] != ""]
    assert len(subs) > 0 and subs["name"].str.startswith("其中").all()
    assert subs["weight"].eq("").all()
    sums = subs.assign(v=subs["actual"].map(_number)).groupby(["year", "parent_id"])["v"].sum()
    parents = ind.set_index(["year", "indicator_id"])["actual"].map(_number)
    mismatched = [key for key, total in sums.items() if parents[key] != total]
    assert mismatched == [(2022, "w02")]
    assert len(sums) - len(mismatched) >= 6


def test_indicator_keys_unique(tables):
    ind = tables["indicators"]
    assert not ind.duplicated(["year", "indicator_id"]).any()
    assert not ind.duplicated(["year", "scope_id", "level1", "level2", "name"]).any()


def test_indicator_count_per_scope_and_year(tables):
    counts = tables["indicators"].groupby(["year", "scope_id"]).size()
    assert counts.between(15, 25).all(), counts[~counts.between(15, 25)]


# 产出/效益/满意度 points: cz2020 for projects (plus 10 for execution), the illustrative
# whole-department sheet for the department (plus 20 of management ratios).
SPLITS = {"project": (50, 30, 10), "whole": (40, 30, 10)}


def test_weights_follow_the_default_split_except_one_scope(tables):
    weights = tables["indicators"].groupby(["year", "scope_id", "level1"])["weight_num"].sum().unstack()
    split = weights[["产出指标", "效益指标", "满意度指标"]]
    expected = [SPLITS["whole" if scope == "whole" else "project"] for _, scope in split.index]
    off = [key for key, got, want in zip(split.index, split.itertuples(index=False), expected)
           if tuple(got) != want]
    assert off == [(2022, "p_ops_patrol")]
    assert split.loc[(2022, "p_ops_patrol")].sum() + 10 == 110


# --------------------------------------------------------------------------- stated figures


def test_stated_exprs_parse_and_kinds_present(tables):
    stated = tables["stated"]
    for expr in stated.loc[stated["expr"] != "", "expr"]:
        ast.parse(expr, mode="eval")
    assert {"百分比", "合计", "同比", "得分", "等级", "计数", "金额"} <= set(stated["kind"])
    assert (stated["expr"] == "").sum() >= 1
    assert not stated.duplicated(["year", "figure_id"]).any()


def test_one_stated_execution_rate_is_wrong(tables):
    stated = tables["stated"]
    rates = stated[stated["figure_id"] == "execution_rate"].set_index("year")
    assert rates["stated_text"].str.fullmatch(r"\d+\.\d%").all()
    whole = _rates(tables["budget"]).query("scope_id == 'whole'").set_index("year")["rate"] * 100
    off = [y for y in YEARS if abs(float(rates.loc[y, "value"]) - whole[y]) > 0.05]
    assert off == [2023]


def test_scores_and_grades_stated_per_scope_and_year_one_grade_inconsistent(tables):
    stated, scopes = tables["stated"], tables["scopes"]
    fig = stated.set_index(["year", "figure_id"])
    bad = []
    for row in scopes.itertuples():
        score = fig.loc[(row.year, f"score_{row.scope_id}")]
        grade = fig.loc[(row.year, f"grade_{row.scope_id}")]
        assert (score["kind"], grade["kind"]) == ("得分", "等级")
        assert float(score["value"]) == pytest.approx(float(row.stated_score))
        assert grade["stated_text"] == row.stated_grade
        if _grade(float(row.stated_score)) != row.stated_grade:
            bad.append((row.year, row.scope_id))
    assert bad == [(2022, "p_ops")]


def test_year_over_year_only_where_the_prior_year_exists(tables):
    stated = tables["stated"]
    yoy = stated[stated["kind"] == "同比"]
    assert set(yoy["year"]) == {2023, 2024}
    assert yoy["expr"].str.contains("prior").all()


# --------------------------------------------------------------------------- progress

MILESTONES = {4: 0.25, 6: 0.40, 8: 0.60, 10: 0.80}


def test_progress_is_cumulative_and_ends_at_executed(tables):
    progress = tables["progress"].astype({"month": int})
    progress["amount"] = progress["executed_cumulative"].astype(float)
    whole = _rates(tables["budget"]).query("scope_id == 'whole'").set_index("year")
    for year, g in progress.groupby("year"):
        assert list(g["month"]) == list(range(1, 13))
        assert g["amount"].is_monotonic_increasing
        assert g["amount"].iloc[-1] == pytest.approx(whole.loc[year, "executed"])


def test_exactly_one_slow_year(tables):
    progress = tables["progress"].astype({"month": int})
    budget = _rates(tables["budget"]).query("scope_id == 'whole'").set_index("year")["budget"]
    share = progress.set_index(["year", "month"])["executed_cumulative"].astype(float)
    slow = [y for y in YEARS if all(share[(y, m)] / budget[y] < t for m, t in MILESTONES.items())]
    fine = [y for y in YEARS if all(share[(y, m)] / budget[y] >= t for m, t in MILESTONES.items())]
    assert slow == [2022]
    assert fine == [2020, 2023, 2024]


# --------------------------------------------------------------------------- the loader


def test_loads_without_problems():
    # the rule sets the synthetic department uses ship with perfkit
    assert {"cz2020", "dept_sheet_example"} <= set(builtin_rule_sets())
    dept = perfkit.load(SYNTHETIC)
    assert dept.years == YEARS
    assert dept.synthetic
    assert len(dept.indicators) == len(pd.read_csv(SYNTHETIC / "indicators.csv"))
    assert dept.budget["unit"].eq("万元").all()


# The deliberate errors ASSUMPTIONS.md lists, as (year, scope_id, check code of perfkit.score.checks).
DELIBERATE_FINDINGS = [
    (2022, "p_ops", "grade_vs_score"),        # 86.40 stated as 优 (scopes.csv)
    (2022, "p_ops", "stated_figure"),         # the same grade in stated.csv
    (2022, "p_ops_patrol", "weight_total"),   # weights 110 under a 100 total
    (2022, "whole", "parent_sum"),            # 2630 ≠ 1450 + 1080
    (2023, "whole", "stated_figure"),         # 98.8% stated, 98.2% from the amounts
]


def test_perfkit_finds_exactly_the_deliberate_errors():
    """Every other stated score agrees with perfkit's recomputation: a change on either side shows here."""
    dept = perfkit.load(SYNTHETIC)
    found = []
    for year in dept.years:
        findings = perfkit.analyze(dept, year).checks
        failed = findings[findings["ok"].eq(False).fillna(False)]
        found += [(year, r.scope_id, r.check) for r in failed.itertuples()]
    assert sorted(found) == DELIBERATE_FINDINGS
