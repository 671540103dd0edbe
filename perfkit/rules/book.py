"""All the rules one department uses, loaded once: the object the pure core is given.

Scoring, checks, comparison and findings never open a rule file; they are
handed a :class:`RuleBook` built here, by :func:`rulebook_for`, from the
references in the department's ``department.yaml`` and ``scopes.csv``.  A
broken rule file raises :class:`~perfkit.errors.RuleSetError` here, once, with
the file named.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# the package, not only its registry: importing it registers the built-in detectors, whose placeholders
# validate the finding rules' templates
from perfkit.findings import placeholders as finding_placeholders
from perfkit.instrument import counted
from perfkit.rules.findings import FindingRules, load_findings_rules
from perfkit.rules.pefa import load_pefa_rules
from perfkit.rules.loading import load_rules
from perfkit.rules.ruleset import RuleSet


@dataclass(frozen=True)
class RuleBook:
    """Scoring rule sets by reference, the finding rules and the PEFA bands of one department."""

    sets: Mapping[str, RuleSet]
    findings: FindingRules
    pefa: Mapping

    def for_scope(self, dept, scope_id: str, year: int | None = None) -> RuleSet:
        """Return the rule set ``scope_id`` follows (chosen by :meth:`Department.rule_set_for`)."""
        return self.sets[dept.rule_set_for(scope_id, year)]


@counted("rules", year_arg=None)
def rulebook_for(dept) -> RuleBook:
    """Return the :class:`RuleBook` of a loaded department; raise RuleSetError on a broken rule file."""
    base = dept.path
    own = str(dept.meta["rule_set"])
    refs = [own] + [r for r in dept.rule_refs() if r != own]
    sets = {ref: load_rules(ref, base_dir=base) for ref in refs}
    findings = load_findings_rules(dept.meta.get("findings"), base, finding_placeholders())
    return RuleBook(sets=MappingProxyType(sets), findings=findings, pefa=MappingProxyType(load_pefa_rules()))
