"""Rebuild ``stack_algequiv.json`` from STACK's answer-test fixtures (run by hand, not in CI).

Usage:  python tests/check/data/make_stack_algequiv.py path/to/answertestfixtures.class.php

Keeps the ``AlgEquiv`` rows without options that are real expressions in the checker's
syntax: one line each, no complex unit (``%i``), no ``inf``, no ``assume``, no ``#pm#``,
no lists/sets/equations/matrices/units, no decimals (decimals follow the checker's own
"right to the last written digit" rule, which is not an exact equivalence), and only
functions the checker knows. ``%pi``/``%e`` become ``pi``/``e``.

For each row it records STACK's expected verdict and the *real-domain truth*: "equal on
the real domain where both sides are defined", decided independently of the checker with
SymPy's own parser and 30-digit ``evalf``:

* ``false`` needs a witness: a point where both sides are real and differ (the point and
  both values are stored);
* ``true`` needs ``simplify(a - b) == 0`` with real symbols, or, where SymPy cannot
  simplify, no witness among the grid points (``method = "no witness"`` with the number of
  points where both sides are real).

"Real" means every power and function value inside the expression is real at the point
(``sqrt(x-3)*sqrt(x-5)`` is undefined at x = -3 although the product of the two imaginary
roots is real), as in the checker, which evaluates with float64 numpy. Where the two sides
have no real point in common on the grid, the answer counts as not equal (it is undefined
wherever the expected answer is defined). Rows that STACK reads differently by notation
(``x1`` vs ``x_1``, which this checker reads as one name, as the lessons do) are left out,
as are rows with exponents past the checker's limit of 1000.
"""
from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

ROW = re.compile(r"^\s*\['AlgEquiv',\s*'',\s*'((?:[^'\\]|\\.)*)',\s*'((?:[^'\\]|\\.)*)',\s*(-?\d),"
                 r"\s*'((?:[^'\\]|\\.)*)',\s*'((?:[^'\\]|\\.)*)'\],?\s*$")
EXCLUDE = re.compile(r"%i|\binf\b|assume|#pm#|\[|\{|=|:|<|>|stack|\"|'|\.\d|\d\.|%gamma|%phi|"
                     r"\b(?:i|j)\b|\blg\b|\bsum\b|\bint\b|\bdiff\b|\bmatrix\b|\bnounadd\b|"
                     r"\brat\b|\bnum\b|\bdenom\b|\bsignum\b|\bunit\b|\bround\b|\bfloor\b|\bceiling\b|"
                     r"#|!|\band\b|\bor\b|\bnot\b|\btrue\b|\bfalse\b|\ball\b|\bnone\b|"
                     r"\^\s*\(?\s*\d{4,}")   # exponents past the checker's limit of 1000
KNOWN = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sech", "sqrt", "abs"}
POINTS = [sp.Rational(p) for p in ("-3", "-2", "-1", "-1/2", "-1/3", "1/3", "1/2", "1", "2", "3",
                                   "5/2", "-7/3", "10", "-10")]
NAMES = {"ln": sp.log, "abs": sp.Abs, "e": sp.E, "pi": sp.pi}


def to_sympy(text: str):
    text = text.replace("%pi", "pi").replace("%e", "e").replace("^", "**")
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    if names & {"E", "I", "N", "S", "O", "Q"}:
        raise ValueError("reserved name")
    local = dict(NAMES)
    for n in names - set(NAMES) - KNOWN:
        local[n] = sp.Symbol(n, real=True)
    return parse_expr(text, local_dict=local, transformations=standard_transformations)


def real_value(expr, point):
    """The value at ``point`` if every subexpression is real there, else None."""
    if not isinstance(expr, sp.Expr):
        return None
    for node in sp.preorder_traversal(expr):   # before SymPy folds i*i into -1
        if isinstance(node, (sp.Pow, sp.Function)) and _value(node.xreplace(point)) is None:
            return None
    return _value(expr.xreplace(point))


def _value(expr):
    v = sp.N(expr, 30)
    if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    re_, im = v.as_real_imag()
    if im != 0 and not (im.is_Float and abs(im) < 1e-25):
        return None
    return re_


def truth(a, b):
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    grid = itertools.islice(itertools.product(POINTS, repeat=len(symbols)), 3000) if symbols else [()]
    real_points = 0
    for values in grid:
        point = dict(zip(symbols, values))
        va, vb = real_value(a, point), real_value(b, point)
        if va is None or vb is None:
            continue
        real_points += 1
        if abs(va - vb) > 1e-20 * (1 + abs(va) + abs(vb)):
            return False, {"method": "witness", "point": {str(k): str(v) for k, v in point.items()},
                           "student": str(sp.N(va, 12)), "expected": str(sp.N(vb, 12))}
    if real_points == 0:
        # no point where both are real: the answer is not defined where the expected one is
        return False, {"method": "no common real point", "grid_points": len(POINTS) ** len(symbols)}
    try:
        if sp.simplify(a - b) == 0:
            return True, {"method": "simplify", "real_points": real_points}
    except Exception:
        pass
    return True, {"method": "no witness", "real_points": real_points}


def main(path: str) -> None:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if not m:
            continue
        sa, ta, stack, _, comment = m.groups()
        if EXCLUDE.search(sa) or EXCLUDE.search(ta) or not sa or not ta or stack == "-1":
            continue
        funcs = set(re.findall(r"([A-Za-z_]\w*)\s*\(", sa + " " + ta))
        if funcs - KNOWN:
            continue
        try:
            a, b = to_sympy(sa), to_sympy(ta)
        except Exception:
            continue
        if not (isinstance(a, sp.Expr) and isinstance(b, sp.Expr)):
            continue
        squeezed = {str(x).replace("_", "") for x in a.free_symbols | b.free_symbols}
        if len(squeezed) < len(a.free_symbols | b.free_symbols):
            continue   # x1 vs x_1: one name for this checker by design (lesson notation)
        real, why = truth(a, b)
        rows.append({"variables": sorted(str(x) for x in a.free_symbols | b.free_symbols),
                     "student": sa.replace("%pi", "pi").replace("%e", "e"),
                     "expected": ta.replace("%pi", "pi").replace("%e", "e"),
                     "stack": stack == "1", "real_truth": real, "decided_by": why,
                     **({"stack_comment": comment} if comment else {})})
    out = Path(__file__).with_name("stack_algequiv.json")
    out.write_text(json.dumps({"source": "maths/moodle-qtype_stack tests/fixtures/answertestfixtures.class.php",
                               "licence": "GPL-3.0-or-later", "rows": rows}, indent=1) + "\n",
                   encoding="utf-8")
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
