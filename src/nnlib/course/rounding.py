"""How far apart may two correct floating-point training runs end up?

Two programs that train the same MLP with the same weights, batches and formulas differ only in
rounding: a BLAS kernel (and its thread count) adds the K products of a dot product in an order of
its own, with or without fused multiply-add (FMA), and ``exp``/``log`` are accurate to a few units
in the last place (ulp). This module gives two answers.

1. A guaranteed (worst-case) bound, :func:`worst_case_bound`. The rounding model (Higham,
   *Accuracy and Stability of Numerical Algorithms*, 2nd ed., Sec. 3.1 and Lemma 3.1) with unit
   roundoff u (2^-24 for float32, 2^-53 for float64):

   * a sum or dot product of K terms, in ANY order, with or without FMA:
         |fl(sum_k x_k y_k) - sum_k x_k y_k| <= gamma_K sum_k |x_k| |y_k|,  gamma_K = K u / (1 - K u);
     so a matrix product C = A B obeys |fl(C) - C| <= gamma_K |A| |B| entry by entry;
   * one +, -, *, / rounds with relative error <= u;
   * ``exp`` and ``log`` are accurate to ``FUNCTION_ULPS`` = 4 ulp (relative error <= 8u), which
     covers numpy's SIMD float32 routines and PyTorch's (Sleef) ones.

   The recursion (Delta = bound on |reference - run|, entry by entry; |.| = absolute value; both
   runs start from the same weights and data). For a layer Z = A W^T + b followed by ReLU:

       dZ  <= dA (|W| + dW)^T + |A| dW^T + db + R(Z)              (R = rounding of both runs)
       dA' <= dZ                                                   (ReLU is 1-Lipschitz)

   For the mean softmax cross-entropy of logits Z: each row's loss has gradient s - y with
   ||s - y||_1 <= 2, so its change is at most 2 max_j dZ_ij; and log s_j moves by at most
   delta_i = 2 max_j dZ_ij, so |Delta s_ij| <= s_ij (exp(delta_i) - 1). Backward,

       d(dW) <= d(dZ)^T (|A| + dA) + |dZ|^T dA + R(dW)
       d(dA) <= d(dZ) (|W| + dW) + |dZ| dW + R(dA)
       ReLU backward: d(dZ) <= d(dA) where |Z| > Delta Z (the unit is on or off in both runs), and
                      d(dZ) <= |dA| + d(dA) where |Z| <= Delta Z (it may switch in one run only)
       update W <- W - lr dW:  dW' <= dW + lr d(dW) + 3u (|W| + lr |dW|) for each run (lr, *, -)

   It is evaluated in float64 along a float64 reference run that starts from the network's own
   (possibly float32-rounded) weights and data; |L_a - L_b| <= |L_a - L_ref| + |L_ref - L_b|.
   The bound is rigorous and useless after a few steps: absolute values destroy the cancellations
   inside every sum, so it grows by a large factor per step (lesson 11 prints it).

2. A statistical bound, :func:`reordering_spread` and :func:`agreement_bound`. A network whose
   input features and hidden units are permuted computes exactly the same function, but every dot
   product adds its terms in another order, just as another BLAS kernel or thread count does.
   Training several such copies on the same batches samples how far correct runs drift apart on
   this very problem, including the rare discrete events (a ReLU unit within rounding of its kink
   for one sample switches in one run and not in the other) that dominate the gap in practice.
   :func:`agreement_bound` allows a stated safety factor above the largest spread seen.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .. import Linear, MSELoss, ReLU, Sequential, SoftmaxCrossEntropyLoss, train

__all__ = [
    "FUNCTION_ULPS", "SAFETY_FACTOR", "RUNS", "unit_roundoff", "gamma", "WorstCaseBound", "worst_case_bound",
    "permuted_mlp", "unpermuted_parameters", "ReorderingSpread", "reordering_spread", "spread_bound",
    "agreement_bound", "weight_bound",
]

FUNCTION_ULPS = 4  # accuracy assumed of exp and log, in units in the last place
_SAFETY = 1.0 + 1e-6  # covers the float64 rounding of the bound's own arithmetic
SAFETY_FACTOR = 10.0  # agreement_bound: allowance above the largest spread of the sampled reorderings
FLOOR_ULPS = 4  # agreement_bound: never below 4 ulp of the largest loss (the loss's own rounding)
#: reordering_spread's default number of runs. On lesson 11's float32 problem the reorderings split
#: about evenly between two trajectory families (9 and 6 of 15); 16 runs all in one family would
#: happen with odds of about 2 x 0.5^15 = 6e-5, so the split is seen on any machine.
RUNS = 16


def unit_roundoff(dtype: Any) -> float:
    """u = 2^-p for a p-bit significand: 2^-24 for float32, 2^-53 for float64 (half of np.finfo().eps)."""
    return float(np.finfo(np.dtype(dtype)).eps) / 2.0


def gamma(k: int, u: float) -> float:
    """gamma_k = k u / (1 - k u), the bound on the relative error of a k-term sum in any order."""
    if k * u >= 1.0:
        raise ValueError(f"gamma_{k} is undefined for u = {u:g}: k u = {k * u:g} >= 1")
    return k * u / (1.0 - k * u)


@dataclass
class WorstCaseBound:
    """Result of :func:`worst_case_bound`.

    loss_gap: (n_steps,) bound on |L_a - L_b| at every step, for any two runs of the algorithm.
    weight_gap: bound on max |W_a - W_b| over all parameters after the last step.
    unit_roundoff: u of the runs' precision.
    switchable: (n_steps,) fraction of ReLU units (over the batch) that may be on in one run and
        off in the other at that step: the source of the bound's growth.
    """

    loss_gap: np.ndarray
    weight_gap: float
    unit_roundoff: float
    switchable: np.ndarray


def _layers(net: Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) in float64 per Linear layer; checks the net is Linear (ReLU Linear)*."""
    params, expect_linear = [], True
    for layer in net:
        if isinstance(layer, Linear):
            if not expect_linear or layer.absorb_bias or layer.bias is None:
                raise TypeError("worst_case_bound needs Linear layers with a bias, separated by ReLU")
            params.append((layer.weight.data.astype(np.float64), layer.bias.data.astype(np.float64)))
            expect_linear = False
        elif isinstance(layer, ReLU) and not expect_linear:
            expect_linear = True
        else:
            raise TypeError(f"worst_case_bound supports Linear and ReLU layers, got {layer!r}")
    if expect_linear or not params:
        raise TypeError("the network must start and end with a Linear layer")
    return params


def _both(u_run: float, u_ref: float) -> float:
    """Scale of a rounding term for the run and the reference together (bounds add up)."""
    return u_run + u_ref


def _ce_forward(Z: np.ndarray, dZ: np.ndarray, y: np.ndarray, u: float, u_ref: float):
    """The loss's gap bound, softmax S, the bound on |Delta S| and S's relative rounding, for the
    mean cross-entropy."""
    m, C = Z.shape
    rows = np.arange(m)
    T = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(T)
    sums = E.sum(axis=1)
    lse = np.log(sums)
    ce = lse - T[rows, y]
    S = E / sums[:, None]
    tmax = np.abs(T).max(axis=1)

    def rounding(v: float) -> np.ndarray:  # per-row rounding of one run with unit roundoff v
        sum_err = gamma(C, v) + 2 * FUNCTION_ULPS * v + v * tmax  # relative error of the row sum
        row = sum_err + 2 * FUNCTION_ULPS * v * np.abs(lse) + v * np.abs(T[rows, y]) + v * np.abs(ce)
        return row.mean() * (1 + gamma(m * C, v)) + gamma(m * C, v) * np.abs(ce).mean()

    delta = 2.0 * dZ.max(axis=1)
    gap = float(np.mean(delta)) + rounding(u) + rounding(u_ref)
    dS = S * np.expm1(delta)[:, None]
    rho = lambda v: gamma(C, v) + (4 * FUNCTION_ULPS + 1) * v + 2 * v * tmax  # relative error of S
    return gap, S, dS, rho(u) + rho(u_ref)


def worst_case_bound(
    net: Sequential,
    loss: Any,
    X: np.ndarray,
    Y: np.ndarray,
    batches: Sequence[np.ndarray],
    lr: float,
    dtype: Any = None,
    rounded_weights: bool = False,
) -> WorstCaseBound:
    """Guaranteed bound on the per-step loss gap between any two SGD runs of `net` in precision `dtype`.

    `net` holds the initial weights (it is not changed); `X` (n, d) and `Y` ((n,) class indices for
    SoftmaxCrossEntropyLoss, (n, k) targets for MSELoss) the training data; `batches` the index
    arrays of the steps (``batch_order``); `lr` the SGD step size. `dtype` is the precision of the
    two runs compared (default: the network's). See the module docstring for the derivation.
    ``rounded_weights=True`` lets a run start from `net`'s weights rounded to `dtype` (each within
    u |W| of them), e.g. a float32 copy of a float64 network. Once the bound overflows float64 it
    is reported as inf.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        result = _worst_case(net, loss, X, Y, batches, lr, dtype, rounded_weights)
    result.loss_gap = np.where(np.isfinite(result.loss_gap), result.loss_gap, np.inf)
    if not np.isfinite(result.weight_gap):
        result.weight_gap = np.inf
    return result


def _worst_case(net: Sequential, loss: Any, X: np.ndarray, Y: np.ndarray, batches: Sequence[np.ndarray],
                lr: float, dtype: Any, rounded_weights: bool) -> WorstCaseBound:
    """The recursion of :func:`worst_case_bound` (floating-point warnings handled by the caller)."""
    if not isinstance(loss, (SoftmaxCrossEntropyLoss, MSELoss)):
        raise TypeError(f"worst_case_bound supports SoftmaxCrossEntropyLoss and MSELoss, got {loss!r}")
    params = _layers(net)
    dtype = np.dtype(dtype if dtype is not None else net[0].weight.data.dtype)
    u, u_ref = unit_roundoff(dtype), unit_roundoff(np.float64)
    X = np.asarray(X, dtype=dtype).astype(np.float64)  # the runs' own inputs, exactly
    Y = np.asarray(Y)
    Ws = [W.copy() for W, _ in params]
    bs = [b.copy() for _, b in params]
    start = u if rounded_weights else 0.0  # |fl(w) - w| <= u |w|
    dWs = [start * np.abs(W) for W in Ws]
    dbs = [start * np.abs(b) for b in bs]
    loss_gap, switchable = np.empty(len(batches)), np.empty(len(batches))
    for step, idx in enumerate(batches):
        A, dA = X[idx], np.zeros_like(X[idx])
        cache = []
        for layer, (W, b, dW, db) in enumerate(zip(Ws, bs, dWs, dbs)):
            K = W.shape[1]
            absA = np.abs(A) + dA
            absW = np.abs(W) + dW
            Z = A @ W.T + b
            dZ = dA @ absW.T + np.abs(A) @ dW.T + db
            dZ += _both(gamma(K + 1, u), gamma(K + 1, u_ref)) * (absA @ absW.T + np.abs(b) + db)
            cache.append((A, dA, Z, dZ))
            if layer < len(Ws) - 1:
                A, dA = np.maximum(Z, 0.0), dZ
        Z, dZ = cache[-1][2], cache[-1][3]
        m = len(idx)
        if isinstance(loss, SoftmaxCrossEntropyLoss):
            y = Y[idx].astype(int)
            gap, S, dS, rho = _ce_forward(Z, dZ, y, u, u_ref)
            T = np.zeros_like(S)
            T[np.arange(m), y] = 1.0
            G = (S - T) / m
            dG = dS / m + (rho[:, None] * S + _both(2 * u, 2 * u_ref) * np.abs(S - T)) / m
        else:
            Yb = Y[idx].reshape(Z.shape).astype(np.float64)
            R = Z - Yb
            n = R.size
            gap = float(np.mean(2 * np.abs(R) * dZ + dZ**2))
            gap += _both(gamma(n + 2, u), gamma(n + 2, u_ref)) * float(np.mean(R**2))
            G = 2 * R / n
            dG = 2 * dZ / n + _both(3 * u, 3 * u_ref) * np.abs(G)
        loss_gap[step] = gap
        flips = []
        for layer in range(len(Ws) - 1, -1, -1):
            A, dA, Z, dZ = cache[layer]
            W, dW = Ws[layer], dWs[layer]
            absG, absA, absW = np.abs(G), np.abs(A) + dA, np.abs(W) + dW
            gW = G.T @ A
            dgW = dG.T @ absA + absG.T @ dA + _both(gamma(m, u), gamma(m, u_ref)) * ((absG + dG).T @ absA)
            gb = G.sum(axis=0)
            dgb = dG.sum(axis=0) + _both(gamma(m, u), gamma(m, u_ref)) * (absG + dG).sum(axis=0)
            if layer:
                K = W.shape[0]
                GA = G @ W
                dGA = dG @ absW + absG @ dW + _both(gamma(K, u), gamma(K, u_ref)) * ((absG + dG) @ absW)
                Zp, dZp = cache[layer - 1][2], cache[layer - 1][3]
                may_switch = np.abs(Zp) <= dZp
                flips.append(may_switch.mean())
                G = GA * (Zp > 0)
                dG = np.where(may_switch, np.abs(GA) + dGA, dGA * (Zp > 0))
            for P, dP, g, dg, store in ((W, dW, gW, dgW, dWs), (bs[layer], dbs[layer], gb, dgb, dbs)):
                new_gap = dP + lr * dg + _both(3 * u, 3 * u_ref) * (np.abs(P) + dP + lr * (np.abs(g) + dg))
                store[layer] = new_gap * _SAFETY
                P -= lr * g  # the reference run's own update, in place
        switchable[step] = float(np.mean(flips)) if flips else 0.0
    weight_gap = max(float(np.max(d)) for d in dWs + dbs)
    # any two runs a, b: |a - b| <= |a - ref| + |ref - b|
    return WorstCaseBound(2.0 * _SAFETY * loss_gap, 2.0 * weight_gap, u, switchable)


def permuted_mlp(net: Sequential, rng: Any) -> tuple[Sequential, list[np.ndarray]]:
    """A copy of `net` with its input features and hidden units in a random order, and the orders.

    The copy computes exactly the same function as `net` (``copy(X[:, orders[0]]) == net(X)`` in
    exact arithmetic): permuting the columns of X and of the first weight matrix, and the hidden
    units of every hidden layer (rows of W_l and b_l, columns of W_{l+1}), only reorders the terms
    of every dot product. In floating point it therefore differs from `net` exactly as a BLAS kernel
    with another summation order does. The output units (classes) keep their order. `orders[l]` is
    the order of the inputs of the l-th Linear layer; the last entry is the (unchanged) output order.
    Activations between the Linear layers must act entry by entry (ReLU, tanh, ...).
    """
    gen = np.random.default_rng(rng)
    copy = deepcopy(net)
    linears = [layer for layer in copy if isinstance(layer, Linear)]
    orders = [gen.permutation(linears[0].in_features)]
    for i, layer in enumerate(linears):
        last = i == len(linears) - 1
        out = np.arange(layer.out_features) if last else gen.permutation(layer.out_features)
        layer.weight.data[...] = layer.weight.data[np.ix_(out, orders[-1])]
        if layer.bias is not None:
            layer.bias.data[...] = layer.bias.data[out]
        orders.append(out)
    return copy, orders


def unpermuted_parameters(net: Sequential, orders: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The parameters of a :func:`permuted_mlp` copy, put back in the original order."""
    params = []
    linears = [layer for layer in net if isinstance(layer, Linear)]
    for layer, order_in, order_out in zip(linears, orders[:-1], orders[1:]):
        W = np.empty_like(layer.weight.data)
        W[np.ix_(order_out, order_in)] = layer.weight.data
        params.append(W)
        if layer.bias is not None:
            b = np.empty_like(layer.bias.data)
            b[order_out] = layer.bias.data
            params.append(b)
    return params


@dataclass
class ReorderingSpread:
    """Result of :func:`reordering_spread`.

    losses: (n_runs, n_steps) loss histories; row 0 is the network as given, the others are
        mathematically identical networks whose dot products add their terms in other orders.
    parameters: per run, the trained parameters in the original order (as ``net.parameters()``).
    nets: per run, the trained network and the input-feature order it expects.
    dtype: the precision the runs computed in.
    """

    losses: np.ndarray
    parameters: list[list[np.ndarray]]
    nets: list[tuple[Sequential, np.ndarray]]
    dtype: np.dtype

    @property
    def gaps(self) -> np.ndarray:
        """(n_runs - 1, n_steps): |loss of a reordered run - loss of run 0| at every step."""
        return np.abs(self.losses[1:] - self.losses[0])

    @property
    def envelope(self) -> np.ndarray:
        """(n_steps,): the largest gap between any two of the runs, up to each step (running max)."""
        return np.maximum.accumulate(self.losses.max(axis=0) - self.losses.min(axis=0))

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """(n_runs, n, k): every trained run's output on `X` (each in its own feature order)."""
        X = np.asarray(X, dtype=self.dtype)
        return np.stack([net.forward(np.ascontiguousarray(X[:, order])) for net, order in self.nets])


def reordering_spread(
    net: Sequential, loss: Any, X: np.ndarray, Y: np.ndarray, runs: int = RUNS, seed: int = 0, **train_kwargs: Any
) -> ReorderingSpread:
    """Train a copy of `net` and `runs - 1` reordered copies (:func:`permuted_mlp`) with ``nnlib.train``.

    Every run sees the same batches (``train_kwargs`` holds ``epochs, batch_size, lr, rng``) and
    the same data in its own feature order, cast to the network's dtype. The runs differ in the
    rounding of their sums only, so their spread is a sample of how far two correct implementations
    (another BLAS kernel, another thread count, FMA or not) drift apart on this problem.
    """
    if runs < 2:
        raise ValueError(f"reordering_spread needs at least 2 runs to compare, got runs={runs}")
    dtype = net.parameters()[0].data.dtype
    X = np.asarray(X, dtype=dtype)
    histories, parameters, nets = [], [], []
    for r in range(runs):
        if r == 0:
            copy = deepcopy(net)
            orders = [np.arange(X.shape[1])] + [np.arange(layer.out_features) for layer in copy if isinstance(layer, Linear)]
        else:
            copy, orders = permuted_mlp(net, (seed, r))
        history = train(copy, loss, np.ascontiguousarray(X[:, orders[0]]), Y, progress=False, **train_kwargs)
        histories.append(np.asarray(history.losses))
        parameters.append(unpermuted_parameters(copy, orders))
        nets.append((copy, orders[0]))
    return ReorderingSpread(np.vstack(histories), parameters, nets, np.dtype(dtype))


def spread_bound(samples: np.ndarray, dtype: Any, factor: float = SAFETY_FACTOR, ulps: int = FLOOR_ULPS) -> float:
    """factor x max(largest spread over the runs (axis 0) of any entry, ulps x float spacing at the largest |entry|).

    The runs are a sample of the results that correct implementations produce; another machine is
    one more draw. `factor` allows for draws beyond the sample's extremes, and the floor for the
    rounding of the values themselves when all sampled runs happen to agree.
    """
    samples = np.asarray(samples, dtype=np.float64)
    spread = float(np.max(samples.max(axis=0) - samples.min(axis=0)))
    floor = ulps * float(np.spacing(np.dtype(dtype).type(np.abs(samples).max())))
    return float(factor * max(spread, floor))


def agreement_bound(spread: ReorderingSpread, factor: float = SAFETY_FACTOR, ulps: int = FLOOR_ULPS) -> float:
    """Bound on the per-step loss gap between two correct runs: :func:`spread_bound` of the loss histories."""
    return spread_bound(spread.losses, spread.dtype, factor, ulps)


def weight_bound(spread: ReorderingSpread, factor: float = SAFETY_FACTOR, ulps: int = FLOOR_ULPS) -> float:
    """Bound on max |W_a - W_b| after training for two correct runs: :func:`spread_bound` of the parameters."""
    flat = np.stack([np.concatenate([p.ravel() for p in params]) for params in spread.parameters])
    return spread_bound(flat, spread.dtype, factor, ulps)
