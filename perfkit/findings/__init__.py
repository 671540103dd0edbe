"""Step 4: problems and recommendations derived from scores, checks and comparisons.

:mod:`~perfkit.findings.model` (the finding), :mod:`~perfkit.findings.registry`
(which detector fires which rule), :mod:`~perfkit.findings.detectors` (one
module per kind of evidence) and :mod:`~perfkit.findings.derive` (running them
and wording the result).  Importing this package registers the built-in
detectors, so :func:`derive_findings` and
:func:`~perfkit.findings.registry.placeholders` see them all.
"""
from perfkit.findings import registry
from perfkit.findings.derive import Context, derive_findings
# imported for their registrations, in the order the detectors run (findings are sorted afterwards)
from perfkit.findings.detectors import execution  # noqa: F401  isort:skip
from perfkit.findings.detectors import progress  # noqa: F401  isort:skip
from perfkit.findings.detectors import results  # noqa: F401  isort:skip
from perfkit.findings.detectors import yoy  # noqa: F401  isort:skip
from perfkit.findings.detectors import measurability  # noqa: F401  isort:skip
from perfkit.findings.detectors import checks  # noqa: F401  isort:skip
from perfkit.findings.model import (FINDING_COLUMNS, SECTION_APPENDIX, SECTION_MAIN, SECTIONS, SEVERITIES, Finding,
                                    Hit, findings_frame, scope_rank, sort_findings)
from perfkit.findings.registry import detector, detectors, placeholders

__all__ = ["FINDING_COLUMNS", "SECTIONS", "SECTION_APPENDIX", "SECTION_MAIN", "SEVERITIES", "Context", "Finding",
           "Hit", "derive_findings", "detector", "detectors", "findings_frame", "placeholders", "registry",
           "scope_rank", "sort_findings"]
