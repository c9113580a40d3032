"""Whitelisted syntax tree (from ``parse.py``) -> SymPy expression or matrix expression.

Every name is looked up in the question's variables or in ``vocabulary.FUNCTIONS`` /
``vocabulary.CONSTANTS``; nothing is looked up in a Python or SymPy namespace.
Numbers are exact (``0.125`` -> ``Rational(1, 8)``); decimals are recorded so the
comparison can allow a relative tolerance. Huge exponents and constants that overflow
a float are refused (``kind="unsafe"``) before SymPy could spend time on them.
Matrix symbols carry their shapes, so a product like ``(4, 3) @ (4, 5)`` is reported
(``kind="shape"``) naming both shapes.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from .exact import half_unit, precision_of
from .numeric import evaluate
from .parse import ParseError, parse
from .vocabulary import (CONSTANTS, FUNCTIONS, KEYWORD_BACK, KEYWORD_NAMES, MAX_EXPONENT,
                         MAX_MAGNITUDE, MAX_MATRIX_POWER, MAX_MATRIX_SIZE)

_T = sp.Dummy("t", real=True)


def sigmoid(x):
    """Logistic sigmoid as a SymPy expression: sigma(x) = 1 / (1 + exp(-x))."""
    return 1 / (1 + sp.exp(-x))


_ELEMENTWISE = {
    "exp": sp.exp, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh,
    "sinh": sp.sinh, "cosh": sp.cosh, "sech": sp.sech, "sqrt": sp.sqrt,
    "sigmoid": sigmoid, "relu": lambda x: sp.Max(0, x),
    "softplus": lambda x: sp.log(1 + sp.exp(x)), "heaviside": sp.Heaviside,
    "abs": sp.Abs,
}


def is_matrix(x) -> bool:
    """True for SymPy matrix expressions and explicit matrices."""
    return isinstance(x, (sp.MatrixExpr, sp.MatrixBase))


@dataclass
class Built:
    """A built answer: the SymPy object and whether it contains decimal numbers."""

    expr: object
    inexact: bool = False
    literals: list | None = None   # (dummy, value, half unit) when built with literal_symbols
    units: list | None = None      # the written half units of those decimals


def float_print(text: str | None, exact: Fraction) -> bool:
    """A decimal of 16+ significant digits that is exactly a float64 (``0.30000000000000004``).

    That is how Python prints a computed float; it carries the rounding of the
    computation, so it gets a computed float's tolerance rather than its last digit's.
    """
    if not text:
        return False
    digits = re.sub(r"[eE].*$", "", text).replace(".", "").lstrip("0")
    return len(digits) >= 16 and Fraction(repr(float(exact))) == exact


class _Builder:
    def __init__(self, symbols: dict, literal_symbols: bool = False):
        self.symbols = symbols
        self.inexact = False
        self.literal_symbols = literal_symbols
        self.literals: list = []
        self.units: list = []

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def shape_error(msg: str) -> ParseError:
        return ParseError("shape", msg)

    def guard_constant(self, value):
        """Refuse constant sub-expressions whose size overflows a float."""
        if is_matrix(value) or not getattr(value, "is_number", False):
            return value
        with np.errstate(all="ignore"):
            try:
                v = evaluate(value, {}, 1)
            except (TypeError, ValueError, OverflowError, NotImplementedError):
                return value
        finite = v[np.isfinite(v)]
        if (finite.size < v.size and not np.isnan(v).all()) or (
                finite.size and np.abs(finite).max() > MAX_MAGNITUDE):
            raise ParseError("unsafe", "A number in your answer is too large to work with.")
        return value

    def number(self, value, text: str | None = None) -> sp.Expr:
        """A number literal, exactly as written (``text``) when it is a decimal."""
        if isinstance(value, float):
            self.inexact = True
            if not math.isfinite(value):
                raise ParseError("unsafe", "A number in your answer is too large.")
            frac = Fraction(text) if text else Fraction(repr(value))
            exact = sp.Rational(frac.numerator, frac.denominator)
            if self.literal_symbols:
                d = sp.Dummy("c")
                printed = float_print(text, frac)
                self.literals.append((d, exact, precision_of(value, text or repr(value),
                                                             computed=printed)))
                self.units.append(precision_of(value, text, computed=True) if printed
                                  else half_unit(text or repr(value)))
                return d
            return exact
        return sp.Integer(value)

    # -- nodes ---------------------------------------------------------------
    def build(self, node: ast.AST):
        method = getattr(self, "b_" + type(node).__name__)
        return method(node)

    def b_Expression(self, node):
        return self.build(node.body)

    def b_Constant(self, node):
        return self.number(node.value, getattr(node, "decimal_text", None))

    def b_Name(self, node):
        name = KEYWORD_BACK.get(node.id, node.id)
        if name in self.symbols:
            return self.symbols[name]
        if name in ("pi",):
            return sp.pi
        if name in ("e", "E"):
            return sp.E
        if name in FUNCTIONS:
            raise ParseError("unparsable", f"{name} is a function: write {name}(...).")
        raise ParseError("unparsable", f"Unknown name {name!r}.")

    def b_Attribute(self, node):
        value = self.build(node.value)
        return value.T if is_matrix(value) else value

    def b_List(self, node):
        rows = [self.build(e) if not isinstance(e, ast.List) else [self.build(x) for x in e.elts]
                for e in node.elts]
        if not rows:
            raise ParseError("unparsable", "An empty matrix [] is not an answer.")
        if all(isinstance(r, list) for r in rows):
            if len({len(r) for r in rows}) != 1:
                raise self.shape_error("The rows of your matrix have different lengths: "
                                       + ", ".join(str(len(r)) for r in rows) + ".")
        elif any(isinstance(r, list) for r in rows):
            raise ParseError("unparsable", "Mix of numbers and rows in a matrix literal.")
        else:
            rows = [[r] for r in rows]
        if any(is_matrix(x) for r in rows for x in r):
            raise self.shape_error("Matrix entries must be scalars.")
        return sp.ImmutableMatrix(rows)

    def b_UnaryOp(self, node):
        value = self.build(node.operand)
        return -value if isinstance(node.op, ast.USub) else value

    def b_BinOp(self, node):
        a, b = self.build(node.left), self.build(node.right)
        op = node.op
        if isinstance(op, (ast.Add, ast.Sub)):
            a, b = self.broadcast(a, b, "+" if isinstance(op, ast.Add) else "-")
            return a + b if isinstance(op, ast.Add) else a - b
        if isinstance(op, ast.MatMult):
            if not (is_matrix(a) and is_matrix(b)):
                raise self.shape_error("'@' multiplies two matrices; use '*' with a scalar.")
            return self.matmul(a, b)
        if isinstance(op, ast.Mult):
            if is_matrix(a) and is_matrix(b):
                return self.matmul(a, b)
            return self.guard_constant(a * b)
        if isinstance(op, ast.Mod):
            return self.hadamard(a, b)
        if isinstance(op, ast.Div):
            if is_matrix(b):
                raise self.shape_error("Dividing by a matrix is not defined.")
            if b == 0:
                raise ParseError("unparsable", "Your answer divides by zero.")
            return self.guard_constant(a / b if not is_matrix(a) else a * (1 / b))
        if isinstance(op, ast.Pow):
            return self.power(a, b)
        raise ParseError("unparsable", "Unsupported operator.")  # pragma: no cover

    def b_Call(self, node):
        name = KEYWORD_BACK.get(node.func.id, node.func.id)
        if name in self.symbols and name not in FUNCTIONS:
            raise ParseError("unparsable", f"{name} is not a function.")
        key = FUNCTIONS.get(name)
        if key is None:
            raise ParseError("unparsable", f"Unknown function {name!r}.")
        if key == "matrix":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.List):
                raise ParseError("unparsable", "Write a matrix as Matrix([[1, 2], [3, 4]]).")
            return self.b_List(node.args[0])
        if key in ("ones", "zeros", "eye"):
            return self.constant_matrix(key, node.args)
        args = [self.build(a) for a in node.args]
        special = getattr(self, "f_" + key, None)
        if special is not None:
            return special(name, args)
        self.nargs(name, args, 1)
        return self.elementwise(args[0], _ELEMENTWISE[key])

    # -- operations ----------------------------------------------------------
    def nargs(self, name, args, lo, hi=None):
        hi = lo if hi is None else hi
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ParseError("unparsable", f"{name}(...) takes {want} argument(s), "
                                           f"got {len(args)}.")

    def f_log(self, name, args):
        self.nargs(name, args, 1, 2)
        if any(is_matrix(a) for a in args[1:]):
            raise self.shape_error("The base of a logarithm must be a scalar.")
        if len(args) == 1:
            return self.elementwise(args[0], sp.log)
        return self.guard_constant(sp.log(args[0], args[1]))

    def elementwise(self, x, f):
        """f(x) for a scalar; f applied entry by entry for a matrix."""
        if is_matrix(x):
            return x.applyfunc(sp.Lambda(_T, f(_T)))
        return self.guard_constant(f(x))

    def f_max(self, name, args):
        return self.minmax(name, args, sp.Max)

    def f_min(self, name, args):
        return self.minmax(name, args, sp.Min)

    def minmax(self, name, args, f):
        if not args:
            raise ParseError("unparsable", f"{name}(...) needs arguments.")
        mats = [a for a in args if is_matrix(a)]
        if not mats:
            return f(*args)
        if len(args) == 2 and len(mats) == 1 and not is_matrix(args[0]):
            c = args[0]
            return mats[0].applyfunc(sp.Lambda(_T, f(c, _T)))
        raise self.shape_error(f"{name}(...) of matrices is only supported as "
                               f"{name}(0, M) (elementwise).")

    def f_diff(self, name, args):
        self.nargs(name, args, 2)
        expr, var = args
        if not isinstance(var, sp.Symbol):
            raise ParseError("unparsable", "d/dx needs a variable name after the d.")
        if is_matrix(expr):
            raise self.shape_error("Derivatives of matrix expressions are not supported.")
        return sp.diff(expr, var)

    def f_transpose(self, name, args):
        self.nargs(name, args, 1)
        return args[0].T if is_matrix(args[0]) else args[0]

    def f_hadamard(self, name, args):
        self.nargs(name, args, 2)
        return self.hadamard(*args)

    def f_diag(self, name, args):
        self.nargs(name, args, 1)
        (v,) = args
        if not is_matrix(v) or 1 not in v.shape:
            raise self.shape_error("diag(v) needs a vector (an (n, 1) or (1, n) matrix).")
        return DiagMatrix(v)

    def f_sum(self, name, args):
        self.nargs(name, args, 1, 2)
        m = args[0]
        if not is_matrix(m):
            raise self.shape_error("sum(...) adds the entries of a matrix.")
        r, c = m.shape
        if len(args) == 1:   # sum of all entries = trace(ones(c, r) @ m), kept unevaluated
            return sp.Trace(sp.OneMatrix(c, r) * m)
        axis = args[1]
        if axis == 0:
            return sp.OneMatrix(1, r) * m
        if axis == 1:
            return m * sp.OneMatrix(c, 1)
        raise ParseError("unparsable", "sum(M, axis) takes axis 0 or 1.")

    def constant_matrix(self, key, nodes):
        dims = []
        for n in nodes:
            if not (isinstance(n, ast.Constant) and isinstance(n.value, int)
                    and not isinstance(n.value, bool) and 1 <= n.value <= MAX_MATRIX_SIZE):
                raise ParseError("unparsable", f"{key}(...) takes whole-number sizes.")
            dims.append(n.value)
        if key == "eye":
            if len(dims) != 1:
                raise ParseError("unparsable", "eye(n) takes one size.")
            return sp.Identity(dims[0])
        if len(dims) != 2:
            raise ParseError("unparsable", f"{key}(rows, cols) takes two sizes.")
        return sp.OneMatrix(*dims) if key == "ones" else sp.ZeroMatrix(*dims)

    def broadcast(self, a, b, op):
        if is_matrix(a) and is_matrix(b):
            if a.shape != b.shape:
                raise self.shape_error(f"{_shape(a)} {op} {_shape(b)} is not defined: the "
                                       "shapes differ.")
            return a, b
        if is_matrix(a):
            return a, b * sp.OneMatrix(*a.shape)
        if is_matrix(b):
            return a * sp.OneMatrix(*b.shape), b
        return a, b

    def matmul(self, a, b):
        if a.shape[1] != b.shape[0]:
            hint = (" For the elementwise product write hadamard(A, B) or A ⊙ B."
                    if a.shape == b.shape else "")
            raise self.shape_error(f"{_shape(a)} @ {_shape(b)} is not defined: the inner "
                                   "sizes differ." + hint)
        return sp.MatMul(a, b).doit(deep=False) if isinstance(a, sp.MatrixBase) and \
            isinstance(b, sp.MatrixBase) else a * b

    def hadamard(self, a, b):
        if is_matrix(a) and is_matrix(b):
            if a.shape != b.shape:
                raise self.shape_error(f"hadamard of {_shape(a)} and {_shape(b)} is not "
                                       "defined: the shapes differ.")
            return sp.hadamard_product(a, b)
        return a * b

    def power(self, a, b):
        if is_matrix(b):
            raise self.shape_error("A matrix cannot be an exponent.")
        if b.is_number:
            try:
                bv = float(b)
            except (TypeError, ValueError, OverflowError):
                bv = math.inf
            if not abs(bv) <= MAX_EXPONENT:
                raise ParseError("unsafe", f"An exponent in your answer is too large "
                                           f"(at most {MAX_EXPONENT}).")
            if not is_matrix(a) and a.is_number and a != 0:
                try:
                    size = abs(bv) * abs(math.log10(abs(float(a))))
                except (TypeError, ValueError, OverflowError):
                    size = math.inf
                if size > 300:
                    raise ParseError("unsafe", "A power in your answer is too large to "
                                               "work with.")
        if is_matrix(a):
            if a.shape[0] != a.shape[1]:
                raise self.shape_error(f"A {_shape(a)} matrix cannot be raised to a power "
                                       "(it is not square).")
            if not (b.is_Integer and 0 <= b <= MAX_MATRIX_POWER):
                raise ParseError("unparsable", "Matrix powers need a whole-number exponent "
                                               f"from 0 to {MAX_MATRIX_POWER}.")
            return sp.MatPow(a, b)
        return self.guard_constant(sp.Pow(a, b))


def _shape(m) -> str:
    return str(tuple(int(s) for s in m.shape))


def make_symbols(names, shapes=None) -> dict:
    """Name -> SymPy symbol: real scalar ``Symbol`` or ``MatrixSymbol`` (if in ``shapes``)."""
    shapes = shapes or {}
    out = {}
    for name in names:
        if name in shapes:
            r, c = shapes[name]
            out[name] = sp.MatrixSymbol(name, int(r), int(c))
        else:
            out[name] = sp.Symbol(name, real=True)
    return out


def split_name(name: str, known) -> list[str] | None:
    """Split a run of letters into known variable names: ``"wx"`` -> ``["w", "x"]``.

    Returns the split with the fewest parts, or None if there is none (or the name is
    itself known). Students often type ``wx`` for ``w*x``.
    """
    if name in known:
        return None
    best: list = [None] * (len(name) + 1)
    best[0] = []
    for end in range(1, len(name) + 1):
        for start in range(end):
            part = name[start:end]
            if best[start] is not None and part in known and (
                    best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + [part]
    return best[-1] if best[-1] and len(best[-1]) > 1 else None


def alias(name: str, known) -> str | None:
    """The question's own name for ``name`` when the lesson writes it another way.

    ``x_1``, ``x1`` (and ``x₁``, rewritten to ``x_1`` earlier) name the same symbol;
    ``Yhat``/``Y_hat`` too. Returns None when no known name matches.
    """
    if name in known:
        return name
    candidates = [name.replace("_", ""),
                  re.sub(r"^([A-Za-z]+)(\d+)$", r"\1_\2", name),
                  re.sub(r"^([A-Za-z]+)(hat|bar|tilde)$", r"\1_\2", name)]
    for c in candidates:
        if c in known:
            return c
    squeezed = {k.replace("_", ""): k for k in known}
    return squeezed.get(name.replace("_", ""))


class _SplitNames(ast.NodeTransformer):
    def __init__(self, known):
        self.known = known

    def visit_Call(self, node):
        node.args = [self.visit(a) for a in node.args]
        return node

    def visit_Name(self, node):
        name = KEYWORD_BACK.get(node.id, node.id)
        if name in FUNCTIONS or name in CONSTANTS:
            return node
        same = alias(name, self.known)
        if same is not None and same != name:
            return ast.Name(KEYWORD_NAMES.get(same, same), ast.Load())
        parts = split_name(name, self.known)
        if not parts:
            return node
        out: ast.expr = ast.Name(parts[0], ast.Load())
        for p in parts[1:]:
            out = ast.BinOp(out, ast.Mult(), ast.Name(p, ast.Load()))
        return out


def unknown_names(tree: ast.AST, symbols: dict) -> list[str]:
    """Names in ``tree`` that are neither variables, constants nor functions (sorted)."""
    unknown = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            name = KEYWORD_BACK.get(node.id, node.id)
            if name not in symbols and name not in CONSTANTS and name not in FUNCTIONS:
                unknown.add(name)
    return sorted(unknown)


def _primes_as_transposes(text: str, symbols: dict) -> str:
    """``dY' X`` -> ``dY.T X`` for matrix symbols (and ``(...)'`` when there are matrices).

    The prime is MATLAB's (and some lecture notes') transpose. For scalars it keeps
    meaning a derivative, which the parser refuses with its own message.
    """
    if "'" not in text:
        return text
    matrices = {n for n, s in symbols.items() if isinstance(s, sp.MatrixSymbol)}
    if not matrices:
        return text
    text = re.sub(r"([A-Za-z_][A-Za-z0-9_]*)\s*'",
                  lambda m: m.group(1) + ".T" if m.group(1) in matrices else m.group(), text)
    return re.sub(r"\)\s*'", ").T", text)


def build(text: str, symbols: dict, literal_symbols: bool = False) -> Built:
    """Parse ``text`` and build it with the given ``symbols`` (from ``make_symbols``).

    With ``literal_symbols`` every decimal number becomes a ``Dummy``, listed with its
    value and half unit in ``Built.literals`` (see ``exact.literal_fit``); use it only on
    text that already built without it (the size guards need the numbers).

    Raises
    ------
    ParseError
        ``kind`` in ``{"unparsable", "unsafe", "shape", "unknown"}``; for ``"unknown"``
        the ``names`` attribute lists the unknown names.
    """
    tree = _SplitNames(symbols).visit(parse(_primes_as_transposes(text, symbols)))
    unknown = unknown_names(tree, symbols)
    if unknown:
        err = ParseError("unknown", "Unknown name" + ("s " if len(unknown) > 1 else " ")
                         + ", ".join(repr(u) for u in unknown) + ".")
        err.names = unknown
        raise err
    b = _Builder(symbols, literal_symbols)
    try:
        expr = b.build(tree)
    except RecursionError:
        raise ParseError("unsafe", "Your answer is nested too deeply.") from None
    except (sp.ShapeError, sp.NonSquareMatrixError) as exc:
        raise ParseError("shape", f"The shapes in your answer do not fit: {exc}") from None
    except ParseError:
        raise
    except (ValueError, TypeError, ArithmeticError):
        # SymPy refuses e.g. Max or Heaviside of a complex number such as log(-3)
        raise ParseError("other", "Part of your answer is not a real number (for example "
                                  "the log or square root of a negative number).") from None
    return Built(expr, b.inexact, b.literals if literal_symbols else None,
                 b.units if literal_symbols else None)
