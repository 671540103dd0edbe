"""The scoring rule-set model: groups, bands, management items and :class:`RuleSet`, as a scorer asks them.

Weights, bands and thresholds that domain.md tags [C] or [?] are data, not
code: a department points ``rule_set:`` in its ``department.yaml`` at a built-in
name (``cz2020``) or at an edited copy.

Every rule section carries ``source`` (where the rule comes from) and
``confidence`` (``V`` seen in an official text or form, ``C`` implemented the
same way in practice, ``?`` plausible, to be confirmed).

Files are found and merged by :mod:`perfkit.rules.loading` and checked field
by field by :mod:`perfkit.rules.parse`.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from perfkit.text import rules as rules_text

KINDS = ("indicator_scoring", "dept_sheet")
CONFIDENCES = ("V", "C", "?")
OPS = (">=", ">", "=", "<=", "<")
REVERSE_METHODS = ("ratio", "linear")
KEEP_MEANINGS = ("no_decline", "unchanged")
EXECUTION_BASES = ("budget", "budget_original")
ITEM_METHODS = ("proportional", "bands")
# Scoring variants met in published tables (domain.md §8) that the audit of a printed score may name.
VARIANTS = ("full_marks_on_miss", "uncapped_ratio", "floor", "round", "ceil", "reverse_linear", "reverse_ratio",
            "bands_8050", "execution_20", "zero", "deduction_on_met")
# Recognised input, not output: a printed block label with its weight, 产出指标（50分）.
RECOGNISED_INPUT = ("_BLOCK_WEIGHT_RE",)
_BLOCK_WEIGHT_RE = re.compile(r"^(?P<label>.*?)[(（](?P<points>\d+(?:\.\d+)?)分[)）]$")


def split_block_label(value) -> tuple[str, float | None]:
    """Return a printed 一级/二级 label without spaces and its printed block weight: ``产 出 指 标 (50分)`` → (产出指标, 50)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    m = _BLOCK_WEIGHT_RE.match(s)
    if m is None:
        return s, None
    return m["label"], float(m["points"])


@dataclass(frozen=True)
class Group:
    """A 一级指标 group of a rule set: its default weight and the table names it covers."""

    name: str
    weight: float
    level1: tuple[str, ...]
    level2: tuple[str, ...] = ()
    block: str | None = None


@dataclass(frozen=True)
class Band:
    """A qualitative band: score between ``low`` and ``high`` (fractions of the weight)."""

    name: str
    low: float
    high: float
    top: bool = False  # the highest band includes its upper bound

    def contains(self, fraction: float) -> bool:
        """Return True when a score fraction lies in the band."""
        eps = 1e-9
        upper_ok = fraction <= self.high + eps if self.top else fraction < self.high - eps
        return fraction >= self.low - eps and upper_ok


@dataclass(frozen=True)
class ManagementItem:
    """A management-ratio line of a whole-department score sheet (预算调整率 …)."""

    id: str
    label: str
    expr: str
    unit: str
    points: float
    method: str
    target: float | None = None
    bands: tuple[tuple[str, float, float], ...] = ()  # (op, value, points), first match wins
    else_points: float = 0.0
    absolute: bool = False
    source: str = ""
    confidence: str = "?"

    def score(self, value: float) -> float:
        """Return the points earned by a ratio value (NaN stays NaN)."""
        if value is None or math.isnan(value):
            return math.nan
        if self.absolute:
            value = abs(value)
        if self.method == "proportional":
            if not self.target:
                return self.points if value >= 0 else 0.0
            return max(0.0, min(value / self.target, 1.0)) * self.points
        for op, bound, points in self.bands:
            if compare(value, op, bound):
                return points
        return self.else_points


def compare(value: float, op: str, bound: float) -> bool:
    """Return whether ``value op bound`` holds (with a tolerance for float noise at the bound)."""
    eps = 1e-9 * max(1.0, abs(bound))
    if op == ">=":
        return value >= bound - eps
    if op == ">":
        return value > bound + eps
    if op == "<=":
        return value <= bound + eps
    if op == "<":
        return value < bound - eps
    return abs(value - bound) <= eps


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A validated scoring rule set (see the comments in ``perfkit/rules/cz2020.yaml``)."""

    name: str
    title: str
    kind: str
    path: Path
    source: str
    illustrative: bool
    total: float
    execution_weight: float
    execution_base: str
    execution_cap: float
    groups: tuple[Group, ...]
    redistribute: tuple[tuple[str, tuple[str, ...]], ...]
    bare_value_op: str
    fraction_rates: bool
    over_threshold: float
    over_deduction: float
    reverse_method: str
    clip_negative: bool
    bands: tuple[Band, ...]
    levels: Mapping[str, tuple[str, float]]
    deadline_missed_level: str
    keep_tolerance_pp: float
    keep_tolerance_rel: float
    keep_means: str
    direction_missed_level: str
    direction_short_level: str
    grades: tuple[tuple[str, float], ...]
    management: tuple[ManagementItem, ...] = ()
    management_block: str = rules_text.MANAGEMENT_BLOCK
    provenance: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    lower_words: tuple[str, ...] = ()
    execution_indicators: tuple[str, ...] = ()
    fixed_weights: bool = False
    variants: tuple[str, ...] = VARIANTS

    def group_names(self) -> list[str]:
        """Return the 一级指标 group names, in the rule set's order."""
        return [g.name for g in self.groups]

    def group_of(self, level1, level2=None) -> str | None:
        """Return the group a table's 一级/二级指标 belong to, or None when the rule set does not know it.

        A 二级指标 alias wins over the 一级指标: older tables put 服务对象满意度指标
        under 效益指标, and its points are still the satisfaction points.  Labels
        are compared without spaces and without a printed block weight
        (``产 出 指 标 (50分)`` is 产出指标).
        """
        l1 = split_block_label(level1)[0]
        l2 = split_block_label(level2)[0]
        if l2:
            for g in self.groups:
                if l2 in g.level2:
                    return g.name
        if l1:
            for g in self.groups:
                if l1 in g.level1 or l1 == g.name:
                    return g.name
        return None

    def group_weights(self, present: set[str]) -> dict[str, float]:
        """Return each group's default weight when only the ``present`` groups have indicators.

        A missing group listed under ``redistribute`` hands its weight to its
        targets in proportion to their weights (财预〔2020〕10号: no 满意度
        indicator moves its 10 points to 产出 and 效益).
        """
        weights = {g.name: g.weight for g in self.groups}
        for source, targets in self.redistribute:
            if source in present or source not in weights:
                continue
            receivers = [t for t in targets if t in present]
            base = sum(weights[t] for t in receivers)
            if base <= 0:
                continue
            moved = weights[source]
            for t in receivers:
                weights[t] += moved * weights[t] / base
            weights[source] = 0.0
        return weights

    def block_of(self, group: str) -> str | None:
        """Return the block (履职效能 …) a group belongs to on a whole-department sheet, None otherwise."""
        return next((g.block for g in self.groups if g.name == group), None)

    def level_fraction(self, level: str) -> float:
        """Return the fraction of the weight a qualitative level earns."""
        return self.levels[level][1]

    def band_of_level(self, level: str) -> Band:
        """Return the band a qualitative level belongs to."""
        name = self.levels[level][0]
        return next(b for b in self.bands if b.name == name)

    def grade(self, score: float) -> str | None:
        """Return the grade (优/良/中/差) of a score, None when the score is missing."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return None
        for label, low in self.grades:
            if score >= low - 1e-9:
                return label
        return self.grades[-1][0]

    def describe(self) -> str:
        """Return a one-line Chinese description (name, title, and whether weights are illustrative)."""
        note = rules_text.ILLUSTRATIVE_WEIGHTS if self.illustrative else ""
        return rules_text.DESCRIBE.format(name=self.name, title=self.title, note=note)


    def lower_word(self, name) -> str | None:
        """Return the word of ``lower_is_better.name_words`` an indicator's name holds (lower is better), or None."""
        if name is None or (isinstance(name, float) and math.isnan(name)) or not self.lower_words:
            return None
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name)))
        return next((w for w in self.lower_words if w in s), None)

    def is_execution_item(self, name) -> bool:
        """Return True when an indicator row is the form's 预算执行率 item (``execution.indicator_names``)."""
        label = split_block_label(name)[0]
        return bool(label) and label in self.execution_indicators
