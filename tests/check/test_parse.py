"""The restricted parser and builder: notation students type, and what it means."""
import ast

import pytest
import sympy as sp

from nnlib.check.build import build, make_symbols, split_name
from nnlib.check.parse import ParseError, parse

SYMS = make_symbols(["x", "y", "w", "b", "eta", "lambda", "w_1", "x1", "a_j", "W", "dY"],
                    {"W": (4, 3), "dY": (4, 5)})
x, y, w, b = (SYMS[n] for n in "xywb")


def expr(text):
    return build(text, SYMS).expr


@pytest.mark.parametrize("text, python", [
    ("2x", "2 * x"),
    ("2(x+1)", "2 * (x + 1)"),
    ("x^2", "x ** 2"),
    ("sigma(x)(1-sigma(x))", "sigma(x) * (1 - sigma(x))"),
    ("x(y)", "x * y"),
    ("W^T", "W.T"),
    ("W^{T} dY", "W.T * dY"),
    ("Wᵀ", "W.T"),
    ("2ηx", "2 * eta * x"),
    ("λ W", "lamda_ * W"),
    ("A ⊙ B", "A % B"),
    ("d/dx x^2", "Derivative(x ** 2, x)"),
    ("max(0, d/dx x^2)", "max(0, Derivative(x ** 2, x))"),
    ("3 d/dw (w^2) + 1", "3 * Derivative(w ** 2, w) + 1"),
    ("1.5e-3", "0.0015"),
    # d/dw applies to the next term: up to a + or - at its own level
    ("d/dw (1/2)*(s - c)**2", "Derivative(1 / 2 * (s - c) ** 2, w)"),
    ("d/dx x^2 + 3x", "Derivative(x ** 2, x) + 3 * x"),
    ("d/dx -x^2", "Derivative(-x ** 2, x)"),
    ("d/dx (x^2 + 3x)", "Derivative(x ** 2 + 3 * x, x)"),
    ("d/dx d/dy x y - 1", "Derivative(Derivative(x * y, y), x) - 1"),
])
def test_preprocessing(text, python):
    assert ast.unparse(parse(text)) == python


@pytest.mark.parametrize("text, value", [
    ("2x(1 - x)", 2 * x * (1 - x)),
    ("x^2 + x**2", 2 * x**2),
    ("ln(x)", sp.log(x)),
    ("e^x", sp.exp(x)),
    ("sigma(x)", 1 / (1 + sp.exp(-x))),
    ("σ(x)", 1 / (1 + sp.exp(-x))),
    ("sigmoid(x)", 1 / (1 + sp.exp(-x))),
    ("relu(x)", sp.Max(0, x)),
    ("softplus(x)", sp.log(1 + sp.exp(x))),
    ("step(x)", sp.Heaviside(x)),
    ("abs(x)", sp.Abs(x)),
    ("w_1 x1", SYMS["w_1"] * SYMS["x1"]),
    ("η", SYMS["eta"]),
    ("lambda x", SYMS["lambda"] * x),
    ("0.125", sp.Rational(1, 8)),
    ("1/8", sp.Rational(1, 8)),
    ("-1.25e-1", sp.Rational(-1, 8)),
    ("pi", sp.pi),
    ("d/dw (w x + b)^2", 2 * x * (w * x + b)),
    ("Derivative(x^3, x)", 3 * x**2),
    ("wx + b", w * x + b),                       # split into known names
])
def test_build_values(text, value):
    assert sp.simplify(expr(text) - value) == 0


def test_decimals_are_exact_but_flagged():
    built = build("0.1 x", SYMS)
    assert built.expr == sp.Rational(1, 10) * x and built.inexact
    assert not build("x/10", SYMS).inexact


def test_matrix_building():
    W, dY = SYMS["W"], SYMS["dY"]
    assert expr("W.T @ dY") == W.T * dY
    assert expr("W^T dY") == W.T * dY
    assert expr("transpose(W) * dY") == W.T * dY
    assert expr("Matrix([[1, 2], [3, 4]])") == sp.ImmutableMatrix([[1, 2], [3, 4]])
    assert expr("[1, 2, 3]").shape == (3, 1)
    assert expr("sum(W, 0)").shape == (1, 3)
    assert expr("ones(2, 3)").shape == (2, 3)
    assert expr("diag(W @ ones(3, 1))").shape == (4, 4)


@pytest.mark.parametrize("text, message", [
    ("dY @ W.T", "(4, 5) @ (3, 4) is not defined"),
    ("W + dY", "(4, 3) + (4, 5) is not defined"),
    ("hadamard(W, dY)", "hadamard of (4, 3) and (4, 5)"),
    ("x / W", "Dividing by a matrix"),
    ("W ** 2", "not square"),
])
def test_shape_errors_name_the_shapes(text, message):
    with pytest.raises(ParseError) as info:
        build(text, SYMS)
    assert info.value.kind == "shape" and message in info.value.message


@pytest.mark.parametrize("text, kind", [
    ("x +", "unparsable"), ("(x", "unparsable"), ("x)", "unparsable"),
    ("sigma", "unparsable"), ("exp(x, y)", "unparsable"), ("x < y", "unparsable"),
    ("x // y", "unparsable"), ("x % y", "unparsable"), ("'x'", "unparsable"),
    ("x.real", "unsafe"), ("__x", "unsafe"), ("lambda: 0", "unsafe"),
    ("x ** 1001", "unsafe"), ("exp(1000)", "unsafe"), ("10 ** 400", "unsafe"),
    ("q", "unknown"), ("x(y)z", "unknown"),
])
def test_errors_have_kinds(text, kind):
    with pytest.raises(ParseError) as info:
        build(text, SYMS)
    assert info.value.kind == kind


def test_split_name_prefers_fewest_parts():
    known = {"w", "x", "wx1", "x1", "eta"}
    assert split_name("wx", known) == ["w", "x"]
    assert split_name("wx1", known) is None            # itself known
    assert split_name("etax", known) == ["eta", "x"]
    assert split_name("wz", known) is None
