"""The finding rules file (``findings.yaml``, or a department's copy): read, merged, validated.

Thresholds, severities and the Chinese wording of problems and recommendations
are data: a department overrides them with ``findings:`` in its
``department.yaml``.  Each rule code declares the placeholders its templates
may use, with sample values, so a template with an unknown placeholder is an
error when the file is loaded, not when a report is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import RuleSetError
from perfkit.rules.files import BUILTIN_RULES_DIR, read_yaml

SECTION_MAIN = "存在的主要问题"
SECTION_APPENDIX = "附录"
SECTIONS = (SECTION_MAIN, SECTION_APPENDIX)
SEVERITIES = ("高", "中", "低")
BUILTIN_FINDINGS = BUILTIN_RULES_DIR / "findings.yaml"

# Placeholders every template may use, with sample values used to validate templates on load.
_COMMON = {"year": 2023, "department": "示例部门", "scope_id": "whole", "scope_name": "部门整体支出",
           "scope_type": "部门整体", "subject": "示例"}
_EXEC = {"budget": 100.0, "executed": 80.0, "unspent": 20.0, "rate": 0.8, "threshold": 0.9}
_IND = {"indicator": "示例指标", "level1": "产出指标", "level2": "数量指标", "target": "≥95%", "actual": "90%"}
_GROUP = {"count": 2, "items": "甲（提升）、乙（保持）", "names": "甲、乙", "note": ""}
_ITEM = {"indicator": "示例指标", "target": "提升", "actual": "", "suggestion": "“≥95%”"}

# rule code -> sample values of the placeholders its templates may use
_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    "exec_rate_whole": _EXEC,
    "exec_rate_project": _EXEC,
    "exec_rate_line": {**_EXEC, "line": "项目支出", "line_type": "支出类型"},
    "underspent": {**_EXEC, "max_rate": 0.6, "min_amount": 0.0},
    "low_spending_noted": {"quote": "实际支出量偏低", "counts": "2宗、2人", "budget_status": "数据中没有预算数"},
    "progress_behind": {"missed": "4月末累计执行12.0%（应不低于25%）", "n_missed": 1, "worst_month": 4,
                        "worst_rate": 0.12, "worst_required": 0.25, "budget": 100.0},
    "indicator_missed": {**_IND, "attainment": 0.85, "attainment_text": "85%", "gap": "差5个百分点", "reason": ""},
    "indicator_partly_met": {**_IND, "level": "部分达成"},
    "met_at_boundary": {**_IND, "prior": "98.00%", "prior_year": 2022, "change": "变动0.00个百分点"},
    "over_completion": {**_IND, "attainment": 1.4, "threshold": 1.3},
    "target_directional": _GROUP,
    "target_vague": _GROUP,
    "target_bare_value": _GROUP,
    "target_in_name": _GROUP,
    "target_missing": _GROUP,
    "actual_copies_target": _GROUP,
    "actual_missing": _GROUP,
    "yoy_indicator_decline": {**_IND, "prior": "98%", "prior_year": 2022, "change": "下降2.00个百分点"},
    "yoy_score_decline": {"prior_year": 2022, "prior_score": 92.0, "score": 88.0, "drop": 4.0,
                          "prior_grade": "优", "grade": "良"},
    "stated_mismatch": {"label": "预算完成率", "stated": "98.3%", "recomputed": "99.255", "unit": "%",
                        "difference": "-0.955", "detail": "", "check": "stated_figure"},
    "table_arithmetic": {"label": "得分超过分值", "stated": "12", "recomputed": "10", "difference": "2",
                         "detail": "", "check": "score_above_weight"},
    "weights_sum": {"total": 110.0, "expected": 100.0, "indicator_weight": 100.0, "execution_weight": 10.0,
                    "management_weight": 0.0, "n_missing": 0, "detail": ""},
    "deviation_unexplained": {**_IND, "status": "未完成"},
}
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
GROUPABLE = ("target_directional", "target_vague", "target_bare_value", "target_in_name", "target_missing",
             "actual_copies_target", "actual_missing")
_NUMERIC_PARAMS = ("threshold", "max_rate", "min_amount", "min_points", "min_relative", "expected_total")
_LIST_PARAMS = ("keywords", "levels", "scope_types", "suppressed_by", "require_for", "exclude_checks", "checks",
                "level1", "directions")


# --------------------------------------------------------------------------- the rules file


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
        """Return whether a rule is switched on."""
        return bool(self.rules.get(code, {}).get("enabled", True))


def load_findings_rules(ref: str | Path | None = None, base_dir: str | Path | None = None) -> FindingRules:
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
            if code not in rules:
                raise RuleSetError(f"问题与建议规则文件 {path}：未知的规则代码「{code}」；"
                                   f"可用：{'、'.join(rules)}")
            if not isinstance(cfg, dict):
                raise RuleSetError(f"问题与建议规则文件 {path}：规则「{code}」的设置应为映射")
            rules[code] = {**rules[code], **cfg}
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
        rules[code] = _validated(code, cfg, source)
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


def findings_rules_for(dept) -> FindingRules:
    """Return the finding rules a department uses (its ``findings:`` file, else the built-in one)."""
    ref = (getattr(dept, "meta", None) or {}).get("findings")
    return load_findings_rules(ref, getattr(dept, "path", None))


def _read_yaml(path: Path) -> dict:
    return read_yaml(path, "问题与建议规则文件")


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f{}])[ \t]+(?=[^\x00-\x7f{}])")


def _clean_template(text: str) -> str:
    """Return a template with YAML line breaks removed: Chinese sentences run on without spaces."""
    joined = "".join(line.strip() for line in str(text).splitlines())
    return _CJK_GAP.sub("", joined)


def _validated(code: str, cfg: dict, source: str) -> dict:
    """Return a rule's settings, checked, with templates cleaned; raise RuleSetError otherwise."""
    where = f"问题与建议规则文件 {source}：规则「{code}」"
    if code not in _PLACEHOLDERS:
        raise RuleSetError(f"{where}：perfkit 不认识这条规则（可用：{'、'.join(_PLACEHOLDERS)}）")
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
        if other not in _PLACEHOLDERS:
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
    group = out.get("group", "scope" if code in GROUPABLE else None)
    if code in GROUPABLE and group not in ("scope", "indicator"):
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
    samples = {**_COMMON, **_PLACEHOLDERS[code]}
    templates = [("problem", out["problem"])] + [("recommendations", r) for r in out["recommendations"]]
    for name, template in templates:
        _try_format(template, samples, where, name)
    if out.get("item_recommendation"):
        _try_format(out["item_recommendation"], {**_COMMON, **_ITEM}, where, "item_recommendation")
    return out


def _try_format(template: str, samples: dict, where: str, name: str) -> None:
    try:
        template.format_map(samples)
    except KeyError as exc:
        raise RuleSetError(f"{where} 的 {name} 模板用了未知的占位符 {{{exc.args[0]}}}；"
                           f"可用：{'、'.join('{' + k + '}' for k in samples)}") from None
    except (ValueError, IndexError, AttributeError) as exc:
        raise RuleSetError(f"{where} 的 {name} 模板格式有误（{exc}）：{template}") from None
