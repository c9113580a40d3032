"""A graded course end to end: release -> students answer -> grade -> export, read back.

Five students, each with their own variant of the example bank's template questions
(examples/graded_course/bank): three honest ones, one who copies ada's answers, one who
reads the installed package (and the notebook's own bank) for the answers.
"""
from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from nnlib.course.__main__ import main as course_main
from nnlib.course.bank import load_bank
from nnlib.course.variants import choose
from nnlib.grade.cli import main as grade_main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_BANK = ROOT / "examples" / "graded_course" / "bank"
SECRET = "e2e-course-secret-0123456789"
LESSON = "07_activations_losses"
HONEST, COPIER, READER = ("ada", "alan", "grace"), "copier", "reader"
EVIL_NAME = "=HYPERLINK(\"http://x\",\"y\")"

MASTER = [
    "from nnlib.course import setup, check_answer\nsetup()",
    "### BEGIN SOLUTION\nanswer_7_4 = '-2'\n### END SOLUTION\ncheck_answer('7.4', answer_7_4)",
]

READER_CODE = '''
import pathlib, re, nnlib
from nnlib.course import exercise
texts = "\\n".join(p.read_text(errors="ignore")
                  for p in pathlib.Path(nnlib.__file__).parent.rglob("*") if p.is_file()
                  and p.suffix in (".toml", ".py", ".json"))
m = re.search(r'questions\\."7\\.10"\\][^\\[]*expected = "([^"]*)"', texts)
answer_7_10 = exercise._bank()["7.10"].expected or (m.group(1) if m else "0")
answer_7_11 = exercise._bank()["7.11"].expected or "0 + <script>alert(1)</script>"
'''

F = {"sigma": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh,
     "softplus": lambda z: math.log1p(math.exp(z))}
# Derivatives by hand: sigma' = sigma (1 - sigma), tanh' = 1 - tanh^2, softplus' = sigma.
DF = {"sigma": lambda z: F["sigma"](z) * (1 - F["sigma"](z)),
      "tanh": lambda z: 1 - math.tanh(z) ** 2, "softplus": lambda z: F["sigma"](z)}
DF_TEXT = {"sigma": "{k}*sigma({k}*z)*(1 - sigma({k}*z))", "tanh": "{k}*(1 - tanh({k}*z)^2)",
           "softplus": "{k}*sigma({k}*z)"}


def honest_answers(student: str) -> dict[str, str]:
    """An honest student's answers, worked out by hand (chain rule), not from the bank:
    dL/dw = (f(z) - t) f'(z) x with z = w x + b; d/dz f(k z) = k f'(k z)."""
    bank = load_bank(EXAMPLE_BANK)
    p = choose(bank["7.10"], student, SECRET)
    z = p["w"] * p["x"] + p["b"]
    value = (F[p["act"]](z) - p["t"]) * DF[p["act"]](z) * p["x"]
    q = choose(bank["7.11"], student, SECRET)
    return {"answer_7_10": repr(f"{value:.10g}"),
            "answer_7_11": repr(DF_TEXT[q["act"]].format(k=q["k"]))}


def fill(notebook: Path, answers: dict[str, str], extra: str = "") -> nbformat.NotebookNode:
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        for name, value in answers.items():
            cell.source = cell.source.replace(f"{name} = ...  # YOUR ANSWER HERE", f"{name} = {value}")
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("graded")
    sol = tmp / "solutions"
    sol.mkdir()
    master = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in MASTER])
    nbformat.write(master, sol / f"{LESSON}.ipynb")
    private = tmp / "private"
    shutil.copytree(EXAMPLE_BANK, private)
    secret = tmp / "secret.txt"
    secret.write_text(SECRET + "\n")
    roster = tmp / "roster.csv"
    with open(roster, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", "name", "email", "canvas_id", "sis_user_id", "sis_login_id", "section"])
        for i, sid in enumerate((*HONEST, COPIER, READER), start=1):
            w.writerow([sid, EVIL_NAME if sid == "grace" else sid.title(), f"{sid}@example.edu",
                        str(1000 + i), f"S{i}", sid, "A"])
    return tmp, sol, private, secret, roster


def test_variants_of_the_class_differ():
    bank = load_bank(EXAMPLE_BANK)
    for qid in ("7.10", "7.11"):
        drawn = [tuple(sorted(choose(bank[qid], s, SECRET).items())) for s in (*HONEST, COPIER)]
        assert len(set(drawn)) == len(drawn), (qid, drawn)  # else the copy test proves nothing


def test_release_collect_grade_export(course, capsys):
    tmp, sol, private, secret, roster = course
    out = tmp / "release"
    assert course_main(["release", "--bank", str(private), "--out", str(out), "--solutions",
                        str(sol), "--roster", str(roster), "--secret-file", str(secret)]) == 0
    assert "scan clean" in capsys.readouterr().out

    # collect: each student's filled-in notebook, as a folder of <student>/<lesson>.ipynb
    subs = tmp / "submissions"
    released = {s: out / "students" / s / f"{LESSON}.ipynb" for s in (*HONEST, COPIER, READER)}
    for s in HONEST:
        nb = fill(released[s], {**honest_answers(s), "answer_7_4": "'-2'"})
        (subs / s).mkdir(parents=True)
        nbformat.write(nb, subs / s / f"{LESSON}.ipynb")
    (subs / COPIER).mkdir()
    nbformat.write(fill(released[COPIER], honest_answers("ada")), subs / COPIER / f"{LESSON}.ipynb")
    (subs / READER).mkdir()
    nbformat.write(fill(released[READER], {}, READER_CODE), subs / READER / f"{LESSON}.ipynb")

    grades, export = tmp / "grades", tmp / "export"
    code = grade_main([str(subs), "--out", str(grades), "--answers", str(private),
                       "--secret-file", str(secret), "--roster", str(roster),
                       "--export", str(export), "--timeout", "60", "--memory", "1536",
                       "--jobs", "2", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    book = {(r["student"], r["exercise"]): (r["points"], r["status"])
            for r in csv.DictReader(open(grades / "gradebook.csv", encoding="utf-8"))}
    for s in HONEST:
        assert book[(s, "7.10")] == ("2", "correct") and book[(s, "7.11")] == ("1", "correct"), s
    assert book[(COPIER, "7.10")] == ("0", "incorrect") and book[(COPIER, "7.11")] == ("0", "incorrect")
    assert book[(READER, "7.10")][0] == "0" and book[(READER, "7.11")][0] == "0"

    # the instructor sees the copied answers; the students' feedback does not mention them
    similar = list(csv.DictReader(open(grades / "similar_answers.csv", encoding="utf-8")))
    pairs = {(r["exercise"], r["students"]) for r in similar}
    assert pairs == {("7.10", "ada copier"), ("7.11", "ada copier")}, similar
    everyone = (*HONEST, COPIER, READER)
    for s in everyone:
        for folder, suffix in ((export / "feedback", ".md"), (export / "feedback", ".html"),
                               (grades / "feedback", ".md")):
            text = (folder / f"{s}{suffix}").read_text(encoding="utf-8").lower()
            others = [o for o in everyone if o != s and re.search(rf"\b{o}\b", text)]
            assert not others, (s, suffix, others)   # no classmate is named to a student
            assert not re.search(r"similar|identical|copied|same answer", text)

    # submitted text is escaped in both feedback formats
    html_text = (export / "feedback" / f"{READER}.html").read_text(encoding="utf-8")
    md_text = (export / "feedback" / f"{READER}.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html_text and "<script>" not in html_text
    assert "<script>" not in md_text

    # the exports, read back
    canvas = list(csv.reader(open(export / "canvas.csv", encoding="utf-8")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "nnlib"]
    assert canvas[1] == ["Points Possible", "", "", "", "", "3"]  # 7.10 (2) + 7.11 (1)
    rows = {r[3]: r for r in canvas[2:]}
    assert rows["ada"] == ["Ada", "1001", "S1", "ada", "A", "3"]
    assert rows["grace"][0] == "'" + EVIL_NAME and rows["grace"][5] == "3"
    assert rows[COPIER][5] == "0" and rows[READER][5] == "0"
    moodle = list(csv.DictReader(open(export / "moodle.csv", encoding="utf-8")))
    assert {r["Email address"]: r["nnlib"] for r in moodle} == {
        "ada@example.edu": "3", "alan@example.edu": "3", "grace@example.edu": "3",
        "copier@example.edu": "0", "reader@example.edu": "0"}
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in moodle for k in r)
