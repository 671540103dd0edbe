"""The vectorized reading and judging of plain numbers gives exactly what the scalar parse_target and judge() give.

Checked on every row of a generated realistic sample (the scoring benchmark's
generator: measured actuals such as 96.37%, 1287人, 2.6天) and of the real
tables in tests/real_tables, under every built-in scoring rule set.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perfkit.ingest.loading import validate
from perfkit.rules.loading import builtin_names, load_rules
from perfkit.score.codes import column, combine, factorize_text
from perfkit.score.judge import FLAG_CODES, judge
from perfkit.score.numeric import PLAIN_UNITS, judge_plain, plain_numbers, plain_reading, read_actuals, to_judgement
from perfkit.score.scoring import _row_targets, judge_rows, score_indicators
from perfkit.score.targets import fmt_number, parse_target, parse_uncached

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "real_tables"
# Flags set by the row's target reading or its place in the table, never by judge().
ROW_FLAGS = {"printed_cells", "execution_item", "lower_by_name", "default_weight", "sub_row", "unknown_level1",
             "no_weight", "stated_outside_band"}
# What may follow the judgement's part of a reason: texts about the row, not the judgement.
ROW_SUFFIXES = ("；分值为空", "；一级指标不在规则集中", "；缺少分值", "；其中项", "；报告得分")


def _generator():
    spec = importlib.util.spec_from_file_location("bench_scoring", ROOT / "benchmarks" / "bench_scoring.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return _generator().build_rows(50_000)


@pytest.fixture(scope="module")
def real_tables() -> list[pd.DataFrame]:
    tables = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "indicators.csv").exists()):
        dept, _, _ = validate(folder)
        if dept is not None and dept.indicators is not None and len(dept.indicators):
            tables.append(dept.indicators)
    return tables


RULE_SETS = [name for name in builtin_names() if name not in ("pefa2016",)]


@pytest.mark.parametrize("number", ["0", "5", "07", "12", "12.5", "96.37", "100.00", "0.5", "1287", "123456789.123456"])
@pytest.mark.parametrize("unit", [None, *PLAIN_UNITS])
def test_a_plain_number_is_read_as_parse_target_reads_it(number, unit):
    text = number + (unit or "")
    found = read_actuals([text])
    assert found.plain[0]
    assert found.reading(0) == parse_uncached(text)
    assert plain_reading(text, number, unit) == parse_uncached(text)


def test_plain_numbers_print_as_fmt_number_prints_them():
    numbers = ["0", "00", "0.0", "0.00", "007", "00.50", "5", "10", "100", "100.00", "12.50", "1.000001", "0.000001",
               "96.37", "1287", "999999999.999999", "123456789.123456", "2.6", "30.10", "0.5"]
    shown = {"0": "0", "00": "0", "0.0": "0", "0.00": "0", "007": "7", "00.50": "0.5", "100.00": "100", "12.50": "12.5",
             "1.000001": "1.000001", "0.000001": "0.000001", "999999999.999999": "999999999.999999", "30.10": "30.1"}
    got = plain_numbers(numbers).tolist()
    assert got == [fmt_number(float(x)) for x in numbers]
    assert [g for x, g in zip(numbers, got) if x in shown] == [shown[x] for x in numbers if x in shown]


@pytest.mark.parametrize("text", ["12月", "2023年", "≥95%", "95%以上", "3天内", "1,287人", "９５%", "-5", "1.2.3",
                                  "1234567890", "0.1234567", " 95%", "95 %", "达成", "百分之95", "12个月"])
def test_other_spellings_go_to_parse_target(text):
    found = read_actuals([text])
    assert not found.plain[0]
    assert found.reading(0) == parse_target(text)


def _combinations(indicators: pd.DataFrame, rules):
    t_codes, targets, _ = _row_targets(indicators, rules)
    a_codes, a_texts = factorize_text(column(indicators, "actual"))
    p_codes, p_texts = factorize_text(column(indicators, "prior_actual"))
    _, first = combine(t_codes, a_codes, p_codes)
    actuals = read_actuals(a_texts)
    priors = [parse_target(x) for x in p_texts]
    return targets, actuals, priors, t_codes[first], a_codes[first], p_codes[first], a_texts


def _check_combinations(indicators: pd.DataFrame, rules) -> int:
    targets, actuals, priors, t_of, a_of, p_of, a_texts = _combinations(indicators, rules)
    plain = judge_plain(targets, actuals, t_of, a_of, rules)
    for k, i in enumerate(plain.taken.tolist()):
        expected = judge(targets[t_of[i]], parse_target(a_texts[a_of[i]]), priors[p_of[i]], rules)
        assert to_judgement(plain, k) == expected
    return len(plain.taken)


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_vectorized_judgements_equal_judge_on_a_generated_sample(sample, rule_set):
    taken = _check_combinations(sample, load_rules(rule_set))
    assert taken > 10_000  # the sample's measured actuals are the common case


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_vectorized_judgements_equal_judge_on_the_real_tables(real_tables, rule_set):
    assert len(real_tables) >= 10
    taken = sum(_check_combinations(t, load_rules(rule_set)) for t in real_tables)
    assert taken > 30  # the plain case occurs in the real tables too


def _flags(text) -> set[str]:
    return set(filter(None, str(text).split(",")))


def _check_rows(indicators: pd.DataFrame, rules) -> None:
    """Every scored row agrees with judge() on its own texts: rule, score, met, attainment, flags, reason."""
    scored = score_indicators(indicators, rules)
    empty = scored["rule"].isin(["empty_row", "not_applicable"]).to_numpy()
    for (_, _, _, j), row, skip in zip(judge_rows(indicators, rules), scored.itertuples(index=False), empty):
        if skip:
            continue
        assert row.rule == j.rule
        expected_score = j.fraction * row.weight_used
        assert (math.isnan(row.score) and math.isnan(expected_score)) or row.score == expected_score
        assert (pd.isna(row.met) and j.met is None) or row.met == j.met
        assert (math.isnan(row.attainment) and math.isnan(j.attainment)) or row.attainment == j.attainment
        assert (math.isnan(row.actual_value) and math.isnan(j.actual_value)) or row.actual_value == j.actual_value
        own = {c for c in FLAG_CODES if j.bits & (1 << FLAG_CODES.index(c))}
        assert own <= _flags(row.flags) and _flags(row.flags) - own <= ROW_FLAGS
        # scoring rounds the shown score with numpy (np.round), as it always has
        score = "" if math.isnan(row.score) else f"，得分 {fmt_number(float(np.round(row.score, 2)))}"
        prefix = j.head + score + j.note
        assert row.reason.startswith(prefix)
        rest = row.reason[len(prefix):]
        assert rest == "" or rest.startswith(ROW_SUFFIXES)


def test_every_row_of_a_generated_sample_agrees_with_judge(sample):
    _check_rows(sample.iloc[:20_000], load_rules("cz2020"))


@pytest.mark.parametrize("rule_set", ["cz2020", "cz2020_linear", "cz2020_overdeduct"])
def test_every_row_of_the_real_tables_agrees_with_judge(real_tables, rule_set):
    for table in real_tables:
        _check_rows(table, load_rules(rule_set))


def test_the_sample_is_realistic(sample):
    # over 100,000 distinct actual texts per million rows: here per 50,000 rows, at least 5% distinct
    assert sample["actual"].nunique() >= 5_000
    plain = read_actuals(list(sample["actual"].dropna().unique())).plain
    assert np.mean(plain) > 0.8


@pytest.mark.parametrize("rule_set", ["cz2020", "cz2020_linear", "cz2020_overdeduct"])
def test_scoring_without_reasons_gives_the_same_rows_less_the_reason(sample, real_tables, rule_set):
    # the bulk path (a province, the benchmark) spells no reason: everything else must not change
    rules = load_rules(rule_set)
    for table in [sample.iloc[:20_000], *real_tables]:
        spelled = score_indicators(table, rules)
        bare = score_indicators(table, rules, reasons=False)
        assert "reason" not in bare.columns
        pd.testing.assert_frame_equal(bare, spelled.drop(columns="reason"))


@pytest.mark.parametrize("sizes", [(1,), (3, 1, 2), (7, 5), (1173, 3), (50_000, 2), (171_116, 1173, 5)])
@pytest.mark.parametrize("n", [0, 1, 10, 200_000])
def test_combine_numbers_combinations_as_factorizing_the_tuples_does(sizes, n):
    # combine indexes a table (few values) or hashes (many): either way pandas' first-appearance numbering
    rng = np.random.default_rng(n + len(sizes))
    codes = [rng.integers(0, s, n) for s in sizes]
    if n > 100:  # a value that first occurs deep down (past the top rows the few-values path looks at)
        codes[0][-1] = sizes[0] - 1 if sizes[0] > 1 else 0
    key, first = combine(*codes)
    expected, _ = pd.factorize(pd.Series(list(zip(*(c.tolist() for c in codes))), dtype=object)) if n else \
        (np.zeros(0, dtype=np.int64), None)
    assert key.tolist() == expected.tolist()
    assert first.tolist() == np.unique(expected, return_index=True)[1].tolist()  # the first row of each code
