"""Scoring a self-evaluation: indicators, then each department-year (domain.md §3, §4).

All functions here are pure: DataFrames and a :class:`~perfkit.rules.ruleset.RuleSet`
in, new DataFrames out.  The arithmetic follows the rule set, never literals in
code, so a department can be scored under another rule set by editing a YAML
file.

Speed: a batch holds a million indicator rows but only a few thousand distinct
spellings.  :func:`score_indicators` therefore reads each distinct target,
actual and prior-year text once, judges each distinct (target, actual, prior)
combination once (:mod:`perfkit.score.judge`), and does the per-row work
(weights, scores, totals) with numpy.  The judgement is a fraction of the
weight, so it does not depend on the row's weight.  Cost grows with the number
of distinct combinations, not with the number of rows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from perfkit.instrument import counted
from perfkit.errors import DataError, Problem
from perfkit.ingest.schema import NOT_APPLICABLE
from perfkit.rules.book import RuleBook
from perfkit.rules.ruleset import RuleSet
from perfkit.score.codes import (
    categorical,
    column,
    combine,
    distinct_categorical,
    factorize_column,
    factorize_text,
    source_rows,
    value_codes,
)
from perfkit.score.judge import (  # noqa: F401 (re-exported: the flag and rule vocabulary of scored rows)
    FLAG_CODES,
    RULE_LABELS,
    Judgement,
    _BIT,
    judge,
)
from perfkit.score.numeric import Actuals, Combinations, judge_combinations, read_actuals
from perfkit.score.targets import (
    Target,
    fmt_number,
    parse_printed_target,
    parse_target,
    read_lower,
    read_nature,
    target_from_name,
)
from perfkit.text import judging, validation
from perfkit.score.totals import (  # noqa: F401 (re-exported)
    by_level1,
    by_scope,
    empty_management,
    grade,
    indicator_totals,
    score_execution,
    score_management,
)

# Columns score_indicators adds after the input's, in this order.  ``counted``: the row adds to its
# scope's totals (a top-level row that is not a placeholder or not-applicable row).
SCORED_COLUMNS = ("level1_group", "target_kind", "target_op", "target_value", "target_unit", "target_reading",
                  "actual_value", "actual_kind", "rule", "rule_label", "weight_used", "score", "met", "attainment",
                  "reason", "flags", "counted")

_EMPTY = {
    1: Judgement("empty_row", math.nan, None, math.nan, math.nan, None, _BIT["empty_row"],
                 judging.EMPTY_ROW),
    2: Judgement("not_applicable", math.nan, None, math.nan, math.nan, None, _BIT["not_applicable"],
                 judging.NOT_APPLICABLE_ROW),
}
# The target an execution-rate row (预算执行率) is scored against when its own is not written.
_EXECUTION_TARGET = Target("≥100%", "quantitative", ">=", 100.0, "%", op_written=True, decimals=0,
                           reading=judging.EXECUTION_TARGET)


# --------------------------------------------------------------------------- vectorized scoring


def score_indicators(indicators: pd.DataFrame, rules: RuleSet, file: str | np.ndarray = "indicators.csv",
                     problems: list[Problem] | None = None, reasons: bool = True) -> pd.DataFrame:
    """Return the indicators with their reading, rule, weight, score and reason.

    Parameters
    ----------
    indicators : DataFrame
        Columns of ``indicators.csv`` (data/README.md): year, scope_id,
        indicator_id, parent_id, level1, level2, name, target, actual, weight,
        stated_score, prior_actual; ``src_row`` when loaded from a file.
    rules : RuleSet
        The rule set every row is scored under.
    file : str or array of str
        File name used in the problems reported; an array gives each row's
        own (rows of several departments stacked, as a province bucket scores
        them: an unknown 一级指标 is then reported per file).
    problems : list of Problem, optional
        Unreadable texts and unknown 一级指标 are appended here, one Problem
        per cell (file, row, column, value, what was expected).
    reasons : bool
        Spell every row's ``reason`` (the default: a department's outputs
        show every row).  False leaves the column out and skips the words
        altogether, for a bulk score that shows no row (a province, the
        benchmark): spelling them is about half the cost of scoring a
        million rows.  Scores, flags and totals are the same either way.

    Returns
    -------
    DataFrame
        The input columns plus ``level1_group`` (the rule set's 一级指标 group),
        ``target_kind``, ``target_op``, ``target_value``, ``target_unit``,
        ``target_reading``, ``actual_value``, ``actual_kind``, ``rule``,
        ``rule_label``, ``weight_used``, ``score`` (unrounded; NaN when it
        cannot be scored), ``met`` (nullable boolean), ``attainment``
        (actual/target), ``reason`` (Chinese; only with ``reasons``) and
        ``flags`` (comma-separated codes of :data:`FLAG_LABELS`).  Sub-rows
        (``parent_id`` set) are scored but flagged ``sub_row``; totals leave
        them out.
    """
    t_codes, targets, t_bits = _row_targets(indicators, rules)
    a_codes, a_texts = factorize_column(indicators, "actual")
    p_codes, p_texts = factorize_column(indicators, "prior_actual")
    actuals = read_actuals(a_texts)
    priors = [parse_target(x) for x in p_texts]
    a_kinds = actuals.kinds()
    weight_given = pd.to_numeric(column(indicators, "weight"), errors="coerce").to_numpy(dtype=float)
    stated = pd.to_numeric(column(indicators, "stated_score"), errors="coerce").to_numpy(dtype=float)
    # A row with no target, actual, weight or score is a placeholder (指标2, ……) or a not-applicable row
    # (指标1:/ / /): shown, never scored, never given a share of its group's weight.
    t_blank = np.array([t.kind == "blank" for t in targets], dtype=bool)[t_codes]
    a_blank = actuals.kind_is("blank")[a_codes]
    marked = (np.array([t.not_applicable for t in targets], dtype=bool)[t_codes]
              | actuals.flag("not_applicable")[a_codes])
    empty = t_blank & a_blank & np.isnan(weight_given) & np.isnan(stated)
    empty_code = np.where(empty, np.where(marked, 2, 1), 0)

    combo, first = combine(t_codes, a_codes, p_codes, empty_code)
    firsts = empty_code[first]
    preset = {i: _EMPTY[e] for i, e in zip(np.flatnonzero(firsts).tolist(), firsts[firsts > 0].tolist())}
    judged = judge_combinations(targets, actuals, priors, t_codes[first], a_codes[first], p_codes[first], preset,
                                rules, texts=reasons)
    fraction = judged.fraction[combo]
    met_c = judged.met[combo]
    met_na = judged.met_na[combo]
    attainment = judged.attainment[combo]
    actual_value = judged.actual_value[combo]
    bits = judged.bits[combo] | np.asarray(t_bits, dtype=np.int64)[t_codes]

    # Weights: the table's, else the rule set's default split of the 一级指标 weight.
    top = column(indicators, "parent_id").isna().to_numpy()
    counted = top & ~empty
    group, group_names = _groups(indicators, rules)
    split = _weights(indicators, rules, group, counted, weight_given)
    weight_used = split.used
    score = fraction * weight_used
    bits = bits | np.where(split.defaulted, _BIT["default_weight"], 0) | np.where(~top, _BIT["sub_row"], 0)
    bits |= np.where(group < 0, _BIT["unknown_level1"], 0)
    bits |= np.where(np.isnan(weight_used) & counted, _BIT["no_weight"], 0)
    outside = _outside_band(rules, judged.level, combo, stated, weight_used)
    bits |= np.where(outside, _BIT["stated_outside_band"], 0)

    spelled = {}
    if reasons:
        spelled["reason"] = distinct_categorical(*_reasons(judged, combo, score, bits, group, group_names, split,
                                                           stated, rules))
    flag_codes, flag_bits = value_codes(bits)
    flag_texts = [",".join(c for c in FLAG_CODES if b & _BIT[c]) for b in flag_bits]

    # few rules over many combinations: labelled once per rule, not once per combination
    r_codes, rule_names = pd.factorize(judged.rule)
    r_codes = r_codes[combo]
    rule_names = rule_names.tolist()
    columns = dict(
        level1_group=pd.Categorical.from_codes(group, categories=group_names),
        target_kind=categorical(t_codes, [t.kind for t in targets]),
        target_op=categorical(t_codes, [_op_of(t, rules) for t in targets]),
        target_value=np.array([np.nan if t.value is None else t.value for t in targets], dtype=float)[t_codes],
        target_unit=categorical(t_codes, [t.unit for t in targets]),
        target_reading=categorical(t_codes, [t.reading for t in targets]),
        actual_value=actual_value,
        actual_kind=categorical(a_codes, a_kinds),
        rule=categorical(r_codes, rule_names),
        rule_label=categorical(r_codes, [RULE_LABELS[r] for r in rule_names]),
        weight_used=weight_used,
        score=score,
        met=pd.arrays.BooleanArray(met_c, met_na),
        attainment=attainment,
        **spelled,
        flags=categorical(flag_codes, flag_texts),
        counted=counted,
    )
    # every array here is made above and owned by no one else: handed over as it is (assigning a bare
    # array copies it, a tenth of the time of a million rows)
    out = indicators.assign(**{name: pd.Series(values, index=indicators.index, copy=False)
                               for name, values in columns.items()})
    if problems is not None:
        problems.extend(_problems(indicators, file, targets, actuals, priors, t_codes, a_codes, p_codes,
                                  group, rules))
    return out


def _row_targets(indicators: pd.DataFrame, rules: RuleSet) -> tuple[np.ndarray, list[Target], list[int]]:
    """Return each row's code into the targets it is scored against, the targets, and flag bits per target.

    The printed 指标性质 and 度量单位 are joined with 年度指标值
    (:func:`~perfkit.score.targets.parse_printed_target`); then the name is
    read where the target needs it: an empty target may sit in the name
    (``年度资金支付完成率100%``), a row named 预算执行率 is the execution item,
    and a bare value is ``≤`` when the name says lower is better (控制率 …).
    """
    n_codes, natures = factorize_column(indicators, "nature")
    t_codes, texts = factorize_column(indicators, "target")
    u_codes, units = factorize_column(indicators, "measure_unit")
    codes, first = combine(n_codes, t_codes, u_codes)
    targets = [parse_printed_target(natures[n_codes[i]], texts[t_codes[i]], units[u_codes[i]]) for i in first]
    bits = [_BIT["printed_cells"] if not (_missing(natures[n_codes[i]]) and _missing(units[u_codes[i]])) else 0
            for i in first]
    candidate = np.array([t.kind == "blank" or (t.kind == "quantitative" and t.implicit_op) for t in targets],
                         dtype=bool)[codes]
    rows = np.flatnonzero(candidate)
    if not len(rows):
        return codes, targets, bits
    nm_codes, names = factorize_text(column(indicators, "name").iloc[rows])
    key, kfirst = combine(codes[rows], nm_codes)
    new = np.empty(len(kfirst), dtype=np.int64)
    for k, i in enumerate(kfirst):
        base = codes[rows[i]]
        found, more = _name_reading(targets[base], names[nm_codes[i]], rules)
        if found is None:
            new[k] = base
        else:
            new[k] = len(targets)
            targets.append(found)
            bits.append(bits[base] | more)
    codes = codes.copy()
    codes[rows] = new[key]
    return codes, targets, bits


def judge_rows(indicators: pd.DataFrame, rules: RuleSet) -> list[tuple[Target, Target, Target, Judgement]]:
    """Return, per row, the target, actual and prior-year value read as scoring reads them, and the judgement.

    The audit of printed scores uses it on the few rows that print a score,
    to try other scoring variants on the same readings.
    """
    t_codes, targets, _ = _row_targets(indicators, rules)
    out = []
    for i, (a_text, p_text) in enumerate(zip(column(indicators, "actual"), column(indicators, "prior_actual"))):
        t, a, pr = targets[t_codes[i]], parse_target(a_text), parse_target(p_text)
        out.append((t, a, pr, judge(t, a, pr, rules)))
    return out


def _name_reading(t: Target, name, rules: RuleSet) -> tuple[Target | None, int]:
    """Return the target a row's name implies (and its flag bits), or (None, 0) when the name changes nothing."""
    if t.kind == "blank" and rules.is_execution_item(name):
        return _EXECUTION_TARGET, _BIT["execution_item"]
    more = 0
    if t.kind == "blank":
        if t.not_applicable:
            return None, 0
        found = target_from_name(name)
        if found is None:
            return None, 0
        t, more = found, 0
    word = rules.lower_word(name) if t.kind == "quantitative" and t.implicit_op else None
    if word is not None:
        return read_lower(t, word), more | _BIT["lower_by_name"]
    return (t, more) if t.from_name else (None, 0)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _op_of(t: Target, rules: RuleSet) -> str | None:
    if t.kind != "quantitative":
        return None
    return rules.bare_value_op if t.implicit_op else t.op


def _groups(indicators: pd.DataFrame, rules: RuleSet) -> tuple[np.ndarray, list[str]]:
    """Return each row's group index in the rule set (-1 when unknown) and the group names."""
    names = rules.group_names()
    index = {g: i for i, g in enumerate(names)}
    l1_codes, l1 = factorize_column(indicators, "level1")
    if not any(g.level2 for g in rules.groups):  # the rule set groups by 一级指标 alone: one lookup per label
        found = [rules.group_of(label, None) for label in l1]
        return np.array([index[g] if g is not None else -1 for g in found], dtype=np.int64)[l1_codes], names
    l2_codes, l2 = factorize_column(indicators, "level2")
    pair, first = combine(l1_codes, l2_codes)
    found = [rules.group_of(l1[l1_codes[i]], l2[l2_codes[i]]) for i in first]
    per_pair = np.array([index[g] if g is not None else -1 for g in found], dtype=np.int64)
    return per_pair[pair], names


class WeightSplit(NamedTuple):
    """Weights per row, and how missing ones were filled."""

    used: np.ndarray  # the weight each row is scored on (NaN when none)
    defaulted: np.ndarray  # True where the table gave no weight and the rule set's split was used
    cell: np.ndarray  # (scope, group) cell of each row
    pool: np.ndarray  # per cell: the group's default weight in that scope
    count: np.ndarray  # per cell: rows sharing what the given weights leave of the pool


def _weights(indicators: pd.DataFrame, rules: RuleSet, group: np.ndarray, top: np.ndarray,
             given: np.ndarray) -> WeightSplit:
    """Return each row's weight: the table's, else an equal share of its group's default weight.

    A missing weight takes an equal share of what the group's default weight
    leaves after the weights the table does give; sub-rows never take a share
    (their parent holds the points).
    """
    scope_key = _scope_key(indicators)
    n_groups = len(rules.groups)
    known = (group >= 0) & top
    missing = known & np.isnan(given)
    cell = scope_key * n_groups + np.where(group >= 0, group, 0)
    if not missing.any():
        return WeightSplit(given.copy(), missing, cell, np.zeros(0), np.zeros(0, dtype=np.int64))
    n_scopes = int(scope_key.max(initial=-1)) + 1
    size = n_scopes * n_groups
    present = np.bincount(cell[known], minlength=size).reshape(n_scopes, n_groups) > 0
    given_sum = np.bincount(cell[known & ~missing], weights=given[known & ~missing], minlength=size)
    n_missing = np.bincount(cell[missing], minlength=size)
    pools = np.zeros((n_scopes, n_groups))
    # scopes with the same groups present share their pools (combine hashes; np.unique over rows sorts)
    pattern_of, first = combine(*(present[:, g].astype(np.int64) for g in range(n_groups)))
    names = rules.group_names()
    for k, scope in enumerate(first.tolist()):
        weights = rules.group_weights({names[g] for g in np.flatnonzero(present[scope])})
        pools[pattern_of == k] = [weights[g] for g in names]
    pool = pools.ravel()
    share = np.where(n_missing > 0, np.maximum(pool - given_sum, 0.0) / np.maximum(n_missing, 1), np.nan)
    used = given.copy()
    used[missing] = share[cell[missing]]
    return WeightSplit(used, missing, cell, pool, n_missing)


def _scope_key(indicators: pd.DataFrame) -> np.ndarray:
    """Return each row's (department, year, scope) code: a province scored in one pass keeps units apart."""
    years, _ = factorize_column(indicators, "year")
    scopes, _ = factorize_column(indicators, "scope_id")
    if "dept" in indicators.columns:
        depts, _ = factorize_text(indicators["dept"])
        key, _ = combine(depts, years, scopes)
    else:
        key, _ = combine(years, scopes)
    return key


def _outside_band(rules: RuleSet, levels: list, combo: np.ndarray, stated: np.ndarray,
                  weight: np.ndarray) -> np.ndarray:
    """Return, per row, whether a stated score lies outside the band of the qualitative level applied."""
    has = ~np.isnan(stated) & (weight > 0)
    if not has.any():
        return np.zeros(len(combo), dtype=bool)
    low = np.array([rules.band_of_level(l).low if l else np.nan for l in levels])[combo]
    high = np.array([rules.band_of_level(l).high if l else np.nan for l in levels])[combo]
    top = np.array([rules.band_of_level(l).top if l else False for l in levels])[combo]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = stated / weight
        inside = (frac >= low - 1e-9) & np.where(top, frac <= high + 1e-9, frac < high - 1e-9)
    return has & ~np.isnan(low) & ~inside


_ROW_BITS = (_BIT["default_weight"] | _BIT["sub_row"] | _BIT["unknown_level1"] | _BIT["no_weight"]
             | _BIT["stated_outside_band"])


def _reasons(judged: Combinations, combo: np.ndarray, score: np.ndarray, bits: np.ndarray,
             group: np.ndarray, group_names: list[str], split: WeightSplit, stated: np.ndarray,
             rules: RuleSet) -> tuple[np.ndarray, pa.Array]:
    """Return per-row codes into the distinct reason texts, and the texts.

    A reason is assembled from parts that each take few values (the
    judgement, the rounded score, the default-weight note, the row's flags),
    so every part is formatted once per distinct value and every reason once
    per distinct combination of parts, by concatenating arrays of parts.
    """
    n = len(combo)
    row_bits = bits & _ROW_BITS
    score_codes, score_values = pd.factorize(np.round(score, 2), use_na_sentinel=True)
    score_texts = [judging.REASON_SCORE.format(score=fmt_number(v)) for v in score_values.tolist()] + [""]
    score_codes = np.where(score_codes < 0, len(score_values), score_codes)

    default_codes = np.zeros(n, dtype=np.int64)
    default_texts = [""]
    if split.defaulted.any():
        rows = np.flatnonzero(split.defaulted)
        cell = split.cell[rows]
        parts = (group[rows], np.round(split.pool[cell], 4), split.count[cell], np.round(split.used[rows], 4))
        part_codes = [pd.factorize(p)[0] for p in parts]
        sub, first = combine(*part_codes)
        default_texts += [judging.REASON_DEFAULT_WEIGHT.format(group=group_names[g], pool=fmt_number(p), count=int(c),
                                                                weight=fmt_number(w))
                          for g, p, c, w in zip(*(part[first].tolist() for part in parts))]
        default_codes[rows] = sub + 1

    outside = (row_bits & _BIT["stated_outside_band"]) > 0
    stated_codes = np.zeros(n, dtype=np.int64)
    if outside.any():  # rare: the stated score enters the text only where it falls outside its band
        stated_codes[outside] = pd.factorize(stated[outside])[0] + 1

    key, first = combine(combo, score_codes, default_codes, row_bits, stated_codes)
    fixed = ((_BIT["unknown_level1"], judging.REASON_UNKNOWN_LEVEL1), (_BIT["no_weight"], judging.REASON_NO_WEIGHT),
             (_BIT["sub_row"], judging.REASON_SUB_ROW))
    c_first = combo[first]
    b_codes, b_values = pd.factorize(row_bits[first])
    row_texts = ["".join(words for bit, words in fixed if b & bit) for b in b_values.tolist()]
    band_texts = [""]
    band_codes = np.zeros(len(first), dtype=np.int64)
    for k in np.flatnonzero(row_bits[first] & _BIT["stated_outside_band"]).tolist():
        i, level = int(first[k]), judged.level[int(c_first[k])]
        band, w = rules.band_of_level(level), float(split.used[i])
        band_codes[k] = len(band_texts)
        band_texts.append(judging.REASON_OUTSIDE_BAND.format(
            stated=fmt_number(float(stated[i])), level=level, band=band.name, low=fmt_number(round(band.low * w, 4)),
            high=fmt_number(round(band.high * w, 4)), close=judging.BAND_CLOSE[bool(band.top)]))
    # The texts are long and many (one per distinct combination of parts): joined and deduplicated in
    # Arrow, in slices so that only one slice's parts are spelled out at a time.
    parts = ((judged.head, c_first), (_texts(score_texts), score_codes[first]),
             (judged.note, c_first), (_texts(default_texts), default_codes[first]),
             (_texts(row_texts), b_codes), (_texts(band_texts), band_codes))
    empty = pa.scalar("", pa.large_string())
    chunks = [pc.binary_join_element_wise(*(t.take(pa.array(i[lo:lo + _SLICE])) for t, i in parts), empty)
              for lo in range(0, len(first), _SLICE)]
    encoded = pc.dictionary_encode(pa.chunked_array(chunks, type=pa.large_string())).combine_chunks()
    return encoded.indices.to_numpy()[key], encoded.dictionary


_SLICE = 1 << 17


def _texts(values) -> pa.Array:
    return pa.array(values, type=pa.large_string())


def _problems(indicators, file, targets, actuals, priors, t_codes, a_codes, p_codes, group, rules) -> list[Problem]:
    """Return one Problem per unreadable cell, per unreadable 指标性质, and per unknown 一级指标 label (all its rows).

    ``file``: the file named, or each row's (an array: rows of several department-years stacked, an
    unknown label is then one Problem per file and year, as each department-year alone reports it).
    """
    rows = source_rows(indicators)
    files = np.asarray(file, dtype=object) if not isinstance(file, str) else None
    file_of = (lambda i: file) if files is None else (lambda i: files[i])
    checks = (("target", targets, t_codes, validation.UNREADABLE_TARGET),
              ("actual", actuals, a_codes, validation.UNREADABLE_ACTUAL),
              ("prior_actual", priors, p_codes, validation.UNREADABLE_PRIOR))
    bad_rows = []
    for name, parsed, codes, expected in checks:
        kinds = parsed.kinds() if isinstance(parsed, Actuals) else [p.kind for p in parsed]
        bad = np.array([k == "unreadable" for k in kinds], dtype=bool)[codes]
        for i in np.flatnonzero(bad):
            found = parsed.reading(codes[i]) if isinstance(parsed, Actuals) else parsed[codes[i]]
            bad_rows.append((file_of(i), int(rows[i]), name, found.text, expected))
    n_codes, natures = factorize_column(indicators, "nature")
    bad_nature = np.array([read_nature(n)[1] == "unreadable" for n in natures], dtype=bool)[n_codes]
    for i in np.flatnonzero(bad_nature):
        bad_rows.append((file_of(i), int(rows[i]), "nature", natures[n_codes[i]],
                         validation.UNREADABLE_NATURE))
    unknown = np.flatnonzero(group < 0)
    if len(unknown):
        level1 = column(indicators, "level1").to_numpy()
        known = validation.LIST_SEP.join(rules.group_names())
        years = (column(indicators, "year").to_numpy() if files is not None and "year" in indicators.columns
                 else np.zeros(len(indicators), dtype=int))
        by_label: dict = {}
        for i in unknown:
            by_label.setdefault((file_of(i), years[i], level1[i]), []).append(int(rows[i]))
        for (at_file, _, label), at in by_label.items():
            more = validation.ROWS_OF_LABEL.format(n=len(at), rows=validation.LIST_SEP.join(map(str, at))) if len(at) > 1 else ""
            bad_rows.append((at_file, at[0], "level1", label,
                             validation.UNKNOWN_LEVEL1.format(rule_set=rules.name, more=more, known=known)))
    return [Problem(f, row, col, value, expected)
            for f, row, col, value, expected in sorted(bad_rows, key=lambda r: (r[0], r[1], r[2]))]


# --------------------------------------------------------------------------- one department-year


@dataclass
class YearScore:
    """The scored year of one department."""

    year: int
    indicators: pd.DataFrame
    execution: pd.DataFrame
    by_level1: pd.DataFrame
    by_scope: pd.DataFrame
    management: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rules: dict[str, RuleSet] = field(default_factory=dict)


def _of_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    if df is None or "year" not in df.columns:
        return df
    return df[df["year"] == year].reset_index(drop=True)


@counted("score")
def score_year(dept, year: int, book: RuleBook) -> YearScore:
    """Return the :class:`YearScore` of one department-year.

    Each scope is scored under the rule set it follows
    (:meth:`~perfkit.ingest.department.Department.rule_set_for`), taken from
    ``book`` (:func:`perfkit.rules.book.rulebook_for`): no rule file is read here.  Totals add unrounded scores; sub-rows are not counted
    twice; weights that do not add up to the rule set's total are reported in
    ``problems``.
    """
    year = int(year)
    if year not in dept.years:
        raise DataError(Problem(str(dept.path / "department.yaml"), None, "years", year,
                                validation.NO_SUCH_YEAR.format(year=year, years=validation.LIST_SEP.join(map(str, dept.years)))))
    scopes = _of_year(dept.scopes, year)
    budget = with_na_markers(_of_year(dept.budget, year), dept.printed_cells("budget.csv"), ("weight",))
    indicators = _of_year(dept.indicators, year)
    refs = year_rule_refs(dept, year, scopes["scope_id"], [*indicators["scope_id"], *budget["scope_id"]])
    loaded = {ref: book.sets[ref] for ref in dict.fromkeys(refs.values())}
    rules = {sid: loaded[ref] for sid, ref in refs.items()}
    problems: list[Problem] = []
    file = str(dept.path / "indicators.csv")
    ex_parts, ind_parts, mgmt_parts = [], [], []
    for ref, rs in loaded.items():
        ids = [sid for sid, r in refs.items() if r == ref]
        ex_parts.append(score_execution(budget[budget["scope_id"].isin(ids)], rs))
        ind_parts.append(score_indicators(indicators[indicators["scope_id"].isin(ids)], rs, file, problems))
        if rs.management:
            mgmt_parts.append(score_management(dept, year, [s for s in scopes["scope_id"] if s in ids], rs))
    execution = _concat(ex_parts, "src_row")
    scored = _concat(ind_parts, "src_row")
    management = _concat(mgmt_parts, None) if mgmt_parts else empty_management()
    order = list(dict.fromkeys([*scopes["scope_id"], *refs]))
    levels = by_level1(scored, execution, management, rules, order)
    totals = by_scope(dept, scopes, levels, rules, problems)
    problems.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    return YearScore(year, scored, execution, levels, totals, management, problems, rules)


def year_rule_refs(dept, year: int, scope_ids, other_ids=()) -> dict[str, str]:
    """Return scope_id → rule-set reference of every scope of a department-year (``YearScore.rules``).

    ``scope_ids``: those of its scopes table, in order; ``other_ids``: those
    its budget and indicator rows name (a scope the scopes table lacks).
    """
    refs = {sid: dept.rule_set_for(sid, year) for sid in scope_ids}
    for sid in set(other_ids) - set(refs):
        refs[sid] = dept.rule_set_for(sid, year)
    return refs


def with_na_markers(df: pd.DataFrame, printed: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Return ``df`` with ``<column>_na``: True where the cell was printed —, / or 无 (not applicable)."""
    out = df.copy()
    for col in columns:
        if col in printed.columns and "src_row" in out.columns:
            marks = printed.set_index("src_row")[col].isin(NOT_APPLICABLE)
            out[f"{col}_na"] = out["src_row"].map(marks).fillna(False).astype(bool).to_numpy()
        else:
            out[f"{col}_na"] = False
    return out


def _concat(parts: list[pd.DataFrame], order: str | None) -> pd.DataFrame:
    parts = [p for p in parts if len(p)] or parts[:1]
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    if order and order in df.columns:
        df = df.sort_values(order, kind="stable").reset_index(drop=True)
    return df
