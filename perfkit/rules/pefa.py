"""The PEFA 2016 band table (``pefa2016.yaml``): read and validated.

domain.md §5: PI-1 aggregate outturn and PI-2 composition variance are graded
A–D by bands that live in a rule file, like every threshold perfkit uses.
"""
from __future__ import annotations

from pathlib import Path

from perfkit.errors import RuleSetError
from perfkit.rules.files import BUILTIN_RULES_DIR, read_yaml
from perfkit.text import rules as rules_text

PEFA_GRADES = ("A", "B", "C", "D")
PEFA_RULES_FILE = BUILTIN_RULES_DIR / "pefa2016.yaml"


def _read_pefa(path: str) -> dict:
    p = Path(path)
    rules = read_yaml(p, rules_text.PEFA_FILE)
    problems = _pefa_problems(rules)
    if problems:
        raise RuleSetError(rules_text.PEFA_PROBLEMS.format(path=p, n=len(problems))
                          + "\n".join(rules_text.ERROR_ITEM.format(error=x) for x in problems))
    return rules


def _pefa_problems(rules) -> list[str]:
    """Return every problem of a PEFA rule set (empty when usable)."""
    if not isinstance(rules, dict):
        return [rules_text.PEFA_NOT_MAPPING]
    out = []
    window, required = rules.get("window_years"), rules.get("years_required")
    if not isinstance(window, int) or window < 1:
        out.append(rules_text.PEFA_WINDOW.format(value=window))
    if not isinstance(required, int) or required < 1 or (isinstance(window, int) and required > window):
        out.append(rules_text.PEFA_REQUIRED.format(value=required))
    for section, fields in (("pi1", ("low", "high")), ("pi2", ("below",))):
        block = rules.get(section)
        if not isinstance(block, dict) or not isinstance(block.get("bands"), list) or not block["bands"]:
            out.append(rules_text.PEFA_NO_BANDS.format(section=section))
            continue
        for i, band in enumerate(block["bands"]):
            if not isinstance(band, dict) or band.get("grade") not in PEFA_GRADES:
                out.append(rules_text.PEFA_BAD_GRADE.format(section=section, i=i, grades="/".join(PEFA_GRADES)))
                continue
            for f in fields:
                if not isinstance(band.get(f), (int, float)):
                    out.append(rules_text.PEFA_MISSING_FIELD.format(section=section, i=i, grade=band["grade"], field=f))
        if block.get("else") not in PEFA_GRADES:
            out.append(rules_text.PEFA_BAD_ELSE.format(section=section, grades="/".join(PEFA_GRADES)))
    return out


def load_pefa_rules(path: str | Path | None = None) -> dict:
    """Return the PEFA 2016 bands and window, validated, from ``perfkit/rules/pefa2016.yaml`` or ``path``.

    Raises
    ------
    RuleSetError
        When the file is missing, unreadable, or a band lacks its numbers.
    """
    return _read_pefa(str(Path(path) if path is not None else PEFA_RULES_FILE))
