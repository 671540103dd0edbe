"""Report tables: DataFrames that show without pandas' index column, Chinese text left-aligned.

The notebooks display what :mod:`perfkit.present.views` returns.  A plain
DataFrame shows its index (1, 2, 3 …) as a first column and JupyterLab
right-aligns every cell; a :class:`ReportTable` is still a DataFrame (tests
and analysts index it as usual) but renders its own HTML: no index, text
left-aligned and numbers right-aligned, written here so that the HTML is the
same on every run (no Styler and its random ids).
"""
from __future__ import annotations

import html
import re

import pandas as pd

from perfkit.text import labels, messages

# a cell that is a number as printed (amounts, scores, rates, —): right-aligned like a spreadsheet
RECOGNISED_INPUT = ("_NUMERIC",)  # recognised input: a number as perfkit prints it
_NUMERIC = re.compile(r"^[-+−]?[\d,]*\.?\d+(%|个百分点)?$|^—$")
_LEFT = 'style="text-align: left;"'
_RIGHT = 'style="text-align: right;"'


def _cell(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    align = _RIGHT if _NUMERIC.match(text.strip()) else _LEFT
    return f"<td {align}>{html.escape(text)}</td>"


class ReportTable(pd.DataFrame):
    """A DataFrame that prints and renders without its index column."""

    @property
    def _constructor(self):
        return pd.DataFrame

    def _repr_html_(self) -> str:
        body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                       for row in self.itertuples(index=False, name=None))
        return (f'<table class="dataframe perfkit-table" border="0">'
                f"<thead>{_header(self.columns)}</thead><tbody>{body}</tbody></table>{_notes_html(self)}")

    def __repr__(self) -> str:
        text = pd.DataFrame(self).to_string(index=False)
        notes = self.attrs.get("notes") or []
        return "\n".join([text, *([labels.YOY_NOTES_HEAD] if notes else []), *notes])


def _header(columns: pd.Index) -> str:
    """Return the heading rows: one, or two for grouped columns (a measure over its 上年/本年/增减 columns)."""
    if not isinstance(columns, pd.MultiIndex):
        return "<tr>" + "".join(f"<th {_LEFT}>{html.escape(str(c))}</th>" for c in columns) + "</tr>"
    top, bottom = [], []
    for group, subs in _groups(columns):
        if len(subs) == 1 and not subs[0]:  # a column of its own (评价范围, 预算行): spans both rows
            top.append(f'<th {_LEFT} rowspan="2">{html.escape(group)}</th>')
            continue
        top.append(f'<th style="text-align: center;" colspan="{len(subs)}">{html.escape(group)}</th>')
        bottom += [f"<th {_LEFT}>{html.escape(sub)}</th>" for sub in subs]
    return f"<tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr>"


def _groups(columns: pd.MultiIndex) -> list[tuple[str, list[str]]]:
    """Return the first level's consecutive groups with the second-level names under each."""
    out: list[tuple[str, list[str]]] = []
    for top, sub in columns:
        if out and out[-1][0] == str(top) and out[-1][1][-1]:
            out[-1][1].append(str(sub))
        else:
            out.append((str(top), [str(sub)]))
    return out


def _notes_html(table: pd.DataFrame) -> str:
    notes = table.attrs.get("notes") or []
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (f'<p class="perfkit-notes">{html.escape(labels.YOY_NOTES_HEAD)}</p>'
            f'<ul class="perfkit-notes" style="list-style: none; padding-left: 0;">{items}</ul>')


def report_table(df: pd.DataFrame) -> ReportTable:
    """Return ``df`` as a :class:`ReportTable`, rows numbered from 1 (for whoever indexes it)."""
    out = ReportTable(df.reset_index(drop=True))
    out.index = range(1, len(out) + 1)
    return out


def noted_table(df: pd.DataFrame, column) -> ReportTable:
    """Return ``df`` as a :class:`ReportTable` whose ``column`` of notes is written once, below the table.

    Each distinct note (a cell's notes are split at ``；``) is numbered in the
    order it first appears and listed under the table (``注1：无上年数据…``); the
    column keeps only the marks (``注1、注3``), so a note that applies to every
    row is read once, not on every row.
    """
    numbers: dict[str, int] = {}
    marks = []
    for cell in df[column]:
        parts = split_notes(cell)
        marks.append(messages.LIST_SEP.join(
            labels.YOY_NOTE_MARK.format(n=numbers.setdefault(p.strip(), len(numbers) + 1)) for p in parts))
    out = report_table(_assign(df, column, marks))
    if not numbers:
        out = report_table(out.drop(columns=[column]))
    out.attrs["notes"] = [labels.YOY_NOTE_LINE.format(n=n, text=t) for t, n in numbers.items()]
    return out


def _assign(df: pd.DataFrame, column: tuple, values: list) -> pd.DataFrame:
    out = df.copy()
    out[column] = values
    return out


_OPEN, _CLOSE = "（(", "）)"


def split_notes(cell) -> list[str]:
    """Return the notes of a cell joined by ``；``, a ``；`` inside brackets (（非连续，缺2021年；…）) kept."""
    if not isinstance(cell, str):
        return []
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(cell):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch == messages.NOTE_SEP and depth <= 0:
            parts.append(cell[start:i])
            start = i + 1
    parts.append(cell[start:])
    return [p.strip() for p in parts if p.strip()]
