"""Hostile input: every case returns an "unsafe"/"unparsable" verdict quickly, never hangs.

The 2 s bound is a hang detector with generous slack for CI, not a performance target
(benchmarks/bench_check.py measures speed).
"""
import builtins
import time

import pytest
import sympy

from nnlib.check import check, check_steps
from nnlib.check.parse import ParseError, parse

HOSTILE = [
    "__import__('os').system('ls')",
    "().__class__.__bases__",
    "lambda: 0",
    "x" * 10**6,
    "9**9**9**9",
    "(" * 10**5 + "x" + ")" * 10**5,
    "x**99999999",
    "exp(exp(exp(1000)))",
    "[" * 500 + "]" * 500,
    "x" + "+x" * 999,          # long flat sum within the length limit
    "((x))" * 300,
    "1" * 100,                 # a 100-digit integer
    "1e999999",
    "x.real",
    "x.__class__",
    "open('f')",
    "exp(x)(x)(x)",
    "sigma.__globals__",
    "x if x else x",
    "[x for x in y]",
    "{'a': 1}",
    "x[0]",
    "f(*x)",
    "max(x, key=x)",
    "x; import os",
    "2**1001",
    "10**300**2",
    "(x+1)**1000",
    "exp(710)",
    "1/0",
    "\x00",
    "x\n+\ny",
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_input_returns_quickly(text):
    start = time.perf_counter()
    v = check(text, expected="x")
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    assert not v or text.startswith("x\n")
    assert isinstance(v.feedback, str) and v.feedback


@pytest.mark.parametrize("text", HOSTILE[:8], ids=lambda t: repr(t[:30]))
def test_issue_examples_are_unsafe_or_unparsable(text):
    assert check(text, expected="x").diagnosis in ("unsafe", "unparsable")


@pytest.mark.parametrize("text", HOSTILE[:8], ids=lambda t: repr(t[:30]))
def test_hostile_steps_return_quickly(text):
    start = time.perf_counter()
    v = check_steps(["x", text])
    assert time.perf_counter() - start < 2.0
    assert not v and v.first_error == 1


def test_parser_rejects_with_kind():
    with pytest.raises(ParseError) as info:
        parse("().__class__")
    assert info.value.kind == "unsafe"
    with pytest.raises(ParseError) as info:
        parse("x +")
    assert info.value.kind == "unparsable"
    with pytest.raises(TypeError, match="str"):
        parse(3)


def test_no_eval_exec_or_sympify_of_student_text(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("student text reached eval/exec/sympify")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sympy, "sympify", forbidden)
    monkeypatch.setattr(sympy, "parse_expr", forbidden)
    assert check("sigma(z)*(1 - sigma(z))", expected="exp(-z)/(1 + exp(-z))^2")
    assert check("dY.T @ X", expected="(X.T @ dY).T", shapes={"X": (5, 3), "dY": (5, 2)})
    assert check("__import__('os')", expected="x").diagnosis == "unsafe"
