"""``perfkit extract``: read published reports and tables into a draft department directory.

    perfkit extract FILE… --dept CODE [--year N] [--out DIR] [--merge | --replace]

Each file is read by its kind (plain text, .xlsx, .docx, PDF with a text
layer); all files describe one department-year.  The draft is written to
``DIR/CODE/`` (default ``data/``) with ``extraction.md`` beside it, and
``perfkit check --dept CODE`` then shows what the report gets wrong.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from perfkit.errors import DataError, Problem
from perfkit.extract.assemble import build_draft
from perfkit.extract.docx import read_docx
from perfkit.extract.model import HIGH, LOW, MEDIUM, Document
from perfkit.extract.pdf import read_pdf
from perfkit.extract.text import read_text
from perfkit.extract.writer import records, write_draft
from perfkit.extract.xlsx import read_xlsx
from perfkit.text import extract as extract_text

READERS = {".txt": read_text, ".text": read_text, ".md": read_text, ".csv": read_text, ".xlsx": read_xlsx,
           ".xlsm": read_xlsx, ".docx": read_docx, ".pdf": read_pdf}


def read_any(path: str | Path) -> Document:
    """Return a file read into the intermediate form, by its suffix."""
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, None, extract_text.NO_FILE))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DataError(Problem(str(path), None, None, None, extract_text.UNSUPPORTED))
    return reader(path)


def extract(paths: list[str | Path], code: str, year: int | None = None, data_dir: str | Path = "data",
            on_existing: str = "error") -> Path:
    """Return the draft department directory written from ``paths`` (see the module docstring)."""
    docs = [read_any(p) for p in paths]
    draft = build_draft(docs, code, year)
    return write_draft(draft, data_dir, on_existing)


def cmd_extract(args: argparse.Namespace) -> int:
    """Run ``perfkit extract``; print what was written and what needs review."""
    on_existing = "merge" if args.merge else "replace" if args.replace else "error"
    docs = [read_any(p) for p in args.files]
    draft = build_draft(docs, args.dept, args.year)
    target = write_draft(draft, args.out, on_existing)
    recs = [r for r in records(draft) if r["file"] != extract_text.NOT_WRITTEN]
    counts = {c: sum(r["confidence"] == c for r in recs) for c in (HIGH, MEDIUM, LOW)}
    sizes = extract_text.LIST_SEP.join(extract_text.FILE_ROWS.format(file=f, n=len(rows))
                                       for f, rows in draft.files.items())
    print(extract_text.DRAFT_WRITTEN.format(target=target, year=draft.year, sizes=sizes))
    print(extract_text.DRAFT_COUNTS.format(n=len(recs), high=counts[HIGH], medium=counts[MEDIUM], low=counts[LOW],
                                           reviews=len(draft.reviews), record=target / "extraction.md"))
    for note in draft.notes:
        print(extract_text.NOTICE.format(note=note))
    print(extract_text.NEXT_STEP.format(data=args.out, dept=args.dept))
    return 0
