"""Gradient-descent paths on 2-D loss surfaces: plain, with momentum, with weight decay (lesson 14).

Update rule (PyTorch's ``SGD(lr, momentum=beta, weight_decay=lam)``, dampening 0):
``g_t = grad(w_t) + lam w_t``, ``v_{t+1} = beta v_t + g_t``, ``w_{t+1} = w_t - lr v_{t+1}``, ``v_0 = 0``.
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

__all__ = ["quadratic", "descent_path", "steps_to_reach", "plot_paths"]


def quadratic(H, c=None) -> tuple[Callable, Callable]:
    """``L(w) = 1/2 (w - c)^T H (w - c)`` and its gradient ``H (w - c)``; H symmetric (d, d).

    ``L`` also accepts a stack of points ``(..., d)`` (for contour grids).
    """
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric square matrix, got shape {H.shape}")
    c = np.zeros(H.shape[0]) if c is None else np.asarray(c, dtype=np.float64)
    if c.shape != (H.shape[0],):
        raise ValueError(f"c must have shape {(H.shape[0],)}, got {c.shape}")

    def loss(w):
        d = np.asarray(w, dtype=np.float64) - c
        return 0.5 * np.einsum("...i,ij,...j->...", d, H, d)

    def grad(w):
        return H @ (np.asarray(w, dtype=np.float64) - c)

    return loss, grad


def descent_path(grad: Callable, w0, lr: float, steps: int, beta: float = 0.0, lam: float = 0.0) -> np.ndarray:
    """Points ``w_0 .. w_steps`` (shape ``(steps + 1, d)``) of SGD with momentum and weight decay."""
    if not lr > 0 or not 0 <= beta < 1 or lam < 0 or int(steps) != steps or steps < 0:
        raise ValueError(f"need lr > 0, 0 <= beta < 1, lam >= 0, steps >= 0; got {lr}, {beta}, {lam}, {steps}")
    w = np.array(w0, dtype=np.float64)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(int(steps)):
        v = beta * v + grad(w) + lam * w
        w = w - lr * v
        path.append(w.copy())
    return np.array(path)


def steps_to_reach(path: np.ndarray, target, tol: float) -> int | None:
    """First index t with ``|w_t - target| <= tol`` from then on, or None if never."""
    dist = np.linalg.norm(np.asarray(path) - np.asarray(target), axis=1)
    outside = np.nonzero(dist > tol)[0]
    if outside.size == 0:
        return 0
    t = int(outside[-1]) + 1
    return t if t < len(dist) else None


def plot_paths(loss: Callable, paths: Mapping[str, np.ndarray], extent: tuple = (-3, 3, -3, 3),
               ax=None, title: str | None = None):
    """Contours of ``loss`` over ``extent = (x0, x1, y0, y1)`` with each path drawn on top."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    xs = np.linspace(extent[0], extent[1], 80)
    ys = np.linspace(extent[2], extent[3], 80)
    G = np.stack(np.meshgrid(xs, ys), axis=-1)
    L = loss(G)
    ax.contour(xs, ys, L, levels=np.quantile(L, np.linspace(0.01, 0.9, 10)), cmap="viridis", linewidths=0.8)
    for label, P in paths.items():
        P = np.asarray(P)
        ax.plot(P[:, 0], P[:, 1], ".-", ms=3, lw=1, label=label)
    ax.set_xlim(extent[:2]); ax.set_ylim(extent[2:])
    ax.set_xlabel("$w_1$"); ax.set_ylabel("$w_2$"); ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="upper left")
    if title:
        ax.set_title(title, fontsize=10)
    return ax
