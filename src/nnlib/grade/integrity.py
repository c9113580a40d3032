"""Identical answers across students, for the instructor (never in student feedback).

With a variant for each student, a classmate's answer is wrong for you; several
students handing in the *same wrong* answer (or one student's wrong answer equal to
another's answer) is worth a look. Answers are compared after normalising: whitespace
removed, ``**`` written ``^``, a number compared by its value to 6 significant digits.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from .regrade import CORRECT, INCORRECT

FIELDS = ["lesson", "exercise", "answer", "students", "statuses"]


@dataclass(frozen=True)
class SameAnswer:
    """Students of one exercise who handed in the same answer, at least one of them wrong."""

    lesson: str
    exercise: str
    answer: str
    students: tuple[str, ...]
    statuses: tuple[str, ...]


def answer_key(value: Any) -> str:
    """The normalised form under which two answers count as the same."""
    if isinstance(value, list):
        return " | ".join(answer_key(v) for v in value)
    text = re.sub(r"\s+", "", str(value)).replace("**", "^")
    try:
        return f"{float(text):.6g}"
    except ValueError:
        return text


def same_answers(results: Iterable[dict[str, Any]], questions: dict[str, Any] | None = None
                 ) -> list[SameAnswer]:
    """Groups of two or more students with the same answer, at least one graded wrong.

    ``results`` are the grader's per-submission results (with ``answers``: variable ->
    value); ``questions`` maps each exercise id to its question (for its ``variable``);
    without it, the variable is found as ``answer_<lesson>_<n>``.
    """
    groups: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for res in results:
        answers = res.get("answers") or {}
        for ex in res.get("exercises", []):
            if ex["status"] not in (CORRECT, INCORRECT):
                continue
            q = (questions or {}).get(ex["exercise"])
            variable = q.variable if q is not None else "answer_" + ex["exercise"].replace(".", "_")
            if variable not in answers:
                continue
            key = answer_key(answers[variable])
            groups[(res["lesson"], ex["exercise"], key)].append((res["student"], ex["status"]))
    found = []
    for (lesson, exercise, key), members in sorted(groups.items()):
        students = sorted(set(members))
        if len({s for s, _ in students}) >= 2 and any(st == INCORRECT for _, st in students):
            found.append(SameAnswer(lesson, exercise, key, tuple(s for s, _ in students),
                                    tuple(st for _, st in students)))
    return found


def integrity_csv(found: list[SameAnswer]) -> str:
    """CSV of :func:`same_answers` (cells neutralised against spreadsheet formulas)."""
    from .export import csv_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FIELDS)
    for f in found:
        writer.writerow([csv_cell(f.lesson), csv_cell(f.exercise), csv_cell(f.answer),
                         csv_cell(" ".join(f.students)), csv_cell(" ".join(f.statuses))])
    return buf.getvalue()
