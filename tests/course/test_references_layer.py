"""nnlib.course.references.layer: the code-exercise reference agrees with SymPy and gradcheck."""
import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib.course.references.layer import sigmoid_layer_cases, sigmoid_layer_dW


def test_reference_matches_sympy_on_a_symbolic_batch():
    # E = sum(G * sigmoid(X W^T + b)): differentiate with respect to every w_ji
    X = sp.Matrix(2, 3, lambda s, i: sp.Symbol(f"x{s}{i}"))
    W = sp.Matrix(2, 3, lambda j, i: sp.Symbol(f"w{j}{i}"))
    b = sp.Matrix(1, 2, sp.symbols("b0:2"))
    G = sp.Matrix(2, 2, lambda s, j: sp.Symbol(f"g{s}{j}"))
    A = (X * W.T + sp.ones(2, 1) * b).applyfunc(lambda t: 1 / (1 + sp.exp(-t)))
    E = sum(G.multiply_elementwise(A))
    rng = np.random.default_rng(1)
    symbols = list(X) + list(W) + list(b) + list(G)
    vals = {s: float(v) for s, v in zip(symbols, rng.standard_normal(len(symbols)))}
    num = lambda M: np.array(M.subs(vals), dtype=float)
    expected = num(W.applyfunc(lambda p: sp.diff(E, p)))
    np.testing.assert_allclose(sigmoid_layer_dW(num(X), num(W), num(b).ravel(), num(G)), expected)


def test_reference_agrees_with_nnlib_linear_sigmoid_on_every_case():
    cases = sigmoid_layer_cases(np.random.default_rng(0))
    assert len(cases) >= 3
    for X, W, b, dA in cases:
        net = nnlib.Sequential(nnlib.Linear.from_weights(W, b), nnlib.Sigmoid())
        net.zero_grad()
        net.forward(X)
        net.backward(dA)
        np.testing.assert_allclose(sigmoid_layer_dW(X, W, b, dA), net[0].weight.grad)
        assert nnlib.gradcheck(net, X, dout=dA).ok


def test_reference_rejects_mismatched_shapes():
    X, W, b = np.ones((4, 3)), np.ones((2, 3)), np.ones(2)
    with pytest.raises(ValueError, match="expected"):
        sigmoid_layer_dW(X, W, b, np.ones((4, 3)))
    with pytest.raises(ValueError, match="expected"):
        sigmoid_layer_dW(X, W, np.ones(3), np.ones((4, 2)))
    with pytest.raises(ValueError, match="2-D"):
        sigmoid_layer_dW(np.ones(3), W, b, np.ones((1, 2)))
