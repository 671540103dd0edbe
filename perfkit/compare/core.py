"""Year-over-year comparison, multi-year views and the PEFA 2016 lens on budget credibility.

Every function here is pure: it takes a loaded :class:`~perfkit.ingest.department.Department`
(or plain values) and returns a new DataFrame; nothing is read, printed or drawn
(the one file read is the PEFA band table, ``rules/pefa2016.yaml``, like any rule set).

Public functions
----------------
- year over year: :func:`change`, :func:`yoy_budget`, :func:`yoy_execution`,
  :func:`yoy_indicators`, :func:`yoy_scores`, :func:`stated_yoy`, :func:`direction_met`
- several years: :func:`series`, :func:`summarize_series`, :func:`multi_year`,
  :func:`falling_scores`, :func:`cagr`, :func:`current_run`
- PEFA 2016: :func:`pefa_pi1`, :func:`pefa_pi2`, :func:`pefa_pi2_components`,
  :func:`pefa_summary`, :func:`load_pefa_rules`, :func:`pi1_grade`, :func:`pi2_grade`,
  :func:`window_score`
- :data:`COLUMN_LABELS`: Chinese headings of every column returned here.

Conventions shared by every comparison table
--------------------------------------------
``prior`` / ``current``
    The two values compared.  Amounts are in 万元 (the loader already converted
    them); rates and percentages are in percent (``99.26`` for 99.26%).
``change``, ``change_unit``
    ``current - prior`` in ``change_unit``: 万元 for amounts, 百分点 for rates and
    percentages, 分 for scores, the indicator's own unit otherwise.
``pct_change``
    Relative change in %, ``(current - prior) / |prior| * 100``.  Never computed
    for rates and percentages: the change of a rate is read in 百分点, never as
    a percent of a percent, so ``pct_change`` is empty there by design.
``change_kind``
    ``amount``, ``rate``, ``score`` or ``number``: what the change is.
``note``
    Why a value is missing (``无上年数据``, ``无法计算：上年为0`` …) or what to keep in
    mind (a non-consecutive prior year).  A number is never inf, and an empty
    number always has its reason here, except ``pct_change`` of a rate.

"Previous year" policy
----------------------
The prior is the latest earlier year present in the data (``dept.years``).  When
that is not ``year - 1`` it is still used, labelled ``上年（2020，非连续）`` in
``prior_label`` and explained in ``note`` (the change then spans several years).
Pass ``allow_gap=False`` to treat such a prior as missing instead (``无上年数据``).
For indicators, the row's own ``prior_actual`` (上年实际值, by definition year-1)
is used when the data have no usable year-1 row, so a department with one year
of data still gets its stated year-over-year comparisons.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from perfkit.ingest.department import BUILTIN_RULES_DIR, TOTAL_LINE, WHOLE_SCOPE, Department
from perfkit.values import is_missing as _is_missing
from perfkit.errors import RuleSetError
from perfkit.score.targets import polarity
from perfkit.rules.pefa import PEFA_GRADES, PEFA_RULES_FILE, load_pefa_rules

# --------------------------------------------------------------------------- vocabulary

CHANGE_KINDS = ("amount", "rate", "score", "number")
# the unit of ``change`` per kind; ``number`` keeps the indicator's unit
CHANGE_UNITS = {"amount": "万元", "rate": "百分点", "score": "分"}
BUDGET_FIELDS = {"budget_original": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}

NO_PRIOR = "无上年数据"
NO_CURRENT = "无本年数据"
ZERO_BASE = "无法计算：上年为0"
NOTE_SEP = "；"

# Chinese headings of the columns this module returns (the notebooks' label map can merge these)
COLUMN_LABELS = {
    "year": "年度",
    "prior_year": "比较年度",
    "prior_label": "比较基期",
    "scope_id": "范围代码",
    "scope_name": "评价范围",
    "line": "预算行",
    "line_type": "预算行类型",
    "field": "字段代码",
    "field_label": "项目",
    "level": "层级代码",
    "level_label": "层级",
    "indicator_id": "指标代码",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "prior_text": "上年完成值（原文）",
    "prior_source": "上年值来源",
    "unit": "单位",
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
    "weight": "分值",
    "prior_grade": "上年等级",
    "grade": "等级",
    "note": "备注",
    "figure_id": "数字代码",
    "label": "陈述项",
    "stated_text": "报告原文",
    "stated": "陈述值",
    "sentence": "原句",
    "recomputed": "复算",
    "difference": "差额",
    "decimals": "小数位数",
    "ok": "是否一致",
    "status": "结论",
    "basis": "复算依据",
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
    "years": "年度",
    "scores": "各年得分",
    "drop": "累计下降（分）",
    "indicator": "PEFA 指标",
    "by": "细分口径代码",
    "by_label": "细分口径",
    "n_components": "细分项数",
    "base_used": "预算基数代码",
    "base_label": "预算基数",
    "base_amount": "预算数（万元）",
    "executed": "执行数（万元）",
    "outturn": "执行数/预算数（%）",
    "deviation": "偏差（百分点）",
    "ratio": "执行总额比例",
    "variance": "结构偏差率（%）",
    "pefa_score": "PEFA 评分（三年取两年）",
}

_DIRECTION_WORDS = {"up": "上升", "down": "下降", "keep": "保持"}


# --------------------------------------------------------------------------- change




def _join(*notes) -> str:
    return NOTE_SEP.join(n for n in notes if n)


def change(prior, current, kind: str = "amount", unit: str | None = None, *,
           prior_missing: str = "", current_missing: str = "") -> dict:
    """Return the change from ``prior`` to ``current``, labelled with what it is.

    Parameters
    ----------
    prior, current : float or None
        The two values; None/NaN means unknown (never read as 0).  Rates and
        percentages are given in percent (98.0 for 98%).
    kind : {'amount', 'rate', 'score', 'number'}
        ``amount`` (万元), ``rate`` (a rate or percentage; change in 百分点 and no
        percent change), ``score`` (分) or ``number`` (any other quantity, in ``unit``).
    unit : str, optional
        Unit of a ``number``; ignored for the other kinds.
    prior_missing, current_missing : str, optional
        Detail appended to ``无上年数据`` / ``无本年数据`` when a value is missing.

    Returns
    -------
    dict
        ``prior``, ``current``, ``change``, ``change_unit``, ``pct_change`` (%),
        ``change_kind`` and ``note``.  A missing or zero base gives NaN with the
        reason in ``note``, never inf.

    Examples
    --------
    >>> change(98.0, 98.0, "rate")["change"]
    0.0
    >>> change(0, 5, "amount")["note"]
    '无法计算：上年为0'
    """
    if kind not in CHANGE_KINDS:
        raise ValueError(f"未知的变动类型「{kind}」，应为：{'、'.join(CHANGE_KINDS)}")
    change_unit = CHANGE_UNITS.get(kind, unit or "")
    out = {"prior": np.nan if _is_missing(prior) else float(prior),
           "current": np.nan if _is_missing(current) else float(current),
           "change": np.nan, "change_unit": change_unit, "pct_change": np.nan,
           "change_kind": kind, "note": ""}
    p, c = out["prior"], out["current"]
    notes = []
    if math.isnan(p):
        notes.append(NO_PRIOR + (f"（{prior_missing}）" if prior_missing else ""))
    if math.isnan(c):
        notes.append(NO_CURRENT + (f"（{current_missing}）" if current_missing else ""))
    if not notes:
        out["change"] = c - p
        if kind != "rate":
            pct = (c - p) / abs(p) * 100 if p != 0 else np.nan
            if p == 0 or not math.isfinite(pct):  # a base so near 0 that the ratio overflows is 0
                notes.append(ZERO_BASE)
            else:
                out["pct_change"] = pct
    out["note"] = _join(*notes)
    return out


# --------------------------------------------------------------------------- prior year


def previous_year(dept: Department, year: int, allow_gap: bool = True) -> int | None:
    """Return the comparison year of ``year`` (see :meth:`Department.prior_year`)."""
    return dept.prior_year(year, allow_gap)


def prior_label(year: int, prior: int | None) -> str:
    """Return how a table names its comparison year: ``上年（2022）``, ``上年（2020，非连续）`` or ``无上年数据``."""
    if prior is None:
        return NO_PRIOR
    if prior == int(year) - 1:
        return f"上年（{prior}）"
    return f"上年（{prior}，非连续）"


def _gap_note(year: int, prior: int | None) -> str:
    if prior is None or prior == year - 1:
        return ""
    missing = "、".join(str(y) for y in range(prior + 1, year))
    return f"比较基期为{prior}年（非连续，缺{missing}年；变动为{year - prior}年累计）"


def _prior_context(dept: Department, year: int, allow_gap: bool) -> tuple[int | None, str, str]:
    """Return (prior year, its label, the reason when there is none)."""
    prior = previous_year(dept, year, allow_gap)
    if prior is not None:
        return prior, prior_label(year, prior), ""
    earlier = previous_year(dept, year, True)
    if earlier is None:
        why = f"{year - 1}年不在数据中"
    else:
        why = f"{year - 1}年不在数据中，不跨年比较（最近为{earlier}年）"
    return None, NO_PRIOR, why


def _namer(dept: Department):
    """Return scope_id -> display name, as :meth:`Department.scope_name` but without a scan per call."""
    names = dict(zip(dept.scopes["scope_id"], dept.scopes["name"]))  # the last row wins, as there
    return lambda sid: str(names.get(sid, sid))


def _check_year(dept: Department, year) -> int:
    year = int(year)
    dept.for_year(year)  # raises DataError naming the declared years
    return year


# --------------------------------------------------------------------------- pairing


def _pair(cur: pd.DataFrame, old: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.DataFrame:
    """Return current and prior rows side by side on ``keys``.

    Current rows keep their order; rows only in the prior year follow.  Value
    columns get ``_cur``/``_old`` suffixes, ``in_cur``/``in_old`` say where a row exists.
    """
    a = cur[keys + cols].copy()
    a["in_cur"] = True
    a["_order"] = np.arange(len(a), dtype=float)
    b = old[keys + cols].copy()
    b["in_old"] = True
    b["_order_old"] = np.arange(len(b), dtype=float)
    merged = a.merge(b, on=keys, how="outer", suffixes=("_cur", "_old"), sort=False)
    merged["in_cur"] = merged["in_cur"].eq(True)
    merged["in_old"] = merged["in_old"].eq(True)
    merged["_order"] = merged["_order"].fillna(len(a) + merged["_order_old"])
    merged = merged.sort_values("_order", kind="stable").drop(columns=["_order", "_order_old"])
    return merged.reset_index(drop=True)


# --------------------------------------------------------------------------- budget


def yoy_budget(dept: Department, year: int, allow_gap: bool = True) -> pd.DataFrame:
    """Return the year-over-year change of every budget line and field.

    Parameters
    ----------
    dept : Department
    year : int
        The current year; the prior is the latest earlier year in the data
        (see the module docstring).
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.

    Returns
    -------
    DataFrame
        One row per (scope, line, field), in the current year's order, then
        lines found only in the prior year.  Columns: ``year``, ``prior_year``,
        ``prior_label``, ``scope_id``, ``scope_name``, ``line``, ``line_type``,
        ``field`` (``budget_original``/``budget``/``executed``), ``field_label``
        (年初预算数/全年预算数/全年执行数), ``prior``, ``current`` (万元), ``change``,
        ``change_unit`` (万元), ``pct_change`` (%), ``change_kind`` (``amount``), ``note``.
    """
    year = _check_year(dept, year)
    prior, label, why = _prior_context(dept, year, allow_gap)
    name_of = _namer(dept)
    fields = list(BUDGET_FIELDS)
    b = dept.budget
    cur = b[b["year"] == year]
    old = b[b["year"] == prior] if prior is not None else b.iloc[0:0]
    paired = _pair(cur, old, ["scope_id", "line"], ["line_type"] + fields)
    gap = _gap_note(year, prior)
    rows = []
    for rec in paired.to_dict("records"):
        line_type = rec["line_type_cur"] if rec["in_cur"] else rec["line_type_old"]
        for f in fields:
            if prior is None:
                p_why = why
            elif not rec["in_old"]:
                p_why = f"{prior}年无此预算行"
            else:
                p_why = f"{prior}年该项为空"
            c_why = f"{year}年无此预算行" if not rec["in_cur"] else f"{year}年该项为空"
            ch = change(rec[f + "_old"] if rec["in_old"] else None, rec[f + "_cur"] if rec["in_cur"] else None,
                        "amount", prior_missing=p_why, current_missing=c_why)
            ch["note"] = _join(ch["note"], gap if not _is_missing(ch["change"]) else "")
            rows.append({"year": year, "prior_year": prior, "prior_label": label, "scope_id": rec["scope_id"],
                         "scope_name": name_of(rec["scope_id"]), "line": rec["line"],
                         "line_type": line_type, "field": f, "field_label": BUDGET_FIELDS[f], **ch})
    return _frame(rows, _BUDGET_COLUMNS)


_CHANGE_COLUMNS = ["prior", "current", "change", "change_unit", "pct_change", "change_kind", "note"]
_BUDGET_COLUMNS = ["year", "prior_year", "prior_label", "scope_id", "scope_name", "line", "line_type", "field",
                   "field_label"] + _CHANGE_COLUMNS


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    if "prior_year" in df.columns:
        df["prior_year"] = df["prior_year"].astype("Int64")
    for col in ("prior", "current", "change", "pct_change"):
        if col in df.columns:
            df[col] = df[col].astype("float64")
    return df


# --------------------------------------------------------------------------- execution


def execution_rates(budget: pd.DataFrame, base: str = "adjusted") -> pd.DataFrame:
    """Return ``budget`` with ``execution_rate`` (%) and ``rate_note`` columns added.

    执行率 = 全年执行数 / 全年预算数 × 100 (``base='adjusted'``, the Chinese
    definition), or / 年初预算数 with ``base='original'``.  Not capped at 100:
    the score caps it, the comparison should not.  A zero or empty base gives
    NaN and the reason in ``rate_note``.
    """
    col = _base_column(base)
    out = budget.copy()
    den = out[col]
    rate = out["executed"] * 100 / den.where(den > 0)
    out["execution_rate"] = rate.astype("float64")
    label = BUDGET_FIELDS[col]
    notes = np.where(den.isna(), f"无法计算执行率：{label}为空",
                     np.where(den.eq(0), f"无法计算执行率：{label}为0",
                              np.where(out["executed"].isna(), "无法计算执行率：执行数为空", "")))
    out["rate_note"] = notes
    return out


def _base_column(base: str) -> str:
    if base in ("adjusted", "budget"):
        return "budget"
    if base in ("original", "budget_original"):
        return "budget_original"
    raise ValueError(f"未知的预算基数「{base}」，应为 original（年初预算数）或 adjusted（全年预算数）")


def yoy_execution(dept: Department, year: int, allow_gap: bool = True, base: str = "adjusted") -> pd.DataFrame:
    """Return the year-over-year change of the execution rate of every budget line, in 百分点.

    Parameters
    ----------
    dept : Department
    year : int
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.
    base : {'adjusted', 'original'}
        Denominator of the rate: 全年预算数 (default, the Chinese 执行率) or 年初预算数.

    Returns
    -------
    DataFrame
        One row per (scope, line): ``year``, ``prior_year``, ``prior_label``,
        ``scope_id``, ``scope_name``, ``line``, ``line_type``, ``base_label``,
        ``prior``, ``current`` (rates in %), ``change`` (百分点), ``change_unit``,
        ``pct_change`` (always empty: a rate's change is read in 百分点),
        ``change_kind`` (``rate``), ``note``.
    """
    year = _check_year(dept, year)
    prior, label, why = _prior_context(dept, year, allow_gap)
    name_of = _namer(dept)
    b = execution_rates(dept.budget, base)
    cur = b[b["year"] == year]
    old = b[b["year"] == prior] if prior is not None else b.iloc[0:0]
    paired = _pair(cur, old, ["scope_id", "line"], ["line_type", "execution_rate", "rate_note"])
    gap = _gap_note(year, prior)
    base_label = BUDGET_FIELDS[_base_column(base)]
    rows = []
    for rec in paired.to_dict("records"):
        if prior is None:
            p_why = why
        elif not rec["in_old"]:
            p_why = f"{prior}年无此预算行"
        else:
            p_why = f"{prior}年" + str(rec["rate_note_old"]).removeprefix("无法计算执行率：")
        c_why = (f"{year}年无此预算行" if not rec["in_cur"]
                 else f"{year}年" + str(rec["rate_note_cur"]).removeprefix("无法计算执行率："))
        ch = change(rec["execution_rate_old"] if rec["in_old"] else None,
                    rec["execution_rate_cur"] if rec["in_cur"] else None, "rate",
                    prior_missing=p_why, current_missing=c_why)
        ch["note"] = _join(ch["note"], gap if not _is_missing(ch["change"]) else "")
        rows.append({"year": year, "prior_year": prior, "prior_label": label, "scope_id": rec["scope_id"],
                     "scope_name": name_of(rec["scope_id"]), "line": rec["line"],
                     "line_type": rec["line_type_cur"] if rec["in_cur"] else rec["line_type_old"],
                     "base_label": base_label, **ch})
    return _frame(rows, ["year", "prior_year", "prior_label", "scope_id", "scope_name", "line", "line_type",
                         "base_label"] + _CHANGE_COLUMNS)


# --------------------------------------------------------------------------- indicators


def read_measure(text) -> tuple[float, str | None, str]:
    """Return the measured number in an 实际完成值, its unit, and why it is not usable.

    Uses :func:`perfkit.score.targets.parse_target`.  Only a plain measurement counts:
    a bound (``90%以上``, ``≥90%``: a copy of the target, not a measurement), a
    year-over-year change (``同比下降13.8%``: not a level), qualitative words
    and blanks give NaN with the reason.

    Returns
    -------
    tuple
        ``(value, unit, reason)``; ``reason`` is empty when ``value`` is usable.
    """
    from perfkit.score.targets import fmt_number, parse_target

    t = parse_target(text)
    if t.kind == "blank":
        return np.nan, None, "为空"
    if t.kind == "quantitative" and t.value is not None:
        if t.op_written:
            return np.nan, t.unit, f"完成值写作界限「{t.text}」，不是实测值"
        return float(t.value), t.unit, ""
    if t.kind == "directional":
        amount = f"{fmt_number(t.value)}{t.unit or ''}" if t.value is not None else ""
        return np.nan, t.unit, f"完成值为同比变化「{t.text}」（{_DIRECTION_WORDS[t.direction]}{amount}），不是水平值"
    if t.kind == "qualitative":
        return np.nan, None, f"定性完成值「{t.text}」，无数值可比"
    return np.nan, None, f"无法识别的完成值「{t.text}」"


def _target_direction(target) -> str | None:
    from perfkit.score.targets import parse_target

    t = parse_target(target)
    return t.direction if t.kind == "directional" else None


def direction_met(prior, current, direction: str, tolerance: float = 0.0, keep_means: str = "no_decline"
                  ) -> bool | None:
    """Return whether ``current`` moved from ``prior`` the way a directional target asks.

    :mod:`perfkit.score.scoring` applies the same test inside its scoring of a
    directional target; this is the plain-value form, for tables.

    Parameters
    ----------
    prior, current : float
    direction : {'up', 'down', 'keep'} or 上升/下降/保持/提升 …
    tolerance : float, default 0
        How far ``keep`` may move and still be met, in the values' unit (百分点
        for rates).  ``up``/``down`` need a strict move.
    keep_means : {'no_decline', 'unchanged'}
        The rule set's reading of 保持: not below the prior (default, cz2020),
        or within ``tolerance`` of it either way.

    Returns
    -------
    bool or None
        None when either value is missing.  ``keep`` is met at equality: the
        reference report's 98.00% → 98.00% meets 保持 exactly at the boundary.
    """
    if _is_missing(prior) or _is_missing(current):
        return None
    d = {"上升": "up", "提升": "up", "提高": "up", "增长": "up", "增加": "up", "下降": "down", "降低": "down",
         "减少": "down", "保持": "keep", "持平": "keep", "稳定": "keep"}.get(direction, direction)
    p, c = float(prior), float(current)
    eps = 1e-9 * max(1.0, abs(p), abs(c))
    if d == "up":
        return c - p > eps
    if d == "down":
        return p - c > eps
    if d == "keep":
        if keep_means == "unchanged":
            return abs(c - p) <= tolerance + eps
        return c - p >= -tolerance - eps
    raise ValueError(f"未知的方向「{direction}」，应为 up/down/keep（上升/下降/保持）")


_DEFAULT_KEEP = (0.0, 0.0, "no_decline")


def _keep_rules(dept: Department, year: int):
    """Return scope_id -> (tolerance in 百分点, relative tolerance, keep_means) from each scope's rule set.

    Follows scoring's choice of rule set (the scope's own, else ``dept_sheet``
    for the whole department, else the department's).  A rule set that cannot
    be loaded gives cz2020's defaults (no tolerance, 保持 = 不低于上年): scoring
    reports that error itself.
    """
    cache: dict[str, tuple] = {}
    out = {}
    sc = dept.scopes[dept.scopes["year"] == year]
    for rec in sc.to_dict("records"):
        if isinstance(rec.get("rule_set"), str) and rec["rule_set"]:
            ref = rec["rule_set"]
        elif rec.get("scope_type") == "部门整体" and dept.meta.get("dept_sheet"):
            ref = str(dept.meta["dept_sheet"])
        else:
            ref = str(dept.meta.get("rule_set", ""))
        if ref not in cache:
            try:
                from perfkit.rules.ruleset import load_rules

                rs = load_rules(ref, base_dir=dept.path)
                cache[ref] = (float(rs.keep_tolerance_pp), float(rs.keep_tolerance_rel), rs.keep_means)
            except (RuleSetError, ImportError, AttributeError):
                cache[ref] = _DEFAULT_KEEP
        out[rec["scope_id"]] = cache[ref]
    return out


_IND_KEYS = ["scope_id", "level1", "level2", "name"]


def yoy_indicators(dept: Department, year: int, allow_gap: bool = True) -> pd.DataFrame:
    """Return the year-over-year change of every indicator's actual value.

    Indicators are matched across years by (scope_id, level1, level2, name):
    ids may differ by year.  The prior value is the matched row's ``actual`` in
    the prior year; when the data have no usable ``year - 1`` value, the current
    row's ``prior_actual`` (上年实际值) is used instead (``prior_source`` says
    which).  When both exist and disagree, the prior year's own actual is used
    and ``note`` shows both.

    Returns
    -------
    DataFrame
        One row per indicator of ``year``, then indicators found only in the
        prior year: ``year``, ``prior_year``, ``prior_label``, ``scope_id``,
        ``scope_name``, ``indicator_id``, ``level1``, ``level2``, ``name``,
        ``target``, ``actual``, ``prior_text``, ``prior_source``, ``unit``,
        ``prior``, ``current``, ``change`` (百分点 when the unit is %), ``change_unit``,
        ``pct_change`` (%; empty for percentages), ``change_kind`` (``rate`` or
        ``number``), ``direction`` (上升/下降/保持 when the target is directional),
        ``direction_met`` (True/False, NA when it cannot be checked),
        ``at_boundary`` (True when 保持 is met without any improvement: equal to
        the prior, or below it within the rule set's tolerance), ``note``.
        保持's reading and tolerance come from the scope's rule set
        (``directional.keep_means``, ``keep_tolerance_pp``/``_rel``), as in scoring.
    """
    year = _check_year(dept, year)
    prior, label, why = _prior_context(dept, year, allow_gap)
    name_of = _namer(dept)
    ind = dept.indicators
    cols = ["indicator_id", "target", "actual", "prior_actual"]
    cur = ind[ind["year"] == year]
    old = ind[ind["year"] == prior] if prior is not None else ind.iloc[0:0]
    paired = _pair(cur, old, _IND_KEYS, cols)
    keep = _keep_rules(dept, year)
    rows = []
    for rec in paired.to_dict("records"):
        rows.append(_indicator_row(name_of, year, prior, label, why, rec, keep.get(rec["scope_id"], _DEFAULT_KEEP)))
    df = _frame(rows, _IND_COLUMNS)
    df["direction_met"] = df["direction_met"].astype("boolean")
    df["at_boundary"] = df["at_boundary"].astype("boolean")
    return df


_IND_COLUMNS = (["year", "prior_year", "prior_label", "scope_id", "scope_name", "indicator_id", "level1", "level2",
                 "name", "target", "actual", "prior_text", "prior_source", "unit"] + _CHANGE_COLUMNS[:-1]
                + ["direction", "direction_met", "at_boundary", "note"])


def _indicator_row(name_of, year, prior, label, why, rec, keep) -> dict:
    in_cur, in_old = rec["in_cur"], rec["in_old"]
    target = rec["target_cur"] if in_cur else rec["target_old"]
    actual = rec["actual_cur"] if in_cur else None
    c_val, c_unit, c_why = read_measure(actual) if in_cur else (np.nan, None, "")
    notes = []
    # two candidate priors: the prior year's own row, and this year's 上年实际值 (year - 1 by definition)
    o_val, o_unit, o_why = read_measure(rec["actual_old"]) if in_old else (np.nan, None, "")
    stated = rec["prior_actual_cur"] if in_cur else None
    s_val, s_unit, s_why = read_measure(stated) if not _is_missing(stated) else (np.nan, None, "")
    consecutive = prior is not None and prior == year - 1
    p_year, p_label, p_text, p_source, p_val, p_unit = prior, label, None, "", np.nan, None
    if not math.isnan(o_val) and (consecutive or math.isnan(s_val)):
        p_val, p_unit, p_text, p_source = o_val, o_unit, rec["actual_old"], f"{prior}年完成值"
        if consecutive and not math.isnan(s_val) and not _same(o_val, s_val):
            notes.append(f"{prior}年表完成值「{rec['actual_old']}」与本年表所填上年值「{stated}」不一致，取前者")
    elif not math.isnan(s_val):
        p_year, p_label = year - 1, prior_label(year, year - 1)
        p_val, p_unit, p_text, p_source = s_val, s_unit, stated, "本年表所填上年值"
    else:
        # the most specific reason first
        if in_old and o_why:
            p_why = f"{prior}年{o_why}"
        elif not _is_missing(stated) and s_why:
            p_why = f"所填上年值{s_why}"
        elif prior is None:
            p_why = why
        else:
            p_why = f"{prior}年无此指标"
        p_text = rec["actual_old"] if in_old else stated
        notes.append(f"{NO_PRIOR}（{p_why}）")
    if math.isnan(c_val):
        notes.append(f"{NO_CURRENT}（{year}年{c_why or '无此指标'}）")
    unit = c_unit or p_unit
    kind = "rate" if unit == "%" else "number"
    ch = change(p_val, c_val, kind, unit)
    ch.pop("note")  # its generic reasons are replaced by the specific ones above
    if c_unit and p_unit and c_unit != p_unit:
        ch["change"], ch["pct_change"] = np.nan, np.nan
        notes.append(f"单位不一致（上年「{p_unit}」，本年「{c_unit}」），未比较")
    elif not math.isnan(ch["change"]):
        if kind != "rate" and p_val == 0:
            notes.append(ZERO_BASE)
        if p_year != year - 1:
            notes.append(_gap_note(year, p_year))
    direction = _target_direction(target)
    met, boundary = pd.NA, pd.NA
    stated_move = _stated_move(actual) if in_cur and math.isnan(c_val) else None
    if stated_move is not None and math.isnan(ch["change"]):
        # the actual itself is a year-over-year change (同比下降13.8%): show it as stated
        _, amount, move_unit = stated_move
        ch["change_kind"], unit = "number", (None if move_unit == "%" else move_unit)
        if move_unit == "%":
            ch["pct_change"], ch["change_unit"] = amount, ""
        else:
            ch["change"], ch["change_unit"] = amount, move_unit or ""
        p_year, p_label, p_source = year - 1, prior_label(year, year - 1), "完成值原文所述同比"
        notes = [n for n in notes if not n.startswith((NO_PRIOR, NO_CURRENT))]
        notes.append(f"同比变化取自完成值原文「{actual}」，上年与本年数值不详，未复算")
    if direction is not None:
        tol_pp, tol_rel, keep_means = keep
        if math.isnan(ch["change"]) and stated_move is not None:
            ok = direction_met(0.0, stated_move[1], direction, 0.0, keep_means)
        elif math.isnan(ch["change"]):
            ok = None
        else:
            tol = tol_pp if kind == "rate" else tol_rel * abs(p_val)
            ok = direction_met(p_val, c_val, direction, tol, keep_means)
        if ok is None:
            notes.append("方向无法核对：缺少可比的上年值或本年值")
        else:
            met = ok
            # 保持 met without any improvement: the weakest way to meet it (the reference's 基本实现)
            measured = not (math.isnan(c_val) or math.isnan(p_val))
            boundary = bool(direction == "keep" and ok and measured
                            and c_val - p_val <= 1e-9 * max(1.0, abs(p_val)))
            if boundary:
                flat = "与上年持平" if _same(c_val, p_val) else "略低于上年，在容差内"
                notes.append(f"{flat}（{_fmt(p_val, unit)} → {_fmt(c_val, unit)}），“保持”恰在边界上实现")
    return {"year": year, "prior_year": p_year, "prior_label": p_label, "scope_id": rec["scope_id"],
            "scope_name": name_of(rec["scope_id"]),
            "indicator_id": rec["indicator_id_cur"] if in_cur else rec["indicator_id_old"],
            "level1": rec["level1"], "level2": rec["level2"], "name": rec["name"], "target": target,
            "actual": actual, "prior_text": p_text, "prior_source": p_source, "unit": unit, **ch,
            "direction": _DIRECTION_WORDS.get(direction) if direction else None,
            "direction_met": met, "at_boundary": boundary, "note": _join(*notes)}


def _stated_move(text) -> tuple[str, float, str | None] | None:
    """Return (direction, signed amount, unit) of an actual written as a change (同比下降13.8% → -13.8)."""
    from perfkit.score.targets import parse_target

    t = parse_target(text)
    if t.kind != "directional" or t.value is None or t.direction not in ("up", "down"):
        return None
    return t.direction, (-t.value if t.direction == "down" else t.value), t.unit


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _fmt(x: float, unit: str | None) -> str:
    from perfkit.score.targets import fmt_number

    if unit == "%":
        return f"{x:.2f}%"
    return f"{fmt_number(x)}{unit or ''}"


# --------------------------------------------------------------------------- scores


def _score_frames(scored) -> pd.DataFrame:
    """Return one long frame of a YearScore: scope totals, 一级指标 subtotals and indicator scores."""
    key_cols = ["level", "scope_id", "level1", "level2", "name"]
    parts = []
    s = scored.by_scope
    parts.append(pd.DataFrame({"level": "scope", "scope_id": s["scope_id"], "level1": "", "level2": "", "name": "",
                               "weight": s.get("weight"), "score": s["score"], "grade": s.get("grade")}))
    lv = scored.by_level1
    parts.append(pd.DataFrame({"level": "level1", "scope_id": lv["scope_id"], "level1": lv["level1"], "level2": "",
                               "name": "", "weight": lv.get("weight"), "score": lv["score"], "grade": None}))
    ind = scored.indicators
    weight = ind["weight_used"] if "weight_used" in ind.columns else ind.get("weight")
    parts.append(pd.DataFrame({"level": "indicator", "scope_id": ind["scope_id"], "level1": ind["level1"],
                               "level2": ind["level2"], "name": ind["name"], "weight": weight, "score": ind["score"],
                               "grade": None}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    for col in key_cols:
        out[col] = out[col].fillna("").astype(str)
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce").astype("float64")
    out["score"] = pd.to_numeric(out["score"], errors="coerce").astype("float64")
    return out


_LEVEL_LABELS = {"scope": "评价范围总分", "level1": "一级指标小计", "indicator": "三级指标"}


def yoy_scores(dept: Department, year: int, allow_gap: bool = True, scored=None, prior_scored=None) -> pd.DataFrame:
    """Return the year-over-year change of the scores computed by :func:`perfkit.score.scoring.score_year`.

    Parameters
    ----------
    dept : Department
    year : int
    allow_gap : bool, default True
        False treats a prior that is not ``year - 1`` as missing.
    scored, prior_scored : YearScore, optional
        Already computed scores of ``year`` and of the prior year (saves scoring twice).

    Returns
    -------
    DataFrame
        Scope totals, then 一级指标 subtotals, then indicators, each matched by
        (scope_id, level1, level2, name): ``year``, ``prior_year``, ``prior_label``,
        ``level`` (``scope``/``level1``/``indicator``), ``level_label``, ``scope_id``,
        ``scope_name``, ``level1``, ``level2``, ``name``, ``prior_weight``, ``weight``,
        ``prior_grade``, ``grade`` (scope totals), ``prior``, ``current`` (分), ``change``
        (分), ``change_unit``, ``pct_change`` (%), ``change_kind`` (``score``), ``note``.
    """
    from perfkit.rules.book import rulebook_for
    from perfkit.score.scoring import score_year

    year = _check_year(dept, year)
    prior, label, why = _prior_context(dept, year, allow_gap)
    name_of = _namer(dept)
    cur = _score_frames(scored if scored is not None else score_year(dept, year, rulebook_for(dept)))
    if prior is not None:
        old = _score_frames(prior_scored if prior_scored is not None else score_year(dept, prior, rulebook_for(dept)))
    else:
        old = cur.iloc[0:0]
    keys = ["level", "scope_id", "level1", "level2", "name"]
    paired = _pair(cur, old, keys, ["weight", "score", "grade"])
    # scope totals, then subtotals, then indicators; within each, scopes in this year's order
    level_rank = paired["level"].map({"scope": 0, "level1": 1, "indicator": 2})
    scope_order = {sid: i for i, sid in enumerate(dict.fromkeys(list(cur["scope_id"]) + list(old["scope_id"])))}
    paired = paired.assign(_l=level_rank, _s=paired["scope_id"].map(scope_order))
    paired = paired.sort_values(["_l", "_s"], kind="stable").drop(columns=["_l", "_s"]).reset_index(drop=True)
    gap = _gap_note(year, prior)
    rows = []
    for rec in paired.to_dict("records"):
        what = {"scope": "该范围", "level1": "该一级指标", "indicator": "该指标"}[rec["level"]]
        p_why = why if prior is None else (f"{prior}年无{what}" if not rec["in_old"] else f"{prior}年{what}未计分")
        c_why = f"{year}年无{what}" if not rec["in_cur"] else f"{year}年{what}未计分"
        ch = change(rec["score_old"] if rec["in_old"] else None, rec["score_cur"] if rec["in_cur"] else None,
                    "score", prior_missing=p_why, current_missing=c_why)
        notes = [ch.pop("note")]
        if not _is_missing(ch["change"]):
            notes.append(gap)
            w0, w1 = rec["weight_old"], rec["weight_cur"]
            if not _is_missing(w0) and not _is_missing(w1) and not _same(float(w0), float(w1)):
                notes.append(f"分值由{_num(w0)}调整为{_num(w1)}，得分变动部分来自分值调整")
            g0, g1 = rec.get("grade_old"), rec.get("grade_cur")
            if rec["level"] == "scope" and isinstance(g0, str) and isinstance(g1, str) and g0 != g1:
                notes.append(f"等级由“{g0}”变为“{g1}”")
        rows.append({"year": year, "prior_year": prior, "prior_label": label, "level": rec["level"],
                     "level_label": _LEVEL_LABELS[rec["level"]], "scope_id": rec["scope_id"],
                     "scope_name": name_of(rec["scope_id"]), "level1": rec["level1"] or None,
                     "level2": rec["level2"] or None, "name": rec["name"] or None,
                     "prior_weight": rec["weight_old"] if rec["in_old"] else np.nan,
                     "weight": rec["weight_cur"] if rec["in_cur"] else np.nan,
                     "prior_grade": rec["grade_old"] if rec["in_old"] else None,
                     "grade": rec["grade_cur"] if rec["in_cur"] else None, **ch, "note": _join(*notes)})
    return _frame(rows, ["year", "prior_year", "prior_label", "level", "level_label", "scope_id", "scope_name",
                         "level1", "level2", "name", "prior_weight", "weight", "prior_grade", "grade"]
                  + _CHANGE_COLUMNS)


def _num(x, decimals: int = 2) -> str:
    from perfkit.score.targets import fmt_number

    return fmt_number(round(float(x), decimals))


# --------------------------------------------------------------------------- stated year-over-year figures


def stated_yoy(dept: Department, year: int, checks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the report's stated year-over-year figures (stated.csv kind 同比) with what can be recomputed.

    A figure with an ``expr`` is recomputed by :func:`perfkit.score.checks.check_stated`
    (pass its result as ``checks`` to avoid running it twice).  A figure without
    one is matched by name to an indicator of the same scope (the label without
    同比, e.g. ``群众投诉件数同比`` → 群众投诉件数) whose actual is a number in both
    ``year`` and ``year - 1``; it is then recomputed as the percent change (unit
    %) or the change in 百分点 (unit 百分点).  Otherwise it is listed only (仅列示).
    A stated figure printed with k decimals matches when it is within half a unit
    of its last digit (domain.md §6; :func:`perfkit.score.checks.matches`).

    Returns
    -------
    DataFrame
        ``year``, ``figure_id``, ``scope_id``, ``label``, ``stated_text``, ``stated``,
        ``unit``, ``sentence``, ``expr``, ``recomputed``, ``difference``, ``decimals``,
        ``ok`` (boolean, NA when listed only), ``status`` (一致/不一致/仅列示), ``basis``
        (how it was recomputed, or why not), ``source``, ``assumption``.
    """
    year = _check_year(dept, year)
    st = dept.stated
    st = st[(st["year"] == year) & (st["kind"] == "同比")]
    columns = ["year", "figure_id", "scope_id", "label", "stated_text", "stated", "unit", "sentence", "expr",
               "recomputed", "difference", "decimals", "ok", "status", "basis", "source", "assumption"]
    if st.empty:
        return _typed_stated(pd.DataFrame(columns=columns))
    # one rule for "matches as printed" across perfkit: the consistency module's
    from perfkit.rules.book import rulebook_for
    from perfkit.score.checks import check_stated, matches, printed_decimals
    from perfkit.score.scoring import score_year

    by_expr = {}
    if st["expr"].notna().any():
        by_expr = _checks_by_figure(checks if checks is not None else check_stated(dept, year, score_year(dept, year, rulebook_for(dept))))
    ind = None
    rows = []
    for rec in st.to_dict("records"):
        k = printed_decimals(rec["stated_text"]) or 0
        recomputed, basis = np.nan, ""
        hit = by_expr.get(rec["figure_id"]) if not _is_missing(rec["expr"]) else None
        if hit is not None and not _is_missing(hit):
            recomputed, basis = float(hit), f"按公式复算：{rec['expr']}"
        else:
            if ind is None:
                ind = yoy_indicators(dept, year, allow_gap=False)
            recomputed, basis = _match_indicator(ind, rec, year)
            if not _is_missing(rec["expr"]):
                why = "所需数值不在数据中" if rec["figure_id"] in by_expr else "核对结果中没有该数字"
                basis = (f"公式未能复算（{why}），改按{basis}" if not math.isnan(recomputed)
                         else f"公式未能复算（{why}）；{basis}")
        ok = pd.NA
        diff = np.nan
        if not math.isnan(recomputed) and not _is_missing(rec["value"]):
            diff = float(rec["value"]) - recomputed
            ok = bool(matches(float(rec["value"]), recomputed, k))
        status = "仅列示" if ok is pd.NA else ("一致" if ok else "不一致")
        rows.append({"year": year, "figure_id": rec["figure_id"], "scope_id": rec["scope_id"], "label": rec["label"],
                     "stated_text": rec["stated_text"], "stated": rec["value"], "unit": rec["unit"],
                     "sentence": rec["sentence"], "expr": rec["expr"], "recomputed": recomputed,
                     "difference": diff, "decimals": k, "ok": ok, "status": status,
                     "basis": basis if status != "仅列示" else f"仅列示：{basis}" if basis else "仅列示",
                     "source": rec["source"], "assumption": rec["assumption"]})
    return _typed_stated(pd.DataFrame(rows, columns=columns))


def _typed_stated(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("stated", "recomputed", "difference"):
        df[col] = df[col].astype("float64")
    df["decimals"] = df["decimals"].astype("Int64")
    df["ok"] = df["ok"].astype("boolean")
    return df


def _checks_by_figure(checks: pd.DataFrame) -> dict:
    """Return figure_id -> recomputed value from the consistency module's checks."""
    if checks is None or checks.empty or "recomputed" not in checks.columns or "figure_id" not in checks.columns:
        return {}
    rows = checks[checks["figure_id"].notna()]
    found = rows[rows["recomputed"].notna()].drop_duplicates("figure_id")
    out = dict.fromkeys(rows["figure_id"], np.nan)  # present but not recomputable
    out.update(zip(found["figure_id"], found["recomputed"]))
    return out


def _match_indicator(ind: pd.DataFrame, rec: dict, year: int) -> tuple[float, str]:
    """Return (recomputed value, basis) for a stated 同比 figure matched to an indicator by name."""
    name = str(rec["label"]).replace("同比", "").strip()
    pool = ind if _is_missing(rec["scope_id"]) else ind[ind["scope_id"] == rec["scope_id"]]
    hits = pool[pool["name"] == name]
    if hits.empty:
        hits = pool[pool["name"].map(lambda n: bool(n) and (str(n) in name or name in str(n)))]
    if hits.empty:
        return np.nan, "未找到对应的指标"
    if len(hits) > 1:
        return np.nan, f"名称对应多个指标（{'、'.join(hits['name'])}），无法确定"
    h = hits.iloc[0]
    shown = f"指标「{h['name']}」"
    if _is_missing(h["prior"]) or _is_missing(h["current"]) or h["prior_year"] != year - 1:
        return np.nan, f"{shown}缺少{year - 1}年或{year}年的可比数值"
    if rec["unit"] == "百分点":
        return float(h["change"]), f"{shown}{year - 1}→{year}年完成值之差（百分点）"
    if h["change_kind"] == "rate" and rec["unit"] == "%":
        # a stated "%" change of a percentage is ambiguous: relative change or points
        rel = (h["current"] - h["prior"]) / abs(h["prior"]) * 100 if h["prior"] else np.nan
        return (rel, f"{shown}{year - 1}→{year}年完成值的相对变化（原文未说明是百分比还是百分点）")
    if _is_missing(h["pct_change"]):
        return np.nan, f"{shown}上年为0，无法计算增幅"
    return float(h["pct_change"]), f"{shown}{year - 1}→{year}年完成值的变动率"


# --------------------------------------------------------------------------- multi-year views

SERIES_KINDS = ("budget", "execution", "indicators", "scores")
_SERIES_COLUMNS = ["what", "key", "label", "scope_id", "line", "field", "level1", "level2", "name", "year", "value",
                   "unit", "kind", "better", "source"]


def series(dept: Department, what: str = "budget", scope_id: str | None = None, scored: dict | None = None
           ) -> pd.DataFrame:
    """Return a long table of one kind of value per year: one row per (series, year).

    Parameters
    ----------
    dept : Department
    what : {'budget', 'execution', 'indicators', 'scores'}
        ``budget``: 年初预算数/全年预算数/全年执行数 of every budget line (万元);
        ``execution``: execution rate of every line (%, on 全年预算数);
        ``indicators``: numeric actual of every indicator, matched across years by
        (scope_id, level1, level2, name), plus ``prior_actual`` for a year-1 that is
        not in the data (``source`` says so); ``scores``: scope totals and indicator
        scores from :func:`perfkit.score.scoring.score_year`.
    scope_id : str, optional
        Keep one scope only.
    scored : dict, optional
        year -> YearScore already computed (for ``scores``).

    Returns
    -------
    DataFrame
        ``what``, ``key`` (stable id of the series), ``label`` (Chinese), ``scope_id``,
        ``line``, ``field``, ``level1``, ``level2``, ``name`` (the parts that apply),
        ``year``, ``value``, ``unit``, ``kind`` (amount/rate/score/number),
        ``better`` (``higher``/``lower``/None: which way is an improvement), ``source``.
        Years without a usable value are left out.
    """
    if what not in SERIES_KINDS:
        raise ValueError(f"未知的序列类型「{what}」，应为：{'、'.join(SERIES_KINDS)}")
    build = {"budget": _series_budget, "execution": _series_execution, "indicators": _series_indicators,
             "scores": _series_scores}[what]
    rows = build(dept, scored) if what == "scores" else build(dept)
    df = pd.DataFrame(rows, columns=_SERIES_COLUMNS)
    if scope_id is not None:
        df = df[df["scope_id"] == scope_id]
    df = df[df["value"].notna()]
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    return df.sort_values(["key", "year"], kind="stable").reset_index(drop=True)


def _series_budget(dept: Department) -> list[dict]:
    rows = []
    name_of = _namer(dept)
    for rec in dept.budget.to_dict("records"):
        for f, f_label in BUDGET_FIELDS.items():
            rows.append({"what": "budget", "key": f"{rec['scope_id']}/{rec['line']}/{f}",
                         "label": f"{name_of(rec['scope_id'])}·{rec['line']}·{f_label}",
                         "scope_id": rec["scope_id"], "line": rec["line"], "field": f, "year": rec["year"],
                         "value": rec[f], "unit": "万元", "kind": "amount", "better": None, "source": "budget.csv"})
    return rows


def _series_execution(dept: Department) -> list[dict]:
    rows = []
    name_of = _namer(dept)
    for rec in execution_rates(dept.budget).to_dict("records"):
        rows.append({"what": "execution", "key": f"{rec['scope_id']}/{rec['line']}/execution_rate",
                     "label": f"{name_of(rec['scope_id'])}·{rec['line']}·执行率",
                     "scope_id": rec["scope_id"], "line": rec["line"], "field": "execution_rate",
                     "year": rec["year"], "value": rec["execution_rate"], "unit": "%", "kind": "rate",
                     "better": "higher", "source": "budget.csv"})
    return rows


def _series_indicators(dept: Department) -> list[dict]:
    rows = []
    name_of = _namer(dept)
    ind = dept.indicators.sort_values("year", kind="stable")
    present = set(dept.years)
    better = {}
    for rec in ind.to_dict("records"):
        key = "/".join(str(rec[k]) for k in _IND_KEYS)
        pol = polarity(rec["target"], rec["name"])
        if pol is not None:
            better[key] = pol  # the latest year's target wins (rows are in year order)
        base = {"what": "indicators", "key": key, "label": f"{name_of(rec['scope_id'])}·{rec['name']}",
                "scope_id": rec["scope_id"], "level1": rec["level1"], "level2": rec["level2"], "name": rec["name"]}
        value, unit, _ = read_measure(rec["actual"])
        rows.append({**base, "year": rec["year"], "value": value, "unit": unit,
                     "kind": "rate" if unit == "%" else "number", "source": "actual"})
        if rec["year"] - 1 not in present and not _is_missing(rec["prior_actual"]):
            value, unit, _ = read_measure(rec["prior_actual"])
            rows.append({**base, "year": rec["year"] - 1, "value": value, "unit": unit,
                         "kind": "rate" if unit == "%" else "number", "source": "prior_actual"})
    for r in rows:
        r["better"] = better.get(r["key"])
    return rows


def _series_scores(dept: Department, scored: dict | None) -> list[dict]:
    from perfkit.rules.book import rulebook_for
    from perfkit.score.scoring import score_year

    rows = []
    name_of = _namer(dept)
    for y in dept.years:
        ys = (scored or {}).get(y) or score_year(dept, y, rulebook_for(dept))
        for rec in _score_frames(ys).to_dict("records"):
            if rec["level"] == "level1":
                continue
            if rec["level"] == "scope":
                key, label = f"{rec['scope_id']}/总分", f"{name_of(rec['scope_id'])}·总分"
            else:
                key = "/".join(str(rec[k]) for k in _IND_KEYS)
                label = f"{name_of(rec['scope_id'])}·{rec['name']}"
            rows.append({"what": "scores", "key": key, "label": label, "scope_id": rec["scope_id"],
                         "level1": rec["level1"] or None, "level2": rec["level2"] or None,
                         "name": rec["name"] or None, "year": y, "value": rec["score"], "unit": "分",
                         "kind": "score", "better": "higher", "source": rec["level"]})
    return rows


def cagr(first: float, last: float, years: float) -> float:
    """Return the compound average annual growth rate in % from ``first`` to ``last`` over ``years``.

    NaN when it is undefined (``years`` ≤ 0, ``first`` ≤ 0 or ``last`` < 0);
    :func:`summarize_series` says why in its note.

    Examples
    --------
    >>> round(cagr(100, 121, 2), 6)
    10.0
    """
    if years <= 0 or _is_missing(first) or _is_missing(last) or first <= 0 or last < 0:
        return float("nan")
    return ((last / first) ** (1.0 / years) - 1.0) * 100


def current_run(values) -> tuple[str, int]:
    """Return the direction of the latest run (上升/下降/持平) and its length in steps.

    ``[1, 3, 2, 1]`` → ``('下降', 2)``: the last two steps fell.  Fewer than two
    values give ``('', 0)``.
    """
    vals = [float(v) for v in values if not _is_missing(v)]
    if len(vals) < 2:
        return "", 0
    signs = [int(np.sign(round(b - a, 9))) for a, b in zip(vals, vals[1:])]
    last = signs[-1]
    n = 0
    for s in reversed(signs):
        if s != last:
            break
        n += 1
    return {1: "上升", -1: "下降", 0: "持平"}[last], n


def _span_text(years: list[int]) -> str:
    first, last = years[0], years[-1]
    missing = [y for y in range(first, last + 1) if y not in years]
    text = f"{first}–{last}年（跨{last - first}年"
    return text + (f"，其中{'、'.join(map(str, missing))}年无数值）" if missing else "）")


def summarize_series(long: pd.DataFrame) -> pd.DataFrame:
    """Return, per series of a :func:`series` table, first and last, average annual change and the current run.

    Average annual change: CAGR over the calendar span ``last_year - first_year``
    (not the number of observations; a missing middle year still counts) for
    amounts and other numbers; for rates and scores the average change per year
    in 百分点 or 分 (a growth rate of a rate would be a percent of a percent).

    Returns
    -------
    DataFrame
        ``key``, ``label``, ``what``, ``scope_id``, ``unit``, ``kind``, ``better``,
        ``first_year``, ``first``, ``last_year``, ``last``, ``n_years``, ``span``
        (e.g. ``2020–2024年（跨4年，缺2021年）``), ``growth``, ``growth_unit``
        (``%/年``, ``百分点/年``, ``分/年``), ``growth_kind``, ``run_direction``
        (上升/下降/持平), ``run_length`` (steps in the current run), ``trend``
        (改善/恶化/持平, when ``better`` is known), ``values`` (``2020:…→…``), ``note``.
    """
    groups: dict[str, list[dict]] = {}
    for rec in long.to_dict("records"):  # plain records: a groupby per series costs 10x more
        groups.setdefault(rec["key"], []).append(rec)
    out = []
    for key, recs in groups.items():
        recs.sort(key=lambda r: r["year"])
        years = [int(r["year"]) for r in recs]
        values = [float(r["value"]) for r in recs]
        units = sorted({r["unit"] for r in recs if isinstance(r["unit"], str)})
        last_rec = recs[-1]
        kind, better = last_rec["kind"], last_rec["better"]
        unit = next((r["unit"] for r in reversed(recs) if isinstance(r["unit"], str)), None)
        first, last = values[0], values[-1]
        span = years[-1] - years[0]
        notes = []
        if kind in ("rate", "score"):
            growth_unit = "百分点/年" if kind == "rate" else "分/年"
            growth_kind = "年均变动"
            growth = (last - first) / span if span > 0 else np.nan
        else:
            growth_unit, growth_kind = "%/年", "年均增长率（CAGR）"
            growth = cagr(first, last, span)
            if span > 0 and math.isnan(growth):
                notes.append("无法计算年均增长率：首年为0" if first == 0 else "无法计算年均增长率：首年或末年为负数")
        if span <= 0:
            notes.append("仅一年数据，无趋势")
        if len(units) > 1:
            growth = np.nan
            notes.append(f"各年单位不一致（{'、'.join(units)}），不计算年均变动")
        direction, length = current_run(values)
        trend = ""
        if direction == "持平":
            trend = "持平"
        elif direction and better in ("higher", "lower"):
            trend = "改善" if (direction == "上升") == (better == "higher") else "恶化"
        if any(r["source"] == "prior_actual" for r in recs):
            notes.append("含本年表所填上年值")
        out.append({"key": key, "label": last_rec["label"], "what": last_rec["what"],
                    "scope_id": last_rec["scope_id"], "unit": unit, "kind": kind, "better": better,
                    "first_year": years[0], "first": first, "last_year": years[-1], "last": last,
                    "n_years": len(years), "span": _span_text(years), "growth": growth, "growth_unit": growth_unit,
                    "growth_kind": growth_kind, "run_direction": direction, "run_length": length, "trend": trend,
                    "values": "→".join(f"{y}:{_num(v)}" for y, v in zip(years, values)), "note": _join(*notes)})
    cols = ["key", "label", "what", "scope_id", "unit", "kind", "better", "first_year", "first", "last_year", "last",
            "n_years", "span", "growth", "growth_unit", "growth_kind", "run_direction", "run_length", "trend",
            "values", "note"]
    df = pd.DataFrame(out, columns=cols)
    for col in ("first", "last", "growth"):
        df[col] = df[col].astype("float64")
    return df


def multi_year(dept: Department, what: str = "budget", scope_id: str | None = None, scored: dict | None = None
               ) -> pd.DataFrame:
    """Return :func:`summarize_series` of :func:`series` (one row per series, three or more years welcome)."""
    return summarize_series(series(dept, what, scope_id=scope_id, scored=scored))


def falling_scores(dept: Department, min_run: int = 2, scored: dict | None = None) -> pd.DataFrame:
    """Return the scopes and indicators whose score fell ``min_run`` years running, up to the latest year.

    "Running" counts successive years present in the data: with 2021 missing,
    2020 → 2022 is one step (``note`` says so).

    Returns
    -------
    DataFrame
        ``level`` (``scope``/``indicator``), ``scope_id``, ``scope_name``, ``name``,
        ``years`` (``2022→2023→2024``), ``scores`` (``95→90→85``), ``run_length``,
        ``drop`` (分, from the start of the run to the latest year), ``note``.
    """
    cols = ["level", "scope_id", "scope_name", "name", "years", "scores", "run_length", "drop", "note"]
    if not dept.years:
        return pd.DataFrame(columns=cols)
    long = series(dept, "scores", scored=scored)
    latest = max(dept.years)
    rows = []
    name_of = _namer(dept)
    for key, grp in long.groupby("key", sort=False):
        grp = grp.sort_values("year")
        if grp["year"].iloc[-1] != latest:
            continue
        direction, length = current_run(grp["value"].tolist())
        if direction != "下降" or length < min_run:
            continue
        run = grp.iloc[-(length + 1):]
        years = run["year"].astype(int).tolist()
        gaps = [f"{a}→{b}" for a, b in zip(years, years[1:]) if b - a > 1]
        rows.append({"level": run["source"].iloc[-1], "scope_id": run["scope_id"].iloc[-1],
                     "scope_name": name_of(run["scope_id"].iloc[-1]),
                     "name": run["name"].iloc[-1] if run["source"].iloc[-1] == "indicator" else "总分",
                     "years": "→".join(map(str, years)), "scores": "→".join(_num(v) for v in run["value"]),
                     "run_length": length, "drop": float(run["value"].iloc[0] - run["value"].iloc[-1]),
                     "note": f"含非连续年度（{'、'.join(gaps)}）" if gaps else ""})
    df = pd.DataFrame(rows, columns=cols)
    df["drop"] = df["drop"].astype("float64")
    return df


# --------------------------------------------------------------------------- PEFA 2016

def _rank(grade) -> int:
    return PEFA_GRADES.index(grade) if grade in PEFA_GRADES else len(PEFA_GRADES)


def pi1_grade(outturn: float, rules: dict | None = None) -> str | None:
    """Return the PI-1 grade of one year's outturn (执行数/预算数 in %), ends inclusive; None when unknown."""
    if _is_missing(outturn):
        return None
    rules = rules or load_pefa_rules()
    x = round(float(outturn), 9)  # 95.000000000001 is 95: float noise must not cost a band
    for band in rules["pi1"]["bands"]:
        if band["low"] <= x <= band["high"]:
            return band["grade"]
    return rules["pi1"]["else"]


def pi2_grade(variance: float, rules: dict | None = None) -> str | None:
    """Return the PI-2 grade of one year's composition variance (%), strictly below each bound; None when unknown."""
    if _is_missing(variance):
        return None
    rules = rules or load_pefa_rules()
    x = round(float(variance), 9)
    for band in rules["pi2"]["bands"]:
        if x < band["below"]:
            return band["grade"]
    return rules["pi2"]["else"]


def window_score(grades, rules: dict | None = None) -> tuple[str | None, str]:
    """Return the PEFA score over a window of yearly grades, and a note.

    The score is the best grade reached (that grade or better) in at least
    ``years_required`` (2) of the years, PEFA's "at least two of the last three
    years".  Years without a grade count as not reaching any.  With fewer
    graded years than that, every graded year must reach it and the note says
    the score is indicative only.
    """
    rules = rules or load_pefa_rules()
    window, required = rules["window_years"], rules["years_required"]
    graded = [g for g in grades if g in PEFA_GRADES]
    if not graded:
        return None, "没有可评分的年度"
    notes = []
    if len(graded) < window:
        notes.append(f"仅{len(graded)}个年度可评分，PEFA 要求最近{window}个年度，评分仅供参考")
    need = min(required, len(graded))
    for grade in PEFA_GRADES[:-1]:
        if sum(_rank(g) <= _rank(grade) for g in graded) >= need:
            return grade, _join(*notes)
    return PEFA_GRADES[-1], _join(*notes)


def _window_rule(rules: dict) -> str:
    return (f"取最近{rules['window_years']}个年度中至少{rules['years_required']}个年度达到的最高等级"
            "（PEFA 2016：three years, at least two）")


def _pefa_years(dept: Department, years, rules: dict) -> list[int]:
    if years is None:
        return dept.years[-rules["window_years"]:]
    return sorted({_check_year(dept, y) for y in years})


def _years_note(years: list[int]) -> str:
    gaps = [f"{a}→{b}" for a, b in zip(years, years[1:]) if b - a > 1]
    return f"年度不连续（{'、'.join(gaps)}）" if gaps else ""


def _base_label(rules: dict, base: str) -> str:
    labels = rules.get("base_labels") or {}
    return labels.get(base, BUDGET_FIELDS[_base_column(base)])


def pefa_pi1(dept: Department, years=None, base: str = "original", scope_id: str = WHOLE_SCOPE,
             rules: dict | None = None) -> pd.DataFrame:
    """Return PEFA PI-1 (aggregate expenditure outturn) per year, with the window score.

    Outturn = 全年执行数 / budget × 100 of the scope's 合计 line; grade A within
    95–105%, B 90–110%, C 85–115%, else D (bands from ``pefa2016.yaml``).

    Parameters
    ----------
    dept : Department
    years : list of int, optional
        Default: the last three years in the data.
    base : {'original', 'adjusted'}
        ``original`` (年初预算数, PEFA's own base, default) or ``adjusted`` (全年预算数,
        the Chinese practice).  A year without an original budget falls back to
        the adjusted one and says so in ``note``.
    scope_id : str, default 'whole'
    rules : dict, optional
        From :func:`load_pefa_rules` (default: the built-in file).

    Returns
    -------
    DataFrame
        ``indicator`` (PI-1), ``year``, ``scope_id``, ``base_used`` (original/adjusted),
        ``base_label`` (年初预算数/全年预算数), ``base_amount``, ``executed`` (万元),
        ``outturn`` (%), ``deviation`` (outturn − 100, 百分点), ``grade``, ``pefa_score``
        (the window's score, on every row), ``note``.  ``attrs`` holds ``score``,
        ``rule``, ``score_note`` and ``years``.
    """
    rules = rules or load_pefa_rules()
    _base_column(base)
    base = "original" if base in ("original", "budget_original") else "adjusted"
    yrs = _pefa_years(dept, years, rules)
    b = dept.budget
    rows = []
    for y in yrs:
        hit = b[(b["year"] == y) & (b["scope_id"] == scope_id) & (b["line"] == TOTAL_LINE)]
        used, notes = base, []
        rec = hit.iloc[0] if len(hit) else None
        amount = executed = np.nan
        if rec is None:
            notes.append(f"{y}年无「{dept.scope_name(scope_id)}」的合计预算行")
        else:
            amount = rec["budget_original"] if base == "original" else rec["budget"]
            if base == "original" and _is_missing(amount):
                used, amount = "adjusted", rec["budget"]
                notes.append(f"{y}年缺年初预算数，改用全年预算数（国内口径）")
            executed = rec["executed"]
        outturn = np.nan
        if rec is not None:
            if _is_missing(amount) or amount == 0:
                notes.append(f"无法计算：{_base_label(rules, used)}{'为0' if amount == 0 else '为空'}")
            elif _is_missing(executed):
                notes.append("无法计算：执行数为空")
            else:
                outturn = float(executed) * 100 / float(amount)
        rows.append({"indicator": "PI-1", "year": y, "scope_id": scope_id, "base_used": used,
                     "base_label": _base_label(rules, used), "base_amount": amount, "executed": executed,
                     "outturn": outturn, "deviation": outturn - 100, "grade": pi1_grade(outturn, rules),
                     "note": _join(*notes)})
    return _pefa_frame(rows, yrs, rules, "PI-1")


def _pefa_frame(rows: list[dict], yrs: list[int], rules: dict, indicator: str) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=_PEFA_COLUMNS[indicator])
    score, note = window_score(df["grade"].tolist(), rules)
    note = _join(note, _years_note(yrs))
    df["pefa_score"] = score
    for col in ("base_amount", "executed", "outturn", "deviation", "ratio", "variance"):
        if col in df.columns:
            df[col] = df[col].astype("float64")
    df.attrs.update({"indicator": indicator, "score": score, "rule": _window_rule(rules), "score_note": note,
                     "years": yrs})
    return df


_PEFA_COLUMNS = {
    "PI-1": ["indicator", "year", "scope_id", "base_used", "base_label", "base_amount", "executed", "outturn",
             "deviation", "grade", "pefa_score", "note"],
    "PI-2": ["indicator", "year", "by", "by_label", "n_components", "base_used", "base_label", "base_amount",
             "executed", "ratio", "variance", "grade", "pefa_score", "note"],
}
PI2_LINE_TYPES = ("功能分类", "经济分类", "支出类型")


def pefa_pi2_components(dept: Department, years=None, base: str = "original", by: str = "line",
                        line_type: str | None = None, scope_id: str = WHOLE_SCOPE, rules: dict | None = None
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
    rules = rules or load_pefa_rules()
    col = _base_column(base)
    base = "original" if col == "budget_original" else "adjusted"
    if by not in ("line", "scope"):
        raise ValueError(f"未知的 by「{by}」，应为 line（预算行）或 scope（项目）")
    yrs = _pefa_years(dept, years, rules)
    b = dept.budget[dept.budget["year"].isin(yrs)]
    if by == "line":
        lines = b[(b["scope_id"] == scope_id) & (b["line"] != TOTAL_LINE)]
        if line_type is None:
            present = set(lines["line_type"])
            line_type = next((t for t in PI2_LINE_TYPES if t in present), None)
        comps = lines[lines["line_type"] == line_type] if line_type else lines.iloc[0:0]
        comps = comps.assign(component=comps["line"], component_label=comps["line"])
        by_label = line_type or "预算行"
    else:
        sc = dept.scopes
        top = sc[(sc["scope_id"] != scope_id) & sc["parent_scope_id"].isna()]
        keys = set(zip(top["year"], top["scope_id"]))
        is_top = np.array([k in keys for k in zip(b["year"], b["scope_id"])], dtype=bool)
        comps = b[(b["line"] == TOTAL_LINE).to_numpy() & is_top]
        comps = comps.assign(component=comps["scope_id"], component_label=comps["scope_id"].map(_namer(dept)))
        by_label = "项目（一级项目、专项资金）"
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
            if _is_missing(amount):
                note = f"{_base_label(rules, used)}为空，未计入"
            elif _is_missing(executed):
                note = "执行数为空，未计入"
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
    ratio = (sum_a / sum_b.where(sum_b > 0)).reindex(df["year"]).to_numpy()
    df["adjusted_budget"] = np.where(df["included"], df["base_amount"] * ratio, np.nan)
    df["abs_deviation"] = (df["executed"] - df["adjusted_budget"]).abs()
    df.attrs.update({"by_label": by_label, "years": yrs, "base": base})
    return df[["year", "by", "by_label", "component", "component_label", "base_used", "base_amount", "executed",
               "adjusted_budget", "abs_deviation", "included", "note"]]


def pefa_pi2(dept: Department, years=None, base: str = "original", by: str = "line", line_type: str | None = None,
             scope_id: str = WHOLE_SCOPE, rules: dict | None = None) -> pd.DataFrame:
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
    rules = rules or load_pefa_rules()
    comps = pefa_pi2_components(dept, years, base, by, line_type, scope_id, rules)
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
            notes.append(f"{y}年有细分项缺年初预算数，改用全年预算数（国内口径）")
        notes += [f"{r['component_label']}：{r['note']}" for r in cy[~cy["included"]].to_dict("records")]
        sum_a, sum_b = inc["executed"].sum(), inc["base_amount"].sum()
        variance = ratio = np.nan
        if cy.empty:
            notes.append(f"{y}年没有可用的细分项（{by_label}）")
        elif len(inc) < 2:
            notes.append("可比细分项不足两个，结构偏差无意义")
        elif sum_b <= 0 or sum_a <= 0:
            notes.append("无法计算：预算数或执行数合计为0")
        else:
            ratio = sum_a / sum_b
            variance = inc["abs_deviation"].sum() / sum_a * 100
        rows.append({"indicator": "PI-2", "year": y, "by": by, "by_label": by_label, "n_components": len(inc),
                     "base_used": used, "base_label": _base_label(rules, used),
                     "base_amount": sum_b if len(inc) else np.nan, "executed": sum_a if len(inc) else np.nan,
                     "ratio": ratio, "variance": variance, "grade": pi2_grade(variance, rules),
                     "note": _join(*notes)})
    return _pefa_frame(rows, yrs, rules, "PI-2")


def pefa_summary(dept: Department, years=None, base: str = "original", rules: dict | None = None) -> pd.DataFrame:
    """Return one row per PEFA indicator (PI-1; PI-2 by budget line; PI-2 by project) with its window score.

    Returns
    -------
    DataFrame
        ``indicator``, ``title``, ``by_label``, ``years``, ``base_label`` (the base
        used, with any fallback), ``grades`` (per year), ``score``, ``rule``,
        ``confidence`` and ``source`` (from the rule file), ``note``.
    """
    rules = rules or load_pefa_rules()
    tables = [("pi1", pefa_pi1(dept, years, base, rules=rules)),
              ("pi2", pefa_pi2(dept, years, base, by="line", rules=rules)),
              ("pi2", pefa_pi2(dept, years, base, by="scope", rules=rules))]
    rows = []
    for section, t in tables:
        used = t["base_label"].dropna().unique().tolist()
        grades = "、".join(f"{y}:{g if isinstance(g, str) else '—'}" for y, g in zip(t["year"], t["grade"]))
        notes = [t.attrs.get("score_note", "")] + [n if n.startswith(str(y)) else f"{y}年：{n}"
                                                     for y, n in zip(t["year"], t["note"]) if n]
        rows.append({"indicator": t.attrs["indicator"], "title": rules[section].get("title", ""),
                     "by_label": t["by_label"].iloc[0] if "by_label" in t.columns and len(t) else "执行总额",
                     "years": "、".join(map(str, t.attrs["years"])), "base_label": "、".join(used),
                     "grades": grades, "score": t.attrs["score"], "rule": t.attrs["rule"],
                     "confidence": rules[section].get("confidence"), "source": rules[section].get("source"),
                     "note": _join(*notes)})
    return pd.DataFrame(rows)
