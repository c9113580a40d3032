"""One call that makes a lesson notebook reproducible and pleasant to read.

``setup()`` seeds Python's and numpy's global random number generators, sets numpy
print options, matplotlib defaults and SymPy's pretty printing. It never selects a
matplotlib backend: the notebook's inline backend stays in place.
"""
from __future__ import annotations

import random

import numpy as np

#: numpy print options used by every lesson (short, aligned, no scientific noise).
PRINT_OPTIONS: dict = {"precision": 4, "suppress": True, "linewidth": 100}

#: matplotlib rcParams used by every lesson; style only, never the backend.
PLOT_STYLE: dict = {
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 11,
    "legend.frameon": False,
    "savefig.bbox": "tight",
}


def setup(seed: int = 0, *, plots: bool = True, pretty: bool = True) -> None:
    """Seed the global RNGs and set print/plot defaults for a lesson notebook.

    Parameters
    ----------
    seed : int
        Seed for ``random`` and numpy's legacy global generator
        (``np.random.seed``). Lessons still create their own
        ``np.random.default_rng(seed)`` explicitly.
    plots : bool
        Apply :data:`PLOT_STYLE` to matplotlib's rcParams (the backend is untouched).
    pretty : bool
        Turn on SymPy's ``init_printing`` (LaTeX output in notebooks).
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    random.seed(int(seed))
    np.random.seed(int(seed))
    np.set_printoptions(**PRINT_OPTIONS)
    if plots:
        import matplotlib

        # rcParams.update never touches "backend" here, so inline stays inline.
        matplotlib.rcParams.update(PLOT_STYLE)
    if pretty:
        import sympy

        sympy.init_printing(use_latex="mathjax")
