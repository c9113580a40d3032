"""``check_answer``: check one exercise answer in a lesson notebook and show feedback.

The result is a display object: a ✓/✗ with the words "Correct" / "Not yet" /
"Not attempted" (so the result is not conveyed by colour or icon alone), the question's
prompt, and the checker's feedback. It never shows the expected answer and never raises.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .bank import Question, load_bank, parse_bank_text
from .display import COLORS, box, escape

#: The latest value passed to :func:`check_answer`, by question id (a convenience for
#: the notebook; grading re-reads the notebook itself).
ANSWERS: dict[str, Any] = {}

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"
#: Graded questions: a well-formed answer is "received", a malformed one "invalid".
RECEIVED, INVALID = "received", "invalid"
_LOOK = {  # status -> (icon, words, colour role)
    CORRECT: ("\u2713", "Correct", "success"),
    INCORRECT: ("\u2717", "Not yet", "error"),
    NOT_ATTEMPTED: ("\u25cb", "Not attempted", "neutral"),
    RECEIVED: ("\u2709", "Received for grading", "neutral"),
    INVALID: ("!", "Cannot be graded as written", "error"),
}


@dataclass(frozen=True)
class AnswerResult:
    """What :func:`check_answer` shows. ``bool(result)`` is True only when correct."""

    qid: str
    status: str
    prompt: str = ""
    feedback: str = ""
    diagnosis: str | None = None

    def __bool__(self) -> bool:
        return self.status == CORRECT

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def _header(self) -> tuple[str, str, str, str]:
        icon, words, accent = _LOOK[self.status]
        title = f"Question {self.qid}" + (f": {self.prompt}" if self.prompt else "")
        return icon, words, title, accent

    def __repr__(self) -> str:
        icon, words, title, _ = self._header()
        text = f"{icon} {words} \u2014 {title}"
        return text + (f"\n{self.feedback}" if self.feedback else "")

    def _repr_html_(self) -> str:
        icon, words, title, accent = self._header()
        # Only the icon and the border carry the colour; all text keeps the theme's text
        # colour, so it has full contrast in light and dark themes.
        head = (f'<span aria-hidden="true" style="color: {COLORS[accent]}; font-weight: bold;">'
                f'{icon}</span> <strong>{words}</strong> \u2014 {escape(title)}')
        body = f'<div style="margin-top: 0.2em;">{escape(self.feedback)}</div>' if self.feedback else ""
        return box(head + body, accent, role="status", cls=f"nnlib-check nnlib-check-{accent}")


#: A bank chosen with :func:`use_bank` (a release's student bank), else None.
_CHOSEN: dict[str, Question] | None = None


def use_bank(source) -> None:
    """Check answers with more (or other) questions than the package's bank.

    ``source`` is a bank folder or file, or bank TOML text: a released graded course's
    notebooks start with ``use_bank(\"\"\"[questions."7.10"] ...\"\"\")``, the lesson's
    questions from the student bank, where graded questions have no expected answer.
    Its questions replace the package's questions of the same id. ``None`` goes back to
    the package's bank alone.
    """
    global _CHOSEN
    if source is None:
        _CHOSEN = None
        return
    text = str(source)
    if "[questions" in text:
        chosen = {q.id: q for q in parse_bank_text(text, "use_bank")}
    else:
        chosen = load_bank(source)
    _CHOSEN = {**_package_bank(), **chosen}


@lru_cache(maxsize=1)
def _package_bank() -> dict[str, Question]:
    return load_bank()


def _bank() -> dict[str, Question]:
    return _CHOSEN if _CHOSEN is not None else _package_bank()


def _not_attempted(value: Any) -> bool:
    if value is None or value is Ellipsis:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0 or all(_not_attempted(v) for v in value)
    return False


def check_answer(qid: str, value: Any) -> AnswerResult:
    """Check ``value`` as the answer to bank question ``qid`` and return the feedback.

    Parameters
    ----------
    qid : str
        Question id, e.g. ``"2.1"``.
    value : str, SymPy object, number, list of step strings, or function
        The answer; ``...``/``None``, an empty string and a function that raises
        ``NotImplementedError`` all count as not attempted.

    Returns
    -------
    AnswerResult, displayed as ✓ Correct / ✗ Not yet / ○ Not attempted with feedback.
    Any error while checking is shown as "Not yet" with its message; nothing is raised.
    """
    qid = str(qid)
    ANSWERS[qid] = value
    try:
        question = _bank().get(qid)
    except Exception as exc:  # a broken bank must not break the student's notebook
        return AnswerResult(qid, INCORRECT, feedback=f"The question bank could not be read: {exc}")
    if question is None:
        return AnswerResult(qid, INCORRECT, feedback=f"There is no question {qid!r} in the bank.")
    if _not_attempted(value):
        hint = (f"Fill in the body of `{question.variable}`." if question.kind == "code"
                else f"Replace the `...` with your answer in `{question.variable}`.")
        return AnswerResult(qid, NOT_ATTEMPTED, question.prompt, hint)
    if getattr(question, "mode", "practice") == "graded":
        from .validate import validate  # only validation: the answer is graded later

        ok, message = validate(question, value)
        return AnswerResult(qid, RECEIVED if ok else INVALID, question.prompt, message)
    try:
        verdict = question.check(value, student=True)
    except NotImplementedError:
        return AnswerResult(qid, NOT_ATTEMPTED, question.prompt,
                            "Your function still raises NotImplementedError: fill in its body.")
    except Exception as exc:  # shown to the student, never raised
        return AnswerResult(qid, INCORRECT, question.prompt,
                            f"Checking failed with {type(exc).__name__}: {exc}")
    status = CORRECT if bool(verdict) else INCORRECT
    feedback = str(getattr(verdict, "feedback", None) or "")
    if status == CORRECT and feedback.strip() == "Correct.":
        feedback = ""  # the header already says so
    return AnswerResult(qid, status, question.prompt, feedback,
                        getattr(verdict, "diagnosis", None))
