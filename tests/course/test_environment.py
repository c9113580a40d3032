"""setup(): seeds, print options and plot style, without touching the matplotlib backend."""
from __future__ import annotations

import random

import matplotlib
import numpy as np
import pytest

from nnlib.course import setup
from nnlib.course.environment import PLOT_STYLE, PRINT_OPTIONS


@pytest.fixture(autouse=True)
def restore_global_state():
    rc, printopts = matplotlib.rcParams.copy(), np.get_printoptions()
    yield
    matplotlib.rcParams.update(rc)
    np.set_printoptions(**printopts)


def test_seeds_make_global_draws_reproducible():
    setup(3)
    first = (random.random(), np.random.rand())
    setup(3)
    assert (random.random(), np.random.rand()) == first
    setup(4)
    assert (random.random(), np.random.rand()) != first


def test_print_options_and_plot_style_but_not_backend():
    backend = matplotlib.get_backend()
    setup()
    assert matplotlib.get_backend() == backend
    assert "backend" not in PLOT_STYLE
    for key, value in PLOT_STYLE.items():
        assert matplotlib.rcParams[key] == value or list(matplotlib.rcParams[key]) == list(value)
    options = np.get_printoptions()
    assert all(options[k] == v for k, v in PRINT_OPTIONS.items())


@pytest.mark.parametrize("seed", ["0", 1.5, True])
def test_bad_seed_raises(seed):
    with pytest.raises(TypeError, match="seed must be an int"):
        setup(seed)
