"""The notebooks agree with the question bank and course/ is generated from solutions/.

* course/ is byte-identical to what `python -m nnlib.course build` would write;
* every bank question is asked in exactly one solutions notebook (the one named like
  its bank file) by `check_answer("<id>", <variable>)`, and <variable> is the answer of a
  solution region (so students get a stub for it);
* every `check_answer` id used in a notebook exists in the bank.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from nnlib.course.bank import lesson_names, load_bank
from nnlib.course.build import build, strip_solutions

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS, COURSE = ROOT / "solutions", ROOT / "course"
CALL = re.compile(r"""check_answer\(\s*["'](\d+\.\d+)["']\s*,\s*([A-Za-z_]\w*)\s*\)""")


@lru_cache(maxsize=None)
def code_cells(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def masters() -> list[Path]:
    return sorted(SOLUTIONS.glob("*.ipynb"))


def test_course_is_up_to_date_with_solutions():
    result = build(SOLUTIONS, COURSE, check=True)
    stale = [p.name for p in result.changed]
    assert not stale, f"course/ is stale for {stale}: run `python -m nnlib.course build`"
    assert not result.orphans, f"course/ notebooks without a master: {result.orphans}"


@lru_cache(maxsize=1)
def calls_by_question() -> dict[str, list[tuple[Path, str, str]]]:
    found: dict[str, list[tuple[Path, str, str]]] = {}
    for path in masters():
        for source in code_cells(path):
            for qid, variable in CALL.findall(source):
                found.setdefault(qid, []).append((path, variable, source))
    return found


def test_the_bank_has_one_file_per_lesson_notebook():
    # the grader tells a lesson without exercises (00_errata) from a misnamed upload by this
    assert lesson_names() == [p.stem for p in masters()]


def test_every_check_answer_id_exists_in_the_bank():
    bank = load_bank()
    for folder in (SOLUTIONS, COURSE):
        for path in sorted(folder.glob("*.ipynb")):
            for source in code_cells(path):
                for qid, _ in CALL.findall(source):
                    assert qid in bank, f"{path.relative_to(ROOT)}: check_answer({qid!r}) not in the bank"


@pytest.mark.parametrize("qid", list(load_bank()))
def test_every_bank_question_is_asked_once_with_a_solution_region(qid):
    question = load_bank()[qid]
    calls = calls_by_question().get(qid, [])
    assert len(calls) == 1, (f"question {qid} is asked {len(calls)} times in solutions/ "
                             f"({[p.name for p, _, _ in calls]}); expected exactly once")
    path, variable, source = calls[0]
    assert path.stem == Path(question.source).stem, (
        f"question {qid} is in {question.source} but asked in {path.name}")
    assert variable == question.variable, (
        f"{path.name}: check_answer({qid!r}, {variable}) but the bank says {question.variable}")
    stub = strip_solutions(source, f"{path.name}")
    if question.kind == "code":
        assert re.search(rf"^\s*def {variable}\(", source, re.M), f"{path.name}: no def {variable}"
        assert 'raise NotImplementedError("your code here")' in stub, (
            f"{path.name}: the body of {variable} is not a solution region")
    else:
        assert f"{variable} = ...  # YOUR ANSWER HERE" in stub, (
            f"{path.name}: {variable} is not assigned inside a solution region of the cell "
            f"that calls check_answer({qid!r}, ...)")


MAX_CELL_LINES = 30  # "no cell longer than a screen" (docs/ARCHITECTURE.md)


@pytest.mark.parametrize("path", masters(), ids=lambda p: p.name)
def test_notebook_layout_contract(path):
    """First code cell runs setup(); short cells; figure outputs are ignored by nbval."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "from nnlib.course import setup" in code[0].source and "setup()" in code[0].source, (
        f"{path.name}: the first code cell must run `from nnlib.course import setup; setup()`")
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        lines = len(cell.source.splitlines())
        assert lines <= MAX_CELL_LINES, f"{path.name}, cell {index}: {lines} lines > {MAX_CELL_LINES}"
        has_image = any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if has_image:
            assert cell.source.lstrip().startswith("# NBVAL_IGNORE_OUTPUT"), (
                f"{path.name}, cell {index}: a figure cell must start with # NBVAL_IGNORE_OUTPUT")
