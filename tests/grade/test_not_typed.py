"""Answers that were not typed get the same verdict from the grader as from check_answer.

check_answer refuses a SymPy formula (e.g. what sympy.diff returns) on a formula question,
and an object of a user-defined type (a subclass of str); the grader must not accept them
either just because the extraction turns every value into text.
"""
from __future__ import annotations

import csv
from pathlib import Path

import nbfactory as f
from nnlib.course.bank import SYMPY_REFUSED
from nnlib.grade.cli import main

HONEST = ["answer_90_1 = 0.25", "answer_90_2 = '2*x'", f.STUB[2]]
DIFF = ["import sympy as sp\nx = sp.Symbol('x')\nanswer_90_1 = sp.Rational(1, 4)",  # a SymPy number is a number
        "answer_90_2 = sp.diff(x**2, x)", f.STUB[2]]
SUBCLASS = ["answer_90_1 = 0.25",
            "class Always(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
            "answer_90_2 = Always('2*x')", f.STUB[2]]


def test_sympy_formulas_and_user_types_are_refused_by_the_grader(tmp_path: Path, private_bank):
    root = tmp_path / "class"
    f.write(root, "honest", HONEST)
    f.write(root, "differ", DIFF)
    f.write(root, "subclass", SUBCLASS)
    out = tmp_path / "out"
    assert main([str(root), "--out", str(out), "--answers", str(private_bank), "--timeout", "60",
                 "--memory", "1536", "--jobs", "2", "--no-progress"]) == 0
    rows = {(r["student"], r["exercise"]): (r["points"], r["status"])
            for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    assert rows[("honest", "90.2")] == ("2", "correct")       # the same answer, typed
    assert rows[("differ", "90.1")] == ("1", "correct")       # a SymPy number is still a number
    assert rows[("differ", "90.2")] == ("0", "incorrect")
    assert rows[("subclass", "90.2")] == ("0", "incorrect")
    differ = next((out / "feedback").glob("differ*.md")).read_text(encoding="utf-8")
    assert SYMPY_REFUSED.split(":")[0] in differ
    subclass = next((out / "feedback").glob("subclass*.md")).read_text(encoding="utf-8")
    assert "Always" in subclass and "write it as text" in subclass
