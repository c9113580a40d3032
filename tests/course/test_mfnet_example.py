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


def test_bank_answers_are_the_exact_values(exact):
    from nnlib.course.bank import load_bank

    bank = load_bank()
    values = {"6.1": exact["Z1"][1, 1], "6.2": exact["J"], "6.3": sp.ImmutableMatrix(exact["dW3"]),
              "6.4": sp.ImmutableMatrix(exact["W3_new"])}
    for qid, value in values.items():
        assert bank[qid].check(value), qid
    # and the report's printed values are rejected
    assert not bank["6.1"].check(PRINTED["Z1"][1, 1])
    assert not bank["6.2"].check(PRINTED["J"])
    assert not bank["6.3"].check(sp.ImmutableMatrix(PRINTED["dW3"]))
