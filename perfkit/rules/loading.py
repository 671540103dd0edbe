"""Finding and reading scoring rule-set files: built-in names or paths, ``extends:`` chains merged key by key.

A file may start from another with ``extends: <name or path>`` and override
only what differs; mappings merge key by key, lists are replaced whole.  The
merged mapping is checked and built by :func:`perfkit.rules.parse.build`.
"""
from __future__ import annotations

from pathlib import Path

from perfkit.errors import RuleSetError
from perfkit.rules.files import BUILTIN_RULES_DIR as RULES_DIR
from perfkit.rules.files import read_yaml, rule_file
from perfkit.rules.parse import build
from perfkit.rules.ruleset import KINDS, RuleSet
from perfkit.text import rules as rules_text


def builtin_names() -> list[str]:
    """Return the names of the built-in scoring rule sets.

    Read through :func:`~perfkit.rules.files.read_yaml` like every rule file,
    so validating a province's departments parses each built-in file once.
    """
    names = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        # Through read_yaml's cache: every department load asks (twice), and parsing all
        # built-in files again cost ~40 ms each time, in the render's parent and in its kernels.
        try:
            head = read_yaml(path, rules_text.RULE_SET_FILE, private=False)
        except RuleSetError:
            continue
        if head.get("kind") in KINDS or "extends" in head:
            names.append(path.stem)
    return names


def rule_path(name_or_path: str | Path, base_dir: str | Path | None = None) -> Path:
    """Return the file a rule-set reference points to: a built-in name, or a path (relative to base_dir)."""
    return rule_file(str(name_or_path), Path(base_dir) if base_dir is not None else Path("."))


def load_rules(name_or_path: str | Path, base_dir: str | Path | None = None) -> RuleSet:
    """Return the validated :class:`RuleSet` named or pointed to.

    Parameters
    ----------
    name_or_path : str or Path
        A built-in name (``cz2020``) or a YAML path.
    base_dir : str or Path, optional
        Directory that relative paths resolve against (the department's data
        directory); the current directory when None.

    Raises
    ------
    RuleSetError
        When the file is missing or unreadable, or any rule is invalid; the
        message lists every error found, in Chinese.
    """
    path = rule_path(name_or_path, base_dir)
    raw = _read_merged(path, [])
    return build(raw, path)


def _read_merged(path: Path, chain: list[Path]) -> dict:
    if not path.is_file():
        if path.parent == RULES_DIR:
            known = rules_text.LIST_SEP.join(builtin_names())
            raise RuleSetError(rules_text.NO_BUILTIN.format(name=path.stem, known=known))
        raise RuleSetError(rules_text.NO_FILE.format(path=path))
    resolved = path.resolve()
    if resolved in chain:
        loop = " → ".join(str(p) for p in chain + [resolved])
        raise RuleSetError(rules_text.EXTENDS_LOOP.format(loop=loop))
    raw = read_yaml(path, rules_text.RULE_SET_FILE)
    parent_ref = raw.pop("extends", None)
    if parent_ref is None:
        return raw
    parent = _read_merged(rule_path(parent_ref, path.parent), chain + [resolved])
    parent.pop("name", None)
    return _merge(parent, raw)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
