"""Grading overhead per submission beyond the notebook's own run time (target <= 2.5 s).

Builds N copies of the grader's fixture lesson (tests/grade: three answers, one code
exercise) whose first cell sleeps ``--work`` seconds, grades them with ``--jobs``,
and prints: wall time per submission, the notebook's own run time (its cells executed
in-process with ``exec``), and the difference (kernel start, sandbox, extraction,
re-checking, code exercise process, reports).

With ``--speedup`` it grades the same submissions with 1 job and with ``--jobs`` jobs
and prints the parallel speed-up (near-linear means close to the number of jobs, as long
as the machine has that many cores).

Run: .venv/bin/python benchmarks/bench_grade.py [--n 6] [--jobs 1] [--work 0.5] [--speedup]
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


def grade_wall(subs: Path, out: Path, jobs: int) -> float:
    """Wall-clock seconds to grade every submission in ``subs`` with ``jobs`` in parallel."""
    bank = load_grader_bank(f.BANK)
    settings = Settings(timeout=60, limits=Limits(memory_mb=2048, cpu_s=60))
    try:                        # once per run, not per notebook: start the grading process server
        from nnlib.grade.worker import warm_up
    except ImportError:         # (a grader without it)
        pass
    else:
        warm_up()
    start = time.perf_counter()
    results = grade_folder(subs, out, bank, settings, jobs=jobs, progress=False)
    wall = time.perf_counter() - start
    assert all(r["status"] == "graded" for r in results), results
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6, help="submissions")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--work", type=float, default=0.5, help="seconds of work per notebook")
    parser.add_argument("--speedup", action="store_true", help="also grade with 1 job and compare")
    args = parser.parse_args()
    cells = [f"import time\ntime.sleep({args.work})", *f.GOOD]
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        for i in range(args.n):
            f.write(subs, f"student{i:03d}", cells)
        wall = grade_wall(subs, Path(tmp) / "out", args.jobs)  # fresh out dir: no cache hits
        serial = grade_wall(subs, Path(tmp) / "out1", 1) if args.speedup else None
    own = own_run_time(cells)
    per = wall * args.jobs / args.n
    print(f"submissions: {args.n}, jobs: {args.jobs}")
    print(f"wall time per submission (x jobs): {per:.2f} s")
    print(f"notebook's own run time:            {own:.2f} s")
    print(f"grading overhead per submission:    {per - own:.2f} s  (target <= 2.5 s)")
    if serial is not None:
        print(f"speed-up with {args.jobs} jobs over 1 job: {serial / wall:.2f}x  (ideal {args.jobs}x)")


if __name__ == "__main__":
    main()
