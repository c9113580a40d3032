"""Writing the grading outputs from the per-submission results.

* ``gradebook.csv``: one row per (student, lesson, exercise): points, max_points, status
  (``correct`` / ``incorrect`` / ``not attempted`` / ``error: <reason>`` / ``skipped: <reason>``);
* ``summary.csv``: one row per student, one column per lesson total, and ``total``
  (for an LMS import);
* ``feedback/<name>.md``: per exercise ✓/✗ and the checker's feedback, one file per
  student; ``<name>`` is the student's name when it is made of letters, digits and
  ``-_.`` only and no other student's name differs from it only in letter case, else the
  safe characters followed by ``~`` and 8 hex digits of the name's SHA-256 (two folder
  names such as ``honest~ben`` and ``honest_ben`` never share a file; the report lists them);
* ``report.md`` with per-exercise statistics and ``histogram.png`` (score distribution;
  matplotlib Agg, in the grader process).

Everything that comes from a submission (names, reasons, notes, the checker's feedback,
which may quote the answer) is escaped in the Markdown (backslash escapes, and HTML
entities for ``< > &``, so nothing renders as a tag or a link); CSV cells that a
spreadsheet would read as a formula (starting with ``= + - @``, a tab or a carriage
return) get a leading ``'``.

Every file is written atomically; rows are sorted, so the same results give the same files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from .job import SKIPPED, safe_name, write_atomic
from .regrade import CORRECT, ERROR, NOT_ATTEMPTED

GRADEBOOK_FIELDS = ["student", "lesson", "exercise", "points", "max_points", "status"]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")   # never at a line start: . - + are safe
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md(text: Any) -> str:
    """``text`` on one line, safe to put anywhere in Markdown (or the HTML it becomes)."""
    one_line = " ".join(str(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def csv_cell(value: Any) -> Any:
    """``value``, with a leading ``'`` if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def feedback_names(students: Iterable[str]) -> dict[str, str]:
    """A distinct feedback file stem for every student (see the module docstring)."""
    students = sorted(set(students))
    folded: dict[str, list[str]] = defaultdict(list)
    for s in students:
        folded[safe_name(s).lower()].append(s)
    names = {}
    for s in students:
        base = safe_name(s)[:60]
        plain = base == s and len(folded[base.lower()]) == 1
        names[s] = base if plain else f"{base}~{hashlib.sha256(s.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
    taken: dict[str, int] = defaultdict(int)
    for n in names.values():
        taken[n.lower()] += 1
    for s, n in names.items():                   # a clash of 8 hex digits: the whole digest
        if taken[n.lower()] > 1:
            names[s] = f"{safe_name(s)[:60]}~{hashlib.sha256(s.encode('utf-8', 'surrogateescape')).hexdigest()}"
    return names


def name_collisions(students: Iterable[str]) -> list[list[str]]:
    """Groups of students whose names map to the same safe name (ignoring case)."""
    folded: dict[str, list[str]] = defaultdict(list)
    for s in sorted(set(students)):
        folded[safe_name(s).lower()].append(s)
    return [group for group in folded.values() if len(group) > 1]


def gradebook_rows(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gradebook rows of all results, sorted by student, lesson, exercise number."""
    rows = []
    for res in results:
        status_of = (lambda ex: f"{res['status']}: {res['reason']}") if res["status"] in (ERROR, SKIPPED) else \
            (lambda ex: f"{ERROR}: {ex['feedback']}" if ex["status"] == ERROR else ex["status"])
        exercises = res["exercises"] or [{"exercise": "-", "points": 0.0, "max_points": 0.0}]
        for ex in exercises:
            rows.append({"student": res["student"], "lesson": res["lesson"],
                         "exercise": ex["exercise"], "points": _num(ex["points"]),
                         "max_points": _num(ex["max_points"]), "status": status_of(ex)})
    return sorted(rows, key=lambda r: (r["student"], r["lesson"], _exercise_key(r["exercise"])))


def _exercise_key(exercise: str) -> tuple:
    return tuple(int(p) if p.isdigit() else -1 for p in str(exercise).split("."))


def _num(x: float) -> str:
    return f"{float(x):g}"


def _csv(fields: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writerow({f: csv_cell(f) for f in fields})
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buf.getvalue()


def student_totals(rows: list[dict[str, Any]]) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Lessons (sorted) and ``{student: {lesson: points, "total": points}}``."""
    lessons = sorted({r["lesson"] for r in rows if r["exercise"] != "-"})
    totals: dict[str, dict[str, float]] = defaultdict(lambda: {lesson: 0.0 for lesson in lessons})
    for r in rows:
        per = totals[r["student"]]
        if r["lesson"] in per:
            per[r["lesson"]] += float(r["points"])
    for per in totals.values():
        per["total"] = sum(per[lesson] for lesson in lessons)
    return lessons, dict(sorted(totals.items()))


def feedback_markdown(student: str, results: list[dict[str, Any]]) -> str:
    """One student's feedback: per lesson and exercise ✓/✗ with the checker's words."""
    lines = [f"# Feedback for {md(student)}", ""]
    for res in sorted(results, key=lambda r: r["lesson"]):
        got = sum(e["points"] for e in res["exercises"])
        most = sum(e["max_points"] for e in res["exercises"])
        lines += [f"## {md(res['lesson'])}: {_num(got)}/{_num(most)} points", ""]
        if res["status"] == ERROR:
            lines += [f"This notebook could not be graded: {md(res['reason'])}", ""]
            continue
        if res["status"] == SKIPPED:
            lines += [f"Not graded: {md(res['reason'])}.", ""]
            continue
        for note in res.get("notes", []):
            lines.append(f"*Note: {md(note)}*")
        for ex in sorted(res["exercises"], key=lambda e: _exercise_key(e["exercise"])):
            mark = "✓" if ex["status"] == CORRECT else ("–" if ex["status"] == NOT_ATTEMPTED else "✗")
            lines.append(f"- {mark} **{md(ex['exercise'])}** ({_num(ex['points'])}/"
                         f"{_num(ex['max_points'])}): {md(ex['feedback'])}")
        lines.append("")
    return "\n".join(lines)


def summary_markdown(rows: list[dict[str, Any]], results: list[dict[str, Any]]) -> str:
    """Per-exercise statistics (attempted, correct, mean points) and the error list."""
    by_ex: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["exercise"] != "-":
            by_ex[(r["lesson"], r["exercise"])].append(r)
    lines = ["# Grading summary", "", f"Submissions: {len(results)}; graded: "
             f"{sum(r['status'] not in (ERROR, SKIPPED) for r in results)}; errors: "
             f"{sum(r['status'] == ERROR for r in results)}; skipped (no exercises): "
             f"{sum(r['status'] == SKIPPED for r in results)}.", "",
             "| lesson | exercise | submissions | attempted | correct | mean points | max |",
             "|---|---|---|---|---|---|---|"]
    for (lesson, ex), group in sorted(by_ex.items(), key=lambda kv: (kv[0][0], _exercise_key(kv[0][1]))):
        attempted = sum(g["status"] not in (NOT_ATTEMPTED,) and not g["status"].startswith(ERROR)
                        for g in group)
        correct = sum(g["status"] == CORRECT for g in group)
        mean = statistics.fmean(float(g["points"]) for g in group)
        lines.append(f"| {md(lesson)} | {md(ex)} | {len(group)} | {attempted} | {correct} | {mean:.2f} "
                     f"| {group[0]['max_points']} |")
    errors = [r for r in results if r["status"] == ERROR]
    if errors:
        lines += ["", "## Not graded", ""]
        lines += [f"- {md(r['student'])}/{md(r['lesson'])}.ipynb: {md(r['reason'])}"
                  for r in sorted(errors, key=lambda r: (r["student"], r["lesson"]))]
    collisions = name_collisions(r["student"] for r in results)
    if collisions:
        lines += ["", "## Student names that differ only in unsafe characters or case", "",
                  "Each has a feedback file of its own (a hash is added to the name):", ""]
        lines += ["- " + ", ".join(md(s) for s in group) for group in collisions]
    lines += ["", "![score histogram](histogram.png)", ""]
    return "\n".join(lines)


def histogram_png(totals: list[float]) -> bytes:
    """PNG bytes of the histogram of student totals (matplotlib, Agg backend)."""
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(6, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.hist(totals, bins=max(1, min(20, len(set(totals)))), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("total points")
    ax.set_ylabel("students")
    ax.set_title(f"Score distribution (n = {len(totals)})")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def write_reports(results: list[dict[str, Any]], out: Path) -> dict[str, Path]:
    """Write every output file into ``out``; returns their paths by name."""
    rows = gradebook_rows(results)
    lessons, totals = student_totals(rows)
    paths = {"gradebook": out / "gradebook.csv", "summary_csv": out / "summary.csv",
             "report": out / "report.md", "histogram": out / "histogram.png"}
    write_atomic(paths["gradebook"], _csv(GRADEBOOK_FIELDS, rows))
    wide = [{"student": s, **{k: _num(v) for k, v in per.items()}} for s, per in totals.items()]
    write_atomic(paths["summary_csv"], _csv(["student", *lessons, "total"], wide))
    by_student: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for res in results:
        by_student[res["student"]].append(res)
    names = feedback_names(by_student)
    for student, res in by_student.items():
        try:
            text = feedback_markdown(student, res)
        except Exception as err:  # noqa: BLE001 - one student's report never stops the others
            text = (f"# Feedback for {md(student)}\n\nYour feedback could not be written "
                    f"({md(type(err).__name__)}); your points are in the gradebook.\n")
        write_atomic(out / "feedback" / f"{names[student]}.md", text)
    write_atomic(paths["report"], summary_markdown(rows, results))
    try:
        write_atomic(paths["histogram"], histogram_png([per["total"] for per in totals.values()]))
    except Exception:  # noqa: BLE001 - a missing plot must not cost the rest
        pass
    return paths
