"""Course machinery: question bank, answer checking, errata, notebook generator.

Lesson notebooks start with::

    from nnlib.course import setup, check_answer
    setup()

``setup`` seeds the random number generators and sets print and plot defaults;
``check_answer(qid, value)`` checks an exercise answer against the question bank and
shows a ✓/✗ with feedback (it never shows the expected answer and never raises).
"""
from __future__ import annotations

from .environment import setup
from .exercise import check_answer, use_bank

__all__ = ["setup", "check_answer", "use_bank"]
