"""One SGD training step (forward + backward + update) of an MLP: nnlib, PyTorch, GEMMs alone.

The network is ``Linear(784, 256) ReLU Linear(256, 128) ReLU Linear(128, 10)`` with
softmax cross-entropy (MNIST-sized), trained by plain SGD on a fixed random batch, in
float64 or float32 (``dtype``; the same initial weights, rounded, and the same batch).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import DTypeLike

from nnlib import SGD, SoftmaxCrossEntropyLoss
from nnlib.course.compare import make_mlp, torch_dtype, torch_mirror

SIZES = (784, 256, 128, 10)


DTYPES = ("float64", "float32")


def batch(
    batch_size: int, sizes: Sequence[int] = SIZES, seed: int = 0, dtype: DTypeLike = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """A random input batch (batch_size, sizes[0]) of `dtype` and class indices (batch_size,)."""
    rng = np.random.default_rng(seed)
    return rng.random((batch_size, sizes[0])).astype(dtype), rng.integers(0, sizes[-1], batch_size)


def nnlib_step(
    batch_size: int, sizes: Sequence[int] = SIZES, lr: float = 0.01, dtype: DTypeLike = np.float64
) -> Callable[[], float]:
    """A closure doing one nnlib step: zero_grad, forward, loss, backward, SGD update.

    The backward pass skips the input gradient exactly when ``nnlib.train`` would.
    """
    net = make_mlp(sizes, rng=0, dtype=dtype)
    loss, opt = SoftmaxCrossEntropyLoss(), SGD(net.parameters(), lr=lr)
    X, y = batch(batch_size, sizes, dtype=dtype)

    backward = partial(net.backward, input_grad=False)  # as nnlib.train does: dL/dX is not needed

    def step() -> float:
        opt.zero_grad()
        value = loss.forward(net.forward(X), y)
        backward(loss.backward())
        opt.step()
        return value

    return step


def torch_step(
    batch_size: int, sizes: Sequence[int] = SIZES, lr: float = 0.01, dtype: DTypeLike = np.float64
) -> Callable[[], float]:
    """The same step in PyTorch (the same dtype, initial weights and batch; torch.optim.SGD)."""
    import torch

    model = torch_mirror(make_mlp(sizes, rng=0, dtype=dtype))
    criterion, opt = torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr)
    X, y = (torch.from_numpy(a) for a in batch(batch_size, sizes, dtype=dtype))

    def step() -> float:
        opt.zero_grad()
        value = criterion(model(X), y)
        value.backward()
        opt.step()
        return value.item()

    return step


def gemm_count(batch_size: int, sizes: Sequence[int] = SIZES, input_grad: bool = False) -> int:
    """Floating-point operations of the step's matrix products.

    Each layer l (n_in -> n_out) needs Z = A W^T and dW = dZ^T A, 2 B n_in n_out flops each,
    and dA = dZ W for every layer but the first (the input needs no gradient) unless
    `input_grad`. Elementwise work (ReLU, softmax, update) is O(B n) and not counted.
    """
    pairs = list(zip(sizes[:-1], sizes[1:]))
    flops = sum(3 * 2 * batch_size * a * b for a, b in pairs)
    if not input_grad:
        flops -= 2 * batch_size * pairs[0][0] * pairs[0][1]
    return flops


def gemm_step(
    batch_size: int, sizes: Sequence[int] = SIZES, input_grad: bool = False, dtype: DTypeLike = np.float64
) -> Callable[[], None]:
    """The step's matrix products alone, into preallocated outputs (the GEMM bound).

    Per layer: ``Z = A @ W.T``, ``dW = dZ.T @ A``, ``dA = dZ @ W`` (dA skipped for the
    first layer unless `input_grad`; nnlib's Sequential computes it, PyTorch does not).
    """
    rng = np.random.default_rng(1)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    A = [rng.random((batch_size, n)).astype(dtype) for n in sizes]
    dZ = [rng.random((batch_size, n)).astype(dtype) for n in sizes[1:]]
    W = [rng.random((b, a)).astype(dtype) for a, b in pairs]
    dW = [np.empty_like(w) for w in W]
    Z = [np.empty((batch_size, b), dtype) for _, b in pairs]
    dA = [np.empty((batch_size, a), dtype) for a, _ in pairs]
    first = 0 if input_grad else 1

    def step() -> None:
        for l in range(len(pairs)):
            np.matmul(A[l], W[l].T, out=Z[l])
        for l in reversed(range(len(pairs))):
            np.matmul(dZ[l].T, A[l], out=dW[l])
            if l >= first:
                np.matmul(dZ[l], W[l], out=dA[l])

    return step


def torch_gemm_step(batch_size: int, sizes: Sequence[int] = SIZES, dtype: DTypeLike = np.float64) -> Callable[[], None]:
    """:func:`gemm_step` (no input gradient) with torch.matmul: PyTorch's BLAS on the same products.

    Comparing it with :func:`gemm_step` separates the BLAS libraries (numpy's OpenBLAS vs
    torch's MKL) from nnlib's own overhead.
    """
    import torch

    tdtype = torch_dtype(dtype)
    g = torch.Generator().manual_seed(1)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    A = [torch.rand(batch_size, n, generator=g, dtype=tdtype) for n in sizes]
    dZ = [torch.rand(batch_size, n, generator=g, dtype=tdtype) for n in sizes[1:]]
    W = [torch.rand(b, a, generator=g, dtype=tdtype) for a, b in pairs]
    dW = [torch.empty_like(w) for w in W]
    Z = [torch.empty(batch_size, b, dtype=tdtype) for _, b in pairs]
    dA = [torch.empty(batch_size, a, dtype=tdtype) for a, _ in pairs]

    def step() -> None:
        for l in range(len(pairs)):
            torch.matmul(A[l], W[l].T, out=Z[l])
        for l in reversed(range(len(pairs))):
            torch.matmul(dZ[l].T, A[l], out=dW[l])
            if l >= 1:
                torch.matmul(dZ[l], W[l], out=dA[l])

    return step


def set_threads(n: int) -> Any:
    """Limit numpy's BLAS (threadpoolctl, if installed) and torch to `n` threads.

    Returns the threadpoolctl limiter (keep it; call ``.restore_original_limits()``) or None.
    """
    limiter = None
    try:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=n, user_api="blas")
    except ImportError:
        pass
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass
    return limiter
