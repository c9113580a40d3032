"""The notebook's check and the grader give the same verdict on the same code answer.

The rule (``nnlib.course.codebundle``): the function and the helpers it calls, taken from
the notebook, with numpy and math as the only imports. Each case below is a notebook (a
list of cells, run here in one namespace like a kernel's ``__main__``); the notebook's
verdict is ``Question.check`` on the function object, the grader's is the extraction cell
plus the sandboxed code runner (``regrade``).
"""
from __future__ import annotations

import linecache

import pytest

from nnlib.grade.extract import extraction_cell, new_marker, parse_answers
from nnlib.grade.regrade import regrade
from nnlib.grade.sandbox import Limits

CASES = {
    "plain": (True, ["def double(x):\n    return 2 * x"]),
    "helper in another cell": (True, ["FACTOR = 2\nSHAPE = (1, 2)", "def scale(x):\n    return FACTOR * x",
                                      "def double(x):\n    return scale(x)"]),
    "renamed numpy": (True, ["import numpy as npy", "def double(x):\n    return npy.multiply(x, 2)"]),
    "math helper": (True, ["import math\ndef two():\n    return math.sqrt(4)",
                           "def double(x):\n    return two() * x"]),
    "wrong": (False, ["def double(x):\n    return 3 * x"]),
    "imports os": (False, ["def double(x):\n    import os\n    return 2 * x"]),
    "calls the reference": (False, ["def double(x):\n    from nnlib.course.references import layer\n"
                                    "    return 2 * x"]),
    "nnlib module from another cell": (False, ["import nnlib", "def double(x):\n"
                                              "    return nnlib.Sigmoid and 2 * x"]),
    "non-literal global": (False, ["import numpy as np\nOFFSET = np.zeros(1)",
                                   "def double(x):\n    return 2 * x + OFFSET[0]"]),
}


def _run_cells(cells: list[str], tag: str) -> dict:
    namespace = {"__name__": "__main__"}
    for i, cell in enumerate(cells):
        filename = f"<notebook {tag} cell {i}>"
        linecache.cache[filename] = (len(cell), None, cell.splitlines(True), filename)
        exec(compile(cell, filename, "exec"), namespace)
    return namespace


def _notebook_verdict(question, func) -> tuple[bool, str]:
    """The notebook's verdict as ``check_answer`` shows it: a check that raises is
    "Not yet" with the exception's message."""
    try:
        verdict = question.check(func)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return bool(verdict.correct), str(verdict.feedback)


@pytest.mark.parametrize("name", sorted(CASES))
def test_notebook_and_grader_agree(name, bank, tmp_path):
    deserved, cells = CASES[name]
    question = bank["90.3"]
    namespace = _run_cells([*cells, "answer_90_3 = double"], name)
    notebook, message = _notebook_verdict(question, namespace["double"])
    marker = new_marker()
    exec(extraction_cell([question.variable], marker, str(tmp_path / "a.json")), namespace)
    answers = parse_answers((tmp_path / "a.json").read_text(), marker, [question.variable])
    (graded,) = regrade([question], answers, Limits(memory_mb=1024, cpu_s=30), code_timeout=20)
    assert notebook == (graded.status == "correct") == deserved, (notebook, graded)
    if name == "nnlib module from another cell":
        assert "only numpy and math may be imported" in graded.feedback
        assert "only numpy and math may be imported" in message


def _tuple_question():
    from nnlib.course.bank import Question

    return Question(id="92.1", lesson=92, kind="code", prompt="p", variable="answer_92_1",
                    points=1, reference="grade_fixture_ref:double_and_negate",
                    cases="grade_fixture_ref:cases")


TUPLE_CASES = {
    "tuple": (True, "def double_and_negate(x):\n    return 2 * x, -np.sum(x)"),
    "list": (True, "import numpy as np\ndef double_and_negate(x):\n    return [2 * x, -np.sum(x)]"),
    "wrong part": (False, "def double_and_negate(x):\n    return 2 * x, np.sum(x)"),
    "one array": (False, "def double_and_negate(x):\n    return 2 * x"),
}


@pytest.mark.parametrize("name", sorted(TUPLE_CASES))
def test_functions_returning_tuples_agree(name, tmp_path):
    deserved, cell = TUPLE_CASES[name]
    question = _tuple_question()
    namespace = _run_cells(["import numpy as np", cell, "answer_92_1 = double_and_negate"],
                           "tuple " + name)
    notebook, _ = _notebook_verdict(question, namespace["double_and_negate"])
    marker = new_marker()
    exec(extraction_cell([question.variable], marker, str(tmp_path / "a.json")), namespace)
    answers = parse_answers((tmp_path / "a.json").read_text(), marker, [question.variable])
    (graded,) = regrade([question], answers, Limits(memory_mb=1024, cpu_s=30), code_timeout=20)
    assert notebook == (graded.status == "correct") == deserved, (notebook, graded)
