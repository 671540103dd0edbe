"""The outputs registry: every report file is a registered writer of one analysis, run in a fixed order."""
from __future__ import annotations

import pytest

import perfkit
import perfkit.findings.derive
import perfkit.score.checks
import perfkit.score.scoring
from perfkit.instrument import CALLS
from perfkit.outputs import output, registered, registry, write_outputs


@pytest.fixture
def clean_registry(monkeypatch):
    """Let a test register writers without leaving them behind."""
    monkeypatch.setattr(registry, "_WRITERS", dict(registry._WRITERS))


def test_builtin_outputs_in_their_order():
    assert registered() == ("summary.json", "绩效自评表.xlsx", "绩效自评报告（草稿）.docx")


def test_a_registered_writer_runs_after_the_others_with_the_same_analysis(clean_registry, reference, tmp_path):
    seen = []

    @output("scores.txt")
    def write_scores(a, out_dir):
        seen.append(a)
        path = out_dir / "scores.txt"
        path.write_text(f"{a.dept.code} {a.year}\n", encoding="utf-8")
        return [path]

    a = perfkit.analyze(reference, 2023)
    paths = write_outputs(a, tmp_path / "new" / "dir")
    assert [p.name for p in paths] == ["summary.json", "绩效自评表.xlsx", "绩效自评报告（草稿）.docx", "scores.txt"]
    assert seen == [a] and seen[0] is a
    assert (tmp_path / "new" / "dir" / "scores.txt").read_text(encoding="utf-8") == "yuexiu-police 2023\n"


def test_a_name_registers_once(clean_registry):
    with pytest.raises(ValueError, match="summary.json"):
        output("summary.json")(lambda a, out_dir: [])


def test_outputs_present_the_analysis_and_compute_nothing(reference, tmp_path, monkeypatch):
    a = perfkit.analyze(reference, 2023)
    for part in ("scored", "checks", "findings", "coverage"):
        getattr(a, part)  # computed once, here

    def recomputed(*args, **kwargs):
        raise AssertionError("an output recomputed the analysis")

    monkeypatch.setattr(perfkit.score.scoring, "score_year", recomputed)
    monkeypatch.setattr(perfkit.score.checks, "check_stated", recomputed)
    monkeypatch.setattr(perfkit.findings.derive, "derive_findings", recomputed)
    before = CALLS.copy()
    assert len(write_outputs(a, tmp_path)) == 3
    # counted where each step is defined, so a call through any imported name shows here
    assert CALLS == before
