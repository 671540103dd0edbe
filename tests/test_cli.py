"""The ``perfkit`` command: sub-commands, exit codes, and errors without tracebacks."""
from __future__ import annotations

import shutil
import subprocess
import sys


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
    dept = tmp_path / "yuexiu-police"
    shutil.copytree(REFERENCE, dept)
    text = (dept / "budget.csv").read_text(encoding="utf-8")
    (dept / "budget.csv").write_text(text.replace("200963.70", "二十万").replace("199466.59", "-5"), encoding="utf-8")
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
