"""A graded question for each student: templates, and their parameters from a keyed seed.

A template is a graded bank question with a ``params`` table: each parameter lists its
choices. ``{{name}}`` in ``prompt`` (and in ``expected``, for string parameters such as
an activation's name) is replaced by the student's choice; numeric parameters are also
substituted for the symbol of the same name in ``expected`` after it is built, so a
derivative written in ``expected`` is carried out first::

    [questions."7.10"]
    kind = "number"
    mode = "graded"
    prompt = "... activation {{f}}, input u = {{u}}, weight v = {{v}} ... dE/dv?"
    expected = "d/dv (({{f}}(v*u) - y)^2)"
    [questions."7.10".params]
    f = ["sigma", "tanh"]
    u = [-1.5, 0.5, 2]
    ...

The choices of student ``s`` for question ``q`` come from
``seed = HMAC-SHA256(secret, "q\\x00s")`` (read as an integer, feeding
``numpy.random.default_rng``), one uniform draw per parameter in sorted name order. So
the instructor (who holds the secret) recomputes any student's instance, students cannot
compute anyone's parameters without the secret, and a student's own parameters are
shown to them by the release (their notebook's prompt), not derived in their kernel.

:func:`instantiate` turns a template into the student's plain question: prompt filled
in, ``expected`` the student's own answer (a 30-digit number for ``number``; SymPy's
printed form otherwise), ``params`` removed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .bank import Question

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
#: Significant digits of a numeric expected answer computed from a template.
DIGITS = 30


#: Environment variable that may hold the course secret (instead of a file).
SECRET_ENV = "NNLIB_COURSE_SECRET"


def read_secret(secret_file: str | None = None, secret: str | None = None) -> str | None:
    """The course secret: ``secret`` itself, else the text of ``secret_file``, else
    ``NNLIB_COURSE_SECRET``, else None. Used by the release and by ``nnlib-grade``."""
    if secret:
        return secret
    if secret_file:
        path = Path(secret_file)
        if not path.is_file():
            raise FileNotFoundError(f"--secret-file: no such file: {path}")
        return path.read_text(encoding="utf-8").strip()
    return os.environ.get(SECRET_ENV) or None


class VariantError(ValueError):
    """A template cannot be instantiated (unknown placeholder, no secret, bad formula)."""


def as_key(secret: str | bytes) -> bytes:
    """The course secret as HMAC key bytes; refuses an empty or short secret."""
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    key = key.strip()
    if len(key) < 16:
        raise VariantError("the course secret must have at least 16 characters "
                           "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')")
    return key


def variant_seed(secret: str | bytes, student: str, qid: str) -> int:
    """``HMAC-SHA256(secret, qid + NUL + student)`` as a 256-bit integer."""
    if not str(student).strip():
        raise VariantError("a student id must not be empty")
    message = f"{qid}\x00{student}".encode("utf-8")
    return int.from_bytes(hmac.new(as_key(secret), message, hashlib.sha256).digest(), "big")


def is_template(question: Question) -> bool:
    """Whether ``question`` has parameters (a variant for each student)."""
    return bool(getattr(question, "params", None))


def choose(question: Question, student: str, secret: str | bytes) -> dict[str, Any]:
    """The student's parameter values: one seeded draw per parameter, in name order."""
    rng = np.random.default_rng(variant_seed(secret, student, question.id))
    params = question.params or {}
    return {name: params[name][int(rng.integers(len(params[name])))] for name in sorted(params)}


def format_value(value: Any) -> str:
    """A parameter as it is shown and substituted: ints without ``.0``, floats by repr."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill(text: str, values: Mapping[str, Any], where: str = "template") -> str:
    """``text`` with every ``{{name}}`` replaced by ``format_value(values[name])``.

    Raises
    ------
    VariantError naming a placeholder that has no parameter.
    """
    def sub(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise VariantError(f"{where}: placeholder {{{{{name}}}}} has no parameter "
                               f"(parameters: {sorted(values)})")
        return format_value(values[name])
    return _PLACEHOLDER.sub(sub, text)


def instance_expected(question: Question, values: Mapping[str, Any]) -> str:
    """The expected answer of the instance ``values`` of a template question.

    String parameters are filled into the ``expected`` text; the text is built with the
    checker; numeric parameters replace the symbols of the same name (exactly: a decimal
    ``0.1`` is 1/10); derivatives are carried out. ``number`` gives the value with
    ``DIGITS`` significant digits, other kinds SymPy's printed form.
    """
    import sympy as sp

    from nnlib.check.answer import names_in, to_sympy
    from nnlib.check.build import make_symbols

    where = f"question {question.id}"
    if question.expected is None:
        raise VariantError(f"{where}: a template needs its expected answer (the instructor's "
                           "private bank)")
    # a number filled into the formula is bracketed: {{x}}^2 with x = -1.5 is (-1.5)^2
    text = fill(question.expected, {k: v if isinstance(v, str) else f"({format_value(v)})"
                                    for k, v in values.items()}, where)
    try:
        names = list(dict.fromkeys([*names_in(text), *(question.variables or ())]))
        symbols = make_symbols(names, dict(question.shapes or {}))
        expr, _ = to_sympy(text, symbols, author=True)
    except ValueError as exc:
        raise VariantError(f"{where}: expected answer {text!r} cannot be built: {exc}") from None
    numeric = {symbols[k]: sp.nsimplify(str(v), rational=True) for k, v in values.items()
               if k in symbols and not isinstance(v, str)}
    value = expr.xreplace(numeric).doit() if numeric else expr.doit()
    if question.kind == "number":
        if getattr(value, "free_symbols", None):
            raise VariantError(f"{where}: the expected number still has the names "
                               f"{sorted(map(str, value.free_symbols))}; give them parameters")
        number = sp.N(value, DIGITS)
        if not number.is_finite or not number.is_real:
            raise VariantError(f"{where}: the expected number is {number} for {dict(values)}")
        return str(number)
    return str(value)


def instantiate(question: Question, student: str, secret: str | bytes) -> Question:
    """The student's own instance of ``question`` (unchanged if it is not a template)."""
    if not is_template(question):
        return question
    values = choose(question, student, secret)
    return dataclasses.replace(
        question, prompt=fill(question.prompt, values, f"question {question.id} prompt"),
        expected=instance_expected(question, values) if question.expected is not None else None,
        params=None)


def for_student(questions: list[Question], student: str, secret: str | bytes | None
                ) -> list[Question]:
    """``questions`` with each template replaced by ``student``'s instance.

    Raises
    ------
    VariantError if a question is a template and no secret is given.
    """
    if secret is None:
        templates = [q.id for q in questions if is_template(q)]
        if templates:
            raise VariantError(f"questions {templates} are templates (a variant for each "
                               "student): the course secret is needed to grade them")
        return list(questions)
    return [instantiate(q, student, secret) for q in questions]
