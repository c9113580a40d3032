"""The sandbox wrapper: limits, file-system confinement, uid drop, and killing.

Each probe is harmless by construction (a few sleeping processes, a refused
allocation), so a broken limit fails the test without hurting the machine.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nnlib.grade.sandbox import (Limits, fresh_uid, kill_all, landlock_abi, make_scratch,
                                 sandbox_env, wrapper_argv)


def run_sandboxed(code: str, limits: Limits = Limits(memory_mb=1024, cpu_s=20, nproc=16),
                  timeout: float = 60) -> tuple[subprocess.CompletedProcess, Path]:
    uid = fresh_uid()
    scratch = make_scratch(uid)
    argv = wrapper_argv(limits, scratch, uid, sandbox_env(scratch))
    try:
        proc = subprocess.run(argv + [sys.executable, "-c", textwrap.dedent(code)],
                              capture_output=True, text=True, timeout=timeout)
    finally:
        kill_all(None, uid)
        shutil.rmtree(scratch, ignore_errors=True)
    return proc, scratch


def test_process_count_limit_is_enforced():
    """Harmless probe: try to start 40 sleeping children under nproc=16."""
    code = """
        import subprocess
        started, refused = [], 0
        for _ in range(40):
            try:
                started.append(subprocess.Popen(["sleep", "3"]))
            except OSError:
                refused += 1
        for p in started:
            p.kill()
        print(len(started), refused)
    """
    proc, _ = run_sandboxed(code)
    assert proc.returncode == 0, proc.stderr
    started, refused = map(int, proc.stdout.split())
    assert refused > 0 and started < 16


def test_memory_limit_refuses_huge_allocation():
    proc, _ = run_sandboxed("""
        try:
            bytearray(8 * 1024**3)
            print("allocated")
        except MemoryError:
            print("refused")
    """)
    assert proc.stdout.strip() == "refused", proc.stderr


def test_reads_outside_python_and_scratch_are_denied(tmp_path: Path):
    if landlock_abi() < 1:
        pytest.skip("Landlock unavailable on this kernel")
    secret = tmp_path / "secret.txt"
    secret.write_text("42")
    secret.chmod(0o644)
    proc, _ = run_sandboxed(f"""
        import numpy
        for path in [{str(secret)!r}, "/work/main/pyproject.toml"]:
            try:
                open(path).read()
                print("read")
            except OSError:
                print("denied")
        open("own.txt", "w").write("ok")
        print(open("own.txt").read())
    """)
    assert proc.stdout.split() == ["denied", "denied", "ok"], proc.stderr


def test_root_runs_as_unprivileged_uid():
    proc, _ = run_sandboxed("import os; print(os.getuid())")
    uid = int(proc.stdout)
    assert uid != 0 if fresh_uid() is not None else uid >= 0


def test_kill_all_kills_detached_descendants():
    uid = fresh_uid()
    if uid is None:
        pytest.skip("killing by uid needs root")
    scratch = make_scratch(uid)
    argv = wrapper_argv(Limits(memory_mb=1024), scratch, uid, sandbox_env(scratch))
    code = "import subprocess, os, time; subprocess.Popen(['setsid', 'sleep', '60']); time.sleep(60)"
    proc = subprocess.Popen(argv + [sys.executable, "-c", code])
    import psutil
    import time
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if sum(p.uids().real == uid for p in psutil.process_iter()) >= 2:
            break
        time.sleep(0.1)
    kill_all(proc.pid, uid)
    proc.wait(timeout=10)
    shutil.rmtree(scratch, ignore_errors=True)
    left = [p for p in psutil.process_iter()
            if p.uids().real == uid and p.status() != psutil.STATUS_ZOMBIE]
    assert left == []


@pytest.mark.parametrize("field", ["memory_mb", "cpu_s", "nproc"])
def test_limits_reject_non_positive(field):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: 0})
