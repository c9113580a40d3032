"""``nnlib-grade SUBMISSIONS --out DIR``: the instructor's grading command."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .bank import load_grader_bank
from .classroom import finish, prepare
from .job import Settings
from .regrade import ERROR
from .runner import grade_folder
from .sandbox import Limits


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnlib-grade",
        description="Run submitted lesson notebooks in isolated kernels and grade their "
                    "answers with the grader's own question bank.")
    parser.add_argument("submissions", help="folder of <student>/<lesson>.ipynb, or a .zip of them")
    parser.add_argument("--out", required=True, help="output folder (gradebook, feedback, report)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded in parallel")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="wall-clock seconds per notebook (default 120)")
    parser.add_argument("--memory", type=int, default=2048,
                        help="memory of one submission (all its processes), and address space "
                             "of each process, MB (default 2048)")
    parser.add_argument("--answers", default=None,
                        help="question bank file/folder to grade with (default: nnlib's bank)")
    parser.add_argument("--dask", default=None, metavar="tls://host:port",
                        help="run the jobs on this Dask scheduler (TLS only; certificates from "
                             "Dask's configuration distributed.comm.tls.*)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--secret-file", default=None,
                        help="course secret for template questions (or set NNLIB_COURSE_SECRET)")
    parser.add_argument("--roster", default=None,
                        help="roster CSV (student_id, name, email, canvas_id, ...) for --export")
    parser.add_argument("--export", default=None, metavar="DIR",
                        help="write canvas.csv, moodle.csv and feedback/*.md|html into DIR")
    parser.add_argument("--assignment", default="nnlib",
                        help="the grade column's name in the exports (default: nnlib)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0 on success, 2 on bad arguments or input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.jobs < 1:
            raise ValueError(f"--jobs must be >= 1, got {args.jobs}")
        if args.timeout <= 0:
            raise ValueError(f"--timeout must be > 0, got {args.timeout}")
        limits = Limits(memory_mb=args.memory, cpu_s=int(args.timeout) + 10)
        bank = load_grader_bank(args.answers)
        personalise, roster = prepare(bank, args)
        results = grade_folder(args.submissions, Path(args.out), bank,
                               Settings(timeout=args.timeout, limits=limits), jobs=args.jobs,
                               dask=args.dask, progress=not args.no_progress,
                               personalise=personalise)
        finish(results, bank, roster, args)
    except (ValueError, FileNotFoundError, ImportError) as err:
        print(f"nnlib-grade: error: {err}", file=sys.stderr)
        return 2
    errors = [r for r in results if r["status"] == ERROR]
    for r in errors:
        print(f"not graded: {r['student']}/{r['lesson']}.ipynb: {r['reason']}", file=sys.stderr)
    print(f"graded {len(results) - len(errors)} of {len(results)} notebooks -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
