"""The ``perfkit`` command: sub-commands, exit codes, and errors without tracebacks."""
from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from perfkit import cli
from perfkit.errors import DataError, Problem, RenderError, RuleSetError

from builders import copy_department, replace_in
from conftest import DATA, REFERENCE


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "perfkit.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_help_lists_subcommands():
    out = run("--help").stdout
    for command in ("check", "render", "template", "import", "export"):
        assert command in out


def test_check_passes_on_shipped_data_and_reports_stated_figures():
    res = run("check", "--data", str(DATA))
    assert res.returncode == 0, res.stderr
    assert "✓ yuexiu-police" in res.stdout and "✓ demo-synthetic" in res.stdout
    # the synthetic department has planted mismatches; the reference case has none
    assert "不一致" in res.stdout
    assert run("check", "--data", str(DATA), "--strict").returncode == 1


def test_check_bad_data_lists_problems_without_traceback(tmp_path):
    dept = copy_department(REFERENCE, tmp_path)
    replace_in(dept / "budget.csv", "200963.70", "二十万", count=-1)
    replace_in(dept / "budget.csv", "199466.59", "-5", count=-1)
    res = run("check", "--data", str(tmp_path))
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert "budget.csv 第2行 列「budget」：值「二十万」，应为数字" in res.stdout
    assert "列「executed」：值「-5」，金额不能为负数" in res.stdout


def test_render_unknown_department_fails_before_any_kernel(tmp_path):
    res = run("render", "--data", str(DATA), "--out", str(tmp_path / "out"), "--dept", "nope", "--no-progress")
    assert res.returncode == 2
    assert "nope" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out" / "nope").exists()


def test_template_then_import_roundtrip_via_cli(tmp_path):
    book = tmp_path / "ref.xlsx"
    assert run("export", str(book), "--dept", "yuexiu-police", "--data", str(DATA)).returncode == 0
    res = run("import", str(book), "--data", str(tmp_path / "data"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "data" / "yuexiu-police" / "indicators.csv").is_file()


# ---------------------------------------------------------------- exit codes and messages at the boundary (issue 12)


def _fail_with(monkeypatch, exc):
    """Make every sub-command raise ``exc`` (the handler, not the work, is under test)."""
    def raising(_args):
        raise exc
    monkeypatch.setattr(cli, "_cmd_render", raising)
    monkeypatch.setattr(cli, "_lazy", lambda module, name: raising)


@pytest.mark.parametrize("argv, exc, says", [
    (["render", "--out", "reports"], PermissionError(errno.EACCES, "Permission denied", "reports/.staging"),
     ["无法写入目录「reports」", "没有写入权限", "--out"]),
    (["render", "--out", "reports"], OSError(errno.ENOSPC, "No space left on device", "reports/x/summary.json"),
     ["无法写入目录「reports」", "磁盘空间已满"]),
    (["render", "--out", "reports"], OSError(errno.EROFS, "Read-only file system", "reports"),
     ["文件系统只读"]),
    (["template", "out/模板.xlsx"], PermissionError(errno.EACCES, "Permission denied", "out/模板.xlsx"),
     ["无法写入目录「out」", "输出文件路径"]),
    (["export", "out/x.xlsx", "--dept", "d"], NotADirectoryError(errno.ENOTDIR, "Not a directory", "out"),
     ["无法写入目录「out」", "不是目录"]),
    (["import", "book.xlsx", "--data", "mydata"], PermissionError(errno.EPERM, "Operation not permitted", "mydata/d"),
     ["无法写入目录「mydata」", "--data"]),
], ids=["render-permission", "render-disk-full", "render-read-only-fs", "template", "export-file-in-the-way",
        "import"])
def test_os_errors_are_one_line_naming_the_directory(monkeypatch, capsys, argv, exc, says):
    _fail_with(monkeypatch, exc)
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for text in says:
        assert text in err, err


@pytest.mark.parametrize("exc, code, says", [
    (DataError(Problem("d/budget.csv", 2, "budget", "x", "应为数字")), 1, "d/budget.csv 第2行"),
    (RuleSetError("规则集 mine.yaml 缺少 weights"), 1, "缺少 weights"),
    (RenderError("未知部门：nope"), 2, "未知部门"),
    (KeyboardInterrupt(), 130, "已中断"),
    (ZeroDivisionError("division by zero"), 3, "内部错误（ZeroDivisionError"),
], ids=["data-error", "rule-set-error", "usage-error", "interrupted", "bug"])
def test_errors_map_to_exit_codes_without_traceback(monkeypatch, capsys, exc, code, says):
    monkeypatch.delenv(cli.DEBUG_ENV_VAR, raising=False)
    _fail_with(monkeypatch, exc)
    assert cli.main(["render"]) == code
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_debug_env_var_shows_the_traceback_of_a_bug(monkeypatch):
    monkeypatch.setenv(cli.DEBUG_ENV_VAR, "1")
    _fail_with(monkeypatch, ZeroDivisionError("division by zero"))
    with pytest.raises(ZeroDivisionError):
        cli.main(["render"])


def test_usage_error_exits_2():
    res = run("check", "--no-such-option")
    assert res.returncode == 2 and "Traceback" not in res.stderr


def _copy(tmp_path):
    return copy_department(REFERENCE, tmp_path)


def test_check_reports_what_scoring_cannot_read_and_fails(tmp_path):
    dept = _copy(tmp_path)
    replace_in(dept / "indicators.csv", ",产出指标,数量指标,案件类警情,", ",无此指标,数量指标,案件类警情,")
    replace_in(dept / "indicators.csv", ",共护校园数,263,", ",共护校园数,??,")
    res = run("check", "--data", str(tmp_path))
    assert res.returncode == 1, res.stdout + res.stderr
    assert "数据校验通过" not in res.stdout
    assert "indicators.csv 第2行 列「level1」：值「无此指标」" in res.stdout
    assert "indicators.csv 第4行 列「target」：值「??」，无法识别的年度指标值写法" in res.stdout
    assert "共 2 个数据问题" in res.stderr


def test_check_shows_a_formula_the_data_cannot_answer(tmp_path):
    dept = _copy(tmp_path)
    replace_in(dept / "stated.csv", "finance('总收入')", "finance('无此项')")
    res = run("check", "--data", str(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "数据校验通过" not in res.stdout
    assert "1 项公式无法复算" in res.stdout
    assert "? 总收入：无法复算 201881.94万元：finance.csv 中没有 2023 年的「无此项」" in res.stdout
    assert "stated.csv 第 5 行" in res.stdout
    assert run("check", "--data", str(tmp_path), "--strict").returncode == 1


def test_check_counts_indicators_it_cannot_score():
    # the reference report publishes few actual values: what cannot be scored is counted, and is no error
    res = run("check", "--data", str(DATA), "--dept", "yuexiu-police")
    assert res.returncode == 0
    assert "✓ yuexiu-police（广州市公安局越秀区分局）：数据校验通过" in res.stdout
    assert "项指标无法评分" in res.stdout
