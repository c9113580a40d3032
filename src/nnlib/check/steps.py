"""``check_steps``: check a derivation line by line, each step against the one before."""
from __future__ import annotations

import sympy as sp

from .answer import (NOT_ATTEMPTED, Question, error_verdict, freeze_shapes, has_derivative,
                     literal_model, names_in, not_attempted, safe_judge, split_names,
                     to_sympy, unfinished, unfinished_verdict)
from .build import is_matrix, split_name
from .parse import ParseError
from .verdict import StepsVerdict, Verdict


MAX_STEPS = 50


def _step_names(steps, expected, subs, start=None) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for text in [*steps, expected, start]:
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


def _formula(expr) -> bool:
    """A step that still has variables in it (not only a number)."""
    return is_matrix(expr) or bool(getattr(expr, "free_symbols", None))


def _same_text(a, b) -> bool:
    """Two steps typed identically, spaces aside."""
    return isinstance(a, str) and isinstance(b, str) and "".join(a.split()) == "".join(b.split())


def _needs_subs(prev, cur, values: dict) -> bool:
    """True when ``cur`` has plugged in values that ``prev`` still has as symbols."""
    if not values or is_matrix(prev) or is_matrix(cur):
        return False
    plugged = set(values)
    return bool((prev.free_symbols & plugged) - cur.free_symbols)


def check_steps(steps, expected=None, variables=None, shapes=None, subs=None,
                rtol: float = 1e-9, seed: int = 0, start=None, min_steps: int | None = None,
                plain_steps: int | None = None, max_steps: int = MAX_STEPS) -> StepsVerdict:
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
    start : str, optional
        The expression the derivation must start from (the question's, e.g.
        ``"d/dw (1/2)*(sigma(w*x + b) - c)^2"``): the first step must be equivalent to
        it as a formula, without plugging in values.
    min_steps : int, optional
        The fewest steps accepted.
    plain_steps : int, optional
        The fewest steps without derivative notation that follow from the step before
        them as formulas (not only once values are plugged in): the derivative has to
        be carried out in the open.
    max_steps : int
        More steps than this are refused with a message (default 50).

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
        if start is not None or min_steps:
            return StepsVerdict([], 0, None, False, "unparsable", ONE_STRING)
        steps = [steps]
    if not isinstance(steps, (list, tuple)):
        return StepsVerdict([], 0, None, False, "unparsable",
                            "Write the steps as a list of strings, one step per item.")
    if len(steps) > max_steps:
        return StepsVerdict([], None, None, False, "unsafe",
                            f"Your derivation has {len(steps)} steps; at most {max_steps} "
                            "are checked. Leave out steps that only repeat the one before.")
    subs = dict(subs or {})
    names = split_names(variables) or _step_names(steps, expected, subs, start)
    q = Question(expected, names, freeze_shapes(shapes))
    values = {q.symbols[str(k)]: to_sympy(v, {}, author=True)[0] for k, v in subs.items()
              if str(k) in q.symbols}
    anchor = to_sympy(start, q.symbols, author=True)[0] if start is not None else None
    verdicts: list[Verdict] = []
    prev = None
    plain = 0
    repeated = 0  # steps typed exactly as the step before (they do not count as steps)
    for i, text in enumerate(steps):
        try:
            cur, inexact = to_sympy(text, q.symbols)
        except ParseError as exc:
            verdicts.append(error_verdict(exc, q))
            return _failed(verdicts, i, None)
        model = literal_model(text, q.symbols) if inexact else None
        general = False
        if prev is None and anchor is None:
            verdicts.append(Verdict(True, None, "Starting point."))
        elif prev is None:
            v = safe_judge(cur, anchor, q, rtol, inexact, seed, model=model,
                           author_inexact=False)
            verdicts.append(v)
            if not v:
                return _failed(verdicts, i, None, start=True)
            general = True
        else:
            plugged = _needs_subs(prev, cur, values)
            a, b = (_substitute(prev, values), _substitute(cur, values)) if plugged \
                else (prev, cur)
            v = safe_judge(b, a, q, rtol, inexact, seed, model=None if plugged else model,
                           author_inexact=False)
            verdicts.append(v)
            if not v:
                return _failed(verdicts, i, None)
            general = not plugged
        if prev is not None and _same_text(text, steps[i - 1]):
            repeated += 1
        elif (general and _formula(cur) and not (isinstance(text, str) and has_derivative(text))):
            plain += 1
        prev = cur
    if min_steps and len(steps) - repeated < min_steps:
        return StepsVerdict(verdicts, None, None, False, "other",
                            f"Every step follows, but this derivation asks for at least "
                            f"{min_steps} steps (a step that only repeats the one before does "
                            "not count): show how you get from the start to the result.")
    if plain_steps and plain < plain_steps:
        return StepsVerdict(verdicts, None, None, False, "other",
                            "Every step follows, but no step carries out the derivative as "
                            "a formula: after the start, write the derivative without d/dw "
                            "(before plugging in any values).")
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


ONE_STRING = ("This question asks for a derivation: a list of steps, one string per step, "
              "e.g. [\"d/dw (...)\", \"...\", \"...\"], not one string.")


def _failed(verdicts, i, final, start: bool = False) -> StepsVerdict:
    v = verdicts[i]
    if start and v.diagnosis not in ("unparsable", "unsafe"):
        return StepsVerdict(verdicts, i, final, False, v.diagnosis,
                            "Step 1 is not the expression the question starts from: begin with "
                            "it as the question states it (derivative notation such as "
                            "d/dw (...) is fine), then derive step by step.")
    else:
        where = f"Step {i + 1}" + ("" if i == 0 or v.diagnosis in ("unparsable", "unsafe")
                                   else f" does not follow from step {i}")
    feedback = v.feedback.replace("Your answer", "This step", 1)
    return StepsVerdict(verdicts, i, final, False, v.diagnosis, f"{where}: {feedback}")
