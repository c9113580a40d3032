"""Re-checking extracted answers in the grader's own process, with the grader's bank.

For every question of the lesson: no value -> "not attempted"; ``kind == "code"`` ->
the student's source runs in a separate sandbox (``code_runner``) on the question's public
``cases`` (the notebook's own inputs, with the edge cases the bank defines) and on a
fresh draw of ``cases`` from a secret seed the student never sees, and the outputs are
compared here with the ``reference`` implementation by ``nnlib.check.check_values``; any
other kind -> ``Question.check(value)`` (in the grading process with a secret sampling
seed, see :func:`use_secret_sampling_seed`). A derivation longer than :data:`MAX_STEPS` steps is an error row.
Points and maxima come from the bank only. Feedback never contains the expected answer.
"""
from __future__ import annotations

import inspect
import secrets
import signal
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnlib.course.bank import SYMPY_REFUSED, foreign_type_message

from .code_runner import CodeRunError, run_code
from .extract import NOT_TYPED
from .sandbox import Limits

CORRECT, INCORRECT, NOT_ATTEMPTED, ERROR = "correct", "incorrect", "not attempted", "error"
MAX_STEPS = 50          # steps of one derivation answer the grader checks at most
FRESH_DRAWS = 2         # draws of a code question's cases from the secret seed


class CheckBudgetExceeded(BaseException):
    """The grader-side checking of one submission ran past its time budget.

    A BaseException, so that no ``except Exception`` around one answer swallows it.
    """


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
            code_timeout: float = 30.0, uid: int | None = None, work: Path | None = None,
            cgroups: list[str] | None = None, check_s: float | None = None) -> list[ExerciseResult]:
    """Grade ``answers`` (``{variable: text or list of text}``) against ``questions``.

    ``uid``, ``work`` and ``cgroups`` are the submission's sandbox (see ``worker.py``),
    used by the code runner. ``check_s`` is the time the grader may spend checking the
    non-code answers of this submission in all (a real-time timer, main thread only; code
    answers have their own timeout); past it :class:`CheckBudgetExceeded` is raised.
    """
    sandbox = {"uid": uid, "work": work, "cgroups": cgroups}
    budget = _Budget(check_s)
    return [_grade_one(q, answers.get(q.variable), limits, code_timeout, sandbox, budget)
            for q in questions]


class _Budget:
    """What is left of the checking time; arms SIGALRM around one check (main thread)."""

    def __init__(self, seconds: float | None) -> None:
        usable = seconds is not None and threading.current_thread() is threading.main_thread()
        self.left = float(seconds) if usable else None

    def __enter__(self) -> None:
        if self.left is None:
            return
        if self.left <= 0:
            raise CheckBudgetExceeded()
        self._start = time.monotonic()
        self._old = signal.signal(signal.SIGALRM, _raise_budget)
        signal.setitimer(signal.ITIMER_REAL, self.left)

    def __exit__(self, *exc: Any) -> None:
        if self.left is None:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._old)
        self.left -= time.monotonic() - self._start


def _raise_budget(signum: int, frame: Any) -> None:
    raise CheckBudgetExceeded()


def _grade_one(q: Any, value: Any, limits: Limits, code_timeout: float,
               sandbox: dict[str, Any], budget: _Budget) -> ExerciseResult:
    max_points = float(getattr(q, "points", 1))
    if value is None or (isinstance(value, str) and value.strip() in ("", "...", "None")):
        return ExerciseResult(q.id, 0.0, max_points, NOT_ATTEMPTED, "not attempted")
    if q.kind == "steps" and isinstance(value, list) and len(value) > MAX_STEPS:
        return ExerciseResult(q.id, 0.0, max_points, ERROR,
                              f"{len(value)} steps: the grader checks at most "
                              f"{MAX_STEPS} steps per derivation")
    if isinstance(value, str) and value.startswith(NOT_TYPED):
        why, _, text = value[len(NOT_TYPED):].partition("\x00")
        if why == "sympy" and getattr(q, "allow_sympy", False):
            value = text
        elif q.kind != "code":
            message = SYMPY_REFUSED if why == "sympy" else foreign_type_message(why.partition(":")[2])
            return ExerciseResult(q.id, 0.0, max_points, INCORRECT, message)
    try:
        if q.kind == "code":
            correct, feedback = _check_code(q, value, limits, code_timeout, sandbox)
        else:
            with budget:  # student=True: refuses answers that are not typed, as check_answer does
                verdict = q.check(value, student=True)
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


_SEED_PARAMETERS = ("seed", "sample_seed", "rng_seed")


def _seed_keyword(func: Any) -> dict[str, int]:
    """``{name: secret}`` for the sampling-seed parameter ``func`` accepts, else {}."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return {}
    for name in _SEED_PARAMETERS:
        if name in params:
            return {name: secrets.randbits(63)}
    return {}


def use_secret_sampling_seed() -> list[str]:
    """Make ``nnlib.check.check`` and ``check_steps`` (where they take a sampling seed)
    evaluate at points drawn from a secret seed in this process, unless a caller passes a
    seed itself; the names of the functions changed.

    Meant for the per-submission grading process (``child.py``): it patches the module,
    so that ``Question.check`` (the same call as in the notebook) samples at points the
    student never saw; an answer built to agree with the expected one only at the public
    points is then found out.
    """
    import functools

    from nnlib import check as checker

    changed = []
    for name in ("check", "check_steps"):
        func = getattr(checker, name, None)
        keyword = _seed_keyword(func) if func is not None else {}
        if not keyword or getattr(func, "_nnlib_secret_seed", False):
            continue
        (key, secret), = keyword.items()

        def seeded(*args: Any, _func: Any = func, _key: str = key, _secret: int = secret,
                   **kwargs: Any) -> Any:
            kwargs.setdefault(_key, _secret)
            return _func(*args, **kwargs)

        seeded = functools.wraps(func)(seeded)
        seeded._nnlib_secret_seed = True  # type: ignore[attr-defined]
        setattr(checker, name, seeded)
        changed.append(name)
    return changed


def grading_cases(q: Any) -> list[tuple]:
    """The public cases of a code question plus :data:`FRESH_DRAWS` draws of its
    ``cases`` function from a secret seed (a lookup table of the public inputs fails)."""
    from nnlib.course.bank import resolve

    cases = list(q.code_cases())
    make = resolve(q.cases)
    rng = np.random.default_rng(secrets.randbits(128))
    for _ in range(FRESH_DRAWS):
        cases += [args if isinstance(args, tuple) else (args,) for args in make(rng)]
    return cases


def _check_code(q: Any, source: Any, limits: Limits, timeout: float,
                sandbox: dict[str, Any]) -> tuple[bool, str]:
    if not isinstance(source, str):
        return False, "the answer is not a function"
    from nnlib.course.bank import resolve

    reference = resolve(q.reference)
    cases = grading_cases(q)
    outputs = run_code(source, cases, limits, timeout, preferred=reference.__name__, **sandbox)
    rtol = q.tolerance
    for i, (args, out) in enumerate(zip(cases, outputs)):
        if isinstance(out, CodeRunError) and str(out).startswith("NotImplementedError"):
            raise _NotAttempted()
        if isinstance(out, CodeRunError):
            return False, f"test case {i + 1} raised {out}"
        expected = _as_float(reference(*[a.copy() if isinstance(a, np.ndarray) else a
                                         for a in args]))
        correct, feedback = _compare(_like(out, expected), expected, rtol)
        if not correct:
            return False, f"test case {i + 1}: {feedback}"
    return True, f"all {len(cases)} test cases pass"


def _as_float(value: Any) -> Any:
    """The reference's result as float64: one array, or a tuple of arrays."""
    if isinstance(value, tuple):
        return tuple(np.asarray(v, dtype=np.float64) for v in value)
    return np.asarray(value, dtype=np.float64)


def _like(out: Any, expected: Any) -> Any:
    """The student's output as the notebook's check sees it: a returned tuple or list stays
    a tuple of arrays where the reference returns a tuple, and becomes one array (as
    ``check_values`` would make it) where the reference returns one array."""
    if not isinstance(expected, tuple) and isinstance(out, tuple):
        try:
            return np.asarray(out, dtype=np.float64)
        except ValueError:
            return out
    return out


class _NotAttempted(Exception):
    """The student's function is still the generated ``NotImplementedError`` stub."""


def _compare(actual: np.ndarray, expected: np.ndarray, rtol: float) -> tuple[bool, str]:
    """``nnlib.check.check_values`` on the grader side (shape + relative tolerance)."""
    from nnlib.check import check_values

    verdict = check_values(actual, expected, rtol=rtol)
    return bool(verdict.correct), str(verdict.feedback)
