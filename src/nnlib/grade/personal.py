"""Each student's own questions: template questions instantiated with the course secret.

The grader holds the private bank and the secret; for every submission it recomputes
that student's instance of each template question (:mod:`nnlib.course.variants`), so a
copied answer is graded against the copier's own expected answer.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterable


class MissingSecret(ValueError):
    """The bank has template questions and no course secret was given."""


def templates_in(questions: Iterable[Any]) -> list[str]:
    """Ids of the template questions (those with ``params``)."""
    from nnlib.course.variants import is_template

    return [q.id for q in questions if is_template(q)]


def _for_student(secret: str | bytes, student: str, questions: list[Any]) -> list[Any]:
    from nnlib.course.variants import for_student

    return for_student(questions, student, secret)


def personaliser(bank: dict[str, Any], secret: str | bytes | None
                 ) -> Callable[[str, list[Any]], list[Any]] | None:
    """The ``personalise`` callable for :func:`nnlib.grade.runner.grade_folder`.

    None when the bank has no template. Raises :class:`MissingSecret` naming the
    templates when it has some and ``secret`` is None; the secret is checked here
    (length), before any notebook runs.
    """
    templates = templates_in(bank.values())
    if not templates:
        return None
    if not secret:
        raise MissingSecret(f"questions {templates} are templates (a variant for each "
                            "student): give the course secret (--secret-file or "
                            "NNLIB_COURSE_SECRET)")
    from nnlib.course.variants import as_key

    as_key(secret)
    return partial(_for_student, secret)
