"""Losses: hand-computed values, gradients' closed forms, stability, targets, metric, bad input."""
import math
import warnings

import numpy as np
import pytest
from core_cases import LOSS_FACTORIES
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import HingeLoss, MSELoss, SoftmaxCrossEntropyLoss, SumSquaredLoss, softmax, zero_one_error

Y_HAT = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
LABELS = np.array([1, 0])


def test_mse_and_sum_squared_hand_values():
    Y = np.array([[1.0, 0.0, 0.5], [1.0, -1.0, 1.0]])
    # residuals: [0, 2, 0], [-1, 0, 2] -> sum of squares 9
    mse, sse = MSELoss(), SumSquaredLoss()
    assert mse(Y_HAT, Y) == 9 / 6
    assert sse(Y_HAT, Y) == 4.5
    np.testing.assert_array_equal(mse.backward(), 2 * (Y_HAT - Y) / 6)
    np.testing.assert_array_equal(sse.backward(), Y_HAT - Y)


def test_cross_entropy_hand_value_and_gradient():
    loss = SoftmaxCrossEntropyLoss()
    expected = 0.0
    for z, y in zip(Y_HAT, LABELS):
        expected += -(z[y] - math.log(sum(math.exp(v) for v in z)))
    assert loss(Y_HAT, LABELS) == pytest.approx(expected / 2, rel=1e-15)
    np.testing.assert_allclose(loss.backward(), (softmax(Y_HAT) - np.eye(3)[LABELS]) / 2, rtol=1e-15)
    assert loss(Y_HAT, np.eye(3)[LABELS]) == pytest.approx(expected / 2, rel=1e-15)


def test_cross_entropy_is_stable_for_huge_logits():
    Z = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0]])
    loss = SoftmaxCrossEntropyLoss()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loss(Z, np.array([0, 1])) == 0.0
        assert loss(Z, np.array([2, 0])) == pytest.approx((2000.0 + 2000.0) / 2)
        G = loss.backward()
    # (softmax - onehot) / m with softmax rows e_0 and e_1, targets e_2 and e_0
    np.testing.assert_allclose(G, [[0.5, 0, -0.5], [-0.5, 0.5, 0]], atol=1e-300)
    np.testing.assert_array_equal(G.sum(axis=1), 0.0)


def test_hinge_hand_value():
    # sample 0, y=1: margins 1 - 2 + 1 = 0, 1 - 2 + 0.5 = -0.5 -> 0
    # sample 1, y=0: 1 - 0 - 1 = 0, 1 - 0 + 3 = 4 -> 4;  mean over samples of sum / C
    loss = HingeLoss()
    assert loss(Y_HAT, LABELS) == 4 / 3 / 2
    np.testing.assert_array_equal(loss.backward(), [[0, 0, 0], [-1 / 6, 0, 1 / 6]])
    assert HingeLoss(margin=2.0)(Y_HAT, LABELS) == (1 + 0.5 + 1 + 5) / 3 / 2


@pytest.mark.parametrize("name", list(LOSS_FACTORIES))
def test_backward_before_forward(name):
    with pytest.raises(ValueError, match="before forward"):
        LOSS_FACTORIES[name][0]().backward()


@pytest.mark.parametrize("name", list(LOSS_FACTORIES))
@given(Z=arrays(np.float64, (4, 3), elements=st.floats(-100, 100)), seed=st.integers(0, 2**16))
def test_losses_are_nonnegative_and_zero_at_perfect_regression(name, Z, seed):
    make, targets = LOSS_FACTORIES[name]
    Y = targets(np.random.default_rng(seed), 4, 3)
    loss = make()
    assert loss(Z, Y) >= 0.0
    assert loss.backward().shape == Z.shape
    if name in ("MSELoss", "SumSquaredLoss"):
        assert loss(Y, Y) == 0.0


@pytest.mark.parametrize("loss", [MSELoss(), SumSquaredLoss()], ids=repr)
def test_regression_shape_mismatch(loss):
    with pytest.raises(ValueError, match=r"same shape, got \(2, 3\) and \(2,\)"):
        loss(Y_HAT, np.ones(2))
    with pytest.raises(ValueError, match="2-D"):
        loss(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="non-finite"):
        loss(Y_HAT, np.full((2, 3), np.nan))


@pytest.mark.parametrize("loss", [SoftmaxCrossEntropyLoss(), HingeLoss()], ids=repr)
def test_classification_target_errors(loss):
    with pytest.raises(ValueError, match=r"lie in \[0, 2\]"):
        loss(Y_HAT, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"shape \(2,\), got \(3,\)"):
        loss(Y_HAT, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="integers"):
        loss(Y_HAT, np.array([0.5, 1.0]))


def test_zero_one_error():
    assert zero_one_error(Y_HAT, LABELS) == 0.5  # argmax rows: 1 (right), 2 (wrong)
    assert zero_one_error(Y_HAT, np.eye(3)[[1, 2]]) == 0.0
    p = np.array([[0.9], [0.2], [0.6], [0.4]])
    assert zero_one_error(p, np.array([1.0, 0.0, 0.0, 0.0])) == 0.25
    assert zero_one_error(np.array([[1.5], [-0.2]]), np.array([[1.0], [1.0]]), threshold=0.0) == 0.5
    with pytest.raises(ValueError, match="same number of samples"):
        zero_one_error(p, np.ones(3))
