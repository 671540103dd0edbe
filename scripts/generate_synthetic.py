"""Write the synthetic example department ``data/demo-synthetic/`` (示例数据，虚构).

Every value here is made up so that one small department exercises every rule
perfkit implements and every kind of error a published table contains
(domain.md §3, §6, §7).  The data is declared as Python tables below and
written deterministically: no randomness, no clock, fixed row order, ``\\n``
line endings, amounts formatted from ``Decimal``; running the script twice
gives byte-identical files.  ``tests/test_synthetic_data.py`` regenerates the
files into a temporary directory and compares them with the committed ones, so
edit this script and re-run it rather than editing the CSV files by hand.

Usage::

    python scripts/generate_synthetic.py            # writes data/demo-synthetic/
    python scripts/generate_synthetic.py --out DIR  # writes DIR instead (tests)
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "data" / "demo-synthetic"
CODE = "demo-synthetic"
DEPT_NAME = "示例市示例局（示例数据）"
YEARS = (2020, 2022, 2023, 2024)
SOURCE = "示例数据：由 scripts/generate_synthetic.py 生成"
ASSUMPTION = "示例数据，虚构"
UNIT = "万元"
CENT = Decimal("0.01")

FILES = ("department.yaml", "scopes.csv", "budget.csv", "finance.csv", "indicators.csv",
         "stated.csv", "progress.csv", "ASSUMPTIONS.md")

COLUMNS = {
    "scopes.csv": ["year", "scope_id", "scope_type", "name", "parent_scope_id", "rule_set",
                   "stated_score", "stated_grade", "source", "assumption"],
    "budget.csv": ["year", "scope_id", "line", "line_type", "budget_original", "budget", "executed",
                   "unit", "source", "assumption"],
    "finance.csv": ["year", "item", "amount", "unit", "source", "assumption"],
    "indicators.csv": ["year", "scope_id", "indicator_id", "parent_id", "level1", "level2", "name",
                       "target", "actual", "weight", "stated_score", "prior_actual", "deviation_note",
                       "source", "assumption"],
    "stated.csv": ["year", "figure_id", "scope_id", "label", "kind", "stated_text", "value", "unit",
                   "expr", "sentence", "source", "assumption"],
    "progress.csv": ["year", "scope_id", "month", "executed_cumulative", "unit", "source", "assumption"],
}


def d(text: str) -> Decimal:
    """Return ``text`` as a Decimal (amounts are typed as strings to stay exact)."""
    return Decimal(text)


def money(x: Decimal) -> str:
    """Return an amount printed with two decimals, as published tables print 万元."""
    return str(x.quantize(CENT, rounding=ROUND_HALF_UP))


def rounded(x: float | Decimal, places: int) -> Decimal:
    """Return ``x`` rounded half-up, the way a report author rounds by hand."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def note(case: str | None) -> str:
    """Return the assumption cell: always 示例数据，虚构, plus the case the row exercises."""
    return ASSUMPTION if not case else f"{ASSUMPTION}；用例：{case}"


# --------------------------------------------------------------------------- scopes

@dataclass(frozen=True)
class Scope:
    scope_id: str
    scope_type: str
    name: str
    parent: str = ""
    years: tuple[int, ...] = YEARS
    case: str = ""


SCOPES = (
    Scope("whole", "部门整体", "示例市示例局部门整体支出"),
    Scope("p_ops", "一级项目", "示例业务运行保障"),
    Scope("p_ops_patrol", "二级项目", "示例巡查服务", parent="p_ops"),
    Scope("fund_aid", "专项资金", "示例奖励专项资金"),
    Scope("p_digital", "一级项目", "示例数字平台建设", years=(2023, 2024),
          case="2023 年起新设的项目，没有上年数据"),
)
SCOPE_BY_ID = {s.scope_id: s for s in SCOPES}
# 项目支出 of the whole department is the sum of these (二级项目 are inside their 一级项目).
TOP_PROJECTS = ("p_ops", "fund_aid", "p_digital")


def scopes_in(year: int) -> list[Scope]:
    """Return the scopes that exist in ``year``, in file order."""
    return [s for s in SCOPES if year in s.years]


# --------------------------------------------------------------------------- budget (万元)

# (年初预算数, 全年预算数, 全年执行数) of each scope's 合计 line.
TOTALS: dict[str, dict[int, tuple[str, str, str]]] = {
    "whole": {
        2020: ("5200.00", "5386.40", "5212.75"),
        2022: ("5600.00", "5928.60", "5240.88"),   # 88.4%: below 90% for the whole department
        2023: ("5900.00", "6120.50", "6012.33"),
        2024: ("6100.00", "6250.00", "6185.10"),
    },
    "p_ops": {
        2020: ("820.00", "860.00", "842.30"),
        2022: ("900.00", "950.00", "801.20"),
        2023: ("960.00", "980.00", "965.40"),
        2024: ("1000.00", "1010.00", "998.70"),
    },
    "p_ops_patrol": {
        2020: ("300.00", "320.00", "311.50"),
        2022: ("340.00", "360.00", "298.80"),
        2023: ("360.00", "365.00", "360.10"),
        2024: ("380.00", "380.00", "371.20"),
    },
    "fund_aid": {
        2020: ("60.00", "60.00", "57.60"),
        2022: ("80.00", "80.00", "71.00"),
        2023: ("120.00", "120.00", "42.00"),       # 35%: far less spent than budgeted
        2024: ("100.00", "100.00", "93.50"),
    },
    "p_digital": {
        2023: ("400.00", "450.00", "436.20"),
        2024: ("500.00", "500.00", "489.90"),
    },
}
TOTAL_CASES = {
    ("whole", 2022): "部门整体预算执行率低于 90%（88.4%）",
    ("fund_aid", 2023): "专项资金执行率仅 35%（支出远低于预算）",
}

# Funding sources of the whole department other than 一般公共预算拨款 (which takes the rest).
OTHER_SOURCES: dict[str, dict[int, tuple[str, str, str]]] = {
    "政府性基金预算拨款": {
        2020: ("50.00", "50.00", "48.00"),
        2022: ("0.00", "0.00", "0.00"),           # zero base for the 2023 year-over-year change
        2023: ("150.00", "180.00", "176.40"),
        2024: ("160.00", "160.00", "158.00"),
    },
    "其他资金": {
        2020: ("30.00", "32.00", "30.50"),
        2022: ("25.00", "28.00", "26.10"),
        2023: ("20.00", "20.00", "19.60"),
        2024: ("20.00", "22.00", "21.30"),
    },
}
ZERO_BASE_CASE = ("政府性基金预算拨款", 2022, "同比基数为 0：本年为 0，次年不为 0")

# 公用经费 of the whole department; 人员经费 is the rest of 基本支出.  Together they are its
# 经济分类 lines (a split of 基本支出, so they add up to less than the 合计).
PUBLIC_FUNDS = {
    2020: ("620.00", "640.00", "612.30"),
    2022: ("650.00", "680.00", "655.40"),
    2023: ("700.00", "700.00", "688.90"),
    2024: ("720.00", "730.00", "731.50"),        # 100.2%: spent over its budget
}
PUBLIC_FUNDS_CASE = (2024, "公用经费执行数超过预算数（100.2%）")

# 统计项 (memo) lines of the whole department: amounts the whole-department sheet's 管理效率
# ratios read (“三公经费”控制率, 政府采购执行率).  They overlap the other lines (三公经费 is
# paid out of 公用经费 and project money, 政府采购 out of anything), so they are not a
# breakdown of the 合计 and are never summed (data/README.md, line_type 统计项).
MEMO_LINES: dict[str, dict[int, tuple[str, str, str]]] = {
    "三公经费": {
        2020: ("38.00", "38.00", "35.20"),
        2022: ("42.00", "40.00", "33.60"),
        2023: ("40.00", "40.00", "37.90"),
        2024: ("36.00", "36.00", "37.20"),   # 103.3%: over its budget, like 公用经费 that year
    },
    "政府采购": {
        2020: ("400.00", "420.00", "398.60"),
        2022: ("450.00", "460.00", "372.60"),  # 81.0%: procurement lagged in the slow year
        2023: ("480.00", "500.00", "500.00"),  # 100%: the new digital platform was bought in full
        2024: ("520.00", "520.00", "488.80"),
    },
}
MEMO_CASES = {
    ("三公经费", 2024): "“三公经费”执行数超过预算数（103.3%），控制率不得分",
    ("政府采购", 2022): "政府采购执行率偏低（81.0%），按比例得分",
    ("政府采购", 2023): "政府采购执行率 100%，得满分",
}
MEMO_CASE_ALL_YEARS = "统计项：与其他行重叠，不是合计的细分，不参与加总核对"

# The 一级项目 p_ops is paid from two sources.
P_OPS_OTHER = {  # 其他资金; 一般公共预算拨款 is the rest
    2020: ("20.00", "20.00", "19.00"),
    2022: ("20.00", "30.00", "24.00"),
    2023: ("30.00", "30.00", "29.40"),
    2024: ("30.00", "30.00", "30.00"),
}


def whole_split(year: int) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Return the whole department's 基本支出 and 项目支出 (项目支出 = its top-level projects)."""
    total = tuple(map(d, TOTALS["whole"][year]))
    projects = tuple(sum((d(TOTALS[p][year][i]) for p in TOP_PROJECTS if year in TOTALS[p]), Decimal(0))
                     for i in range(3))
    return {"基本支出": tuple(t - p for t, p in zip(total, projects)), "项目支出": projects}


def economic_lines(year: int) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Return the whole department's 人员经费 and 公用经费 (they add up to 基本支出)."""
    public = tuple(map(d, PUBLIC_FUNDS[year]))
    staff = tuple(b - p for b, p in zip(whole_split(year)["基本支出"], public))
    return {"人员经费": staff, "公用经费": public}


def budget_rows() -> list[dict]:
    """Return budget.csv rows: each scope's 合计, and breakdowns that add up to it."""
    rows = []

    def add(year, scope_id, line, line_type, amounts, case=None):
        rows.append({"year": year, "scope_id": scope_id, "line": line, "line_type": line_type,
                     "budget_original": money(amounts[0]), "budget": money(amounts[1]),
                     "executed": money(amounts[2]), "unit": UNIT, "source": SOURCE,
                     "assumption": note(case)})

    for year in YEARS:
        for scope in scopes_in(year):
            sid = scope.scope_id
            total = tuple(map(d, TOTALS[sid][year]))
            add(year, sid, "合计", "合计", total, TOTAL_CASES.get((sid, year)))
            if sid == "whole":
                for line, amounts in whole_split(year).items():
                    add(year, sid, line, "支出类型", amounts)
                others = {k: tuple(map(d, v[year])) for k, v in OTHER_SOURCES.items()}
                general = tuple(t - sum(o[i] for o in others.values()) for i, t in enumerate(total))
                add(year, sid, "一般公共预算拨款", "资金来源", general)
                for line, amounts in others.items():
                    zero = ZERO_BASE_CASE[2] if (line, year) == ZERO_BASE_CASE[:2] else None
                    add(year, sid, line, "资金来源", amounts, zero)
                for line, amounts in economic_lines(year).items():
                    over = PUBLIC_FUNDS_CASE[1] if (line, year) == ("公用经费", PUBLIC_FUNDS_CASE[0]) else None
                    add(year, sid, line, "经济分类", amounts, over)
                for line, by_year in MEMO_LINES.items():
                    case = "；".join(filter(None, (MEMO_CASE_ALL_YEARS, MEMO_CASES.get((line, year)))))
                    add(year, sid, line, "统计项", tuple(map(d, by_year[year])), case)
            elif sid == "p_ops":
                other = tuple(map(d, P_OPS_OTHER[year]))
                add(year, sid, "一般公共预算拨款", "资金来源", tuple(t - o for t, o in zip(total, other)))
                add(year, sid, "其他资金", "资金来源", other)
    for row in rows:
        for col in ("budget_original", "budget", "executed"):
            assert Decimal(row[col]) >= 0, row
    return rows


def total_of(scope_id: str, year: int, field_name: str) -> Decimal:
    """Return a scope's 合计 amount (``budget_original``, ``budget`` or ``executed``)."""
    i = ("budget_original", "budget", "executed").index(field_name)
    return d(TOTALS[scope_id][year][i])


# --------------------------------------------------------------------------- finance (万元)

INCOME_CURRENT = {2020: "5230.00", 2022: "5300.00", 2023: "6000.00", 2024: "6150.00"}
# 年初结转结余 where the previous year is not in the data; otherwise last year's 年末结转结余.
OPENING_BALANCE = {2020: "120.50", 2022: "210.30"}


def opening_balance(year: int) -> Decimal:
    """Return 年初结转结余: last year's 年末结转结余 where that year is in the data."""
    if year - 1 in YEARS:
        return closing_balances()[year - 1]
    return d(OPENING_BALANCE[year])


def closing_balances() -> dict[int, Decimal]:
    """Return 年末结转结余 per year: what was there to spend, less what was spent."""
    out = {}
    for year in YEARS:
        opening = out[year - 1] if year - 1 in out else d(OPENING_BALANCE[year])
        out[year] = d(INCOME_CURRENT[year]) + opening - total_of("whole", year, "executed")
        assert out[year] >= 0
    return out


def finance_rows() -> list[dict]:
    """Return finance.csv rows; 总收入 = 本年收入 + 年初结转结余 = 本年支出 + 年末结转结余 = 总支出."""
    rows, closing = [], closing_balances()
    for year in YEARS:
        opening = opening_balance(year)
        income = d(INCOME_CURRENT[year])
        spent = total_of("whole", year, "executed")
        total = income + opening
        for item, amount in (("总收入", total), ("本年收入", income), ("年初结转结余", opening),
                             ("总支出", total), ("本年支出", spent), ("年末结转结余", closing[year])):
            rows.append({"year": year, "item": item, "amount": money(amount), "unit": UNIT,
                         "source": SOURCE, "assumption": ASSUMPTION})
    return rows


# --------------------------------------------------------------------------- progress (万元)

# Cumulative execution at each month's end as a share of the 全年预算数; December is the
# actual 全年执行数.  2022 is slow: below 25/40/60/80% at the end of April/June/August/October.
PACE_NORMAL = ("0.06", "0.13", "0.21", "0.29", "0.37", "0.46", "0.54", "0.63", "0.72", "0.82", "0.90")
PACE_SLOW = ("0.03", "0.07", "0.12", "0.18", "0.24", "0.31", "0.38", "0.46", "0.54", "0.63", "0.74")
SLOW_YEAR = 2022


def progress_rows() -> list[dict]:
    """Return progress.csv rows: the whole department's cumulative execution by month."""
    rows = []
    for year in YEARS:
        budget = total_of("whole", year, "budget")
        pace = PACE_SLOW if year == SLOW_YEAR else PACE_NORMAL
        amounts = [budget * d(p) for p in pace] + [total_of("whole", year, "executed")]
        case = "年内执行进度偏慢（4/6/8/10 月末低于 25%/40%/60%/80%）" if year == SLOW_YEAR else None
        for month, amount in enumerate(amounts, start=1):
            rows.append({"year": year, "scope_id": "whole", "month": month,
                         "executed_cumulative": money(amount), "unit": UNIT, "source": SOURCE,
                         "assumption": note(case)})
    return rows


# --------------------------------------------------------------------------- indicators

@dataclass(frozen=True)
class Ind:
    """One indicator row across the years; ``actual`` keys say which years it exists."""

    iid: str
    level1: str
    level2: str
    name: str
    weight: int | dict | None
    target: str | dict
    actual: dict
    parent: str = ""
    notes: dict = field(default_factory=dict)   # year -> 偏差原因分析及改进措施
    cases: dict = field(default_factory=dict)   # year (or 0 for every year) -> case exercised

    def target_in(self, year: int) -> str:
        return self.target[year] if isinstance(self.target, dict) else self.target

    def weight_in(self, year: int):
        return self.weight.get(year) if isinstance(self.weight, dict) else self.weight


OUT, BEN, SAT = "产出指标", "效益指标", "满意度指标"
QTY, QUA, TIME, COST = "数量指标", "质量指标", "时效指标", "成本指标"
SOC, ECO, SUS, CUS = "社会效益指标", "经济效益指标", "可持续影响指标", "服务对象满意度指标"


def each(*values: str, years: tuple[int, ...] = YEARS) -> dict:
    """Return ``{year: value}`` for the given years, in order."""
    assert len(values) == len(years)
    return dict(zip(years, values))


def every(value: str, years: tuple[int, ...] = YEARS) -> dict:
    """Return ``{year: value}`` with the same value every year."""
    return {y: value for y in years}


NEW = (2023, 2024)
NO_PRIOR_CASE = "上年（2021）数据缺失：完成值是数值，无法核对方向"

INDICATORS: dict[str, tuple[Ind, ...]] = {
    "whole": (
        Ind("w01", OUT, QTY, "热线受理件数", 4, "≥12000件", each("12860件", "13105件", "14230件", "13980件")),
        Ind("w02", OUT, QTY, "业务培训人次", 4, "≥2400人次", each("2510人次", "2630人次", "3200人次", "2750人次"),
            notes={2023: "线上课程报名踊跃，实际完成远超指标值；下一年度将按实际能力提高指标值。"},
            cases={2023: "超额完成 ≥130%（3200 对 ≥2400，133%）",
                   2022: "父行不等于其中子行之和（2630 ≠ 1450 + 1080）",
                   0: "父行带“其中”子行"}),
        Ind("w02a", OUT, QTY, "其中：线上培训人次", None, "≥1400人次",
            each("1400人次", "1450人次", "1820人次", "1560人次"), parent="w02", cases={0: "其中子行（parent_id）"}),
        Ind("w02b", OUT, QTY, "其中：线下培训人次", None, "≥1000人次",
            each("1110人次", "1080人次", "1380人次", "1190人次"), parent="w02", cases={0: "其中子行（parent_id）"}),
        Ind("w03", OUT, QTY, "共建社区数", 4, "263", each("263", "265", "270个", "268个"),
            cases={0: "无运算符的数值（视为 ≥）"}),
        Ind("w04", OUT, QTY, "群众投诉件数", 4, "同比下降", each("同比下降5.2%", "388件", "351件", "366件"),
            notes={2024: "新增投诉渠道后受理量上升，未实现同比下降；将加强源头治理。"},
            cases={0: "方向性指标（同比下降）", 2020: "完成值写成方向和幅度（同比下降5.2%）",
                   2022: NO_PRIOR_CASE, 2024: "方向未实现：366 件高于上年 351 件"}),
        Ind("w05", OUT, QTY, "专项巡查次数", 4, "≥100次", each("108次", "85次", "112次", "104次"),
            notes={2022: "受突发事件影响，部分巡查计划未能执行；已调整巡查排班。"},
            cases={2022: "未完成指标（85 对 ≥100）"}),
        Ind("w06", OUT, QUA, "热线办结率", 4, "≥95%", each("96.5%", "95.8%", "97.2%", "98.1%"),
            cases={0: "正向指标（≥95%）"}),
        Ind("w07", OUT, QUA, "政务事项网办率", 3, "=100%", each("100%", "98%", "100%", "100.00%"),
            notes={2022: "2 项事项因系统改造暂停网办；改造完成后已恢复。"}, cases={0: "等值指标（=100%）"}),
        Ind("w08", OUT, QUA, "安全责任事故", 3, "=0起", each("0起", "1起", "0起", "0"),
            notes={2022: "发生 1 起一般安全责任事故，已追责整改。"}, cases={0: "等值指标，目标为 0（=0起）"}),
        Ind("w09", OUT, QUA, "办件合格率", 3, "不低于98%", each("98.6%", "98.2%", "99.1%", "99.0%"),
            cases={0: "文字运算符（不低于）"}),
        Ind("w10", OUT, TIME, "平均办结时长", 3, "≤3天", each("2.6天", "3.4天", "2.8天", "2.5天"),
            notes={2022: "业务量高峰期办结时长超标；已增设窗口。"}, cases={0: "反向指标（≤3天）"}),
        Ind("w11", OUT, TIME, "年度资金支付完成率100%", 2, "", each("96.8%", "88.4%", "98.2%", "99.0%"),
            cases={0: "指标值写在名称里，年度指标值为空"}),
        Ind("w12", OUT, COST, "会议费支出", 2, "≤90万元", each("86万元", "93.5万元", "88万元", "81.6万元"),
            notes={2022: "临时增加专题会议，会议费超支；已压减会议数量。"}, cases={0: "反向指标（≤90万元）"}),
        Ind("w13", BEN, SOC, "便民服务覆盖率", 8, "提升", each("提升", "81.0%", "84.2%", "86.0%"),
            cases={0: "方向性指标（提升）", 2022: NO_PRIOR_CASE}),
        Ind("w14", BEN, SOC, "城市运行秩序", 8, "有效", every("达成"), cases={0: "定性指标（有效）"}),
        Ind("w15", BEN, SOC, "群众办事便利度", 7, "效果明显", each("达成", "部分达成", "达成", "部分达成"),
            notes={2022: "部分事项仍需线下多次办理；将推进一窗通办。",
                   2024: "跨部门事项办理仍不够便利；将推进数据共享。"},
            cases={0: "定性指标（效果明显）", 2022: "定性完成值“部分达成”"}),
        Ind("w16", BEN, SUS, "内控制度执行率", 7, "≥90%", each("92%", "≥90%", "≥90%", "93.5%"),
            cases={2022: "完成值照抄指标值的运算符（≥90%）", 2023: "完成值照抄指标值的运算符（≥90%）"}),
        Ind("w17", SAT, CUS, "群众满意度", 5, "保持", each("保持", "98.00%", "98.00%", "98.00%"),
            cases={0: "方向性指标（保持）", 2022: NO_PRIOR_CASE, 2023: "保持：与上年持平（98.00%）"}),
        Ind("w18", SAT, CUS, "企业满意度", 5, "≧90%", each("91.2%", "92.0%", "93.4%", "94.1%"),
            cases={0: "变体符号（≧）"}),
    ),
    "p_ops": (
        Ind("o01", OUT, QTY, "设备运维次数", 5, "≥500次", each("520次", "430次", "540次", "530次"),
            notes={2022: "运维合同延期签订，上半年运维次数不足；已提前启动采购。"}),
        Ind("o02", OUT, QTY, "保障重大活动数", 5, "≥12项", each("14项", "9项", "15项", "13项"),
            notes={2022: "部分活动取消。"}),
        Ind("o03", OUT, QTY, "服务点位数", 5, "30个以上", each("32个", "31个", "33个", "35个"),
            cases={0: "文字运算符（以上）"}),
        Ind("o04", OUT, QTY, "巡检覆盖街道数", 5, "=18个", each("18个", "15个", "18个", "18个"),
            notes={2022: "3 个街道因道路施工暂停巡检。"}),
        Ind("o05", OUT, QUA, "设备完好率", 5, "≥100百分比", each("100%", "95%", "100%", "100%"),
            notes={2022: "部分设备老化停用；已列入更新计划。"}, cases={0: "单位写错（百分比）"}),
        Ind("o06", OUT, QUA, "验收合格率", 5, "═100%", every("100%"), cases={0: "变体符号（═）"}),
        Ind("o07", OUT, QUA, "问题整改率", 5, "＞95%", each("97%", "96%", "98%", "99%"),
            cases={0: "全角符号（＞）"}),
        Ind("o08", OUT, TIME, "维修完成时限", 5, "5天以内", each("4天", "4.5天", "3天", "4天"),
            cases={0: "文字运算符（以内）"}),
        Ind("o09", OUT, TIME, "项目完成时间", 5, {y: f"{y}年12月完成" for y in YEARS}, every("按时完成"),
            cases={0: "期限型指标值"}),
        Ind("o10", OUT, COST, "单次运维成本", 5, "≤0.5万元", each("0.48万元", "0.6万元", "0.47万元", "0.46万元"),
            notes={2022: "备件价格上涨；已开展集中采购。"}),
        Ind("o11", BEN, SOC, "运行保障能力", 6, "提升", each("达成", "部分达成", "达成", "达成"),
            notes={2022: "设备故障多发，保障能力提升不明显。"},
            cases={0: "方向性指标，完成值为定性文字（无法核对方向）"}),
        Ind("o12", BEN, SOC, "重点区域运行秩序", 6, "效果明显", each("达成", "部分达成", "达成", "达成"),
            notes={2022: "个别重点区域秩序反复。"}),
        Ind("o13", BEN, ECO, "节约运维费用", 6, "≥20万元", each("22万元", "12万元", "25万元", "21万元"),
            notes={2022: "设备老化导致维修费用增加。"}),
        Ind("o14", BEN, SUS, "运维管理规范性", 6, "合规", each("达成", "部分达成", "达成", "达成"),
            notes={2022: "运维台账记录不完整；已建立台账检查制度。"}, cases={0: "定性指标（合规）"}),
        Ind("o15", BEN, SUS, "设备在线率", 6, "≥98%", each("98.5%", "98.2%", "99%", "99.3%")),
        Ind("o16", SAT, CUS, "使用单位满意度", 5, "95%以上", each("96%", "88%", "96.5%", "97%"),
            notes={2022: "设备故障影响使用体验；已加强巡检。"}),
        Ind("o17", SAT, CUS, "市民满意度", 5, "不低于90%", each("92%", "91%", "93%", "94%")),
    ),
    "p_ops_patrol": (
        Ind("t01", OUT, QTY, "日常巡查次数", 6, "≥2400次", each("2480次", "2520次", "2610次", "2590次")),
        Ind("t02", OUT, QTY, "发现问题数", {2020: 6, 2022: 16, 2023: 6, 2024: 6}, "≥300件",
            each("342件", "318件", "365件", "330件"),
            cases={2022: "分值合计 110（分值 16 误写，应为 6），而满分为 100"}),
        Ind("t03", OUT, QTY, "处置问题数", 6, "≥300件", each("340件", "305件", "360件", "328件"),
            cases={0: "父行等于其中子行之和"}),
        Ind("t03a", OUT, QTY, "其中：当场处置件数", None, "≥200件", each("220件", "200件", "230件", "210件"),
            parent="t03", cases={0: "其中子行（parent_id）"}),
        Ind("t03b", OUT, QTY, "其中：移交处置件数", None, "≥110件", each("120件", "105件", "130件", "118件"),
            parent="t03", cases={0: "其中子行（parent_id）"}),
        Ind("t04", OUT, QTY, "巡查人员培训人次", 6, "≥120人次", each("126人次", "130人次", "128人次", "135人次")),
        Ind("t05", OUT, QUA, "问题处置率", 6, "≥95%", each("99.4%", "96%", "98.6%", "99.4%")),
        Ind("t06", OUT, QUA, "巡查记录完整率", 5, "=100%", every("100%")),
        Ind("t07", OUT, TIME, "问题响应时间", 5, "≤2天", each("1.5天", "1.8天", "1.2天", "1天")),
        Ind("t08", OUT, TIME, "巡查计划完成及时性", 5, "及时", every("完成"), cases={0: "定性指标（及时）"}),
        Ind("t09", OUT, COST, "巡查车辆运行费", 5, "不超过40万元", each("38.5万元", "41.2万元", "36万元", "37.8万元"),
            notes={2022: "油价上涨导致运行费超支；已优化巡查路线。"}, cases={0: "文字运算符（不超过）"}),
        Ind("t10", BEN, SOC, "问题复发率", 8, "同比下降", each("同比下降", "11.8%", "10.2%", "9.6%"),
            cases={2022: NO_PRIOR_CASE}),
        Ind("t11", BEN, SOC, "街面秩序", 8, "有效", each("达成", "达成", "部分达成", "达成"),
            notes={2023: "部分路段占道经营反弹；将加密巡查。"}),
        Ind("t12", BEN, SUS, "巡查制度执行", 7, "有效", every("达成")),
        Ind("t13", BEN, SOC, "群众投诉办结率", 7, "100%", each("100%", "98.5%", "100%", "100%"),
            notes={2022: "3 件投诉跨年办结。"}, cases={0: "无运算符的百分比（视为 ≥）"}),
        Ind("t14", SAT, CUS, "沿街商户满意度", 10, "≥85%", each("88%", "86%", "90%", "91%")),
    ),
    "fund_aid": (
        Ind("f01", OUT, QTY, "奖励发放人数", 6, "≥10人", each("12人", "11人", "2人", "10人"),
            notes={2023: "符合条件的人员仅 2 人，资金支出量偏低；将加强宣传和申报指导。"},
            cases={2023: "未完成指标（2 对 ≥10）"}),
        Ind("f02", OUT, QTY, "慰问走访户数", 6, "≥20户", each("24户", "22户", "8户", "21户"),
            notes={2023: "受奖人员少，慰问户数相应减少。"}),
        Ind("f03", OUT, QTY, "宣传活动场次", 6, "≥6次", each("7次", "7次", "6次", "7次")),
        Ind("f04", OUT, QTY, "评审会议次数", 5, "≥3次", every("3次")),
        Ind("f05", OUT, QUA, "奖励发放率", 6, "=100%", every("100%")),
        Ind("f06", OUT, QUA, "资料审核合格率", 5, "100%", every("100%")),
        Ind("f07", OUT, TIME, "奖励发放及时率", 6, "≥95%", each("100%", "96%", "100%", "98%")),
        Ind("f08", OUT, TIME, "评定办结时限", 5, "≤30天", each("25天", "28天", "35天", "26天"),
            notes={2023: "个别案件调查取证耗时较长。"}),
        Ind("f09", OUT, COST, "人均奖励金额", 5, "≤5万元", each("4.5万元", "5万元", "5万元", "4.8万元")),
        Ind("f10", BEN, SOC, "社会正气弘扬", 8, "效果明显", each("达成", "达成", "部分达成", "达成"),
            notes={2023: "宣传覆盖面不足。"}),
        Ind("f11", BEN, SOC, "宣传覆盖人次", 8, "≥5000人次", each("5200人次", "5600人次", "4100人次", "6000人次"),
            notes={2023: "线下宣传活动减少。"}),
        Ind("f12", BEN, SUS, "志愿者人数", 7, "提升", each("达成", "350人", "340人", "380人"),
            notes={2023: "部分志愿者流失，人数未能提升；将完善激励措施。"},
            cases={2022: NO_PRIOR_CASE, 2023: "方向未实现：340 人低于上年 350 人"}),
        Ind("f13", BEN, SUS, "长效激励机制", 7, "有效", every("达成")),
        Ind("f14", SAT, CUS, "受奖人员满意度", 5, "≥95%", every("100%")),
        Ind("f15", SAT, CUS, "社会公众满意度", 5, "不低于90%", each("93%", "92%", "91%", "94%")),
    ),
    "p_digital": (
        Ind("g01", OUT, QTY, "上线应用模块数", 6, {2023: "≥8个", 2024: "≥12个"}, each("9个", "12个", years=NEW)),
        Ind("g02", OUT, QTY, "接入单位数", 6, "≥40家", each("42家", "45家", years=NEW)),
        Ind("g03", OUT, QTY, "培训操作人员", 6, "≥300人次", each("320人次", "310人次", years=NEW)),
        Ind("g04", OUT, QUA, "系统可用率", 6, "≥99.5%", each("99.7%", "99.9%", years=NEW)),
        Ind("g05", OUT, QUA, "网络安全事件", 6, "=0起", every("0起", years=NEW)),
        Ind("g06", OUT, QUA, "功能验收通过率", 5, "=100%", every("100%", years=NEW)),
        Ind("g07", OUT, TIME, "项目完成时间", 5, {2023: "2023年12月完成", 2024: "2024年12月完成"},
            each("按时完成", "2024年11月完成", years=NEW)),
        Ind("g08", OUT, TIME, "故障修复时长", 5, "1天以内", each("0.5天", "0.8天", years=NEW)),
        Ind("g09", OUT, COST, "软件开发成本", 5, "≤450万元", each("436.2万元", "420万元", years=NEW)),
        Ind("g10", BEN, SOC, "网上办事率", 8, "提升", each("62%", "71%", years=NEW),
            cases={2023: "新项目首年：方向性指标没有上年值，无法核对方向"}),
        Ind("g11", BEN, ECO, "节约办公费用", 7, "≥30万元", each("34万元", "38万元", years=NEW)),
        Ind("g12", BEN, SOC, "数据共享效果", 8, "效果明显", each("部分达成", "达成", years=NEW),
            notes={2023: "部分部门数据尚未接入。"}),
        Ind("g13", BEN, SUS, "系统运维机制", 7, "有效", every("达成", years=NEW)),
        Ind("g14", SAT, CUS, "使用人员满意度", 5, "≥90%", each("91%", "93%", years=NEW)),
        Ind("g15", SAT, CUS, "企业用户满意度", 5, "≥90%", each("92%", "94%", years=NEW)),
    ),
}


def indicator(iid: str) -> Ind:
    """Return the indicator spec with id ``iid``."""
    return next(i for spec in INDICATORS.values() for i in spec if i.iid == iid)


def fmt_weight(w) -> str:
    """Return a weight cell: empty for 其中 sub-rows, which carry no points."""
    return "" if w is None else str(w)


def indicator_rows() -> list[dict]:
    """Return indicators.csv rows; ``prior_actual`` is last year's actual where that year exists."""
    rows = []
    for year in YEARS:
        for scope in scopes_in(year):
            for ind in INDICATORS[scope.scope_id]:
                if year not in ind.actual:
                    continue
                case = "；".join(c for c in (ind.cases.get(0), ind.cases.get(year)) if c)
                rows.append({
                    "year": year, "scope_id": scope.scope_id, "indicator_id": ind.iid,
                    "parent_id": ind.parent, "level1": ind.level1, "level2": ind.level2,
                    "name": ind.name, "target": ind.target_in(year), "actual": ind.actual[year],
                    "weight": fmt_weight(ind.weight_in(year)), "stated_score": "",
                    "prior_actual": ind.actual.get(year - 1, ""),
                    "deviation_note": ind.notes.get(year, ""), "source": SOURCE, "assumption": note(case),
                })
    return rows


# --------------------------------------------------------------------------- the department's own scoring

# The stated self-evaluation scores are what this fictional department computed itself, by the
# rule sets it declares (department.yaml), read plainly.  The shares and bands below copy
# perfkit/rules/cz2020.yaml and dept_sheet_example.yaml as they were when this data was made,
# but deliberately as separate arithmetic: perfkit recomputes the scores on its own, so a
# disagreement other than the deliberate one below points at a change or a bug on one side.
QUALITATIVE_SHARE = {"达成": 1.0, "完成": 1.0, "按时完成": 1.0, "部分达成": 0.7, "未达成": 0.3}
MISSED_DIRECTION_SHARE = QUALITATIVE_SHARE["未达成"]
EXECUTION_WEIGHT = 10          # cz2020: 预算执行率 10 points
GRADES = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))

# dept_sheet_example (illustrative weights) scores the whole department: 履职效能 80 points of
# indicators (产出 40 / 效益 30 / 满意度 10), no separate execution line, and 管理效率 20 points of
# management ratios.  Its 三公经费 and 政府采购 items read the 统计项 lines of MEMO_LINES.
SHEET_COMPLETION_POINTS = 5
SHEET_ADJUSTMENT_BANDS = (("=", 0, 3), ("<=", 10, 2), ("<=", 20, 1), ("<=", 30, 0.5))
SHEET_CARRYOVER_BANDS = (("<=", 5, 3), ("<=", 10, 2), ("<=", 20, 1))
SHEET_PUBLIC_FUNDS_BANDS = (("<=", 100, 3), ("<=", 105, 1.5))
SHEET_THREE_PUBLIC_BANDS = (("<=", 100, 3),)
SHEET_PROCUREMENT_POINTS = 3
DIRECTION_WORDS = {"同比下降": "down", "下降": "down", "提升": "up", "上升": "up", "保持": "keep"}

_OPS = (("≥", ">="), ("≧", ">="), ("＞", ">"), ("═", "="), ("=", "="), ("≤", "<="),
        ("不低于", ">="), ("不超过", "<="))
_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def reading(text: str) -> tuple[str, float | None]:
    """Return (operator or kind, number) for the spellings this script writes."""
    text = text.strip()
    if text in QUALITATIVE_SHARE or text in ("有效", "效果明显", "合规", "及时"):
        return "qual", None
    if text in DIRECTION_WORDS:
        return "dir", None
    if re.fullmatch(r"\d{4}年\d{1,2}月完成", text):
        return "deadline", None
    for sym, op in _OPS:
        if text.startswith(sym):
            return op, float(_NUM.search(text).group())
    if text.endswith("以上"):
        return ">=", float(_NUM.search(text).group())
    if text.endswith("以内"):
        return "<=", float(_NUM.search(text).group())
    m = _NUM.match(text)
    if m:
        return ">=", float(m.group())   # a bare value means "at least"
    raise ValueError(f"generator cannot read {text!r}")


def number(text: str) -> float | None:
    """Return the first number written in ``text``, or None."""
    m = _NUM.search(text or "")
    return float(m.group()) if m else None


def stated_direction(text: str) -> str | None:
    """Return the direction an actual like 同比下降5.2% states, or None."""
    return next((d_ for w, d_ in DIRECTION_WORDS.items() if text.startswith(w)), None)


def directional_share(target: str, actual: str, prior: str) -> float:
    """Return the share a 同比下降/提升/保持 target earns."""
    want = DIRECTION_WORDS[target]
    if actual in QUALITATIVE_SHARE:
        return QUALITATIVE_SHARE[actual]
    said = stated_direction(actual)
    if said is not None:
        met = said == want or (want == "keep" and said == "up")
        return 1.0 if met else MISSED_DIRECTION_SHARE
    now, before = number(actual), number(prior)
    if before is None:
        return 0.0   # a number with no prior-year value cannot show the direction: no points claimed
    met = {"down": now < before, "up": now > before, "keep": now >= before}[want]
    return 1.0 if met else MISSED_DIRECTION_SHARE


def indicator_share(target: str, name: str, actual: str, prior: str) -> float:
    """Return the share of its weight an indicator earns, by the plain cz2020 reading."""
    if not target:
        target = _NUM.search(name).group() + "%"   # 年度资金支付完成率100%
    op, goal = reading(target)
    if op == "qual":
        return QUALITATIVE_SHARE[actual]
    if op == "deadline":
        return 1.0
    if op == "dir":
        return directional_share(target, actual, prior)
    value = number(actual)
    if op in (">=", ">", "="):
        if goal == 0:
            return 1.0 if value <= 0 else 0.0
        return min(value / goal, 1.0)
    return 1.0 if value <= goal else goal / value   # lower is better, ratio rule


def indicator_points(scope_id: str, year: int) -> float:
    """Return the unrounded sum of a scope's indicator points; 其中 sub-rows carry no weight."""
    total = 0.0
    for ind in INDICATORS[scope_id]:
        w = ind.weight_in(year)
        if year not in ind.actual or w is None:
            continue
        total += w * indicator_share(ind.target_in(year), ind.name, ind.actual[year],
                                     ind.actual.get(year - 1, ""))
    return total


def banded(value: float, bands) -> float:
    """Return the points of the first band ``value`` falls in (0 when none)."""
    for op, limit, points in bands:
        if (op == "=" and value == limit) or (op == "<=" and value <= limit):
            return points
    return 0


def management_points(year: int) -> float:
    """Return the 管理效率 points of the whole department by the illustrative sheet."""
    budget, original, executed = (float(total_of("whole", year, f)) for f in ("budget", "budget_original", "executed"))
    public_budget, public_executed = (float(x) for x in economic_lines(year)["公用经费"][1:])
    three_budget, three_executed = (float(x) for x in MEMO_LINES["三公经费"][year][1:])
    buy_budget, buy_executed = (float(x) for x in MEMO_LINES["政府采购"][year][1:])
    return (min(executed / budget, 1.0) * SHEET_COMPLETION_POINTS
            + banded(abs(budget - original) / original * 100, SHEET_ADJUSTMENT_BANDS)
            + banded(float(closing_balances()[year]) / budget * 100, SHEET_CARRYOVER_BANDS)
            + banded(public_executed / public_budget * 100, SHEET_PUBLIC_FUNDS_BANDS)
            + banded(three_executed / three_budget * 100, SHEET_THREE_PUBLIC_BANDS)
            + min(buy_executed / buy_budget, 1.0) * SHEET_PROCUREMENT_POINTS)


def scope_score(scope_id: str, year: int) -> float:
    """Return the unrounded self-evaluation score of a scope."""
    if SCOPE_BY_ID[scope_id].scope_type == "部门整体":
        return indicator_points(scope_id, year) + management_points(year)
    rate = total_of(scope_id, year, "executed") / total_of(scope_id, year, "budget")
    return min(float(rate), 1.0) * EXECUTION_WEIGHT + indicator_points(scope_id, year)


def grade_of(score: float) -> str:
    """Return the grade (优/良/中/差) of a score."""
    return next(g for floor, g in GRADES if score >= floor)


# Deliberate errors in what the "report" states, one of each.
WRONG_RATE_YEAR = 2023                  # the printed execution rate does not match the amounts
WRONG_RATE_TEXT = "98.8"
WRONG_GRADE = ("p_ops", 2022, "优")     # a 良 score stated as 优
WRONG_WEIGHTS = ("p_ops_patrol", 2022)  # indicator weights add to 100, plus 10 for execution
PARENT_MISMATCH = ("w02", 2022)         # the parent row is not the sum of its 其中 rows


def stated_scores() -> dict[tuple[str, int], tuple[Decimal, str]]:
    """Return the (score, grade) each scope's report states, per year."""
    out = {}
    for year in YEARS:
        for scope in scopes_in(year):
            score = rounded(scope_score(scope.scope_id, year), 2)
            grade = grade_of(float(score))
            if (scope.scope_id, year) == WRONG_GRADE[:2]:
                assert grade != WRONG_GRADE[2]
                grade = WRONG_GRADE[2]
            out[scope.scope_id, year] = (score, grade)
    return out


def scope_rows(scores) -> list[dict]:
    """Return scopes.csv rows with each scope's stated score and grade."""
    rows = []
    for year in YEARS:
        for scope in scopes_in(year):
            score, grade = scores[scope.scope_id, year]
            case = scope.case
            if (scope.scope_id, year) == WRONG_GRADE[:2]:
                case = "陈述等级与得分不符（良的得分写成优）"
            rows.append({"year": year, "scope_id": scope.scope_id, "scope_type": scope.scope_type,
                         "name": scope.name, "parent_scope_id": scope.parent, "rule_set": "",
                         "stated_score": str(score), "stated_grade": grade, "source": SOURCE,
                         "assumption": note(case)})
    return rows


# --------------------------------------------------------------------------- stated figures

def yoy_text(change: Decimal) -> str:
    """Return a change as a report prints it: 同比上升4.3% / 同比下降9.5%."""
    return f"同比{'上升' if change >= 0 else '下降'}{abs(change)}%"


def stated_rows(scores) -> list[dict]:
    """Return stated.csv rows: figures the fictional report prints, with their sentence."""
    rows = []

    def add(year, fid, scope_id, label, kind, text, value, unit, expr, sentence, case=None):
        rows.append({"year": year, "figure_id": fid, "scope_id": scope_id, "label": label, "kind": kind,
                     "stated_text": text, "value": value, "unit": unit, "expr": expr,
                     "sentence": sentence, "source": SOURCE, "assumption": note(case)})

    for year in YEARS:
        budget, executed = total_of("whole", year, "budget"), total_of("whole", year, "executed")
        rate = rounded(executed / budget * 100, 1)
        rate_case = None
        if year == WRONG_RATE_YEAR:
            rate_case = f"陈述的执行率有误：按金额应为 {rate}%"
            rate = Decimal(WRONG_RATE_TEXT)
        s = f"{year}年度全年预算数{money(budget)}万元，执行数{money(executed)}万元，完成预算的{rate}%。"
        add(year, "budget_total", "whole", "全年预算数", "金额", f"{money(budget)}万元", money(budget), "万元",
            "budget('whole')", s)
        add(year, "executed_total", "whole", "执行数", "金额", f"{money(executed)}万元", money(executed), "万元",
            "executed('whole')", s)
        add(year, "execution_rate", "whole", "预算完成率", "百分比", f"{rate}%", str(rate), "%",
            "executed('whole') / budget('whole') * 100", s, rate_case)

        fin = {r["item"]: r["amount"] for r in finance_rows() if r["year"] == year}
        s = (f"{year}年度总收入{fin['总收入']}万元，其中本年收入{fin['本年收入']}万元、"
             f"年初结转结余{fin['年初结转结余']}万元；总支出{fin['总支出']}万元，其中本年支出{fin['本年支出']}万元。")
        add(year, "income_total", "whole", "总收入（本年收入与年初结转结余合计）", "合计", f"{fin['总收入']}万元",
            fin["总收入"], "万元", "finance('本年收入') + finance('年初结转结余')", s)

        projects = [p for p in TOP_PROJECTS if year in SCOPE_BY_ID[p].years]
        spent = sum((total_of(p, year, "executed") for p in projects), Decimal(0))
        n1 = sum(SCOPE_BY_ID[p].scope_type == "一级项目" for p in projects)
        n2 = sum(s_.scope_type == "二级项目" for s_ in scopes_in(year))
        s = (f"{year}年度开展项目支出绩效自评的一级项目{n1}个、二级项目{n2}个、专项资金1项，"
             f"共支出{money(spent)}万元。")
        add(year, "project_count_level1", "whole", "一级项目个数", "计数", f"{n1}个", str(n1), "个",
            "count_scopes('一级项目')", s)
        add(year, "project_spent", "whole", "项目支出执行数合计", "合计", f"{money(spent)}万元", money(spent), "万元",
            " + ".join(f"executed('{p}')" for p in projects), s)

        if year - 1 in YEARS:
            complaints = indicator("w04")
            now, before = (number(complaints.actual[y]) for y in (year, year - 1))
            change = rounded((now - before) / before * 100, 1)
            s = f"全年受理群众投诉{int(now)}件，{yoy_text(change)}。"
            add(year, "yoy_complaints", "whole", "群众投诉件数同比", "同比", f"{yoy_text(change)}", str(change), "%",
                "(actual('w04') - prior('w04')) / prior('w04') * 100", s)

        for scope in scopes_in(year):
            score, grade = scores[scope.scope_id, year]
            sid = scope.scope_id
            what = "部门整体支出" if sid == "whole" else scope.name
            s = f"{year}年{what}绩效自评得分为{score}分，评价等级为“{grade}”。"
            case = "陈述等级与得分不符（良的得分写成优）" if (sid, year) == WRONG_GRADE[:2] else None
            add(year, f"score_{sid}", sid, f"{what}自评得分", "得分", f"{score}分", str(score), "分",
                f"score('{sid}')", s)
            add(year, f"grade_{sid}", sid, f"{what}自评等级", "等级", grade, "", "",
                f"grade(fig('score_{sid}'))", s, case)

    add(2024, "loss_recovered", "whole", "为群众挽回损失", "金额", "300万元以上", "300", "万元", "",
        "全年通过风险提示为群众挽回损失300万元以上。", "数据中没有可复算的来源，只列示原句")
    rows.sort(key=lambda r: r["year"])
    return rows


# --------------------------------------------------------------------------- department.yaml, ASSUMPTIONS.md

def q(text: str) -> str:
    """Return a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


FUNCTIONS = (
    "负责示例市城市运行服务的组织协调（示例数据，虚构）",
    "承担政务服务热线受理、转办和督办工作（示例数据，虚构）",
    "组织开展街面巡查和问题处置（示例数据，虚构）",
    "管理示例奖励专项资金的评定和发放（示例数据，虚构）",
    "建设和运维示例数字服务平台（示例数据，虚构）",
)


def department_yaml() -> str:
    """Return department.yaml, written by hand so its comments and key order stay put."""
    lines = [
        "# 示例数据（虚构）：由 scripts/generate_synthetic.py 生成，请勿手工修改；改脚本后重新运行。",
        "# 所有数值均为编造，用来覆盖 perfkit 的每一条评分规则和每一类核对，不代表任何真实部门。",
        f"code: {CODE}",
        f"name: {q(DEPT_NAME)}",
        f"region: {q('示例市（示例数据）')}",
        f"level: {q('市级')}",
        "functions:",
        *[f"  - {q(f)}" for f in FUNCTIONS],
        f"years: [{', '.join(map(str, YEARS))}]",
        "rule_set: cz2020",
        "dept_sheet: dept_sheet_example",
        "synthetic: true",
        f"source: {q(SOURCE)}",
        f"notes: {q('示例数据，虚构。年度含 2020、2022、2023、2024：2021 年缺失，故 2022 年没有上年数据。用例清单见 ASSUMPTIONS.md。')}",
        "",
    ]
    return "\n".join(lines)


def case_list(rows_by_file: dict[str, list[dict]]) -> list[tuple[str, str, str]]:
    """Return (file, where, case) for every row whose assumption names a case."""
    out = []
    keys = {"scopes.csv": ("scope_id",), "budget.csv": ("scope_id", "line"),
            "indicators.csv": ("scope_id", "indicator_id", "name"), "stated.csv": ("figure_id",),
            "progress.csv": ("scope_id",)}
    for fname, rows in rows_by_file.items():
        seen = set()
        for r in rows:
            prefix = note(None) + "；用例："
            if not r["assumption"].startswith(prefix):
                continue
            where = " ".join(str(r[k]) for k in keys.get(fname, ()))
            for case in r["assumption"][len(prefix):].split("；"):
                key = (where, case)
                if key in seen:      # per-year repeats (progress, every-year cases) listed once
                    continue
                seen.add(key)
                years = sorted({x["year"] for x in rows
                                if " ".join(str(x[k]) for k in keys.get(fname, ())) == where
                                and case in x["assumption"]})
                out.append((fname, f"{where}（{'、'.join(map(str, years))}）", case))
    return out


def bands_text(bands) -> str:
    """Return bands as 「=0 得 3 分、≤10% 得 2 分……，否则 0 分」."""
    ops = {"=": "=", "<=": "≤"}
    return "、".join(f"{ops[op]}{limit}% 得 {points} 分" for op, limit, points in bands) + "，否则 0 分"


def assumptions_md(rows_by_file: dict[str, list[dict]], scores) -> str:
    """Return ASSUMPTIONS.md: what is made up, how scores were computed, the deliberate errors, the cases."""
    wrong_rate_real = rounded(total_of("whole", WRONG_RATE_YEAR, "executed")
                              / total_of("whole", WRONG_RATE_YEAR, "budget") * 100, 1)
    sid, gyear, ggrade = WRONG_GRADE
    wscope, wyear = WRONG_WEIGHTS
    wsum = sum(i.weight_in(wyear) or 0 for i in INDICATORS[wscope])
    parent = indicator(PARENT_MISMATCH[0])
    children = [i for i in INDICATORS["whole"] if i.parent == parent.iid]
    lines = [
        f"# 假设记录：{DEPT_NAME}",
        "",
        "**本目录全部是示例数据（虚构）。** 每一个数值——部门、项目、金额、指标、完成值、报告原句——都是编造的，",
        "目的是用一个小部门覆盖 perfkit 的每一条评分规则和每一类核对。它不代表任何真实部门，不能用于任何结论。",
        "",
        "- 生成方式：`python scripts/generate_synthetic.py`（确定性，无随机数；重复运行得到逐字节相同的文件）。"
        "请改脚本后重新生成，不要手工改 CSV；`tests/test_synthetic_data.py` 会核对二者一致。",
        "- 每个 CSV 的每一行：`source` 为“" + SOURCE + "”，`assumption` 以“" + ASSUMPTION + "”开头，"
        "若该行专门用来覆盖某个用例，后面写“；用例：……”。",
        "- 年度：" + "、".join(map(str, YEARS)) + "。2021 年缺失（中间缺年），因此 2022 年没有上年数据，"
        "`prior_actual` 只在 2023、2024 年填写（取同一指标上一年的 `actual`）。",
        "- 金额单位：全部为万元（每个文件只用一种单位）。",
        "- 规则集：项目和专项资金按 `cz2020`（分值 产出 50 / 效益 30 / 满意度 10 / 预算执行率 10）；"
        "部门整体按评分表 `dept_sheet_example`（示例权重：履职效能 产出 40 / 效益 30 / 满意度 10，管理效率 20，"
        "不单列预算执行率），所以部门整体的指标分值合计 80。",
        "- 经济分类行只有人员经费和公用经费（合计为基本支出）。",
        "- 统计项行（`line_type` 为 `统计项`，仅部门整体）：评分表中的“三公经费”控制率和政府采购执行率读取名为"
        "“三公经费”“政府采购”的预算行。它们与其他行重叠（三公经费出自公用经费和项目支出，政府采购出自各类支出），"
        "不是合计的细分，不参与加总核对。各年金额（年初预算数 / 全年预算数 / 执行数，万元）：",
        "",
        "| 年度 | 三公经费 | 执行率 | 政府采购 | 执行率 |",
        "|---|---|---|---|---|",
        *[f"| {y} | " + " | ".join(
            f"{' / '.join(MEMO_LINES[k][y])} | {rounded(d(MEMO_LINES[k][y][2]) / d(MEMO_LINES[k][y][1]) * 100, 1)}%"
            for k in ("三公经费", "政府采购")) + " |" for y in YEARS],
        "",
        "## 范围",
        "",
        "| scope_id | 类型 | 名称 | 年度 |",
        "|---|---|---|---|",
        *[f"| {s.scope_id} | {s.scope_type} | {s.name} | {'、'.join(map(str, s.years))} |" for s in SCOPES],
        "",
        "## 自评得分是怎么来的",
        "",
        "`scopes.csv` 和 `stated.csv` 里的自评得分是这个虚构部门按它声明的规则集“自己算的”（脚本中的独立算法，"
        "取值照抄生成时的 cz2020.yaml 与 dept_sheet_example.yaml）：",
        "",
        f"- 项目：预算执行率得分 = min(执行率, 1) × {EXECUTION_WEIGHT}，加各指标得分。",
        f"- 部门整体：各指标得分，加管理效率：预算完成率 min(执行率, 1) × {SHEET_COMPLETION_POINTS}；"
        "预算调整率 |全年预算数 − 年初预算数| / 年初预算数 分档 " + bands_text(SHEET_ADJUSTMENT_BANDS)
        + "；结转结余率 年末结转结余 / 全年预算数 分档 " + bands_text(SHEET_CARRYOVER_BANDS)
        + "；公用经费控制率 执行数 / 预算数 分档 " + bands_text(SHEET_PUBLIC_FUNDS_BANDS)
        + "；“三公经费”控制率 执行数 / 预算数 分档 " + bands_text(SHEET_THREE_PUBLIC_BANDS)
        + f"；政府采购执行率 min(执行数 / 预算数, 1) × {SHEET_PROCUREMENT_POINTS}。",
        "- 指标：正向/等值指标 完成值/指标值 × 分值（封顶），目标为 0 时完成值 ≤ 0 才得满分；"
        "反向指标 指标值/完成值 × 分值；照抄运算符的完成值（如 `≥90%`）不作实测值，满足指标值时按表述“达成”分档计；期限型指标按时完成得满分；"
        "定性完成值 " + "、".join(f"{k} {round(v * 100)}%" for k, v in QUALITATIVE_SHARE.items()) + "。",
        "- 方向性指标：完成值写成方向（如 `同比下降5.2%`、`提升`）时看方向是否一致；完成值是数值且有上年值时"
        "比较两者（保持 = 不低于上年）；方向不符按“未达成”计；完成值是数值却没有上年值时无法核对，部门不计分（0 分）。",
        "- “其中”子行不计分。得分保留 2 位小数，等级按 90/80/60 分界。",
        "",
        "perfkit 独立复算。除下面故意写错的地方外，若复算结果不同，说明规则集或 perfkit 的读法变了，值得查看。",
        "",
        "## 故意写错的地方（供核对功能发现）",
        "",
        f"1. {WRONG_RATE_YEAR} 年预算执行率陈述为 {WRONG_RATE_TEXT}%，按金额应为 {wrong_rate_real}%"
        "（stated.csv `execution_rate`）。",
        f"2. {gyear} 年 `{sid}` 的自评得分为 {scores[sid, gyear][0]} 分（应为“{grade_of(float(scores[sid, gyear][0]))}”），"
        f"陈述等级却写成“{ggrade}”（scopes.csv 与 stated.csv `grade_{sid}`）。",
        f"3. {wyear} 年 `{wscope}` 的指标分值合计 {wsum}，加预算执行率 {EXECUTION_WEIGHT} 分共 "
        f"{wsum + EXECUTION_WEIGHT} 分，而满分为 100（`t02` 分值误写为 {indicator('t02').weight_in(wyear)}）。",
        f"4. {PARENT_MISMATCH[1]} 年“{parent.name}”（`{parent.iid}`）为 {parent.actual[PARENT_MISMATCH[1]]}，"
        f"而其中子行 {' + '.join(c.actual[PARENT_MISMATCH[1]] for c in children)} = "
        f"{sum(number(c.actual[PARENT_MISMATCH[1]]) for c in children):g}，父行不等于子行之和；其他年度相等。",
        "",
        "## 用例清单（由脚本从各行 assumption 汇总）",
        "",
        "| 文件 | 位置（年度） | 用例 |",
        "|---|---|---|",
        *[f"| {f} | {w} | {c} |" for f, w, c in case_list(rows_by_file)],
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- writing

def csv_text(fname: str, rows: list[dict]) -> str:
    """Return a CSV file's text with ``\n`` line endings, whatever the platform."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS[fname], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build() -> dict[str, str]:
    """Return every file of the example department as ``{file name: text}``."""
    scores = stated_scores()
    rows = {
        "scopes.csv": scope_rows(scores),
        "budget.csv": budget_rows(),
        "finance.csv": finance_rows(),
        "indicators.csv": indicator_rows(),
        "stated.csv": stated_rows(scores),
        "progress.csv": progress_rows(),
    }
    files = {"department.yaml": department_yaml()}
    files.update({name: csv_text(name, r) for name, r in rows.items()})
    files["ASSUMPTIONS.md"] = assumptions_md(rows, scores)
    assert set(files) == set(FILES)
    return files


def generate(out: str | Path = DEFAULT_OUT) -> list[Path]:
    """Write the example department into ``out`` and return the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build().items():
        path = out / name
        # bytes, not text mode: no platform newline translation, so the files are identical everywhere
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the files and print their paths; return the exit status."""
    parser = argparse.ArgumentParser(description="生成示例部门数据（示例数据，虚构）")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="输出目录（默认 data/demo-synthetic）")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
