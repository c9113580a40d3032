"""The exercise audit over the whole bank: no wrong answer accepted, no rewrite refused."""
from __future__ import annotations

import sympy as sp

from nnlib.course.__main__ import main
from nnlib.course.audit import audit, audit_question, report
from nnlib.course.bank import Question, load_bank


def test_whole_bank_no_accepted_mutant_no_rejected_rewrite():
    results = audit(load_bank())
    text = report(results)
    assert sum(len(r.accepted_mutants) for r in results) == 0, text
    assert sum(len(r.rejected_rewrites) for r in results) == 0, text
    # the audit really tried things: every question has wrong answers, and rewrites unless it
    # is a derivation whose start SymPy cannot rewrite into a distinct intermediate step (those
    # derivations' correct answers are the masters', checked in tests/course/test_lesson*_bank.py)
    bank = load_bank()
    assert all(r.mutants for r in results), text
    assert all(r.rewrites for r in results if bank[r.qid].kind != "steps"), text
    families = {o.family for r in results for o in r.mutants}
    for family in ("term sign flipped", "term dropped", "factor dropped", "transpose removed",
                   "variables swapped", "kink term (|v| > 100)", "narrow bump at v = 5",
                   "Heaviside splice (v < -2)", "tiny", "entrywise kink term (|E| > 100)",
                   "wrong last digit", "one digit too few", "entrywise kink term (|E| > 1e5)",
                   "entrywise narrow bump at 5"):
        assert family in families, family


class Credulous(Question):
    """A question whose checker says yes to everything: the audit must notice."""

    def check(self, value, seed=0, student=False):
        from nnlib.check import Verdict
        return Verdict(True)


def test_a_credulous_checker_is_caught_by_the_audit():
    q = Credulous("9.9", 9, "expr", "p", "answer_9_9", expected="2*x*y", variables=("x", "y"))
    r = audit_question(q)
    assert r.mutants and len(r.accepted_mutants) == len(r.mutants)
    assert "ACCEPTED MUTANT" in report([r])


def test_mutants_equal_to_the_answer_are_not_counted():
    # swapping the two variables of a symmetric answer gives the same answer
    q = Question("9.8", 9, "expr", "p", "answer_9_8", expected="a + b", variables=("a", "b"))
    r = audit_question(q)
    assert r.dropped >= 1 and not r.accepted_mutants
    assert all(not (isinstance(o.answer, str) and o.answer.replace(" ", "") == "b+a")
               for o in r.mutants)


def test_command_line_exit_status(capsys):
    assert main(["audit", "--question", "2.1", "--question", "4.2"]) == 0
    out = capsys.readouterr().out
    assert "2 questions: 0 of" in out and "rewrites rejected" in out
    assert main(["audit", "--question", "99.9"]) == 2
