"""``python -m benchmarks``: time, memory and contributed benchmarks -> benchmarks/results/.

Writes ``results/latest.json`` (numbers + machine description) and
``results/time_vs_batch.png``; prints a table of ratios measured in this process.
Options: ``--quick`` (fewer batch sizes and rounds), ``--no-plot``, ``--save NAME`` (also
write ``results/NAME.json``, e.g. a baseline), ``--compare FILE`` (compare this run with an
earlier results file, see :mod:`benchmarks.compare`; exit status 1 on a regression).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import breakdown, compare, external, machine, memory, train_step
from .timing import interleaved

RESULTS = Path(__file__).resolve().parent / "results"
GOALS = {"nnlib_over_torch_max": 1.1, "gemm_fraction_min": 0.7, "batch_size": 1024}
#: Which per-round statistic the ratios use: the fastest round is the least disturbed by
#: other processes on a shared machine (both "min" and "median" are stored in the JSON).
STAT = "min"


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def time_steps(batch_sizes: list[int], threads: list[int], dtypes: list[str], rounds: int) -> list[dict[str, Any]]:
    """One row per (dtype, threads, batch size): seconds per step of nnlib, torch, and the GEMMs alone."""
    rows = []
    for n_threads in threads:
        limiter = train_step.set_threads(n_threads)
        try:
            for dtype, B in ((d, B) for d in dtypes for B in batch_sizes):
                fns = {
                    "nnlib": train_step.nnlib_step(B, dtype=dtype),
                    "gemm_needed": train_step.gemm_step(B, dtype=dtype),
                }
                if _has_torch():
                    fns["torch"] = train_step.torch_step(B, dtype=dtype)
                    fns["torch_gemm"] = train_step.torch_gemm_step(B, dtype=dtype)
                t = interleaved(fns, rounds=rounds)
                row: dict[str, Any] = {"dtype": dtype, "threads": n_threads, "batch_size": B, "seconds": t}
                med = {k: v[STAT] for k, v in t.items()}
                row["gemm_fraction"] = med["gemm_needed"] / med["nnlib"]
                row["nnlib_gflops"] = train_step.gemm_count(B) / med["nnlib"] / 1e9
                if "torch" in med:
                    row["nnlib_over_torch"] = med["nnlib"] / med["torch"]
                    row["torch_gemm_fraction"] = med["gemm_needed"] / med["torch"]
                    row["numpy_gemm_over_torch_gemm"] = med["gemm_needed"] / med["torch_gemm"]
                    # nnlib's own work (step minus its GEMMs) on torch's BLAS, over torch's step
                    row["nnlib_over_torch_same_blas"] = (
                        med["nnlib"] - med["gemm_needed"] + med["torch_gemm"]) / med["torch"]
                rows.append(row)
                print(f"  timed {dtype} threads={n_threads} batch={B}", flush=True)
        finally:
            if limiter is not None:
                limiter.restore_original_limits()
    return rows


def print_table(rows: list[dict[str, Any]], mem: list[dict[str, Any]]) -> None:
    print("\nOne SGD step, 784-256-128-10 ReLU MLP, softmax CE (fastest of interleaved rounds)")
    head = f"{'dtype':>7} {'threads':>7} {'batch':>6} {'nnlib ms':>9} {'torch ms':>9} {'GEMM ms':>8} {'nnlib/torch':>11} {'GEMM/nnlib':>10} {'GEMM/torch':>10} {'np/torch GEMM':>13} {'same BLAS':>9}"
    print(head)
    print("-" * len(head))
    for r in rows:
        s = r["seconds"]
        torch_ms = f"{s['torch'][STAT] * 1e3:9.2f}" if "torch" in s else f"{'-':>9}"
        ratio = f"{r['nnlib_over_torch']:11.2f}" if "nnlib_over_torch" in r else f"{'-':>11}"
        tfrac = f"{r['torch_gemm_fraction']:10.0%}" if "torch_gemm_fraction" in r else f"{'-':>10}"
        blas = f"{r['numpy_gemm_over_torch_gemm']:13.2f}" if "numpy_gemm_over_torch_gemm" in r else f"{'-':>13}"
        same = f"{r['nnlib_over_torch_same_blas']:9.2f}" if "nnlib_over_torch_same_blas" in r else f"{'-':>9}"
        print(
            f"{r['dtype']:>7} {r['threads']:>7} {r['batch_size']:>6} {s['nnlib'][STAT] * 1e3:9.2f} {torch_ms} "
            f"{s['gemm_needed'][STAT] * 1e3:8.2f} {ratio} {r['gemm_fraction']:10.0%} {tfrac} {blas} {same}"
        )
    print("GEMM = the 8 matrix products a step needs (no input gradient), numpy, preallocated outputs;")
    print("np/torch GEMM = the same products with numpy's BLAS over torch.matmul (the BLAS gap nnlib cannot close);")
    print("same BLAS = (nnlib - GEMM + torch's GEMM) / torch: nnlib's own work as if numpy had torch's BLAS.")
    print("\nPeak memory of one nnlib step (tracemalloc) vs activations + gradients it must hold")
    for m in mem:
        print(f"  {m['dtype']} batch {m['batch_size']:>5}: peak {m['peak_bytes'] / 1e6:6.2f} MB, needed {m['needed_bytes'] / 1e6:6.2f} MB, ratio {m['ratio']:.2f}")


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Time per step vs batch size (log-log): one panel per dtype, one line per library and thread count."""
    import matplotlib

    matplotlib.use("Agg")  # a script writing a PNG file, not a notebook
    import matplotlib.pyplot as plt

    dtypes = list(dict.fromkeys(r["dtype"] for r in rows))
    fig, axes = plt.subplots(1, len(dtypes), figsize=(6 * len(dtypes), 4), sharey=True, squeeze=False)
    series = (("nnlib", "nnlib", "C0", "o"), ("torch", "PyTorch", "C1", "s"), ("gemm_needed", "GEMM bound", "C2", ""))
    for ax, dtype in zip(axes[0], dtypes):
        for n_threads, ls in zip(sorted({r["threads"] for r in rows}), ("-", "--", ":")):
            sub = [r for r in rows if r["threads"] == n_threads and r["dtype"] == dtype]
            B = [r["batch_size"] for r in sub]
            for key, label, color, marker in series:
                if key in sub[0]["seconds"]:
                    ax.plot(B, [r["seconds"][key][STAT] * 1e3 for r in sub], ls=ls, color=color, marker=marker,
                            label=f"{label}, {n_threads} thread{'s' if n_threads > 1 else ''}")
        ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="ms per training step",
               title=f"784-256-128-10 MLP, {dtype} SGD step")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The targets at batch 1024, per thread count: met or not, with the numbers."""
    out = []
    for r in rows:
        if r["batch_size"] != GOALS["batch_size"]:
            continue
        g = {"dtype": r["dtype"], "threads": r["threads"], "gemm_fraction": r["gemm_fraction"],
             "gemm_fraction_met": r["gemm_fraction"] >= GOALS["gemm_fraction_min"]}
        if "nnlib_over_torch" in r:
            g["nnlib_over_torch"] = r["nnlib_over_torch"]
            g["nnlib_over_torch_met"] = r["nnlib_over_torch"] <= GOALS["nnlib_over_torch_max"]
            g["nnlib_over_torch_same_blas"] = r["nnlib_over_torch_same_blas"]
        out.append(g)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="batch sizes 128 and 1024 only, fewer rounds")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--save", metavar="NAME", help="also write results/NAME.json (e.g. a baseline)")
    parser.add_argument("--compare", metavar="FILE", help="compare with an earlier results JSON")
    args = parser.parse_args(argv)
    baseline = compare.load(args.compare) if args.compare else None  # fail before a long run
    RESULTS.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    load_before = os.getloadavg()
    default_threads = machine.numpy_blas_threads() or os.cpu_count() or 1
    threads = sorted({1, default_threads})
    batch_sizes = [128, 1024] if args.quick else [32, 64, 128, 256, 512, 1024]
    print("timing training steps ...", flush=True)
    rows = time_steps(batch_sizes, threads, list(train_step.DTYPES), rounds=3 if args.quick else 7)
    print("timing the parts of one step (batch 1024, 1 thread) ...", flush=True)
    limiter = train_step.set_threads(1)
    try:
        parts = {k: v[STAT] for k, v in interleaved(breakdown.parts(1024), rounds=3 if args.quick else 5).items()}
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    mem = []
    for dtype, B in ((d, B) for d in train_step.DTYPES for B in (128, 1024)):
        peak = memory.step_peak_bytes(train_step.nnlib_step(B, dtype=dtype))
        need = memory.needed_bytes(B, dtype=dtype)
        mem.append({"dtype": dtype, "batch_size": B, "peak_bytes": peak, "needed_bytes": need, "ratio": peak / need})
    print("running contributed benchmarks ...", flush=True)
    results = {
        "machine": machine.describe(),
        "dtypes": list(train_step.DTYPES),
        "network": list(train_step.SIZES),
        "step_flops": {str(B): train_step.gemm_count(B) for B in batch_sizes},
        "timing": rows,
        "memory": mem,
        "step_parts_batch1024_1thread": parts,
        "goals": {**GOALS, "results": goals(rows)},
        "derivation_check": external.run_optional("bench_check"),
        "grading": external.run_optional("bench_grade"),
    }
    print_table(rows, mem)
    print("\nParts of one nnlib step, batch 1024, 1 thread (ms, share of the whole step)")
    for k, v in parts.items():
        print(f"  {k:32s} {v * 1e3:8.2f}  {v / parts['whole step']:5.0%}")
    for key in ("derivation_check", "grading"):
        r = results[key]
        print(f"\n{key}: {r['status']}" + (f" ({r['seconds']:.1f} s)" if "seconds" in r else ""))
        if isinstance(r.get("result"), dict):
            for k, v in r["result"].items():
                print(f"    {k}: {json.dumps(v, default=str)[:140]}")
        else:
            for line in (r.get("stdout") or r.get("error") or "").strip().splitlines()[:12]:
                print("   ", line)
    print(f"\ngoals at batch {GOALS['batch_size']}: nnlib/torch <= {GOALS['nnlib_over_torch_max']}, "
          f"GEMM/nnlib >= {GOALS['gemm_fraction_min']:.0%}")
    for g in results["goals"]["results"]:
        print(f"  {g['dtype']}, {g['threads']} thread(s): GEMM/nnlib {g['gemm_fraction']:.0%} ({'met' if g['gemm_fraction_met'] else 'NOT met'})"
              + (f", nnlib/torch {g['nnlib_over_torch']:.2f} ({'met' if g['nnlib_over_torch_met'] else 'NOT met'};"
                 f" {g['nnlib_over_torch_same_blas']:.2f} with the same BLAS)"
                 if "nnlib_over_torch" in g else ""))
    results["total_seconds"] = time.perf_counter() - t0
    results["load_average"] = {"before": load_before, "after": os.getloadavg(), "statistic": STAT}
    if max(load_before[0], os.getloadavg()[0]) > 0.5 * (os.cpu_count() or 1):
        print(f"WARNING: load average {load_before[0]:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: "
              "other processes share the CPU; ratios (above all with >1 thread) are unreliable.")
    text = json.dumps(results, indent=1, default=str) + "\n"
    (RESULTS / "latest.json").write_text(text)
    if args.save:
        (RESULTS / f"{Path(args.save).stem}.json").write_text(text)
    if baseline is not None:
        table, results["regressed"] = compare.report(baseline, json.loads(text))
        print(f"\ncompared with {args.compare} (score: lower is better)\n{table}")
    if not args.no_plot:
        plot(rows, RESULTS / "time_vs_batch.png")
    print(f"wrote {RESULTS / 'latest.json'}" + ("" if args.no_plot else f" and {RESULTS / 'time_vs_batch.png'}"))
    return results


if __name__ == "__main__":
    sys.exit(1 if main().get("regressed") else 0)
