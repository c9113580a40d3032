"""Every module and loss of core_cases passes gradcheck; gradcheck itself catches wrong gradients."""
import numpy as np
import pytest
from core_cases import INPUT_SHAPES, LOSS_FACTORIES, LOSS_SHAPES, MODULE_FACTORIES

from nnlib import Linear, Module, Sequential, Tanh, gradcheck, rel_error

TOL = 1e-7
# Error |a - n| / max(|a|, |n|, FLOOR): relative for gradients >= 0.01, absolute below, where
# the central difference's rounding noise (~1e-10 |s|) makes relative errors meaningless.
FLOOR = 1e-2


@pytest.mark.parametrize("shape", INPUT_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(MODULE_FACTORIES))
def test_module_gradients(name, shape):
    make, _ = MODULE_FACTORIES[name]
    X = np.random.default_rng(10).standard_normal(shape)
    result = gradcheck(make(shape[1]), X, tol=TOL, floor=FLOOR)
    assert result.ok, result.message


@pytest.mark.parametrize("shape", LOSS_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(LOSS_FACTORIES))
def test_loss_gradients(name, shape):
    make, targets = LOSS_FACTORIES[name]
    rng = np.random.default_rng(11)
    Y_hat = rng.standard_normal(shape)
    result = gradcheck(make(), (Y_hat, targets(rng, *shape)), tol=TOL, floor=FLOOR)
    assert result.ok, result.message


class _WrongTanh(Tanh):
    """Tanh whose backward forgets the square: uses 1 - tanh instead of 1 - tanh^2."""

    def _local_grad(self, Z, A):
        return 1.0 - A


def test_gradcheck_detects_a_wrong_backward_and_says_where():
    X = np.random.default_rng(0).standard_normal((3, 2))
    net = Sequential(Linear(2, 3, rng=0), _WrongTanh(), Linear(3, 1, rng=1))
    result = gradcheck(net, X)
    assert not result.ok
    assert "FAILED" in result.message
    assert result.where in result.errors
    # the last layer's gradients do not pass through the broken tanh
    assert result.errors["layers.2.weight"] <= TOL
    assert result.errors["layers.0.weight"] > 1e-3
    with pytest.raises(AssertionError, match="gradcheck FAILED"):
        gradcheck(net, X, raise_on_failure=True)


def test_gradcheck_never_mutates_inputs_parameters_or_grads():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 3))
    X0 = X.copy()
    net = Sequential(Linear(3, 2, rng=0), Tanh())
    lin = net[0]
    lin.weight.grad[...] = 7.0  # an earlier accumulated gradient must survive
    W0, b0 = lin.weight.data.copy(), lin.bias.data.copy()
    assert gradcheck(net, X).ok
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(lin.weight.data, W0)
    np.testing.assert_array_equal(lin.bias.data, b0)
    np.testing.assert_array_equal(lin.weight.grad, 7.0)


def test_gradcheck_plain_functions_scalar_and_vector_valued():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    scalar = gradcheck(lambda A: float(np.sum(np.sin(A) * A)), x, grad_fn=lambda A: np.cos(A) * A + np.sin(A))
    assert scalar.ok, scalar.message
    two = gradcheck(lambda A, B: A @ B, (x, x.T), grad_fn=lambda A, B, D: (D @ B.T, A.T @ D))
    assert two.ok, two.message
    wrong = gradcheck(lambda A: np.exp(A), x, grad_fn=lambda A, D: D * A)
    assert not wrong.ok and wrong.where == "input"


def test_gradcheck_function_needs_grad_fn():
    with pytest.raises(TypeError, match="grad_fn"):
        gradcheck(np.sin, np.ones((2, 2)))


def test_rel_error():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 2.2)
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.ones(2), np.ones(3))


def test_module_base_is_abstract_enough():
    class Doubler(Module):
        def forward(self, X):
            return 2 * X

        def backward(self, dout):
            return 2 * dout

    assert gradcheck(Doubler(), np.ones((2, 2))).ok
