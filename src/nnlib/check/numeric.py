"""Evaluate a SymPy expression or matrix expression at many points at once with numpy.

Every value is an array of shape ``(k, r, c)``: ``k`` evaluation points, ``(r, c)`` the
matrix shape (``(1, 1)`` for scalars), so scalars broadcast against matrices and
``@`` works on the whole stack. Only the node types that ``build.py`` produces (and that
appear in expected answers written as SymPy objects) are understood; anything else
raises ``NotImplementedError``. No code is generated or compiled (unlike ``lambdify``),
which keeps one evaluation well under a millisecond for typical answers.
"""
from __future__ import annotations

import functools

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.hadamard import HadamardPower
from sympy.matrices.expressions.matexpr import MatrixElement


def _sech(x):
    return 1 / np.cosh(x)


_FUNCS = {
    sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh, sp.sech: _sech,
    sp.Abs: np.abs, sp.sign: np.sign, sp.atan: np.arctan,
    sp.Heaviside: lambda x, h0=0.5: np.heaviside(x, h0),
}


def _product(values):
    return functools.reduce(np.multiply, values)


def _stack_product(values, matrices):
    out = None
    for v, is_mat in zip(values, matrices):
        if out is None:
            out, out_mat = v, is_mat
        elif is_mat and out_mat:
            out = out @ v
        else:
            out, out_mat = out * v, out_mat or is_mat
    return out


def evaluate(expr, env: dict, k: int) -> np.ndarray:
    """Evaluate ``expr`` with ``env`` (symbol -> array ``(k, r, c)``).

    Parameters
    ----------
    expr : sympy.Basic
        Scalar expression or matrix expression.
    env : dict
        Values for the free symbols: ``Symbol -> (k, 1, 1)``, ``MatrixSymbol -> (k, r, c)``.
    k : int
        Number of points (used for constants).

    Returns
    -------
    numpy.ndarray
        Shape ``(k, r, c)``, float64 (nan where undefined, inf on overflow).
    """
    if expr in env:
        return env[expr]
    if isinstance(expr, sp.MatrixBase):
        r, c = expr.shape
        out = np.empty((k, r, c))
        for i in range(r):
            for j in range(c):
                out[:, i, j] = evaluate(expr[i, j], env, k)[:, 0, 0]
        return out
    if isinstance(expr, (sp.MatrixExpr, MatrixElement)):   # before Add/Mul/Pow: MatMul
        return _evaluate_matrix(expr, env, k)                # subclasses Mul
    if isinstance(expr, sp.Trace):
        return np.trace(evaluate(expr.arg, env, k), axis1=-2, axis2=-1)[:, None, None]
    if expr.is_Number or expr.is_NumberSymbol:
        return np.full((k, 1, 1), float(expr))
    if isinstance(expr, sp.Symbol):
        raise NotImplementedError(f"no value for symbol {expr}")
    if isinstance(expr, sp.Add):
        return sum(evaluate(a, env, k) for a in expr.args)
    if isinstance(expr, sp.Mul):
        return _product([evaluate(a, env, k) for a in expr.args])
    if isinstance(expr, sp.Pow):
        base, ex = evaluate(expr.base, env, k), evaluate(expr.exp, env, k)
        if expr.exp.is_Integer:
            return base ** int(expr.exp) if int(expr.exp) >= 0 else 1.0 / base ** -int(expr.exp)
        return np.power(base, ex)
    func = type(expr)
    if func in _FUNCS:
        return _FUNCS[func](*[evaluate(a, env, k) for a in expr.args])
    if isinstance(expr, (sp.Max, sp.Min)):
        red = np.maximum if isinstance(expr, sp.Max) else np.minimum
        vals = [evaluate(a, env, k) for a in expr.args]
        out = vals[0]
        for v in vals[1:]:
            out = red(out, v)
        return out
    if isinstance(expr, sp.Piecewise):
        out = np.full((k, 1, 1), np.nan)
        done = np.zeros((k, 1, 1), dtype=bool)
        for piece, cond in expr.args:
            hit = _condition(cond, env, k) & ~done
            if hit.any():
                out = np.where(hit, np.broadcast_to(evaluate(piece, env, k), out.shape), out)
            done |= hit
        return out
    if expr.is_number:   # other constants: I, zoo, nan, oo, unusual functions of numbers
        return np.full((k, 1, 1), _constant(expr))
    raise NotImplementedError(f"cannot evaluate {type(expr).__name__} numerically")


_RELATIONS = {sp.StrictLessThan: np.less, sp.LessThan: np.less_equal,
              sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
              sp.Equality: np.equal, sp.Unequality: np.not_equal}


def _condition(cond, env: dict, k: int) -> np.ndarray:
    """A Piecewise condition (relations joined by And/Or/Not) at the points: bool (k, 1, 1)."""
    if cond is sp.true or cond == True:  # noqa: E712 - SymPy's true
        return np.ones((k, 1, 1), dtype=bool)
    if cond is sp.false or cond == False:  # noqa: E712
        return np.zeros((k, 1, 1), dtype=bool)
    if type(cond) in _RELATIONS:
        a, b = evaluate(cond.lhs, env, k), evaluate(cond.rhs, env, k)
        return np.broadcast_to(_RELATIONS[type(cond)](a, b), (k, 1, 1))
    if isinstance(cond, sp.And):
        return np.logical_and.reduce([_condition(c, env, k) for c in cond.args])
    if isinstance(cond, sp.Or):
        return np.logical_or.reduce([_condition(c, env, k) for c in cond.args])
    if isinstance(cond, sp.Not):
        return ~_condition(cond.args[0], env, k)
    raise NotImplementedError(f"cannot evaluate the condition {cond}")


def _constant(expr) -> float:
    """Float value of a constant; nan if it is not a finite real number."""
    if expr in (sp.oo, -sp.oo):
        return float(expr)
    try:
        value = complex(expr.evalf(17))
    except (TypeError, ValueError, ArithmeticError):
        return np.nan
    return value.real if value.imag == 0 else np.nan


def _evaluate_matrix(expr, env, k):
    if isinstance(expr, sp.MatrixSymbol):
        raise NotImplementedError(f"no value for matrix symbol {expr}")
    if isinstance(expr, sp.MatAdd):
        return sum(evaluate(a, env, k) for a in expr.args)
    if isinstance(expr, sp.MatMul):
        return _stack_product([evaluate(a, env, k) for a in expr.args],
                              [a.is_Matrix or isinstance(a, sp.MatrixExpr) for a in expr.args])
    if isinstance(expr, sp.Transpose):
        return np.swapaxes(evaluate(expr.arg, env, k), -1, -2)
    if isinstance(expr, sp.HadamardProduct):
        return _product([evaluate(a, env, k) for a in expr.args])
    if isinstance(expr, HadamardPower):
        return np.power(evaluate(expr.base, env, k), evaluate(expr.exp, env, k))
    if isinstance(expr, sp.OneMatrix):
        return np.ones((k, *map(int, expr.shape)))
    if isinstance(expr, sp.ZeroMatrix):
        return np.zeros((k, *map(int, expr.shape)))
    if isinstance(expr, sp.Identity):
        return np.broadcast_to(np.eye(int(expr.shape[0])), (k, *map(int, expr.shape)))
    if isinstance(expr, sp.MatPow):
        return np.linalg.matrix_power(evaluate(expr.base, env, k), int(expr.exp))
    if isinstance(expr, MatrixElement):
        parent = evaluate(expr.parent, env, k)
        return parent[:, int(expr.i), int(expr.j)][:, None, None]
    if isinstance(expr, DiagMatrix):
        v = evaluate(expr.args[0], env, k).reshape(k, -1)
        return v[:, :, None] * np.eye(v.shape[1])
    if isinstance(expr, ElementwiseApplyFunction):
        inner = evaluate(expr.expr, env, k)
        lam = expr.function
        var = lam.variables[0]
        flat = inner.reshape(-1, 1, 1)
        out = evaluate(lam.expr, {**_broadcast_env(env, inner.shape[1:]), var: flat},
                       flat.shape[0])
        return np.broadcast_to(out, flat.shape).reshape(inner.shape)
    raise NotImplementedError(f"cannot evaluate {type(expr).__name__} numerically")


def _broadcast_env(env, shape):
    """Repeat scalar values so they line up with a flattened (k*r*c, 1, 1) stack."""
    r, c = shape
    return {s: np.repeat(v, r * c, axis=0) if v.shape[1:] == (1, 1) else v
            for s, v in env.items()}
