"""Scalar automatic differentiation in micrograd style, forward and reverse mode, with traces.

Every operation creates a ``Value`` holding its result ``data``, its local partial
derivatives w.r.t. its operands (``_partials``), and its tangent ``dot`` (forward mode:
dot = sum_k partial_k * operand_k.dot, computed eagerly). ``backward()`` runs reverse mode:
operand.grad += partial * out.grad in reverse topological order. So each op's
derivative sits right beside its forward computation, once, and serves both modes.

``primal_trace``, ``forward_trace`` and ``reverse_trace`` record an evaluation and
return the lecture's evaluation-trace tables (Baydin et al. naming: inputs
v_{1-n}..v_0, intermediates v_1, v_2, ...). Example, f(x1, x2) = ln x1 + x1 x2 - sin x2::

    >>> t = forward_trace(lambda x1, x2: x1.log() + x1 * x2 - x2.sin(), x1=2.0, x2=5.0, wrt="x1")
    >>> round(t.derivative, 12)
    5.5
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Callable

__all__ = [
    "Value",
    "Row",
    "Trace",
    "topological_order",
    "primal_trace",
    "forward_trace",
    "reverse_trace",
    "lecture_example",
]

# Active tape while a trace is recorded (list of op-created Values), else None.
_TAPE: list | None = None

# Formula templates per op, in plain text. {a}, {b}: operand names; {out}: the result's
# name; {p}: numeric exponent; {da}, {db}: operand tangents; {g}: the result's adjoint.
# _OPS[op] = (primal, tangent, (adjoint contribution per operand))
_OPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "+": ("{a} + {b}", "{da} + {db}", ("{g}", "{g}")),
    "-": ("{a} - {b}", "{da} - {db}", ("{g}", "-{g}")),
    "*": ("{a} × {b}", "{da} × {b} + {db} × {a}", ("{g} × {b}", "{g} × {a}")),
    "/": ("{a} / {b}", "{da} / {b} - {db} × {a} / {b}^2", ("{g} / {b}", "-{g} × {a} / {b}^2")),
    "**": ("{a}^{p}", "{p} × {a}^({p}-1) × {da}", ("{g} × {p} × {a}^({p}-1)",)),
    "neg": ("-{a}", "-{da}", ("-{g}",)),
    "log": ("ln {a}", "{da} / {a}", ("{g} / {a}",)),
    "exp": ("exp {a}", "{da} × {out}", ("{g} × {out}",)),
    "sin": ("sin {a}", "{da} × cos {a}", ("{g} × cos {a}",)),
    "cos": ("cos {a}", "-{da} × sin {a}", ("-{g} × sin {a}",)),
    "tanh": ("tanh {a}", "{da} × (1 - {out}^2)", ("{g} × (1 - {out}^2)",)),
    "sigmoid": ("σ({a})", "{da} × {out} × (1 - {out})", ("{g} × {out} × (1 - {out})",)),
    "relu": ("max(0, {a})", "{da} × [{a} > 0]", ("{g} × [{a} > 0]",)),
}

_TEXT_TO_LATEX = (
    ("×", r"\times"),
    ("ln ", r"\ln "),
    ("exp ", r"\exp "),
    ("sin ", r"\sin "),
    ("cos ", r"\cos "),
    ("tanh ", r"\tanh "),
    ("σ", r"\sigma"),
    ("max", r"\max"),
    ("^(", "^{("),
)


class Value:
    """A scalar with value ``data``, adjoint ``grad`` (reverse mode) and tangent ``dot`` (forward mode).

    Supports +, -, *, / with Values or numbers, ``** number``, unary -, and the methods
    ``log, exp, sin, cos, tanh, sigmoid, relu``. Forward mode: seed an input with
    ``Value(x, dot=1.0)``; every result's ``dot`` is its derivative w.r.t. that input.
    Reverse mode: ``y.backward()`` fills ``grad`` = dy/dnode for every node.
    """

    __slots__ = ("data", "grad", "dot", "_prev", "_partials", "_op", "_p", "label")

    def __init__(
        self,
        data: float,
        dot: float = 0.0,
        label: str = "",
        _prev: tuple = (),
        _partials: tuple = (),
        _op: str = "",
        _p: float | None = None,
    ) -> None:
        if isinstance(data, Value):
            raise TypeError("Value(data) needs a number, got a Value")
        self.data = float(data)
        self.grad = 0.0
        self.dot = float(dot)
        self._prev = _prev
        self._partials = _partials
        self._op = _op
        self._p = _p
        self.label = label

    @classmethod
    def _make(cls, data: float, operands: tuple, partials: tuple, op: str, p: float | None = None) -> "Value":
        dot = sum(d * o.dot for d, o in zip(partials, operands))
        out = cls(data, dot, _prev=operands, _partials=partials, _op=op, _p=p)
        if _TAPE is not None:
            _TAPE.append(out)
        return out

    # binary ops ---------------------------------------------------------------------
    def __add__(self, other):
        other = _lift(other)
        return Value._make(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __sub__(self, other):
        other = _lift(other)
        return Value._make(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __mul__(self, other):
        other = _lift(other)
        return Value._make(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __truediv__(self, other):
        other = _lift(other)
        b = other.data
        if b == 0.0:
            raise ZeroDivisionError("Value division by zero")
        return Value._make(self.data / b, (self, other), (1.0 / b, -self.data / (b * b)), "/")

    def __pow__(self, p):
        if isinstance(p, Value):
            raise TypeError("Value ** Value is not supported; the exponent must be a number")
        p = float(p)
        return Value._make(self.data**p, (self,), (p * self.data ** (p - 1.0),), "**", p)

    def __radd__(self, other):
        return _lift(other) + self

    def __rsub__(self, other):
        return _lift(other) - self

    def __rmul__(self, other):
        return _lift(other) * self

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __neg__(self):
        return Value._make(-self.data, (self,), (-1.0,), "neg")

    # unary functions ----------------------------------------------------------------
    def log(self):
        """Natural logarithm, d/da ln a = 1/a (a > 0)."""
        if self.data <= 0.0:
            raise ValueError(f"log needs a positive argument, got {self.data}")
        return Value._make(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def exp(self):
        e = math.exp(self.data)
        return Value._make(e, (self,), (e,), "exp")

    def sin(self):
        return Value._make(math.sin(self.data), (self,), (math.cos(self.data),), "sin")

    def cos(self):
        return Value._make(math.cos(self.data), (self,), (-math.sin(self.data),), "cos")

    def tanh(self):
        t = math.tanh(self.data)
        return Value._make(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self):
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value._make(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self):
        return Value._make(max(0.0, self.data), (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    # reverse mode -------------------------------------------------------------------
    def backward(self) -> None:
        """Reverse mode: set grad of every node to d self / d node (grads of earlier runs are reset)."""
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for child, d in zip(node._prev, node._partials):
                child.grad += d * node.grad

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}, dot={self.dot:.6g})"


def topological_order(out: Value) -> list[Value]:
    """All Values that `out` depends on, `out` last, every operand before its results.

    Iterative depth-first post-order (no recursion limit on long chains); operands are
    visited left to right.
    """
    order: list[Value] = []
    seen: set[int] = set()
    stack = [(out, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(node._prev))
    return order


def _lift(x) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return Value(x)
    raise TypeError(f"Value arithmetic needs a Value or a number, got {type(x).__name__}")


# traces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a trace: ``name = formula = value`` (plain text and LaTeX forms)."""

    name: str
    formula: str
    value: float
    latex_name: str = ""
    latex_formula: str = ""


class Trace(list):
    """A list of Rows with a title; ``to_text()`` and a Jupyter HTML table (MathJax).

    ``forward_trace`` results also carry ``primal`` (the primal trace, shown alongside)
    and ``derivative``; ``reverse_trace`` results carry ``gradient`` (dict input -> value).
    """

    def __init__(self, rows=(), title: str = "", primal: "Trace | None" = None) -> None:
        super().__init__(rows)
        self.title = title
        self.primal = primal
        self.value: float = float("nan")
        self.derivative: float = float("nan")
        self.gradient: dict = {}

    def row(self, name: str) -> Row:
        """The last row with this plain-text name (e.g. ``"v_2"``, ``"v̄_{-1}"``)."""
        for r in reversed(self):
            if r.name == name:
                return r
        raise KeyError(f"no row named {name!r}; names: {[r.name for r in self]}")

    def to_text(self, digits: int = 6) -> str:
        parts = [] if self.primal is None else [self.primal.to_text(digits), ""]
        w1 = max((len(r.name) for r in self), default=0)
        w2 = max((len(r.formula) for r in self), default=0)
        lines = [self.title] + [f"{r.name:<{w1}} = {r.formula:<{w2}} = {r.value:.{digits}g}" for r in self]
        return "\n".join(parts + lines)

    def __str__(self) -> str:
        return self.to_text()

    def _table_html(self, digits: int) -> str:
        body = "".join(
            f"<tr><td>${r.latex_name}$</td><td>$= {r.latex_formula}$</td><td>$= {r.value:.{digits}g}$</td></tr>"
            for r in self
        )
        return f"<table><caption>{html.escape(self.title)}</caption>{body}</table>"

    def _repr_html_(self, digits: int = 4) -> str:
        tables = ([] if self.primal is None else [self.primal._table_html(digits)]) + [self._table_html(digits)]
        cells = "".join(f'<div style="margin-right:2em">{t}</div>' for t in tables)
        return f'<div style="display:flex;align-items:flex-start">{cells}</div>'


def _vname(k: int, mark: str = "", tex: bool = False) -> str:
    """Lecture-style name v_k; mark '' (primal), 'dot' (tangent) or 'bar' (adjoint)."""
    if tex:
        base = {"": "v", "dot": r"\dot{v}", "bar": r"\bar{v}"}[mark]
        return f"{base}_{{{k}}}"
    base = {"": "v", "dot": "v\u0307", "bar": "v\u0304"}[mark]
    return f"{base}_{{{k}}}" if k < 0 else f"{base}_{k}"


def _xname(name: str, mark: str = "", tex: bool = False) -> str:
    """Input name, e.g. x1 -> x_{1} in LaTeX, with an optional dot/bar accent."""
    if tex:
        stem = name.rstrip("0123456789")
        sub = name[len(stem):]
        core = {"": stem, "dot": rf"\dot{{{stem}}}", "bar": rf"\bar{{{stem}}}"}[mark]
        return core + (f"_{{{sub}}}" if sub else "")
    accent = {"": "", "dot": "\u0307", "bar": "\u0304"}[mark]
    return name[0] + accent + name[1:]


def _to_latex(text: str) -> str:
    for a, b in _TEXT_TO_LATEX:
        text = text.replace(a, b)
    return text.replace("-1)", "-1)}") if "^{(" in text else text


@dataclass
class _Recording:
    inputs: list  # (input name, Value)
    nodes: list  # op Values in creation order
    out: Value
    index: dict  # id(Value) -> k in v_k


def _record(f: Callable, inputs: dict, wrt: str | None) -> _Recording:
    global _TAPE
    if not inputs:
        raise ValueError("give the inputs as keywords, e.g. x1=2.0, x2=5.0")
    if wrt is not None and wrt not in inputs:
        raise ValueError(f"wrt={wrt!r} is not one of the inputs {list(inputs)}")
    n = len(inputs)
    xs = [(name, Value(v, dot=1.0 if name == wrt else 0.0, label=name)) for name, v in inputs.items()]
    previous, _TAPE = _TAPE, []
    try:
        out = f(*[x for _, x in xs])
        nodes = _TAPE
    finally:
        _TAPE = previous
    if not isinstance(out, Value):
        raise TypeError(f"the traced function must return a Value, got {type(out).__name__}")
    index = {id(x): k for k, (_, x) in zip(range(1 - n, 1), xs)}
    index.update({id(v): k for k, v in enumerate(nodes, start=1)})
    return _Recording(xs, nodes, out, index)


def _names(rec: _Recording, node: Value, mark: str, tex: bool) -> dict:
    """Template fields for one op node."""

    def name(v: Value, m: str) -> str:
        if id(v) in rec.index:
            return _vname(rec.index[id(v)], m, tex)
        return f"{v.data:g}" if m == "" else "0"  # a constant; its tangent is 0

    fields = {
        "out": name(node, ""),
        "g": _vname(rec.index[id(node)], "bar", tex),
        "p": "" if node._p is None else f"{node._p:g}",
    }
    for key, operand in zip("ab", node._prev):
        fields[key] = name(operand, "")
        fields["d" + key] = name(operand, "dot")
    return fields


def _fmt(template: str, fields: dict, tex: bool) -> str:
    text = template.format(**fields)
    return _to_latex(text) if tex else text


def _primal_rows(rec: _Recording) -> Trace:
    rows = Trace(title="Forward primal trace")
    for name, x in rec.inputs:
        k = rec.index[id(x)]
        rows.append(Row(_vname(k), name, x.data, _vname(k, tex=True), _xname(name, tex=True)))
    for node in rec.nodes:
        k = rec.index[id(node)]
        tmpl = _OPS[node._op][0]
        rows.append(Row(_vname(k), _fmt(tmpl, _names(rec, node, "", False), False), node.data,
                        _vname(k, tex=True), _fmt(tmpl, _names(rec, node, "", True), True)))
    rows.append(Row("y", _out_name(rec, "", False), rec.out.data, "y", _out_name(rec, "", True)))
    rows.value = rec.out.data
    return rows


def _out_name(rec: _Recording, mark: str, tex: bool) -> str:
    if id(rec.out) in rec.index:
        return _vname(rec.index[id(rec.out)], mark, tex)
    return f"{rec.out.data:g}"


def primal_trace(f: Callable, **inputs: float) -> Trace:
    """Forward primal trace of ``f(*inputs)`` (f written with Value operations)."""
    return _primal_rows(_record(f, inputs, None))


def forward_trace(f: Callable, wrt: str | None = None, **inputs: float) -> Trace:
    """Forward tangent (derivative) trace of f w.r.t. input `wrt` (default: the first input).

    The tangent of input `wrt` is seeded with 1, the others with 0; each row is
    dot v_k = sum over operands of (d v_k / d operand) * dot operand. ``.derivative`` is
    dy/d(wrt); ``.primal`` holds the primal trace.
    """
    wrt = next(iter(inputs)) if wrt is None and inputs else wrt
    rec = _record(f, inputs, wrt)
    rows = Trace(title=f"Forward tangent trace (d/d{wrt})", primal=_primal_rows(rec))
    for name, x in rec.inputs:
        k = rec.index[id(x)]
        rows.append(
            Row(_vname(k, "dot"), _xname(name, "dot"), x.dot, _vname(k, "dot", True), _xname(name, "dot", True))
        )
    for node in rec.nodes:
        k = rec.index[id(node)]
        tmpl = _OPS[node._op][1]
        rows.append(Row(_vname(k, "dot"), _fmt(tmpl, _names(rec, node, "", False), False), node.dot,
                        _vname(k, "dot", True), _fmt(tmpl, _names(rec, node, "", True), True)))
    rows.append(Row("y\u0307", _out_name(rec, "dot", False), rec.out.dot, r"\dot{y}", _out_name(rec, "dot", True)))
    rows.value = rec.out.data
    rows.derivative = rec.out.dot
    return rows


def reverse_trace(f: Callable, **inputs: float) -> Trace:
    """Reverse adjoint (derivative) trace: bar v_k = dy/dv_k, accumulated from y back to the inputs.

    Nodes are visited in reverse creation order; each visit adds the node's adjoint times
    its local partial to each operand's adjoint (``bar v_j = bar v_j + bar v_k dv_k/dv_j``
    on repeat visits). ``.gradient`` maps input names to dy/dx.
    """
    rec = _record(f, inputs, None)
    rows = Trace(title="Reverse adjoint trace", primal=_primal_rows(rec))
    adj: dict[int, float] = {id(rec.out): 1.0}
    if id(rec.out) in rec.index:
        k_out = rec.index[id(rec.out)]
        rows.append(Row(_vname(k_out, "bar"), "y\u0304", 1.0, _vname(k_out, "bar", True), r"\bar{y}"))
    for node in reversed(rec.nodes):
        if id(node) not in adj:
            continue  # does not influence y
        for pos, (operand, d) in enumerate(zip(node._prev, node._partials)):
            if id(operand) not in rec.index:
                continue  # a constant
            tmpl = _OPS[node._op][2][pos]
            k = rec.index[id(operand)]
            repeat = id(operand) in adj
            adj[id(operand)] = adj.get(id(operand), 0.0) + adj[id(node)] * d
            texts = []
            for tex in (False, True):
                contribution = _fmt(tmpl, _names(rec, node, "", tex), tex)
                if repeat:
                    sep = " " if contribution.startswith("-") else " + "
                    contribution = _vname(k, "bar", tex) + sep + contribution
                texts.append(contribution)
            rows.append(Row(_vname(k, "bar"), texts[0], adj[id(operand)], _vname(k, "bar", True), texts[1]))
    for name, x in rec.inputs:
        k = rec.index[id(x)]
        g = adj.get(id(x), 0.0)
        rows.gradient[name] = g
        rows.append(Row(_xname(name, "bar"), _vname(k, "bar"), g, _xname(name, "bar", True), _vname(k, "bar", True)))
    rows.value = rec.out.data
    return rows


def lecture_example(x1, x2):
    """f(x1, x2) = ln x1 + x1 x2 - sin x2, written in the ANN lecture's evaluation order.

    Python evaluates ``x1.log() + x1 * x2 - x2.sin()`` left to right, which would number
    the sum before the sine; computing sin x2 third reproduces the lecture's v_1..v_5.
    """
    v1 = x1.log()
    v2 = x1 * x2
    v3 = x2.sin()
    return v1 + v2 - v3
