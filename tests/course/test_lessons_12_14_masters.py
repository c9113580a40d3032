"""Lessons 12-14: every master answer passes its own question, and every derivation starts
where its question says and has at least the steps it asks for (typical wrong answers are in
test_lesson12_bank.py, test_lesson13_bank.py and test_lesson14_bank.py)."""
from __future__ import annotations

import pytest

from _derivations import assert_master_derivation, master_answer
from nnlib.course.bank import load_bank

STEMS = {12: "12_conventions_and_gradient_checking", 13: "13_stable_softmax_and_new_backward_passes",
         14: "14_momentum_weight_decay_curvature"}
BANK = {k: v for k, v in load_bank().items() if v.lesson in STEMS}


@pytest.mark.parametrize("qid", [q for q, v in BANK.items() if v.kind != "code"])
def test_master_answer_passes(qid):
    q = BANK[qid]
    answer = master_answer(STEMS[q.lesson], q.variable)
    verdict = q.check(answer)
    assert verdict, f"{qid}: the master's answer {answer!r} is rejected: {verdict.feedback}"


@pytest.mark.parametrize("qid", [q for q, v in BANK.items() if v.kind == "steps"])
def test_every_derivation_is_anchored_and_the_master_respects_the_anchor(qid):
    assert BANK[qid].min_steps >= 3, f"{qid}: min_steps {BANK[qid].min_steps}"
    assert_master_derivation(qid, STEMS[BANK[qid].lesson])
