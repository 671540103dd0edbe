"""Tests for perfkit.present.fonts: CJK font lookup and the chinese_style context manager."""
from __future__ import annotations

import io
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from perfkit.present import fonts  # noqa: E402
from perfkit.errors import RenderError  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_lookup(monkeypatch):
    """Each test chooses the font afresh and leaves no choice behind for the next one."""
    monkeypatch.delenv(fonts.FONT_ENV_VAR, raising=False)
    fonts.clear_font_cache()
    yield
    fonts.clear_font_cache()


def bundled_family() -> str:
    return font_manager.get_font(str(fonts.bundled_font_path())).family_name


def no_system_font(*_args, **_kwargs):
    return None


# ----------------------------------------------------------------- cjk_font_name


def test_fresh_machine_falls_back_to_bundled_font(monkeypatch):
    monkeypatch.setattr(fonts, "find_system_font", no_system_font)
    assert fonts.cjk_font_name() == bundled_family()
    assert fonts.cjk_font_path() == fonts.bundled_font_path()
    # registered, so matplotlib resolves the family name to the bundled file
    found = font_manager.findfont(
        font_manager.FontProperties(family=fonts.cjk_font_name()), fallback_to_default=False
    )
    assert Path(found) == fonts.bundled_font_path()


def test_without_system_cjk_font_bundled_is_used():
    # Depends on the machine: runs only where no preferred CJK font is installed (a fresh machine).
    # Elsewhere the fallback is covered by the monkeypatched test above, so skip rather than fail.
    if fonts.find_system_font() is not None:
        pytest.skip("this machine has a system CJK font")
    assert fonts.cjk_font_name() == bundled_family()


def test_with_system_cjk_font_the_drawn_face_is_reported():
    # Depends on the machine: runs only where a preferred CJK font is installed (e.g. Debian's
    # fonts-noto-cjk, whose Regular and Bold files share one family name). The path reported must
    # be the file matplotlib draws that family with, not whichever face the disk listed first.
    found = fonts.find_system_font()
    if found is None:
        pytest.skip("this machine has no system CJK font")
    drawn = font_manager.findfont(font_manager.FontProperties(family=found[0]), fallback_to_default=False)
    assert found[1] == Path(drawn)


def _entry(fname, name, weight, style="normal", stretch="normal"):
    return font_manager.FontEntry(fname=fname, name=name, style=style, weight=weight, stretch=stretch)


@pytest.mark.parametrize(
    "entries, expected",
    [
        ([_entry("/f/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", 700),
          _entry("/f/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", 400)], "/f/NotoSansCJK-Regular.ttc"),
        ([_entry("/f/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", 400),
          _entry("/f/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", 700)], "/f/NotoSansCJK-Regular.ttc"),
        ([_entry("/f/SimHei-Italic.ttf", "SimHei", 400, style="italic"),
          _entry("/f/SimHei-Light.ttf", "SimHei", "light"),
          _entry("/f/SimHei.ttf", "SimHei", "normal")], "/f/SimHei.ttf"),
        ([_entry("/f/msyh-condensed.ttc", "Microsoft YaHei", 400, stretch="condensed"),
          _entry("/f/msyh.ttc", "Microsoft YaHei", 400)], "/f/msyh.ttc"),
    ],
    ids=["bold-listed-first", "regular-listed-first", "italic-and-light-skipped", "condensed-skipped"],
)
def test_font_file_is_the_regular_face_whatever_the_listing_order(monkeypatch, entries, expected):
    # Regression (fonts-noto-cjk): cjk_font_path() returned the Bold file while charts drew with Regular.
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
    name = entries[0].name
    assert fonts.find_system_font((name,)) == (name, Path(expected))


def test_system_font_is_preferred_when_found(monkeypatch):
    fake = ("SimHei", Path("/usr/share/fonts/simhei.ttf"))
    monkeypatch.setattr(fonts, "find_system_font", lambda *a, **k: fake)
    assert fonts.cjk_font_name() == "SimHei"
    assert fonts.cjk_font_path() == fake[1]
    assert fonts.font_families() == ["SimHei", fonts.FALLBACK_FAMILY]


def test_lookup_runs_once_per_process(monkeypatch):
    calls = []

    def counting(*_args, **_kwargs):
        calls.append(1)
        return None

    monkeypatch.setattr(fonts, "find_system_font", counting)
    names = {fonts.cjk_font_name() for _ in range(5)}
    fonts.cjk_font_path()
    assert len(names) == 1
    assert len(calls) == 1


@pytest.mark.parametrize(
    "installed, expected",
    [
        ({"SimHei": "/f/simhei.ttf", "Microsoft YaHei": "/f/msyh.ttc"}, "Microsoft YaHei"),
        ({"PingFang SC": "/f/PingFang.ttc", "Noto Sans CJK SC": "/f/NotoSansCJK.ttc"}, "Noto Sans CJK SC"),
        ({"Source Han Sans SC": "/f/SourceHanSansSC.otf", "SimHei": "/f/simhei.ttf"}, "Source Han Sans SC"),
        ({"PingFang SC": "/f/PingFang.ttc"}, "PingFang SC"),
        ({"DejaVu Sans": "/f/DejaVuSans.ttf"}, None),
        ({}, None),
    ],
    ids=["yahei-before-simhei", "noto-cjk-first", "source-han-before-simhei", "pingfang-last-resort",
         "latin-only-is-not-cjk", "nothing-installed"],
)
def test_find_system_font_follows_preference_order(monkeypatch, installed, expected):
    registered = []
    monkeypatch.setattr(fonts, "_entries_by_name", lambda: {k: Path(v) for k, v in installed.items()})
    monkeypatch.setattr(fonts, "_register_candidate_files", lambda: registered.append(1))
    found = fonts.find_system_font()
    if expected is None:
        assert found is None
        assert len(registered) == 1  # scanned the disk once, then gave up
    else:
        assert found == (expected, Path(installed[expected]))
        assert registered == []  # found in matplotlib's cache: no disk scan


def test_fonts_installed_after_cache_build_are_registered_by_file_name(monkeypatch):
    files = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/win/msyh.ttc",
        "/usr/share/fonts/win/SimHei.ttf",
        "/usr/share/fonts/adobe/SourceHanSansSC-Regular.otf",
        "/usr/share/fonts/other/SomeSerif.ttf",
    ]
    added = []
    # matplotlib's own list starts empty, so a machine that already has these fonts registered
    # (fonts-noto-cjk installed before the cache was built) sees the same as one that has none
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: files)
    monkeypatch.setattr(font_manager.fontManager, "addfont", added.append)
    fonts._register_candidate_files()
    assert added == [files[0], files[2], files[3], files[4]]


def test_broken_candidate_font_file_is_skipped(monkeypatch):
    def broken(_path):
        raise RuntimeError("Can not load face")

    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: ["/f/simhei.ttf"])
    monkeypatch.setattr(font_manager.fontManager, "addfont", broken)
    fonts._register_candidate_files()  # does not raise


@pytest.mark.parametrize(
    "env, system, expected",
    [
        ("bundled", ("SimHei", Path("/f/simhei.ttf")), "bundled"),
        ("BUNDLED", None, "bundled"),
        ("SimHei", ("SimHei", Path("/f/simhei.ttf")), "SimHei"),
    ],
    ids=["bundled-beats-system-font", "bundled-case-insensitive", "named-font"],
)
def test_env_var_overrides_lookup(monkeypatch, env, system, expected):
    monkeypatch.setenv(fonts.FONT_ENV_VAR, env)
    monkeypatch.setattr(fonts, "find_system_font", lambda *a, **k: system)
    expected_name = bundled_family() if expected == "bundled" else expected
    assert fonts.cjk_font_name() == expected_name


def test_env_var_naming_a_missing_font_is_an_error(monkeypatch):
    monkeypatch.setenv(fonts.FONT_ENV_VAR, "不存在的字体")
    monkeypatch.setattr(fonts, "find_system_font", no_system_font)
    with pytest.raises(RenderError, match="不存在的字体"):
        fonts.cjk_font_name()


# ----------------------------------------------------------------- chinese_style


def test_chinese_style_sets_cjk_font_and_restores_rcparams():
    before = matplotlib.rcParams.copy()
    with fonts.chinese_style() as name:
        assert name == fonts.cjk_font_name()
        assert matplotlib.rcParams["font.family"][0] == name
        assert matplotlib.rcParams["font.sans-serif"][0] == name
        assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams == before


def test_chinese_style_ignores_global_changes_and_accepts_overrides():
    with matplotlib.rc_context({"axes.titlesize": 30, "lines.linewidth": 9}):
        with fonts.chinese_style(rc={"lines.linewidth": 3}):
            assert matplotlib.rcParams["axes.titlesize"] == fonts.CHART_RC["axes.titlesize"]
            assert matplotlib.rcParams["lines.linewidth"] == 3
        assert matplotlib.rcParams["axes.titlesize"] == 30


def test_chinese_text_renders_with_cjk_font_without_missing_glyph_warning():
    # Uses the machine's fonts on purpose (whatever cjk_font_name() finds: a system CJK font or the
    # bundled one): the one test that draws for real, so it must hold on every machine.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fonts.chinese_style():
            fig = Figure()
            ax = fig.add_subplot()
            title = ax.set_title("预算执行率 −13.8% ≥90%")
            fig.savefig(io.BytesIO(), format="png")
    used = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert Path(used) == fonts.cjk_font_path()


def test_importing_perfkit_fonts_and_charts_does_not_import_matplotlib():
    code = (
        "import sys, perfkit.present.fonts, perfkit.present.charts; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
