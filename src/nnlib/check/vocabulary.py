"""The words students may use in an answer, and what each one means.

Only the names listed here (plus the question's own variables) are ever turned into
SymPy objects; everything else is reported as an unknown name. Nothing here is
looked up in a Python or SymPy namespace.
"""
from __future__ import annotations

# Unicode characters rewritten before tokenizing (operators, superscripts, Greek letters).
UNICODE_OPERATORS: dict[str, str] = {
    "\u2212": "-", "\u2013": "-", "\u00b7": "*", "\u22c5": "*", "\u00d7": "*",
    "\u00f7": "/", "\u2218": " % ", "\u2299": " % ", "\u1d40": ".T ", "\u22a4": ".T ", "\u00b2": "**2",
    "\u00b3": "**3", "\u2202": "d", "\u221a": "sqrt",
}

GREEK: dict[str, str] = {
    "\u03b1": "alpha", "\u03b2": "beta", "\u03b3": "gamma", "\u03b4": "delta",
    "\u03b5": "epsilon", "\u03f5": "epsilon", "\u03b6": "zeta", "\u03b7": "eta",
    "\u03b8": "theta", "\u03ba": "kappa", "\u03bb": "lambda", "\u03bc": "mu",
    "\u03bd": "nu", "\u03be": "xi", "\u03c0": "pi", "\u03c1": "rho", "\u03c3": "sigma",
    "\u03c4": "tau", "\u03c6": "phi", "\u03d5": "phi", "\u03c7": "chi", "\u03c8": "psi",
    "\u03c9": "omega", "\u0394": "Delta",
}

# Python keywords that are also ordinary math names: renamed for ast.parse, renamed back.
KEYWORD_NAMES: dict[str, str] = {"lambda": "lamda_", "in": "in_", "is": "is_", "as": "as_"}
KEYWORD_BACK: dict[str, str] = {v: k for k, v in KEYWORD_NAMES.items()}

# Function names -> canonical function key (understood by build.py).
FUNCTIONS: dict[str, str] = {
    "exp": "exp", "ln": "log", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan",
    "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "sech": "sech", "sqrt": "sqrt",
    "sigma": "sigmoid", "sigmoid": "sigmoid", "relu": "relu", "ReLU": "relu",
    "softplus": "softplus", "Heaviside": "heaviside", "heaviside": "heaviside",
    "step": "heaviside", "max": "max", "Max": "max", "min": "min", "Min": "min",
    "abs": "abs", "Abs": "abs",
    "Derivative": "diff", "diff": "diff",
    "Matrix": "matrix", "ImmutableMatrix": "matrix", "matrix": "matrix",
    "transpose": "transpose", "Transpose": "transpose",
    "hadamard": "hadamard", "HadamardProduct": "hadamard",
    "diag": "diag", "sum": "sum", "ones": "ones", "OneMatrix": "ones",
    "zeros": "zeros", "ZeroMatrix": "zeros", "eye": "eye", "Identity": "eye",
}

# Names that mean a constant unless the question declares a variable of that name.
CONSTANTS: tuple[str, ...] = ("pi", "e", "E")

# Limits that keep parsing and evaluation cheap on hostile input.
MAX_LENGTH = 2000          # characters
MAX_NESTING = 60           # bracket depth in the text
MAX_AST_DEPTH = 120        # depth of the syntax tree
MAX_NUMBER_DIGITS = 60     # digits in one number literal
MAX_EXPONENT = 1000        # |n| in x**n for a number n
MAX_MAGNITUDE = 1e300      # largest constant sub-expression allowed
MAX_MATRIX_POWER = 16      # n in M**n for a square matrix M
MAX_MATRIX_SIZE = 100      # rows/cols of ones(r, c), zeros(r, c), eye(n)
