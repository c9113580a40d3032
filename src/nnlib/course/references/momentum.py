"""References for the lesson-14 code exercises: momentum paths and decoupled weight decay.

Heavy-ball momentum (PyTorch's ``SGD(momentum=beta)`` form, dampening 0):
``v_{t+1} = beta v_t + g_t``, ``w_{t+1} = w_t - lr v_{t+1}``, ``v_0 = 0``;
on the quadratic ``L(w) = 1/2 w^T H w`` the gradient is ``g_t = H w_t``.
Weight decay: ``W <- W - lr (dW + lam W) = (1 - lr lam) W - lr dW``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["momentum_path", "momentum_path_cases", "decayed_sgd_step", "decayed_sgd_cases"]


def momentum_path(H: np.ndarray, w0: np.ndarray, lr: float, beta: float, steps: int) -> np.ndarray:
    """Points ``w_0, ..., w_steps`` of momentum gradient descent on ``1/2 w^T H w``.

    H (d, d) symmetric, w0 (d,), lr > 0, 0 <= beta < 1, steps >= 0 -> (steps + 1, d).
    ``beta = 0`` is plain gradient descent.
    """
    H = np.asarray(H, dtype=np.float64)
    w = np.array(w0, dtype=np.float64)
    if H.ndim != 2 or H.shape != (w.size, w.size) or w.ndim != 1:
        raise ValueError(f"H must be (d, d) and w0 (d,), got {H.shape} and {w.shape}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(int(steps)):
        v = beta * v + H @ w
        w = w - lr * v
        path.append(w.copy())
    return np.array(path)


def momentum_path_cases(rng: np.random.Generator) -> list[tuple]:
    """An ill-conditioned 2-D quadratic, a rotated one, plain GD (beta = 0) and zero steps."""
    Q = np.linalg.qr(rng.standard_normal((2, 2)))[0]
    H_rot = Q @ np.diag([0.5, 4.0]) @ Q.T
    return [
        (np.diag([1.0, 10.0]), np.array([2.0, 1.0]), 0.05, 0.9, 30),
        (H_rot, rng.standard_normal(2), 0.1, 0.5, 20),
        (np.diag([1.0, 10.0]), np.array([2.0, 1.0]), 0.15, 0.0, 10),
        (np.eye(3), rng.standard_normal(3), 0.3, 0.8, 0),
    ]


def decayed_sgd_step(W: np.ndarray, dW: np.ndarray, lr: float, lam: float) -> np.ndarray:
    """One SGD step on ``L + lam/2 ||W||^2``: ``W - lr * (dW + lam * W)``; any shape."""
    W = np.asarray(W, dtype=np.float64)
    dW = np.asarray(dW, dtype=np.float64)
    if W.shape != dW.shape:
        raise ValueError(f"W and dW must have one shape, got {W.shape} and {dW.shape}")
    return W - lr * (dW + lam * W)


def decayed_sgd_cases(rng: np.random.Generator) -> list[tuple]:
    return [(rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), 0.1, 0.01),
            (rng.standard_normal(4), rng.standard_normal(4), 0.5, 0.2),
            (rng.standard_normal((2, 2)), np.zeros((2, 2)), 0.1, 1.0)]
