"""Bad, broken and hostile inputs through the ``perfkit`` command, as a user would meet them.

Each case breaks one thing in a copy of the reference department (small, and
valid as shipped), runs ``perfkit`` in a subprocess and asserts what the user
sees: the message (file, row, column, value, what was expected), the exit
code (0 fine or notice only, 1 data error, 2 usage error), no traceback, the
input files unchanged byte for byte and nothing new in the data folder.
The expected texts come from the breakage itself (the row and value the case
wrote), not from perfkit's output.
"""
from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

import perfkit
from perfkit.present import views

from builders import copy_department
from conftest import REFERENCE, ROOT

CODE = REFERENCE.name  # yuexiu-police


def run_perfkit(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Return the finished ``python -m perfkit.cli ARGS`` run with this checkout first on the path."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    env.pop("PERFKIT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "perfkit.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def hashes(folder: Path) -> dict[str, str]:
    """Return ``{relative path: sha256}`` of every file under ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- editing a copy


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(fname: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Return an edit setting one cell; ``row`` is the spreadsheet row (2 = first data row)."""
    def edit(dept: Path) -> None:
        rows = read_rows(dept / fname)
        rows[row - 1][rows[0].index(column)] = value
        write_rows(dept / fname, rows)
    return edit


def edit_text(fname: str, fn: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(dept: Path) -> None:
        path = dept / fname
        path.write_text(fn(path.read_text(encoding="utf-8")), encoding="utf-8")
    return edit


def edit_line(fname: str, row: int, fn: Callable[[str], str]) -> Callable[[Path], None]:
    """Return an edit of one raw line of a file (to break its CSV structure, not a cell)."""
    def change(text: str) -> str:
        lines = text.split("\n")
        lines[row - 1] = fn(lines[row - 1])
        return "\n".join(lines)
    return edit_text(fname, change)


def write_bytes(fname: str, data: bytes | Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def edit(dept: Path) -> None:
        path = dept / fname
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)
    return edit


def drop_column(fname: str, column: str) -> Callable[[Path], None]:
    def edit(dept: Path) -> None:
        rows = read_rows(dept / fname)
        i = rows[0].index(column)
        write_rows(dept / fname, [r[:i] + r[i + 1:] for r in rows])
    return edit


def add_column(fname: str, column: str) -> Callable[[Path], None]:
    def edit(dept: Path) -> None:
        rows = read_rows(dept / fname)
        write_rows(dept / fname, [rows[0] + [column]] + [r + [""] for r in rows[1:]])
    return edit


def append_copy_of_row(fname: str, row: int) -> Callable[[Path], None]:
    def edit(dept: Path) -> None:
        rows = read_rows(dept / fname)
        write_rows(dept / fname, rows + [rows[row - 1]])
    return edit


def rename_everywhere(old: str, new: str) -> Callable[[Path], None]:
    """Return an edit renaming an id in every CSV file (so only the id itself is wrong)."""
    def edit(dept: Path) -> None:
        for path in dept.glob("*.csv"):
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return edit


def all_of(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(dept: Path) -> None:
        for e in edits:
            e(dept)
    return edit


def yaml_line(old: str, new: str) -> Callable[[Path], None]:
    return edit_text("department.yaml", lambda t: t.replace(old, new, 1))


def junk(size: int, seed: int = 0) -> bytes:
    """Return ``size`` reproducible random bytes (certain to hold a NUL byte)."""
    return b"\x00" + random.Random(seed).randbytes(size - 1)


def cell(fname: str, row: int, column: str, value: str) -> str:
    """Return how a problem names one cell: ``budget.csv 第2行 列「budget」：值「0」``."""
    return f"{fname} 第{row}行 列「{column}」：值「{value}」"


YAML_LINE = next(i for i, line in enumerate((REFERENCE / "department.yaml").read_text(encoding="utf-8")
                                              .splitlines(), 1) if line.startswith("level:"))
IND_HEADER = (REFERENCE / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
BUDGET_HEADER = (REFERENCE / "budget.csv").read_text(encoding="utf-8").splitlines()[0]


# --------------------------------------------------------------------------- the cases


@dataclass
class Case:
    """One bad input: how to break the copy, the exit code and the texts the user must see."""

    id: str
    edit: Callable[[Path], None]
    code: int
    says: list[str]
    args: tuple[str, ...] = ()
    not_says: list[str] = field(default_factory=list)
    n_problems: int | None = None  # the total ``perfkit check`` must count, when the point is "one, not many"


CASES = [
    # ---- structure of a CSV file
    Case("extra_comma_on_a_later_row", edit_line("budget.csv", 3, lambda l: l.replace("报告未给出该专项", "报告未给出,该专项")),
         1, ["budget.csv 第3行", "有 11 个字段，而表头有 10 列", "未加引号的逗号"], n_problems=1),
    Case("extra_comma_on_the_first_data_row", edit_line("budget.csv", 2, lambda l: l.replace("年初预算数报告", "年初,预算数报告")),
         1, ["budget.csv 第2行", "有 11 个字段，而表头有 10 列"], not_says=["应为数字", "缺少「合计」"], n_problems=1),
    Case("comma_missing", edit_line("finance.csv", 3, lambda l: l.replace("199822.71,万元", "199822.71万元")),
         1, ["finance.csv 第3行", "有 5 个字段，而表头有 6 列", "缺少字段"], n_problems=1),
    Case("unclosed_quote", edit_line("indicators.csv", 5, lambda l: l.replace(",公安热线办结率,", ',"公安热线办结率,')),
         1, ["indicators.csv 第5行", "而表头有 15 列", "引号未闭合"], n_problems=1),
    Case("junk_text_file", write_bytes("budget.csv", "这不是表格\n随便写的一些字，没有表头\n".encode()),
         1, ["budget.csv 第1行", "不是本文件的表头", "year、scope_id"], n_problems=1),
    Case("binary_file", write_bytes("indicators.csv", junk(4096)), 1, ["indicators.csv", "不是文本文件"], n_problems=1),
    Case("junk_file_of_10_mb", write_bytes("budget.csv", junk(10 * 2**20, seed=1)),
         1, ["budget.csv", "不是文本文件", "CSV UTF-8"], n_problems=1),
    Case("workbook_saved_as_csv", write_bytes("scopes.csv", b"PK\x03\x04" + junk(512, seed=2)),
         1, ["scopes.csv", "Excel 工作簿", "perfkit import"], n_problems=1),
    Case("utf16_file", write_bytes("finance.csv", lambda b: b.decode("utf-8").encode("utf-16")),
         1, ["finance.csv", "UTF-16"], n_problems=1),
    Case("control_character_in_a_name", set_cell("scopes.csv", 3, "name", "见义勇为\x07专项资金"),
         1, ["scopes.csv 第3行", "控制字符 U+0007"], n_problems=1),
    Case("empty_file", write_bytes("indicators.csv", b""), 1, ["indicators.csv", "文件为空"]),
    # budget.csv must have rows; indicators.csv may be header-only (a narrative report has no table, issue 11)
    Case("header_only", write_bytes("budget.csv", (BUDGET_HEADER + "\n").encode()), 1,
         ["budget.csv", "只有表头，没有数据行"]),
    Case("missing_column", drop_column("budget.csv", "executed"), 1,
         ["budget.csv 第1行 列「executed」", "缺少必需的列「executed」"], n_problems=1),
    Case("unknown_extra_column", add_column("finance.csv", "remark"), 0,
         ["提示：", "finance.csv", "列「remark」不是本文件定义的列", "数据校验通过"]),
    # ---- encodings and line ends that are fine
    Case("gbk_file", write_bytes("finance.csv", lambda b: b.decode("utf-8").encode("gbk")), 0,
         ["提示：", "finance.csv", "GB18030", "数据校验通过"]),
    Case("utf8_bom", write_bytes("budget.csv", lambda b: b"\xef\xbb\xbf" + b), 0, ["数据校验通过"]),
    Case("crlf_line_ends", all_of(*(write_bytes(f, lambda b: b.replace(b"\n", b"\r\n"))
                                    for f in ("scopes.csv", "budget.csv", "indicators.csv", "stated.csv"))),
         0, ["数据校验通过", "0 项不一致"]),
    # ---- numbers
    Case("text_in_number", set_cell("budget.csv", 2, "budget", "二十万"), 1,
         [cell("budget.csv", 2, "budget", "二十万"), "应为数字"]),
    Case("negative_amount", set_cell("budget.csv", 2, "executed", "-5"), 1,
         [cell("budget.csv", 2, "executed", "-5"), "金额不能为负数"]),
    Case("full_width_amount_is_read", set_cell("budget.csv", 2, "budget", "２００９６３．７０"), 0,
         ["budget.csv 列「budget」第 2 行含全角数字", "「２００９６３．７０」→「200963.70」", "数据校验通过", "0 项不一致"]),
    Case("full_width_separator_is_read", set_cell("budget.csv", 2, "executed", "１９９，４６６．５９"), 0,
         ["budget.csv 列「executed」第 2 行含全角", "→「199,466.59」", "数据校验通过", "0 项不一致"]),
    Case("full_width_year_is_read", set_cell("indicators.csv", 2, "year", "２０２３"), 0,
         ["indicators.csv 列「year」第 2 行含全角", "数据校验通过"]),
    Case("full_width_percent_is_refused", set_cell("stated.csv", 4, "value", "９９．３％"), 1,
         [cell("stated.csv", 4, "value", "９９．３％"), "不带 % 号"]),
    Case("other_script_digits_are_refused", set_cell("finance.csv", 2, "amount", "٢٠١٨٨١"), 1,
         [cell("finance.csv", 2, "amount", "٢٠١٨٨١"), "应为数字", "0–9"]),
    Case("zero_budget_with_spending", set_cell("budget.csv", 2, "budget", "0"), 1,
         [cell("budget.csv", 2, "budget", "0"), "全年预算数为 0", "「199466.59」"]),
    Case("missing_budget_with_spending", set_cell("budget.csv", 2, "budget", ""), 1,
         [cell("budget.csv", 2, "budget", ""), "全年预算数为空", "「199466.59」"]),
    Case("spending_ten_times_the_budget", set_cell("budget.csv", 2, "executed", "1994665.90"), 1,
         [cell("budget.csv", 2, "executed", "1994665.90"), "9.9 倍", "超过 1.5 倍", "元/万元"]),
    Case("unknown_unit", set_cell("finance.csv", 2, "unit", "千元"), 1,
         [cell("finance.csv", 2, "unit", "千元"), "未知金额单位"]),
    Case("mixed_yuan_and_wanyuan", all_of(set_cell("finance.csv", 3, "amount", "1998227100"),
                                          set_cell("finance.csv", 3, "unit", "元")), 1,
         [cell("finance.csv", 3, "unit", "元"), "混用了「元」与「万元」"]),
    # ---- rows and references
    Case("duplicate_indicator", append_copy_of_row("indicators.csv", 2), 1,
         [cell("indicators.csv", 12, "year,indicator_id", "2023 / w01"), "指标代码重复（与第 2 行相同）"]),
    Case("unknown_scope", set_cell("budget.csv", 3, "scope_id", "nosuch"), 1,
         [cell("budget.csv", 3, "scope_id", "nosuch"), "范围在 scopes.csv 的 2023 年中不存在"]),
    Case("undeclared_year", set_cell("scopes.csv", 3, "year", "2203"), 1,
         [cell("scopes.csv", 3, "year", "2203"), "未知年度", "已声明：2023"]),
    Case("orphan_sub_row", set_cell("indicators.csv", 3, "parent_id", "w99"), 1,
         [cell("indicators.csv", 3, "parent_id", "w99"), "父指标在 2023 年不存在"]),
    Case("merged_cell_blanks", all_of(set_cell("indicators.csv", 3, "year", ""), set_cell("indicators.csv", 3, "scope_id", ""),
                                      set_cell("indicators.csv", 4, "year", ""), set_cell("indicators.csv", 4, "scope_id", "")),
         1, [cell("indicators.csv", 3, "year", ""), cell("indicators.csv", 4, "scope_id", ""), "不能为空", "合并了单元格"]),
    Case("weights_not_summing", all_of(set_cell("indicators.csv", 10, "weight", "70"),
                                       set_cell("indicators.csv", 11, "weight", "50")), 1,
         ["indicators.csv", "分值合计", "jianyiyongwei", "120", "总分为 100", "--strict"], args=("--strict",)),
    # ---- what scoring finds, next to file validation
    Case("unreadable_target", set_cell("indicators.csv", 4, "target", "@@??"), 1,
         [cell("indicators.csv", 4, "target", "@@??"), "无法识别的年度指标值写法", "✗ yuexiu-police"],
         not_says=["数据校验通过"]),
    Case("unknown_level1", set_cell("indicators.csv", 2, "level1", "奇怪指标"), 1,
         [cell("indicators.csv", 2, "level1", "奇怪指标"), "没有这个一级指标"], not_says=["数据校验通过"]),
    # ---- the report's own problems and measures (narrative.csv, issue 13)
    Case("narrative_unknown_section", set_cell("narrative.csv", 3, "section", "改进建议"), 1,
         [cell("narrative.csv", 3, "section", "改进建议"), "章节应为：存在的主要问题、下一步改进措施"], n_problems=1),
    Case("narrative_empty_text", set_cell("narrative.csv", 2, "text", ""), 1,
         [cell("narrative.csv", 2, "text", ""), "不能为空"], n_problems=1),
    Case("narrative_unknown_scope", set_cell("narrative.csv", 4, "scope_id", "nosuch"), 1,
         [cell("narrative.csv", 4, "scope_id", "nosuch"), "范围在 scopes.csv 的 2023 年中不存在"], n_problems=1),
    # ---- department.yaml
    Case("yaml_syntax_error", yaml_line("level: 区县级", "level: 区县级: 市辖"), 1,
         [f"department.yaml 第{YAML_LINE}行", "YAML 格式错误"], n_problems=1),
    Case("code_not_the_directory", yaml_line(f"code: {CODE}", "code: other-dept"), 1,
         ["department.yaml 字段「code」：值「other-dept」", f"应与目录名一致（{CODE}）"]),
    Case("code_with_dot_dot", yaml_line(f"code: {CODE}", "code: ../evil"), 1,
         ["department.yaml 字段「code」：值「../evil」", "只能用小写字母"]),
    Case("broken_rule_set_file", all_of(write_bytes("mine.yaml", b"extends: [cz2020\n"),
                                        yaml_line("rule_set: cz2020", "rule_set: mine.yaml")), 1,
         ["mine.yaml", "不是有效的 YAML", "line 1"], n_problems=1),
    # ---- hostile ids and formulas
    Case("dot_dot_in_scope_id", rename_everywhere("jianyiyongwei", "../jian"), 1,
         [cell("scopes.csv", 3, "scope_id", "../jian"), "路径符号"]),
    Case("separator_in_scope_id", rename_everywhere("jianyiyongwei", "a/b"), 1,
         [cell("scopes.csv", 3, "scope_id", "a/b"), "路径符号"]),
    Case("backslash_in_indicator_id", set_cell("indicators.csv", 4, "indicator_id", "..\\w03"), 1,
         [cell("indicators.csv", 4, "indicator_id", "..\\w03"), "路径符号"]),
    Case("code_in_stated_formula", set_cell("stated.csv", 2, "expr", "__import__('os').system('touch PWNED')"), 1,
         [cell("stated.csv", 2, "expr", "__import__('os').system('touch PWNED')"), "不能调用", "__import__"]),
    Case("attribute_access_in_formula", set_cell("stated.csv", 3, "expr", "executed('whole').__class__"), 1,
         [cell("stated.csv", 3, "expr", "executed('whole').__class__"), "复算公式"]),
    Case("markup_in_names_is_plain_text_in_the_terminal",
         all_of(yaml_line("name: 广州市公安局越秀区分局", 'name: "分局<script>alert(1)</script>"'),
                set_cell("scopes.csv", 2, "name", "[x](javascript:alert(1)){{ x }}")), 0,
         [f"✓ {CODE}（分局<script>alert(1)</script>）：数据校验通过"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_through_perfkit_check(tmp_path, case):
    data = tmp_path / "data"
    copy_department(REFERENCE, data)
    case.edit(data / CODE)
    before = hashes(data)
    res = run_perfkit("check", "--data", str(data), "--dept", CODE, *case.args, cwd=tmp_path)
    out = res.stdout + res.stderr
    assert "Traceback" not in out
    assert res.returncode == case.code, out
    for text in case.says:
        assert text in out, f"{text!r} not in:\n{out}"
    for text in case.not_says:
        assert text not in out, out
    if case.n_problems is not None:
        assert f"{case.n_problems} 个数据问题" in out, out
    assert hashes(data) == before  # inputs unchanged, nothing written beside them
    assert not list(tmp_path.rglob("PWNED"))


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize("args, says", [
    (("check", "--dept", "../yuexiu-police"), "未知部门：../yuexiu-police"),
    (("check", "--dept", "nope"), "未知部门：nope"),
    (("check", "--bogus"), "unrecognized arguments"),
    (("render", "--dept", "x'); __import__('os').system('touch PWNED') #", "--no-progress"), "未知部门"),
    (("render", "--year", "二〇二三"), "invalid int value"),
], ids=["dot-dot-department", "unknown-department", "unknown-option", "code-in-department-parameter",
        "year-not-a-number"])
def test_usage_errors_exit_2_before_any_work(tmp_path, args, says):
    data = tmp_path / "data"
    copy_department(REFERENCE, data)
    before = hashes(data)
    res = run_perfkit(*args, "--data", str(data), cwd=tmp_path)
    assert res.returncode == 2, res.stdout + res.stderr
    assert says in res.stderr and "Traceback" not in res.stderr
    assert hashes(data) == before
    assert not list(tmp_path.rglob("PWNED"))
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- output that cannot be written


def _blocked_by_a_file(tmp_path: Path) -> Path:
    """Return an output directory that cannot be created: a regular file sits where its parent should be."""
    (tmp_path / "occupied").write_text("a file, not a folder", encoding="utf-8")
    return tmp_path / "occupied" / "out"


def _read_only_dir(tmp_path: Path) -> Path:
    """Return an existing directory this process cannot write to; skip where that cannot be arranged."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except OSError:
        return folder
    (folder / "probe").unlink()
    # root ignores permission bits; the immutable attribute stops root too (where chattr is allowed)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        folder.chmod(0o755)
        pytest.skip("cannot make a directory read-only for this user (root without chattr)")
    return folder


def _release(folder: Path) -> None:
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def _command(kind: str, out: Path, data: Path, book: Path) -> tuple[str, ...]:
    return {
        "render": ("render", "--data", str(data), "--out", str(out), "--dept", CODE, "--no-progress", "--workers", "1"),
        "template": ("template", str(out / "模板.xlsx")),
        "export": ("export", str(out / "导出.xlsx"), "--dept", CODE, "--data", str(data)),
        "import": ("import", str(book), "--data", str(out)),
    }[kind]


HINTS = {"render": "--out", "template": "输出文件路径", "export": "输出文件路径", "import": "--data"}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    """Return a filled workbook of the reference department (exported once)."""
    folder = tmp_path_factory.mktemp("book")
    book = folder / "ref.xlsx"
    res = run_perfkit("export", str(book), "--dept", CODE, "--data", str(REFERENCE.parent), cwd=folder)
    assert res.returncode == 0, res.stderr
    return book


@pytest.mark.parametrize("blocker", ["file-in-the-way", "read-only"])
@pytest.mark.parametrize("kind", ["render", "template", "export", "import"])
def test_unwritable_output_is_one_line_naming_the_directory(tmp_path, workbook, kind, blocker):
    data = tmp_path / "data"
    copy_department(REFERENCE, data)
    out = _blocked_by_a_file(tmp_path) if blocker == "file-in-the-way" else _read_only_dir(tmp_path)
    before, book_before = hashes(data), workbook.read_bytes()
    try:
        res = run_perfkit(*_command(kind, out, data, workbook), cwd=tmp_path)
        left = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    finally:
        if blocker == "read-only":
            _release(out)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert f"无法写入目录「{out}」" in lines[0] and HINTS[kind] in lines[0]
    assert hashes(data) == before and workbook.read_bytes() == book_before
    assert left == []  # nothing half-written where it could not write


# --------------------------------------------------------------------------- markup in names never becomes markup

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "link": "[x](javascript:alert(1))",
    "template": "{{ x }}",
}


class _Markup(html.parser.HTMLParser):
    """Collects what an HTML page would run or link: script bodies, event handlers, link targets, images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.targets, self.images, self.text = [], [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name in ("href", "src") and value and value.strip().lower().startswith("javascript"):
                self.targets.append(f"{tag} {name}={value}")
        if tag == "img":
            self.images.append(dict(attrs).get("src"))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def assert_inert(page: str, shown=tuple(HOSTILE.values())) -> None:
    """Assert that no hostile name became markup in ``page`` and that each of ``shown`` is there as text."""
    found = _Markup()
    found.feed(page)
    assert not [s for s in found.scripts if "alert(1)" in s]
    assert found.handlers == [] and found.targets == []
    assert "x" not in found.images
    text = "".join(found.text)
    for name in shown:
        assert name in text, name  # shown as written: not run, not linked, not templated away


@pytest.fixture(scope="module")
def hostile_dept(tmp_path_factory) -> Path:
    """Return a copy of the reference department whose names, notes and sentences carry markup."""
    dept = copy_department(REFERENCE, tmp_path_factory.mktemp("hostile") / "data")
    all_names = "".join(HOSTILE.values())
    yaml_line("name: 广州市公安局越秀区分局", f"name: '分局{all_names}'")(dept)
    set_cell("scopes.csv", 2, "name", f"整体{all_names}")(dept)
    set_cell("scopes.csv", 3, "name", f"见义勇为{HOSTILE['link']}{HOSTILE['img']}")(dept)
    set_cell("indicators.csv", 4, "name", f"共护校园数{all_names}")(dept)       # no actual: named in a finding
    set_cell("indicators.csv", 5, "name", f"热线{HOSTILE['script']}{HOSTILE['link']}")(dept)
    set_cell("indicators.csv", 8, "name", f"市民安全感{HOSTILE['img']}{HOSTILE['template']}")(dept)
    set_cell("indicators.csv", 2, "deviation_note", all_names)(dept)
    set_cell("stated.csv", 4, "sentence", f"完成预算的99.3%。{all_names}")(dept)
    return dept


def test_views_escape_names_in_markdown_and_tables(hostile_dept):
    a = perfkit.analyze(hostile_dept, 2023)
    markdown = [views.title(a, "预算执行"), views.execution_summary(a), views.score_summary(a),
                views.problems_markdown(a), views.recommendations_markdown(a)]
    # the HTML report shows Markdown as nbconvert converts it; tables as pandas writes them
    page = "".join(markdown2html_mistune(m.data) for m in markdown)
    page += "".join(t.to_html() for t in (views.indicator_table(a), views.findings_table(a), views.checks_table(a)))
    assert_inert(page)


def test_md_text_shows_data_as_written():
    for name in HOSTILE.values():
        out = markdown2html_mistune(f"# {views.md_text(name)}\n\n- **{views.md_text(name)}**：{views.md_text(name)}")
        assert_inert(out, shown=[name])
    # a line break in a name cannot start a heading or a list of its own
    assert "\n" not in views.md_text("甲\n# 乙\r\n- 丙")
    assert views.md_code("cz2020") == "`cz2020`" and views.md_code("a`b") == views.md_text("a`b")


def test_rendered_reports_show_markup_in_names_as_text(hostile_dept, tmp_path):
    data = hostile_dept.parent
    before = hashes(data)
    out = tmp_path / "reports"
    res = run_perfkit("render", "--data", str(data), "--out", str(out), "--no-progress", "--workers", "1",
                      cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 4  # index + the three notebooks of 2023
    for page in pages:
        assert_inert(page.read_text(encoding="utf-8"))
    assert hashes(data) == before


def test_departments_validated_together_report_what_each_reports_alone(tmp_path):
    """A province's folders are validated as stacked tables (perfkit.ingest.stack): every broken copy, mixed
    with sound departments and a missing folder, must get exactly the problems, notices and tables it gets
    alone, and no problem of one department may land in another's list."""
    from perfkit.ingest.loading import validate, validate_many
    from perfkit.ingest.schema import TABLE_ATTRS

    paths = []
    for j, case in enumerate(CASES):
        copy_department(REFERENCE, tmp_path / f"c{j}")
        case.edit(tmp_path / f"c{j}" / CODE)
        paths.append(tmp_path / f"c{j}" / CODE)
    paths.insert(3, ROOT / "data" / "demo-synthetic")
    paths.insert(7, tmp_path / "no-such-folder")
    paths.append(REFERENCE)
    together = validate_many(paths)
    assert len(together) == len(paths)
    n_broken = 0
    for path, (dept, problems, notices) in zip(paths, together):
        alone_dept, alone_problems, alone_notices = validate(path)
        assert problems == alone_problems, path
        assert notices == alone_notices, path
        assert all(p.file.startswith(str(path)) for p in problems), path
        n_broken += bool(problems)
        assert (dept is None) == (alone_dept is None), path
        if dept is None:
            continue
        for attr in TABLE_ATTRS.values():
            pd.testing.assert_frame_equal(getattr(dept, attr), getattr(alone_dept, attr), check_exact=True)
        assert dept.printed.keys() == alone_dept.printed.keys()
        for name in dept.printed:
            pd.testing.assert_frame_equal(dept.printed[name], alone_dept.printed[name], check_exact=True)
    assert n_broken >= 30  # most cases break the data; the sound departments stay sound
    assert not together[3][1] and not together[-1][1]
