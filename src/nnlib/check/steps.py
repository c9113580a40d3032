"""``check_steps``: check a derivation line by line, each step against the one before."""
from __future__ import annotations

import sympy as sp

from .answer import (NOT_ATTEMPTED, Question, unfinished, unfinished_verdict, freeze_shapes, error_verdict, safe_judge,
                     names_in, not_attempted, split_names, to_sympy)
from .build import is_matrix, split_name
from .parse import ParseError
from .verdict import StepsVerdict, Verdict


def _step_names(steps, expected, subs) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for text in [*steps, expected]:
        if isinstance(text, str):
            try:
                names.update(dict.fromkeys(names_in(text)))
            except ParseError:
                pass  # reported when that step is built
        elif isinstance(text, (sp.Basic, sp.MatrixBase)):
            names.update(dict.fromkeys(sorted(str(s) for s in text.free_symbols)))
    names.update(dict.fromkeys(str(k) for k in subs))
    # "wx" typed for w*x is not a new variable when w and x are used elsewhere
    return tuple(n for n in names if not split_name(n, set(names) - {n}))


def _substitute(expr, values: dict):
    """``expr`` with the values plugged in (unchanged if SymPy refuses, e.g. Max of a
    complex number: the comparison then reports the mismatch)."""
    if is_matrix(expr) or not values:
        return expr
    try:
        return expr.xreplace(values)
    except (ValueError, TypeError, ArithmeticError):
        return expr


def _needs_subs(prev, cur, values: dict) -> bool:
    """True when ``cur`` has plugged in values that ``prev`` still has as symbols."""
    if not values or is_matrix(prev) or is_matrix(cur):
        return False
    plugged = set(values)
    return bool((prev.free_symbols & plugged) - cur.free_symbols)


def check_steps(steps, expected=None, variables=None, shapes=None, subs=None,
                rtol: float = 1e-9, seed: int = 0) -> StepsVerdict:
    """Check a derivation: every step must follow from the step before it.

    A step "follows" when it is equivalent to the previous one (as in ``check``), or,
    when it has plugged in some of the values in ``subs``, when it equals the
    previous step with those values substituted. Derivative notation is written
    ``d/dw (expr)`` and is carried out, so a first step ``d/dw (1/2)*(y - t)**2``
    stands for the derivative itself.

    Parameters
    ----------
    steps : list of str (or SymPy objects)
        The lines of the derivation.
    expected : str or SymPy object, optional
        What the last step must equal (after ``subs`` if it has no free symbols).
    variables, shapes, rtol, seed
        As for ``check``; ``variables`` defaults to all names used in the steps.
    subs : dict, optional
        Values for a step that plugs in numbers, e.g. ``{"x": 1, "w": 0}``.

    Returns
    -------
    StepsVerdict
        ``bool(v)``; ``v.steps`` (one Verdict per step), ``v.first_error`` (index of
        the first step that is unreadable or does not follow, or None), ``v.final``
        (last step vs ``expected``), ``v.feedback``.
    """
    if not_attempted(steps) or (isinstance(steps, (list, tuple)) and not steps):
        return StepsVerdict([], None, None, False, "not_attempted", NOT_ATTEMPTED)
    if isinstance(steps, str):
        steps = [steps]
    if not isinstance(steps, (list, tuple)):
        return StepsVerdict([], 0, None, False, "unparsable",
                            "Write the steps as a list of strings, one step per item.")
    subs = dict(subs or {})
    names = split_names(variables) or _step_names(steps, expected, subs)
    q = Question(expected, names, freeze_shapes(shapes))
    values = {q.symbols[str(k)]: to_sympy(v, {}, author=True)[0] for k, v in subs.items()
              if str(k) in q.symbols}
    verdicts: list[Verdict] = []
    prev = None
    for i, text in enumerate(steps):
        try:
            cur, inexact = to_sympy(text, q.symbols)
        except ParseError as exc:
            verdicts.append(error_verdict(exc, q))
            return _failed(verdicts, i, None)
        if prev is None:
            verdicts.append(Verdict(True, None, "Starting point."))
        else:
            a, b = (_substitute(prev, values), _substitute(cur, values)) \
                if _needs_subs(prev, cur, values) else (prev, cur)
            v = safe_judge(b, a, q, rtol, inexact, seed)
            verdicts.append(v)
            if not v:
                return _failed(verdicts, i, None)
        prev = cur
    final = None
    if q.expected is not None and unfinished(steps[-1], q):
        final = unfinished_verdict()
        return StepsVerdict(verdicts, None, final, False, final.diagnosis,
                            "Every step follows from the one before, but the last step still "
                            "contains a derivative: carry it out and end with the result.")
    if q.expected is not None:
        a, b = (_substitute(q.expected, values), _substitute(prev, values)) \
            if _needs_subs(prev, q.expected, values) or _needs_subs(q.expected, prev, values) \
            else (q.expected, prev)
        final = safe_judge(b, a, q, rtol, q.inexact, seed)
        if not final:
            return StepsVerdict(verdicts, None, final, False, final.diagnosis,
                                "Every step follows from the one before, but the last "
                                "step is not the answer asked for: "
                                + final.feedback.replace("Your answer", "it", 1))
    return StepsVerdict(verdicts, None, final, True, None,
                        "Correct: every step follows from the one before"
                        + (" and the result is right." if final is not None else "."))


def _failed(verdicts, i, final) -> StepsVerdict:
    v = verdicts[i]
    where = f"Step {i + 1}" + ("" if i == 0 or v.diagnosis in ("unparsable", "unsafe")
                               else f" does not follow from step {i}")
    feedback = v.feedback.replace("Your answer", "This step", 1)
    return StepsVerdict(verdicts, i, final, False, v.diagnosis, f"{where}: {feedback}")
