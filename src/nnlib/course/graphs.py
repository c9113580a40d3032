"""Draw the computational graph behind an :class:`nnlib.autodiff.Value` with matplotlib.

Used by the lessons on computational graphs (2) and forward/reverse mode (3)::

    from nnlib.autodiff import Value
    from nnlib.course.graphs import draw_graph
    x, w, b = Value(1.0, label="x"), Value(0.0, label="w"), Value(0.0, label="b")
    y = (w * x + b).sigmoid()
    y.backward()
    fig = draw_graph(y, names={y: "y"})

Layout: a node's column is its depth (inputs at 0, each operation one column right
of its deepest operand; constants sit one column left of their first user). Each node
shows its name (or operation), its value and, if ``grads=True``, its adjoint
``grad`` = d output / d node in red.
"""
from __future__ import annotations

from typing import Any, Mapping

from nnlib.autodiff import topological_order

__all__ = ["graph_nodes", "draw_graph"]

_OP_TEXT = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": "/", "**": "^", "neg": "\u2212",
            "log": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tanh": "tanh",
            "sigmoid": "\u03c3", "relu": "max(0,\u00b7)"}


def _op_text(node: Any) -> str:
    if node._op == "**":
        return f"^{node._p:g}"
    return _OP_TEXT.get(node._op, node._op)


#: All Values that `out` depends on (including `out`), operands before results.
graph_nodes = topological_order


def _columns(order: list) -> dict[int, int]:
    col: dict[int, int] = {}
    for node in order:
        col[id(node)] = 1 + max((col[id(c)] for c in node._prev), default=-1)
    for node in order:  # pull constants next to their first user
        for c in node._prev:
            if not c._prev and not c.label:
                col[id(c)] = max(col[id(c)], col[id(node)] - 1)
    return col


def draw_graph(out: Any, names: Mapping[Any, str] | None = None, grads: bool = True,
               digits: int = 4, ax: Any = None, title: str = ""):
    """Draw the graph of `out` (a Value); returns the matplotlib Figure.

    Parameters
    ----------
    out : nnlib.autodiff.Value
        The output node. Call ``out.backward()`` first to show adjoints.
    names : mapping Value -> str, optional
        Names for intermediate nodes (e.g. ``{z: "z", y: "y"}``); inputs use their
        ``label``; other nodes show their operation.
    grads : bool
        Show ``grad`` (d out / d node) under each value.
    digits : int
        Significant digits of the numbers shown.
    """
    from nnlib.autodiff import Value

    if not isinstance(out, Value):
        raise TypeError(f"draw_graph needs an nnlib.autodiff.Value, got {type(out).__name__}")
    if not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive int, got {digits!r}")
    names = {id(k): v for k, v in (names or {}).items()}
    order = graph_nodes(out)
    col = _columns(order)
    rows: dict[int, int] = {}
    row_of: dict[int, int] = {}
    for node in order:
        c = col[id(node)]
        row_of[id(node)] = rows.get(c, 0)
        rows[c] = rows.get(c, 0) + 1
    height = max(rows.values())

    def pos(node):
        c = col[id(node)]
        return 1.6 * c, (rows[c] - 1) / 2 - row_of[id(node)]

    import matplotlib.pyplot as plt

    if ax is None:
        ncols = max(col.values()) + 1
        fig, ax = plt.subplots(figsize=(1.6 * ncols + 0.6, 1.1 * height + 0.8))
    else:
        fig = ax.figure
    for node in order:
        x1, y1 = pos(node)
        for child in node._prev:
            x0, y0 = pos(child)
            ax.annotate("", xy=(x1 - 0.42, y1), xytext=(x0 + 0.42, y0),
                        arrowprops=dict(arrowstyle="->", color="0.45", lw=1.0))
    for node in order:
        x, y = pos(node)
        constant = not node._prev and not node.label
        name = names.get(id(node)) or node.label or ("" if constant else _op_text(node))
        text = f"{name}\n{node.data:.{digits}g}" if name else f"{node.data:.{digits}g}"
        ax.text(x, y, text, ha="center", va="center", fontsize=9 if constant else 10,
                bbox=dict(boxstyle="round,pad=0.3", fc="0.93" if constant else "#dbe9f6",
                          ec="0.6" if constant else "#2a6fb0"))
        if grads and not constant:
            ax.text(x, y - 0.42, f"grad {node.grad:.{digits}g}", ha="center", va="top",
                    fontsize=9, color="#c0392b")
    ax.set_xlim(-0.7, 1.6 * max(col.values()) + 0.7)
    ax.set_ylim(-height / 2 - 0.5, height / 2 + 0.1)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig
