"""The answer corpus (tests/check/corpus.py): verdicts, diagnoses, no false accepts,
and feedback that never reveals the expected answer."""
import re
from fractions import Fraction

import pytest

from nnlib.check import check

from .corpus import cases

CASES = cases()


def _run(q, answer):
    return check(answer, expected=q.expected, variables=q.variables, shapes=q.shapes,
                 rtol=q.rtol)


def test_corpus_is_large_enough():
    assert len(CASES) >= 150
    assert sum(d is None for _, _, d in CASES) >= 50
    assert sum(d is not None for _, _, d in CASES) >= 80


@pytest.mark.parametrize("q, answer, diagnosis", CASES,
                         ids=[f"{q.name}: {a!r}"[:60] for q, a, _ in CASES])
def test_corpus_case(q, answer, diagnosis):
    v = _run(q, answer)
    assert v.correct == (diagnosis is None), v
    assert v.diagnosis == diagnosis, v


def test_no_false_accepts():
    accepted = [(q.name, a) for q, a, d in CASES if d is not None and _run(q, a)]
    assert accepted == []


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("q, answer, diagnosis",
                         [c for c in CASES if c[2] is not None],
                         ids=[f"{q.name}: {a!r}"[:60] for q, a, d in CASES if d is not None])
def test_feedback_never_contains_expected(q, answer, diagnosis):
    feedback = _squash(_run(q, answer).feedback)
    expected = _squash(q.expected)
    if len(expected) >= 3:
        assert expected not in feedback
    for form in (expected.replace("**", "^"), expected.replace("*", "")):
        if len(form) >= 3:
            assert form not in feedback
    if not q.variables and not q.shapes and "Matrix" not in q.expected:   # a number
        value = float(Fraction(q.expected))
        for text in (f"{value:g}", f"{abs(value):g}", repr(value)):
            if text not in ("0", "1"):
                assert text not in feedback
