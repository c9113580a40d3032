"""Lesson 11's float32 agreement claim, checked across BLAS thread counts (1 and 2).

The same float32 training (nnlib, and PyTorch when installed) runs in two fresh processes, one
with every BLAS/OpenMP pool at 1 thread and one at 2 threads. A different thread count splits
every dot product differently, so the four loss histories may differ; every pair must stay within
the bound the lesson states, agreement_bound of 8 reordered runs (nnlib.course.rounding).
"""
import itertools
import json
import os
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


def _run_with_threads(n: int) -> dict[str, np.ndarray]:
    env = {**os.environ, **{var: str(n) for var in THREAD_VARS}}
    repo = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [repo, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, str(RUNNER)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"float32 run with {n} BLAS thread(s) failed:\n{done.stderr[-3000:]}"
    return {name: np.array(losses) for name, losses in json.loads(done.stdout.strip().splitlines()[-1]).items()}


@pytest.mark.slow
def test_float32_runs_with_1_and_2_threads_stay_within_the_lessons_bound():
    data, sizes = load()
    spread = reordering_spread(make_mlp(sizes, rng=0, dtype=np.float32), nnlib.SoftmaxCrossEntropyLoss(),
                               data.X_train, data.y_train, runs=8, epochs=SETTINGS["epochs"],
                               batch_size=SETTINGS["batch_size"], lr=SETTINGS["lr"], rng=SETTINGS["seed"])
    bound = agreement_bound(spread)
    runs = {f"{name}, {n} thread(s)": losses for n in (1, 2) for name, losses in _run_with_threads(n).items()}
    assert len(runs) >= 2
    for (a, la), (b, lb) in itertools.combinations(runs.items(), 2):
        gap = float(np.max(np.abs(la - lb)))
        assert gap <= bound, (f"{a} vs {b}: max |loss gap| {gap:.3e} exceeds the lesson's bound {bound:.3e} "
                              f"(10 x the largest spread {spread.envelope[-1]:.3e} of 8 reordered float32 runs)")
