"""Plotting helpers shared by the lesson notebooks (matplotlib; imported lazily).

* :func:`activation_grid` - each activation f(z) and its derivative f'(z), one panel each.
* :func:`loss_curves` - loss histories (per step or per epoch) on one axis.
* :func:`surface_and_contour` - a loss surface L(theta1, theta2) as a 3-D surface and as
  contours, with optimisation trajectories drawn on the contours.

Every function returns the matplotlib ``Figure`` and never calls ``plt.show``.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

__all__ = ["activation_grid", "loss_curves", "surface_and_contour"]


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def activation_grid(activations: Sequence[Any], z: np.ndarray | None = None, ncols: int = 4):
    """Plot f(z) (solid) and f'(z) (dashed) of each activation on its own panel.

    Parameters
    ----------
    activations : sequence of objects with ``f(z)``, ``df(z)`` and a ``name`` attribute
        (nnlib activations), one panel each.
    z : 1-D array of inputs, default 401 points on [-4, 4].
    ncols : panels per row.
    """
    if len(activations) == 0:
        raise ValueError("activation_grid needs at least one activation, got none")
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    z = np.linspace(-4.0, 4.0, 401) if z is None else np.asarray(z, dtype=np.float64)
    if z.ndim != 1:
        raise ValueError(f"z must be 1-D, got shape {z.shape}")
    plt = _pyplot()
    nrows = -(-len(activations) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 2.4 * nrows), squeeze=False)
    for ax, act in zip(axes.flat, activations):
        ax.plot(z, act.f(z), label="f(z)")
        ax.plot(z, act.df(z), "--", label="f'(z)")
        ax.set_title(getattr(act, "name", type(act).__name__), fontsize=10)
    for ax in list(axes.flat)[len(activations):]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def loss_curves(
    histories: Mapping[str, Sequence[float]], xlabel: str = "step", logy: bool = True, title: str = "", ax=None
):
    """Plot several loss histories, one line each, labelled by the mapping's keys.

    Parameters
    ----------
    histories : mapping label -> 1-D sequence of losses (a ``History`` works too).
    xlabel : label of the x axis ("step" or "epoch").
    logy : logarithmic y axis (losses must then be positive).
    ax : an existing Axes to draw on; default a new figure.
    """
    if len(histories) == 0:
        raise ValueError("loss_curves needs at least one history, got none")
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    for label, h in histories.items():
        h = np.asarray(h, dtype=np.float64).reshape(-1)
        ax.plot(np.arange(1, len(h) + 1), h, label=str(label), lw=1.2)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=9)
    return fig


def surface_and_contour(
    T1: np.ndarray,
    T2: np.ndarray,
    surfaces: Mapping[str, np.ndarray],
    trajectories: Mapping[str, np.ndarray] | None = None,
    labels: tuple[str, str] = (r"$\theta_1$", r"$\theta_2$"),
):
    """Draw loss surfaces over a 2-D grid: all surfaces in one 3-D panel, then one contour panel each.

    Parameters
    ----------
    T1, T2 : (G2, G1) meshgrid arrays of the two parameters.
    surfaces : mapping label -> (G2, G1) loss values on the grid.
    trajectories : mapping label -> (n_steps, 2) points (theta1, theta2), drawn on the
        contour panel with the same label.
    """
    T1 = np.asarray(T1, dtype=np.float64)
    T2 = np.asarray(T2, dtype=np.float64)
    if T1.shape != T2.shape or T1.ndim != 2:
        raise ValueError(f"T1 and T2 must be 2-D meshgrids of one shape, got {T1.shape} and {T2.shape}")
    for label, L in surfaces.items():
        if np.shape(L) != T1.shape:
            raise ValueError(f"surface {label!r} has shape {np.shape(L)}, expected {T1.shape}")
    trajectories = dict(trajectories or {})
    plt = _pyplot()
    k = len(surfaces)
    fig = plt.figure(figsize=(4.2 * (k + 1), 3.8))
    ax3 = fig.add_subplot(1, k + 1, 1, projection="3d")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for (label, L), c in zip(surfaces.items(), colors):
        ax3.plot_surface(T1, T2, L, color=c, alpha=0.6, linewidth=0)
        ax3.plot([], [], color=c, label=label)  # legend proxy
    ax3.set_xlabel(labels[0])
    ax3.set_ylabel(labels[1])
    ax3.legend(fontsize=8, loc="upper left")
    for i, (label, L) in enumerate(surfaces.items()):
        ax = fig.add_subplot(1, k + 1, i + 2)
        cs = ax.contourf(T1, T2, L, levels=20, cmap="viridis")
        ax.grid(False)
        fig.colorbar(cs, ax=ax, shrink=0.8)
        if label in trajectories:
            P = np.asarray(trajectories[label], dtype=np.float64)
            if P.ndim != 2 or P.shape[1] != 2:
                raise ValueError(f"trajectory {label!r} must have shape (n_steps, 2), got {P.shape}")
            ax.plot(P[:, 0], P[:, 1], "w.-", ms=3, lw=1)
            ax.plot(P[0, 0], P[0, 1], "wo", ms=6)
            ax.plot(P[-1, 0], P[-1, 1], "r*", ms=10)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
    fig.tight_layout()
    return fig
