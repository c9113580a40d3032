"""Typed notation students reach for, rewritten into the plain answer syntax.

Runs on the raw answer after its length check and before everything else in ``parse.py``;
the output is then checked and tokenized like any typed answer, so nothing here can
let a construct through that the plain syntax would refuse.

* LaTeX, as in the notebooks' formulas: ``$\\frac{1}{2}(y - t)^2$``, ``\\sigma(z)\\cdot x``,
  ``W^\\top``, ``\\sqrt{x}``, ``\\frac{d}{dw}``, Greek letters, ``\\left( \\right)``,
  ``x_{i}``. Commands outside this subset (``\\sum``, ``\\int``, ...) are refused with a
  message naming them.
  LaTeX typed into an ordinary Python string loses backslashes to escapes (``"\\frac"`` is
  a form feed and ``rac``); where the escape character and the letters after it spell a
  supported command, the backslash is put back.
* Absolute-value bars: ``|x - y|`` -> ``abs(x - y)``.
* The root sign: ``√x`` -> ``sqrt(x)``, ``√(x + 1)`` -> ``sqrt(x + 1)``.
* A label or chain before the last ``=`` is dropped: ``dW = dY^T X`` -> ``dY^T X``.
* Braced subscripts ``x_{1}`` -> ``x_1``, and powers of functions written before the
  argument, ``tanh^2(z)`` -> ``(tanh(z))^2`` (the usual convention for sin^2 x).
"""
from __future__ import annotations

import re
import unicodedata

from .vocabulary import FUNCTIONS, GREEK, MAX_NESTING


class NotationError(ValueError):
    """Typed notation that cannot be rewritten; ``kind`` as in ``ParseError``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


_SIZED = {"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"}
_SPACING = {",", ";", "!", ":", " ", "quad", "qquad", "displaystyle", "limits"} | _SIZED
_SIMPLE = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "circ": " \u2299 ", "odot": " \u2299 ",
    "top": "T", "intercal": "T", "partial": "d", "prime": "'",
    "{": "(", "}": ")", "|": "|",
    "exp": "exp", "ln": "ln", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan",
    "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "max": "max", "min": "min",
    "varepsilon": "epsilon", "varphi": "phi", "vartheta": "theta",
}
_SIMPLE.update({name: name for name in GREEK.values()})
_ACCENTS = {"hat": "_hat", "widehat": "_hat", "tilde": "_tilde", "widetilde": "_tilde", "bar": "_bar"}
_CONTENT = {"mathrm", "operatorname", "text", "textrm", "mathit", "mathbf", "boldsymbol", "mathsf", "bm"}
_FRACTIONS = {"frac", "dfrac", "tfrac"}
_UNSUPPORTED = {
    "sum": "Sums written with \\sum are not supported: write the terms out, or use matrix "
           "products (e.g. W.T @ delta).",
    "prod": "Products written with \\prod are not supported: write the factors out.",
    "int": "Integrals are not part of the answer syntax.",
}
_KNOWN = {name for name in set(_SIMPLE) | _CONTENT | _FRACTIONS | _SPACING | set(_UNSUPPORTED)
          | set(_ACCENTS) | {"sqrt"}
          if name.isalpha()}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_SUBSCRIPT = re.compile(r"_\{\s*([A-Za-z0-9]+)\s*\}")  # x_{i} -> x_i
_FUNCTION_POWER = re.compile(r"\b(" + "|".join(sorted(FUNCTIONS, key=len, reverse=True))
                             + r")\s*\^\s*(\{\s*\d+\s*\}|\d+)\s*\(")
_DERIVATIVE = re.compile(r"^(?:d|\\partial)\s*$")
_WITH_RESPECT_TO = re.compile(r"^(?:d|\\partial)\s*([A-Za-z][A-Za-z0-9_]*|\\[A-Za-z]+)\s*$")


_SUBSCRIPT_DIGITS = {chr(0x2080 + d): str(d) for d in range(10)}
_SUPERSCRIPT_DIGITS = {"\u00b2": "2", "\u00b3": "3", "\u00b9": "1", "\u2070": "0",
                       **{chr(0x2070 + d): str(d) for d in range(4, 10)}}
_UNICODE_SUBSCRIPT = re.compile("([A-Za-z])([" + "".join(_SUBSCRIPT_DIGITS) + "]+)")
_FUNCTION_SUPERSCRIPT = re.compile(r"\b(" + "|".join(sorted(FUNCTIONS, key=len, reverse=True))
                                   + ")\\s*([" + "".join(_SUPERSCRIPT_DIGITS) + "]+)")
_COMBINING_HAT = re.compile("([A-Za-z])\u0302")
_BARE_ARGUMENT = re.compile(r"\b(" + "|".join(sorted(
    (f for f in FUNCTIONS if f.isalpha() and f[0].islower() and f not in ("diff", "matrix")),
    key=len, reverse=True)) + r")(\s*\^\s*\d+)?[ \t]+((?:\d+(?:\.\d*)?|[A-Za-z][A-Za-z0-9_]*)(?:\s*\^\s*\d+)?)(?![\w(])")


def _unicode_scripts(text: str) -> str:
    """``x₁`` -> ``x_1``, ``tanh²(z)`` -> ``tanh^2(z)``, ``Ŷ`` -> ``Y_hat``."""
    text = _UNICODE_SUBSCRIPT.sub(
        lambda m: m.group(1) + "_" + "".join(_SUBSCRIPT_DIGITS[c] for c in m.group(2)), text)
    text = _FUNCTION_SUPERSCRIPT.sub(
        lambda m: m.group(1) + "^" + "".join(_SUPERSCRIPT_DIGITS[c] for c in m.group(2)), text)
    if "\u0302" in unicodedata.normalize("NFD", text):
        text = unicodedata.normalize("NFC", _COMBINING_HAT.sub(
            r"\1_hat", unicodedata.normalize("NFD", text)))
    return text


def _bare_arguments(text: str) -> str:
    """``cos x`` -> ``cos(x)``, ``ln x1`` -> ``ln(x1)``, ``sin x^2`` -> ``sin(x^2)``,
    ``tanh^2 z`` -> ``tanh^2(z)``.

    Only a function name followed by a space and a single name or number (with an
    optional whole-number power) is rewritten; anything longer needs brackets.
    """
    prev = None
    while prev != text:
        prev, text = text, _BARE_ARGUMENT.sub(
            lambda m: m.group(1) + (m.group(2) or "") + "(" + m.group(3) + ")"
            if m.group(3) not in FUNCTIONS else m.group(), text)
    return text


_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


def _right_of_equals(text: str) -> str:
    """``dW = dY^T X`` -> ``dY^T X``; ``= -1/8`` (a derivation line) -> ``-1/8``.

    The answer is what follows the last ``=``; a label or a chain before it is not
    part of the answer.
    """
    parts = _EQUALS.split(text)
    if len(parts) > 1 and parts[-1].strip():
        return parts[-1]
    return text


def rewrite_notation(text: str) -> str:
    """Rewrite LaTeX, ``|x|`` and ``√x`` in `text` into the plain answer syntax.

    Raises
    ------
    NotationError
        For an unsupported LaTeX command, a ``\\frac`` without its arguments, nesting
        deeper than the parser allows, or bars that do not pair up.
    """
    if "=" in text:
        text = _right_of_equals(text)
    text = _SUBSCRIPT.sub(r"_\1", text)
    text = _ESCAPED.sub(_unescape, text)
    if "\\" in text or "$" in text:
        text = _latex(_strip_math_delimiters(text), depth=0)
    if not text.isascii():
        text = _unicode_scripts(text)
    text = _bare_arguments(text)
    if "^" in text:
        text = _function_powers(text, depth=0)
    if "\u221a" in text:
        text = _root_sign(text)
    if "|" in text:
        text = _bars(text)
    return text


_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}
_ESCAPED = re.compile("([\a\b\f\n\r\t\v])([A-Za-z]*)")


def _unescape(m: re.Match) -> str:
    """A form feed + ``rac`` is what ``"\\frac"`` becomes in a plain string: restore ``\\frac``."""
    word = _ESCAPES[m.group(1)] + m.group(2)
    return "\\" + word if word in _KNOWN else m.group()


def _strip_math_delimiters(text: str) -> str:
    s = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
            return s[len(left):len(s) - len(right)]
    return text


def _latex(text: str, depth: int) -> str:
    """The LaTeX subset -> plain syntax; `depth` counts nested ``\\frac``/``\\sqrt`` arguments."""
    if depth > MAX_NESTING:
        raise _too_deep()
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _COMMAND.search(text, pos)
        if m is None:
            out.append(text[pos:])
            break
        out.append(text[pos:m.start()])
        name, pos = m.group(1), m.end()
        if name in _SIZED and text[pos:pos + 1] in ("[", "]"):  # \left[ ... \right]: grouping, not a list
            out.append("(" if text[pos] == "[" else ")")
            pos += 1
        elif name in _SPACING:
            out.append(" ")
        elif name in _SIMPLE:
            out.append(f" {_SIMPLE[name]} " if name.isalpha() and _SIMPLE[name].isalpha() else _SIMPLE[name])
        elif name in _CONTENT:
            content, pos = _argument(text, pos, name)
            out.append(_latex(content, depth + 1))
        elif name in _ACCENTS:   # \hat{Y} -> Y_hat, as the notebooks name it
            content, pos = _argument(text, pos, name)
            out.append(_latex(content, depth + 1).strip() + _ACCENTS[name])
        elif name in _FRACTIONS:
            top, pos = _argument(text, pos, name)
            bottom, pos = _argument(text, pos, name)
            out.append(_fraction(top, bottom, depth))
        elif name == "sqrt":
            if text[pos:].lstrip().startswith("["):
                raise NotationError("unparsable", "Roots other than the square root (\\sqrt[n]{...}) are not "
                                                  "supported: write x^(1/n).")
            content, pos = _argument(text, pos, name)
            out.append(f"sqrt({_latex(content, depth + 1)})")
        elif name in _UNSUPPORTED:
            raise NotationError("unparsable", _UNSUPPORTED[name])
        else:
            raise NotationError("unparsable", f"The LaTeX command \\{name} is not supported: write it in the "
                                              "plain syntax, e.g. 1/2, sigma(z), W^T, sqrt(x).")
    return "".join(out)


def _too_deep() -> NotationError:
    return NotationError("unsafe", f"Your answer is nested too deeply (more than {MAX_NESTING} levels).")


def _argument(text: str, pos: int, command: str) -> tuple[str, int]:
    """The argument of a command at `pos`: a ``{...}`` group or a single character."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        raise NotationError("unparsable", f"\\{command} is missing its argument.")
    if text[pos] != "{":
        if text[pos] == "\\":
            m = _COMMAND.match(text, pos)
            return m.group(), m.end()
        return text[pos], pos + 1
    level = 0
    for end in range(pos, len(text)):
        level += {"{": 1, "}": -1}.get(text[end], 0)
        if level == 0:
            return text[pos + 1:end], end + 1
    raise NotationError("unparsable", f"The braces after \\{command} are not closed.")


def _fraction(top: str, bottom: str, depth: int) -> str:
    """``\\frac{top}{bottom}``; ``\\frac{d}{dw}`` and ``\\frac{\\partial}{\\partial w}`` become ``d/dw``."""
    if _DERIVATIVE.match(top):
        wrt = _WITH_RESPECT_TO.match(bottom)
        if wrt:
            return f" d/d{_latex(wrt.group(1), depth + 1).strip()} "
    return f"(({_latex(top, depth + 1)})/({_latex(bottom, depth + 1)}))"


def _function_powers(text: str, depth: int) -> str:
    """``tanh^2(z)`` -> ``(tanh(z))^2`` for the known function names."""
    if depth > MAX_NESTING:
        raise _too_deep()
    out: list[str] = []
    pos = 0
    for m in _FUNCTION_POWER.finditer(text):
        if m.start() < pos:  # inside an argument already rewritten
            continue
        level, end = 0, m.end() - 1
        for end in range(m.end() - 1, len(text)):
            level += {"(": 1, ")": -1}.get(text[end], 0)
            if level == 0:
                break
        if level:
            return text  # unbalanced: left to the bracket check, which says so
        power = m.group(2).strip("{} ")
        out.append(text[pos:m.start()])
        out.append(f"({m.group(1)}{_function_powers(text[m.end() - 1:end + 1], depth + 1)})^{power}")
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def _root_sign(text: str) -> str:
    text = re.sub("\u221a\\s*([A-Za-z_][A-Za-z0-9_]*|\\d+(?:\\.\\d*)?)", r"sqrt(\1)", text)
    return text.replace("\u221a", "sqrt")


def _bars(text: str) -> str:
    """``|...|`` -> ``abs(...)``. A bar opens after the start, an operator, an opening
    bracket or another opening bar, or when no bar is open; otherwise it closes."""
    out: list[str] = []
    open_bars = 0
    prev = ""  # last non-space character written
    for ch in text:
        if ch != "|":
            out.append(ch)
            if not ch.isspace():
                prev = ch
            continue
        opening = open_bars == 0 or prev == "" or prev in "+-*/^(,[=<>" or prev == "\x00"
        if opening:
            out.append("abs(")
            open_bars += 1
            prev = "\x00"  # an opening bar: a bar right after it opens again
        else:
            out.append(")")
            open_bars -= 1
            prev = ")"
    if open_bars:
        raise NotationError("unparsable", "The | bars in your answer do not pair up (|x| is abs(x)).")
    return "".join(out)
