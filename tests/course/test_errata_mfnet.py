"""The deciding computation of every mfnet erratum (nnlib/course/errata/mfnet_report.toml).

One test per erratum id (the docstring names it). Matrices written in an erratum's
``printed``/``correct`` LaTeX are parsed and compared with values computed here or by
``nnlib.course.mfnet`` (whose own chain is checked against direct differentiation in
test_mfnet_example.py); the printed values come from ``mfnet.PRINTED``/``mfnet.INPUTS``,
the transcription of the report, never from the erratum text alone.
"""
from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib.course import mfnet
from nnlib.course.errata import load_errata, load_withdrawn
from nnlib.course.mfnet import INPUTS, INTENDED_EDITS, PRINTED

MFNET_IDS = {"mfnet-input-layer-index", "mfnet-layer-sizes", "mfnet-x-typo", "mfnet-w1-typo",
             "mfnet-dJdY-factor", "mfnet-update", "mfnet-activation-display", "mfnet-bias-activation", "mfnet-ce-hadamard",
             "mfnet-softmax-axis", "mfnet-softmax-jacobian", "mfnet-ce-gradient", "mfnet-softmax-derivative"}


@pytest.fixture(scope="module")
def E():
    return load_errata()


def bmatrices(text: str) -> list[sp.Matrix]:
    """Every bmatrix in a LaTeX string, times a leading \\frac{p}{q} if there is one."""
    found = []
    for p, q, body in re.findall(r"(?:\\frac\{(\d+)\}\{(\d+)\}\s*)?\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", text):
        rows = [[sp.sympify(v) for v in row.split("&")] for row in body.split("\\\\")]
        found.append(sp.Matrix(rows) * (sp.Rational(int(p), int(q)) if p else 1))
    return found


@pytest.fixture(scope="module")
def intended():
    return mfnet.reading(mfnet.intended_inputs())


#: erratum id -> (test file, test function) that decides it (docs/AUDIT_MFNET.md)
DECIDING_TEST = {
    "mfnet-input-layer-index": ("test_errata_mfnet.py", "test_input_layer_index"),
    "mfnet-layer-sizes": ("test_errata_mfnet.py", "test_layer_sizes"),
    "mfnet-x-typo": ("test_errata_mfnet.py", "test_x_typo"),
    "mfnet-w1-typo": ("test_errata_mfnet.py", "test_w1_typo"),
    "mfnet-dJdY-factor": ("test_errata_mfnet.py", "test_dJdY_factor"),
    "mfnet-update": ("test_errata_mfnet.py", "test_update"),
    "mfnet-activation-display": ("test_errata_mfnet.py", "test_activation_display"),
    "mfnet-bias-activation": ("test_errata_mfnet.py", "test_bias_activation"),
    "mfnet-ce-hadamard": ("test_errata_mfnet.py", "test_ce_hadamard"),
    "mfnet-softmax-axis": ("test_errata_mfnet.py", "test_softmax_axis"),
    "mfnet-softmax-jacobian": ("test_errata_claims.py", "test_softmax_jacobian_needs_delta_il"),
    "mfnet-ce-gradient": ("test_errata_claims.py", "test_cross_entropy_gradient_is_S_minus_Y_over_m"),
    "mfnet-softmax-derivative": ("test_errata_mfnet.py", "test_softmax_derivative_wrong_exactly_where_samples_differ"),
}


def test_the_mfnet_errata_are_exactly_these(E):
    assert {i for i in E if i.startswith("mfnet-")} == MFNET_IDS == set(DECIDING_TEST)
    assert {"mfnet-z1", "mfnet-forward-loss", "mfnet-dW1-inconsistent", "mfnet-dA0-row"} <= set(load_withdrawn())


def test_every_mfnet_erratum_has_a_deciding_test():
    here = Path(__file__).parent
    for erratum_id, (file, name) in DECIDING_TEST.items():
        assert f"def {name}(" in (here / file).read_text(encoding="utf-8"), erratum_id
    audit = (here.parents[1] / "docs" / "AUDIT_MFNET.md").read_text(encoding="utf-8")
    for erratum_id in DECIDING_TEST:
        assert f"`{erratum_id}`" in audit, f"{erratum_id} missing from docs/AUDIT_MFNET.md"


def test_input_layer_index(E):
    """mfnet-input-layer-index: W^[1] multiplies A^[0] = X~, so the input is layer 0."""
    A0 = mfnet.augment(INPUTS["X"])
    assert INPUTS["W1"].cols == A0.rows and INPUTS["W1"].cols != INPUTS["W1"].rows
    assert "layer $0$" in E["mfnet-input-layer-index"].correct


def test_layer_sizes(E):
    """mfnet-layer-sizes: (n_in, n_out) = (columns - 1, rows - 1) of each printed W."""
    sizes = [(INPUTS[k].cols - 1, INPUTS[k].rows - 1) for k in ("W1", "W2", "W3")]
    assert sizes == [(2, 3), (3, 2), (2, 1)]
    printed = [(3, 4), (4, 3), (3, 2)]                  # "3 input ... (plus bias) and 4 output ..."
    assert printed == [(a + 1, b + 1) for a, b in sizes]  # the bias counted twice
    assert "2 inputs $\\to$ 3 outputs" in E["mfnet-layer-sizes"].correct


def test_x_typo(E):
    """mfnet-x-typo: the unique pair of edits reproducing the printed Z1 changes X[1, 1] to 3."""
    found = mfnet.search_edits(2, ("Z1",))
    assert found == [INTENDED_EDITS]
    edit = found[0][0]
    (printed,), (correct,) = bmatrices(E["mfnet-x-typo"].printed), bmatrices(E["mfnet-x-typo"].correct)
    assert printed == INPUTS["X"] and correct == mfnet.apply_edits([edit])["X"]
    assert (edit.name, edit.row, edit.col, edit.kind) == ("X", 1, 1, "one-digit typo")
    # independent evidence: equal samples give equal columns of W A0 for every W
    assert INPUTS["X"].col(0) == INPUTS["X"].col(1) and PRINTED["Z1"].col(0) != PRINTED["Z1"].col(1)
    assert correct.col(0) != correct.col(1)


def test_w1_typo(E, intended):
    """mfnet-w1-typo: last row of W1 is (1, 1, 0); the printed update restates (1, 0, 0)."""
    edit = mfnet.search_edits(2, ("Z1",))[0][1]
    (printed,), (correct,) = bmatrices(E["mfnet-w1-typo"].printed), bmatrices(E["mfnet-w1-typo"].correct)
    assert printed == INPUTS["W1"].row(3) and correct == mfnet.apply_edits([edit])["W1"].row(3)
    assert correct * mfnet.augment(mfnet.intended_inputs()["X"]) == PRINTED["Z1"].row(3) == sp.Matrix([[2, 2, 3, 3]])
    # the printed dA0 needs the corrected W1: computed from the printed W1, row 1 differs
    with_printed_W1 = INPUTS["W1"].T * PRINTED["Delta1"]
    assert with_printed_W1 != PRINTED["dA0"] and mfnet.intended_inputs()["W1"].T * PRINTED["Delta1"] == PRINTED["dA0"]
    # the update's "old" W1 is the printed one: printed W1_new + 4 printed dW1
    assert PRINTED["W1_new"] + 4 * PRINTED["dW1"] == INPUTS["W1"]


def test_dJdY_factor(E, intended):
    """mfnet-dJdY-factor: printed = (1/m)(Y_hat - Y~), the true (2/m)(...) is twice that."""
    e = E["mfnet-dJdY-factor"]
    (printed,) = bmatrices(e.printed)
    correct = bmatrices(e.correct)
    Yt = mfnet.augment(INPUTS["Y"])
    m = Yt.cols
    assert PRINTED["Z3"] == intended["Z3"]              # the printed Y_hat is right
    assert printed == PRINTED["dJdY"].row(1) == sp.Rational(1, m) * (PRINTED["Z3"] - Yt).row(1)
    assert correct[0] == sp.Rational(2, m) * (PRINTED["Z3"] - Yt).row(1) == intended["dJdY"].row(1)
    assert correct[1] == intended["dW3"] == 2 * PRINTED["dW3"]
    factors = mfnet.loss_factor_solutions(mfnet.intended_inputs())
    assert len(factors) == 10 and set(map(frozenset, factors.values())) == {frozenset({sp.Rational(1, m)})}


def test_update(E, intended):
    """mfnet-update: W - 4 dW with the true gradients, and the loss after the step."""
    e = E["mfnet-update"]
    I = mfnet.intended_inputs()
    expected = [I["W3"] - 4 * intended["dW3"], I["W2"] - 4 * intended["dW2"], I["W1"] - 4 * intended["dW1"]]
    assert bmatrices(e.correct) == expected
    J_after = mfnet.forward({**I, "W1": expected[2], "W2": expected[1], "W3": expected[0]})["J"]
    assert f"${J_after}$" in e.correct and J_after > 10**5
    printed = bmatrices(e.printed)
    assert printed == [PRINTED["W3_new"], PRINTED["W2_new"], PRINTED["W1_new"]]
    steps = mfnet.recompute_printed_steps()
    assert all(steps[k] == PRINTED[k] for k in ("W1_new", "W2_new", "W3_new"))  # W - 4 x printed dW
    assert printed[0] == I["W3"] - 2 * intended["dW3"] and printed[1] == I["W2"] - 2 * intended["dW2"]


def test_activation_display(E):
    """mfnet-activation-display: the printed A^[1], A^[2] have 2 rows too many."""
    bodies = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", E["mfnet-activation-display"].printed)
    assert len(bodies) == 2
    for l, body in zip((1, 2), bodies):
        rows = [r.strip() for r in body.split("\\\\")]
        block = rows.index(f"g(Z^{{[{l}]}}[1:])")
        Z = PRINTED[f"Z{l}"]
        numeric = [sp.Matrix([[sp.sympify(v) for v in r.split("&")]]) for r in rows[block + 1:]]
        n_rows = block + (Z.rows - 1) + len(numeric)      # bias row(s) + the block + the rest
        assert (n_rows, Z.rows) == ((6, 4) if l == 1 else (5, 3))
        assert numeric == [Z.row(i) for i in range(Z.rows - 2, Z.rows)]   # Z's last two rows again


def test_bias_activation(E):
    """mfnet-bias-activation: a_1 = 1 and a_1 = g(z_1) = g(1) contradict for the sigmoid."""
    z = sp.Integer(1)
    assert 1 / (1 + sp.exp(-z)) != 1
    value = float(nnlib.sigmoid(np.array(1.0)))
    assert abs(value - 0.7310585786300049) < 1e-15 and round(value, 3) == 0.731
    assert "0.731" in E["mfnet-bias-activation"].correct
    assert max(0, 1) == 1                                   # ReLU: no contradiction


def test_ce_hadamard():
    """mfnet-ce-hadamard: Y_i (*) log S_i is a C-vector; its sum is the dot product."""
    rng = np.random.default_rng(0)
    logits = rng.normal(size=3)
    S = np.exp(logits) / np.exp(logits).sum()
    Y = np.array([0.0, 1.0, 0.0])
    hadamard = Y * np.log(S)
    assert hadamard.shape == (3,)
    assert hadamard.sum() == pytest.approx(Y @ np.log(S), abs=1e-15) == pytest.approx(np.log(S[1]), abs=1e-15)


def test_softmax_axis():
    """mfnet-softmax-axis: Eq. (4.4) on mfnet's (classes x samples) logits normalises over samples."""
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(3, 4))                                  # C = 3 classes in rows, m = 4 samples
    literal = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)   # S_ij = e^Z_ij / sum_k e^Z_ik
    assert np.allclose(literal.sum(axis=1), 1, atol=1e-12)       # each class: a distribution over samples
    assert not np.allclose(literal.sum(axis=0), 1, atol=1e-3)    # a sample's classes do not sum to 1
    fixed = np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)
    assert np.allclose(fixed.sum(axis=0), 1, atol=1e-12)


def test_softmax_derivative_wrong_exactly_where_samples_differ():
    """mfnet-softmax-derivative: printed dS_ij/dZ_lt = S_ij (delta_{ij,lt} - S_lt) is wrong in the 18 entries with i != l."""
    m, C = 2, 3
    Z = sp.Matrix(m, C, lambda i, j: sp.Symbol(f"z{i}{j}"))
    S = sp.Matrix(m, C, lambda i, j: sp.exp(Z[i, j]) / sum(sp.exp(Z[i, k]) for k in range(C)))
    point = {Z[i, j]: sp.Rational(v, 7) for (i, j), v in zip(product(range(m), range(C)), [1, -2, 3, 0, 5, -1])}
    wrong_printed, wrong_corrected = 0, 0
    for i, j, l, t in product(range(m), range(C), range(m), range(C)):
        true = sp.diff(S[i, j], Z[l, t]).subs(point)
        Sp = S.subs(point)
        printed = Sp[i, j] * (int((i, j) == (l, t)) - Sp[l, t])
        corrected = Sp[i, j] * int(i == l) * (int(j == t) - Sp[i, t])
        wrong_printed += sp.simplify(true - printed) != 0
        wrong_corrected += sp.simplify(true - corrected) != 0
    assert (wrong_printed, wrong_corrected) == (18, 0)


# ------------------------------------------------ statements checked and found correct

def test_bias_absorbed_equation_3_2():
    """Eq. (3.2)/(3.3): [1; y] = [[1, 0], [b, W]] [1; x] gives y = b + W x (audit: correct)."""
    W = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"w{i}{j}"))
    b, x = sp.Matrix(sp.symbols("b0 b1")), sp.Matrix(sp.symbols("x0 x1 x2"))
    big = sp.Matrix.vstack(sp.Matrix([[1, 0, 0, 0]]), sp.Matrix.hstack(b, W))
    out = big * sp.Matrix.vstack(sp.Matrix([1]), x)
    assert out[0] == 1 and (out[1:, :] - (b + W * x)).expand() == sp.zeros(2, 1)


def test_log_softmax_equation_4_5():
    """Eq. (4.5): log S_ij = Z_ij - log sum_k exp(Z_ik) (audit: correct)."""
    z = sp.symbols("z0:3")
    S0 = sp.exp(z[0]) / sum(sp.exp(v) for v in z)
    assert sp.simplify(sp.expand_log(sp.log(S0), force=True) - (z[0] - sp.log(sum(sp.exp(v) for v in z)))) == 0


def test_masked_delta_keeps_the_copy_row(intended):
    """Section 3.2.2: zeroing row 0 of Delta leaves row 0 of every dW at zero (audit: correct)."""
    for l in (1, 2, 3):
        assert not any(intended[f"dW{l}"].row(0))
        assert intended[f"W{l}_new"].row(0) == mfnet.intended_inputs()[f"W{l}"].row(0)


def test_footnote_eta_4_is_too_large(intended):
    """Footnote 1: eta = 4 is far too high; here one step multiplies J = 1 by more than 10^5 (audit: correct)."""
    assert intended["J"] == 1 and mfnet.loss_after_step(4, mfnet.intended_inputs()) > 10**5
