"""check_values: numeric comparison of arrays from code exercises."""
import numpy as np
import pytest

from nnlib.check import check_values

A = np.arange(1.0, 7.0).reshape(2, 3)
S = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("actual, expected, diagnosis", [
    (A, A, None),
    (A + 1e-12, A, None),
    (A.tolist(), A, None),
    (A.T, A, "transpose"),
    (S.T, S, "transpose"),
    (-A, A, "sign"),
    (2 * A, A, "factor"),
    (A / 5, A, "factor"),
    (A[:1], A, "shape"),
    (A.ravel(), A, "shape"),
    (np.where(A > 3, np.inf, A), A, "non-finite"),
    (A + np.eye(2, 3), A, "other"),
    ("abc", A, "other"),
    (3.0, 3, None),
    (np.float64(-0.125), -1 / 8, None),
    (0.25, -0.125, "factor"),
    ((A, S), (A, S), None),
    ((A, S.T), (A, S), "transpose"),
    ([A, S], (A, S), None),
    ((A,), (A, S), "shape"),
    (A, (A, S), "shape"),
])
def test_check_values(actual, expected, diagnosis):
    v = check_values(actual, expected)
    assert v.correct == (diagnosis is None), v
    assert v.diagnosis == diagnosis, v


def test_feedback_names_index_and_shapes_not_values():
    expected = np.array([[0.123456, 2.5], [3.5, 4.5]])
    actual = expected.copy()
    actual[1, 0] = 9.0
    v = check_values(actual, expected)
    assert "(1, 0)" in v.feedback and "3.5" not in v.feedback
    v = check_values(A[:1], A)
    assert "(1, 3)" in v.feedback and "(2, 3)" in v.feedback


def test_tolerances():
    assert check_values(A * (1 + 1e-6), A, rtol=1e-5)
    assert not check_values(A * (1 + 1e-6), A)
    assert check_values(np.zeros(3) + 1e-9, np.zeros(3), atol=1e-8)
    with pytest.raises(ValueError, match="rtol"):
        check_values(A, A, rtol=-1)
    with pytest.raises(TypeError, match="expected"):
        check_values(A, "abc")


def test_input_not_mutated():
    a, e = A.copy(), A.copy()
    check_values(a, e)
    assert np.array_equal(a, A) and np.array_equal(e, A)


def test_matching_infinities_and_huge_values_do_not_warn():
    # pytest turns RuntimeWarnings raised in nnlib modules into errors (pyproject)
    inf = np.array([np.inf, 1.0, -np.inf])
    assert check_values(inf, inf)
    assert check_values(np.array([1e308, -1e308]), np.array([-1e308, 1e308])).diagnosis == "sign"
