"""Generate the student notebooks ``course/*.ipynb`` from the masters ``solutions/*.ipynb``.

Rules (docs/ARCHITECTURE.md):

* outputs and execution counts are removed; cell metadata keeps only ``tags``;
  notebook metadata keeps only the kernelspec and the language name;
* in code cells every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  (markers on lines of their own, at the same indentation) becomes, at the region's
  indentation, one stub line ``name = ...  # YOUR ANSWER HERE`` per name assigned at the
  region's top level, or ``raise NotImplementedError("your code here")`` if the region
  assigns no name or contains a ``return`` (a function body);
* markdown cells tagged ``solution`` become ``*Write your answer here.*``; cells tagged
  ``solution-only`` are dropped.

The same input always gives byte-identical output.
"""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_ASSIGN = "{indent}{name} = ...  # YOUR ANSWER HERE"
STUB_RAISE = '{indent}raise NotImplementedError("your code here")'
ANSWER_PLACEHOLDER = "*Write your answer here.*"
TAG_SOLUTION, TAG_SOLUTION_ONLY = "solution", "solution-only"
METADATA = {
    "kernelspec": {"display_name": "Python 3 (nnlib)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
_MARKER = re.compile(r"^(\s*)(### (?:BEGIN|END) SOLUTION)\s*$")


class BuildError(ValueError):
    """A master notebook cannot be turned into a student notebook."""


@dataclass(frozen=True)
class Result:
    """Outcome of :func:`build`: notebooks written (or stale with ``check``) and orphans."""

    changed: list[Path]
    orphans: list[Path]


def strip_solutions(source: str, where: str = "<cell>") -> str:
    """Replace every solution region of one code cell's ``source`` by its stub.

    Parameters
    ----------
    source : str
        The cell's code.
    where : str
        Used in error messages, e.g. ``"solutions/01_x.ipynb, cell 7"``.

    Raises
    ------
    BuildError for an END without BEGIN, a BEGIN without END, nested regions, markers
    at different indentation, or a region that is not valid Python.
    """
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    lines = source.split("\n")
    for lineno, line in enumerate(lines, start=1):
        match = _MARKER.match(line)
        marker = match.group(2) if match else None
        if marker == BEGIN:
            if region is not None:
                raise BuildError(f"{where}, line {lineno}: nested '{BEGIN}' "
                                 f"(the region opened before is not closed)")
            region, indent = [], match.group(1)
        elif marker == END:
            if region is None:
                raise BuildError(f"{where}, line {lineno}: '{END}' without '{BEGIN}'")
            if match.group(1) != indent:
                raise BuildError(f"{where}, line {lineno}: '{END}' is not at the "
                                 f"indentation of its '{BEGIN}'")
            out.extend(_stub(region, indent, f"{where}, line {lineno}"))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise BuildError(f"{where}: '{BEGIN}' without '{END}'")
    return "\n".join(out)


def _stub(region: list[str], indent: str, where: str) -> list[str]:
    """The stub lines replacing one region (see the module docstring)."""
    code = textwrap.dedent("\n".join(region))
    try:  # parsed inside a function, so a `return` in a function-body region is valid
        tree = ast.parse("def _region():\n" + textwrap.indent(code or "pass", "    "))
    except SyntaxError as exc:
        raise BuildError(f"{where}: the solution region is not valid Python: {exc.msg}") from None
    body = tree.body[0].body
    names: list[str] = []
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            for name in _target_names(target):
                if name not in names:
                    names.append(name)
    returns = any(isinstance(n, ast.Return) for n in body)
    if returns or not names:
        return [STUB_RAISE.format(indent=indent)]
    return [STUB_ASSIGN.format(indent=indent, name=name) for name in names]


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []  # attributes and subscripts are not stubbed


def student_notebook(master: nbformat.NotebookNode, name: str = "<notebook>") -> nbformat.NotebookNode:
    """The student version of a master notebook (a new object; ``master`` is untouched)."""
    cells = []
    for index, cell in enumerate(master.cells, start=1):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if TAG_SOLUTION_ONLY in tags:
            continue
        source = cell.source
        if cell.cell_type == "code":
            source = strip_solutions(source, f"{name}, cell {index}")
            new = nbformat.v4.new_code_cell(source)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(ANSWER_PLACEHOLDER if TAG_SOLUTION in tags else source)
            if BEGIN in source or END in source:
                raise BuildError(f"{name}, cell {index}: solution markers in a markdown cell; "
                                 f"tag the cell 'solution' instead")
            if cell.get("attachments") and TAG_SOLUTION not in tags:
                new.attachments = cell.attachments  # pasted images
        else:
            new = nbformat.v4.new_raw_cell(source)
        new.id = cell.get("id") or f"cell-{index}"
        new.metadata = {"tags": tags} if tags else {}
        cells.append(new)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=dict(METADATA))
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def render(master_path: Path) -> str:
    """The student notebook of ``master_path`` as the exact text to be written."""
    master = nbformat.read(master_path, as_version=4)
    nb = student_notebook(master, name=str(master_path))
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def build(solutions: Path | str = "solutions", course: Path | str = "course",
          check: bool = False) -> Result:
    """Write ``course/X.ipynb`` for every ``solutions/X.ipynb`` whose output would change.

    With ``check=True`` nothing is written; ``Result.changed`` lists the notebooks that
    are missing or out of date. ``Result.orphans`` lists ``course/*.ipynb`` without a
    master (never deleted automatically).
    """
    solutions, course = Path(solutions), Path(course)
    if not solutions.is_dir():
        raise FileNotFoundError(f"no solutions directory at {solutions.resolve()}")
    masters = sorted(solutions.glob("*.ipynb"))
    changed = []
    for master in masters:
        target = course / master.name
        text = render(master)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        changed.append(target)
        if not check:
            course.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    names = {m.name for m in masters}
    orphans = sorted(p for p in course.glob("*.ipynb") if p.name not in names) if course.is_dir() else []
    return Result(changed, orphans)
