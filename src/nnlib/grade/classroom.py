"""The class-level steps around ``grade_folder`` for ``nnlib-grade``: the course secret
and roster before grading; the similar-answer report and the LMS export after it."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from .job import write_atomic


def prepare(bank: dict[str, Any], args: argparse.Namespace
            ) -> tuple[Callable[[str, list[Any]], list[Any]] | None, list[Any] | None]:
    """The per-student question function (templates) and the roster, checked up front.

    Raises ValueError (a missing secret, a bad roster) before any notebook runs.
    """
    from nnlib.course.roster import read_roster
    from nnlib.course.variants import read_secret

    from .personal import personaliser

    withheld = [q.id for q in bank.values() if getattr(q, "graded", False) and (
        q.expected is None if q.kind != "code" else q.reference is None)]
    if withheld:
        raise ValueError(f"questions {withheld} have no expected answer: this is a student "
                         "bank (from a release); grade with the private bank (--answers)")
    personalise = personaliser(bank, read_secret(getattr(args, "secret_file", None)))
    roster = read_roster(args.roster) if getattr(args, "roster", None) else None
    return personalise, roster


def finish(results: list[dict[str, Any]], bank: dict[str, Any], roster: list[Any] | None,
           args: argparse.Namespace) -> None:
    """Write ``similar_answers.csv`` (instructor only) into ``--out``; export if asked."""
    from .export import export
    from .integrity import integrity_csv, same_answers

    write_atomic(Path(args.out) / "similar_answers.csv", integrity_csv(same_answers(results, bank)))
    if roster is not None:
        known = {s.student_id for s in roster}
        for student in sorted({r["student"] for r in results} - known):
            print(f"warning: submission folder {student!r} is not a roster student_id (its "
                  "variants were seeded with the folder name; it is not exported)",
                  file=sys.stderr)
    if getattr(args, "export", None):
        variables = {qid: q.variable for qid, q in bank.items()}
        export(results, roster, args.export, args.assignment, variables)
