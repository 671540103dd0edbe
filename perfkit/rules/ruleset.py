"""Scoring rule sets: YAML files under ``perfkit/rules/`` (or a user's copy), loaded and validated.

Weights, bands and thresholds that domain.md tags [C] or [?] are data, not
code: a department points ``rule_set:`` in its ``department.yaml`` at a built-in
name (``cz2020``) or at an edited copy.  A file may start from another with
``extends: <name or path>`` and override only what differs; mappings merge key
by key, lists are replaced whole.

Every rule section carries ``source`` (where the rule comes from) and
``confidence`` (``V`` seen in an official text or form, ``C`` implemented the
same way in practice, ``?`` plausible, to be confirmed).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from perfkit.errors import RuleSetError
from perfkit.rules.files import BUILTIN_RULES_DIR as RULES_DIR
from perfkit.rules.files import read_yaml, rule_file
from perfkit.score.figures import ExprError, parse_expr
from perfkit.score.targets import LEVELS
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


# --------------------------------------------------------------------------- loading


def builtin_names() -> list[str]:
    """Return the names of the built-in scoring rule sets.

    Read through :func:`~perfkit.rules.files.read_yaml` like every rule file,
    so validating a province's departments parses each built-in file once.
    """
    names = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        # Through read_yaml's cache: every department load asks (twice), and parsing all
        # built-in files again cost ~40 ms each time, in the render's parent and in its kernels.
        try:
            head = read_yaml(path, "规则集", private=False)
        except RuleSetError:
            continue
        if head.get("kind") in KINDS or "extends" in head:
            names.append(path.stem)
    return names


def rule_path(name_or_path: str | Path, base_dir: str | Path | None = None) -> Path:
    """Return the file a rule-set reference points to: a built-in name, or a path (relative to base_dir)."""
    return rule_file(str(name_or_path), Path(base_dir) if base_dir is not None else Path("."))


def load_rules(name_or_path: str | Path, base_dir: str | Path | None = None) -> RuleSet:
    """Return the validated :class:`RuleSet` named or pointed to.

    Parameters
    ----------
    name_or_path : str or Path
        A built-in name (``cz2020``) or a YAML path.
    base_dir : str or Path, optional
        Directory that relative paths resolve against (the department's data
        directory); the current directory when None.

    Raises
    ------
    RuleSetError
        When the file is missing or unreadable, or any rule is invalid; the
        message lists every error found, in Chinese.
    """
    path = rule_path(name_or_path, base_dir)
    raw = _read_merged(path, [])
    return _build(raw, path)


def _read_merged(path: Path, chain: list[Path]) -> dict:
    if not path.is_file():
        if path.parent == RULES_DIR:
            known = rules_text.LIST_SEP.join(builtin_names())
            raise RuleSetError(rules_text.NO_BUILTIN.format(name=path.stem, known=known))
        raise RuleSetError(rules_text.NO_FILE.format(path=path))
    resolved = path.resolve()
    if resolved in chain:
        loop = " → ".join(str(p) for p in chain + [resolved])
        raise RuleSetError(rules_text.EXTENDS_LOOP.format(loop=loop))
    raw = read_yaml(path, rules_text.RULE_SET_FILE)
    parent_ref = raw.pop("extends", None)
    if parent_ref is None:
        return raw
    parent = _read_merged(rule_path(parent_ref, path.parent), chain + [resolved])
    parent.pop("name", None)
    return _merge(parent, raw)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class _Checker:
    """Collects every error of one file, so a user fixes the file in one pass."""

    def __init__(self, path: Path):
        self.path = path
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(rules_text.AT_KEY.format(where=where, message=message))

    def section(self, raw: dict, key: str, allowed: set[str], provenance: bool = True) -> dict:
        value = raw.get(key)
        if not isinstance(value, dict):
            self.fail(key, rules_text.NOT_A_SECTION)
            return {}
        for extra in sorted(set(value) - allowed - {"source", "confidence"}):
            self.fail(f"{key}.{extra}", rules_text.UNKNOWN_KEY.format(allowed=rules_text.LIST_SEP.join(sorted(allowed))))
        if provenance:
            self.provenance(value, key)
        return value

    def provenance(self, value: dict, where: str) -> tuple[str, str]:
        source = value.get("source")
        conf = value.get("confidence")
        if not isinstance(source, str) or not source.strip():
            self.fail(f"{where}.source", rules_text.NO_SOURCE)
        if conf not in CONFIDENCES:
            self.fail(f"{where}.confidence", rules_text.BAD_CONFIDENCE.format(value=conf))
        return str(source or ""), str(conf or "")

    def number(self, value: Any, where: str, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.fail(where, rules_text.NOT_A_NUMBER.format(value=value))
            return math.nan
        if low is not None and (value <= low if low_open else value < low):
            self.fail(where, rules_text.TOO_LOW.format(relation=rules_text.ABOVE if low_open else rules_text.NOT_BELOW,
                                                      low=low, value=value))
        if high is not None and value > high:
            self.fail(where, rules_text.TOO_HIGH.format(high=high, value=value))
        return float(value)

    def choice(self, value: Any, where: str, options: tuple) -> str:
        if value not in options:
            self.fail(where, rules_text.NOT_A_CHOICE.format(options=rules_text.LIST_SEP.join(map(str, options)), value=value))
            return options[0]
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, rules_text.NOT_A_BOOLEAN.format(value=value))
            return False
        return value

    def names(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, rules_text.NOT_NAMES)
            return ()
        return tuple(v.strip() for v in value)


_TOP_KEYS = {"kind", "name", "title", "source", "illustrative", "notes", "total", "execution", "weights",
             "quantitative", "qualitative", "directional", "grades", "management", "audit"}


def _build(raw: dict, path: Path) -> RuleSet:
    c = _Checker(path)
    for extra in sorted(set(raw) - _TOP_KEYS):
        c.fail(extra, rules_text.UNKNOWN_TOP_KEY.format(allowed=rules_text.LIST_SEP.join(sorted(_TOP_KEYS))))
    kind = raw.get("kind")
    if kind not in KINDS:
        raise RuleSetError(rules_text.NOT_A_SCORING_RULE_SET.format(path=path, kinds=rules_text.LIST_SEP.join(KINDS), kind=kind))
    name = raw.get("name") or path.stem
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        c.fail("title", rules_text.NO_TITLE)
    if not isinstance(raw.get("source"), str):
        c.fail("source", rules_text.NO_BASIS)
    illustrative = c.boolean(raw.get("illustrative", False), "illustrative")
    provenance: dict[str, tuple[str, str]] = {}

    total = c.section(raw, "total", {"points"})
    provenance["total"] = (total.get("source", ""), total.get("confidence", ""))
    total_points = c.number(total.get("points"), "total.points", 0, low_open=True)

    ex = c.section(raw, "execution", {"weight", "base", "cap", "indicator_names"})
    provenance["execution"] = (ex.get("source", ""), ex.get("confidence", ""))
    ex_weight = c.number(ex.get("weight"), "execution.weight", 0)
    ex_base = c.choice(ex.get("base", "budget"), "execution.base", EXECUTION_BASES)
    ex_cap = c.number(ex.get("cap", 1.0), "execution.cap", 0, low_open=True)
    ex_items = tuple(split_block_label(v)[0] for v in c.names(ex.get("indicator_names"), "execution.indicator_names"))

    w = c.section(raw, "weights", {"groups", "redistribute", "fixed"})
    fixed = c.boolean(w.get("fixed", False), "weights.fixed")
    provenance["weights"] = (w.get("source", ""), w.get("confidence", ""))
    groups = _groups(c, w.get("groups"))
    names = {g.name for g in groups}
    redistribute = []
    for i, item in enumerate(w.get("redistribute") or []):
        where = f"weights.redistribute[{i}]"
        if not isinstance(item, dict) or set(item) - {"from", "to"}:
            c.fail(where, rules_text.BAD_REDISTRIBUTE)
            continue
        src, targets = item.get("from"), c.names(item.get("to"), f"{where}.to")
        for n in (src, *targets):
            if n not in names:
                c.fail(where, rules_text.UNKNOWN_GROUP.format(name=n, known=rules_text.LIST_SEP.join(sorted(names))))
        redistribute.append((src, targets))

    q = c.section(raw, "quantitative", {"higher_is_better", "over_completion", "lower_is_better", "equality"},
                  provenance=False)
    hib = c.section(q, "higher_is_better", {"bare_value_op", "fraction_rates"}) if q else {}
    provenance["higher_is_better"] = (hib.get("source", ""), hib.get("confidence", ""))
    bare_op = c.choice(hib.get("bare_value_op", ">="), "quantitative.higher_is_better.bare_value_op", OPS)
    fraction_rates = c.boolean(hib.get("fraction_rates", True), "quantitative.higher_is_better.fraction_rates")
    over = c.section(q, "over_completion", {"threshold", "deduction"}) if q else {}
    provenance["over_completion"] = (over.get("source", ""), over.get("confidence", ""))
    over_threshold = c.number(over.get("threshold"), "quantitative.over_completion.threshold", 1, low_open=True)
    over_deduction = c.number(over.get("deduction", 0), "quantitative.over_completion.deduction", 0, 1)
    lib = c.section(q, "lower_is_better", {"method", "name_words"}) if q else {}
    lower_words = c.names(lib.get("name_words"), "quantitative.lower_is_better.name_words")
    provenance["lower_is_better"] = (lib.get("source", ""), lib.get("confidence", ""))
    reverse = c.choice(lib.get("method"), "quantitative.lower_is_better.method", REVERSE_METHODS)
    eq = c.section(q, "equality", {"clip_negative"}) if q else {}
    provenance["equality"] = (eq.get("source", ""), eq.get("confidence", ""))
    clip_negative = c.boolean(eq.get("clip_negative", True), "quantitative.equality.clip_negative")

    ql = c.section(raw, "qualitative", {"bands", "levels", "deadline_missed_level"})
    provenance["qualitative"] = (ql.get("source", ""), ql.get("confidence", ""))
    bands = _bands(c, ql.get("bands"))
    levels = _levels(c, ql.get("levels"), bands)
    deadline_missed = c.choice(ql.get("deadline_missed_level"), "qualitative.deadline_missed_level", LEVELS)

    d = c.section(raw, "directional", {"keep_tolerance_pp", "keep_tolerance_rel", "keep_means", "missed_level",
                                       "short_level"})
    provenance["directional"] = (d.get("source", ""), d.get("confidence", ""))
    keep_pp = c.number(d.get("keep_tolerance_pp", 0), "directional.keep_tolerance_pp", 0)
    keep_rel = c.number(d.get("keep_tolerance_rel", 0), "directional.keep_tolerance_rel", 0, 1)
    keep_means = c.choice(d.get("keep_means", "no_decline"), "directional.keep_means", KEEP_MEANINGS)
    missed = c.choice(d.get("missed_level"), "directional.missed_level", LEVELS)
    short = c.choice(d.get("short_level"), "directional.short_level", LEVELS)

    gr = c.section(raw, "grades", {"bands"})
    provenance["grades"] = (gr.get("source", ""), gr.get("confidence", ""))
    grades = _grades(c, gr.get("bands"))

    management: tuple[ManagementItem, ...] = ()
    block = rules_text.MANAGEMENT_BLOCK
    if "management" in raw:
        m = c.section(raw, "management", {"block", "items"})
        provenance["management"] = (m.get("source", ""), m.get("confidence", ""))
        block = str(m.get("block") or block)
        management = _items(c, m.get("items"))
    variants = VARIANTS
    if "audit" in raw:
        au = c.section(raw, "audit", {"variants"})
        provenance["audit"] = (au.get("source", ""), au.get("confidence", ""))
        variants = c.names(au.get("variants"), "audit.variants")
        for v in sorted(set(variants) - set(VARIANTS)):
            c.fail("audit.variants", rules_text.UNKNOWN_VARIANT.format(variant=v, known=rules_text.LIST_SEP.join(VARIANTS)))
    if kind == "dept_sheet" and not management:
        c.fail("management", rules_text.NO_MANAGEMENT_ITEMS)

    if not c.errors:
        parts = ex_weight + sum(g.weight for g in groups) + sum(i.points for i in management)
        if abs(parts - total_points) > 1e-6:
            c.fail("total.points",
                   rules_text.PARTS_NOT_TOTAL.format(execution=ex_weight,
                                                     groups="+".join(f"{g.weight:g}" for g in groups))
                   + (rules_text.PLUS_MANAGEMENT.format(points=sum(i.points for i in management)) if management else "")
                   + rules_text.PARTS_END.format(parts=parts, total=total_points))
    if c.errors:
        lines = "\n".join(rules_text.ERROR_ITEM.format(error=e) for e in c.errors)
        raise RuleSetError(rules_text.ERRORS.format(path=path, n=len(c.errors), lines=lines))
    return RuleSet(
        name=str(name), title=str(title), kind=kind, path=path, source=str(raw.get("source", "")),
        illustrative=illustrative, total=total_points, execution_weight=ex_weight, execution_base=ex_base,
        execution_cap=ex_cap, groups=groups, redistribute=tuple(redistribute), bare_value_op=bare_op,
        fraction_rates=fraction_rates, over_threshold=over_threshold, over_deduction=over_deduction,
        reverse_method=reverse, clip_negative=clip_negative, bands=bands, levels=MappingProxyType(levels),
        deadline_missed_level=deadline_missed, keep_tolerance_pp=keep_pp, keep_tolerance_rel=keep_rel,
        keep_means=keep_means, direction_missed_level=missed, direction_short_level=short, grades=grades,
        management=management, management_block=block, provenance=MappingProxyType(provenance),
        lower_words=lower_words, execution_indicators=ex_items, fixed_weights=fixed, variants=variants,
    )


def _groups(c: _Checker, raw: Any) -> tuple[Group, ...]:
    if not isinstance(raw, list) or not raw:
        c.fail("weights.groups", rules_text.NO_GROUPS)
        return ()
    groups, seen = [], set()
    for i, item in enumerate(raw):
        where = f"weights.groups[{i}]"
        if not isinstance(item, dict):
            c.fail(where, rules_text.NOT_A_MAPPING_HERE)
            continue
        for extra in sorted(set(item) - {"name", "weight", "level1", "aliases", "level2", "block"}):
            c.fail(f"{where}.{extra}", rules_text.UNKNOWN_GROUP_KEY)
        name = item.get("name")
        if not isinstance(name, str) or not name:
            c.fail(f"{where}.name", rules_text.MISSING)
            continue
        if name in seen:
            c.fail(f"{where}.name", rules_text.DUPLICATE_GROUP.format(name=name))
        seen.add(name)
        weight = c.number(item.get("weight"), f"{where}.weight", 0)
        # aliases: the labels other forms print for this block (决策/项目决策 …), compared like level1
        labels = c.names(item.get("level1"), f"{where}.level1") + c.names(item.get("aliases"), f"{where}.aliases")
        labels = tuple(split_block_label(v)[0] for v in labels)
        groups.append(Group(name, weight, tuple(dict.fromkeys(labels)) or (name,),
                            tuple(split_block_label(v)[0] for v in c.names(item.get("level2"), f"{where}.level2")),
                            item.get("block")))
    return tuple(groups)


def _bands(c: _Checker, raw: Any) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        c.fail("qualitative.bands", rules_text.NO_BANDS)
        return ()
    bands = []
    for i, item in enumerate(raw):
        where = f"qualitative.bands[{i}]"
        if not isinstance(item, dict) or set(item) - {"name", "low", "high"}:
            c.fail(where, rules_text.BAD_BAND)
            continue
        low = c.number(item.get("low"), f"{where}.low", 0, 1)
        high = c.number(item.get("high"), f"{where}.high", 0, 1)
        if low >= high:
            c.fail(where, rules_text.LOW_NOT_BELOW_HIGH.format(low=low, high=high))
        bands.append(Band(str(item.get("name")), low, high, top=(i == 0)))
    if bands and not c.errors:
        if abs(bands[0].high - 1.0) > 1e-9 or abs(bands[-1].low) > 1e-9:
            c.fail("qualitative.bands", rules_text.BANDS_NOT_COVERING)
        for upper, lower in zip(bands, bands[1:]):
            if abs(upper.low - lower.high) > 1e-9:
                c.fail("qualitative.bands", rules_text.BANDS_NOT_ADJACENT.format(upper=upper.name, lower=lower.name))
    return tuple(bands)


def _levels(c: _Checker, raw: Any, bands: tuple[Band, ...]) -> dict[str, tuple[str, float]]:
    if not isinstance(raw, dict):
        c.fail("qualitative.levels", rules_text.NO_LEVELS.format(levels=rules_text.LIST_SEP.join(LEVELS)))
        return {}
    out = {}
    by_name = {b.name: b for b in bands}
    for level in LEVELS:
        where = f"qualitative.levels.{level}"
        item = raw.get(level)
        if not isinstance(item, dict) or set(item) - {"band", "fraction"}:
            c.fail(where, rules_text.BAD_LEVEL)
            continue
        band = by_name.get(item.get("band"))
        fraction = c.number(item.get("fraction"), f"{where}.fraction", 0, 1)
        if band is None:
            c.fail(f"{where}.band", rules_text.UNKNOWN_BAND.format(known=rules_text.LIST_SEP.join(by_name), value=item.get("band")))
        elif not math.isnan(fraction) and not band.contains(fraction):
            c.fail(f"{where}.fraction", rules_text.FRACTION_OUTSIDE.format(
                fraction=fraction, band=band.name, low=band.low, high=band.high, close="]" if band.top else ")"))
        out[level] = (item.get("band"), fraction)
    for extra in sorted(set(raw) - set(LEVELS)):
        c.fail(f"qualitative.levels.{extra}", rules_text.UNKNOWN_LEVEL.format(known=rules_text.LIST_SEP.join(LEVELS)))
    return out


def _grades(c: _Checker, raw: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, list) or not raw:
        c.fail("grades.bands", rules_text.NO_GRADES)
        return ()
    grades = []
    for i, item in enumerate(raw):
        where = f"grades.bands[{i}]"
        if not isinstance(item, dict) or set(item) - {"grade", "min"} or not isinstance(item.get("grade"), str):
            c.fail(where, rules_text.BAD_GRADE)
            continue
        grades.append((item["grade"], c.number(item.get("min"), f"{where}.min", 0)))
    mins = [m for _, m in grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        c.fail("grades.bands", rules_text.GRADES_NOT_DESCENDING.format(mins=mins))
    if mins and mins[-1] != 0:
        c.fail("grades.bands", rules_text.LAST_GRADE_NOT_ZERO)
    return tuple(grades)


def _items(c: _Checker, raw: Any) -> tuple[ManagementItem, ...]:
    if not isinstance(raw, list):
        c.fail("management.items", rules_text.NO_ITEMS)
        return ()
    items, seen = [], set()
    keys = {"id", "label", "expr", "unit", "points", "method", "target", "bands", "else", "absolute",
            "source", "confidence"}
    for i, item in enumerate(raw):
        where = f"management.items[{i}]"
        if not isinstance(item, dict):
            c.fail(where, rules_text.NOT_A_MAPPING_HERE)
            continue
        for extra in sorted(set(item) - keys):
            c.fail(f"{where}.{extra}", rules_text.UNKNOWN_KEY.format(allowed=rules_text.LIST_SEP.join(sorted(keys))))
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id or item_id in seen:
            c.fail(f"{where}.id", rules_text.ITEM_ID.format(value=item_id))
        seen.add(item_id)
        source, conf = c.provenance(item, where)
        expr = item.get("expr")
        if not isinstance(expr, str) or not expr.strip():
            c.fail(f"{where}.expr", rules_text.NO_EXPR)
        else:
            try:
                parse_expr(expr.replace("{scope}", "whole"))
            except ExprError as err:
                c.fail(f"{where}.expr", str(err))
        points = c.number(item.get("points"), f"{where}.points", 0)
        method = c.choice(item.get("method"), f"{where}.method", ITEM_METHODS)
        target = item.get("target")
        if target is not None:
            target = c.number(target, f"{where}.target", 0, low_open=True)
        bands = []
        if method == "bands":
            for j, b in enumerate(item.get("bands") or []):
                bwhere = f"{where}.bands[{j}]"
                if not isinstance(b, dict) or set(b) - {"op", "value", "points"}:
                    c.fail(bwhere, rules_text.BAD_ITEM_BAND)
                    continue
                op = c.choice(b.get("op"), f"{bwhere}.op", OPS)
                value = c.number(b.get("value"), f"{bwhere}.value")
                got = c.number(b.get("points"), f"{bwhere}.points", 0, points if not math.isnan(points) else None)
                bands.append((op, value, got))
            if not bands:
                c.fail(f"{where}.bands", rules_text.NO_ITEM_BANDS)
        else_points = c.number(item.get("else", 0), f"{where}.else", 0)
        items.append(ManagementItem(
            id=str(item_id), label=str(item.get("label") or item_id), expr=str(expr or ""),
            unit=str(item.get("unit") or ""), points=points, method=method, target=target, bands=tuple(bands),
            else_points=else_points, absolute=c.boolean(item.get("absolute", False), f"{where}.absolute"),
            source=source, confidence=conf,
        ))
    return tuple(items)
