"""Grading a whole submissions folder: discover, reuse cached results, run the rest,
write the reports. The single entry point used by the CLI, tests and benchmark."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Mapping

from .bank import is_reading_notebook, questions_for
from .discover import Submission, open_submissions
from .job import (Settings, cache_key, cache_path, error_result, grade_submission, read_cached,
                  skipped_result, write_atomic)
from .parallel import check_dask_address, map_jobs
from .report import write_reports


def grade_folder(submissions: str | Path, out: str | Path, bank: Mapping[str, Any],
                 settings: Settings = Settings(), jobs: int = 1, dask: str | None = None,
                 progress: bool = True,
                 personalise: Callable[[str, list[Any]], list[Any]] | None = None
                 ) -> list[dict[str, Any]]:
    """Grade every ``<student>/<lesson>.ipynb`` of ``submissions`` into ``out``.

    Local ``jobs`` are capped to :func:`usable_cores`. Results already in ``out/.cache``
    for the same notebook bytes, questions and
    settings are reused, so an interrupted run resumes where it stopped. A lesson
    without exercises (``00_errata.ipynb``) is listed as skipped, without being run.
    ``personalise(student, questions)`` gives a student's own questions (their instance of
    every template question, :func:`nnlib.grade.personal.personaliser`).

    Returns
    -------
    The per-submission result dicts, sorted by student and lesson.
    """
    out = Path(out)
    cache_dir = out / ".cache"
    jobs = min(jobs, usable_cores()) if isinstance(jobs, int) and jobs > 0 else jobs
    if dask:
        check_dask_address(dask)
    with open_submissions(submissions) as subs:
        results = _grade_all(subs, cache_dir, bank, settings, jobs, dask, progress, personalise)
    write_reports(results, out)
    return results


def usable_cores() -> int:
    """Cores this process may run on. Local jobs are capped to it: each submission may use
    one core (its cgroup), so more jobs than cores would let submissions slow each other
    down past their wall-clock timeouts."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def duplicates(subs: list[Submission], bank: Mapping[str, Any]) -> dict[int, str]:
    """``{index: reason}`` for every submission that repeats a lesson its student handed in
    already: two notebooks of one student sharing a graded question, whatever their file
    names and however the bank is laid out. The one named exactly like its questions' bank
    file is kept (else the first by name); the others are reported, never graded."""
    by_student: dict[str, list[int]] = {}
    for i, sub in enumerate(subs):
        if not sub.error:
            by_student.setdefault(sub.student, []).append(i)
    found: dict[int, str] = {}
    for student, indices in by_student.items():
        ids = {i: {q.id for q in questions_for(bank, subs[i].lesson)} for i in indices}
        exact = {i for i in indices
                 if any(_stem(q) == subs[i].lesson for q in questions_for(bank, subs[i].lesson))}
        order = sorted(indices, key=lambda i: (i not in exact, subs[i].lesson, str(subs[i].path)))
        kept: list[int] = []
        for i in order:
            first = next((k for k in kept if ids[k] & ids[i]), None)
            if first is None:
                kept.append(i)
            else:
                found[i] = (f"duplicate: {subs[first].lesson}.ipynb of the same student has the "
                            "same exercises and is the one graded; this copy adds no points")
    return found


def _stem(q: Any) -> str:
    return Path(str(getattr(q, "source", "") or "")).stem


def _grade_all(subs: list[Submission], cache_dir: Path, bank: Mapping[str, Any],
               settings: Settings, jobs: int, dask: str | None,
               progress: bool, personalise: Callable[[str, list[Any]], list[Any]] | None = None
               ) -> list[dict[str, Any]]:
    results: list[dict[str, Any] | None] = [None] * len(subs)
    todo: list[tuple[int, Path]] = []
    args = []
    repeated = duplicates(subs, bank)
    for i, sub in enumerate(subs):
        questions = questions_for(bank, sub.lesson)
        if sub.error:
            results[i] = error_result(sub, questions, sub.error)
            continue
        if i in repeated:
            results[i] = error_result(sub, [], repeated[i])
            continue
        if personalise is not None:
            questions = personalise(sub.student, questions)
        if not questions and is_reading_notebook(sub.lesson):
            results[i] = skipped_result(sub, "a lesson without exercises (reading only): nothing to grade")
            continue
        try:
            path = cache_path(cache_dir, sub, cache_key(sub, questions, settings))
        except OSError as err:
            results[i] = error_result(sub, questions, f"cannot be read: {err.strerror}")
            continue
        cached = read_cached(path)
        if cached is not None and cached.get("student") == sub.student \
                and cached.get("lesson") == sub.lesson:
            results[i] = cached
        else:
            todo.append((i, path))
            args.append((sub, questions, settings))
    for j, result in map_jobs(grade_submission, args, jobs=jobs, dask=dask, progress=progress):
        i, path = todo[j]
        write_atomic(path, json.dumps(result, sort_keys=True))
        results[i] = result
    return [r for r in results if r is not None]
