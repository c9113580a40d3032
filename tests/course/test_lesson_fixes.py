"""Claims the lessons make after the review of issue 13, each recomputed here.

Lesson 5: one central-difference gradient needs exactly 2P forward passes (counted, not timed).
Lesson 7: the f' formula of an activation uses the instance's own parameter (slope a, alpha).
Lesson 8: gradient descent on a w^2 / 2 converges exactly for 0 < eta < 2/a; eta = 2/a is the
smallest rate that fails (exercise 8.3).
Lesson 10: Var(z) = n_in s^2 E[x^2] (second moment), not n_in s^2 Var(x), for non-zero-mean x.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

import nnlib
from nnlib.course.bank import load_bank


def test_pre_activation_variance_uses_second_moment():
    """Exact enumeration: 3 inputs uniform on {0, 2} (E x = 1, Var x = 1, E x^2 = 2), weights
    uniform on {-s, s}, all independent."""
    s = sp.Symbol("s", positive=True)
    n_in = 3
    prob = sp.Rational(1, 2 ** (2 * n_in))
    zs = [sum(wj * xj for wj, xj in zip(w, x))
          for w in itertools.product([-s, s], repeat=n_in) for x in itertools.product([0, 2], repeat=n_in)]
    mean = sp.simplify(sum(zs) * prob)
    var = sp.simplify(sum(z ** 2 for z in zs) * prob - mean ** 2)
    assert mean == 0
    assert sp.simplify(var - n_in * s ** 2 * 2) == 0          # n_in s^2 E[x^2]
    assert sp.simplify(var - n_in * s ** 2 * 1) != 0          # n_in s^2 Var(x) is wrong here
    # zero-mean inputs (uniform on {-1, 1}: E x^2 = Var x = 1): both formulas agree
    zs0 = [sum(wj * xj for wj, xj in zip(w, x))
           for w in itertools.product([-s, s], repeat=n_in) for x in itertools.product([-1, 1], repeat=n_in)]
    assert sp.simplify(sum(z ** 2 for z in zs0) * prob - n_in * s ** 2) == 0


def test_relu_halves_the_second_moment():
    """E[relu(z)^2] = E[z^2] / 2 for z ~ N(0, 1) (exact integral), while Var(relu z) is smaller."""
    z = sp.Symbol("z", real=True)
    phi = sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)
    second = sp.integrate(z ** 2 * phi, (z, 0, sp.oo))
    mean = sp.integrate(z * phi, (z, 0, sp.oo))
    assert sp.simplify(second - sp.Rational(1, 2)) == 0
    assert sp.simplify(second - mean ** 2 - sp.Rational(1, 2)) != 0


def test_smallest_failing_learning_rate_is_the_bank_answer():
    w, eta, a = sp.symbols("w eta a", positive=True)
    factor = sp.expand((w - eta * sp.diff(a * w ** 2 / 2, w)) / w)       # 1 - eta a
    assert factor.subs(eta, 2 / a) == -1                                # |w_k| = |w_0| forever
    for frac in (sp.Rational(1, 100), sp.Rational(1, 2), sp.Rational(199, 200)):
        assert abs(factor.subs(eta, frac * 2 / a)) < 1                  # converges below 2/a
    assert abs(factor.subs(eta, sp.Rational(201, 200) * 2 / a)) > 1
    q = load_bank()["8.3"]
    assert sp.simplify(sp.sympify(q.expected) - 2 / sp.Symbol("a")) == 0
    assert "smallest" in q.prompt.lower() and "largest" not in q.prompt.lower()


def test_activation_derivative_formula_uses_the_instance_parameter():
    leaky, elu = nnlib.LeakyReLU(0.2), nnlib.ELU(alpha=2.0)
    assert "0.2" in leaky.dlatex and "0.2" in leaky.latex and "a " not in leaky.dlatex
    assert "2\\,e" in elu.dlatex and "2\\," in elu.latex and "alpha" not in elu.dlatex
    # the formulas agree with df away from the kink
    assert leaky.df(np.array(-1.0)) == 0.2 and elu.df(np.array(-1.0)) == 2.0 * np.exp(-1.0)


def test_central_differences_need_2P_forward_passes():
    rng = np.random.default_rng(0)
    net = nnlib.Sequential(nnlib.Linear(3, 4, rng=rng), nnlib.Sigmoid(), nnlib.Linear(4, 1, rng=rng))
    X, Y, loss = rng.normal(size=(1, 3)), rng.normal(size=(1, 1)), nnlib.SumSquaredLoss()
    calls, plain = [0], net.forward

    def counted(inputs):
        calls[0] += 1
        return plain(inputs)

    net.forward = counted
    for p in net.parameters():
        nnlib.numeric_gradient(lambda: loss(net(X), Y), p.data)
    P = sum(p.data.size for p in net.parameters())
    assert P == 4 * 4 + 1 * 5 and calls[0] == 2 * P
