"""perfkit installed from a wheel, not run from the checkout: what ships, and where it looks.

The wheel is built once per module from a copy of the sources (building in
place would leave ``build/`` and ``perfkit.egg-info`` in the checkout), then
unpacked with ``pip install --target`` into a folder that is not a checkout.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from perfkit.batch import kernel_jobs
from perfkit.errors import DataError
from perfkit.settings import default_settings

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_FILES = sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.suffix in (".ipynb", ".py")
                        or p.name == "jupytext.toml")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for folder in ("perfkit", "notebooks"):
        shutil.copytree(ROOT / folder, src / folder,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(src)], check=True, capture_output=True)
    (built,) = out.glob("perfkit-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    return target


def _run_installed(site: Path, cwd: Path, code: str) -> subprocess.CompletedProcess:
    """Run Python code against the installed copy only: its folder first, no checkout, no env overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERFKIT_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


def test_packages_in_pyproject_are_every_package_under_perfkit():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "perfkit").rglob("__init__.py")}
    assert set(config["packages"]) == on_disk | {"perfkit.notebooks"}
    assert config["package-dir"] == {"perfkit.notebooks": "notebooks"}


def test_wheel_ships_the_notebooks_and_rule_files_but_no_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert NOTEBOOK_FILES == ["01_预算执行.ipynb", "01_预算执行.py", "02_绩效指标完成情况.ipynb",
                              "02_绩效指标完成情况.py", "03_问题与改进建议.ipynb", "03_问题与改进建议.py",
                              "jupytext.toml"]
    for name in NOTEBOOK_FILES:
        assert f"perfkit/notebooks/{name}" in names
    assert "perfkit/rules/cz2020.yaml" in names and "perfkit/rules/findings.yaml" in names
    # the shipped notebooks are the checkout's, byte for byte
    with zipfile.ZipFile(wheel) as z:
        assert z.read("perfkit/notebooks/01_预算执行.ipynb") == (ROOT / "notebooks" / "01_预算执行.ipynb").read_bytes()
    assert not [n for n in names if n.startswith(("data/", "notebooks/", "tests/")) or "/data/" in n]


def test_installed_settings_find_the_packaged_notebooks(installed, tmp_path):
    out = _run_installed(installed, tmp_path, "from perfkit import settings; "
                         "print(settings.CHECKOUT); print(settings.default_settings().notebooks_dir)")
    assert out.returncode == 0, out.stderr
    checkout, notebooks = out.stdout.splitlines()
    assert checkout == "None"
    assert Path(notebooks) == installed / "perfkit" / "notebooks"
    assert sorted(p.name for p in Path(notebooks).glob("*.ipynb")) == [n for n in NOTEBOOK_FILES
                                                                       if n.endswith(".ipynb")]


def test_installed_cli_without_data_asks_for_data(installed, tmp_path):
    out = _run_installed(installed, tmp_path, "import sys; from perfkit.cli import main; sys.exit(main(['check']))")
    assert out.returncode == 2
    assert f"找不到数据目录「{tmp_path / 'data'}」" in out.stderr and "--data" in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_checkout_settings_find_the_checkout_folders(monkeypatch, tmp_path):
    for var in ("PERFKIT_DATA_DIR", "PERFKIT_NOTEBOOKS_DIR", "PERFKIT_REPORTS_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    found = default_settings()
    assert found.data_dir == ROOT / "data"
    assert found.notebooks_dir == ROOT / "notebooks"
    assert found.reports_dir == tmp_path / "reports"


def test_kernel_begin_returns_to_the_folder_it_was_in(monkeypatch, tmp_path):
    """The first notebook of a department saves its charts in ".": the staging folder, not the data's parent."""
    monkeypatch.chdir(tmp_path)
    try:
        kernel_jobs.begin("demo-synthetic", str(ROOT / "data"))
        assert Path.cwd() == tmp_path
    finally:
        kernel_jobs.end()
    with pytest.raises(DataError):
        kernel_jobs.begin("no-such-department", str(ROOT / "data"))
    assert Path.cwd() == tmp_path
    kernel_jobs.end()
