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
from typing import Any, Iterable, Mapping

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
    check_code_questions(bank.values())
    return dict(bank)


def check_code_questions(questions: Iterable[Any]) -> None:
    """Import every code question's reference and build its test cases, before grading.

    A reference that cannot be imported is the bank's fault, not the student's: it must
    stop the run with a message naming the question, not mark every answer wrong.

    Raises
    ------
    ValueError
        Naming the question, the ``module:function`` and the import or call error.
    """
    from nnlib.course.bank import resolve

    for q in questions:
        if q.kind != "code":
            continue
        for field_name in ("reference", "cases"):
            target = getattr(q, field_name)
            try:
                resolve(target)
            except (ImportError, AttributeError, ValueError) as err:
                raise ValueError(f"question {q.id}: {field_name} {target!r} cannot be imported "
                                 f"({type(err).__name__}: {err}); is its module on PYTHONPATH?") from None
        try:
            q.code_cases()
        except Exception as err:
            raise ValueError(f"question {q.id}: its test cases {q.cases!r} failed to build "
                             f"({type(err).__name__}: {err})") from None


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
