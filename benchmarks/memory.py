"""Peak memory of one nnlib training step vs the memory the step must hold.

Measured with tracemalloc (numpy reports its array buffers to it). Parameters and their
gradients exist before the step and are not part of the peak; what a step allocates is
its activations, its gradients w.r.t. activations and any temporaries.
"""
from __future__ import annotations

import tracemalloc
from typing import Callable, Sequence

import numpy as np
from numpy.typing import DTypeLike

from .train_step import SIZES


def needed_bytes(batch_size: int, sizes: Sequence[int] = SIZES, dtype: DTypeLike = np.float64) -> int:
    """Bytes a step cannot avoid holding at its peak (start of the backward pass).

    Activations kept for the backward pass: for every hidden layer of width h its
    pre-activation Z (for the ReLU mask; a boolean mask would do) and activation A, each
    B x h, plus the logits/softmax B x n_out; plus the largest pair of gradients alive at
    once during backward (dZ_l and dA_{l-1}, B x (n_out_l + n_in_l), for every layer but
    the first, whose input needs no gradient). The input batch itself is not counted.
    """
    hidden = sizes[1:-1]
    activations = batch_size * (2 * sum(hidden) + sizes[-1])
    pairs = list(zip(sizes[:-1], sizes[1:]))[1:]
    transient = max((batch_size * (a + b) for a, b in pairs), default=batch_size * sizes[-1])
    return np.dtype(dtype).itemsize * (activations + transient)


def step_peak_bytes(step: Callable[[], object]) -> int:
    """Peak bytes allocated during one call of `step` above what was allocated before it.

    `step` is called once untraced first, so caches from a previous step already exist
    (as in training: each step replaces the previous step's cached arrays).
    """
    step()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base
