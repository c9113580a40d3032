"""``check``: is one typed answer equivalent to the expected one?"""
from __future__ import annotations

import ast
import functools
import re
from fractions import Fraction
from numbers import Number

import numpy as np
import sympy as sp

from .build import build, is_matrix, make_symbols
from .diagnose import FEEDBACK, diagnose
from .equivalence import compare, shape_of
from .exact import LiteralModel, model_from_number, model_from_sympy
from .parse import ParseError, parse
from .verdict import Verdict
from .vocabulary import CONSTANTS, FUNCTIONS, KEYWORD_BACK

_EVAL_ERRORS = (NotImplementedError, TypeError, ValueError, ArithmeticError)
NOT_ATTEMPTED = "Not attempted yet: replace ... with your answer."
TINY = ("Your answer differs from the expected one by a tiny amount (a tiny constant or a "
        "term that is almost zero): it is not equivalent.")
WRONG_NUMBER = "Your number is not the expected value: recheck your computation step by step."
WRONG_MATRIX = ("Your matrix is not the expected one: recheck how each entry is computed, "
                "step by step.")
WRONG_DIGITS = ("Your decimal is not right to its last digit: compute the value more "
                "precisely and round it (do not guess the last digits).")
FOREIGN = ("Your answer is an object of a type defined in your own code ({name}); write "
           "it as text (a string) instead.")
UNFINISHED = ("Your answer still contains a derivative (d/dw ...): carry out the "
              "differentiation and give the result.")


def imprecise_feedback(digits: int | None) -> str:
    """Feedback for decimals that are right as far as they go but too coarse."""
    want = (f"at least {digits} significant digits" if digits
            else "the exact value (a fraction, sqrt(2), exp(-1), ...) or more digits")
    return f"Not precise enough: your decimals are close, but give {want}."


def unfinished_verdict() -> "Verdict":
    """The verdict for an answer that restates a derivative (see :func:`unfinished`)."""
    return Verdict(False, "other", UNFINISHED, {"derivative_left": True})


def split_names(variables) -> tuple[str, ...]:
    """``"x, y z"`` or ``["x", "y"]`` -> ``("x", "y", "z")``."""
    if variables is None:
        return ()
    if isinstance(variables, str):
        return tuple(n for n in re.split(r"[\s,;]+", variables) if n)
    if isinstance(variables, sp.Basic):
        return (str(variables),)
    return tuple(str(v) for v in variables)


def names_in(text: str) -> list[str]:
    """Variable names used in answer text (not functions or constants), sorted."""
    tree = parse(text)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            n = KEYWORD_BACK.get(node.id, node.id)
            if n not in FUNCTIONS and n not in CONSTANTS:
                names.add(n)
    return sorted(names)


def has_derivative(text: str) -> bool:
    """Whether answer text uses derivative notation (``d/dw (...)``, ``Derivative``, ``diff``).

    Text that does not parse counts as False (the caller reports the parse error).
    """
    try:
        tree = parse(text)
    except ParseError:
        return False
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and FUNCTIONS.get(node.func.id) == "diff" for node in ast.walk(tree))


def unfinished(answer, q: "Question") -> bool:
    """An answer that restates a derivative instead of giving its result.

    Differentiating is the point of the exercises, and ``d/dz sigma(z)`` *equals*
    ``sigma(z)(1 - sigma(z))``; so where the expected answer has no derivative in it, an
    answer that has one is not accepted, however equal.
    """
    return isinstance(answer, str) and not q.allows_derivative and has_derivative(answer)


def freeze_shapes(shapes) -> tuple:
    """Validated, hashable form of a ``{name: (rows, cols)}`` table."""
    if not shapes:
        return ()
    out = []
    for name, shape in dict(shapes).items():
        shape = tuple(int(s) for s in shape)
        if len(shape) != 2 or min(shape) < 1:
            raise ValueError(f"shape of {name!r} must be (rows, cols) with sizes >= 1, "
                             f"got {shape}")
        out.append((str(name), shape))
    return tuple(sorted(out))


class Question:
    """The expected side of a check, built once: symbols, expected object, flags."""

    def __init__(self, expected, variables=None, shapes=()):
        shapes = dict(shapes)
        if isinstance(expected, sp.Basic) or isinstance(expected, sp.MatrixBase):
            for s in expected.free_symbols:
                if isinstance(s, sp.MatrixSymbol):
                    shapes.setdefault(s.name, shape_of(s))
        names = split_names(variables)
        if not names:
            if isinstance(expected, str):
                try:
                    names = tuple(names_in(expected))
                except ParseError as exc:
                    raise ValueError(f"expected answer {expected!r} is invalid: "
                                     f"{exc.message}") from None
            elif isinstance(expected, (sp.Basic, sp.MatrixBase)):
                names = tuple(sorted(str(s) for s in expected.free_symbols))
        names = tuple(dict.fromkeys(names))
        self.names = tuple(names) + tuple(n for n in shapes if n not in names)
        self.symbols = make_symbols(self.names, shapes)
        self.expected, self.inexact = (None, False) if expected is None else \
            to_sympy(expected, self.symbols, author=True)
        self.allows_derivative = has_derivative(expected) if isinstance(expected, str) else \
            isinstance(expected, sp.Basic) and expected.has(sp.Derivative)

    def known(self) -> str:
        return ", ".join(self.names) if self.names else "none (the answer is a number)"


@functools.lru_cache(maxsize=512)
def _question(expected, variables, shapes) -> Question:
    return Question(expected, variables, shapes)


def question(expected, variables=None, shapes=None) -> Question:
    """The (cached when hashable) ``Question`` for these arguments."""
    frozen = freeze_shapes(shapes)
    vars_key = split_names(variables)
    try:
        return _question(expected, vars_key, frozen)
    except TypeError:  # unhashable expected (e.g. a mutable Matrix)
        return Question(expected, vars_key, frozen)


def to_sympy(value, symbols: dict, author: bool = False):
    """Answer (text, number, SymPy object, array) -> (SymPy object, inexact flag).

    Raises ``ParseError`` for student input; for ``author=True`` (the expected answer)
    problems raise ``ValueError`` since they are mistakes in the question.
    """
    try:
        foreign = foreign_type(value)
        if foreign and not author:
            raise ParseError("unparsable", FOREIGN.format(name=foreign))
        if isinstance(value, str):
            built = build(value, symbols)
            return built.expr, built.inexact
        if isinstance(value, bool):
            raise ParseError("unparsable", "True/False is not an answer here.")
        if isinstance(value, sp.MatrixBase):
            value = sp.ImmutableMatrix(value)
        if isinstance(value, (sp.Basic, sp.MatrixBase)):
            return _rename(value, symbols), bool(value.atoms(sp.Float))
        if isinstance(value, (np.ndarray, list, tuple)):
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise ParseError("unparsable", "A list answer must be a matrix of numbers; "
                                               "write a formula as one string.") from None
            if arr.ndim == 1:
                arr = arr[:, None]
            if arr.ndim != 2:
                raise ParseError("shape", f"A matrix answer must be 2-D, got {arr.ndim}-D.")
            return sp.ImmutableMatrix([[_number(x)[0] for x in row] for row in arr]), True
        if isinstance(value, (Number, np.number)):
            return _number(value)
        raise ParseError("unparsable", f"An answer of type {type(value).__name__} "
                                       "cannot be checked; write it as text.")
    except ParseError as exc:
        if author:
            raise ValueError(f"expected answer {value!r} is invalid: {exc.message}") from None
        raise


_PLAIN = (str, int, float, bool, Fraction, list, tuple, type(None), type(Ellipsis))


def foreign_type(value, depth: int = 0) -> str | None:
    """The name of a user-defined type in ``value``, or None if it is made of plain types.

    Plain: ``str``, ``int``, ``float``, ``Fraction``, lists/tuples of plain values, numpy
    arrays of numbers and numpy scalars, and SymPy objects all of whose parts are SymPy's
    own classes. A subclass (of ``str``, of a SymPy class with an ``==`` that always says
    True, of ``numpy.ndarray``...) is user-defined: its methods could say anything.
    """
    t = type(value)
    if t in _PLAIN:
        if t in (list, tuple) and depth < 4:
            for item in value:
                name = foreign_type(item, depth + 1)
                if name:
                    return name
        return None
    module = getattr(t, "__module__", "") or ""
    if t is np.ndarray:
        return None if value.dtype.kind in "biuf" else f"numpy array of {value.dtype}"
    if isinstance(value, np.generic):
        return None if module == "numpy" else t.__name__
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        nodes = [value] if isinstance(value, sp.MatrixBase) else []
        nodes += list(sp.preorder_traversal(value)) if isinstance(value, sp.Basic) else \
            [n for x in value for n in sp.preorder_traversal(x)]
        for node in nodes:
            mod = getattr(type(node), "__module__", "") or ""
            if not mod.startswith("sympy"):
                return type(node).__name__
        return None
    return t.__name__ if not module.startswith(("builtins", "sympy", "numpy")) else None


def literal_model(value, symbols: dict) -> LiteralModel | None:
    """The answer with its decimals as unknowns (see ``exact.literal_fit``), or None."""
    try:
        if isinstance(value, str):
            built = build(value, symbols, literal_symbols=True)
            return LiteralModel(built.expr, built.literals, built.units) if built.literals else None
        if isinstance(value, (float, np.floating)):
            return model_from_number(float(value))
        if isinstance(value, sp.Basic):
            return model_from_sympy(_rename(value, symbols))
    except (ParseError, ValueError, TypeError):
        return None
    return None


def _number(x):
    if isinstance(x, (int, np.integer)):
        return sp.Integer(int(x)), False
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator), False
    x = float(x)
    if not np.isfinite(x):
        raise ParseError("unparsable", "Your answer is not a finite number.")
    f = Fraction(repr(x))
    return sp.Rational(f.numerator, f.denominator), True


def _rename(expr, symbols: dict):
    """Replace free symbols by the question's symbols of the same name."""
    mapping = {}
    for s in expr.free_symbols:
        mine = symbols.get(str(s))
        if mine is None:
            raise ParseError("unknown", f"Unknown name {str(s)!r}.")
        if mine is not s:
            mapping[s] = mine
    return expr.xreplace(mapping) if mapping else expr


def error_verdict(exc: ParseError, q: Question) -> Verdict:
    if exc.kind == "unknown":
        # listing the names would give the answer away when it is a single name
        bare = isinstance(q.expected, (sp.Symbol, sp.MatrixSymbol))
        hint = ("Use only the names defined in the question." if bare
                else f"The names you can use here are: {q.known()}.")
        return Verdict(False, "unparsable", f"{exc.message} {hint}",
                       {"unknown_names": getattr(exc, "names", [])})
    if exc.kind == "shape":
        return Verdict(False, "shape", exc.message + " Check the order of the factors "
                                                     "and where the transposes go.")
    return Verdict(False, exc.kind, exc.message)


def not_attempted(answer) -> bool:
    """True for ``None``, ``...`` and ``NotImplementedError`` (the notebook stubs)."""
    return answer is None or answer is Ellipsis or isinstance(answer, NotImplementedError) \
        or answer is NotImplementedError


def check(answer, expected, variables=None, shapes=None, rtol: float = 1e-9,
          seed: int = 0, digits: int | None = None) -> Verdict:
    """Check a typed answer against the expected one.

    Parameters
    ----------
    answer : str, number, SymPy object, array, None or Ellipsis
        What the student wrote, e.g. ``"sigma(z)*(1 - sigma(z))"`` or ``"dY @ W.T"``.
    expected : str or SymPy object
        The right answer (strings are parsed the same way as answers).
    variables : str or list of str, optional
        The free symbols, e.g. ``"z"`` or ``["w", "b"]``; default: those of ``expected``.
    shapes : dict, optional
        Matrix symbol shapes, e.g. ``{"W": (4, 3), "dY": (4, 5)}``.
    rtol : float
        Relative tolerance for answers containing decimals (default 1e-9). Decimals must
        also be right as far as they are written (to half a unit in their last digit):
        ``x + 1e-10`` is not ``x``, and ``1.7165`` is not 1.716338... Exact answers
        (no decimals) must be exactly equal.
    seed : int
        Seed of the evaluation points (verdicts are deterministic for one seed; a grader
        may pass its own).
    digits : int, optional
        Significant digits the question asks for: a decimal answer is then precise
        enough when it is within ``0.5 * 10**(1 - digits)`` (relative) of the value.

    Returns
    -------
    Verdict
        ``bool(v)``, ``v.correct``, ``v.diagnosis`` (None when correct), ``v.feedback``.

    Raises
    ------
    ValueError
        If ``expected``, ``variables`` or ``shapes`` are invalid (a problem in the
        question, not in the answer). Problems in ``answer`` never raise.

    Examples
    --------
    >>> bool(check("sigma(z)*(1 - sigma(z))", expected="exp(-z)/(1 + exp(-z))**2"))
    True
    >>> check("-1/4", expected="-1/8").diagnosis
    'factor'
    """
    if not rtol >= 0:
        raise ValueError(f"rtol must be >= 0, got {rtol!r}")
    if digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 15:
            raise ValueError(f"digits must be an integer from 1 to 15, got {digits!r}")
        rtol = max(rtol, 0.5 * 10.0 ** (1 - digits))
    q = question(expected, variables, shapes)
    if not_attempted(answer):
        return Verdict(False, "not_attempted", NOT_ATTEMPTED)
    if unfinished(answer, q):
        return unfinished_verdict()
    try:
        student, inexact = to_sympy(answer, q.symbols)
    except ParseError as exc:
        return error_verdict(exc, q)
    model = literal_model(answer, q.symbols) if inexact and not q.inexact else None
    return safe_judge(student, q.expected, q, rtol, inexact or q.inexact, seed,
                      model=model, digits=digits)


def safe_judge(student, expected, q: Question, rtol: float, inexact: bool, seed: int = 0,
               model: LiteralModel | None = None, digits: int | None = None,
               author_inexact: bool | None = None) -> Verdict:
    """``judge`` that turns any failure into a verdict (a notebook must never crash)."""
    try:
        return judge(student, expected, q, rtol, inexact, seed, model, digits, author_inexact)
    except RecursionError:
        return Verdict(False, "unsafe", "Your answer is nested too deeply to check.")
    except Exception as exc:  # a checker bug must not crash a notebook: report it
        return Verdict(False, "other", "Your answer could not be checked automatically; "
                                       "please ask your instructor.",
                       {"error": f"{type(exc).__name__}: {exc}"})


def _one_by_one_as_scalar(a, b):
    """A (1, 1) matrix compared with a scalar is read as its only entry."""
    if is_matrix(a) != is_matrix(b):
        a = a[0, 0] if is_matrix(a) and shape_of(a) == (1, 1) else a
        b = b[0, 0] if is_matrix(b) and shape_of(b) == (1, 1) else b
    return a, b


def judge(student, expected, q: Question, rtol: float, inexact: bool, seed: int = 0,
          model: LiteralModel | None = None, digits: int | None = None,
          author_inexact: bool | None = None) -> Verdict:
    """Compare two built SymPy objects and explain the outcome (used by check_steps)."""
    author_inexact = q.inexact if author_inexact is None else author_inexact
    if is_matrix(student) != is_matrix(expected):
        model = None
    student, expected = _one_by_one_as_scalar(student, expected)
    s_shape, e_shape = shape_of(student), shape_of(expected)
    if s_shape != e_shape and (is_matrix(student) or is_matrix(expected)):
        if s_shape == e_shape[::-1] and q.symbols:   # numbers: the shape alone is said
            try:
                comp = compare(student.T, expected, q.symbols.values(), rtol, inexact, seed)
            except _EVAL_ERRORS:
                comp = None
            if comp is not None and comp.equal:
                return Verdict(False, "transpose", FEEDBACK["transpose"])
        what = "is a scalar" if not is_matrix(student) else f"has shape {s_shape}"
        want = "a scalar" if not is_matrix(expected) else f"a {e_shape} matrix"
        return Verdict(False, "shape", f"Your answer {what}, but the answer should be "
                                       f"{want}.")
    try:
        comp = compare(student, expected, q.symbols.values(), rtol, inexact, seed,
                       model=model, author_inexact=author_inexact)
    except _EVAL_ERRORS as exc:
        return Verdict(False, "other", "Your answer could not be evaluated at the test points "
                                       "(a function or operation there is not defined).",
                       {"evaluation_error": f"{type(exc).__name__}: {exc}"})
    if comp.equal:
        note = " (equal within the tolerance)" if inexact and comp.method == "numeric" else ""
        return Verdict(True, None, "Correct." + note, {"method": comp.method})
    numeric = not q.symbols
    if comp.method == "tiny":
        return Verdict(False, "other", WRONG_DIGITS if numeric and inexact else TINY,
                       {"method": comp.method})
    if comp.method == "imprecise":
        return Verdict(False, "other", imprecise_feedback(digits),
                       {"method": comp.method, "imprecise": True})
    diagnosis, feedback = diagnose(student, expected, comp.student, comp.expected,
                                   comp.env, max(rtol, 1e-9))
    if numeric and diagnosis not in ("shape", "non-finite"):
        # a number (or a matrix of numbers): "wrong sign", "off by a factor" or "the
        # transpose" would hand over the answer, and loss constants are beside the point
        feedback = WRONG_MATRIX if is_matrix(expected) else WRONG_NUMBER
    return Verdict(False, diagnosis, feedback, {"method": comp.method})

