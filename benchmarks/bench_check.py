"""Latency of the derivation checker per check: median, p95 and worst case.

Run:  .venv/bin/python benchmarks/bench_check.py [--repeat N] [--no-audit]
      (or via ``python -m benchmarks``, which calls ``run()``)

Two answer sets:

* **corpus**: ``tests/check/corpus.py`` (typical right and wrong answers) through
  ``nnlib.check.check``, cold (first time each answer is seen) and warm (best of
  ``repeat``: SymPy's and the question caches warm, as when a class answers one question);
* **audit**: every answer ``python -m nnlib.course audit`` tries on the bank (wrong
  answers with kinks, splices, narrow bumps and tiny constants, and equivalent rewrites)
  through ``Question.check``, cold. These are the adversarial, slow end.

Targets (issue 14, on a 2-core machine): median <= 5 ms, p95 <= 50 ms, worst <= 1 s per
check. A benchmark, not a test: it reports, the numbers depend on the machine and load.
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

TARGETS_MS = {"median_ms": 5.0, "p95_ms": 50.0, "max_ms": 1000.0}


def _time(q, answer) -> float:
    start = time.perf_counter()
    check(answer, expected=q.expected, variables=q.variables, shapes=q.shapes, rtol=q.rtol)
    return time.perf_counter() - start


def _stats(times: list[float]) -> dict:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"n": len(times), "median_ms": statistics.median(times) * 1e3,
            "p95_ms": p95 * 1e3, "max_ms": times[-1] * 1e3}


def _audit_times() -> tuple[list[float], list[dict]]:
    """Seconds per ``Question.check`` for every answer the bank audit tries."""
    from nnlib.course import audit as audit_module

    times: list[float] = []
    rows: list[dict] = []
    original = audit_module._try

    def timed(q, family, answer, seed):
        start = time.perf_counter()
        out = original(q, family, answer, seed)
        t = time.perf_counter() - start
        times.append(t)
        rows.append({"question": q.id, "family": family, "answer": repr(answer)[:80], "ms": t * 1e3})
        return out

    audit_module._try = timed
    try:
        audit_module.audit()
    finally:
        audit_module._try = original
    return times, rows


def run(repeat: int = 3, with_audit: bool = True) -> dict:
    """Time every corpus case (and the bank audit); return latency statistics (ms)."""
    corpus = cases()
    cold = [_time(q, a) for q, a, _ in corpus]
    warm = [min(_time(q, a) for _ in range(repeat)) for q, a, _ in corpus]
    slowest = sorted(range(len(corpus)), key=lambda i: cold[i], reverse=True)[:5]
    result = {
        "targets_ms": TARGETS_MS,
        "corpus_cold": _stats(cold),
        "corpus_warm": _stats(warm),
        "slowest_corpus_cold": [{"question": corpus[i][0].name, "answer": repr(corpus[i][1]),
                                 "ms": cold[i] * 1e3} for i in slowest],
    }
    if with_audit:
        times, rows = _audit_times()
        result["audit_cold"] = _stats(times)
        result["slowest_audit"] = sorted(rows, key=lambda r: r["ms"], reverse=True)[:5]
    everything = cold + (times if with_audit else [])
    result["all_checks"] = _stats(everything)
    result["meets_targets"] = all(result["all_checks"][k] <= v for k, v in TARGETS_MS.items())
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-audit", action="store_true", help="time the corpus only")
    args = parser.parse_args(argv)
    result = run(args.repeat, not args.no_audit)
    for key in ("corpus_cold", "corpus_warm", "audit_cold", "all_checks"):
        if key in result:
            s = result[key]
            print(f"{key:<12} n={s['n']:4d}  median={s['median_ms']:7.2f} ms  "
                  f"p95={s['p95_ms']:7.2f} ms  max={s['max_ms']:8.2f} ms")
    t = TARGETS_MS
    print(f"targets: median <= {t['median_ms']} ms, p95 <= {t['p95_ms']} ms, "
          f"max <= {t['max_ms']} ms -> {'met' if result['meets_targets'] else 'NOT met'}")
    print("slowest (corpus, cold):")
    for row in result["slowest_corpus_cold"]:
        print(f"  {row['ms']:7.1f} ms  {row['question']}: {row['answer']}")
    for row in result.get("slowest_audit", []):
        print(f"  {row['ms']:7.1f} ms  audit {row['question']} [{row['family']}]: {row['answer']}")
    print(json.dumps({k: result[k] for k in ("corpus_cold", "all_checks", "meets_targets")}))


if __name__ == "__main__":
    main()
