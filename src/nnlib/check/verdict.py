"""Verdict objects returned by ``check``, ``check_steps`` and ``check_values``."""
from __future__ import annotations

DIAGNOSES = ("sign", "factor", "transpose", "shape", "missing_term", "extra_term",
             "unparsable", "unsafe", "non-finite", "other", "not_attempted")


class Verdict:
    """The result of checking one answer.

    Attributes
    ----------
    correct : bool
        True when the answer is equivalent to the expected one.
    diagnosis : str or None
        None when correct, else one of ``DIAGNOSES``.
    feedback : str
        One or two sentences for the student; never contains the expected answer.
    details : dict
        Extra facts for instructors and tests (e.g. ``method``, ``unknown_names``).
    """

    __slots__ = ("correct", "diagnosis", "feedback", "details")

    def __init__(self, correct: bool, diagnosis: str | None = None, feedback: str = "",
                 details: dict | None = None):
        if diagnosis is not None and diagnosis not in DIAGNOSES:
            raise ValueError(f"unknown diagnosis {diagnosis!r}; expected one of {DIAGNOSES}")
        self.correct = bool(correct)
        self.diagnosis = None if correct else (diagnosis or "other")
        self.feedback = feedback or ("Correct." if correct else "Not quite.")
        self.details = details if details is not None else {}

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return (f"Verdict(correct={self.correct}, diagnosis={self.diagnosis!r}, "
                f"feedback={self.feedback!r})")


class StepsVerdict(Verdict):
    """The result of ``check_steps``: one ``Verdict`` per step plus the overall outcome.

    Attributes
    ----------
    steps : list of Verdict
        ``steps[i]`` says whether step ``i`` follows from step ``i - 1`` (step 0 is
        only checked for being readable).
    first_error : int or None
        Index of the first step that is unreadable or does not follow, else None.
    final : Verdict or None
        The last step compared with ``expected`` (None when no ``expected`` was given).
    """

    __slots__ = ("steps", "first_error", "final")

    def __init__(self, steps: list, first_error: int | None, final: Verdict | None,
                 correct: bool, diagnosis: str | None, feedback: str):
        super().__init__(correct, diagnosis, feedback)
        self.steps = steps
        self.first_error = first_error
        self.final = final

    def __repr__(self) -> str:
        return (f"StepsVerdict(correct={self.correct}, first_error={self.first_error}, "
                f"diagnosis={self.diagnosis!r}, feedback={self.feedback!r})")
