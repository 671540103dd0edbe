"""Rule sets: the shipped YAML files load, validate, and fail with clear Chinese messages."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from perfkit.errors import RuleSetError
from perfkit.rules.loading import builtin_names, load_rules, RULES_DIR

SHIPPED = ["cz2020", "cz2020_band8050", "cz2020_linear", "cz2020_overdeduct", "legacy_exec20", "dept_sheet_example"]


def test_every_shipped_rule_set_is_listed():
    assert set(SHIPPED) <= set(builtin_names())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_rule_sets_load_and_add_up(name):
    rules = load_rules(name)
    parts = rules.execution_weight + sum(g.weight for g in rules.groups) + sum(i.points for i in rules.management)
    assert parts == pytest.approx(rules.total)
    assert rules.name == name


@pytest.mark.parametrize("name", SHIPPED)
def test_every_rule_carries_source_and_confidence(name):
    rules = load_rules(name)
    for section, (source, confidence) in rules.provenance.items():
        assert source.strip(), section
        assert confidence in ("V", "C", "?"), section
    for item in rules.management:
        assert item.source and item.confidence in ("V", "C", "?")


# (rule set, attribute, expected) — what each variant changes
VARIANTS = [
    ("cz2020_weights", "cz2020", lambda r: [(g.name, g.weight) for g in r.groups],
     [("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)]),
    ("cz2020_execution", "cz2020", lambda r: r.execution_weight, 10),
    ("cz2020_over_threshold", "cz2020", lambda r: (r.over_threshold, r.over_deduction), (1.3, 0.0)),
    ("cz2020_reverse_ratio", "cz2020", lambda r: r.reverse_method, "ratio"),
    ("cz2020_bands_80_60", "cz2020", lambda r: [(b.low, b.high) for b in r.bands],
     [(0.8, 1.0), (0.6, 0.8), (0.0, 0.6)]),
    ("cz2020_grades", "cz2020", lambda r: list(r.grades), [("优", 90), ("良", 80), ("中", 60), ("差", 0)]),
    ("band8050", "cz2020_band8050", lambda r: [(b.low, b.high) for b in r.bands],
     [(0.8, 1.0), (0.5, 0.8), (0.0, 0.5)]),
    ("linear", "cz2020_linear", lambda r: r.reverse_method, "linear"),
    ("overdeduct", "cz2020_overdeduct", lambda r: r.over_deduction, 0.1),
    ("legacy_execution_20", "legacy_exec20", lambda r: r.execution_weight, 20),
    ("legacy_targets_80", "legacy_exec20", lambda r: round(sum(g.weight for g in r.groups), 6), 80),
    ("dept_sheet_is_illustrative", "dept_sheet_example", lambda r: (r.kind, r.illustrative), ("dept_sheet", True)),
    ("dept_sheet_items", "dept_sheet_example", lambda r: [i.label for i in r.management],
     ["预算完成率", "预算调整率", "结转结余率", "公用经费控制率", "“三公经费”控制率", "政府采购执行率"]),
]


@pytest.mark.parametrize("name,get,expected", [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS])
def test_variants(name, get, expected):
    assert get(load_rules(name)) == expected


def test_dept_sheet_says_its_weights_are_illustrative_in_the_file():
    text = (RULES_DIR / "dept_sheet_example.yaml").read_text(encoding="utf-8")
    assert "示例" in text.splitlines()[1] and "ILLUSTRATIVE" in text
    assert "示例权重" in load_rules("dept_sheet_example").describe()


# 岳阳 score sheet: 预算调整率 = 0 → 3, ≤10% → 2, ≤20% → 1, ≤30% → 0.5, else 0
ADJUSTMENT = [("zero", 0.0, 3), ("ten", 10.0, 2), ("eleven", 11.0, 1), ("twenty", 20.0, 1), ("thirty", 30.0, 0.5),
              ("over", 30.5, 0), ("negative_counts_as_adjustment", -15.0, 1)]


@pytest.mark.parametrize("rate,points", [a[1:] for a in ADJUSTMENT], ids=[a[0] for a in ADJUSTMENT])
def test_budget_adjustment_bands(rate, points):
    item = next(i for i in load_rules("dept_sheet_example").management if i.id == "budget_adjustment")
    assert item.score(rate) == points


REDISTRIBUTION = [
    ("all_present", {"产出指标", "效益指标", "满意度指标"}, {"产出指标": 50, "效益指标": 30, "满意度指标": 10}),
    ("no_satisfaction", {"产出指标", "效益指标"}, {"产出指标": 56.25, "效益指标": 33.75, "满意度指标": 0}),
    ("only_output", {"产出指标"}, {"产出指标": 60, "效益指标": 30, "满意度指标": 0}),
]


@pytest.mark.parametrize("present,expected", [r[1:] for r in REDISTRIBUTION], ids=[r[0] for r in REDISTRIBUTION])
def test_satisfaction_weight_moves_to_output_and_outcome(present, expected):
    assert load_rules("cz2020").group_weights(present) == pytest.approx(expected)


GROUPS = [("output", "产出指标", "数量指标", "产出指标"), ("cost_as_output", "成本指标", "经济成本指标", "产出指标"),
          ("outcome", "效益指标", "社会效益指标", "效益指标"), ("short_name", "效益", None, "效益指标"),
          ("satisfaction", "满意度指标", "服务对象满意度指标", "满意度指标"),
          ("satisfaction_under_outcome_seed", "效益指标", "服务对象满意度指标", "效益指标"),
          ("unknown", "决策指标", "项目立项", None)]


@pytest.mark.parametrize("level1,level2,group", [g[1:] for g in GROUPS], ids=[g[0] for g in GROUPS])
def test_group_of(level1, level2, group):
    assert load_rules("cz2020").group_of(level1, level2) == group


GRADES = [("top", 100, "优"), ("boundary_90", 90, "优"), ("seed_whole_96_67", 96.67, "优"), ("just_below_90", 89.99, "良"),
          ("seed_fund_88", 88, "良"), ("boundary_80", 80, "良"), ("boundary_60", 60, "中"), ("below_60", 59.99, "差"),
          ("zero", 0, "差")]


@pytest.mark.parametrize("score,label", [g[1:] for g in GRADES], ids=[g[0] for g in GRADES])
def test_grades(score, label):
    assert load_rules("cz2020").grade(score) == label


# --------------------------------------------------------------------------- user copies and errors


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _cz2020() -> dict:
    return yaml.safe_load((RULES_DIR / "cz2020.yaml").read_text(encoding="utf-8"))


def test_relative_path_resolves_against_the_department_directory(tmp_path):
    raw = _cz2020()
    raw["name"] = "mine"
    raw["quantitative"]["over_completion"]["threshold"] = 1.5
    _write(tmp_path / "rules.yaml", raw)
    rules = load_rules("rules.yaml", base_dir=tmp_path)
    assert (rules.name, rules.over_threshold) == ("mine", 1.5)


def test_extends_overrides_only_what_it_names(tmp_path):
    _write(tmp_path / "local.yaml", {"extends": "cz2020", "name": "local",
                                     "execution": {"weight": 20, "source": "本地表格", "confidence": "C"},
                                     "weights": {"groups": [{"name": "产出指标", "weight": 40},
                                                            {"name": "效益指标", "weight": 30},
                                                            {"name": "满意度指标", "weight": 10}]}})
    rules = load_rules(tmp_path / "local.yaml")
    assert rules.execution_weight == 20
    assert rules.reverse_method == "ratio"  # inherited
    assert rules.provenance["execution"] == ("本地表格", "C")


def test_extends_loop_is_refused(tmp_path):
    _write(tmp_path / "a.yaml", {"extends": "b.yaml"})
    _write(tmp_path / "b.yaml", {"extends": "a.yaml"})
    with pytest.raises(RuleSetError, match="循环"):
        load_rules("a.yaml", base_dir=tmp_path)


def _broken(**changes):
    def apply(raw):
        for dotted, value in changes.items():
            *path, last = dotted.split(".")
            node = raw
            for key in path:
                node = node[int(key)] if isinstance(node, list) else node[key]
            if value is _DELETE:
                del node[last]
            elif isinstance(node, list):
                node[int(last)] = value
            else:
                node[last] = value
        return raw
    return apply


_DELETE = object()

BROKEN = [
    ("weights_do_not_add_up", _broken(**{"execution.weight": 20}), "total.points"),
    ("threshold_not_above_one", _broken(**{"quantitative.over_completion.threshold": 0.9}), "threshold"),
    ("unknown_reverse_method", _broken(**{"quantitative.lower_is_better.method": "log"}), "ratio、linear"),
    ("missing_source", _broken(**{"execution.source": _DELETE}), "execution.source"),
    ("bad_confidence", _broken(**{"grades.confidence": "maybe"}), "grades.confidence"),
    ("bands_leave_a_gap", _broken(**{"qualitative.bands.1.low": 0.65}), "首尾相接"),
    ("level_outside_its_band", _broken(**{"qualitative.levels.部分达成.fraction": 0.9}), "不在区间"),
    ("grades_not_descending", _broken(**{"grades.bands.1.min": 95}), "自高到低"),
    ("typo_in_key", _broken(**{"execution.wieght": 10}), "execution.wieght"),
    ("unknown_group_in_redistribute", _broken(**{"weights.redistribute.0.from": "满意"}), "满意"),
]


@pytest.mark.parametrize("change,fragment", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_invalid_rule_sets_are_refused_with_the_key(tmp_path, change, fragment):
    path = _write(tmp_path / "bad.yaml", change(_cz2020()))
    with pytest.raises(RuleSetError) as err:
        load_rules(path)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_all_errors_of_a_file_are_listed_at_once(tmp_path):
    raw = _broken(**{"execution.source": _DELETE, "grades.confidence": "maybe"})(_cz2020())
    with pytest.raises(RuleSetError, match="2 处错误"):
        load_rules(_write(tmp_path / "bad.yaml", raw))


@pytest.mark.parametrize("ref,fragment", [("nope", "内置规则集有"), ("missing.yaml", "找不到规则集文件"),
                                          ("pefa2016", "不是评分规则集")],
                         ids=["unknown_builtin", "missing_file", "not_a_scoring_rule_set"])
def test_unknown_references(tmp_path, ref, fragment):
    if ref == "pefa2016" and not (RULES_DIR / "pefa2016.yaml").is_file():
        pytest.skip("no pefa2016.yaml in this checkout")
    with pytest.raises(RuleSetError, match=fragment):
        load_rules(ref, base_dir=tmp_path)


def test_not_yaml(tmp_path):
    (tmp_path / "bad.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="不是有效的 YAML"):
        load_rules(tmp_path / "bad.yaml")
