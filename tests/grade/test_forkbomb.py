"""A fork bomb in a submission: contained by RLIMIT_NPROC under a fresh uid.

Runs only where the process-count limit is verified first with a harmless probe
(as root, where every sandbox gets its own uid); otherwise it is skipped.
"""
from __future__ import annotations

import csv

import psutil
import pytest

import nbfactory as f
from nnlib.grade.job import Settings
from nnlib.grade.runner import grade_folder
from nnlib.grade.sandbox import Limits, fresh_uid
from test_sandbox import test_process_count_limit_is_enforced

BOMB = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"


@pytest.mark.slow
def test_fork_bomb_is_contained(tmp_path, bank):
    if fresh_uid() is None:
        pytest.skip("a per-submission uid (root) is needed to bound a fork bomb safely")
    test_process_count_limit_is_enforced()        # harmless probe first: NPROC works
    before = len(psutil.pids())
    f.write(tmp_path / "subs", "bomber", [BOMB, *f.GOOD])
    f.write(tmp_path / "subs", "good", f.GOOD)
    settings = Settings(timeout=8, limits=Limits(memory_mb=1536, cpu_s=20, nproc=32))
    grade_folder(tmp_path / "subs", tmp_path / "out", bank, settings, jobs=2, progress=False)
    rows = list(csv.DictReader(open(tmp_path / "out" / "gradebook.csv", encoding="utf-8")))
    assert {r["status"] for r in rows if r["student"] == "good"} == {"correct"}
    bomber = {r["status"] for r in rows if r["student"] == "bomber"}
    assert len(bomber) == 1 and bomber.pop().startswith("error: timeout")
    assert len(psutil.pids()) < before + 40       # nothing of the bomb survives
