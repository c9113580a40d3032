"""Does a student's derived formula agree with the student's own code? (lesson 13)

"Derive, then implement": a derivation ends in a formula (checker syntax, e.g.
``"hadamard(s, g) - s @ s.T @ g"``), the implementation is a numpy function. This module
evaluates the formula's last step at concrete numbers and compares it with what the code
returns on the same numbers. The formula is parsed by :mod:`nnlib.check` (never ``eval``):
scalars are real symbols, 2-D arrays are matrix symbols of their shape.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from nnlib.check.build import build, make_symbols
from nnlib.check.parse import ParseError

__all__ = ["formula_value", "Agreement", "compare_formula_with_code", "gradcheck_summary"]


def _last_step(formula: Any) -> str:
    if isinstance(formula, (list, tuple)):
        if not formula:
            raise ValueError("the derivation has no steps")
        formula = formula[-1]
    if not isinstance(formula, str):
        raise TypeError(f"a formula is a string in answer syntax, got {type(formula).__name__}")
    return formula


def formula_value(formula: Any, values: Mapping[str, Any]) -> np.ndarray:
    """Value of a formula (or of the last step of a derivation) at the given numbers.

    Parameters
    ----------
    formula : str or list of str
        Answer syntax; for a list, its last item is used.
    values : mapping name -> float or 2-D array
        Every name the formula uses. 2-D arrays become matrix symbols of their shape.

    Returns
    -------
    float64 array: shape ``()`` for a scalar formula, ``(r, c)`` for a matrix formula.
    """
    text = _last_step(formula)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
    for name, a in arrays.items():
        if a.ndim not in (0, 2):
            raise ValueError(f"value of {name!r} must be a number or a 2-D array, got shape {a.shape}")
    shapes = {k: a.shape for k, a in arrays.items() if a.ndim == 2}
    symbols = make_symbols(list(arrays), shapes)
    try:
        expr = build(text, symbols).expr
    except ParseError as exc:
        raise ValueError(f"cannot read the formula {text!r}: {exc}") from None
    subs = {symbols[k]: (sp.ImmutableMatrix(a) if a.ndim == 2 else sp.Float(float(a)))
            for k, a in arrays.items()}
    value = expr.xreplace(subs)
    value = value.doit() if hasattr(value, "doit") else value
    if isinstance(value, sp.MatrixBase) or hasattr(value, "as_explicit"):
        value = sp.Matrix(value.as_explicit() if hasattr(value, "as_explicit") else value)
        return np.array(value.evalf(), dtype=np.float64)
    return np.asarray(float(sp.N(value)), dtype=np.float64)


@dataclass
class Agreement:
    """Result of :func:`compare_formula_with_code`: ``ok`` (None: not attempted) and a message."""

    ok: bool | None
    message: str

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __repr__(self) -> str:
        return self.message


def compare_formula_with_code(formula: Any, points: list[tuple[Mapping[str, Any], Callable[[], Any]]],
                              rtol: float = 1e-8) -> Agreement:
    """Evaluate ``formula`` at each point's values and compare with that point's code value.

    ``points``: list of ``(values, code)`` where ``code()`` returns what the student's
    function gives for the same numbers (shaped like the formula's value). A formula that is
    still ``...`` or code that raises ``NotImplementedError`` counts as not attempted.
    """
    if formula is None or formula is Ellipsis or (isinstance(formula, (list, tuple)) and not formula):
        return Agreement(None, "Not attempted yet: write your derivation first.")
    worst = 0.0
    for values, code in points:
        try:
            actual = np.asarray(code(), dtype=np.float64)
        except NotImplementedError:
            return Agreement(None, "Not attempted yet: write your code first.")
        try:
            derived = formula_value(formula, values)
        except (ValueError, TypeError) as exc:
            return Agreement(False, f"Your formula could not be evaluated: {exc}")
        if derived.shape != actual.shape:
            return Agreement(False, f"Your formula gives shape {derived.shape}, your code {actual.shape}.")
        scale = max(float(np.max(np.abs(derived), initial=0.0)), 1.0)
        worst = max(worst, float(np.max(np.abs(derived - actual), initial=0.0)) / scale)
    if worst <= rtol:
        return Agreement(True, f"Your derivation and your code agree on every test input ({len(points)}).")
    return Agreement(False, f"Your derivation and your code disagree (relative difference "
                            f"{worst:.1e}): one of them is wrong.")


def gradcheck_summary(result: Any) -> str:
    """One line about an ``nnlib.gradcheck`` result whose text does not depend on the machine.

    Passed: no digits of the error (they depend on the BLAS); failed: where, and both values
    rounded to 3 significant digits.
    """
    if result.ok:
        return f"gradcheck passed (every error below {result.tol:.0e})"
    return (f"gradcheck FAILED in {result.where}{list(result.index)}: analytic {result.analytic:.3g}, "
            f"numeric {result.numeric:.3g} (errors by name: "
            + ", ".join(f"{k} {'ok' if v <= result.tol else 'WRONG'}" for k, v in result.errors.items()) + ")")
