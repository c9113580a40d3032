"""Re-checking extracted answers in the grader's own process, with the grader's bank.

For every question of the lesson: no value -> "not attempted"; ``kind == "code"`` ->
the student's source runs in a separate sandbox (``code_runner``) on inputs from the
question's ``cases`` (seeded by the question id) and the outputs are compared here with
the ``reference`` implementation by ``nnlib.check.check_values``; any other kind ->
``Question.check(value)``. Points and maxima come from the bank only. Feedback never
contains the expected answer.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .code_runner import CodeRunError, run_code
from .sandbox import Limits

CORRECT, INCORRECT, NOT_ATTEMPTED, ERROR = "correct", "incorrect", "not attempted", "error"


@dataclass
class ExerciseResult:
    """One gradebook row's grading part."""

    exercise: str
    points: float
    max_points: float
    status: str
    feedback: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def regrade(questions: list[Any], answers: dict[str, Any], limits: Limits,
            code_timeout: float = 30.0) -> list[ExerciseResult]:
    """Grade ``answers`` (``{variable: text or list of text}``) against ``questions``."""
    return [_grade_one(q, answers.get(q.variable), limits, code_timeout) for q in questions]


def _grade_one(q: Any, value: Any, limits: Limits, code_timeout: float) -> ExerciseResult:
    max_points = float(getattr(q, "points", 1))
    if value is None or (isinstance(value, str) and value.strip() in ("", "...", "None")):
        return ExerciseResult(q.id, 0.0, max_points, NOT_ATTEMPTED, "not attempted")
    try:
        if q.kind == "code":
            correct, feedback = _check_code(q, value, limits, code_timeout)
        else:
            verdict = q.check(value)
            correct, feedback = bool(verdict.correct), str(getattr(verdict, "feedback", ""))
    except _NotAttempted:
        return ExerciseResult(q.id, 0.0, max_points, NOT_ATTEMPTED, "not attempted")
    except CodeRunError as err:
        correct, feedback = False, str(err)
    except Exception as err:  # a checker failure must not stop the other exercises
        correct, feedback = False, f"your answer could not be read ({type(err).__name__})"
    feedback = _without_expected(feedback, q)
    return ExerciseResult(q.id, max_points if correct else 0.0, max_points,
                          CORRECT if correct else INCORRECT, feedback)


def _without_expected(feedback: str, q: Any) -> str:
    expected = str(getattr(q, "expected", "") or "")
    if len(expected) >= 4 and expected in feedback:
        return feedback.replace(expected, "[expected answer withheld]")
    return feedback


def _check_code(q: Any, source: Any, limits: Limits, timeout: float) -> tuple[bool, str]:
    if not isinstance(source, str):
        return False, "the answer is not a function"
    from nnlib.course.bank import resolve

    reference = resolve(q.reference)
    cases = q.code_cases()
    outputs = run_code(source, cases, limits, timeout, preferred=reference.__name__)
    rtol = q.tolerance
    for i, (args, out) in enumerate(zip(cases, outputs)):
        if isinstance(out, CodeRunError) and str(out).startswith("NotImplementedError"):
            raise _NotAttempted()
        if isinstance(out, CodeRunError):
            return False, f"test case {i + 1} raised {out}"
        correct, feedback = _compare(out, np.asarray(reference(*args), dtype=np.float64), rtol)
        if not correct:
            return False, f"test case {i + 1}: {feedback}"
    return True, f"all {len(cases)} test cases pass"


class _NotAttempted(Exception):
    """The student's function is still the generated ``NotImplementedError`` stub."""


def _compare(actual: np.ndarray, expected: np.ndarray, rtol: float) -> tuple[bool, str]:
    """``nnlib.check.check_values`` on the grader side (shape + relative tolerance)."""
    from nnlib.check import check_values

    verdict = check_values(actual, expected, rtol=rtol)
    return bool(verdict.correct), str(verdict.feedback)
