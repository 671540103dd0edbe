"""Tests for perfkit.present.charts: Chinese-labelled charts and deterministic saving."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from perfkit.present import charts  # noqa: E402
from perfkit.present.charts import COLORS, LABELS  # noqa: E402
from perfkit.errors import DataError, RenderError  # noqa: E402
from perfkit.present.fonts import cjk_font_path  # noqa: E402

# Figures of the 2023 seed report (万元), and made-up rows around them.
EXECUTION = pd.DataFrame({
    "label": ["部门整体", "项目支出", "见义勇为专项资金"],
    "budget": [200963.70, 30411.81, 50.0],
    "executed": [199466.59, 30366.59, 40.0],
})
ATTAINMENT = pd.DataFrame({
    "name": ["案件类警情同比下降", "共护校园数", "市民安全感"],
    "score": [10.0, 9.0, 7.5],
    "weight_used": [10.0, 10.0, 10.0],
    "met": [True, True, False],
})
BREAKDOWN = pd.DataFrame({
    "level1": ["产出指标", "产出指标", "效益指标", "满意度指标", "预算执行率"],
    "weight": [30.0, 20.0, 30.0, 10.0, 10.0],
    "score": [30.0, 18.5, 28.0, 8.0, 9.93],
})
TREND = pd.DataFrame({
    "year": [2020, 2021, 2023, 2021, 2022, 2023],
    "series": ["破案率", "破案率", "破案率", "治安满意度", "治安满意度", "治安满意度"],
    "value": [80.0, 82.5, 88.9, 97.5, 98.0, 98.0],
})

CHARTS = [
    pytest.param(charts.plot_execution, EXECUTION, "label", id="execution"),
    pytest.param(charts.plot_attainment, ATTAINMENT, "name", id="attainment"),
    pytest.param(charts.plot_score_breakdown, BREAKDOWN, "level1", id="score_breakdown"),
    pytest.param(charts.plot_trend, TREND, "series", id="trend"),
]


@pytest.fixture(autouse=True)
def glyph_warnings_fail():
    """A missing-glyph (or any other) warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def render(fig: Figure) -> bytes:
    """Draw the figure for real (the default canvas of a bare Figure does not draw)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def the_axes(fig: Figure):
    (ax,) = fig.axes
    return ax


def annotations(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def bar_widths(container) -> list[float]:
    return [p.get_width() for p in container.patches]


def font_file(text: Text) -> Path:
    return Path(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))


# ----------------------------------------------------------------- every chart


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_chart_returns_figure_with_cjk_font_on_chinese_text(plot, df, label_col):
    fig = plot(df)
    assert isinstance(fig, Figure)
    render(fig)
    ax = the_axes(fig)
    chinese = [ax.title] + [t for t in ax.findobj(Text) if t.get_text() in set(df[label_col])]
    assert len(chinese) > 1
    assert {font_file(t) for t in chinese} == {cjk_font_path()}


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_chart_uses_given_title(plot, df, label_col):
    fig = plot(df, title="越秀分局 2023 年")
    assert the_axes(fig).get_title(loc="left") == "越秀分局 2023 年"


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_chart_draws_into_given_axes_and_returns_its_figure(plot, df, label_col):
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plot(df, ax=left) is fig
    render(fig)
    assert left.get_title(loc="left") != ""
    assert right.get_title(loc="left") == "" and not right.lines and not right.patches


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_chart_draws_with_real_glyphs_outside_chinese_style(plot, df, label_col):
    # A notebook displays the returned figure after the function returned,
    # i.e. with the user's global settings: the fonts must still be CJK.
    fig = plot(df)
    with matplotlib.rc_context({"font.family": ["serif"], "axes.unicode_minus": True}):
        render(fig)
    ax = the_axes(fig)
    assert {font_file(t) for t in ax.get_yticklabels() + ax.get_xticklabels()} == {cjk_font_path()}


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_empty_input_gives_centred_no_data_note(plot, df, label_col):
    fig = plot(df.iloc[:0])
    render(fig)
    ax = the_axes(fig)
    assert not ax.axison
    assert annotations(ax) == [LABELS["no_data"]]
    note = ax.texts[0]
    assert note.get_position() == (0.5, 0.5)
    assert (note.get_ha(), note.get_va()) == ("center", "center")
    assert font_file(note) == cjk_font_path()


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_missing_columns_are_all_reported(plot, df, label_col):
    required = {c for c in df.columns if c != "met"}  # met is optional
    with pytest.raises(DataError) as err:
        plot(df[[label_col]])
    assert {p.column for p in err.value.problems} == required - {label_col}


def test_missing_columns_named_for_plot_execution():
    with pytest.raises(DataError) as err:
        charts.plot_execution(pd.DataFrame({"label": ["部门整体"]}))
    assert [p.column for p in err.value.problems] == ["budget", "executed"]
    assert all(p.expected == LABELS["missing_column"] for p in err.value.problems)


@pytest.mark.parametrize("plot, df, label_col", CHARTS)
def test_global_rcparams_and_pyplot_untouched(plot, df, label_col, tmp_path):
    import matplotlib.pyplot as plt

    before = matplotlib.rcParams.copy()
    figures_before = plt.get_fignums()
    charts.save_figure(plot(df), tmp_path / "chart.png")
    assert matplotlib.rcParams == before
    assert plt.get_fignums() == figures_before


# ----------------------------------------------------------------- plot_execution


def test_execution_bars_and_rate_labels():
    fig = charts.plot_execution(EXECUTION)
    render(fig)
    ax = the_axes(fig)
    budget_bars, executed_bars = ax.containers
    assert bar_widths(budget_bars) == pytest.approx(EXECUTION["budget"].tolist())
    assert bar_widths(executed_bars) == pytest.approx(EXECUTION["executed"].tolist())
    rates = EXECUTION["executed"] / EXECUTION["budget"]
    assert annotations(ax) == [f"{r * 100:.1f}%" for r in rates]
    assert annotations(ax)[0] == "99.3%"  # the rate the seed report states
    assert [t.get_text() for t in ax.get_yticklabels()] == EXECUTION["label"].tolist()
    assert ax.get_title(loc="left") == LABELS["execution_title"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert LABELS["budget"] in legend and LABELS["executed"] in legend


def test_execution_rate_below_threshold_is_drawn_as_warning():
    fig = charts.plot_execution(EXECUTION, threshold=0.9)
    ax = the_axes(fig)
    rates = (EXECUTION["executed"] / EXECUTION["budget"]).tolist()
    colors = [to_rgba(t.get_color()) for t in ax.texts]
    expected = [to_rgba(COLORS["warning"] if r < 0.9 else "black") for r in rates]
    assert colors == expected
    assert expected.count(to_rgba(COLORS["warning"])) == 1  # 40/50 = 80%
    (marks,) = ax.collections
    xs = [seg[0][0] for seg in marks.get_segments()]
    assert xs == pytest.approx((EXECUTION["budget"] * 0.9).tolist())


def test_execution_without_threshold_has_no_marks():
    ax = the_axes(charts.plot_execution(EXECUTION, threshold=None))
    assert len(ax.collections) == 0
    assert {to_rgba(t.get_color()) for t in ax.texts} == {to_rgba("black")}


@pytest.mark.parametrize(
    "rows, expected",
    [
        ({"budget": [100.0], "executed": [80.0], "execution_rate": [0.5]}, ["50.0%"]),
        ({"budget": [100.0], "executed": [80.0], "execution_rate": [np.nan]}, ["80.0%"]),
        ({"budget": [0.0], "executed": [5.0]}, [LABELS["rate_missing"]]),
        ({"budget": [np.nan], "executed": [5.0]}, [LABELS["rate_missing"]]),
        ({"budget": [100.0], "executed": [105.0]}, ["105.0%"]),
    ],
    ids=["given-rate-wins", "missing-rate-computed", "zero-budget-no-rate", "unknown-budget-no-rate",
         "over-execution-shown"],
)
def test_execution_rate_source(rows, expected):
    df = pd.DataFrame({"label": ["专项"] * len(rows["budget"]), **rows})
    fig = charts.plot_execution(df)
    render(fig)
    assert annotations(the_axes(fig)) == expected


def test_execution_non_numeric_amounts_are_all_reported():
    df = EXECUTION.assign(budget=["200963.70", "三万", 50.0], executed=[1.0, 2.0, "未知"])
    with pytest.raises(DataError) as err:
        charts.plot_execution(df)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (2, "budget", "三万"), (3, "executed", "未知")
    ]


# ----------------------------------------------------------------- plot_attainment


def test_attainment_bars_are_score_share_and_missed_highlighted():
    fig = charts.plot_attainment(ATTAINMENT)
    render(fig)
    ax = the_axes(fig)
    (bars,) = ax.containers
    shares = (ATTAINMENT["score"] / ATTAINMENT["weight_used"] * 100).tolist()
    assert bar_widths(bars) == pytest.approx(shares)
    colors = [p.get_facecolor() for p in bars.patches]
    expected = [to_rgba(COLORS["met"] if m else COLORS["missed"]) for m in ATTAINMENT["met"]]
    assert colors == expected
    assert annotations(ax) == ["10/10", "9/10", "7.5/10"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ATTAINMENT["name"].tolist()


@pytest.mark.parametrize(
    "met, expected_missed",
    [
        (None, [False, True, True]),
        ([True, True, np.nan], [False, False, True]),
        ([False, True, True], [True, False, False]),
    ],
    ids=["derived-from-full-marks", "missing-met-derived", "given-met-wins"],
)
def test_attainment_met_flag(met, expected_missed):
    df = ATTAINMENT.drop(columns="met")
    if met is not None:
        df = df.assign(met=pd.Series(met, dtype=object))
    (bars,) = the_axes(charts.plot_attainment(df)).containers
    missed = [p.get_facecolor() == to_rgba(COLORS["missed"]) for p in bars.patches]
    assert missed == expected_missed


@pytest.mark.parametrize("weight", [0.0, np.nan], ids=["zero-weight", "missing-weight"])
def test_attainment_without_weight_has_no_bar_and_a_note(weight):
    df = pd.DataFrame({"name": ["公安热线办结率"], "score": [5.0], "weight_used": [weight]})
    fig = charts.plot_attainment(df)
    render(fig)
    ax = the_axes(fig)
    assert bar_widths(ax.containers[0]) == [0.0]
    assert annotations(ax) == [LABELS["no_weight"]]


# ----------------------------------------------------------------- plot_score_breakdown


def test_score_breakdown_sums_rows_per_level1_in_order():
    fig = charts.plot_score_breakdown(BREAKDOWN)
    render(fig)
    ax = the_axes(fig)
    grouped = BREAKDOWN.groupby("level1", sort=False)[["weight", "score"]].sum()
    earned, lost = ax.containers
    assert [t.get_text() for t in ax.get_yticklabels()] == grouped.index.tolist()
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "预算执行率"
    assert bar_widths(earned) == pytest.approx(grouped["score"].tolist())
    assert bar_widths(lost) == pytest.approx((grouped["weight"] - grouped["score"]).tolist())
    assert [p.get_x() for p in lost.patches] == pytest.approx(grouped["score"].tolist())
    assert annotations(ax)[0] == "48.5/50"
    total = BREAKDOWN["score"].sum()
    assert ax.get_title(loc="left") == LABELS["breakdown_title_total"].format(
        score=f"{total:.2f}".rstrip("0").rstrip("."), weight="100"
    )


def test_score_above_weight_shows_no_negative_loss():
    df = pd.DataFrame({"level1": ["产出指标"], "weight": [50.0], "score": [55.0]})
    earned, lost = the_axes(charts.plot_score_breakdown(df)).containers
    assert bar_widths(earned) == [55.0]
    assert bar_widths(lost) == [0.0]


# ----------------------------------------------------------------- plot_trend


def test_trend_one_line_per_series_with_gap_for_missing_year():
    fig = charts.plot_trend(TREND, ylabel="%")
    render(fig)
    ax = the_axes(fig)
    assert [line.get_label() for line in ax.lines] == ["破案率", "治安满意度"]
    cases, satisfaction = ax.lines
    assert list(cases.get_xdata()) == [2020, 2021, 2022, 2023]
    y = np.asarray(cases.get_ydata(), dtype=float)
    assert np.isnan(y[2])  # 2022 missing: a gap, not a line from 2021 to 2023
    assert y[[0, 1, 3]] == pytest.approx([80.0, 82.5, 88.9])
    assert np.isnan(np.asarray(satisfaction.get_ydata(), dtype=float)[0])
    assert all(line.get_marker() == "o" for line in ax.lines)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [LABELS["year_tick"].format(year=y) for y in range(2020, 2024)]
    assert ax.get_ylabel() == "%"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["破案率", "治安满意度"]


def test_trend_many_years_get_integer_ticks_only():
    df = pd.DataFrame({"year": range(2000, 2024), "series": "支出", "value": range(24)})
    fig = charts.plot_trend(df)
    render(fig)
    locs = the_axes(fig).get_xticks()
    assert len(locs) > 1
    assert all(float(v).is_integer() for v in locs)


@pytest.mark.parametrize(
    "df, expected",
    [
        (pd.DataFrame({"year": [2022, 2022], "series": ["破案率", "破案率"], "value": [1.0, 2.0]}),
         [(2, "year", LABELS["duplicate_point"])]),
        (pd.DataFrame({"year": [2022.5, "二〇二三"], "series": ["破案率", "破案率"], "value": [1.0, 2.0]}),
         [(2, "year", LABELS["not_numeric"])]),
        (pd.DataFrame({"year": [2022.5, 2023], "series": ["破案率", "破案率"], "value": [1.0, 2.0]}),
         [(1, "year", LABELS["not_year"])]),
    ],
    ids=["duplicate-year-in-series", "year-not-a-number", "fractional-year"],
)
def test_trend_bad_input_is_reported(df, expected):
    with pytest.raises(DataError) as err:
        charts.plot_trend(df)
    assert [(p.row, p.column, p.expected) for p in err.value.problems] == expected


def test_trend_same_year_in_two_series_is_fine():
    df = pd.DataFrame({"year": [2023, 2023], "series": ["甲", "乙"], "value": [1.0, -2.0]})
    fig = charts.plot_trend(df)
    render(fig)
    assert len(the_axes(fig).lines) == 2


# ----------------------------------------------------------------- save_figure


def test_saving_twice_gives_identical_png_without_version_metadata(tmp_path):
    first = charts.save_figure(charts.plot_execution(EXECUTION), tmp_path / "a.png")
    second = charts.save_figure(charts.plot_execution(EXECUTION), tmp_path / "b.png")
    data = first.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data == second.read_bytes()
    assert b"Software" not in data and b"atplotlib" not in data


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_saving_same_figure_twice_is_byte_identical(tmp_path, fmt):
    fig = charts.plot_trend(TREND)
    a = charts.save_figure(fig, tmp_path / f"a.{fmt}").read_bytes()
    b = charts.save_figure(fig, tmp_path / f"b.{fmt}").read_bytes()
    assert a == b
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a.{fmt}", f"b.{fmt}"]  # no temp files left


def test_saving_in_another_process_gives_identical_png(tmp_path):
    code = (
        "import pandas as pd, sys; from perfkit.present import charts; "
        f"df = pd.DataFrame({EXECUTION.to_dict(orient='list')!r}); "
        "charts.save_figure(charts.plot_execution(df), sys.argv[1])"
    )
    env = {**os.environ, "PYTHONWARNINGS": "error::UserWarning"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "other.png")], check=True, env=env)
    here = charts.save_figure(charts.plot_execution(EXECUTION), tmp_path / "here.png")
    assert (tmp_path / "other.png").read_bytes() == here.read_bytes()


def test_save_figure_returns_path_creates_dirs_and_defaults_to_png(tmp_path):
    out = charts.save_figure(charts.plot_trend(TREND), tmp_path / "sub" / "trend")
    assert out == tmp_path / "sub" / "trend.png"
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_save_figure_rejects_unknown_format(tmp_path):
    with pytest.raises(RenderError, match=".jpg"):
        charts.save_figure(charts.plot_trend(TREND), tmp_path / "trend.jpg")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "chart.png"
    target.write_bytes(b"old chart")
    fig = charts.plot_trend(TREND)

    def half_written(fh, **_kwargs):
        fh.write(b"\x89PNG half")
        raise OSError("disk full")

    monkeypatch.setattr(fig, "savefig", half_written)
    with pytest.raises(RenderError, match="disk full"):
        charts.save_figure(fig, target)
    assert target.read_bytes() == b"old chart"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_attainment_weighted_but_unscored_says_so():
    # the reference case: indicators with a weight but no actual value cannot be judged
    df = pd.DataFrame({"name": ["共护校园数"], "score": [np.nan], "weight_used": [11.43]})
    fig = charts.plot_attainment(df)
    render(fig)
    ax = the_axes(fig)
    assert bar_widths(ax.containers[0]) == [0.0]
    assert annotations(ax) == [LABELS["unscored"]]
