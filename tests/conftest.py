"""Shared fixtures: paths to the shipped data, and loaded departments."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check values, not speed: a loaded CI machine must not fail them on hypothesis's
# default 200 ms per-example deadline (speed is measured by benchmarks/).
settings.register_profile("perfkit", deadline=None)
settings.load_profile("perfkit")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = DATA / "yuexiu-police"
SYNTHETIC = DATA / "demo-synthetic"


@pytest.fixture(scope="session")
def reference():
    import perfkit

    return perfkit.load(REFERENCE)


@pytest.fixture(scope="session")
def synthetic():
    import perfkit

    return perfkit.load(SYNTHETIC)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Give every test (and the commands it starts) its own cache folder: never the user's ~/.cache."""
    monkeypatch.setenv("PERFKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "perfkit-cache"))


# Notebooks under tests/fixtures are inputs of the renderer's tests, not nbval cases.
collect_ignore_glob = ["fixtures/*"]
