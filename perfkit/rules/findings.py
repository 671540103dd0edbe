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
from perfkit.text import rules as rules_text

# Recognised input, not output: the sections and severities findings.yaml is written in; the sample values
# a template is test-filled with when the file is read (never shown).
RECOGNISED_INPUT = ("SECTION_MAIN", "SECTION_APPENDIX", "SEVERITIES", "_PHRASES")
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
            raise RuleSetError(rules_text.FINDINGS_RULES_NOT_MAPPING.format(path=path))
        for code, cfg in user_rules.items():
            if code not in rules and code not in placeholders:
                raise RuleSetError(rules_text.FINDINGS_UNKNOWN_CODE.format(
                    path=path, code=code, known=rules_text.LIST_SEP.join(dict.fromkeys([*rules, *placeholders]))))
            if not isinstance(cfg, dict):
                raise RuleSetError(rules_text.FINDINGS_RULE_NOT_MAPPING.format(path=path, code=code))
            rules[code] = {**rules.get(code, {}), **cfg}
        user_phrases = user.get("phrases") or {}
        if not isinstance(user_phrases, dict):
            raise RuleSetError(rules_text.FINDINGS_PHRASES_NOT_MAPPING.format(path=path))
        for key, value in user_phrases.items():
            if key not in phrases:
                raise RuleSetError(rules_text.FINDINGS_UNKNOWN_PHRASE.format(path=path, key=key,
                                                                             known=rules_text.LIST_SEP.join(phrases)))
            phrases[key] = {**phrases[key], **value} if isinstance(phrases[key], dict) and isinstance(value, dict) \
                else value
        merged.update({k: v for k, v in user.items() if k not in ("rules", "phrases")})
    for code, cfg in rules.items():
        rules[code] = _validated(code, cfg, source, placeholders)
    cut = merged.get("main_min_severity")
    if cut not in (None, "") and cut not in SEVERITIES:
        raise RuleSetError(rules_text.FINDINGS_MAIN_SEVERITY.format(path=source, severities=rules_text.LIST_SEP.join(SEVERITIES),
                                                                  value=cut))
    return FindingRules(rules=rules, source=source, meta=merged, phrases=_validated_phrases(phrases, source))


def _validated_phrases(phrases: dict, source: str) -> dict:
    """Return the phrases with templates cleaned; raise RuleSetError on a missing key or a bad placeholder."""
    out = {}
    for key, samples in _PHRASES.items():
        where = rules_text.AT_PHRASE.format(path=source, key=key)
        value = phrases.get(key)
        subkeys = _PHRASE_KEYS.get(key)
        if subkeys:
            if not isinstance(value, dict) or any(k not in value for k in subkeys):
                raise RuleSetError(rules_text.PHRASE_KEYS.format(where=where, keys=rules_text.LIST_SEP.join(subkeys)))
            out[key] = {k: _clean_template(value[k]) for k in subkeys}
            for k in subkeys:
                _try_format(out[key][k], samples, where, k)
        else:
            if value is None or isinstance(value, (dict, list)):
                raise RuleSetError(rules_text.PHRASE_NOT_TEXT.format(where=where))
            out[key] = _clean_template(value)
            _try_format(out[key], samples, where, rules_text.TEMPLATE)
    return out


def _read_yaml(path: Path) -> dict:
    return read_yaml(path, rules_text.FINDINGS_FILE)


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f{}])[ \t]+(?=[^\x00-\x7f{}])")


def _clean_template(text: str) -> str:
    """Return a template with YAML line breaks removed: Chinese sentences run on without spaces."""
    joined = "".join(line.strip() for line in str(text).splitlines())
    return _CJK_GAP.sub("", joined)


def _validated(code: str, cfg: dict, source: str, placeholders: Mapping[str, RulePlaceholders]) -> dict:
    """Return a rule's settings, checked, with templates cleaned; raise RuleSetError otherwise."""
    where = rules_text.AT_RULE.format(path=source, code=code)
    if code not in placeholders:
        raise RuleSetError(rules_text.UNKNOWN_RULE.format(where=where, known=rules_text.LIST_SEP.join(placeholders)))
    provided = placeholders[code]
    out = dict(cfg)
    out.setdefault("enabled", True)
    out.setdefault("title", code)
    for key in ("section", "severity", "problem", "recommendations"):
        if out.get(key) in (None, ""):
            raise RuleSetError(rules_text.MISSING_RULE_KEY.format(where=where, key=key))
    if out["section"] not in SECTIONS:
        raise RuleSetError(rules_text.BAD_SECTION.format(where=where, sections=rules_text.OR.join(SECTIONS),
                                                          value=out["section"]))
    if out["severity"] not in SEVERITIES:
        raise RuleSetError(rules_text.BAD_SEVERITY.format(where=where, value=out["severity"]))
    for band in out.get("bands") or []:
        if (not isinstance(band, dict) or not isinstance(band.get("below"), (int, float))
                or band.get("severity") not in SEVERITIES):
            raise RuleSetError(rules_text.BAD_SEVERITY_BAND.format(where=where, band=band))
    for key in _NUMERIC_PARAMS:
        if key in out and (not isinstance(out[key], (int, float)) or isinstance(out[key], bool)):
            raise RuleSetError(rules_text.NOT_NUMERIC.format(where=where, key=key, value=out[key]))
    for key in _LIST_PARAMS:
        if key in out and not isinstance(out[key] or [], list):
            raise RuleSetError(rules_text.NOT_A_LIST.format(where=where, key=key))
    for key in ("enabled", "skip_sub_rows", "consecutive_only"):
        if key in out and not isinstance(out[key], bool):
            raise RuleSetError(rules_text.NOT_TRUE_FALSE.format(where=where, key=key, value=out[key]))
    for other in out.get("suppressed_by") or []:
        if other not in placeholders:
            raise RuleSetError(rules_text.UNKNOWN_SUPPRESSOR.format(where=where, other=other))
    if "check_severity" in out:
        cs = out["check_severity"]
        if not isinstance(cs, dict) or not all(v in SEVERITIES for v in cs.values()):
            raise RuleSetError(rules_text.BAD_CHECK_SEVERITY.format(where=where))
    if "checkpoints" in out:
        cps = out["checkpoints"]
        if (not isinstance(cps, dict) or not all(isinstance(m, int) and 1 <= m <= 12 for m in cps)
                or not all(isinstance(v, (int, float)) for v in cps.values())):
            raise RuleSetError(rules_text.BAD_CHECKPOINTS.format(where=where))
    groupable = provided.item is not None
    group = out.get("group", "scope" if groupable else None)
    if groupable and group not in ("scope", "indicator"):
        raise RuleSetError(rules_text.BAD_GROUP.format(where=where))
    out["group"] = group
    if isinstance(out["recommendations"], str):
        out["recommendations"] = [out["recommendations"]]
    if not isinstance(out["recommendations"], list):
        raise RuleSetError(rules_text.BAD_RECOMMENDATIONS.format(where=where))
    out["problem"] = _clean_template(out["problem"])
    out["recommendations"] = [_clean_template(r) for r in out["recommendations"]]
    if out.get("item_recommendation"):
        out["item_recommendation"] = _clean_template(out["item_recommendation"])
    templates = [("problem", out["problem"])] + [("recommendations", r) for r in out["recommendations"]]
    for name, template in templates:
        _try_format(template, provided.values, where, name)
    if out.get("item_recommendation"):
        if not groupable:  # only findings that list items fill it: refuse it rather than drop it unseen
            raise RuleSetError(rules_text.NO_ITEM_RECOMMENDATION.format(where=where))
        _try_format(out["item_recommendation"], provided.item, where, "item_recommendation")
    return out


def _try_format(template: str, samples: dict, where: str, name: str) -> None:
    try:
        template.format_map(samples)
    except KeyError as exc:
        raise RuleSetError(rules_text.UNKNOWN_PLACEHOLDER.format(
            where=where, name=name, placeholder=exc.args[0],
            known=rules_text.LIST_SEP.join(rules_text.PLACEHOLDER.format(name=k) for k in samples))) from None
    except (ValueError, IndexError, AttributeError) as exc:
        raise RuleSetError(rules_text.BAD_TEMPLATE.format(where=where, name=name, error=exc, template=template)) from None
