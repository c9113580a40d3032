"""References for the lesson-13 "derive, then implement" code exercises.

Every function is batch-first (rows are samples) and returns one float64 array. Each
``*_cases(rng)`` returns a list of argument tuples (several shapes, one sample, and where it
matters large logits that overflow a naive ``exp``). The derivations are in
``solutions/13_stable_softmax_and_new_backward_passes.ipynb``.

=====================  ===========================================  ===========================
operation              forward (per sample row)                     returned gradient
=====================  ===========================================  ===========================
log-sum-exp            ``l = log sum_k exp(z_k)``                   ``stable_logsumexp``: l itself
log-sum-exp backward   as above, upstream ``dout`` (n,)             ``dZ = dout * softmax(Z)``
softmax VJP            ``s = softmax(z)``, upstream ``dS``          ``dZ = s * (dS - <s, dS>)``
L2 weight penalty      ``Y = X W^T``, ``+ lam/2 ||W||^2``            ``dW = dY^T X + lam W``
residual               ``Y = X + tanh(X W^T + b)``                  ``dX = dY + (dY*(1-T^2)) W``
centring               ``Y = X - mean_rows(X)``                     ``dX = dY - mean_rows(dY)``
bilinear               ``y_i = x1_i^T A x2_i``                      ``dA = X1^T (dy * X2)``
tanh layer (bug hunt)  ``Y = tanh(X W^T + b)``                      ``[dX, dW, db]`` flattened
=====================  ===========================================  ===========================
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "stable_logsumexp", "logsumexp_cases", "logsumexp_backward", "logsumexp_backward_cases",
    "softmax_vjp", "softmax_vjp_cases", "linear_l2_dW", "linear_l2_cases",
    "residual_tanh_dX", "residual_cases", "center_backward", "center_cases",
    "bilinear_dA", "bilinear_cases", "tanh_layer_grads", "buggy_tanh_layer_grads",
    "tanh_layer_cases",
]


def _f64(*arrays):
    return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


def _logits(rng: np.random.Generator, shape: tuple, scale: float) -> np.ndarray:
    return scale * rng.standard_normal(shape)


# ----------------------------------------------------------------------------- log-sum-exp
def stable_logsumexp(Z: np.ndarray) -> np.ndarray:
    """Row-wise log-sum-exp, shifted by the row max: ``m + log sum_k exp(z_k - m)``.

    Z (n, C) -> (n,). Finite for any finite Z (no overflow: every exponent is <= 0).
    """
    (Z,) = _f64(Z)
    _need(Z.ndim == 2 and Z.shape[1] > 0, f"Z must be (n, C) with C >= 1, got shape {Z.shape}")
    m = Z.max(axis=1)
    return m + np.log(np.exp(Z - m[:, None]).sum(axis=1))


def logsumexp_cases(rng: np.random.Generator) -> list[tuple]:
    """Small and large logits (|z| up to ~3000: a naive exp overflows), one single class."""
    return [(_logits(rng, (4, 3), 1.0),), (_logits(rng, (3, 5), 1000.0),),
            (_logits(rng, (1, 4), 1.0) - 800.0,), (_logits(rng, (2, 1), 5.0),)]


def _softmax(Z: np.ndarray) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def logsumexp_backward(Z: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Gradient of ``sum_i dout_i * logsumexp(Z_i)``: ``dZ = dout[:, None] * softmax(Z)``.

    Z (n, C), dout (n,) -> dZ (n, C).
    """
    Z, dout = _f64(Z, dout)
    _need(Z.ndim == 2 and dout.shape == (Z.shape[0],),
          f"Z must be (n, C) and dout (n,), got {Z.shape} and {dout.shape}")
    return dout[:, None] * _softmax(Z)


def logsumexp_backward_cases(rng: np.random.Generator) -> list[tuple]:
    return [(_logits(rng, (n, C), s), rng.standard_normal(n))
            for n, C, s in ((4, 3, 1.0), (1, 5, 1.0), (3, 4, 1500.0))]


# ----------------------------------------------------------------------------- softmax VJP
def softmax_vjp(Z: np.ndarray, dS: np.ndarray) -> np.ndarray:
    """Vector-Jacobian product of the row-wise softmax: ``dZ = S * (dS - sum_k S_k dS_k)``.

    Row by row this is ``J^T g`` with ``J = diag(s) - s s^T`` (symmetric), without forming J.
    Z, dS (n, C) -> dZ (n, C).
    """
    Z, dS = _f64(Z, dS)
    _need(Z.ndim == 2 and dS.shape == Z.shape, f"Z and dS must be (n, C) of one shape, got {Z.shape} and {dS.shape}")
    S = _softmax(Z)
    return S * (dS - (S * dS).sum(axis=1, keepdims=True))


def softmax_vjp_cases(rng: np.random.Generator) -> list[tuple]:
    return [(_logits(rng, (n, C), s), rng.standard_normal((n, C)))
            for n, C, s in ((4, 3, 1.0), (1, 4, 2.0), (3, 5, 1000.0))]


# ----------------------------------------------------------------------------- L2 penalty
def linear_l2_dW(X: np.ndarray, W: np.ndarray, dY: np.ndarray, lam: float) -> np.ndarray:
    """Weight gradient of ``Y = X W^T`` plus the penalty ``lam/2 * sum(W**2)``: ``dY^T X + lam W``.

    X (n, n_in), W (n_out, n_in), dY (n, n_out), lam >= 0 -> dW (n_out, n_in).
    """
    X, W, dY = _f64(X, W, dY)
    _need(X.ndim == 2 and W.ndim == 2 and dY.shape == (X.shape[0], W.shape[0]) and W.shape[1] == X.shape[1],
          f"shapes do not fit Y = X W^T: X {X.shape}, W {W.shape}, dY {dY.shape}")
    return dY.T @ X + float(lam) * W


def linear_l2_cases(rng: np.random.Generator) -> list[tuple]:
    return [(rng.standard_normal((n, i)), rng.standard_normal((o, i)), rng.standard_normal((n, o)), lam)
            for n, i, o, lam in ((4, 3, 2, 0.1), (1, 2, 3, 0.5), (5, 3, 3, 0.0), (3, 2, 2, 2.0))]


# ----------------------------------------------------------------------------- residual
def residual_tanh_dX(X: np.ndarray, W: np.ndarray, b: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """Input gradient of the residual block ``Y = X + tanh(X W^T + b)``.

    ``dX = dY + (dY * (1 - T**2)) @ W`` with ``T = tanh(X W^T + b)``: the skip path adds dY.
    X, dY (n, d), W (d, d), b (d,) -> dX (n, d).
    """
    X, W, b, dY = _f64(X, W, b, dY)
    d = X.shape[-1]
    _need(X.ndim == 2 and W.shape == (d, d) and b.shape == (d,) and dY.shape == X.shape,
          f"residual block needs X (n, d), W (d, d), b (d,), dY (n, d); got {X.shape}, {W.shape}, {b.shape}, {dY.shape}")
    T = np.tanh(X @ W.T + b)
    return dY + (dY * (1.0 - T**2)) @ W


def residual_cases(rng: np.random.Generator) -> list[tuple]:
    return [(rng.standard_normal((n, d)), rng.standard_normal((d, d)), rng.standard_normal(d),
             rng.standard_normal((n, d))) for n, d in ((4, 3), (1, 2), (3, 1), (2, 4))]


# ----------------------------------------------------------------------------- centring
def center_backward(X: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """Input gradient of centring a batch, ``Y = X - mean over rows of X``: ``dY - mean(dY)``.

    X, dY (n, d) -> dX (n, d). (The gradient does not depend on X.)
    """
    X, dY = _f64(X, dY)
    _need(X.ndim == 2 and dY.shape == X.shape, f"X and dY must be (n, d) of one shape, got {X.shape} and {dY.shape}")
    return dY - dY.mean(axis=0, keepdims=True)


def center_cases(rng: np.random.Generator) -> list[tuple]:
    return [(rng.standard_normal((n, d)), rng.standard_normal((n, d))) for n, d in ((4, 3), (1, 2), (5, 1))]


# ----------------------------------------------------------------------------- bilinear
def bilinear_dA(X1: np.ndarray, A: np.ndarray, X2: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Gradient w.r.t. A of ``y_i = x1_i^T A x2_i``: ``dA = sum_i dy_i x1_i x2_i^T = X1^T (dy * X2)``.

    X1 (n, p), A (p, q), X2 (n, q), dy (n,) -> dA (p, q).
    """
    X1, A, X2, dy = _f64(X1, A, X2, dy)
    n = X1.shape[0]
    _need(X1.ndim == 2 and A.shape == (X1.shape[1], X2.shape[-1]) and X2.shape[0] == n and dy.shape == (n,),
          f"bilinear needs X1 (n, p), A (p, q), X2 (n, q), dy (n,); got {X1.shape}, {A.shape}, {X2.shape}, {dy.shape}")
    return X1.T @ (dy[:, None] * X2)


def bilinear_cases(rng: np.random.Generator) -> list[tuple]:
    return [(rng.standard_normal((n, p)), rng.standard_normal((p, q)), rng.standard_normal((n, q)),
             rng.standard_normal(n)) for n, p, q in ((4, 3, 2), (1, 2, 2), (3, 2, 4))]


# ----------------------------------------------------------------------------- bug hunt
def _tanh_layer_parts(X, W, b, dY, bias_bug: bool = False):
    X, W, b, dY = _f64(X, W, b, dY)
    n = X.shape[0]
    _need(X.ndim == 2 and W.ndim == 2 and W.shape[1] == X.shape[1] and b.shape == (W.shape[0],)
          and dY.shape == (n, W.shape[0]),
          f"tanh layer needs X (n, in), W (out, in), b (out,), dY (n, out); got {X.shape}, {W.shape}, {b.shape}, {dY.shape}")
    T = np.tanh(X @ W.T + b)
    dZ = dY * (1.0 - T**2)
    db = (dY if bias_bug else dZ).sum(axis=0)
    return dZ @ W, dZ.T @ X, db


def tanh_layer_grads(X: np.ndarray, W: np.ndarray, b: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """All gradients of ``Y = tanh(X W^T + b)``, packed ``[dX.ravel(), dW.ravel(), db]``.

    X (n, in), W (out, in), b (out,), dY (n, out) -> (n*in + out*in + out,).
    """
    return np.concatenate([g.ravel() for g in _tanh_layer_parts(X, W, b, dY)])


def buggy_tanh_layer_grads(X: np.ndarray, W: np.ndarray, b: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """``tanh_layer_grads`` with the planted bug of lesson 13 (the bias skips the tanh derivative)."""
    return np.concatenate([g.ravel() for g in _tanh_layer_parts(X, W, b, dY, bias_bug=True)])


def tanh_layer_cases(rng: np.random.Generator) -> list[tuple]:
    return [(rng.standard_normal((n, i)), rng.standard_normal((o, i)), rng.standard_normal(o),
             rng.standard_normal((n, o))) for n, i, o in ((4, 3, 2), (1, 2, 3), (3, 3, 3))]
