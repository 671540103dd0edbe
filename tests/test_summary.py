"""The per-department-year summary and office files that rendering writes."""
from __future__ import annotations

import json

import pytest

import perfkit
from perfkit.outputs.summary import build_summary, write_office_files


def test_reference_summary_has_scores_checks_and_findings(reference):
    summary = build_summary(reference, 2023)
    json.dumps(summary)  # JSON-safe
    assert summary["department"] == {"code": "yuexiu-police", "name": "广州市公安局越秀区分局", "synthetic": False}
    a = perfkit.analyze(reference, 2023)
    assert summary["total"]["score"] == pytest.approx(float(a.scope_total("whole")["score"]))
    assert summary["checks"]["mismatches"] == 0
    # the report publishes few actuals, so the computed total is incomplete and says so
    assert summary["total"]["complete"] is False and summary["total"]["n_unscored"] > 0
    assert summary["checks"]["checked"] >= 10
    codes = {f["code"] for f in summary["findings"]}
    assert len(summary["findings"]) == len(a.findings) and codes
    rate = next(e for e in summary["execution"] if e["scope_id"] == "whole")["execution_rate"]
    assert rate == pytest.approx(199466.59 / 200963.70)


def test_synthetic_summary_counts_planted_mismatches(synthetic):
    summary = build_summary(synthetic, 2022)
    assert summary["department"]["synthetic"] is True
    assert summary["checks"]["mismatches"] > 0


def test_office_files_are_written_and_reproducible(reference, tmp_path):
    first = write_office_files(reference, 2023, tmp_path / "a")
    second = write_office_files(reference, 2023, tmp_path / "b")
    assert [p.suffix for p in first] == [".xlsx", ".docx"]
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes(), p.name
