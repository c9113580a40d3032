"""Where an nnlib training step spends its time: the step's parts timed one by one.

Every part runs on the arrays of a real step (batch `B`, the benchmark MLP), so the
parts add up to roughly the step. Used to find hot-path overhead beyond the GEMMs.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from nnlib import SGD, SoftmaxCrossEntropyLoss
from nnlib._validate import check_finite
from nnlib.course.compare import make_mlp

from .train_step import SIZES, batch, gemm_step, nnlib_step


def parts(batch_size: int = 1024) -> dict[str, Callable[[], object]]:
    """Closures for each part of one step of the 784-256-128-10 MLP, plus the whole step."""
    net = make_mlp(SIZES, rng=0)
    loss, opt = SoftmaxCrossEntropyLoss(), SGD(net.parameters(), lr=0.01)
    X, y = batch(batch_size)
    acts = [X]
    for layer in net:
        acts.append(layer.forward(acts[-1]))
    loss.forward(acts[-1], y)
    douts = [np.ones_like(a) / a.size for a in acts]
    linears = [(i, layer) for i, layer in enumerate(net) if hasattr(layer, "weight")]
    relus = [(i, layer) for i, layer in enumerate(net) if not hasattr(layer, "weight")]

    buffers = [np.empty_like(layer.weight.data) for _, layer in linears]

    def dW_accumulate() -> None:  # what Linear.backward does: buffer = dout^T X; grad += buffer
        for (i, layer), buf in zip(linears, buffers):
            np.matmul(douts[i + 1].T, acts[i], out=buf)
            layer.weight.grad += buf

    return {
        "whole step": nnlib_step(batch_size),
        "GEMM bound (8 products, alone)": gemm_step(batch_size),
        "  of which dW += dout^T X (3)": dW_accumulate,
        "finite check of the input batch": lambda: check_finite(X),
        "ReLU forward (2)": lambda: [layer.forward(acts[i]) for i, layer in relus],
        "ReLU backward (2)": lambda: [layer.backward(douts[i + 1]) for i, layer in relus],
        "softmax CE forward+backward": lambda: (loss.forward(acts[-1], y), loss.backward()),
        "bias grads (3 sums)": lambda: [douts[i + 1].sum(axis=0) for i, _ in linears],
        "SGD update": opt.step,
        "zero_grad": opt.zero_grad,
    }
