"""Text for the department's reports: perfkit's reasons and details without the tool's internals.

Scoring, checks and findings write their reasons for the analyst: the file
and row a number came from, the formula it was recomputed by, column names,
scope ids and rule-set names.  That detail stays in ``summary.json`` and
``perfkit check``; the HTML, the Word draft and the workbook go to the
department, which knows its report, not perfkit's data folder.  :func:`plain`
rewrites one text for them: files become the table they stand for (预算执行表),
columns their Chinese headings, ids the names they stand for, formulas and
locations are dropped, and ``seed:`` source tags leave the report's own
section name.
"""
from __future__ import annotations

import re
from functools import lru_cache

from perfkit.ingest.workbook_layout import SHEETS
from perfkit.text import labels
from perfkit.text import views as views_text

_FILES = {s.file: views_text.FILE_AS_TABLE.format(sheet=s.name) for s in SHEETS}
_COLUMNS = {c.key: c.label for s in SHEETS for c in s.columns if "_" in c.key}
_COLUMNS.update({"execution_rate": labels.EXECUTION_RATE, "deviation_note": views_text.DEVIATION_NOTE})
# any column named in 「」 (列「weight」): its heading
_QUOTED = {f"「{c.key}」": f"「{c.label}」" for s in SHEETS for c in s.columns}

# Recognised input, not output: how perfkit's own texts name files, rows and formulas, removed for a reader.
RECOGNISED_INPUT = ("_LOCATION", "_REL_FILE", "_FILE", "_FORMULA_BY", "_FORMULA_COLON")
_LOCATION = re.compile(r"[（(][^（）()]*?\.(?:csv|ya?ml)(?: ?第 ?[\d、]+ ?行)?[^（）()]*[）)]")
_PATH = re.compile(r"(?<![\w.])(?:(?:\.\.?[/\\])+(?:[\w.\-+]+[/\\])*|(?:[A-Za-z]:)?[/\\](?:[\w.\-+]+[/\\])+)")
# a file of the checkout named as where a text comes from ("文本见 shared/seed/000.txt")
_PROGRAM = re.compile(r"(?<![\w/])(?:[\w.\-+]+/)*[\w.\-+]+\.py\b")
_REL_FILE = re.compile(r"[，,；]?\s*(?:文本)?见\s*(?:[\w.\-+]+/)+[\w.\-+]+\.(?:txt|csv|ya?ml|md|pdf|xlsx|docx|json|py)\b")
_FILE = re.compile(r"\b(" + "|".join(re.escape(f) for f in _FILES) + r")\b(?: ?第 ?[\d、]+ ?行)? ?")
_FORMULA_PAREN = re.compile(r"（[^（）]*\w\('[^（）]*）")
_FORMULA_BY = re.compile(r"(?:由|按) (?=[^，。；]*\()[^，。；]*? (?=复算)")
_FORMULA_COLON = re.compile(r"按公式复算：[^，。；）]*")
_SEED = re.compile(r"\bseed:\s*")


@lru_cache(maxsize=64)
def _word(names: tuple) -> re.Pattern | None:
    keys = sorted((k for k, _ in names if k), key=len, reverse=True)
    # ids are ASCII: a CJK character next to one is a boundary; spaces that set an id off go with it
    return re.compile(r" ?(?<![A-Za-z0-9_])(" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9_]) ?") \
        if keys else None


def plain(text, names: dict | None = None) -> str:
    """Return ``text`` for a department's report: no files, rows, formulas, column names, ids or paths.

    ``names`` maps ids that may appear (scope ids, rule-set names, the data
    code) to what the reader calls them; :func:`names_of` builds it.
    """
    if text is None:
        return ""
    out = str(text)
    out = _LOCATION.sub("", out)
    out = _FORMULA_PAREN.sub("", out)
    out = _FORMULA_BY.sub("", out)
    out = _FORMULA_COLON.sub(views_text.AS_STATED, out)
    out = _PATH.sub("", out)
    out = _REL_FILE.sub("", out)
    out = _PROGRAM.sub(views_text.PROGRAM, out)
    out = _FILE.sub(lambda m: _FILES[m.group(1)], out)
    out = _SEED.sub("", out)
    for quoted, label in _QUOTED.items():
        out = out.replace(quoted, label)
    mapping = dict(_COLUMNS, **(names or {}))
    pattern = _word(tuple(sorted(mapping.items())))
    if pattern is not None:
        out = pattern.sub(lambda m: mapping[m.group(1)], out)
    return out.replace("（）", "")


def names_of(a) -> dict:
    """Return id -> name for one analysis: its scopes, its rule sets (by title) and the data code (by name)."""
    names = {sid: a.dept.scope_name(sid) for sid in a.data.scopes["scope_id"].drop_duplicates()}
    for rs in getattr(a.scored, "rules", {}).values():
        if getattr(rs, "name", None):
            names[rs.name] = getattr(rs, "title", None) or rs.name
    names[a.dept.code] = a.dept.name
    return names
