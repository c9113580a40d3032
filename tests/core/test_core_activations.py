"""Activations: formulas, derivatives, ranges, stability, and the identities students can prove."""
import math
import warnings

import numpy as np
import pytest
from core_cases import ACTIVATION_FACTORIES
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import ACTIVATIONS, ELU, Identity, LeakyReLU, ReLU, Sigmoid, Softplus, Step, Tanh, gradcheck, softmax

finite = st.floats(-50, 50, allow_nan=False)
matrices = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=finite)

# Reference formulas written directly from the lecture table with Python's math module.
REFERENCE = {
    "Identity": (lambda z: z, lambda z: 1.0),
    "Step": (lambda z: 1.0 if z >= 0 else 0.0, lambda z: 0.0),
    "Sigmoid": (lambda z: 1 / (1 + math.exp(-z)), lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2),
    "Tanh": (math.tanh, lambda z: 1 / math.cosh(z) ** 2),
    "ReLU": (lambda z: max(0.0, z), lambda z: 1.0 if z > 0 else 0.0),
    "LeakyReLU": (lambda z: z if z >= 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01),
    "LeakyReLU(0.2)": (lambda z: z if z >= 0 else 0.2 * z, lambda z: 1.0 if z > 0 else 0.2),
    "ELU": (lambda z: z if z > 0 else math.expm1(z), lambda z: 1.0 if z > 0 else math.exp(z)),
    "ELU(0.5)": (lambda z: z if z > 0 else 0.5 * math.expm1(z), lambda z: 1.0 if z > 0 else 0.5 * math.exp(z)),
    "Softplus": (lambda z: math.log(1 + math.exp(z)), lambda z: 1 / (1 + math.exp(-z))),
}
POINTS = [-3.0, -0.7, -1e-3, 0.0, 1e-3, 0.4, 2.5]


@pytest.mark.parametrize("name", list(ACTIVATION_FACTORIES))
def test_f_and_df_match_the_formulas(name):
    act = ACTIVATION_FACTORIES[name]()
    f, df = REFERENCE[name]
    z = np.array(POINTS)
    np.testing.assert_allclose(act.f(z), [f(v) for v in POINTS], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(act.df(z), [df(v) for v in POINTS], rtol=1e-14, atol=1e-300)
    np.testing.assert_array_equal(act.forward(z.reshape(1, -1)), act.f(z).reshape(1, -1))
    np.testing.assert_allclose(act.backward(np.full((1, 7), 2.0)), 2.0 * act.df(z).reshape(1, -1), rtol=1e-15)


@pytest.mark.parametrize("name", [n for n in ACTIVATION_FACTORIES if n != "Step"])
def test_df_is_the_derivative_of_f_away_from_kinks(name):
    act = ACTIVATION_FACTORIES[name]()
    z = np.array([[-2.1, -0.3, 0.2, 1.7]])
    result = gradcheck(act.f, z, grad_fn=lambda Z, D: D * act.df(Z))
    assert result.ok, result.message


def test_the_table_has_eight_activations_with_latex_and_true_ranges():
    assert {a.__name__ for a in ACTIVATIONS} == {
        "Identity", "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus",
    }
    for cls in ACTIVATIONS:
        assert cls.latex.startswith("f(z) =") and cls().latex.startswith("f(z) =")
    # the lecture table prints (0, 1) for softplus, (-1, 1) for leaky ReLU and [0, inf) for ELU: all wrong
    assert str(Softplus.range) == "(0, inf)"
    assert str(LeakyReLU().range) == "(-inf, inf)"
    assert str(ELU().range) == "(-1, inf)" and str(ELU(2.0).range) == "(-2, inf)"
    assert str(ReLU.range) == "[0, inf)" and str(Step.range) == "{0, 1}"
    assert str(Sigmoid.range) == "(0, 1)" and str(Tanh.range) == "(-1, 1)" and str(Identity.range) == "(-inf, inf)"
    assert Softplus.range.latex == r"(0, \infty)"


@pytest.mark.parametrize("name", list(ACTIVATION_FACTORIES))
def test_outputs_lie_in_the_range(name):
    act = ACTIVATION_FACTORIES[name]()
    z = np.linspace(-15, 15, 301)  # float64 rounds tanh(z) to 1 beyond ~19
    assert act.range.contains_all(act.f(z))


def test_range_endpoints_are_approached():
    z = np.array([-30.0, 30.0])
    assert Sigmoid().f(z)[0] < 1e-12 and Sigmoid().f(z)[1] > 1 - 1e-12
    assert ELU(0.5).f(np.array([-40.0]))[0] == pytest.approx(-0.5)
    assert Softplus().f(np.array([-30.0]))[0] < 1e-12
    assert LeakyReLU().f(np.array([-1e6]))[0] == -1e4


@pytest.mark.parametrize("name", list(ACTIVATION_FACTORIES))
def test_extreme_inputs_are_stable(name):
    act = ACTIVATION_FACTORIES[name]()
    z = np.array([[-1000.0, -745.0, 0.0, 745.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = act.forward(z)
        G = act.backward(np.ones_like(z))
    assert np.isfinite(A).all() and np.isfinite(G).all()


def test_extreme_values():
    z = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(Sigmoid().f(z), [0.0, 1.0])
    np.testing.assert_array_equal(Softplus().f(z), [0.0, 1000.0])
    np.testing.assert_array_equal(Softplus().df(z), [0.0, 1.0])
    # sigma(-40) = e^-40 / (1 + e^-40): relative accuracy kept in the tail
    assert Sigmoid().f(np.array([-40.0]))[0] == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-15)


def test_step_derivative_is_zero_everywhere_including_the_jump():
    np.testing.assert_array_equal(Step().df(np.array([-1.0, 0.0, 1.0])), 0.0)
    np.testing.assert_array_equal(Step().f(np.array([-1e-300, 0.0])), [0.0, 1.0])


@given(matrices)
def test_sigmoid_symmetry(Z):
    s = Sigmoid().f
    np.testing.assert_allclose(s(-Z), 1.0 - s(Z), atol=1e-15)


@given(matrices)
def test_relu_derivative_is_the_step_away_from_zero(Z):
    Z = Z[Z != 0]
    np.testing.assert_array_equal(ReLU().df(Z), Step().f(Z))


@given(matrices)
def test_softmax_rows_are_probabilities(Z):
    P = softmax(Z * 20)  # logits up to +-1000
    assert (P >= 0).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


@given(matrices)
def test_softmax_is_shift_invariant(Z):
    np.testing.assert_allclose(softmax(Z + 7.0), softmax(Z), rtol=1e-12, atol=1e-300)


@given(matrices)
def test_shapes_are_preserved(Z):
    for act in (f() for f in ACTIVATION_FACTORIES.values()):
        assert act.forward(Z).shape == Z.shape == act.backward(np.ones_like(Z)).shape


def test_backward_checks_dout_shape():
    act = Tanh()
    act.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"same shape"):
        act.backward(np.ones((3, 2)))


def test_parameter_validation():
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(-0.1)
    with pytest.raises(ValueError, match="alpha"):
        ELU(0.0)


# --- scalars and 0-d arrays (sigmoid once failed with "return arrays must be of ArrayType") ---

SCALAR_KINDS = {
    "0-d array": lambda z: np.array(z),
    "python float": float,
    "numpy float64": np.float64,
    "1-element array": lambda z: np.array([z]),
}


@pytest.mark.parametrize("kind", list(SCALAR_KINDS))
@pytest.mark.parametrize("name", list(REFERENCE))
def test_f_and_df_accept_scalars_and_0d(name, kind):
    act = ACTIVATION_FACTORIES[name]()
    f_ref, df_ref = REFERENCE[name]
    for z in (-5.0, -0.7, 0.0, 2.5):
        x = SCALAR_KINDS[kind](z)
        for got, want in ((act.f(x), f_ref(z)), (act.df(x), df_ref(z))):
            assert np.shape(got) == np.shape(x)
            assert float(np.ravel(got)[0]) == pytest.approx(want, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("kind", ["0-d array", "1-element array"])
@pytest.mark.parametrize("name", list(REFERENCE))
def test_forward_backward_keep_0d_and_1_element_shapes(name, kind):
    act = ACTIVATION_FACTORIES[name]()
    f_ref, df_ref = REFERENCE[name]
    for z in (-5.0, 0.4):
        x = SCALAR_KINDS[kind](z)
        A = act.forward(x)
        G = act.backward(SCALAR_KINDS[kind](2.0))
        assert isinstance(A, np.ndarray) and A.shape == x.shape
        assert isinstance(G, np.ndarray) and G.shape == x.shape
        assert float(np.ravel(A)[0]) == pytest.approx(f_ref(z), rel=1e-12)
        assert float(np.ravel(G)[0]) == pytest.approx(2.0 * df_ref(z), rel=1e-12)


def test_sigmoid_function_scalars_match_math():
    from nnlib import sigmoid

    # sigma(-5) = 1 / (1 + e^5) = e^-5 / (1 + e^-5)
    want = 1.0 / (1.0 + math.exp(5.0))
    assert isinstance(sigmoid(np.array(-5.0)), np.ndarray) and sigmoid(np.array(-5.0)).shape == ()
    assert float(sigmoid(np.array(-5.0))) == pytest.approx(want, rel=1e-14)
    assert float(sigmoid(-5.0)) == pytest.approx(want, rel=1e-14)
    assert float(sigmoid(-5)) == pytest.approx(want, rel=1e-14)  # int input: computed in float64
    # far tails without overflow: sigma(-800) = e^-800 / (1 + e^-800) ~ e^-800 underflows to 0.0
    assert float(sigmoid(-800.0)) == 0.0 and float(sigmoid(800.0)) == 1.0


# --- ReLU backward: fast multiply must equal np.where exactly, and never produce -0.0 ---


def test_relu_backward_bit_identical_to_where_and_no_negative_zero():
    rng = np.random.default_rng(7)
    Z = rng.standard_normal((64, 33))
    Z[0, :5] = 0.0  # the kink: gradient 0 there
    dout = rng.standard_normal(Z.shape)
    relu = ReLU()
    relu.forward(Z)
    G = relu.backward(dout)
    want = np.where(Z > 0, dout, 0.0)
    assert np.array_equal(G, want)
    assert np.array_equal(np.signbit(G), np.signbit(want))  # same sign bits: no -0.0 where Z <= 0
    assert not np.signbit(G[Z <= 0]).any()
