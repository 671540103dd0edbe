"""Scoring a whole province in one pass: every department's indicators and budget lines stacked, scored once per rule set.

:func:`perfkit.score.scoring.score_indicators` and
:func:`perfkit.score.totals.score_execution` already work on any number of
rows (cost grows with the distinct texts, not the rows); here they get the
rows of every department at once, keyed by a ``dept`` column, instead of one
department-year at a time.  The scope totals (score or range, status, grade)
are one groupby over the stacked parts, with the rules of
:func:`perfkit.score.totals.by_scope`; a test holds the two equal on the
shipped data, the real tables and a generated province.

A department whose rules this pass does not cover — a whole-department score
sheet with management ratios (``dept_sheet``) — is scored department-year by
department-year with :func:`perfkit.score.scoring.score_year`, and its rows
join the same tables.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from perfkit.errors import Problem
from perfkit.ingest.department import scope_rule_refs
from perfkit.ingest.schema import TRUE_WORDS
from perfkit.rules.book import rulebook_for
from perfkit.rules.files import rule_file
from perfkit.rules.loading import load_rules
from perfkit.rules.ruleset import RuleSet
from perfkit.score.scoring import score_indicators, score_year
from perfkit.score.totals import BY_SCOPE_COLUMNS, STATUS_LABELS, score_execution

TOTAL_COLUMNS = ["dept", *BY_SCOPE_COLUMNS]
#: The columns of the scored tables of a province with no such row (what the province tables read).
EMPTY_SCORED = {"indicators": ["dept", "year", "scope_id", "parent_id", "counted", "weight_used", "score", "met"],
                "execution": ["dept", "year", "scope_id", "weight", "score", "execution_rate"],
                "totals": TOTAL_COLUMNS}


def _is_file(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref


def _rule_key(ref: str, path) -> str:
    """Return what identifies a rule set across departments: a built-in name, or the resolved path of a file."""
    return str(rule_file(ref, path).resolve()) if _is_file(ref) else ref


def _meta(units) -> pd.DataFrame:
    return pd.DataFrame({"dept": [u.code for u in units],
                         "default": [str(u.meta["rule_set"]) for u in units],
                         "sheet": [str(u.meta.get("dept_sheet") or "") for u in units],
                         "path": [str(u.path) for u in units],
                         "whole_incomplete": [u.meta.get("incomplete") is True for u in units]})


def _keyed(refs: np.ndarray, paths: np.ndarray) -> np.ndarray:
    """Return the rule-set key of every row: built-in names as they are, file references resolved per department."""
    keys = np.asarray(refs, dtype=object).copy()
    files = np.array([_is_file(str(r)) for r in keys], dtype=bool)
    if files.any():
        keys[files] = [_rule_key(str(r), p) for r, p in zip(keys[files], np.asarray(paths, dtype=object)[files])]
    return keys


def _scope_keys(scopes: pd.DataFrame, meta: pd.DataFrame) -> np.ndarray:
    """Return, per stacked scope row, the rule-set key it follows (:func:`scope_rule_refs` for every row at once)."""
    cols = ["dept", "scope_type", *(["rule_set"] if "rule_set" in scopes.columns else [])]
    sc = scopes[cols].merge(meta, on="dept", how="left")
    refs = scope_rule_refs(sc, sc["default"].to_numpy(dtype=object), sc["sheet"].to_numpy(dtype=object))
    return _keyed(refs, sc["path"].to_numpy(dtype=object))


def _keys_of(rows: pd.DataFrame, scopes: pd.DataFrame, meta: pd.DataFrame) -> np.ndarray:
    """Return the rule-set key of every row (a scope missing from scopes.csv follows its department's rule set)."""
    keyed = rows[["dept", "year", "scope_id"]].merge(scopes[["dept", "year", "scope_id", "key"]],
                                                     on=["dept", "year", "scope_id"], how="left")
    keys = keyed["key"].to_numpy(dtype=object).copy()
    missing = pd.isna(keys)
    if missing.any():
        m = keyed.loc[missing, ["dept"]].merge(meta, on="dept", how="left")
        keys[missing] = _keyed(m["default"].to_numpy(dtype=object), m["path"].to_numpy(dtype=object))
    return keys


def _grades(score: np.ndarray, rules: RuleSet) -> np.ndarray:
    """Return the grade of every score under ``rules`` (:meth:`RuleSet.grade`, for an array); None where NaN."""
    out = np.full(len(score), rules.grades[-1][0], dtype=object)
    done = np.zeros(len(score), dtype=bool)
    for label, low in rules.grades:
        hit = ~done & (score >= low - 1e-9)
        out[hit] = label
        done |= hit
    out[np.isnan(score)] = None
    return out


def _parts(indicators: pd.DataFrame, execution: pd.DataFrame) -> pd.DataFrame:
    """Return per (dept, year, scope_id) the sums a scope total is made of (as :func:`by_level1` lays them out)."""
    keys = ["dept", "year", "scope_id"]
    # a province of narrative reports has no indicator row (and a table without a 合计 line no execution row)
    execution = execution if len(execution) else pd.DataFrame(columns=[*keys, "weight", "score"])
    indicators = indicators if len(indicators) else pd.DataFrame(columns=[*keys, "parent_id", "counted",
                                                                          "weight_used", "score"])
    ex = execution[execution["weight"] > 0]
    ex_parts = pd.DataFrame({**{k: ex[k] for k in keys}, "weight": ex["weight"], "score": ex["score"].fillna(0.0),
                             "weight_unscored": ex["weight"].where(ex["score"].isna(), 0.0),
                             "n_items": 1, "n_unscored": ex["score"].isna().astype(int),
                             "execution_score": ex["score"].fillna(0.0), "n_table": 0})
    top = indicators[indicators["parent_id"].isna() & indicators["counted"].astype(bool)]
    unscored = top["score"].isna()
    weight = top["weight_used"].fillna(0.0)
    ind_parts = pd.DataFrame({**{k: top[k] for k in keys}, "weight": weight, "score": top["score"].fillna(0.0),
                              "weight_unscored": weight.where(unscored, 0.0), "n_items": 1,
                              "n_unscored": unscored.astype(int), "execution_score": 0.0, "n_table": 1})
    parts = pd.concat([p for p in (ex_parts, ind_parts) if len(p)] or [ex_parts], ignore_index=True)
    return parts.groupby(keys, sort=False).sum().reset_index()


def scope_totals(scopes: pd.DataFrame, parts: pd.DataFrame, rules_of: dict, incomplete: np.ndarray) -> pd.DataFrame:
    """Return one total per scope row: the scored part, the range it may reach, a grade only when it is certain.

    The rules of :func:`perfkit.score.totals.by_scope`, for every scope of a
    province at once.  ``rules_of``: rule-set key → RuleSet; ``scopes`` has a
    ``key`` column; ``incomplete``: per scope row, whether its table is partial.
    Returns :data:`TOTAL_COLUMNS` and ``weights_ok`` (False where ``by_scope``
    reports the weights as a problem, whatever the status).
    """
    sc = scopes.merge(parts, on=["dept", "year", "scope_id"], how="left")
    for col in ("weight", "score", "weight_unscored", "execution_score"):
        sc[col] = sc[col].fillna(0.0).astype(float)
    for col in ("n_items", "n_unscored", "n_table"):
        sc[col] = sc[col].fillna(0).astype(np.int64)
    total = sc["key"].map({k: float(r.total) for k, r in rules_of.items()}).to_numpy(dtype=float)
    weight, scored = sc["weight"].to_numpy(), sc["score"].to_numpy()
    partial = incomplete | (sc["n_table"].to_numpy() == 0)
    missing = np.where(partial, np.maximum(0.0, total - weight), 0.0)
    weights_ok = np.where(partial, weight <= total + 1e-6, np.abs(weight - total) <= 1e-6)
    unscorable = (sc["n_items"] - sc["n_unscored"]).to_numpy() == 0
    low = np.where(unscorable, np.nan, scored)
    high = np.where(unscorable, np.nan, scored + sc["weight_unscored"].to_numpy() + missing)
    status = np.where(unscorable, "unscorable", np.where(~weights_ok, "weights_off",
                                                         np.where(high - low > 1e-9, "range", "complete")))
    grade = np.full(len(sc), None, dtype=object)
    for key, rs in rules_of.items():
        at = (sc["key"].to_numpy() == key) & np.isin(status, ("complete", "range"))
        if at.any():
            g_low, g_high = _grades(low[at], rs), _grades(high[at], rs)
            grade[np.flatnonzero(at)] = np.where(g_low == g_high, g_low, None)
    ex = sc["execution_score"].to_numpy()
    out = pd.DataFrame({
        "dept": sc["dept"], "year": sc["year"], "scope_id": sc["scope_id"], "name": sc["name"],
        "scope_type": sc["scope_type"], "rule_set": sc["key"].map({k: r.name for k, r in rules_of.items()}),
        "illustrative": sc["key"].map({k: r.illustrative for k, r in rules_of.items()}),
        "weight": weight, "score": low, "grade": grade, "execution_score": ex,
        "indicator_score": np.where(unscorable, np.nan, scored - ex), "management_score": 0.0,
        "n_unscored": sc["n_unscored"], "stated_score": sc.get("stated_score", np.nan),
        "stated_grade": sc.get("stated_grade", None), "score_min": low, "score_max": high,
        "weight_unscored": sc["weight_unscored"], "weight_missing": missing, "incomplete": incomplete.astype(bool),
        "status": status, "status_label": pd.Series(status).map(STATUS_LABELS).to_numpy(),
        "weights_ok": weights_ok})
    return out[[*TOTAL_COLUMNS, "weights_ok"]]


def _incomplete(scopes: pd.DataFrame, meta: pd.DataFrame) -> np.ndarray:
    whole = set(meta.loc[meta["whole_incomplete"], "dept"])
    flag = scopes["dept"].isin(whole).to_numpy().copy()
    if "incomplete" in scopes.columns:
        flag |= scopes["incomplete"].fillna("").astype(str).str.strip().str.lower().isin(TRUE_WORDS).to_numpy()
    return flag


def score_province(tables: dict[str, pd.DataFrame], units: list,
                   problems: list[Problem] | None = None) -> dict[str, pd.DataFrame]:
    """Return the scored indicators, execution and scope totals of every department and year, keyed by ``dept``.

    Parameters
    ----------
    tables : dict
        ``scopes``, ``budget`` (with ``weight_na``) and ``indicators`` of every
        usable department, stacked with a ``dept`` column
        (:func:`perfkit.province.load.check_province`).
    units : list of UnitCheck
        Their checks: rule references, paths, and the loaded data of those
        the one pass does not cover.
    problems : list of Problem, optional
        The unreadable cells of the one pass are appended here, each naming
        its department's indicators.csv (as :func:`score_year` reports them);
        the result then also holds ``weights_ok`` (dept, year, scope_id,
        weights_ok) for the scopes of the one pass.

    Returns
    -------
    dict
        ``indicators`` (the columns of :func:`score_indicators` with
        ``reasons=False``, plus dept),
        ``execution`` (of :func:`score_execution` plus dept) and ``totals``
        (:data:`TOTAL_COLUMNS`: the columns of ``YearScore.by_scope`` plus dept).
    """
    usable = [u for u in units if u.usable]
    slow = [u for u in usable if u.needs_full]
    fast = [u for u in usable if not u.needs_full]
    out = {"indicators": [], "execution": [], "totals": []}
    if fast:
        meta = _meta(fast)
        names = set(meta["dept"])
        scopes, budget, indicators = (_rows_of(tables.get(t), names) for t in ("scopes", "budget", "indicators"))
        scopes = scopes.assign(key=_scope_keys(scopes, meta))
        rules_of = _load(scopes, meta)
        b_keys, i_keys = _keys_of(budget, scopes, meta), _keys_of(indicators, scopes, meta)
        files = None
        if problems is not None and len(indicators):
            # the file each problem names is the one score_year names: the loaded department's own path
            file_of = {u.code: str((u.dept.path if u.dept is not None else Path(u.path)) / "indicators.csv")
                       for u in fast}
            files = indicators["dept"].map(file_of).to_numpy(dtype=object)
        for key, rs in rules_of.items():
            at = i_keys == key
            if at.any():
                # a province shows no indicator row: its reasons are not spelled (half the scoring time)
                out["indicators"].append(score_indicators(indicators[at], rs, reasons=False, problems=problems,
                                                          **({} if files is None else {"file": files[at]})))
            if (b_keys == key).any():
                out["execution"].append(score_execution(budget[b_keys == key], rs))
        ind, ex = _concat(out["indicators"]), _concat(out["execution"])
        out["indicators"], out["execution"] = [ind], [ex]
        totals = scope_totals(scopes, _parts(ind, ex), rules_of, _incomplete(scopes, meta))
        if problems is not None:
            out["weights_ok"] = [totals[["dept", "year", "scope_id", "weights_ok"]]]
        out["totals"].append(totals.drop(columns="weights_ok"))
    for u in slow:  # a score sheet with management ratios: scored as one department-year is
        book = rulebook_for(u.dept)
        for year in u.dept.years:
            ys = score_year(u.dept, year, book)
            out["indicators"].append(ys.indicators.drop(columns="reason").assign(dept=u.code))  # as the one pass
            out["execution"].append(ys.execution.assign(dept=u.code))
            out["totals"].append(ys.by_scope.assign(dept=u.code)[TOTAL_COLUMNS])
    return {name: _concat(frames) if any(len(f) for f in frames) else
            pd.DataFrame(columns=EMPTY_SCORED.get(name, ["dept", "year", "scope_id", "weights_ok"]))
            for name, frames in out.items()}


def _rows_of(frame: pd.DataFrame | None, depts: set) -> pd.DataFrame:
    if frame is None or not len(frame):
        return pd.DataFrame(columns=["dept", "year", "scope_id"])
    return frame[frame["dept"].isin(depts)].reset_index(drop=True)


def _load(scopes: pd.DataFrame, meta: pd.DataFrame) -> dict[str, RuleSet]:
    """Return every rule set the departments follow, each loaded once (a built-in one once for the province)."""
    default_keys = _keyed(meta["default"].to_numpy(dtype=object), meta["path"].to_numpy(dtype=object))
    pairs = pd.concat([scopes[["dept", "key"]], pd.DataFrame({"dept": meta["dept"], "key": default_keys})])
    pairs = pairs.drop_duplicates("key")
    path_of = dict(zip(meta["dept"], meta["path"]))
    return {key: load_rules(key, base_dir=path_of[dept]) for dept, key in zip(pairs["dept"], pairs["key"])}


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
