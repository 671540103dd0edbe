"""A full disk, met by the real ``perfkit`` commands in a subprocess (issue 12).

The fault is ``tests/faults/sitecustomize.py``, put first on ``PYTHONPATH`` of
the command: every process started from that environment imports it, so the
render's worker processes and their Jupyter kernels (which inherit the
worker's environment, see ``perfkit.batch.pool.WorkerHandle`` and
``perfkit.batch.kernels``) meet the same fault as the command itself.  Writes
into the output folder fail with ENOSPC after a number of bytes (per
process); writes elsewhere succeed.  Where this test runs as root and can
mount a tmpfs, a real 2.5 MB file system is filled as well.

Each case asserts what the user sees (the disk is full, what to do), exit 1,
no traceback and no temporary path, the inputs unchanged byte for byte and
the output folder exactly as the earlier good run left it: no staging
folder, no temporary file, no half-written report.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import REFERENCE, ROOT

CODE = REFERENCE.name
FAULTS = Path(__file__).resolve().parent / "faults"
SEED = ROOT.parent / "shared" / "seed" / "000_491bfd5196980171.txt"
DISK_FULL = "磁盘空间已满"


def run(*args, cwd: Path, full: Path | None = None, after: int = 0, match: str = "*"):
    """Return the finished ``perfkit ARGS``; with ``full``, writes under that folder find the disk full."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(FAULTS), str(ROOT)]), MPLBACKEND="Agg")
    for name in ("PERFKIT_DEBUG", "PERFKIT_FAULT_FULL_DIR", "PERFKIT_FAULT_FULL_AFTER", "PERFKIT_FAULT_FULL_MATCH"):
        env.pop(name, None)
    if full is not None:
        env.update(PERFKIT_FAULT_FULL_DIR=str(full), PERFKIT_FAULT_FULL_AFTER=str(after),
                   PERFKIT_FAULT_FULL_MATCH=match)
    return subprocess.run([sys.executable, "-m", "perfkit.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def hashes(folder: Path) -> dict[str, str]:
    """Return ``{relative path: sha256}`` of every file under ``folder``, hidden ones included."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_plain(res, says: list[str]) -> str:
    """Assert exit 1, no traceback, no internal path and each of ``says`` in what the user sees."""
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert "Traceback" not in out
    for internal in (".stage-", ".tmp", "perfkit-import-", "perfkit-render-"):
        assert internal not in out, out
    for text in says:
        assert text in out, f"{text!r} not in:\n{out}"
    return out


# --------------------------------------------------------------------------- the fault itself

_PROBE = """
import os, shutil, sys, tempfile
full = sys.argv[1]
def fails(fn):
    try:
        fn()
    except OSError as e:
        return e.errno == 28
    return False
src = os.path.join(tempfile.mkdtemp(), "src")
open(src, "wb").write(b"x" * 100)
print(fails(lambda: open(os.path.join(full, "a.txt"), "w", encoding="utf-8").write("abc" * 9000)),
      fails(lambda: os.write(os.open(os.path.join(full, "b"), os.O_WRONLY | os.O_CREAT), b"x")),
      fails(lambda: shutil.copyfile(src, os.path.join(full, "c"))),
      fails(lambda: os.write(tempfile.mkstemp(dir=full)[0], b"x")),
      fails(lambda: open(os.path.join(os.path.dirname(full), "elsewhere"), "w").write("x" * 9000)))
"""


def test_the_fault_fails_every_way_of_writing_into_the_folder_only(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    env = dict(os.environ, PYTHONPATH=str(FAULTS), PERFKIT_FAULT_FULL_DIR=str(full), PERFKIT_FAULT_FULL_AFTER="0")
    res = subprocess.run([sys.executable, "-c", _PROBE, str(full)], capture_output=True, text=True, env=env)
    assert res.stdout.split() == ["True", "True", "True", "True", "False"], res.stderr


# --------------------------------------------------------------------------- perfkit render


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """Return a folder with ``data/`` (the reference department) and ``reports/`` rendered from it."""
    base = tmp_path_factory.mktemp("rendered")
    shutil.copytree(REFERENCE, base / "data" / CODE)
    res = run("render", "--data", base / "data", "--out", base / "reports", "--no-progress", "--workers", 1, cwd=base)
    assert res.returncode == 0, res.stdout + res.stderr
    return base


def _fresh_copy(rendered: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(rendered / "data", tmp_path / "data")
    shutil.copytree(rendered / "reports", tmp_path / "reports")
    return tmp_path / "data", tmp_path / "reports"


REPORT_DIR = f"{CODE}/2023"
RENDER_CASES = {
    # nothing fits: the department-year fails, then the index page cannot be rewritten either
    "nothing-fits": (0, "*", ["无法写入目录", "index.html", DISK_FULL, "请腾出磁盘空间后重新运行", "--out"]),
    # the worker fails writing a notebook's HTML, after the first notebook fitted
    "full-midway": (100_000, "*", [f"{REPORT_DIR}/01_预算执行.html", "No space left on device",
                                   "所在磁盘空间已满", "原有报告保留", "--out"]),
    # the kernel writes the report files: it meets the fault too
    "kernel-writes-the-docx": (20_000, "*.docx*", [f"{REPORT_DIR}/绩效自评报告（草稿）.docx", "所在磁盘空间已满"]),
    "kernel-writes-the-xlsx": (0, "*.xlsx*", [f"{REPORT_DIR}/绩效自评表.xlsx", "所在磁盘空间已满"]),
    "kernel-writes-summary-json": (0, "summary.json*", [f"{REPORT_DIR}/summary.json", "所在磁盘空间已满"]),
    # a notebook cell saving its chart (the first notebook, 01, saves the first charts)
    "notebook-cell-saves-a-chart": (0, "*.png*", ["01_预算执行.ipynb 单元格", "保存图片失败",
                                                 "[Errno 28]", "所在磁盘空间已满"]),
}


@pytest.mark.parametrize("after, match, says", RENDER_CASES.values(), ids=RENDER_CASES.keys())
def test_render_on_a_full_disk_keeps_the_earlier_reports(rendered, tmp_path, after, match, says):
    data, reports = _fresh_copy(rendered, tmp_path)
    inputs, earlier = hashes(data), hashes(reports)
    res = run("render", "--data", data, "--out", reports, "--no-progress", "--workers", 1, "--force",
              cwd=tmp_path, full=reports, after=after, match=match)
    out = assert_plain(res, says)
    if after == 0 and match == "*":
        assert len(res.stderr.strip().splitlines()) == 1, out
    assert hashes(reports) == earlier  # no staging folder, no temporary, the good report as it was
    assert hashes(data) == inputs


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """Return a mounted 2.5 MB tmpfs (room for one set of reports, not two); skip where that is impossible."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2500k", "tmpfs", str(mount)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_render_onto_a_real_full_file_system(rendered, tmp_path, tiny_tmpfs):
    data = tmp_path / "data"
    shutil.copytree(rendered / "data", data)
    reports = tiny_tmpfs / "reports"
    first = run("render", "--data", data, "--out", reports, "--no-progress", "--workers", 1, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr  # one set of reports fits
    inputs, earlier = hashes(data), hashes(reports)
    res = run("render", "--data", data, "--out", reports, "--no-progress", "--workers", 1, "--force", cwd=tmp_path)
    assert_plain(res, [DISK_FULL, "请腾出磁盘空间", "--out"])
    assert hashes(reports) == earlier
    assert hashes(data) == inputs


# --------------------------------------------------------------------------- import, extract, export, template


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    res = run("export", folder / "ref.xlsx", "--dept", CODE, "--data", REFERENCE.parent, cwd=folder)
    assert res.returncode == 0, res.stderr
    return folder / "ref.xlsx"


def _data_with_department(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REFERENCE, data / CODE)
    return data


@pytest.mark.parametrize("after", [0, 3000], ids=["nothing-fits", "full-after-the-first-files"])
@pytest.mark.parametrize("mode", ["--replace", "--merge", "new-department"])
def test_import_on_a_full_disk_leaves_the_data_folder_as_it_was(tmp_path, workbook, mode, after):
    data = _data_with_department(tmp_path) if mode != "new-department" else tmp_path / "data"
    if mode == "new-department":
        data.mkdir()
    before, book = hashes(data), workbook.read_bytes()
    res = run("import", workbook, "--data", data, *([mode] if mode.startswith("--") else []),
              cwd=tmp_path, full=data, after=after)
    assert_plain(res, [f"无法写入目录「{data}」（{data / CODE}/", DISK_FULL, "请腾出磁盘空间后重新运行", "--data"])
    assert hashes(data) == before and workbook.read_bytes() == book
    assert sorted(p.name for p in data.iterdir()) == ([CODE] if mode != "new-department" else [])


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seed is not beside the checkout")
@pytest.mark.parametrize("after", [0, 5000], ids=["nothing-fits", "full-after-the-first-files"])
@pytest.mark.parametrize("mode", ["--replace", "--merge", "new-department"])
def test_extract_on_a_full_disk_leaves_the_data_folder_as_it_was(tmp_path, mode, after):
    data = tmp_path / "data"
    if mode != "new-department":  # a draft extracted before, with its extraction.md/csv
        assert run("extract", SEED, "--dept", "drafted", "--year", 2023, "--out", data, cwd=tmp_path).returncode == 0
    else:
        data.mkdir()
    before, seed = hashes(data), SEED.read_bytes()
    res = run("extract", SEED, "--dept", "drafted", "--year", 2023, "--out", data,
              *([mode] if mode.startswith("--") else []), cwd=tmp_path, full=data, after=after)
    assert_plain(res, [f"无法写入目录「{data}」（{data}/drafted/", DISK_FULL, "请腾出磁盘空间后重新运行", "--out"])
    assert hashes(data) == before and SEED.read_bytes() == seed


@pytest.mark.parametrize("after", [0, 5000], ids=["nothing-fits", "full-after-5-kB"])
@pytest.mark.parametrize("kind", ["export", "template"])
def test_workbook_on_a_full_disk_keeps_the_earlier_file(tmp_path, kind, after):
    data = _data_with_department(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    book = out / f"{uuid.uuid4().hex[:6]}.xlsx"
    args = (kind, book, "--dept", CODE, "--data", data)
    assert run(*args, cwd=tmp_path).returncode == 0  # an earlier good file
    before, inputs = hashes(out), hashes(data)
    res = run(*args, cwd=tmp_path, full=out, after=after)
    assert_plain(res, [f"无法写入目录「{out}」（{book}）", DISK_FULL, "请腾出磁盘空间后重新运行", "输出文件路径"])
    assert hashes(out) == before and hashes(data) == inputs
