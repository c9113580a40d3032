"""Reading and validating the question bank (no checker needed)."""
from __future__ import annotations

import textwrap

import pytest

from nnlib.course.bank import BankError, Question, load_bank, resolve

GOOD = """
[questions."9.1"]
kind = "matrix"
prompt = "p"
variable = "answer_9_1"
expected = "X @ W.T"
shapes = { X = [5, 3], W = [4, 3] }

[questions."9.2"]
kind = "code"
prompt = "q"
variable = "answer_9_2"
points = 2
reference = "numpy:tanh"
cases = "tests.course.test_bank:some_cases"
"""


def some_cases(rng):
    return [(rng.normal(size=3),)]


def write(tmp_path, text, name="09_test.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_package_bank_loads_and_is_sorted():
    bank = load_bank()
    assert bank, "the package bank must not be empty"
    keys = [tuple(map(int, k.split("."))) for k in bank]
    assert keys == sorted(keys)
    for qid, q in bank.items():
        assert isinstance(q, Question) and q.id == qid
        if q.kind != "code":  # a code answer is a function with its own name
            assert q.variable == f"answer_{qid.replace('.', '_')}", f"{qid}: name answer_<l>_<n>"


def test_good_file_parses_fields(tmp_path):
    bank = load_bank(write(tmp_path, GOOD))
    q1, q2 = bank["9.1"], bank["9.2"]
    assert (q1.kind, q1.lesson, q1.points, q1.shapes) == ("matrix", 9, 1, {"X": (5, 3), "W": (4, 3)})
    assert (q2.kind, q2.points, q2.expected) == ("code", 2, None)
    assert load_bank(tmp_path) == bank  # a directory works too


@pytest.mark.parametrize("change, message", [
    (('kind = "matrix"', 'kind = "essay"'), "kind must be one of"),
    (('variable = "answer_9_1"', 'variable = "not a name"'), "Python name"),
    (('expected = "X @ W.T"\n', ''), "missing required field 'expected'"),
    (('shapes = { X = [5, 3], W = [4, 3] }', 'shapes = { X = [5] }'), "shape of 'X'"),
    (('prompt = "p"', 'prompt = "p"\nanswer = 3'), "unknown fields"),
    (('points = 2', 'points = -1'), "points must be"),
    (('reference = "numpy:tanh"', 'reference = "tanh"'), "module:function"),
    (('[questions."9.2"]', '[questions."8.2"]'), "belongs to lesson 8"),
    (('[questions."9.2"]', '[questions."nine"]'), "id must look like"),
    (('prompt = "p"', 'prompt = 3'), "field 'prompt' must be str"),
    (('expected = "X @ W.T"', 'expected = "X @ W.T"\nhints = { wrong = "w" }'), "unknown diagnosis 'wrong'"),
    (('expected = "X @ W.T"', 'expected = "X @ W.T"\nhints = { sign = " " }'), "must be a non-empty string"),
    (('expected = "X @ W.T"', 'expected = "X @ W.T"\nhints = { sign = "try X @ W.T" }'), "contains the expected"),
])
def test_bad_entries_name_file_and_question(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(BankError, match=message) as info:
        load_bank(path)
    assert "09_test.toml" in str(info.value)
    assert "question" in str(info.value)


def test_invalid_toml_and_duplicates(tmp_path):
    with pytest.raises(BankError, match="not valid TOML"):
        load_bank(write(tmp_path, "[questions.\n"))
    (tmp_path / "09_test.toml").unlink()
    write(tmp_path, GOOD, "09_a.toml")
    write(tmp_path, GOOD, "09_b.toml")
    with pytest.raises(BankError, match="also defined in 09_a.toml"):
        load_bank(tmp_path)


def test_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_bank(tmp_path / "nope")


def test_resolve():
    import numpy as np

    assert resolve("numpy:tanh") is np.tanh
    with pytest.raises(ValueError, match="module:function"):
        resolve("numpy.tanh")


def test_a_hint_is_added_for_its_diagnosis_only():
    q = Question("9.4", 9, "expr", "p", "answer_9_4", expected="2*x", variables=("x",),
                 hints={"sign": "Look at the direction of the slope."})
    assert q.check("-2*x").feedback.endswith("Hint: Look at the direction of the slope.")
    assert "Hint" not in q.check("4*x").feedback  # a factor mistake: no hint for that
    assert q.check("2x").feedback == "Correct."


def test_steps_needs_a_list():
    q = Question("9.3", 9, "steps", "p", "answer_9_3", expected="1")
    v = q.check("x = 1")
    assert not v and v.diagnosis == "unparsable"
    assert "list of steps" in v.feedback and "not one string" in v.feedback, v.feedback


# ----------------------------------------------------------------- with the real checker

CODE_MODULE = '''
import numpy as np

def reference(X, W):
    """Batch-first linear map without bias."""
    return X @ W.T

def cases(rng):
    return [(rng.normal(size=(4, 3)), rng.normal(size=(2, 3))) for _ in range(3)]
'''


@pytest.fixture
def code_question(tmp_path, monkeypatch):
    (tmp_path / "bank_code_ref.py").write_text(CODE_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return Question("9.5", 9, "code", "p", "answer_9_5", reference="bank_code_ref:reference",
                    cases="bank_code_ref:cases")


def test_code_question_runs_student_function_on_cases(code_question):
    assert code_question.check(lambda X, W: X @ W.T)
    wrong = code_question.check(lambda X, W: (W @ X.T))
    assert not wrong and wrong.diagnosis in ("transpose", "shape")
    assert code_question.check("def reference(X, W):\n    return (W @ X.T).T\n")


def test_code_question_reports_student_errors(code_question):
    def broken(X, W):
        raise ValueError("oops")

    verdict = code_question.check(broken)
    assert not verdict and "ValueError" in verdict.feedback and "oops" in verdict.feedback

    def stub(X, W):
        raise NotImplementedError("your code here")

    with pytest.raises(NotImplementedError):
        code_question.check(stub)
    with pytest.raises(TypeError, match="function or its source"):
        code_question.check(42)


def test_code_question_is_not_attempted_in_check_answer(code_question, monkeypatch):
    from nnlib.course import exercise

    monkeypatch.setattr(exercise, "_bank", lambda: {"9.5": code_question})

    def stub(X, W):
        raise NotImplementedError("your code here")

    assert exercise.check_answer("9.5", stub).status == exercise.NOT_ATTEMPTED
    assert exercise.check_answer("9.5", lambda X, W: X @ W.T).status == exercise.CORRECT


@pytest.mark.parametrize("qid", [q for q, v in load_bank().items() if v.kind in ("expr", "matrix", "number")])
def test_expected_answer_passes_its_own_check(qid):
    """Catches expected answers the checker cannot parse (typos, unknown names, shapes)."""
    question = load_bank()[qid]
    verdict = question.check(question.expected)
    assert verdict, f"{question.source}: {qid}: expected answer rejected: {verdict.feedback}"


def test_lesson1_wrong_answers_get_a_diagnosis():
    bank = load_bank()
    assert bank["1.2"].check("W @ X.T").diagnosis == "transpose"
    assert bank["1.4"].check("3/2").diagnosis == "sign"
    assert not bank["1.1"].check("b_2 + w_12*a_1 + w_22*a_2")


# ----------------------------------------------------------------- issue 14: student answers

def test_sympy_formulas_from_students_are_refused_unless_allowed():
    import sympy as sp
    bank = load_bank()
    z = sp.Symbol("z")
    derived = sp.diff(1 / (1 + sp.exp(-z)), z)
    v = bank["2.1"].check(derived, student=True)
    assert not v and "derivation itself" in v.feedback
    assert bank["2.1"].check(derived)                  # an instructor's own check
    allowed = Question("9.7", 9, "expr", "p", "answer_9_7", expected="2*x", variables=("x",),
                       allow_sympy=True)
    assert allowed.check(2 * sp.Symbol("x"), student=True)
    # numbers and matrices of numbers are numbers, whatever made them
    assert bank["2.4"].check(sp.Rational(-1, 4), student=True)
    import ast
    assert bank["6.3"].check(sp.Matrix(ast.literal_eval(bank["6.3"].expected)), student=True)


def test_user_defined_types_are_refused_by_the_bank():
    class Sneaky(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    bank = load_bank()
    for qid, value in (("2.1", Sneaky("sigma(z)*(1 - sigma(z))")), ("2.3", [Sneaky("-1/8")])):
        v = bank[qid].check(value, student=True)
        assert not v and "type defined in your own code" in v.feedback, (qid, v)


def test_anchored_derivation_of_2_3():
    q = load_bank()["2.3"]
    assert q.start and q.min_steps == 3 and q.plain_steps == 1
    good = [q.start, "(sigma(w*x + b) - c)*sigma(w*x + b)*(1 - sigma(w*x + b))*x",
            "(1/2 - 1)*(1/2)*(1 - 1/2)*1", "-1/8"]
    assert q.check(good, student=True)
    for shortcut in (["-1/8"], ["d/dw (-w/8)", "-1/8"], [q.start, "-1/8"]):
        assert not q.check(shortcut, student=True), shortcut


def test_the_seed_moves_the_points_not_the_verdicts():
    q = load_bank()["2.1"]
    for seed in (0, 1, 987654321):
        assert q.check("exp(-z)/(1 + exp(-z))^2", seed=seed)
        assert not q.check("sigma(z)*(1 - sigma(z)) + relu(abs(z) - 2)", seed=seed)


def test_new_fields_are_validated(tmp_path):
    bad = tmp_path / "09_x.toml"
    bad.write_text('[questions."9.1"]\nkind = "expr"\nprompt = "p"\nvariable = "a"\n'
                   'expected = "x"\ndigits = 3\n')
    with pytest.raises(BankError, match="digits"):
        load_bank(bad)
    bad.write_text('[questions."9.1"]\nkind = "expr"\nprompt = "p"\nvariable = "a"\n'
                   'expected = "x"\nstart = "x"\n')
    with pytest.raises(BankError, match="only for kind = 'steps'"):
        load_bank(bad)
