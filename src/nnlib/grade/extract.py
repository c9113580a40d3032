"""Taking the raw answer values out of an executed notebook, and nothing else.

After the student's cells ran, one extra cell (:func:`extraction_cell`) runs in the same
kernel and writes the answer variables as JSON between a random nonce marker into a file
of the scratch directory whose name the student's code never saw (nothing goes through
the output channel, so printing cannot hide or forge it). Each
value becomes plain text: ``str()`` of SymPy objects/matrices and strings, ``repr`` of
numbers, ``Matrix([...])`` for numpy arrays, a list of strings for steps, and for a
function the source text of the function **and of the helpers it calls, taken from the
notebook** (``nnlib.course.codebundle.bundle_source``, whose source the cell carries: the
notebook's ``check_answer`` applies the same rule, so both give the same verdict). The
code runner runs exactly that bundle. :func:`parse_answers` reads that output
defensively: size cap, the exact nonce, types checked; anything else means "not
attempted". The values are then re-checked by the grader (``regrade.py``), so a kernel
that lies here can only lie about its own answers.
"""
from __future__ import annotations

import json
import secrets

MAX_ANSWER_BYTES = 2 * 1024 * 1024   # whole JSON payload
MAX_VALUE_CHARS = 100_000            # one answer (function sources can be long)
#: Prefix the extraction cell gives an answer that was not typed: ``NOT_TYPED + why + NUL + text``
#: with ``why`` = ``sympy`` (a SymPy formula) or ``object:<type name>`` (a user-defined type).
NOT_TYPED = "\x00nnlib-not-typed:"

_CELL = r'''
def _nnlib_grade_extract(names, mark, path):
    import inspect, json, types
    out = {}
    g = globals()

    def not_typed(x):  # why an answer was not typed (the grader refuses it as check_answer does)
        t = type(x)
        if t in (str, int, float, bool, complex, list, tuple):
            return None
        module = (getattr(t, "__module__", "") or "").split(".")[0]
        if module == "sympy":
            return "sympy" if getattr(x, "free_symbols", None) else None
        if module == "numpy":
            return None
        if isinstance(x, (str, int, float, complex)) or any(
                (getattr(b, "__module__", "") or "").split(".")[0] in ("sympy", "numpy") for b in t.__mro__):
            return "object:" + t.__name__
        return None

    for name in names:
        if name not in g:
            continue
        v = g[name]
        try:
            if v is None or v is Ellipsis:
                continue
            why = next(filter(None, map(not_typed, v if type(v) in (list, tuple) else [v])), None)
            if why:
                out[name] = "\x00nnlib-not-typed:" + why + "\x00" + str(v)[:100000]
            elif isinstance(v, types.FunctionType):
                out[name] = _nnlib_bundle_source(v)
            elif isinstance(v, (types.MethodType, type)):
                out[name] = inspect.getsource(v)
            elif isinstance(v, (list, tuple)):
                out[name] = [str(x) for x in v]
            elif isinstance(v, (bool, int, float, complex)):
                out[name] = repr(v)
            elif type(v).__module__ == "numpy" and hasattr(v, "tolist"):
                out[name] = "Matrix(%r)" % (v.tolist(),) if getattr(v, "ndim", 0) else repr(v.item())
            else:
                out[name] = str(v)
        except Exception as e:
            out[name] = None
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(mark + json.dumps(out) + mark)
_nnlib_grade_extract({names!r}, {mark!r}, {path!r})
del _nnlib_grade_extract, _nnlib_bundle_source
'''


def new_marker() -> str:
    """A fresh random marker, unknown to the student's code while it runs."""
    return "@@NNLIB-GRADE-" + secrets.token_hex(16) + "@@"


def _bundle_function_source() -> str:
    """``nnlib.course.codebundle.bundle_source`` as source text, renamed for the kernel."""
    import inspect

    from nnlib.course import codebundle

    return inspect.getsource(codebundle.bundle_source).replace(
        "def bundle_source(func):", "def _nnlib_bundle_source(func):", 1)


def extraction_cell(names: list[str], marker: str, path: str) -> str:
    """Source of the cell that writes ``names`` as JSON between ``marker``s to ``path``."""
    for name in names:
        if not name.isidentifier():
            raise ValueError(f"answer variable name is not an identifier: {name!r}")
    return _bundle_function_source() + (
        _CELL.replace("{names!r}", repr(list(names))).replace("{mark!r}", repr(marker))
        .replace("{path!r}", repr(path)))


def parse_answers(text: str, marker: str, names: list[str]) -> dict[str, str | list[str]]:
    """The answers printed by the extraction cell.

    Parameters
    ----------
    text : the extraction cell's stdout (possibly mixed with other output).
    marker : the nonce the cell was built with.
    names : the variables asked for; any other key is ignored.

    Returns
    -------
    ``{variable: str or list of str}`` for the variables that hold a value; a missing,
    oversized or malformed payload gives ``{}`` (everything "not attempted").
    """
    start = text.find(marker)
    end = text.find(marker, start + len(marker)) if start >= 0 else -1
    if start < 0 or end < 0:
        return {}
    payload = text[start + len(marker):end]
    if len(payload.encode("utf-8", "replace")) > MAX_ANSWER_BYTES:
        return {}
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    answers: dict[str, str | list[str]] = {}
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and len(value) <= MAX_VALUE_CHARS:
            answers[name] = value
        elif (isinstance(value, list) and len(value) <= 1000
              and all(isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for v in value)):
            answers[name] = list(value)
    return answers
