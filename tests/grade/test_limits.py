"""Limits of the grader's own work: result files, zips, derivation length, checking time,
per-submission cgroups."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

import nbfactory as f
from nnlib.course.bank import Question
from nnlib.grade import discover
from nnlib.grade.cgroup import SubmissionCgroup
from nnlib.grade.execute import read_regular_file
from nnlib.grade.regrade import MAX_STEPS, CheckBudgetExceeded, regrade
from nnlib.grade.sandbox import Limits, fresh_uid, kill_all, make_scratch, sandbox_env, wrapper_argv


def test_read_regular_file_refuses_fifos_devices_and_links(tmp_path):
    os.mkfifo(tmp_path / "fifo")                     # would block an ordinary open()
    (tmp_path / "zero").symlink_to("/dev/zero")      # would never end
    (tmp_path / "big").write_bytes(b"x" * 5000)
    (tmp_path / "ok").write_bytes(b"fine")
    (tmp_path / "link").symlink_to(tmp_path / "ok")
    assert read_regular_file(tmp_path, "fifo", 100) is None
    assert read_regular_file(tmp_path, "zero", 100) is None
    assert read_regular_file(tmp_path, "link", 100) is None
    assert read_regular_file(tmp_path, "missing", 100) is None
    assert read_regular_file(tmp_path, "ok", 100) == b"fine"
    assert len(read_regular_file(tmp_path, "big", 100)) == 101      # cap + 1: "too large"
    (tmp_path / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    assert read_regular_file(tmp_path / "dirlink", "ok", 100) is None


def _zip_with(tmp_path: Path, members: dict[str, bytes], stored: bool = False) -> Path:
    archive = tmp_path / "class.zip"
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(archive, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return archive


def test_bad_zip_members_are_rows_and_the_unpack_folder_is_removed(tmp_path, monkeypatch):
    good = f.write(tmp_path / "src", "ann", f.GOOD).read_bytes()
    archive = _zip_with(tmp_path, {"export/ann/90_grading_fixture.ipynb": good,
                                   "export/crc/90_grading_fixture.ipynb": good,
                                   "export/bomb/90_grading_fixture.ipynb": b"0" * (5 * 2**20),
                                   "export/huge/90_grading_fixture.ipynb": b"0" * (30 * 2**20)},
                       stored=False)
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("export/crc/90_grading_fixture.ipynb")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + 10] ^= 0xFF                           # corrupt the compressed data: bad CRC
    archive.write_bytes(bytes(raw))
    made = []
    real = discover.tempfile.mkdtemp
    monkeypatch.setattr(discover.tempfile, "mkdtemp",
                        lambda **kw: made.append(real(**kw)) or made[-1])
    with discover.open_submissions(archive) as subs:
        by_student = {s.student: s for s in subs}
        assert Path(made[0]).is_dir()
    assert not Path(made[0]).exists()
    assert by_student["ann"].error == ""
    assert "cannot be read" in by_student["crc"].error
    assert "compression ratio" in by_student["bomb"].error
    assert "too large" in by_student["huge"].error


def _steps_question() -> Question:
    return Question(id="91.1", lesson=91, kind="steps", prompt="p", variable="v", points=2,
                    expected="2*x", variables=("x",))


def test_a_derivation_longer_than_the_cap_is_an_error_row_without_checking():
    steps = ["x**2"] * (MAX_STEPS + 1)
    started = time.monotonic()
    (res,) = regrade([_steps_question()], {"v": steps}, Limits())
    assert res.status == "error" and f"at most {MAX_STEPS} steps" in res.feedback
    assert res.points == 0
    assert time.monotonic() - started < 5      # nothing was checked (a bound, not a benchmark)


def test_checking_time_past_the_budget_stops_the_submission():
    with pytest.raises(CheckBudgetExceeded):
        regrade([_steps_question()] * 3, {"v": ["d/dx x**2", "2*x"]}, Limits(), check_s=1e-6)
    (res,) = regrade([_steps_question()], {"v": ["d/dx x**2", "2*x"]}, Limits(), check_s=60)
    assert res.status in ("correct", "incorrect")


def _cgroups_work() -> bool:
    group = SubmissionCgroup.create(64, 8)
    if group is not None:
        group.remove()
    return group is not None


needs_cgroup = pytest.mark.skipif(not _cgroups_work(), reason="no writable cgroup hierarchy (not root?)")


def _sandboxed(code: str, group: SubmissionCgroup, memory_mb: int = 1024, timeout: float = 60):
    uid = fresh_uid()
    scratch = make_scratch(uid)
    argv = wrapper_argv(Limits(memory_mb=memory_mb, cpu_s=30, nproc=64), scratch, uid,
                        sandbox_env(scratch), cgroups=group.paths)
    try:
        return subprocess.run(argv + [sys.executable, "-c", textwrap.dedent(code)],
                              capture_output=True, text=True, timeout=timeout)
    finally:
        kill_all(None, uid)
        shutil.rmtree(scratch, ignore_errors=True)


@needs_cgroup
def test_memory_is_limited_per_submission_not_per_process():
    """Harmless probe: 4 processes of 100 MB each (touched) in a group limited to 256 MB.
    Each fits its own 1024 MB address-space limit; together they cannot all live."""
    group = SubmissionCgroup.create(256, 64)
    try:
        proc = _sandboxed("""
            import subprocess, sys, time
            code = "b = bytearray(100 * 2**20)\\nimport time\\ntime.sleep(20)"
            kids = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
            time.sleep(6)
            print(sum(k.poll() is None for k in kids))
            for k in kids:
                k.kill()
        """, group)
    finally:
        group.remove()
    alive = int(proc.stdout.split()[-1]) if proc.stdout.split() else 0
    assert alive < 4, (proc.stdout, proc.stderr)


@needs_cgroup
def test_process_count_is_limited_per_submission():
    group = SubmissionCgroup.create(512, 10)
    try:
        proc = _sandboxed("""
            import subprocess
            started, refused = [], 0
            for _ in range(30):
                try:
                    started.append(subprocess.Popen(["sleep", "5"]))
                except OSError:
                    refused += 1
            for p in started:
                p.kill()
            print(len(started), refused)
        """, group)
    finally:
        group.remove()
    started, refused = map(int, proc.stdout.split())
    assert refused > 0 and started < 10


@needs_cgroup
def test_a_submission_runs_in_its_cgroup_with_one_core_at_most():
    """Deterministic check (no timing): the sandboxed process is in the submission's
    cgroup, whose CPU limit is one core (quota = period) and whose memory and process
    limits are the submission's."""
    group = SubmissionCgroup.create(300, 20)
    try:
        proc = _sandboxed("print(open('/proc/self/cgroup').read())", group)
        inside = proc.stdout
        for folder in group.folders:
            name = folder.name
            assert name in inside, (name, inside, proc.stderr)
        files = {p.name: p.read_text().split() for folder in group.folders
                 for p in folder.iterdir() if p.name in (
                     "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.max", "memory.limit_in_bytes",
                     "memory.max", "pids.max")}
    finally:
        group.remove()
    if "cpu.max" in files:
        assert files["cpu.max"][0] == files["cpu.max"][1]
        assert files["memory.max"] == [str(300 * 2**20)]
    else:
        assert files["cpu.cfs_quota_us"] == files["cpu.cfs_period_us"]
        assert files["memory.limit_in_bytes"] == [str(300 * 2**20)]
    assert files["pids.max"] == ["20"]


HOGS = ("import subprocess, sys, time\n"
        "code = 'b = bytearray(200 * 2**20)\\nb[::4096] = b\"\\\\x01\" * (200 * 256)\\n"
        "import time\\ntime.sleep(30)'\n"
        "kids = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(4)]\n"
        "time.sleep(8)")


@pytest.mark.parametrize("mode", ["cgroup", "watchdog by uid", "watchdog by session"])
def test_processes_of_one_submission_share_one_memory_limit(tmp_path, bank, monkeypatch, mode):
    """4 processes of 200 MB (each under the 512 MB per-process limit) and the honest answers:
    together 800 MB > 512 MB, so the submission is stopped - by its cgroup, or where there is
    none by the watchdog that adds up the memory of the sandbox uid's processes, or (no uid
    of its own, as for an ordinary user) of the kernel's session and descendants. A
    neighbour is unaffected."""
    with_cgroup = mode == "cgroup"
    from nnlib.grade import worker
    from nnlib.grade.job import Settings
    from nnlib.grade.runner import grade_folder

    if with_cgroup and not _cgroups_work():
        pytest.skip("no writable cgroup hierarchy")
    if not with_cgroup:
        if mode == "watchdog by uid" and fresh_uid() is None:
            pytest.skip("the watchdog counts the processes of a sandbox uid (root only)")
        monkeypatch.setattr(worker.SubmissionCgroup, "create", classmethod(lambda cls, *a: None))
    if mode == "watchdog by session":
        monkeypatch.setattr(worker, "fresh_uid", lambda: None)
    f.write(tmp_path / "subs", "hog", [HOGS, *f.GOOD])
    f.write(tmp_path / "subs", "good", f.GOOD)
    settings = Settings(timeout=30, limits=Limits(memory_mb=512, cpu_s=40), code_timeout=15)
    results = {r["student"]: r for r in grade_folder(tmp_path / "subs", tmp_path / "out", bank,
                                                     settings, jobs=1, progress=False)}
    assert results["good"]["status"] == "graded"
    assert sum(e["points"] for e in results["good"]["exercises"]) == 6
    hog = results["hog"]
    stopped = hog["status"] == "error" or any("memory limit" in n for n in hog["notes"])
    assert stopped, hog


def test_the_grading_process_samples_at_secret_points():
    """In a fresh process (the patch is process-wide): after use_secret_sampling_seed the
    checker is called with a seed that is not the public default 0, different each time,
    through the bank's own Question.check."""
    code = textwrap.dedent(f"""
        import functools, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import nnlib.check as c
        seen = []
        original = c.check

        @functools.wraps(original)
        def spy(*args, **kwargs):
            seen.append(kwargs.get("seed", 0))
            return original(*args, **kwargs)

        c.check = spy
        from nnlib.grade.bank import load_grader_bank
        from nnlib.grade.regrade import use_secret_sampling_seed
        from nbfactory import BANK
        q = load_grader_bank(BANK)["90.2"]
        q.check("2*x")
        changed = use_secret_sampling_seed()
        assert q.check("2*x").correct and not q.check("3*x").correct
        import json
        print(json.dumps([changed, seen]))
    """)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    outs = []
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
        changed, seen = json.loads(proc.stdout.strip().splitlines()[-1])
        assert "check" in changed
        assert seen[0] == 0 and seen[1] != 0 and seen[1] == seen[2]
        outs.append(seen[1])
    assert outs[0] != outs[1]                     # fresh per process: 2**-63 to fail by chance


def test_a_dropped_message_does_not_make_later_cells_wait():
    """After ZMQ drops a message over 16 MB, the end-of-cell status of later cells may never
    arrive; waiting the 2 s output timeout for each of 20 later cells would take at least
    20 x 2 s = 40 s. The bound asserted is the notebook's own 30 s timeout (the run itself
    takes about 3 s on an idle machine; about 50 s when later cells wait)."""
    from nnlib.grade.execute import run_notebook

    nb = f.notebook(["print('h' * (24 * 2**20))", *["x = 1"] * 20, *f.GOOD])
    run = run_notebook(nb, ["answer_90_1", "answer_90_2", "answer_90_3"],
                       Limits(memory_mb=1536, cpu_s=60), timeout=30)
    assert sorted(run.answers) == ["answer_90_1", "answer_90_2", "answer_90_3"]
    assert any("over 16 MB were dropped" in n for n in run.notes)
    assert run.seconds < 30, f"{run.seconds:.0f} s: later cells waited for lost messages"


def test_many_short_cells_stop_at_the_notebook_deadline():
    """60 cells of 0.4 s each (24 s) under a 5 s notebook timeout: each cell is far below
    the per-cell timeout, yet the notebook as a whole is a timeout error."""
    from nnlib.grade.execute import GradingError, run_notebook

    nb = f.notebook(["import time", *["time.sleep(0.4)"] * 60, *f.GOOD])
    with pytest.raises(GradingError, match="timeout"):
        run_notebook(nb, ["answer_90_1"], Limits(memory_mb=1536, cpu_s=60), timeout=5)
