"""float32 networks: parameters, activations, losses and SGD keep float32 end to end.

Reference values come from the float64 code run on the *same* (float32-rounded) numbers:
a float32 result may differ from it only by float32 rounding. float32 has a 24-bit
significand, unit roundoff u = 2^-24 ~ 6e-8; the sums here have at most a few hundred
terms, so relative errors stay below ~1e-5 (a few hundred u), the tolerance used below.
"""
import numpy as np
import pytest

from nnlib import SGD, Linear, Parameter, Sequential, gradcheck, train
from nnlib._validate import check_finite
from nnlib.activations import ACTIVATIONS
from nnlib.course.compare import batch_order, make_mlp
from nnlib.course.rounding import worst_case_bound
from nnlib.losses import LOSSES, HingeLoss, SoftmaxCrossEntropyLoss

F32_RTOL = 1e-5


def _data(n=7, d=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype(np.float32), rng.integers(0, 3, n)


def test_linear_float32_starts_from_rounded_float64_weights():
    w64, w32 = Linear(5, 3, rng=4), Linear(5, 3, rng=4, dtype=np.float32)
    assert w32.weight.dtype == w32.bias.dtype == np.float32
    assert w32.weight.grad.dtype == np.float32
    np.testing.assert_array_equal(w32.weight.data, w64.weight.data.astype(np.float32))
    np.testing.assert_array_equal(w32.bias.data, w64.bias.data.astype(np.float32))
    assert "dtype=float32" in repr(w32) and "dtype" not in repr(w64)


def test_linear_float32_forward_backward_match_float64_on_same_numbers():
    X, _ = _data()
    layer32 = Linear(5, 3, rng=1, dtype=np.float32)
    layer64 = Linear.from_weights(layer32.weight.data, layer32.bias.data)  # exact: float32 -> float64
    D = np.random.default_rng(2).normal(size=(7, 3)).astype(np.float32)
    Z32, Z64 = layer32.forward(X), layer64.forward(X.astype(np.float64))
    dX32, dX64 = layer32.backward(D), layer64.backward(D.astype(np.float64))
    assert Z32.dtype == dX32.dtype == np.float32
    np.testing.assert_allclose(Z32, Z64, rtol=F32_RTOL, atol=1e-6)
    np.testing.assert_allclose(dX32, dX64, rtol=F32_RTOL, atol=1e-6)
    for p32, p64 in zip(layer32.parameters(), layer64.parameters()):
        assert p32.grad.dtype == np.float32
        np.testing.assert_allclose(p32.grad, p64.grad, rtol=F32_RTOL, atol=1e-6)


@pytest.mark.parametrize("absorb", [False, True])
def test_from_weights_takes_a_dtype(absorb):
    W, b = np.arange(6.0).reshape(2, 3), np.array([0.5, -1.0])
    layer = Linear.from_weights(W, b, absorb_bias=absorb, dtype=np.float32)
    out = layer.forward(np.ones((1, 3), dtype=np.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0 + 1 + 2 + 0.5, 3 + 4 + 5 - 1.0]])  # small integers: exact


def test_dtype_mismatch_is_a_clear_type_error_not_a_silent_cast():
    layer = Linear(5, 3, rng=0, dtype=np.float32)
    X, _ = _data()
    with pytest.raises(TypeError, match=r"float32 parameters, got input of dtype float64; .*astype\(np.float32\)"):
        layer.forward(X.astype(np.float64))
    layer.forward(X)
    with pytest.raises(TypeError, match=r"got dout of dtype float64"):
        layer.backward(np.ones((7, 3)))
    with pytest.raises(TypeError, match=r"float64 parameters, got input of dtype float32"):
        Linear(5, 3, rng=0).forward(X)


@pytest.mark.parametrize("bad", [np.float16, np.int64, "complex128", "not a dtype", None])
def test_unsupported_dtypes_are_rejected(bad):
    with pytest.raises(TypeError, match="dtype must be np.float64 or np.float32"):
        Linear(2, 2, dtype=bad)
    with pytest.raises(TypeError, match="dtype must be np.float64 or np.float32"):
        Parameter(np.zeros(2), dtype=bad)


def test_parameter_assignment_keeps_the_parameter_dtype():
    p = Parameter(np.zeros((2, 2)), "w", dtype=np.float32)
    p.data = np.full((2, 2), 1 / 3)  # float64 values are rounded to float32
    assert p.data.dtype == np.float32 and p.data[0, 0] == np.float32(1 / 3)
    assert "dtype=float32" in repr(p)


@pytest.mark.parametrize("act_cls", ACTIVATIONS, ids=lambda c: c.__name__)
def test_activations_keep_float32(act_cls):
    X, _ = _data()
    act = act_cls()
    A = act.forward(X)
    dZ = act.backward(np.ones_like(X))
    assert A.dtype == dZ.dtype == np.float32
    ref = act_cls()
    np.testing.assert_allclose(A, ref.forward(X.astype(np.float64)), rtol=F32_RTOL, atol=1e-6)
    np.testing.assert_allclose(dZ, ref.backward(np.ones((7, 5))), rtol=F32_RTOL, atol=1e-6)


@pytest.mark.parametrize("loss_cls", LOSSES, ids=lambda c: c.__name__)
def test_losses_give_gradients_in_the_prediction_dtype(loss_cls):
    Z, y = _data(d=3)
    # float64 targets (as the datasets give) must not turn a float32 gradient into float64
    Y = y if loss_cls in (SoftmaxCrossEntropyLoss, HingeLoss) else np.random.default_rng(5).normal(size=(7, 3))
    loss32, loss64 = loss_cls(), loss_cls()
    value = loss32.forward(Z, Y)
    grad = loss32.backward()
    assert grad.dtype == np.float32
    assert value == pytest.approx(loss64.forward(Z.astype(np.float64), Y), rel=F32_RTOL)
    np.testing.assert_allclose(grad, loss64.backward(), rtol=F32_RTOL, atol=1e-6)


def test_one_hot_targets_follow_the_logits_dtype():
    Z, y = _data(d=3)
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(Z, np.eye(3)[y])  # float64 one-hot rows
    assert loss.backward().dtype == np.float32


def test_sgd_updates_float32_in_place():
    net = make_mlp([5, 4, 3], rng=0, dtype=np.float32)
    X, y = _data()
    loss, opt = SoftmaxCrossEntropyLoss(), SGD(net.parameters(), lr=0.5)
    before = [p.data.copy() for p in net.parameters()]
    ids = [id(p.data) for p in net.parameters()]
    loss.forward(net.forward(X), y)
    net.backward(loss.backward())
    grads = [p.grad.copy() for p in net.parameters()]
    opt.step()
    for p, b, g, i in zip(net.parameters(), before, grads, ids):
        assert p.data.dtype == np.float32 and id(p.data) == i
        np.testing.assert_array_equal(p.data, b - np.float32(0.5) * g)  # the same float32 arithmetic


def test_float32_training_follows_float64_training():
    X, y = _data(n=64, d=5, seed=3)
    kwargs = dict(epochs=3, batch_size=16, lr=0.1, rng=0, progress=False)
    h32 = train(make_mlp([5, 8, 3], rng=1, dtype=np.float32), SoftmaxCrossEntropyLoss(), X, y, **kwargs)
    h64 = train(make_mlp([5, 8, 3], rng=1), SoftmaxCrossEntropyLoss(), X.astype(np.float64), y, **kwargs)
    # the guaranteed bound for a float32 run that starts from the float64 weights rounded to float32
    # (nnlib.course.rounding: any summation order, FMA or not, exp/log to 4 ulp)
    bound = worst_case_bound(make_mlp([5, 8, 3], rng=1), SoftmaxCrossEntropyLoss(), X, y,
                             batch_order(64, 16, 3, rng=0), lr=0.1, dtype=np.float32, rounded_weights=True).loss_gap
    gap = np.abs(h32.losses - h64.losses)
    assert np.all(gap <= bound), f"float32 vs float64 loss gaps {gap} exceed the guaranteed bound {bound}"
    assert h32.losses[-1] < h32.losses[0]
