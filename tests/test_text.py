"""perfkit.text: the number formatters (a table of named edge cases per formatter) and the label maps."""
from __future__ import annotations

import ast
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perfkit.text import formats, labels, messages

MISSING_VALUES = {"None": None, "NaN": float("nan"), "numpy NaN": np.float64("nan"), "pd.NA": pd.NA,
                  "NaT": pd.NaT, "inf": float("inf"), "-inf": -math.inf}

# (name, function, args, expected) -- expected values written by hand from the formatter's definition
CASES = [
    # number: fixed decimals, thousands separated
    ("number zero", formats.number, (0,), "0.00"),
    ("number negative", formats.number, (-1234.5,), "-1,234.50"),
    ("number large", formats.number, (123456789.125,), "123,456,789.12"),
    ("number no grouping", formats.number, (1234.5, 1, False), "1234.5"),
    ("number int", formats.number, (7,), "7.00"),
    ("number numpy int", formats.number, (np.int64(1500),), "1,500.00"),
    ("number numpy float32", formats.number, (np.float32(0.5),), "0.50"),
    # half-way: the stored binary value is rounded, an exact tie to the even digit
    ("number tie to even 0.125", formats.number, (0.125,), "0.12"),
    ("number tie to even 0.375", formats.number, (0.375,), "0.38"),
    ("number 2.675 is stored below the tie", formats.number, (2.675,), "2.67"),
    ("number rounds up past the tie", formats.number, (2.6751,), "2.68"),
    # amount in 万元
    ("amount", formats.amount, (3567.8912,), "3,567.89"),
    ("amount without grouping (Word)", formats.amount, (3567.8912, 2, False), "3567.89"),
    ("amount negative", formats.amount, (-2500.5,), "-2,500.50"),
    ("amount large", formats.amount, (1e9,), "1,000,000,000.00"),
    ("amount numpy", formats.amount, (np.float64(12.5),), "12.50"),
    # score: two decimals, never grouped
    ("score", formats.score, (9.5,), "9.50"),
    ("score zero", formats.score, (0.0,), "0.00"),
    ("score large not grouped", formats.score, (1234.0,), "1234.00"),
    ("score tie to even", formats.score, (0.625,), "0.62"),
    ("score numpy int", formats.score, (np.int32(100),), "100.00"),
    # rate: a fraction shown in percent
    ("rate", formats.rate, (0.99255,), "99.26%"),
    ("rate zero", formats.rate, (0,), "0.00%"),
    ("rate above 1", formats.rate, (1.5,), "150.00%"),
    ("rate negative", formats.rate, (-0.012,), "-1.20%"),
    ("rate one decimal", formats.rate, (0.9255, 1), "92.5%"),
    ("rate no decimals", formats.rate, (0.855, 0), "86%"),
    ("rate numpy", formats.rate, (np.float64(0.5),), "50.00%"),
    # percent: a value already in percent
    ("percent", formats.percent, (98,), "98.00%"),
    ("percent negative", formats.percent, (-13.8, 1), "-13.8%"),
    ("percent numpy", formats.percent, (np.float64(99.255), 3), "99.255%"),
    # points: a change in 百分点
    ("points fall", formats.points, (-1.5,), "-1.50个百分点"),
    ("points zero", formats.points, (0.0,), "0.00个百分点"),
    ("points one decimal", formats.points, (2.25, 1), "2.2个百分点"),
    ("points numpy", formats.points, (np.float64(3),), "3.00个百分点"),
    # compact: no trailing zeros
    ("compact strips zeros", formats.compact, (84.50,), "84.5"),
    ("compact whole number", formats.compact, (95.0,), "95"),
    ("compact zero", formats.compact, (0,), "0"),
    ("compact never -0", formats.compact, (-0.001,), "0"),
    ("compact negative", formats.compact, (-2.5,), "-2.5"),
    ("compact four decimals", formats.compact, (99.25549, 4), "99.2555"),
    ("compact no decimals keeps zeros of integers", formats.compact, (120.0, 0), "120"),
    ("compact large", formats.compact, (1234567.0,), "1234567"),
    ("compact tie to even", formats.compact, (0.125,), "0.12"),
    ("compact numpy", formats.compact, (np.float64(3.10),), "3.1"),
    ("compact missing as asked", formats.compact, (None, 2, ""), ""),
    # quantity: number and unit
    ("quantity with unit", formats.quantity, (263.0, "个"), "263个"),
    ("quantity percent fixed", formats.quantity, (98.5, "%", 2), "98.50%"),
    ("quantity up to six decimals", formats.quantity, (0.1234567,), "0.123457"),
    ("quantity negative", formats.quantity, (-3.0, "人"), "-3人"),
    ("quantity zero", formats.quantity, (0.0, "件"), "0件"),
    ("quantity numpy", formats.quantity, (np.int64(12), "宗"), "12宗"),
]


@pytest.mark.parametrize("func, args, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_formatter(func, args, expected):
    assert func(*args) == expected


FORMATTERS = [formats.number, formats.amount, formats.score, formats.rate, formats.percent, formats.points,
              formats.compact, formats.quantity]


@pytest.mark.parametrize("value", list(MISSING_VALUES.values()), ids=list(MISSING_VALUES))
@pytest.mark.parametrize("func", FORMATTERS, ids=lambda f: f.__name__)
def test_missing_is_a_dash(func, value):
    assert func(value) == "—"


def test_quantity_missing_has_no_unit():
    assert formats.quantity(None, "万元") == "—"


def test_formatters_return_str_for_numpy_scalars():
    for func in FORMATTERS:
        assert type(func(np.float64(1.25))) is str


# --------------------------------------------------------------------------- labels


def test_one_word_for_the_checks_label_everywhere():
    # issue "Compute once, present everywhere": the checks table's label column was 陈述项 in one place
    assert labels.COLUMNS["label"] == "核对项"
    assert labels.DOCX_TABLES["checks"][0] == "核对项"


def test_national_form_headings_are_built_from_the_column_words():
    assert labels.INDICATOR_FORM == ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                     "偏差原因分析及改进措施")
    assert labels.BUDGET_FORM == ("年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分")


def test_status_words():
    assert (labels.STATUS[True], labels.STATUS[False], labels.STATUS[None]) == ("一致", "不一致", "仅列示")


def test_label_maps_are_read_only():
    with pytest.raises(TypeError):
        labels.COLUMNS["label"] = "陈述项"


def test_message_templates_fill_their_placeholders():
    assert messages.GAP_NOTE.format(prior=2020, missing="2021、2022", span=3) == \
        "比较基期为2020年（非连续，缺2021、2022年；变动为3年累计）"
    assert messages.WITH_REASON.format(what=messages.NO_PRIOR, why="2021年不在数据中") == "无上年数据（2021年不在数据中）"


def test_stated_score_reads_the_same_in_the_workbook_the_report_and_the_index():
    # it was 报告自评得分 on the index page and in the notebooks, 报告陈述得分 in the .xlsx and the .docx
    assert "报告陈述得分" in labels.SUMMARY_FORM
    assert "报告陈述得分" in labels.DOCX_TABLES["scores"]
    assert labels.INDEX_COLUMNS[-1] == "报告陈述得分"


def test_scoring_reason_reads_the_same_in_every_table():
    # it was 说明 in the notebooks and 评分依据（perfkit 计算） in the .xlsx and the .docx
    assert labels.COLUMNS["reason"] == "评分依据"
    assert labels.DOCX_TABLES["reasons"][-1] == labels.DOCX_TABLES["management"][-1] == "评分依据"


def test_management_table_words():
    # the notebooks said 管理效率指标 / 数值, the .xlsx and the .docx 管理指标 / 计算值
    assert labels.MANAGEMENT_FORM[:2] == labels.DOCX_TABLES["management"][:2] == ("管理指标", "计算值")


# --------------------------------------------------------------------------- no shown text outside perfkit/text

PACKAGE = Path(__file__).resolve().parents[1] / "perfkit"
_CJK = re.compile(r"[\u3400-\u9fff]")


def _docstrings(tree: ast.AST) -> set[int]:
    """Return the ids of the string constants that are docstrings or bare string statements."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _recognised(tree: ast.Module) -> set[int]:
    """Return the ids of the nodes inside module-level constants the module names in ``RECOGNISED_INPUT``.

    A module declares which of its constants are vocabulary perfkit recognises in
    its input (unit words, level words, regular expressions) rather than text it shows.
    """
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RECOGNISED_INPUT"
                                                for t in node.targets):
            names = set(ast.literal_eval(node.value))
    inside: set[int] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        if targets and all(isinstance(t, ast.Name) and t.id in names for t in targets):
            inside |= {id(sub) for sub in ast.walk(node)}
    return inside


def cjk_literals(path: Path) -> list[tuple[int, str]]:
    """Return (line, text) of every string literal with Chinese in it (an f-string counts once)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip = _docstrings(tree) | _recognised(tree)
    found, parts = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts |= {id(v) for v in node.values}
            if id(node) not in skip and any(isinstance(v, ast.Constant) and _CJK.search(v.value) for v in node.values):
                found.append((node.lineno, ast.get_source_segment(source, node)))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and _CJK.search(node.value)
                and id(node) not in skip and id(node) not in parts):
            found.append((node.lineno, node.value))
    return sorted(found)


def cjk_literals_by_package() -> Counter:
    """Return the number of Chinese literals per perfkit subpackage (or top-level module), perfkit/text excluded."""
    counts: Counter = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "text":
            continue
        n = len(cjk_literals(path))
        if n:
            counts[rel.parts[0] if len(rel.parts) > 1 else rel.stem] += n
    return counts


def test_literal_counter_skips_docstrings_and_declared_vocabulary(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""模块说明"""\nRECOGNISED_INPUT = ("_WORDS",)\n_WORDS = ("合计", "万元")\nSHOWN = "一致"\n\n\n'
                      'def f(x):\n    """函数说明"""\n    return f"第 {x} 行" + "无法复算"\n', encoding="utf-8")
    assert cjk_literals(module) == [(4, "一致"), (9, 'f"第 {x} 行"'), (9, "无法复算")]


# After the move (issue #10 point 4), 1805 literals outside perfkit/text became 167, none of them shown text;
# the OCR-table reading merged after it added 54 more input words and patterns, and other work a few more (258).
# Then numeric.py's reasons were built from perfkit.text.judging's templates, the findings' sample values moved to
# perfkit/text/samples.py and the table readers' review notes to perfkit/text/extract.py (142).  Last, the labels
# of the figures sentences.py reads (全年预算数, 同比下降 …) moved to perfkit/text/extract.py, the batch font
# warm-up text to perfkit/text/batch.py, the rule-set file word was taken from perfkit/text/rules.py, the stated
# kinds, 分 and 万 and the 资金来源 line type are named in perfkit/text/vocabulary.py, the scope types in
# perfkit/ingest/schema.py, and every word and pattern of published forms extract still wrote inline is a named
# constant in its module's RECOGNISED_INPUT.  None is left: a new shown text belongs in perfkit/text; a recognised
# input word goes in a constant the module names in RECOGNISED_INPUT (or in perfkit/text/vocabulary.py).  This
# bound only goes down.
MAX_CJK_LITERALS = 0


def test_shown_text_lives_in_perfkit_text():
    counts = cjk_literals_by_package()
    assert sum(counts.values()) <= MAX_CJK_LITERALS, dict(counts)
