"""Reading targets and actuals as published tables write them (domain.md §7, the reference report)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkit.score.targets import (
    Target,
    clear_cache,
    fmt_number,
    parse_printed_target,
    parse_target,
    parse_uncached,
    polarity,
    read_lower,
    read_nature,
    target_from_name,
)

# (spelling, kind, op, value, unit, implicit_op)
QUANTITATIVE = [
    ("ge_symbol_percent", "≥95%", ">=", 95.0, "%", False),
    ("ge_variant_symbol", "≧95%", ">=", 95.0, "%", False),
    ("ge_ascii", ">=95%", ">=", 95.0, "%", False),
    ("ge_spaced", "≥ 95 %", ">=", 95.0, "%", False),
    ("ge_fullwidth_percent", "≥95％", ">=", 95.0, "%", False),
    ("ge_word_bu_di_yu", "不低于95%", ">=", 95.0, "%", False),
    ("ge_word_bu_shao_yu", "不少于50个", ">=", 50.0, "个", False),
    ("ge_suffix_yi_shang", "95%以上", ">=", 95.0, "%", False),
    ("ge_glued_count", "≥50个", ">=", 50.0, "个", False),
    ("ge_person_times", "≥2400人次", ">=", 2400.0, "人次", False),
    ("ge_misspelt_percent_unit", "≥100百分比", ">=", 100.0, "%", False),
    ("ge_remark_in_brackets", "≥95%（含）", ">=", 95.0, "%", False),
    ("gt_fullwidth", "＞0", ">", 0.0, None, False),
    ("gt_word_gao_yu", "高于80%", ">", 80.0, "%", False),
    ("gt_word_da_yu", "大于10家", ">", 10.0, "家", False),
    ("eq_symbol", "=100%", "=", 100.0, "%", False),
    ("eq_box_drawing_variant", "═100%", "=", 100.0, "%", False),
    ("eq_fullwidth", "＝8个", "=", 8.0, "个", False),
    ("eq_zero", "=0", "=", 0.0, None, False),
    ("le_symbol_days", "≤3天", "<=", 3.0, "天", False),
    ("le_variant_symbol", "≦5天", "<=", 5.0, "天", False),
    ("le_amount", "≤90万元", "<=", 90.0, "万元", False),
    ("le_word_bu_chao_guo", "不超过10天", "<=", 10.0, "天", False),
    ("le_word_bu_gao_yu", "不高于5%", "<=", 5.0, "%", False),
    ("le_suffix_yi_nei", "3个工作日以内", "<=", 3.0, "个工作日", False),
    ("le_control_within", "控制在5%以内", "<=", 5.0, "%", False),
    ("lt_word_di_yu", "低于5%", "<", 5.0, "%", False),
    ("lt_word_xiao_yu", "小于2次", "<", 2.0, "次", False),
    ("reach_da_dao", "达到95%", ">=", 95.0, "%", False),
    ("keep_a_level", "保持95%", ">=", 95.0, "%", False),
    ("bare_count_seed", "263", ">=", 263.0, None, True),
    ("bare_percent_seed", "100%", ">=", 100.0, "%", True),
    ("bare_two_decimals", "100.00%", ">=", 100.0, "%", True),
    ("bare_fraction_rate", "0.1", ">=", 0.1, None, True),
    ("bare_area", "29.5亩", ">=", 29.5, "亩", True),
    ("bare_thousands_separator", "1,200万元", ">=", 1200.0, "万元", True),
    ("bare_households", "120户", ">=", 120.0, "户", True),
    ("bare_negative_unicode_minus", "−13.8%", ">=", -13.8, "%", True),
]


@pytest.mark.parametrize("text,op,value,unit,implicit", [c[1:] for c in QUANTITATIVE],
                         ids=[c[0] for c in QUANTITATIVE])
def test_quantitative_spellings(text, op, value, unit, implicit):
    t = parse_target(text)
    assert (t.kind, t.op, t.value, t.unit, t.implicit_op) == ("quantitative", op, value, unit, implicit)


# (spelling, direction, amount, unit)
DIRECTIONAL = [
    ("seed_down", "同比下降", "down", None, None),
    ("seed_up", "同比上升", "up", None, None),
    ("seed_raise", "提升", "up", None, None),
    ("seed_keep", "保持", "keep", None, None),
    ("down_with_amount_seed", "同比下降13.8%", "down", 13.8, "%"),
    ("up_with_amount_seed", "同比上升66.2%", "up", 66.2, "%"),
    ("reduce", "减少", "down", None, None),
    ("lower", "降低", "down", None, None),
    ("grow_vs_last_year", "较上年增长5%", "up", 5.0, "%"),
    ("steady_rise", "稳步提升", "up", None, None),
    ("stable", "稳定", "keep", None, None),
    ("keep_stable", "保持稳定", "keep", None, None),
    ("percentage_points", "提高2个百分点", "up", 2.0, "百分点"),
]


@pytest.mark.parametrize("text,direction,value,unit", [c[1:] for c in DIRECTIONAL], ids=[c[0] for c in DIRECTIONAL])
def test_directional_spellings(text, direction, value, unit):
    t = parse_target(text)
    assert (t.kind, t.direction, t.value, t.unit, t.op) == ("directional", direction, value, unit, None)


# (spelling, level) — stock phrases of 实际完成值, and qualitative targets (level None)
QUALITATIVE = [
    ("achieved", "达成", "达成"),
    ("achieved_expected", "达成预期指标", "达成"),
    ("done", "完成", "达成"),
    ("already_done", "已完成", "达成"),
    ("on_time", "按时完成", "达成"),
    ("timely", "及时", "达成"),
    ("yes", "是", "达成"),
    ("basically", "基本达成", "基本达成"),
    ("basically_kept_seed", "基本保持", "基本达成"),
    ("partly", "部分达成", "部分达成"),
    ("partly_form_wording", "部分达成年度指标并具有一定效果", "部分达成"),
    ("missed", "未达成", "未达成"),
    ("not_done", "未完成", "未达成"),
    ("no", "否", "未达成"),
    ("effective", "有效", None),
    ("clear_effect", "效果明显", None),
    ("significant_rise_is_qualitative", "显著提升", None),
    ("compliant", "合规", None),
]


@pytest.mark.parametrize("text,level", [c[1:] for c in QUALITATIVE], ids=[c[0] for c in QUALITATIVE])
def test_qualitative_spellings(text, level):
    t = parse_target(text)
    assert (t.kind, t.level, t.op, t.value) == ("qualitative", level, None, None)


DEADLINES = [
    ("year_month_done", "2021年12月完成", "2021-12"),
    ("year_month_day_before", "2021年12月31日前完成", "2021-12-31"),
    ("year_end", "2023年底前完成", "2023-12"),
    ("month_only", "12月底前完成", "--12"),
    ("iso_like", "2022-06", "2022-06"),
]


@pytest.mark.parametrize("text,deadline", [c[1:] for c in DEADLINES], ids=[c[0] for c in DEADLINES])
def test_deadlines(text, deadline):
    t = parse_target(text)
    assert (t.kind, t.deadline) == ("qualitative", deadline)


@pytest.mark.parametrize("text", [None, math.nan, "", "  ", "-", "—", "——", "/", "无", "不适用"],
                         ids=["none", "nan", "empty", "spaces", "dash", "em_dash", "double_em_dash", "slash", "wu",
                              "not_applicable"])
def test_blanks(text):
    assert parse_target(text).kind == "blank"


@pytest.mark.parametrize("text", ["1-2个", "2宗2人", "≥", "abc#", "95%-100%", "不低于95%以内"],
                         ids=["range", "two_counts", "operator_alone", "junk", "percent_range", "contradictory_bounds"])
def test_unreadable(text):
    assert parse_target(text).kind == "unreadable"


def test_table_has_at_least_forty_spellings():
    assert len(QUANTITATIVE) + len(DIRECTIONAL) + len(QUALITATIVE) + len(DEADLINES) >= 40


READINGS = [
    ("bare_value_says_ge", "263", "未写运算符，按「≥263」理解"),
    ("word_says_symbol", "不低于95%", "按「≥95%」理解"),
    ("reach_word", "达到95%", "「达到」按「≥95%」理解"),
    ("direction", "同比下降", "方向性指标（下降）"),
]


@pytest.mark.parametrize("text,fragment", [c[1:] for c in READINGS], ids=[c[0] for c in READINGS])
def test_reading_says_how_it_was_read(text, fragment):
    assert fragment in parse_target(text).reading


OPERATOR_WRITTEN = [
    ("copied_symbol", "≥90%", True),
    ("copied_word", "不低于90%", True),
    ("measured", "92%", False),
    ("reached_is_a_measurement", "达到95%", False),
]


@pytest.mark.parametrize("text,written", [c[1:] for c in OPERATOR_WRITTEN], ids=[c[0] for c in OPERATOR_WRITTEN])
def test_op_written_marks_actuals_that_copy_the_target(text, written):
    assert parse_target(text).op_written is written


NAMES = [
    ("rate_in_name", "年度资金支付完成率100%", ">=", 100.0, "%"),
    ("bound_in_name", "培训人数≥50人", ">=", 50.0, "人"),
    ("word_in_name", "投诉率低于5%", "<", 5.0, "%"),
]


@pytest.mark.parametrize("name,op,value,unit", [c[1:] for c in NAMES], ids=[c[0] for c in NAMES])
def test_target_from_name(name, op, value, unit):
    t = target_from_name(name)
    assert (t.kind, t.op, t.value, t.unit, t.from_name) == ("quantitative", op, value, unit, True)
    assert "取自指标名称" in t.reading


@pytest.mark.parametrize("name", ["共护校园数", "2023年度绩效", "5G基站覆盖", "重点项目3", None],
                         ids=["no_number", "year_is_not_a_target", "number_inside_name", "bare_number_is_a_label",
                              "none"])
def test_target_from_name_none(name):
    assert target_from_name(name) is None


def test_parse_is_cached_per_spelling():
    clear_cache()
    first = parse_target("≥95%")
    assert parse_target("≥95%") is first
    assert parse_uncached("≥95%") == first and parse_uncached("≥95%") is not first


def test_target_is_frozen():
    with pytest.raises(AttributeError):
        parse_target("≥95%").value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("x,text", [(100.0, "100"), (99.255, "99.255"), (0.1, "0.1"), (-0.0, "0"), (None, "")],
                         ids=["integer", "decimals", "fraction", "negative_zero", "none"])
def test_fmt_number(x, text):
    assert fmt_number(x) == text


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2)),
       st.sampled_from(["≥", "≤", "=", "不低于", "不超过", ""]), st.sampled_from(["%", "个", "天", "万元", ""]))
def test_numbers_round_trip(value, op, unit):
    t = parse_target(f"{op}{fmt_number(value)}{unit}")
    assert t.kind == "quantitative"
    assert t.value == pytest.approx(value)
    assert t.unit == (unit or None)
    assert isinstance(t, Target)


# --------------------------------------------------------------------------- not applicable, printed cells, meaning (issue 11)


@pytest.mark.parametrize("text,marked", [("—", True), ("-", True), ("/", True), ("无", True), ("不适用", True),
                                         ("- -", True), ("", False), (None, False), ("暂无", False), ("…", False)],
                         ids=["em_dash", "dash", "slash", "wu", "not_applicable", "two_dashes", "empty", "none",
                              "not_yet", "ellipsis"])
def test_not_applicable_is_kept_apart_from_empty(text, marked):
    t = parse_target(text)
    assert t.kind == "blank" and t.not_applicable is marked


PRINTED_CELLS = [
    ("sichuan_eq_100_percent", "=", "100", "%", "=100%", "=", 100.0, "%"),
    ("ceiling_in_wan_yuan", "≤", "30", "万元", "≤30万元", "<=", 30.0, "万元"),
    ("unit_only", None, "263", "个", "263个", ">=", 263.0, "个"),
    ("quantitative_nature_says_no_operator", "定量指标", "100%", "%", "100%", ">=", 100.0, "%"),
    ("unit_already_written", None, "2200篇", "tot扁", "2200篇", ">=", 2200.0, "篇"),
    ("reverse_indicator", "反向指标", "5", "%", "≤5%", "<=", 5.0, "%"),
]


@pytest.mark.parametrize("nature,target,unit,text,op,value,t_unit", [c[1:] for c in PRINTED_CELLS],
                         ids=[c[0] for c in PRINTED_CELLS])
def test_nature_and_unit_printed_in_their_own_cells_are_joined(nature, target, unit, text, op, value, t_unit):
    t = parse_printed_target(nature, target, unit)
    assert (t.kind, t.op, t.value, t.unit) == ("quantitative", op, value, t_unit)
    if nature in ("=", "≤"):
        assert t.text == text and not t.implicit_op and f"合为「{text}」" in t.reading


def test_qualitative_nature_and_unreadable_nature():
    assert parse_printed_target("定性指标", "高", None).kind == "qualitative"
    garbled = parse_printed_target("性标定指", "高", None)
    assert garbled.kind == "qualitative" and "无法识别指标性质「性标定指」" in garbled.reading
    assert read_nature("性标定指") == (None, "unreadable") and read_nature("≤") == ("<=", None)


def test_a_nature_contradicting_the_target_is_unreadable():
    assert parse_printed_target("≤", "≥95%", None).kind == "unreadable"


def test_without_nature_or_unit_it_is_parse_target():
    assert parse_printed_target(None, "≥95%", None) is parse_target("≥95%")


WORDS = ("控制率", "调整率", "结转结余率", "投诉率", "成本")


@pytest.mark.parametrize("target,name,expected", [
    ("100%", "在职人员控制率", "lower"), ("5%", "预算调整率", "lower"), ("15万元", "办公所需成本", "lower"),
    ("≥95%", "人员控制率", "higher"), ("100%", "验收合格率", "higher"), ("95%", "投诉率", "lower")],
    ids=["ceiling_ratio", "adjustment_rate", "cost", "written_operator_wins", "no_word", "complaints"])
def test_polarity_reads_lower_is_better_from_the_name(target, name, expected):
    assert polarity(target, name, WORDS) == expected
    assert polarity(target, name) == ("lower" if target.startswith("≤") else "higher")  # no words: as before


def test_read_lower_says_why():
    t = read_lower(parse_target("100%"), "控制率")
    assert (t.op, t.implicit_op) == ("<=", False)
    assert t.reading == "未写运算符；指标名称含「控制率」（越小越好），按「≤100%」理解"
