"""Property tests: any text built from answer-like tokens gives a verdict, never an error."""
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.check import check, check_steps

TOKENS = ["x", "y", "W", "dY", "2", "0.5", "1e3", "9", "+", "-", "*", "/", "^", "**", "@",
          "(", ")", "[", "]", ",", ".T", "sigma(", "exp(", "log(", "max(", "hadamard(",
          "d/dx", "σ", "⊙", "ᵀ", " ", "_", "__", "lambda", ":", "'", "sum(", "ones(",
          "Matrix(", "relu(", "sqrt(", "e", "pi", "η", "abs(", "T", "1/0", "9**9"]

answers = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=25).map("".join)


@settings(deadline=None, max_examples=200)
@given(answers)
def test_scalar_question_never_raises(text):
    start = time.perf_counter()
    v = check(text, expected="x*sigma(y) + 2", variables="x y")
    assert time.perf_counter() - start < 2.0
    assert isinstance(v.feedback, str) and v.feedback
    assert "error" not in v.details, v.details


@settings(deadline=None, max_examples=200)
@given(answers)
def test_matrix_question_never_raises(text):
    v = check(text, expected="W.T @ dY", variables="x", shapes={"W": (4, 3), "dY": (4, 5)})
    assert isinstance(v.feedback, str) and v.feedback
    assert "error" not in v.details, v.details


@settings(deadline=None, max_examples=50)
@given(st.lists(answers, min_size=1, max_size=3))
def test_steps_never_raise(steps):
    v = check_steps(steps)
    assert isinstance(v.feedback, str)


# well-formed formulas, to exercise evaluation, comparison and diagnosis (not just parsing)
_leaf = st.sampled_from(["x", "y", "2", "0.5", "3", "e", "pi", "1e-3", "xy"])
formulas = st.recursive(_leaf, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", " "]), inner).map("".join),
    st.tuples(st.sampled_from(["sigma", "exp", "log", "tanh", "relu", "step", "abs",
                               "sqrt", "sech", "d/dx "]), inner).map(lambda t: f"{t[0]}({t[1]})"),
    st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
), max_leaves=8)

_mleaf = st.sampled_from(["A", "B", "A.T", "C", "x", "ones(3, 3)", "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]"])
matrix_formulas = st.recursive(_mleaf, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from([" + ", " - ", " @ ", " * ", " ⊙ "]), inner).map("".join),
    st.tuples(st.sampled_from(["sigma", "relu", "transpose", "sum"]), inner).map(
        lambda t: f"{t[0]}({t[1]})"),
), max_leaves=6)


@settings(deadline=None, max_examples=60)
@given(formulas, formulas)
def test_wellformed_scalar_formulas_give_verdicts(answer, expected):
    try:
        v = check(answer, expected=expected, variables="x y")
    except ValueError as exc:   # only the expected side may be rejected, with a clear message
        assert "expected answer" in str(exc)
        return
    assert "error" not in v.details, v.details
    assert check(expected, expected=expected, variables="x y")   # reflexive


@settings(deadline=None, max_examples=60)
@given(matrix_formulas, matrix_formulas)
def test_wellformed_matrix_formulas_give_verdicts(answer, expected):
    shapes = {"A": (3, 3), "B": (3, 3), "C": (3, 2)}
    try:
        v = check(answer, expected=expected, variables="x", shapes=shapes)
    except ValueError as exc:
        assert "expected answer" in str(exc)
        return
    assert "error" not in v.details, v.details
