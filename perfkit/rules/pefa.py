"""The PEFA 2016 band table (``pefa2016.yaml``): read and validated.

domain.md §5: PI-1 aggregate outturn and PI-2 composition variance are graded
A–D by bands that live in a rule file, like every threshold perfkit uses.
"""
from __future__ import annotations

from pathlib import Path

from perfkit.errors import RuleSetError
from perfkit.rules.files import BUILTIN_RULES_DIR, read_yaml

PEFA_GRADES = ("A", "B", "C", "D")
PEFA_RULES_FILE = BUILTIN_RULES_DIR / "pefa2016.yaml"


def _read_pefa(path: str) -> dict:
    p = Path(path)
    rules = read_yaml(p, "PEFA 规则文件")
    problems = _pefa_problems(rules)
    if problems:
        raise RuleSetError(f"{p}：PEFA 规则有 {len(problems)} 个问题：\n" + "\n".join(f"  - {x}" for x in problems))
    return rules


def _pefa_problems(rules) -> list[str]:
    """Return every problem of a PEFA rule set (empty when usable)."""
    if not isinstance(rules, dict):
        return ["应为键值对（YAML 映射）"]
    out = []
    window, required = rules.get("window_years"), rules.get("years_required")
    if not isinstance(window, int) or window < 1:
        out.append(f"window_years 应为正整数（当前：{window!r}）")
    if not isinstance(required, int) or required < 1 or (isinstance(window, int) and required > window):
        out.append(f"years_required 应为 1 到 window_years 之间的整数（当前：{required!r}）")
    for section, fields in (("pi1", ("low", "high")), ("pi2", ("below",))):
        block = rules.get(section)
        if not isinstance(block, dict) or not isinstance(block.get("bands"), list) or not block["bands"]:
            out.append(f"{section}.bands 应为非空列表")
            continue
        for i, band in enumerate(block["bands"]):
            if not isinstance(band, dict) or band.get("grade") not in PEFA_GRADES:
                out.append(f"{section}.bands[{i}] 的 grade 应为 {'/'.join(PEFA_GRADES)}")
                continue
            for f in fields:
                if not isinstance(band.get(f), (int, float)):
                    out.append(f"{section}.bands[{i}]（{band['grade']}）缺少数值字段 {f}")
        if block.get("else") not in PEFA_GRADES:
            out.append(f"{section}.else 应为 {'/'.join(PEFA_GRADES)}")
    return out


def load_pefa_rules(path: str | Path | None = None) -> dict:
    """Return the PEFA 2016 bands and window, validated, from ``perfkit/rules/pefa2016.yaml`` or ``path``.

    Raises
    ------
    RuleSetError
        When the file is missing, unreadable, or a band lacks its numbers.
    """
    return _read_pefa(str(Path(path) if path is not None else PEFA_RULES_FILE))
