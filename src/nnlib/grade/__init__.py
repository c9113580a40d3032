"""nnlib.grade: the instructor's grading command ``nnlib-grade``.

Modules, one job each: ``discover`` (find submissions, unpack zips), ``load`` (read a
notebook defensively), ``sandbox`` (limits, namespaces, Landlock, capability and uid
drop, kill), ``cgroup`` (per-submission memory/process/CPU limits), ``execute`` (run a
notebook in a sandboxed kernel, guarded message handling), ``extract`` (answer values out
of the kernel), ``regrade`` (re-check with the grader's bank), ``code_runner`` (code
exercises in a separate sandboxed process), ``worker``/``child`` (one submission in a
memory-limited process of its own), ``job`` (one submission + cache), ``parallel``
(threads / Dask over TLS), ``report`` (gradebook, LMS summary, feedback, report,
histogram), ``runner`` (a whole folder), ``cli``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["grade_folder"]


def __getattr__(name: str) -> Any:
    # Lazy: the sandbox wrapper and the code runner start as `python -m nnlib.grade.<module>`
    # for every submission; importing the runner (nbclient, nbformat, ...) here would add
    # about a second to each of those processes.
    if name == "grade_folder":
        from .runner import grade_folder

        return grade_folder
    raise AttributeError(f"module 'nnlib.grade' has no attribute {name!r}")
