"""Elementwise activation functions (the 8 of the ANN lecture's table) and softmax.

Each activation is a Module with ``forward(Z) -> A = f(Z)`` and ``backward(dout) -> dout * f'(Z)``,
plus the elementwise ``f(z)`` and derivative ``df(z)``, the true ``range`` of f, and a
LaTeX ``latex`` formula for tables. Shapes: any array shape in, the same shape out.

Where the lecture table is wrong (ranges of softplus, leaky ReLU and ELU) the ``range``
here is the computed one: softplus (0, inf), leaky ReLU (-inf, inf), ELU (-alpha, inf).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_cached, check_same_shape
from .module import Module

__all__ = [
    "Range",
    "Activation",
    "Identity",
    "Step",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softplus",
    "ACTIVATIONS",
    "sigmoid",
    "softmax",
    "log_softmax",
]


@dataclass(frozen=True)
class Range:
    """The image of an activation: an interval ``low..high`` or, for ``values``, a finite set."""

    low: float
    high: float
    closed_low: bool = False
    closed_high: bool = False
    values: tuple | None = None

    def __contains__(self, x: float) -> bool:
        if self.values is not None:
            return x in self.values
        above = x >= self.low if self.closed_low else x > self.low
        below = x <= self.high if self.closed_high else x < self.high
        return bool(above and below)

    def contains_all(self, a: np.ndarray) -> bool:
        """True if every element of `a` lies in the range."""
        a = np.asarray(a)
        if self.values is not None:
            return bool(np.isin(a, self.values).all())
        lo = a >= self.low if self.closed_low else a > self.low
        hi = a <= self.high if self.closed_high else a < self.high
        return bool((lo & hi).all())

    @staticmethod
    def _num(v: float, tex: bool) -> str:
        if np.isinf(v):
            return ("-" if v < 0 else "") + ("\\infty" if tex else "inf")
        return f"{v:g}"

    def _render(self, tex: bool) -> str:
        if self.values is not None:
            inner = ", ".join(self._num(v, tex) for v in self.values)
            return "\\{" + inner + "\\}" if tex else "{" + inner + "}"
        return (
            ("[" if self.closed_low else "(")
            + self._num(self.low, tex)
            + ", "
            + self._num(self.high, tex)
            + ("]" if self.closed_high else ")")
        )

    def __str__(self) -> str:
        return self._render(False)

    @property
    def latex(self) -> str:
        return self._render(True)


INF = np.inf


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-z)), stable for any z (exp never overflows).

    Uses e = exp(-|z|) in (0, 1]: sigma = 1/(1+e) for z >= 0 and e/(1+e) for z < 0.
    Any shape, including 0-d arrays (returned as 0-d arrays) and Python or numpy scalars
    (returned as numpy float64 scalars); integer input is computed in float64.
    """
    scalar_in = not isinstance(z, np.ndarray)
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    # explicit out= buffers: for 0-d input the ufuncs would otherwise return scalars
    e = np.empty_like(z)
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    s = np.empty_like(z)
    np.add(1.0, e, out=s)
    np.divide(1.0, s, out=s)
    np.multiply(s, e, out=s, where=np.less(z, 0))
    return s[()] if scalar_in else s


def log_softmax(Z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax(Z) = Z - logsumexp(Z), computed after subtracting the row max (stable)."""
    shifted = Z - Z.max(axis=axis, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


def softmax(Z: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(Z)_k = exp(Z_k) / sum_j exp(Z_j) along `axis` (rows by default); stable."""
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    E /= E.sum(axis=axis, keepdims=True)
    return E


class Activation(Module):
    """Base class: subclasses define ``f`` and ``df`` (elementwise); forward caches Z and A."""

    name: str = ""
    latex: str = ""
    dlatex: str = ""
    range: Range = Range(-INF, INF)

    def __init__(self) -> None:
        self._Z: np.ndarray | None = None
        self._A: np.ndarray | None = None

    def f(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def df(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _local_grad(self, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        """f'(Z); subclasses may use the cached output A instead (sigmoid, tanh)."""
        return self.df(Z)

    accepts_check_finite = True

    def forward(self, Z: np.ndarray, check_finite: bool = True) -> np.ndarray:
        """A = f(Z), same shape as Z.

        ``check_finite=False`` skips the NaN/inf check of Z (``Sequential`` uses it for
        internal activations, which were computed from an already checked input).
        """
        Z = as_float_array(Z, "input", finite=check_finite)
        self._Z = Z
        # asarray: a 0-d Z gives a 0-d array, not a scalar; dtype: float32 stays float32
        self._A = A = np.asarray(self.f(Z), dtype=Z.dtype)
        return A

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dL/dZ = dout * f'(Z) (elementwise)."""
        check_cached(self._Z, repr(self))
        dout = as_float_array(dout, "dout", finite=False)
        check_same_shape(dout, self._Z, "dout", "forward input")
        g = np.asarray(self._local_grad(self._Z, self._A), dtype=self._Z.dtype)
        g *= dout
        return g

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Identity(Activation):
    """f(z) = z, f'(z) = 1. Range (-inf, inf)."""

    name = "Linear (identity)"
    latex = r"f(z) = z"
    dlatex = r"f'(z) = 1"
    range = Range(-INF, INF)

    def f(self, z):
        return np.array(z, dtype=np.float64, copy=True)

    def df(self, z):
        return np.ones_like(z, dtype=np.float64)


class Step(Activation):
    """Heaviside step f(z) = 1 if z >= 0 else 0 (the lecture's convention at 0). Range {0, 1}.

    The derivative is 0 almost everywhere and undefined at z = 0; ``df`` returns 0
    everywhere, so no gradient flows through a step unit (why perceptrons are not
    trained by backpropagation).
    """

    name = "Binary step"
    latex = r"f(z) = \begin{cases} 0 & z < 0 \\ 1 & z \ge 0 \end{cases}"
    dlatex = r"f'(z) = 0 \ (z \ne 0), \text{ undefined at } 0"
    range = Range(0.0, 1.0, values=(0.0, 1.0))

    def f(self, z):
        return np.greater_equal(z, 0).astype(np.float64)

    def df(self, z):
        return np.zeros_like(z, dtype=np.float64)


class Sigmoid(Activation):
    """f(z) = 1 / (1 + e^{-z}), f'(z) = f(z)(1 - f(z)). Range (0, 1). Stable for |z| ~ 1000."""

    name = "Sigmoid"
    latex = r"f(z) = \sigma(z) = \frac{1}{1 + e^{-z}}"
    dlatex = r"f'(z) = \sigma(z)\,(1 - \sigma(z))"
    range = Range(0.0, 1.0)

    def f(self, z):
        return sigmoid(z)

    def df(self, z):
        s = sigmoid(z)
        return s * (1.0 - s)

    def _local_grad(self, Z, A):
        return A * (1.0 - A)


class Tanh(Activation):
    """f(z) = tanh z = (e^z - e^{-z}) / (e^z + e^{-z}), f'(z) = 1 - tanh^2 z. Range (-1, 1)."""

    name = "Hyperbolic tangent"
    latex = r"f(z) = \tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}"
    dlatex = r"f'(z) = 1 - \tanh^2 z"
    range = Range(-1.0, 1.0)

    def f(self, z):
        return np.tanh(z)

    def df(self, z):
        t = np.tanh(z)
        return 1.0 - t * t

    def _local_grad(self, Z, A):
        g = np.multiply(A, A)
        g = np.subtract(1.0, g, out=g) if isinstance(g, np.ndarray) else 1.0 - g  # 0-d A gives a scalar
        return g


class ReLU(Activation):
    """f(z) = max(0, z), f'(z) = 1 if z > 0 else 0 (0 is used at the kink, as PyTorch). Range [0, inf)."""

    name = "ReLU"
    latex = r"f(z) = \max(0, z)"
    dlatex = r"f'(z) = \begin{cases} 0 & z < 0 \\ 1 & z > 0 \end{cases}"
    range = Range(0.0, INF, closed_low=True)

    def f(self, z):
        return np.maximum(z, 0.0)

    def df(self, z):
        return np.greater(z, 0).astype(np.float64)

    def backward(self, dout):
        check_cached(self._Z, repr(self))
        dout = as_float_array(dout, "dout", finite=False)
        check_same_shape(dout, self._Z, "dout", "forward input")
        # dout * [Z > 0], then + 0.0 turns the -0.0 of (negative dout) * 0 into +0.0.
        # Equals np.where(Z > 0, dout, 0.0) for finite dout (except that an exact -0.0 in
        # dout also becomes +0.0) at about a quarter of its cost.
        g = np.multiply(dout, np.greater(self._Z, 0))
        g += 0.0
        return np.asarray(g)


class LeakyReLU(Activation):
    """f(z) = z if z > 0 else a z, f'(z) = 1 if z > 0 else a (a = negative_slope > 0). Range (-inf, inf)."""

    name = "Leaky ReLU"

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        if not np.isfinite(negative_slope) or negative_slope < 0:
            raise ValueError(f"negative_slope must be finite and >= 0, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)
        a = self.negative_slope
        self.range = Range(-INF, INF) if a > 0 else Range(0.0, INF, closed_low=True)
        self.latex = rf"f(z) = \begin{{cases}} {a:g}\,z & z < 0 \\ z & z \ge 0 \end{{cases}}"
        # f'(0) does not exist for a != 1 (one-sided slopes a and 1); df(0) = a is a convention
        self.dlatex = rf"f'(z) = \begin{{cases}} {a:g} & z < 0 \\ 1 & z > 0 \end{{cases}}"

    def f(self, z):
        return np.where(z > 0, z, self.negative_slope * z)

    def df(self, z):
        return np.where(z > 0, 1.0, self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope:g})"


class ELU(Activation):
    """f(z) = z if z > 0 else alpha (e^z - 1); f'(z) = 1 if z > 0 else alpha e^z. Range (-alpha, inf).

    At z = 0 the left derivative alpha e^0 = alpha is used (as PyTorch); for alpha = 1 the
    function is differentiable there.
    """

    name = "ELU"

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        if not np.isfinite(alpha) or alpha <= 0:
            raise ValueError(f"alpha must be finite and > 0, got {alpha!r}")
        self.alpha = float(alpha)
        self.range = Range(-self.alpha, INF)
        self.latex = rf"f(z) = \begin{{cases}} {self.alpha:g}\,(e^{{z}} - 1) & z \le 0 \\ z & z > 0 \end{{cases}}"
        # same alpha as f; at z = 0 the one-sided slopes are alpha and 1 (equal only for alpha = 1)
        self.dlatex = rf"f'(z) = \begin{{cases}} {self.alpha:g}\,e^{{z}} & z < 0 \\ 1 & z > 0 \end{{cases}}"

    def f(self, z):
        neg = np.expm1(np.minimum(z, 0.0))  # no overflow for large positive z
        neg *= self.alpha
        return np.where(z > 0, z, neg)

    def df(self, z):
        e = np.exp(np.minimum(z, 0.0))
        e *= self.alpha
        return np.where(z > 0, 1.0, e)

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha:g})"


class Softplus(Activation):
    """f(z) = ln(1 + e^z), f'(z) = sigma(z). Range (0, inf) (the lecture's table says (0, 1): wrong).

    Computed as logaddexp(0, z) = max(z, 0) + ln(1 + e^{-|z|}), stable for |z| ~ 1000.
    """

    name = "Softplus"
    latex = r"f(z) = \ln(1 + e^{z})"
    dlatex = r"f'(z) = \frac{1}{1 + e^{-z}}"
    range = Range(0.0, INF)

    def f(self, z):
        return np.logaddexp(0.0, z)

    def df(self, z):
        return sigmoid(z)


#: The lecture table's activations, in its order (default parameters).
ACTIVATIONS: tuple[type[Activation], ...] = (Identity, Step, Sigmoid, Tanh, ReLU, Softplus, LeakyReLU, ELU)

LeakyReLU.latex, LeakyReLU.dlatex = LeakyReLU().latex, LeakyReLU().dlatex
ELU.latex, ELU.dlatex = ELU().latex, ELU().dlatex
