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
        head = "".join(f"<th {_LEFT}>{html.escape(str(c))}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                       for row in self.itertuples(index=False, name=None))
        return (f'<table class="dataframe perfkit-table" border="0">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def __repr__(self) -> str:
        return pd.DataFrame(self).to_string(index=False)


def report_table(df: pd.DataFrame) -> ReportTable:
    """Return ``df`` as a :class:`ReportTable`, rows numbered from 1 (for whoever indexes it)."""
    out = ReportTable(df.reset_index(drop=True))
    out.index = range(1, len(out) + 1)
    return out
