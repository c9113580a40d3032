"""Losses (value + gradient) and the 0-1 error metric.

A loss object has ``forward(Y_hat, Y) -> float`` and ``backward() -> dL/dY_hat`` with
the shape of ``Y_hat`` (n_samples, n_outputs). ``m`` below is the number of samples.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import as_class_indices, as_float_array, check_cached, check_same_shape
from .activations import log_softmax, softmax

__all__ = ["Loss", "MSELoss", "SumSquaredLoss", "SoftmaxCrossEntropyLoss", "HingeLoss", "zero_one_error", "LOSSES"]


class Loss:
    """Base class: ``forward`` caches what ``backward`` needs; ``loss(Y_hat, Y)`` = ``loss.forward``."""

    def __init__(self) -> None:
        self._cache: Any = None

    def __call__(self, Y_hat: np.ndarray, Y: np.ndarray) -> float:
        return self.forward(Y_hat, Y)

    def forward(self, Y_hat: np.ndarray, Y: np.ndarray) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _cached(self) -> Any:
        check_cached(self._cache, repr(self))
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _regression_inputs(Y_hat: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Checked (Y_hat, Y); Y in Y_hat's dtype, so a float32 network gets float32 gradients."""
    Y_hat = as_float_array(Y_hat, "Y_hat", ndim=2)
    Y = as_float_array(Y, "Y").astype(Y_hat.dtype, copy=False)
    check_same_shape(Y_hat, Y)
    return Y_hat, Y


class MSELoss(Loss):
    """Mean squared error over all N = m * k elements (as torch.nn.MSELoss).

    L = (1/N) sum_ij (Y_hat_ij - Y_ij)^2,   dL/dY_hat = (2/N) (Y_hat - Y).
    """

    def forward(self, Y_hat, Y):
        Y_hat, Y = _regression_inputs(Y_hat, Y)
        R = Y_hat - Y
        self._cache = R
        return float(np.vdot(R, R) / R.size)

    def backward(self):
        R = self._cached()
        return R * (2.0 / R.size)


class SumSquaredLoss(Loss):
    """Half the sum of squared errors (the notes' and lecture's cost).

    L = 1/2 sum_ij (Y_hat_ij - Y_ij)^2,   dL/dY_hat = Y_hat - Y.
    """

    def forward(self, Y_hat, Y):
        Y_hat, Y = _regression_inputs(Y_hat, Y)
        R = Y_hat - Y
        self._cache = R
        return float(0.5 * np.vdot(R, R))

    def backward(self):
        return self._cached().copy()


def _one_hot(Y: Any, Z: np.ndarray, name: str = "Y") -> np.ndarray:
    """Targets as float rows of shape Z.shape: class indices (m,) become one-hot; (m, C) rows are checked."""
    m, C = Z.shape
    Y_arr = np.asarray(Y)
    if Y_arr.ndim == 2:
        T = as_float_array(Y_arr, name, ndim=2).astype(Z.dtype, copy=False)
        check_same_shape(Z, T, "Y_hat", name)
        return T
    idx = as_class_indices(Y_arr, m, C, name)
    T = np.zeros_like(Z)
    T[np.arange(m), idx] = 1.0
    return T


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax followed by cross-entropy, fused (as torch.nn.CrossEntropyLoss), mean over samples.

    Y_hat holds logits Z (m, C); Y holds class indices (m,) or one-hot / probability rows (m, C).
    L = -(1/m) sum_i sum_k Y_ik log softmax(Z_i)_k,  with log softmax = Z - logsumexp(Z)
    computed after subtracting the row max (no overflow).  dL/dZ = (softmax(Z) - Y) / m.
    """

    def forward(self, Y_hat, Y):
        Z = as_float_array(Y_hat, "Y_hat", ndim=2)
        T = _one_hot(Y, Z)
        logP = log_softmax(Z, axis=1)
        self._cache = (Z, T)
        return float(-np.vdot(T, logP) / Z.shape[0])

    def backward(self):
        Z, T = self._cached()
        G = softmax(Z, axis=1)
        G -= T
        G /= Z.shape[0]
        return G


class HingeLoss(Loss):
    """Multiclass hinge loss, identical to torch.nn.MultiMarginLoss(p=1, margin=1) (Weston-Watkins form).

    For logits Z (m, C) and correct classes y_i:
    L = (1/m) sum_i (1/C) sum_{k != y_i} max(0, margin - Z_{i,y_i} + Z_{ik}).
    Subgradient: each term with a positive margin violation adds +1/(mC) to dZ_ik and
    -1/(mC) to dZ_{i,y_i} (0 at the kink, as PyTorch). This is not the Crammer-Singer
    loss, which takes the max over k instead of the sum.
    """

    def __init__(self, margin: float = 1.0) -> None:
        super().__init__()
        self.margin = float(margin)

    def forward(self, Y_hat, Y):
        Z = as_float_array(Y_hat, "Y_hat", ndim=2)
        m, C = Z.shape
        y = as_class_indices(Y, m, C)
        rows = np.arange(m)
        M = Z - Z[rows, y][:, None]
        M += self.margin
        M[rows, y] = 0.0
        np.maximum(M, 0.0, out=M)
        self._cache = (M, y)
        return float(M.sum() / (m * C))

    def backward(self):
        M, y = self._cached()
        m, C = M.shape
        G = (M > 0).astype(M.dtype)
        G[np.arange(m), y] = -G.sum(axis=1)
        G /= m * C
        return G

    def __repr__(self) -> str:
        return f"HingeLoss(margin={self.margin:g})"


def zero_one_error(Y_hat: np.ndarray, Y: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of misclassified samples, in [0, 1].

    Y_hat (m, C) with C > 1: the predicted class is the row argmax; Y is class indices (m,)
    or one-hot (m, C). Y_hat (m, 1) or (m,): binary, predicted positive iff Y_hat > threshold,
    true positive iff Y > threshold (use threshold=0 for +-1 labels and tanh/sign outputs).
    """
    Y_hat = as_float_array(Y_hat, "Y_hat")
    if Y_hat.ndim == 2 and Y_hat.shape[1] > 1:
        m, C = Y_hat.shape
        y = as_class_indices(Y, m, C)
        return float(np.mean(Y_hat.argmax(axis=1) != y))
    y_hat = Y_hat.reshape(-1)
    y = as_float_array(Y, "Y").reshape(-1)
    if y.shape != y_hat.shape:
        raise ValueError(f"Y_hat and Y must hold the same number of samples, got {Y_hat.shape} and {np.shape(Y)}")
    return float(np.mean((y_hat > threshold) != (y > threshold)))


#: All loss classes (default parameters), for parametrized tests and notebooks.
LOSSES: tuple[type[Loss], ...] = (MSELoss, SumSquaredLoss, SoftmaxCrossEntropyLoss, HingeLoss)
