"""Lesson 11's float32 agreement claim, checked across BLAS thread counts and BLAS kernels.

The same float32 training (nnlib, and PyTorch when installed) runs in fresh processes with every
BLAS/OpenMP pool at 1 thread and at 2 threads, and on x86-64 also with OpenBLAS forced to the
kernels of other CPUs (OPENBLAS_CORETYPE: Haswell, AVX2 with FMA, as on AMD Zen; Sandybridge, AVX
without FMA). Each splits and orders every dot product differently, so the loss histories may
differ; every pair must stay within the bound the lesson states, agreement_bound of 16 reordered
runs (nnlib.course.rounding).
"""
import itertools
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnlib
from nnlib.course.compare import make_mlp
from nnlib.course.rounding import agreement_bound, reordering_spread

from float_agreement_run import SETTINGS, load

RUNNER = Path(__file__).with_name("float_agreement_run.py")
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


CONFIGS = [(1, None), (2, None)]
if platform.machine().lower() in ("x86_64", "amd64"):
    CONFIGS += [(2, "Haswell"), (1, "Sandybridge")]


def _run(threads: int, coretype: str | None) -> dict[str, np.ndarray]:
    env = {**os.environ, **{var: str(threads) for var in THREAD_VARS}}
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    repo = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [repo, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, str(RUNNER)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"float32 run ({threads} threads, kernel {coretype}) failed:\n{done.stderr[-3000:]}"
    return {name: np.array(losses) for name, losses in json.loads(done.stdout.strip().splitlines()[-1]).items()}


@pytest.mark.slow
def test_float32_runs_on_other_thread_counts_and_kernels_stay_within_the_lessons_bound():
    data, sizes = load()
    spread = reordering_spread(make_mlp(sizes, rng=0, dtype=np.float32), nnlib.SoftmaxCrossEntropyLoss(),
                               data.X_train, data.y_train, epochs=SETTINGS["epochs"],
                               batch_size=SETTINGS["batch_size"], lr=SETTINGS["lr"], rng=SETTINGS["seed"])
    bound = agreement_bound(spread)
    runs = {f"{name}, {threads} thread(s), kernel {coretype or 'default'}": losses
            for threads, coretype in CONFIGS for name, losses in _run(threads, coretype).items()}
    assert len(runs) >= len(CONFIGS)  # nnlib in every configuration, PyTorch too where installed
    for (a, la), (b, lb) in itertools.combinations(runs.items(), 2):
        gap = float(np.max(np.abs(la - lb)))
        assert gap <= bound, (f"{a} vs {b}: max |loss gap| {gap:.3e} exceeds the lesson's bound {bound:.3e} "
                              f"(10 x the largest spread {spread.envelope[-1]:.3e} of 16 reordered float32 runs)")
