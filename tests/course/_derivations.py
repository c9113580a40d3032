"""Shared helpers for the tests of lessons 12-14 (not a test module itself).

* ``anchors(bank_file)`` returns each derivation's ``start`` and ``min_steps`` bank fields.
* ``master_answer(notebook, variable)`` returns the value a master notebook assigns to an answer
  variable inside its solution region, read with ``ast.literal_eval`` (never executed).
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
BANK_DIR = ROOT / "src" / "nnlib" / "course" / "bank"
SOLUTIONS = ROOT / "solutions"


def anchors(stem: str) -> dict[str, dict]:
    """``{qid: {"start": str, "min_steps": int}}`` for the lesson's derivations that state a start."""
    from nnlib.course.bank import load_bank

    bank = load_bank(BANK_DIR / f"{stem}.toml")
    return {qid: {"start": q.start, "min_steps": q.min_steps} for qid, q in bank.items() if q.start}


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
