"""Hostile inputs through the ``perfkit`` command (issue 12): code in formulas, paths in codes, names that are formulas.

Each case runs ``perfkit`` in a subprocess as an adversarial user would and
asserts the message (what was refused and why), the exit code (1 bad data,
2 usage), the inputs unchanged byte for byte, the output folder's state, and
that no planted command ran (it would create a file named ``PWNED``).  The
expected texts come from the input each case wrote, not from perfkit's output.
Also here: messages of ``perfkit import`` name the user's workbook, never the
temporary directory it validates in, and office files are written 0644.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from perfkit.ingest import workbook_layout as layout

from conftest import REFERENCE, ROOT

CODE = REFERENCE.name
SEED = ROOT.parent / "shared" / "seed" / "000_491bfd5196980171.txt"
FIRST = layout.HEADER_ROWS + 1  # first data row of a workbook's table sheet
# Python and shell code that would leave a PWNED file if any layer evaluated the text
PAYLOAD = "x'\"); __import__('os').system('touch PWNED') #\n$(touch PWNED)`touch PWNED`{x}\\"


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    env.pop("PERFKIT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "perfkit.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def nothing_ran(tmp_path: Path) -> bool:
    return not list(tmp_path.rglob("PWNED*")) and not (ROOT / "PWNED").exists()


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; ``row`` is the spreadsheet row (2 = first data row)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[row - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture
def data(tmp_path) -> Path:
    shutil.copytree(REFERENCE, tmp_path / "data" / CODE)
    return tmp_path / "data"


# --------------------------------------------------------------------------- code in stated-figure formulas

FORMULAS = {
    "power-tower": ("9**9**9", ["复算公式只允许数字、+ - * /"]),
    "dunder-chain": ("executed('whole').__class__.__base__.__subclasses__()", ["复算公式"]),
    "subclasses-of-tuple": ("().__class__.__subclasses__()", ["复算公式"]),
    "builtin-call": ("open('/etc/passwd')", ["不能调用「open」", "可用函数"]),
    "getattr": ("getattr(executed, '__globals__')", ["不能调用「getattr」"]),
    "dunder-name-as-argument": ("executed(__builtins__)", ["复算公式只允许数字"]),
    "lambda": ("(lambda: __import__('os').system('touch PWNED'))()", ["不能调用"]),
    "keyword-argument": ("executed(scope='whole')", ["名称=值"]),
    "comprehension": ("[x for x in ().__class__.__bases__]", ["复算公式只允许数字"]),
    "very-long": ("1+" * 20_000 + "1", ["复算公式过长（40001 个字符，最多 500 个）", "共 40001 个字符"]),
    "deeply-nested": ("(" * 201 + "1" + ")" * 201, ["复算公式语法错误", "too many nested parentheses"]),
    "newline-and-statement": ("1\nimport os", ["复算公式语法错误"]),
}


@pytest.mark.parametrize("expr, says", FORMULAS.values(), ids=FORMULAS.keys())
def test_stated_formula_that_is_code_is_refused_by_name(tmp_path, data, expr, says):
    set_cell(data / CODE / "stated.csv", 2, "expr", expr)
    before = hashes(data)
    res = run("check", "--data", data, cwd=tmp_path)
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert "Traceback" not in out and "内部错误" not in out
    assert "stated.csv 第2行 列「expr」" in out
    for text in says:
        assert text in out, f"{text!r} not in:\n{out[:3000]}"
    assert len(out) < 5000  # a pasted megabyte is named by its start and length, not printed
    assert hashes(data) == before and nothing_ran(tmp_path)


# --------------------------------------------------------------------------- paths in department codes


@pytest.mark.parametrize("code", ["../yuexiu-police", f"{REFERENCE.parent}/{CODE}", "a/b", "..", "x'y", PAYLOAD],
                         ids=["dot-dot", "absolute-path", "separator", "dot-dot-alone", "quote", "code-payload"])
@pytest.mark.parametrize("kind", ["export", "template", "extract"])
def test_dept_option_must_be_a_code_not_a_path(tmp_path, data, kind, code):
    (data / "sub").mkdir()
    before = hashes(data)
    out_file = tmp_path / "out.xlsx"
    args = {"export": ("export", out_file, "--dept", code, "--data", data / "sub"),
            "template": ("template", out_file, "--dept", code, "--data", data / "sub"),
            "extract": ("extract", REFERENCE / "ASSUMPTIONS.md", "--dept", code, "--year", 2023, "--out", data / "sub"),
            }[kind]
    res = run(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "--dept 应为部门代码" in res.stderr and f"「{code}」" in res.stderr and "Traceback" not in res.stderr
    assert hashes(data) == before and not out_file.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"] and nothing_ran(tmp_path)


def test_department_directory_named_as_code_is_refused_and_runs_nothing(tmp_path, data):
    hostile = "x'); __import__('os').system('touch PWNED') #"
    (data / CODE).rename(data / hostile)
    yaml = data / hostile / "department.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(f"code: {CODE}", f'code: "{hostile}"'), encoding="utf-8")
    before = hashes(data)
    for args in (("check", "--data", data), ("render", "--data", data, "--out", tmp_path / "reports", "--no-progress"),
                 ("render", "--data", data, "--out", tmp_path / "reports", "--no-progress", "--dept", hostile)):
        res = run(*args, cwd=tmp_path)
        out = res.stdout + res.stderr
        assert res.returncode == 1, out
        assert f"字段「code」：值「{hostile}」" in out and "部门代码只能用小写字母、数字、- 和 _" in out
        assert "Traceback" not in out
    assert hashes(data) == before and nothing_ran(tmp_path)
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- code in notebook parameters


def test_papermill_parameters_carry_hostile_text_as_data(tmp_path):
    nb = load_notebook_node(str(ROOT / "notebooks" / "01_预算执行.ipynb"))  # as papermill reads it to run it
    params = {"department": PAYLOAD, "year": 2023, "data_dir": PAYLOAD, "output_dir": PAYLOAD + "\r\n\"\"\"'''"}
    injected = parameterize_notebook(nb, params)
    cell = next(c for c in injected.cells if "injected-parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(cell.source, "injected-parameters", "exec"), namespace)  # what the kernel runs first
    finally:
        os.chdir(cwd)
    assert {k: namespace[k] for k in params} == params
    assert nothing_ran(tmp_path)


# --------------------------------------------------------------------------- hostile paths and names in a render


def _formula_names(dept: Path) -> dict[str, str]:
    """Give the department names that a spreadsheet would run as formulas; return them by where they went."""
    names = {"department": '=HYPERLINK("http://evil.example","点我")<b>x</b>',
             "scope": "@SUM(1+1)*cmd|' /C calc'!A0", "indicator": "+SUM(A1:A9)", "project": "=1+2"}
    yaml = dept / "department.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("name: 广州市公安局越秀区分局",
                                                            f"name: '{names['department']}'", 1), encoding="utf-8")
    set_cell(dept / "scopes.csv", 2, "name", names["scope"])
    set_cell(dept / "scopes.csv", 3, "name", names["project"])
    set_cell(dept / "indicators.csv", 2, "name", names["indicator"])
    return names


def _formula_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def _texts(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_render_with_hostile_folder_names_and_formula_names(tmp_path):
    base = tmp_path / PAYLOAD
    data = base / "data"
    shutil.copytree(REFERENCE, data / CODE)
    names = _formula_names(data / CODE)
    before = hashes(data)
    out = base / "reports"
    res = run("render", "--data", data, "--out", out, "--no-progress", "--workers", 1, cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert hashes(data) == before and nothing_ran(tmp_path)
    report = out / CODE / "2023"
    book = report / "绩效自评表.xlsx"
    assert _formula_cells(book) == []  # names are text, never formulas Excel would run
    shown = _texts(book)
    for name in names.values():
        assert name in shown, name
    docx_text = "\n".join(p.text for p in docx.Document(report / "绩效自评报告（草稿）.docx").paragraphs)
    assert names["department"] in docx_text
    for f in (book, report / "绩效自评报告（草稿）.docx", report / "summary.json"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o666 & ~_umask(), f.name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("kind", ["export", "template"])
def test_exported_workbook_keeps_formula_names_as_text_and_mode_0644(tmp_path, data, kind):
    names = _formula_names(data / CODE)
    book = tmp_path / f"{kind}.xlsx"
    res = run(kind, book, "--dept", CODE, "--data", data, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert _formula_cells(book) == []
    assert names["department"] in _texts(book)
    assert stat.S_IMODE(book.stat().st_mode) == 0o666 & ~_umask()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left beside it


# --------------------------------------------------------------------------- import: hostile codes, the user's file named


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    res = run("export", folder / "ref.xlsx", "--dept", CODE, "--data", REFERENCE.parent, cwd=folder)
    assert res.returncode == 0, res.stderr
    return folder / "ref.xlsx"


def _edited(workbook: Path, tmp_path: Path, edit) -> Path:
    wb = openpyxl.load_workbook(workbook)
    edit(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def _set_meta(key: str, value):
    def edit(wb):
        ws = wb[layout.META_SHEET]
        ws.cell(next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == key), 3, value)
    return edit


def _set_scope_id(value: str):
    def edit(wb):
        wb["评价范围"].cell(FIRST + 1, 2, value)
    return edit


IMPORTS = {
    "code-dot-dot": (_set_meta("code", "../evil"), ["列「部门代码」：值「../evil」", "只能用小写字母"]),
    "code-separator": (_set_meta("code", "a/b"), ["值「a/b」", "只能用小写字母"]),
    "code-dot-dot-alone": (_set_meta("code", ".."), ["值「..」", "只能用小写字母"]),
    "code-payload": (_set_meta("code", PAYLOAD), ["只能用小写字母"]),
    "scope-id-dot-dot": (_set_scope_id("../jian"), ["工作表「评价范围」", "值「../jian」", "路径符号"]),
    "scope-id-separator": (_set_scope_id("a\\b"), ["值「a\\b」", "路径符号"]),
    "missing-sheet": (lambda wb: wb.remove(wb["绩效指标"]), ["缺少工作表「绩效指标」", "1 个问题"]),
}


@pytest.mark.parametrize("edit, says", IMPORTS.values(), ids=IMPORTS.keys())
def test_import_refuses_hostile_ids_naming_the_workbook(tmp_path, workbook, edit, says):
    book = _edited(workbook, tmp_path, edit)
    data = tmp_path / "data"
    data.mkdir()
    res = run("import", book, "--data", data, cwd=tmp_path)
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert f"✗ {book}：" in out and "未写入任何文件" in out and "Traceback" not in out
    for text in says:
        assert text in out, f"{text!r} not in:\n{out}"
    problems = [line for line in out.splitlines() if line.startswith("    - ")]
    assert problems and all(line.startswith(f"    - {book}") for line in problems), out  # never a temporary path
    assert "perfkit-import-" not in out
    assert list(data.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["data", "edited.xlsx"]
    assert nothing_ran(tmp_path)


def test_import_merge_into_gbk_files_names_only_the_users_files(tmp_path, workbook):
    data = tmp_path / "data"
    shutil.copytree(REFERENCE, data / CODE)
    for f in (data / CODE).glob("*.csv"):
        f.write_bytes(f.read_text(encoding="utf-8").encode("gb18030"))
    book_before = workbook.read_bytes()
    res = run("import", workbook, "--data", data, "--merge", cwd=tmp_path)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    assert f"✓ 已导入 广州市公安局越秀区分局（{CODE}）到 {data / CODE}" in out
    assert "perfkit-import-" not in out and "/tmp/tmp" not in out
    for f in REFERENCE.glob("*.csv"):  # rewritten in UTF-8
        (data / CODE / f.name).read_bytes().decode("utf-8")
    assert workbook.read_bytes() == book_before
    checked = run("check", "--data", data, cwd=tmp_path)
    assert checked.returncode == 0 and "GB18030" not in checked.stdout and "数据校验通过" in checked.stdout


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seed is not beside the checkout")
def test_extract_of_a_gbk_report_names_no_temporary_path(tmp_path):
    report = tmp_path / "报告.txt"
    report.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    res = run("extract", report, "--dept", "gbk-draft", "--year", 2023, "--out", tmp_path / "data", cwd=tmp_path)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    assert "perfkit-import-" not in out and "/tmp/tmp" not in out
    assert (tmp_path / "data" / "gbk-draft" / "extraction.md").is_file()
