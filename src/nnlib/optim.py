"""Stochastic gradient descent and the minibatch partition of the notes."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import numpy as np

from ._validate import as_rng
from .module import Parameter

__all__ = ["SGD", "minibatches"]


class SGD:
    """Plain gradient descent on a list of Parameters: ``p.data <- p.data - lr * p.grad`` (in place).

    (The notes write the learning rate as eta.)
    """

    def __init__(self, params: Iterable[Parameter], lr: float = 0.01) -> None:
        self.params = list(params)
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise TypeError(f"SGD params[{i}] must be a Parameter, got {type(p).__name__}")
        if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive finite number, got {lr!r}")
        self.lr = float(lr)
        self._bufs: list[np.ndarray] | None = None

    def step(self) -> None:
        """One update of every parameter with its current gradient."""
        lr = self.lr
        for p, buf in zip(self.params, self._buffers()):
            np.multiply(p.grad, lr, out=buf)  # lr * grad without a new temporary each step
            np.subtract(p.data, buf, out=p.data)

    def _buffers(self) -> list[np.ndarray]:
        """One scratch array per parameter (allocated once, reallocated if a shape changed)."""
        bufs = self._bufs
        if bufs is None or any(b.shape != p.grad.shape or b.dtype != p.grad.dtype for b, p in zip(bufs, self.params)):
            bufs = self._bufs = [np.empty_like(p.grad) for p in self.params]
        return bufs

    def zero_grad(self) -> None:
        """Reset all gradients to zero."""
        for p in self.params:
            p.zero_grad()

    def __repr__(self) -> str:
        return f"SGD(n_params={len(self.params)}, lr={self.lr:g})"


def minibatches(n: int, batch_size: int, rng: Any = None) -> Iterator[np.ndarray]:
    """Yield index arrays forming a fresh random partition of range(n).

    The notes' algorithm: shuffle the sample indices (a random permutation), then cut it
    into consecutive blocks of `batch_size`; the last block holds the remaining
    n mod batch_size samples when that is nonzero. `rng` is a Generator, int seed or None.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    perm = as_rng(rng).permutation(n)
    for start in range(0, n, batch_size):
        yield perm[start : start + batch_size]
