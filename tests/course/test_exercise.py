"""check_answer: statuses, never raising, deterministic text, accessible HTML."""
from __future__ import annotations

import pytest

from nnlib.course import exercise
from nnlib.course.bank import Question
from nnlib.course.exercise import ANSWERS, AnswerResult, check_answer


class FakeVerdict:
    def __init__(self, correct, feedback):
        self.correct, self.feedback = correct, feedback
        self.diagnosis = None if correct else "sign"

    def __bool__(self):
        return self.correct


class FakeQuestion(Question):
    """Decides "right" as correct; raises on "boom"; stub functions raise NotImplementedError."""

    def check(self, value, seed=0, student=False):
        if callable(value):
            value = value()
        if value == "boom":
            raise RuntimeError("parser exploded")
        return FakeVerdict(value == "right", "Correct." if value == "right" else "Check the sign of $x$ & <y>.")


@pytest.fixture(autouse=True)
def fake_bank(monkeypatch):
    bank = {"9.1": FakeQuestion("9.1", 9, "expr", "Derivative of $f$", "answer_9_1", expected="SECRET")}
    monkeypatch.setattr(exercise, "_bank", lambda: bank)


def stub():
    raise NotImplementedError("your code here")


@pytest.mark.parametrize("value", [..., None, "", "   ", [], [..., ...], stub])
def test_not_attempted(value):
    result = check_answer("9.1", value)
    assert result.status == exercise.NOT_ATTEMPTED and not result
    assert "Not attempted" in repr(result) and "Not attempted" in result._repr_html_()


def test_correct_and_incorrect():
    ok, bad = check_answer("9.1", "right"), check_answer("9.1", "wrong")
    assert ok and ok.correct and repr(ok) == "\u2713 Correct \u2014 Question 9.1: Derivative of $f$"
    assert not bad and bad.diagnosis == "sign"
    assert repr(bad).splitlines() == ["\u2717 Not yet \u2014 Question 9.1: Derivative of $f$",
                                      "Check the sign of $x$ & <y>."]
    assert ANSWERS["9.1"] == "wrong"


def test_errors_become_feedback_not_exceptions():
    boom = check_answer("9.1", "boom")
    assert boom.status == exercise.INCORRECT and "RuntimeError: parser exploded" in boom.feedback
    unknown = check_answer("7.7", "x")
    assert unknown.status == exercise.INCORRECT and "no question '7.7'" in unknown.feedback


def test_html_is_accessible_themed_and_escaped():
    html = check_answer("9.1", "wrong")._repr_html_()
    assert 'role="status"' in html and 'aria-hidden="true"' in html and "Not yet" in html
    assert "var(--jp-error-color1" in html and "var(--jp-content-font-color1" in html
    assert "&amp; &lt;y&gt;" in html and "$x$" in html  # escaped, math left for MathJax
    assert "var(--jp-success-color1" in check_answer("9.1", "right")._repr_html_()


def test_expected_answer_is_never_shown():
    for value in ("right", "wrong", ..., "boom"):
        result = check_answer("9.1", value)
        assert "SECRET" not in repr(result) and "SECRET" not in result._repr_html_()


def test_result_is_deterministic():
    assert repr(check_answer("9.1", "wrong")) == repr(check_answer("9.1", "wrong"))
    assert isinstance(check_answer("9.1", "wrong"), AnswerResult)
