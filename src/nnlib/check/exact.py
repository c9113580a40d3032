"""Exact answers stay exact: differences far below float64 rounding still count.

Two tools used by ``equivalence.compare``:

* :func:`nonzero_at_points` evaluates the *exact* difference ``student - expected`` at a
  few of the sample points, with SymPy's arbitrary-precision ``evalf`` (30 digits,
  more where terms cancel). ``x + exp(-40) x`` and ``x`` agree to 1e-17 in float64 but
  their difference evaluates to a certified nonzero number, so they are not equal.
  An exact zero comes back as ``0`` or a number with no correct digits (``0.e-166``),
  which never counts as a difference.
* :func:`literal_fit` decides whether an answer with decimals (``0.3333333333``,
  ``1.7165``, ``x + 1e-10``) is the expected one *up to the precision of its own
  decimals*: a decimal written with its last digit in place ``10^e`` stands for any
  value within ``0.5 * 10^e``. With the decimals as unknowns ``c`` and the Jacobian
  ``J = d(answer)/dc`` at the sample points, the least-squares correction ``dc`` with
  ``J dc = expected - answer`` must leave no residual and stay within each decimal's
  half unit. So ``x + 1e-10`` is refused (it needs ``dc = -1e-10``, twice the half unit
  ``5e-11`` of ``1e-10``) and ``0.3333333333`` for 1/3 is accepted (``dc = 3.3e-11``).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import sympy as sp

from .budget import BudgetExceeded, time_budget
from .numeric import evaluate

HP_DIGITS = 30
HP_BUDGET = 0.25         # seconds for the high-precision evaluation of one comparison
HP_POINTS = 3
FLOAT_REL = 8 * np.finfo(float).eps   # rounding of one decimal stored as a float64
COMPUTED_REL = 1e-12     # a Python float computed by a program: rounding of its arithmetic


def is_matrix(x) -> bool:
    """True for SymPy matrix expressions and explicit matrices (as ``build.is_matrix``)."""
    return isinstance(x, (sp.MatrixExpr, sp.MatrixBase))


@dataclass
class LiteralModel:
    """An answer with its decimals as unknowns: ``expr`` uses ``(dummy, value, half_unit)``."""

    expr: object
    literals: list
    units: list | None = None     # the written half units (no float64 floor), if known

    def __bool__(self) -> bool:
        return bool(self.literals)


def half_unit(text: str) -> float:
    """Half a unit in the last written place of a decimal: ``"1.716"`` -> 0.0005."""
    exponent = Decimal(text).as_tuple().exponent
    return 0.5 * 10.0 ** int(exponent) if isinstance(exponent, int) else np.inf


def precision_of(value: float, text: str | None = None, computed: bool = False) -> float:
    """The half unit a decimal stands for, never below float64 rounding of its value."""
    unit = half_unit(text if text is not None else repr(float(value)))
    floor = abs(value) * (COMPUTED_REL if computed else FLOAT_REL)
    return max(unit, floor)


def _certified(value) -> bool | None:
    """True if ``value`` (an evalf result) is certainly nonzero, False if zero, None if unsure."""
    if value == 0:
        return False
    if not value.is_number:
        return None
    re, im = value.as_real_imag()
    if im != 0 and not (im.is_Float and im._prec < 10):
        return None        # not real here: no verdict from this point
    if not re.is_Float:
        return None if re != 0 else False
    return re._prec >= 20   # at least ~6 correct digits: a real nonzero value


CHECK_DIGITS = 45   # a second, more precise evaluation confirms every nonzero value


def nonzero(expr) -> bool | None:
    """True if the constant ``expr`` is certainly nonzero, False if zero, None if unsure.

    SymPy's ``evalf`` can lose every digit to cancellation and still report a value
    (``tanh(-199) + 1`` next to terms of size 1): a nonzero value counts only if an
    evaluation at 45 digits agrees with the one at 30 to 12 digits.
    """
    first = _certified(sp.N(expr, HP_DIGITS))
    if first is not True:
        return first
    a = sp.N(expr, HP_DIGITS)
    b = sp.N(expr, CHECK_DIGITS, maxn=400)
    if _certified(b) is not True:
        return None
    return bool(abs(a - b) <= 1e-12 * abs(b))


def constant_nonzero(value) -> bool | None:
    """For a constant SymPy expression: True if certainly nonzero, False if 0, None if unknown."""
    try:
        with time_budget(HP_BUDGET):
            return nonzero(value)
    except BudgetExceeded:
        return None
    except Exception:
        return None


def _rational(x: float):
    return sp.Rational(repr(float(x)))


def _point(env: dict, i: int) -> dict:
    out = {}
    for s, v in env.items():
        if isinstance(s, sp.MatrixSymbol):
            out[s] = sp.ImmutableMatrix([[_rational(x) for x in row] for row in v[i]])
        else:
            out[s] = _rational(v[i, 0, 0])
    return out


def nonzero_at_points(diff, env: dict, order, limit: int = HP_POINTS,
                      all_zero: bool = False) -> bool | None:
    """True if the exact ``diff`` is certainly nonzero at one of the points ``order[:limit]``.

    ``order`` lists point indices, most suspicious first. False when every point checked
    gives an exact zero (with ``all_zero``: only if *every* point is an exact zero); None
    when nothing could be decided (time, undefined values).
    """
    seen_zero = False
    unsure = False
    try:
        with time_budget(HP_BUDGET):
            for i in list(order)[:limit]:
                at = diff.xreplace(_point(env, int(i)))
                if is_matrix(at):
                    at = sp.ImmutableMatrix(at.doit()) if not isinstance(at, sp.MatrixBase) else at
                    verdicts = [nonzero(x) for x in at]
                else:
                    verdicts = [nonzero(at)]
                if any(v is True for v in verdicts):
                    return True
                if all(v is False for v in verdicts):
                    seen_zero = True
                else:
                    unsure = True
    except BudgetExceeded:
        return None
    except Exception:
        return None
    if all_zero and unsure:
        return None
    return False if seen_zero else None


def _column_norms(m: np.ndarray) -> np.ndarray:
    """Euclidean norms of the columns, without squaring tiny entries to 0 (1e-300)."""
    peak = np.max(np.abs(m), axis=0, initial=0.0)
    safe = np.where(peak > 0, peak, 1.0)
    return np.where(peak > 0, peak * np.linalg.norm(m / safe, axis=0), 0.0)


def literal_fit_exact(model: LiteralModel, expected, env: dict, points) -> bool | None:
    """``literal_fit`` again with exact differences (30 digits) at a few points.

    float64 cannot see a difference of 1e-300 next to 1, nor the 20th digit of
    ``0.10000000000000000001``; here the difference ``expected - answer`` is evaluated
    exactly, the decimals take their exact written values and half units, and the same
    least-squares correction must stay within the half units. None if nothing could be
    evaluated (matrices, time).
    """
    if not model or is_matrix(expected):
        return None
    units = model.units or [h for _, _, h in model.literals]
    values = {d: v for d, v, _ in model.literals}
    answer = model.expr.xreplace(values)
    derivatives = [sp.diff(model.expr, d) for d, _, _ in model.literals]
    rows, target = [], []
    try:
        with time_budget(HP_BUDGET):
            for i in list(points)[:HP_POINTS]:
                at = _point(env, int(i))
                gap = (expected - answer).xreplace(at)
                t = sp.N(gap, HP_DIGITS)
                if not t.is_real:
                    continue
                if t != 0 and nonzero(gap) is not True:
                    t = sp.Integer(0)      # lost to cancellation: no evidence of a gap
                row = [float(sp.N(der.xreplace(at).xreplace(values), 17)) for der in derivatives]
                rows.append(row)
                target.append(float(t))
    except (BudgetExceeded, Exception):
        return None
    if not rows:
        return None
    jac = np.array(rows) * np.array(units)
    t = np.array(target)
    if not (np.all(np.isfinite(jac)) and np.all(np.isfinite(t))):
        return None
    if not np.any(t):
        return True
    norms = _column_norms(jac)
    usable = norms > 0
    u = np.zeros(jac.shape[1])
    if usable.any():
        w, *_ = np.linalg.lstsq(jac[:, usable] / norms[usable], t, rcond=None)
        u[usable] = w / norms[usable]
    residual = t - jac @ u
    return bool(np.all(np.abs(residual) <= 1e-6 * np.max(np.abs(t)))
                and np.all(np.abs(u) <= 1.0 + 1e-9))


def literal_fit(model: LiteralModel, expected, env: dict, k: int) -> bool:
    """True if changing each decimal by at most its half unit makes the answer exact.

    See the module docstring; first order in the changes, evaluated at the points of
    ``env`` (``k`` of them).
    """
    if not model:
        return True
    values = {d: np.full((k, 1, 1), float(v)) for d, v, _ in model.literals}
    full = {**env, **values}
    with np.errstate(all="ignore"):
        s = np.broadcast_to(evaluate(model.expr, full, k), (k, *_shape(expected)))
        e = np.broadcast_to(evaluate(expected, env, k), s.shape)
        cols = []
        for d, _, _ in model.literals:
            der = sp.diff(model.expr, d)
            cols.append(np.broadcast_to(evaluate(der, full, k), s.shape).ravel())
    jac = np.stack(cols, axis=1)
    target = (e - s).ravel()
    ok = np.isfinite(target) & np.all(np.isfinite(jac), axis=1)
    if not ok.any():
        return False
    jac, target = jac[ok], target[ok]
    half = np.array([h for _, _, h in model.literals])
    # scale columns by the half units so that the box is |u_i| <= 1, then to unit norm
    # (a column of 1e-300s must not underflow to "no freedom at all")
    scaled = jac * half
    norms = _column_norms(scaled)
    usable = norms > 0
    u = np.zeros(len(half))
    if usable.any():
        w, *_ = np.linalg.lstsq(scaled[:, usable] / norms[usable], target, rcond=None)
        u[usable] = w / norms[usable]
    residual = target - scaled @ u
    noise = 1e-10 * (np.abs(e.ravel()[ok]) + np.abs(s.ravel()[ok])) + 1e-300
    return bool(np.all(np.abs(residual) <= noise) and np.all(np.abs(u) <= 1.0 + 1e-9))


def _shape(expr):
    return tuple(int(d) for d in expr.shape) if is_matrix(expr) else (1, 1)


def model_from_sympy(value) -> LiteralModel | None:
    """Decimals of a SymPy object (``Float`` atoms) as unknowns, with float64 precision."""
    floats = sorted(value.atoms(sp.Float), key=str) if hasattr(value, "atoms") else []
    if not floats:
        return None
    literals, mapping = [], {}
    for f in floats:
        d = sp.Dummy("c")
        v = sp.Rational(repr(float(f)))
        mapping[f] = d
        literals.append((d, v, precision_of(float(f), computed=True)))
    return LiteralModel(value.xreplace(mapping), literals)


def model_from_number(x: float) -> LiteralModel:
    """A Python float answer as one unknown decimal (rounding of a computation allowed)."""
    d = sp.Dummy("c")
    return LiteralModel(d, [(d, sp.Rational(repr(float(x))), precision_of(float(x), computed=True))])
