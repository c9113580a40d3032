"""Building submission folders of small lesson-90 notebooks for the grader tests."""
from __future__ import annotations

from pathlib import Path

import nbformat

LESSON = "90_grading_fixture"
BANK = Path(__file__).parent / "fixtures" / "bank"

GOOD = [
    "import numpy as np\nanswer_90_1 = 0.25",
    "answer_90_2 = '2*x'",
    "def double(x):\n    return 2 * x\nanswer_90_3 = double",
]
STUB = ["answer_90_1 = ...  # YOUR ANSWER HERE", "answer_90_2 = ...  # YOUR ANSWER HERE",
        "def double(x):\n    raise NotImplementedError('your code here')\nanswer_90_3 = double"]


def notebook(cells: list[str], metadata: dict | None = None) -> nbformat.NotebookNode:
    """A v4 notebook of code cells with the given sources."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata.update(metadata or {})
    return nb


def write(root: Path, student: str, cells: list[str] | None = None, lesson: str = LESSON,
          nb: nbformat.NotebookNode | None = None, raw: bytes | None = None) -> Path:
    """Write ``root/student/lesson.ipynb`` from cells, a notebook, or raw bytes."""
    path = root / student / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        path.write_bytes(raw)
    else:
        nbformat.write(nb if nb is not None else notebook(cells or []), path)
    return path
