"""Decide whether two SymPy objects are equal: random evaluation AND bounded simplification.

1. Numeric: both sides are evaluated at ``k`` seeded random points (random matrices for
   matrix symbols). Any point where they differ beyond the tolerance decides "not
   equal". Points where either side is undefined (log of a negative, ...) are skipped;
   if fewer than 3 remain, positive points are tried.
2. Symbolic: the difference is reduced with cheap SymPy steps (``expand``, then
   ``cancel(expand(rewrite(exp)))``, then ``simplify``) inside a time budget. Reaching 0
   proves equality; reaching a nonzero number refutes it (unless the answer contains
   decimals, which only need to agree within ``rtol``).
3. If the symbolic step is inconclusive (budget spent, or no closed form), a second,
   larger numeric round at other points decides.

Neither step decides alone: a numeric agreement is confirmed or vetoed by the symbolic
step, and a symbolic "looks different" never rejects an answer that agrees everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from sympy.matrices.expressions.matexpr import MatrixElement

from .budget import BudgetExceeded, time_budget
from .build import is_matrix
from .numeric import evaluate

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


def sample_env(symbols, k: int, seed: int, positive: bool = False) -> dict:
    """Random values for every symbol: scalars in +-[0.3, 1.7], matrices ~ N(0, 1)."""
    rng = np.random.default_rng(seed)
    env = {}
    for s in symbols:
        if isinstance(s, sp.MatrixSymbol):
            m = rng.normal(size=(k, *shape_of(s)))
            env[s] = np.abs(m) + 0.1 if positive else m
        else:
            v = rng.uniform(0.3, 1.7, size=(k, 1, 1))
            env[s] = v if positive else v * rng.choice([-1.0, 1.0], size=(k, 1, 1))
    return env


def close(a: np.ndarray, b: np.ndarray, rtol: float) -> np.ndarray:
    """Per-point closeness of stacks ``(k, r, c)`` -> bool ``(k,)``."""
    with np.errstate(all="ignore"):   # huge values may overflow: they compare unequal
        scale = np.maximum(np.abs(a), np.abs(b))
        atol = 1e-11 * (1.0 + np.max(np.abs(b))) if b.size else 0.0
        return np.all(np.abs(a - b) <= atol + rtol * scale, axis=(-2, -1))


def evaluate_pair(student, expected, symbols, k, seed, positive=False):
    """Values of both sides at the points where both are finite (maybe fewer than k)."""
    env = sample_env(symbols, k, seed, positive)
    with np.errstate(all="ignore"):
        sv = np.broadcast_to(evaluate(student, env, k), (k, *shape_of(student)))
        ev = np.broadcast_to(evaluate(expected, env, k), (k, *shape_of(expected)))
    ok = np.all(np.isfinite(sv), axis=(-2, -1)) & np.all(np.isfinite(ev), axis=(-2, -1))
    return sv[ok], ev[ok], {s: v[ok] for s, v in env.items()}


def numeric_equal(student, expected, symbols, rtol, seed=0, k=8):
    """True/False from random points, None if too few points are defined."""
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


def symbolic_zero(diff, budget: float = SYMBOLIC_BUDGET) -> bool | None:
    """True if ``diff`` reduces to 0, False if to a nonzero number, None if unknown."""
    if not is_matrix(diff) and diff == 0:
        return True
    try:
        with time_budget(budget) as enforced:
            if is_matrix(diff):
                return _matrix_zero(diff, enforced)
            if not enforced and risky(diff):
                return None
            for step in _reduce_steps(diff, enforced):
                r = step(diff)
                if r == 0:
                    return True
                if r.is_Number:
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


def compare(student, expected, symbols, rtol: float = 1e-9, inexact: bool = False,
            seed: int = 0) -> Comparison:
    """Decide ``student == expected`` (see the module docstring).

    Parameters
    ----------
    student, expected : sympy expression or matrix expression, same shape
    symbols : iterable of Symbol / MatrixSymbol
        All free symbols of the question.
    rtol : float
        Relative tolerance for the numeric comparison.
    inexact : bool
        The student's answer contains decimals: a tiny nonzero symbolic difference is
        then accepted when all points agree within ``rtol``.
    """
    if student == expected:  # the same tree: equal even where nothing can be evaluated (DiracDelta)
        return Comparison(True, "identical")
    symbols = list(symbols)
    num_rtol = max(rtol, 1e-9)
    num, sv, ev, env = numeric_equal(student, expected, symbols, num_rtol, seed)
    if num is False and not (len(sv) and np.all(close(sv, ev, 1e-6))):
        return Comparison(False, "numeric", sv, ev, env)
    if num is False:   # nearly equal: rounding in float64? let the symbolic step decide
        return Comparison(symbolic_zero(student - expected) is True, "symbolic", sv, ev, env)
    sym = symbolic_zero(student - expected)
    if sym is True:
        return Comparison(True, "symbolic+numeric" if num else "symbolic", sv, ev, env)
    if sym is False:
        return Comparison(bool(num and inexact), "numeric" if inexact else "symbolic",
                          sv, ev, env)
    if num is None:
        return Comparison(False, "undecided", sv, ev, env)
    num2, sv2, ev2, env2 = numeric_equal(student, expected, symbols, num_rtol,
                                         seed + 1, k=24)
    if num2 is False:
        return Comparison(False, "numeric", sv2, ev2, env2)
    return Comparison(True, "numeric", sv, ev, env)
