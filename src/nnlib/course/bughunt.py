"""Locate a bug in a backward pass with central differences (lesson 13, "find the bug").

The layer of the exercise, ``Y = tanh(X W^T + b)``, returns all its gradients packed into one
flat vector ``[dX.ravel(), dW.ravel(), db]``. :func:`check_each_gradient` unpacks them and
compares each, entry by entry, with a central difference of ``s = sum(Y * dY)``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from nnlib import numeric_gradient

__all__ = ["unpack_tanh_layer_grads", "check_each_gradient"]


def unpack_tanh_layer_grads(flat, X_shape: tuple, W_shape: tuple) -> dict[str, np.ndarray]:
    """Split a packed gradient back into ``{"X": dX, "W": dW, "b": db}``."""
    flat = np.asarray(flat, dtype=np.float64)
    (n, d), (o, d2) = X_shape, W_shape
    sizes = (n * d, o * d, o)
    if d != d2 or flat.shape != (sum(sizes),):
        raise ValueError(f"packed gradient of shape {flat.shape} does not fit X {X_shape} and "
                         f"W {W_shape} (expected ({sum(sizes)},))")
    dX, dW, db = np.split(flat, np.cumsum(sizes)[:-1])
    return {"X": dX.reshape(n, d), "W": dW.reshape(o, d), "b": db}


def check_each_gradient(grads_fn: Callable, X, W, b, dY, rtol: float = 1e-6,
                        atol: float = 1e-8) -> dict[str, list]:
    """Compare each gradient of ``grads_fn(X, W, b, dY)`` with central differences.

    Prints one line per gradient (``dX: ok`` or ``db: WRONG at entries [[0], [1]]``) and
    returns ``{name: wrong entries}``. The tolerances are far above the central-difference
    error (~1e-10 for inputs of size 1, lesson 12) and far below a real mistake.
    """
    args = {k: np.array(v, dtype=np.float64) for k, v in (("X", X), ("W", W), ("b", b))}
    dY = np.asarray(dY, dtype=np.float64)
    parts = unpack_tanh_layer_grads(grads_fn(args["X"].copy(), args["W"].copy(), args["b"].copy(), dY),
                                    args["X"].shape, args["W"].shape)

    def s() -> float:
        return float(np.sum(np.tanh(args["X"] @ args["W"].T + args["b"]) * dY))

    wrong = {}
    for name, value in args.items():
        numeric = numeric_gradient(s, value)          # perturbs `value` in place, restores it
        bad = ~np.isclose(parts[name], numeric, rtol=rtol, atol=atol)
        wrong[name] = np.argwhere(bad).tolist()
        print(f"d{name}: " + ("ok" if not wrong[name] else f"WRONG at entries {wrong[name]}"))
    return wrong
