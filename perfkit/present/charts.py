"""Charts for self-evaluation reports, labelled in Chinese.

Every plot takes ``ax=None``, draws into a new :class:`matplotlib.figure.Figure`
when no axes is given, and returns the Figure.  Nothing goes through pyplot's
global state, so figures never leak between reports rendered in one kernel and
nothing is shown as a side effect; a notebook displays the returned Figure.
Fonts and style are applied through :func:`perfkit.present.fonts.chinese_style`, and
the CJK family is also stored on every text artist, so a figure drawn later
(outside the ``with`` block, e.g. by the notebook's display hook) still gets
real glyphs.

All wording on the charts comes from :data:`LABELS` (that is, from :mod:`perfkit.text`), so it
can change without touching the plotting logic; numbers are written by :mod:`perfkit.text.formats`.
"""
from __future__ import annotations

import io
import os
import textwrap
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfkit.errors import DataError, Problem, RenderError
from perfkit.present.fonts import chinese_style, font_families
from perfkit.text import formats, labels, messages

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Every piece of text the charts print (words from :data:`perfkit.text.labels.CHART`, errors from
#: :data:`perfkit.text.messages.CHART_ERRORS`).  ``{...}`` fields are filled by the code.
LABELS: dict[str, str] = {**labels.CHART, **messages.CHART_ERRORS}

#: Colours (colour-blind safe blue/vermilion pair, greys for context).
COLORS: dict[str, str] = {
    "budget": "#c9d3df",
    "executed": "#1f5fa6",
    "threshold": "#333333",
    "met": "#1f5fa6",
    "missed": "#d55e00",
    "lost": "#e4e8ee",
    "reference": "#888888",
    "note": "#888888",
    "warning": "#d55e00",
}

#: Execution rate below which the rate is drawn as a warning.  Charts take it
#: as a parameter; callers holding a rule set pass the rule set's value.
DEFAULT_EXECUTION_THRESHOLD = 0.9

#: Characters per line of a wrapped category label (Chinese has no spaces).
LABEL_WRAP = 14

#: Formats :func:`save_figure` writes, with the metadata that would otherwise
#: embed a version string or a timestamp and break byte-identical re-renders.
_DETERMINISTIC_METADATA: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Creator": None, "Date": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}

_WIDTH = 8.0


# ---------------------------------------------------------------- helpers


def _input_problems(df: pd.DataFrame | None, columns: tuple[str, ...], chart: str) -> None:
    """Raise DataError naming every required column the chart input lacks."""
    source = LABELS["input_name"].format(chart=chart)
    if df is None:
        raise DataError([Problem(source, None, c, None, LABELS["missing_column"]) for c in columns])
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError([Problem(source, None, c, None, LABELS["missing_column"]) for c in missing])


def _numeric(df: pd.DataFrame, columns: tuple[str, ...], chart: str) -> dict[str, pd.Series]:
    """Return the columns as floats; raise DataError listing every cell that is not a number."""
    source = LABELS["input_name"].format(chart=chart)
    out: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for col in columns:
        raw = df[col]
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = values.isna() & raw.notna()
        for pos in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(source, int(pos) + 1, col, raw.iloc[pos], LABELS["not_numeric"]))
        out[col] = values.reset_index(drop=True)
    if problems:
        raise DataError(problems)
    return out


def _wrap(label: object) -> str:
    return "\n".join(textwrap.wrap(str(label), LABEL_WRAP)) or str(label)


def _figure_and_axes(ax: Axes | None, height: float) -> tuple[Figure, Axes]:
    """Return ``(figure, axes)``: the given axes' root figure, or a new one-axes Figure."""
    if ax is not None:
        return ax.get_figure(root=True), ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH, height), layout="constrained")
    return fig, fig.add_subplot()


def _bar_height(n_rows: int) -> float:
    """Return a figure height (inches) that gives each bar row room for two label lines."""
    return max(2.6, 1.6 + 0.55 * n_rows)


def _set_font(ax: Axes) -> None:
    """Store the CJK family on every text artist of ``ax``.

    Font families given through rcParams are only looked up when a figure is
    drawn; storing them on the artists makes the figure render the same when
    it is drawn outside :func:`chinese_style`.  Ticks added at draw time copy
    their label properties from the first tick, which is set here.
    """
    from matplotlib.text import Text

    families = font_families()
    ax.xaxis.get_major_ticks()
    ax.yaxis.get_major_ticks()
    for text in ax.findobj(Text):
        text.set_fontfamily(families)


def _finish(fig: Figure, ax: Axes, title: str) -> Figure:
    ax.set_title(title, parse_math=False)
    _set_font(ax)
    return fig


def _no_data(fig: Figure, ax: Axes, title: str) -> Figure:
    """Return the figure with a centred 无数据 note instead of a chart."""
    ax.set_axis_off()
    ax.text(
        0.5, 0.5, LABELS["no_data"], transform=ax.transAxes, ha="center", va="center",
        fontsize=14, color=COLORS["note"],
    )
    return _finish(fig, ax, title)


def _legend_above(ax: Axes, handles=None, ncols: int = 3) -> None:
    """Place the legend in a row between the title and the plot, clear of the bars."""
    kwargs = {} if handles is None else {"handles": handles}
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=ncols, borderaxespad=0.2, **kwargs)


def _title_with_legend(ax: Axes, title: str) -> None:
    ax.set_title(title, parse_math=False, pad=24)


def _category_axis(ax: Axes, labels: list[str]) -> np.ndarray:
    """Return the y positions of horizontal bars, first row on top, labelled."""
    y = np.arange(len(labels), dtype=float)
    ax.set_yticks(y, labels=[_wrap(s) for s in labels], parse_math=False)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.grid(True)
    return y


# ---------------------------------------------------------------- charts


def plot_execution(
    df: pd.DataFrame,
    ax: Axes | None = None,
    title: str | None = None,
    threshold: float | None = DEFAULT_EXECUTION_THRESHOLD,
) -> Figure:
    """Return a Figure of budget against executed amounts, with execution rates.

    Each row is a horizontal pair of bars: the 全年预算数 (wide, light) with the
    全年执行数 (narrow, dark) inside it, a dashed mark at ``threshold × budget``
    and the execution rate printed at the end (in the warning colour when
    below the threshold).

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``label``, ``budget``, ``executed`` (万元); optional
        ``execution_rate`` as a fraction (0.993 for 99.3%).  A missing rate is
        computed as executed / budget; a zero or missing budget gives none.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new Figure is created when None.
    title : str, optional
        Chart title; defaults to ``LABELS["execution_title"]``.
    threshold : float or None
        Execution rate marked on each bar (default 0.9); None for no mark.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.ticker import FuncFormatter

    _input_problems(df, ("label", "budget", "executed"), "plot_execution")
    title = LABELS["execution_title"] if title is None else title
    with chinese_style():
        fig, ax = _figure_and_axes(ax, _bar_height(len(df)))
        if df.empty:
            return _no_data(fig, ax, title)
        cols = ("budget", "executed") + (("execution_rate",) if "execution_rate" in df else ())
        num = _numeric(df, cols, "plot_execution")
        budget, executed = num["budget"], num["executed"]
        computed = executed / budget.where(budget > 0)
        rate = num["execution_rate"].fillna(computed) if "execution_rate" in num else computed

        y = _category_axis(ax, df["label"].astype(str).tolist())
        ax.barh(y, budget.fillna(0), height=0.7, color=COLORS["budget"], label=LABELS["budget"])
        ax.barh(y, executed.fillna(0), height=0.36, color=COLORS["executed"], label=LABELS["executed"])
        if threshold is not None:
            has_budget = (budget > 0).to_numpy()
            ax.vlines(
                (budget * threshold)[has_budget], y[has_budget] - 0.42, y[has_budget] + 0.42,
                colors=COLORS["threshold"], linestyles=(0, (3, 2)), linewidth=1.2,
                label=LABELS["threshold"].format(rate=f"{threshold * 100:g}%"),
            )
        ends = pd.concat([budget, executed], axis=1).max(axis=1).fillna(0)
        for yi, end, r in zip(y, ends, rate):
            below = threshold is not None and np.isfinite(r) and r < threshold
            ax.annotate(
                formats.rate(r, 1) if np.isfinite(r) else LABELS["rate_missing"],
                xy=(end, yi), xytext=(4, 0), textcoords="offset points",
                ha="left", va="center", fontsize=9,
                color=COLORS["warning"] if below else "black",
            )
        ax.set_xlim(0, max(float(ends.max()), 1.0) * 1.16)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.amount(v, 0)))
        ax.set_xlabel(LABELS["amount_axis"])
        _legend_above(ax)
        _title_with_legend(ax, title)
        _set_font(ax)
        return fig


def plot_attainment(df: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Return a Figure of each indicator's score as a share of its weight.

    Bars run from 0 to 100% (full marks, marked by a line); indicators that
    missed their target are drawn in the warning colour, and each bar is
    labelled ``score/weight``.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``name``, ``score``, ``weight_used``; optional ``met`` (bool).
        Without ``met`` (or where it is missing) an indicator counts as met
        when its score reaches its weight.  A zero or missing weight gives no
        bar and the note 无分值.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new Figure is created when None.
    title : str, optional
        Chart title; defaults to ``LABELS["attainment_title"]``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    _input_problems(df, ("name", "score", "weight_used"), "plot_attainment")
    title = LABELS["attainment_title"] if title is None else title
    with chinese_style():
        fig, ax = _figure_and_axes(ax, _bar_height(len(df)))
        if df.empty:
            return _no_data(fig, ax, title)
        num = _numeric(df, ("score", "weight_used"), "plot_attainment")
        score, weight = num["score"], num["weight_used"]
        share = score / weight.where(weight > 0) * 100
        full = score >= weight
        if "met" in df:
            given = df["met"].reset_index(drop=True)
            met = given.where(given.notna(), full).astype(bool)
        else:
            met = full

        y = _category_axis(ax, df["name"].astype(str).tolist())
        colors = [COLORS["met"] if m else COLORS["missed"] for m in met]
        ax.barh(y, share.fillna(0).clip(lower=0), height=0.6, color=colors)
        full_marks_style = {"color": COLORS["reference"], "linewidth": 1, "linestyle": (0, (3, 2))}
        ax.axvline(100, **full_marks_style)
        for yi, s, w, sh in zip(y, score, weight, share):
            if np.isfinite(sh):
                text = LABELS["score_of"].format(score=formats.compact(s), weight=formats.compact(w))
            else:
                # a weighted indicator without a score could not be judged (e.g. no actual value)
                text = LABELS["unscored"] if np.isfinite(w) and w > 0 else LABELS["no_weight"]
            ax.annotate(
                text, xy=(max(sh, 0) if np.isfinite(sh) else 0, yi), xytext=(4, 0),
                textcoords="offset points", ha="left", va="center", fontsize=9,
            )
        top = np.nanmax(share.to_numpy()) if share.notna().any() else 100.0
        ax.set_xlim(0, max(100.0, top) * 1.18)
        ax.set_xlabel(LABELS["attainment_axis"])
        handles = [
            Patch(color=COLORS["met"], label=LABELS["met"]),
            Patch(color=COLORS["missed"], label=LABELS["missed"]),
            Line2D([], [], label=LABELS["full_marks"], **full_marks_style),
        ]
        _legend_above(ax, handles=handles)
        _title_with_legend(ax, title)
        _set_font(ax)
        return fig


def plot_score_breakdown(df: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Return a Figure of points earned against points available per 一级指标.

    Rows with the same ``level1`` are summed (so indicator-level scores can be
    passed as they are), in order of first appearance; include a 预算执行率 row
    to show that block too.  Each bar is the weight, split into 得分 and 失分,
    labelled ``score/weight``; the default title carries the totals.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``level1``, ``weight``, ``score``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new Figure is created when None.
    title : str, optional
        Chart title; defaults to ``LABELS["breakdown_title_total"]`` with the totals.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _input_problems(df, ("level1", "weight", "score"), "plot_score_breakdown")
    if df.empty:
        with chinese_style():
            fig, ax = _figure_and_axes(ax, _bar_height(0))
            return _no_data(fig, ax, LABELS["breakdown_title"] if title is None else title)
    num = _numeric(df, ("weight", "score"), "plot_score_breakdown")
    frame = pd.DataFrame({"level1": df["level1"].astype(str).to_numpy(), **num})
    grouped = frame.groupby("level1", sort=False)[["weight", "score"]].sum(min_count=1)
    weight, score = grouped["weight"], grouped["score"]
    if title is None:
        title = LABELS["breakdown_title_total"].format(
            score=formats.compact(score.sum()), weight=formats.compact(weight.sum())
        )
    with chinese_style():
        fig, ax = _figure_and_axes(ax, _bar_height(len(grouped)))
        y = _category_axis(ax, grouped.index.tolist())
        earned = score.fillna(0).clip(lower=0)
        lost = (weight - earned).clip(lower=0).fillna(0)
        ax.barh(y, earned, height=0.6, color=COLORS["met"], label=LABELS["earned"])
        ax.barh(y, lost, left=earned, height=0.6, color=COLORS["lost"], label=LABELS["lost"])
        ends = pd.concat([weight, earned], axis=1).max(axis=1).fillna(0)
        for yi, end, s, w in zip(y, ends, score, weight):
            ax.annotate(
                LABELS["score_of"].format(score=formats.compact(s), weight=formats.compact(w)),
                xy=(end, yi), xytext=(4, 0), textcoords="offset points",
                ha="left", va="center", fontsize=9,
            )
        ax.set_xlim(0, max(float(ends.max()), 1.0) * 1.2)
        ax.set_xlabel(LABELS["points_axis"])
        _legend_above(ax, ncols=2)
        _title_with_legend(ax, title)
        _set_font(ax)
        return fig


def plot_trend(
    df: pd.DataFrame,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Return a Figure with one line per series over the years.

    Years missing inside a series leave a gap in its line (the line is not
    drawn across them); markers show every known point, so an isolated year
    remains visible.  Year ticks are whole years.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``year`` (integer), ``series`` (name shown in the legend),
        ``value``; a missing value is a gap.  One row per series and year.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new Figure is created when None.
    title : str, optional
        Chart title; defaults to ``LABELS["trend_title"]``.
    ylabel : str, optional
        Label of the value axis (e.g. ``"金额（万元）"``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DataError
        If a year is not an integer, a value is not a number, or a series has
        two rows for one year.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    _input_problems(df, ("year", "series", "value"), "plot_trend")
    title = LABELS["trend_title"] if title is None else title
    source = LABELS["input_name"].format(chart="plot_trend")
    with chinese_style():
        fig, ax = _figure_and_axes(ax, 4.0)
        if df.empty:
            return _no_data(fig, ax, title)
        num = _numeric(df, ("year", "value"), "plot_trend")
        year, value = num["year"], num["value"]
        problems = [
            Problem(source, pos + 1, "year", df["year"].iloc[pos], LABELS["not_year"])
            for pos in np.flatnonzero((year.isna() | (year % 1 != 0)).to_numpy())
        ]
        series = df["series"].astype(str).reset_index(drop=True)
        dup = pd.DataFrame({"year": year, "series": series}).duplicated(keep="first")
        problems += [
            Problem(source, pos + 1, "year", df["year"].iloc[pos], LABELS["duplicate_point"])
            for pos in np.flatnonzero(dup.to_numpy())
        ]
        if problems:
            raise DataError(problems)

        years = year.astype(int)
        span = np.arange(years.min(), years.max() + 1)
        wide = (
            pd.DataFrame({"year": years, "series": series, "value": value})
            .pivot(index="year", columns="series", values="value")
            .reindex(span)
        )
        for name in pd.unique(series):
            ax.plot(wide.index, wide[name].to_numpy(), marker="o", markersize=5, linewidth=1.8,
                    label=name)
        year_label = FuncFormatter(lambda v, _pos: LABELS["year_tick"].format(year=int(round(v))))
        if len(span) <= 12:
            ax.set_xticks(span)
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(year_label)
        ax.set_xlim(span[0] - 0.5, span[-1] + 0.5)
        ax.yaxis.grid(True)
        if ylabel is not None:
            ax.set_ylabel(ylabel, parse_math=False)
        ax.legend(loc="best")
        ax.set_title(title, parse_math=False)
        _set_font(ax)
        return fig


# ---------------------------------------------------------------- saving


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 150) -> Path:
    """Return the path the figure was saved to, written atomically and reproducibly.

    The image is written to a temporary file in the target directory and
    moved into place with :func:`os.replace`, so a reader never sees a
    half-written file.  Metadata that would change between runs (software
    version, date) is left out, so saving an unchanged figure again gives a
    byte-identical file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or path-like
        Target file; its suffix picks the format (``.png``, ``.svg``, ``.pdf``;
        no suffix means PNG and ``.png`` is appended).  Parent directories are
        created.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    RenderError
        For an unsupported format or when writing fails.
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _DETERMINISTIC_METADATA:
        raise RenderError(LABELS["unsupported_format"].format(
            suffix=path.suffix, allowed="、".join(f".{k}" for k in _DETERMINISTIC_METADATA)
        ))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Hidden name in the same directory, so os.replace is an atomic rename.
    try:
        data = figure_bytes(fig, fmt, dpi)
    except OSError as exc:  # encoding went wrong before anything was written: the old file stays
        raise RenderError(LABELS["save_failed"].format(path=path, error=exc)) from exc
    return write_image(data, path)


def write_image(data: bytes, path: str | os.PathLike) -> Path:
    """Return ``path`` after writing encoded image bytes there atomically (parents created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:  # named by its place, not by the temporary file (errno kept: "[Errno 28] …")
        error = f"[Errno {exc.errno}] {exc.strerror}" if exc.errno else exc
        raise RenderError(LABELS["save_failed"].format(path=path, error=error)) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """Return the figure encoded as ``fmt`` (png, svg, pdf), reproducibly: the bytes :func:`save_figure` writes."""
    buf = io.BytesIO()
    with chinese_style():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_DETERMINISTIC_METADATA[fmt])
    return buf.getvalue()
