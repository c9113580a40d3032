"""Latency of nnlib.check.check over the test corpus (tests/check/corpus.py).

Run:  .venv/bin/python benchmarks/bench_check.py [--repeat N]
      (or via ``python -m benchmarks``, which calls ``run()``)

Reports median / p95 / max latency per check: a cold pass (first time each answer is
seen) and a warm pass (best of ``repeat``; SymPy's cache and the question cache are
warm, as when a class checks the same question many times), for all cases and for
scalar cases only. Target: median <= 50 ms on typical scalar answers.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlib.check import check  # noqa: E402
from tests.check.corpus import cases  # noqa: E402

TARGET_MEDIAN_MS = 50.0


def _time(q, answer) -> float:
    start = time.perf_counter()
    check(answer, expected=q.expected, variables=q.variables, shapes=q.shapes, rtol=q.rtol)
    return time.perf_counter() - start


def _stats(times: list[float]) -> dict:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"n": len(times), "median_ms": statistics.median(times) * 1e3,
            "p95_ms": p95 * 1e3, "max_ms": times[-1] * 1e3}


def run(repeat: int = 3) -> dict:
    """Time every corpus case; return latency statistics (milliseconds)."""
    corpus = cases()
    cold = [_time(q, a) for q, a, _ in corpus]
    warm = [min(_time(q, a) for _ in range(repeat)) for q, a, _ in corpus]
    scalar = [i for i, (q, _, _) in enumerate(corpus) if not q.shapes]
    scalar_correct = [i for i in scalar if corpus[i][2] is None]
    slowest = sorted(range(len(corpus)), key=lambda i: cold[i], reverse=True)[:5]
    return {
        "cold_all": _stats(cold),
        "cold_scalar": _stats([cold[i] for i in scalar]),
        "cold_scalar_correct": _stats([cold[i] for i in scalar_correct]),
        "warm_all": _stats(warm),
        "warm_scalar": _stats([warm[i] for i in scalar]),
        "target_median_ms": TARGET_MEDIAN_MS,
        "slowest_cold": [{"question": corpus[i][0].name, "answer": repr(corpus[i][1]),
                          "ms": cold[i] * 1e3} for i in slowest],
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.repeat)
    for key in ("cold_all", "cold_scalar", "cold_scalar_correct", "warm_all", "warm_scalar"):
        s = result[key]
        print(f"{key:<20} n={s['n']:4d}  median={s['median_ms']:7.2f} ms  "
              f"p95={s['p95_ms']:7.2f} ms  max={s['max_ms']:7.2f} ms")
    print("slowest (cold):")
    for row in result["slowest_cold"]:
        print(f"  {row['ms']:7.1f} ms  {row['question']}: {row['answer']}")
    print(json.dumps({k: result[k] for k in ("cold_scalar", "cold_scalar_correct",
                                             "warm_scalar")}))


if __name__ == "__main__":
    main()
