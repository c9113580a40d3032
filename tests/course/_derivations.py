"""Shared helpers for the derivation tests of lessons 2-14 (not a test module itself).

* ``from_start(qid, *steps)`` is a derivation that begins with the question's ``start``.
* ``assert_master_derivation(qid, stem)`` checks a master's derivation against its question.
* ``master_answer(notebook, variable)`` returns the value a master notebook assigns to an answer
  variable inside its solution region, read with ``ast.literal_eval`` (never executed).
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
BANK_DIR = ROOT / "src" / "nnlib" / "course" / "bank"
SOLUTIONS = ROOT / "solutions"


@functools.lru_cache(maxsize=None)
def _bank() -> dict:
    from nnlib.course.bank import load_bank

    return load_bank(BANK_DIR)


def from_start(qid: str, *rest: str) -> list[str]:
    """A derivation for ``qid``: the bank's ``start``, then the steps ``rest``."""
    return [_bank()[qid].start, *rest]


def master_answer(stem: str, variable: str):
    """The literal assigned to ``variable`` in a solution region of ``solutions/<stem>.ipynb``."""
    nb = nbformat.read(SOLUTIONS / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "### BEGIN SOLUTION" not in cell.source:
            continue
        region = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        try:
            tree = ast.parse(region.strip("\n"))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == variable for t in node.targets):
                return ast.literal_eval(node.value)
    raise LookupError(f"solutions/{stem}.ipynb assigns no literal to {variable} in a solution region")


def assert_master_derivation(qid: str, stem: str) -> list[str]:
    """The master's derivation of ``qid`` (in ``solutions/<stem>.ipynb``) is a list of strings
    that starts with the bank's ``start``, has at least ``min_steps`` distinct steps, has
    ``plain_steps`` when the start is a derivative, and passes its own question. Returns it."""
    q = _bank()[qid]
    answer = master_answer(stem, q.variable)
    assert q.kind == "steps", f"{qid} is a {q.kind} question"
    assert isinstance(answer, list) and all(isinstance(s, str) for s in answer), answer
    assert answer[0] == q.start, f"{qid}: the master starts with {answer[0]!r}, not the bank's start"
    assert q.min_steps and len(set(answer)) >= q.min_steps, \
        f"{qid}: {len(set(answer))} distinct steps, the bank asks for {q.min_steps}"
    if "d/d" in q.start:
        assert q.plain_steps == 1, f"{qid}: a start with a derivative needs plain_steps = 1"
    verdict = q.check(answer)
    assert verdict, f"{qid}: the master's derivation is rejected: {verdict.feedback}"
    return answer
