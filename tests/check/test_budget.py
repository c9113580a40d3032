"""Time budget and the fallback off the main thread (no SIGALRM there)."""
import threading
import time

import pytest

from nnlib.check import check
from nnlib.check.budget import BudgetExceeded, time_budget


def test_budget_interrupts_long_work():
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.05) as enforced:
            assert enforced
            while True:
                pass
    assert time.perf_counter() - start < 1.0


def test_budget_fast_block_passes():
    with time_budget(1.0):
        x = sum(range(100))
    assert x == 4950


def _in_thread(fn):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("v", fn()))
    t.start()
    t.join(10)
    assert not t.is_alive()
    return out["v"]


def test_not_enforced_off_main_thread():
    def probe():
        with time_budget(0.1) as enforced:
            return enforced
    assert _in_thread(probe) is False


def test_check_works_off_main_thread():
    start = time.perf_counter()
    v = _in_thread(lambda: check("(a+b+c+d)**1000", expected="a", variables="a b c d"))
    assert not v and time.perf_counter() - start < 2.0
    assert _in_thread(lambda: check("sigma(z)*(1-sigma(z))",
                                    expected="1/(2 + exp(z) + exp(-z))"))
