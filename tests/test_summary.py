"""The per-department-year summary and the report files that rendering writes from one analysis."""
from __future__ import annotations

import json
import os

import pytest

import perfkit
from perfkit.outputs import write_outputs
from perfkit.outputs.summary import build_summary


def test_reference_summary_has_scores_checks_and_findings(reference):
    a = perfkit.analyze(reference, 2023)
    summary = build_summary(a)
    json.dumps(summary)  # JSON-safe
    assert summary["department"] == {"code": "yuexiu-police", "name": "广州市公安局越秀区分局", "synthetic": False}
    assert summary["total"]["score"] == pytest.approx(float(a.scope_total("whole")["score"]))
    assert summary["checks"]["mismatches"] == 0
    # the report publishes few actuals, so the computed total is incomplete and says so
    assert summary["total"]["complete"] is False and summary["total"]["n_unscored"] > 0
    assert summary["checks"]["checked"] >= 10
    codes = {f["code"] for f in summary["findings"]}
    assert len(summary["findings"]) == len(a.findings) and codes
    rate = next(e for e in summary["execution"] if e["scope_id"] == "whole")["execution_rate"]
    assert rate == pytest.approx(199466.59 / 200963.70)
    # the range by hand (test_views): 36.3913 scored + 63.5714 unscored = 99.9628
    assert summary["total"]["status"] == "range" and summary["total"]["grade"] is None
    assert summary["total"]["min"] == pytest.approx(36.3913, abs=1e-4)
    assert summary["total"]["max"] == pytest.approx(99.9628, abs=1e-4)
    jyyw = next(s for s in summary["scopes"] if s["scope_id"] == "jianyiyongwei")
    assert jyyw["status"] == "unscorable" and jyyw["score_min"] is None


def test_synthetic_summary_counts_planted_mismatches(synthetic):
    summary = build_summary(perfkit.analyze(synthetic, 2022))
    assert summary["department"]["synthetic"] is True
    assert summary["checks"]["mismatches"] > 0


def test_summary_json_is_the_summary(reference, tmp_path):
    a = perfkit.analyze(reference, 2023)
    write_outputs(a, tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8")) == build_summary(a)


def test_report_files_are_written_and_reproducible(reference, tmp_path):
    first = write_outputs(perfkit.analyze(reference, 2023), tmp_path / "a")
    second = write_outputs(perfkit.analyze(reference, 2023), tmp_path / "b")
    assert [p.name for p in first] == ["summary.json", "绩效自评表.xlsx", "绩效自评报告（草稿）.docx"]
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes(), p.name


def test_report_files_are_readable_by_all_like_the_other_report_files(reference, tmp_path):
    # the .xlsx and .docx used to come out 0600 (a mkstemp file renamed into place)
    old = os.umask(0o022)
    try:
        paths = write_outputs(perfkit.analyze(reference, 2023), tmp_path)
    finally:
        os.umask(old)
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in paths} == {
        "summary.json": "0o644", "绩效自评表.xlsx": "0o644", "绩效自评报告（草稿）.docx": "0o644"}
