"""Name the kind of mistake in a wrong answer, with a hint that never states the answer.

Works on the numeric values of both sides at the comparison points (see
``equivalence.py``), plus the additive terms of each side:

* ``transpose``: the student's value is the transpose of the expected one;
* ``sign``: student = -expected;
* ``factor``: student = c * expected with a constant c (or, for matrices, a scalar
  that may depend on scalar variables such as m), or student/expected is a product
  of powers of variables (a dropped 1/m);
* ``missing_term`` / ``extra_term``: student = expected - T for a term T of the
  expected sum / student - T = expected for a term T of the student's sum;
* ``shape`` (result of the wrong shape) and ``other`` otherwise.
"""
from __future__ import annotations

import itertools
import time
from fractions import Fraction

import numpy as np
import sympy as sp

from .budget import BudgetExceeded, time_budget
from .build import is_matrix
from .equivalence import close, risky, shape_of
from .numeric import evaluate

FEEDBACK = {
    "sign": "Your answer has the wrong sign: check each minus sign, for example the "
            "inner derivative of a difference or of a negative exponent.",
    "factor": "Your answer is off by a factor: check constants such as the 1/2 in the "
              "loss, 2/m or 1/m from the mean, exponents brought down, and inner "
              "derivatives of the chain rule.",
    "missing_term": "Your answer is missing a term: check that every path (each term "
                    "of a sum, both parts of the product rule) contributes.",
    "extra_term": "Your answer has an extra term: one of your terms should not be there.",
    "transpose": "Your answer is the transpose of the right one: check the order of the "
                 "factors and where the transposes go.",
    "other": "Your answer is not equivalent to the expected one.",
}


_MAX_VARIANTS = 40


def _is_constant(term) -> bool:
    return not term.free_symbols


def drop_one_term(expr):
    """Variants of ``expr`` with one term removed from one of its sums.

    ``a*(b + c) + d`` -> ``a*(b + c)``, ``a*c + d``, ``a*b + d``. Nested sums that
    contain a constant term (``1 - sigma``, ``1 + exp(-z)``) are treated as part of a
    function, not as a sum of contributions, and are left alone; the top-level sum
    always counts. Identical sums are edited together. At most ``_MAX_VARIANTS``.
    """
    return list(itertools.islice(_variants(expr), _MAX_VARIANTS))


def _variants(expr):
    """The variants of ``drop_one_term``, one at a time (each may cost SymPy work)."""
    seen = set()
    for node in sp.preorder_traversal(expr):
        if (isinstance(node, (sp.Add, sp.MatAdd)) and len(node.args) >= 2
                and node not in seen
                and (node is expr or not any(_is_constant(t) for t in node.args))):
            seen.add(node)
            for i in range(len(node.args)):
                rest = node.args[:i] + node.args[i + 1:]
                smaller = rest[0] if len(rest) == 1 else node.func(*rest)
                yield expr.xreplace({node: smaller})


_VARIANT_SECONDS = 0.15   # the search for a missing/extra term gives up after this


def _matches_variant(expr, target, env, k, shape, rtol) -> bool:
    """Some ``drop_one_term(expr)`` variant equals ``target`` at all points."""
    deadline = time.perf_counter() + _VARIANT_SECONDS
    for variant in itertools.islice(_variants(expr), _MAX_VARIANTS):
        if time.perf_counter() > deadline:
            return False
        try:
            with np.errstate(all="ignore"):
                values = evaluate(variant, env, k)
            if values.shape[1:] in ((1, 1), shape) and np.all(
                    close(np.broadcast_to(values, target.shape), target, rtol)):
                return True
        except (NotImplementedError, TypeError, ValueError, ArithmeticError):
            continue
    return False


def _constant_ratio(sv, ev, rtol) -> float | None:
    mask = np.abs(ev) > 1e-8
    if not mask.any() or np.any(np.abs(sv[~mask]) > 1e-8):
        return None
    with np.errstate(all="ignore"):
        ratio = sv[mask] / ev[mask]
        c = float(np.median(ratio))
        if np.isfinite(c) and np.allclose(ratio, c, rtol=1e-7, atol=1e-12):
            return c
    return None


def _per_point_ratio(sv, ev) -> bool:
    """Matrices: for each point, student = r_k * expected (r_k a scalar)."""
    if sv.shape[-1] * sv.shape[-2] < 2:
        return False
    return all(_constant_ratio(s[None], e[None], 1e-7) is not None for s, e in zip(sv, ev))


def _monomial_ratio(student, expected) -> bool:
    """student/expected simplifies to a product of powers of variables and numbers."""
    try:
        with time_budget(0.15) as enforced:
            if not enforced and (risky(student) or risky(expected)):
                return False
            r = sp.cancel(sp.together(student / expected))
    except (BudgetExceeded, Exception):
        return False
    if r.is_Number or not r.free_symbols:
        return False
    return len(r.free_symbols) == 1 and all(
        isinstance(f, sp.Symbol) or f.is_Number
        or (isinstance(f, sp.Pow) and isinstance(f.base, sp.Symbol) and f.exp.is_Number)
        for f in sp.Mul.make_args(r))


def _nice_number_ratio(c: float) -> bool:
    frac = Fraction(abs(c)).limit_denominator(16)
    return abs(float(frac) - abs(c)) <= 1e-9 * abs(c) and frac.numerator <= 16


def diagnose(student, expected, sv, ev, env, rtol: float) -> tuple[str, str]:
    """Return ``(diagnosis, feedback)`` for a wrong answer.

    Parameters
    ----------
    student, expected : SymPy objects (same shape)
    sv, ev : numpy.ndarray, shape (k, r, c)
        Their values at the comparison points ``env``.
    """
    k = len(sv)
    if k == 0:
        return "other", ("Your answer could not be evaluated at the test points "
                         "(it is undefined there).")
    if sv.shape[1:] == ev.shape[1:][::-1] and np.all(close(np.swapaxes(sv, -1, -2), ev, rtol)):
        if sv.shape[1] != 1 or sv.shape[2] != 1:
            return "transpose", FEEDBACK["transpose"]
    if np.all(close(sv, -ev, rtol)):
        return "sign", FEEDBACK["sign"]
    c = _constant_ratio(sv, ev, rtol)
    no_vars = not env
    if c is not None and c not in (0.0, 1.0) and (not no_vars or _nice_number_ratio(c)):
        return "factor", FEEDBACK["factor"]
    if is_matrix(expected) and _per_point_ratio(sv, ev):
        return "factor", FEEDBACK["factor"]
    shape = shape_of(expected)
    if _matches_variant(expected, sv, env, k, shape, rtol):
        return "missing_term", FEEDBACK["missing_term"]
    if _matches_variant(student, ev, env, k, shape, rtol):
        return "extra_term", FEEDBACK["extra_term"]
    if not is_matrix(expected) and not no_vars and _monomial_ratio(student, expected):
        return "factor", FEEDBACK["factor"]
    return "other", FEEDBACK["other"]
