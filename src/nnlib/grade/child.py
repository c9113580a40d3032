"""The child side of ``worker.py``: read, run and re-check one notebook, send back JSON.

Runs in a process of its own with a memory limit; any exception, even MemoryError or
RecursionError, becomes an error result. The grader-side checking of the answers has a
time budget (``Settings.check_s``, a real-time timer in this process's main thread, see
``regrade.regrade``); past it the submission is an error that says so.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .execute import GradingError, run_notebook
from .load import load_notebook
from .regrade import CheckBudgetExceeded, regrade, use_secret_sampling_seed
from .worker import limit_own_memory

MAX_FEEDBACK_CHARS = 4000
MAX_ANSWERS = 50          # answers (or derivation steps) kept for the similar-answer report
MAX_ANSWER_CHARS = 2000   # characters kept of each


def grade_in_child(send: Any, path: str, questions: list[Any], settings: Any, uid: int | None,
                   work: str, cgroups: list[str], data_mb: int) -> None:
    """Grade ``path``; send ``{"status": "graded", notes, exercises, seconds}`` or
    ``{"status": "error", "reason": ...}`` through ``send``."""
    try:
        limit_own_memory(data_mb)
        use_secret_sampling_seed()
        result = _grade(path, questions, settings, uid, Path(work), cgroups)
    except GradingError as err:
        result = {"status": "error", "reason": str(err)}
    except CheckBudgetExceeded:
        result = {"status": "error", "reason": f"the grader's checking of this submission's "
                  f"answers took longer than {settings.check_s:g} s (limit)"}
    except MemoryError:
        result = {"status": "error", "reason": "the grader ran out of memory for this "
                  "submission (a flood of output or messages?)"}
    except RecursionError:
        result = {"status": "error", "reason": "nested too deeply to be graded"}
    except BaseException as err:  # noqa: BLE001 - any failure is this submission's row
        result = {"status": "error",
                  "reason": f"grading failed: {type(err).__name__}: {str(err)[:200]}"}
    try:
        send.send_bytes(json.dumps(result).encode("utf-8"))
    finally:
        send.close()


def _grade(path: str, questions: list[Any], settings: Any, uid: int | None, work: Path,
           cgroups: list[str]) -> dict[str, Any]:
    nb = load_notebook(path, settings.max_bytes)
    names = sorted({q.variable for q in questions})
    run = run_notebook(nb, names, settings.limits, settings.timeout, uid=uid,
                       scratch=work / "kernel", cgroups=cgroups)
    exercises = regrade(questions, run.answers, settings.limits, settings.code_timeout,
                        uid=uid, work=work, cgroups=cgroups, check_s=settings.check_s)
    rows = [e.to_dict() for e in exercises]
    for row in rows:                   # the result must fit the pipe's bound (worker.py)
        row["feedback"] = str(row["feedback"])[:MAX_FEEDBACK_CHARS]
    return {"status": "graded", "notes": [str(n)[:500] for n in run.notes][:20],
            "seconds": round(run.seconds, 3), "exercises": rows,
            "answers": {str(k): _bounded(v) for k, v in list(run.answers.items())[:MAX_ANSWERS]}}


def _bounded(value: Any) -> Any:
    """An answer as text (or a list of texts), cut to fit the result pipe, for the
    instructor's similar-answer report (nnlib.grade.integrity)."""
    if isinstance(value, (list, tuple)):
        return [str(v)[:MAX_ANSWER_CHARS] for v in value[:MAX_ANSWERS]]
    return str(value)[:MAX_ANSWER_CHARS]
