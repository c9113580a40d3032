"""nnlib.check: decide whether a typed answer equals the expected one, and name the mistake.

Public API
----------
check(answer, expected, variables=None, shapes=None, rtol=1e-9, seed=0, digits=None) -> Verdict
    One formula, matrix formula or number. Equal means equal on the real domain where
    both sides are defined; exact answers must be exactly equal, decimals right to
    their last digit and within ``rtol`` (or ``digits`` significant digits). ``seed``
    chooses the evaluation points (a grader passes its own).
check_steps(steps, expected=None, variables=None, shapes=None, subs=None, ...,
            start=None, min_steps=None, plain_steps=None) -> StepsVerdict
    A derivation, each step checked against the one before it (the first against
    ``start``), at most 50 steps.
check_values(actual, expected, rtol=1e-9, atol=1e-12) -> Verdict
    Arrays (or tuples of arrays) computed by code.

A ``Verdict`` has ``bool(v)``, ``v.correct``, ``v.diagnosis`` (None when correct, else
one of ``DIAGNOSES``: "sign", "factor", "transpose", "shape", "missing_term",
"extra_term", "unparsable", "unsafe", "non-finite", "other", "not_attempted") and
``v.feedback`` (a sentence that never states the expected answer).

Answer syntax
-------------
``+ - * / ^ **``, implicit products (``2x``, ``2(x+1)``, ``sigma(z)(1 - sigma(z))``,
``wx`` when w and x are variables), numbers (``3``, ``-0.125``, ``1/8``, ``1.5e-3``),
functions ``exp ln log sin cos tan tanh sinh cosh sech sqrt abs max min``,
``sigma``/``sigmoid``/``σ`` (= 1/(1+exp(-x))), ``relu``, ``softplus``,
``Heaviside``/``step``, constants ``pi`` and ``e`` (unless declared as variables), Greek
letters by name or symbol (``eta``/``η``), subscripts (``w_1``, ``x1``, ``a_j``),
derivatives ``d/dw (expr)`` (applies to the next term). Matrices (symbols listed in
``shapes``): ``@`` or ``*`` for the matrix product, ``.T``/``^T``/``ᵀ``/``transpose(A)``,
``hadamard(A, B)``/``A ⊙ B``/``A ∘ B``, ``diag(v)``, ``sum(A)``, ``sum(A, 0)``,
``sum(A, 1)``, ``ones(r, c)``, ``zeros(r, c)``, ``eye(n)``, literals ``[[1, 2], [3, 4]]``
/ ``Matrix([[1, 2], [3, 4]])``; scalar functions apply entrywise to matrices and a
scalar added to a matrix is added to every entry. SymPy's printed forms (``Max(0, x)``,
``Heaviside(x)``, ``W.T*dY``, ``HadamardProduct(A, B)``) are read as well. Typed
notation: LaTeX (``\frac``, ``\odot``, ``\hat{Y}``, ``W^\top``), ``cos x``, ``tanh²(z)``,
``x₁``/``x_1`` for a variable ``x1``, ``dY' X`` (a prime transposes a matrix), ``s ⊙ Wᵀd``
(``⊙`` takes the whole product after it), and ``dW = ...`` (what follows the last ``=``).

Student text is never evaluated: see ``parse.py``. Imports SymPy and numpy only.

>>> from nnlib.check import check
>>> v = check("sigma(z)*(1 - sigma(z))", expected="exp(-z)/(1 + exp(-z))**2", variables="z")
>>> bool(v), v.diagnosis
(True, None)
"""
from .answer import check
from .arrays import check_values
from .steps import check_steps
from .verdict import DIAGNOSES, StepsVerdict, Verdict

__all__ = ["check", "check_steps", "check_values", "Verdict", "StepsVerdict", "DIAGNOSES"]
