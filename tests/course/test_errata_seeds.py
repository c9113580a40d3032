"""Deciding computations of the errata of three seeds: meeting notes, AI-Library, ANN lecture.

Every erratum in ``meeting_notes.toml``, ``ai_library.toml`` and ``ann_lecture.toml`` is decided
by a test, here or in ``test_errata_claims.py`` (``DECIDED_BY`` maps each id to its test, and
``test_every_erratum_of_the_three_seeds_has_a_deciding_test`` checks the map is complete).
Each test derives its numbers (SymPy, finite differences, nnlib); none is copied from a seed.
A test shows both sides: the correction holds and the printed version fails.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib.autodiff import Value, lecture_example
from nnlib.course.errata import ERRATA_DIR

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
SEED_FILES = ("meeting_notes.toml", "ai_library.toml", "ann_lecture.toml")

#: erratum id -> the test (in this file or test_errata_claims.py) whose computation decides it
DECIDED_BY = {
    # meeting notes
    "notes-z-sum-index": "test_errata_seeds.py::test_z_sum_over_j_previous_layer",
    "notes-cost-layer": "test_errata_seeds.py::test_cost_uses_output_layer",
    "notes-grad-sum-range": "test_errata_seeds.py::test_gradient_sum_has_N_terms",
    "notes-dcda-index": "test_errata_seeds.py::test_dC_da_k_uses_w_jk",
    "notes-base-case-index": "test_errata_claims.py::test_base_case_uses_a_j",
    "notes-recursion-transpose": "test_errata_claims.py::test_recursion_uses_next_layer_transpose",
    "notes-sgd-batch-index": "test_errata_seeds.py::test_minibatch_step_uses_one_batch",
    "notes-grad-vector-index": "test_errata_seeds.py::test_gradient_vector_indices",
    # AI-Library
    "ailib-forward-transpose": "test_errata_seeds.py::test_ailib_forward_is_W_x",
    "ailib-dw-index": "test_errata_claims.py::test_linear_layer_gradients_and_shapes",
    "ailib-dx-order": "test_errata_claims.py::test_linear_layer_gradients_and_shapes",
    "ailib-activation-hadamard": "test_errata_seeds.py::test_ailib_activation_backward",
    # ANN lecture
    "lecture-db-wrt": "test_errata_claims.py::test_one_neuron_db_step",
    "lecture-softplus-range": "test_errata_claims.py::test_a_value_outside_the_printed_range",
    "lecture-leaky-relu-range": "test_errata_claims.py::test_a_value_outside_the_printed_range",
    "lecture-elu-range": "test_errata_claims.py::test_a_value_outside_the_printed_range",
    "lecture-ce-index": "test_errata_seeds.py::test_cross_entropy_index",
    "lecture-dW-transpose": "test_errata_claims.py::test_linear_layer_gradients_and_shapes",
    "lecture-mlp-db": "test_errata_seeds.py::test_mlp_gradients",
    "lecture-mlp-hidden-name": "test_errata_seeds.py::test_mlp_gradients",
    "lecture-adjoint-bar": "test_errata_seeds.py::test_adjoint_bar_factor",
    "lecture-leaky-relu-derivative-at-0": "test_errata_seeds.py::test_leaky_relu_kink",
    "lecture-loss-metric": "test_errata_seeds.py::test_loss_is_not_a_metric",
    "lecture-numerical-gradient-ad": "test_errata_seeds.py::test_autodiff_is_not_numerical_gradient_checking",
    "lecture-linear-derivative-index": "test_errata_seeds.py::test_linear_derivative_index",
    "lecture-dLdz-activation-product": "test_errata_seeds.py::test_activation_backward_needs_diag",
    "lecture-dLdy-row": "test_errata_seeds.py::test_numerator_layout_rows",
    "lecture-dW-layer-index": "test_errata_seeds.py::test_dW_layer_index",
    "lecture-adjoint-first-rendering": "test_errata_seeds.py::test_adjoint_first_rendering",
    "lecture-metric-derivative-variable": "test_errata_seeds.py::test_metric_derivative_variable",
    "lecture-backprop-citation": "test_errata_seeds.py::test_bibliographic_errata_cite_a_record",
    "lecture-stochastic-approximation-years": "test_errata_seeds.py::test_bibliographic_errata_cite_a_record",
}
#: shown by lessons 2 and 3 (not re-executed with this change): decided_by still names the lesson's
#: computation only; the map above names the test
NAMED_ELSEWHERE = {"lecture-db-wrt", "lecture-adjoint-bar"}
#: decided by a published record, not by a computation (the erratum names the record)
BIBLIOGRAPHIC = {"lecture-backprop-citation": ["10.1038/323533a0"],
                 "lecture-stochastic-approximation-years": ["10.1214/aoms/1177729586",
                                                            "10.1214/aoms/1177729392"]}


def seed_errata() -> dict[str, dict]:
    out = {}
    for name in SEED_FILES:
        for entry in tomllib.loads((ERRATA_DIR / name).read_text(encoding="utf-8"))["erratum"]:
            out[entry["id"]] = entry
    return out


def test_every_erratum_of_the_three_seeds_has_a_deciding_test():
    errata = seed_errata()
    assert set(errata) == set(DECIDED_BY), (
        f"errata without a deciding test: {sorted(set(errata) - set(DECIDED_BY))}; "
        f"tests for missing errata: {sorted(set(DECIDED_BY) - set(errata))}")
    sources = {f: (HERE / f).read_text(encoding="utf-8")
               for f in ("test_errata_seeds.py", "test_errata_claims.py")}
    for eid, where in DECIDED_BY.items():
        file, test = where.split("::")
        assert re.search(rf"^def {test}\(", sources[file], re.M), f"{eid}: no test {where}"
        if eid not in NAMED_ELSEWHERE:
            assert f"tests/course/{where}" in errata[eid]["decided_by"], f"{eid}: decided_by must name {where}"


def test_bibliographic_errata_cite_a_record():
    """lecture-backprop-citation, lecture-stochastic-approximation-years: no computation can
    decide a year; the erratum must name the record (DOI) it was checked against."""
    errata = seed_errata()
    for eid, dois in BIBLIOGRAPHIC.items():
        for doi in dois:
            assert doi in errata[eid]["correct"], (eid, doi)
        assert "not a computation" in errata[eid]["decided_by"], eid


# --- ANN lecture ------------------------------------------------------------------------------

def cross_entropy(p, q):
    return -sum(pk * sp.log(qk) for pk, qk in zip(p, q) if pk != 0)    # 0 ln 0 = 0


def test_loss_is_not_a_metric():
    """lecture-loss-metric: CE is not symmetric and CE(p, p) != 0; squared error has no triangle
    inequality. Exact SymPy values, so no tolerance is needed."""
    p, q = (sp.Rational(1, 2), sp.Rational(1, 2)), (sp.Rational(9, 10), sp.Rational(1, 10))
    assert sp.simplify(cross_entropy(p, p) - sp.log(2)) == 0 and cross_entropy(p, p) != 0
    asym = sp.simplify(cross_entropy(p, q) - cross_entropy(q, p))
    assert sp.simplify(asym - sp.log(sp.Rational(5, 3))) == 0 and asym.is_positive, asym  # not symmetric
    assert round(float(cross_entropy(p, q)), 3) == 1.204 and round(float(cross_entropy(q, p)), 3) == 0.693
    # a one-hot target gives CE(y, y) = 0: the identity axiom fails only for soft targets
    assert cross_entropy((1, 0), (1, 0)) == 0
    d = lambda a, b: (a - b) ** 2                       # noqa: E731  squared error of one output
    assert d(0, 2) == 4 and d(0, 1) + d(1, 2) == 2 and d(0, 2) > d(0, 1) + d(1, 2)
    # its square root |a - b| is a metric: the triangle inequality holds on a grid of triples
    grid = range(-3, 4)
    assert all(abs(a - c) <= abs(a - b) + abs(b - c) for a in grid for b in grid for c in grid)


def test_autodiff_is_not_numerical_gradient_checking():
    """lecture-numerical-gradient-ad: reverse-mode AD on the lecture's f gives the derivative with
    no step size; a central difference has truncation error f'''(x) h^2 / 6 = h^2 / 24 at x1 = 2
    (f''' = 2 / x1^3), the next Taylor term f^(5) h^4 / 120 = (3/4) h^4 / 120 is < 0.2% of it for
    h <= 0.1, so the error lies within 1% of h^2 / 24."""
    x1, x2 = Value(2.0), Value(5.0)
    y = lecture_example(x1, x2)
    y.backward()
    # 1/x1 + x2 = 0.5 + 5 is exact in binary floating point; 2 - cos 5 to rounding
    assert x1.grad == 5.5 and abs(x2.grad - (2 - np.cos(5.0))) <= 4 * np.finfo(float).eps
    f = lambda a: np.log(a) + a * 5.0 - np.sin(5.0)   # noqa: E731
    errors = {h: (f(2 + h) - f(2 - h)) / (2 * h) - 5.5 for h in (0.1, 0.05)}
    for h, err in errors.items():
        assert abs(err / (h ** 2 / 24) - 1) < 0.01, (h, err, "expected h^2/24 within 1%")
    ratio = errors[0.1] / errors[0.05]
    assert 3.9 < ratio < 4.1, f"halving h divides the error by ~4 (second order), got {ratio}"


def test_linear_derivative_index():
    """lecture-linear-derivative-index: z^[l+1] = G^[l+1](y^[l]), so dG^[i+1]/dy^[i] = W^[i]
    and G^[i] does not depend on y^[i]."""
    x = sp.Matrix(sp.symbols("x1:3"))
    W0, W1 = sp.Matrix(2, 2, sp.symbols("a1:5")), sp.Matrix(2, 2, sp.symbols("w1:5"))
    b0, b1 = sp.Matrix(sp.symbols("b1:3")), sp.Matrix(sp.symbols("c1:3"))
    y1 = sp.Matrix(sp.symbols("y1_1:3"))                 # y^[1] = F(z^[1]), a variable of its own
    z1 = W0 * x + b0                                     # z^[1] = G^[1](y^[0]), y^[0] = x
    z2 = W1 * y1 + b1                                    # z^[2] = G^[2](y^[1])
    assert z2.jacobian(y1) == W1
    assert z1.jacobian(y1) == sp.zeros(2, 2)             # printed dG^[1]/dy^[1] would be this


def test_activation_backward_needs_diag():
    """lecture-dLdz-activation-product: in numerator layout dL/dz = dL/dv diag(sigma'(z))."""
    z = sp.Matrix(sp.symbols("z1:4"))
    sig = lambda t: 1 / (1 + sp.exp(-t))                 # noqa: E731
    v = z.applyfunc(sig)
    u = sp.Matrix(sp.symbols("u1:4"))
    L = (u.T * v)[0]                                     # a loss with dL/dv = u^T
    dL_dv = u.T                                          # 1 x 3 row (numerator layout)
    dsig = z.applyfunc(lambda t: sp.diff(sig(t), t))     # 3 x 1 column sigma'(z)
    direct = sp.Matrix([[sp.diff(L, zi) for zi in z]])   # 1 x 3
    assert (dL_dv * dsig).shape == (1, 1)                # the printed product: a number
    assert (dL_dv * sp.diag(*dsig) - direct).applyfunc(sp.simplify) == sp.zeros(1, 3)
    assert (dL_dv.multiply_elementwise(dsig.T) - direct).applyfunc(sp.simplify) == sp.zeros(1, 3)


def test_numerator_layout_rows():
    """lecture-dLdy-row: dL/dy of L = 1/2 ||y - c||^2 is the row (y - c)^T."""
    K, m = 2, 3
    y, c = sp.Matrix(sp.symbols("y1:3")), sp.Matrix(sp.symbols("c1:3"))
    L = ((y - c).T * (y - c))[0] / 2
    row = sp.Matrix([L]).jacobian(y)
    assert row == (y - c).T and row.shape == (1, K)
    W2 = sp.Matrix(K, m, sp.symbols(f"w1:{K * m + 1}"))
    assert (row * W2).shape == (1, m)
    with pytest.raises(sp.ShapeError):
        (y - c) * W2                                     # the printed column: undefined


def test_dW_layer_index():
    """lecture-dW-layer-index: v dL/dy is dL/dW^[2] transposed, never dL/dW^[1] (3-4-2 net)."""
    d, m, K = 3, 4, 2
    x = sp.Matrix(sp.symbols(f"x1:{d + 1}"))
    W1 = sp.Matrix(m, d, sp.symbols(f"p1:{m * d + 1}"))
    W2 = sp.Matrix(K, m, sp.symbols(f"q1:{K * m + 1}"))
    c = sp.Matrix(sp.symbols(f"c1:{K + 1}"))
    z = W1 * x
    v = z.applyfunc(lambda t: 1 / (1 + sp.exp(-t)))
    y = W2 * v
    L = ((y - c).T * (y - c))[0] / 2
    dL_dy = (y - c).T
    dW2 = sp.Matrix(K, m, lambda i, j: sp.diff(L, W2[i, j]))
    assert (dW2 - dL_dy.T * v.T).applyfunc(sp.simplify) == sp.zeros(K, m)
    printed = v * dL_dy                                   # m x K
    assert printed.shape == (m, K) and printed.T.shape == W2.shape
    assert printed.shape != W1.shape and printed.T.shape != W1.shape


def test_adjoint_first_rendering():
    """lecture-adjoint-first-rendering: v2 = v_-1 v0 does not depend on v1 = ln v_-1."""
    vm1, v0, v1 = sp.symbols("v_m1 v0 v1")
    v2 = vm1 * v0
    assert sp.diff(v2, v1) == 0
    assert sp.diff(v2, vm1).subs(v0, 5) == 5             # bar v2 = 1 times v0: the printed value 5


def test_adjoint_bar_factor():
    """lecture-adjoint-bar: bar v4 = dy/dv4 = 1 is a constant, so d(bar v4)/dv1 = 0; dv4/dv1 = 1."""
    v1, v2, v3 = sp.symbols("v1 v2 v3")
    v4 = v1 + v2
    y = v4 - v3
    bar_v4 = sp.diff(y.subs(v1 + v2, sp.Symbol("v4")), sp.Symbol("v4"))
    assert bar_v4 == 1 and sp.diff(bar_v4, v1) == 0 and sp.diff(v4, v1) == 1


def test_cross_entropy_index():
    """lecture-ce-index: the printed ln(z_i) does not depend on the label; ln(z^(i)_k) does."""
    Zp = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])    # rows: samples, probabilities
    def printed(labels):
        return -np.mean([sum((labels[i] == k) * np.log(Zp[i, i]) for k in range(3)) for i in range(2)])
    def corrected(labels):
        return -np.mean([np.log(Zp[i, labels[i]]) for i in range(2)])
    assert printed([0, 2]) == printed([1, 0])            # any labels: the same value
    assert corrected([0, 2]) != corrected([1, 0])
    logits = np.log(Zp)                                  # softmax(log p) = p for rows summing to 1
    loss = nnlib.SoftmaxCrossEntropyLoss()
    assert abs(loss.forward(logits, np.array([0, 2])) - corrected([0, 2])) < 1e-12


def test_mlp_gradients():
    """lecture-mlp-db, lecture-mlp-hidden-name: dy_i/db_i = 1 (not v_j) and the backward pass
    dL/dz_i = dL/dv_i sigma'(z_i) holds with v_i = sigma(z_i)."""
    x = sp.Matrix(sp.symbols("x1:3"))
    W1, b1 = sp.Matrix(2, 2, sp.symbols("a1:5")), sp.Matrix(sp.symbols("b1:3"))
    W2, b2 = sp.Matrix(2, 2, sp.symbols("w1:5")), sp.Matrix(sp.symbols("d1:3"))
    c = sp.Matrix(sp.symbols("c1:3"))
    z = W1 * x + b1
    v = z.applyfunc(lambda t: 1 / (1 + sp.exp(-t)))
    y = W2 * v + b2
    L = sum((y[k] - c[k]) ** 2 for k in range(2)) / 2
    for i in range(2):
        assert sp.diff(y[i], b2[i]) == 1
        assert sp.simplify(sp.diff(L, b2[i]) - (y[i] - c[i])) == 0
    vs = sp.Matrix(sp.symbols("v1:3"))
    Lv = sum(((W2 * vs + b2)[k] - c[k]) ** 2 for k in range(2)) / 2
    for i in range(2):
        chain = sp.diff(Lv, vs[i]).subs(dict(zip(vs, v))) * v[i] * (1 - v[i])   # sigma' = v (1 - v)
        direct = sp.diff(L, b1[i])                       # dz_i/db1_i = 1
        assert sp.simplify(chain - direct) == 0         # dL/db1_i = dL/dz_i = dL/dv_i sigma'(z_i)


def test_leaky_relu_kink():
    """lecture-leaky-relu-derivative-at-0: one-sided quotients at 0 are 0.01 and 1 for all h
    (both pieces are linear, so no truncation error: equality to rounding, 1e-12)."""
    act = nnlib.LeakyReLU(0.01)
    for h in (1e-1, 1e-4, 1e-8):
        left = (act.f(np.array(0.0)) - act.f(np.array(-h))) / h
        right = (act.f(np.array(h)) - act.f(np.array(0.0))) / h
        assert abs(left - 0.01) < 1e-12 and abs(right - 1) < 1e-12


# --- AI-Library -------------------------------------------------------------------------------

def test_ailib_forward_is_W_x():
    """ailib-forward-transpose: the expanded form y_j = sum_i w_ji x_i + b_j is W x + b;
    W^T x does not exist for a 2 x 3 W and a 3-vector x."""
    W = sp.Matrix(2, 3, lambda j, i: sp.Symbol(f"w{j}{i}"))
    x, b = sp.Matrix(sp.symbols("x0:3")), sp.Matrix(sp.symbols("b0:2"))
    expanded = sp.Matrix([sum(W[j, i] * x[i] for i in range(3)) + b[j] for j in range(2)])
    assert W * x + b == expanded
    with pytest.raises(sp.ShapeError):
        W.T * x


def test_ailib_activation_backward():
    """ailib-activation-hadamard: dE/dX = diag(f'(X)) dE/dY = dE/dY * f'(X); the Hadamard
    product with the Jacobian matrix dY/dX is undefined."""
    X = sp.Matrix(sp.symbols("x1:4"))
    sig = lambda t: 1 / (1 + sp.exp(-t))                 # noqa: E731
    Y = X.applyfunc(sig)
    g = sp.Matrix(sp.symbols("g1:4"))                     # dE/dY, E = g . Y
    E = (g.T * Y)[0]
    direct = sp.Matrix([sp.diff(E, xi) for xi in X])
    J = Y.jacobian(X)                                     # dY/dX
    assert J.is_diagonal() and J.shape == (3, 3)
    fprime = sp.Matrix([J[i, i] for i in range(3)])
    assert (sp.diag(*fprime) * g - direct).applyfunc(sp.simplify) == sp.zeros(3, 1)
    assert (g.multiply_elementwise(fprime) - direct).applyfunc(sp.simplify) == sp.zeros(3, 1)
    with pytest.raises(sp.ShapeError):
        g.multiply_elementwise(J)                         # the printed dE/dY o dY/dX
    # numpy does not raise: broadcasting turns the printed product into a 3 x 3 matrix
    rng = np.random.default_rng(1)
    x, gn = rng.normal(size=3), rng.normal(size=3)
    s = nnlib.sigmoid(x)
    Jn = np.diag(s * (1 - s))
    assert (gn[:, None] * Jn).shape == (3, 3)
    layer = nnlib.Sigmoid()
    layer.forward(x[None, :])
    assert np.allclose(layer.backward(gn[None, :])[0], Jn @ gn, rtol=0, atol=1e-15)


# --- Meeting notes ----------------------------------------------------------------------------

def test_z_sum_over_j_previous_layer():
    """notes-z-sum-index: component i of W^(l) a^(l-1) + b^(l) is b_i + sum_j w_ij a_j^(l-1).
    The printed sum_{i=1}^{n_(l-1)} w_ij a_j^(l), read literally for 3 inputs and 2 neurons, uses a
    third row of W that does not exist, leaves j free and uses the layer's own output a^(l)."""
    W = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"w{i + 1}{j + 1}"))
    a_prev, b = sp.Matrix(sp.symbols("p1:4")), sp.Matrix(sp.symbols("b1:3"))
    z = W * a_prev + b
    for i in range(2):
        assert z[i] == b[i] + sum(W[i, j] * a_prev[j] for j in range(3))
    i, j = sp.symbols("i j", integer=True)
    w, a_this = sp.IndexedBase("w"), sp.IndexedBase("a")
    printed_sum = sp.Sum(w[i, j] * a_this[j], (i, 1, 3)).doit()
    rows = {t.indices[0] for t in printed_sum.atoms(sp.Indexed) if t.base == w}
    assert rows == {1, 2, 3} and max(rows) > W.rows
    assert j in printed_sum.free_symbols and i not in printed_sum.free_symbols
    assert printed_sum.has(a_this)


def test_cost_uses_output_layer():
    """notes-cost-layer: y has n_L entries; only a^(L) of a 3-4-2 network can be subtracted."""
    net = nnlib.Sequential(nnlib.Linear(3, 4, rng=0), nnlib.Sigmoid(), nnlib.Linear(4, 2, rng=1))
    x, y = np.ones((1, 3)), np.zeros((1, 2))
    hidden = net.layers[1].forward(net.layers[0].forward(x))
    assert net.forward(x).shape == y.shape and hidden.shape != y.shape


def _per_sample_setup():
    rng = np.random.default_rng(3)
    net = nnlib.Sequential(nnlib.Linear(3, 4, rng=0), nnlib.Sigmoid(), nnlib.Linear(4, 2, rng=1))
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    return net, X, Y


def _grad(net, X, Y):
    """Gradient of the mean over samples of ||a^(L) - y||^2 (the notes' C) for all weights."""
    net.zero_grad()
    out = net.forward(X)
    net.backward(2 * (out - Y) / len(X))
    return np.concatenate([p.grad.ravel() for p in net.parameters()])


def test_gradient_sum_has_N_terms():
    """notes-grad-sum-range: C = (1/N) sum_{k=1}^N C_k has N per-sample terms, not N + 1, and
    grad C = (1/N) sum_k grad C_k (same direction as the sum). Floats: 1e-12 on O(1) values."""
    net, X, Y = _per_sample_setup()
    N = len(X)
    per_sample = [_grad(net, X[k:k + 1], Y[k:k + 1]) for k in range(N)]
    assert len(range(1, N + 1)) == N and len(range(0, N + 1)) == N + 1
    assert np.allclose(_grad(net, X, Y), sum(per_sample) / N, rtol=0, atol=1e-12)


def test_dC_da_k_uses_w_jk():
    """notes-dcda-index: dz_j/da_k = w_jk."""
    W = sp.Matrix(2, 3, lambda j, k: sp.Symbol(f"w{j + 1}{k + 1}"))
    a = sp.Matrix(sp.symbols("a1:4"))
    z = W * a
    for j in range(2):
        for k in range(3):
            assert sp.diff(z[j], a[k]) == W[j, k]


def test_minibatch_step_uses_one_batch():
    """notes-sgd-batch-index: with B = 2 batches of N/B = 3 samples, the printed sum over
    k = 1..N/B with a fixed b runs past the B batches and mixes positions of different batches;
    the batch-k gradient is the sum over its own samples b = 1..N/B."""
    N, B = 6, 2
    batches = [list(range(k * N // B, (k + 1) * N // B)) for k in range(B)]   # C_{k,b}: sample b of batch k
    printed_terms = [(k, 0) for k in range(N // B)]                             # sum over k = 1..N/B, b fixed
    assert any(k >= B for k, _ in printed_terms)                                # batch index out of range
    assert {batches[k][0] for k in range(B)} != set(batches[0])
    net, X, Y = _per_sample_setup()
    X, Y = np.vstack([X, X[:1]]), np.vstack([Y, Y[:1]])                         # N = 6
    g_batch = _grad(net, X[batches[0]], Y[batches[0]])
    assert np.allclose(g_batch, sum(_grad(net, X[[s]], Y[[s]]) for s in batches[0]) / (N // B),
                       rtol=0, atol=1e-12)


def test_gradient_vector_indices():
    """notes-grad-vector-index: 1-based weight indices of layer 1 start at (1, 1); the count of
    all weights and biases of a 3-4-2 network is sum_l n_l (n_(l-1) + 1) = 26."""
    n = [3, 4, 2]
    layer1 = {(i, j) for i in range(1, n[1] + 1) for j in range(1, n[0] + 1)}
    assert (0, 0) not in layer1 and (1, 1) in layer1 and (n[1], n[0]) in layer1
    count = sum(n[l] * (n[l - 1] + 1) for l in range(1, len(n)))
    net = nnlib.Sequential(nnlib.Linear(3, 4, rng=0), nnlib.Sigmoid(), nnlib.Linear(4, 2, rng=1))
    assert count == 26 == sum(p.data.size for p in net.parameters())


def test_metric_derivative_variable():
    """lecture-metric-derivative-variable: the loss's own derivative is with respect to the output
    y^[m] = F(z^[m]); with respect to z^[m] it also contains F'. Cross-entropy needs y^[m]."""
    z, c = sp.symbols("z c", real=True)
    y = 1 / (1 + sp.exp(-z))
    yv = sp.Symbol("y", real=True)
    L = (yv - c) ** 2 / 2
    dL_dy = sp.diff(L, yv)
    dL_dz = sp.diff(L.subs(yv, y), z)
    assert dL_dy == yv - c
    assert sp.simplify(dL_dz - dL_dy.subs(yv, y) * y * (1 - y)) == 0
    assert sp.simplify(dL_dz - dL_dy.subs(yv, y)) != 0          # differ unless F is the identity
    logits = sp.Matrix([-1, 2])
    probs = logits.applyfunc(sp.exp) / sum(logits.applyfunc(sp.exp))
    assert not sp.log(logits[0]).is_real and sp.log(probs[0]).is_real


def test_every_erratum_is_shown_in_its_lesson():
    """Each erratum of the three seeds appears (quoted id) in the master notebook of its lesson
    (lesson 0 is 00_errata), so a reader meets it where the course meets the mistake."""
    root = HERE.parents[1] / "solutions"
    for eid, entry in seed_errata().items():
        [path] = root.glob(f"{entry['lesson']:02d}_*.ipynb")
        source = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
        assert f'"{eid}"' in source, f"{eid}: not shown in {path.name}"
