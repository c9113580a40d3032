"""nnlib.course.rounding: the worst-case and the statistical bounds on the gap between correct runs."""
import numpy as np
import pytest

import nnlib
from nnlib.course.compare import batch_order, make_mlp
from nnlib.course.rounding import (
    ReorderingSpread,
    gamma,
    permuted_mlp,
    reordering_spread,
    spread_bound,
    unit_roundoff,
    unpermuted_parameters,
    worst_case_bound,
)


def _data(n=96, d=12, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, classes, n)


def test_unit_roundoff_and_gamma():
    assert unit_roundoff(np.float32) == 2.0**-24 and unit_roundoff(np.float64) == 2.0**-53
    u = 2.0**-24
    assert gamma(10, u) == 10 * u / (1 - 10 * u)
    with pytest.raises(ValueError, match="gamma_16777216 is undefined"):
        gamma(2**24, u)


def test_permuted_copy_is_the_same_network_in_another_order():
    net = make_mlp([12, 9, 7, 4], rng=1)
    copy, orders = permuted_mlp(net, 5)
    for a, b in zip(net.parameters(), unpermuted_parameters(copy, orders)):
        np.testing.assert_array_equal(a.data, b)  # a permutation moves numbers, it rounds none
    assert any(not np.array_equal(a.data, b.data) for a, b in zip(net.parameters(), copy.parameters()))
    assert np.array_equal(orders[-1], np.arange(4))  # the classes keep their order


def test_a_reordered_run_stays_within_the_worst_case_bound():
    # float32, 4 steps: the guaranteed bound must hold for any summation order
    X, y = _data()
    batches = batch_order(len(X), 32, 2, rng=0)[:4]
    bound = worst_case_bound(make_mlp([12, 9, 7, 4], rng=1, dtype=np.float32), nnlib.SoftmaxCrossEntropyLoss(),
                             X, y, batches, lr=0.3).loss_gap
    spread = reordering_spread(make_mlp([12, 9, 7, 4], rng=1, dtype=np.float32), nnlib.SoftmaxCrossEntropyLoss(),
                               X, y, runs=6, epochs=2, batch_size=32, lr=0.3, rng=0)
    gaps = spread.gaps[:, :4].max(axis=0)
    assert np.all(np.isfinite(bound)) and np.all(gaps <= bound), f"gaps {gaps} exceed the guaranteed bound {bound}"


def test_the_worst_case_bound_catches_a_different_step_size():
    # the bound can fail: a run with lr 0.31 instead of 0.3 is no rounding variant of the lr 0.3 run
    X, y = _data()
    batches = batch_order(len(X), 32, 1, rng=0)[:3]
    net = make_mlp([12, 9, 7, 4], rng=1)
    bound = worst_case_bound(net, nnlib.SoftmaxCrossEntropyLoss(), X, y, batches, lr=0.3).loss_gap
    a = nnlib.train(make_mlp([12, 9, 7, 4], rng=1), nnlib.SoftmaxCrossEntropyLoss(), X, y, 1, 32, 0.3, rng=0, progress=False)
    b = nnlib.train(make_mlp([12, 9, 7, 4], rng=1), nnlib.SoftmaxCrossEntropyLoss(), X, y, 1, 32, 0.31, rng=0, progress=False)
    assert np.abs(a.losses[1] - b.losses[1]) > bound[1]


def test_worst_case_bound_mse_and_its_growth():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(64, 5)), rng.normal(size=(64, 2))
    result = worst_case_bound(make_mlp([5, 8, 2], rng=0), nnlib.MSELoss(), X, Y, batch_order(64, 16, 1, rng=0), lr=0.1)
    assert result.loss_gap.shape == (4,) and np.all(np.diff(result.loss_gap) > 0)  # errors accumulate
    assert 0 < result.loss_gap[0] < 1e-12 and result.weight_gap > 0  # float64: tiny, never zero


def test_worst_case_bound_rejects_what_it_does_not_model():
    X, y = _data()
    with pytest.raises(TypeError, match="supports SoftmaxCrossEntropyLoss and MSELoss"):
        worst_case_bound(make_mlp([12, 4]), nnlib.HingeLoss(), X, y, [np.arange(8)], 0.1)
    with pytest.raises(TypeError, match="supports Linear and ReLU layers, got Tanh"):
        worst_case_bound(make_mlp([12, 5, 4], activation=nnlib.Tanh), nnlib.SoftmaxCrossEntropyLoss(), X, y,
                         [np.arange(8)], 0.1)


def test_reordering_spread_run_0_is_plain_nnlib_train():
    X, y = _data()
    spread = reordering_spread(make_mlp([12, 9, 4], rng=3), nnlib.SoftmaxCrossEntropyLoss(), X, y, runs=3,
                               epochs=2, batch_size=32, lr=0.3, rng=0)
    history = nnlib.train(make_mlp([12, 9, 4], rng=3), nnlib.SoftmaxCrossEntropyLoss(), X, y, 2, 32, 0.3, rng=0,
                          progress=False)
    np.testing.assert_array_equal(spread.losses[0], history.losses)  # the same computation, bit for bit
    assert spread.losses.shape == (3, 6) and spread.gaps.shape == (2, 6)
    assert np.all(np.diff(spread.envelope) >= 0)
    with pytest.raises(ValueError, match="at least 2 runs"):
        reordering_spread(make_mlp([12, 4]), nnlib.SoftmaxCrossEntropyLoss(), X, y, runs=1, epochs=1, batch_size=8,
                          lr=0.1, rng=0)


def test_spread_bound_is_factor_times_spread_with_an_ulp_floor():
    # hand computation: spreads per column 0.5 and 0.0 -> 10 x 0.5 = 5.0
    assert spread_bound(np.array([[1.0, 2.0], [1.5, 2.0]]), np.float64) == 5.0
    # identical runs: the floor, 10 x 4 x spacing(2.0) in float32 = 40 x 2^-22
    assert spread_bound(np.array([[2.0], [2.0]]), np.float32) == 40 * 2.0**-22
    empty = ReorderingSpread(np.zeros((2, 1)), [[], []], [], np.dtype(np.float64))
    assert empty.envelope.tolist() == [0.0]
