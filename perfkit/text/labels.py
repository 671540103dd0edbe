"""Words shown to users: column headings, headings, section titles, status and direction words, chart labels.

One concept, one word.  Every table perfkit shows — the notebooks' tables
(:mod:`perfkit.present.views`), the comparison tables (:mod:`perfkit.compare`),
the scored workbook (:mod:`perfkit.outputs.xlsx`), the Word report
(:mod:`perfkit.outputs.docx_report`) and the index page
(:mod:`perfkit.batch.index`) — takes its headings from :data:`COLUMNS`, so a
column means the same in all of them and is renamed here only.  Headings of
the national forms (domain.md §7) are built from the same words.

Sentences with placeholders are in :mod:`perfkit.text.messages`; how numbers
are written is :mod:`perfkit.text.formats`.

Words that are read from the data (``合计``, ``部门整体``, ``同比`` as a kind of
stated figure, the severities and section names of ``findings.yaml`` …) are
not here: changing them would change what perfkit reads, not what it shows.
"""
from __future__ import annotations

from types import MappingProxyType

# --------------------------------------------------------------------------- units

UNIT_AMOUNT = "万元"
UNIT_POINTS = "百分点"
UNIT_SCORE = "分"
UNIT_PERCENT = "%"

# --------------------------------------------------------------------------- budget words

#: the three amounts of a budget line, as the national form names them
BUDGET_FIELDS = MappingProxyType({"budget_original": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"})
EXECUTION_RATE = "执行率"
TOTAL_SCORE = "总分"


def _in(word: str, unit: str) -> str:
    return f"{word}（{unit}）"


# --------------------------------------------------------------------------- column headings

#: column key -> heading, for every table shown to users.  The keys are perfkit's column names.
COLUMNS = MappingProxyType({
    # who and when
    "year": "年度",
    "years": "年度",
    "prior_year": "比较年度",
    "prior_label": "比较基期",
    "department": "部门",
    "code": "代码",
    "scope_id": "范围代码",
    "scope": "评价范围",
    "scope_name": "评价范围",
    "scope_type": "范围类型",
    "rule_set": "规则集",
    "sheet": "工作表",
    # budget
    "line": "预算行",
    "line_type": "预算行类型",
    "field": "字段代码",
    "field_label": "项目",
    "item": "项目",
    "amount": _in("金额", UNIT_AMOUNT),
    "source": "来源",
    "budget_original": _in(BUDGET_FIELDS["budget_original"], UNIT_AMOUNT),
    "budget": _in(BUDGET_FIELDS["budget"], UNIT_AMOUNT),
    "executed": _in(BUDGET_FIELDS["executed"], UNIT_AMOUNT),
    "execution_rate": EXECUTION_RATE,
    # indicators and scores
    "level": "层级代码",
    "level_label": "层级",
    "indicator_id": "指标代码",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "deviation_note": "偏差原因分析及改进措施",
    "rule": "适用规则",
    "weight": "分值",
    "score": "得分",
    "grade": "等级",
    "reason": "评分依据",
    "stated_score": "报告陈述得分",
    "stated_grade": "报告陈述等级",
    "management": "管理指标",
    "computed": "计算值",
    "unit": "单位",
    # year over year
    "prior_text": "上年完成值（原文）",
    "prior_source": "上年值来源",
    "prior": "上年值",
    "current": "本年值",
    "change": "变动",
    "change_unit": "变动单位",
    "pct_change": "变动率（%）",
    "change_kind": "变动类型",
    "direction": "方向目标",
    "direction_met": "方向是否实现",
    "at_boundary": "恰在边界",
    "prior_weight": "上年分值",
    "prior_grade": "上年等级",
    "note": "备注",
    # stated figures and checks
    "figure_id": "数字代码",
    "label": "核对项",
    "stated_text": "报告原文",
    "stated": "报告陈述",
    "sentence": "原句",
    "recomputed": "复算",
    "difference": "差额",
    "decimals": "小数位数",
    "ok": "是否一致",
    "status": "结论",
    "result": "结论",
    "basis": "复算依据",
    "detail": "复算依据",
    # several years
    "key": "序列代码",
    "value": "数值",
    "first_year": "首年",
    "first": "首年值",
    "last_year": "末年",
    "last": "末年值",
    "n_years": "年数",
    "span": "跨度",
    "growth": "年均变动",
    "growth_unit": "年均变动单位",
    "growth_kind": "年均变动口径",
    "run_direction": "当前走势",
    "run_length": "连续变动年数",
    "trend": "改善或恶化",
    "values": "各年数值",
    "scores": "各年得分",
    "drop": _in("累计下降", UNIT_SCORE),
    # PEFA
    "indicator": "PEFA 指标",
    "by": "细分口径代码",
    "by_label": "细分口径",
    "n_components": "细分项数",
    "base_used": "预算基数代码",
    "base_label": "预算基数",
    "base_amount": _in("预算数", UNIT_AMOUNT),
    "outturn": "执行数/预算数（%）",
    "deviation": _in("偏差", UNIT_POINTS),
    "ratio": "执行总额比例",
    "variance": "结构偏差率（%）",
    "grades": "各年等级",
    "pefa_score": "PEFA 评分（三年取两年）",
    # findings
    "title": "类别",
    "severity": "严重程度",
    "subject": "对象",
    "problem": "问题",
    "recommendation": "改进措施",
    # the index page
    "reports": "报告",
    "summary": "摘要",
})

#: the PEFA summary's own names for its ``title`` (the PEFA indicator) and ``score`` (the window score)
PEFA_COLUMNS = MappingProxyType({**COLUMNS, "title": COLUMNS["indicator"], "score": COLUMNS["pefa_score"]})

#: the year-over-year execution rows' field label (their values are rates in %)
EXECUTION_RATE_PERCENT = f"{EXECUTION_RATE}（{UNIT_PERCENT}）"

#: the compact year-over-year budget table: one row per budget line, each measure a group of columns
YOY_PRIOR = "{year}年"
YOY_CURRENT = "{year}年"
YOY_PCT_CHANGE = "增减率"
YOY_POINTS_CHANGE = "增减（个百分点）"
YOY_NOTE_MARK = "注{n}"
YOY_NOTES_HEAD = "注："
YOY_NOTE_LINE = "注{n}：{text}"

# --------------------------------------------------------------------------- words in cells

#: verdict of a stated figure or a table check: True, False, or None when it is only listed
STATUS = MappingProxyType({True: "一致", False: "不一致", None: "仅列示"})
YES, NO = "是", "否"
#: a total that left items unscored: its grade reflects missing data, not only performance
INCOMPLETE = "（不完整）"

#: direction of a directional target
DIRECTIONS = MappingProxyType({"up": "上升", "down": "下降", "keep": "保持"})
#: direction of the latest run of a series (sign of its steps)
RUN_DIRECTIONS = MappingProxyType({1: "上升", -1: "下降", 0: "持平"})
#: whether a series moved the better or the worse way
TRENDS = MappingProxyType({"better": "改善", "worse": "恶化", "flat": "持平"})

#: the rows of the year-over-year score table
SCORE_LEVELS = MappingProxyType({"scope": "评价范围总分", "level1": "一级指标小计", "indicator": "三级指标"})
#: what a missing score row is, in a note (…年无该指标)
SCORE_LEVEL_SUBJECTS = MappingProxyType({"scope": "该范围", "level1": "该一级指标", "indicator": "该指标"})

#: unit of ``change`` per kind of change (``number`` keeps the indicator's unit)
CHANGE_UNITS = MappingProxyType({"amount": UNIT_AMOUNT, "rate": UNIT_POINTS, "score": UNIT_SCORE})
#: unit and name of a series' average annual change, per kind
GROWTH = MappingProxyType({
    "rate": (f"{UNIT_POINTS}/年", "年均变动"),
    "score": (f"{UNIT_SCORE}/年", "年均变动"),
    "growth": (f"{UNIT_PERCENT}/年", "年均增长率（CAGR）"),
})

# PEFA
PI2_BY_LINE = "预算行"
PI2_BY_PROJECT = "项目（一级项目、专项资金）"
PI1_BY = "执行总额"

#: Chinese numerals of （一）-style headings
NUMERALS = "一二三四五六七八九十"
TEN = "十"


def numeral(i: int) -> str:
    """Return 一, 二, … 十, 十一 … 九十九 for 1-based ``i``: one numbering for every （一）-style list."""
    if i <= 10:
        return NUMERALS[i - 1]
    tens, ones = divmod(i, 10)
    return f"{'' if tens == 1 else NUMERALS[tens - 1]}{TEN}{NUMERALS[ones - 1] if ones else ''}"

# --------------------------------------------------------------------------- charts

#: every word on a chart; ``{...}`` fields are filled by the code
CHART = MappingProxyType({
    "no_data": "无数据",
    "execution_title": "预算执行情况",
    "budget": BUDGET_FIELDS["budget"],
    "executed": BUDGET_FIELDS["executed"],
    "threshold": "执行率 {rate} 参考线",
    "amount_axis": COLUMNS["amount"],
    "rate_missing": "执行率—",
    "attainment_title": "指标得分率",
    "attainment_axis": "得分占分值比例（%）",
    "full_marks": "满分",
    "met": "达成",
    "missed": "未达成",
    "no_weight": "无分值",
    "unscored": "无法评分",
    "score_of": "{score}/{weight}",
    "breakdown_title": "各一级指标得分",
    "breakdown_title_total": "各一级指标得分（合计 {score}/{weight} 分）",
    "earned": "得分",
    "lost": "失分",
    "points_axis": "分值",
    "trend_title": "年度趋势",
    "year_tick": "{year}年",
    "year_axis": "年度",
})

#: titles of the report charts, shared by the notebooks and the Word report (one drawing, same bytes)
CHART_TITLES = MappingProxyType({
    "execution": "{year} 年预算执行情况",
    "trend": f"{EXECUTION_RATE_PERCENT}年度趋势",
    "breakdown": "{scope}各一级指标得分",
    "attainment": "{scope}指标得分率",
})
#: value axis of the execution-rate trend
TREND_AXIS = EXECUTION_RATE_PERCENT

# --------------------------------------------------------------------------- notebooks and the index page

#: notebook file stem -> its title on the index page
NOTEBOOK_TITLES = MappingProxyType({
    "01_预算执行": "预算执行",
    "02_绩效指标完成情况": "绩效指标完成情况",
    "03_问题与改进建议": "问题与改进建议",
})
#: columns of the index page, in order
INDEX_COLUMNS = (COLUMNS["department"], COLUMNS["code"], COLUMNS["year"], COLUMNS["reports"], COLUMNS["summary"],
                 COLUMNS["score"], COLUMNS["grade"], COLUMNS["stated_score"])
INDEX_TITLE = "预算绩效自评报告"

# --------------------------------------------------------------------------- the scored workbook (national form)

SCORED_TABLES_NAME = "绩效自评表.xlsx"
PROJECT_TABLE = "项目支出绩效自评表"
WHOLE_TABLE = "部门整体支出绩效自评表"
SUMMARY_SHEET = "得分汇总"
#: the budget block of the national form: 年初预算数 | 全年预算数（A） | 全年执行数（B） | 分值 | 执行率（B/A） | 得分
BUDGET_FORM = (BUDGET_FIELDS["budget_original"], f"{BUDGET_FIELDS['budget']}（A）", f"{BUDGET_FIELDS['executed']}（B）",
               COLUMNS["weight"], f"{EXECUTION_RATE}（B/A）", COLUMNS["score"])
#: the indicator block of the national form
INDICATOR_FORM = tuple(COLUMNS[k] for k in ("level1", "level2", "name", "target", "actual", "weight", "score",
                                            "deviation_note"))
MANAGEMENT_FORM = tuple(COLUMNS[k] for k in ("management", "computed", "unit", "weight", "score"))
SUMMARY_FORM = tuple(COLUMNS[k] for k in ("scope", "scope_type", "rule_set", "weight", "score", "grade",
                                          "stated_score", "stated_grade", "sheet"))
FORM = MappingProxyType({
    "department_name": "部门名称",
    "project_name": "项目名称",
    "supervisor": "主管部门",
    "implementer": "实施单位",
    "funds_department": "部门资金（万元）",
    "funds_project": "项目资金（万元）",
    "funds_total": "年度资金总额",
    "sub_row": "其中：",
    "indicators": "绩效指标",
    "management": "管理效率",
    "total": TOTAL_SCORE,
    "synthetic": "示例数据（虚构，仅供演示）",
})

# --------------------------------------------------------------------------- the Word report

DOCX_NAME = "绩效自评报告（草稿）.docx"
PLACEHOLDER = "【请补充】"
SYNTHETIC = "示例数据"
#: paragraph styles perfkit adds (their names show in Word's style list)
DOCX_STYLES = MappingProxyType({"table": "perfkit 表格文字", "caption": "perfkit 图表标题", "note": "perfkit 注"})
SECTIONS = ("一、基本情况", "二、绩效自评情况", "三、存在的主要问题", "四、下一步改进措施")
BASIC = ("（一）部门职能", "（二）年度总体工作", "（三）部门整体支出绩效目标", "（四）部门整体收支情况",
         "（五）部门整体绩效管理情况")
SELF_EVAL = ("（一）自评结论", "（二）履职效能分析", "（三）管理效率分析")
APPENDIX = "附：数据与核对"
#: the management-efficiency topics of the reference report, and the score-sheet items that speak to each
MANAGEMENT_TOPIC_ITEMS = MappingProxyType({
    "预算编制": ("budget_adjustment",), "预算执行": ("budget_completion", "carryover", "public_funds_control", "three_public_control"),
    "采购管理": ("procurement",),
})
MANAGEMENT_TOPICS = ("预算编制", "预算执行", "信息公开", "绩效管理", "采购管理", "资产管理")
BUDGET_TOPIC = "预算执行"
#: headings of the Word report's tables
DOCX_TABLES = MappingProxyType({
    "budget_lines": tuple(COLUMNS[k] for k in ("line", "line_type")) + tuple(BUDGET_FIELDS.values()),
    "scores": tuple(COLUMNS[k] for k in ("scope", "scope_type", "weight", "score", "grade", "stated_score")),
    "execution": (COLUMNS["scope"], BUDGET_FIELDS["budget"], BUDGET_FIELDS["executed"], EXECUTION_RATE,
                  COLUMNS["weight"], COLUMNS["score"]),
    "management": tuple(COLUMNS[k] for k in ("management", "computed", "weight", "score", "reason")),
    "checks": tuple(COLUMNS[k] for k in ("label", "stated", "recomputed", "result")),
    "other_findings": tuple(COLUMNS[k] for k in ("title", "scope", "problem", "recommendation")),
    "reasons": tuple(COLUMNS[k] for k in ("scope", "name", "reason")),
})

#: the rules a report's title line names (by their titles, never by rule-set file names)
TITLE_RULES = "指标评分规则"
TITLE_DEPT_SHEET = "部门整体评分表"

#: headings of the main problems, one per theme of findings (perfkit.findings.group)
PROBLEM_THEMES = MappingProxyType({
    "execution": "预算执行与支出进度有待加强",
    "results": "部分绩效指标未完成或同比变差",
    "targets": "绩效目标设置不够清晰、可衡量",
    "evidence": "指标完成情况的佐证和偏差说明不足",
    "figures": "报告数字与复算结果不一致",
    "other": "其他问题",
})
#: the heading of the department's own stated problems and measures (narrative.csv), listed before perfkit's
STATED_PROBLEMS_TITLE = "部门自评报告所述问题"
STATED_MEASURES_TITLE = "部门自评报告所述改进措施"
#: 存在的主要问题 of the 03 notebook when perfkit found none
NO_MAIN_PROBLEMS = "未发现需要列为主要问题的事项。"
#: the analyst's checklist (the Word draft's appendix, the 03 notebook's section)
CHECKLIST_TITLE = "分析人员待补充、待确认事项"
CHECKLIST_NONE = "没有待补充或待确认的事项。"

#: the scored workbook's row and column for the total a reader may rely on (a range, 无法评分)
XLSX_TOTAL_RANGE = "复算总分（含无法评分项的区间）"
