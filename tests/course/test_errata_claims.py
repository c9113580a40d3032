"""The deciding computations of the non-mfnet errata, recomputed independently.

Each test names the erratum id it decides and derives every number here (SymPy,
finite differences); nothing is copied from the source documents.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib.course.errata import load_errata


def test_ids_exist():
    ids = {"mfnet-softmax-jacobian", "mfnet-ce-gradient", "notes-base-case-index",
           "notes-recursion-transpose", "lecture-softplus-range", "lecture-leaky-relu-range",
           "lecture-elu-range", "ailib-dw-index", "ailib-dx-order", "lecture-dW-transpose",
           "lecture-db-wrt"}
    assert ids <= set(load_errata())


def kron(i, j):
    return int(i == j)


@pytest.fixture(scope="module")
def softmax_2x3():
    m, C = 2, 3
    Z = sp.Matrix(m, C, lambda i, j: sp.Symbol(f"z{i}{j}"))
    S = sp.Matrix(m, C, lambda i, j: sp.exp(Z[i, j]) / sum(sp.exp(Z[i, k]) for k in range(C)))
    return m, C, Z, S


def test_softmax_jacobian_needs_delta_il(softmax_2x3):
    """mfnet-softmax-jacobian: d log S_ij / dZ_lt = delta_il (delta_jt - S_it)."""
    m, C, Z, S = softmax_2x3
    for i, j, l, t in np.ndindex(m, C, m, C):
        d = sp.diff(sp.log(S[i, j]), Z[l, t])
        assert sp.simplify(d - kron(i, l) * (kron(j, t) - S[i, t])) == 0
    printed = kron(0, 1) * kron(0, 0) - S[1, 0]      # (i, j, l, t) = (0, 0, 1, 0)
    assert sp.simplify(sp.diff(sp.log(S[0, 0]), Z[1, 0]) - printed) != 0


def test_cross_entropy_gradient_is_S_minus_Y_over_m(softmax_2x3):
    """mfnet-ce-gradient: dJ/dZ = (S - Y)/m, not S - Y/m."""
    m, C, Z, S = softmax_2x3
    Y = sp.Matrix([[1, 0, 0], [0, 0, 1]])
    J = -sum(Y[i, j] * sp.log(S[i, j]) for i in range(m) for j in range(C)) / m
    grad = sp.Matrix(m, C, lambda l, t: sp.diff(J, Z[l, t]))
    assert sp.simplify(grad - (S - Y) / m) == sp.zeros(m, C)
    assert sp.simplify(grad - (S - Y / m)) != sp.zeros(m, C)


@pytest.fixture(scope="module")
def net_3_4_2():
    """A 3-4-2 sigmoid network, C = ||a2 - y||^2 (meeting notes' cost), column vectors."""
    rng = np.random.default_rng(0)
    W1, b1 = rng.normal(size=(4, 3)), rng.normal(size=4)
    W2, b2 = rng.normal(size=(2, 4)), rng.normal(size=2)
    x, y = rng.normal(size=3), rng.normal(size=2)
    a1 = nnlib.sigmoid(W1 @ x + b1)
    z2 = W2 @ a1 + b2
    a2 = nnlib.sigmoid(z2)
    return dict(W2=W2, b2=b2, a1=a1, z2=z2, a2=a2, y=y, dC_da2=2 * (a2 - y))


def test_base_case_uses_a_j(net_3_4_2):
    """notes-base-case-index: dC/dw_ij^(L) = a_j^(L-1) sigma'(z_i^(L)) dC/da_i^(L)."""
    n = net_3_4_2
    W2 = n["W2"].copy()
    cost = lambda: np.sum((nnlib.sigmoid(W2 @ n["a1"] + n["b2"]) - n["y"]) ** 2)  # noqa: E731
    numeric = nnlib.numeric_gradient(cost, W2)
    delta = n["a2"] * (1 - n["a2"]) * n["dC_da2"]
    correct = np.outer(delta, n["a1"])                          # [i, j] = delta_i a_j
    printed = np.array([[delta[i] * n["a1"][i] for _ in range(4)] for i in range(2)])  # a_i
    assert np.allclose(numeric, correct, atol=1e-8)
    assert not np.allclose(numeric, printed, atol=1e-3)


def test_recursion_uses_next_layer_transpose(net_3_4_2):
    """notes-recursion-transpose: dC/da^(l) = W^(l+1)^T (sigma'(z^(l+1)) * dC/da^(l+1))."""
    n = net_3_4_2
    a1 = n["a1"].copy()
    cost = lambda: np.sum((nnlib.sigmoid(n["W2"] @ a1 + n["b2"]) - n["y"]) ** 2)  # noqa: E731
    delta = n["a2"] * (1 - n["a2"]) * n["dC_da2"]
    assert np.allclose(nnlib.numeric_gradient(cost, a1), n["W2"].T @ delta, atol=1e-8)
    W1_shape = (4, 3)                      # the printed W^(l) (l = 1) cannot take a 2-vector
    assert W1_shape[1] != delta.shape[0]


@pytest.mark.parametrize("erratum, activation, z, printed_low, printed_high", [
    ("lecture-softplus-range", nnlib.Softplus(), 2.0, 0.0, 1.0),
    ("lecture-leaky-relu-range", nnlib.LeakyReLU(0.01), -1000.0, -1.0, 1.0),
    ("lecture-elu-range", nnlib.ELU(), -1.0, 0.0, np.inf),
])
def test_a_value_outside_the_printed_range(erratum, activation, z, printed_low, printed_high):
    value = float(activation.forward(np.array([[z]]))[0, 0])
    assert not (printed_low <= value <= printed_high), erratum


def test_activation_range_limits():
    x, alpha = sp.Symbol("x"), sp.Symbol("alpha", positive=True)
    softplus = sp.log(1 + sp.exp(x))
    assert (sp.limit(softplus, x, -sp.oo), sp.limit(softplus, x, sp.oo)) == (0, sp.oo)
    assert sp.limit(alpha * (sp.exp(x) - 1), x, -sp.oo) == -alpha


def test_linear_layer_gradients_and_shapes():
    """ailib-dw-index, ailib-dx-order, lecture-dW-transpose: E = e . (W x), W is 2x3."""
    W = sp.Matrix(2, 3, lambda j, i: sp.Symbol(f"w{j}{i}"))
    x = sp.Matrix(3, 1, lambda i, _: sp.Symbol(f"x{i}"))
    e = sp.Matrix(2, 1, lambda j, _: sp.Symbol(f"e{j}"))           # dE/dY (column)
    E = (e.T * W * x)[0]
    dW = sp.Matrix(2, 3, lambda j, i: sp.diff(E, W[j, i]))
    assert dW == e * x.T                                           # dE/dw_ji = e_j x_i
    assert sp.diff(E, W[0, 0]) == e[0] * x[0] and sp.diff(E, W[1, 0]) != e[0] * x[0]
    assert sp.Matrix([sp.diff(E, v) for v in x]) == W.T * e        # dE/dX = W^T dE/dY
    assert e.shape[1] != W.T.shape[0]                              # dE/dY W^T is undefined
    g = e.T                                                        # numerator layout: a row
    assert dW == g.T * x.T and (x * g).shape == (3, 2) != W.shape  # lecture: y dL/dz is d x m


def test_one_neuron_db_step():
    """lecture-db-wrt: d/dw and d/db of (1/2)(sigma(wx+b) - c)^2 differ by the factor x."""
    w, b, x, c = sp.symbols("w b x c")
    L = (1 / (1 + sp.exp(-(w * x + b))) - c) ** 2 / 2
    assert sp.simplify(sp.diff(L, w) - x * sp.diff(L, b)) == 0
    assert sp.simplify(sp.diff(L, w) - sp.diff(L, b)) != 0
    at = {x: 1, c: 1, w: 0, b: 0}                                  # the lecture's example
    assert (L.subs(at), sp.diff(L, w).subs(at), sp.diff(L, b).subs(at)) == (
        sp.Rational(1, 8), sp.Rational(-1, 8), sp.Rational(-1, 8))
