"""Hostile and broken submissions, graded together in one run with two jobs.

Every submission must get exactly the grade its real answers deserve (lesson 90 of the
fixture bank: 90.1 is worth 1 point, 90.2 2 points, 90.3 3 points; all right = 6), or
an error row with a clear reason, while the others are unaffected.
"""
from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

import nbfactory as f
from conftest import FAST
from nnlib.grade.bank import load_grader_bank
from nnlib.grade.runner import grade_folder

WRONG = ["answer_90_1 = 0.3", "answer_90_2 = 'x'",
         "def double(x):\n    return 3 * x\nanswer_90_3 = double"]
GOOD_POINTS = 1 + 2 + 3


def _faked_notebook() -> nbformat.NotebookNode:
    """Wrong 90.1, right 90.2, stub 90.3; metadata, outputs and 'expected' cells edited."""
    nb = f.notebook(["expected = {'90.1': '0.3'}\nPOINTS = {'90.1': 100}", "answer_90_1 = 0.3",
                     "answer_90_2 = '2*x'", f.STUB[2]],
                    metadata={"nnlib": {"points": 100, "expected": {"90.1": "0.3"}}})
    for cell in nb.cells:
        cell.metadata.update({"points": 100, "grade": True, "solution": True})
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓ Correct (100/100)")]
        cell.execution_count = 1
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("subs")
    work = tmp_path_factory.mktemp("work")
    private = work / "private.toml"
    private.write_text((f.BANK / "90_grading_fixture.toml").read_text())
    pwned = work / "pwned"
    f.write(root, "good", f.GOOD)
    f.write(root, "stub", f.STUB)
    f.write(root, "patched", [
        "import builtins, nnlib.check, nnlib.course.bank as b\n"
        "nnlib.check.check = lambda *a, **k: True\n"
        "b.Question.check = lambda self, value: True\n"
        "builtins.check_answer = lambda *a, **k: print('✓ Correct')", *WRONG])
    f.write(root, "faked", nb=_faked_notebook())
    f.write(root, "reader", [
        f"try:\n    answer_90_1 = float(open({str(private)!r}).read().split('\"0.')[1][:2]) / 100\n"
        "except OSError:\n    pass",
        "import glob\nanswer_90_2 = '2*x'\nfound = glob.glob('/tmp/*') + glob.glob('/root/*')"])
    f.write(root, "loop", ["while True:\n    pass", *f.GOOD])
    f.write(root, "alloc", ["import numpy as np\nbig = np.ones(50 * 2**30 // 8)", *f.GOOD])
    f.write(root, "exit", ["import os\nos._exit(1)", *f.GOOD])
    f.write(root, "segv", ["import ctypes\nctypes.string_at(0)", *f.GOOD])
    f.write(root, "flood", ["for _ in range(100):\n    print('x' * 2**20)", *f.GOOD])
    f.write(root, "inject", [
        f"answer_90_1 = \"__import__('os').system('touch {pwned}')\"",
        f"answer_90_2 = \"x*0 + 2*x if open('{pwned}', 'w') else 1\"", f.STUB[2]])
    f.write(root, "codesneak", [*f.GOOD[:2],
        f"def double(x):\n    "
        f"try:\n        open('{pwned}', 'w')\n    except OSError:\n        pass\n    return 2 * x\n"
        "answer_90_3 = double"])
    f.write(root, "codeimport", [*f.GOOD[:2],
        f"def double(x):\n    import os\n    os.system('touch {pwned}')\n    return 2 * x\n"
        "answer_90_3 = double"])
    f.write(root, "codeloop", [*f.GOOD[:2], "def double(x):\n    while True:\n        pass\n"
                               "answer_90_3 = double"])
    f.write(root, "badjson", raw=b'{"cells": [ not json')
    f.write(root, "notutf8", raw=b'{"cells": [], "x": "\xff\xfe"}')
    huge = f.write(root, "huge", raw=b"")
    with open(huge, "wb") as fh:                     # sparse: 200 MB without writing them
        fh.truncate(200 * 2**20)
    f.write(root, "wrongname", f.GOOD, lesson="99_not_a_lesson")
    out = work / "out"
    results = grade_folder(root, out, load_grader_bank(private), FAST, jobs=2, progress=False)
    rows = list(csv.DictReader(open(out / "gradebook.csv", encoding="utf-8")))
    return {"root": root, "out": out, "results": results, "rows": rows, "pwned": pwned,
            "private": private}


def points(graded, student: str) -> float:
    return sum(float(r["points"]) for r in graded["rows"] if r["student"] == student)


def statuses(graded, student: str) -> list[str]:
    return [r["status"] for r in graded["rows"] if r["student"] == student]


def reason(graded, student: str) -> str:
    (res,) = [r for r in graded["results"] if r["student"] == student]
    assert res["status"] == "error", res
    return res["reason"]


def test_good_and_stub(graded):
    assert points(graded, "good") == GOOD_POINTS
    assert statuses(graded, "good") == ["correct"] * 3
    assert statuses(graded, "stub") == ["not attempted"] * 3


def test_monkeypatched_checker_changes_nothing(graded):
    assert points(graded, "patched") == 0
    assert statuses(graded, "patched") == ["incorrect"] * 3


def test_edited_metadata_outputs_and_expected_cells_change_nothing(graded):
    assert statuses(graded, "faked") == ["incorrect", "correct", "not attempted"]
    assert points(graded, "faked") == 2
    assert {r["max_points"] for r in graded["rows"] if r["student"] == "faked"} == {"1", "2", "3"}


def test_private_answers_file_cannot_be_read(graded):
    assert statuses(graded, "reader")[:2] == ["not attempted", "correct"]


def test_infinite_loop_is_a_timeout_error_row(graded):
    assert reason(graded, "loop").startswith("timeout")
    assert set(statuses(graded, "loop")) == {"error: " + reason(graded, "loop")}


def test_huge_allocation_fails_inside_the_kernel_only(graded):
    assert points(graded, "alloc") == GOOD_POINTS
    (res,) = [r for r in graded["results"] if r["student"] == "alloc"]
    assert any("memory" in note for note in res["notes"])


@pytest.mark.parametrize("student", ["exit", "segv"])
def test_dead_kernel_is_an_error_row(graded, student):
    assert reason(graded, student).startswith("kernel died")
    assert points(graded, student) == 0


def test_flood_of_output_is_truncated_and_graded(graded):
    assert points(graded, "flood") == GOOD_POINTS
    (res,) = [r for r in graded["results"] if r["student"] == "flood"]
    assert any("truncated" in note for note in res["notes"])


def test_code_injection_in_answers_runs_nothing(graded):
    assert statuses(graded, "inject") == ["incorrect", "incorrect", "not attempted"]
    assert not graded["pwned"].exists()


def test_code_exercise_runs_confined(graded):
    assert statuses(graded, "codesneak") == ["correct"] * 3   # its outputs are right
    assert statuses(graded, "codeimport") == ["correct", "correct", "incorrect"]
    (res,) = [r for r in graded["results"] if r["student"] == "codeimport"]
    assert "only numpy and math may be imported" in res["exercises"][2]["feedback"]
    assert not graded["pwned"].exists()
    assert statuses(graded, "codeloop") == ["correct", "correct", "incorrect"]
    (res,) = [r for r in graded["results"] if r["student"] == "codeloop"]
    assert "longer than" in res["exercises"][2]["feedback"]


@pytest.mark.parametrize("student, start", [("badjson", "invalid notebook: not valid JSON"),
                                            ("notutf8", "invalid notebook: not UTF-8"),
                                            ("huge", "too large"),
                                            ("wrongname", "unknown notebook name")])
def test_unreadable_notebooks_are_error_rows(graded, student, start):
    assert reason(graded, student).startswith(start)


def test_feedback_never_shows_expected_answers(graded):
    for path in (graded["out"] / "feedback").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "0.25" not in text and "2*x" not in text, path.name


def test_regrading_gives_identical_files_and_uses_the_cache(graded, tmp_path):
    before = (graded["out"] / "gradebook.csv").read_bytes()
    cache = sorted(p.name for p in (graded["out"] / ".cache").iterdir())
    grade_folder(graded["root"], graded["out"], load_grader_bank(graded["private"]), FAST,
                 progress=False)
    assert (graded["out"] / "gradebook.csv").read_bytes() == before
    assert sorted(p.name for p in (graded["out"] / ".cache").iterdir()) == cache
    assert len(cache) == len(graded["results"])
