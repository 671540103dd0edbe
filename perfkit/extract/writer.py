"""Writing a draft department: the data files (validated like ``perfkit import``) and ``extraction.md``.

The CSV/YAML files go through :func:`perfkit.ingest.workbook_import.install_contents`,
the same path as an imported workbook: validated in a temporary directory,
never written over an existing department unless ``merge`` (the extracted
year replaces that year's rows) or ``replace`` is asked for.  Next to them,
``extraction.md`` lists every value written with where it came from and how
sure the reading is, and everything that was read but left empty for a person
to decide; ``extraction.csv`` holds the same list for machines.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.extract.draft import Draft, Row
from perfkit.extract.model import HIGH, LOW, MEDIUM
from perfkit.ingest.schema import CODE_RE, REQUIRED_FILES, SCHEMAS
from perfkit.ingest.workbook_import import WorkbookContents, install_contents
from perfkit.text import extract as extract_text

# the line number in a value's place (extract_text.AT_LINE at its end: 第 3 页 第 12 行)
_AT_LINE = re.compile(re.escape(extract_text.AT_LINE).replace(re.escape("{line}"), r"(\d+)") + "$")

RECORD_COLUMNS = ("year", "file", "key", "column", "value", "source_file", "where", "confidence", "context", "note")
_KEYS = {"scopes.csv": "scope_id", "budget.csv": "line", "finance.csv": "item", "indicators.csv": "indicator_id",
         "stated.csv": "figure_id"}
CONFIDENCE_NOTE = extract_text.CONFIDENCE_NOTE


@dataclass
class _Origin:
    """Where a draft row came from, in the form the import's problem mapping reads."""

    file: str
    row: int
    columns: dict


def _frames(draft: Draft) -> dict[str, pd.DataFrame]:
    out = {}
    for fname, schema in SCHEMAS.items():
        rows = draft.rows(fname)
        if not rows and fname not in REQUIRED_FILES:
            continue
        records = [{**{c: r.values.get(c, "") for c in schema if c not in ("source", "assumption")},
                    "source": r.source, "assumption": r.assumption} for r in rows]
        out[fname] = pd.DataFrame(records, columns=list(schema), dtype=object)
    return out


def _assumptions_md(draft: Draft) -> str:
    lines = [extract_text.ASSUMPTIONS_TITLE.format(name=draft.meta.get("name", draft.code)), "",
             extract_text.ASSUMPTIONS_SOURCE.format(inputs=extract_text.LIST_SEP.join(draft.inputs)),
             extract_text.ASSUMPTIONS_INTRO, ""]
    lines += [extract_text.BULLET.format(text=a) for a in dict.fromkeys(draft.assumptions)]
    for fname in ("scopes.csv", "budget.csv", "indicators.csv", "stated.csv"):
        for r in draft.rows(fname):
            if r.assumption:
                lines.append(extract_text.ROW_ASSUMPTION.format(file=fname, key=r.values.get(_KEYS[fname], ""),
                                                                  assumption=r.assumption))
    return "\n".join(lines) + "\n"


def records(draft: Draft) -> list[dict]:
    """Return one provenance record per value written, plus one per value left for review."""
    out = []
    for fname, rows in draft.files.items():
        for r in rows:
            for column, v in r.provenance.items():
                if v is None or not str(r.values.get(column, "")).strip():
                    continue
                out.append({"year": draft.year, "file": fname, "key": r.values.get(_KEYS[fname], ""),
                            "column": column, "value": r.values[column], "source_file": r.source.split(":")[0],
                            "where": v.where, "confidence": v.confidence, "context": v.context[:160],
                            "note": v.note})
    for rv in draft.reviews:
        out.append({"year": draft.year, "file": extract_text.NOT_WRITTEN, "key": rv.what, "column": "", "value": "",
                    "source_file": extract_text.LIST_SEP.join(draft.inputs), "where": rv.where,
                    "confidence": extract_text.TO_REVIEW,
                    "context": rv.printed, "note": rv.reason})
    return out


def _md_cell(text) -> str:
    return str(text).replace("|", "¦").replace("\n", " ")


def extraction_md(draft: Draft, recs: list[dict]) -> str:
    """Return ``extraction.md``: the review list, skipped rows, and every value with its provenance."""
    written = [r for r in recs if r["file"] != extract_text.NOT_WRITTEN]
    counts = {c: sum(r["confidence"] == c for r in written) for c in (HIGH, MEDIUM, LOW)}
    out = [extract_text.RECORD_TITLE.format(name=draft.meta.get("name", draft.code), code=draft.code, year=draft.year),
           "", extract_text.RECORD_SOURCE.format(inputs=extract_text.LIST_SEP.join(draft.inputs)), "", CONFIDENCE_NOTE,
           "", extract_text.RECORD_COUNTS.format(n=len(written), high=counts[HIGH], medium=counts[MEDIUM],
                                                 low=counts[LOW], reviews=len(draft.reviews)), ""]
    if draft.notes:
        out += [extract_text.READING_NOTES, ""] + [extract_text.BULLET.format(text=n) for n in draft.notes] + [""]
    out += [extract_text.REVIEWS, ""]
    if draft.reviews:
        out += [extract_text.REVIEWS_HEAD, "|---|---|---|---|"]
        out += [f"| {_md_cell(r.what)} | {_md_cell(r.printed)} | {r.where} | {_md_cell(r.reason)} |"
                for r in draft.reviews]
    else:
        out.append(extract_text.NONE)
    out += ["", extract_text.SKIPPED, ""]
    out += [extract_text.BULLET.format(text=s) for s in draft.skipped] or [extract_text.NONE]
    out += ["", extract_text.WRITTEN, ""]
    for fname in ("scopes.csv", "budget.csv", "finance.csv", "indicators.csv", "stated.csv"):
        rows = [r for r in written if r["file"] == fname]
        if not rows:
            continue
        out += [f"### {fname}", "", extract_text.WRITTEN_HEAD, "|---|---|---|---|---|---|---|"]
        out += [f"| {_md_cell(r['key'])} | {r['column']} | {_md_cell(r['value'])} | {r['source_file']} {r['where']} | "
                f"{r['confidence']} | {_md_cell(r['context'][:80])} | {_md_cell(r['note'])} |" for r in rows]
        out.append("")
    return "\n".join(out)


def _csv(recs: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(RECORD_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(recs)
    return buf.getvalue()


def write_draft(draft: Draft, data_dir: str | Path, on_existing: str = "error") -> Path:
    """Return the department directory written from ``draft`` (``data_dir/<code>/``), with ``extraction.md``.

    ``on_existing`` is as for ``perfkit import``: ``error`` refuses an existing
    department, ``merge`` replaces the draft's year and keeps the others,
    ``replace`` replaces the department's data files.
    """
    frames = _frames(draft)
    origins = {f: [_Origin(r.source, _line_of(r), {}) for r in draft.rows(f)] for f in frames}
    book = WorkbookContents(Path(draft.inputs[0] if draft.inputs else "extract"), draft.meta, frames,
                            _assumptions_md(draft), [], origins, {}, {}, {})
    header = extract_text.DRAFT_HEADER.format(inputs=extract_text.LIST_SEP.join(draft.inputs))
    recs = records(draft)
    code = str(draft.meta.get("code") or "")
    old = Path(data_dir) / code / "extraction.csv"
    if on_existing == "merge" and CODE_RE.match(code) and old.is_file():
        kept = [r for r in csv.DictReader(io.StringIO(old.read_text(encoding="utf-8")))
                if str(r.get("year")) != str(draft.year)]
        recs = kept + recs
    # written with the data files, all or none (a full disk leaves the department as it was)
    extra = {"extraction.csv": _csv(recs),
             "extraction.md": extraction_md(draft, [r for r in recs if str(r["year"]) == str(draft.year)])}
    return install_contents(book, data_dir, on_existing, header=header, extra=extra)


def _line_of(row: Row) -> int:
    """Return the source line of a row's first value (0 when it came from a grid cell)."""
    for v in row.provenance.values():
        m = _AT_LINE.search(v.where) if v is not None else None
        if m:
            return int(m.group(1))
    return 0
