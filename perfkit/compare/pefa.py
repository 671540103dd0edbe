"""The PEFA 2016 lens on budget credibility: PI-1 aggregate outturn and PI-2 composition variance.

domain.md §5.  The bands and the window ("at least two of the last three
years") are a rule file, ``perfkit/rules/pefa2016.yaml``, read once per
department into :attr:`perfkit.rules.book.RuleBook.pefa`; every function here
takes that mapping as ``pefa_rules`` and reads no file.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from perfkit.instrument import counted, last_year_of
from perfkit.compare.common import BUDGET_FIELDS, base_column, join_notes, scope_namer
from perfkit.ingest.department import Department
from perfkit.ingest.schema import WHOLE_SCOPE
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.rules.pefa import PEFA_GRADES
from perfkit.text import formats, labels, messages
from perfkit.values import execution_rate, is_missing

# --------------------------------------------------------------------------- grades


def _rank(grade) -> int:
    return PEFA_GRADES.index(grade) if grade in PEFA_GRADES else len(PEFA_GRADES)


def pi1_grade(outturn: float, pefa_rules: Mapping) -> str | None:
    """Return the PI-1 grade of one year's outturn (执行数/预算数 in %), ends inclusive; None when unknown."""
    if is_missing(outturn):
        return None
    x = round(float(outturn), 9)  # 95.000000000001 is 95: float noise must not cost a band
    for band in pefa_rules["pi1"]["bands"]:
        if band["low"] <= x <= band["high"]:
            return band["grade"]
    return pefa_rules["pi1"]["else"]


def pi2_grade(variance: float, pefa_rules: Mapping) -> str | None:
    """Return the PI-2 grade of one year's composition variance (%), strictly below each bound; None when unknown."""
    if is_missing(variance):
        return None
    x = round(float(variance), 9)
    for band in pefa_rules["pi2"]["bands"]:
        if x < band["below"]:
            return band["grade"]
    return pefa_rules["pi2"]["else"]


def window_score(grades, pefa_rules: Mapping) -> tuple[str | None, str]:
    """Return the PEFA score over a window of yearly grades, and a note.

    The score is the best grade reached (that grade or better) in at least
    ``years_required`` (2) of the years, PEFA's "at least two of the last three
    years".  Years without a grade count as not reaching any.  With fewer
    graded years than that, every graded year must reach it and the note says
    the score is indicative only.
    """
    window, required = pefa_rules["window_years"], pefa_rules["years_required"]
    graded = [g for g in grades if g in PEFA_GRADES]
    if not graded:
        return None, messages.PEFA_NO_GRADED_YEAR
    notes = []
    if len(graded) < window:
        notes.append(messages.PEFA_FEW_YEARS.format(graded=len(graded), window=window))
    need = min(required, len(graded))
    for grade in PEFA_GRADES[:-1]:
        if sum(_rank(g) <= _rank(grade) for g in graded) >= need:
            return grade, join_notes(*notes)
    return PEFA_GRADES[-1], join_notes(*notes)


def _window_rule(pefa_rules: Mapping) -> str:
    return messages.PEFA_WINDOW_RULE.format(window=pefa_rules["window_years"], required=pefa_rules["years_required"])


def _pefa_years(dept: Department, years, pefa_rules: Mapping) -> list[int]:
    if years is None:
        return dept.years[-pefa_rules["window_years"]:]
    return sorted({dept.require_year(y) for y in years})


def _years_note(years: list[int]) -> str:
    gaps = [f"{a}→{b}" for a, b in zip(years, years[1:]) if b - a > 1]
    return messages.PEFA_YEARS_GAP.format(gaps=messages.LIST_SEP.join(gaps)) if gaps else ""


def _base_label(pefa_rules: Mapping, base: str) -> str:
    labels = pefa_rules.get("base_labels") or {}
    return labels.get(base, BUDGET_FIELDS[base_column(base)])


def pefa_pi1(dept: Department, pefa_rules: Mapping, years=None, base: str = "original",
             scope_id: str = WHOLE_SCOPE) -> pd.DataFrame:
    """Return PEFA PI-1 (aggregate expenditure outturn) per year, with the window score.

    Outturn = 全年执行数 / budget × 100 of the scope's 合计 line; grade A within
    95–105%, B 90–110%, C 85–115%, else D (bands from ``pefa2016.yaml``).

    Parameters
    ----------
    dept : Department
    pefa_rules : mapping
        The PEFA bands and window (:attr:`perfkit.rules.book.RuleBook.pefa`).
    years : list of int, optional
        Default: the last three years in the data.
    base : {'original', 'adjusted'}
        ``original`` (年初预算数, PEFA's own base, default) or ``adjusted`` (全年预算数,
        the Chinese practice).  A year without an original budget falls back to
        the adjusted one and says so in ``note``.
    scope_id : str, default 'whole'

    Returns
    -------
    DataFrame
        ``indicator`` (PI-1), ``year``, ``scope_id``, ``base_used`` (original/adjusted),
        ``base_label`` (年初预算数/全年预算数), ``base_amount``, ``executed`` (万元),
        ``outturn`` (%), ``deviation`` (outturn − 100, 百分点), ``grade``, ``pefa_score``
        (the window's score, on every row), ``note``.  ``attrs`` holds ``score``,
        ``rule``, ``score_note`` and ``years``.
    """
    base_column(base)
    base = "original" if base in ("original", "budget_original") else "adjusted"
    yrs = _pefa_years(dept, years, pefa_rules)
    b = dept.budget
    rows = []
    for y in yrs:
        hit = b[(b["year"] == y) & (b["scope_id"] == scope_id) & (b["line"] == TOTAL_LINE)]
        used, notes = base, []
        rec = hit.iloc[0] if len(hit) else None
        amount = executed = np.nan
        if rec is None:
            notes.append(messages.PEFA_NO_TOTAL_LINE.format(year=y, scope=dept.scope_name(scope_id)))
        else:
            amount = rec["budget_original"] if base == "original" else rec["budget"]
            if base == "original" and is_missing(amount):
                used, amount = "adjusted", rec["budget"]
                notes.append(messages.PEFA_NO_ORIGINAL.format(year=y))
            executed = rec["executed"]
        outturn = np.nan
        if rec is not None:
            if is_missing(amount) or amount <= 0:
                why = (messages.PEFA_BASE_EMPTY if is_missing(amount)
                       else messages.PEFA_BASE_ZERO if amount == 0 else messages.PEFA_BASE_NEGATIVE)
                notes.append(messages.PEFA_BASE_UNUSABLE.format(base=_base_label(pefa_rules, used), why=why))
            elif is_missing(executed):
                notes.append(messages.PEFA_EXECUTED_EMPTY)
            else:
                outturn = execution_rate(executed, amount) * 100
        rows.append({"indicator": "PI-1", "year": y, "scope_id": scope_id, "base_used": used,
                     "base_label": _base_label(pefa_rules, used), "base_amount": amount, "executed": executed,
                     "outturn": outturn, "deviation": outturn - 100, "grade": pi1_grade(outturn, pefa_rules),
                     "note": join_notes(*notes)})
    return _pefa_frame(rows, yrs, pefa_rules, "PI-1")


def _pefa_frame(rows: list[dict], yrs: list[int], pefa_rules: Mapping, indicator: str) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=_PEFA_COLUMNS[indicator])
    score, note = window_score(df["grade"].tolist(), pefa_rules)
    note = join_notes(note, _years_note(yrs))
    df["pefa_score"] = score
    for col in ("base_amount", "executed", "outturn", "deviation", "ratio", "variance"):
        if col in df.columns:
            df[col] = df[col].astype("float64")
    df.attrs.update({"indicator": indicator, "score": score, "rule": _window_rule(pefa_rules), "score_note": note,
                     "years": yrs})
    return df


_PEFA_COLUMNS = {
    "PI-1": ["indicator", "year", "scope_id", "base_used", "base_label", "base_amount", "executed", "outturn",
             "deviation", "grade", "pefa_score", "note"],
    "PI-2": ["indicator", "year", "by", "by_label", "n_components", "base_used", "base_label", "base_amount",
             "executed", "ratio", "variance", "grade", "pefa_score", "note"],
}
# Recognised input, not output: the budget.csv line types PI-2 compares.
RECOGNISED_INPUT = ("PI2_LINE_TYPES",)
PI2_LINE_TYPES = ("功能分类", "经济分类", "支出类型")


def pefa_pi2_components(dept: Department, pefa_rules: Mapping, years=None, base: str = "original",
                        by: str = "line", line_type: str | None = None, scope_id: str = WHOLE_SCOPE
                        ) -> pd.DataFrame:
    """Return the components PI-2 compares, per year, with their adjusted budgets and deviations.

    Components: with ``by='line'`` the scope's budget lines of one ``line_type``
    (default the first present of 功能分类, 经济分类, 支出类型: PI-2.1 is by
    function, PI-2.2 by economic type; 资金来源 only when asked for); with
    ``by='scope'`` the 合计 lines of the top-level scopes other than ``scope_id``
    (一级项目 and 专项资金 without a parent; 二级项目 would count their money twice).

    Returns
    -------
    DataFrame
        ``year``, ``by``, ``by_label``, ``component``, ``component_label``, ``base_used``,
        ``base_amount``, ``executed``, ``adjusted_budget`` (budget × Σ执行数/Σ预算数),
        ``abs_deviation`` (|执行数 − adjusted_budget|), ``included``, ``note``.
    """
    col = base_column(base)
    base = "original" if col == "budget_original" else "adjusted"
    if by not in ("line", "scope"):
        raise ValueError(messages.PEFA_UNKNOWN_BY.format(by=by))
    yrs = _pefa_years(dept, years, pefa_rules)
    b = dept.budget[dept.budget["year"].isin(yrs)]
    if by == "line":
        lines = b[(b["scope_id"] == scope_id) & (b["line"] != TOTAL_LINE)]
        if line_type is None:
            present = set(lines["line_type"])
            line_type = next((t for t in PI2_LINE_TYPES if t in present), None)
        comps = lines[lines["line_type"] == line_type] if line_type else lines.iloc[0:0]
        comps = comps.assign(component=comps["line"], component_label=comps["line"])
        by_label = line_type or labels.PI2_BY_LINE
    else:
        sc = dept.scopes
        top = sc[(sc["scope_id"] != scope_id) & sc["parent_scope_id"].isna()]
        keys = set(zip(top["year"], top["scope_id"]))
        is_top = np.array([k in keys for k in zip(b["year"], b["scope_id"])], dtype=bool)
        comps = b[(b["line"] == TOTAL_LINE).to_numpy() & is_top]
        comps = comps.assign(component=comps["scope_id"], component_label=comps["scope_id"].map(scope_namer(dept)))
        by_label = labels.PI2_BY_PROJECT
    rows = []
    for y in yrs:
        cy = comps[comps["year"] == y]
        used = base
        if base == "original" and len(cy) and cy["budget_original"].isna().any():
            used = "adjusted"
        amount_col = "budget_original" if used == "original" else "budget"
        for rec in cy.to_dict("records"):
            amount, executed = rec[amount_col], rec["executed"]
            note = ""
            if is_missing(amount):
                note = messages.PEFA_COMPONENT_BASE_EMPTY.format(base=_base_label(pefa_rules, used))
            elif is_missing(executed):
                note = messages.PEFA_COMPONENT_EXECUTED_EMPTY
            rows.append({"year": y, "by": by, "by_label": by_label, "component": rec["component"],
                         "component_label": rec["component_label"], "base_used": used, "base_amount": amount,
                         "executed": executed, "included": note == "", "note": note})
    df = pd.DataFrame(rows, columns=["year", "by", "by_label", "component", "component_label", "base_used",
                                     "base_amount", "executed", "included", "note"])
    df["base_amount"] = df["base_amount"].astype("float64")
    df["executed"] = df["executed"].astype("float64")
    df["included"] = df["included"].astype(bool)
    df["year"] = df["year"].astype("int64")
    inc = df[df["included"]]
    sum_a = inc.groupby("year")["executed"].sum()
    sum_b = inc.groupby("year")["base_amount"].sum()
    ratio = execution_rate(sum_a, sum_b).reindex(df["year"]).to_numpy()
    df["adjusted_budget"] = np.where(df["included"], df["base_amount"] * ratio, np.nan)
    df["abs_deviation"] = (df["executed"] - df["adjusted_budget"]).abs()
    df.attrs.update({"by_label": by_label, "years": yrs, "base": base})
    return df[["year", "by", "by_label", "component", "component_label", "base_used", "base_amount", "executed",
               "adjusted_budget", "abs_deviation", "included", "note"]]


def pefa_pi2(dept: Department, pefa_rules: Mapping, years=None, base: str = "original", by: str = "line",
             line_type: str | None = None, scope_id: str = WHOLE_SCOPE) -> pd.DataFrame:
    """Return PEFA PI-2 (expenditure composition outturn) per year, with the window score.

    Variance = Σ|执行数_i − 预算数_i × Σ执行数/Σ预算数| ÷ Σ执行数 × 100 over the
    components of :func:`pefa_pi2_components`; grade A below 5%, B below 10%,
    C below 15%, else D (bands from ``pefa2016.yaml``).  The window score is the
    best grade reached in at least two of the last three years.

    Parameters are those of :func:`pefa_pi2_components`.  A year where any
    component lacks an original budget uses the adjusted budget for all its
    components (one base per year) and says so in ``note``.

    Returns
    -------
    DataFrame
        ``indicator`` (PI-2), ``year``, ``by``, ``by_label`` (功能分类 … or 项目),
        ``n_components``, ``base_used``, ``base_label``, ``base_amount`` (Σ预算数),
        ``executed`` (Σ执行数), ``ratio`` (Σ执行数/Σ预算数), ``variance`` (%), ``grade``,
        ``pefa_score``, ``note``.  ``attrs`` holds ``score``, ``rule``, ``score_note``, ``years``.
    """
    comps = pefa_pi2_components(dept, pefa_rules, years, base, by, line_type, scope_id)
    yrs = comps.attrs["years"]
    by_label = comps.attrs["by_label"]
    requested = comps.attrs["base"]
    rows = []
    for y in yrs:
        cy = comps[comps["year"] == y]
        inc = cy[cy["included"]]
        used = cy["base_used"].iloc[0] if len(cy) else requested
        notes = []
        if used != requested:
            notes.append(messages.PEFA_SOME_NO_ORIGINAL.format(year=y))
        notes += [f"{r['component_label']}：{r['note']}" for r in cy[~cy["included"]].to_dict("records")]
        sum_a, sum_b = inc["executed"].sum(), inc["base_amount"].sum()
        variance = ratio = np.nan
        if cy.empty:
            notes.append(messages.PEFA_NO_COMPONENTS.format(year=y, by=by_label))
        elif len(inc) < 2:
            notes.append(messages.PEFA_TOO_FEW_COMPONENTS)
        elif sum_b <= 0 or sum_a <= 0:
            notes.append(messages.PEFA_ZERO_TOTALS)
        else:
            ratio = execution_rate(sum_a, sum_b)
            variance = inc["abs_deviation"].sum() / sum_a * 100
        rows.append({"indicator": "PI-2", "year": y, "by": by, "by_label": by_label, "n_components": len(inc),
                     "base_used": used, "base_label": _base_label(pefa_rules, used),
                     "base_amount": sum_b if len(inc) else np.nan, "executed": sum_a if len(inc) else np.nan,
                     "ratio": ratio, "variance": variance, "grade": pi2_grade(variance, pefa_rules),
                     "note": join_notes(*notes)})
    return _pefa_frame(rows, yrs, pefa_rules, "PI-2")


@counted("pefa", year_of=last_year_of("years", 2))
def pefa_summary(dept: Department, pefa_rules: Mapping, years=None, base: str = "original") -> pd.DataFrame:
    """Return one row per PEFA indicator (PI-1; PI-2 by budget line; PI-2 by project) with its window score.

    Returns
    -------
    DataFrame
        ``indicator``, ``title``, ``by_label``, ``years``, ``base_label`` (the base
        used, with any fallback), ``grades`` (per year), ``score``, ``rule``,
        ``confidence`` and ``source`` (from the rule file), ``note``.
    """
    tables = [("pi1", pefa_pi1(dept, pefa_rules, years, base)),
              ("pi2", pefa_pi2(dept, pefa_rules, years, base, by="line")),
              ("pi2", pefa_pi2(dept, pefa_rules, years, base, by="scope"))]
    rows = []
    for section, t in tables:
        used = t["base_label"].dropna().unique().tolist()
        grades = messages.LIST_SEP.join(f"{y}:{g if isinstance(g, str) else formats.MISSING}"
                                        for y, g in zip(t["year"], t["grade"]))
        notes = [t.attrs.get("score_note", "")] + [n if n.startswith(str(y)) else messages.PEFA_YEAR_NOTE.format(
            year=y, note=n) for y, n in zip(t["year"], t["note"]) if n]
        rows.append({"indicator": t.attrs["indicator"], "title": pefa_rules[section].get("title", ""),
                     "by_label": t["by_label"].iloc[0] if "by_label" in t.columns and len(t) else labels.PI1_BY,
                     "years": messages.LIST_SEP.join(map(str, t.attrs["years"])),
                     "base_label": messages.LIST_SEP.join(used),
                     "grades": grades, "score": t.attrs["score"], "rule": t.attrs["rule"],
                     "confidence": pefa_rules[section].get("confidence"), "source": pefa_rules[section].get("source"),
                     "note": join_notes(*notes)})
    return pd.DataFrame(rows)
