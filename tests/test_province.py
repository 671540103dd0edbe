"""A whole province at once (issue 15): perfkit.province.analyze_all and ``perfkit check --out``.

The one-pass scoring must give what scoring one department-year at a time
gives, on the shipped data and on the real tables; the execution rates and
scores on the real tables are the hand calculations of their expected.yaml;
the cache must notice an edited file; the province table must be written
whole or not at all.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from perfkit.ingest.loading import find_departments, load
from perfkit.province import analyze_all, check_province
from perfkit.province.load import N_BUCKETS, bucket_of
from perfkit.rules.book import rulebook_for
from perfkit.score.scoring import score_year

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CORPUS = ROOT / "tests" / "real_tables"


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return analyze_all(CORPUS, processes=2, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return analyze_all(DATA, processes=1, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("root", [DATA, CORPUS], ids=["shipped", "real_tables"])
def test_one_pass_scoring_equals_scoring_each_department_year(root, request):
    province = request.getfixturevalue("shipped" if root == DATA else "corpus")
    totals = province.totals
    n = 0
    for code in find_departments(root):
        dept = load(root / code)
        book = rulebook_for(dept)
        for year in dept.years:
            alone = score_year(dept, year, book).by_scope.set_index("scope_id")
            together = totals[(totals["dept"] == code) & (totals["year"] == year)].set_index("scope_id")
            assert sorted(alone.index) == sorted(together.index), (code, year)
            together = together.loc[alone.index]
            for col in ("weight", "score_min", "score_max", "execution_score", "weight_missing"):
                np.testing.assert_allclose(together[col].astype(float), alone[col].astype(float), atol=1e-9,
                                           err_msg=f"{code} {year} {col}")
            for col in ("status", "grade", "rule_set", "n_unscored"):
                assert list(together[col].astype(str)) == list(alone[col].astype(str)), (code, year, col)
            n += 1
    assert n >= (5 if root == DATA else 17)


def test_the_reasons_of_province_rows_are_those_of_the_departments_reports(shipped):
    rows = shipped.indicators
    reasons = shipped.reasons(rows[rows["year"] == 2023])
    assert len(reasons) and reasons.notna().all()
    n = 0
    for code in find_departments(DATA):
        dept = load(DATA / code)
        if 2023 not in dept.years:
            continue
        own = score_year(dept, 2023, rulebook_for(dept)).indicators.set_index("src_row")["reason"]
        mine = rows[(rows["dept"] == code) & (rows["year"] == 2023)]
        assert list(reasons[mine.index]) == [own[r] for r in mine["src_row"]], code
        n += len(mine)
    assert n == len(reasons)
    # a subset asks only for its rows, under the index the reviewer filtered
    some = rows[rows["score"].isna()].head(3)
    assert list(shipped.reasons(some).index) == list(some.index)


@pytest.mark.parametrize("code", find_departments(CORPUS))
def test_execution_rate_and_score_are_the_hand_calculation(corpus, code):
    ex = yaml.safe_load((CORPUS / code / "expected.yaml").read_text(encoding="utf-8")).get("execution") or {}
    rows = corpus.execution[corpus.execution["dept"] == code]
    rate = ex.get("rate_recomputed_pct")
    if rate is not None and ex.get("budget") is not None:
        assert any(abs(r * 100 - rate) < 0.005 for r in rows["execution_rate"].dropna()), rows
    if ex.get("score_by_rule") is not None and rate is not None and ex.get("budget") is not None:
        # the budget row's 得分, or (银川) the 预算执行率 row of the indicator table
        ind = corpus.indicators[corpus.indicators["dept"] == code]
        scores = [*rows["score"].dropna(), *ind["score"].dropna()]
        assert any(abs(s - ex["score_by_rule"]) < 1e-4 for s in scores), rows


def test_the_province_table_has_one_row_per_department_year(corpus):
    s = corpus.summary
    expected = sum(len(load(CORPUS / c).years) for c in find_departments(CORPUS))
    assert len(s) == expected and expected >= 19
    media = s[s["dept"] == "12_chongqing_media_whole"].iloc[0]
    # the report prints 97.6; 12's expected.yaml: the retrieved rows carry 80 of 100 points, so a range
    assert media["stated_score"] == 97.6 and media["status"] == "range"
    assert media["score_min"] < 97.6 and media["score_text"].count("–") == 1


def test_a_total_on_weights_off_the_rule_shows_its_score_and_no_grade(corpus):
    # 06's expected.yaml: the weights add to 110 (not 100) and every row earns full marks, so 110 points;
    # the department's report shows that score with the warning, and the province table says the same
    expected = yaml.safe_load((CORPUS / "06_zhongjiang_water_xianjie" / "expected.yaml").read_text(encoding="utf-8"))
    row = corpus.summary.set_index("dept").loc["06_zhongjiang_water_xianjie"]
    assert row["status"] == "weights_off" and pd.isna(row["grade"])
    assert row["score_text"] == f"{expected['sum_of_weights']:.2f}（分值合计不等于满分，不评等级）"


def test_listed_errors_show_as_mismatches_in_the_table(corpus):
    s = corpus.summary.set_index("dept")
    for code in find_departments(CORPUS):
        errors = yaml.safe_load((CORPUS / code / "expected.yaml").read_text(encoding="utf-8")).get("errors") or []
        if errors:
            assert s.loc[code, "n_mismatches"] >= 1, code
            assert s.loc[code, "main_findings"], code


def test_main_findings_follow_the_rules_thresholds(corpus):
    f = corpus.findings
    low = f[(f["dept"] == "02_langfang_foodschool_hvac") & (f["code"] == "exec_rate_project")]
    # 02: 37.24 / 43.2 = 86.2 % (expected.yaml), under the 90 % of findings.yaml's exec_rate_project
    assert len(low) == 1 and abs(low["value"].iloc[0] - 37.24 / 43.2) < 1e-9
    assert "86.2%" in low["detail"].iloc[0]


def test_a_second_check_reads_the_cache_and_an_edit_is_seen(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    cache = tmp_path / "cache"
    first = check_province(data, processes=1, cache_dir=cache)
    assert first.n_checked == 2 and first.n_cached == 0
    again = check_province(data, processes=1, cache_dir=cache)
    assert again.n_cached == 2 and again.n_checked == 0
    assert [u.years[0].n_checked for u in again.units] == [u.years[0].n_checked for u in first.units]
    stated = data / "yuexiu-police" / "stated.csv"
    text = stated.read_text(encoding="utf-8")
    # the stated 全年预算数 (budget('whole') recomputes it from budget.csv) now disagrees with the table
    stated.write_text(text.replace("200963.70万元,200963.70", "200963.90万元,200963.90", 1), encoding="utf-8")
    edited = check_province(data, processes=1, cache_dir=cache)
    assert edited.n_checked == 1 and edited.n_cached == 1
    before = sum(len(y.mismatches) for y in first.units[1].years)
    after = sum(len(y.mismatches) for y in edited.units[1].years)
    assert edited.units[1].code == "yuexiu-police" and after == before + 1


def test_buckets_are_stable_and_spread():
    assert bucket_of("yuexiu-police") == bucket_of("yuexiu-police")
    spread = {bucket_of(f"unit-{i:05d}") for i in range(3000)}
    assert len(spread) == N_BUCKETS


def _perfkit(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "perfkit.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_check_writes_the_province_table(tmp_path, suffix):
    out = tmp_path / f"province{suffix}"
    before = _digest(CORPUS)
    run = _perfkit("check", "--data", str(CORPUS), "--out", str(out))
    # two OCR tables (10, 12) hold a target no reading can parse: data errors, exit 1, the table still written
    assert run.returncode == 1 and "共 2 个数据问题" in run.stderr, run.stderr
    assert "全省汇总表" in run.stdout and str(out) in run.stdout
    table = pd.read_csv(out, encoding="utf-8-sig") if suffix == ".csv" else pd.read_excel(out)
    assert len(table) == sum(len(load(CORPUS / c).years) for c in find_departments(CORPUS)) and list(table.columns[:4]) == ["部门代码", "部门名称", "年度", "评价范围"]
    row = table[table["部门代码"] == "12_chongqing_media_whole"].iloc[0]
    assert row["报告自评得分"] == 97.6 and row["评分状态"] == "不完整：总分为区间"
    assert _digest(CORPUS) == before  # the data are only read
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left beside it
    if suffix == ".xlsx":
        ws = openpyxl.load_workbook(out).active
        assert ws.freeze_panes == "D2" and ws.auto_filter.ref


def test_check_refuses_an_unknown_table_format_before_doing_anything(tmp_path):
    run = _perfkit("check", "--data", str(DATA), "--out", str(tmp_path / "province.txt"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert ".csv、.xlsx 或 .parquet" in run.stderr
    assert not any(tmp_path.iterdir())


def test_parquet_needs_pyarrow_or_says_so(tmp_path):
    out = tmp_path / "province.parquet"
    run = _perfkit("check", "--data", str(DATA), "--out", str(out))
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        assert run.returncode == 1 and "pyarrow" in run.stderr and not out.exists()
        return
    assert run.returncode == 0, run.stderr
    assert len(pd.read_parquet(out)) == 5  # yuexiu-police 2023, demo-synthetic 2021–2024


def test_a_broken_department_does_not_stop_the_others(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "demo-synthetic" / "budget.csv").write_text("year,scope_id\n2023,whole\n", encoding="utf-8")
    a = analyze_all(data, processes=1, cache_dir=tmp_path / "cache")
    assert set(a.summary["dept"]) == {"yuexiu-police"}
    assert (a.problems["dept"] == "demo-synthetic").any()
    assert a.problems["file"].str.endswith("budget.csv").any()
    run = _perfkit("check", "--data", str(data), "--out", str(tmp_path / "t.csv"))
    assert run.returncode == 1 and "✗ demo-synthetic" in run.stdout and "✓ yuexiu-police" in run.stdout


def test_a_province_of_narrative_reports_without_any_table(tmp_path):
    data = tmp_path / "data"
    for code in ("16_xiangcun_template_narrative", "14_nanxian_czj_narrative"):
        shutil.copytree(CORPUS / code, data / code)
    a = analyze_all(data, processes=1, cache_dir=tmp_path / "cache")
    assert len(a.summary) == 2
    # 16 states a 支付率 of 95% where its amounts give 96.3393% (expected.yaml): one mismatch, listed
    row = a.summary.set_index("dept").loc["16_xiangcun_template_narrative"]
    assert row["n_mismatches"] == 1 and "报告数字与复算不一致" in row["main_findings"]


def test_a_folder_written_moments_ago_is_checked_but_not_cached(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    stated = data / "yuexiu-police" / "stated.csv"
    stated.write_text(stated.read_text(encoding="utf-8"), encoding="utf-8")  # just now: its time may not tell
    cache = tmp_path / "cache"
    first = check_province(data, processes=1, cache_dir=cache)
    again = check_province(data, processes=1, cache_dir=cache)
    assert first.n_checked == 2 and again.n_cached == 1 and again.n_checked == 1


def test_a_cached_bucket_holds_each_row_once(tmp_path):
    # Pickled, an Arrow slice writes its whole buffer, and a bucket's columns are slices of the stack its
    # departments were validated in: the cache grew with the square of the bucket (11 GB read back for a
    # province of 3,000).  A bucket of many departments must cost what its departments cost one by one.
    import importlib.util
    import pickle

    from perfkit.province.load import check_bucket

    spec = importlib.util.spec_from_file_location("province", ROOT / "benchmarks" / "province.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    root = generator.make_province(tmp_path / "data", 6)
    paths = [str(root / code) for code in find_departments(root)]
    together = check_bucket(paths)
    alone = sum(len(pickle.dumps(check_bucket([p]))) for p in paths)
    assert len(pickle.dumps(together)) < 1.2 * alone
    back = pickle.loads(pickle.dumps(together))
    assert [u.code for u in back.units] == [u.code for u in together.units]
    for name, table in together.tables.items():
        read = back.tables[name]
        assert type(read) is type(table), name
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(read, table)
        else:
            assert read.equals(table), name


def test_a_first_check_reports_its_progress_and_a_cached_one_does_not(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    n = len(find_departments(data))
    seen: list[tuple[int, int]] = []
    check_province(data, processes=1, cache_dir=tmp_path / "cache", progress=lambda *a: seen.append(a))
    assert seen[0] == (0, n) and seen[-1] == (n, n)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and {t for _, t in seen} == {n}
    seen.clear()
    check_province(data, processes=1, cache_dir=tmp_path / "cache", progress=lambda *a: seen.append(a))
    assert seen == []


def _faulty_copies(source: Path, data_dir: Path) -> list[Path]:
    """Return copies of a generated unit with the faults scoring (not validation) finds, in two years."""
    from builders import copy_department, replace_in

    unknown = copy_department(source, data_dir, "f-unknown-level1")
    # an unknown 一级指标 in two years: one problem per year, as each year alone reports it
    for year in (2020, 2022):
        replace_in(unknown / "indicators.csv", f"{year},whole,whole-i00,,产出指标", f"{year},whole,whole-i00,,产出指木")
    weights = copy_department(source, data_dir, "f-weights")
    # a weight that makes 2021's weights miss the rule's total (the year is then scored alone)
    table = pd.read_csv(weights / "indicators.csv", dtype=str, keep_default_na=False)
    table.loc[(table["year"] == "2021") & (table["indicator_id"] == "whole-i00"), "weight"] = "200"
    table.to_csv(weights / "indicators.csv", index=False)
    for copy in (unknown, weights):
        replace_in(copy / "department.yaml", f"code: {source.name}", f"code: {copy.name}")
    return [unknown, weights]


def _found(u) -> tuple:
    years = [(y.year, [str(p) for p in y.errors], y.mismatches, y.unevaluated, y.n_checked, y.n_listed,
              y.n_unscored) for y in u.years]
    return u.code, [str(p) for p in u.problems], u.notices, years, u.meta


def test_the_shared_pass_finds_what_checking_each_year_alone_finds(tmp_path):
    # check_units scores a bucket once and checks each year against its share; the reference
    # (shared=False) scores every department-year alone, as its own report does.
    import importlib.util

    from perfkit.province.units import check_units

    spec = importlib.util.spec_from_file_location("province", ROOT / "benchmarks" / "province.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generated = generator.make_province(tmp_path / "generated", 6)
    faulty = _faulty_copies(generated / "unit-00000", tmp_path / "faulty")
    roots = [DATA, CORPUS, generated]
    paths = [root / code for root in roots for code in find_departments(root)] + faulty
    shared, alone = check_units(paths), check_units(paths, shared=False)
    assert [_found(u) for u in shared] == [_found(u) for u in alone]
    for s, a in zip(shared, alone):
        pd.testing.assert_frame_equal(s.checks.reset_index(drop=True), a.checks.reset_index(drop=True),
                                      check_dtype=False, atol=1e-9, obj=s.code)
    # the faults were seen: the test would pass vacuously if the copies validated as broken
    by_code = {u.code: u for u in shared}
    unknown = by_code["f-unknown-level1"]
    assert [y.year for y in unknown.years if any(p.column == "level1" for p in y.errors)] == [2020, 2022]
    assert by_code["f-weights"].code not in {u.code for u in shared if u.dept is None}
    assert any("产出指木" in str(p) for y in unknown.years for p in y.errors)
    weights = {y.year: y.mismatches for y in by_code["f-weights"].years}
    assert any("分值合计应为" in m for m in weights[2021]) and not any(weights[y] for y in (2020, 2022))
    assert sum(len(u.checks) for u in shared) > 0
