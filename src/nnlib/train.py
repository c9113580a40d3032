"""A minibatch SGD training loop with a tqdm progress bar."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from ._validate import as_float_array, as_rng
from .module import Module
from .optim import SGD, minibatches

__all__ = ["History", "train"]


@dataclass
class History:
    """Losses recorded by `train`.

    Attributes
    ----------
    losses : ndarray (n_steps,)
        Loss of each minibatch, before that step's update.
    epoch_losses : ndarray (epochs,)
        Mean of the step losses of each epoch, weighted by batch size.
    """

    losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epoch_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.losses, dtype=dtype)

    def __len__(self) -> int:
        return len(self.losses)

    def __getitem__(self, i):
        return self.losses[i]

    def __iter__(self):
        return iter(self.losses)


def train(
    net: Module,
    loss: Any,
    X: np.ndarray,
    Y: np.ndarray,
    epochs: int = 10,
    batch_size: int = 32,
    lr: float = 0.1,
    rng: Any = None,
    progress: bool = True,
    optimizer: Any = None,
) -> History:
    """Train `net` by minibatch SGD; return the loss history.

    Each epoch draws a fresh random partition of the samples (`minibatches`); for each
    batch: zero_grad, Y_hat = net(X_b), L = loss(Y_hat, Y_b), net.backward(loss.backward()),
    optimizer.step(). Same `rng` seed and same initial weights -> same history.

    Parameters
    ----------
    X : (n_samples, n_in) float; Y : targets indexed by sample along axis 0.
    optimizer : object with step()/zero_grad(); defaults to ``SGD(net.parameters(), lr)``.
    progress : show a tqdm bar over epochs (False turns it off).
    """
    X = as_float_array(X, "X", ndim=2)
    Y = np.asarray(Y)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"X and Y must have the same number of samples, got {X.shape[0]} and {Y.shape[0]}")
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    gen = as_rng(rng)
    opt = optimizer if optimizer is not None else SGD(net.parameters(), lr=lr)
    n = X.shape[0]
    backward_kwargs = {"input_grad": False} if getattr(net, "accepts_input_grad", False) else {}
    step_losses: list[float] = []
    epoch_losses = np.empty(epochs)
    bar = tqdm(range(epochs), desc="train", unit="epoch", disable=not progress, leave=True)
    for epoch in bar:
        total = 0.0
        for idx in minibatches(n, batch_size, gen):
            opt.zero_grad()
            value = loss.forward(net.forward(X[idx]), Y[idx])
            net.backward(loss.backward(), **backward_kwargs)  # dL/dX itself is not needed
            opt.step()
            step_losses.append(value)
            total += value * len(idx)
        epoch_losses[epoch] = total / n
        bar.set_postfix(loss=f"{epoch_losses[epoch]:.4g}")
    bar.close()
    return History(np.asarray(step_losses), epoch_losses)
