"""The step-checked derivations of lessons 2-6 (2.6, 3.5-3.6, 4.6-4.7, 5.6-5.7, 6.7-6.8).

* Each master answer (read from the master notebook's solution region, never executed) passes,
  starts with the bank's ``start`` and has at least ``min_steps`` steps.
* Typical wrong derivations are rejected. Each wrong result below is derived by hand from the
  correct one by one slip (stated in the comment next to it); a correct start plus a wrong
  result must fail, whether the slip is in the only step or in the last of several.

The expected answers themselves are derived in the masters' solution-only cells (SymPy).
"""
from __future__ import annotations

import pytest

from _derivations import assert_master_derivation, master_answer
from nnlib.course.bank import load_bank

BANK = load_bank()
STEMS = {
    "2.6": "02_computational_graphs",
    "3.5": "03_forward_reverse_mode", "3.6": "03_forward_reverse_mode",
    "4.6": "04_layer_backprop", "4.7": "04_layer_backprop",
    "5.6": "05_backprop_dynamic_programming", "5.7": "05_backprop_dynamic_programming",
    "6.7": "06_mfnet_worked_example", "6.8": "06_mfnet_worked_example",
}

S = "sigma(w*x + b)"                                   # lesson 2's neuron output y
A1, A2 = "sigma(w1*x + b1)", "sigma(w2*sigma(w1*x + b1) + b2)"   # lesson 5's a1, a2
BACK2 = f"2*({A2} - y)*{A2}*(1 - {A2})"                 # lesson 5's delta^(2)


def test_each_lesson_2_to_6_has_two_derivations():
    for lesson in range(2, 7):
        steps = [q for q in BANK.values() if q.lesson == lesson and q.kind == "steps"]
        assert len(steps) >= 2, f"lesson {lesson}: {len(steps)} derivations"


@pytest.mark.parametrize("qid", sorted(STEMS))
def test_master_answer_passes_from_the_start(qid):
    assert BANK[qid].plain_steps == 1 and BANK[qid].min_steps == 3
    answer = assert_master_derivation(qid, STEMS[qid])
    assert len(set(answer)) == len(answer), f"{qid}: repeated steps"


WRONG = [
    # 2.6: dL/dx = (y - c) y (1 - y) w
    ("2.6", f"({S} - c)*{S}*(1 - {S})"),                 # inner derivative d(wx + b)/dx = w dropped
    ("2.6", f"({S} - c)*{S}*(1 - {S})*x"),               # wrong variable: the inner derivative of dL/dw
    ("2.6", f"-({S} - c)*{S}*(1 - {S})*w"),              # sign slip
    ("2.6", f"1/2*({S} - c)*{S}*(1 - {S})*w"),           # the 2 of the square not cancelled
    # 3.5: dy/dx2 = x1 - cos x2
    ("3.5", "x1 + cos(x2)"),                             # d(-sin)/dx2 sign slip
    ("3.5", "x2 - cos(x2)"),                             # d(x1 x2)/dx2 taken as x2 (wrong index)
    ("3.5", "x1 - sin(x2)"),                             # sin not differentiated
    # 3.6: dy/dx1 at (2, 5) = 1/2 + 5
    ("3.6", "-11/2"),                                    # sign slip
    ("3.6", "5"),                                        # d ln(x1)/dx1 dropped
    ("3.6", "1/2 + 2"),                                  # d(x1 x2)/dx1 taken as x1 (wrong index)
    # 4.6: dE/dw_21 = e_2 x_1
    ("4.6", "e_1*x_2"),                                  # indices transposed (w_ji -> e_i x_j)
    ("4.6", "e_2*x_2"),                                  # wrong input index
    ("4.6", "-e_2*x_1"),                                 # sign slip
    # 4.7: dE/db_1 = g_11 + g_21
    ("4.7", "g_11"),                                     # one sample only: the batch sum dropped
    ("4.7", "(g_11 + g_21)/2"),                          # averaged instead of summed
    ("4.7", "g_11 - g_21"),                              # sign slip
    # 5.6: delta1 = delta2 * w2 * sigma'(z1)
    ("5.6", f"{BACK2}*{A1}*(1 - {A1})"),                 # w2 dropped (W^T of the recursion)
    ("5.6", f"{BACK2}*w1*{A1}*(1 - {A1})"),              # wrong weight: w1 instead of w2
    ("5.6", f"{BACK2}*w2"),                              # sigma'(z1) dropped
    ("5.6", f"({A2} - y)*{A2}*(1 - {A2})*w2*{A1}*(1 - {A1})"),   # factor 2 of the square dropped
    # 5.7: 2 (v1 w11 x + v2 w21 x - y) v1 x = 2 * (-1) * 3 = -6
    ("5.7", "6"),                                        # sign slip
    ("5.7", "-3"),                                       # factor 2 dropped
    ("5.7", "2"),                                        # v2 instead of v1: the w21 entry (exercise 5.4)
    # 6.7: (1/2) sum_s (yhat_s - y_s) a_2s = (1/2)(3 - 6 + 3 - 6)
    ("6.7", "3"),                                        # sign slip
    ("6.7", "-6"),                                       # 1/4 * 2 taken as 1 (the factor of J dropped)
    ("6.7", "-1"),                                       # wrong column: the u entry (a_1s)
    ("6.7", "-3/2"),                                     # 1/4 kept, the 2 of the square dropped
    # 6.8: (1/2)(5 - 6 + 6 - 7)
    ("6.8", "1"),                                        # sign slip
    ("6.8", "-2"),                                       # factor of J dropped
    ("6.8", "-3"),                                       # wrong column: the w entry (a_2s)
    ("6.8", "0"),                                        # the bias entry W3[1, 0]: sum of residuals
]


@pytest.mark.parametrize("qid, result", WRONG, ids=[f"{q}-{i}" for i, (q, _) in enumerate(WRONG)])
def test_wrong_results_are_rejected(qid, result):
    question = BANK[qid]
    master = master_answer(STEMS[qid], question.variable)
    for steps in ([question.start, result],                   # the slip as the only step
                  [*master[:-1], result]):                     # the slip in the last of several
        verdict = question.check(steps)
        assert not verdict, f"{qid}: wrong derivation {steps!r} was accepted"


@pytest.mark.parametrize("qid", sorted(STEMS))
def test_a_step_that_does_not_follow_is_rejected(qid):
    # A correct result reached through a false middle step: the middle step is the master's
    # first step with its sign flipped, which does not follow from the start.
    question = BANK[qid]
    master = master_answer(STEMS[qid], question.variable)
    steps = [master[0], f"-({master[1]})", master[-1]]
    assert not question.check(steps), f"{qid}: a non-following step was accepted"


def test_too_few_steps_are_rejected():
    # min_steps = 3: start and result alone are not a derivation
    for qid in STEMS:
        question = BANK[qid]
        master = master_answer(STEMS[qid], question.variable)
        assert not question.check([master[0], master[-1]]), qid
