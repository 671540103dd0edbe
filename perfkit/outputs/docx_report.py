"""The Word draft of a department-year's self-evaluation report (部门整体支出绩效自评报告).

The document follows the reference report's outline (一、基本情况 / 二、绩效自评情况 /
三、存在的主要问题 / 四、下一步改进措施) and is filled with perfkit's figures, tables,
charts and findings, set the way Chinese government documents are (仿宋 body,
黑体 and 楷体 headings), for an analyst to finish.  Every number is the one
analysis's (:class:`perfkit.analysis.YearAnalysis`: its scores, checks and
findings, and the amounts of the loaded data); the charts are drawn from it
(:mod:`perfkit.present.figures`).  What the data cannot say, and a chart
that cannot be drawn, is left as a visible 【请补充】 placeholder instead of
invented prose or a silent gap.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from perfkit.analysis import YearAnalysis
from perfkit.findings.group import ANALYST_CODES
from perfkit.findings.model import SECTION_MAIN
from perfkit.ingest.schema import SCOPE_TYPES
from perfkit.text.vocabulary import TOTAL_LINE
from perfkit.outputs.docx_parts import (checklist, conclusion_sentences, improvements,
                                        management_topic, problems, project_sentences, score_rows)
from perfkit.outputs.registry import output
from perfkit.present.figures import (ReportChart, attainment_chart, execution_chart, score_breakdown_chart,
                                           trend_chart)
from perfkit.present import figures
from perfkit.present.conclusion import scope_conclusion
from perfkit.present.reader import names_of, plain
from perfkit.reproducible import save_office_file
from perfkit.text import formats, labels, messages
from perfkit.values import is_missing as _missing

DOCX_NAME = labels.DOCX_NAME
# Type set of Chinese government documents (GB/T 9704): 小标宋 title, 黑体 first-level
# headings, 楷体 second-level, 仿宋 body; Latin text and digits in Times New Roman.
# Recognised input, not output: font family names, and the words below read from the data.
RECOGNISED_INPUT = ("FONTS", "YOY_KIND", "FINANCE_TOTALS", "SUB_ROW_WORD")
FONTS = {
    "title": ("方正小标宋简体", 22, True),
    "heading1": ("黑体", 16, False),
    "heading2": ("楷体", 16, True),
    "heading3": ("仿宋", 16, True),
    "body": ("仿宋", 16, False),
    "table": ("宋体", 10.5, False),
    "caption": ("仿宋", 12, False),
    "note": ("仿宋", 12, False),
}
LATIN_FONT = "Times New Roman"
BODY_LINE_SPACING = Pt(28)  # the fixed 28-point line of official documents
TABLE_STYLE_NAME = labels.DOCX_STYLES["table"]
CAPTION_STYLE_NAME = labels.DOCX_STYLES["caption"]
NOTE_STYLE_NAME = labels.DOCX_STYLES["note"]
PLACEHOLDER = labels.PLACEHOLDER
SYNTHETIC_MARK = messages.DOCX_SYNTHETIC
DRAFT_NOTE = messages.DOCX_DRAFT_NOTE.format(placeholder=PLACEHOLDER)

SECTIONS = labels.SECTIONS
BASIC = labels.BASIC
SELF_EVAL = labels.SELF_EVAL
MANAGEMENT_TOPICS = labels.MANAGEMENT_TOPICS
INDICATOR_HEADINGS = labels.INDICATOR_FORM
INDICATOR_WIDTHS_CM = (1.6, 1.8, 3.0, 1.7, 1.7, 1.2, 1.2, 3.4)  # fills the 15.6 cm text width
NUMERALS = labels.NUMERALS
MAIN_SECTION = SECTION_MAIN
TABLES = labels.DOCX_TABLES
TO_FILL = messages.DOCX_TO_FILL
WHOLE_TYPE = SCOPE_TYPES[0]  # 部门整体, the scope type of the whole department in scopes.csv
# words read from the data: the stated figures of kind 同比, finance.csv's items, sub-rows' names
YOY_KIND = "同比"
FINANCE_TOTALS = (("总收入", "本年收入"), ("总支出", "本年支出"))
SUB_ROW_WORD = "其中"


# --------------------------------------------------------------------------- formatting


def _amount(x) -> str:
    """Return an amount in 万元 as the report prints it (no thousands separators)."""
    return formats.amount(x, grouping=False)


_score = formats.score
_rate = formats.rate


def _text(x) -> str:
    return "" if _missing(x) else str(x)




# --------------------------------------------------------------------------- styles


def _set_run_fonts(rpr_owner, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set Latin and East Asian fonts on a style or run; drop theme fonts, which would override them."""
    font = rpr_owner.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _setup_styles(doc) -> None:
    styles = doc.styles
    for style_name, key in (("Normal", "body"), ("Title", "title"), ("Heading 1", "heading1"),
                            ("Heading 2", "heading2"), ("Heading 3", "heading3")):
        name, size, bold = FONTS[key]
        style = styles[style_name]
        _set_run_fonts(style, name, size, bold)
        style.font.italic = False
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = BODY_LINE_SPACING if key != "title" else Pt(40)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        if key == "body":
            fmt.first_line_indent = Pt(size * 2)  # two characters, as official prose is set
        if key == "title":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(16)
            # the default Title style draws a rule under the title; official titles have none
            ppr = style.element.get_or_add_pPr()
            border = ppr.find(qn("w:pBdr"))
            if border is not None:
                ppr.remove(border)
        if key.startswith("heading"):
            fmt.first_line_indent = Pt(FONTS["body"][1] * 2)
            fmt.keep_with_next = True
    for style_name, key, align in ((TABLE_STYLE_NAME, "table", None), (CAPTION_STYLE_NAME, "caption", "center"),
                                   (NOTE_STYLE_NAME, "note", None)):
        style = styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        name, size, bold = FONTS[key]
        _set_run_fonts(style, name, size, bold)
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.space_before = Pt(2 if key != "caption" else 4)
        fmt.space_after = Pt(2 if key != "caption" else 8)
        if align == "center":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _setup_page(doc, synthetic: bool) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    if synthetic:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(labels.SYNTHETIC)
        _set_run_fonts(run, FONTS["heading1"][0], 10.5, True)
        run.font.color.rgb = RGBColor(0xC0, 0, 0)


# --------------------------------------------------------------------------- building blocks


class _Writer:
    """Adds paragraphs, tables and figures to the document, numbering tables and figures."""

    def __init__(self, doc, analysis, names: dict | None = None):
        self.doc = doc
        self.analysis = analysis  # the charts come from it, encoded once (perfkit.present.figures.png)
        self.names = names or {}  # ids -> names: every text passes reader.plain (no files, formulas, ids)
        self.n_tables = 0
        self.n_figures = 0
        # python-docx looks a style name up by scanning every style on each assignment (about 1 ms);
        # a 300-row table would spend seconds there, so the ids are looked up once.
        self.style_ids = {s.name: s.style_id for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}

    def _styled(self, p, style: str | None):
        if style is not None and style != "Normal":
            p._p.style = self.style_ids[style]
        return p

    def heading(self, text: str, level: int) -> None:
        self.para(text, f"Heading {level}")

    def para(self, text: str, style: str | None = None):
        return self._styled(self.doc.add_paragraph(plain(text, self.names)), style)

    def placeholder(self, what: str) -> None:
        self.para(f"{PLACEHOLDER}{what}")

    def table(self, title: str, headings: tuple[str, ...] | list[str], rows: list[list[str]],
              widths: tuple[float, ...] | None = None):
        self.n_tables += 1
        self.para(messages.DOCX_TABLE_CAPTION.format(n=self.n_tables, title=title), style=CAPTION_STYLE_NAME)
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(headings))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        all_rows = table.rows
        head = all_rows[0]
        tr_pr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # repeat the heading row on every page
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(head.cells, headings):
            self._cell(cell, text, bold=True)
        for row, values in zip(all_rows[1:], rows):
            for cell, text in zip(row.cells, values):
                self._cell(cell, text)
        if widths:
            table.autofit = False
            for row in all_rows:
                for cell, width in zip(row.cells, widths):
                    cell.width = Cm(width)
        return table

    def _cell(self, cell, text: str, bold: bool = False) -> None:
        p = self._styled(cell.paragraphs[0], TABLE_STYLE_NAME)
        run = p.add_run(plain(text, self.names))
        if bold:
            run.bold = True
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def figure(self, chart: ReportChart, caption: str) -> None:
        """Add the chart drawn now and its numbered caption; a placeholder instead when it cannot be drawn."""
        self.n_figures += 1
        try:
            png = figures.png(self.analysis, chart)
        except Exception as exc:  # a draft with a marked gap serves the analyst better than no draft
            self.para(messages.DOCX_FIGURE_FAILED.format(placeholder=PLACEHOLDER, n=self.n_figures, caption=caption,
                                                         error=type(exc).__name__, detail=exc))
        else:
            self.doc.add_picture(io.BytesIO(png), width=Cm(15))
            picture = self.doc.paragraphs[-1]
            # named like the notebooks' file of the same chart (budget_execution.png), not image.png
            picture._p.xpath(".//pic:cNvPr")[0].set("name", f"{chart.name}.png")
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.first_line_indent = Pt(0)
            # The body's fixed 28-point line would clip an inline picture to one line's height.
            picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            picture.paragraph_format.space_before = Pt(6)
        self.para(messages.DOCX_FIGURE_CAPTION.format(n=self.n_figures, caption=caption), style=CAPTION_STYLE_NAME)


# --------------------------------------------------------------------------- the report


def write_docx_report(a: YearAnalysis, path: str | Path) -> Path:
    """Return the path of a .docx draft of the department-year's self-evaluation report.

    Parameters
    ----------
    a : YearAnalysis
        The analysed department-year: its scores, checks and findings are
        written as they are, and its charts drawn from it (whole department:
        budget execution, score breakdown, attainment; the execution-rate
        trend when the data has more than one year).
    path : str or Path
        Where to write the ``.docx``.
    """
    dept = a.dept
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, dept.synthetic)
    w = _Writer(doc, a, names_of(a))
    doc.add_paragraph(messages.DOCX_TITLE.format(department=dept.name, year=a.year), style="Title")
    if dept.synthetic:
        p = doc.add_paragraph(style=NOTE_STYLE_NAME)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(SYNTHETIC_MARK)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0, 0)
    w.para(DRAFT_NOTE, style=NOTE_STYLE_NAME)

    _basic_situation(w, a)
    _self_evaluation(w, a)
    problems(w, a, SECTIONS[2])
    improvements(w, a, SECTIONS[3])
    _appendix(w, a)
    checklist(w, a)

    return save_office_file(doc, path)


@output(DOCX_NAME)
def _write_into(a: YearAnalysis, out_dir: Path) -> list[Path]:
    """Return [path] of the draft report written into ``out_dir``."""
    return [write_docx_report(a, Path(out_dir) / DOCX_NAME)]


def _whole_id(data) -> str | None:
    whole = data.scopes[data.scopes["scope_type"] == WHOLE_TYPE]
    return str(whole["scope_id"].iloc[0]) if len(whole) else None


def _row(df: pd.DataFrame, scope_id: str | None):
    if scope_id is None or not len(df):
        return None
    rows = df[df["scope_id"] == scope_id]
    return rows.iloc[0] if len(rows) else None


def _basic_situation(w: _Writer, a: YearAnalysis) -> None:
    dept, data, year, scored = a.dept, a.data, a.year, a.scored
    w.heading(SECTIONS[0], 1)
    w.heading(BASIC[0], 2)
    functions = [str(f).rstrip("。；;") for f in dept.meta.get("functions") or []]
    for i, f in enumerate(functions, 1):
        w.para(messages.DOCX_NUMBERED.format(n=i, text=f))
    if not functions:
        w.placeholder(TO_FILL["functions"])

    w.heading(BASIC[1], 2)
    yoy = data.stated[data.stated["kind"] == YOY_KIND] if len(data.stated) else data.stated
    if len(yoy):
        parts = [_yoy_phrase(_text(r.label), _text(r.stated_text)) for r in yoy.itertuples(index=False)]
        w.para(messages.DOCX_YEAR_WORK.format(year=year, changes="，".join(parts)))
    w.placeholder(TO_FILL["work"])

    w.heading(BASIC[2], 2)
    wid = _whole_id(data)
    ind = scored.indicators[scored.indicators["scope_id"] == wid] if wid else scored.indicators.iloc[0:0]
    if len(ind):
        counts = ind.groupby("level1", sort=False).size()
        by_level1 = messages.LIST_SEP.join(messages.DOCX_COUNT_ITEMS.format(what=k, n=v) for k, v in counts.items())
        w.para(messages.DOCX_INDICATOR_COUNT.format(n=len(ind), by_level1=by_level1))
    w.placeholder(TO_FILL["targets"])

    w.heading(BASIC[3], 2)
    ex = _row(scored.execution, wid)
    if ex is not None and not _missing(ex["budget"]):
        w.para(messages.DOCX_WHOLE_EXECUTION.format(department=dept.name, year=year, budget=_amount(ex["budget"]),
                                                    executed=_amount(ex["executed"]),
                                                    rate=_rate(ex["execution_rate"])))
    else:
        w.placeholder(TO_FILL["whole_budget"])
    fin = data.finance.set_index("item")["amount"] if len(data.finance) else pd.Series(dtype=float)
    sentences = []
    for total, current in FINANCE_TOTALS:
        if total in fin.index:
            s = messages.DOCX_FINANCE_TOTAL.format(year=year, item=total, amount=_amount(fin[total]))
            if current in fin.index:
                s += messages.DOCX_FINANCE_PART.format(item=current, amount=_amount(fin[current]))
            sentences.append(s)
        elif current in fin.index:
            sentences.append(messages.DOCX_FINANCE_TOTAL.format(year=year, item=current, amount=_amount(fin[current])))
    others = [i for i in fin.index if not any(i in pair for pair in FINANCE_TOTALS)]
    sentences += [messages.DOCX_FINANCE_OTHER.format(item=i, amount=_amount(fin[i])) for i in others]
    if sentences:
        w.para(messages.NOTE_SEP.join(sentences) + "。")
    budget = data.budget
    lines = budget[(budget["scope_id"] == wid) & (budget["line"] != TOTAL_LINE)] if wid else budget.iloc[0:0]
    if len(lines):
        rows = [[_text(r.line), _text(r.line_type), _amount(r.budget_original), _amount(r.budget), _amount(r.executed)]
                for r in lines.itertuples(index=False)]
        w.table(messages.DOCX_BUDGET_LINES_TABLE, TABLES["budget_lines"], rows)
    w.figure(execution_chart(a), messages.DOCX_EXECUTION_FIGURE.format(year=year))

    w.heading(BASIC[4], 2)
    for sentence in project_sentences(a):
        w.para(sentence)
    w.placeholder(TO_FILL["management"])


def _yoy_phrase(label: str, stated: str) -> str:
    """Return label and stated change as one phrase, saying 同比 once (破案数同比 + 上升 15.1%)."""
    stated = stated.replace(" ", "")
    if stated.startswith(YOY_KIND) and label.endswith(YOY_KIND):
        label = label[:-len(YOY_KIND)]
    return f"{label}{stated}"


def _indicator_rows(ind: pd.DataFrame) -> list[list[str]]:
    rows = []
    for r in ind.itertuples(index=False):
        rows.append([_text(r.level1), _text(r.level2), _indicator_name(r), _text(r.target),
                     _text(r.actual), _score(r.weight_used), _score(r.score), _text(r.deviation_note)])
    return rows


def _indicator_name(rec) -> str:
    """Return the name as the national form prints it: sub-rows (其中项) prefixed 其中：, once."""
    name = _text(rec.name)
    if not _missing(getattr(rec, "parent_id", None)) and not name.startswith(SUB_ROW_WORD):
        return messages.DOCX_SUB_ROW.format(name=name)
    return name


def _level1_sentence(by_level1: pd.DataFrame, scope_id: str) -> str | None:
    parts = by_level1[by_level1["scope_id"] == scope_id]
    if not len(parts):
        return None
    return messages.NOTE_SEP.join(messages.DOCX_LEVEL1_SCORE.format(level1=_text(r.level1), score=_score(r.score),
                                                                    weight=_score(r.weight))
                                  for r in parts.itertuples(index=False)) + "。"


def _unscored_sentence(ind: pd.DataFrame) -> str | None:
    # sub-rows (其中项) are left out of totals by design, not for want of data
    top = ind[ind["parent_id"].isna()] if "parent_id" in ind.columns else ind
    unscored = top[top["score"].isna()]
    if not len(unscored):
        return None
    return messages.DOCX_UNSCORED.format(n=len(unscored), names=messages.LIST_SEP.join(unscored["name"].astype(str)))


def _scope_score(w: _Writer, a: YearAnalysis, scope, ex, tot) -> None:
    """Write a project's execution and its total score (the 自评得分 paragraph)."""
    if ex is not None and not _missing(ex["budget"]):
        w.para(messages.DOCX_SCOPE_EXECUTION.format(scope=scope.name, budget=_amount(ex["budget"]),
                                                    executed=_amount(ex["executed"]),
                                                    rate=_rate(ex["execution_rate"])))
    else:
        w.para(messages.DOCX_SCOPE_NO_BUDGET.format(scope=scope.name))
    if tot is not None:
        w.para(f"{scope.name}：{scope_conclusion(a, tot).text}")


def _budget_management(w: _Writer, a: YearAnalysis) -> None:
    """Write the 预算执行 topic of 管理效率分析: execution by scope, management ratios, the trend."""
    dept, year, scored = a.dept, a.year, a.scored
    rows = [[dept.scope_name(r.scope_id), _amount(r.budget), _amount(r.executed), _rate(r.execution_rate),
             _score(r.weight) if r.weight else formats.MISSING, _score(r.score) if r.weight else formats.MISSING]
            for r in scored.execution.itertuples(index=False)]
    if rows:
        w.table(messages.DOCX_EXECUTION_TABLE.format(year=year), TABLES["execution"], rows)
    mg = scored.management
    if len(mg):
        rows = [[_text(r.label), formats.MISSING if _missing(r.value) else formats.score(r.value) + _text(r.unit),
                 _score(r.points), _score(r.score), _text(r.reason)] for r in mg.itertuples(index=False)]
        w.table(messages.DOCX_MANAGEMENT_TABLE, TABLES["management"], rows)
    trend = trend_chart(a)
    if trend is not None:  # a single year has no trend
        w.figure(trend, messages.DOCX_TREND_FIGURE)
    w.placeholder(TO_FILL["budget_management"])


def _self_evaluation(w: _Writer, a: YearAnalysis) -> None:
    dept, data, year, scored = a.dept, a.data, a.year, a.scored
    w.heading(SECTIONS[1], 1)
    wid = _whole_id(data)
    w.heading(SELF_EVAL[0], 2)
    for sentence in conclusion_sentences(a):
        w.para(sentence)
    if _row(scored.by_scope, wid) is None:
        w.placeholder(TO_FILL["conclusion"])
    w.table(messages.DOCX_SCORES_TABLE.format(year=year), TABLES["scores"], score_rows(a))
    if wid:
        w.figure(score_breakdown_chart(a, wid), labels.CHART_TITLES["breakdown"].format(scope=dept.scope_name(wid)))

    w.heading(SELF_EVAL[1], 2)
    n = 0
    for scope in data.scopes.itertuples(index=False):
        n += 1
        sid = scope.scope_id
        ind = scored.indicators[scored.indicators["scope_id"] == sid]
        if sid == wid:
            w.heading(messages.DOCX_WHOLE_ANALYSIS.format(n=n), 3)
        else:
            w.heading(messages.DOCX_SCOPE_ANALYSIS.format(n=n, scope=scope.name), 3)
            _scope_score(w, a, scope, _row(scored.execution, sid), _row(scored.by_scope, sid))
        level1 = _level1_sentence(scored.by_level1, sid)
        if level1:
            w.para(level1)
        if len(ind):
            w.table(messages.DOCX_INDICATORS_TABLE.format(scope=scope.name), INDICATOR_HEADINGS, _indicator_rows(ind),
                    INDICATOR_WIDTHS_CM)
            unscored = _unscored_sentence(ind)
            if unscored:
                w.para(unscored)
        else:
            w.para(messages.DOCX_NO_INDICATORS.format(scope=scope.name))
        if sid == wid:  # the notebooks' charts: the whole department's
            w.figure(attainment_chart(a, sid), labels.CHART_TITLES["attainment"].format(scope=scope.name))
        w.placeholder(TO_FILL["analysis"])

    w.heading(SELF_EVAL[2], 2)
    w.para(messages.DOCX_TOPICS.format(topics=messages.LIST_SEP.join(MANAGEMENT_TOPICS)))
    for i, topic in enumerate(MANAGEMENT_TOPICS, 1):
        w.heading(messages.DOCX_TOPIC.format(n=i, topic=topic), 3)
        if topic != labels.BUDGET_TOPIC:
            management_topic(w, a, topic)
            continue
        _budget_management(w, a)


def _appendix(w: _Writer, a: YearAnalysis) -> None:
    dept, scored, findings, checks = a.dept, a.scored, a.findings, a.checks
    w.heading(labels.APPENDIX, 1)
    source = dept.meta.get("source") or messages.DOCX_NO_SOURCE
    w.para(messages.DOCX_SOURCE.format(source=source, checklist=labels.CHECKLIST_TITLE))
    if checks is not None and len(checks):
        checked = checks[checks["ok"].notna()]
        if len(checked):
            rows = [[_text(r.label), _text(r.stated_text) or _text(r.stated),
                     _text(_fmt_recomputed(r.recomputed, r.decimals)), labels.STATUS[bool(r.ok)]]
                    for r in checked.itertuples(index=False)]
            w.table(messages.DOCX_CHECKS_TABLE, TABLES["checks"], rows)
    others = [f for f in findings if getattr(f, "section", "") != MAIN_SECTION and f.code not in ANALYST_CODES]
    if others:
        rows = [[f.title, f.scope_name, f.problem, "；".join(f.recommendations)] for f in others]
        w.table(messages.DOCX_OTHER_FINDINGS_TABLE, TABLES["other_findings"], rows)
    ind = scored.indicators
    if len(ind):
        rows = [[dept.scope_name(r.scope_id), _text(r.name), _text(r.reason)] for r in ind.itertuples(index=False)]
        w.table(messages.DOCX_REASONS_TABLE, TABLES["reasons"], rows)
    if scored.problems:
        w.para(messages.DATA_PROBLEMS)
        for p in scored.problems:
            w.para(messages.BULLET.format(text=p), style=NOTE_STYLE_NAME)


def _fmt_recomputed(x, decimals=None) -> str:
    """Return a recomputed value with two decimals (the stated figure's when printed finer), text as it is, "" when
    missing."""
    if _missing(x):
        return ""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return str(x)
    return formats.number(value, max(2, 0 if _missing(decimals) else int(decimals)), grouping=False)
