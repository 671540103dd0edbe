"""Reading and checking a department's ``department.yaml`` (code, name, years, rule sets, findings file)."""
from __future__ import annotations

from pathlib import Path

import yaml

from perfkit.errors import DataError, Problem
from perfkit.ingest.reading import read_text
from perfkit.ingest.schema import CODE_RE, META_REQUIRED
from perfkit.rules.files import SAFE_LOADER, rule_file
from perfkit.rules.loading import builtin_names as builtin_rule_sets
from perfkit.text import validation


def _yaml_problem(fname: str, exc: yaml.YAMLError) -> Problem:
    """Return one problem for a YAML syntax error, at the line and column the parser stopped."""
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return Problem(fname, None, None, None, validation.YAML_ERROR.format(what=what))
    return Problem(fname, mark.line + 1, None, None,
                   validation.YAML_ERROR_AT.format(column=mark.column + 1, what=what))


def declared_years(meta: dict) -> list[int] | None:
    """Return the declared years, or None when department.yaml gave none usable (then rows are not checked against them)."""
    years = meta.get("years") or []
    return sorted(int(y) for y in years) if years else None


def load_meta(path: Path, problems: list[Problem]) -> dict:
    fname = str(path / "department.yaml")
    meta_path = path / "department.yaml"
    if not meta_path.is_file():
        problems.append(Problem(fname, None, None, None, validation.NO_META))
        return {}
    try:
        text, _ = read_text(meta_path)
        meta = yaml.load(text, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(fname, exc))
        return {}
    except DataError as err:
        problems.extend(err.problems)
        return {}
    if not isinstance(meta, dict):
        problems.append(Problem(fname, None, None, None, validation.NOT_A_MAPPING))
        return {}
    for key in META_REQUIRED:
        if meta.get(key) in (None, "", []):
            problems.append(Problem(fname, None, key, None, validation.MISSING_KEY.format(key=key)))
    code = meta.get("code")
    if code is not None and str(code) != path.name:
        problems.append(Problem(fname, None, "code", code, validation.CODE_NOT_DIRECTORY.format(directory=path.name)))
    if code is not None and not CODE_RE.match(str(code)):
        problems.append(Problem(fname, None, "code", code, validation.CODE_CHARACTERS))
    years = meta.get("years") or []
    if not isinstance(years, list) or not all(isinstance(y, int) and 1990 <= y <= 2100 for y in years):
        problems.append(Problem(fname, None, "years", years, validation.YEARS))
        meta["years"] = []
    for key in ("rule_set", "dept_sheet"):
        ref = meta.get(key)
        # a bare name must be a built-in *scoring* rule set (not e.g. findings or pefa2016); a path must exist
        is_name = ref and not str(ref).endswith((".yaml", ".yml")) and "/" not in str(ref)
        if ref and (str(ref) not in builtin_rule_sets() if is_name else not rule_file(str(ref), path).is_file()):
            problems.append(Problem(fname, None, key, ref,
                                    validation.NO_RULE_SET.format(
                                        builtin=validation.LIST_SEP.join(builtin_rule_sets()))))
    if "incomplete" in meta and not isinstance(meta["incomplete"], bool):
        problems.append(Problem(fname, None, "incomplete", meta["incomplete"],
                                validation.INCOMPLETE_FLAG))
    findings_ref = meta.get("findings")
    if findings_ref and not rule_file(str(findings_ref), path).is_file():
        problems.append(Problem(fname, None, "findings", findings_ref,
                                validation.NO_FINDINGS_FILE))
    return meta




def read_meta(path: str | Path) -> tuple[dict, list[Problem]]:
    """Return a department's ``department.yaml`` fields, checked, and the problems found (without reading its tables).

    Cheap enough to plan a batch over a whole province before any table is read.
    """
    problems: list[Problem] = []
    return load_meta(Path(path), problems), problems
