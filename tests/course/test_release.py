"""Graded questions: bank mode, validation-only check_answer, variants, release and its scan."""
from __future__ import annotations

import math
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest

from nnlib.course import exercise
from nnlib.course.bank import BankError, load_bank, parse_bank_text
from nnlib.course.exercise import check_answer, use_bank
from nnlib.course.release import ReleaseError, normalise, release, scan
from nnlib.course.roster import RosterError, Student, read_roster
from nnlib.course.validate import validate
from nnlib.course.variants import VariantError, choose, format_value, instantiate, variant_seed

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "graded_course"
SECRET = "test-secret-0123456789abcdef"

GRADED = textwrap.dedent('''
    [questions."9.1"]
    kind = "number"
    mode = "graded"
    prompt = "A number."
    variable = "answer_9_1"
    expected = "exp(-1)/(1 + exp(-1))**2"

    [questions."9.2"]
    kind = "expr"
    mode = "graded"
    prompt = "A formula in z."
    variable = "answer_9_2"
    expected = "3*z**2*cos(z**3)"
    variables = ["z"]

    [questions."9.3"]
    kind = "matrix"
    mode = "graded"
    prompt = "dW."
    variable = "answer_9_3"
    expected = "dY.T @ X"
    shapes = { dY = [4, 2], X = [4, 3] }

    [questions."9.4"]
    kind = "steps"
    mode = "graded"
    prompt = "A derivation."
    variable = "answer_9_4"
    expected = "2*x"
    variables = ["x"]
''')


@pytest.fixture
def graded_bank(monkeypatch):
    """The private form (with expected answers) of four graded questions."""
    bank = {q.id: q for q in parse_bank_text(GRADED, "09_test.toml")}
    monkeypatch.setattr(exercise, "_bank", lambda: bank)
    return bank


# -- the bank ------------------------------------------------------------------------

def test_mode_defaults_to_practice_and_the_package_bank_is_all_practice():
    bank = load_bank()
    assert bank and all(q.mode == "practice" and not q.graded for q in bank.values())


def test_a_graded_question_may_omit_its_answer_a_practice_one_may_not():
    student = parse_bank_text('[questions."9.1"]\nkind = "number"\nmode = "graded"\n'
                              'prompt = "p"\nvariable = "a"\n')
    assert student[0].graded and student[0].expected is None
    with pytest.raises(BankError, match="missing required field 'expected'"):
        parse_bank_text('[questions."9.1"]\nkind = "number"\nprompt = "p"\nvariable = "a"\n')


@pytest.mark.parametrize("extra, message", [
    ('mode = "exam"', "mode must be one of"),
    ('expected = "1"\nparams = { x = [1, 2] }', "only for mode = 'graded'"),
    ('mode = "graded"\nparams = { x = [] }', "non-empty list"),
    ('mode = "graded"\nparams = { x = [1, "a"] }', "all be numbers or all"),
])
def test_bad_mode_or_params_are_refused_by_name(extra, message):
    with pytest.raises(BankError, match=message):
        parse_bank_text(f'[questions."9.1"]\nkind = "number"\nprompt = "p"\nvariable = "a"\n{extra}\n')


# -- validation only -----------------------------------------------------------------

@pytest.mark.parametrize("qid, right, wrong", [
    ("9.1", "0.19661193324148185", "0.2"),
    ("9.2", "3z^2 cos(z^3)", "3*z^2*sin(z^3)"),
    ("9.3", "dY.T @ X", "X.T @ dY"),   # wrong, and of another shape: still only "received"
    ("9.4", ["d/dx x^2", "2x"], ["d/dx x^2", "2x", "3x"]),
])
def test_graded_feedback_is_the_same_for_right_and_wrong(graded_bank, qid, right, wrong):
    ok, bad = check_answer(qid, right), check_answer(qid, wrong)
    assert ok.status == bad.status == exercise.RECEIVED
    assert (repr(ok), ok._repr_html_(), ok.diagnosis) == (repr(bad), bad._repr_html_(), bad.diagnosis)
    assert not ok and not ok.correct          # never a "correct" in the notebook
    assert "graded" in ok.feedback and "later" in ok.feedback


@pytest.mark.parametrize("qid, value, message", [
    ("9.1", "x + 1", "A number is asked for here"),
    ("9.1", "1/0", "divides by zero"),
    ("9.1", "[[1, 2]]", "not a matrix"),
    ("9.2", "3*y", "Unknown name 'y'"),
    ("9.2", "d/dz sin(z^3)", "still contains a derivative"),
    ("9.2", "3*z**", "could not be read"),
    ("9.3", "dY @ X", "inner sizes differ"),
    ("9.4", "2x", "list of step strings"),
    ("9.4", ["x^2", "2*q +"], "Step 2"),
    ("9.4", ["x^2", "d/dx x^2"], "Step 2: Your answer still contains a derivative"),
])
def test_malformed_graded_answers_are_explained(graded_bank, qid, value, message):
    result = check_answer(qid, value)
    assert result.status == exercise.INVALID and message in result.feedback, result.feedback


def test_graded_code_answer_is_validated_not_run():
    from nnlib.course.bank import Question

    q = Question("9.5", 9, "code", "f", "my_f", mode="graded")
    assert validate(q, lambda x: x)[0]
    assert validate(q, "def my_f(x):\n    return x\n")[0]
    assert validate(q, "def my_f(x) return")[1].startswith("Your code is not valid Python")
    assert not validate(q, 3)[0]


def test_use_bank_text_replaces_package_questions_and_can_be_undone():
    use_bank('[questions."7.1"]\nkind = "expr"\nmode = "graded"\nprompt = "p"\n'
             'variable = "answer_7_1"\nvariables = ["z"]\n')
    try:
        assert check_answer("7.1", "1 - tanh(z)^2").status == exercise.RECEIVED
        assert check_answer("1.1", ...).status == exercise.NOT_ATTEMPTED  # package question kept
    finally:
        use_bank(None)
    assert check_answer("7.1", "1 - tanh(z)^2").status == exercise.CORRECT


# -- variants ------------------------------------------------------------------------

def template():
    return load_bank(EXAMPLE / "bank")["7.10"]


def test_variant_seed_is_keyed_by_secret_student_and_question():
    seeds = {variant_seed(SECRET, s, q) for s in ("s1", "s2") for q in ("7.10", "7.11")}
    assert len(seeds) == 4
    assert variant_seed(SECRET, "s1", "7.10") == variant_seed(SECRET, "s1", "7.10")
    assert variant_seed(SECRET, "s1", "7.10") != variant_seed(SECRET + "x", "s1", "7.10")
    with pytest.raises(VariantError, match="at least 16"):
        variant_seed("short", "s1", "7.10")


def _finite_difference_answer(p: dict) -> float:
    """dL/dw for L = (f(w x + b) - t)^2 / 2 by central differences (independent of SymPy)."""
    f = {"sigma": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh,
         "softplus": lambda z: math.log1p(math.exp(z))}[p["act"]]

    def loss(w):
        return 0.5 * (f(w * p["x"] + p["b"]) - p["t"]) ** 2
    h = 1e-5
    return (loss(p["w"] + h) - loss(p["w"] - h)) / (2 * h)


@pytest.mark.parametrize("student", ["s001", "s002", "s003", "s004", "s005", "s006"])
def test_template_instance_matches_a_finite_difference(student):
    q = template()
    params = choose(q, student, SECRET)
    mine = instantiate(q, student, SECRET)
    value, fd = float(mine.expected), _finite_difference_answer(params)
    # central differences with h = 1e-5 on a smooth loss: truncation ~h^2 * |L'''| ~ 1e-10,
    # rounding ~eps / h ~ 1e-11; 1e-8 absolute is a safe bound for |L'''| <= 100.
    assert abs(value - fd) < 1e-8, (params, value, fd)
    for name, v in params.items():
        assert f"{name} = {format_value(v)}" in mine.prompt or f"{v}(" in mine.prompt
    assert "{{" not in mine.prompt and mine.params is None
    assert mine.check(f"{value:.8g}") and not mine.check(f"{-value:.8g}")


def test_unknown_placeholder_is_an_error():
    from dataclasses import replace

    with pytest.raises(VariantError, match="placeholder"):
        instantiate(replace(template(), prompt="{{nope}}"), "s1", SECRET)


# -- roster --------------------------------------------------------------------------

def test_roster_reads_and_refuses_bad_ids(tmp_path):
    students = read_roster(EXAMPLE / "roster.csv")
    assert [s.student_id for s in students] == ["s001", "s002", "s003"]
    assert students[0].name == "Ada Lovelace" and students[0].canvas_id == "1001"
    for body, message in [("name\nx\n", "student_id"), ("student_id\n../x\n", "folder"),
                          ("student_id\na\na\n", "also on line 2"), ("student_id\n", "no student")]:
        (tmp_path / "r.csv").write_text(body)
        with pytest.raises(RosterError, match=message):
            read_roster(tmp_path / "r.csv")


# -- release and scan ----------------------------------------------------------------

def _masters(tmp_path: Path, lessons=("07_activations_losses", "04_layer_backprop")) -> Path:
    sol = tmp_path / "solutions"
    sol.mkdir()
    for stem in lessons:
        shutil.copy(ROOT / "solutions" / f"{stem}.ipynb", sol)
    return sol


def test_release_of_the_example_is_clean_and_withholds_graded_answers(tmp_path):
    sol = _masters(tmp_path)
    roster = read_roster(EXAMPLE / "roster.csv")
    result = release(EXAMPLE / "bank", tmp_path / "out", sol, roster, SECRET)
    assert result.hits == [], [str(h) for h in result.hits]
    student_bank = load_bank(tmp_path / "out" / "bank")
    for qid in ("7.10", "7.11"):
        q = student_bank[qid]
        assert q.graded and q.expected is None and q.params is None and q.hints is None
    assert student_bank["7.1"].expected == load_bank()["7.1"].expected  # practice kept
    private = load_bank(EXAMPLE / "bank")
    for s in roster:
        nb = nbformat.read(tmp_path / "out" / "students" / s.student_id /
                           "07_activations_losses.ipynb", as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        mine = instantiate(private["7.10"], s.student_id, SECRET)
        assert mine.prompt in text and "{{" not in text
        assert 'check_answer("7.10", answer_7_10)' in text
        assert SECRET not in text


def test_release_refuses_templates_without_roster_and_secret(tmp_path):
    with pytest.raises(ReleaseError, match="templates"):
        release(EXAMPLE / "bank", tmp_path / "out", _masters(tmp_path))


def _private(tmp_path: Path, body: str) -> Path:
    bank = tmp_path / "private"
    bank.mkdir(exist_ok=True)
    (bank / "07_activations_losses.toml").write_text(textwrap.dedent(body))
    return bank


def test_marking_a_public_question_graded_is_caught_by_the_scan(tmp_path):
    private = _private(tmp_path, '''
        [questions."7.1"]
        kind = "expr"
        mode = "graded"
        prompt = "Derivative of tanh(z), written with tanh."
        variable = "answer_7_1"
        expected = "1 - tanh(z)**2"
        variables = ["z"]
    ''')
    result = release(private, tmp_path / "out", _masters(tmp_path))
    files = {h.file.name for h in result.hits}
    assert "07_activations_losses.toml" in files, [str(h) for h in result.hits]  # package bank
    # the student bank withholds it; the lesson's own notebook computes it (1 - sp.tanh(z)**2)
    assert not any(tmp_path / "out" / "bank" in h.file.parents for h in result.hits)
    assert any(h.file.name == "07_activations_losses.ipynb" for h in result.hits)


def test_a_graded_code_question_whose_reference_ships_is_caught(tmp_path):
    pkg = load_bank()["4.4"] if load_bank()["4.4"].kind == "code" else \
        next(q for q in load_bank().values() if q.kind == "code")
    bank = tmp_path / "private"
    bank.mkdir()
    (bank / f"{pkg.source}").write_text(textwrap.dedent(f'''
        [questions."{pkg.id}"]
        kind = "code"
        mode = "graded"
        prompt = "p"
        variable = "{pkg.variable}"
        reference = "{pkg.reference}"
        cases = "{pkg.cases}"
    '''))
    result = release(bank, tmp_path / "out", _masters(tmp_path))
    assert any(h.question == pkg.id and "reference code" in h.form for h in result.hits)


VALUE = 0.19661193324148185  # sigma'(1) = e^-1 / (1 + e^-1)^2, printed by float()


@pytest.mark.parametrize("leak", [
    "answer = 0.19661193324148185",             # as computed
    "print(1.9661193e-01)",                     # another format, 8 digits (rtol 1e-6)
    "x = 0.196611933",                          # rounded
    "expected = '3 * z^2 * cos( z**3 )'",       # whitespace and ^ rewritten
    "expected: 3*z**2*cos(z**3)",               # SymPy's printed form
    "$3 z^{2} \\cos{\\left(z^{3} \\right)}$",   # SymPy's LaTeX
    "W = dY.T@X",                               # a matrix answer
    "s = exp(-1) / (1 + exp(-1))^2",            # a number's formula
    "return 3 * z**2 * np.cos(z ** 3)",         # numpy code
    "v = np.exp(-1) / (1 + np.exp(-1)) ** 2",   # code computing the number
    "$\\frac{e^{-1}}{(1 + e^{-1})^2}$",        # the number in LaTeX
    "dW = dY^T @ X",                            # ^T for .T
])
def test_scan_finds_rewritten_forms(tmp_path, leak):
    bank = {q.id: q for q in parse_bank_text(GRADED.replace(
        'expected = "exp(-1)/(1 + exp(-1))**2"', 'expected = "exp(-1)/(1 + exp(-1))**2"\nrtol = 1e-6'),
        "09_test.toml")}
    assert abs(math.exp(-1) / (1 + math.exp(-1)) ** 2 - VALUE) < 1e-15  # VALUE is 9.1's answer
    path = tmp_path / "shipped.py"
    path.write_text(leak + "\n")
    hits, _ = scan([path], [("", q) for q in bank.values()], [])
    assert hits, leak


@pytest.mark.parametrize("innocent", [
    "x = 0.1966",          # too few digits to be accepted with rtol 1e-6
    "z = 0.19661293324",   # another number
    "23*z**2*cos(z**3)",   # part of a longer token
    "dY.T@X2",
])
def test_scan_ignores_near_misses(tmp_path, innocent):
    bank = {q.id: q for q in parse_bank_text(GRADED.replace(
        'expected = "exp(-1)/(1 + exp(-1))**2"', 'expected = "exp(-1)/(1 + exp(-1))**2"\nrtol = 1e-6'),
        "09_test.toml")}
    path = tmp_path / "shipped.txt"
    path.write_text(innocent + "\n")
    hits, _ = scan([path], [("", q) for q in bank.values()], [])
    assert not hits, [str(h) for h in hits]


def test_scan_finds_reference_code_renamed_and_reformatted(tmp_path):
    from nnlib.course.bank import Question

    q = Question("9.5", 9, "code", "p", "f", mode="graded",
                 reference="nnlib.course.references.layer:sigmoid_layer_dW")
    import inspect

    from nnlib.course.references import layer
    source = inspect.getsource(layer.sigmoid_layer_dW).replace("sigmoid_layer_dW", "helper")
    source = "\n".join(line.split("#")[0].rstrip() for line in source.splitlines())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import numpy as np\n" + source)])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    hits, _ = scan([path], [], [q])
    assert hits and hits[0].form.startswith("reference code")


def test_normalise():
    assert normalise("a ** 2 +\n b") == "a^2+b"
    assert normalise("np.exp(x) * math.log(y) * sigmoid(z) + W^T") == "exp(x)*log(y)*sigma(z)+W.T"
    assert normalise("xnp.exp(1)") == "xnp.exp(1)"


@pytest.mark.parametrize("leak", [
    'expected = "d/dw ((1/2)*({{act}}(w*x + b) - t)^2)"',   # the template as written
    "L' = d/dw ((1/2)*(tanh(w*x + b) - t)**2)",             # one activation filled in
])
def test_scan_finds_a_template_formula(tmp_path, leak):
    q = load_bank(EXAMPLE / "bank")["7.10"]
    path = tmp_path / "notes.py"
    path.write_text(f'"""{leak}"""\n')
    hits, _ = scan([path], [("", q)], [])
    assert hits, leak


def test_the_shipped_package_holds_no_graded_answer_of_the_example(tmp_path):
    """The installed package (what pip ships) against every instance of the example's
    templates for a class of 50 and the templates themselves."""
    import nnlib

    bank = load_bank(EXAMPLE / "bank")
    expected = [(f"s{i:03d}", instantiate(q, f"s{i:03d}", SECRET)) for i in range(50)
                for q in bank.values()] + [("", q) for q in bank.values()]
    files = [p for p in Path(nnlib.__file__).parent.rglob("*") if p.is_file()
             and "__pycache__" not in p.parts]
    hits, _ = scan(files, expected, [])
    assert not hits, [str(h) for h in hits]


@pytest.mark.parametrize("prompt", ['Quotes """ and \\frac{a}{b} and σ', "tab\there, DEL \x7f, end \\",
                                    "line\r\nbreak"])
def test_the_notebooks_bank_cell_reads_back_exactly(prompt):
    from nnlib.course.bank import Question
    from nnlib.course.release import release_notebook

    q = Question("9.1", 9, "number", prompt, "answer_9_1", mode="graded")
    master = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from nnlib.course import setup\nsetup()")])
    nb = release_notebook(master, [q])
    cell = next(c.source for c in nb.cells if "use_bank" in c.source)
    try:
        exec(compile(cell, "<cell>", "exec"), {})  # noqa: S102 - the release's own cell
        assert exercise._bank()["9.1"].prompt == prompt
    finally:
        use_bank(None)
    assert nb.cells[-1].source == 'answer_9_1 = ...  # YOUR ANSWER HERE\ncheck_answer("9.1", answer_9_1)'


def test_a_stale_file_in_the_output_folder_is_scanned(tmp_path):
    private = _private(tmp_path, '''
        [questions."7.20"]
        kind = "expr"
        mode = "graded"
        prompt = "p"
        variable = "answer_7_20"
        expected = "cosh(z)^3*sinh(z)"
        variables = ["z"]
    ''')
    stale = tmp_path / "out" / "old" / "answers.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("7.20: cosh(z)**3 * sinh(z)\n")
    result = release(private, tmp_path / "out", _masters(tmp_path, ("07_activations_losses",)))
    assert [h.file for h in result.hits] == [stale]
    assert any(str(stale) in w and "not written by this release" in w for w in result.warnings)


def test_a_derivation_without_declared_names_may_use_its_own():
    from nnlib.course.bank import Question

    q = Question("9.6", 9, "steps", "p", "answer_9_6", mode="graded")
    assert validate(q, ["d/dx (x^2 + y)", "2x"]) == validate(q, ["d/dx (x^2)", "2x"])
    assert validate(q, ["d/dx (x^2)", "2x"])[0]


def test_a_graded_answer_the_checker_cannot_read_stops_the_release(tmp_path):
    private = _private(tmp_path, '''
        [questions."7.20"]
        kind = "expr"
        mode = "graded"
        prompt = "p"
        variable = "answer_7_20"
        expected = "cosh(z"
    ''')
    with pytest.raises(ReleaseError, match="7.20"):
        release(private, tmp_path / "out", _masters(tmp_path, ("07_activations_losses",)))


def test_a_layer_size_template():
    """Parameters of a layer n_in -> n_out with a bias: n_in * n_out + n_out (counted by hand)."""
    q = parse_bank_text('[questions."9.7"]\nkind = "number"\nmode = "graded"\n'
                        'prompt = "A Linear({{n_in}}, {{n_out}}) layer: how many parameters?"\n'
                        'variable = "answer_9_7"\nexpected = "n_in*n_out + n_out"\n'
                        '[questions."9.7".params]\nn_in = [784, 100]\nn_out = [10, 30]\n')[0]
    for student in ("s1", "s2", "s3", "s4"):
        p = choose(q, student, SECRET)
        mine = instantiate(q, student, SECRET)
        assert float(mine.expected) == p["n_in"] * p["n_out"] + p["n_out"]
        assert f"Linear({p['n_in']}, {p['n_out']})" in mine.prompt


def test_a_prompt_that_states_its_answer_is_caught(tmp_path):
    private = _private(tmp_path, '''
        [questions."7.20"]
        kind = "expr"
        mode = "graded"
        prompt = "Show that the answer is cosh(z)^3*sinh(z)."
        variable = "answer_7_20"
        expected = "cosh(z)**3*sinh(z)"
        variables = ["z"]
    ''')
    result = release(private, tmp_path / "out", _masters(tmp_path, ("07_activations_losses",)))
    assert {h.file.name for h in result.hits} >= {"07_activations_losses.toml",
                                                  "07_activations_losses.ipynb"}


def test_a_graded_code_reference_that_cannot_be_imported_stops_the_release(tmp_path):
    bank = tmp_path / "private"
    bank.mkdir()
    (bank / "04_layer_backprop.toml").write_text(
        '[questions."4.20"]\nkind = "code"\nmode = "graded"\nprompt = "p"\nvariable = "f"\n'
        'reference = "no_such_module_h15:f"\ncases = "no_such_module_h15:cases"\n')
    with pytest.raises(ReleaseError, match="PYTHONPATH"):
        release(bank, tmp_path / "out", _masters(tmp_path))


def test_shared_variants_are_warned(tmp_path):
    roster = [Student(f"s{i:02d}") for i in range(30)]   # 30 students, 12 variants of 7.11
    result = release(EXAMPLE / "bank", tmp_path / "out", _masters(tmp_path), roster, SECRET)
    for qid in ("7.10", "7.11"):
        q = load_bank(EXAMPLE / "bank")[qid]
        drawn = [tuple(sorted(choose(q, s.student_id, SECRET).items())) for s in roster]
        sharing = sum(drawn.count(d) for d in set(drawn) if drawn.count(d) > 1)
        warned = [w for w in result.warnings if w.startswith(f"question {qid}:")]
        assert (sharing > 0) == bool(warned) and (not warned or f"{sharing} of 30" in warned[0])
    assert any(w.startswith("question 7.11:") for w in result.warnings)  # pigeonhole: 30 > 12


def test_undeclared_names_are_warned(tmp_path):
    private = _private(tmp_path, '''
        [questions."7.20"]
        kind = "expr"
        mode = "graded"
        prompt = "p"
        variable = "answer_7_20"
        expected = "cosh(x)^3*sinh(x)"
    ''')
    result = release(private, tmp_path / "out", _masters(tmp_path, ("07_activations_losses",)))
    assert any("no `variables` declared" in w for w in result.warnings)


def test_a_graded_question_asked_in_the_master_gets_its_prompt_next_to_its_cell():
    from nnlib.course.bank import Question
    from nnlib.course.release import release_notebook

    q = Question("9.1", 9, "number", "Your numbers: x = 3.", "answer_9_1", mode="graded")
    master = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from nnlib.course import setup\nsetup()"),
        nbformat.v4.new_markdown_cell("Question text of the master."),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer_9_1 = 3\n### END SOLUTION\n"
                                  "check_answer('9.1', answer_9_1)")])
    nb = release_notebook(master, [q])
    sources = [c.source for c in nb.cells]
    note = next(i for i, src in enumerate(sources) if src.startswith("**Graded question 9.1**"))
    assert "Your numbers: x = 3." in sources[note] and "check_answer('9.1'" in sources[note + 1]
    assert not any("## Graded questions" in src for src in sources)  # not asked twice
    assert "answer_9_1 = 3" not in "\n".join(sources)


def test_a_number_placeholder_in_the_formula_is_bracketed():
    q = parse_bank_text('[questions."9.8"]\nkind = "number"\nmode = "graded"\nprompt = "x = {{x}}"\n'
                        'variable = "a"\nexpected = "{{x}}^2"\n[questions."9.8".params]\nx = [-1.5]\n')[0]
    assert float(instantiate(q, "s1", SECRET).expected) == 2.25   # (-1.5)^2, not -(1.5^2)


@pytest.mark.parametrize("leak, name", [
    ('note = "sech(z)^2"', "a.py"),                                # an equivalent formula
    ("def d(z):\n    return 1 / np.cosh(z) ** 2\n", "b.py"),        # numpy code computing it
    ("The derivative is $\\frac{1}{\\cosh(z)^2}$.", "c.md"),        # LaTeX in prose
])
def test_scan_finds_equivalent_formulas(tmp_path, leak, name):
    q = parse_bank_text('[questions."9.9"]\nkind = "expr"\nmode = "graded"\nprompt = "p"\n'
                        'variable = "a"\nexpected = "1 - tanh(z)**2"\nvariables = ["z"]\n')[0]
    path = tmp_path / name
    path.write_text(leak + "\n")
    hits, _ = scan([path], [("", q)], [])
    assert hits and hits[0].form.startswith("equal to"), leak
    other = tmp_path / f"other_{name}"
    other.write_text(leak.replace("2", "3") + "\n")          # sech(z)^3 is not the answer
    assert not scan([other], [("", q)], [])[0]


def test_release_command_exit_status(tmp_path, capsys, monkeypatch):
    from nnlib.course.__main__ import main

    monkeypatch.delenv("NNLIB_COURSE_SECRET", raising=False)
    sol = _masters(tmp_path, ("07_activations_losses",))
    assert main(["release", "--bank", str(EXAMPLE / "bank"), "--out", str(tmp_path / "a"),
                 "--solutions", str(sol)]) == 2
    assert "templates" in capsys.readouterr().err
    private = _private(tmp_path, '''
        [questions."7.1"]
        kind = "expr"
        mode = "graded"
        prompt = "p"
        variable = "answer_7_1"
        expected = "1 - tanh(z)**2"
        variables = ["z"]
    ''')
    assert main(["release", "--bank", str(private), "--out", str(tmp_path / "b"),
                 "--solutions", str(sol)]) == 1
    err = capsys.readouterr().err
    assert "LEAK:" in err and "release FAILED" in err
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    assert main(["release", "--bank", str(EXAMPLE / "bank"), "--out", str(tmp_path / "c"),
                 "--solutions", str(sol), "--roster", str(EXAMPLE / "roster.csv"),
                 "--secret-file", str(secret)]) == 0
    assert "scan clean" in capsys.readouterr().out
