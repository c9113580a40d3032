"""Benchmarks of nnlib (run ``python -m benchmarks``); not part of the test suite.

* :mod:`benchmarks.train_step` - one SGD step of a 784-256-128-10 ReLU MLP with softmax
  cross-entropy: nnlib vs PyTorch CPU (same thread count) vs its matrix products alone.
* :mod:`benchmarks.memory` - peak memory of an nnlib step vs what it must hold.
* :mod:`benchmarks.machine` - CPU, cores, numpy/BLAS and torch configuration.
* :mod:`benchmarks.external` - optional ``bench_check.py`` / ``bench_grade.py`` written by others.
"""
import os

# OpenBLAS worker threads keep spinning (sched_yield) for up to 2^28 cycles (~0.1 s) after
# each product before they sleep. With more than one thread, that steals the second core
# from PyTorch's OpenMP threads measured right after numpy in the same process and made
# torch look 2x slower than it is. 2^4 cycles lets them sleep at once. Must be set before
# numpy is imported, hence here; an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
