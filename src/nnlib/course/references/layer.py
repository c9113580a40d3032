"""Reference for the lesson-4 code exercise: the weight gradient of a sigmoid layer.

Batch-first (rows are samples): ``A = sigma(Z)``, ``Z = X W^T + b`` with ``W`` of shape
(out, in), as ``nnlib.Sequential(nnlib.Linear(in, out), nnlib.Sigmoid())``. The documents'
column-vector form: dE/dZ = dE/dA (Hadamard) sigma'(Z), dE/dW = dE/dZ X^T.
"""
from __future__ import annotations

import numpy as np

from nnlib import sigmoid

__all__ = ["sigmoid_layer_dW", "sigmoid_layer_cases"]


def sigmoid_layer_dW(X: np.ndarray, W: np.ndarray, b: np.ndarray, dA: np.ndarray) -> np.ndarray:
    """Weight gradient of ``A = sigmoid(X W^T + b)`` from the upstream gradient ``dA``.

    Parameters
    ----------
    X : (n_samples, n_in) layer input.
    W : (n_out, n_in) weight.
    b : (n_out,) bias.
    dA : (n_samples, n_out) upstream gradient dE/dA.

    Returns
    -------
    dW : (n_out, n_in) = dZ^T X with dZ = dA * s * (1 - s), s = sigmoid(X W^T + b).
    """
    X, W, b, dA = (np.asarray(a, dtype=np.float64) for a in (X, W, b, dA))
    if X.ndim != 2 or W.ndim != 2 or b.ndim != 1 or dA.ndim != 2:
        raise ValueError(f"X, W, dA must be 2-D and b 1-D, got shapes {X.shape}, {W.shape}, "
                         f"{b.shape}, {dA.shape}")
    n, n_out = X.shape[0], W.shape[0]
    if W.shape[1] != X.shape[1] or b.shape != (n_out,) or dA.shape != (n, n_out):
        raise ValueError(f"shapes do not fit A = sigmoid(X W^T + b): X {X.shape}, W {W.shape}, "
                         f"b {b.shape} (expected {(n_out,)}), dA {dA.shape} (expected {(n, n_out)})")
    s = sigmoid(X @ W.T + b)
    dZ = dA * s * (1.0 - s)
    return dZ.T @ X


def sigmoid_layer_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, ...]]:
    """Inputs (X, W, b, dA) of several shapes, including one sample and a square W."""
    cases = []
    for n, n_in, n_out in ((1, 3, 2), (4, 3, 2), (5, 2, 4), (3, 3, 3)):
        cases.append((rng.standard_normal((n, n_in)), rng.standard_normal((n_out, n_in)),
                      rng.standard_normal(n_out), rng.standard_normal((n, n_out))))
    return cases
