"""The benchmarks compare like with like: nnlib's and PyTorch's timed steps do the same training.

Nothing here is timed (targets live in benchmarks/, see benchmarks/README.md). These tests
guard the closures the benchmark times: the same network, weights, batch, dtype and update
in both libraries, and a FLOP count that matches the products actually computed.
"""
import numpy as np
import pytest

from benchmarks import memory, train_step
from nnlib import SoftmaxCrossEntropyLoss
from nnlib.course.compare import make_mlp
from nnlib.course.rounding import worst_case_bound

SMALL = (20, 12, 7, 4)  # the benchmark's 3-layer shape, small enough for a unit test


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_nnlib_and_torch_steps_train_identically(torch, dtype):
    # The bound is the guaranteed one of nnlib.course.rounding.worst_case_bound: any two runs of the
    # same 5 steps that differ only in summation order and FMA use stay within it, on any machine.
    ours = train_step.nnlib_step(16, SMALL, lr=0.5, dtype=dtype)
    theirs = train_step.torch_step(16, SMALL, lr=0.5, dtype=dtype)
    a = np.array([ours() for _ in range(5)])
    b = np.array([theirs() for _ in range(5)])
    X, y = train_step.batch(16, SMALL, dtype=dtype)
    bound = worst_case_bound(make_mlp(SMALL, rng=0, dtype=dtype), SoftmaxCrossEntropyLoss(), X, y,
                             [np.arange(16)] * 5, lr=0.5).loss_gap
    assert np.all(np.isfinite(bound)) and np.all(np.abs(a - b) <= bound), (
        f"{dtype}: |loss gap| per step {np.abs(a - b)} exceeds the guaranteed bound {bound}")
    assert a[-1] < a[0]  # the step updates the weights, so the losses change


def test_batch_has_the_requested_dtype():
    X, y = train_step.batch(8, SMALL, dtype="float32")
    assert X.dtype == np.float32 and X.shape == (8, 20) and y.shape == (8,) and y.max() < 4


def test_gemm_count_matches_the_products_of_gemm_step(monkeypatch):
    # count 2*m*n*k for every np.matmul the GEMM-bound closure performs
    flops = []
    real = np.matmul

    def counting(a, b, out=None):
        flops.append(2 * a.shape[0] * a.shape[1] * b.shape[1])
        return real(a, b, out=out)

    for input_grad in (False, True):
        step = train_step.gemm_step(5, SMALL, input_grad=input_grad, dtype="float32")
        flops.clear()
        monkeypatch.setattr(np, "matmul", counting)
        step()
        monkeypatch.setattr(np, "matmul", real)
        assert sum(flops) == train_step.gemm_count(5, SMALL, input_grad=input_grad)
        assert len(flops) == (9 if input_grad else 8)


def test_needed_bytes_scale_with_the_dtype():
    assert memory.needed_bytes(64, SMALL, "float64") == 2 * memory.needed_bytes(64, SMALL, "float32")
    # hand count for SMALL, batch 64: activations 64*(2*(12+7) + 4) = 2688 numbers, largest
    # gradient pair after layer 1: max(64*(12+7), 64*(7+4)) = 1216 numbers -> 3904 * 8 bytes
    assert memory.needed_bytes(64, SMALL, "float64") == 3904 * 8
