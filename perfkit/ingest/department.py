"""Loading and validating a department's data (see ``data/README.md``).

Every file is read as text first and validated cell by cell, so that one run
reports every problem of every file (file, spreadsheet row, column, value, what
was expected) instead of stopping at the first.  Nothing here writes to the
input directory.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from perfkit.errors import DataError, Problem
from perfkit.instrument import counted
from perfkit.ingest.reading import read_table, read_text, row_list
from perfkit.rules.files import BUILTIN_RULES_DIR, SAFE_LOADER, rule_file  # noqa: F401 (re-exported for the workbook import)
from perfkit.settings import default_settings
from perfkit.text import validation
from perfkit.text.vocabulary import GRADE_KIND, TOTAL_LINE, WAN_YUAN, YUAN
from perfkit.rules.ruleset import builtin_names as builtin_rule_sets
from perfkit.score.figures import ExprError, parse_expr

# Recognised input, not output: the words the data files are written in (domain.md §2).
RECOGNISED_INPUT = ("SCOPE_TYPES", "WHOLE_SCOPE_TYPE", "LINE_TYPES", "STATED_KINDS", "MEMO_LINE_TYPE", "NOT_APPLICABLE",
                    "TRUE_WORDS")
AMOUNT_UNITS = {WAN_YUAN: 1.0, YUAN: 1e-4}  # factor to 万元, the reporting unit
SCOPE_TYPES = ("部门整体", "一级项目", "二级项目", "专项资金")
WHOLE_SCOPE_TYPE = "部门整体"
# 统计项: memo lines that are not a breakdown of the total (e.g. 三公经费, 政府采购) and are never summed
LINE_TYPES = ("合计", "支出类型", "资金来源", "经济分类", "功能分类", "统计项")
STATED_KINDS = ("比率", "百分比", "同比", "合计", "金额", "计数", "得分", "等级")
# the report's own sections narrative.csv holds sentences of (its stated problems and measures)
NARRATIVE_SECTIONS = ("存在的主要问题", "下一步改进措施")
WHOLE_SCOPE = "whole"
# Memo budget lines (三公经费, 政府采购 …): never summed against the total, never under-spending.
MEMO_LINE_TYPE = "统计项"

# column -> (kind, required). kinds: year, int, amount, float, str, unit, month.
# "required" means the cell may not be empty.
SCHEMAS: dict[str, dict[str, tuple[str, bool]]] = {
    "scopes.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "scope_type": ("str", True),
        "name": ("str", True),
        "parent_scope_id": ("str", False),
        "rule_set": ("str", False),
        "stated_score": ("float", False),
        "stated_grade": ("str", False),
        # true / 是: the transcribed table is partial, so sums over it are not asserted
        "incomplete": ("str", False),
    },
    "budget.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "line": ("str", True),
        "line_type": ("str", True),
        "budget_original": ("amount", False),
        # may be empty: a report can name a fund without giving its amounts
        "budget": ("amount", False),
        "executed": ("amount", False),
        "unit": ("unit", True),
        # what the form prints on a budget row (分值, 执行率, 得分), checked against the amounts and the rule
        "weight": ("float", False),
        "rate_printed": ("str", False),
        "stated_score": ("float", False),
    },
    "finance.csv": {
        "year": ("year", True),
        "item": ("str", True),
        "amount": ("amount", True),
        "unit": ("unit", True),
    },
    "indicators.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "indicator_id": ("str", True),
        "parent_id": ("str", False),
        "level1": ("str", True),
        "level2": ("str", False),
        "name": ("str", True),
        # 指标性质 (≥ ≤ = 定性 …) and 度量单位 printed in their own cells, combined with target when scoring
        "nature": ("str", False),
        "target": ("str", False),
        "measure_unit": ("str", False),
        "actual": ("str", False),
        "weight": ("float", False),
        "stated_score": ("float", False),
        "prior_actual": ("str", False),
        "deviation_note": ("str", False),
    },
    "stated.csv": {
        "year": ("year", True),
        "figure_id": ("str", True),
        "scope_id": ("str", False),
        "label": ("str", True),
        "kind": ("str", True),
        "stated_text": ("str", True),
        "value": ("float", False),
        "unit": ("str", False),
        "expr": ("str", False),
        "sentence": ("str", False),
    },
    "progress.csv": {
        "year": ("year", True),
        "scope_id": ("str", True),
        "month": ("month", True),
        "executed_cumulative": ("amount", True),
        "unit": ("unit", True),
    },
    # the report's own words in its 存在的主要问题 / 下一步改进措施, one item a row, verbatim
    "narrative.csv": {
        "year": ("year", True),
        "section": ("str", True),
        "scope_id": ("str", False),
        "title": ("str", False),
        "text": ("str", True),
    },
}
for _schema in SCHEMAS.values():
    _schema["source"] = ("str", True)
    _schema["assumption"] = ("str", False)

# Columns a file may leave out of its header (added later; forms that do not print them): read as empty.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "scopes.csv": ("incomplete",),
    "budget.csv": ("weight", "rate_printed", "stated_score"),
    "indicators.csv": ("nature", "measure_unit"),
}
# A cell written like this means "not applicable" to the form's author; an empty cell means unknown.
NOT_APPLICABLE = ("—", "——", "-", "--", "－", "/", "／", "无", "不适用")
TRUE_WORDS = ("true", "yes", "y", "1", "是")
# A narrative report has no indicator table: its indicators.csv may hold the header only.
HEADER_ONLY_OK = ("indicators.csv",)
REQUIRED_FILES = ("scopes.csv", "budget.csv", "indicators.csv")
TABLE_ATTRS = {
    "scopes.csv": "scopes",
    "budget.csv": "budget",
    "finance.csv": "finance",
    "indicators.csv": "indicators",
    "stated.csv": "stated",
    "progress.csv": "progress",
    "narrative.csv": "narrative",
}
META_REQUIRED = ("code", "name", "years", "rule_set")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# ASCII digits only: \d also matches full-width and other scripts' digits, which to_numeric cannot read
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
NUMBER_KINDS = ("amount", "float")


@dataclass
class Department:
    """A department's data: metadata plus one DataFrame per file, amounts in 万元."""

    code: str
    path: Path
    meta: dict
    scopes: pd.DataFrame
    budget: pd.DataFrame
    finance: pd.DataFrame
    indicators: pd.DataFrame
    stated: pd.DataFrame
    progress: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    #: file name -> src_row, year and the numeric cells as printed (text), for precision and — / markers
    printed: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the report's own stated problems and measures (narrative.csv; empty when the file is absent)
    narrative: pd.DataFrame = field(default_factory=lambda: _empty_table(SCHEMAS["narrative.csv"]))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.code))

    @property
    def years(self) -> list[int]:
        """Return the declared years, ascending."""
        return sorted(int(y) for y in self.meta.get("years", []))

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    def for_year(self, year: int) -> "Department":
        """Return a copy holding only ``year``'s rows (metadata unchanged)."""
        year = int(year)
        if year not in self.years:
            raise DataError(
                Problem(str(self.path / "department.yaml"), None, "years", year,
                        validation.NO_SUCH_YEAR.format(year=year, years=validation.LIST_SEP.join(map(str, self.years))))
            )
        tables = {attr: _rows_of_year(getattr(self, attr), year) for attr in TABLE_ATTRS.values()}
        printed = {f: _rows_of_year(df, year) for f, df in self.printed.items()}
        return replace(self, **tables, printed=printed)

    def prior_year(self, year: int, allow_gap: bool = True) -> int | None:
        """Return the latest declared year before ``year``, or None; with ``allow_gap=False`` only ``year - 1``."""
        earlier = [y for y in self.years if y < int(year)]
        if not earlier:
            return None
        prior = max(earlier)
        return prior if allow_gap or prior == int(year) - 1 else None

    def rule_set_for(self, scope_id: str, year: int | None = None) -> str:
        """Return the rule-set reference (built-in name or path) that ``scope_id`` follows.

        The choice is :func:`scope_rule_refs` (the scope's own ``rule_set`` in
        ``scopes.csv``, else ``dept_sheet`` for a whole-department scope when
        the department names one, else the department's ``rule_set``), made
        once for every scope row; without a year, the scope's latest row
        decides.  A scope with no row follows the department's rule set.
        """
        by_year, latest = self._rule_index
        ref = by_year.get((scope_id, int(year))) if year is not None else latest.get(scope_id)
        return ref if ref is not None else str(self.meta["rule_set"])

    @cached_property
    def _rule_index(self) -> tuple[dict, dict]:
        sc = self.scopes
        refs = scope_rule_refs(sc, str(self.meta["rule_set"]), str(self.meta.get("dept_sheet") or ""))
        by_year = dict(zip(zip(sc["scope_id"], sc["year"].astype(int)), refs))
        latest = {sid: ref for _, sid, ref in sorted(zip(sc["year"].astype(int), sc["scope_id"], refs),
                                                     key=lambda t: t[0])}
        return by_year, latest

    def rule_refs(self) -> list[str]:
        """Return every rule-set reference any scope of any year follows, in first-use order."""
        refs = list(scope_rule_refs(self.scopes, str(self.meta["rule_set"]), str(self.meta.get("dept_sheet") or "")))
        refs.append(str(self.meta["rule_set"]))
        return list(dict.fromkeys(refs))

    @cached_property
    def _scope_index(self) -> dict:
        """Return scope lookups built once (checks and findings ask per row): names, types, partial tables."""
        sc = self.scopes
        flagged = set()
        if "incomplete" in sc.columns:
            mark = sc["incomplete"].fillna("").astype(str).str.strip().str.lower().isin(TRUE_WORDS)
            flagged = {(sid, int(y)) for sid, y in zip(sc.loc[mark, "scope_id"], sc.loc[mark, "year"])}
        return {"name": dict(zip(sc["scope_id"], sc["name"])),  # the last year's name wins
                "type": dict(zip(sc["scope_id"][::-1], sc["scope_type"][::-1])),  # the first year's type
                "incomplete": flagged}

    def is_incomplete(self, scope_id: str, year: int | None = None) -> bool:
        """Return True when the transcribed table of a scope is partial (``incomplete`` in department.yaml or scopes.csv)."""
        if self.meta.get("incomplete") is True:
            return True
        flagged = self._scope_index["incomplete"]
        if year is not None:
            return (scope_id, int(year)) in flagged
        return any(sid == scope_id for sid, _ in flagged)

    def printed_cells(self, fname: str) -> pd.DataFrame:
        """Return the numeric cells of ``fname`` as printed (src_row, year and one text column per number column)."""
        df = self.printed.get(fname)
        return df if df is not None else pd.DataFrame({"src_row": pd.Series(dtype="int64")})

    def scope_name(self, scope_id: str) -> str:
        """Return the display name of a scope (its id when unknown)."""
        name = self._scope_index["name"].get(scope_id)
        return scope_id if name is None or (isinstance(name, float) and name != name) else str(name)

    def scope_type(self, scope_id: str) -> str:
        """Return a scope's type (部门整体, 一级项目 …), "" when unknown."""
        kind = self._scope_index["type"].get(scope_id)
        return "" if kind is None or (isinstance(kind, float) and kind != kind) else str(kind)


def scope_rule_refs(scopes: pd.DataFrame, default, sheet) -> np.ndarray:
    """Return, per row of ``scopes``, the rule-set reference that scope follows that year.

    The one place this choice is made: the row's own ``rule_set``, else
    ``sheet`` (the department's ``dept_sheet``) for a 部门整体 scope, else
    ``default`` (the department's ``rule_set``).  ``default`` and ``sheet``
    may be arrays aligned with the rows, so a whole province is resolved at once.
    """
    own = scopes["rule_set"] if "rule_set" in scopes.columns else pd.Series("", index=scopes.index)
    own = own.fillna("").astype(str).to_numpy(dtype=object)
    sheet = np.broadcast_to(np.asarray(sheet, dtype=object), own.shape)
    whole = (scopes["scope_type"] == WHOLE_SCOPE_TYPE).to_numpy(dtype=bool)
    has_own = np.array([len(x) > 0 for x in own], dtype=bool)
    has_sheet = np.array([len(x) > 0 for x in sheet], dtype=bool)
    return np.where(has_own, own, np.where(has_sheet & whole, sheet, np.asarray(default, dtype=object)))


def _rows_of_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    if "year" not in df.columns:
        return df
    return df[df["year"] == year].reset_index(drop=True)


# --------------------------------------------------------------------------- cells


def _required_cells(df: pd.DataFrame, col: str, fname: str, problems: list[Problem]) -> None:
    """Record every empty cell of a required column (with a hint when the cell above is filled: merged cells)."""
    raw = df[col]
    above = raw.shift(1, fill_value="")
    for row, prev in zip(df.loc[raw == "", "src_row"], above[raw == ""]):
        hint = validation.MERGED_CELL_HINT if prev else ""
        problems.append(Problem(fname, int(row), col, "", validation.REQUIRED.format(hint=hint)))


def _number_text(raw: pd.Series, col: str, fname: str, df: pd.DataFrame, notices: list[str]) -> pd.Series:
    """Return number cells in ASCII: full-width digits, ％ and separators NFKC-normalised (with a notice), 1,234 → 1234.

    Excel with a Chinese input method easily types １９９４６６ or ９８．５; such
    a cell is read as the number it shows, and the notice says so, rather
    than being refused or, worse, read as empty.
    """
    text = raw.map(_fold_width)
    changed = text != raw
    if changed.any():
        rows = [int(r) for r in df.loc[changed, "src_row"]]
        first = changed.idxmax()
        notices.append(validation.FULL_WIDTH_NOTICE.format(file=fname, column=col, rows=row_list(rows), raw=raw[first],
                                                          folded=text[first]))
    return text.str.replace(",", "", regex=False)


def _fold_width(value: str) -> str:
    """Return ``value`` with full-width forms (U+FF01–U+FF5E, ideographic space) NFKC-folded to ASCII.

    Only that block: NFKC would also turn ² into 2 or ① into 1, silently
    changing a number, so other characters are left for the check to refuse.
    """
    return "".join(unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" or ch == "\u3000" else ch
                   for ch in value).strip()


def _number_problem(cleaned: str) -> str:
    """Return why a number cell is refused, naming what it holds."""
    if cleaned.endswith("%"):
        return validation.NUMBER_WITH_PERCENT
    if any(ch.isdigit() for ch in cleaned):
        return validation.NUMBER_WITH_TEXT
    return validation.NUMBER


def _numbers(df: pd.DataFrame, col: str, kind: str, fname: str, years: list[int] | None,
             problems: list[Problem], notices: list[str], required: bool = True) -> pd.Series:
    """Return a number column, recording every cell that is not a number of the kind expected.

    An optional amount or number may be written —, / or 无 (not applicable):
    read as empty here, kept apart from empty in ``Department.printed``.
    """
    raw = df[col]
    empty = raw == ""
    if not required and kind in ("amount", "float"):
        empty = empty | raw.isin(NOT_APPLICABLE)
    cleaned = _number_text(raw, col, fname, df, notices)
    ok = cleaned.str.fullmatch(_NUMBER_RE) | empty
    for row, value, text in zip(df.loc[~ok, "src_row"], raw[~ok], cleaned[~ok]):
        problems.append(Problem(fname, int(row), col, value, _number_problem(text)))
    numbers = pd.to_numeric(cleaned.where(ok & ~empty), errors="coerce").astype("float64")
    checks = []
    if kind == "amount":
        checks.append((numbers < 0, validation.NEGATIVE_AMOUNT))
    if kind in ("year", "month", "int"):
        checks.append((numbers.notna() & (numbers != numbers.round()), validation.INTEGER))
    if kind == "year" and years is not None:
        declared = validation.LIST_SEP.join(map(str, years)) or validation.NONE_DECLARED
        checks.append((numbers.notna() & ~numbers.isin(years),
                       validation.UNKNOWN_YEAR.format(declared=declared)))
    if kind == "month":
        checks.append((numbers.notna() & ~numbers.between(1, 12), validation.MONTH))
    for bad, expected in checks:
        for row, value in zip(df.loc[bad, "src_row"], raw[bad]):
            problems.append(Problem(fname, int(row), col, value, expected))
    if kind in ("year", "month", "int"):
        # plain int64 when complete, so merges and groupbys behave; nullable only when cells are bad
        ints = numbers.round()
        return ints.astype("int64") if ints.notna().all() else ints.astype("Int64")
    return numbers


def _convert_columns(df: pd.DataFrame, schema: dict[str, tuple[str, bool]], fname: str,
                     years: list[int] | None, problems: list[Problem], notices: list[str]) -> pd.DataFrame:
    """Convert string cells to typed columns, recording every bad cell.

    ``years`` None means the declared years are unknown (department.yaml
    unreadable): year cells are then not checked against them, so one broken
    YAML file gives one problem, not one per row.
    """
    out = pd.DataFrame({"src_row": df["src_row"].astype("int64")})
    for col, (kind, required) in schema.items():
        raw = df[col]
        empty = raw == ""
        if required:
            _required_cells(df, col, fname, problems)
        if kind in ("year", "month", "int", "amount", "float"):
            out[col] = _numbers(df, col, kind, fname, years, problems, notices, required)
        elif kind == "unit":
            bad = ~empty & ~raw.isin(list(AMOUNT_UNITS))
            for row, value in zip(df.loc[bad, "src_row"], raw[bad]):
                problems.append(Problem(fname, int(row), col, value, validation.UNKNOWN_UNIT))
            out[col] = raw.mask(empty)
        else:
            out[col] = raw.mask(empty)
    extra = [c for c in df.columns if c not in schema and c != "src_row"]
    for col in extra:
        out[col] = df[col].mask(df[col] == "")
    return out


def _check_units(df: pd.DataFrame, fname: str, amount_cols: list[str], problems: list[Problem]) -> pd.DataFrame:
    """Refuse files that mix 元 and 万元; convert amounts to 万元."""
    units = df["unit"].dropna()
    known = units[units.isin(list(AMOUNT_UNITS))]
    if known.nunique() > 1:
        counts = known.value_counts()
        majority = counts.index[0]
        minority_rows = df.loc[df["unit"].isin(list(AMOUNT_UNITS)) & (df["unit"] != majority), "src_row"]
        rows = validation.LIST_SEP.join(str(int(r)) for r in minority_rows)
        problems.append(Problem(fname, int(minority_rows.iloc[0]), "unit", df.loc[minority_rows.index[0], "unit"],
                                validation.MIXED_UNITS.format(majority=majority, rows=rows)))
        return df
    factor = df["unit"].map(AMOUNT_UNITS).astype("float64").fillna(1.0)
    for col in amount_cols:
        df[col] = df[col] * factor
    return df


#: Spending above this multiple of the full-year budget (全年预算数) is taken for
#: a typing error, not a real overspend: carried-over funds (上年结转) and
#: mid-year top-ups can push execution somewhat above the budget line, but
#: half as much again almost always means a 元/万元 mix-up or a digit too many.
OVERSPEND_FACTOR = 1.5


def _check_spending(df: pd.DataFrame, raw: pd.DataFrame, fname: str, problems: list[Problem]) -> None:
    """Record budget lines with spending but no (or a zero) budget, and spending far above the budget."""
    if "budget" not in df or "executed" not in df:
        return
    budget, executed = df["budget"], df["executed"]
    spent = executed > 0
    for i in df.index[spent & ~(budget > 0)]:
        value = raw.at[i, "budget"]
        problems.append(Problem(fname, int(df.at[i, "src_row"]), "budget", value,
                                validation.SPENT_WITHOUT_BUDGET.format(
                                    why=validation.BUDGET_EMPTY if value == "" else validation.BUDGET_ZERO,
                                    executed=raw.at[i, "executed"])))
    for i in df.index[spent & (budget > 0) & (executed > OVERSPEND_FACTOR * budget)]:
        problems.append(Problem(fname, int(df.at[i, "src_row"]), "executed", raw.at[i, "executed"],
                                validation.OVERSPENT.format(budget=raw.at[i, "budget"], ratio=executed[i] / budget[i],
                                                            factor=OVERSPEND_FACTOR)))


# An id ends up in file names (charts are saved as score_breakdown_<scope_id>.png) and in formulas:
# no path separators, no "..", no quotes, brackets or spaces.
_UNSAFE_ID_RE = re.compile(r"[/\\\s'\"`<>{}()\[\]]|\.\.|^\.")
ID_COLUMNS = {"scopes.csv": ("scope_id", "parent_scope_id"), "indicators.csv": ("indicator_id", "parent_id"),
              "stated.csv": ("figure_id",)}


def _check_ids(tables: dict[str, pd.DataFrame], path: Path, problems: list[Problem]) -> None:
    """Record ids that could escape a folder or break a formula (``..``, ``/``, quotes, spaces)."""
    for fname, cols in ID_COLUMNS.items():
        df = tables.get(fname)
        for col in cols if df is not None else ():
            bad = df[col].notna() & df[col].astype(str).str.contains(_UNSAFE_ID_RE)
            for row, value in zip(df.loc[bad, "src_row"], df.loc[bad, col]):
                problems.append(Problem(str(path / fname), int(row), col, value,
                                        validation.UNSAFE_ID))


def _duplicates(df: pd.DataFrame, keys: list[str], fname: str, what: str, problems: list[Problem]) -> None:
    dup = df.duplicated(keys, keep="first") & df[keys].notna().all(axis=1)
    if not dup.any():
        return
    first_row = df.drop_duplicates(keys, keep="first").set_index(keys)["src_row"]
    for _, rec in df[dup].iterrows():
        key = tuple(rec[k] for k in keys)
        first = first_row.loc[key if len(keys) > 1 else key[0]]
        value = " / ".join(str(v) for v in key)
        problems.append(Problem(fname, int(rec["src_row"]), ",".join(keys), value,
                                validation.DUPLICATE.format(what=what, first=int(first))))


def _yaml_problem(fname: str, exc: yaml.YAMLError) -> Problem:
    """Return one problem for a YAML syntax error, at the line and column the parser stopped."""
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return Problem(fname, None, None, None, validation.YAML_ERROR.format(what=what))
    return Problem(fname, mark.line + 1, None, None,
                   validation.YAML_ERROR_AT.format(column=mark.column + 1, what=what))


def _declared_years(meta: dict) -> list[int] | None:
    """Return the declared years, or None when department.yaml gave none usable (then rows are not checked against them)."""
    years = meta.get("years") or []
    return sorted(int(y) for y in years) if years else None


def _load_meta(path: Path, problems: list[Problem]) -> dict:
    fname = str(path / "department.yaml")
    meta_path = path / "department.yaml"
    if not meta_path.is_file():
        problems.append(Problem(fname, None, None, None, validation.NO_META))
        return {}
    try:
        text, _ = read_text(meta_path)
        meta = yaml.load(text, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(fname, exc))
        return {}
    except DataError as err:
        problems.extend(err.problems)
        return {}
    if not isinstance(meta, dict):
        problems.append(Problem(fname, None, None, None, validation.NOT_A_MAPPING))
        return {}
    for key in META_REQUIRED:
        if meta.get(key) in (None, "", []):
            problems.append(Problem(fname, None, key, None, validation.MISSING_KEY.format(key=key)))
    code = meta.get("code")
    if code is not None and str(code) != path.name:
        problems.append(Problem(fname, None, "code", code, validation.CODE_NOT_DIRECTORY.format(directory=path.name)))
    if code is not None and not CODE_RE.match(str(code)):
        problems.append(Problem(fname, None, "code", code, validation.CODE_CHARACTERS))
    years = meta.get("years") or []
    if not isinstance(years, list) or not all(isinstance(y, int) and 1990 <= y <= 2100 for y in years):
        problems.append(Problem(fname, None, "years", years, validation.YEARS))
        meta["years"] = []
    for key in ("rule_set", "dept_sheet"):
        ref = meta.get(key)
        # a bare name must be a built-in *scoring* rule set (not e.g. findings or pefa2016); a path must exist
        is_name = ref and not str(ref).endswith((".yaml", ".yml")) and "/" not in str(ref)
        if ref and (str(ref) not in builtin_rule_sets() if is_name else not rule_file(str(ref), path).is_file()):
            problems.append(Problem(fname, None, key, ref,
                                    validation.NO_RULE_SET.format(
                                        builtin=validation.LIST_SEP.join(builtin_rule_sets()))))
    if "incomplete" in meta and not isinstance(meta["incomplete"], bool):
        problems.append(Problem(fname, None, "incomplete", meta["incomplete"],
                                validation.INCOMPLETE_FLAG))
    findings_ref = meta.get("findings")
    if findings_ref and not rule_file(str(findings_ref), path).is_file():
        problems.append(Problem(fname, None, "findings", findings_ref,
                                validation.NO_FINDINGS_FILE))
    return meta




def _check_references(tables: dict[str, pd.DataFrame], path: Path, problems: list[Problem]) -> None:
    """Cross-file checks: scopes exist, parents exist, every scope has a 合计 line."""
    scopes = tables.get("scopes.csv")
    if scopes is None:
        return
    f_scopes = str(path / "scopes.csv")
    for _, rec in scopes[scopes["scope_type"].notna() & ~scopes["scope_type"].isin(SCOPE_TYPES)].iterrows():
        problems.append(Problem(f_scopes, int(rec["src_row"]), "scope_type", rec["scope_type"],
                                validation.SCOPE_TYPE.format(allowed=validation.LIST_SEP.join(SCOPE_TYPES))))
    known = set(zip(scopes["year"], scopes["scope_id"]))
    for _, rec in scopes[scopes["parent_scope_id"].notna()].iterrows():
        if (rec["year"], rec["parent_scope_id"]) not in known:
            problems.append(Problem(f_scopes, int(rec["src_row"]), "parent_scope_id", rec["parent_scope_id"],
                                    validation.NO_PARENT_SCOPE.format(year=rec["year"])))
    for fname, df in tables.items():
        if fname == "scopes.csv" or df is None or "scope_id" not in df.columns:
            continue
        has = df["scope_id"].notna() & df["year"].notna()
        for _, rec in df[has].iterrows():
            if (rec["year"], rec["scope_id"]) not in known:
                problems.append(Problem(str(path / fname), int(rec["src_row"]), "scope_id", rec["scope_id"],
                                        validation.NO_SCOPE.format(year=rec["year"])))
    budget = tables.get("budget.csv")
    if budget is not None:
        f_budget = str(path / "budget.csv")
        for _, rec in budget[budget["line_type"].notna() & ~budget["line_type"].isin(LINE_TYPES)].iterrows():
            problems.append(Problem(f_budget, int(rec["src_row"]), "line_type", rec["line_type"],
                                    validation.LINE_TYPE.format(allowed=validation.LIST_SEP.join(LINE_TYPES))))
        totals = set(zip(budget.loc[budget["line"] == TOTAL_LINE, "year"],
                         budget.loc[budget["line"] == TOTAL_LINE, "scope_id"]))
        for _, rec in scopes.iterrows():
            if (rec["year"], rec["scope_id"]) not in totals:
                problems.append(Problem(f_budget, None, "line", TOTAL_LINE,
                                        validation.NO_TOTAL_LINE.format(scope=rec["scope_id"], year=rec["year"],
                                                                         row=int(rec["src_row"]))))
        _duplicates(budget, ["year", "scope_id", "line"], f_budget, validation.WHAT_BUDGET_LINE, problems)
    narrative = tables.get("narrative.csv")
    if narrative is not None:
        unknown = narrative["section"].notna() & ~narrative["section"].isin(NARRATIVE_SECTIONS)
        for _, rec in narrative[unknown].iterrows():
            problems.append(Problem(str(path / "narrative.csv"), int(rec["src_row"]), "section", rec["section"],
                                    validation.NARRATIVE_SECTION.format(sections="、".join(NARRATIVE_SECTIONS))))
    _duplicates(scopes, ["year", "scope_id"], f_scopes, validation.WHAT_SCOPE, problems)
    ind = tables.get("indicators.csv")
    if ind is not None:
        f_ind = str(path / "indicators.csv")
        _duplicates(ind, ["year", "indicator_id"], f_ind, validation.WHAT_INDICATOR_ID, problems)
        _duplicates(ind, ["year", "scope_id", "level1", "level2", "name"], f_ind, validation.WHAT_INDICATOR,
                    problems)
        ids = set(zip(ind["year"], ind["indicator_id"]))
        for _, rec in ind[ind["parent_id"].notna()].iterrows():
            if (rec["year"], rec["parent_id"]) not in ids:
                problems.append(Problem(f_ind, int(rec["src_row"]), "parent_id", rec["parent_id"],
                                        validation.NO_PARENT_INDICATOR.format(year=rec["year"])))
    stated = tables.get("stated.csv")
    if stated is not None:
        f_stated = str(path / "stated.csv")
        _duplicates(stated, ["year", "figure_id"], f_stated, validation.WHAT_FIGURE_ID, problems)
        for _, rec in stated[stated["kind"].notna() & ~stated["kind"].isin(STATED_KINDS)].iterrows():
            problems.append(Problem(f_stated, int(rec["src_row"]), "kind", rec["kind"],
                                    validation.STATED_KIND.format(allowed=validation.LIST_SEP.join(STATED_KINDS))))
        needs_value = stated["kind"].ne(GRADE_KIND) & stated["value"].isna()
        # a value refused as "not a number" is already reported for that cell
        refused = {p.row for p in problems if p.file == f_stated and p.column == "value"}
        for _, rec in stated[needs_value & ~stated["src_row"].isin(refused)].iterrows():
            problems.append(Problem(f_stated, int(rec["src_row"]), "value", None, validation.VALUE_REQUIRED))
        for _, rec in stated[stated["expr"].notna()].iterrows():
            try:
                parse_expr(rec["expr"])  # parsed and checked only, never run here
            except ExprError as err:
                problems.append(Problem(f_stated, int(rec["src_row"]), "expr", rec["expr"],
                                        validation.BAD_EXPR.format(error=err)))


def _empty_table(schema: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    cols = {"src_row": pd.Series(dtype="int64")}
    for col, (kind, _) in schema.items():
        if kind in ("year", "month", "int"):
            cols[col] = pd.Series(dtype="Int64")
        elif kind in ("amount", "float"):
            cols[col] = pd.Series(dtype="float64")
        else:
            cols[col] = pd.Series(dtype="str")
    return pd.DataFrame(cols)


def validate(path: str | Path) -> tuple[Department | None, list[Problem], list[str]]:
    """Return the loaded department (None when unusable), every problem, and notices."""
    path = Path(path)
    problems: list[Problem] = []
    notices: list[str] = []
    if not path.is_dir():
        return None, [Problem(str(path), None, None, None, validation.NO_DIRECTORY)], notices
    meta = _load_meta(path, problems)
    years = _declared_years(meta)
    tables: dict[str, pd.DataFrame | None] = {}
    printed: dict[str, pd.DataFrame] = {}
    for fname, schema in SCHEMAS.items():
        fpath = path / fname
        if not fpath.is_file():
            if fname in REQUIRED_FILES:
                problems.append(Problem(str(fpath), None, None, None, validation.MISSING_FILE))
            tables[fname] = None
            continue
        raw = read_table(fpath, schema, problems, notices, optional=OPTIONAL_COLUMNS.get(fname, ()),
                         header_only_ok=fname in HEADER_ONLY_OK)
        if raw is None:
            tables[fname] = None
            continue
        df = _convert_columns(raw, schema, str(fpath), years, problems, notices)
        printed[fname] = _printed_cells(raw, df, schema)
        amount_cols = [c for c, (k, _) in schema.items() if k == "amount"]
        if "unit" in schema and amount_cols:
            df = _check_units(df, str(fpath), amount_cols, problems)
        if fname == "budget.csv":
            _check_spending(df, raw, str(fpath), problems)
        tables[fname] = df
    _check_ids({k: v for k, v in tables.items() if v is not None}, path, problems)
    _check_references({k: v for k, v in tables.items() if v is not None}, path, problems)
    if any(tables[f] is None for f in REQUIRED_FILES) or not meta:
        return None, problems, notices
    frames = {TABLE_ATTRS[f]: (tables[f] if tables[f] is not None else _empty_table(SCHEMAS[f]))
              for f in SCHEMAS}
    for fname, df in frames.items():
        df.attrs["file"] = str(path / f"{fname}.csv")
    dept = Department(code=str(meta.get("code", path.name)), path=path, meta=meta, notices=notices,
                      printed=printed, **frames)
    return dept, problems, notices


def _printed_cells(raw: pd.DataFrame, converted: pd.DataFrame, schema: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """Return src_row, year and every number column's cells as printed (their decimals set the precision)."""
    cols = [c for c, (kind, _) in schema.items() if kind in NUMBER_KINDS]
    out = raw[["src_row", *cols]].copy()
    if "year" in converted.columns:
        out.insert(1, "year", converted["year"].to_numpy())
    return out.reset_index(drop=True)


#: The checkout's data directory (perfkit is installed editable from the repository).
def default_data_dir() -> Path:
    """Return where departments live when no data directory is given (:func:`perfkit.settings.default_settings`)."""
    return default_settings().data_dir


def resolve(code_or_path: str | Path, data_dir: str | Path | None = None) -> Path:
    """Return a department's directory from a code (looked up in data_dir) or a path."""
    candidate = Path(code_or_path)
    if (candidate / "department.yaml").is_file():
        return candidate
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    if (base / str(code_or_path) / "department.yaml").is_file():
        return base / str(code_or_path)
    known = find_departments(base) if base.is_dir() else []
    raise DataError(Problem(str(base / str(code_or_path)), None, None, str(code_or_path),
                            validation.NO_DEPARTMENT.format(base=base, known=validation.LIST_SEP.join(known) or validation.NONE)))


@counted("load", year_arg=None)
def load(code_or_path: str | Path, data_dir: str | Path | None = None) -> Department:
    """Return a validated :class:`Department`; raise :class:`DataError` listing every problem.

    Parameters
    ----------
    code_or_path : str or Path
        A department directory, or a department code looked up under ``data_dir``.
    data_dir : str or Path, optional
        Where departments live (default: :func:`default_data_dir`).
    """
    dept, problems, _ = validate(resolve(code_or_path, data_dir))
    if problems:
        raise DataError(problems)
    assert dept is not None
    return dept


def read_meta(path: str | Path) -> tuple[dict, list[Problem]]:
    """Return a department's ``department.yaml`` fields, checked, and the problems found (without reading its tables).

    Cheap enough to plan a batch over a whole province before any table is read.
    """
    problems: list[Problem] = []
    return _load_meta(Path(path), problems), problems


def find_departments(data_dir: str | Path | None = None) -> list[str]:
    """Return the codes of the departments under ``data_dir`` (directories with department.yaml; default: the settings')."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    return sorted(p.name for p in base.iterdir() if (p / "department.yaml").is_file()) if base.is_dir() else []


def load_all(data_dir: str | Path | None = None) -> list[Department]:
    """Return every department under ``data_dir``; raise one DataError listing all problems."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    depts, problems = [], []
    for code in find_departments(base):
        dept, found, _ = validate(base / code)
        problems += found
        if dept is not None:
            depts.append(dept)
    if problems:
        raise DataError(problems)
    return depts
