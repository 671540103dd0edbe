"""Presentation: turn a :class:`~perfkit.analysis.YearAnalysis` into Chinese tables, text and figures.

The notebooks call only these functions, one per cell, so a notebook is a
layout and every figure in it is computed here from perfkit's results.  Tables
are plain DataFrames with formatted strings (no ``Styler``: its HTML carries
random ids, which would make re-rendered reports differ and nbval flaky).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from perfkit.analysis import YearAnalysis
from perfkit.findings.group import Line, main_problems
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.present import figures, yoy_tables
from perfkit.present.charts import write_image
from perfkit.present.checklist import checklist_items
from perfkit.present.conclusion import conclusions
from perfkit.present.printed import amounts_as_printed, budget_decimals
from perfkit.present.reader import names_of, plain
from perfkit.present.tables import report_table
from perfkit.text import formats, labels
from perfkit.text import views as views_text

# Every heading a table shows: perfkit.text's, so a column reads the same in every table and report.
COLUMNS = labels.COLUMNS


# ---------------------------------------------------------------- formatting

# The one set of number formatters (perfkit.text.formats), under the short names the cells here use:
# amounts, scores and compare's numbers with two decimals and thousands separators; rates as percentages.
_num = formats.number
_pct = formats.rate


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


# Markdown's inline markup characters (and ":" so that no URL in data becomes a link); a
# backslash before any ASCII punctuation shows it literally (CommonMark, mistune, marked).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~$:|])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def md_text(value) -> str:
    """Return text from data ready to place in Markdown: shown as written, never as markup.

    HTML's special characters become entities (``<script>`` stays text in the
    HTML report); Markdown's inline markup is backslash-escaped (no link,
    image, emphasis or formula from ``[x](…)``, ``*``, ``$``); line breaks
    become spaces, so a name cannot start a heading or a list of its own.
    """
    text = html.escape(_LINE_BREAKS.sub(" ", _text(value)), quote=True)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(value) -> str:
    """Return a code or file reference from data as a Markdown code span (its text shown literally)."""
    text = _text(value)
    if "`" in text or "\n" in text or "\r" in text:
        return md_text(text)
    return f"`{text}`"


def _md(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _table(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Return ``df`` with only ``columns`` (in order), renamed to their Chinese headings."""
    return report_table(df[[c for c in columns if c in df.columns]].rename(columns=columns))


def _empty(message: str):
    return _md(f"*{message}*")


# ---------------------------------------------------------------- common


def configure_display() -> None:
    """Show tables whole: reasons and source sentences are the point, so cells are not cut at 50 characters."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_columns", 50)


def title(a: YearAnalysis, subject: str):
    """Return the report heading: department, year, subject, and the synthetic-data mark."""
    mark = views_text.SYNTHETIC_MARK if a.dept.synthetic and labels.SYNTHETIC not in a.dept.name else ""
    lines = [views_text.TITLE.format(department=md_text(a.dept.name), mark=mark, year=a.year, subject=md_text(subject))]
    names = names_of(a)
    rules = f"{labels.TITLE_RULES}：{md_text(names.get(a.dept.meta.get('rule_set'), ''))}"
    if a.dept.meta.get("dept_sheet"):
        rules += f"；{labels.TITLE_DEPT_SHEET}：{md_text(names.get(a.dept.meta['dept_sheet'], ''))}"
    lines.append(rules + "。")
    if a.dept.synthetic:
        lines.append(views_text.SYNTHETIC_NOTE)
    return _md("\n\n".join(lines))


def figures_dir(output_dir: str | Path | None) -> Path | None:
    """Return where a notebook saves its figures: ``output_dir``, or None (shown only, not saved) by default.

    An analyst running a notebook in JupyterLab gets the charts on screen;
    files are written only where a location was asked for (``perfkit render``
    passes the report directory), never into the checkout or the package.
    """
    return Path(output_dir) if output_dir is not None else None


def _show(a: YearAnalysis, chart, output_dir: str | Path | None):
    """Return an Image of one chart of :mod:`perfkit.present.figures`, saved under output_dir when one is given.

    The PNG is encoded once per analysis (:func:`perfkit.present.figures.png`),
    so the file beside the notebook and the picture in the Word report are the
    same bytes, drawn once.
    """
    from IPython.display import Image

    data = figures.png(a, chart)
    folder = figures_dir(output_dir)
    if folder is not None:
        write_image(data, folder / f"{chart.name}.png")
    return Image(data=data, format="png")


# ---------------------------------------------------------------- budget execution


def execution_summary(a: YearAnalysis):
    """Return a paragraph on the whole department's execution, its score and the stated rate."""
    ex = a.scored.execution
    whole = ex[ex["scope_id"] == "whole"]
    if whole.empty or pd.isna(whole["budget"].iloc[0]):
        return _empty(views_text.NO_WHOLE_BUDGET)
    r = whole.iloc[0]
    text = views_text.WHOLE_EXECUTION.format(year=a.year, budget=_num(r["budget"]), executed=_num(r["executed"]),
                                            rate=_pct(r["execution_rate"]))
    if r["weight"] > 0:
        text += views_text.EXECUTION_SCORE.format(score=_num(r["score"]), weight=_num(r["weight"]))
    else:
        mg = getattr(a.scored, "management", None)
        done = mg[(mg["scope_id"] == "whole") & (mg["item"] == "budget_completion")] if mg is not None else None
        if done is not None and len(done):
            d = done.iloc[0]
            text += views_text.EXECUTION_IN_MANAGEMENT.format(label=md_text(d["label"]), score=_num(d["score"]),
                                                              points=_num(d["points"]))
    stated = _stated_check(a, "execution_rate")
    if stated is not None and not pd.isna(stated["ok"]):
        verdict = labels.STATUS[bool(stated["ok"])]
        text += views_text.STATED_RATE.format(stated=md_text(stated["stated_text"]),
                                             recomputed=_num(stated["recomputed"], 3), verdict=verdict)
    return _md(text)


def _stated_check(a: YearAnalysis, figure_id: str):
    checks = a.checks
    if "figure_id" not in checks.columns:
        return None
    rows = checks[checks["figure_id"] == figure_id]
    return rows.iloc[0] if len(rows) else None


def execution_table(a: YearAnalysis) -> pd.DataFrame:
    """Return budget, execution, rate and score by scope (合计 lines), then breakdown lines."""
    ex = a.scored.execution.copy()
    budget = a.data.budget
    ex["scope"] = ex["scope_id"].map(a.dept.scope_name)
    ex["line"] = TOTAL_LINE
    lines = budget[budget["line"] != TOTAL_LINE].copy()
    if len(lines):
        lines["scope"] = lines["scope_id"].map(a.dept.scope_name)
        lines["execution_rate"] = lines["executed"] / lines["budget"].where(lines["budget"] > 0)
    table = pd.concat([ex, lines], ignore_index=True) if len(lines) else ex
    orig = budget[budget["line"] == TOTAL_LINE].set_index("scope_id")["budget_original"]
    total = table["line"] == TOTAL_LINE
    table.loc[total, "budget_original"] = table.loc[total, "scope_id"].map(orig)
    decimals = budget_decimals(a.dept)
    printed = {col: amounts_as_printed(table[col], [(a.year, sid, line, col) for sid, line in
                                                    zip(table["scope_id"], table["line"])], decimals)
               for col in ("budget_original", "budget", "executed")}
    out = pd.DataFrame({
        COLUMNS["scope"]: table["scope"],
        COLUMNS["line"]: table["line"],
        COLUMNS["budget_original"]: printed["budget_original"],
        COLUMNS["budget"]: printed["budget"],
        COLUMNS["executed"]: printed["executed"],
        COLUMNS["execution_rate"]: table["execution_rate"].map(_pct),
        # a scope whose score sheet does not score execution (分值 0) has neither 分值 nor 得分 here: —
        COLUMNS["weight"]: table["weight"].map(_num).where(table["weight"].ne(0), formats.MISSING),
        COLUMNS["score"]: table["score"].map(_num).where(table["weight"].ne(0), formats.MISSING),
        COLUMNS["reason"]: table["reason"].map(lambda t: plain(_text(t), names_of(a))),
    })
    return report_table(out)


def execution_chart(a: YearAnalysis, output_dir: str | Path | None = None):
    """Return the budget-vs-executed chart of every scope with amounts (saved under output_dir when given)."""
    return _show(a, figures.execution_chart(a), output_dir)


def finance_table(a: YearAnalysis):
    """Return income and expenditure totals."""
    fin = a.data.finance
    if fin.empty:
        return _empty(views_text.NO_FINANCE)
    return report_table(pd.DataFrame({COLUMNS["item"]: fin["item"], COLUMNS["amount"]: fin["amount"].map(_num),
                                      COLUMNS["source"]: fin["source"].map(plain)}))


def yoy_budget_table(a: YearAnalysis):
    """Return the budget lines against the prior year: one row per line, each measure's 上年 | 本年 | 增减, notes once."""
    if a.prior_year is None:
        return _empty(views_text.NO_EARLIER_YEAR.format(year=a.year))
    return yoy_tables.budget_wide(a)


def _change_table(df: pd.DataFrame, columns: list[str], headings=COLUMNS) -> pd.DataFrame:
    """Format a perfkit.compare table: chosen columns, numbers to 2 decimals, the Chinese ``headings``."""
    shown = df[[c for c in columns if c in df.columns]].copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(_num)
        elif shown[col].dtype == "boolean" or pd.api.types.is_bool_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: formats.MISSING if pd.isna(v) else (labels.YES if bool(v)
                                                                                       else labels.NO))
        else:
            shown[col] = shown[col].map(_text)
    return report_table(shown.rename(columns=headings))


def trend_chart(a: YearAnalysis, output_dir: str | Path | None = None):
    """Return the multi-year execution-rate chart (needs two or more years)."""
    chart = figures.trend_chart(a)
    if chart is None:
        return _empty(views_text.ONE_YEAR_ONLY)
    return _show(a, chart, output_dir)


def pefa_table(a: YearAnalysis):
    """Return PEFA PI-1 and PI-2 scores over the last three years up to this year, with the base used."""
    return _change_table(a.pefa, ["title", "by_label", "years", "base_label", "grades", "score", "note"],
                         labels.PEFA_COLUMNS)


# ---------------------------------------------------------------- indicators


def score_summary(a: YearAnalysis):
    """Return the self-evaluation conclusion per scope: stated score, recomputed total or range, grade, agreement."""
    parts = [f"- **{md_text(c.name)}**（**{md_text(c.total)}**）：{md_text(c.text)}" for c in conclusions(a)]
    return _md("\n".join(parts) if parts else views_text.NO_SCORES)


def totals_table(a: YearAnalysis) -> pd.DataFrame:
    """Return scores per 一级指标 and per scope."""
    lv = a.scored.by_level1.copy()
    lv["scope"] = lv["scope_id"].map(a.dept.scope_name)
    lv["weight"] = lv["weight"].map(_num)
    # a level none of whose items could be scored has no score (—), not 0.00
    nothing = lv["n_unscored"] >= lv["n_indicators"]
    lv["score"] = lv["score"].map(_num).where(~nothing, formats.MISSING)
    return _table(lv, {"scope": COLUMNS["scope"], "level1": COLUMNS["level1"], "weight": COLUMNS["weight"],
                       "score": COLUMNS["score"]})


def management_table(a: YearAnalysis):
    """Return the management-efficiency items of the whole-department score sheet, with values and reasons."""
    mg = getattr(a.scored, "management", None)
    if mg is None or mg.empty:
        return _empty(views_text.NO_MANAGEMENT)
    t = mg.copy()
    t["scope"] = t["scope_id"].map(a.dept.scope_name)
    t["value"] = [_num(v) + (u if isinstance(u, str) and not pd.isna(v) else "") for v, u in zip(t["value"], t["unit"])]
    t["points"] = t["points"].map(_num)
    t["score"] = t["score"].map(_num)
    t["reason"] = t["reason"].map(lambda v: plain(_text(v), names_of(a)))
    return _table(t, {"scope": COLUMNS["scope"], "label": COLUMNS["management"], "value": COLUMNS["computed"],
                      "points": COLUMNS["weight"],
                      "score": COLUMNS["score"], "reason": COLUMNS["reason"]})


def score_chart(a: YearAnalysis, output_dir: str | Path | None = None, scope_id: str = "whole"):
    """Return the score-breakdown chart of one scope (saved under output_dir when given)."""
    return _show(a, figures.score_breakdown_chart(a, scope_id), output_dir)


def indicator_table(a: YearAnalysis) -> pd.DataFrame:
    """Return every indicator with target, actual, rule, weight, score and reason."""
    ind = a.scored.indicators.copy()
    ind["scope"] = ind["scope_id"].map(a.dept.scope_name)
    ind["weight"] = ind["weight_used"].map(_num)
    ind["score"] = ind["score"].map(_num)
    if "rule_label" in ind.columns:
        ind["rule"] = ind["rule_label"].where(ind["rule_label"].notna(), ind["rule"])
    for col in ("target", "actual", "rule"):
        ind[col] = ind[col].map(_text)
    ind["reason"] = ind["reason"].map(lambda v: plain(_text(v), names_of(a)))
    return _table(ind, {"scope": COLUMNS["scope"], "level1": COLUMNS["level1"], "level2": COLUMNS["level2"],
                        "name": COLUMNS["name"], "target": COLUMNS["target"], "actual": COLUMNS["actual"],
                        "rule": COLUMNS["rule"], "weight": COLUMNS["weight"], "score": COLUMNS["score"],
                        "reason": COLUMNS["reason"]})


def attainment_chart(a: YearAnalysis, output_dir: str | Path | None = None, scope_id: str = "whole"):
    """Return the per-indicator attainment chart of one scope (saved under output_dir when given)."""
    return _show(a, figures.attainment_chart(a, scope_id), output_dir)


def yoy_indicator_table(a: YearAnalysis):
    """Return year-over-year changes of indicator actuals, with direction checks."""
    if a.prior_year is None and a.data.indicators["prior_actual"].isna().all():
        return _empty(views_text.NO_PRIOR)
    return yoy_tables.indicators_noted(_change_table(
        a.yoy_indicators, ["scope_name", "name", "target", "prior_text", "actual", "change", "change_unit",
                           "pct_change", "direction_met", "at_boundary", "note"]))


def checks_table(a: YearAnalysis) -> pd.DataFrame:
    """Return the stated-figure and table-arithmetic checks with both numbers."""
    c = a.checks.copy()
    c["result"] = c["ok"].map(lambda ok: labels.STATUS[None if pd.isna(ok) else bool(ok)])
    # the stated figure at its printed precision, the recomputed one (perfkit's) with two decimals, or the
    # stated figure's when it was printed finer
    decimals = c["decimals"].fillna(2).astype(int) if "decimals" in c.columns else pd.Series(2, index=c.index)
    c["stated"] = [_num(v, d) if _is_number(v) else _text(v) for v, d in zip(c["stated"], decimals)]
    c["recomputed"] = [_num(v, max(2, d)) if _is_number(v) else _text(v) for v, d in zip(c["recomputed"], decimals)]
    c["scope"] = c["scope_id"].map(lambda sid: a.dept.scope_name(sid) if isinstance(sid, str) else "")
    c["detail"] = c["detail"].map(lambda v: plain(_text(v), names_of(a)))
    c["label"] = c["label"].map(lambda v: plain(_text(v), names_of(a)))
    return _table(c, {"scope": COLUMNS["scope"], "label": COLUMNS["label"], "stated": COLUMNS["stated"], "recomputed": COLUMNS["recomputed"],
                      "result": COLUMNS["result"], "detail": COLUMNS["detail"]})


def data_problems(a: YearAnalysis):
    """Return the data problems scoring met (unreadable targets etc.), or a note that there are none."""
    problems = a.scored.problems
    if not problems:
        return _md(views_text.NO_UNREADABLE_TARGETS)
    return report_table(pd.DataFrame({COLUMNS["problem"]: [plain(str(p), names_of(a)) for p in problems]}))


# ---------------------------------------------------------------- findings


def _problems(a: YearAnalysis):
    """Return the main problems: the department's stated ones (narrative.csv) first, then perfkit's, grouped."""
    return main_problems(a.findings, a.data.narrative, a.dept.scope_name)


def problems_markdown(a: YearAnalysis):
    """Return 存在的主要问题: related findings grouped under one heading each, numbered （一）（二）…."""
    problems = [p for p in _problems(a) if p.lines]
    if not any(p.findings for p in problems):  # perfkit found nothing, whatever the department states
        return _md("\n\n".join([*([_numbered_blocks(a, [(p.title, p.lines) for p in problems]).data]
                                   if problems else []), labels.NO_MAIN_PROBLEMS]))
    return _numbered_blocks(a, [(p.title, p.lines) for p in problems])


def recommendations_markdown(a: YearAnalysis):
    """Return 下一步改进措施: one numbered heading per main problem, its recommendations as a list."""
    problems = [p for p in _problems(a) if p.recommendations]
    if not problems:
        return _md(views_text.NO_IMPROVEMENTS)
    return _numbered_blocks(a, [(p.measures_title or p.title, [Line(r) for r in p.recommendations])
                                for p in problems])


def _numbered_blocks(a: YearAnalysis, blocks_in):
    """Return one bold （一）（二）… heading per block (title, lines), its lines a numbered list, their items nested."""
    names = names_of(a)
    blocks = []
    for i, (title, lines) in enumerate(blocks_in, 1):
        items = []
        for k, line in enumerate(lines, 1):
            items.append(f"{k}. {md_text(plain(line.text, names))}")
            items += [f"    - {md_text(plain(item, names))}" for item in line.items]
        blocks.append(f"**（{labels.numeral(i)}）{md_text(title)}**\n\n" + "\n".join(items))
    return _md("\n\n".join(blocks))


def analyst_checklist(a: YearAnalysis):
    """Return what the analyst must still supply or confirm: missing actuals, missing amounts, assumptions."""
    items = checklist_items(a)
    if not items:
        return _md(labels.CHECKLIST_NONE)
    return _md("\n".join(f"{i}. {md_text(t)}" for i, t in enumerate(items, 1)))


def findings_table(a: YearAnalysis) -> pd.DataFrame:
    """Return every finding with severity, scope, subject, problem and recommendations."""
    names = names_of(a)
    rows = [{"severity": f.severity, "scope": f.scope_name, "subject": plain(f.subject, names),
             "problem": plain(f.problem, names),
             "recommendation": "；".join(plain(r, names) for r in f.recommendations)} for f in a.findings]
    return _table(pd.DataFrame(rows, columns=["severity", "scope", "subject", "problem", "recommendation"]),
                  {k: COLUMNS[k] for k in ("severity", "scope", "subject", "problem", "recommendation")})
