"""Gradebook export for learning-management systems, and per-student feedback files.

From the grader's per-submission results and the class roster
(:mod:`nnlib.course.roster`), :func:`export` writes into one folder:

* ``canvas.csv``: Canvas's gradebook import format: ``Student, ID, SIS User ID,
  SIS Login ID, Section`` and one column for the assignment (``"<name>"`` or
  ``"<name> (<Canvas assignment id>)"`` to update an existing assignment), preceded by
  Canvas's ``Points Possible`` row;
* ``moodle.csv``: for Moodle's "Import grades from CSV": ``Email address, ID number,
  Username``, the grade column and a ``Feedback`` column (map them in the import form);
* ``feedback/<student_id>.md`` and ``.html``: each exercise's points, status, the
  student's own answer and the checker's feedback;
* ``unmatched.txt``: submissions whose folder is not a roster ``student_id`` (not
  exported) and roster students without a submission (empty grade cell).

Everything that comes from a submission is escaped: HTML-escaped in HTML and Markdown,
Markdown punctuation backslash-escaped, and every CSV text cell that a spreadsheet
would read as a formula (first character ``= + - @``, tab or carriage return) gets a
leading ``'``.
"""
from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .job import safe_name, write_atomic
from .regrade import CORRECT, NOT_ATTEMPTED

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ANSWER_CHARS = 300
_STATUS_WORDS = {CORRECT: "correct", NOT_ATTEMPTED: "not attempted"}


def csv_cell(value: Any) -> str:
    """``value`` as CSV text that no spreadsheet evaluates (see the module docstring)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _points(x: float) -> str:
    return f"{float(x):g}"


@dataclass
class StudentGrade:
    """One roster student's totals and exercises (empty when nothing was submitted)."""

    student: Any
    points: float = 0.0
    max_points: float = 0.0
    submitted: bool = False
    results: list[dict[str, Any]] = field(default_factory=list)


def collect(results: Iterable[dict[str, Any]], roster: list[Any]
            ) -> tuple[list[StudentGrade], list[str], float]:
    """Per roster student, their results; the submissions of no roster student; the
    assignment's points possible (the sum of every exercise's maximum seen)."""
    by_id = {s.student_id: StudentGrade(s) for s in roster}
    unmatched, maxima = [], {}
    for res in results:
        for ex in res.get("exercises", []):
            maxima[(res["lesson"], ex["exercise"])] = float(ex["max_points"])
        grade = by_id.get(res["student"])
        if grade is None:
            unmatched.append(f"{res['student']}/{res['lesson']}.ipynb")
            continue
        grade.submitted = True
        grade.results.append(res)
        grade.points += sum(float(e["points"]) for e in res.get("exercises", []))
        grade.max_points += sum(float(e["max_points"]) for e in res.get("exercises", []))
    return list(by_id.values()), sorted(unmatched), sum(maxima.values())


def canvas_csv(grades: list[StudentGrade], assignment: str, possible: float) -> str:
    """Canvas gradebook import CSV (an empty cell leaves the student's grade unchanged)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", csv_cell(assignment)])
    writer.writerow(["Points Possible", "", "", "", "", _points(possible)])
    for g in grades:
        s = g.student
        writer.writerow([csv_cell(s.name or s.student_id), csv_cell(s.canvas_id),
                         csv_cell(s.sis_user_id), csv_cell(s.sis_login_id), csv_cell(s.section),
                         _points(g.points) if g.submitted else ""])
    return buf.getvalue()


def moodle_csv(grades: list[StudentGrade], assignment: str) -> str:
    """Moodle grade import CSV: identifiers, the grade, a short feedback text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["Email address", "ID number", "Username", csv_cell(assignment), "Feedback"])
    for g in grades:
        s = g.student
        summary = "; ".join(f"{ex['exercise']}: {_points(ex['points'])}/{_points(ex['max_points'])}"
                            for res in sorted(g.results, key=lambda r: r["lesson"])
                            for ex in res.get("exercises", []))
        writer.writerow([csv_cell(s.email), csv_cell(s.sis_user_id), csv_cell(s.sis_login_id),
                         _points(g.points) if g.submitted else "",
                         csv_cell(summary if g.submitted else "no submission")])
    return buf.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_escape(text: Any) -> str:
    """Text safe inside Markdown: HTML-escaped, punctuation backslash-escaped, one line."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=True))


def _answer_text(res: dict[str, Any], exercise: str, variables: dict[str, str]) -> str | None:
    answers = res.get("answers") or {}
    value = answers.get(variables.get(exercise, "answer_" + exercise.replace(".", "_")))
    if value is None:
        return None
    text = " | ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= MAX_ANSWER_CHARS else text[:MAX_ANSWER_CHARS] + " …"


def _rows(g: StudentGrade):
    for res in sorted(g.results, key=lambda r: r["lesson"]):
        yield "lesson", res, None
        for ex in res.get("exercises", []):
            yield "exercise", res, ex


def feedback_markdown(g: StudentGrade, assignment: str, variables: dict[str, str] | None = None) -> str:
    """One student's feedback in Markdown (everything from a submission escaped)."""
    variables = variables or {}
    s = g.student
    lines = [f"# {md_escape(assignment)}: feedback for {md_escape(s.name or s.student_id)}", "",
             f"Total: {_points(g.points)} / {_points(g.max_points)} points" if g.submitted
             else "No submission was found.", ""]
    for kind, res, ex in _rows(g):
        if kind == "lesson":
            lines += [f"## {md_escape(res['lesson'])}", ""]
            if res.get("status") not in ("graded", None):
                lines += [f"Not graded: {md_escape(res.get('reason', ''))}", ""]
            continue
        answer = _answer_text(res, ex["exercise"], variables)
        lines.append(f"- **{md_escape(ex['exercise'])}** ({_points(ex['points'])}/"
                     f"{_points(ex['max_points'])}, {md_escape(_STATUS_WORDS.get(ex['status'], ex['status']))}): "
                     f"{md_escape(ex['feedback'])}")
        if answer is not None:
            lines.append(f"  Your answer: {md_escape(answer)}")
    return "\n".join(lines) + "\n"


def feedback_html(g: StudentGrade, assignment: str, variables: dict[str, str] | None = None) -> str:
    """One student's feedback as a standalone HTML page (everything escaped)."""
    variables = variables or {}
    e = html.escape
    s = g.student
    title = f"{assignment}: feedback for {s.name or s.student_id}"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{e(title)}</title></head><body>", f"<h1>{e(title)}</h1>",
             f"<p>Total: {_points(g.points)} / {_points(g.max_points)} points</p>" if g.submitted
             else "<p>No submission was found.</p>"]
    open_list = False
    for kind, res, ex in _rows(g):
        if kind == "lesson":
            if open_list:
                parts.append("</ul>")
            parts.append(f"<h2>{e(res['lesson'])}</h2>")
            if res.get("status") not in ("graded", None):
                parts.append(f"<p>Not graded: {e(str(res.get('reason', '')))}</p>")
            parts.append("<ul>")
            open_list = True
            continue
        answer = _answer_text(res, ex["exercise"], variables)
        item = (f"<li><strong>{e(ex['exercise'])}</strong> ({_points(ex['points'])}/"
                f"{_points(ex['max_points'])}, {e(_STATUS_WORDS.get(ex['status'], ex['status']))}): "
                f"{e(str(ex['feedback']))}")
        if answer is not None:
            item += f"<br>Your answer: <code>{e(answer)}</code>"
        parts.append(item + "</li>")
    if open_list:
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def export(results: list[dict[str, Any]], roster: list[Any] | None, out: str | Path,
           assignment: str = "nnlib", variables: dict[str, str] | None = None) -> dict[str, Path]:
    """Write the files listed in the module docstring into ``out``; returns their paths.

    Without a roster, every submitting student is one row, known by their folder name.
    ``variables`` maps exercise ids to answer variables (default ``answer_<l>_<n>``).
    """
    from nnlib.course.roster import Student

    out = Path(out)
    if roster is None:
        roster = [Student(sid) for sid in sorted({r["student"] for r in results})]
    grades, unmatched, possible = collect(results, roster)
    paths = {"canvas": out / "canvas.csv", "moodle": out / "moodle.csv",
             "unmatched": out / "unmatched.txt"}
    write_atomic(paths["canvas"], canvas_csv(grades, assignment, possible))
    write_atomic(paths["moodle"], moodle_csv(grades, assignment))
    missing = [g.student.student_id for g in grades if not g.submitted]
    write_atomic(paths["unmatched"],
                 "".join(f"not in the roster (not exported): {u}\n" for u in unmatched) +
                 "".join(f"no submission: {m}\n" for m in missing))
    for g in grades:
        stem = safe_name(g.student.student_id)
        write_atomic(out / "feedback" / f"{stem}.md", feedback_markdown(g, assignment, variables))
        write_atomic(out / "feedback" / f"{stem}.html", feedback_html(g, assignment, variables))
    return paths
