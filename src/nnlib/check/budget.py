"""A time budget for symbolic work that might run long (SymPy can on nasty input).

On the main thread of a POSIX process (plain Python and Jupyter kernels) the budget is
enforced with ``SIGALRM``; elsewhere (threads, Windows, or when another timer such as
``signal.alarm`` is already active) ``time_budget`` yields ``False`` and callers must
stick to cheap operations.

The timer repeats every ``_REPEAT`` seconds after the budget is spent: a signal that
arrives inside a garbage-collector callback or ``__del__`` cannot raise (Python prints
and drops the exception), so the next tick tries again until the block is left.
Callers wrap the ``with`` block in ``try ... except BudgetExceeded``.
"""
from __future__ import annotations

import contextlib
import signal
import threading

_REPEAT = 0.02   # seconds between repeated alarms once the budget is spent
_active = False


class BudgetExceeded(BaseException):
    """Raised inside a ``time_budget`` block when time runs out.

    A ``BaseException`` so that ``except Exception`` inside SymPy cannot swallow it.
    """


def _handler(signum, frame):
    if _active:
        raise BudgetExceeded()


@contextlib.contextmanager
def time_budget(seconds: float):
    """Run the block for at most about ``seconds``; yields True if that is enforced.

    Usage::

        try:
            with time_budget(0.2) as enforced:
                ...  # BudgetExceeded is raised here if the block takes too long
        except BudgetExceeded:
            ...
    """
    global _active
    usable = (hasattr(signal, "setitimer") and not _active
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield False
        return
    old = signal.signal(signal.SIGALRM, _handler)
    _active = True
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield True
    finally:
        _active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
