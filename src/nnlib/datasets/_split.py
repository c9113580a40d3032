"""The split, scaling and result type shared by every loader in :mod:`nnlib.datasets`."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from types import ModuleType

import numpy as np
from numpy.typing import DTypeLike

from .._validate import float_dtype

__all__ = ["Dataset", "split_indices", "fit_standardizer", "require"]


@dataclass(frozen=True)
class Dataset:
    """A train/test split of one data set, batch-first.

    Attributes
    ----------
    X_train : ndarray (n_train, n_features) float64
    y_train : ndarray, targets of the training samples: (n_train, 1) float64 for
        regression, (n_train,) int64 class indices for classification
    X_test, y_test : the same for the test samples
    feature_names : tuple of str, one per column of X
    mean, scale : ndarray (n_features,) or None
        The scaling applied to every X: ``X_scaled = (X_raw - mean) / scale``. Fitted on the
        training part only, so no information from the test part leaks into training.
        ``None`` when the loader returned unscaled features.
    source : str
        Where the numbers come from and their units.
    train_index, test_index : ndarray of int64, sorted
        Rows of the full data set (in the source's order) in each part; disjoint, and
        together ``range(n_samples)``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    mean: np.ndarray | None
    scale: np.ndarray | None
    source: str
    train_index: np.ndarray
    test_index: np.ndarray

    def astype(self, dtype: DTypeLike) -> "Dataset":
        """The same split with features (and float targets) in `dtype`, e.g. ``np.float32``
        for a float32 network; class indices, scaling statistics and indices are kept.

        Raises ``TypeError`` for a dtype nnlib networks cannot have (not float64/float32).
        """
        dt = float_dtype(dtype)

        def cast(a: np.ndarray) -> np.ndarray:
            return a.astype(dt) if a.dtype.kind == "f" else a

        return replace(self, X_train=cast(self.X_train), y_train=cast(self.y_train),
                       X_test=cast(self.X_test), y_test=cast(self.y_test))

    def __repr__(self) -> str:
        return (
            f"Dataset(X_train={self.X_train.shape}, y_train={self.y_train.shape}, "
            f"X_test={self.X_test.shape}, y_test={self.y_test.shape}, "
            f"scaled={self.mean is not None})"
        )


def split_indices(
    n: int, test_size: float = 0.2, seed: int = 0, labels: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted index arrays ``(train, test)`` partitioning ``range(n)``.

    Without `labels`: shuffle ``range(n)`` with ``numpy.random.default_rng(seed)`` and take
    the first ``round(test_size * n)`` indices as the test part. With `labels` (stratified):
    do the same inside each class, so every class keeps its share (``round(test_size * n_c)``
    test samples of a class with ``n_c`` samples). The same seed gives the same split.
    """
    if not isinstance(test_size, (int, float, np.floating)) or not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    rng = np.random.default_rng(seed)
    if labels is None:
        groups = [np.arange(n)]
    else:
        labels = np.asarray(labels)
        groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    test_parts = []
    for group in groups:
        n_test = int(round(test_size * len(group)))
        if n_test == 0 or n_test == len(group):
            raise ValueError(f"test_size={test_size} leaves an empty train or test part for a group of {len(group)} samples")
        test_parts.append(rng.permutation(group)[:n_test])
    is_test = np.zeros(n, dtype=bool)
    is_test[np.concatenate(test_parts)] = True
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def fit_standardizer(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature ``mean`` and ``scale`` of the training features.

    mean_j = (1/n) sum_i X_ij,  scale_j = sqrt((1/n) sum_i (X_ij - mean_j)^2)  (ddof = 0,
    as scikit-learn's StandardScaler). A constant feature (scale 0, e.g. an always-black
    MNIST border pixel) gets scale 1, so it maps to 0 instead of dividing by zero.
    """
    mean = X_train.mean(axis=0)
    scale = X_train.std(axis=0)
    scale[scale == 0.0] = 1.0
    return mean, scale


def require(module: str, loader: str, install: str) -> ModuleType:
    """Import an optional package or raise ImportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{loader} needs {module.split('.')[0]}: {install}") from exc
