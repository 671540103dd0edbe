"""Sentences shown to users, as templates with named placeholders (``str.format``).

Reasons and notes of the comparison tables, prose of the Word report and the
scored workbook, the index page, and the errors raised on bad input.  A
template is filled where it is used: ``messages.GAP_NOTE.format(prior=2020,
missing="2021", span=3)``.  Placeholders name what they hold; numbers are
formatted first with :mod:`perfkit.text.formats` unless the template says how
(``{rate:.1%}``).

The wording of findings is not here: it is a rule file users edit,
``perfkit/rules/findings.yaml``.
"""
from __future__ import annotations

# --------------------------------------------------------------------------- shared

#: a missing value and why: 无上年数据（2021年不在数据中）
WITH_REASON = "{what}（{why}）"
#: something of one year: 2022年无此预算行, 2022年为空
IN_YEAR = "{year}年{what}"
#: joins notes of one cell
NOTE_SEP = "；"
#: joins items of a list in a sentence
LIST_SEP = "、"

# --------------------------------------------------------------------------- comparisons (perfkit.compare)

NO_PRIOR = "无上年数据"
NO_CURRENT = "无本年数据"
ZERO_BASE = "无法计算：上年为0"
UNKNOWN_CHANGE_KIND = "未知的变动类型「{kind}」，应为：{allowed}"
UNKNOWN_BASE = "未知的预算基数「{base}」，应为 original（年初预算数）或 adjusted（全年预算数）"
UNKNOWN_DIRECTION = "未知的方向「{direction}」，应为 up/down/keep（上升/下降/保持）"
UNKNOWN_SERIES = "未知的序列类型「{what}」，应为：{allowed}"
SCORES_NEED_SCORED = "得分序列需要各年度的评分结果（scored：年度 → YearScore）"
YOY_NEEDS_PRIOR_SCORED = "{year}年与{prior}年比较得分，需要{prior}年的评分结果（prior_scored）"

PRIOR_LABEL = "上年（{prior}）"
PRIOR_LABEL_GAP = "上年（{prior}，非连续）"
GAP_NOTE = "比较基期为{prior}年（非连续，缺{missing}年；变动为{span}年累计）"
YEAR_NOT_IN_DATA = "{year}年不在数据中"
YEAR_NOT_IN_DATA_NEAREST = "{year}年不在数据中，不跨年比较（最近为{earlier}年）"

NO_BUDGET_LINE = "无此预算行"
FIELD_EMPTY = "该项为空"
RATE_NOT_COMPUTABLE = "无法计算执行率："
RATE_BASE_EMPTY = RATE_NOT_COMPUTABLE + "{base}为空"
RATE_BASE_ZERO = RATE_NOT_COMPUTABLE + "{base}为0"
RATE_EXECUTED_EMPTY = RATE_NOT_COMPUTABLE + "执行数为空"

SCORE_ROW_MISSING = "无{what}"
SCORE_ROW_UNSCORED = "{what}未计分"
WEIGHT_CHANGED = "分值由{prior}调整为{current}，得分变动部分来自分值调整"
GRADE_CHANGED = "等级由“{prior}”变为“{current}”"
# a total whose weights do not add to the rule set's total, or that is a range, is no score to compare as it stands
SCORE_WEIGHTS_OFF = "{which}分值合计为{weight}分，不等于规则总分，该年得分不能直接比较"
YEAR = "{year}年"
SCORE_RANGE = "{which}有指标无法评分，总分为区间（{low}–{high}），此处只比较已评部分"
#: the caveats above as a sentence of their own, after a finding's text
SCORE_CAVEAT_SENTENCE = "{text}。"
#: a note of one measure of a row of the compact year-over-year budget table
YOY_MEASURE_NOTE = "{measure}：{note}"

# how an actual value is read (perfkit.compare.indicators.read_measure)
MEASURE_EMPTY = "为空"
MEASURE_BOUND = "完成值写作界限「{text}」，不是实测值"
MEASURE_CHANGE = "完成值为同比变化「{text}」（{direction}{amount}），不是水平值"
MEASURE_QUALITATIVE = "定性完成值「{text}」，无数值可比"
MEASURE_UNKNOWN = "无法识别的完成值「{text}」"

NO_INDICATOR = "无此指标"
UNIT_MISMATCH = "单位不一致（上年「{prior}」，本年「{current}」），未比较"
PRIOR_FROM_ACTUAL = "{year}年完成值"
PRIOR_FROM_STATED = "本年表所填上年值"
PRIOR_FROM_CHANGE = "完成值原文所述同比"
STATED_CHANGE_NOTE = "同比变化取自完成值原文「{actual}」，上年与本年数值不详，未复算"
PRIOR_CONFLICT = "{year}年表完成值「{prior}」与本年表所填上年值「{stated}」不一致，取前者"
STATED_PRIOR_REASON = "所填上年值{why}"
DIRECTION_UNCHECKED = "方向无法核对：缺少可比的上年值或本年值"
KEEP_FLAT = "与上年持平"
KEEP_WITHIN_TOLERANCE = "略低于上年，在容差内"
KEEP_AT_BOUNDARY = "{how}（{prior} → {current}），“保持”恰在边界上实现"

# stated 同比 figures
BY_FORMULA = "按公式复算：{expr}"
FORMULA_VALUES_MISSING = "所需数值不在数据中"
FORMULA_NOT_CHECKED = "核对结果中没有该数字"
FORMULA_FAILED_FALLBACK = "公式未能复算（{why}），改按{basis}"
FORMULA_FAILED = "公式未能复算（{why}）；{basis}"
LISTED_ONLY = "{status}：{basis}"
NO_MATCHING_INDICATOR = "未找到对应的指标"
SEVERAL_INDICATORS = "名称对应多个指标（{names}），无法确定"
INDICATOR_NAMED = "指标「{name}」"
NO_COMPARABLE_VALUES = "{indicator}缺少{prior}年或{year}年的可比数值"
POINTS_DIFFERENCE = "{indicator}{prior}→{year}年完成值之差（百分点）"
RELATIVE_OF_RATE = "{indicator}{prior}→{year}年完成值的相对变化（原文未说明是百分比还是百分点）"
PRIOR_ZERO = "{indicator}上年为0，无法计算增幅"
PERCENT_CHANGE = "{indicator}{prior}→{year}年完成值的变动率"

# several years
SPAN = "{first}–{last}年（跨{years}年）"
SPAN_WITH_GAPS = "{first}–{last}年（跨{years}年，其中{missing}年无数值）"
CAGR_FIRST_ZERO = "无法计算年均增长率：首年为0"
CAGR_NEGATIVE = "无法计算年均增长率：首年或末年为负数"
ONE_YEAR_ONLY = "仅一年数据，无趋势"
UNITS_DIFFER = "各年单位不一致（{units}），不计算年均变动"
INCLUDES_STATED_PRIOR = "含本年表所填上年值"
INCLUDES_GAPS = "含非连续年度（{gaps}）"

# PEFA
PEFA_NO_GRADED_YEAR = "没有可评分的年度"
PEFA_FEW_YEARS = "仅{graded}个年度可评分，PEFA 要求最近{window}个年度，评分仅供参考"
PEFA_WINDOW_RULE = "取最近{window}个年度中至少{required}个年度达到的最高等级（PEFA 2016：three years, at least two）"
PEFA_YEARS_GAP = "年度不连续（{gaps}）"
PEFA_NO_TOTAL_LINE = "{year}年无「{scope}」的合计预算行"
PEFA_NO_ORIGINAL = "{year}年缺年初预算数，改用全年预算数（国内口径）"
PEFA_SOME_NO_ORIGINAL = "{year}年有细分项缺年初预算数，改用全年预算数（国内口径）"
PEFA_BASE_EMPTY, PEFA_BASE_ZERO, PEFA_BASE_NEGATIVE = "为空", "为0", "为负数"
PEFA_BASE_UNUSABLE = "无法计算：{base}{why}"
PEFA_EXECUTED_EMPTY = "无法计算：执行数为空"
PEFA_UNKNOWN_BY = "未知的 by「{by}」，应为 line（预算行）或 scope（项目）"
PEFA_COMPONENT_BASE_EMPTY = "{base}为空，未计入"
PEFA_COMPONENT_EXECUTED_EMPTY = "执行数为空，未计入"
PEFA_NO_COMPONENTS = "{year}年没有可用的细分项（{by}）"
PEFA_TOO_FEW_COMPONENTS = "可比细分项不足两个，结构偏差无意义"
PEFA_ZERO_TOTALS = "无法计算：预算数或执行数合计为0"
PEFA_YEAR_NOTE = "{year}年：{note}"

# --------------------------------------------------------------------------- findings (perfkit.findings)

FINDING_TEMPLATE_FAILED = "问题与建议规则「{code}」的模板无法填写（{error}）：{template}"

# --------------------------------------------------------------------------- charts (perfkit.present.charts)

#: the errors a chart raises; ``{...}`` fields are filled by the code
CHART_ERRORS = {
    "input_name": "{chart}() 的输入",
    "missing_column": "缺少必需的列",
    "not_numeric": "应为数值",
    "not_year": "应为整数年度",
    "duplicate_point": "同一序列同一年度只能有一个值",
    "unsupported_format": "不支持的图片格式「{suffix}」，可用：{allowed}",
    "save_failed": "保存图片失败：{path}：{error}",
}

# ------------------------------------------------------------------ the index page (perfkit.batch.index)

INDEX_INTRO = "由 perfkit 从 data/ 计算生成；得分与等级为 perfkit 按规则集复算的结果（详见各报告）。"
INDEX_EMPTY = "尚无已生成的报告。"

# ------------------------------------------------------------------ the scored workbook (perfkit.outputs.xlsx)

XLSX_SUMMARY_TITLE = "{department} {year} 年度绩效自评得分汇总"
XLSX_SYNTHETIC = "示例数据：本部门为虚构的示例部门，数字不代表任何真实单位。"
XLSX_ILLUSTRATIVE_RULE = "{rule_set}（示例分值）"
XLSX_SUMMARY_NOTE = "说明：得分由 perfkit 按规则集计算，显示保留两位小数，合计按未取整的数值相加；“报告陈述”为报告原文。"
DATA_PROBLEMS = "评分时发现的数据问题："
BULLET = "• {text}"
XLSX_SCOPE_NOTE = ("说明：本表由 perfkit 根据部门数据计算生成；得分显示保留两位小数，合计按未取整的数值相加；"
                   "分值为空的指标按规则集的默认分值分配（见评分依据）。")
XLSX_YEAR = "（{year}年度）"
XLSX_NO_INDICATORS = "（数据中没有该范围的绩效指标）"
XLSX_GRADE = "等级：{grade}"
XLSX_RULE = "规则集 {name}：{title}"
XLSX_RULE_ILLUSTRATIVE = "（分值为示例，待用户提供官方分值）"
XLSX_STATED_NOTE = "报告原文所述，与上行 perfkit 计算的总分对照"

# ------------------------------------------------------------------ the Word report (perfkit.outputs.docx_report)

DOCX_SYNTHETIC = "示例数据：本报告所用数据为虚构的示例数据，仅供演示，不代表任何真实单位。"
DOCX_DRAFT_NOTE = ("（初稿说明：本稿由 perfkit 根据部门数据自动生成，文中数字、表格和问题均由 perfkit 计算；"
                   "标有{placeholder}之处及文字表述请分析人员补充、修改后定稿。）")
DOCX_TITLE = "{department}{year}年部门整体支出绩效自评报告"
DOCX_TABLE_CAPTION = "表{n}  {title}"
DOCX_FIGURE_CAPTION = "图{n}  {caption}"
DOCX_FIGURE_FAILED = "{placeholder}图{n}（{caption}）：perfkit 无法绘制此图（{error}：{detail}），请补充。"
DOCX_NUMBERED = "{n}、{text}。"
DOCX_TO_FILL = {
    "functions": "部门职能。",
    "work": "上述数字以外的年度总体工作情况（重点工作、主要成效）。",
    "targets": "部门整体支出绩效目标。",
    "whole_budget": "部门整体全年预算数和执行数（数据中没有部门整体的预算数）。",
    "management": "部门整体绩效管理情况（组织架构、考核办法等）。",
    "conclusion": "部门整体自评结论（数据中没有部门整体范围）。",
    "analysis": "完成情况分析及偏差原因。",
    "topic": "{topic}情况。",
    "budget_management": "预算执行管理情况。",
    "other_problems": "结合部门实际补充的其他问题。",
    "improvements": "下一步改进措施。",
}
DOCX_YEAR_WORK = "{year}年，{changes}。"
DOCX_INDICATOR_COUNT = "部门整体支出设置绩效指标{n}项，其中{by_level1}。"
DOCX_COUNT_ITEMS = "{what}{n}项"
DOCX_WHOLE_EXECUTION = "{department}{year}年度全年预算数{budget}万元，执行数{executed}万元，完成预算的{rate}。"
DOCX_FINANCE_TOTAL = "{year}年度{item}{amount}万元"
DOCX_FINANCE_PART = "，其中{item}{amount}万元"
DOCX_FINANCE_OTHER = "{item}{amount}万元"
DOCX_BUDGET_LINES_TABLE = "部门整体预算执行明细（万元）"
DOCX_EXECUTION_FIGURE = "{year}年预算执行情况"
DOCX_ILLUSTRATIVE = "该评分表的分值为示例，待取得官方评分表后替换。"
DOCX_SUB_ROW = "其中：{name}"
DOCX_LEVEL1_SCORE = "{level1}得分{score}分（分值{weight}分）"
DOCX_UNSCORED = "其中{n}项指标无法评分（{names}），未计分，原因见附“指标评分依据”表。"
DOCX_SCORES_TABLE = "{year}年度绩效自评得分"
DOCX_WHOLE_ANALYSIS = "{n}.部门整体绩效指标完成情况分析"
DOCX_SCOPE_ANALYSIS = "{n}.{scope}完成情况分析"
DOCX_SCOPE_EXECUTION = "{scope}全年预算数{budget}万元，执行数{executed}万元，执行率{rate}。"
DOCX_SCOPE_NO_BUDGET = "数据中没有{scope}的全年预算数和执行数，预算执行率未计分。"
DOCX_INDICATORS_TABLE = "{scope}绩效指标完成情况"
DOCX_NO_INDICATORS = "数据中没有{scope}的绩效指标。"
DOCX_TOPICS = "以下从{topics}等方面进行分析："
DOCX_TOPIC = "{n}.{topic}"
DOCX_EXECUTION_TABLE = "{year}年度预算执行情况（万元）"
DOCX_MANAGEMENT_TABLE = "部门整体管理指标得分"
DOCX_TREND_FIGURE = "执行率年度趋势"
DOCX_NO_PROBLEMS = "经 perfkit 核查，未发现需要列为主要问题的事项。"
DOCX_IMPROVEMENT = "{n}.{text}"
DOCX_NO_IMPROVEMENTS = "perfkit 未提出改进措施。"
DOCX_NO_SOURCE = "（department.yaml 未写数据来源）"
DOCX_SOURCE = "数据来源：{source}。凡不是来源原文给出的数值，均在“{checklist}”中列明，请分析人员确认。"
DOCX_CHECKS_TABLE = "报告陈述数字复算核对"
DOCX_OTHER_FINDINGS_TABLE = "其他发现"
DOCX_REASONS_TABLE = "指标评分依据"

# ------------------------------------------------------------------ the 自评结论 of every report (perfkit.present.conclusion)

CONCLUSION_STATED = "报告陈述的自评得分为{score}分"
CONCLUSION_STATED_GRADE = "、等级“{grade}”"
CONCLUSION_NO_STATED = "报告未陈述得分"
CONCLUSION_COMPLETE = "复算得分{score}分（满分{weight}分）"
CONCLUSION_RANGE = ("复算得分在{low}–{high}分之间（满分{weight}分）：已评部分得{low}分，"
                    "另有{n}项、共{unscored}分因缺少实际完成值等原因无法评分，补充后才能确定总分")
CONCLUSION_UNSCORABLE = "无法复算得分：{n}项指标均缺少实际完成值等，没有可以评分的项目"
CONCLUSION_WEIGHTS_OFF = "复算得分{score}分，但各项分值合计{weight}分，不等于评分规则的满分{total}分"
CONCLUSION_GRADE = "等级“{grade}”"
CONCLUSION_GRADE_PENDING = "等级待总分确定后评定"
CONCLUSION_NO_GRADE = "不评等级"
CONCLUSION_AGREE = {
    ("complete", True): "与报告陈述得分一致",
    ("complete", False): "与报告陈述得分不一致",
    ("range", True): "报告陈述得分在复算区间内",
    ("range", False): "报告陈述得分不在复算区间内",
    ("weights_off", True): "与报告陈述得分一致",
    ("weights_off", False): "与报告陈述得分不一致",
}
CONCLUSION_NOT_CHECKED = "无法核对报告陈述得分"
#: the parts of one scope's conclusion, joined
CONCLUSION_JOIN = "；"

# ------------------------------------------------------------------ the analyst's checklist (perfkit.present.checklist)

CHECK_FINDING = "{text}"
CHECK_CONFIRM = "请确认：{text}"
CHECK_MANAGEMENT = "补充{scope}的「{label}」所需数字（{why}），该项才能计分"
CHECK_DATA = "核对数据：{text}"
DOCX_PROJECTS_STATED = "据报告，本年度纳入绩效自评的项目支出：{items}。"
DOCX_PROJECT_ITEM = "{label}{stated}"
DOCX_SCOPES_EVALUATED = "本稿逐项复算的评价范围共{n}个（{names}），自评结果见第二部分。"
DOCX_CONCLUSION_RULE = "按照{rule_title}的评分规则，{year}年{scope}：{conclusion}"
DOCX_CHECKLIST_INTRO = "以下事项不是部门存在的问题，而是定稿前需要分析人员补充的数字或确认的假设（不随报告报送）。"
DOCX_MANAGEMENT_ITEM = "{label}{value}，得分{score}分（分值{points}分）。"
DOCX_TOPIC_TO_FILL = "{topic}情况（{items}）。"
DOCX_PROBLEM_HEAD = "（{n}）{title}。"
DOCX_IMPROVEMENT_GROUP = "（{n}）{title}"
XLSX_RANGE_NOTE = "已评部分得{low}分；另有{n}项、共{unscored}分无法评分，总分在区间内，补充后确定"
XLSX_UNSCORABLE_NOTE = "没有可以评分的项目"

# ------------------------------------------------------------------ files that cannot be written (perfkit.cli)

#: what to do when a write failed for want of space (instead of checking the folder's permissions)
DISK_FULL_ADVICE = "请腾出磁盘空间后重新运行，{hint}"
#: after a render whose failures include a full disk (the failure lines above name the files)
RENDER_DISK_FULL = ("输出目录「{out}」所在磁盘空间已满：上列部门年度未写入，原有报告保留；"
                    "请腾出磁盘空间后重新运行，或用 --out 指定空间充足的输出目录")

# ------------------------------------------------------------------ stated-figure formulas (perfkit.score.figures)

#: a formula longer than any a report needs is refused before it is parsed (a parser can be made to exhaust memory)
EXPR_TOO_LONG = "复算公式过长（{n} 个字符，最多 {limit} 个）：{start}…"
EXPR_TOO_DEEP = "复算公式嵌套过深（括号、正负号或运算层数过多）：{start}…"

# ------------------------------------------------------------------ the command line (perfkit.cli) and problems

#: --dept of export/template/extract names a department directory under the data folder, never a path
DEPT_NOT_A_CODE = "--dept 应为部门代码（小写字母、数字、- 和 _，对应数据目录下的子目录名），不能是路径：「{code}」"
#: a value too long to print in full (a pasted document, a junk file's cell): its start and its length
LONG_VALUE = "{start}…（共 {n} 个字符）"

# --------------------------------------------------------------------------- main problems (perfkit.findings.group)

#: the indicators of one scope that missed their targets, as one problem with its list
MISSED_GROUP = "{scope_name}有{count}项指标未完成目标："
#: what to do about them, once for the scope (names and gaps listed)
MISSED_GROUP_RECOMMENDATIONS = (
    "逐项分析{scope_name}上述{count}项未完成指标（{gaps}）的原因，在“偏差原因分析及改进措施”中写明，"
    "并提出补救措施和完成时限。",
    "下一年度结合本年实际完成情况和可用资源，重新核定{names}的年度指标值，确保目标可实现、可考核。",
)
#: one missed indicator in that list of reasons: 奖励发放人数（差8人）
MISSED_GROUP_GAP = "{name}（{gap}）"
#: an indicator's name in a list
QUOTED_NAME = "“{name}”"
#: a stated item of one scope (narrative.csv with scope_id)
STATED_OF_SCOPE = "{scope}：{text}"
#: a stated measure with its heading
STATED_WITH_TITLE = "{title}{text}"

# ------------------------------------------------------------------ locations (perfkit.settings, perfkit.cli)

#: no data folder where one was looked for: an installed perfkit has no example data of its own
NO_DATA_DIR = ("找不到数据目录「{path}」：请用 --data 指定部门数据所在的目录（每个部门一个含 department.yaml 的子目录），"
               "或设置环境变量 PERFKIT_DATA_DIR")
