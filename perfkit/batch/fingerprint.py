"""Content fingerprints of what a department-year's report is made from, for incremental rendering.

A report is rendered again only when something it is made from changed: the
department's files (data, its own rule files, ASSUMPTIONS.md), perfkit's
built-in rule files, the notebooks, and perfkit itself (every source file of
the package, so an edit without a version bump counts too).  The fingerprint
is a SHA-256 over those bytes and the render parameters, written beside the
report as :data:`FINGERPRINT_FILE`; the next render compares and skips.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from perfkit.rules.files import BUILTIN_RULES_DIR

FINGERPRINT_FILE = ".perfkit-inputs"
_PACKAGE = Path(__file__).resolve().parents[1]


def _hash_files(h, paths) -> None:
    for path in sorted(paths):
        h.update(path.name.encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


@lru_cache(maxsize=None)
def _tool_digest() -> str:
    """Return the digest of perfkit's own code and built-in rules (constant for one process)."""
    h = hashlib.sha256()
    _hash_files(h, [p for p in _PACKAGE.rglob("*.py") if "__pycache__" not in p.parts])
    _hash_files(h, BUILTIN_RULES_DIR.glob("*.yaml"))
    return h.hexdigest()


def tool_digest() -> str:
    """Return the digest of perfkit's own code and built-in rules: what every cached result depends on."""
    return _tool_digest()


def notebooks_digest(notebooks) -> str:
    """Return the digest of the report notebooks' bytes."""
    h = hashlib.sha256()
    _hash_files(h, [Path(n) for n in notebooks])
    return h.hexdigest()


def department_digest(department_dir: str | os.PathLike) -> str:
    """Return the digest of every file in a department's directory (recursively; hidden files excluded)."""
    base = Path(department_dir)
    h = hashlib.sha256()
    files = [p for p in base.rglob("*") if p.is_file() and not any(part.startswith(".")
                                                                   for part in p.relative_to(base).parts)]
    for path in sorted(files):
        h.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def fingerprint(department_digest_: str, notebooks_digest_: str, year: int, data_param: str) -> str:
    """Return the fingerprint of one department-year's report from its parts."""
    h = hashlib.sha256()
    for part in (_tool_digest(), department_digest_, notebooks_digest_, str(int(year)), data_param):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def is_current(report_dir: Path, expected: str) -> bool:
    """Return True when ``report_dir`` holds a complete report made from exactly ``expected``."""
    try:
        return (report_dir / FINGERPRINT_FILE).read_text(encoding="utf-8").strip() == expected
    except OSError:
        return False
