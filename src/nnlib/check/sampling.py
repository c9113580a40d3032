"""Where to evaluate both sides of a comparison: points at several scales and at the kinks.

Two expressions can agree at every point of a narrow sample and still differ: a term
``relu(|z| - 2)`` vanishes for ``|z| < 2``, a Heaviside splice can be wrong only for
``z < -2``, and ``(a^b)^c`` equals ``a^(b c)`` unless ``a < 0`` and ``b``, ``c`` are
"nice" numbers. The points built here are meant to reach all of those:

* **Scales.** Every scalar variable takes values of order 1 (the first points, which
  the diagnosis reads), and in the other points magnitudes drawn from the bands
  ``[0.02, 0.2]``, ``[0.3, 1.7]``, ``[2, 9]``, ``[10, 60]`` and ``[100, 400]``, each with
  either sign. Matrix entries are N(0, 1) times a per-point scale from 0.05 to 30 (some
  points with a separate random scale per entry).
* **Exponents.** A variable that appears in an exponent also takes the values
  2, 1/2, 3, -1, 1/3, 3/2 in every pairing with the other exponent variables, while the
  bases take both signs, so identities that hold only for positive bases are tested
  where they fail.
* **Matrix breakpoints.** Kinks of matrix entries (``relu(|X W^T| - 100)``,
  ``Heaviside(sum(M) - 50)``) are located along rays ``s * (base matrices)``, ``s`` from
  -1e8 to 1e8, and sampled on both sides.
* **Breakpoints.** The arguments of ``Abs``, ``sign``, ``Heaviside``, ``Max``/``Min``
  (differences of their arguments) and ``Piecewise`` conditions of *both* expressions
  are solved for each variable with the others at a few base points (``numpy.roots``
  for polynomials, else a sign-change scan of [-1e12, 1e12] refined by bisection); each
  root is sampled on both sides at distances from 1e-7 to 0.5 (relative), and between
  neighbouring roots.

Points where an expression is undefined are dropped later (``equivalence.py``). All
randomness comes from ``numpy.random.default_rng(seed)``: the same seed gives the same
points, another seed (the grader's) other points.
"""
from __future__ import annotations

import functools
import itertools
import time

import numpy as np
import sympy as sp

from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .build import is_matrix
from .numeric import evaluate

BANDS = ((0.3, 1.7), (0.02, 0.2), (2.0, 9.0), (10.0, 60.0), (100.0, 400.0))
MATRIX_SCALES = (1.0, 0.05, 0.3, 3.0, 10.0, 30.0)
EXPONENT_VALUES = (2.0, 0.5, 3.0, -1.0, 1.0 / 3.0, 1.5)
ORDER_ONE_POINTS = 8          # the first points stay at order 1 (read by the diagnosis)
OFFSETS = (1e-7, 1e-3, 0.05, 0.5)   # relative distances from a breakpoint
MAX_ROOT_POINTS = 480         # cap on the points added at breakpoints
MAX_KINKS = 16                # kink arguments searched (a hostile max(...) has many)
SEARCH_SECONDS = 0.25         # soft time limit of each breakpoint search
BASES_PER_ROOT = 3            # base points at which each root (a function of the others) is taken


def kink_arguments(*exprs) -> list:
    """Scalar expressions whose sign changes mark a breakpoint of ``exprs``.

    ``Abs(g)``, ``sign(g)``, ``Heaviside(g)`` give ``g``; ``Max(a, b, ...)`` and ``Min``
    give every difference ``a - b``; ``Piecewise`` conditions ``lhs < rhs`` give
    ``lhs - rhs``. Arguments of matrix entries written with a dummy (elementwise
    functions) are left out: they are reached by the matrix scales.
    """
    out: dict = {}
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            args = ()
            if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
                args = (node.args[0],)
            elif isinstance(node, (sp.Max, sp.Min)):
                args = tuple(a - b for a, b in itertools.combinations(node.args, 2))
            elif isinstance(node, sp.Piecewise):
                args = tuple(r.lhs - r.rhs for _, cond in node.args
                             for r in sp.preorder_traversal(cond)
                             if isinstance(r, sp.core.relational.Relational))
            for g in args:
                if (not is_matrix(g) and getattr(g, "free_symbols", None)
                        and all(isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy)
                                for s in g.free_symbols)):
                    out[g] = None
    return list(out)


def exponent_symbols(*exprs) -> list:
    """Scalar symbols that occur in an exponent (``a^b``: ``b``), sorted by name."""
    found = set()
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Pow) and not node.exp.is_number:
                found |= {s for s in node.exp.free_symbols if isinstance(s, sp.Symbol)
                          and not isinstance(s, sp.Dummy)}
    return sorted(found, key=str)


GRID = np.concatenate([-np.logspace(12, -6, 2400), [0.0], np.logspace(-6, 12, 2400)])
BISECTIONS = 45


@functools.lru_cache(maxsize=2048)
def _polynomial(g, v):
    """Coefficients of ``g`` as a polynomial in ``v`` (highest first), or None."""
    try:
        poly = sp.Poly(g, v)
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError, TypeError):
        return None
    if poly.degree() < 1 or poly.degree() > 8:
        return None
    coeffs = poly.all_coeffs()
    if any(c.has(v) for c in coeffs):
        return None
    return tuple(coeffs)


def _roots_at(g, v, env: dict, bases: np.ndarray) -> list:
    """Real roots in ``v`` of ``g`` with the other symbols at each base point.

    A polynomial in ``v`` is solved with ``numpy.roots``; anything else is scanned on a
    grid from -1e12 to 1e12 (log-spaced) for sign changes, each refined by bisection.
    Returns ``[(base index, array of roots)]``.
    """
    out = []
    coeffs = _polynomial(g, v)
    with np.errstate(all="ignore"):
        if coeffs is not None:
            values = [np.broadcast_to(evaluate(c, {s: env[s][bases] for s in env}, len(bases)),
                                      (len(bases), 1, 1))[:, 0, 0] for c in coeffs]
            for j, b in enumerate(bases):
                cs = np.array([c[j] for c in values], dtype=float)
                if not np.all(np.isfinite(cs)):
                    continue
                nz = np.flatnonzero(cs)
                if not len(nz):
                    continue
                r = np.roots(cs[nz[0]:])
                real = r[np.abs(r.imag) <= 1e-9 * (1 + np.abs(r.real))].real
                out.append((b, real))
            return out
        for b in bases:
            point = {s: np.broadcast_to(val[b], (len(GRID), *val.shape[1:])) for s, val in env.items()}
            point[v] = GRID.reshape(-1, 1, 1)
            try:
                gv = np.broadcast_to(evaluate(g, point, len(GRID)), (len(GRID), 1, 1))[:, 0, 0]
            except Exception:  # not evaluable: no breakpoints from it
                return out
            sgn = np.sign(gv)
            idx = np.flatnonzero(np.isfinite(gv[:-1]) & np.isfinite(gv[1:]) & (sgn[:-1] * sgn[1:] < 0))
            exact = GRID[gv == 0]
            if len(idx):
                lo, hi, glo = GRID[idx].copy(), GRID[idx + 1].copy(), gv[idx].copy()
                for _ in range(BISECTIONS):
                    mid = (lo + hi) / 2
                    point_mid = {s: np.broadcast_to(val[b], (len(mid), *val.shape[1:]))
                                 for s, val in env.items()}
                    point_mid[v] = mid.reshape(-1, 1, 1)
                    gm = np.broadcast_to(evaluate(g, point_mid, len(mid)), (len(mid), 1, 1))[:, 0, 0]
                    left = np.sign(gm) == np.sign(glo)
                    lo, glo = np.where(left, mid, lo), np.where(left, gm, glo)
                    hi = np.where(left, hi, mid)
                exact = np.concatenate([exact, (lo + hi) / 2])
            out.append((b, exact))
    return out


def _scalar_values(rng, k: int, positive: bool) -> np.ndarray:
    first = min(ORDER_ONE_POINTS, k)
    bands = np.concatenate([np.zeros(first, dtype=int),
                            rng.permutation(np.resize(np.arange(len(BANDS)), k - first))])
    lo = np.log([BANDS[b][0] for b in bands])
    hi = np.log([BANDS[b][1] for b in bands])
    v = np.exp(lo + (hi - lo) * rng.uniform(size=k))
    if not positive:
        v = v * rng.choice([-1.0, 1.0], size=k)
    return v.reshape(k, 1, 1)


def _matrix_values(rng, k: int, shape, positive: bool) -> np.ndarray:
    first = min(ORDER_ONE_POINTS, k)
    scales = np.concatenate([np.ones(first),
                             rng.permutation(np.resize(np.array(MATRIX_SCALES), k - first))])
    m = rng.normal(size=(k, *shape)) * scales[:, None, None]
    mixed = np.arange(k) % 4 == 3   # every 4th extra point: a random scale per entry
    mixed[:first] = False
    if mixed.any():
        m[mixed] *= np.exp(rng.uniform(np.log(0.05), np.log(30.0), size=(int(mixed.sum()), *shape)))
    return np.abs(m) + 0.1 * scales[:, None, None] if positive else m


def _exponent_block(rng, scalars, exps, positive: bool) -> dict:
    """Points pairing the exponent values (every pair for the first two), bases of both signs."""
    n = len(EXPONENT_VALUES)
    combos = list(itertools.product(range(n), repeat=min(2, len(exps))))
    size = 2 * len(combos)
    out = {}
    for s in scalars:
        if s in exps:
            j = exps.index(s)
            if j < 2:
                idx = np.array([c[j] for c in combos for _ in (0, 1)])
            else:
                idx = rng.integers(0, n, size=size)
            out[s] = np.array(EXPONENT_VALUES)[idx].reshape(size, 1, 1)
        else:
            v = rng.uniform(0.3, 2.5, size=size)
            signs = np.ones(size) if positive else np.where(np.arange(size) % 2, -1.0, 1.0)
            if not positive:
                signs = signs * np.where(rng.uniform(size=size) < 0.2, -1.0, 1.0)
            out[s] = (v * signs).reshape(size, 1, 1)
    return out


def _append(env: dict, block: dict, size: int) -> dict:
    return {s: np.concatenate([v, block[s] if s in block else v[np.arange(size) % len(v)]])
            for s, v in env.items()}


def _defined_bases(env: dict, exprs, candidates: np.ndarray) -> np.ndarray:
    """Up to BASES_PER_ROOT of the ``candidates`` (point indices) where every expression is finite.

    A breakpoint taken at a base point where one side is undefined (e.g. the square root of
    a negative product) yields only undefined points, so such bases are skipped.
    """
    ok = np.ones(len(candidates), dtype=bool)
    with np.errstate(all="ignore"):
        point = {s: v[candidates] for s, v in env.items()}
        for e in exprs:
            try:
                vals = np.asarray(evaluate(e, point, len(candidates)))
                vals = np.broadcast_to(vals, (len(candidates), *vals.shape[1:]))
                ok &= np.isfinite(vals).reshape(len(candidates), -1).all(axis=1)
            except Exception:  # not evaluable here: keep the first candidates
                return candidates[:BASES_PER_ROOT]
    good = candidates[ok][:BASES_PER_ROOT]
    return good if len(good) else candidates[:BASES_PER_ROOT]


def _breakpoint_block(env: dict, kinks, bases: np.ndarray) -> dict | None:
    """Points on both sides of every breakpoint found (copies of base points, one variable moved)."""
    scalars = [s for s in env if isinstance(s, sp.Symbol)]
    pieces = []
    count = 0
    deadline = time.perf_counter() + SEARCH_SECONDS
    for g in kinks[:MAX_KINKS]:
        if time.perf_counter() > deadline:
            break
        for v in sorted(g.free_symbols & set(scalars), key=str):
            try:
                found = _roots_at(g, v, env, bases)
            except Exception:  # a kink we cannot locate: the scales have to do
                continue
            for b, roots in found:
                for r in roots[:16]:
                    if not np.isfinite(r):
                        continue
                    d = np.array(OFFSETS) * (1.0 + abs(r))
                    pieces.append((b, v, np.concatenate([r - d, r + d, [r]])))
                    count += 2 * len(OFFSETS) + 1
            if count >= MAX_ROOT_POINTS:
                break
    if not pieces:
        return None
    # midpoints of neighbouring roots of the same variable at the same base point
    grouped: dict = {}
    for b, v, vals in pieces:
        grouped.setdefault((b, v), []).append(vals[-1])
    for (b, v), roots in grouped.items():
        roots = np.unique(roots)
        if len(roots) > 1:
            pieces.append((b, v, (roots[1:] + roots[:-1]) / 2))
    block = {s: [] for s in env}
    for b, v, vals in pieces:
        for s in env:
            base = env[s][b]
            block[s].append(np.broadcast_to(base, (len(vals), *base.shape)).copy())
        block[v][-1] = vals.reshape(-1, 1, 1).astype(float)
    return {s: np.concatenate(parts) for s, parts in block.items()}


RAY = np.concatenate([-np.logspace(8, -4, 400), np.logspace(-4, 8, 400)])
RAY_BISECTIONS = 45
MAX_RAY_POINTS = 240


def _matrix_probes(*exprs) -> list:
    """Kinks that depend on matrix entries, each as a function ``env, n -> (n, m)`` values.

    A scalar kink argument with matrices in it (``sum(M) - 50``) is evaluated as is; an
    elementwise function (``relu(abs(X W^T) - 100)``) gives its inner matrix's entries
    pushed through the kink arguments of its body.
    """
    probes = []
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, ElementwiseApplyFunction):
                lam = node.function
                t = lam.variables[0]
                roots = [r for h in _raw_kinks(lam.expr) if h.free_symbols == {t}
                         for r in _scalar_roots(h, t)]
                if roots:
                    probes.append(_entrywise_probe(node.expr, np.unique(roots)[:16]))
            elif isinstance(node, (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)) and not is_matrix(node):
                for g in _raw_kinks(node, deep=False):
                    if not g.free_symbols or any(isinstance(x, sp.Dummy) for x in g.free_symbols):
                        continue
                    if g.atoms(sp.MatrixSymbol):
                        probes.append(_scalar_probe(g))
    return probes


def _raw_kinks(expr, deep: bool = True) -> list:
    out = []
    nodes = sp.preorder_traversal(expr) if deep else [expr]
    for node in nodes:
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            out.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            out += [a - b for a, b in itertools.combinations(node.args, 2)]
    return [g for g in out if not is_matrix(g)]


def _scalar_probe(g):
    def probe(env, n):
        return np.broadcast_to(evaluate(g, env, n), (n, 1, 1)).reshape(n, 1)
    return probe


def _scalar_roots(h, t) -> np.ndarray:
    """Real roots of ``h(t) = 0`` for a function of one dummy ``t``."""
    found = _roots_at(h, t, {}, np.arange(1))
    return np.concatenate([r for _, r in found]) if found else np.array([])


def _entrywise_probe(inner, roots: np.ndarray):
    """Entries of ``inner`` minus each breakpoint value: a sign change = an entry crosses it."""
    def probe(env, n):
        m = np.broadcast_to(evaluate(inner, env, n), (n, *[int(d) for d in inner.shape]))
        flat = m.reshape(n, -1)
        return (flat[:, :, None] - roots[None, None, :]).reshape(n, -1)
    return probe


def _ray_block(env: dict, probes, k: int) -> dict | None:
    """Points where a matrix kink changes sign along rays ``s * (base matrices)``.

    For each of the first base points, all matrices together, and each matrix alone, are
    scaled by ``s`` from -1e8 to 1e8 (the rest kept); sign changes of each probe entry
    are refined by bisection on ``s``, and the points at ``s (1 +- offset)`` are added.
    """
    mats = [s for s in env if isinstance(s, sp.MatrixSymbol)]
    if not mats:
        return None
    scales = []
    rays = [(b, tuple(mats)) for b in range(min(BASES_PER_ROOT, k))]
    if len(mats) > 1:
        rays += [(b, (m,)) for b in range(min(BASES_PER_ROOT, k)) for m in mats]
    deadline = time.perf_counter() + SEARCH_SECONDS
    for b, moved in rays:
        if time.perf_counter() > deadline:
            break
        def at(svals, b=b, moved=moved):
            n = len(svals)
            out = {}
            for s_, v in env.items():
                base = v[b]
                out[s_] = (svals.reshape(-1, 1, 1) * base if s_ in moved
                           else np.broadcast_to(base, (n, *base.shape)))
            return out
        for probe in probes[:MAX_KINKS]:
            try:
                with np.errstate(all="ignore"):
                    vals = probe(at(RAY), len(RAY))
            except Exception:  # not evaluable along the ray: nothing to add
                continue
            sgn = np.sign(vals)
            change = (sgn[:-1] * sgn[1:] < 0) & np.isfinite(vals[:-1]) & np.isfinite(vals[1:])
            rows, cols = np.nonzero(change)
            if not len(rows):
                continue
            lo, hi = RAY[rows].copy(), RAY[rows + 1].copy()
            glo = vals[rows, cols]
            for _ in range(RAY_BISECTIONS):
                mid = (lo + hi) / 2
                with np.errstate(all="ignore"):
                    gm = probe(at(mid), len(mid))[np.arange(len(mid)), cols]
                left = np.sign(gm) == np.sign(glo)
                lo, glo = np.where(left, mid, lo), np.where(left, gm, glo)
                hi = np.where(left, hi, mid)
            roots = np.unique((lo + hi) / 2)[:40]
            for r in roots:
                d = np.array(OFFSETS) * abs(r)
                scales.append((b, moved, np.concatenate([r - d, r + d, [r]])))
        if sum(len(v) for _, _, v in scales) >= MAX_RAY_POINTS:
            break
    if not scales:
        return None
    block = {s_: [] for s_ in env}
    for b, moved, svals in scales:
        for s_, v in env.items():
            base = v[b]
            block[s_].append(svals.reshape(-1, 1, 1) * base if s_ in moved
                             else np.broadcast_to(base, (len(svals), *base.shape)).copy())
    return {s_: np.concatenate(parts) for s_, parts in block.items()}


def sample_env(symbols, k: int, seed: int, positive: bool = False, exprs=()) -> dict:
    """Evaluation points for ``symbols``: ``{symbol: array (n, r, c)}`` with ``n >= k``.

    Parameters
    ----------
    symbols : iterable of Symbol / MatrixSymbol
    k : int
        Number of base points (scales as in the module docstring).
    seed : int
        Seed of ``numpy.random.default_rng``.
    positive : bool
        Only positive scalars and matrices with positive entries (for expressions that
        are undefined for negative values, e.g. ``log(x)``).
    exprs : SymPy objects
        The expressions to be compared: their exponents and breakpoints add points.
    """
    rng = np.random.default_rng(seed)
    symbols = list(symbols)
    env = {}
    for s in symbols:
        if isinstance(s, sp.MatrixSymbol):
            env[s] = _matrix_values(rng, k, tuple(int(d) for d in s.shape), positive)
        else:
            env[s] = _scalar_values(rng, k, positive)
    scalars = [s for s in symbols if not isinstance(s, sp.MatrixSymbol)]
    exps = [s for s in exponent_symbols(*exprs) if s in env]
    if exps:
        block = _exponent_block(rng, scalars, exps, positive)
        env = _append(env, block, len(next(iter(block.values()))))
    kinks = kink_arguments(*exprs) if scalars else []
    if kinks:
        # positive copies of the first base points: a breakpoint moved from one of them keeps
        # products and quotients of the other variables positive (sqrt(F*u/M) stays defined)
        n = env_size(env, k)
        env = _append(env, {s: np.abs(v[:BASES_PER_ROOT]) for s, v in env.items()}, BASES_PER_ROOT)
        bases = np.unique(np.concatenate([_defined_bases(env, exprs, np.arange(min(k, n))),
                                          _defined_bases(env, exprs, np.arange(n, n + BASES_PER_ROOT))]))
        block = _breakpoint_block(env, kinks, bases)
        if block is not None:
            env = {s: np.concatenate([env[s], block[s]]) for s in env}
    probes = _matrix_probes(*exprs) if len(scalars) < len(symbols) else []
    if probes:
        block = _ray_block(env, probes, k)
        if block is not None:
            env = {s: np.concatenate([env[s], block[s]]) for s in env}
    return env


def env_size(env: dict, default: int) -> int:
    """Number of points in ``env``."""
    return len(next(iter(env.values()))) if env else default
