"""LMS exports and the similar-answer report, from hand-made grading results (no kernels)."""
from __future__ import annotations

import csv
import io

import pytest

from nnlib.course.roster import Student
from nnlib.grade.export import csv_cell, export, md_escape
from nnlib.grade.integrity import answer_key, integrity_csv, same_answers


def result(student, answers, statuses, lesson="07_activations_losses", feedback="Not quite."):
    return {"student": student, "lesson": lesson, "status": "graded", "reason": "",
            "answers": answers,
            "exercises": [{"exercise": ex, "points": 1.0 if st == "correct" else 0.0,
                           "max_points": 1.0, "status": st, "feedback": feedback}
                          for ex, st in statuses.items()]}


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"a\")"])
def test_formula_cells_are_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ada", "1.5", "", "a=b", " x"])
def test_other_cells_are_unchanged(text):
    assert csv_cell(text) == text


def test_export_escapes_everything_from_a_submission(tmp_path):
    evil = "<img src=x onerror=alert(1)> [link](javascript:alert(1)) `code` *bold* | # h"
    results = [result("ann", {"answer_7_1": evil}, {"7.1": "incorrect"}, feedback=evil,
                      lesson="07_<b>x</b>")]
    roster = [Student("ann", name="=cmd|' /C calc'!A0", email="-ann@x", sis_user_id="@1")]
    export(results, roster, tmp_path)
    html_text = (tmp_path / "feedback" / "ann.html").read_text()
    md = (tmp_path / "feedback" / "ann.md").read_text()
    for text in (html_text, md):
        assert "<img" not in text and "<b>" not in text and "&lt;img" in text
    assert "[link](javascript" not in md and "\\[link\\]\\(javascript" in md
    rows = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert rows[2][0] == "'=cmd|' /C calc'!A0" and rows[2][2] == "'@1"
    moodle = list(csv.reader(open(tmp_path / "moodle.csv")))
    assert moodle[1][0] == "'-ann@x"
    for table in (rows, moodle):
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in table for cell in row)


def test_unmatched_and_missing_students_are_listed(tmp_path):
    results = [result("ann", {}, {"7.1": "correct"}), result("zed", {}, {"7.1": "correct"})]
    export(results, [Student("ann"), Student("bob")], tmp_path)
    assert (tmp_path / "unmatched.txt").read_text().splitlines() == [
        "not in the roster (not exported): zed/07_activations_losses.ipynb", "no submission: bob"]
    rows = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert [r[0] for r in rows[2:]] == ["ann", "bob"] and [r[5] for r in rows[2:]] == ["1", ""]


def test_answer_key_normalises_spacing_powers_and_number_formatting():
    assert answer_key("3 * z ** 2") == answer_key("3*z^2")
    assert answer_key("0.094114807") == answer_key("9.4114807e-2") == answer_key(" 0.0941148073 ")
    assert answer_key("0.0941148") != answer_key("0.0941149")
    assert answer_key(["a ** 2", "2a"]) == "a^2 | 2a"


def test_same_answers_needs_two_students_and_one_wrong():
    results = [result("ann", {"answer_7_1": "0.5"}, {"7.1": "correct"}),
               result("bob", {"answer_7_1": "0.50"}, {"7.1": "incorrect"}),
               result("cat", {"answer_7_1": "0.7"}, {"7.1": "incorrect"}),
               result("dan", {"answer_7_1": "0.9"}, {"7.1": "correct"}),
               result("eve", {"answer_7_1": "0.9"}, {"7.1": "correct"})]
    found = same_answers(results)
    assert [(f.exercise, f.students, f.statuses) for f in found] == [
        ("7.1", ("ann", "bob"), ("correct", "incorrect"))]
    table = list(csv.DictReader(io.StringIO(integrity_csv(found))))
    assert table == [{"lesson": "07_activations_losses", "exercise": "7.1", "answer": "0.5",
                      "students": "ann bob", "statuses": "correct incorrect"}]


def test_grading_with_a_student_bank_is_refused(tmp_path, capsys):
    from nnlib.grade.cli import main

    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "07_activations_losses.toml").write_text(
        '[questions."7.10"]\nkind = "number"\nmode = "graded"\nprompt = "p"\nvariable = "a"\n')
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "07_activations_losses.ipynb").write_text("{}")
    assert main([str(tmp_path / "subs"), "--out", str(tmp_path / "o"), "--answers", str(bank)]) == 2
    assert "student bank" in capsys.readouterr().err


def test_templates_without_a_secret_are_refused_before_grading(tmp_path, capsys, monkeypatch):
    from pathlib import Path

    from nnlib.grade.cli import main

    monkeypatch.delenv("NNLIB_COURSE_SECRET", raising=False)
    example = Path(__file__).resolve().parents[2] / "examples" / "graded_course" / "bank"
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "07_activations_losses.ipynb").write_text("{}")
    assert main([str(tmp_path / "subs"), "--out", str(tmp_path / "o"), "--answers", str(example)]) == 2
    assert "course secret" in capsys.readouterr().err
    assert not (tmp_path / "o" / "gradebook.csv").exists()


def test_md_escape_flattens_and_escapes():
    assert md_escape("a\n\n# b *c* <d>") == "a \\# b \\*c\\* &lt;d&gt;"
