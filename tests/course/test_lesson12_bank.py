"""Lesson 12's questions: the master's answers pass, typical mistakes are rejected.

Expected values are derived in the master notebook (solution-only cells); here each one is
checked against the checker, and wrong variants (sign flip, dropped factor, missing transpose,
wrong layout) must be rejected. The anchored-derivation comments (start, min_steps) are checked
against the master's own derivations.
"""
from __future__ import annotations

import numpy as np
import pytest

from nnlib.course.bank import load_bank
from nnlib.course.references.gradient_checking import relative_error, relative_error_cases

STEM = "12_conventions_and_gradient_checking"
BANK = {k: v for k, v in load_bank().items() if v.lesson == 12}


def test_lesson12_has_the_planned_exercises():
    kinds = [q.kind for q in BANK.values()]
    assert len(BANK) == 14 and kinds.count("steps") == 7 and kinds.count("code") == 1, kinds


WRONG = [
    ("12.1", "W @ diag(1 - hadamard(y, y))"),           # factors swapped (shape error)
    ("12.1", "diag(1 + hadamard(y, y)) @ W"),           # sign flip inside tanh'
    ("12.1", "diag(1 - y) @ W"),                        # tanh' written as 1 - y
    ("12.1", "W"),                                      # dropped the activation
    ("12.2", ["transpose(diag(d)) @ g", "hadamard(d, g) * 2"]),
    ("12.2", ["transpose(diag(d)) @ g", "-hadamard(d, g)"]),
    ("12.2", ["transpose(diag(d)) @ g", "d"]),
    ("12.3", ["transpose(x @ r)", "x @ r"]),           # missing transpose
    ("12.3", ["transpose(x @ r)", "x.T @ r.T"]),       # wrong order
    ("12.3", ["transpose(x @ r)", "-r.T @ x.T"]),
    ("12.4", "W.T @ Delta"),                            # mfnet's column form, not batch-first
    ("12.4", "Delta @ W"),
    ("12.4", "-Delta.T @ W"),
    ("12.6", ["(exp(x + h) - exp(x - h))/(2*h)", "exp(x)*sinh(h)/(2*h)"]),   # dropped factor 2
    ("12.6", ["(exp(x + h) - exp(x - h))/(2*h)", "exp(x)*cosh(h)/h"]),
    ("12.6", ["(exp(x + h) - exp(x - h))/(2*h)", "exp(x)"]),                 # the limit, not equal
    ("12.7", ["d/dh (M*h^2/6 + u*F/h)", "M*h/3 + u*F/h^2"]),                 # sign flip
    ("12.7", ["d/dh (M*h^2/6 + u*F/h)", "M*h/6 - u*F/h^2"]),                 # dropped factor 2
    ("12.8", "(u*F/M)^(1/3)"),
    ("12.8", "(3*u*F/M)^(1/2)"),
    ("12.8", "(3*M/(u*F))^(1/3)"),
    ("12.9", "0.0000069"),                              # float64's h*
    ("12.9", "0.0039"),                                 # (u)^(1/3), no factor 3
    ("12.10", ["M*h^2/6 + (M*h^3/3)/h", "M*h^2/6 + M*h^2/3", "M*h^2/3"]),
    ("12.10", ["M*h^2/6 + (M*h^3/3)/h", "M*h^2"]),
    ("12.11", "1/2"),                                   # the value at x = 0
    ("12.11", "3/8"),
    ("12.11", "1"),                                     # the analytic derivative
    ("12.12", ["(exp(x + h) - exp(x))/h", "exp(x)*(exp(h) + 1)/h"]),
    ("12.12", ["(exp(x + h) - exp(x))/h", "exp(x)*exp(h)/h"]),
    ("12.12", ["(exp(x + h) - exp(x))/h", "exp(x)*sinh(h)/h"]),           # the central difference
    ("12.13", ["d/dh (M*h/2 + 2*u*F/h)", "M/2 + 2*u*F/h^2"]),
    ("12.13", ["d/dh (M*h/2 + 2*u*F/h)", "M/2 - u*F/h^2"]),
    ("12.14", "sqrt(u*F/M)"),                            # dropped factor 2
    ("12.14", "2*sqrt(M/(u*F))"),
    ("12.14", "(3*u*F/M)^(1/3)"),                        # the central-difference step
]


@pytest.mark.parametrize("qid, answer", WRONG, ids=[f"{q}-{i}" for i, (q, _) in enumerate(WRONG)])
def test_typical_mistakes_are_rejected(qid, answer):
    verdict = BANK[qid].check(answer)
    assert not verdict, f"{qid}: wrong answer {answer!r} was accepted"


def test_equivalent_rewrites_are_accepted():
    assert BANK["12.1"].check("diag(ones(2, 1) - hadamard(y, y)) @ W")
    assert BANK["12.4"].check("(W.T @ Delta).T")
    assert BANK["12.8"].check("(3*F*u)^(1/3) / M^(1/3)")
    assert BANK["12.9"].check("0.00563")
    assert BANK["12.11"].check("0.625")
    assert BANK["12.14"].check("sqrt(4*u*F/M)") and BANK["12.14"].check("2*(u*F)^(1/2)/sqrt(M)")


def test_relative_error_reference_is_the_gradcheck_measure():
    import nnlib

    for a, n, floor in relative_error_cases(np.random.default_rng(0)):
        # nnlib.rel_error is the library's implementation of the same formula
        assert np.isclose(relative_error(a, n, floor), nnlib.rel_error(a, n, floor=floor), rtol=1e-12)
    # hand computation: |1 - 1.5| / max(1, 1.5, 1) = 1/3; |0 - 1e-9| / max(0, 1e-9, 1e-8) = 0.1
    assert relative_error(np.array([1.0, 0.0]), np.array([1.5, 1e-9]), 1e-8) == pytest.approx(1 / 3)
    assert relative_error(np.array([0.0]), np.array([1e-9]), 1e-8) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="one shape"):
        relative_error(np.zeros(2), np.zeros(3), 1.0)


@pytest.mark.parametrize("wrong", [
    lambda a, n, floor: np.max(np.abs(a - n)),                                   # no denominator
    lambda a, n, floor: np.max(np.abs(a - n) / np.maximum(np.abs(a), floor)),   # ignores |n|
    lambda a, n, floor: np.max(np.abs(a - n) / (np.abs(a) + np.abs(n) + floor)),
    lambda a, n, floor: np.mean(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)),
])
def test_wrong_relative_errors_are_rejected(wrong):
    assert not BANK["12.5"].check(wrong)


@pytest.mark.parametrize("qid, answer, diagnosis", [
    ("12.3", ["transpose(x @ r)", "x @ r"], "transpose"),
    ("12.4", "W.T @ Delta", "transpose"),
    ("12.4", "Delta @ W", "shape"),
    ("12.8", "(u*F/M)^(1/3)", "factor"),
])
def test_hints_appear_for_their_mistake(qid, answer, diagnosis):
    verdict = BANK[qid].check(answer)
    assert not verdict and verdict.diagnosis == diagnosis
    assert verdict.feedback.endswith("Hint: " + BANK[qid].hints[diagnosis])
