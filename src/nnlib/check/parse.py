"""Restricted parser: answer text -> a validated Python syntax tree.

Student text is never evaluated. Typed notation (LaTeX, ``|x|``, ``√x``) is first
rewritten into the plain syntax by ``notation.py``. It is then rewritten (``^`` -> ``**``, unicode operators,
Greek letters, ``^T`` -> ``.T``, implicit multiplication ``2x`` -> ``2*x``, derivative
notation ``d/dw (...)`` -> ``Derivative(..., w)``), parsed with ``ast.parse(mode="eval")``
and checked against a whitelist of node types. ``build.py`` turns the tree into SymPy.

Limits (see ``vocabulary.py``) are enforced before ``ast.parse``, which can itself fail
on very long or deeply nested input.
"""
from __future__ import annotations

import ast
import math
import re
from fractions import Fraction

from .notation import NotationError, rewrite_notation
from .vocabulary import (FUNCTIONS, GREEK, KEYWORD_NAMES, MAX_AST_DEPTH, MAX_LENGTH,
                         MAX_NESTING, MAX_NUMBER_DIGITS, UNICODE_OPERATORS)


class ParseError(ValueError):
    """An answer that cannot be read; ``kind`` is ``"unparsable"`` or ``"unsafe"``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|//|[-+*/%@(),\[\]=<>!:.])
""", re.VERBOSE)

_VALUE_END = {"number", "name", ")", "]"}
# never Python's own SyntaxError text: it talks about Python, not about the formula
UNREADABLE = ("Your answer could not be read as a formula: check for a missing operator, "
              "bracket or argument (write 2*x, cos(x), hadamard(A, B)).")


def _unsafe(message: str) -> ParseError:
    return ParseError("unsafe", message)


def _unparsable(message: str) -> ParseError:
    return ParseError("unparsable", message)


def _check_size(text: str) -> None:
    """Reject text that is too long (before any other work) or empty."""
    if len(text) > MAX_LENGTH:
        raise _unsafe(f"Your answer is too long ({len(text)} characters; at most "
                      f"{MAX_LENGTH} are read).")
    if not text.strip():
        raise _unparsable("Your answer is empty.")


def _check_raw(text: str) -> None:
    """Reject constructs we never accept (after typed notation was rewritten)."""
    if len(text) > 2 * MAX_LENGTH:  # rewriting at most doubles the length of sane input
        raise _unsafe("Your answer is too long once its notation is written out.")
    if "__" in text:
        raise _unsafe("Names with double underscores are not allowed in an answer.")
    if re.search(r"\blambda\b[^:]*:", text):
        raise _unsafe("lambda expressions are not allowed in an answer.")
    if re.search(r"[A-Za-z0-9_)\u03c3]\s*'", text):
        raise _unparsable("Primes like f'(x) are not supported: write the derivative "
                          "out, or use d/dx (...).")
    for bad in ("'", '"', "`", ";", "\\", "#", "$", "&", "|", "~"):
        if bad in text:
            raise _unparsable(f"Your answer contains the character {bad!r}, which is "
                              "not part of the answer syntax.")
    if "%" in text:
        raise _unparsable("'%' is not part of the answer syntax (write hadamard(a, b) "
                          "for an elementwise product).")


def _rewrite_unicode(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in GREEK:
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            out.append((" " if prev.isalpha() else "") + GREEK[ch]
                       + (" " if nxt.isalpha() else ""))
        else:
            out.append(UNICODE_OPERATORS.get(ch, ch))
    return "".join(out)


def _rewrite_notation(text: str) -> str:
    text = re.sub(r"\^\s*(?:\{\s*\.T\s*\}|\.T)", ".T ", text)   # W^⊤, W^{ᵀ} (unicode already .T)
    text = re.sub(r"\^\s*\{\s*T\s*\}", ".T", text)
    text = re.sub(r"\^\s*T(?![A-Za-z0-9_])", ".T", text)
    text = text.replace("{", "(").replace("}", ")").replace("^", "**")
    return text


def _check_nesting(text: str) -> None:
    depth = 0
    pairs = {")": "(", "]": "["}
    stack: list[str] = []
    for ch in text:
        if ch in "([":
            stack.append(ch)
            depth = max(depth, len(stack))
            if depth > MAX_NESTING:
                raise _unsafe(f"Your answer is nested too deeply (more than {MAX_NESTING} "
                              "levels of brackets).")
        elif ch in ")]":
            if not stack or stack.pop() != pairs[ch]:
                raise _unparsable("The brackets in your answer do not match.")
    if stack:
        raise _unparsable("The brackets in your answer do not match: "
                          f"{len(stack)} not closed.")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _unparsable(f"Unexpected character {text[pos]!r} in your answer.")
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        value = m.group()
        if kind == "number" and len(re.sub(r"[^0-9]", "", value)) > MAX_NUMBER_DIGITS:
            raise _unsafe(f"A number in your answer has more than {MAX_NUMBER_DIGITS} digits.")
        if kind == "number":
            value = _exact_number(value)
        if kind == "op":
            kind = value
        tokens.append((kind, value))
    return tokens


def _exact_number(text: str) -> str:
    """Refuse decimals float64 cannot hold (``1e-400`` would become 0.0, ``1e400`` inf).

    The value itself is taken from the text later (``decimal_text``), so long decimals
    such as ``0.10000000000000000001`` keep every digit.
    """
    if not re.search(r"[.eE]", text):
        return text
    exact = Fraction(text)
    as_float = float(text)
    if exact != 0 and (as_float == 0 or not math.isfinite(as_float)
                       or abs(as_float) < 1e-300 or abs(as_float) > 1e300):
        raise _unsafe(f"The number {text} is too {'small' if abs(exact) < 1 else 'large'} "
                      "to work with.")
    return text


def _mark_decimals(tree: ast.AST, source: str) -> None:
    """Attach the written text of every decimal to its node (``node.decimal_text``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            text = ast.get_source_segment(source, node)
            if text and re.fullmatch(r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?", text):
                node.decimal_text = text


def _is_function(tok: tuple[str, str]) -> bool:
    return tok[0] == "name" and tok[1] in FUNCTIONS


def _join(tokens: list[tuple[str, str]]) -> str:
    """Insert implicit products, expand ``d/dw``, rename keywords; return Python text.

    ``d/dw`` applies to the term that follows it: up to the next ``+``/``-``, ``,`` or
    closing bracket at its own level, so ``d/dw (1/2)*(y - t)**2 + c`` is
    ``Derivative((1/2)*(y - t)**2, w) + c``. The elementwise product ``%`` (from ``⊙``,
    ``∘``) takes the whole product after it, as in the notes: ``s ⊙ Wᵀ d`` is
    ``s % (W.T*d)``.
    """
    out: list[tuple[str, str]] = []
    groups: list[tuple[int, str | None]] = []   # (bracket depth inside it, d/dw variable or None)
    depth = 0

    def emit(tok: tuple[str, str]) -> None:
        nonlocal depth
        if out:
            a = out[-1]
            after_dot = len(out) >= 2 and out[-2][0] == "."
            a_value = a[0] in _VALUE_END and (after_dot or not _is_function(a))
            b_value = tok[0] in ("number", "name", "(") and not (
                a[0] == "number" and tok[0] == "number")
            if a_value and b_value:
                out.append(("*", "*"))
        if tok[0] in ("(", "["):
            depth += 1
        elif tok[0] in (")", "]"):
            depth -= 1
        out.append(tok)

    def close_groups() -> None:
        while groups and groups[-1][0] == depth:
            _, var = groups.pop()
            if var is not None:
                out.extend([(",", ","), ("name", var)])
            emit((")", ")"))

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (tok == ("name", "d") and i + 2 < len(tokens) and tokens[i + 1][0] == "/"
                and tokens[i + 2][0] == "name" and tokens[i + 2][1].startswith("d")
                and len(tokens[i + 2][1]) > 1):
            emit(("name", "Derivative"))
            emit(("(", "("))
            groups.append((depth, KEYWORD_NAMES.get(tokens[i + 2][1][1:],
                                                    tokens[i + 2][1][1:])))
            i += 3
            continue
        binary_sign = tok[0] in ("+", "-") and bool(out) and out[-1][0] in _VALUE_END
        if tok[0] in (")", "]", ",", "%") or binary_sign:
            close_groups()
        if tok[0] == "name" and tok[1] in KEYWORD_NAMES:
            tok = ("name", KEYWORD_NAMES[tok[1]])
        emit(tok)
        if tok[0] == "%":
            emit(("(", "("))
            groups.append((depth, None))
        i += 1
    while groups:
        depth = groups[-1][0]
        close_groups()
    return " ".join(v for _, v in out)


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant,
            ast.Attribute, ast.List, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div,
            ast.Pow, ast.MatMult, ast.Mod, ast.USub, ast.UAdd)


def _validate(tree: ast.AST) -> None:
    """Walk the tree (iteratively) and reject anything outside the whitelist."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_AST_DEPTH:
            raise _unsafe("Your answer is nested too deeply.")
        if isinstance(node, ast.Lambda):
            raise _unsafe("lambda expressions are not allowed in an answer.")
        if isinstance(node, ast.Attribute):
            if node.attr != "T":
                raise _unsafe(f"Attribute access '.{node.attr}' is not allowed; only "
                              "'.T' (transpose) is.")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise _unsafe("Only named functions such as exp(...) can be called.")
            if node.keywords:
                raise _unparsable("Keyword arguments (name=value) are not allowed.")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise _unsafe("Starred arguments are not allowed.")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise _unparsable(f"{node.value!r} is not a number or name you can use here.")
        elif isinstance(node, ast.Subscript):
            raise _unparsable("Indexing like x[0] is not supported; write x_0 instead.")
        elif isinstance(node, (ast.Compare, ast.BoolOp)):
            raise _unparsable("Comparisons and logical operators are not part of an answer.")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
            raise _unparsable("'//' is not part of the answer syntax; use '/'.")
        elif not isinstance(node, _ALLOWED):
            raise _unsafe(f"This kind of expression ({type(node).__name__}) is not "
                          "allowed in an answer.")
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1))


def parse(text: str) -> ast.Expression:
    """Parse answer text into a whitelisted syntax tree.

    Parameters
    ----------
    text : str
        The answer as typed, e.g. ``"2x(1 - sigma(x))^2"``.

    Returns
    -------
    ast.Expression
        A tree made only of numbers, names, ``+ - * / ** @``, ``%`` (elementwise
        product, from ``∘``/``⊙``), calls of named functions, ``.T`` and lists.

    Raises
    ------
    ParseError
        ``kind="unsafe"`` for hostile input (too long, too deep, dunder names,
        lambdas, attribute access), ``kind="unparsable"`` for plain syntax errors.
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"answer text must be a str, got {type(text).__name__}")
    _check_size(text)
    try:
        text = rewrite_notation(text)
    except NotationError as err:
        raise ParseError(err.kind, err.message) from None
    _check_raw(text)
    text = _rewrite_notation(_rewrite_unicode(text))
    _check_nesting(text)
    source = _join(_tokenize(text))
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise _unparsable(UNREADABLE) from None
    _validate(tree)
    _mark_decimals(tree, source)
    return tree
