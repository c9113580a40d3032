"""Reference for the lesson-12 code exercise: the error measure of a gradient check.

``relative_error(a, n, floor)`` = max over elements of ``|a - n| / max(|a|, |n|, floor)``,
the measure ``nnlib.gradcheck`` uses (relative for entries of size >= floor, absolute below).
"""
from __future__ import annotations

import numpy as np

__all__ = ["relative_error", "relative_error_cases"]


def relative_error(a: np.ndarray, n: np.ndarray, floor: float) -> np.ndarray:
    """Largest ``|a - n| / max(|a|, |n|, floor)`` over all entries, as a 0-d float64 array.

    a, n: arrays of one shape (analytic and numeric gradient); floor > 0.
    """
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"a and n must have one shape, got {a.shape} and {n.shape}")
    if not floor > 0:
        raise ValueError(f"floor must be positive, got {floor!r}")
    return np.asarray(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)))


def relative_error_cases(rng: np.random.Generator) -> list[tuple]:
    """Large entries (relative error counts), tiny entries (the floor counts), exact zeros, signs."""
    a = rng.standard_normal((3, 4)) * 100
    small = rng.standard_normal(5) * 1e-9
    return [
        (a, a * (1 + 1e-6 * rng.standard_normal(a.shape)), 1.0),
        (small, small + 1e-12, 1e-8),
        (small, -small, 1e-12),
        (np.zeros(3), np.array([0.0, 1e-9, -2e-9]), 1e-8),
        (rng.standard_normal(6), rng.standard_normal(6), 1.0),
    ]
