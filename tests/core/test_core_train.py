"""SGD, minibatches and the training loop."""
import numpy as np
import pytest

from nnlib import (
    SGD,
    History,
    Linear,
    MSELoss,
    Parameter,
    Sequential,
    SoftmaxCrossEntropyLoss,
    Tanh,
    minibatches,
    train,
    zero_one_error,
)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (10, 5), (1, 4), (7, 1), (8, 8)])
def test_minibatches_partition_the_indices(n, batch_size):
    batches = list(minibatches(n, batch_size, rng=0))
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    sizes = [len(b) for b in batches]
    assert sizes[:-1] == [batch_size] * (len(batches) - 1)
    assert sizes[-1] == n - batch_size * (len(batches) - 1) > 0


def test_minibatches_are_fresh_each_call_and_seeded():
    rng = np.random.default_rng(0)
    first = np.concatenate(list(minibatches(50, 7, rng)))
    second = np.concatenate(list(minibatches(50, 7, rng)))
    assert not np.array_equal(first, second)
    seeded = [np.concatenate(list(minibatches(50, 7, 3))) for _ in range(2)]
    np.testing.assert_array_equal(seeded[0], seeded[1])
    with pytest.raises(ValueError, match="batch_size"):
        next(minibatches(5, 0))


def test_sgd_step_is_in_place_gradient_descent():
    p = Parameter(np.array([1.0, -2.0]))
    data = p.data
    p.grad[...] = [0.5, -1.0]
    opt = SGD([p], lr=0.1)
    opt.step()
    assert p.data is data
    np.testing.assert_allclose(p.data, [1.0 - 0.05, -2.0 + 0.1], rtol=1e-15)
    opt.zero_grad()
    assert not p.grad.any()
    with pytest.raises(ValueError, match="lr"):
        SGD([p], lr=-1.0)
    with pytest.raises(TypeError, match="Parameter"):
        SGD([np.ones(2)])


def _problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 2))
    Y = np.sin(X[:, :1]) + 0.5 * X[:, 1:]
    return X, Y


def _net(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential(Linear(2, 8, rng=rng), Tanh(), Linear(8, 1, rng=rng))


def test_training_decreases_the_loss():
    X, Y = _problem()
    net, loss = _net(), MSELoss()
    before = loss(net(X), Y)
    history = train(net, loss, X, Y, epochs=30, batch_size=8, lr=0.1, rng=0, progress=False)
    after = loss(net(X), Y)
    assert isinstance(history, History)
    assert len(history) == 30 * 8 and history.epoch_losses.shape == (30,)
    assert after < 0.2 * before
    assert history.epoch_losses[-1] < 0.2 * history.epoch_losses[0]


def test_epoch_losses_are_means_of_step_losses():
    X, Y = _problem()
    h = train(_net(), MSELoss(), X[:10], Y[:10], epochs=3, batch_size=4, lr=0.05, rng=1, progress=False)
    steps = np.asarray(h).reshape(3, 3)  # batches of 4, 4, 2
    np.testing.assert_allclose(h.epoch_losses, (4 * steps[:, 0] + 4 * steps[:, 1] + 2 * steps[:, 2]) / 10, rtol=1e-14)


def test_same_seed_same_history():
    X, Y = _problem()
    a = train(_net(1), MSELoss(), X, Y, epochs=3, batch_size=16, lr=0.1, rng=5, progress=False)
    b = train(_net(1), MSELoss(), X, Y, epochs=3, batch_size=16, lr=0.1, rng=5, progress=False)
    c = train(_net(1), MSELoss(), X, Y, epochs=3, batch_size=16, lr=0.1, rng=6, progress=False)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, c.losses)


def test_classification_training_with_class_indices():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((90, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)  # 3 classes
    net = Sequential(Linear(2, 16, rng=3), Tanh(), Linear(16, 3, rng=4))
    train(net, SoftmaxCrossEntropyLoss(), X, y, epochs=40, batch_size=10, lr=0.5, rng=0, progress=False)
    assert zero_one_error(net(X), y) < 0.15


def test_progress_bar_on_and_off(capsys):
    X, Y = _problem()
    train(_net(), MSELoss(), X, Y, epochs=2, batch_size=32, lr=0.1, rng=0, progress=False)
    assert capsys.readouterr().err == ""
    train(_net(), MSELoss(), X, Y, epochs=2, batch_size=32, lr=0.1, rng=0, progress=True)
    assert "train" in capsys.readouterr().err


def test_train_input_errors():
    X, Y = _problem()
    with pytest.raises(ValueError, match="same number of samples"):
        train(_net(), MSELoss(), X, Y[:5], epochs=1, progress=False)
    with pytest.raises(ValueError, match="epochs"):
        train(_net(), MSELoss(), X, Y, epochs=0, progress=False)


def test_train_equals_the_written_out_loop():
    """train() (which skips dL/dX of the first layer) does exactly the notes' SGD loop."""
    X, Y = _problem()
    history = train(_net(2), MSELoss(), X, Y, epochs=2, batch_size=10, lr=0.1, rng=7, progress=False)
    net, loss, rng = _net(2), MSELoss(), np.random.default_rng(7)
    opt, losses = SGD(net.parameters(), lr=0.1), []
    for _ in range(2):
        for idx in minibatches(len(X), 10, rng):
            net.zero_grad()
            losses.append(loss(net(X[idx]), Y[idx]))
            net.backward(loss.backward())
            opt.step()
    np.testing.assert_array_equal(history.losses, losses)


def test_sgd_in_place_update_is_bit_identical_over_several_steps():
    rng = np.random.default_rng(3)
    p, q = Parameter(rng.standard_normal((4, 3)), "W"), Parameter(rng.standard_normal(5), "b")
    data_before = p.data
    opt = SGD([p, q], lr=0.37)
    want_p, want_q = p.data.copy(), q.data.copy()
    for _ in range(3):
        p.grad[...] = rng.standard_normal(p.shape)
        q.grad[...] = rng.standard_normal(q.shape)
        want_p, want_q = want_p - 0.37 * p.grad, want_q - 0.37 * q.grad
        opt.step()
        assert np.array_equal(p.data, want_p) and np.array_equal(q.data, want_q)
    assert p.data is data_before  # updated in place, no new array
