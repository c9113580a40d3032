"""nnlib.course.finite_differences: the step-size helpers of lesson 12."""
from __future__ import annotations

import numpy as np
import pytest

from nnlib.course.finite_differences import (central_difference, central_difference_errors,
                                             error_bound, optimal_step, unit_roundoff)


def test_unit_roundoff_is_half_machine_epsilon():
    assert unit_roundoff(np.float64) == 2.0**-53
    assert unit_roundoff(np.float32) == 2.0**-24


@pytest.mark.parametrize("u, F, M", [(2.0**-53, 1.0, 1.0), (2.0**-24, 3.0, 0.5)])
def test_optimal_step_minimises_the_bound(u, F, M):
    h_star = optimal_step(u, F, M)
    grid = h_star * np.logspace(-1, 1, 2001)            # a fine grid around h*
    best = grid[np.argmin(error_bound(grid, u, F, M))]
    # grid spacing is a factor 10^(2/2000) ~ 1.0023, so the minimiser is within 0.3 % of h*
    assert best == pytest.approx(h_star, rel=3e-3)
    assert error_bound(h_star, u, F, M) == pytest.approx(M * h_star**2 / 2, rel=1e-12)


def test_central_difference_is_exact_for_quadratics_and_dtype_matters():
    # for f = x^2 the central difference is exactly 2x (no truncation); step 0.5 is exact in binary
    assert central_difference(lambda t: t * t, 3.0, 0.5) == 6.0
    # float32 with a float64-sized step: rounding error ~ u F / h = 6e-8 / 1e-6 ~ 6e-2 >> 1e-3
    err32 = central_difference_errors(np.exp, np.exp, 0.0, [1e-6], np.float32)[0]
    err64 = central_difference_errors(np.exp, np.exp, 0.0, [1e-6], np.float64)[0]
    # bound E(1e-6) = u/h + h^2/6: ~6e-2 in float32 (measured ~1e-2), ~1.1e-10 in float64
    assert err32 > 1e-3 and err64 < 1e-9, (err32, err64)


def test_zero_derivative_is_refused():
    with pytest.raises(ValueError, match="df\\(x\\) is 0"):
        central_difference_errors(np.cos, lambda t: -np.sin(t), 0.0, [1e-3])
