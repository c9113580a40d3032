"""Scalar autodiff: every op against SymPy derivatives; the lecture's traces recomputed.

Trace reference: ANN lecture, evaluation traces of f(x1, x2) = ln x1 + x1 x2 - sin x2 at
(2, 5) (after Baydin et al. 2018, Tables 2 and 3). Values below are derived with SymPy
here, not copied from the lecture.
"""
import math

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from nnlib.autodiff import Value, forward_trace, lecture_example, primal_trace, reverse_trace

a, b = sp.symbols("a b")

# name -> (function on Values / SymPy symbols, admissible domain of a)
UNARY = {
    "neg": (lambda x: -x, lambda x: -x),
    "pow3": (lambda x: x**3, lambda x: x**3),
    "pow-0.5": (lambda x: x**-0.5, lambda x: x ** sp.Rational(-1, 2)),
    "log": (lambda x: x.log(), sp.log),
    "exp": (lambda x: x.exp(), sp.exp),
    "sin": (lambda x: x.sin(), sp.sin),
    "cos": (lambda x: x.cos(), sp.cos),
    "tanh": (lambda x: x.tanh(), sp.tanh),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: 1 / (1 + sp.exp(-x))),
    "relu": (lambda x: x.relu(), lambda x: sp.Max(0, x)),
    "radd": (lambda x: 2.0 + x, lambda x: 2 + x),
    "rsub": (lambda x: 2.0 - x, lambda x: 2 - x),
    "rmul": (lambda x: 3.0 * x, lambda x: 3 * x),
    "rdiv": (lambda x: 1.0 / x, lambda x: 1 / x),
}
BINARY = {
    "+": (lambda x, y: x + y),
    "-": (lambda x, y: x - y),
    "*": (lambda x, y: x * y),
    "/": (lambda x, y: x / y),
}
MIX_VALUE = lambda x, y: (x * y).tanh() + x.exp() / (1.0 + y**2) - (x - y).sigmoid()  # noqa: E731
MIX_SYMPY = lambda x, y: sp.tanh(x * y) + sp.exp(x) / (1 + y**2) - 1 / (1 + sp.exp(y - x))  # noqa: E731


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("x0", [0.3, 1.7, 2.9])
def test_unary_ops_forward_and_reverse_vs_sympy(name, x0):
    fv, fs = UNARY[name]
    expr = fs(a)
    x = Value(x0, dot=1.0)
    y = fv(x)
    y.backward()
    exact_value = float(expr.subs(a, x0))
    exact_derivative = float(sp.diff(expr, a).subs(a, x0))
    assert y.data == pytest.approx(exact_value, rel=1e-14)
    assert x.grad == pytest.approx(exact_derivative, rel=1e-13)
    assert y.dot == pytest.approx(exact_derivative, rel=1e-13)


@pytest.mark.parametrize("name", [*BINARY, "mix"])
def test_binary_ops_vs_sympy(name):
    f, fs = (MIX_VALUE, MIX_SYMPY) if name == "mix" else (BINARY[name], BINARY[name])
    expr = fs(a, b)
    point = {a: 0.7, b: -1.3}
    x, y = Value(0.7, dot=1.0), Value(-1.3)
    out = f(x, y)
    out.backward()
    assert out.data == pytest.approx(float(expr.subs(point)), rel=1e-14)
    assert x.grad == pytest.approx(float(sp.diff(expr, a).subs(point)), rel=1e-13)
    assert y.grad == pytest.approx(float(sp.diff(expr, b).subs(point)), rel=1e-13)
    assert out.dot == pytest.approx(x.grad, rel=1e-13)


@given(st.floats(-3, 3), st.floats(0.1, 3))
def test_forward_and_reverse_mode_agree(x0, y0):
    x, y = Value(x0, dot=1.0), Value(y0)
    out = (x * y + y.log()).sin() * x.exp() - x / y
    out.backward()
    assert out.dot == pytest.approx(x.grad, rel=1e-12, abs=1e-12)


def test_shared_subexpressions_accumulate_and_backward_resets():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.backward()
    y.backward()
    assert x.grad == 7.0


def test_bad_operands():
    with pytest.raises(TypeError, match="number"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()


# --- the lecture's traces -----------------------------------------------------------------
x1, x2 = sp.symbols("x1 x2")
V = {-1: x1, 0: x2}
V[1] = sp.log(V[-1])
V[2] = V[-1] * V[0]
V[3] = sp.sin(V[0])
V[4] = V[1] + V[2]
V[5] = V[4] - V[3]
AT = {x1: 2, x2: 5}


def _num(expr):
    return float(expr.subs(AT))


def test_primal_trace_values_and_formulas():
    t = primal_trace(lecture_example, x1=2.0, x2=5.0)
    assert [r.name for r in t] == ["v_{-1}", "v_0", "v_1", "v_2", "v_3", "v_4", "v_5", "y"]
    assert [r.formula for r in t][2:] == ["ln v_{-1}", "v_{-1} × v_0", "sin v_0", "v_1 + v_2", "v_4 - v_3", "v_5"]
    for k in range(-1, 6):
        assert t.row(f"v_{{{k}}}" if k < 0 else f"v_{k}").value == pytest.approx(_num(V[k]), rel=1e-15)
    assert t.value == pytest.approx(math.log(2) + 10 - math.sin(5), rel=1e-15)


def test_forward_tangent_trace_wrt_x1():
    t = forward_trace(lecture_example, x1=2.0, x2=5.0, wrt="x1")
    for k in range(-1, 6):
        name = f"v\u0307_{{{k}}}" if k < 0 else f"v\u0307_{k}"
        assert t.row(name).value == pytest.approx(_num(sp.diff(V[k], x1)), rel=1e-15, abs=1e-15)
    assert t.derivative == pytest.approx(_num(sp.diff(V[5], x1)), rel=1e-15)
    assert t.derivative == 5.5  # 1/x1 + x2 at (2, 5), exact in binary
    assert t.row("v\u0307_2").formula == "v\u0307_{-1} × v_0 + v\u0307_0 × v_{-1}"
    assert t.primal is not None and len(t.primal) == 8


def test_forward_tangent_trace_wrt_x2():
    t = forward_trace(lecture_example, x1=2.0, x2=5.0, wrt="x2")
    assert t.derivative == pytest.approx(_num(sp.diff(V[5], x2)), rel=1e-15)


def test_reverse_adjoint_trace_matches_sympy_and_the_lecture_order():
    t = reverse_trace(lecture_example, x1=2.0, x2=5.0)
    names = [r.name for r in t]
    bar = "v\u0304"
    assert names == [f"{bar}_5", f"{bar}_4", f"{bar}_3", f"{bar}_1", f"{bar}_2", f"{bar}_0", f"{bar}_{{-1}}",
                     f"{bar}_0", f"{bar}_{{-1}}", "x\u03041", "x\u03042"]
    values = [r.value for r in t]
    # adjoints: d v5/d v4 = 1, d v5/d v3 = -1, then partial sums along the lecture's sweep
    expected = [1, 1, -1, 1, 1, -sp.cos(x2), x2, x1 - sp.cos(x2), x2 + 1 / x1, sp.diff(V[5], x1), sp.diff(V[5], x2)]
    for got, want in zip(values, expected):
        assert got == pytest.approx(_num(sp.sympify(want)), rel=1e-15)
    assert t.gradient["x1"] == 5.5
    assert t.gradient["x2"] == pytest.approx(2 - math.cos(5), rel=1e-15)
    assert abs(t.gradient["x2"] - 1.716) < 5e-4  # the lecture's rounded 1.716 is right
    assert t[-4].formula == f"{bar}_0 + {bar}_2 × v_{{-1}}"
    assert t[-3].formula == f"{bar}_{{-1}} + {bar}_1 / v_{{-1}}"


def test_trace_rendering():
    t = reverse_trace(lecture_example, x1=2.0, x2=5.0)
    text = t.to_text()
    assert "Reverse adjoint trace" in text and "Forward primal trace" in text
    html = t._repr_html_()
    assert html.count("<table>") == 2
    assert r"$\bar{v}_{-1}$" in html and r"\ln v_{-1}" in html and r"\cos v_{0}" in html


def test_trace_argument_errors():
    with pytest.raises(ValueError, match="wrt"):
        forward_trace(lecture_example, x1=2.0, x2=5.0, wrt="x3")
    with pytest.raises(TypeError, match="must return a Value"):
        primal_trace(lambda x: 3.0, x=1.0)
