"""Benchmarks of nnlib (run ``python -m benchmarks``); not part of the test suite.

* :mod:`benchmarks.train_step` - one SGD step of a 784-256-128-10 ReLU MLP with softmax
  cross-entropy: nnlib vs PyTorch CPU (same thread count) vs its matrix products alone.
* :mod:`benchmarks.memory` - peak memory of an nnlib step vs what it must hold.
* :mod:`benchmarks.machine` - CPU, cores, numpy/BLAS and torch configuration.
* :mod:`benchmarks.external` - optional ``bench_check.py`` / ``bench_grade.py`` written by others.
"""
