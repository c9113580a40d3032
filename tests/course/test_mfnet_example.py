"""The mfnet report's worked example (seed 002, section 3.3): exact SymPy vs nnlib vs print.

Every expected number here is derived in the test (explicit loops, direct symbolic
differentiation, or nnlib); the report's printed matrices appear only as the values
that are shown to be wrong or inconsistent.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from nnlib import SGD, MSELoss
from nnlib.course import mfnet
from nnlib.course.mfnet import INPUTS, PRINTED

W_KEYS = ("W1", "W2", "W3")


def _as_float(M: sp.Matrix) -> np.ndarray:
    return np.array(M.tolist(), dtype=np.float64)


def _batch() -> tuple[np.ndarray, np.ndarray]:
    """The report's X (2 x 4) and Y (1 x 4) as nnlib batches (4, 2) and (4, 1)."""
    return _as_float(INPUTS["X"]).T, _as_float(INPUTS["Y"]).T


@pytest.fixture(scope="module")
def exact() -> dict:
    return mfnet.chain()


def test_forward_by_hand_loops(exact):
    # Z = W A with explicit sums, independent of SymPy's matrix product.
    A = [[1, 1, 1, 1]] + INPUTS["X"].tolist()
    for key in W_KEYS:
        W = INPUTS[key].tolist()
        A = [[sum(W[j][k] * A[k][i] for k in range(len(A))) for i in range(4)] for j in range(len(W))]
        assert sp.Matrix(A) == exact["Z" + key[1]]
    target = [1, 1, 2, 2]
    J = sp.Rational(sum((A[1][i] - target[i]) ** 2 for i in range(4)), 4)
    assert exact["J"] == J


def test_backprop_equals_direct_symbolic_differentiation(exact):
    grads = mfnet.symbolic_gradients()
    for l, G in enumerate(grads, start=1):
        assert G == exact[f"dW{l}"], f"dW{l}"


@pytest.mark.parametrize("absorb_bias", [True, False])
def test_nnlib_matches_exact(exact, absorb_bias):
    X, Y = _batch()
    net = mfnet.nnlib_network(absorb_bias=absorb_bias)
    loss = MSELoss()
    J = loss(net(X), Y)
    # One output feature: MSELoss's mean over m*1 elements equals the report's (1/m) sum.
    assert J == pytest.approx(float(exact["J"]), rel=1e-14)
    net.backward(loss.backward())
    linears = net.layers[::2]
    for l, lin in enumerate(linears, start=1):
        dW = _as_float(exact[f"dW{l}"])[1:]  # drop the fixed bias-copy row
        got = lin.weight.grad if absorb_bias else np.column_stack([lin.bias.grad, lin.weight.grad])
        np.testing.assert_allclose(got, dW, rtol=1e-14, atol=1e-12)
    SGD(net.parameters(), lr=float(mfnet.ETA)).step()
    for l, lin in enumerate(linears, start=1):
        W_new = _as_float(exact[f"W{l}_new"])[1:]
        got = lin.weight.data if absorb_bias else np.column_stack([lin.bias.data, lin.weight.data])
        np.testing.assert_allclose(got, W_new, rtol=1e-14, atol=1e-12)


def test_mse_loss_divides_by_all_elements_report_by_samples():
    rng = np.random.default_rng(0)
    Y_hat, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    report_J = np.sum((Y_hat - Y) ** 2) / Y.shape[0]
    assert MSELoss()(Y_hat, Y) == pytest.approx(report_J / Y.shape[1], rel=1e-12)


def test_printed_z1_is_impossible():
    # Samples 1 and 2 of X are identical, so columns 1 and 2 of W1 A0 agree for EVERY W1.
    X = INPUTS["X"]
    assert X.col(0) == X.col(1)
    W1 = sp.Matrix(4, 3, lambda i, j: sp.Symbol(f"w_{i}{j}"))
    Z1 = W1 * mfnet.augment(X)
    assert (Z1.col(0) - Z1.col(1)).expand().is_zero_matrix
    assert PRINTED["Z1"].col(0) != PRINTED["Z1"].col(1)


def test_printed_chain_local_consistency():
    # What the notebook states: each printed step recomputed from the printed step before it.
    r = mfnet.recompute_printed_steps()
    verdicts = {k: mfnet.verdict(PRINTED[k], r[k]) for k in PRINTED}
    assert verdicts.pop("Z1") == "MISMATCH"
    assert verdicts.pop("dJdY") == "printed = computed/2"
    assert verdicts.pop("dW1") == "printed = 2 x computed"
    assert verdicts.pop("dA0") == "MISMATCH"
    assert set(verdicts.values()) == {"match"}
    # dA0: only row 1 (0-based) is off.
    diff = PRINTED["dA0"] - r["dA0"]
    assert [i for i in range(diff.rows) if any(diff.row(i))] == [1]


def test_chain_from_printed_z1_reproduces_printed_forward():
    p = mfnet.chain(Z1=PRINTED["Z1"])
    for k in ("Z2", "Z3", "J"):
        assert mfnet.verdict(PRINTED[k], p[k]) == "match"
    assert mfnet.verdict(PRINTED["dW3"], p["dW3"]) == "printed = computed/2"


def test_true_update_of_w3(exact):
    # dW3 row 1 = Delta3 row 1 . A2 rows, Delta3 = (2/4)(Y_hat - Y); then W3 - 4 dW3.
    y_hat = exact["Z3"].row(1)
    delta = [sp.Rational(2, 4) * (y_hat[i] - INPUTS["Y"][i]) for i in range(4)]
    A2 = exact["Z2"]
    dW3_row = [sum(delta[i] * A2[k, i] for i in range(4)) for k in range(3)]
    assert list(exact["dW3"].row(1)) == dW3_row
    assert list(exact["W3_new"].row(1)) == [INPUTS["W3"][1, k] - 4 * dW3_row[k] for k in range(3)]


def test_bad_input_raises():
    with pytest.raises(TypeError, match="SymPy Matrix"):
        mfnet.augment([[1, 2]])
    with pytest.raises(ValueError, match="shape"):
        mfnet.loss(sp.ones(2, 4), sp.ones(1, 4))
    with pytest.raises(ValueError, match="W2 has shape"):
        mfnet.chain(weights=[INPUTS["W1"], INPUTS["W3"], INPUTS["W3"]])


def test_verdict_and_side_by_side():
    M = sp.Matrix([[1, 2]])
    assert mfnet.verdict(M, M) == "match"
    assert mfnet.verdict(M, 2 * M) == "printed = computed/2"
    assert mfnet.verdict(2 * M, M) == "printed = 2 x computed"
    assert mfnet.verdict(M, sp.Matrix([[1, 3]])) == "MISMATCH"
    assert mfnet.verdict(M, M.T) == "MISMATCH"
    text = mfnet.side_by_side(["a"], {"a": M / 4}, {"a": M})
    assert text.splitlines()[0] == "a: MISMATCH" and "1/4 x [1 2]" in text
    text = mfnet.side_by_side(["a"], {"a": M / 2}, {"a": M}, denominator=4)
    assert "1/4 x [2 4]" in text and "1/4 x [4 8]" in text
    assert "1/3 x [1 2]" in mfnet.side_by_side(["a"], {"a": M / 3}, {"a": M}, denominator=4)  # 4 does not fit


def test_bank_answers_are_the_intended_example():
    from nnlib.course.bank import load_bank

    bank = load_bank()
    intended = mfnet.reading(mfnet.intended_inputs())
    slip = mfnet.reading(mfnet.intended_inputs(), dJdY_factor=sp.Rational(1, 4))
    # 6.6 counted here with an explicit loop over the printed keys, not with explains()
    count = sum(1 for k in PRINTED if sp.Matrix([PRINTED[k]]) == sp.Matrix([slip[k]]))
    values = {"6.1": intended["Z1"][3, 2], "6.2": sp.ImmutableMatrix(intended["dJdY"]),
              "6.3": sp.ImmutableMatrix(intended["dW3"]), "6.4": sp.ImmutableMatrix(intended["W3_new"]),
              "6.6": count}
    for qid, value in values.items():
        assert bank[qid].check(value), qid
    assert count == 16
    literal = mfnet.chain()
    # the literal reading's values and the report's printed (halved) gradients are rejected
    assert not bank["6.1"].check(literal["Z1"][3, 2])
    assert not bank["6.2"].check(sp.ImmutableMatrix(PRINTED["dJdY"]))
    assert not bank["6.3"].check(sp.ImmutableMatrix(PRINTED["dW3"]))
    assert not bank["6.3"].check(sp.ImmutableMatrix(literal["dW3"]))
    assert not bank["6.4"].check(sp.ImmutableMatrix(PRINTED["W3_new"]))
    assert not bank["6.6"].check(len(mfnet.explains(intended)))


# ------------------------------------------------------------------ the intended example
# The corrected inputs: the printed ones with X[1, 1] = 3 and W1[3, 1] = 1, the only pair
# of edits that reproduces the printed forward pass (tests/course/test_mfnet_typo_search.py).

def _intended():
    X, W1 = INPUTS["X"].copy(), INPUTS["W1"].copy()
    X[1, 1], W1[3, 1] = 3, 1
    return {**INPUTS, "X": X, "W1": W1}


def _loop_forward(I):
    """Z1, Z2, Z3 and J with explicit sums (no SymPy matrix product)."""
    A = [[1, 1, 1, 1]] + I["X"].tolist()
    Z = {}
    for l in (1, 2, 3):
        W = I[f"W{l}"].tolist()
        A = [[sum(W[j][k] * A[k][i] for k in range(len(A))) for i in range(4)] for j in range(len(W))]
        Z[f"Z{l}"] = sp.Matrix(A)
    Yt = [[1, 1, 1, 1]] + I["Y"].tolist()
    Z["J"] = sp.Rational(sum((A[r][i] - Yt[r][i]) ** 2 for r in range(2) for i in range(4)), 4)
    return Z


def _direct_gradients(I):
    """dJ/dW_l (trainable rows, row 0 reported as 0) and dJ/dA0 (all rows) by differentiating J."""
    syms = {}
    Ws = []
    for l in (1, 2, 3):
        W = I[f"W{l}"]
        S = sp.Matrix(W.rows, W.cols, lambda i, j: sp.Symbol(f"w{l}_{i}_{j}") if i else W[i, j])
        syms.update({S[i, j]: W[i, j] for i in range(1, W.rows) for j in range(W.cols)})
        Ws.append(S)
    A0 = mfnet.augment(I["X"])
    A0s = sp.Matrix(A0.rows, A0.cols, lambda i, j: sp.Symbol(f"a_{i}_{j}"))
    syms.update({A0s[i, j]: A0[i, j] for i in range(A0.rows) for j in range(A0.cols)})
    out = Ws[2] * Ws[1] * Ws[0] * A0s
    J = sum((out - mfnet.augment(I["Y"])).applyfunc(lambda v: v**2)) / 4
    grad = {f"dW{l}": Ws[l - 1].applyfunc(lambda s: sp.diff(J, s).subs(syms) if s in syms else 0) for l in (1, 2, 3)}
    grad["dA0"] = A0s.applyfunc(lambda s: sp.diff(J, s).subs(syms))
    return grad


def test_intended_forward_reproduces_the_printed_forward_pass():
    Z = _loop_forward(_intended())
    for k in ("Z1", "Z2", "Z3", "J"):
        assert Z[k] == PRINTED[k], k
    assert Z == {k: mfnet.reading(mfnet.intended_inputs())[k] for k in Z}


def test_intended_gradients_are_twice_the_printed_ones():
    """Every printed gradient is exactly half the true gradient of the intended example."""
    I = _intended()
    direct = _direct_gradients(I)
    exact = mfnet.reading(mfnet.intended_inputs())
    for k in ("dW1", "dW2", "dW3"):
        assert direct[k] == exact[k], k                # backprop == direct differentiation
        assert direct[k] == 2 * PRINTED[k], k          # printed = half
    # dJ/dX = rows 1: of dA0. Row 0 of the report's W1^T Delta1 is not d/d(constant row):
    # backprop masks the bias rows of Delta, so it leaves out the paths through the
    # copy rows of W2, W3; it is checked against 2 x printed via backprop only.
    assert direct["dA0"][1:, :] == exact["dA0"][1:, :] == 2 * PRINTED["dA0"][1:, :]
    assert exact["dA0"] == 2 * PRINTED["dA0"]
    Yt = mfnet.augment(I["Y"])
    assert exact["dJdY"] == sp.Rational(2, 4) * (PRINTED["Z3"] - Yt) == 2 * PRINTED["dJdY"]
    for k in ("Delta3", "dA2", "Delta2", "dA1", "Delta1"):
        assert exact[k] == 2 * PRINTED[k], k
    assert any(v != 0 for v in PRINTED["dW1"])      # "half" is not the trivial 0 = 0


def test_intended_update_and_loss_after_it():
    I = _intended()
    direct = _direct_gradients(I)
    new = {**I, **{f"W{l}": I[f"W{l}"] - 4 * direct[f"dW{l}"] for l in (1, 2, 3)}}
    J_after = _loop_forward(new)["J"]
    assert J_after == mfnet.loss_after_step(mfnet.ETA, mfnet.intended_inputs())
    assert J_after > 10**5 * _loop_forward(I)["J"]       # eta = 4 makes the loss explode
    exact = mfnet.reading(mfnet.intended_inputs())
    for l in (1, 2, 3):
        assert exact[f"W{l}_new"] == new[f"W{l}"]
    # The printed W3, W2 updates are W - 4 x (printed = half) gradient = W - 2 dW.
    for l in (2, 3):
        assert PRINTED[f"W{l}_new"] == I[f"W{l}"] - 2 * direct[f"dW{l}"]


def test_intended_example_in_nnlib():
    I = _intended()
    X_b, Y_b = _as_float(I["X"]).T, _as_float(I["Y"]).T
    net = mfnet.nnlib_network([I["W1"], I["W2"], I["W3"]])
    loss = MSELoss()
    assert loss(net(X_b), Y_b) == 1.0                  # integers: exact in float64
    net.backward(loss.backward())
    direct = _direct_gradients(I)
    for l, lin in enumerate(net.layers[::2], start=1):
        # entries are multiples of 1/2 below 2**10: exact in float64
        np.testing.assert_array_equal(lin.weight.grad, _as_float(direct[f"dW{l}"])[1:])


def test_readings_explain_how_much_of_the_printout():
    literal = mfnet.reading()
    intended = mfnet.reading(mfnet.intended_inputs())
    slip = mfnet.reading(mfnet.intended_inputs(), dJdY_factor=sp.Rational(1, 4))
    assert len(mfnet.PRINTED_KEYS) == 17
    assert mfnet.explains(literal) == []
    assert mfnet.explains(intended) == ["Z1", "Z2", "Z3", "J"]
    assert mfnet.explains(slip) == [k for k in mfnet.PRINTED_KEYS if k != "W1_new"]
    # W1_new: the printed update restates the printed W1, typo included, in the one entry
    diff = PRINTED["W1_new"] - slip["W1_new"]
    assert [(i, j) for i in range(4) for j in range(3) if diff[i, j]] == [(3, 1)]
    assert PRINTED["W1_new"][3, 1] == INPUTS["W1"][3, 1] == 0


def test_the_factor_slip_is_one_over_m():
    # dJ/dY_hat = c (Y_hat - Y~): which c reproduces each printed gradient?
    per_matrix = mfnet.loss_factor_solutions(mfnet.intended_inputs())
    assert len(per_matrix) == 10 and all(v == {sp.Rational(1, 4)} for v in per_matrix.values())
    m, rows = PRINTED["Z3"].cols, PRINTED["Z3"].rows
    assert sp.Rational(2, m) == sp.Rational(1, 2)                  # the report's own formula
    # 1/4 is 1/m (the 2 dropped) and equally 2/(m * rows), the mean over all 8 entries of
    # the output with its bias row: this example cannot tell the two slips apart.
    assert sp.Rational(1, m) == sp.Rational(2, m * rows) == sp.Rational(1, 4)
    # With the printed inputs no factor reproduces any printed gradient.
    assert all(v == set() for v in mfnet.loss_factor_solutions().values())


def test_which_eta_would_have_worked():
    eta = sp.Symbol("eta")
    J_eta = mfnet.loss_after_step(eta, mfnet.intended_inputs())
    assert sp.degree(J_eta, eta) == 6 and J_eta.subs(eta, 0) == 1
    windows = mfnet.improving_etas(mfnet.intended_inputs())
    assert len(windows) == 2 and windows[0][0] == 0.0
    (a0, b0), (a1, b1) = windows
    # each window end is a root of J(eta) - 1, checked by a sign change of the exact polynomial
    for end in (b0, a1, b1):
        lo, hi = sp.Rational(end) - sp.Rational(1, 10**9), sp.Rational(end) + sp.Rational(1, 10**9)
        assert (J_eta.subs(eta, lo) - 1) * (J_eta.subs(eta, hi) - 1) < 0, end
    for t in (sp.Rational(1, 1000), sp.Rational(786, 1000)):
        assert J_eta.subs(eta, t) < 1
    for t in (sp.Rational(1, 100), sp.Rational(1, 2), 1, 2, 4):
        assert J_eta.subs(eta, t) > 1
