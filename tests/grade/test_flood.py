"""50 flooding submissions beside honest ones: the grader's memory stays under 500 MB.

The grading runs in a separate Python process (``nnlib.grade.runner.grade_folder``, 2 jobs)
while this test samples, every 0.1 s, the proportional set size (PSS: shared pages split
between the processes sharing them) of every grader process: that process and all its
descendants that still run as root (the forkserver and the per-submission grading
children). Kernels and code runners run as sandbox uids and have limits of their own
(cgroup/rlimits); they are not the grader. Every honest row must be right.
"""
from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

import attacks as a
import nbfactory as f

PEAK_LIMIT_MB = 500
N_FLOODS = 50
KINDS = ["display", "comm", "malformed", "print-lines"]
# Each just over the 8 MB output budget (many messages), so all are counted and dropped.
CELLS = {"display": a.FLOODS["display"].replace("range(200)", "range(90)"),
         "comm": a.FLOODS["comm"].replace("range(300)", "range(100)"),
         "malformed": a.FLOODS["malformed"],
         "print-lines": "for _ in range(150):\n    print('p' * 65536)"}


def _grader_pss(root: psutil.Process) -> int:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            if proc.uids().real == 0:
                total += proc.memory_full_info().pss
        except psutil.Error:
            pass
    return total


@pytest.mark.slow
def test_fifty_floods_keep_the_grader_under_500_mb(tmp_path):
    subs = tmp_path / "subs"
    for i in range(N_FLOODS):
        f.write(subs, f"flood{i:02d}", [CELLS[KINDS[i % len(KINDS)]], *f.GOOD])
    for i in range(3):
        f.write(subs, f"honest{i}", f.GOOD)
    f.write(subs, "partial", ["answer_90_1 = 0.25", "answer_90_2 = 'x'", f.STUB[2]])
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import FAST
        from nnlib.grade.bank import load_grader_bank
        from nnlib.grade.runner import grade_folder
        grade_folder({str(subs)!r}, {str(tmp_path / 'out')!r}, load_grader_bank({str(f.BANK)!r}),
                     FAST, jobs=2, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    grader = psutil.Process(proc.pid)
    peak = 0
    started = time.monotonic()
    while proc.poll() is None:
        peak = max(peak, _grader_pss(grader))
        time.sleep(0.1)
        assert time.monotonic() - started < 900, "the flood run did not finish"
    assert proc.returncode == 0
    assert peak < PEAK_LIMIT_MB * 2**20, f"grader peak PSS {peak / 2**20:.0f} MB"
    rows = list(csv.DictReader(open(tmp_path / "out" / "gradebook.csv", encoding="utf-8")))
    by_student: dict[str, float] = {}
    for r in rows:
        by_student[r["student"]] = by_student.get(r["student"], 0) + float(r["points"])
    assert len(by_student) == N_FLOODS + 4
    assert all(by_student[f"honest{i}"] == 6 for i in range(3))
    assert by_student["partial"] == 1
    assert all(by_student[f"flood{i:02d}"] == 6 for i in range(N_FLOODS))
    print(f"grader peak PSS {peak / 2**20:.0f} MB, {time.monotonic() - started:.0f} s")
