"""Where rule files are and how they are read: the one place perfkit opens a rule file.

Every rule file (scoring rule sets, the whole-department score sheet, the
finding rules, the PEFA bands) goes through :func:`read_yaml`, which caches the
parsed mapping by path, modification time and size: a batch over a province
reads each file once, and an edited file is read again.  A file that is missing
or not a YAML mapping is a :class:`~perfkit.errors.RuleSetError` here, never
swallowed by a caller.
"""
from __future__ import annotations

import copy
import os
import threading
from pathlib import Path

import yaml

from perfkit.errors import RuleSetError
from perfkit.text import rules as rules_text

BUILTIN_RULES_DIR = Path(__file__).resolve().parent

# libyaml's safe loader when PyYAML was built with it (the wheels are): the same documents, parsed ~10× faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CACHE: dict[str, tuple[tuple[int, int], dict]] = {}
_LOCK = threading.Lock()


def rule_file(ref: str, base_dir: str | os.PathLike | None) -> Path:
    """Return the file a rule reference points to: a built-in name, or a YAML path relative to ``base_dir``."""
    ref = str(ref)
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        p = Path(ref)
        return p if p.is_absolute() else Path(base_dir if base_dir is not None else ".") / p
    return BUILTIN_RULES_DIR / f"{ref}.yaml"


def read_yaml(path: str | os.PathLike, what: str, private: bool = True) -> dict:
    """Return the mapping in a rule file (a private copy that callers may change, unless ``private`` is False).

    Parameters
    ----------
    path : path of the YAML file
    what : str
        What the file is, in Chinese (``规则集``, ``问题与建议规则文件`` …), for messages.
    private : bool
        False returns the cached mapping itself, for callers that only read it
        (listing the built-in rule sets for every department of a province).

    Raises
    ------
    RuleSetError
        The file is missing, not UTF-8, not YAML, or not a mapping.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise RuleSetError(rules_text.NOT_FOUND.format(what=what, path=p)) from None
    key, stamp = str(p.resolve()), (st.st_mtime_ns, st.st_size)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is None or hit[0] != stamp:
        try:
            raw = yaml.load(p.read_text(encoding="utf-8-sig"), Loader=SAFE_LOADER)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise RuleSetError(rules_text.NOT_YAML.format(what=what, path=p, error=exc)) from None
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise RuleSetError(rules_text.NOT_A_MAPPING.format(what=what, path=p))
        hit = (stamp, raw)
        with _LOCK:
            _CACHE[key] = hit
    return copy.deepcopy(hit[1]) if private else hit[1]


def clear_cache() -> None:
    """Forget every parsed rule file (kernels call it between reports)."""
    with _LOCK:
        _CACHE.clear()
