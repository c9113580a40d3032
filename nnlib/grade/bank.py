"""The grader's own question bank: loading it, picking a lesson's questions, hashing it.

The bank is ``nnlib.course.bank.load_bank`` (default bank, or the instructor's private
copy given with ``--answers``). Nothing a notebook contains is ever read from here:
points, maxima and expected answers come only from this bank.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

_LESSON_NUMBER = re.compile(r"^(\d+)_")


def load_grader_bank(path: str | Path | None = None) -> dict[str, Any]:
    """``{id: Question}`` from ``nnlib.course.bank.load_bank(path)``.

    Raises
    ------
    ValueError
        If the bank file or folder does not exist or holds no question.
    """
    from nnlib.course.bank import load_bank

    if path is not None and not Path(path).exists():
        raise ValueError(f"--answers: no such bank file or folder: {path}")
    bank = load_bank(path)
    if not bank:
        raise ValueError(f"the question bank at {path or 'the default location'} holds no question")
    return dict(bank)


def _source_stem(question: Any) -> str:
    return Path(str(getattr(question, "source", "") or "")).stem


def questions_for(bank: Mapping[str, Any], notebook_stem: str) -> list[Any]:
    """The questions graded in the notebook ``<notebook_stem>.ipynb``, in bank order.

    Bank files are named like their notebook (``02_computational_graphs.toml``), so a
    question belongs to the notebook whose stem equals its file's stem. Questions from
    a file not named like a lesson (an instructor's ``private.toml``) belong to the
    notebook ``<NN>_...`` whose number is their ``lesson``. Returns [] for an unknown
    notebook name.
    """
    exact = [q for q in bank.values() if _source_stem(q) == notebook_stem]
    if exact:
        return exact
    match = _LESSON_NUMBER.match(notebook_stem)
    if not match:
        return []
    number = int(match.group(1))
    return [q for q in bank.values()
            if not _LESSON_NUMBER.match(_source_stem(q)) and int(q.lesson) == number]


def is_reading_notebook(notebook_stem: str) -> bool:
    """Whether ``<notebook_stem>.ipynb`` is a course lesson without exercises (``00_errata``).

    Decided by the course's own bank (``nnlib/course/bank/``): it has one file per lesson
    notebook, and a lesson without exercises has a file without questions.
    """
    return notebook_stem in _reading_notebooks()


@lru_cache(maxsize=1)
def _reading_notebooks() -> frozenset[str]:
    from nnlib.course.bank import lesson_names, load_bank

    asked = {_source_stem(q) for q in load_bank().values()}
    return frozenset(name for name in lesson_names() if name not in asked)


def bank_hash(questions: list[Any]) -> str:
    """A digest of everything in ``questions`` that decides a grade."""
    digest = hashlib.sha256()
    for q in sorted(questions, key=lambda q: q.id):
        digest.update(repr(sorted((k, repr(v)) for k, v in vars(q).items())).encode())
    return digest.hexdigest()[:16]
