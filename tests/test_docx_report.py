"""The Word draft: outline of the reference report, perfkit's figures, findings, Chinese fonts, charts."""
from __future__ import annotations

import docx
import pandas as pd
import pytest

from perfkit.present.reader import plain
from docx.oxml.ns import qn

import perfkit
from perfkit.errors import DataError, Problem
from perfkit.findings import Finding
from perfkit.present import figures as report_charts
from perfkit.outputs.docx_report import (INDICATOR_HEADINGS, PLACEHOLDER, SYNTHETIC_MARK, write_docx_report)

from conftest import REFERENCE, SYNTHETIC

OUTLINE = ["一、基本情况", "（一）部门职能", "（二）年度总体工作", "（三）部门整体支出绩效目标", "（四）部门整体收支情况",
           "（五）部门整体绩效管理情况", "二、绩效自评情况", "（一）自评结论", "（二）履职效能分析", "（三）管理效率分析",
           "三、存在的主要问题", "四、下一步改进措施"]


class Report:
    """A written report opened again, with the inputs it was made from."""

    def __init__(self, dept, year, path, scored, findings):
        self.dept, self.year, self.path, self.scored, self.findings = dept, year, path, scored, findings
        self.doc = docx.Document(str(path))
        self.paragraphs = [p.text for p in self.doc.paragraphs]
        self.text = "\n".join(self.paragraphs)

    def section(self, start: str, end: str | None) -> str:
        i = self.paragraphs.index(start)
        j = self.paragraphs.index(end) if end else len(self.paragraphs)
        return "\n".join(self.paragraphs[i:j])

    def table_after(self, caption_part: str):
        """Return the table whose caption paragraph contains ``caption_part``."""
        captions = [p for p in self.doc.paragraphs if caption_part in p.text and p.text.startswith("表")]
        assert captions, caption_part
        el = captions[0]._p.getnext()
        assert el.tag == qn("w:tbl")
        return next(t for t in self.doc.tables if t._tbl is el)


def _shown(x) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}"


def _report(tmp_path_factory, source, year, findings=None) -> Report:
    dept = perfkit.load(source)
    a = perfkit.analyze(dept, year)
    if findings is not None:
        a.findings = findings  # the report presents whatever findings its analysis holds
    # an empty directory: the report draws its charts itself, it finds no PNG files there
    path = tmp_path_factory.mktemp("docx") / f"{dept.code}_{year}.docx"
    write_docx_report(a, path)
    return Report(dept, year, path, a.scored, a.findings)


@pytest.fixture(scope="module")
def reference_report(tmp_path_factory):
    return _report(tmp_path_factory, REFERENCE, 2023)


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory):
    return _report(tmp_path_factory, SYNTHETIC, 2023)


@pytest.fixture(params=["reference", "synthetic"])
def report(request):
    return request.getfixturevalue(f"{request.param}_report")


def test_outline_follows_the_reference_report(report):
    headings = [p.text for p in report.doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    positions = [headings.index(h) for h in OUTLINE]
    assert positions == sorted(positions)


def test_title_names_department_and_year(report):
    assert report.paragraphs[0] == f"{report.dept.name}{report.year}年部门整体支出绩效自评报告"


def test_synthetic_data_is_marked_on_the_first_page(report):
    first_page = report.paragraphs[:3]
    header = report.doc.sections[0].header.paragraphs[0].text
    if report.dept.synthetic:
        assert SYNTHETIC_MARK in first_page and header == "示例数据"
    else:
        assert "示例数据" not in report.text and header == ""


def test_execution_and_total_come_from_score_year(report):
    ex = report.scored.execution.set_index("scope_id").loc["whole"]
    total = report.scored.by_scope.set_index("scope_id").loc["whole"]
    basic = report.section("（四）部门整体收支情况", "（五）部门整体绩效管理情况")
    assert f"全年预算数{ex['budget']:.2f}万元" in basic
    assert f"执行数{ex['executed']:.2f}万元" in basic
    assert f"完成预算的{ex['execution_rate'] * 100:.2f}%" in basic
    conclusion = report.section("（一）自评结论", "（二）履职效能分析")
    low, high = f"{total['score_min']:.2f}", f"{total['score_max']:.2f}"
    if total["status"] == "complete":  # one number, its grade (the synthetic case)
        assert f"复算得分{low}分（满分{total['weight']:.2f}分），等级“{total['grade']}”" in conclusion
    else:  # a range and no grade while items are unscored (issue 11, issue 13)
        assert f"复算得分在{low}–{high}分之间（满分{total['weight']:.2f}分）" in conclusion
        assert "等级待总分确定后评定" in conclusion and "等级“" not in conclusion.split("复算得分")[1].split("；")[0]


def test_reference_conclusion_states_the_report_and_the_range(reference_report):
    conclusion = reference_report.section("（一）自评结论", "（二）履职效能分析")
    # stated.csv: 自评结果为 96.67分 (等级 优); the range 36.39–99.96 by hand in test_views; 96.67 lies in it
    assert "报告陈述的自评得分为96.67分、等级“优”" in conclusion and "复算得分在36.39–99.96分之间" in conclusion
    assert "报告陈述得分在复算区间内" in conclusion
    assert "见义勇为专项资金：报告陈述的自评得分为88.00分、等级“良”；无法复算得分" in conclusion


def test_reference_draft_is_filled_from_the_data(reference_report):
    # stated.csv rows 9-12: 一级项目18个、二级项目23个、30411.81万元、100 %
    managed = reference_report.section("（五）部门整体绩效管理情况", "二、绩效自评情况")
    assert "一级项目个数18个、二级项目个数23个、自评项目涉及资金30411.81万元" in managed
    assert "共1个" not in managed
    text = "\n".join(p.text for p in reference_report.doc.paragraphs)
    for internal in (".csv", "prior_actual", "budget_original", "seed:", "executed('", "cz2020", "/work/"):
        assert internal not in text, internal
    # missing actuals are the analyst's checklist, not the department's problems
    problems = reference_report.section("三、存在的主要问题", "四、下一步改进措施")
    assert "没有实际完成值" not in problems and "（二）预算执行与支出进度有待加强。" in problems
    # issue 13: the report's own main problem (三、存在的主要问题) and measures (四) come first, verbatim, once
    assert problems.startswith("三、存在的主要问题\n（一）部门自评报告所述问题。\n1.在省厅、市局和区委区政府的坚强领导下")
    assert problems.count("如何做到有保有压、精打细算、精准投入，使预算管理工作既稳中求进") == 1
    improvements = reference_report.section("四、下一步改进措施", "附：数据与核对")
    assert "（一）部门自评报告所述改进措施" in improvements
    for k, title in enumerate(("坚持以政领财，压实预算管理主体责任。", "加强预算统筹，促进预算管理水平提质增效。",
                               "注重精准保障，赋能基层提升公安战斗实力。", "创新监管方式，提升预算绩效管理水平。"), 1):
        assert f"{k}.{title}" in improvements
    assert "共护校园数" in reference_report.section("分析人员待补充、待确认事项", None)


def test_reference_figures_are_the_seed_report_figures(reference_report):
    # the recomputed execution rate, 199466.59 / 200963.70, printed by perfkit, next to the report's totals
    basic = reference_report.section("（四）部门整体收支情况", "（五）部门整体绩效管理情况")
    assert "完成预算的99.26%" in basic
    assert "总收入201881.94万元，其中本年收入199822.71万元" in basic
    assert "总支出201881.94万元，其中本年支出199466.59万元" in basic
    assert "报告陈述的自评得分为96.67分" in reference_report.text


def test_score_table_matches_by_scope(report):
    table = report.table_after("年度绩效自评得分")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    # the total as a range while items are unscored, 无法评分 when nothing is, a grade only when by_scope has one
    expected = [[r.name, "无法评分" if pd.isna(r.score) else f"{r.score_min:.2f}" + (
                 f"–{r.score_max:.2f}" if r.score_max - r.score_min > 1e-9 else ""),
                 r.grade if isinstance(r.grade, str) else "—"]
                for r in report.scored.by_scope.itertuples(index=False)]
    assert [[r[0], r[3], r[4]] for r in rows] == expected


def test_indicator_tables_match_scored_indicators(report):
    data = report.dept.for_year(report.year)
    for scope in data.scopes.itertuples(index=False):
        ind = report.scored.indicators[report.scored.indicators["scope_id"] == scope.scope_id]
        if not len(ind):
            continue
        table = report.table_after(f"{scope.name}绩效指标完成情况")
        assert [c.text for c in table.rows[0].cells] == list(INDICATOR_HEADINGS)
        got = [(r.cells[2].text, r.cells[5].text, r.cells[6].text) for r in table.rows[1:]]
        want = [(("其中：" if pd.notna(r.parent_id) and not r.name.startswith("其中") else "") + r.name,
                 _shown(r.weight_used), _shown(r.score)) for r in ind.itertuples(index=False)]
        assert got == want


def test_main_findings_fill_problems_and_improvements(report):
    main = [f for f in report.findings if f.section == "存在的主要问题"]
    assert main, "the shipped data has findings"
    problems = report.section("三、存在的主要问题", "四、下一步改进措施")
    improvements = report.section("四、下一步改进措施", "附：数据与核对")
    checklist = report.section("分析人员待补充、待确认事项", None)
    for f in main:
        if f.code == "actual_missing":  # the analyst's to supply: in the checklist, not among the problems
            assert f.problem in checklist and f.problem not in problems
            continue
        # a scope's missed indicators are one sentence with their list (issue 13), each told without its 。
        assert plain(f.problem).rstrip("。") in problems
        if f.code == "indicator_missed" and sum(g.code == f.code and g.scope_id == f.scope_id for g in main) > 1:
            n = sum(g.code == f.code and g.scope_id == f.scope_id for g in main)
            assert f"{f.scope_name}有{n}项指标未完成目标：" in problems and f"“{f.subject}”" in improvements
            continue
        for rec in f.recommendations:  # told without the data's file names (budget.csv 的“合计”行)
            assert plain(rec) in improvements and ".csv" not in plain(rec)


def test_findings_passed_in_are_used(tmp_path_factory):
    finding = Finding(code="custom", severity="高", scope_id="whole", scope_name="部门整体", subject="测试",
                      evidence={}, problem="这是一个传入的问题。", recommendations=["这是传入的建议。"],
                      section="存在的主要问题", year=2023, title="传入的问题")
    rep = _report(tmp_path_factory, REFERENCE, 2023, findings=[finding])
    # a rule perfkit does not group goes under 其他问题, its sentence numbered under the heading, after the
    # reference report's own stated problem (（一）, narrative.csv)
    assert "（二）其他问题。" in rep.paragraphs and "1.这是一个传入的问题。" in rep.paragraphs
    assert "1.这是传入的建议。" in rep.paragraphs


def test_no_findings_says_so(tmp_path_factory):
    rep = _report(tmp_path_factory, REFERENCE, 2023, findings=[])
    assert "经 perfkit 核查，未发现需要列为主要问题的事项。" in rep.paragraphs


def test_what_data_cannot_say_is_a_visible_placeholder(report):
    assert report.text.count(PLACEHOLDER) >= 5
    management = report.section("（三）管理效率分析", "三、存在的主要问题")
    if report.dept.code == "yuexiu-police":  # 预算调整率 needs 年初预算数, which the reference report does not give
        assert f"{PLACEHOLDER}预算编制情况（预算调整率）。" in management
    else:  # the synthetic data has it: (budget - budget_original) / budget_original of the whole department
        assert "预算调整率" in management and f"{PLACEHOLDER}预算编制" not in management
    assert f"{PLACEHOLDER}信息公开情况。" in management  # no data speaks to it


@pytest.mark.parametrize("style,east_asia", [
    ("Normal", "仿宋"), ("Heading 1", "黑体"), ("Heading 2", "楷体"), ("Title", "方正小标宋简体"),
    ("perfkit 表格文字", "宋体"),
], ids=["body", "heading1", "heading2", "title", "table"])
def test_styles_set_east_asian_fonts(reference_report, style, east_asia):
    rfonts = reference_report.doc.styles[style].element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == east_asia
    assert rfonts.get(qn("w:ascii")) == "Times New Roman"
    # a theme font attribute would override the explicit font in Word
    assert rfonts.get(qn("w:eastAsiaTheme")) is None and rfonts.get(qn("w:asciiTheme")) is None


def _pictures(doc) -> list[tuple[str, bytes]]:
    """Return (name, image bytes) of every inline picture, in document order."""
    out = []
    for pic in doc.element.body.xpath(".//pic:pic"):
        name = pic.xpath("./pic:nvPicPr/pic:cNvPr")[0].get("name")
        rid = pic.xpath("./pic:blipFill/a:blip")[0].get(qn("r:embed"))
        out.append((name, doc.part.related_parts[rid].blob))
    return out


def test_figures_are_drawn_placed_and_captioned(synthetic_report):
    # the whole department's charts, as the notebooks draw them; the data has 2020–2024, so a trend too
    rep = synthetic_report
    whole = rep.dept.scope_name("whole")
    captions = [p for p in rep.paragraphs if p.startswith("图")]
    assert captions == ["图1  2023年预算执行情况", f"图2  {whole}各一级指标得分", f"图3  {whole}指标得分率",
                        "图4  执行率年度趋势"]
    assert [name for name, _ in _pictures(rep.doc)] == ["budget_execution.png", "score_breakdown_whole.png",
                                                        "attainment_whole.png", "execution_trend.png"]
    basic = rep.section("（四）部门整体收支情况", "（五）部门整体绩效管理情况")
    assert "图1  2023年预算执行情况" in basic
    assert "图4  执行率年度趋势" in rep.section("（三）管理效率分析", "三、存在的主要问题")


def test_docx_in_an_empty_directory_has_its_pictures(reference_report):
    # written into a fresh directory with no PNG beside it; the 越秀 data has one year, hence no trend chart
    assert not [p for p in reference_report.path.parent.iterdir() if p.suffix == ".png"]
    pictures = _pictures(reference_report.doc)
    assert [name for name, _ in pictures] == ["budget_execution.png", "score_breakdown_whole.png",
                                              "attainment_whole.png"]
    for name, blob in pictures:
        assert blob[:8] == b"\x89PNG\r\n\x1a\n", name
        # IHDR width: the charts are 8 inches wide, saved at 150 dpi
        assert int.from_bytes(blob[16:20], "big") == 8 * 150, name
    assert PLACEHOLDER + "图" not in reference_report.text


def test_chart_that_cannot_be_drawn_is_a_placeholder(tmp_path, reference, monkeypatch):
    def broken(df, **kwargs):
        raise DataError([Problem("plot_execution() 的输入", None, "budget", None, "缺少必需的列")])

    monkeypatch.setattr(report_charts, "plot_execution", broken)
    doc = docx.Document(write_docx_report(perfkit.analyze(reference, 2023), tmp_path / "r.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    gap = [p for p in paragraphs if p.startswith(f"{PLACEHOLDER}图1（2023年预算执行情况）：perfkit 无法绘制此图")]
    assert len(gap) == 1 and "DataError" in gap[0] and "缺少必需的列" in gap[0]
    # the caption keeps its number, so the analyst's picture goes where the chart was meant to be
    assert paragraphs[paragraphs.index(gap[0]) + 1] == "图1  2023年预算执行情况"
    assert [name for name, _ in _pictures(doc)] == ["score_breakdown_whole.png", "attainment_whole.png"]
    assert [p for p in paragraphs if p.startswith("图")][1:] == [
        f"图2  {reference.scope_name('whole')}各一级指标得分", f"图3  {reference.scope_name('whole')}指标得分率"]


def test_a_fresh_analysis_gives_the_same_report(tmp_path, reference, reference_report):
    path = write_docx_report(perfkit.analyze(reference, 2023), tmp_path / "r.docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert text == reference_report.text


@pytest.mark.parametrize("label,stated,expected", [
    ("破案数同比", "上升 15.1%", "破案数同比上升15.1%"),
    ("群众投诉件数同比", "同比上升4.3%", "群众投诉件数同比上升4.3%"),
    ("打击处理数", "同比上升66.2%", "打击处理数同比上升66.2%"),
], ids=["label_has_yoy", "both_have_yoy", "text_has_yoy"])
def test_yoy_phrase_says_yoy_once(label, stated, expected):
    from perfkit.outputs.docx_report import _yoy_phrase

    assert _yoy_phrase(label, stated) == expected


def test_sub_rows_are_not_called_unscorable(synthetic_report):
    ind = synthetic_report.scored.indicators
    subs = ind[ind["parent_id"].notna()]
    assert len(subs), "the synthetic data has 其中 sub-rows"
    lines = [p for p in synthetic_report.paragraphs if "项指标无法评分" in p]
    for name in subs["name"]:
        assert not any(name in line for line in lines)


def test_incomplete_total_is_flagged_in_the_conclusion(tmp_path, reference):
    # the reference report publishes few actuals: its computed total must not read as a plain 差
    import docx

    import perfkit
    from perfkit.outputs.docx_report import write_docx_report

    path = write_docx_report(perfkit.analyze(reference, 2023), tmp_path / "r.docx")
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    n = int(perfkit.analyze(reference, 2023).scored.by_scope.set_index("scope_id").loc["whole", "n_unscored"])
    assert n > 0
    assert f"另有{n}项、共63.57分因缺少实际完成值等原因无法评分，补充后才能确定总分" in text  # 63.57: test_views


def test_picture_paragraphs_are_not_clipped_by_fixed_line_spacing(tmp_path, reference):
    # bug found on a rendered page: the body style's exact 28pt line cut charts to a thin strip
    import docx
    from docx.enum.text import WD_LINE_SPACING

    import perfkit
    from perfkit.outputs.docx_report import write_docx_report

    doc = docx.Document(write_docx_report(perfkit.analyze(reference, 2023), tmp_path / "r.docx"))
    pictures = [p for p in doc.paragraphs if p._p.xpath(".//pic:pic")]
    assert pictures
    for p in pictures:
        assert p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE
