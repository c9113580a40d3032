"""Lesson 14's questions, its code references and nnlib.course.descent.

Expected values are derived in the master (SymPy, numpy eigenvalues); here the master's answers
must pass, typical mistakes must be rejected, and the references must agree with a hand-unrolled
update and with the closed forms the lesson derives (stability limit, fixed points).
"""
from __future__ import annotations

import numpy as np
import pytest

from _derivations import from_start
from nnlib.course.bank import load_bank
from nnlib.course.descent import descent_path, quadratic, steps_to_reach
from nnlib.course.references.momentum import (decayed_sgd_cases, decayed_sgd_step, momentum_path,
                                              momentum_path_cases)

STEM = "14_momentum_weight_decay_curvature"
BANK = {k: v for k, v in load_bank().items() if v.lesson == 14}
H = np.array([[5.5, 4.5], [4.5, 5.5]])     # the lesson's surface: eigenvalues 1 and 10


def test_lesson14_has_the_planned_exercises():
    kinds = [q.kind for q in BANK.values()]
    assert len(BANK) == 15 and kinds.count("steps") == 6 and kinds.count("code") == 2, kinds



WRONG = [
    ("14.1", from_start("14.1", "a*w1 + 2*b*w2")),                       # dropped the 1/2
    ("14.1", from_start("14.1", "a*w1")),                                # missing the cross term
    ("14.1", from_start("14.1", "a*w1 + b*w2 + c*w2")),
    ("14.2", from_start("14.2", "(a - b - l)*(a - b + l)")),
    ("14.2", from_start("14.2", "(a - l)^2 + b^2")),                     # sign flip
    ("14.3", "2/5"), ("14.3", "2"), ("14.3", "1/10"),                # 2/lambda_min, 2/1, 1/lambda_max
    ("14.4", "1/10"), ("14.4", "9"),
    ("14.5", from_start("14.5", "(1 + eta*lambda)*u")),                     # sign flip
    ("14.5", from_start("14.5", "(1 - eta*lambda/2)*u")),                   # dropped factor
    ("14.6", "2/11"), ("14.6", "-9/11"), ("14.6", "1"),
    ("14.7", from_start("14.7", "g*(1 + beta + beta^2 + beta^3)", "g*(1 - beta^3)/(1 - beta)")),   # off by one
    ("14.7", from_start("14.7", "g*(1 + beta + beta^2 + beta^3)", "g/(1 - beta)")),                # the limit
    ("14.7", from_start("14.7", "g*(1 + beta)^3")),
    ("14.8", "eta/(1 + beta)"), ("14.8", "eta*(1 - beta)"), ("14.8", "eta*beta/(1 - beta)"), ("14.8", "eta"),
    ("14.12", from_start("14.12", "w - eta*(a*(w - c) - lambda*w)")),        # sign of the decay
    ("14.12", from_start("14.12", "w - eta*(a*(w - c) + lambda*w/2)")),      # dropped factor
    ("14.12", from_start("14.12", "w - eta*a*(w - c)")),                  # penalty forgotten
    ("14.10", from_start("14.10", "2*(1 + beta) + eta*lambda")),         # sign flip
    ("14.10", from_start("14.10", "2 - eta*lambda")),                     # dropped the beta terms
    ("14.10", from_start("14.10", "eta*lambda")),                         # that is p(1)
    ("14.11", "2/lambda"), ("14.11", "2*(1 - beta)/lambda"), ("14.11", "(1 + beta)/lambda"),
    ("14.15", "20"), ("14.15", "200"), ("14.15", "1"),             # |factor| = 1 at N = 20 does not converge
    ("14.14", "c"), ("14.14", "a*c/(a - lambda)"), ("14.14", "c/(a + lambda)"), ("14.14", "a*c/lambda"),
]


@pytest.mark.parametrize("qid, answer", WRONG, ids=[f"{q}-{i}" for i, (q, _) in enumerate(WRONG)])
def test_typical_mistakes_are_rejected(qid, answer):
    assert not BANK[qid].check(answer), f"{qid}: wrong answer {answer!r} was accepted"


def test_equivalent_rewrites_are_accepted():
    assert BANK["14.3"].check("0.2") and BANK["14.6"].check("0.8181818181818182")
    assert BANK["14.8"].check(r"\frac{\eta}{1-\beta}") and BANK["14.8"].check("η/(1 - β)")
    assert BANK["14.14"].check("c*a/(λ + a)")
    assert BANK["14.11"].check("2*(1 + β)/λ") and BANK["14.11"].check("(2 + 2*beta)/lambda")


# ------------------------------------------------------------------ code questions
WRONG_CODE = {
    "14.9": [
        lambda H_, w0, lr, beta, steps: descent_path(lambda w: H_ @ w, w0, lr, steps),        # no momentum
        lambda H_, w0, lr, beta, steps: descent_path(lambda w: H_ @ w, w0, lr, steps, beta=beta)[1:],  # w0 missing
        lambda H_, w0, lr, beta, steps: descent_path(lambda w: -H_ @ w, w0, lr, steps, beta=beta),     # sign
    ],
    "14.13": [
        lambda W, dW, lr, lam: W - lr * dW,                          # decay forgotten
        lambda W, dW, lr, lam: (1 - lam) * W - lr * dW,              # decay without lr
        lambda W, dW, lr, lam: W - lr * (dW - lam * W),              # sign
    ],
}


@pytest.mark.parametrize("qid, index", [(q, i) for q, fs in WRONG_CODE.items() for i in range(len(fs))])
def test_wrong_code_is_rejected(qid, index):
    with np.errstate(all="ignore"):
        verdict = BANK[qid].check(WRONG_CODE[qid][index])
    assert not verdict, f"{qid}: wrong implementation #{index} accepted"


def test_references_pass_their_questions_and_match_a_hand_unrolled_update():
    assert BANK["14.9"].check(momentum_path) and BANK["14.13"].check(decayed_sgd_step)
    # two momentum steps by hand on H = diag(1, 10), w0 = (1, 1), lr = 0.1, beta = 0.5:
    # v1 = (1, 10), w1 = (0.9, 0); g1 = (0.9, 0), v2 = 0.5 v1 + g1 = (1.4, 5), w2 = (0.76, -0.5)
    P = momentum_path(np.diag([1.0, 10.0]), np.array([1.0, 1.0]), 0.1, 0.5, 2)
    assert np.allclose(P, [[1, 1], [0.9, 0.0], [0.76, -0.5]], rtol=0, atol=1e-15)
    for args in momentum_path_cases(np.random.default_rng(0)):
        H_, w0, lr, beta, steps = args
        assert np.allclose(momentum_path(*args), descent_path(lambda w: H_ @ w, w0, lr, steps, beta=beta))
    for W, dW, lr, lam in decayed_sgd_cases(np.random.default_rng(0)):
        # the same step through descent_path: one step of gradient dW (constant) with decay lam
        assert np.allclose(decayed_sgd_step(W, dW, lr, lam), descent_path(lambda w: dW, W, lr, 1, lam=lam)[1])


def test_stability_limit_two_over_lambda_max():
    """Gradient descent on 1/2 w^T H w converges below 2/lambda_max = 0.2 and diverges above.

    Along the steep eigenvector the factor per step is 1 - 10 eta: -0.98 at 0.99 * 0.2 (shrinks
    by 0.98^300 ~ 2e-3) and -1.02 at 1.01 * 0.2 (grows by 1.02^300 ~ 4e2).
    """
    _, grad = quadratic(H)
    w0 = np.array([-2.5, 1.0])
    below = descent_path(grad, w0, 0.99 * 0.2, 300)[-1]
    above = descent_path(grad, w0, 1.01 * 0.2, 300)[-1]
    assert np.linalg.norm(below) < 1e-2 * np.linalg.norm(w0) and np.linalg.norm(above) > 1e2 * np.linalg.norm(w0)


def test_summed_loss_diverges_where_the_mean_converges():
    """The meeting notes' "ignore 1/N": summing N copies multiplies the Hessian by N.

    With eta = 0.01 the steep factor is 1 - 0.1 N: |-0.9| < 1 at N = 19, |-1.1| > 1 at N = 21
    (1.1^500 ~ 5e20), and exactly -1 at N = 20 (the steep component never shrinks).
    """
    w0 = np.array([-2.5, 1.0])
    ends = {N: np.linalg.norm(descent_path(quadratic(N * H)[1], w0, 0.01, 500)[-1]) for N in (19, 20, 21)}
    assert ends[19] < 1e-10 and 0.5 < ends[20] < 10 and ends[21] > 1e10, ends


def test_weight_decay_converges_to_the_penalised_minimum():
    c, lam = np.array([2.0, 1.0]), 2.0
    _, grad = quadratic(H, c)
    end = descent_path(grad, np.zeros(2), 0.15, 400, lam=lam)[-1]
    # contraction per step max|1 - 0.15 (lambda_k + 2)| = 0.8 -> 0.8^400 ~ 1e-39: converged to rounding
    assert np.allclose(end, np.linalg.solve(H + lam * np.eye(2), H @ c), rtol=0, atol=1e-12)


def test_steps_to_reach_and_bad_input():
    assert steps_to_reach(np.array([[3.0], [1.0], [0.1], [0.01]]), [0.0], 0.5) == 2
    assert steps_to_reach(np.array([[3.0], [1.0]]), [0.0], 0.5) is None
    with pytest.raises(ValueError, match="symmetric"):
        quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="lr > 0"):
        descent_path(lambda w: w, np.zeros(2), 0.1, 3, beta=1.0)
    with pytest.raises(ValueError, match="H must be"):
        momentum_path(np.eye(3), np.zeros(2), 0.1, 0.5, 3)


@pytest.mark.parametrize("qid, answer, diagnosis", [
    ("14.12", from_start("14.12", "w - eta*a*(w - c)"), "missing_term"),
    ("14.14", "c", "missing_term"),
])
def test_hints_appear_for_their_mistake(qid, answer, diagnosis):
    verdict = BANK[qid].check(answer)
    assert not verdict and verdict.diagnosis == diagnosis
    assert verdict.feedback.endswith("Hint: " + BANK[qid].hints[diagnosis])
