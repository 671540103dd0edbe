"""perfkit: reproducible budget performance self-evaluation (预算绩效自评).

The public API is re-exported here lazily, so ``import perfkit`` stays cheap
(kernels in a batch render import it once per worker, the CLI on every call).
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "load": "perfkit.ingest.loading",
    "load_all": "perfkit.ingest.loading",
    "Department": "perfkit.ingest.department",
    "find_departments": "perfkit.ingest.loading",
    "parse_target": "perfkit.score.targets",
    "load_rules": "perfkit.rules.loading",
    "score_execution": "perfkit.score.scoring",
    "score_indicators": "perfkit.score.scoring",
    "score_year": "perfkit.score.scoring",
    "grade": "perfkit.score.scoring",
    "check_stated": "perfkit.score.checks",
    "analyze": "perfkit.analysis",
    "YearAnalysis": "perfkit.analysis",
    "derive_findings": "perfkit.findings",
    "build_summary": "perfkit.outputs.summary",
    "PerfkitError": "perfkit.errors",
    "DataError": "perfkit.errors",
    "RuleSetError": "perfkit.errors",
    "RenderError": "perfkit.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perfkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
