"""Parameters, the Module base class and Sequential.

A ``Module`` maps a batch ``X`` of shape (n_samples, n_in) to (n_samples, n_out) in
``forward`` and, in ``backward(dout)``, receives dL/d(output) and returns dL/dX while
*adding* dL/dp to ``p.grad`` for each of its parameters (as PyTorch accumulates;
``zero_grad`` resets).
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ._validate import as_float_array, float_dtype

__all__ = ["Parameter", "Module", "Sequential"]


class Parameter:
    """A trainable array ``data`` and its gradient ``grad`` (same shape and dtype).

    ``dtype`` is float64 (the default: what gradient checks and the course use) or
    float32 (half the memory and faster matrix products, about 7 significant digits).
    Assigning ``p.data = array`` replaces the values (cast to the parameter's dtype); the
    shape must stay the same.
    """

    __slots__ = ("_data", "grad", "name")

    def __init__(self, data: np.ndarray, name: str = "", dtype: Any = np.float64) -> None:
        self._data = np.array(data, dtype=float_dtype(dtype))  # always an own copy
        self.grad = np.zeros_like(self._data)
        self.name = name

    @property
    def data(self) -> np.ndarray:
        return self._data

    @data.setter
    def data(self, value: np.ndarray) -> None:
        value = as_float_array(value, f"Parameter {self.name!r} data")
        if value.shape != self._data.shape:
            raise ValueError(f"Parameter {self.name!r} has shape {self._data.shape}, got data of shape {value.shape}")
        self._data[...] = value

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def zero_grad(self) -> None:
        """Set ``grad`` to zeros in place."""
        self.grad.fill(0.0)

    def __repr__(self) -> str:
        extra = "" if self._data.dtype == np.float64 else f", dtype={self._data.dtype}"
        return f"Parameter(name={self.name!r}, shape={self._data.shape}{extra})"


class Module:
    """Base class: ``forward``/``backward`` pair, parameter discovery, ``zero_grad``.

    Parameters and submodules are found among the instance attributes (in assignment
    order), and inside lists/tuples of modules.

    Modules whose ``backward`` takes ``input_grad=False`` (skip computing dL/dX, return
    None; parameter gradients are still accumulated) set ``accepts_input_grad = True``.
    """

    accepts_input_grad: bool = False
    #: True if ``forward`` takes ``check_finite=False`` (skip the NaN/inf check of its input).
    accepts_check_finite: bool = False

    def forward(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted_name, Parameter)`` pairs, depth first, each parameter once."""
        seen: set[int] = set()
        for name, p in self._named_parameters(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _named_parameters(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for key, value in vars(self).items():
            items = enumerate(value) if isinstance(value, (list, tuple)) else [(None, value)]
            for i, v in items:
                name = prefix + key + ("" if i is None else f".{i}")
                if isinstance(v, Parameter):
                    yield name, v
                elif isinstance(v, Module):
                    yield from v._named_parameters(name + ".")

    def parameters(self) -> list[Parameter]:
        """All trainable parameters as a list."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter to zero."""
        for p in self.parameters():
            p.zero_grad()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sequential(Module):
    """Apply modules in order; backward runs them in reverse.

    forward:  A_0 = X,  A_l = layer_l(A_{l-1}),  returns A_L
    backward: dA_L = dout,  dA_{l-1} = layer_l.backward(dA_l),  returns dA_0 = dL/dX
    """

    def __init__(self, *layers: Module) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential layer {i} must be a Module, got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Apply the layers in order.

        Only the network input is checked for NaN/inf (by the first layer). Internal
        activations are not re-checked: they are finite unless something overflowed, and
        the loss rejects a non-finite network output with a clear message.
        """
        for i, layer in enumerate(self.layers):
            if i and layer.accepts_check_finite:
                X = layer.forward(X, check_finite=False)
            else:
                X = layer.forward(X)
        return X

    accepts_input_grad = True

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate `dout` through all layers; return dL/dX, or None if ``input_grad=False``.

        ``input_grad=False`` lets the first layer skip its input gradient (for a first
        Linear layer the product dout @ W, a third of its backward cost); ``train`` uses it.
        """
        layers = self.layers
        for layer in layers[:0:-1]:
            dout = layer.backward(dout)
        if not layers:
            return dout if input_grad else None
        first = layers[0]
        if input_grad:
            return first.backward(dout)
        if first.accepts_input_grad:
            first.backward(dout, input_grad=False)
        else:
            first.backward(dout)
        return None

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential(\n{inner}\n)"
