"""Validation of a graded answer: is it well-formed? Never: is it right?

A graded question (``mode = "graded"``) reaches the student without its expected
answer, so ``check_answer`` can only say whether the answer can be graded:

* it parses (the checker's own restricted parser, no ``eval``);
* it uses only the question's names (``variables`` and ``shapes``), and none where a
  number is asked;
* its matrix products and sums have consistent shapes;
* it is a result, not a restated derivative (``d/dz sigma(z)``);
* for a derivation (``steps``), every step parses and the last one is a result;
* for code, it is a function (or source text defining one).

:func:`validate` returns ``(ok, message)``; the message explains a problem with the
form of the answer and says nothing about whether it is right.
"""
from __future__ import annotations

import math
from typing import Any

from .bank import Question

WELL_FORMED = ("Your answer is well-formed. This question is graded by your instructor "
               "later, after you submit; no right or wrong is shown here.")


def validate(question: Question, value: Any) -> tuple[bool, str]:
    """Whether ``value`` is a well-formed answer to the graded ``question``, and why not.

    Never raises for a bad answer; the message never depends on the expected answer
    (which the student's bank does not have).
    """
    if question.kind == "code":
        return _validate_code(question, value)
    if question.kind == "steps":
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return False, "A derivation is a list of step strings, one step per item."
        for number, step in enumerate(value, start=1):
            ok, message = _validate_one(question, step, last=number == len(value))
            if not ok:
                return False, f"Step {number}: {message}"
        return True, WELL_FORMED
    return _validate_one(question, value, last=True)


def _validate_one(question: Question, value: Any, last: bool) -> tuple[bool, str]:
    from nnlib.check.answer import Question as Checked
    from nnlib.check.answer import UNFINISHED, error_verdict, has_derivative, to_sympy
    from nnlib.check.build import is_matrix
    from nnlib.check.parse import ParseError

    if last and isinstance(value, str) and has_derivative(value):
        return False, UNFINISHED
    try:
        names = () if question.kind == "number" else question.variables
        if names is None:  # a derivation without declared names: those it uses
            names = _names_used(value)
        q = Checked(None, names, tuple(sorted((question.shapes or {}).items())))
    except ValueError as exc:  # the question itself is malformed
        return False, f"This question cannot validate answers ({exc}); tell your instructor."
    try:
        built, _ = to_sympy(value, q.symbols)
    except ParseError as exc:
        if question.kind == "number" and exc.kind == "unknown":
            return False, "A number is asked for here: your answer uses a name."
        return False, error_verdict(exc, q).feedback
    except RecursionError:
        return False, "Your answer is nested too deeply to read."
    if question.kind == "number":
        if is_matrix(built):
            return False, "A number is asked for here, not a matrix."
        if built.free_symbols:
            return False, "A number is asked for here: your answer uses a name."
        try:
            number = complex(built.evalf())
            finite = number.imag == 0 and math.isfinite(number.real)
        except (TypeError, ValueError, OverflowError):
            finite = False
        if not finite:
            return False, "Your answer is not a finite real number."
    return True, WELL_FORMED


def _validate_code(question: Question, value: Any) -> tuple[bool, str]:
    if callable(value):
        return True, WELL_FORMED
    if isinstance(value, str):
        try:
            compile(value, "<answer>", "exec")
        except SyntaxError as exc:
            return False, f"Your code is not valid Python: {exc.msg} (line {exc.lineno})."
        if f"def {question.variable}" not in value and "def " not in value:
            return False, f"The code must define the function `{question.variable}`."
        return True, WELL_FORMED
    return False, f"Expected a function, got {type(value).__name__}."


def _names_used(value: Any) -> tuple[str, ...]:
    from nnlib.check.answer import names_in
    from nnlib.check.parse import ParseError

    if not isinstance(value, str):
        return ()
    try:
        return tuple(names_in(value))
    except (ParseError, RecursionError):
        return ()  # the parse error is reported when the answer is built
