"""Command line: ``python -m nnlib.course build [--check] [--solutions DIR] [--course DIR]``
and ``python -m nnlib.course release --bank PRIVATE --out DIR [--roster CSV --secret-file F]``
and ``python -m nnlib.course audit [--question ID ...] [--seed N] [--bank PATH] [--verbose]``."""
from __future__ import annotations

import argparse
import sys

from .build import BuildError, build


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (0 ok, 1 stale with --check, 2 error)."""
    parser = argparse.ArgumentParser(prog="python -m nnlib.course",
                                     description="Course tools for nnlib.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate course/*.ipynb from solutions/*.ipynb")
    b.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if any student notebook is out of date")
    b.add_argument("--solutions", default="solutions", help="master notebooks (default: solutions)")
    b.add_argument("--course", default="course", help="student notebooks (default: course)")
    a = sub.add_parser("audit", help="check every bank question with wrong and equivalent "
                                     "answers; exit 1 if a wrong one is accepted or an "
                                     "equivalent one rejected")
    a.add_argument("--question", action="append", default=None,
                   help="audit only this question id (repeatable), e.g. --question 2.1")
    a.add_argument("--seed", type=int, default=0, help="seed of the checker's evaluation points")
    a.add_argument("--bank", default=None, help="a bank directory or file (default: the package's)")
    a.add_argument("--verbose", action="store_true", help="list every answer tried")
    r = sub.add_parser("release", help="build a graded course's student notebooks and "
                                        "student bank from a private bank, then scan them")
    r.add_argument("--bank", required=True, help="the instructor's private bank (folder or file)")
    r.add_argument("--out", required=True, help="folder for what students receive")
    r.add_argument("--solutions", default="solutions", help="master notebooks (default: solutions)")
    r.add_argument("--roster", default=None, help="roster CSV: one notebook folder per student")
    r.add_argument("--secret-file", default=None,
                   help="file holding the course secret (or set NNLIB_COURSE_SECRET)")
    r.add_argument("--secret", default=None,
                   help="the course secret itself (visible to other users in the process list)")
    args = parser.parse_args(argv)
    if args.command == "release":
        from .release_cli import run_release

        return run_release(args)
    if args.command == "audit":
        return _audit(args)
    try:
        result = build(args.solutions, args.course, check=args.check)
    except (BuildError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for orphan in result.orphans:
        print(f"warning: {orphan} has no master in {args.solutions}/", file=sys.stderr)
    if args.check:
        for path in result.changed:
            print(f"out of date: {path}")
        if result.changed:
            print("run: python -m nnlib.course build", file=sys.stderr)
        return 1 if result.changed else 0
    for path in result.changed:
        print(f"wrote {path}")
    if not result.changed:
        print("course/ is up to date")
    return 0


def _audit(args) -> int:
    from .audit import audit, report
    from .bank import BankError, load_bank

    try:
        bank = load_bank(args.bank)
    except (BankError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    unknown = [q for q in args.question or [] if q not in bank]
    if unknown:
        print(f"error: no question {', '.join(unknown)} in the bank", file=sys.stderr)
        return 2
    results = audit(bank, args.question, args.seed)
    print(report(results, args.verbose))
    bad = any(r.accepted_mutants or r.rejected_rewrites for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
