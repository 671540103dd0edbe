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
from perfkit.extract.model import Document
from perfkit.extract.pdf import read_pdf
from perfkit.extract.text import read_text
from perfkit.extract.writer import records, write_draft
from perfkit.extract.xlsx import read_xlsx

READERS = {".txt": read_text, ".text": read_text, ".md": read_text, ".csv": read_text, ".xlsx": read_xlsx,
           ".xlsm": read_xlsx, ".docx": read_docx, ".pdf": read_pdf}


def read_any(path: str | Path) -> Document:
    """Return a file read into the intermediate form, by its suffix."""
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, None, "文件不存在"))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DataError(Problem(str(path), None, None, None, "不支持的文件类型：应为文本（.txt）、Excel（.xlsx）、Word（.docx）"
                                                               "或带文字层的 PDF（旧版 .doc/.xls 请先另存为新格式）"))
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
    recs = [r for r in records(draft) if r["file"] != "（未写入）"]
    counts = {c: sum(r["confidence"] == c for r in recs) for c in ("高", "中", "低")}
    sizes = "、".join(f"{f} {len(rows)} 行" for f, rows in draft.files.items())
    print(f"已写入草稿 {target}（{draft.year} 年）：{sizes}")
    print(f"共 {len(recs)} 个值：把握高 {counts['高']}、中 {counts['中']}、低 {counts['低']}；"
          f"{len(draft.reviews)} 处读到但未写入，需人工判断。出处与把握见 {target / 'extraction.md'}")
    for note in draft.notes:
        print(f"提示：{note}")
    print(f"下一步：复核草稿后运行 perfkit check --data {args.out} --dept {args.dept}")
    return 0
