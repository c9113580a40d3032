"""``python -m benchmarks.compare``: matching rows of two result files and flagging regressions."""
import json

import pytest

from benchmarks import compare

MACHINE = {"cpu_model": "x", "logical_cores": 2, "numpy": "2.3.5", "torch": "2.13.0+cpu"}


def _row(dtype, threads, batch, nnlib_ms, torch_ms=None, gemm_fraction=0.8):
    row = {"dtype": dtype, "threads": threads, "batch_size": batch, "gemm_fraction": gemm_fraction,
           "seconds": {"nnlib": {"min": nnlib_ms / 1e3, "median": nnlib_ms / 1e3}}}
    if torch_ms is not None:
        row["nnlib_over_torch"] = nnlib_ms / torch_ms
    return row


def _run(*rows, machine=MACHINE):
    return {"machine": dict(machine), "timing": list(rows)}


def test_rows_are_matched_and_a_slower_ratio_is_a_regression():
    old = _run(_row("float64", 1, 1024, 12.0, 10.0), _row("float32", 1, 1024, 6.0, 5.0), _row("float64", 2, 64, 1, 1))
    new = _run(_row("float64", 1, 1024, 13.5, 10.0), _row("float32", 1, 1024, 6.2, 5.0), _row("float64", 1, 32, 1, 1))
    rows = compare.compare(old, new, threshold=0.10)
    assert [(r["dtype"], r["batch_size"]) for r in rows] == [("float64", 1024), ("float32", 1024)]  # common rows only
    f64, f32 = rows
    assert f64["old"] == pytest.approx(1.2) and f64["new"] == pytest.approx(1.35)
    assert f64["change"] == pytest.approx(1.35 / 1.2 - 1) and f64["regression"]  # +12.5%
    assert f32["change"] == pytest.approx(1.24 / 1.2 - 1) and not f32["regression"]  # +3.3%
    text, regressed = compare.report(old, new)
    assert regressed and "REGRESSION" in text and "1 of 2 rows worse by more than 10%" in text


def test_without_torch_the_gemm_fraction_is_compared():
    old = _run(_row("float64", 1, 128, 3.0, gemm_fraction=0.80))
    new = _run(_row("float64", 1, 128, 3.0, torch_ms=2.0, gemm_fraction=0.60))  # torch only in the new run
    (row,) = compare.compare(old, new)
    assert row["score"] == "nnlib/GEMM" and row["change"] == pytest.approx(0.80 / 0.60 - 1) and row["regression"]


def test_different_machines_are_pointed_out():
    old = _run(_row("float64", 1, 128, 3.0, 2.5))
    new = _run(_row("float64", 1, 128, 3.0, 2.5), machine=dict(MACHINE, cpu_model="y"))
    text, regressed = compare.report(old, new)
    assert "differ in CPU" in text and not regressed


def test_command_exit_status_and_bad_files(tmp_path, capsys):
    good, worse = tmp_path / "a.json", tmp_path / "b.json"
    good.write_text(json.dumps(_run(_row("float64", 1, 128, 2.0, 2.0))))
    worse.write_text(json.dumps(_run(_row("float64", 1, 128, 3.0, 2.0))))
    assert compare.main([str(good), str(good)]) == 0
    assert compare.main([str(good), str(worse)]) == 1
    (tmp_path / "bad.json").write_text("{\"timing\": 3}")
    assert compare.main([str(good), str(tmp_path / "bad.json")]) == 2
    assert compare.main([str(good), str(tmp_path / "missing.json")]) == 2
    assert "not a benchmark results file" in capsys.readouterr().err
