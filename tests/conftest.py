"""Shared fixtures: paths to the shipped data, and loaded departments."""
from __future__ import annotations

from pathlib import Path

import pytest

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


# Notebooks under tests/fixtures are inputs of the renderer's tests, not nbval cases.
collect_ignore_glob = ["fixtures/*"]
