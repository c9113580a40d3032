"""nnlib.course.graphs: node order, layout and the drawn labels (Agg backend, figures closed)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from nnlib.autodiff import Value, lecture_example
from nnlib.course.graphs import draw_graph, graph_nodes


def one_neuron():
    x, w, b, c = (Value(v, label=n) for v, n in ((1.0, "x"), (0.0, "w"), (0.0, "b"), (1.0, "c")))
    z = w * x + b
    y = z.sigmoid()
    L = 0.5 * (y - c) ** 2
    return x, w, b, c, z, y, L


def test_graph_nodes_lists_every_node_once_operands_first():
    x1, x2 = Value(2.0, label="x1"), Value(5.0, label="x2")
    y = lecture_example(x1, x2)
    order = graph_nodes(y)
    # 2 inputs + 5 operations (ln, *, sin, +, -); x1 and x2 are each used twice but listed once
    assert len(order) == 7 and len({id(v) for v in order}) == 7
    position = {id(v): k for k, v in enumerate(order)}
    for node in order:
        for operand in node._prev:
            assert position[id(operand)] < position[id(node)]
    assert order[-1] is y


def test_draw_graph_shows_names_values_and_adjoints():
    x, w, b, c, z, y, L = one_neuron()
    L.backward()
    fig = draw_graph(L, names={z: "z", y: "y", L: "L"})
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "L\n0.125" in texts and "y\n0.5" in texts and "w\n0" in texts
    # dL/dw = dL/db = -1/8 at x = c = 1, w = b = 0 (computed by hand in lesson 2)
    assert texts.count("grad -0.125") >= 2
    plt.close(fig)


def test_draw_graph_without_grads_and_on_given_axes():
    *_, L = one_neuron()
    fig, ax = plt.subplots()
    assert draw_graph(L, grads=False, ax=ax) is fig
    assert not any(t.get_text().startswith("grad") for t in ax.texts)
    plt.close(fig)


def test_draw_graph_rejects_bad_input():
    with pytest.raises(TypeError, match="Value"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="digits"):
        draw_graph(Value(1.0), digits=0)
