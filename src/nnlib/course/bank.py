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
           "subs", "rtol", "reference", "cases", "hints", "mode", "params",
           "digits", "start", "min_steps", "plain_steps", "allow_sympy"}
#: ``practice``: instant right/wrong feedback, answer in the bank. ``graded``: the notebook
#: only validates the form of the answer; the instructor's private bank grades it later.
MODES = ("practice", "graded")
#: Feedback for an answer that was not typed (the notebook's check and the grader say the same).
SYMPY_REFUSED = ("This exercise asks for the derivation itself: type your result as a string "
                 "(not a SymPy object, e.g. from sympy.diff).")


def foreign_type_message(name: str) -> str:
    """Feedback for an object of a user-defined type (a subclass of str, SymPy or numpy types)."""
    return f"Your answer is an object of a type defined in your own code ({name}); write it as text."


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
    must guide without giving the answer away. ``mode`` is ``"practice"`` (default) or
    ``"graded"``; a graded question may be a template whose ``params`` table lists each
    parameter's choices (see :mod:`nnlib.course.variants`), and in a student bank built
    by the release it has no ``expected``, ``reference``, ``cases`` or ``hints``.
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
    mode: str = "practice"
    params: dict[str, tuple] | None = None
    source: str = field(default="", compare=False)
    #: number: significant digits the prompt asks for (a decimal with fewer is "not precise enough")
    digits: int | None = None
    #: steps: the expression the derivation starts from (first step must equal it)
    start: str | None = None
    #: steps: fewest steps, and fewest steps that carry out the derivative as a formula
    min_steps: int | None = None
    plain_steps: int | None = None
    #: expr/matrix/steps: accept SymPy objects from a student (default: only typed text)
    allow_sympy: bool = False

    @property
    def graded(self) -> bool:
        """A graded question: no right/wrong feedback in the notebook (see ``mode``)."""
        return self.mode == "graded"

    def check(self, value: Any, seed: int | None = None, student: bool = False):
        """Decide ``value`` and return an :class:`nnlib.check.Verdict`.

        ``seed`` chooses the checker's evaluation points (None: the checker's default, 0,
        unless the grading process has given the checker a secret default).
        ``student=True`` (``check_answer`` and the grader) also refuses answers that are
        not typed (see :meth:`refusal`); instructors' own checks pass SymPy objects.

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
        if student:
            refused = self.refusal(value)
            if refused is not None:
                return refused
        return self._with_hint(self._verdict(value, seed))

    def refusal(self, value: Any):
        """A Verdict refusing a student's answer that was not typed, else None.

        A derivation or formula question asks the student to do the derivation: a SymPy
        formula (e.g. from ``sympy.diff``) is refused unless ``allow_sympy``; SymPy numbers
        and matrices of numbers are numbers like any other. Objects of user-defined types
        (subclasses of ``str``, SymPy or numpy classes) are always refused.
        """
        from nnlib import check as checker
        from nnlib.check.answer import foreign_type

        if self.kind == "code":
            return None
        name = foreign_type(value)
        if name:
            return checker.Verdict(False, "unparsable", foreign_type_message(name))
        items = value if isinstance(value, (list, tuple)) and self.kind == "steps" else [value]
        if not self.allow_sympy and self.kind in ("expr", "matrix", "steps"):
            import sympy as sp
            if any(isinstance(v, (sp.Basic, sp.MatrixBase)) and v.free_symbols for v in items):
                return checker.Verdict(False, "unparsable", SYMPY_REFUSED)
        return None

    def _with_hint(self, verdict: Any) -> Any:
        """The verdict, with this question's hint for its diagnosis added to the feedback."""
        hint = (self.hints or {}).get(getattr(verdict, "diagnosis", None) or "")
        if hint and not getattr(verdict, "correct", True):
            verdict.feedback = f"{verdict.feedback} Hint: {hint}"
        return verdict

    def _verdict(self, value: Any, seed: int | None = None) -> Any:
        from nnlib import check as checker

        seeded = {} if seed is None else {"seed": seed}  # None: leave the checker's default

        rtol = self.tolerance
        if self.kind == "steps":
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                from nnlib.check.steps import ONE_STRING
                what = "one string" if isinstance(value, str) else type(value).__name__
                return checker.Verdict(False, "unparsable", ONE_STRING.replace(
                    "not one string", f"not {what}"))
            return checker.check_steps(list(value), expected=self.expected,
                                       variables=self.variables, shapes=self.shapes,
                                       subs=self.subs or {}, rtol=rtol, **seeded,
                                       start=self.start, min_steps=self.min_steps,
                                       plain_steps=self.plain_steps)
        if self.kind == "code":
            return self._check_code(value, checker, rtol)
        return checker.check(value, self.expected, variables=self.variables,
                             shapes=self.shapes, rtol=rtol, digits=self.digits, **seeded)

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
    return parse_bank_text(file.read_text(encoding="utf-8"), file.name)


def parse_bank_text(text: str, name: str = "<bank>") -> list[Question]:
    """The questions of one bank file's TOML ``text``; ``name`` is used in messages.

    Raises
    ------
    BankError naming ``name`` and the question for anything malformed.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{name}: not valid TOML: {exc}") from None
    unknown = set(data) - {"questions"}
    if unknown:
        raise BankError(f"{name}: unknown top-level keys {sorted(unknown)}; "
                        "questions go under [questions.\"<id>\"]")
    questions = data.get("questions", {})
    return [_parse_question(name, qid, entry) for qid, entry in questions.items()]


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
    mode = _get(entry, "mode", str, fail, default="practice")
    if mode not in MODES:
        raise fail(f"mode must be one of {MODES}, got {mode!r}")
    graded = mode == "graded"
    needs_expected = kind != "code" and not graded  # a student bank withholds it
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
    reference = _get(entry, "reference", str, fail, required=kind == "code" and not graded)
    cases = _get(entry, "cases", str, fail, required=kind == "code" and not graded)
    for name, target in (("reference", reference), ("cases", cases)):
        if target is not None and not _TARGET.match(target):
            raise fail(f"{name} must be 'module:function', got {target!r}")
    if kind != "code" and (reference or cases):
        raise fail("reference/cases are only for kind = 'code'")
    digits = _get(entry, "digits", int, fail)
    if digits is not None and (isinstance(digits, bool) or not 1 <= digits <= 15 or kind != "number"):
        raise fail(f"digits must be an integer from 1 to 15 on a number question, got {digits!r}")
    start = _get(entry, "start", str, fail)
    if start is not None:
        from nnlib.check.answer import names_in
        from nnlib.check.parse import ParseError
        try:
            names_in(start)
        except ParseError as exc:
            raise fail(f"start {start!r} is not a valid formula: {exc.message}") from None
    min_steps = _get(entry, "min_steps", int, fail)
    plain_steps = _get(entry, "plain_steps", int, fail)
    if kind != "steps" and (start is not None or min_steps is not None or plain_steps is not None):
        raise fail("start/min_steps/plain_steps are only for kind = 'steps'")
    for name, n in (("min_steps", min_steps), ("plain_steps", plain_steps)):
        if n is not None and (isinstance(n, bool) or not 1 <= n <= 50):
            raise fail(f"{name} must be an integer from 1 to 50, got {n!r}")
    allow_sympy = _get(entry, "allow_sympy", bool, fail, default=False)
    hints = _get(entry, "hints", dict, fail)
    for diagnosis, hint in (hints or {}).items():
        if diagnosis not in HINTABLE:
            raise fail(f"hints: unknown diagnosis {diagnosis!r}; use one of {HINTABLE}")
        if not isinstance(hint, str) or not hint.strip():
            raise fail(f"hints: the hint for {diagnosis!r} must be a non-empty string")
        if expected is not None and len(str(expected)) >= 4 and str(expected) in hint:
            raise fail(f"hints: the hint for {diagnosis!r} contains the expected answer")
    params = _parse_params(_get(entry, "params", dict, fail), fail)
    if params and not graded:
        raise fail("params (a template) are only for mode = 'graded'")
    return Question(
        id=qid, lesson=lesson, kind=kind, mode=mode, params=params,
        prompt=_get(entry, "prompt", str, fail, required=True), variable=variable,
        points=points, expected=None if expected is None else str(expected),
        variables=None if variables is None else tuple(variables), shapes=shapes,
        subs=subs, rtol=None if rtol is None else float(rtol), reference=reference,
        cases=cases, hints=hints, source=fname, digits=digits, start=start,
        min_steps=min_steps, plain_steps=plain_steps, allow_sympy=allow_sympy,
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


def _parse_params(params: dict | None, fail) -> dict[str, tuple] | None:
    """``{name: [choice, ...]}``: each a non-empty list of numbers or of strings."""
    if params is None:
        return None
    parsed = {}
    for name, choices in params.items():
        if not re.match(r"^[A-Za-z_]\w*$", name):
            raise fail(f"params: {name!r} is not a name")
        if not isinstance(choices, list) or not choices:
            raise fail(f"params: {name!r} must be a non-empty list of choices")
        numbers = all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in choices)
        if not numbers and not all(isinstance(c, str) and c for c in choices):
            raise fail(f"params: the choices of {name!r} must all be numbers or all "
                       "non-empty strings")
        parsed[name] = tuple(choices)
    return parsed


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
