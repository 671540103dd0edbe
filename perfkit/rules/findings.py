"""The finding rules file (``findings.yaml``, or a department's copy): read, merged, validated.

Thresholds, severities and the Chinese wording of problems and recommendations
are data: a department overrides them with ``findings:`` in its
``department.yaml``.  The caller says which rule codes exist and which
placeholders each one's templates may use, with sample values
(:func:`perfkit.findings.registry.placeholders`, filled by the detectors that
fire the rules), so a template with an unknown placeholder is an error when the
file is loaded, not when a report is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from perfkit.errors import RuleSetError
from perfkit.rules.files import BUILTIN_RULES_DIR, read_yaml

SECTION_MAIN = "存在的主要问题"
SECTION_APPENDIX = "附录"
SECTIONS = (SECTION_MAIN, SECTION_APPENDIX)
SEVERITIES = ("高", "中", "低")
BUILTIN_FINDINGS = BUILTIN_RULES_DIR / "findings.yaml"

# phrase key -> sample values (phrases that are mappings are checked key by key with the same samples)
_PHRASES: dict[str, dict[str, Any]] = {
    "empty": {}, "target_from_name": {"target": "≥100%"}, "listed_text": {"indicator": "甲", "text": "提升"},
    "listed_target": {"indicator": "甲", "target": "≥95%"}, "amounts_missing": {"scope_name": "甲", "missing": "预算数"},
    "amount_words": {}, "progress_item": {"month": 4, "rate": 0.12, "required": 0.25},
    "unverified_direction": {"names": "甲、乙"}, "table_subject": {"label": "甲", "file": "indicators.csv", "row": 5},
    "gap_below": {"amount": "15人"}, "gap_above": {"amount": "1天"}, "gap_points_below": {"amount": "4.5"},
    "gap_points_above": {"amount": "4.5"}, "gap_direction": {"direction": "上升", "prior": "350人", "actual": "340人"},
    "gap_level": {"level": "未达成"}, "gap_unknown": {},
    "change_points": {"word": "下降", "amount": 2.0}, "change_relative": {"word": "下降", "pct": 12.5, "prior": "8个",
                                                                        "current": "7个"},
    "change_lower_better": {"change": "上升12.5%"}, "flat_points": {"amount": 0.0}, "flat": {"amount": "0个"},
    "words": {},
    "suggest_direction_amount": {"word": "下降", "amount": "13.8%"},
    "suggest_direction_level": {"level": "98%", "actual": "98%"},
    "suggest_direction_prior": {"prior": "98%"}, "suggest_direction_none": {},
    "suggest_vague": {}, "suggest_bare": {"target": "263"}, "suggest_in_name": {"target": "≥100%"}, "status": {},
}
_PHRASE_KEYS = {"amount_words": ("both", "budget", "executed"), "words": ("up", "down", "keep"),
                "suggest_direction_level": ("up", "down", "keep"), "suggest_direction_prior": ("up", "down", "keep"),
                "suggest_direction_none": ("up", "down", "keep"),
                "suggest_vague": ("satisfaction", "deadline", "rate", "other"),
                "status": ("missed", "over_completion")}
_NUMERIC_PARAMS = ("threshold", "max_rate", "min_amount", "min_points", "min_relative", "expected_total")
_LIST_PARAMS = ("keywords", "levels", "scope_types", "suppressed_by", "require_for", "exclude_checks", "checks",
                "level1", "directions")


# --------------------------------------------------------------------------- the rules file


@dataclass(frozen=True)
class RulePlaceholders:
    """The placeholders one rule code's templates may use, with sample values to validate them.

    Attributes
    ----------
    values : mapping
        Placeholder -> sample value, for ``problem`` and ``recommendations``.
    item : mapping, optional
        Placeholder -> sample value, for ``item_recommendation``: given only for
        rules whose findings list several items (indicators merged into one
        finding per scope, see ``group``).
    """

    values: Mapping[str, Any]
    item: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class FindingRules:
    """The finding rules in force: per rule code, its settings and templates."""

    rules: dict
    source: str = ""
    meta: dict = field(default_factory=dict)
    phrases: dict = field(default_factory=dict)

    def get(self, code: str) -> dict:
        """Return one rule's settings."""
        return self.rules[code]

    def enabled(self, code: str) -> bool:
        """Return whether a rule is switched on (a rule code without settings here is off)."""
        return code in self.rules and bool(self.rules[code].get("enabled", True))


def load_findings_rules(ref: str | Path | None, base_dir: str | Path | None,
                        placeholders: Mapping[str, RulePlaceholders]) -> FindingRules:
    """Return the finding rules: the built-in file, overlaid with ``ref`` when given.

    Parameters
    ----------
    ref : str or Path, optional
        A findings file (absolute, or relative to ``base_dir``).  None, ``findings``
        or ``default`` mean the built-in ``perfkit/rules/findings.yaml``.  A user file
        overrides the built-in one field by field per rule code, so both a full
        copy and a file holding only the changed fields work.
    base_dir : str or Path, optional
        Where relative paths are resolved (the department's directory).
    placeholders : mapping of str to RulePlaceholders
        The rule codes perfkit can fire and the placeholders each provides
        (:func:`perfkit.findings.registry.placeholders`).  A user file may
        add settings for a code here that the built-in file does not have.

    Raises
    ------
    RuleSetError
        The file is missing or unreadable, names an unknown rule, or a template
        uses a placeholder its rule does not provide.
    """
    builtin = _read_yaml(BUILTIN_FINDINGS)
    source = str(BUILTIN_FINDINGS)
    merged = {k: v for k, v in builtin.items() if k not in ("rules", "phrases")}
    rules = {code: dict(cfg) for code, cfg in (builtin.get("rules") or {}).items()}
    phrases = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (builtin.get("phrases") or {}).items()}
    if ref is not None and str(ref) not in ("findings", "default", "builtin", ""):
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        user = _read_yaml(path)
        source = str(path)
        user_rules = user.get("rules") or {}
        if not isinstance(user_rules, dict):
            raise RuleSetError(f"问题与建议规则文件 {path}：「rules」应为“规则代码: 设置”的映射")
        for code, cfg in user_rules.items():
            if code not in rules and code not in placeholders:
                raise RuleSetError(f"问题与建议规则文件 {path}：未知的规则代码「{code}」；"
                                   f"可用：{'、'.join(dict.fromkeys([*rules, *placeholders]))}")
            if not isinstance(cfg, dict):
                raise RuleSetError(f"问题与建议规则文件 {path}：规则「{code}」的设置应为映射")
            rules[code] = {**rules.get(code, {}), **cfg}
        user_phrases = user.get("phrases") or {}
        if not isinstance(user_phrases, dict):
            raise RuleSetError(f"问题与建议规则文件 {path}：「phrases」应为“短语名: 模板”的映射")
        for key, value in user_phrases.items():
            if key not in phrases:
                raise RuleSetError(f"问题与建议规则文件 {path}：未知的短语「{key}」；可用：{'、'.join(phrases)}")
            phrases[key] = {**phrases[key], **value} if isinstance(phrases[key], dict) and isinstance(value, dict) \
                else value
        merged.update({k: v for k, v in user.items() if k not in ("rules", "phrases")})
    for code, cfg in rules.items():
        rules[code] = _validated(code, cfg, source, placeholders)
    cut = merged.get("main_min_severity")
    if cut not in (None, "") and cut not in SEVERITIES:
        raise RuleSetError(f"问题与建议规则文件 {source}：main_min_severity 应为 {'、'.join(SEVERITIES)} 之一或留空，"
                           f"而不是「{cut}」")
    return FindingRules(rules=rules, source=source, meta=merged, phrases=_validated_phrases(phrases, source))


def _validated_phrases(phrases: dict, source: str) -> dict:
    """Return the phrases with templates cleaned; raise RuleSetError on a missing key or a bad placeholder."""
    out = {}
    for key, samples in _PHRASES.items():
        where = f"问题与建议规则文件 {source}：短语「{key}」"
        value = phrases.get(key)
        subkeys = _PHRASE_KEYS.get(key)
        if subkeys:
            if not isinstance(value, dict) or any(k not in value for k in subkeys):
                raise RuleSetError(f"{where} 应为映射，包含：{'、'.join(subkeys)}")
            out[key] = {k: _clean_template(value[k]) for k in subkeys}
            for k in subkeys:
                _try_format(out[key][k], samples, where, k)
        else:
            if value is None or isinstance(value, (dict, list)):
                raise RuleSetError(f"{where} 缺失或不是一句文字")
            out[key] = _clean_template(value)
            _try_format(out[key], samples, where, "模板")
    return out


def _read_yaml(path: Path) -> dict:
    return read_yaml(path, "问题与建议规则文件")


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f{}])[ \t]+(?=[^\x00-\x7f{}])")


def _clean_template(text: str) -> str:
    """Return a template with YAML line breaks removed: Chinese sentences run on without spaces."""
    joined = "".join(line.strip() for line in str(text).splitlines())
    return _CJK_GAP.sub("", joined)


def _validated(code: str, cfg: dict, source: str, placeholders: Mapping[str, RulePlaceholders]) -> dict:
    """Return a rule's settings, checked, with templates cleaned; raise RuleSetError otherwise."""
    where = f"问题与建议规则文件 {source}：规则「{code}」"
    if code not in placeholders:
        raise RuleSetError(f"{where}：perfkit 不认识这条规则（可用：{'、'.join(placeholders)}）")
    provided = placeholders[code]
    out = dict(cfg)
    out.setdefault("enabled", True)
    out.setdefault("title", code)
    for key in ("section", "severity", "problem", "recommendations"):
        if out.get(key) in (None, ""):
            raise RuleSetError(f"{where}：缺少「{key}」")
    if out["section"] not in SECTIONS:
        raise RuleSetError(f"{where}：section 应为 {' 或 '.join(SECTIONS)}，而不是「{out['section']}」")
    if out["severity"] not in SEVERITIES:
        raise RuleSetError(f"{where}：severity 应为 高、中 或 低，而不是「{out['severity']}」")
    for band in out.get("bands") or []:
        if (not isinstance(band, dict) or not isinstance(band.get("below"), (int, float))
                or band.get("severity") not in SEVERITIES):
            raise RuleSetError(f"{where}：bands 的每一档应为 {{below: 数值, severity: 高/中/低}}，而不是「{band}」")
    for key in _NUMERIC_PARAMS:
        if key in out and (not isinstance(out[key], (int, float)) or isinstance(out[key], bool)):
            raise RuleSetError(f"{where}：「{key}」应为数值，而不是「{out[key]}」")
    for key in _LIST_PARAMS:
        if key in out and not isinstance(out[key] or [], list):
            raise RuleSetError(f"{where}：「{key}」应为列表")
    for key in ("enabled", "skip_sub_rows", "consecutive_only"):
        if key in out and not isinstance(out[key], bool):
            raise RuleSetError(f"{where}：「{key}」应为 true 或 false，而不是「{out[key]}」")
    for other in out.get("suppressed_by") or []:
        if other not in placeholders:
            raise RuleSetError(f"{where}：suppressed_by 中的「{other}」不是规则代码")
    if "check_severity" in out:
        cs = out["check_severity"]
        if not isinstance(cs, dict) or not all(v in SEVERITIES for v in cs.values()):
            raise RuleSetError(f"{where}：check_severity 应为“核对级别: 高/中/低”的映射")
    if "checkpoints" in out:
        cps = out["checkpoints"]
        if (not isinstance(cps, dict) or not all(isinstance(m, int) and 1 <= m <= 12 for m in cps)
                or not all(isinstance(v, (int, float)) for v in cps.values())):
            raise RuleSetError(f"{where}：checkpoints 应为“月份(1–12): 进度比例”的映射")
    groupable = provided.item is not None
    group = out.get("group", "scope" if groupable else None)
    if groupable and group not in ("scope", "indicator"):
        raise RuleSetError(f"{where}：group 应为 scope 或 indicator")
    out["group"] = group
    if isinstance(out["recommendations"], str):
        out["recommendations"] = [out["recommendations"]]
    if not isinstance(out["recommendations"], list):
        raise RuleSetError(f"{where}：recommendations 应为句子列表")
    out["problem"] = _clean_template(out["problem"])
    out["recommendations"] = [_clean_template(r) for r in out["recommendations"]]
    if out.get("item_recommendation"):
        out["item_recommendation"] = _clean_template(out["item_recommendation"])
    templates = [("problem", out["problem"])] + [("recommendations", r) for r in out["recommendations"]]
    for name, template in templates:
        _try_format(template, provided.values, where, name)
    if out.get("item_recommendation"):
        if not groupable:  # only findings that list items fill it: refuse it rather than drop it unseen
            raise RuleSetError(f"{where}：这条规则的问题不逐项列出指标，不能设 item_recommendation")
        _try_format(out["item_recommendation"], provided.item, where, "item_recommendation")
    return out


def _try_format(template: str, samples: dict, where: str, name: str) -> None:
    try:
        template.format_map(samples)
    except KeyError as exc:
        raise RuleSetError(f"{where} 的 {name} 模板用了未知的占位符 {{{exc.args[0]}}}；"
                           f"可用：{'、'.join('{' + k + '}' for k in samples)}") from None
    except (ValueError, IndexError, AttributeError) as exc:
        raise RuleSetError(f"{where} 的 {name} 模板格式有误（{exc}）：{template}") from None
