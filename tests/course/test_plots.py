"""Smoke and bad-input tests for nnlib.course.plots (Agg backend, figures closed)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import ReLU, Sigmoid, Tanh
from nnlib.course.plots import activation_grid, loss_curves, surface_and_contour


def test_activation_grid_one_panel_per_activation_with_f_and_df():
    acts = [Sigmoid(), Tanh(), ReLU()]
    fig = activation_grid(acts, ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    z = visible[0].lines[0].get_xdata()
    np.testing.assert_allclose(visible[0].lines[0].get_ydata(), acts[0].f(z))
    np.testing.assert_allclose(visible[0].lines[1].get_ydata(), acts[0].df(z))
    plt.close(fig)


def test_loss_curves_draws_each_history():
    fig = loss_curves({"a": [3.0, 2.0, 1.0], "b": np.array([1.0, 0.5])}, xlabel="epoch")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2])
    plt.close(fig)


def test_surface_and_contour_panels_and_trajectory():
    T1, T2 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 4))
    L = T1**2 + T2**2
    P = np.array([[1.0, 2.0], [0.5, 1.0], [0.0, 0.0]])
    fig = surface_and_contour(T1, T2, {"q": L}, {"q": P})
    contour_ax = fig.axes[1]
    np.testing.assert_array_equal(contour_ax.lines[0].get_xdata(), P[:, 0])
    plt.close(fig)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: activation_grid([]), "at least one"),
        (lambda: activation_grid([Sigmoid()], z=np.zeros((2, 2))), "1-D"),
        (lambda: loss_curves({}), "at least one"),
        (lambda: surface_and_contour(np.zeros((2, 3)), np.zeros((3, 2)), {}), "meshgrids"),
        (lambda: surface_and_contour(np.zeros((2, 3)), np.zeros((2, 3)), {"q": np.zeros((3, 2))}), r"expected \(2, 3\)"),
        (lambda: surface_and_contour(np.zeros((2, 3)), np.zeros((2, 3)), {"q": np.zeros((2, 3))}, {"q": np.zeros(3)}),
         r"\(n_steps, 2\)"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
    plt.close("all")
