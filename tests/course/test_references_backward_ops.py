"""The lesson-13 references are right: each gradient matches central differences of its forward.

gradcheck's default tolerance 1e-7 (relative, floor 1) is far above the central-difference error
(~1e-10 for these O(1) inputs with eps = 1e-6, see lesson 12), so a wrong formula cannot pass.
Cases with huge logits are skipped for gradcheck (softmax saturates there) and checked for
finiteness instead.
"""
from __future__ import annotations

import numpy as np
import pytest

import nnlib
from nnlib.course.agreement import compare_formula_with_code, formula_value, gradcheck_summary
from nnlib.course.bughunt import check_each_gradient, unpack_tanh_layer_grads
from nnlib.course.references import backward_ops as ref

RNG = np.random.default_rng(1)


def small(cases, limit=50.0):
    return [c for c in cases if all(np.max(np.abs(np.asarray(a)), initial=0) < limit for a in c)]


def test_logsumexp_is_finite_and_exact_where_naive_overflows():
    for (Z,) in ref.logsumexp_cases(np.random.default_rng(0)):
        out = ref.stable_logsumexp(Z)
        assert out.shape == (Z.shape[0],) and np.all(np.isfinite(out))
        # identity lse(Z) = max + log(sum exp(Z - max)) >= max, and <= max + log(C)
        assert np.all(out >= Z.max(axis=1)) and np.all(out <= Z.max(axis=1) + np.log(Z.shape[1]) + 1e-12)
    with np.errstate(over="ignore"):
        assert not np.all(np.isfinite(np.log(np.exp(ref.logsumexp_cases(np.random.default_rng(0))[1][0]).sum(axis=1))))


def test_logsumexp_backward_matches_central_differences():
    for Z, d in small(ref.logsumexp_backward_cases(np.random.default_rng(0))):
        r = nnlib.gradcheck(ref.stable_logsumexp, Z, dout=d, grad_fn=lambda Z_, D: ref.logsumexp_backward(Z_, D))
        assert r.ok, r.message


def test_softmax_vjp_matches_central_differences_and_the_jacobian():
    for Z, dS in small(ref.softmax_vjp_cases(np.random.default_rng(0))):
        r = nnlib.gradcheck(lambda Z_: nnlib.softmax(Z_, axis=1), Z, dout=dS,
                            grad_fn=lambda Z_, D: ref.softmax_vjp(Z_, D))
        assert r.ok, r.message
        for z, g, out in zip(Z, dS, ref.softmax_vjp(Z, dS)):     # explicit J = diag(s) - s s^T
            s = nnlib.softmax(z)
            assert np.allclose((np.diag(s) - np.outer(s, s)).T @ g, out, rtol=1e-12, atol=1e-15)


def test_linear_l2_matches_central_differences():
    for X, W, dY, lam in ref.linear_l2_cases(np.random.default_rng(0)):
        f = lambda W_: float(np.sum(dY * (X @ W_.T)) + lam / 2 * np.sum(W_**2))
        assert nnlib.gradcheck(f, W, grad_fn=lambda W_: ref.linear_l2_dW(X, W_, dY, lam)).ok


def test_residual_matches_central_differences():
    for X, W, b, dY in ref.residual_cases(np.random.default_rng(0)):
        r = nnlib.gradcheck(lambda X_: X_ + np.tanh(X_ @ W.T + b), X, dout=dY,
                            grad_fn=lambda X_, D: ref.residual_tanh_dX(X_, W, b, D))
        assert r.ok, r.message


def test_center_backward_matches_central_differences():
    for X, dY in ref.center_cases(np.random.default_rng(0)):
        r = nnlib.gradcheck(lambda X_: X_ - X_.mean(axis=0), X, dout=dY,
                            grad_fn=lambda X_, D: ref.center_backward(X_, D))
        assert r.ok, r.message


def test_bilinear_matches_central_differences():
    for X1, A, X2, dy in ref.bilinear_cases(np.random.default_rng(0)):
        r = nnlib.gradcheck(lambda A_: ((X1 @ A_) * X2).sum(axis=1), A, dout=dy,
                            grad_fn=lambda A_, D: ref.bilinear_dA(X1, A_, X2, D))
        assert r.ok, r.message


def test_tanh_layer_grads_equal_nnlib_and_the_bug_is_only_in_db():
    for X, W, b, dY in ref.tanh_layer_cases(np.random.default_rng(0)):
        net = nnlib.Sequential(nnlib.Linear.from_weights(W, b), nnlib.Tanh())
        net.zero_grad()
        net.forward(X)
        dX = net.backward(dY)
        good = unpack_tanh_layer_grads(ref.tanh_layer_grads(X, W, b, dY), X.shape, W.shape)
        bad = unpack_tanh_layer_grads(ref.buggy_tanh_layer_grads(X, W, b, dY), X.shape, W.shape)
        assert np.allclose(good["X"], dX) and np.allclose(good["W"], net[0].weight.grad)
        assert np.allclose(good["b"], net[0].bias.grad)
        assert np.array_equal(bad["X"], good["X"]) and np.array_equal(bad["W"], good["W"])
        assert not np.allclose(bad["b"], good["b"])


def test_check_each_gradient_finds_exactly_the_planted_bug(capsys):
    X, W, b, dY = ref.tanh_layer_cases(np.random.default_rng(0))[0]
    assert check_each_gradient(ref.tanh_layer_grads, X, W, b, dY) == {"X": [], "W": [], "b": []}
    wrong = check_each_gradient(ref.buggy_tanh_layer_grads, X, W, b, dY)
    # the bug sums dY instead of dZ = dY * (1 - T^2): every bias entry is wrong (0 < 1 - T^2 < 1)
    assert wrong == {"X": [], "W": [], "b": [[j] for j in range(W.shape[0])]}
    assert "db: WRONG at entries" in capsys.readouterr().out


@pytest.mark.parametrize("call, message", [
    (lambda: ref.stable_logsumexp(np.zeros(3)), "Z must be"),
    (lambda: ref.softmax_vjp(np.zeros((2, 3)), np.zeros((3, 2))), "one shape"),
    (lambda: ref.linear_l2_dW(np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 2)), 0.1), "do not fit"),
    (lambda: ref.residual_tanh_dX(np.zeros((2, 3)), np.zeros((3, 2)), np.zeros(3), np.zeros((2, 3))), "residual block"),
    (lambda: ref.bilinear_dA(np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 2)), np.zeros(2)), "bilinear"),
    (lambda: unpack_tanh_layer_grads(np.zeros(5), (2, 3), (2, 3)), "does not fit"),
])
def test_bad_shapes_get_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------ nnlib.course.agreement
def test_formula_value_scalar_and_matrix():
    s, g = RNG.random((4, 1)), RNG.standard_normal((4, 1))
    assert np.allclose(formula_value("hadamard(s, g) - s @ s.T @ g", {"s": s, "g": g}), s * g - s * (s.T @ g))
    assert formula_value(["ignored(", "1 + w*x"], {"w": 2.0, "x": 3.0}) == 7.0   # last step only
    with pytest.raises(ValueError, match="cannot read"):
        formula_value("1 + q", {"w": 1.0})


def test_compare_formula_with_code_agrees_disagrees_and_not_attempted():
    pts = [({"u": np.ones((3, 1)), "v": np.full((2, 1), 2.0)}, lambda: np.full((3, 2), 2.0))]
    assert compare_formula_with_code("u @ v.T", pts).ok is True
    assert compare_formula_with_code("2*u @ v.T", pts).ok is False
    assert compare_formula_with_code(..., pts).ok is None

    def stub():
        raise NotImplementedError

    assert compare_formula_with_code("u @ v.T", [(pts[0][0], stub)]).ok is None
    assert "shape" in compare_formula_with_code("v @ u.T", pts).message


def test_gradcheck_summary_has_no_machine_dependent_digits_when_passing():
    r = nnlib.gradcheck(np.tanh, RNG.standard_normal(3), grad_fn=lambda x, d: d * (1 - np.tanh(x) ** 2))
    assert gradcheck_summary(r) == "gradcheck passed (every error below 1e-07)"
    bad = nnlib.gradcheck(np.tanh, RNG.standard_normal(3), grad_fn=lambda x, d: d)
    assert gradcheck_summary(bad).startswith("gradcheck FAILED in input")
