"""The registry of detectors: which function fires which finding rules, and what their templates may say.

A detector is a function ``detect(ctx) -> list[Hit]`` that reads one kind of
evidence from the :class:`~perfkit.findings.derive.Context` and returns the
rules that fired (:class:`~perfkit.findings.model.Hit`).  It registers itself
with :func:`detector`, naming the rule codes it fires and, per code, the
template placeholders its hits fill, with sample values.  Those samples are what
a findings file's templates are validated against when it is loaded
(:func:`perfkit.rules.findings.load_findings_rules`, given :func:`placeholders`),
so adding a rule touches one detector module, its wording in
``perfkit/rules/findings.yaml`` and its test.

:func:`~perfkit.findings.derive.derive_findings` runs every registered
detector, in the order they registered; ``perfkit.findings`` imports the
built-in detector modules, so importing it fills the registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

from perfkit.ingest.schema import WHOLE_SCOPE_TYPE
from perfkit.rules.findings import RulePlaceholders
from perfkit.text import samples

#: placeholders every template may use, with sample values: derive fills them for every finding
COMMON_PLACEHOLDERS: Mapping[str, Any] = MappingProxyType({
    "year": 2023, "department": samples.DEPARTMENT, "scope_id": "whole", "scope_name": samples.SCOPE_NAME,
    "scope_type": WHOLE_SCOPE_TYPE, "subject": samples.SUBJECT})


@dataclass(frozen=True)
class Detector:
    """A registered detector: its function, the rule codes it fires and their placeholders."""

    name: str
    func: Callable
    codes: tuple[str, ...]
    placeholders: Mapping[str, RulePlaceholders]


# detector name (module.qualname) -> Detector, in registration order
_REGISTERED: dict[str, Detector] = {}


def _name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def detector(*codes: str, placeholders: Mapping[str, Mapping[str, Any]],
             items: Mapping[str, Mapping[str, Any]] | None = None) -> Callable[[Callable], Callable]:
    """Return a decorator that registers a detector function for ``codes`` and returns it unchanged.

    Parameters
    ----------
    *codes : str
        The rule codes (keys of ``findings.yaml``) the detector's hits carry.
    placeholders : mapping
        Rule code -> the placeholders its hits' ``values`` fill, with a sample value
        each (``{"rate": 0.8, ...}``); one entry per code.  The
        :data:`COMMON_PLACEHOLDERS` are added.
    items : mapping, optional
        Rule code -> the placeholders of one listed item, for codes whose hits
        carry an ``item`` (merged into one finding per scope); those rules may
        have an ``item_recommendation`` template.

    Raises
    ------
    ValueError
        ``placeholders`` or ``items`` do not match ``codes``, or a code is already
        fired by another registered detector.
    """
    items = dict(items or {})
    if not codes or set(placeholders) != set(codes) or not set(items) <= set(codes):
        raise ValueError(f"detector codes {codes} need one placeholders entry each (got {sorted(placeholders)}) "
                         f"and items only for those codes (got {sorted(items)})")
    specs = {code: RulePlaceholders(
        values=MappingProxyType({**COMMON_PLACEHOLDERS, **placeholders[code]}),
        item=MappingProxyType({**COMMON_PLACEHOLDERS, **items[code]}) if code in items else None)
        for code in codes}

    def register(func: Callable) -> Callable:
        name = _name(func)
        for other in _REGISTERED.values():
            clash = set(codes) & set(other.codes)
            if other.name != name and clash:
                raise ValueError(f"rule codes {sorted(clash)} are already fired by {other.name}")
        _REGISTERED[name] = Detector(name=name, func=func, codes=tuple(codes), placeholders=MappingProxyType(specs))
        return func

    return register


def unregister(func: Callable) -> None:
    """Remove a registered detector (a test's, or a built-in one a plugin replaces); absent ones are ignored."""
    _REGISTERED.pop(_name(func), None)


def detectors() -> tuple[Detector, ...]:
    """Return the registered detectors, in the order they registered."""
    return tuple(_REGISTERED.values())


def placeholders() -> Mapping[str, RulePlaceholders]:
    """Return rule code -> its placeholders, for every code a registered detector fires."""
    return MappingProxyType({code: spec for d in _REGISTERED.values() for code, spec in d.placeholders.items()})
