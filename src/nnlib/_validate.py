"""Input checks shared by every part of the core.

Each helper raises ``TypeError`` (wrong kind or dtype) or ``ValueError`` (wrong shape,
non-finite values, wrong call order) with a message that names the offending argument
and states what was expected and what was received. The checks are cheap: no copies of
float64 arrays, and the finiteness test uses two reductions instead of a boolean
temporary.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "FLOAT_DTYPES",
    "float_dtype",
    "check_dtype",
    "as_float_array",
    "check_ndim",
    "check_finite",
    "check_shape",
    "check_same_shape",
    "check_cached",
    "as_rng",
    "as_class_indices",
]


#: The floating dtypes parameters may have: float64 (the default) and float32.
FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def float_dtype(dtype: Any) -> np.dtype:
    """`dtype` as a numpy dtype, if it is float64 or float32; otherwise ``TypeError``."""
    try:
        dt = np.dtype(dtype) if dtype is not None else None  # np.dtype(None) would be float64
    except TypeError:
        dt = None
    if dt is None or dt not in FLOAT_DTYPES:
        raise TypeError(f"dtype must be np.float64 or np.float32, got {dtype!r}")
    return dt


def check_dtype(x: np.ndarray, dtype: np.dtype, name: str = "X", owner: Any = None) -> None:
    """Raise ``TypeError`` unless ``x.dtype == dtype`` (no silent up- or down-casting).

    The message reads e.g. ``Linear(3, 4) has float32 parameters, got input of dtype
    float64; convert with input.astype(np.float32)``.
    """
    if x.dtype != dtype:
        who = f"{owner} has {dtype} parameters, got" if owner is not None else f"{name} must have dtype {dtype}, got"
        raise TypeError(f"{who} {name} of dtype {x.dtype}; convert with {name}.astype(np.{dtype})")


def as_float_array(x: Any, name: str = "X", ndim: int | None = None, finite: bool = True) -> np.ndarray:
    """Return `x` as a floating ndarray (no copy for ndarrays), after checking it.

    Parameters
    ----------
    x : array_like
        Array or nested list of numbers. Integer and boolean dtypes are rejected
        (``TypeError``): gradients of integer arrays are meaningless, and silently
        casting would hide the mistake. Use ``x.astype(np.float64)``.
    name : str
        Name used in error messages.
    ndim : int, optional
        Required number of dimensions.
    finite : bool
        If true, reject NaN and +-inf (``ValueError``).
    """
    if isinstance(x, np.ndarray):
        arr = x
    elif isinstance(x, (list, tuple, float, int, np.number)) and not isinstance(x, bool):
        arr = np.asarray(x)
        if arr.dtype.kind in "iu":  # Python lists of ints: a common, harmless notebook idiom
            arr = arr.astype(np.float64)
    else:
        raise TypeError(f"{name} must be a numpy array, got {type(x).__name__}")
    if arr.dtype.kind != "f":
        raise TypeError(
            f"{name} must have a floating dtype (float64 or float32), got dtype {arr.dtype}; "
            f"convert with {name}.astype(np.float64)"
        )
    if ndim is not None:
        check_ndim(arr, ndim, name)
    if finite:
        check_finite(arr, name)
    return arr


def check_ndim(x: np.ndarray, ndim: int, name: str = "X") -> None:
    """Raise ``ValueError`` unless ``x.ndim == ndim`` (hinting at reshape for 1-D -> 2-D)."""
    if x.ndim != ndim:
        hint = ""
        if ndim == 2 and x.ndim == 1:
            hint = (
                f"; for one sample use {name}.reshape(1, -1), "
                f"for one feature use {name}.reshape(-1, 1)"
            )
        raise ValueError(f"{name} must be {ndim}-D, got {x.ndim}-D array of shape {x.shape}{hint}")


def check_finite(x: np.ndarray, name: str = "X") -> None:
    """Raise ``ValueError`` if `x` holds NaN or +-inf.

    One pass: a sum is finite whenever all its terms are finite and the total does not
    overflow, and NaN or +-inf anywhere makes it NaN or +-inf. Only a non-finite sum
    (bad values, or finite values near the float maximum) triggers the exact, slower
    count; no boolean temporary is made otherwise.
    """
    if x.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = x.sum()
    if not np.isfinite(total):
        bad = int(np.count_nonzero(~np.isfinite(x)))
        if bad:
            raise ValueError(f"{name} contains {bad} non-finite value(s) (NaN or inf)")


def check_shape(x: np.ndarray, expected: tuple, name: str = "X", owner: Any = None) -> None:
    """Raise ``ValueError`` unless ``x.shape`` matches `expected`; ``None`` entries match anything.

    The message reads e.g. ``Linear(3, 4) expects input of shape (n, 3), got (5, 2)``.
    """
    ok = x.ndim == len(expected) and all(e is None or e == s for e, s in zip(expected, x.shape))
    if not ok:
        dims = ", ".join("n" if e is None else str(e) for e in expected)
        shown = f"({dims},)" if len(expected) == 1 else f"({dims})"
        who = f"{owner} expects {name} of shape" if owner is not None else f"{name} must have shape"
        raise ValueError(f"{who} {shown}, got {tuple(x.shape)}")


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str = "Y_hat", name_b: str = "Y") -> None:
    """Raise ``ValueError`` unless `a` and `b` have the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def check_cached(cache: Any, owner: str) -> None:
    """Raise ``ValueError`` when `backward` is called before `forward` filled the cache."""
    if cache is None:
        raise ValueError(f"{owner}.backward() called before forward(): run forward first to cache its inputs")


def as_rng(rng: Any = None) -> np.random.Generator:
    """Return a ``numpy.random.Generator``: pass one through, seed one from an int, or make a fresh one for None."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")


def as_class_indices(Y: Any, n: int, n_classes: int, name: str = "Y") -> np.ndarray:
    """Return integer class indices of shape (n,) from indices (n,) or one-hot/probability rows (n, C).

    For (n, C) targets the index of the largest entry is returned.
    """
    Y = np.asarray(Y)
    if Y.ndim == 1:
        if Y.dtype.kind not in "iu":
            if Y.dtype.kind == "f" and np.all(Y == np.round(Y)):
                Y = Y.astype(np.intp)
            else:
                raise TypeError(f"class indices {name} must be integers, got dtype {Y.dtype}")
        check_shape(Y, (n,), name)
        if Y.size and (Y.min() < 0 or Y.max() >= n_classes):
            raise ValueError(f"class indices {name} must lie in [0, {n_classes - 1}], got range [{Y.min()}, {Y.max()}]")
        return Y
    if Y.ndim == 2:
        check_shape(Y, (n, n_classes), name)
        return Y.argmax(axis=1)
    raise ValueError(
        f"{name} must be class indices of shape ({n},) or one-hot of shape ({n}, {n_classes}), got {Y.shape}"
    )
