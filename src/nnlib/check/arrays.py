"""``check_values``: compare arrays computed by code with the expected arrays.

Same diagnosis vocabulary as ``check``: ``shape``, ``transpose``, ``sign``, ``factor``,
``non-finite``, ``other`` (plus ``not_attempted``). Feedback names shapes and indices
but never prints expected values.
"""
from __future__ import annotations

import numpy as np

from .answer import NOT_ATTEMPTED, not_attempted
from .diagnose import FEEDBACK
from .verdict import Verdict


def _as_array(value, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be numbers or an array of numbers, got "
                        f"{type(value).__name__}") from None
    return arr


def _close(a, b, rtol, atol) -> np.ndarray:
    """Entrywise |a - b| <= atol + rtol |b|; equal infinities and nan/nan also match."""
    return (a == b) | (np.abs(a - b) <= atol + rtol * np.abs(b)) | (np.isnan(a) & np.isnan(b))


def _allclose(a, b, rtol, atol) -> bool:
    return a.shape == b.shape and bool(np.all(_close(a, b, rtol, atol)))


def _ratio(a, b, rtol, atol) -> float | None:
    mask = np.abs(b) > atol + 1e-12
    if not mask.any():
        return None
    c = float(np.median(a[mask] / b[mask]))
    return c if c not in (0.0, 1.0) and _allclose(a, c * b, rtol, atol) else None


def _one(actual, expected, rtol: float, atol: float) -> Verdict:
    if not_attempted(actual):
        return Verdict(False, "not_attempted", NOT_ATTEMPTED)
    expected = _as_array(expected, "expected")
    try:
        actual = _as_array(actual, "your result")
    except TypeError as exc:
        return Verdict(False, "other", str(exc).capitalize() + ".")
    if actual.shape != expected.shape:
        if (actual.ndim == 2 and actual.shape == expected.shape[::-1]
                and _allclose(actual.T, expected, rtol, atol)):
            return Verdict(False, "transpose", FEEDBACK["transpose"])
        return Verdict(False, "shape", f"Your result has shape {actual.shape}, but it "
                                       f"should have shape {expected.shape}.")
    bad = ~np.isfinite(actual) & np.isfinite(expected)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return Verdict(False, "non-finite", f"Your result contains nan or inf ({int(bad.sum())}"
                                            f" of {actual.size} entries, first at index "
                                            f"{idx}): look for overflow or division by zero.")
    if _allclose(actual, expected, rtol, atol):
        return Verdict(True)
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and actual.size > 1 \
            and _allclose(actual.T, expected, rtol, atol):
        return Verdict(False, "transpose", FEEDBACK["transpose"])
    if _allclose(actual, -expected, rtol, atol):
        return Verdict(False, "sign", FEEDBACK["sign"])
    if _ratio(actual, expected, rtol, atol) is not None:
        return Verdict(False, "factor", FEEDBACK["factor"])
    wrong = ~_close(actual, expected, rtol, atol)
    idx = tuple(int(i) for i in np.argwhere(wrong)[0]) if wrong.ndim else ()
    return Verdict(False, "other", f"Your values differ from the expected ones in "
                                   f"{int(wrong.sum())} of {actual.size} entries"
                                   + (f" (first at index {idx})." if idx else "."))


def check_values(actual, expected, rtol: float = 1e-9, atol: float = 1e-12) -> Verdict:
    """Compare computed arrays (or tuples of arrays) with the expected ones.

    Entries agree when ``|actual - expected| <= atol + rtol * |expected|``.

    Parameters
    ----------
    actual : array_like, or tuple/list of array_like
        The student's result; ``None``/``...`` mean "not attempted".
    expected : array_like, or tuple of array_like
        The reference result (same structure).
    rtol, atol : float
        Tolerances (non-negative).

    Returns
    -------
    Verdict
        ``diagnosis`` in {None, "shape", "transpose", "sign", "factor", "non-finite",
        "other", "not_attempted"}; for tuples, the first wrong item is reported.

    Raises
    ------
    ValueError
        If ``rtol`` or ``atol`` is negative.
    TypeError
        If ``expected`` is not numeric.
    """
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol!r}, atol={atol!r}")
    if isinstance(expected, tuple):
        if not_attempted(actual):
            return Verdict(False, "not_attempted", NOT_ATTEMPTED)
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            got = f"{len(actual)} values" if isinstance(actual, (tuple, list)) else \
                type(actual).__name__
            return Verdict(False, "shape", f"Your function should return {len(expected)} "
                                           f"values, got {got}.")
        for i, (a, e) in enumerate(zip(actual, expected)):
            with np.errstate(all="ignore"):
                v = _one(a, e, rtol, atol)
            if not v:
                return Verdict(False, v.diagnosis, f"Item {i} of your result: {v.feedback}",
                               {"item": i})
        return Verdict(True)
    with np.errstate(all="ignore"):   # inf - inf in matching non-finite entries
        return _one(actual, expected, rtol, atol)
