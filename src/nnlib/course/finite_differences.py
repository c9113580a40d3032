"""Finite-difference error versus step size, in float64 and float32 (lesson 12).

For a smooth f the central difference ``(f(x + h) - f(x - h)) / (2h)`` has a truncation
error ``|f'''| h^2 / 6`` and a rounding error of about ``u |f| / h`` (u: unit roundoff of the
dtype, ``np.finfo(dtype).eps / 2``). Their sum is smallest at ``h* = (3 u |f| / |f'''|)^(1/3)``,
where it equals ``|f'''| h*^2 / 2``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["unit_roundoff", "central_difference", "central_difference_errors", "optimal_step",
           "error_bound", "plot_errors_vs_step"]


def unit_roundoff(dtype) -> float:
    """u = eps / 2: 2^-53 for float64, 2^-24 for float32."""
    return float(np.finfo(dtype).eps) / 2


def central_difference(f: Callable, x: float, h: float, dtype=np.float64) -> float:
    """``(f(x + h) - f(x - h)) / (2h)`` with x, h and every operation in ``dtype``."""
    x, h = np.asarray(x, dtype=dtype), np.asarray(h, dtype=dtype)
    two = np.asarray(2, dtype=dtype)
    return float((f(x + h) - f(x - h)) / (two * h))


def central_difference_errors(f: Callable, df: Callable, x: float, hs, dtype=np.float64) -> np.ndarray:
    """Relative error ``|numeric - df(x)| / |df(x)|`` of the central difference for each h."""
    exact = float(df(np.float64(x)))
    if exact == 0:
        raise ValueError("df(x) is 0: a relative error is meaningless here, pick another x")
    return np.array([abs(central_difference(f, x, h, dtype) - exact) / abs(exact) for h in hs])


def optimal_step(u: float, F: float = 1.0, M: float = 1.0) -> float:
    """h* = (3 u F / M)^(1/3), minimiser of ``E(h) = M h^2 / 6 + u F / h``."""
    return (3.0 * u * F / M) ** (1.0 / 3.0)


def error_bound(h, u: float, F: float = 1.0, M: float = 1.0):
    """E(h) = M h^2 / 6 + u F / h (truncation plus rounding)."""
    h = np.asarray(h, dtype=np.float64)
    return M * h**2 / 6 + u * F / h


def plot_errors_vs_step(f: Callable, df: Callable, x: float, hs, F: float = 1.0, M: float = 1.0):
    """Log-log plot of measured errors (float64, float32) with the bound E(h) and h*."""
    import matplotlib.pyplot as plt

    hs = np.asarray(hs, dtype=np.float64)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for dtype, color in ((np.float64, "C0"), (np.float32, "C1")):
        u = unit_roundoff(dtype)
        err = central_difference_errors(f, df, x, hs, dtype)
        name = np.dtype(dtype).name
        ax.loglog(hs, np.maximum(err, 1e-17), ".", color=color, label=f"measured, {name}")
        ax.loglog(hs, error_bound(hs, u, F, M), "-", color=color, lw=1, label=f"bound E(h), {name}")
        ax.axvline(optimal_step(u, F, M), color=color, ls="--", lw=1)
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error of the central difference")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
