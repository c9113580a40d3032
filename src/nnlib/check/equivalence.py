"""Decide whether two SymPy objects are equal on the real domain where both are defined.

1. Numeric: both sides are evaluated at seeded points (``sampling.py``: several scales,
   both signs, exponent values, both sides of every breakpoint; random matrices at
   several scales). Any point where they differ beyond float rounding decides "not
   equal". Points where either side is undefined (log of a negative, ...) are skipped;
   if fewer than 3 remain, positive points are tried.
2. Symbolic: the difference is reduced with cheap SymPy steps (``expand``, then
   ``cancel(expand(rewrite(exp)))``, then ``simplify``) inside a time budget. Reaching 0
   proves equality; reaching a nonzero constant (checked with 30-digit ``evalf``, so
   ``exp(-1000)`` counts) refutes it.
3. Exact answers (no decimals on either side): when the symbolic step is inconclusive,
   the exact difference is evaluated in high precision at the most suspicious points
   (``exact.nonzero_at_points``), then a second, larger numeric round at other points
   decides.
4. Answers with decimals: equal only if every point agrees within ``rtol`` *and* the
   decimals explain the difference (``exact.literal_fit``: each decimal may move by half
   a unit of its last digit). Close decimals that are too coarse for ``rtol`` are
   reported as "imprecise".

Neither step decides alone: a numeric agreement is confirmed or vetoed by the symbolic
and high-precision steps, and a symbolic "looks different" never rejects an exact answer
that agrees everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from sympy.matrices.expressions.matexpr import MatrixElement

from .budget import BudgetExceeded, time_budget
from .build import is_matrix
from .exact import (LiteralModel, constant_nonzero, literal_fit, literal_fit_exact,
                    nonzero_at_points)
from .numeric import evaluate
from .sampling import env_size, sample_env

SYMBOLIC_BUDGET = 0.3   # seconds
_MIN_POINTS = 3


@dataclass
class Comparison:
    """Outcome of ``compare``; ``student``/``expected`` are values at the valid points."""

    equal: bool
    method: str
    student: np.ndarray | None = None
    expected: np.ndarray | None = None
    env: dict | None = None


def shape_of(expr) -> tuple[int, int]:
    """(rows, cols) of a matrix expression, (1, 1) for a scalar."""
    return tuple(int(s) for s in expr.shape) if is_matrix(expr) else (1, 1)


def close(a: np.ndarray, b: np.ndarray, rtol: float) -> np.ndarray:
    """Per-point closeness of stacks ``(k, r, c)`` -> bool ``(k,)``.

    The absolute slack is float rounding relative to each point's own magnitude (points
    range over many scales, so one global scale would hide small-scale differences).
    """
    with np.errstate(all="ignore"):   # huge values may overflow: they compare unequal
        scale = np.maximum(np.abs(a), np.abs(b))
        if not b.size:
            return np.zeros(len(b), dtype=bool)
        point_scale = np.max(np.abs(b), axis=(-2, -1), keepdims=True)
        atol = 1e-11 * (1.0 + point_scale)
        return np.all(np.abs(a - b) <= atol + rtol * scale, axis=(-2, -1))


K_POINTS = 24          # base points of the first round
K_SECOND = 48          # base points of the second round


def evaluate_pair(student, expected, symbols, k, seed, positive=False):
    """Values of both sides at the points where both are finite (maybe fewer than k)."""
    env = sample_env(symbols, k, seed, positive, exprs=(student, expected))
    n = env_size(env, k)
    with np.errstate(all="ignore"):
        sv = np.broadcast_to(evaluate(student, env, n), (n, *shape_of(student)))
        ev = np.broadcast_to(evaluate(expected, env, n), (n, *shape_of(expected)))
    ok = np.all(np.isfinite(sv), axis=(-2, -1)) & np.all(np.isfinite(ev), axis=(-2, -1))
    return sv[ok], ev[ok], {s: v[ok] for s, v in env.items()}


def numeric_equal(student, expected, symbols, rtol, seed=0, k=K_POINTS):
    """True/False from the sample points, None if too few points are defined."""
    for positive in (False, True):
        sv, ev, env = evaluate_pair(student, expected, symbols, k, seed, positive)
        if len(sv) >= _MIN_POINTS:
            return bool(np.all(close(sv, ev, rtol))), sv, ev, env
    return None, sv, ev, env


def risky(expr) -> bool:
    """True if symbolic expansion of ``expr`` might take long (big powers, big trees).

    Used where no time budget can be enforced (threads, Windows): then only
    expressions that are not risky get symbolic treatment.
    """
    if sp.count_ops(expr) > 40:
        return True
    return any(isinstance(p, sp.Pow) and p.exp.is_Number and abs(p.exp) > 8
               for p in sp.preorder_traversal(expr))


_NO_SIMPLIFY = (sp.Max, sp.Min, sp.Heaviside, sp.Abs, sp.sign, sp.Trace)


def _reduce_steps(diff, enforced: bool):
    steps = [sp.expand, lambda x: sp.cancel(sp.expand(x.rewrite(sp.exp)))]
    # simplify rarely settles Max/Heaviside/Abs/trace identities and then spends the
    # whole budget; the larger numeric round decides those instead.
    if enforced and not diff.has(*_NO_SIMPLIFY) and not diff.atoms(MatrixElement):
        steps.append(sp.simplify)
    return steps


def symbolic_zero(diff, budget: float = SYMBOLIC_BUDGET, probe=None) -> bool | None:
    """True if ``diff`` reduces to 0, False if to a nonzero number, None if unknown.

    ``probe(r)``, if given, is asked after the first (cheap) step with the reduced
    difference ``r``; returning True there means "certainly nonzero" (False is returned
    without the costlier steps).
    """
    if not is_matrix(diff) and diff == 0:
        return True
    try:
        with time_budget(budget) as enforced:
            if is_matrix(diff):
                return _matrix_zero(diff, enforced)
            if not enforced and risky(diff):
                return None
            for i, step in enumerate(_reduce_steps(diff, enforced)):
                r = step(diff)
                if r == 0:
                    return True
                if r.is_Number:
                    return False
                if r.is_number and not r.free_symbols:   # exp(-1000), sqrt(2) - 1.41...
                    nonzero = constant_nonzero(r)
                    if nonzero is not None:
                        return not nonzero
                if i == 0 and probe is not None and probe(r) is True:
                    return False
    except BudgetExceeded:
        return None
    except Exception:  # SymPy failures on odd input: inconclusive, numeric decides
        return None
    return None


def _matrix_zero(diff, enforced: bool) -> bool | None:
    d = diff.doit()
    if isinstance(d, sp.ZeroMatrix) or d == sp.ZeroMatrix(*d.shape):
        return True
    r, c = d.shape
    if r * c > 100 or not enforced:
        return None
    explicit = d.as_explicit()
    entries = [sp.expand(x) for x in explicit]
    if all(x == 0 for x in entries):
        return True
    if all(x.is_Number for x in entries):
        return False
    return None


def _suspicious_order(sv, ev) -> np.ndarray:
    """Point indices, largest relative disagreement first."""
    with np.errstate(all="ignore"):
        gap = np.max(np.abs(sv - ev) / (1e-300 + np.maximum(np.abs(sv), np.abs(ev))),
                     axis=(-2, -1))
    gap = np.where(np.isfinite(gap), gap, 0.0)
    return np.argsort(-gap, kind="stable")


def compare(student, expected, symbols, rtol: float = 1e-9, inexact: bool = False,
            seed: int = 0, model: LiteralModel | None = None,
            author_inexact: bool = False) -> Comparison:
    """Decide ``student == expected`` (see the module docstring).

    Parameters
    ----------
    student, expected : sympy expression or matrix expression, same shape
    symbols : iterable of Symbol / MatrixSymbol
        All free symbols of the question.
    rtol : float
        Relative tolerance for answers with decimals.
    inexact : bool
        Either side contains decimals.
    seed : int
        Seed of the evaluation points.
    model : LiteralModel, optional
        The student's answer with its decimals as unknowns (``exact.literal_fit``).
    author_inexact : bool
        The expected answer itself has decimals: then ``rtol`` alone decides.

    Returns
    -------
    Comparison
        ``method`` is "identical", "symbolic", "numeric", "symbolic+numeric",
        "high-precision", "undecided", "tiny" (exact answers differing far below float
        rounding) or "imprecise" (decimals right as far as they go, but too coarse).
    """
    if student == expected:  # the same tree: equal even where nothing can be evaluated (DiracDelta)
        return Comparison(True, "identical")
    symbols = list(symbols)
    num_rtol = max(rtol, 1e-9) if inexact else 1e-9
    num, sv, ev, env = numeric_equal(student, expected, symbols, num_rtol, seed)
    if inexact:
        return _compare_inexact(student, expected, num, sv, ev, env, model, author_inexact)
    diff = student - expected
    constant = not is_matrix(diff) and not diff.free_symbols
    if num is False and _only_rounding(diff, sv, ev, env, num_rtol):
        num = True
    if num is False and not constant and not (len(sv) and np.all(close(sv, ev, 1e-6))):
        return Comparison(False, "numeric", sv, ev, env)
    order = _suspicious_order(sv, ev) if len(sv) else []
    probe = (lambda r: nonzero_at_points(r, env, order, limit=1)) if num and len(sv) else None
    sym = symbolic_zero(diff, probe=probe)
    if sym is True:
        return Comparison(True, "symbolic+numeric" if num else "symbolic", sv, ev, env)
    if sym is False:
        return Comparison(False, "tiny" if num is not False else "numeric", sv, ev, env)
    if num is False:
        return Comparison(False, "numeric", sv, ev, env)
    if num is None:
        return Comparison(False, "undecided", sv, ev, env)
    hp = nonzero_at_points(diff, env, _suspicious_order(sv, ev))
    if hp is True:
        return Comparison(False, "tiny", sv, ev, env)
    num2, sv2, ev2, env2 = numeric_equal(student, expected, symbols, num_rtol,
                                         seed + 1, k=K_SECOND)
    if num2 is False and _only_rounding(diff, sv2, ev2, env2, num_rtol):
        num2 = True
    if num2 is False:
        return Comparison(False, "numeric", sv2, ev2, env2)
    return Comparison(True, "high-precision" if hp is False else "numeric", sv, ev, env)


def _ordinary(env: dict, n: int) -> np.ndarray:
    """Points where every value is of order 1 (no cancellation of huge terms there)."""
    ok = np.ones(n, dtype=bool)
    for s, v in env.items():
        mag = np.max(np.abs(v), axis=(-2, -1))
        ok &= mag <= (1.7 if not isinstance(s, sp.MatrixSymbol) else 5.0)
        if not isinstance(s, sp.MatrixSymbol):
            ok &= mag >= 0.3
    return ok


def _only_rounding(diff, sv, ev, env, rtol) -> bool:
    """True if the points where float64 disagrees are exact zeros of ``diff``.

    Far from order 1 an exact identity can lose all its digits to cancellation
    (``sqrt(2 x sqrt(x^2 + 1) + 2 x^2 + 1) - sqrt(x^2 + 1) - x`` at x = -300, or
    ``d/dz log(1 - sigma(z))`` at z = 30) or overflow (``exp(-z)^2`` at z = -398). When the
    two sides agree at every ordinary point, the worst disagreeing points are evaluated
    exactly (30 digits); if each is an exact zero the disagreement was rounding.
    """
    if not len(sv):
        return False
    bad = ~close(sv, ev, rtol)
    if not bad.any() or (bad & _ordinary(env, len(sv))).any():
        return False
    # No size test on the disagreement: cancellation inside a subexpression (1 - sigma(30) is
    # 1e-13 with no correct digits) can make float64 wrong by any amount; the exact values decide.
    order = [i for i in _suspicious_order(sv, ev) if bad[i]]
    rest = [i for i in np.flatnonzero(bad) if i not in order[:3]]
    picks = order[:3] + rest[:: max(1, len(rest) // 2)][:2]
    return nonzero_at_points(diff, env, picks, limit=len(picks), all_zero=True) is False


def _compare_inexact(student, expected, num, sv, ev, env, model, author_inexact):
    """Answers with decimals: ``rtol`` everywhere and, for the student's decimals, a fit."""
    if num is None:
        return Comparison(False, "undecided", sv, ev, env)
    if author_inexact or model is None:
        if num:
            return Comparison(True, "numeric", sv, ev, env)
        sym = symbolic_zero(student - expected) if np.all(close(sv, ev, 1e-6)) else None
        return Comparison(sym is True, "symbolic" if sym else "numeric", sv, ev, env)
    try:
        fits = literal_fit(model, expected, env, len(sv))
    except (NotImplementedError, TypeError, ValueError, ArithmeticError, np.linalg.LinAlgError):
        fits = bool(num)
    if num and fits:
        # float64 cannot see x + 1e-300 or the 20th digit of 0.10000000000000000001:
        # the same fit with exact differences decides
        exact = literal_fit_exact(model, expected, env, _suspicious_order(sv, ev))
        if exact is False:
            return Comparison(False, "tiny", sv, ev, env)
        return Comparison(True, "numeric", sv, ev, env)
    if fits and np.all(close(sv, ev, 0.05)):
        return Comparison(False, "imprecise", sv, ev, env)
    if num or np.all(close(sv, ev, 1e-6)):
        # float noise can defeat the fit where terms cancel: exactly equal is still equal
        diff = student - expected
        order = _suspicious_order(sv, ev)
        probe = lambda r: nonzero_at_points(r, env, order, limit=1)  # noqa: E731
        if symbolic_zero(diff, probe=probe) is True:
            return Comparison(True, "symbolic", sv, ev, env)
    return Comparison(False, "tiny" if num else "numeric", sv, ev, env)
