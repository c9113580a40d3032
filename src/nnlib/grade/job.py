"""Grading one submission end to end: the function every worker (process pool, Dask) runs.

``grade_submission`` never raises for a bad submission: it returns a result whose
``status`` is ``"graded"`` or ``"error"`` with a one-line ``reason`` (``"skipped"``, from
:func:`skipped_result`, marks a lesson without exercises, which is not run). Results are plain
JSON-able dicts, cached per (notebook bytes, questions, settings) so an interrupted run
can be resumed without regrading or duplicating anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .bank import bank_hash
from .discover import Submission
from .execute import GradingError
from .load import MAX_NOTEBOOK_BYTES
from .regrade import ERROR
from .sandbox import Limits


@dataclass(frozen=True)
class Settings:
    """How submissions are run: wall-clock timeout per notebook (s), limits, size cap,
    time per code exercise (s), and the grader's checking time per submission (s)."""

    timeout: float = 120.0
    limits: Limits = field(default_factory=Limits)
    max_bytes: int = MAX_NOTEBOOK_BYTES
    code_timeout: float = 30.0
    check_s: float = 60.0

    def key(self) -> str:
        return hashlib.sha256(repr(asdict(self)).encode()).hexdigest()[:12]


SKIPPED = "skipped"


def skipped_result(sub: Submission, reason: str) -> dict[str, Any]:
    """The result of a submission that is listed but not run (no exercises to grade)."""
    return {"student": sub.student, "lesson": sub.lesson, "status": SKIPPED, "reason": reason,
            "notes": [], "exercises": [], "seconds": 0.0}


def error_result(sub: Submission, questions: list[Any], reason: str) -> dict[str, Any]:
    """The error row of a submission that is not run (see ``discover.Submission.error``)."""
    return {"student": sub.student, "lesson": sub.lesson, "status": ERROR, "reason": reason,
            "notes": [], "exercises": error_exercises(questions, reason), "seconds": 0.0}


def grade_submission(sub: Submission, questions: list[Any], settings: Settings) -> dict[str, Any]:
    """Run and grade one notebook; the result dict (see module docstring)."""
    result: dict[str, Any] = {"student": sub.student, "lesson": sub.lesson, "status": "graded",
                              "reason": "", "notes": [], "exercises": [], "seconds": 0.0}
    try:
        if sub.error:
            raise GradingError(sub.error)
        if not questions:
            raise GradingError(f"unknown notebook name: no lesson {sub.lesson!r} in the "
                               "question bank (wrong lesson or renamed file)")
        from .worker import run_isolated

        graded = run_isolated(sub.path, questions, settings)
        result["notes"] = list(graded.get("notes", []))
        result["seconds"] = graded.get("seconds", 0.0)
        result["exercises"] = graded["exercises"]
        result["answers"] = graded.get("answers", {})  # for the instructor's similar-answer report only
    except Exception as err:  # noqa: BLE001 - any failure is this submission's error row
        reason = str(err) if isinstance(err, GradingError) else \
            f"grading failed: {type(err).__name__}: {str(err)[:200]}"
        result.update(status=ERROR, reason=reason, exercises=error_exercises(questions, reason))
    return result


def error_exercises(questions: list[Any], reason: str) -> list[dict[str, Any]]:
    """Zero-point exercise rows of a submission that could not be graded."""
    return [{"exercise": q.id, "points": 0.0, "max_points": float(q.points),
             "status": ERROR, "feedback": reason} for q in questions]


def cache_key(sub: Submission, questions: list[Any], settings: Settings) -> str:
    """Digest of the notebook bytes (or its size, if too large to read), questions, settings."""
    digest = hashlib.sha256()
    size = sub.path.lstat().st_size
    if size <= settings.max_bytes:
        fd = os.open(sub.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(0, "not a regular file")
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(f"too-large:{size}".encode())
    digest.update(repr((sub.student, sub.lesson)).encode())
    digest.update(bank_hash(questions).encode() + settings.key().encode())
    return digest.hexdigest()[:24]


def safe_name(name: str) -> str:
    """``name`` with every character but letters, digits, ``-_.`` replaced by ``_``."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"


def cache_path(cache_dir: Path, sub: Submission, key: str) -> Path:
    """The cache file of ``sub``; the key covers the exact student and lesson names, so two
    names that map to the same safe name never share a file."""
    return cache_dir / f"{safe_name(sub.student + '__' + sub.lesson)[:80]}__{key}.json"


def read_cached(path: Path) -> dict[str, Any] | None:
    """The cached result at ``path``, or None if missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``path`` via a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
