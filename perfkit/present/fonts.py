"""The CJK font for charts, and a context manager that applies it.

Nothing here changes global matplotlib settings: importing this module is
free of side effects, and :func:`chinese_style` sets the font (and the rest of
perfkit's chart style) only for the duration of a ``with`` block, the way
pyfolio styles its plots.  The one lasting effect is that a font found on disk
is *registered* with matplotlib's font manager, which is what makes it usable
at all.

Lookup order: a system font from :data:`PREFERRED_SYSTEM_FONTS`, else the Noto
Sans SC that ships in the ``pylopdf-fonts-zh-cn`` wheel (a dependency), so a
fresh machine without any CJK font still draws real glyphs.  Set the
environment variable ``PERFKIT_CJK_FONT`` to ``bundled`` to always use the
bundled font (identical PNGs on every machine), or to a font family name to
force that font.
"""
from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path
from typing import Iterator

import pylopdf_fonts_zh_cn

from perfkit.errors import RenderError
from perfkit.text import batch as batch_text

#: System fonts tried in this order; the first one matplotlib can find wins.
PREFERRED_SYSTEM_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)

# Lower-cased file-name stems of the preferred fonts, used to register fonts
# installed after matplotlib built its font cache without rebuilding the cache
# (a rebuild parses every font on the machine and takes seconds).
_CANDIDATE_FILE_STEMS: tuple[str, ...] = (
    "notosanscjk",
    "sourcehansans",
    "msyh",
    "simhei",
    "pingfang",
)

#: Family appended after the CJK font: matplotlib falls back to it glyph by
#: glyph, for the few symbols a CJK font lacks.
FALLBACK_FAMILY = "DejaVu Sans"

#: Environment variable that overrides the lookup (``bundled`` or a family name).
FONT_ENV_VAR = "PERFKIT_CJK_FONT"

# Chart style shared by every perfkit chart.  Kept as data so a report can
# override single keys through ``chinese_style(rc=...)``.
CHART_RC: dict[str, object] = {
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.edgecolor": "#555555",
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "font.size": 10,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    # Deterministic output: SVG element ids come from this salt instead of
    # a random one, so an unchanged chart gives an unchanged file.
    "svg.hashsalt": "perfkit",
}


def bundled_font_path() -> Path:
    """Return the path of the Noto Sans SC font shipped in ``pylopdf-fonts-zh-cn``.

    Returns
    -------
    pathlib.Path
        The ``.otf`` file.

    Raises
    ------
    RenderError
        If its font file is missing (a broken installation).
    """
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():  # pragma: no cover - broken installation
        raise RenderError(batch_text.NO_BUNDLED_FONT.format(path=path))
    return path


def _font_manager():
    from matplotlib import font_manager

    return font_manager


def _regular_rank(entry) -> tuple[int, int, int]:
    """Return how far a font face is from the regular one (upright, weight 400, normal width); 0 is regular."""
    weight = entry.weight
    if not isinstance(weight, (int, float)):
        weight = _font_manager().weight_dict.get(str(weight), 400)
    return (entry.style != "normal", abs(int(weight) - 400), entry.stretch not in ("normal", 500))


def _entries_by_name() -> dict[str, Path]:
    """Return ``{family name: file of its regular face}`` of every font matplotlib knows.

    A family usually has several files (Debian's fonts-noto-cjk: a Regular and
    a Bold ``.ttc``, both named "Noto Sans CJK SC"), listed in whatever order
    the disk gave.  Charts draw with the regular face (matplotlib's
    ``findfont`` prefers weight 400), so that is the file reported.
    """
    best: dict[str, object] = {}
    for entry in _font_manager().fontManager.ttflist:
        known = best.get(entry.name)
        if known is None or _regular_rank(entry) < _regular_rank(known):
            best[entry.name] = entry
    return {name: Path(entry.fname) for name, entry in best.items()}


def _register_candidate_files() -> None:
    """Register system font files whose names look like a preferred CJK font."""
    font_manager = _font_manager()
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for fname in font_manager.findSystemFonts():
        stem = Path(fname).stem.lower().replace(" ", "").replace("-", "")
        if fname in known or not stem.startswith(_CANDIDATE_FILE_STEMS):
            continue
        try:
            font_manager.fontManager.addfont(fname)
        except (OSError, RuntimeError, ValueError):
            # An unreadable or broken font file is skipped, not fatal: the
            # bundled font still works.
            continue


def find_system_font(
    preferred: tuple[str, ...] = PREFERRED_SYSTEM_FONTS,
) -> tuple[str, Path] | None:
    """Return ``(family name, file)`` of the first preferred CJK font installed, or None.

    Fonts already in matplotlib's cache are looked up first; only if none is
    there are font files scanned (by file name, no cache rebuild) and
    registered.

    Parameters
    ----------
    preferred : tuple of str
        Family names in order of preference.

    Returns
    -------
    tuple of (str, pathlib.Path) or None
    """
    for attempt in range(2):
        by_name = _entries_by_name()
        for name in preferred:
            if name in by_name:
                return name, by_name[name]
        if attempt == 0:
            _register_candidate_files()
    return None


def _register_bundled() -> tuple[str, Path]:
    font_manager = _font_manager()
    path = bundled_font_path()
    if not any(Path(e.fname) == path for e in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    return name, path


@functools.cache
def _resolve() -> tuple[str, Path]:
    override = os.environ.get(FONT_ENV_VAR, "").strip()
    if override.lower() == "bundled":
        return _register_bundled()
    if override:
        found = find_system_font((override,))
        if found is None:
            raise RenderError(batch_text.FONT_NOT_FOUND.format(variable=FONT_ENV_VAR, font=override))
        return found
    found = find_system_font()
    if found is not None:
        return found
    return _register_bundled()


def cjk_font_name() -> str:
    """Return the family name of the CJK font charts use (looked up once per process).

    Returns
    -------
    str
        E.g. ``"Noto Sans CJK SC"`` on a machine with that font, ``"Noto Sans SC"``
        (the bundled font) on a fresh machine.
    """
    return _resolve()[0]


def cjk_font_path() -> Path:
    """Return the file of the CJK font charts use (the regular face of :func:`cjk_font_name`).

    Returns
    -------
    pathlib.Path
    """
    return _resolve()[1]


def clear_font_cache() -> None:
    """Forget the font chosen by :func:`cjk_font_name`, so the next call looks again."""
    _resolve.cache_clear()


def font_families() -> list[str]:
    """Return the font family list charts set: the CJK font, then the fallback.

    Returns
    -------
    list of str
    """
    name = cjk_font_name()
    return [name] if name == FALLBACK_FAMILY else [name, FALLBACK_FAMILY]


@contextlib.contextmanager
def chinese_style(rc: dict | None = None) -> Iterator[str]:
    """Yield the CJK font name while matplotlib uses perfkit's chart style.

    The style starts from matplotlib's defaults, so a report looks the same
    whatever the user changed globally, then sets the CJK font first in the
    family list, ``axes.unicode_minus = False`` (the CJK font's minus sign is
    the ASCII one) and a plain look.  All settings are restored on exit.

    Parameters
    ----------
    rc : dict, optional
        Extra rcParams applied last, for one report's own tweaks.

    Yields
    ------
    str
        The CJK font family name.

    Examples
    --------
    >>> with chinese_style():                      # doctest: +SKIP
    ...     fig = Figure(); fig.subplots().set_title("预算执行率")
    """
    import matplotlib
    import matplotlib.style

    families = font_families()
    params = dict(CHART_RC)
    params["font.family"] = families
    params["font.sans-serif"] = families
    if rc:
        params.update(rc)
    with matplotlib.style.context("default"), matplotlib.rc_context(params):
        yield families[0]
