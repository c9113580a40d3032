"""Lessons 7-10's step-checked derivations (7.5, 7.6, 8.4, 8.5, 9.4, 9.5, 10.5, 10.6).

The master's answer (read from the solution region with ``_derivations.master_answer``, never
executed) passes, starts with the bank's ``start`` and has at least ``min_steps`` distinct lines.
The expected values are derived with SymPy in each master's solution-only cell; the wrong
derivations below were derived by hand, each with the slip it makes stated next to it.
"""
from __future__ import annotations

import pytest

from _derivations import assert_master_derivation, from_start
from nnlib.course.bank import load_bank

BANK = load_bank()
NEW = {  # question id -> master notebook stem
    "7.5": "07_activations_losses", "7.6": "07_activations_losses",
    "8.4": "08_sgd_training", "8.5": "08_sgd_training",
    "9.4": "09_loss_surfaces", "9.5": "09_loss_surfaces",
    "10.5": "10_vanishing_gradients", "10.6": "10_vanishing_gradients",
}


def _variable(qid: str) -> str:
    return "answer_" + qid.replace(".", "_")


def test_each_of_lessons_7_to_10_has_two_derivations():
    for lesson in (7, 8, 9, 10):
        steps = [qid for qid, q in BANK.items() if q.lesson == lesson and q.kind == "steps"]
        assert len(steps) >= 2, f"lesson {lesson} has derivations {steps}, wants at least 2"


@pytest.mark.parametrize("qid", sorted(NEW))
def test_master_derivation_passes_and_is_anchored(qid):
    assert BANK[qid].variable == _variable(qid) and BANK[qid].min_steps == 3
    assert_master_derivation(qid, NEW[qid])



S2 = "sigma(w2*sigma(w1*a0))"     # the outer unit of 10.5's chain
S1 = "sigma(w1*a0)"               # the inner unit
E = "exp(theta2*h + b2)"          # e^z in 9.5

WRONG = [
    # 7.5, d/dz (1 + e^-z)^-1 = e^-z/(1 + e^-z)^2 = sigma (1 - sigma)
    ("7.5", from_start("7.5", "-exp(-z)/(1 + exp(-z))^2", "-sigma(z)*(1 - sigma(z))")),   # inner -1 of -z lost
    ("7.5", from_start("7.5", "exp(-z)/(1 + exp(-z))", "1 - sigma(z)")),                   # power -2 not applied
    ("7.5", from_start("7.5", "exp(-z)/(1 + exp(-z))^2", "sigma(z)*sigma(z)")),             # e^-z/(1 + e^-z) read as sigma
    # 7.6, d/dz1 (-z1 + log(e^z1 + e^z2)) = -1 + e^z1/(e^z1 + e^z2)
    ("7.6", from_start("7.6", "d/dz1 (-z1 + log(exp(z1) + exp(z2)))", "1 - exp(z1)/(exp(z1) + exp(z2))")),  # sign
    ("7.6", from_start("7.6", "d/dz1 (-z1 + log(exp(z1) + exp(z2)))", "-1 + 1/(exp(z1) + exp(z2))")),  # inner e^z1 dropped
    ("7.6", from_start("7.6", "d/dz1 (-z1 + log(exp(z1) + exp(z2)))", "-1 + exp(z2)/(exp(z1) + exp(z2))")),  # wrong class
    # 8.4, d/dw of the two-sample mean (no 1/2 per sample): sum of (w x_i - y_i) x_i
    ("8.4", from_start("8.4", "(2*(w*x1 - y1) + 2*(w*x2 - y2))/2", "(w*x1 - y1) + (w*x2 - y2)")),  # inner x_i dropped
    ("8.4", from_start("8.4", "2*(w*x1 - y1)*x1 + 2*(w*x2 - y2)*x2", "2*((w*x1 - y1)*x1 + (w*x2 - y2)*x2)")),  # 1/2 of the mean dropped
    ("8.4", from_start("8.4", "(2*(y1 - w*x1)*x1 + 2*(y2 - w*x2)*x2)/2", "(y1 - w*x1)*x1 + (y2 - w*x2)*x2")),  # sign
    # 8.5, w - eta a (w - c) = c + (1 - eta a)(w - c)
    ("8.5", from_start("8.5", "w + eta*a*(w - c)", "c + (1 + eta*a)*(w - c)")),         # sign of the step
    ("8.5", from_start("8.5", "w - eta*(w - c)", "c + (1 - eta)*(w - c)")),             # curvature a dropped
    ("8.5", from_start("8.5", "w - eta*a*(w - c)/2", "c + (1 - eta*a/2)*(w - c)")),     # exponent 2 not brought down
    # 9.4, d/dz (t ln(1 + e^-z) + (1 - t) ln(1 + e^z)) = -t (1 - sigma) + (1 - t) sigma = sigma - t
    ("9.4", from_start("9.4", "t*exp(-z)/(1 + exp(-z)) + (1 - t)*exp(z)/(1 + exp(z))",
                   "t + sigma(z) - 2*t*sigma(z)")),                                 # inner derivative -1 of -z lost
    ("9.4", from_start("9.4", "-t*exp(-z)/(1 + exp(-z)) + (1 - t)*exp(z)/(1 + exp(z))",
                   "-t*(1 - sigma(z)) + (1 - t)*sigma(z)", "t - sigma(z)")),        # sign slip in the last line
    ("9.4", from_start("9.4", "-t*exp(-z)/(1 + exp(-z))", "-t*(1 - sigma(z))")),         # the (1 - t) term dropped
    # 9.5, d/dtheta2 (ln(1 + e^z) - t z), z = theta2 h + b2: (sigma(z) - t) h
    ("9.5", from_start("9.5", f"{E}/(1 + {E}) - t", "sigma(theta2*h + b2) - t")),       # inner factor h dropped
    ("9.5", from_start("9.5", f"t*h - {E}/(1 + {E})*h", "(t - sigma(theta2*h + b2))*h")),  # sign
    ("9.5", from_start("9.5", f"{E}/(1 + {E})^2*h - t*h", f"sigma(theta2*h + b2)*(1 - sigma(theta2*h + b2))*h - t*h")),  # wrong power
    # 10.5, d a2/d a0 = w2 s2 (1 - s2) * w1 s1 (1 - s1)
    ("10.5", from_start("10.5", f"{S2}*(1 - {S2})*w2*(d/da0 {S1})",
                    f"w2*{S2}*(1 - {S2})*{S1}*(1 - {S1})")),                        # inner weight w1 dropped
    ("10.5", from_start("10.5", f"(1 - {S2})*w2*(d/da0 {S1})",
                    f"w2*(1 - {S2})*w1*(1 - {S1})")),                               # sigma' taken as 1 - sigma
    ("10.5", from_start("10.5", f"{S2}^2*w2*(d/da0 {S1})", f"w2*{S2}^2*w1*{S1}^2")),    # sigma' taken as sigma^2
    # 10.6, s (1 - s) = s - s^2 = 1/4 - (s - 1/2)^2
    ("10.6", from_start("10.6", "s - s^2", "1/4 - (s^2 - s - 1/4)", "1/4 - (s + 1/2)^2")),  # sign slip in the square
    ("10.6", from_start("10.6", "s - s^2", "1/2 - (s - 1/2)^2")),                        # wrong constant
    ("10.6", from_start("10.6", "s - s^2", "1/4 - (s - 1/2)")),                          # square dropped
]


@pytest.mark.parametrize("qid, answer", WRONG, ids=[f"{q}-{i}" for i, (q, _) in enumerate(WRONG)])
def test_typical_mistakes_are_rejected(qid, answer):
    verdict = BANK[qid].check(answer)
    assert not verdict, f"{qid}: wrong derivation {answer!r} was accepted"


def test_the_lessons_notation_is_accepted():
    # sigma written out as 1/(1 + exp(-u)) (the lessons' definition) in a derivation's last line
    assert BANK["9.4"].check(from_start("9.4", "-t*exp(-z)/(1 + exp(-z)) + (1 - t)*exp(z)/(1 + exp(z))",
                                    "-t*(1 - 1/(1 + exp(-z))) + (1 - t)/(1 + exp(-z))", "1/(1 + exp(-z)) - t"))
    assert BANK["7.5"].check(from_start("7.5", "exp(-z)/(1 + exp(-z))^2",
                                    "1/(1 + exp(-z))*(1 - 1/(1 + exp(-z)))"))
