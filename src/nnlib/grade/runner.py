"""Grading a whole submissions folder: discover, reuse cached results, run the rest,
write the reports. The single entry point used by the CLI, tests and benchmark."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping

from .bank import is_reading_notebook, questions_for
from .discover import find_submissions
from .job import Settings, cache_key, cache_path, grade_submission, read_cached, skipped_result, write_atomic
from .parallel import map_jobs
from .report import write_reports


def grade_folder(submissions: str | Path, out: str | Path, bank: Mapping[str, Any],
                 settings: Settings = Settings(), jobs: int = 1, dask: str | None = None,
                 progress: bool = True,
                 personalise: Callable[[str, list[Any]], list[Any]] | None = None
                 ) -> list[dict[str, Any]]:
    """Grade every ``<student>/<lesson>.ipynb`` of ``submissions`` into ``out``.

    Results already in ``out/.cache`` for the same notebook bytes, questions and
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
    subs = find_submissions(submissions)
    results: list[dict[str, Any] | None] = [None] * len(subs)
    todo: list[tuple[int, Path]] = []
    args = []
    for i, sub in enumerate(subs):
        questions = questions_for(bank, sub.lesson)
        if personalise is not None:
            questions = personalise(sub.student, questions)
        if not questions and is_reading_notebook(sub.lesson):
            results[i] = skipped_result(sub, "a lesson without exercises (reading only): nothing to grade")
            continue
        path = cache_path(cache_dir, sub, cache_key(sub, questions, settings))
        cached = read_cached(path)
        if cached is not None:
            results[i] = cached
        else:
            todo.append((i, path))
            args.append((sub, questions, settings))
    for j, result in map_jobs(grade_submission, args, jobs=jobs, dask=dask, progress=progress):
        i, path = todo[j]
        write_atomic(path, json.dumps(result, sort_keys=True))
        results[i] = result
    done = [r for r in results if r is not None]
    write_reports(done, out)
    return done
