"""California Housing (the mfnet report's regression set), shipped as package data.

Source: the StatLib file ``cal_housing.data`` (Pace & Barry, "Sparse Spatial
Autoregressions", Statistics & Probability Letters 33 (1997) 291-297), one row per
block group of the 1990 U.S. census, in scikit-learn's layout (identical to what
``sklearn.datasets.fetch_california_housing`` returns). 20,640 samples, 8 features:

==========  =====================================================
MedInc      median income in the block group (units of $10,000)
HouseAge    median house age (years)
AveRooms    average number of rooms per household
AveBedrms   average number of bedrooms per household
Population  block group population (people)
AveOccup    average number of household members
Latitude    degrees north
Longitude   degrees east (negative: west)
==========  =====================================================

Target: median house value in units of $100,000 (capped at 5.00001 in the census data).
"""
from __future__ import annotations

from importlib import resources

import numpy as np

from ._split import Dataset, fit_standardizer, split_indices

__all__ = ["load_california_housing"]

SOURCE = (
    "California Housing: StatLib cal_housing.data (Pace & Barry 1997) in scikit-learn's layout; "
    "target = median house value in units of $100,000"
)


def _raw() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The shipped arrays: data (20640, 8) float64, target (20640,) float64, feature names."""
    path = resources.files("nnlib.datasets.data") / "california_housing.npz"
    with resources.as_file(path) as file, np.load(file, allow_pickle=False) as npz:
        return npz["data"].astype(np.float64), npz["target"].astype(np.float64), tuple(str(s) for s in npz["feature_names"])


def load_california_housing(test_size: float = 0.2, seed: int = 0, standardize: bool = True) -> Dataset:
    """California Housing as a seeded train/test split (offline; no download).

    Parameters
    ----------
    test_size : float in (0, 1)
        Fraction of the 20,640 samples held out: ``round(test_size * 20640)`` test samples
        (4,128 for the default 0.2), chosen by ``numpy.random.default_rng(seed).permutation``.
    seed : int
        Seed of the split; the same seed always gives the same split.
    standardize : bool
        If true, every feature is standardized with the training part's mean and standard
        deviation (ddof = 0): ``X = (X_raw - mean) / scale`` for train and test alike.
        The target is left in units of $100,000.

    Returns
    -------
    Dataset
        ``X_train`` (n_train, 8), ``y_train`` (n_train, 1), ``X_test`` (n_test, 8),
        ``y_test`` (n_test, 1), all float64, ready for ``MSELoss``; ``feature_names``;
        ``mean``/``scale`` (8,) or None. See the module docstring for sources and units.
    """
    X, y, names = _raw()
    train, test = split_indices(len(X), test_size, seed)
    X_train, X_test = X[train], X[test]
    mean = scale = None
    if standardize:
        mean, scale = fit_standardizer(X_train)
        X_train = (X_train - mean) / scale
        X_test = (X_test - mean) / scale
    return Dataset(X_train, y[train, None], X_test, y[test, None], names, mean, scale, SOURCE, train, test)
