"""Compare two benchmark result files: which rows got slower, and by how much.

    python -m benchmarks.compare results/baseline.json results/latest.json
    python -m benchmarks --compare results/baseline.json      # run, then compare

Rows are matched on (dtype, threads, batch size). What is compared is the ratio
nnlib/torch (or, without torch, the GEMM fraction): ratios measured in one process are
far steadier across runs and machines than milliseconds, which are shown for reference.
A ratio worse by more than ``threshold`` (default 10%) is flagged as a regression;
the exit status of the command is 1 if any row regressed.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

STAT = "min"


def _key(row: dict[str, Any]) -> tuple[str, int, int]:
    return row.get("dtype", "float64"), int(row["threads"]), int(row["batch_size"])


def _score(row: dict[str, Any]) -> tuple[str, float]:
    """The number compared, lower is better: nnlib/torch, or 1/GEMM-fraction without torch."""
    if "nnlib_over_torch" in row:
        return "nnlib/torch", float(row["nnlib_over_torch"])
    return "nnlib/GEMM", 1.0 / float(row["gemm_fraction"])


def compare(old: dict[str, Any], new: dict[str, Any], threshold: float = 0.10) -> list[dict[str, Any]]:
    """One dict per row present in both runs: both scores, both nnlib times, regression flag.

    ``change`` is new_score / old_score - 1 (positive = nnlib got relatively slower).
    """
    before = {_key(r): r for r in old.get("timing", [])}
    out = []
    for row in new.get("timing", []):
        ref = before.get(_key(row))
        if ref is None:
            continue
        (name, s_new), (name_old, s_old) = _score(row), _score(ref)
        if name != name_old:  # torch present in one run only: compare what both have
            name, s_new, s_old = "nnlib/GEMM", 1.0 / row["gemm_fraction"], 1.0 / ref["gemm_fraction"]
        change = s_new / s_old - 1.0
        out.append({
            "dtype": _key(row)[0], "threads": _key(row)[1], "batch_size": _key(row)[2], "score": name,
            "old": s_old, "new": s_new, "change": change, "regression": change > threshold,
            "old_nnlib_ms": ref["seconds"]["nnlib"][STAT] * 1e3, "new_nnlib_ms": row["seconds"]["nnlib"][STAT] * 1e3,
        })
    return out


def same_machine(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether both runs report the same CPU model, core count and numpy/torch versions."""
    keys = ("cpu_model", "logical_cores", "numpy", "torch")
    return all(old.get("machine", {}).get(k) == new.get("machine", {}).get(k) for k in keys)


def report(old: dict[str, Any], new: dict[str, Any], threshold: float = 0.10) -> tuple[str, bool]:
    """The comparison as printable text, and whether any row regressed."""
    rows = compare(old, new, threshold)
    lines = []
    if not same_machine(old, new):
        lines.append("note: the two runs differ in CPU, cores or library versions; milliseconds are not comparable")
    lines.append(f"{'dtype':>7} {'threads':>7} {'batch':>6} {'score':>11} {'old':>6} {'new':>6} {'change':>7}"
                 f" {'nnlib ms old':>12} {'new':>7}")
    for r in rows:
        flag = "  REGRESSION" if r["regression"] else ""
        lines.append(f"{r['dtype']:>7} {r['threads']:>7} {r['batch_size']:>6} {r['score']:>11} {r['old']:6.2f}"
                     f" {r['new']:6.2f} {r['change']:+7.0%} {r['old_nnlib_ms']:12.2f} {r['new_nnlib_ms']:7.2f}{flag}")
    if not rows:
        lines.append("(no rows in common)")
    regressed = any(r["regression"] for r in rows)
    lines.append(f"{sum(r['regression'] for r in rows)} of {len(rows)} rows worse by more than {threshold:.0%}")
    return "\n".join(lines), regressed


def load(path: str | Path) -> dict[str, Any]:
    """A results file written by ``python -m benchmarks``; ValueError if it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"cannot read benchmark results {path}: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("timing"), list):
        raise ValueError(f"{path} is not a benchmark results file (no 'timing' list)")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("old", help="earlier results JSON (the baseline)")
    parser.add_argument("new", help="later results JSON")
    parser.add_argument("--threshold", type=float, default=0.10, help="relative change flagged (default 0.10)")
    args = parser.parse_args(argv)
    try:
        text, regressed = report(load(args.old), load(args.new), args.threshold)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(text)
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main())
