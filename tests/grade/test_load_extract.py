"""Reading notebooks defensively and parsing the extraction cell's output."""
from __future__ import annotations

import json

import pytest

import nbfactory as f
from nnlib.grade.execute import GradingError
from nnlib.grade.extract import extraction_cell, new_marker, parse_answers
from nnlib.grade.load import load_notebook


def test_load_rejects_by_size_before_reading(tmp_path):
    path = tmp_path / "big.ipynb"
    with open(path, "wb") as fh:
        fh.truncate(1000)
    with pytest.raises(GradingError, match="too large"):
        load_notebook(path, max_bytes=999)


@pytest.mark.parametrize("raw, match", [(b"\xff", "not UTF-8"), (b"[1", "not valid JSON"),
                                        (b"[]", "no list of cells"),
                                        (b'{"cells": [{"cell_type": 3}]}', "invalid notebook")])
def test_load_rejects_broken_notebooks(tmp_path, raw, match):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(raw)
    with pytest.raises(GradingError, match=match):
        load_notebook(path)


def test_load_accepts_a_real_notebook(tmp_path):
    path = f.write(tmp_path, "s", f.GOOD)
    assert len(load_notebook(path).cells) == 3


def test_parse_answers_needs_the_exact_marker():
    mark = new_marker()
    payload = json.dumps({"a": "1", "b": ["x", "y"], "c": {"no": 1}, "other": "z"})
    text = f"noise {mark}{payload}{mark} noise"
    assert parse_answers(text, mark, ["a", "b", "c"]) == {"a": "1", "b": ["x", "y"]}
    assert parse_answers(text, new_marker(), ["a"]) == {}
    assert parse_answers(f"{mark}not json{mark}", mark, ["a"]) == {}
    assert parse_answers(f"{mark}[1, 2]{mark}", mark, ["a"]) == {}


def test_extraction_cell_refuses_non_identifiers():
    with pytest.raises(ValueError, match="identifier"):
        extraction_cell(["a; import os"], new_marker(), "/tmp/answers.json")


def test_discovery_reports_every_entry_and_escapes_names(tmp_path):
    import os

    from nnlib.grade.discover import find_submissions

    root = tmp_path / "subs"
    f.write(root, "ann", f.GOOD)
    os.makedirs(os.path.join(os.fsencode(root), b"x\xff"))
    f.write(root, "x\\xff", f.GOOD)                        # the escaped spelling of the other
    (root / os.fsdecode(b"x\xff") / "90_grading_fixture.ipynb").write_bytes(b"{}")
    os.mkfifo(root / "pipe")
    (root / "loose.ipynb").write_text("{}")
    (root / "ann" / ".ipynb_checkpoints").mkdir()
    found = find_submissions(root)
    subs = {(s.student, s.lesson): s.error for s in found}
    assert len(found) == 5 and len(subs) == 4
    assert subs[("ann", "90_grading_fixture")] == ""
    clash = [s for s in found if s.student == "x\\xff"]                # both: a collision
    assert len(clash) == 2 and all("same name" in s.error for s in clash)
    assert "a FIFO" in subs[("pipe", "-")]
    assert "outside any student folder" in subs[("-", "loose")]


def test_feedback_names_are_distinct_and_stable():
    from nnlib.grade.report import feedback_names

    students = ["ann", "Ann", "honest~ben", "honest_ben", "bob", "=x", "a/b"]
    names = feedback_names(students)
    assert len({n.lower() for n in names.values()}) == len(students)
    assert names["bob"] == "bob" and names == feedback_names(reversed(students))
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
               for n in names.values())
