"""Scoring an extraction against the hand-checked expectations in tests/extract_fixtures/ (cell by cell).

A cell is one value the source prints and the data format holds: an amount of
a budget row, a label, target, actual, weight or score of an indicator row, a
stated figure, a printed total, or a garbled value that must be left empty and
listed for review.  ``right`` counts expected cells read right; ``wrong``
counts cells read wrong plus values written that the source does not print
(invented); ``missed`` counts expected cells not read.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "extract_fixtures"
REAL = ROOT / "tests" / "real_tables"
TEXT_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
INDICATOR_CELLS = ("level1", "level2", "name", "target", "actual", "weight", "stated_score")
VALUE_CELLS = ("target", "actual", "weight", "stated_score")


def read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def fixture_year(name: str) -> int:
    """Return the year a fixture's source.md states (2020 when it is unknown or masked)."""
    m = re.search(r"^- year: (\d{4})", (REAL / name / "source.md").read_text(encoding="utf-8"), re.M)
    return int(m.group(1)) if m else 2020


def _compact(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def same(a, b) -> bool:
    a, b = _compact(a), _compact(b)
    try:
        return abs(float(a) - float(b)) < 1e-9
    except ValueError:
        return a == b


def _number(text: str) -> tuple[float, str] | None:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(万元|万|%|分|人|个|架|)", _compact(text))
    if not m:
        return None
    return float(m.group(1)), {"万": "万元"}.get(m.group(2), m.group(2))


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.missed

    def cell(self, what: str, expected: str, got: str) -> None:
        if not _compact(expected):
            if _compact(got):
                self.wrong += 1
                self.notes.append(f"{what}: 多写了「{got}」")
            return
        if same(expected, got):
            self.right += 1
        elif _compact(got):
            self.wrong += 1
            self.notes.append(f"{what}: 应为「{expected}」，读作「{got}」")
        else:
            self.missed += 1
            self.notes.append(f"{what}: 应为「{expected}」，未读出")

    def add(self, other: "Score") -> "Score":
        self.right += other.right
        self.wrong += other.wrong
        self.missed += other.missed
        self.notes += other.notes
        return self


def _budget(exp_dir: Path, dept: Path, score: Score) -> None:
    got = read_csv(dept / "budget.csv")
    for row in read_csv(exp_dir / "budget.csv"):
        hit = next((g for g in got if g["line"] == row["line"]), {})
        for col in ("budget_original", "budget", "executed"):
            score.cell(f"budget {row['line']}.{col}", row[col], hit.get(col, ""))
    known = {r["line"] for r in read_csv(exp_dir / "budget.csv")}
    for g in got:
        if g["line"] not in known:
            for col in ("budget_original", "budget", "executed"):
                score.cell(f"budget {g['line']}.{col}（多出的行）", "", g.get(col, ""))


def _indicators(exp_dir: Path, dept: Path, score: Score) -> None:
    got = read_csv(dept / "indicators.csv")
    used: set[int] = set()
    for row in read_csv(exp_dir / "indicators.csv"):
        k = next((i for i, g in enumerate(got) if i not in used and _compact(g["name"]) == _compact(row["name"])), None)
        hit = got[k] if k is not None else {}
        if k is not None:
            used.add(k)
        for col in INDICATOR_CELLS:
            score.cell(f"indicator {row['name']}.{col}", row[col], hit.get(col, ""))
    for i, g in enumerate(got):
        if i not in used:
            for col in VALUE_CELLS:
                score.cell(f"indicator {g['name']}.{col}（多出的行）", "", g.get(col, ""))


def _stated(exp_dir: Path, dept: Path, score: Score) -> None:
    got = read_csv(dept / "stated.csv")
    free = list(range(len(got)))
    for row in read_csv(exp_dir / "stated.csv"):
        if row["kind"] == "rate":
            printed = _compact(row["stated_text"])
            want = float(printed.rstrip("%")) if printed.endswith("%") else float(printed) * 100
            hit = next((g for g in got if g["label"] == f"{row['line']}执行率"), None)
            value = "" if hit is None else (float(hit["value"]) * (100 if hit["kind"] == "比率" else 1))
            score.cell(f"stated 执行率 {row['line']}", str(want), str(value))
        elif row["kind"] == "exec_score":
            hit = next((g for g in got if g["label"] == "预算执行率得分"), {})
            score.cell("stated 预算执行率得分", row["stated_text"], hit.get("value", ""))
        else:
            want = _number(row["stated_text"])
            k = next((i for i in free if want and got[i]["value"] and abs(float(got[i]["value"]) - want[0]) < 1e-9
                      and {"万": "万元"}.get(got[i]["unit"], got[i]["unit"]) == want[1]), None)
            if k is not None:
                free.remove(k)
            score.cell(f"stated {row['stated_text']}", row["stated_text"],
                       row["stated_text"] if k is not None else "")


def _scope_and_review(exp_dir: Path, dept: Path, score: Score) -> None:
    scopes = read_csv(dept / "scopes.csv")
    for row in read_csv(exp_dir / "scope.csv"):
        hit = next((s["stated_score"] for s in scopes if same(s["stated_score"], row["stated_score"])),
                   next((s["stated_score"] for s in scopes if s["stated_score"]), ""))
        score.cell("scope stated_score", row["stated_score"], hit)
    records = read_csv(dept / "extraction.csv")
    indicators = read_csv(dept / "indicators.csv")
    for row in read_csv(exp_dir / "review.csv"):
        listed = any(r["file"] == "（未写入）" and _compact(r["context"]) == _compact(row["printed"]) for r in records)
        written = any(_compact(i.get(row["column"], "")) == _compact(row["printed"]) for i in indicators)
        ok = listed and not written
        score.cell(f"review {row['printed']}", "列入复核、未写入", "列入复核、未写入" if ok else ("写入了" if written else ""))


def score_extraction(name: str, dept: Path) -> Score:
    """Return the cell score of the draft in ``dept`` against fixture ``name``'s expectations."""
    exp_dir = FIXTURES / name
    score = Score()
    for part in (_budget, _indicators, _stated, _scope_and_review):
        part(exp_dir, dept, score)
    return score
