"""Lesson 13's questions: the master's answers pass, typical mistakes are rejected.

Expected values are derived in the master (solution-only cells, SymPy); the code references
are checked against central differences in test_references_backward_ops.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from _derivations import from_start
from nnlib.course.bank import load_bank
from nnlib.course.references import backward_ops as ref

STEM = "13_stable_softmax_and_new_backward_passes"
BANK = {k: v for k, v in load_bank().items() if v.lesson == 13}
S3 = "(exp(a) + exp(b) + exp(c))"


def test_lesson13_has_the_planned_exercises():
    kinds = [q.kind for q in BANK.values()]
    assert len(BANK) == 19 and kinds.count("steps") == 8 and kinds.count("code") == 8, kinds



WRONG = [
    ("13.1", from_start("13.1", "log(exp(m)*(exp(a - m) + exp(b - m)))", "m*log(exp(a - m) + exp(b - m))")),
    ("13.1", from_start("13.1", "-m + log(exp(a - m) + exp(b - m))")),        # sign of the shift
    ("13.1", from_start("13.1", "m + log(exp(a) + exp(b))")),                  # shift added, not taken out
    ("13.3", "100"), ("13.3", "log(10)/100"), ("13.3", "-100*log(10)"),
    ("13.4", "-1e120"),                                                     # the unclipped -1/s
    ("13.4", "1"),
    ("13.5", from_start("13.5", f"exp(a)*exp(b)/{S3}^2")),                      # sign flip
    ("13.5", from_start("13.5", f"-exp(a)*exp(b)/{S3}")),                       # dropped square
    ("13.5", from_start("13.5", f"exp(a)/{S3}*(1 - exp(a)/{S3})")),              # the diagonal entry
    ("13.6", from_start("13.6", "hadamard(s, g) + s @ s.T @ g")),               # sign flip
    ("13.6", from_start("13.6", "hadamard(s, g)")),                             # missing term
    ("13.6", from_start("13.6", "hadamard(s, g) - s.T @ s @ g")),               # transpose misplaced
    ("13.6", from_start("13.6", "g - s @ s.T @ g")),                            # diag(s) dropped
    ("13.8", from_start("13.8", f"1/{S3}")),                                    # forgot the inner derivative
    ("13.8", from_start("13.8", f"-exp(a)/{S3}")),
    ("13.10", from_start("13.10", "(w*x - y)*x + lambda*w/2")),                    # dropped factor
    ("13.10", from_start("13.10", "(w*x - y)*x - lambda*w")),                      # sign flip
    ("13.10", from_start("13.10", "(w*x - y)*x + lambda*(w + v)")),                # extra term
    ("13.10", from_start("13.10", "(w*x - y) + lambda*w")),                        # inner derivative dropped
    ("13.12", from_start("13.12", "(1 - tanh(w*x + b)^2)*w")),                  # skip path dropped
    ("13.12", from_start("13.12", "1 + (1 - tanh(w*x + b))*w")),
    ("13.12", from_start("13.12", "1 - (1 - tanh(w*x + b)^2)*w")),
    ("13.14", from_start("13.14", "g1")),                                       # mean path dropped
    ("13.14", from_start("13.14", "g1 - (g1 + g2 + g3)")),                      # dropped 1/3
    ("13.14", from_start("13.14", "g1 + (g1 + g2 + g3)/3")),
    ("13.16", from_start("13.16", "u2*v1")),                                    # transposed index
    ("13.16", from_start("13.16", "u1*v2 + u2*v1")),
    ("13.17", "v @ u.T"), ("13.17", "u.T @ v"), ("13.17", "-u @ v.T"), ("13.17", "2*u @ v.T"),
]


@pytest.mark.parametrize("qid, answer", WRONG, ids=[f"{q}-{i}" for i, (q, _) in enumerate(WRONG)])
def test_typical_mistakes_are_rejected(qid, answer):
    verdict = BANK[qid].check(answer)
    assert not verdict, f"{qid}: wrong answer {answer!r} was accepted"


def test_equivalent_rewrites_are_accepted():
    assert BANK["13.3"].check("230.26")                                    # 5 significant digits
    assert BANK["13.3"].check("100*ln(10)")
    assert BANK["13.6"].check(from_start("13.6", "transpose(diag(s)) @ g - transpose(s @ s.T) @ g", "hadamard(s, g) - s @ (s.T @ g)"))
    assert BANK["13.17"].check("transpose(v @ u.T)")
    assert BANK["13.8"].check(from_start("13.8", f"1/{S3} * exp(a)", f"exp(a)/{S3}"))


# ------------------------------------------------------------------ code questions: wrong code
def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


WRONG_CODE = {
    "13.2": [lambda Z: np.log(np.exp(Z).sum(axis=1)),                               # no shift: overflows
             lambda Z: Z.max(axis=1) + np.log(np.exp(Z - Z.max(axis=1)[:, None]).mean(axis=1))],
    "13.7": [lambda Z, dS: _softmax(Z) * dS,                                        # missing term
             lambda Z, dS: _softmax(Z) * (dS + (_softmax(Z) * dS).sum(axis=1, keepdims=True)),
             lambda Z, dS: _softmax(Z) * (dS - (_softmax(Z) * dS).sum(axis=0, keepdims=True)),
             lambda Z, dS: (lambda S: S * (dS - (S * dS).sum(axis=1, keepdims=True)))(   # naive softmax
                 np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))],
    "13.9": [lambda Z, d: _softmax(Z),                                              # dout ignored
             lambda Z, d: d[:, None] * np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)],  # overflows
    "13.11": [lambda X, W, dY, lam: dY.T @ X,                                       # penalty forgotten
              lambda X, W, dY, lam: dY.T @ X + lam * W / 2,                         # dropped factor
              lambda X, W, dY, lam: dY.T @ X - lam * W],
    "13.13": [lambda X, W, b, dY: (dY * (1 - np.tanh(X @ W.T + b) ** 2)) @ W,      # skip path dropped
              lambda X, W, b, dY: dY + (dY * (1 - np.tanh(X @ W.T + b) ** 2)) @ W.T],  # missing transpose
    "13.15": [lambda X, dY: dY,                                                     # mean path dropped
              lambda X, dY: dY - dY.mean(axis=1, keepdims=True)],                   # wrong axis
    "13.18": [lambda X1, A, X2, dy: X1.T @ X2,                                      # dy ignored
              lambda X1, A, X2, dy: (X2.T @ (dy[:, None] * X1)).T * 2],
    "13.19": [ref.buggy_tanh_layer_grads],                                          # the planted bug itself
}


@pytest.mark.parametrize("qid, index", [(q, i) for q, fs in WRONG_CODE.items() for i in range(len(fs))])
def test_wrong_code_is_rejected(qid, index):
    with np.errstate(all="ignore"):
        verdict = BANK[qid].check(WRONG_CODE[qid][index])
    assert not verdict, f"{qid}: wrong implementation #{index} accepted"


@pytest.mark.parametrize("qid", [q for q, v in BANK.items() if v.kind == "code"])
def test_reference_passes_its_own_question(qid):
    from nnlib.course.bank import resolve

    assert BANK[qid].check(resolve(BANK[qid].reference))


@pytest.mark.parametrize("qid, answer, diagnosis", [
    ("13.6", from_start("13.6", "hadamard(s, g)"), "missing_term"),
    ("13.10", from_start("13.10", "(w*x - y)*x"), "missing_term"),
    ("13.12", from_start("13.12", "(1 - tanh(w*x + b)^2)*w"), "missing_term"),
    ("13.14", from_start("13.14", "g1"), "other"),
    ("13.17", "v @ u.T", "transpose"),
])
def test_hints_appear_for_their_mistake(qid, answer, diagnosis):
    verdict = BANK[qid].check(answer)
    assert not verdict and verdict.diagnosis == diagnosis
    assert verdict.feedback.endswith("Hint: " + BANK[qid].hints[diagnosis])
