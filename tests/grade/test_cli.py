"""The ``nnlib-grade`` command end to end on a tiny class (zip input, all outputs)."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

import nbfactory as f
from nnlib.grade.cli import main


@pytest.fixture
def class_zip(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    f.write(root, "ann", f.GOOD)
    f.write(root, "ben", ["answer_90_1 = 0.25", "answer_90_2 = 'x'", f.STUB[2]])
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in root.rglob("*.ipynb"):
            zf.write(path, Path("export") / path.relative_to(root))
    return archive


def test_cli_writes_every_output(class_zip, private_bank, tmp_path, capsys):
    out = tmp_path / "out"
    code = main([str(class_zip), "--out", str(out), "--answers", str(private_bank),
                 "--timeout", "20", "--memory", "1536", "--jobs", "2", "--no-progress"])
    assert code == 0
    rows = list(csv.DictReader(open(out / "gradebook.csv", encoding="utf-8")))
    assert [(r["student"], r["exercise"], r["points"], r["status"]) for r in rows] == [
        ("ann", "90.1", "1", "correct"), ("ann", "90.2", "2", "correct"),
        ("ann", "90.3", "3", "correct"), ("ben", "90.1", "1", "correct"),
        ("ben", "90.2", "0", "incorrect"), ("ben", "90.3", "0", "not attempted")]
    wide = list(csv.DictReader(open(out / "summary.csv", encoding="utf-8")))
    assert wide == [{"student": "ann", "90_grading_fixture": "6", "total": "6"},
                    {"student": "ben", "90_grading_fixture": "1", "total": "1"}]
    feedback = (out / "feedback" / "ben.md").read_text(encoding="utf-8")
    assert "✓ **90.1**" in feedback and "✗ **90.2**" in feedback
    assert "| 90.1 | 2 | 2 | 2 |" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "graded 2 of 2" in capsys.readouterr().out


def test_cli_rejects_bad_arguments(tmp_path, private_bank, capsys):
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
                 "--answers", str(private_bank)]) == 2
    assert "submissions not found" in capsys.readouterr().err
    assert main([str(tmp_path), "--out", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert main([str(tmp_path), "--out", str(tmp_path / "o"),
                 "--answers", str(tmp_path / "nope.toml")]) == 2


def test_a_bank_reference_that_cannot_be_imported_stops_the_run(tmp_path, private_bank, capsys):
    # the instructor's mistake must not be graded as every student's wrong answer
    text = private_bank.read_text(encoding="utf-8")
    assert "grade_fixture_ref:" in text
    private_bank.write_text(text.replace("grade_fixture_ref:", "no_such_module_here:"), encoding="utf-8")
    f.write(tmp_path / "subs", "ann", f.GOOD)
    assert main([str(tmp_path / "subs"), "--out", str(tmp_path / "o"), "--answers", str(private_bank),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "question 90.3: reference 'no_such_module_here:" in err and "cannot be imported" in err
    assert not (tmp_path / "o" / "gradebook.csv").exists()


def test_zip_with_unsafe_path_is_an_error_row_and_extracts_nothing(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../nnlib-grade-evil-x/lesson.ipynb", "{}")
    assert main([str(archive), "--out", str(tmp_path / "o"), "--answers",
                 str(f.BANK), "--no-progress"]) == 0
    rows = list(csv.DictReader(open(tmp_path / "o" / "gradebook.csv", encoding="utf-8")))
    assert len(rows) == 1 and "unsafe path" in rows[0]["status"], rows
    assert not list(Path(tmp_path.anchor).glob("*/nnlib-grade-evil-x"))
    assert not (tmp_path.parent.parent / "nnlib-grade-evil-x").exists()


def test_reading_lesson_is_skipped_and_a_misnamed_notebook_is_an_error(tmp_path, private_bank):
    # 00_errata has a bank file without questions: listed as skipped, never run (its one cell
    # would fail); a stem no bank file has is a misnamed upload and stays an error
    root = tmp_path / "class"
    f.write(root, "ann", ["raise SystemExit('must not run')"], lesson="00_errata")
    f.write(root, "ann", f.GOOD, lesson="04_layer_backprop (1)")
    f.write(root, "ann", f.GOOD)
    out = tmp_path / "out"
    assert main([str(root), "--out", str(out), "--answers", str(private_bank), "--timeout", "20",
                 "--memory", "1536", "--no-progress"]) == 0
    rows = {r["lesson"]: r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    assert rows["00_errata"]["status"].startswith("skipped: a lesson without exercises")
    assert rows["00_errata"]["max_points"] == "0"
    assert rows["04_layer_backprop (1)"]["status"].startswith("error: unknown notebook name")
    wide = list(csv.DictReader(open(out / "summary.csv", encoding="utf-8")))
    assert wide == [{"student": "ann", "90_grading_fixture": "6", "total": "6"}]
    summary = (out / "report.md").read_text(encoding="utf-8")
    assert "graded: 1; errors: 1; skipped (no exercises): 1." in summary
    assert "Not graded: a lesson without exercises" in (out / "feedback" / "ann.md").read_text(encoding="utf-8")
