"""Interleaved wall-clock timing: several candidates measured round-robin in one process."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np


def _calls_for(fn: Callable[[], object], target: float) -> int:
    """How many calls of `fn` take about `target` seconds (at least 1)."""
    t0 = time.perf_counter()
    fn()
    dt = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(target / dt))


def interleaved(
    fns: dict[str, Callable[[], object]], rounds: int = 7, target: float = 0.05
) -> dict[str, dict[str, float]]:
    """Seconds per call of each function: ``{name: {"median": s, "min": s}}`` over rounds.

    Every function is warmed up, then the functions take turns: in each of `rounds`
    rounds each runs a block of calls lasting about `target` seconds. Interleaving
    spreads clock-frequency and background-load drift evenly over the candidates,
    so their ratios are fair; the median over rounds ignores outlier rounds, the minimum
    is the least disturbed round (useful on a loaded machine).
    """
    calls = {}
    for name, fn in fns.items():
        fn()
        calls[name] = _calls_for(fn, target)
    per_call: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            k = calls[name]
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            per_call[name].append((time.perf_counter() - t0) / k)
    return {name: {"median": float(np.median(v)), "min": float(np.min(v))} for name, v in per_call.items()}
