"""Compare analytic gradients with central differences.

For a Module f and a random upstream gradient ``dout`` the checked scalar is
``s(X) = sum(f(X) * dout)``, whose gradient is exactly what ``backward(dout)`` returns
(and accumulates into the parameters). The numeric estimate of ds/dx for each element x is
``(s(x + eps) - s(x - eps)) / (2 eps)``.

Error measure per element: ``|a - n| / max(|a|, |n|, floor)``. With ``floor = 1`` (the
default) this is a relative error for gradients of magnitude >= 1 and an absolute error
below that: a pure relative error is meaningless near 0, because the central difference
carries an absolute rounding error of about 1e-16 * |s| / eps ~ 1e-10 * |s|.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._validate import as_float_array, as_rng
from .losses import Loss
from .module import Module

__all__ = ["GradcheckResult", "gradcheck", "rel_error", "numeric_gradient"]


def rel_error(a: Any, b: Any, floor: float = 1e-8) -> float:
    """Largest elementwise ``|a - b| / max(|a|, |b|, floor)`` (0 for equal arrays, including zeros)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs arrays of the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(_elementwise_error(a, b, floor)))


def _elementwise_error(a: np.ndarray, b: np.ndarray, floor: float) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


def numeric_gradient(s: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``s()`` w.r.t. the array `x`, perturbed in place.

    Every element of `x` is restored to its original value (bit for bit) before returning.
    """
    g = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = s()
        x[i] = old - eps
        minus = s()
        x[i] = old
        g[i] = (plus - minus) / (2.0 * eps)
    return g


@dataclass
class GradcheckResult:
    """Outcome of `gradcheck`: worst error and where it occurred.

    ``where`` is the input or parameter name (``"input"``, ``"input[1]"``, ``"weight"``,
    ``"layers.0.bias"``...), ``index`` the element, ``analytic``/``numeric`` its two
    gradient values; ``errors`` maps every checked name to its worst error.
    """

    max_rel_error: float
    where: str
    index: tuple
    analytic: float
    numeric: float
    tol: float
    errors: dict

    @property
    def ok(self) -> bool:
        return bool(self.max_rel_error <= self.tol)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def message(self) -> str:
        status = "passed" if self.ok else "FAILED"
        return (
            f"gradcheck {status}: worst error {self.max_rel_error:.3e} (tolerance {self.tol:.1e}) "
            f"in {self.where}{list(self.index)}: analytic {self.analytic:.12g} vs numeric {self.numeric:.12g}"
        )

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__


def _summarise(pairs: list[tuple[str, np.ndarray, np.ndarray]], floor: float, tol: float) -> GradcheckResult:
    best = None
    errors = {}
    for name, a, n in pairs:
        if a.shape != n.shape:
            raise ValueError(f"analytic gradient of {name} has shape {a.shape}, expected {n.shape}")
        if a.size == 0:
            errors[name] = 0.0
            continue
        err = _elementwise_error(a, n, floor)
        k = np.unravel_index(int(np.argmax(err)), err.shape)
        errors[name] = float(err[k])
        if best is None or err[k] > best[0]:
            best = (float(err[k]), name, tuple(int(j) for j in k), float(a[k]), float(n[k]))
    if best is None:
        best = (0.0, "(nothing)", (), 0.0, 0.0)
    return GradcheckResult(*best, tol=tol, errors=errors)


def gradcheck(
    fn: Any,
    inputs: Any,
    eps: float = 1e-6,
    tol: float = 1e-7,
    floor: float = 1.0,
    grad_fn: Callable | None = None,
    dout: np.ndarray | None = None,
    rng: Any = 0,
    raise_on_failure: bool = False,
) -> GradcheckResult:
    """Check analytic gradients against central differences; never mutates `inputs`.

    Parameters
    ----------
    fn : Module, Loss or callable
        * Module: `inputs` is X (or a 1-tuple); checks dL/dX and every parameter gradient
          for the scalar sum(fn(X) * dout). Parameters are perturbed temporarily and
          restored exactly, as are their ``grad`` arrays.
        * Loss: `inputs` is (Y_hat, Y); checks backward() against d loss / d Y_hat.
        * callable: `inputs` is an array or tuple of arrays; `grad_fn` is required. If
          fn returns a scalar, ``grad_fn(*inputs)`` returns the gradient(s) of fn;
          otherwise ``grad_fn(*inputs, dout)`` returns the gradient(s) of sum(fn * dout).
    eps : float
        Central-difference step.
    tol, floor : float
        Pass iff max |a - n| / max(|a|, |n|, floor) <= tol.
    dout : ndarray, optional
        Upstream gradient; default standard normal from `rng` (seed 0).
    raise_on_failure : bool
        Raise AssertionError with the message instead of returning a failing result.

    Returns
    -------
    GradcheckResult with ``ok``, ``max_rel_error``, ``where``, ``index``, ``analytic``,
    ``numeric`` and a readable ``message``.
    """
    gen = as_rng(rng)
    if isinstance(fn, Loss) or (not isinstance(fn, Module) and hasattr(fn, "backward") and hasattr(fn, "forward")):
        pairs = _check_loss(fn, inputs, eps)
    elif isinstance(fn, Module):
        pairs = _check_module(fn, inputs, eps, dout, gen)
    elif callable(fn):
        if grad_fn is None:
            raise TypeError("gradcheck of a plain function needs grad_fn, the analytic gradient function")
        pairs = _check_function(fn, grad_fn, inputs, eps, dout, gen)
    else:
        raise TypeError(f"gradcheck needs a Module, a Loss or a callable, got {type(fn).__name__}")
    result = _summarise(pairs, floor, tol)
    if raise_on_failure and not result.ok:
        raise AssertionError(result.message)
    return result


def _as_tuple(inputs: Any) -> tuple:
    return tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)


def _check_module(module: Module, inputs: Any, eps: float, dout: Any, gen: np.random.Generator):
    if isinstance(inputs, tuple):
        if len(inputs) != 1:
            raise ValueError(f"gradcheck of a Module takes one input X, got {len(inputs)}")
        (X,) = inputs
    else:
        X = inputs
    X = as_float_array(X, "X").copy()
    named = list(module.named_parameters())
    low = [name for name, p in named if p.dtype != np.float64]
    if low:
        raise TypeError(
            f"gradcheck needs float64 parameters, got {named[0][1].dtype} ({', '.join(low)}): float32 rounding "
            "(~1e-7 relative) swamps central differences; build the module with dtype=np.float64"
        )
    saved_grads = [p.grad.copy() for _, p in named]
    try:
        for _, p in named:
            p.zero_grad()
        out = module.forward(X.copy())
        D = gen.standard_normal(out.shape) if dout is None else as_float_array(dout, "dout")
        if D.shape != out.shape:
            raise ValueError(f"dout must have the output's shape {out.shape}, got {D.shape}")
        dX = np.array(module.backward(D), dtype=np.float64)
        analytic = [p.grad.copy() for _, p in named]

        def s() -> float:
            return float(np.vdot(module.forward(X), D))

        pairs = [("input", dX, numeric_gradient(s, X, eps))]
        for (name, p), a in zip(named, analytic):
            pairs.append((name, a, numeric_gradient(s, p.data, eps)))
    finally:
        for (_, p), g in zip(named, saved_grads):
            p.grad[...] = g
    return pairs


def _check_loss(loss: Any, inputs: Any, eps: float):
    Y_hat, Y = _as_tuple(inputs)
    Z = as_float_array(Y_hat, "Y_hat").copy()
    Y = np.array(Y, copy=True)
    loss.forward(Z.copy(), Y)
    analytic = np.array(loss.backward(), dtype=np.float64)
    numeric = numeric_gradient(lambda: float(loss.forward(Z, Y)), Z, eps)
    return [("Y_hat", analytic, numeric)]


def _check_function(fn: Callable, grad_fn: Callable, inputs: Any, eps: float, dout: Any, gen):
    xs = [as_float_array(x, f"inputs[{i}]").copy() for i, x in enumerate(_as_tuple(inputs))]
    out = np.asarray(fn(*[x.copy() for x in xs]), dtype=np.float64)
    if out.ndim == 0:
        grads = grad_fn(*[x.copy() for x in xs])

        def s() -> float:
            return float(fn(*xs))

    else:
        D = gen.standard_normal(out.shape) if dout is None else as_float_array(dout, "dout")
        grads = grad_fn(*[x.copy() for x in xs], D)

        def s() -> float:
            return float(np.vdot(np.asarray(fn(*xs), dtype=np.float64), D))

    grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
    if len(grads) != len(xs):
        raise ValueError(f"grad_fn returned {len(grads)} gradient(s) for {len(xs)} input(s)")
    names = ["input"] if len(xs) == 1 else [f"input[{i}]" for i in range(len(xs))]
    return [
        (name, np.asarray(g, dtype=np.float64), numeric_gradient(s, x, eps)) for name, g, x in zip(names, grads, xs)
    ]
