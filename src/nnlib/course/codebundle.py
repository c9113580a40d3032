"""The one rule for what a code exercise's answer is, used by the notebook's check and by the
grader alike, so both give the same verdict on the same function.

**The answer is the function and the helpers it calls, taken from the notebook**
(:func:`bundle_source`): the function's source, then, once each and transitively, the
source of every function of the same notebook it refers to by global name, ``import``
lines for the modules it refers to under the names it uses (any other module than
``numpy``/``math`` is then refused, with the message below, when the bundle is loaded), and ``NAME = value`` lines for the plain constants it refers to (numbers, strings,
and lists/tuples/dicts of them that ``repr`` writes back exactly). Nothing else of the
notebook comes along.

The bundle then runs in a namespace (:func:`load_function`) where ``np``, ``numpy`` and
``math`` are defined and ``import`` accepts ``numpy`` and ``math`` only: importing
``nnlib`` (its reference solutions) or anything else is refused with a message.

The grader takes the bundle out of the student's kernel (``nnlib/grade/extract.py`` runs
:func:`bundle_source` there, from its source text) and runs it in its sandboxed code runner
with the same import rule; the notebook's ``check_answer`` runs the same bundle here.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

import numpy as np

ALLOWED_IMPORTS = ("numpy", "math")
IMPORT_REFUSED = "only numpy and math may be imported in a code exercise, not {name!r}"


def bundle_source(func):  # type: ignore[no-untyped-def]  (its source also runs in the kernel)
    """Source text of ``func`` with the helpers it calls (see the module docstring)."""
    import ast
    import inspect
    import textwrap
    import types

    def literal(value):
        if type(value) not in (int, float, complex, str, bool, list, tuple, dict):
            return False
        try:
            text = repr(value)
            return len(text) < 100000 and ast.literal_eval(text) == value
        except Exception:
            return False

    home = func.__globals__
    parts, seen, todo = [textwrap.dedent(inspect.getsource(func))], set(), [func]
    while todo:
        codes, refs = [todo.pop().__code__], set()
        while codes:
            code = codes.pop()
            refs.update(code.co_names)
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        for ref in sorted(refs - seen):
            seen.add(ref)
            value = home.get(ref, None)
            if isinstance(value, types.FunctionType) and value is not func \
                    and value.__globals__ is home:
                parts.append(textwrap.dedent(inspect.getsource(value)))
                todo.append(value)
            elif isinstance(value, types.ModuleType):      # others: refused when loaded
                if value.__name__.partition(".")[0] in ("numpy", "math"):
                    parts.append("import %s as %s\n" % (value.__name__, ref))
                else:
                    parts.append("%s = __import__(%r)\n" % (ref, value.__name__))
            elif literal(value):
                parts.append("%s = %r\n" % (ref, value))
    return "\n".join(p if p.endswith("\n") else p + "\n" for p in parts)


def _guarded_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                    level: int = 0) -> Any:
    if level or name.partition(".")[0] not in ALLOWED_IMPORTS:
        raise ImportError(IMPORT_REFUSED.format(name=name))
    return builtins.__import__(name, globals, locals, fromlist, level)


def restricted_namespace() -> dict[str, Any]:
    """A fresh namespace with ``np``/``numpy``/``math`` and the numpy/math-only import."""
    safe = dict(vars(builtins))
    safe["__import__"] = _guarded_import
    return {"__builtins__": safe, "np": np, "numpy": np, "math": math, "__name__": "student"}


def bundles(value: Any) -> bool:
    """Whether the rule applies to ``value``: a named function (not a lambda) whose source
    can be found and that uses no closure variables (a notebook's top-level ``def``)."""
    import inspect
    import types

    if not isinstance(value, types.FunctionType) or value.__name__ == "<lambda>" \
            or value.__code__.co_freevars:
        return False
    try:
        inspect.getsource(value)
    except (OSError, TypeError):
        return False
    return True


def function_in(namespace: dict[str, Any], preferred: str, first: str | None = None) -> Callable:
    """``preferred`` if ``namespace`` defines it, else ``first`` (the bundle's own function)."""
    for name in (preferred, first):
        if name and callable(namespace.get(name)):
            return namespace[name]
    raise ValueError(f"the code must define a function named {preferred!r}")


def load_function(source: str, preferred: str, first: str | None = None) -> Callable:
    """Run ``source`` (a bundle) in :func:`restricted_namespace`; its function."""
    namespace = restricted_namespace()
    exec(compile(source, "<answer>", "exec"), namespace)  # noqa: S102 - the student's own code
    return function_in(namespace, preferred, first)
