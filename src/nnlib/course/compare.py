"""nnlib next to PyTorch: the same MLP, the same initial weights, the same mini-batches.

Used by lesson 11 (``solutions/11_nnlib_vs_pytorch.ipynb``), by the side-by-side tests
and by the benchmarks. PyTorch is optional: it is imported only inside the functions that
need it, and a missing install raises ImportError naming the extra to install.

How the two runs are made identical
-----------------------------------
* Weights: :func:`torch_mirror` copies every ``Linear`` weight (out, in) and bias (out,)
  of an nnlib ``Sequential`` into a ``torch.nn.Sequential`` of the same dtype (float64 or
  float32); both libraries use the same layout, so no transposes are needed.
* Batch order: :func:`batch_order` replays what ``nnlib.train`` draws - one Generator
  seeded once, then ``nnlib.minibatches(n, batch_size, gen)`` for every epoch - and
  the torch loop is fed exactly those index arrays.
* Update: plain SGD ``p <- p - lr * dL/dp`` with the losses ``MSELoss`` <-> ``torch.nn.MSELoss``,
  ``SoftmaxCrossEntropyLoss`` <-> ``torch.nn.CrossEntropyLoss``, ``HingeLoss`` <->
  ``torch.nn.MultiMarginLoss`` and ``SumSquaredLoss`` <-> half of ``mse_loss(reduction="sum")``.
* Activations: ReLU, Sigmoid, Tanh, Identity, LeakyReLU (same slope), ELU (same alpha) and
  Softplus. PyTorch's Softplus returns z itself for z > 20, where ln(1 + e^z) - z < 2.1e-9,
  so a network whose pre-activations exceed 20 agrees only to about that.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .. import (
    ELU,
    HingeLoss,
    Identity,
    LeakyReLU,
    Linear,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    SoftmaxCrossEntropyLoss,
    Softplus,
    SumSquaredLoss,
    Tanh,
    minibatches,
    train,
    zero_one_error,
)
from .._validate import as_rng

__all__ = ["make_mlp", "net_dtype", "import_torch", "torch_dtype", "torch_mirror", "batch_order", "train_torch", "SideBySide", "side_by_side"]


def make_mlp(sizes: Sequence[int], activation: type = ReLU, rng: Any = 0, dtype: Any = np.float64) -> Sequential:
    """``Linear(sizes[0], sizes[1]), activation(), ..., Linear(sizes[-2], sizes[-1])``.

    No activation after the last layer (the losses take raw outputs / logits). The
    number of parameters is sum_l (sizes[l] + 1) * sizes[l + 1]. The same `rng` seed
    gives the same initial weights in float64 and (rounded) in float32.
    """
    if len(sizes) < 2:
        raise ValueError(f"an MLP needs at least an input and an output size, got sizes={list(sizes)}")
    gen = as_rng(rng)
    layers: list = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(activation())
        layers.append(Linear(n_in, n_out, rng=gen, dtype=dtype))
    return Sequential(*layers)


def import_torch() -> Any:
    """The torch module, or ImportError saying how to install the optional oracle."""
    try:
        import torch
    except ImportError as exc:
        raise ImportError("comparing with PyTorch needs torch: pip install nnlib[oracle]") from exc
    return torch


def _torch_activation(nn: Any, layer: Any) -> Any:
    table = {
        ReLU: nn.ReLU, Sigmoid: nn.Sigmoid, Tanh: nn.Tanh, Identity: nn.Identity, Softplus: nn.Softplus,
        LeakyReLU: lambda: nn.LeakyReLU(layer.negative_slope), ELU: lambda: nn.ELU(layer.alpha),
    }
    if type(layer) not in table:
        names = "Linear, " + ", ".join(cls.__name__ for cls in table)
        raise TypeError(f"torch_mirror supports {names} layers, got {layer!r}")
    return table[type(layer)]()


def net_dtype(net: Sequential) -> np.dtype:
    """The dtype of `net`'s parameters (float64 for a network without any)."""
    params = net.parameters()
    return params[0].dtype if params else np.dtype(np.float64)


def torch_dtype(dtype: Any) -> Any:
    """The torch dtype of a numpy dtype (``np.float32`` -> ``torch.float32``)."""
    return getattr(import_torch(), np.dtype(dtype).name)


def torch_mirror(net: Sequential) -> Any:
    """A ``torch.nn.Sequential`` with a copy of every weight and bias of `net`, in `net`'s dtype."""
    torch = import_torch()
    dtype = torch_dtype(net_dtype(net))
    modules = []
    for layer in net:
        if isinstance(layer, Linear):
            if layer.absorb_bias:
                raise TypeError("torch_mirror needs Linear layers with an explicit bias (absorb_bias=False)")
            t = torch.nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None, dtype=dtype)
            with torch.no_grad():
                t.weight.copy_(torch.from_numpy(layer.weight.data))
                if layer.bias is not None:
                    t.bias.copy_(torch.from_numpy(layer.bias.data))
            modules.append(t)
        else:
            modules.append(_torch_activation(torch.nn, layer))
    return torch.nn.Sequential(*modules)


def batch_order(n: int, batch_size: int, epochs: int, rng: Any) -> list[np.ndarray]:
    """The index arrays ``nnlib.train(..., epochs, batch_size, rng=rng)`` uses, in order."""
    gen = as_rng(rng)
    return [idx for _ in range(epochs) for idx in minibatches(n, batch_size, gen)]


def _torch_loss(loss: Any) -> Any:
    torch = import_torch()
    table = {
        MSELoss: torch.nn.MSELoss,
        SoftmaxCrossEntropyLoss: torch.nn.CrossEntropyLoss,
        HingeLoss: lambda: torch.nn.MultiMarginLoss(margin=loss.margin),
        SumSquaredLoss: lambda: lambda a, b: 0.5 * torch.nn.functional.mse_loss(a, b, reduction="sum"),
    }
    if type(loss) not in table:
        names = ", ".join(cls.__name__ for cls in table)
        raise TypeError(f"no PyTorch counterpart registered for {loss!r}; use {names}")
    return table[type(loss)]()


def train_torch(model: Any, loss: Any, X: np.ndarray, Y: np.ndarray, batches: list[np.ndarray], lr: float) -> np.ndarray:
    """Plain SGD on `model` over the given `batches`; the loss of each step (before its update).

    `loss` is the nnlib loss object whose torch counterpart is used; `Y` holds (n, k)
    float targets for MSE or (n,) class indices for cross-entropy. Inputs and float
    targets are cast to the model's dtype, as :func:`side_by_side` does for nnlib.
    """
    torch = import_torch()
    criterion = _torch_loss(loss)
    dtype = next(model.parameters()).detach().numpy().dtype
    X_t = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
    Y = np.asarray(Y)
    Y_t = torch.from_numpy(np.ascontiguousarray(Y, dtype=dtype if Y.dtype.kind == "f" else None))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = np.empty(len(batches))
    for step, idx in enumerate(batches):
        i = torch.from_numpy(idx)
        opt.zero_grad()
        value = criterion(model(X_t[i]), Y_t[i])
        value.backward()
        opt.step()
        losses[step] = value.item()
    return losses


@dataclass
class SideBySide:
    """Result of :func:`side_by_side`: the two loss histories, test metrics and both nets."""

    nnlib_losses: np.ndarray
    torch_losses: np.ndarray
    nnlib_test: float
    torch_test: float
    metric: str
    net: Sequential
    model: Any

    @property
    def max_abs_diff(self) -> float:
        """max over steps of |loss_nnlib - loss_torch|."""
        return float(np.max(np.abs(self.nnlib_losses - self.torch_losses)))

    @property
    def max_weight_diff(self) -> float:
        """max |W_nnlib - W_torch| over all parameters after training."""
        pairs = zip(self.net.parameters(), self.model.parameters())
        return float(max(np.max(np.abs(p.data - t.detach().numpy())) for p, t in pairs))


def _test_metric(loss: Any, Y_hat: np.ndarray, Y: np.ndarray) -> tuple[float, str]:
    if isinstance(loss, (SoftmaxCrossEntropyLoss, HingeLoss)):
        return 1.0 - zero_one_error(Y_hat, Y), "accuracy"
    return MSELoss().forward(Y_hat, Y), "MSE"


def side_by_side(
    net: Sequential,
    loss: Any,
    data: Any,
    epochs: int = 1,
    batch_size: int = 64,
    lr: float = 0.05,
    seed: int = 0,
) -> SideBySide:
    """Train `net` with ``nnlib.train`` and its torch mirror on the same batches; compare.

    `data` has ``X_train, y_train, X_test, y_test`` (an ``nnlib.datasets.Dataset``).
    The torch mirror is built before nnlib trains, so both start from the same weights.
    The inputs are cast to the network's dtype (float64 or float32) once, for both.
    The test metric is the MSE (regression losses) or the accuracy (classification losses).
    """
    torch = import_torch()
    model = torch_mirror(net)
    dtype = net_dtype(net)
    X_train, X_test = (np.ascontiguousarray(X, dtype=dtype) for X in (data.X_train, data.X_test))
    batches = batch_order(len(X_train), batch_size, epochs, seed)
    history = train(net, loss, X_train, data.y_train, epochs, batch_size, lr, rng=seed, progress=False)
    torch_losses = train_torch(model, loss, X_train, data.y_train, batches, lr)
    nnlib_test, metric = _test_metric(loss, net.forward(X_test), data.y_test)
    with torch.no_grad():
        torch_out = model(torch.from_numpy(X_test)).numpy()
    torch_test, _ = _test_metric(loss, torch_out, data.y_test)
    return SideBySide(np.asarray(history.losses), torch_losses, nnlib_test, torch_test, metric, net, model)
