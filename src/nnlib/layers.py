"""Fully connected (affine) layer.

Code notation vs the documents: the notes write samples as columns, ``Z = W A + b``;
here samples are rows, so ``Z = X @ W.T + b`` with ``W`` of shape (out, in).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import as_float_array, as_rng, check_cached, check_dtype, check_shape
from .module import Module, Parameter

__all__ = ["Linear"]


class Linear(Module):
    """Affine map ``Z = X W^T + b``: (n_samples, in_features) -> (n_samples, out_features).

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input and output.
    bias : bool
        Whether the layer has a bias.
    absorb_bias : bool
        mfnet form: a single ``weight`` of shape (out, in + 1) whose column 0 multiplies a
        constant-1 feature that the layer prepends itself, ``Z = [1, X] W^T``. Gives the
        same outputs and gradients as the explicit-bias form with ``W[:, 0] = b``.
    rng : numpy.random.Generator, int or None
        Source of the PyTorch-style initialisation ``U(-1/sqrt(in), 1/sqrt(in))`` for all
        entries (weights and bias). None draws from a fresh ``default_rng()``.
    dtype : np.float64 (default) or np.float32
        dtype of the parameters. The initial values are drawn in float64 and rounded, so a
        float32 layer starts from the float64 layer's weights to float32 precision.
        Inputs and incoming gradients must have the same dtype (``TypeError`` otherwise:
        nothing is cast silently).

    Gradients (backward, ``dout`` = dL/dZ of shape (n, out)):
    ``dW = dout^T X`` (out, in), ``db = sum_i dout_i`` (out,), returned ``dX = dout W`` (n, in).
    ``dW`` and ``db`` are added to ``weight.grad`` and ``bias.grad``.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        absorb_bias: bool = False,
        rng: Any = None,
        dtype: Any = np.float64,
    ) -> None:
        for label, v in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ValueError(f"Linear {label} must be a positive int, got {v!r}")
        if absorb_bias and not bias:
            raise ValueError("Linear(absorb_bias=True) needs bias=True: the absorbed column 0 is the bias")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.absorb_bias = bool(absorb_bias)
        gen = as_rng(rng)
        k = 1.0 / np.sqrt(self.in_features)
        n_cols = self.in_features + (1 if absorb_bias else 0)
        self.weight = Parameter(gen.uniform(-k, k, size=(self.out_features, n_cols)), "weight", dtype)
        self.bias = (
            Parameter(gen.uniform(-k, k, size=self.out_features), "bias", dtype) if bias and not absorb_bias else None
        )
        self._X: np.ndarray | None = None
        self._dW: np.ndarray | None = None

    @classmethod
    def from_weights(
        cls, W: np.ndarray, b: np.ndarray | None = None, absorb_bias: bool = False, dtype: Any = np.float64
    ) -> "Linear":
        """Build a layer with given numbers (copied, cast to `dtype`).

        ``W`` has shape (out, in). With ``absorb_bias=True``, ``W`` either already holds the
        bias in column 0, shape (out, in + 1), or ``b`` (out,) is given and stacked in front.
        Without ``absorb_bias``, ``b=None`` means a layer without bias.
        """
        W = as_float_array(W, "W", ndim=2)
        if b is not None:
            b = as_float_array(b, "b", ndim=1)
            check_shape(b, (W.shape[0],), "b")
        if absorb_bias:
            if b is not None:
                W = np.column_stack([b, W])
            if W.shape[1] < 2:
                raise ValueError(f"absorbed-bias W needs shape (out, in + 1) with in >= 1, got {W.shape}")
            layer = cls(W.shape[1] - 1, W.shape[0], bias=True, absorb_bias=True, rng=0, dtype=dtype)
        else:
            layer = cls(W.shape[1], W.shape[0], bias=b is not None, rng=0, dtype=dtype)
            if b is not None:
                layer.bias.data = b
        layer.weight.data = W
        return layer

    accepts_check_finite = True

    def forward(self, X: np.ndarray, check_finite: bool = True) -> np.ndarray:
        """(n, in) -> (n, out): ``Z = X W^T + b``, or ``[1, X] W^T`` with absorbed bias.

        ``check_finite=False`` skips the NaN/inf check of X (used by ``Sequential`` for
        internal activations); dtype and shape are always checked.
        """
        X = as_float_array(X, "input", ndim=2, finite=check_finite)
        check_shape(X, (None, self.in_features), "input", owner=self)
        W = self.weight.data
        check_dtype(X, W.dtype, "input", owner=self)
        self._X = X
        if self.absorb_bias:
            Z = np.matmul(X, W[:, 1:].T)
            Z += W[:, 0]
        else:
            Z = np.matmul(X, W.T)
            if self.bias is not None:
                Z += self.bias.data
        return Z

    accepts_input_grad = True

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """dL/dZ (n, out) -> dL/dX (n, in); accumulates dW (and db) into the parameters' grad.

        With ``input_grad=False`` the product dout @ W is skipped and None is returned.
        """
        check_cached(self._X, repr(self))
        X = self._X
        dout = as_float_array(dout, "dout", ndim=2, finite=False)
        check_shape(dout, (X.shape[0], self.out_features), "dout", owner=self)
        W = self.weight.data
        check_dtype(dout, W.dtype, "dout", owner=self)
        dW = self._dW_buffer()
        np.matmul(dout.T, X, out=dW)  # into a reused buffer: no new (out, in) array per step
        if self.absorb_bias:
            self.weight.grad[:, 1:] += dW
            self.weight.grad[:, 0] += dout.sum(axis=0)
            return np.matmul(dout, W[:, 1:]) if input_grad else None
        self.weight.grad += dW
        if self.bias is not None:
            self.bias.grad += dout.sum(axis=0)
        return np.matmul(dout, W) if input_grad else None

    def _dW_buffer(self) -> np.ndarray:
        """Scratch array of shape (out, in) for dout^T X, allocated on first use."""
        if self._dW is None:
            self._dW = np.empty((self.out_features, self.in_features), dtype=self.weight.dtype)
        return self._dW

    def __repr__(self) -> str:
        extra = ", absorb_bias=True" if self.absorb_bias else ("" if self.bias is not None else ", bias=False")
        if self.weight.dtype != np.float64:
            extra += f", dtype={self.weight.dtype}"
        return f"Linear({self.in_features}, {self.out_features}{extra})"
