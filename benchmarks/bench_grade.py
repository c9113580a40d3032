"""Grading overhead per submission beyond the notebook's own run time (target <= 3 s).

Builds N copies of the grader's fixture lesson (tests/grade: three answers, one code
exercise) whose first cell sleeps ``--work`` seconds, grades them with ``--jobs``,
and prints: wall time per submission, the notebook's own run time (its cells executed
in-process with ``exec``), and the difference (kernel start, sandbox, extraction,
re-checking, code exercise process, reports).

Run: .venv/bin/python benchmarks/bench_grade.py [--n 6] [--jobs 1] [--work 0.5]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "grade"))

import nbfactory as f  # noqa: E402

from nnlib.grade.bank import load_grader_bank  # noqa: E402
from nnlib.grade.job import Settings  # noqa: E402
from nnlib.grade.runner import grade_folder  # noqa: E402
from nnlib.grade.sandbox import Limits  # noqa: E402


def own_run_time(cells: list[str]) -> float:
    """Seconds to execute the cells in this process (what the notebook itself costs)."""
    namespace: dict = {}
    start = time.perf_counter()
    for source in cells:
        exec(compile(source, "<cell>", "exec"), namespace)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6, help="submissions")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--work", type=float, default=0.5, help="seconds of work per notebook")
    args = parser.parse_args()
    cells = [f"import time\ntime.sleep({args.work})", *f.GOOD]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.n):
            f.write(Path(tmp) / "subs", f"student{i:03d}", cells)
        bank = load_grader_bank(f.BANK)
        settings = Settings(timeout=60, limits=Limits(memory_mb=2048, cpu_s=60))
        start = time.perf_counter()
        results = grade_folder(Path(tmp) / "subs", Path(tmp) / "out", bank, settings,
                               jobs=args.jobs, progress=False)
        wall = time.perf_counter() - start
    assert all(r["status"] == "graded" for r in results), results
    own = own_run_time(cells)
    per = wall * args.jobs / args.n
    print(f"submissions: {args.n}, jobs: {args.jobs}")
    print(f"wall time per submission (x jobs): {per:.2f} s")
    print(f"notebook's own run time:            {own:.2f} s")
    print(f"grading overhead per submission:    {per - own:.2f} s  (target <= 3 s)")


if __name__ == "__main__":
    main()
