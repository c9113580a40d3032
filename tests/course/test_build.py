"""The solutions/ -> course/ generator: region replacement, tags, determinism, CLI."""
from __future__ import annotations

import nbformat
import pytest

from nnlib.course.__main__ import main
from nnlib.course.build import (ANSWER_PLACEHOLDER, BuildError, build, render,
                                strip_solutions, student_notebook)

RAISE = 'raise NotImplementedError("your code here")'


def region(*lines: str, indent: str = "") -> str:
    body = [indent + "### BEGIN SOLUTION", *(indent + s for s in lines), indent + "### END SOLUTION"]
    return "\n".join(body)


def test_assignment_becomes_stub_and_check_call_stays():
    src = region('answer_2_1 = "sigma(z)*(1 - sigma(z))"') + '\ncheck_answer("2.1", answer_2_1)'
    assert strip_solutions(src) == ('answer_2_1 = ...  # YOUR ANSWER HERE\n'
                                    'check_answer("2.1", answer_2_1)')


def test_one_stub_per_assigned_name_in_order():
    src = region("a = 1", "b: int = 2", "c, (d, *e) = 3, (4, 5)", "a = a + 1", "x[0] = 1",
                 "for i in range(3):", "    hidden = i")
    assert strip_solutions(src).splitlines() == [
        f"{n} = ...  # YOUR ANSWER HERE" for n in ("a", "b", "c", "d", "e")]


def test_function_body_becomes_raise_at_region_indentation():
    src = "def f(x):\n    '''doc'''\n" + region("y = 2 * x", "return y", indent="    ") + "\n\nf(1)"
    assert strip_solutions(src) == f"def f(x):\n    '''doc'''\n    {RAISE}\n\nf(1)"


def test_region_without_assignment_becomes_raise():
    assert strip_solutions(region("print(1)")) == RAISE


def test_multiple_regions_and_code_between_are_kept():
    src = "\n".join(["import numpy as np", region("a = 1"), "print(a)",
                     region("b = 2", indent="  "), "end"])
    # the second region is indented: its stub keeps the indentation
    out = strip_solutions(src).splitlines()
    assert out == ["import numpy as np", "a = ...  # YOUR ANSWER HERE", "print(a)",
                   "  b = ...  # YOUR ANSWER HERE", "end"]


def test_no_region_leaves_source_identical():
    src = "x = 1\n# ### BEGIN SOLUTION is only a marker on its own line\n"
    assert strip_solutions(src) == src


@pytest.mark.parametrize("src, message", [
    ("### END SOLUTION", "without '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\na = 1", "without '### END SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\na=1\n### END SOLUTION\n### END SOLUTION", "nested"),
    ("    ### BEGIN SOLUTION\n    a = 1\n### END SOLUTION", "indentation"),
    ("### BEGIN SOLUTION\na = (\n### END SOLUTION", "not valid Python"),
])
def test_bad_markers_raise_naming_the_place(src, message):
    with pytest.raises(BuildError, match=message) as info:
        strip_solutions(src, where="solutions/99_x.ipynb, cell 3")
    assert "solutions/99_x.ipynb, cell 3" in str(info.value)


def make_master() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    code = v4.new_code_cell(region("answer_9_1 = 'x'") + '\ncheck_answer("9.1", answer_9_1)',
                            execution_count=3, outputs=[v4.new_output("stream", text="hi\n")])
    code.metadata = {"tags": ["exercise"], "scrolled": True}
    cells = [v4.new_markdown_cell("# Title"), code,
             v4.new_markdown_cell("The answer is x.", metadata={"tags": ["solution"]}),
             v4.new_code_cell("secret = 1", metadata={"tags": ["solution-only"]})]
    for i, cell in enumerate(cells):
        cell.id = f"c{i}"
    return v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "other", "display_name": "Other"},
                                                  "language_info": {"name": "python", "version": "3.11.7"}})


def test_student_notebook_strips_outputs_tags_and_metadata():
    master = make_master()
    nb = student_notebook(master, "m.ipynb")
    assert [c.id for c in nb.cells] == ["c0", "c1", "c2"]
    code = nb.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert code.metadata == {"tags": ["exercise"]}
    assert code.source.startswith("answer_9_1 = ...  # YOUR ANSWER HERE")
    assert nb.cells[2].source == ANSWER_PLACEHOLDER
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["language_info"] == {"name": "python"}
    assert master.cells[1].outputs, "the master must not be modified"


def test_markdown_attachments_are_kept():
    master = make_master()
    master.cells[0].attachments = {"a.png": {"image/png": "iVBORw0KGgo="}}
    master.cells[0].source = "![a](attachment:a.png)"
    nb = student_notebook(master, "m.ipynb")
    assert nb.cells[0].attachments == master.cells[0].attachments


def test_markers_in_markdown_are_an_error():
    master = make_master()
    master.cells[0].source = "### BEGIN SOLUTION"
    with pytest.raises(BuildError, match="m.ipynb, cell 1"):
        student_notebook(master, "m.ipynb")


def test_build_is_deterministic_and_check_detects_drift(tmp_path, capsys):
    sol, course = tmp_path / "solutions", tmp_path / "course"
    sol.mkdir()
    nbformat.write(make_master(), sol / "09_x.ipynb")
    assert main(["build", "--solutions", str(sol), "--course", str(course)]) == 0
    first = (course / "09_x.ipynb").read_bytes()
    assert render(sol / "09_x.ipynb").encode() == first
    assert main(["build", "--check", "--solutions", str(sol), "--course", str(course)]) == 0
    assert build(sol, course).changed == []
    assert (course / "09_x.ipynb").read_bytes() == first
    (course / "09_x.ipynb").write_text("{}")
    capsys.readouterr()
    assert main(["build", "--check", "--solutions", str(sol), "--course", str(course)]) == 1
    assert "09_x.ipynb" in capsys.readouterr().out
    assert (course / "09_x.ipynb").read_text() == "{}", "--check must not write"


def test_build_reports_errors_with_exit_2(tmp_path, capsys):
    sol = tmp_path / "solutions"
    sol.mkdir()
    master = make_master()
    master.cells[1].source = "### END SOLUTION"
    nbformat.write(master, sol / "09_bad.ipynb")
    assert main(["build", "--solutions", str(sol), "--course", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "09_bad.ipynb, cell 2" in err
