"""The index page of a reports folder, rebuilt from the reports on disk.

Every ``<department>/<year>/`` directory is listed with links to its pages and
office files and, from its ``summary.json``, perfkit's recomputed score beside
the report's own stated score.  Everything taken from data is escaped.
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from perfkit.text import formats, labels, messages

INDEX_NAME = "index.html"
SUMMARY_NAME = "summary.json"


def _summary_score_grade(summary: dict) -> tuple[float | None, str | None]:
    """Return (total score, grade) from a summary.json written by perfkit.outputs.summary.

    A total that left items unscored is marked 不完整, so the index never shows
    a bare 差 that only reflects missing data.
    """
    total = summary.get("total")
    if not isinstance(total, dict):
        return None, None
    score = total.get("score")
    score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
    grade = total.get("grade") if isinstance(total.get("grade"), str) and total.get("grade") else None
    if grade and total.get("complete") is False:
        grade += labels.INCOMPLETE
    return score, grade


def _summary_total_text(summary: dict, score: float | None) -> str:
    """Return the index's score cell: the range (min–max) or 无法评分 the summary gives, else the bare score."""
    total = summary.get("total") if isinstance(summary, dict) else None
    if isinstance(total, dict) and total.get("status"):
        return formats.score_range(total.get("min"), total.get("max"), None, total.get("status"))
    return formats.score(score)


def _summary_name(summary: dict) -> str | None:
    """Return the department's display name from a summary.json, if it has one."""
    dept = summary.get("department")
    name = dept.get("name") if isinstance(dept, dict) else None
    return name if isinstance(name, str) and name else None


def _notebook_title(stem: str) -> str:
    """Return a notebook's display title: its title in perfkit.text, else its file stem without the ordering prefix."""
    return labels.NOTEBOOK_TITLES.get(stem) or re.sub(r"^\d+[_\-\s.]*", "", stem) or stem


def build_index(out_dir: str | os.PathLike, names: dict[str, str] | None = None) -> str:
    """Return the HTML of the index page linking every report under ``out_dir``.

    Every ``<department>/<year>/`` directory is listed with links to its
    notebooks' HTML and, when its ``summary.json`` has them, the total score
    and grade.  ``names`` maps department codes to display names (falls back
    to the summary, then to the code).
    """
    out = Path(out_dir)
    names = dict(names or {})
    rows = []
    for dept_dir in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for year_dir in sorted((p for p in dept_dir.iterdir() if p.is_dir() and p.name.isdigit()),
                               key=lambda p: int(p.name)):
            pages = sorted(year_dir.glob("*.html"))
            summary = {}
            summary_path = year_dir / SUMMARY_NAME
            if summary_path.is_file():
                try:
                    summary = json.loads(summary_path.read_text(encoding="utf-8"))
                except ValueError:
                    summary = {}
            if not pages and not summary:
                continue
            code = dept_dir.name
            name = names.get(code) or (_summary_name(summary) if isinstance(summary, dict) else None)
            score, grade = _summary_score_grade(summary) if isinstance(summary, dict) else (None, None)
            total = summary.get("total") if isinstance(summary, dict) else None
            stated = total.get("stated_score") if isinstance(total, dict) else None
            score = _summary_total_text(summary, score)
            rows.append((code, name or code, int(year_dir.name), pages, summary_path.is_file(), score, grade, stated))

    def link(path: Path, text: str) -> str:
        href = quote(path.relative_to(out).as_posix())
        return f'<a href="{href}">{html.escape(text)}</a>'

    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(labels.INDEX_TITLE)}</title>",
        "<style>",
        "body{font-family:'Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em;color:#222}",
        "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.4em .8em;text-align:left}",
        "th{background:#f3f3f3}td.num{text-align:right}",
        "</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(labels.INDEX_TITLE)}</h1>",
        f"<p>{html.escape(messages.INDEX_INTRO)}</p>",
    ]
    if not rows:
        lines.append(f"<p>{html.escape(messages.INDEX_EMPTY)}</p>")
    else:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in labels.INDEX_COLUMNS)
        lines += [
            "<table>",
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
        ]
        for code, name, year, pages, has_summary, score, grade, stated in rows:
            reports = messages.LIST_SEP.join(link(p, _notebook_title(p.stem)) for p in pages) or formats.MISSING
            summary_cell = link(out / code / str(year) / SUMMARY_NAME, SUMMARY_NAME) if has_summary else formats.MISSING
            office = sorted([*(out / code / str(year)).glob("*.xlsx"), *(out / code / str(year)).glob("*.docx")])
            office_links = messages.LIST_SEP.join(link(p, p.stem) for p in office)
            if office_links:
                reports += f"<br>{office_links}"
            stated_cell = formats.score(stated) if isinstance(stated, (int, float)) else formats.MISSING
            lines.append(
                f"<tr><td>{html.escape(name)}</td><td>{html.escape(code)}</td><td>{year}</td>"
                f"<td>{reports}</td><td>{summary_cell}</td><td class=\"num\">{html.escape(score)}</td>"
                f"<td>{html.escape(grade or formats.MISSING)}</td>"
                f"<td class=\"num\">{stated_cell}</td></tr>"
            )
        lines += ["</tbody>", "</table>"]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException as exc:
        # a full disk fails the write: the old index stays, and no empty temporary beside it
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None  # the page the user knows
        raise


def write_index(out_dir: str | os.PathLike, names: dict[str, str] | None = None) -> Path:
    """Write ``<out_dir>/index.html`` (atomically) and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / INDEX_NAME
    _write_atomic(path, build_index(out, names))
    return path
