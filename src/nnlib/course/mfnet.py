"""The mfnet report's worked example (section 3.3), computed exactly with SymPy.

The report (seed 002, "mfnet - a simple machine learning library", section 3.3) writes
samples as columns and absorbs the bias: every activation matrix ``A`` gets a first row
of ones, every weight matrix ``W`` has shape (n_out + 1, n_in + 1) with first row
``(1, 0, ..., 0)`` (it copies the constant feature forward) and column 0 holding the bias.
All activations are the identity. The loss is ``J = (1/m) sum_i ||Y_hat_i - Y~_i||^2``
over the columns, bias rows included (they cancel: 1 - 1 = 0).

Forward:   ``Z_l = W_l A_{l-1}``,   ``A_l = Z_l`` (identity; row 0 stays 1).
Backward:  ``dJ/dY_hat = (2/m)(Y_hat - Y~)``,  ``Delta_l = dA_l * G`` where ``G`` is 0 in
row 0 and g'(Z) = 1 elsewhere,  ``dW_l = Delta_l A_{l-1}^T``,  ``dA_{l-1} = W_l^T Delta_l``.
Update:    ``W_l <- W_l - eta dW_l`` with ``eta = 4``.

``INPUTS`` holds the given data (X, Y, W1..W3) and ``PRINTED`` the matrices exactly as
printed in section 3.3 (transcribed, with their 1/4 factors); they are *data to compare
against*, never used as correct values. :func:`chain` computes every matrix.

The printed numbers as data (lesson 6): :func:`search_edits` solves, exactly, for every
single entry or pair of entries of the printed inputs, the values that reproduce printed
intermediates. It finds one pair, ``INTENDED_EDITS`` (X[1, 1] = 3, W1[3, 1] = 1, two
one-digit typos): :func:`intended_inputs`. :func:`reading` computes a whole chain for a
set of inputs (and optionally the report's factor 1/4 in dJ/dY_hat), :func:`explains`
counts the printed intermediates it reproduces, :func:`loss_factor_solutions` solves for
that factor, :func:`loss_after_step` and :func:`improving_etas` judge the learning rate.

Code notation vs the report: nnlib is batch-first, so the report's ``W_l[1:, :]`` is the
``weight`` of ``Linear(n_in, n_out, absorb_bias=True)`` and ``A[1:, :].T`` is the batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product
from typing import TYPE_CHECKING, Iterable

import numpy as np
import sympy as sp

if TYPE_CHECKING:  # pragma: no cover
    from nnlib import Sequential

__all__ = ["INPUTS", "PRINTED", "ETA", "augment", "chain", "loss", "nnlib_network", "recompute_printed_steps",
           "side_by_side", "symbolic_gradients", "verdict",
           # the printed numbers as data
           "EDITABLE", "FORWARD", "PRINTED_KEYS", "INTENDED_EDITS", "Edit", "one_digit_typos", "positions",
           "apply_edits", "forward", "solve_edits", "search_edits", "explains", "intended_inputs", "reading",
           "loss_factor_solutions", "loss_after_step", "improving_etas"]

#: Learning rate of the report's weight update (section 3.3.3).
ETA = sp.Integer(4)

_q = sp.Rational(1, 4)

#: The given numbers of section 3.3: input X (2 x 4), target Y (1 x 4), weights with bias rows.
INPUTS: dict[str, sp.Matrix] = {
    "X": sp.Matrix([[1, 1, 2, 2], [2, 2, 2, 3]]),
    "Y": sp.Matrix([[1, 1, 2, 2]]),
    "W1": sp.Matrix([[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 0, 0]]),
    "W2": sp.Matrix([[1, 0, 0, 0], [1, 1, 0, 1], [-1, 1, 2, -2]]),
    "W3": sp.Matrix([[1, 0, 0], [0, 1, -1]]),
}

#: As printed in the report, section 3.3 (transcribed; NOT verified -- see the errata).
PRINTED: dict[str, sp.Matrix | sp.Expr] = {
    "Z1": sp.Matrix([[1, 1, 1, 1], [2, 3, 2, 3], [3, 4, 4, 5], [2, 2, 3, 3]]),
    "Z2": sp.Matrix([[1, 1, 1, 1], [5, 6, 6, 7], [3, 6, 3, 6]]),
    "Z3": sp.Matrix([[1, 1, 1, 1], [2, 0, 3, 1]]),
    "J": sp.Integer(1),
    "dJdY": _q * sp.Matrix([[0, 0, 0, 0], [1, -1, 1, -1]]),
    "Delta3": _q * sp.Matrix([[0, 0, 0, 0], [1, -1, 1, -1]]),
    "dW3": _q * sp.Matrix([[0, 0, 0], [0, -2, -6]]),
    "dA2": _q * sp.Matrix([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]]),
    "Delta2": _q * sp.Matrix([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]]),
    "dW2": _q * sp.Matrix([[0, 0, 0, 0], [0, -2, -2, 0], [0, 2, 2, 0]]),
    "dA1": _q * sp.Matrix([[2, -2, 2, -2], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]]),
    "Delta1": _q * sp.Matrix([[0, 0, 0, 0], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]]),
    "dW1": _q * sp.Matrix([[0, 0, 0], [0, 0, 0], [0, 0, 4], [0, 0, -6]]),
    "dA0": _q * sp.Matrix([[3, -3, 3, -3], [1, -1, 1, -1], [-2, 2, -2, 2]]),
    "W3_new": sp.Matrix([[1, 0, 0], [0, 3, 5]]),
    "W2_new": sp.Matrix([[1, 0, 0, 0], [1, 3, 2, 1], [-1, -1, 0, -2]]),
    "W1_new": sp.Matrix([[1, 0, 0], [0, 0, 1], [0, 1, -3], [1, 0, 6]]),
}


def augment(M: sp.Matrix) -> sp.Matrix:
    """Prepend the bias row of ones: (n, m) -> (n + 1, m), the report's ``X -> X~``."""
    if not isinstance(M, sp.MatrixBase):
        raise TypeError(f"augment needs a SymPy Matrix, got {type(M).__name__}")
    return sp.ones(1, M.shape[1]).col_join(M)


def loss(Y_hat: sp.Matrix, Y_tilde: sp.Matrix) -> sp.Expr:
    """The report's MSE (4.1): ``J = (1/m) sum_i ||Y_hat_i - Y~_i||^2``, m = number of columns."""
    if Y_hat.shape != Y_tilde.shape:
        raise ValueError(f"Y_hat has shape {Y_hat.shape} but Y~ has shape {Y_tilde.shape}")
    R = Y_hat - Y_tilde
    return sp.Rational(1, R.shape[1]) * sum(r**2 for r in R)


def _bias_mask(Z: sp.Matrix) -> sp.Matrix:
    """g'(Z) for the identity with the bias row zeroed: 0 in row 0, 1 elsewhere."""
    return sp.zeros(1, Z.shape[1]).col_join(sp.ones(Z.shape[0] - 1, Z.shape[1]))


def chain(
    weights: Iterable[sp.Matrix] | None = None,
    X: sp.Matrix | None = None,
    Y: sp.Matrix | None = None,
    Z1: sp.Matrix | None = None,
    eta: sp.Expr = ETA,
    dJdY_factor: sp.Expr | None = None,
) -> dict[str, sp.Matrix | sp.Expr]:
    """Every matrix of one forward/backward/update cycle, exactly.

    Parameters
    ----------
    weights : three SymPy matrices W1, W2, W3 in the report's bias-row form
        (default: ``INPUTS``).
    X, Y : SymPy matrices (n_0 x m) and (n_L x m), samples as columns (default: ``INPUTS``).
    Z1 : optional SymPy matrix that *replaces* W1 A0 (to follow the report's printed Z1).
    eta : learning rate.
    dJdY_factor : the factor c in ``dJ/dY_hat = c (Y_hat - Y~)``; default the correct
        ``2/m`` (report eq. 4.2). ``1/m`` reproduces the report's printed backward pass.

    Returns
    -------
    dict with keys A0, Ytilde, Z1, Z2, Z3, J, dJdY, Delta3, dW3, dA2, Delta2, dW2, dA1,
    Delta1, dW1, dA0, W1_new, W2_new, W3_new (same keys as ``PRINTED`` plus inputs).
    """
    W = list(weights) if weights is not None else [INPUTS[f"W{i}"] for i in (1, 2, 3)]
    X = INPUTS["X"] if X is None else X
    Y = INPUTS["Y"] if Y is None else Y
    out: dict[str, sp.Matrix | sp.Expr] = {"A0": augment(X), "Ytilde": augment(Y)}
    A = out["A0"]
    for l, Wl in enumerate(W, start=1):
        if Wl.shape[1] != A.shape[0]:
            raise ValueError(f"W{l} has shape {Wl.shape}, needs {A.shape[0]} columns to multiply A{l - 1} {A.shape}")
        Z = Z1 if (l == 1 and Z1 is not None) else Wl * A
        out[f"Z{l}"] = Z
        A = Z  # identity activation; row 0 is the bias feature and stays as is
    L = len(W)
    m = A.shape[1]
    out["J"] = loss(A, out["Ytilde"])
    factor = sp.Rational(2, m) if dJdY_factor is None else sp.sympify(dJdY_factor)
    dA = factor * (A - out["Ytilde"])
    out["dJdY"] = dA
    for l in range(L, 0, -1):
        Delta = dA.multiply_elementwise(_bias_mask(out[f"Z{l}"]))
        A_prev = out["A0"] if l == 1 else out[f"Z{l - 1}"]
        out[f"Delta{l}"] = Delta
        out[f"dW{l}"] = Delta * A_prev.T
        dA = W[l - 1].T * Delta
        out[f"dA{l - 1}"] = dA
    for l in range(1, L + 1):
        out[f"W{l}_new"] = W[l - 1] - eta * out[f"dW{l}"]
    return out


def symbolic_gradients(weights: Iterable[sp.Matrix] | None = None, X: sp.Matrix | None = None,
                       Y: sp.Matrix | None = None) -> list[sp.Matrix]:
    """dJ/dW_l by differentiating J directly (no backprop), for the trainable rows 1: of each W_l.

    Every trainable entry is replaced by a symbol, J becomes a polynomial in them and is
    differentiated entry by entry, then the symbols are set back to their values.
    Row 0 of each W_l is the fixed bias-copy row (not a parameter); its gradient is
    reported as zeros, as the report's masked Delta does.
    """
    W = list(weights) if weights is not None else [INPUTS[f"W{i}"] for i in (1, 2, 3)]
    values: dict[sp.Symbol, sp.Expr] = {}
    symbolic = []
    for l, Wl in enumerate(W, start=1):
        S = sp.Matrix(Wl.shape[0], Wl.shape[1], lambda i, j: sp.Symbol(f"w{l}_{i}{j}") if i > 0 else Wl[i, j])
        values.update({S[i, j]: Wl[i, j] for i in range(1, Wl.shape[0]) for j in range(Wl.shape[1])})
        symbolic.append(S)
    A = augment(INPUTS["X"] if X is None else X)
    for S in symbolic:
        A = S * A
    J = loss(A, augment(INPUTS["Y"] if Y is None else Y))
    return [S.applyfunc(lambda s: sp.diff(J, s).subs(values) if s in values else sp.Integer(0)) for S in symbolic]


def nnlib_network(weights: Iterable[sp.Matrix] | None = None, absorb_bias: bool = True) -> Sequential:
    """The same network in nnlib (batch-first): Linear, Identity, Linear, Identity, Linear, Identity.

    The report's ``W_l`` (n_out + 1, n_in + 1) becomes ``weight = W_l[1:, :]`` of
    ``Linear(n_in, n_out, absorb_bias=True)``; with ``absorb_bias=False`` it becomes
    ``weight = W_l[1:, 1:]`` and ``bias = W_l[1:, 0]``. The bias-copy row 0 is not stored.
    """
    from nnlib import Identity, Linear, Sequential

    W = list(weights) if weights is not None else [INPUTS[f"W{i}"] for i in (1, 2, 3)]
    layers = []
    for Wl in W:
        M = np.array(Wl[1:, :].tolist(), dtype=np.float64)
        lin = Linear.from_weights(M, absorb_bias=True) if absorb_bias else Linear.from_weights(M[:, 1:], M[:, 0])
        layers += [lin, Identity()]
    return Sequential(*layers)


def verdict(printed: sp.Matrix | sp.Expr, computed: sp.Matrix | sp.Expr) -> str:
    """Compare a printed value with a computed one, exactly.

    Returns ``"match"``, ``"printed = computed/2"``, ``"printed = 2 x computed"`` or
    ``"MISMATCH"`` (also for different shapes).
    """
    P = printed if hasattr(printed, "shape") else sp.Matrix([printed])
    C = computed if hasattr(computed, "shape") else sp.Matrix([computed])
    if P.shape != C.shape:
        return "MISMATCH"
    if (P - C).is_zero_matrix:
        return "match"
    if (2 * P - C).is_zero_matrix:
        return "printed = computed/2"
    if (P - 2 * C).is_zero_matrix:
        return "printed = 2 x computed"
    return "MISMATCH"


def recompute_printed_steps(eta: sp.Expr = ETA, inputs: dict | None = None) -> dict[str, sp.Matrix | sp.Expr]:
    """Each printed step recomputed from the *printed* values it is built from.

    This tests the report's arithmetic one step at a time: e.g. ``dW3`` is recomputed as
    ``printed Delta3 @ printed A2^T``, ``W3_new`` as ``W3 - eta * printed dW3``. A step
    that matches is consistent with what the report printed just before it. ``inputs``
    (default the printed ``INPUTS``) supplies X, Y and the W's, e.g. ``intended_inputs()``.
    """
    P, I = PRINTED, (INPUTS if inputs is None else inputs)
    A0, Yt = augment(I["X"]), augment(I["Y"])
    m = A0.shape[1]
    Wd = {l: I[f"W{l}"] for l in (1, 2, 3)}
    prev = {1: A0, 2: P["Z1"], 3: P["Z2"]}
    out: dict[str, sp.Matrix | sp.Expr] = {"Z1": Wd[1] * A0, "Z2": Wd[2] * P["Z1"], "Z3": Wd[3] * P["Z2"]}
    out["J"] = loss(P["Z3"], Yt)
    out["dJdY"] = sp.Rational(2, m) * (P["Z3"] - Yt)
    dA = {3: P["dJdY"], 2: P["dA2"], 1: P["dA1"]}
    for l in (3, 2, 1):
        out[f"Delta{l}"] = dA[l].multiply_elementwise(_bias_mask(dA[l]))
        out[f"dW{l}"] = P[f"Delta{l}"] * prev[l].T
        out[f"dA{l - 1}"] = Wd[l].T * P[f"Delta{l}"]
    for l in (1, 2, 3):
        out[f"W{l}_new"] = Wd[l] - eta * P[f"dW{l}"]
    return out


def _rows(M: sp.Matrix | sp.Expr, denominator: int | None = None) -> tuple[str, list[str]]:
    """A matrix as ('1/d x', integer rows) with the common denominator d factored out.

    ``denominator`` asks for that d (e.g. the report's 1/4) where it makes every entry an
    integer; otherwise the least common denominator is used.
    """
    if not hasattr(M, "shape"):
        return "", [str(M)]
    d = sp.ilcm(1, 1, *[sp.Rational(v).q for v in M])
    if denominator is not None and denominator % d == 0:
        d = denominator
    N = (M * d).applyfunc(sp.Integer)
    width = max(len(str(v)) for v in N)
    rows = ["[" + " ".join(str(v).rjust(width) for v in N.row(i)) + "]" for i in range(N.rows)]
    return ("" if d == 1 else f"1/{d} x "), rows


def side_by_side(keys: Iterable[str], printed: dict, computed: dict, labels: tuple[str, str] = ("printed", "computed"),
                 denominator: int | None = None) -> str:
    """Text blocks ``name  verdict`` followed by the printed and computed matrices next to each other.

    ``denominator=4`` writes both sides as ``1/4 x [...]`` where that gives integers, as
    the report does, so that a factor 2 between them is visible entry by entry.
    """
    blocks = []
    for k in keys:
        (fp, rp), (fc, rc) = _rows(printed[k], denominator), _rows(computed[k], denominator)
        w = max(len(fp) + max(map(len, rp)), len(labels[0])) + 4
        lines = [f"{k}: {verdict(printed[k], computed[k])}", f"    {labels[0]:<{w}}{labels[1]}"]
        for i in range(max(len(rp), len(rc))):
            left = (fp if i == 0 else " " * len(fp)) + rp[i] if i < len(rp) else ""
            right = (fc if i == 0 else " " * len(fc)) + rc[i] if i < len(rc) else ""
            lines.append(f"    {left:<{w}}{right}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


# ------------------------------------------------------------ the printed numbers as data
#
# Which small edits of the printed *inputs* reproduce the printed *intermediates*?  An edit
# replaces one entry of X, W1, W2, W3 or Y by another value.  Every forward quantity is a
# polynomial in each input entry, so "which value of this entry (or pair of entries)
# reproduces the printed Z1" is a small polynomial system that SymPy solves exactly.

#: The printed inputs an edit may change, in search order.
EDITABLE = ("X", "W1", "W2", "W3", "Y")
#: The printed forward intermediates, in the order the report prints them.
FORWARD = ("Z1", "Z2", "Z3", "J")
#: Every printed intermediate of section 3.3 after the inputs (17 items).
PRINTED_KEYS = tuple(PRINTED)


def one_digit_typos(value: int) -> set[int]:
    """The integers that differ from ``value`` in one printed digit, or in its sign.

    >>> sorted(one_digit_typos(2))
    [-2, 0, 1, 3, 4, 5, 6, 7, 8, 9]
    """
    if int(value) != value:
        raise ValueError(f"one_digit_typos needs an integer, got {value!r}")
    value = int(value)
    sign, digits = ("-" if value < 0 else ""), str(abs(value))
    out = {int(sign + digits[:i] + d + digits[i + 1:]) for i in range(len(digits)) for d in "0123456789"}
    out.add(-value)
    out.discard(value)
    return out


@dataclass(frozen=True)
class Edit:
    """Entry ``(row, col)`` (0-based, row 0 = bias row of a W) of the printed input ``name`` read as ``value``."""

    name: str
    row: int
    col: int
    value: sp.Expr

    @property
    def printed(self) -> sp.Expr:
        """The value printed in the report at this place."""
        return INPUTS[self.name][self.row, self.col]

    @property
    def kind(self) -> str:
        """``"sign flip"``, ``"one-digit typo"`` or ``"other value"``."""
        if self.value == -self.printed:
            return "sign flip"
        if self.value.is_integer and int(self.value) in one_digit_typos(self.printed):
            return "one-digit typo"
        return "other value"

    def __str__(self) -> str:
        return f"{self.name}[{self.row}, {self.col}]: printed {self.printed} -> {self.value} ({self.kind})"


def positions(names: Iterable[str] = EDITABLE) -> list[tuple[str, int, int]]:
    """Every entry ``(name, row, col)`` of the printed inputs ``names``, row by row."""
    out = []
    for name in names:
        if name not in INPUTS:
            raise KeyError(f"no printed input {name!r}; the inputs are {list(INPUTS)}")
        rows, cols = INPUTS[name].shape
        out += [(name, i, j) for i in range(rows) for j in range(cols)]
    return out


def apply_edits(edits: Iterable[Edit], inputs: dict | None = None) -> dict[str, sp.Matrix]:
    """A copy of ``inputs`` (default the printed ``INPUTS``) with every edit applied."""
    out = {k: M.copy() for k, M in (INPUTS if inputs is None else inputs).items()}
    for e in edits:
        if e.name not in out:
            raise KeyError(f"no printed input {e.name!r}; the inputs are {list(out)}")
        if not (0 <= e.row < out[e.name].rows and 0 <= e.col < out[e.name].cols):
            raise IndexError(f"{e.name} has shape {out[e.name].shape}; there is no entry ({e.row}, {e.col})")
        out[e.name][e.row, e.col] = e.value
    return out


def forward(inputs: dict) -> dict[str, sp.Matrix | sp.Expr]:
    """Z1, Z2, Z3 and J of the identity network for the inputs X, Y, W1, W2, W3 (symbols allowed)."""
    A = augment(inputs["X"])
    out: dict[str, sp.Matrix | sp.Expr] = {}
    for l in (1, 2, 3):
        A = out[f"Z{l}"] = inputs[f"W{l}"] * A
    out["J"] = loss(A, augment(inputs["Y"]))
    return out


def _residuals(computed: dict, stages: Iterable[str]) -> list[sp.Expr]:
    """computed - printed, entry by entry, for the printed forward ``stages``."""
    res = []
    for k in stages:
        C, P = computed[k], PRINTED[k]
        res += list(sp.Matrix(C) - P) if hasattr(P, "shape") else [C - P]
    return [sp.expand(r) for r in res]


def _may_reproduce(places: list[tuple[str, int, int]], stages: tuple[str, ...]) -> bool:
    """Exact quick test: can changing ``places`` alter every printed Z entry that is now wrong?

    Z1, Z2, Z3 are multilinear in the input entries (each entry sits in one factor of
    ``W3 W2 W1 [1; X]``), so an entry of Z is independent of the places iff it takes the
    same value at all 0/1 corners of the places. An entry that is independent and wrong
    rules the places out; anything else is left to :func:`solve_edits`.
    """
    zs = [s for s in stages if s != "J"]
    if not zs:
        return True
    base = {k: np.array(M.tolist(), dtype=np.int64) for k, M in INPUTS.items()}
    corners = []
    for corner in product((0, 1), repeat=len(places)):
        M = {k: v.copy() for k, v in base.items()}
        for (name, i, j), c in zip(places, corner):
            M[name][i, j] = c
        A, Z = np.vstack([np.ones((1, M["X"].shape[1]), np.int64), M["X"]]), {}
        for l in (1, 2, 3):
            A = Z[f"Z{l}"] = M[f"W{l}"] @ A
        corners.append(np.concatenate([Z[z].ravel() for z in zs]))
    V = np.array(corners)
    printed = np.concatenate([np.array(PRINTED[z].tolist(), dtype=np.int64).ravel() for z in zs])
    independent = (V == V[0]).all(axis=0)
    return not np.any(independent & (V[0] != printed))


def solve_edits(places: Iterable[tuple[str, int, int]], stages: Iterable[str] = FORWARD,
                quick: bool = True) -> list[tuple[Edit, ...]]:
    """All values of the entries ``places`` that reproduce the printed ``stages`` exactly.

    Each place becomes a symbol; the printed stage values give polynomial equations in
    them, solved exactly by SymPy. Only real solutions that change *every* listed entry
    count (keeping an entry as printed is a smaller edit, found by the smaller search).

    ``quick`` first runs the exact test :func:`_may_reproduce` and skips places that
    cannot work (``quick=False`` solves every case; the tests compare both).
    Raises ValueError if the solutions form a continuum (a free parameter), which the
    caller must then report instead of a count.
    """
    places, stages = list(places), tuple(stages)
    if quick and not _may_reproduce(places, stages):
        return []
    syms = sp.symbols(f"t0:{len(places)}")
    inputs = {k: M.copy() for k, M in INPUTS.items()}
    for s, (name, i, j) in zip(syms, places):
        inputs[name][i, j] = s
    eqs = [r for r in _residuals(forward(inputs), stages) if r != 0]
    if any(r.is_number for r in eqs):
        return []  # a printed entry that none of these places can change is wrong
    found = []
    for sol in sp.solve(eqs, syms, dict=True):
        values = [sol.get(s, s) for s in syms]
        if any(v.free_symbols for v in values):
            raise ValueError(f"edits of {places} reproduce {list(stages)} for a continuum of values: {sol}")
        if all(v.is_real for v in values) and all(v != INPUTS[n][i, j] for v, (n, i, j) in zip(values, places)):
            found.append(tuple(Edit(n, i, j, v) for v, (n, i, j) in zip(values, places)))
    return found


def search_edits(size: int, stages: Iterable[str] = FORWARD, names: Iterable[str] = EDITABLE) -> list[tuple[Edit, ...]]:
    """Every set of ``size`` changed entries of the printed inputs that reproduces ``stages``.

    Searches all entries of ``names`` (default X, W1, W2, W3 and Y: 42 entries, so 42
    single edits or 861 pairs), each with every value (solved for, not guessed).
    """
    if size not in (1, 2):
        raise ValueError(f"size must be 1 or 2 (single edits or pairs), got {size!r}")
    stages = tuple(stages)
    found = []
    for places in combinations(positions(names), size):
        found += solve_edits(places, stages)
    return found


def explains(reading: dict, keys: Iterable[str] = PRINTED_KEYS) -> list[str]:
    """The printed intermediates (of ``keys``) that a computed ``reading`` reproduces exactly."""
    return [k for k in keys if verdict(PRINTED[k], reading[k]) == "match"]


#: The two edits the search finds (tests/course/test_mfnet_typo_search.py re-derives them).
INTENDED_EDITS = (Edit("X", 1, 1, sp.Integer(3)), Edit("W1", 3, 1, sp.Integer(1)))


def intended_inputs() -> dict[str, sp.Matrix]:
    """The printed inputs with the two one-digit typos of ``INTENDED_EDITS`` corrected."""
    return apply_edits(INTENDED_EDITS)


def reading(inputs: dict | None = None, dJdY_factor: sp.Expr | None = None, eta: sp.Expr = ETA) -> dict:
    """``chain`` for a dict of inputs (default the printed ones); see :func:`chain`."""
    I = INPUTS if inputs is None else inputs
    return chain([I["W1"], I["W2"], I["W3"]], I["X"], I["Y"], eta=eta, dJdY_factor=dJdY_factor)


def loss_factor_solutions(inputs: dict | None = None, keys: Iterable[str] | None = None) -> dict[str, set]:
    """For each printed gradient: the factors c with ``dJ/dY_hat = c (Y_hat - Y~)`` that reproduce it.

    The whole backward pass is linear in c, so each printed matrix gives linear equations
    in c: the empty set means no c works, ``{1/4}`` means exactly c = 1/4 does.
    """
    c = sp.Symbol("c")
    R = reading(inputs, dJdY_factor=c)
    keys = keys or ("dJdY", "Delta3", "dW3", "dA2", "Delta2", "dW2", "dA1", "Delta1", "dW1", "dA0")
    out = {}
    for k in keys:
        eqs = [e for e in sp.Matrix(R[k] - PRINTED[k]) if e != 0]
        if not eqs:
            raise ValueError(f"printed {k} does not depend on the factor c (all zero?)")
        out[k] = {sol[c] for sol in sp.solve(eqs, c, dict=True)}
    return out


def loss_after_step(eta: sp.Expr, inputs: dict | None = None) -> sp.Expr:
    """J after one gradient step ``W - eta dW`` (true gradients) from ``inputs``; ``eta`` may be a symbol."""
    I = INPUTS if inputs is None else inputs
    R = reading(I)
    new = {**I, **{f"W{l}": I[f"W{l}"] - eta * R[f"dW{l}"] for l in (1, 2, 3)}}
    return sp.expand(forward(new)["J"])


def improving_etas(inputs: dict | None = None) -> list[tuple[float, float]]:
    """The intervals of eta > 0 where one step lowers J, ends rounded to floats.

    ``J(eta) - J(0)`` is a polynomial with rational coefficients and the factor eta; its
    positive real roots are isolated exactly (SymPy ``real_roots``) and the sign between
    them is tested at exact rational midpoints. J(eta) is a sum of squares of polynomials,
    so beyond the last root it grows without bound.
    """
    eta = sp.Symbol("eta")
    J_eta = loss_after_step(eta, inputs)
    J0 = J_eta.subs(eta, 0)
    rest = sp.Poly(sp.cancel((J_eta - J0) / eta), eta)
    ends = [sp.Integer(0)] + sorted({r for r in rest.real_roots() if r > 0}, key=float)
    out = []
    for a, b in zip(ends, ends[1:]):
        mid = (sp.Rational(float(a)) + sp.Rational(float(b))) / 2
        if not (a < mid < b):  # pragma: no cover - float rounding of very close roots
            raise ArithmeticError(f"roots {a} and {b} too close to separate")
        if J_eta.subs(eta, mid) < J0:
            out.append((float(a), float(b)))
    return out
