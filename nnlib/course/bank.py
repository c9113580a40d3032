"""The question bank: one TOML file per lesson in ``nnlib/course/bank/``.

Each question is a table ``[questions."<lesson>.<n>"]`` with the fields listed in
docs/ARCHITECTURE.md (kind, prompt, variable, points, expected, variables, shapes,
subs, rtol, reference, cases). :func:`load_bank` reads and validates them;
:meth:`Question.check` decides an answer with :mod:`nnlib.check`.
"""
from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

BANK_DIR = Path(__file__).with_name("bank")
KINDS = ("expr", "matrix", "number", "steps", "code")
DEFAULT_RTOL = 1e-9
CASES_SEED = 0

_ID = re.compile(r"^(\d+)\.(\d+)$")
_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_FIELDS = {"kind", "prompt", "variable", "points", "expected", "variables", "shapes",
           "subs", "rtol", "reference", "cases", "hints"}
#: Diagnoses a question may attach a hint to (the checker's own, minus "not attempted").
HINTABLE = ("sign", "factor", "transpose", "shape", "missing_term", "extra_term", "non-finite", "other")


class BankError(ValueError):
    """A question bank file is malformed; the message names the file and question."""


@dataclass(frozen=True)
class Question:
    """One exercise of the question bank.

    ``expected`` is in checker syntax (see :func:`nnlib.check.check`); for ``steps`` it
    is the expected final value. ``reference`` and ``cases`` (``code`` only) are
    ``"module:function"`` strings. ``hints`` maps a diagnosis (``"factor"``, ``"sign"``,
    ...) to one sentence added to the checker's feedback for that kind of mistake; it
    must guide without giving the answer away.
    """

    id: str
    lesson: int
    kind: str
    prompt: str
    variable: str
    points: int = 1
    expected: str | None = None
    variables: tuple[str, ...] | None = None
    shapes: dict[str, tuple[int, int]] | None = None
    subs: dict[str, Any] | None = None
    rtol: float | None = None
    reference: str | None = None
    cases: str | None = None
    hints: dict[str, str] | None = None
    source: str = field(default="", compare=False)

    def check(self, value: Any):
        """Decide ``value`` and return an :class:`nnlib.check.Verdict`.

        ``expr``/``matrix``/``number`` use ``nnlib.check.check``; ``steps`` uses
        ``nnlib.check.check_steps`` on a list of step strings; ``code`` calls the
        student's function (a callable, or source text executed here: only ever in
        the student's own kernel) on every input of ``cases(rng)`` and compares with
        ``reference`` through ``nnlib.check.check_values``.

        Raises
        ------
        NotImplementedError
            Only for ``code``: the student's function is still the generated stub.
        """
        return self._with_hint(self._verdict(value))

    def _with_hint(self, verdict: Any) -> Any:
        """The verdict, with this question's hint for its diagnosis added to the feedback."""
        hint = (self.hints or {}).get(getattr(verdict, "diagnosis", None) or "")
        if hint and not getattr(verdict, "correct", True):
            verdict.feedback = f"{verdict.feedback} Hint: {hint}"
        return verdict

    def _verdict(self, value: Any) -> Any:
        from nnlib import check as checker

        rtol = self.tolerance
        if self.kind == "steps":
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                raise TypeError(f"question {self.id}: a derivation is a list of step "
                                f"strings, got {type(value).__name__}")
            return checker.check_steps(list(value), expected=self.expected,
                                       variables=self.variables, shapes=self.shapes,
                                       subs=self.subs or {}, rtol=rtol)
        if self.kind == "code":
            return self._check_code(value, checker, rtol)
        return checker.check(value, self.expected, variables=self.variables,
                             shapes=self.shapes, rtol=rtol)

    @property
    def tolerance(self) -> float:
        """Relative tolerance for numbers and code outputs: ``rtol`` or the default."""
        return DEFAULT_RTOL if self.rtol is None else float(self.rtol)

    def code_cases(self) -> list[tuple]:
        """The seeded inputs of a ``code`` question, each as a tuple of arguments.

        The same inputs for the student's kernel and for the grader (seed ``CASES_SEED``).
        """
        cases = resolve(self.cases)(np.random.default_rng(CASES_SEED))
        return [args if isinstance(args, tuple) else (args,) for args in cases]

    def _check_code(self, value: Any, checker, rtol: float) -> Any:
        reference = resolve(self.reference)
        student = _as_function(value, reference.__name__)
        verdict = None
        for number, args in enumerate(self.code_cases(), start=1):
            expected = reference(*_copy(args))
            try:
                actual = student(*_copy(args))
            except NotImplementedError:
                raise
            except Exception as exc:  # the student's bug, reported as feedback
                return checker.Verdict(False, "other", f"Your function raised "
                                       f"{type(exc).__name__} on test input {number}: {exc}")
            verdict = checker.check_values(actual, expected, rtol=rtol)
            if not verdict:
                return verdict
        if verdict is None:
            raise BankError(f"{self.source}: question {self.id}: cases() returned no inputs")
        return verdict


def _copy(args: tuple) -> tuple:
    """Copies of array arguments, so neither function sees the other's mutations."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _as_function(value: Any, name: str) -> Callable:
    """The student's function: ``value`` itself, or the function ``name`` in source text.

    A notebook function is taken as the grader takes it (``nnlib.course.codebundle``): the
    function and the helpers it calls, taken from the notebook, run where only ``numpy`` and
    ``math`` can be imported, so the notebook and the grader give the same verdict.
    """
    from .codebundle import bundle_source, bundles, load_function

    if bundles(value):
        return load_function(bundle_source(value), name, value.__name__)
    if callable(value):
        return value
    if isinstance(value, str):
        namespace: dict[str, Any] = {}
        exec(compile(value, "<answer>", "exec"), namespace)  # noqa: S102 - student's own kernel
        if callable(namespace.get(name)):
            return namespace[name]
        found = [v for k, v in namespace.items() if callable(v) and not k.startswith("__")]
        if len(found) == 1:
            return found[0]
        raise ValueError(f"the code must define a function named {name!r}")
    raise TypeError(f"expected a function or its source text, got {type(value).__name__}")


def resolve(target: str | None) -> Callable:
    """Import ``"module:function"`` and return the function."""
    if not target or not _TARGET.match(target):
        raise ValueError(f"expected 'module:function', got {target!r}")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def load_bank(path: str | Path | None = None) -> dict[str, Question]:
    """Read every question of the bank.

    Parameters
    ----------
    path : str or Path, optional
        A directory of ``*.toml`` files or a single file (e.g. an instructor's private
        copy). Default: the package's ``nnlib/course/bank/``.

    Returns
    -------
    dict mapping question id (``"1.2"``) to :class:`Question`, sorted by lesson and number.

    Raises
    ------
    BankError (a ValueError) naming the file and question for any malformed entry or
    a question id defined twice.
    """
    root = BANK_DIR if path is None else Path(path)
    if root.is_dir():
        files = sorted(root.glob("*.toml"))
    elif root.is_file():
        files = [root]
    else:
        raise FileNotFoundError(f"no question bank at {root}")
    bank: dict[str, Question] = {}
    for file in files:
        for question in _load_file(file):
            if question.id in bank:
                raise BankError(f"{file.name}: question {question.id} is also defined in "
                                f"{bank[question.id].source}")
            bank[question.id] = question
    return dict(sorted(bank.items(), key=lambda kv: tuple(map(int, kv[0].split(".")))))


def lesson_names(path: str | Path | None = None) -> list[str]:
    """The lesson notebooks the bank knows: the stems of its files, sorted.

    The bank has one file per lesson notebook, named like it (``04_layer_backprop.toml``
    for ``04_layer_backprop.ipynb``), including lessons without exercises, whose file
    holds no question (``00_errata.toml``).
    """
    root = BANK_DIR if path is None else Path(path)
    files = sorted(root.glob("*.toml")) if root.is_dir() else [root]
    return [f.stem for f in files]


def _load_file(file: Path) -> list[Question]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{file.name}: not valid TOML: {exc}") from None
    unknown = set(data) - {"questions"}
    if unknown:
        raise BankError(f"{file.name}: unknown top-level keys {sorted(unknown)}; "
                        "questions go under [questions.\"<id>\"]")
    questions = data.get("questions", {})
    return [_parse_question(file.name, qid, entry) for qid, entry in questions.items()]


def _parse_question(fname: str, qid: str, entry: Any) -> Question:
    def fail(msg: str) -> BankError:
        return BankError(f"{fname}: question {qid}: {msg}")

    match = _ID.match(qid)
    if not match:
        raise fail("id must look like '<lesson>.<n>', e.g. '2.1'")
    lesson = int(match.group(1))
    stem_lesson = re.match(r"^(\d+)_", fname)
    if stem_lesson and int(stem_lesson.group(1)) != lesson:
        raise fail(f"id belongs to lesson {lesson} but the file is lesson "
                   f"{int(stem_lesson.group(1))}")
    if not isinstance(entry, dict):
        raise fail("must be a table")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise fail(f"unknown fields {sorted(unknown)}")
    kind = _get(entry, "kind", str, fail, required=True)
    if kind not in KINDS:
        raise fail(f"kind must be one of {KINDS}, got {kind!r}")
    variable = _get(entry, "variable", str, fail, required=True)
    if not variable.isidentifier():
        raise fail(f"variable must be a Python name, got {variable!r}")
    points = _get(entry, "points", int, fail, default=1)
    if isinstance(points, bool) or points < 0:
        raise fail(f"points must be a non-negative integer, got {points!r}")
    needs_expected = kind != "code"
    expected = _get(entry, "expected", (str, int, float), fail, required=needs_expected)
    rtol = _get(entry, "rtol", (int, float), fail)
    if rtol is not None and not (0 <= rtol < 1):
        raise fail(f"rtol must be in [0, 1), got {rtol!r}")
    variables = _get(entry, "variables", (list, str), fail)
    if isinstance(variables, str):
        variables = variables.replace(",", " ").split()
    if variables is not None and not all(isinstance(v, str) for v in variables):
        raise fail("variables must be a list of names")
    shapes = _parse_shapes(_get(entry, "shapes", dict, fail), fail)
    subs = _get(entry, "subs", dict, fail)
    reference = _get(entry, "reference", str, fail, required=kind == "code")
    cases = _get(entry, "cases", str, fail, required=kind == "code")
    for name, target in (("reference", reference), ("cases", cases)):
        if target is not None and not _TARGET.match(target):
            raise fail(f"{name} must be 'module:function', got {target!r}")
    if kind != "code" and (reference or cases):
        raise fail("reference/cases are only for kind = 'code'")
    hints = _get(entry, "hints", dict, fail)
    for diagnosis, hint in (hints or {}).items():
        if diagnosis not in HINTABLE:
            raise fail(f"hints: unknown diagnosis {diagnosis!r}; use one of {HINTABLE}")
        if not isinstance(hint, str) or not hint.strip():
            raise fail(f"hints: the hint for {diagnosis!r} must be a non-empty string")
        if expected is not None and len(str(expected)) >= 4 and str(expected) in hint:
            raise fail(f"hints: the hint for {diagnosis!r} contains the expected answer")
    return Question(
        id=qid, lesson=lesson, kind=kind,
        prompt=_get(entry, "prompt", str, fail, required=True), variable=variable,
        points=points, expected=None if expected is None else str(expected),
        variables=None if variables is None else tuple(variables), shapes=shapes,
        subs=subs, rtol=None if rtol is None else float(rtol), reference=reference,
        cases=cases, hints=hints, source=fname,
    )


def _get(entry: dict, key: str, types, fail, required: bool = False, default=None):
    if key not in entry:
        if required:
            raise fail(f"missing required field {key!r}")
        return default
    value = entry[key]
    if not isinstance(value, types):
        names = types.__name__ if isinstance(types, type) else "/".join(t.__name__ for t in types)
        raise fail(f"field {key!r} must be {names}, got {type(value).__name__}")
    return value


def _parse_shapes(shapes: dict | None, fail) -> dict[str, tuple[int, int]] | None:
    if shapes is None:
        return None
    parsed = {}
    for name, shape in shapes.items():
        if (not isinstance(shape, list) or len(shape) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0
                           for n in shape)):
            raise fail(f"shape of {name!r} must be [rows, cols] of positive ints, got {shape!r}")
        parsed[name] = (shape[0], shape[1])
    return parsed
