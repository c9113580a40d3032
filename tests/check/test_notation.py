"""Typed notation -> plain answer syntax (nnlib/check/notation.py), and its refusals."""
import time

import pytest

from nnlib.check import check
from nnlib.check.notation import NotationError, rewrite_notation
from nnlib.check.parse import ParseError, parse


@pytest.mark.parametrize("typed, plain", [
    ("|x|", "abs(x)"),
    ("|x - y|^2", "abs(x - y)^2"),
    ("|a|*|b|", "abs(a)*abs(b)"),
    ("||x||", "abs(abs(x))"),
    ("2|x|", "2abs(x)"),
    ("√x + √(y+1) + √2.5", "sqrt(x) + sqrt(y+1) + sqrt(2.5)"),
    ("x_{1} + w_{ij}", "x_1 + w_ij"),
    ("tanh^2(z)", "(tanh(z))^2"),
    ("sigma^{2}(tanh^3(z))", "(sigma((tanh(z))^3))^2"),
    ("x^2(y)", "x^2(y)"),  # not a function: an ordinary power times (y)
    (r"$\frac{1}{2}$", "((1)/(2))"),
    (r"\frac12", "((1)/(2))"),
    (r"\frac{\frac{1}{x}}{y}", "((((1)/(x)))/(y))"),
    (r"\sqrt{x}", "sqrt(x)"),
    (r"\left(a\right)\left[b\right]", "(a)(b)"),
    (r"x \right", "x"),  # a sizing command with nothing after it
    (r"W^\top", "W^ T "),
    (r"\frac{d}{dw} L", " d/dw  L"),
    (r"\frac{\partial}{\partial w_1} L", " d/dw_1  L"),
    (r"\text{ReLU}(z)", "ReLU(z)"),
    (r"x\cdot y \times z", "x*y*z"),
    (r"a \circ b", "a  \u2299  b"),
])
def test_rewrites(typed, plain):
    # spaces are insignificant to the tokenizer that reads the result
    assert rewrite_notation(typed).replace(" ", "") == plain.replace(" ", "")


@pytest.mark.parametrize("typed, message", [
    (r"\sum_i x_i", r"\\sum are not supported"),
    (r"\int x", "Integrals"),
    (r"\foo x", r"LaTeX command \\foo is not supported"),
    (r"\sqrt[3]{x}", "Roots other than the square root"),
    (r"\frac{1}{2", r"braces after \\frac are not closed"),
    (r"\frac", r"\\frac is missing its argument"),
    ("tanh^2(" * 70 + "z" + ")" * 70, "nested too deeply"),
    ("|x", "bars in your answer do not pair up"),
    ("|x| + |y", "bars in your answer do not pair up"),
])
def test_refusals_name_the_problem(typed, message):
    with pytest.raises(NotationError, match=message):
        rewrite_notation(typed)


def test_parse_reports_notation_errors_as_parse_errors():
    with pytest.raises(ParseError) as info:
        parse(r"\sum_i x_i")
    assert info.value.kind == "unparsable"


def test_rewriting_cannot_smuggle_in_what_the_plain_syntax_refuses():
    for text in (r"\text{__import__}('os')", r"\mathrm{lambda}: 0", r"\text{x.__class__}"):
        with pytest.raises(ParseError):
            parse(text)


def test_deep_or_long_latex_fails_fast_and_cleanly():
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse("\\frac{" * 80 + "1")  # unclosed and deeper than MAX_NESTING
    assert info.value.kind in ("unsafe", "unparsable")
    with pytest.raises(ParseError):
        parse(r"\frac{1}{x}" * 400)  # 4,400 characters: over MAX_LENGTH before any rewriting
    assert time.perf_counter() - started < 5  # generous: this is a hang guard, not a benchmark


def test_latex_answers_are_judged_like_plain_ones():
    expected = "sigma(z)*(1 - sigma(z))"
    assert check(r"\sigma(z)\left(1-\sigma(z)\right)", expected, variables="z").correct
    wrong = check(r"-\sigma(z)(1-\sigma(z))", expected, variables="z")
    assert not wrong.correct and wrong.diagnosis == "sign"


def test_latex_in_a_plain_string_has_its_backslashes_restored():
    # "\f", "\t", "\b", "\a", "\r", "\n" are escapes in an ordinary Python string literal
    typed = "\frac{1}{2}\tanh(x) + \beta\alpha \\left(x\right) + \nu"
    assert "\x0c" in typed and "\t" in typed  # what the student's string really holds
    assert rewrite_notation(typed).replace(" ", "") == "((1)/(2))tanh(x)+betaalpha(x)+nu"
    # an escape that spells no supported command is left alone (and then reported)
    assert rewrite_notation("x +\nabc") == "x +\nabc"
    assert check("\frac{1}{2}(y - t)^2", "(y - t)**2/2").correct
