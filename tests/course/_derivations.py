"""Shared helpers for the tests of lessons 12-14 (not a test module itself).

* ``anchors(bank_file)`` reads the ``# start = "..."`` / ``# min_steps = N`` comment lines that
  follow each ``[questions."<id>"]`` header (they become bank fields once the bank knows them).
* ``master_answer(notebook, variable)`` returns the value a master notebook assigns to an answer
  variable inside its solution region, read with ``ast.literal_eval`` (never executed).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
BANK_DIR = ROOT / "src" / "nnlib" / "course" / "bank"
SOLUTIONS = ROOT / "solutions"
_HEADER = re.compile(r'^\[questions\."(\d+\.\d+)"\]\s*$')
_START = re.compile(r'^#\s*start\s*=\s*"(.*)"\s*$')
_MIN = re.compile(r"^#\s*min_steps\s*=\s*(\d+)\s*$")


def anchors(stem: str) -> dict[str, dict]:
    """``{qid: {"start": str, "min_steps": int}}`` for the questions that carry the comments."""
    found: dict[str, dict] = {}
    qid = None
    for line in (BANK_DIR / f"{stem}.toml").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if m := _HEADER.match(line):
            qid = m.group(1)
        elif qid and (m := _START.match(line)):
            found.setdefault(qid, {})["start"] = m.group(1)
        elif qid and (m := _MIN.match(line)):
            found.setdefault(qid, {})["min_steps"] = int(m.group(1))
    return found


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
