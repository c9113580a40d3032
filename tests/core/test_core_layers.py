"""Linear, Sequential, Parameter: shapes, initialisation, accumulation, absorb_bias, bad input."""
import numpy as np
import pytest
from core_cases import INPUT_SHAPES, MODULE_FACTORIES

from nnlib import Linear, Module, Parameter, ReLU, Sequential, Sigmoid


@pytest.mark.parametrize("shape", INPUT_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(MODULE_FACTORIES))
def test_forward_backward_shapes(name, shape):
    make, n_out = MODULE_FACTORIES[name]
    module = make(shape[1])
    X = np.random.default_rng(0).standard_normal(shape)
    out = module.forward(X)
    assert out.shape == (shape[0], n_out(shape[1])) and out.dtype == np.float64
    dX = module.backward(np.ones_like(out))
    assert dX.shape == X.shape
    for p in module.parameters():
        assert p.grad.shape == p.data.shape


@pytest.mark.parametrize("name", list(MODULE_FACTORIES))
def test_backward_before_forward_is_a_clear_error(name):
    make, n_out = MODULE_FACTORIES[name]
    with pytest.raises(ValueError, match="before forward"):
        make(3).backward(np.ones((2, n_out(3))))


@pytest.mark.parametrize("name", list(MODULE_FACTORIES))
@pytest.mark.parametrize(
    "bad, exc, pattern",
    [
        (np.ones((2, 3), dtype=np.int64), TypeError, "floating dtype"),
        (np.array([[1.0, np.nan, 0.0]]), ValueError, "non-finite"),
        (np.array([[1.0, np.inf, 0.0]]), ValueError, "non-finite"),
        ("abc", TypeError, "numpy array"),
    ],
    ids=["int", "nan", "inf", "str"],
)
def test_bad_input_is_rejected(name, bad, exc, pattern):
    make, _ = MODULE_FACTORIES[name]
    with pytest.raises(exc, match=pattern):
        make(3).forward(bad)


def test_linear_shape_messages():
    with pytest.raises(ValueError, match=r"Linear\(3, 4\) expects input of shape \(n, 3\), got \(5, 2\)"):
        Linear(3, 4, rng=0).forward(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"must be 2-D, got 1-D .*reshape"):
        Linear(3, 4, rng=0).forward(np.ones(3))
    layer = Linear(3, 4, rng=0)
    layer.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"expects dout of shape \(5, 4\), got \(5, 3\)"):
        layer.backward(np.ones((5, 3)))
    with pytest.raises(ValueError, match="positive int"):
        Linear(0, 2)
    with pytest.raises(ValueError, match="needs bias=True"):
        Linear(2, 2, bias=False, absorb_bias=True)


def test_linear_math_on_hand_example():
    # Z = X W^T + b worked by hand: row 1: [1*1+2*0+1, 1*(-1)+2*3-2] = [2, 3]
    W = np.array([[1.0, 0.0], [-1.0, 3.0]])
    b = np.array([1.0, -2.0])
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    layer = Linear.from_weights(W, b)
    np.testing.assert_array_equal(layer.forward(X), [[2.0, 3.0], [1.0, -5.0]])
    dout = np.array([[1.0, 0.0], [2.0, 1.0]])
    dX = layer.backward(dout)
    np.testing.assert_array_equal(dX, dout @ W)
    np.testing.assert_array_equal(layer.weight.grad, dout.T @ X)
    np.testing.assert_array_equal(layer.bias.grad, [3.0, 1.0])


def test_gradients_accumulate_until_zero_grad():
    layer = Linear(2, 2, rng=0)
    X = np.ones((3, 2))
    for _ in range(2):
        layer.forward(X)
        layer.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(layer.bias.grad, [6.0, 6.0])
    layer.zero_grad()
    assert not layer.weight.grad.any() and not layer.bias.grad.any()


def test_pytorch_style_init_is_bounded_and_seeded():
    layer = Linear(16, 8, rng=42)
    k = 1 / np.sqrt(16)
    assert layer.weight.shape == (8, 16) and layer.bias.shape == (8,)
    assert np.abs(layer.weight.data).max() <= k and np.abs(layer.bias.data).max() <= k
    assert np.abs(layer.weight.data).max() > 0.8 * k  # really spread over the interval
    np.testing.assert_array_equal(Linear(16, 8, rng=42).weight.data, layer.weight.data)
    np.testing.assert_array_equal(
        Linear(16, 8, rng=np.random.default_rng(42)).weight.data, layer.weight.data
    )
    assert not np.array_equal(Linear(16, 8).weight.data, Linear(16, 8).weight.data)
    with pytest.raises(TypeError, match="rng"):
        Linear(2, 2, rng="seed")


def test_assigning_weights_checks_shape_and_copies():
    layer = Linear(2, 3, rng=0)
    W = np.arange(6.0).reshape(3, 2)
    layer.weight.data = W
    W[0, 0] = 99.0
    assert layer.weight.data[0, 0] == 0.0
    with pytest.raises(ValueError, match=r"shape \(3, 2\), got data of shape \(2, 3\)"):
        layer.weight.data = W.T


def test_absorb_bias_equals_explicit_bias_exactly_on_integer_data():
    rng = np.random.default_rng(3)
    W = rng.integers(-3, 4, (4, 3)).astype(float)
    b = rng.integers(-3, 4, 4).astype(float)
    X = rng.integers(-2, 3, (6, 3)).astype(float)
    dout = rng.integers(-2, 3, (6, 4)).astype(float)
    explicit = Linear.from_weights(W, b)
    absorbed = Linear.from_weights(W, b, absorb_bias=True)
    assert absorbed.weight.shape == (4, 4) and absorbed.bias is None
    np.testing.assert_array_equal(absorbed.weight.data[:, 0], b)
    # the same layer built from the mfnet matrix [b | W]
    mfnet = Linear.from_weights(np.column_stack([b, W]), absorb_bias=True)
    np.testing.assert_array_equal(mfnet.weight.data, absorbed.weight.data)
    np.testing.assert_array_equal(absorbed.forward(X), explicit.forward(X))
    np.testing.assert_array_equal(absorbed.backward(dout), explicit.backward(dout))
    # gradients: absorbed column 0 is db, the rest dW (absorbed accumulated once)
    explicit.zero_grad()
    absorbed.zero_grad()
    explicit.forward(X)
    absorbed.forward(X)
    explicit.backward(dout)
    absorbed.backward(dout)
    np.testing.assert_array_equal(absorbed.weight.grad[:, 0], explicit.bias.grad)
    np.testing.assert_array_equal(absorbed.weight.grad[:, 1:], explicit.weight.grad)
    # and it equals the mfnet formula on the augmented input [1, X]
    A = np.column_stack([np.ones(6), X])
    np.testing.assert_array_equal(absorbed.weight.grad, dout.T @ A)


def test_absorb_bias_equals_explicit_bias_to_rounding_on_random_data():
    rng = np.random.default_rng(4)
    W, b, X = rng.standard_normal((3, 5)), rng.standard_normal(3), rng.standard_normal((7, 5))
    a, e = Linear.from_weights(W, b, absorb_bias=True), Linear.from_weights(W, b)
    np.testing.assert_allclose(a.forward(X), e.forward(X), rtol=1e-14, atol=1e-14)


def test_from_weights_validation():
    with pytest.raises(ValueError, match=r"b must have shape \(2,\), got \(3,\)"):
        Linear.from_weights(np.ones((2, 3)), np.ones(3))
    with pytest.raises(TypeError, match="floating"):
        Linear.from_weights(np.ones((2, 3), dtype=int))
    assert Linear.from_weights(np.ones((2, 3))).bias is None


def test_sequential_parameters_and_names():
    net = Sequential(Linear(3, 4, rng=0), ReLU(), Linear(4, 1, absorb_bias=True, rng=1))
    names = [n for n, _ in net.named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.2.weight"]
    assert all(isinstance(p, Parameter) for p in net.parameters())
    assert len(net) == 3 and isinstance(net[1], ReLU)
    X = np.random.default_rng(0).standard_normal((2, 3))
    np.testing.assert_array_equal(net(X), net.forward(X))
    with pytest.raises(TypeError, match="layer 1 must be a Module"):
        Sequential(Linear(2, 2), np.tanh)


def test_shared_parameter_listed_once():
    layer = Linear(2, 2, rng=0)
    net = Sequential(layer, Sigmoid(), layer)
    assert len(net.parameters()) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: Sequential(Linear(3, 4, rng=0), ReLU(), Linear(4, 2, rng=1)),
        lambda: Sequential(Sigmoid(), Linear(3, 2, absorb_bias=True, rng=2)),
        lambda: Sequential(Sequential(Linear(3, 3, rng=3), Sigmoid()), Linear(3, 2, rng=4)),
    ],
    ids=["linear-first", "activation-first", "nested"],
)
def test_skipping_the_input_gradient_keeps_parameter_gradients(make):
    rng = np.random.default_rng(5)
    X, dout = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    full, skip = make(), make()
    assert full.forward(X).shape == skip.forward(X).shape == (4, 2)
    assert full.backward(dout).shape == X.shape
    assert skip.backward(dout, input_grad=False) is None
    for (name, p), (_, q) in zip(full.named_parameters(), skip.named_parameters()):
        np.testing.assert_array_equal(p.grad, q.grad, err_msg=name)


# --- Sequential checks only the network input for NaN/inf; the loss catches overflow ---


def test_sequential_rejects_non_finite_network_input():
    net = Sequential(Linear(3, 4, rng=0), ReLU(), Linear(4, 2, rng=1))
    with pytest.raises(ValueError, match="input contains 1 non-finite"):
        net.forward(np.array([[1.0, np.nan, 0.0]]))


def test_internal_overflow_is_reported_by_the_loss():
    from nnlib import SoftmaxCrossEntropyLoss

    # 1e200 * 1e200 = inf in float64 (max ~1.8e308): the hidden activation overflows
    net = Sequential(Linear.from_weights([[1e200]], [0.0]), ReLU(), Linear.from_weights([[1.0], [-1.0]], [0.0, 0.0]))
    with np.errstate(over="ignore", invalid="ignore"):
        out = net.forward(np.array([[1e200]]))
    assert not np.isfinite(out).any()  # not re-checked inside the network ...
    with pytest.raises(ValueError, match="Y_hat contains 2 non-finite"):  # ... but the loss rejects it
        SoftmaxCrossEntropyLoss().forward(out, np.array([0]))


def test_sequential_still_checks_internal_shapes_and_custom_modules():
    with pytest.raises(ValueError, match=r"Linear\(5, 2\) expects input of shape \(n, 5\), got \(1, 4\)"):
        Sequential(Linear(3, 4, rng=0), ReLU(), Linear(5, 2, rng=1)).forward(np.ones((1, 3)))

    class Double(Module):  # a user module without the check_finite keyword
        def forward(self, X):
            return 2.0 * X

    out = Sequential(Linear.from_weights([[1.0, 2.0]], [0.5]), Double()).forward(np.array([[1.0, 1.0]]))
    assert out.tolist() == [[2.0 * (1.0 + 2.0 + 0.5)]]
