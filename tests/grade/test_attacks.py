"""Attacks on the grader (issue 17), graded in one run next to honest students (2 jobs).

For every attack class: the attacker gets no undeserved points (an attack that could only
gain points by succeeding sets an answer right only if it worked, see ``attacks.py``),
the honest students' grades are what their answers deserve, every submission has a row,
nothing is written outside the output folder (canaries; the submissions folder is
unchanged; the temporary folder is left empty) and the run finishes in bounded time.

Lesson 90 of the fixture bank: 90.1 = 1 point, 90.2 = 2 points, 90.3 = 3 points.
"""
from __future__ import annotations

import csv
import hashlib
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import attacks as a
import nbfactory as f
from conftest import FAST
from nnlib.grade.bank import load_grader_bank
from nnlib.grade.report import csv_cell
from nnlib.grade.runner import grade_folder
from nnlib.grade.worker import warm_up

PARTIAL = ["answer_90_1 = 0.25", "answer_90_2 = 'x'", f.STUB[2]]       # 1 point
RUN_BOUND_S = 600        # generous: ~35 notebooks on 2 loaded cores; the point is "finishes"
BAD_NAME = os.fsdecode(b"bad\xffname")
FORMULA = "=2+5*cmd|x!A0"
HTML = "<img src=x onerror=alert(1)>"


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                out[str(path)] = "special"
            else:
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("subs")
    work = tmp_path_factory.mktemp("work")
    private = work / "private.toml"                  # one file: lessons matched by number
    private.write_text((f.BANK / "90_grading_fixture.toml").read_text())
    canary = Path(tempfile.mkdtemp(prefix="h17-canary-"))
    os.chmod(canary, 0o777)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[bytes] = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn.recv(100))
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]

    honest = {"ann": f.GOOD, "ben": PARTIAL, "honest~ben": f.GOOD, "honest_ben": PARTIAL,
              FORMULA: f.GOOD, HTML: f.GOOD, BAD_NAME: f.GOOD}
    for student, cells in honest.items():
        f.write(root, student, cells)
    f.write(root, "malformed", [*a.MALFORMED, *f.GOOD])
    for kind, cell in a.FLOODS.items():
        f.write(root, f"flood-{kind}", [cell, *f.GOOD])
    f.write(root, "nested", raw=b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo" / f"{f.LESSON}.ipynb")
    (root / "zero").mkdir()
    (root / "zero" / f"{f.LESSON}.ipynb").symlink_to("/dev/zero")
    (root / "mallory").symlink_to(root / "ann", target_is_directory=True)
    ann_nb = root / "ann" / f"{f.LESSON}.ipynb"
    f.write(root, "reader", [f.GOOD[0], a.leak_cell([str(private), "/etc/shadow", str(ann_nb)]),
                             f.GOOD[2]])
    f.write(root, "snoop", [f.GOOD[0], a.proc_snoop_cell("forkserver"), f.GOOD[2]])
    f.write(root, "snoop2", [f.GOOD[0], a.proc_snoop_cell("pytest"), f.GOOD[2]])
    f.write(root, "network", [f.GOOD[0], a.network_cell(port), f.GOOD[2]])
    f.write(root, "neighbour", [f.GOOD[0], a.other_kernels_cell(), f.GOOD[2]])
    f.write(root, "privileged", [f.GOOD[0], a.shadow_and_caps_cell(), f.GOOD[2]])
    f.write(root, "writer", [
        f"for p in [{str(canary / 'k')!r}, {str(root / 'ann' / 'x')!r}, {str(work / 'x')!r}]:\n"
        "    try:\n        open(p, 'w').write('pwned')\n    except OSError:\n        pass",
        a.shm_drop_cell(), *f.GOOD])
    f.write(root, "codefifo", [*f.GOOD[:2], a.PLANT_FIFO])
    f.write(root, "codeleak", [*f.GOOD[:2], a.exception_leak_function([str(private), "/etc/shadow"])])
    from grade_fixture_ref import cases
    public = cases(np.random.default_rng(__import__("nnlib.course.bank", fromlist=["x"]).CASES_SEED))
    f.write(root, "lookup", [*f.GOOD[:2], a.lookup_table_function(public)])
    f.write(root, "refcall", [*f.GOOD[:2], a.reference_call_function()])
    import nnlib
    f.write(root, "refread", [*f.GOOD[:2], a.read_reference_function(str(Path(nnlib.__file__).parent))])
    f.write(root, "helper", [*f.GOOD[:2], "FACTOR = 2\ndef scale(x):\n    return FACTOR * x",
                             "def double(x):\n    return scale(x)\nanswer_90_3 = double"])
    f.write(root, "dup", f.GOOD)
    f.write(root, "dup", f.GOOD, lesson="90_copy")
    f.write(root, "dup", f.GOOD, lesson="90_grading_fixture (2)")
    before = _snapshot(root)
    warm_up()                   # multiprocessing's own temporary folder is made before the patch
    tmp = Path(tempfile.mkdtemp(prefix="h17-tmp-"))
    os.chmod(tmp, 0o755)
    old_tmp, tempfile.tempdir = tempfile.tempdir, str(tmp)
    out = work / "out"
    started = time.monotonic()
    try:
        results = grade_folder(root, out, load_grader_bank(private), FAST, jobs=2, progress=False)
    finally:
        tempfile.tempdir = old_tmp
        listener.close()
    seconds = time.monotonic() - started
    rows = list(csv.DictReader(open(out / "gradebook.csv", encoding="utf-8")))
    yield {"root": root, "out": out, "results": results, "rows": rows, "seconds": seconds,
           "before": before, "after": _snapshot(root), "tmp_left": sorted(os.listdir(tmp)),
           "canary": sorted(os.listdir(canary)), "accepted": accepted, "work": work,
           "private": private}
    for folder in (tmp, canary):
        os.chmod(folder, 0o700)
        __import__("shutil").rmtree(folder, ignore_errors=True)


def points(run, student):
    return sum(float(r["points"]) for r in run["rows"] if r["student"] == csv_cell(student))


def result(run, student, lesson=f.LESSON):
    (res,) = [r for r in run["results"] if r["student"] == student and r["lesson"] == lesson]
    return res


def test_honest_students_get_what_their_answers_deserve(run):
    for student in ("ann", "honest~ben", FORMULA, HTML, BAD_NAME.encode("utf-8", "surrogateescape")
                    .decode("utf-8", "backslashreplace")):
        assert points(run, student) == 6, student
    for student in ("ben", "honest_ben"):
        assert points(run, student) == 1, student


def test_every_submission_has_a_row_and_the_run_is_bounded(run):
    students = {r["student"] for r in run["rows"]}
    expected = {"ann", "ben", "honest~ben", "honest_ben", csv_cell(FORMULA), HTML, "bad\\xffname",
                "malformed", "nested", "fifo", "zero", "mallory", "reader", "snoop", "snoop2",
                "network", "neighbour", "privileged", "writer", "codefifo", "codeleak",
                "lookup", "refcall", "refread", "helper", "dup", *(f"flood-{k}" for k in a.FLOODS)}
    assert students == expected
    assert run["seconds"] < RUN_BOUND_S


def test_nothing_is_written_outside_the_output_folder(run):
    assert run["after"] == run["before"]
    assert run["canary"] == [] and run["tmp_left"] == []
    assert not os.path.exists("/dev/shm/nnlib-h17-drop")
    assert sorted(p.name for p in run["work"].iterdir()) == ["out", "private.toml"]


def test_malformed_and_unknown_messages_are_ignored(run):
    assert points(run, "malformed") == 6
    assert any("malformed" in n for n in result(run, "malformed")["notes"])


@pytest.mark.parametrize("kind", sorted(a.FLOODS))
def test_floods_are_counted_dropped_and_graded(run, kind):
    assert points(run, f"flood-{kind}") == 6
    if kind in ("print", "display", "comm", "huge"):
        assert any("output truncated" in n for n in result(run, f"flood-{kind}")["notes"]), kind


@pytest.mark.parametrize("student, words", [
    ("nested", "nested too deeply"), ("fifo", "not a regular file: a FIFO"),
    ("zero", "not a regular file: a symbolic link"),
    ("mallory", "not a regular student folder: a symbolic link")])
def test_broken_and_special_entries_are_error_rows(run, student, words):
    (res,) = [r for r in run["results"] if r["student"] == student]
    assert res["status"] == "error" and words in res["reason"], res["reason"]
    assert points(run, student) == 0


@pytest.mark.parametrize("student", ["reader", "snoop", "snoop2", "network", "neighbour",
                                     "privileged"])
def test_confidentiality_and_isolation_attacks_gain_nothing(run, student):
    statuses = [r["status"] for r in run["rows"] if r["student"] == student]
    assert statuses == ["correct", "incorrect", "correct"], statuses
    if student == "network":
        assert run["accepted"] == []


def test_code_runner_special_files_and_leaks(run):
    assert points(run, "codefifo") == 3
    leak = result(run, "codeleak")["exercises"][2]
    assert leak["status"] == "incorrect"
    private = run["private"].read_text()
    assert "PermissionError" in leak["feedback"]
    for line in private.splitlines():
        if len(line.strip()) > 12:
            assert line.strip() not in leak["feedback"]
    assert "root:" not in leak["feedback"]


def test_code_exercises_cannot_be_faked(run):
    assert points(run, "lookup") == 3            # right on the public inputs only
    refcall = result(run, "refcall")["exercises"][2]
    assert refcall["status"] == "incorrect"
    assert "only numpy and math may be imported" in refcall["feedback"]
    assert points(run, "refread") == 3            # nnlib (the references) is not readable


def test_a_helper_from_another_cell_counts_in_the_grader_as_in_the_notebook(run, bank):
    assert points(run, "helper") == 6
    namespace: dict = {}
    exec("FACTOR = 2\ndef scale(x):\n    return FACTOR * x\ndef double(x):\n    return scale(x)",
         namespace)
    assert bank["90.3"].check(namespace["double"]).correct     # the notebook's verdict


def test_one_graded_submission_per_student_and_lesson(run):
    assert points(run, "dup") == 6
    dups = [r for r in run["results"] if r["student"] == "dup" and r["status"] == "error"]
    assert len(dups) == 2 and all("duplicate" in r["reason"] for r in dups)


def test_outputs_are_safe(run):
    out = run["out"]
    gradebook = (out / "gradebook.csv").read_text(encoding="utf-8")
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    for text in (gradebook, summary):
        assert all(not line.startswith(("=", "+", "-", "@")) for line in text.splitlines())
        assert "'" + FORMULA in text
    feedback = {p.name: p.read_text(encoding="utf-8") for p in (out / "feedback").iterdir()}
    assert len(feedback) == len({r["student"] for r in run["rows"]})
    bens = [t for t in feedback.values() if t.startswith("# Feedback for honest")]
    assert sorted(t.count("✓") for t in bens) == [1, 3]       # one file each, not overwritten
    report = (out / "report.md").read_text(encoding="utf-8")
    for text in [report, *feedback.values()]:
        assert "<img" not in text and "onerror=alert(1)>" not in text
    assert "honest~ben" in report.replace("\\", "") and "honest_ben" in report.replace("\\", "")


def test_the_attacks_work_without_the_sandbox(tmp_path):
    """The attack cells are real: run unsandboxed (as this test process) they get the points,
    so the tests above can fail."""
    secret = tmp_path / "secret.toml"
    secret.write_text('expected = "0.25"')
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    cells = [a.leak_cell([str(secret)]), a.network_cell(listener.getsockname()[1]),
             a.proc_snoop_cell("pytest")]
    import nnlib
    namespace: dict = {}
    exec(a.read_reference_function(str(Path(nnlib.__file__).parent)), namespace)
    assert namespace["double"](1.0) == 2.0
    if os.geteuid() == 0:
        cells.append(a.shadow_and_caps_cell())
    for cell in cells:
        namespace: dict = {}
        exec(cell, namespace)
        assert namespace["answer_90_2"] == "2*x", cell
    listener.close()
