"""check_steps: derivations checked line by line."""
import sympy as sp

from nnlib.check import check_steps

SUBS = {"x": 1, "c": 1, "b": 0, "w": 0}
NEURON = [
    "d/dw (1/2)*(sigma(w*x + b) - c)**2",
    "(sigma(w*x+b) - c) * sigma(w*x+b)*(1 - sigma(w*x+b)) * x",
    "(1/2 - 1) * (1/2)*(1 - 1/2) * 1",      # sigma(0) = 1/2 plugged in
    "-1/8",
]


def test_neuron_derivation_with_values_plugged_in():
    v = check_steps(NEURON, subs=SUBS, expected="-1/8")
    assert v and v.first_error is None and len(v.steps) == 4 and v.final


def test_dropped_half_is_caught_at_the_step():
    steps = NEURON[:1] + ["2*(sigma(w*x+b) - c) * sigma(w*x+b)*(1 - sigma(w*x+b)) * x"]
    v = check_steps(steps, subs=SUBS)
    assert not v and v.first_error == 1 and v.diagnosis == "factor"
    assert v.feedback.startswith("Step 2 does not follow from step 1: This step")


def test_arithmetic_slip_in_last_step():
    v = check_steps(NEURON[:3] + ["-1/4"], subs=SUBS)
    assert not v and v.first_error == 3 and v.diagnosis == "factor"


def test_general_step_must_hold_everywhere_not_only_at_subs():
    # x*(...) vs 1*(...): equal at x = 1 but x is still a symbol in the new step
    steps = ["x*(sigma(w*x + b) - c)", "(sigma(w*x + b) - c) + 0*x"]
    assert check_steps(steps, subs=SUBS).first_error == 1


def test_chain_of_rewritings():
    v = check_steps(["d/dz sigma(z)", "sigma(z)*(1 - sigma(z))",
                     "exp(-z)/(1 + exp(-z))^2", "1/(2 + exp(z) + exp(-z))"])
    assert v and [s.correct for s in v.steps] == [True] * 4


def test_sign_error_in_middle():
    v = check_steps(["d/dz sigma(z)", "sigma(z)*(sigma(z) - 1)", "sigma(z) - sigma(z)^2"])
    assert v.first_error == 1 and v.diagnosis == "sign"


def test_final_mismatch_reports_final():
    v = check_steps(["x^2", "x*x"], expected="2x")
    assert not v and v.first_error is None and v.final is not None and not v.final
    assert "2x" not in v.feedback.replace(" ", "")


def test_matrix_steps():
    v = check_steps(["(X.T @ dY).T", "dY.T @ X"], shapes={"X": (5, 3), "dY": (5, 2)},
                    expected="dY.T @ X")
    assert v
    v = check_steps(["(X.T @ dY).T", "X.T @ dY"], shapes={"X": (5, 3), "dY": (5, 2)})
    assert v.first_error == 1 and v.diagnosis == "transpose"


def test_single_string_and_sympy_steps():
    x = sp.Symbol("x")
    assert check_steps("x^2")
    assert check_steps([x**2, "x*x"])


def test_bad_input():
    assert check_steps([]).diagnosis == "not_attempted"
    assert check_steps(42).diagnosis == "unparsable"
    v = check_steps(["x", "y +"])
    assert v.first_error == 1 and v.diagnosis == "unparsable"


def test_run_together_names_are_split_in_steps():
    v = check_steps(["d/dw (1/2)*(sigma(w*x + b) - c)**2",
                     "(sigma(wx + b) - c) σ(wx + b)(1 - σ(wx + b)) x"])
    assert v, v
