"""``python -m nnlib.course audit``: try every bank question with wrong and equivalent answers.

For each question (all kinds but ``code``) two sets of answers are made from the expected
answer ``E`` (a SymPy object, as the checker builds it):

* **Wrong answers (mutants):** ``-E``; the sign of each term flipped; each term dropped;
  each factor dropped, the whole doubled and halved; each transpose removed and each
  square matrix transposed; two variables (or two matrices of one shape) swapped; kinks
  shifted; terms that vanish for small values added (``relu(|v| - 2)``,
  ``relu(|v| - 100)``, ``relu(|E| - 100)`` and ``relu(|E| - 1e5)`` entrywise, an entrywise
  bump ``relu(1 - 1000 (E - 5)^2)``); a Heaviside splice wrong for
  ``v < -2``; a bump ``relu(1 - 1000 (v - 5)^2)`` that is nonzero only for
  ``|v - 5| < 0.032``; tiny constants (``+ 1e-10``, ``+ exp(-1000)``, ``+ v exp(-60)``).
  For numbers: ``-N``, ``2N``, ``N/2``, ``N + 1``, ``N + 1e-10``, a decimal wrong in its
  last digit and, where the question asks for ``digits``, one digit too few.
  A mutant counts only if it is shown wrong: a point where it differs from ``E`` by more
  than 1e-6 (relative), or a nonzero exact constant added (the tiny family). Mutants that
  happen to equal ``E`` (swapping the two variables of ``n_in + n_out``) are dropped.
* **Equivalent rewrites:** the bank's text, SymPy's printed form, ``expand``, ``factor``,
  ``together``, the terms in reverse order, ``(B^T A^T)^T`` for a product ``A B``,
  ``hadamard(b, a)`` for ``hadamard(a, b)``, ``((E)^T)^T``; for numbers the decimal
  (rounded to ``digits`` where the question asks for them).

Every answer goes through ``Question.check`` as a student's would (text where SymPy's
printed form reads back as the same object, else the object itself). The report lists
every accepted mutant and every rejected rewrite with the verdict's diagnosis; the exit
status is 1 if there is any.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from nnlib.check.answer import question as checker_question
from nnlib.check.answer import names_in, to_sympy
from nnlib.check.build import is_matrix, make_symbols
from nnlib.check.diagnose import drop_one_term
from nnlib.check.numeric import evaluate
from nnlib.check.parse import ParseError

from .bank import Question, load_bank

WITNESS_SCALARS = (0.7, -1.3, 2.5, -3.0, 5.0, 4.99, 5.01, 20.0, -20.0, 150.0, -150.0, 0.05)
WITNESS_MATRIX_SCALES = (1.0, 30.0, 0.1)
TINY = "tiny"
#: Families wrong without a witness search: a nonzero exact constant or factor (tiny); a
#: decimal off in its last digit or one digit short; a nonnegative entrywise term that is
#: positive where an entry of the (non-constant) expected matrix passes 1e5 or is near 5,
#: values the entries take when the matrices are scaled (too far for the witness points).
WRONG_BY_CONSTRUCTION = {TINY, "wrong last digit", "one digit too few",
                         "entrywise kink term (|E| > 1e5)", "entrywise narrow bump at 5"}


@dataclass
class Outcome:
    """One answer tried on one question."""

    family: str
    answer: Any
    correct: bool
    diagnosis: str | None
    feedback: str


@dataclass
class QuestionAudit:
    """The audit of one question."""

    qid: str
    mutants: list = field(default_factory=list)
    rewrites: list = field(default_factory=list)
    dropped: int = 0            # mutants equal to the expected answer: not counted

    @property
    def accepted_mutants(self) -> list:
        return [o for o in self.mutants if o.correct]

    @property
    def rejected_rewrites(self) -> list:
        return [o for o in self.rewrites if not o.correct]


# ----------------------------------------------------------------- text for an answer

def as_answer(expr, symbols: dict):
    """SymPy's printed form if it reads back as the same object, else the object itself."""
    text = sp.sstr(expr)
    try:
        back, _ = to_sympy(text, symbols)
    except (ParseError, ValueError, TypeError):
        return expr
    try:
        same = back == expr or sp.simplify(back - expr) == 0 if not is_matrix(expr) \
            else back == expr
    except Exception:
        same = False
    return text if same else expr


# ----------------------------------------------------------------- wrong answers

def _replace(expr, old, new):
    try:
        out = expr.xreplace({old: new})
    except (sp.ShapeError, ValueError, TypeError):
        return None
    return out if out != expr else None


def _mutants_expr(e, symbols: dict) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("negated", -e), ("doubled", 2 * e), ("halved", e / 2)]
    terms = (sp.MatAdd if is_matrix(e) else sp.Add).make_args(e) if isinstance(e, (sp.Add, sp.MatAdd)) else ()
    for t in terms:
        out.append(("term sign flipped", e - 2 * t))
    out += [("term dropped", v) for v in drop_one_term(e)]
    for node in sp.preorder_traversal(e):
        if isinstance(node, (sp.Mul, sp.MatMul)) and len(node.args) > 1:
            for a in node.args:
                if a in (1, -1):
                    continue
                rest = [b for b in node.args if b is not a]
                smaller = rest[0] if len(rest) == 1 else node.func(*rest)
                try:
                    if is_matrix(node) and smaller.shape != node.shape:
                        continue
                except AttributeError:
                    continue
                m = _replace(e, node, smaller)
                if m is not None:
                    out.append(("factor dropped", m))
        if isinstance(node, sp.Transpose):
            m = _replace(e, node, node.arg) if node.arg.shape == node.shape else None
            if m is not None:
                out.append(("transpose removed", m))
        if isinstance(node, (sp.Max, sp.Min, sp.Abs, sp.Heaviside)):
            shifted = node.func(*[a + sp.Rational(1, 10) if a.free_symbols else a for a in node.args])
            m = _replace(e, node, shifted)
            if m is not None:
                out.append(("kink shifted", m))
    mats = [s for s in symbols.values() if isinstance(s, sp.MatrixSymbol)]
    scalars = [s for s in symbols.values() if isinstance(s, sp.Symbol)]
    for s in mats:
        if s.shape[0] == s.shape[1] and e.has(s):
            out.append(("transpose added", e.xreplace({s: s.T})))
    if is_matrix(e):
        out.append(("transpose added", e.T))     # wrong shape unless square
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.MatMul):
            mats = [a for a in node.args if is_matrix(a)]
            if len(mats) == 2 and mats[1].shape[1] == mats[0].shape[0]:
                swapped = sp.MatMul(*[a for a in node.args if not is_matrix(a)], mats[1], mats[0])
                if swapped.shape == node.shape:
                    m = _replace(e, node, swapped)
                    if m is not None:
                        out.append(("product order swapped", m))
    for a, b in itertools.combinations([s for s in scalars if e.has(s)], 2):
        out.append(("variables swapped", e.xreplace({a: b, b: a})))
    for a, b in itertools.combinations([s for s in mats if e.has(s)], 2):
        if a.shape == b.shape:
            out.append(("matrices swapped", e.xreplace({a: b, b: a})))
    def plus(term):
        return e + term * sp.OneMatrix(*e.shape) if is_matrix(e) else e + term

    for v in scalars:
        if not e.has(v):
            continue
        out.append(("kink term (|v| > 2)", plus(sp.Max(0, sp.Abs(v) - 2))))
        out.append(("kink term (|v| > 100)", plus(sp.Max(0, sp.Abs(v) - 100))))
        out.append(("narrow bump at v = 5", plus(sp.Max(0, 1 - 1000 * (v - 5) ** 2))))
        out.append(("Heaviside splice (v < -2)", plus(sp.Heaviside(-v - 2))))
        out.append((TINY, plus(v * sp.exp(-60))))
    if not is_matrix(e):
        out.append((TINY, e + sp.exp(-1000)))
        out.append((TINY, e * (1 + sp.exp(-40))))
    return out


def _text_mutants(text: str, matrix: bool) -> list[tuple[str, str]]:
    """Mutants written as text around the bank's expected answer."""
    out = [(TINY, f"({text}) + 1e-10"), (TINY, f"({text})*(1 + 1e-12)")]
    for m in re.finditer(r"\.T\b", text):
        out.append(("transpose removed", text[:m.start()] + text[m.end():]))
    if matrix:
        out.append(("entrywise kink term (|E| > 100)", f"{text} + relu(abs({text}) - 100)"))
        out.append(("entrywise kink term (|E| > 30)", f"{text} + relu(abs({text}) - 30)"))
        out.append(("entrywise kink term (|E| > 1e5)", f"{text} + relu(abs({text}) - 100000)"))
        out.append(("entrywise narrow bump at 5",
                    f"{text} + relu(1 - 1000*hadamard({text} - 5, {text} - 5))"))
    return out


def _number_mutants(q: Question, value) -> list[tuple[str, Any]]:
    n = sp.nsimplify(value) if not isinstance(value, sp.Basic) else value
    out: list[tuple[str, Any]] = [("negated", -n), ("doubled", 2 * n), ("halved", n / 2),
                                  ("plus one", n + 1), (TINY, f"({q.expected}) + 1e-10"),
                                  (TINY, n + sp.exp(-1000))]
    x = float(sp.N(n, 30))
    if x != 0:
        digits = q.digits or 6
        exp10 = int(np.floor(np.log10(abs(x))))
        unit = 10.0 ** (exp10 - digits + 1)
        good = round(x / unit) * unit
        wrong = good + 2 * unit
        decimals = max(0, digits - 1 - exp10)
        out.append(("wrong last digit", f"{wrong:.{decimals}f}"))
        if q.digits:
            coarse_unit = unit * 10
            coarse = round(x / coarse_unit) * coarse_unit
            if abs(coarse - x) > 0.5 * 10.0 ** (1 - q.digits) * abs(x):
                out.append(("one digit too few", f"{coarse:.{max(0, decimals - 1)}f}"))
    return out


def _is_wrong(family: str, mutant, e, symbols: dict, rng) -> bool:
    """The mutant differs from ``e`` somewhere (a witness point), or by construction."""
    if family in WRONG_BY_CONSTRUCTION and (not family.startswith("entrywise")
                                           or getattr(e, "free_symbols", None)):
        return True
    if isinstance(mutant, str):
        try:
            mutant, _ = to_sympy(mutant, symbols)
        except (ParseError, ValueError, TypeError):
            return True   # refused text is a rejection either way
    if is_matrix(mutant) != is_matrix(e) or (is_matrix(e) and mutant.shape != e.shape):
        return True
    diff = mutant - e
    if not is_matrix(diff) and not diff.free_symbols:
        v = sp.N(diff, 30)
        return bool(v.is_number and v != 0 and abs(v) > 1e-25)
    k = len(WITNESS_SCALARS)
    env = {}
    for s in symbols.values():
        if isinstance(s, sp.MatrixSymbol):
            scales = np.resize(np.array(WITNESS_MATRIX_SCALES), k)[:, None, None]
            env[s] = rng.normal(size=(k, *map(int, s.shape))) * scales
        else:
            env[s] = np.array(WITNESS_SCALARS)[rng.permutation(k)].reshape(k, 1, 1)
    for s in [s for s in symbols.values() if isinstance(s, sp.Symbol)]:
        env[s] = np.concatenate([env[s], np.array(WITNESS_SCALARS).reshape(k, 1, 1)])
    for s in [s for s in symbols.values() if isinstance(s, sp.MatrixSymbol)]:
        env[s] = np.concatenate([env[s], env[s]])
    n = 2 * k
    try:
        with np.errstate(all="ignore"):
            a = np.broadcast_to(evaluate(mutant, env, n), (n, *_shape(e)))
            b = np.broadcast_to(evaluate(e, env, n), a.shape)
    except Exception:
        return False
    ok = np.isfinite(a) & np.isfinite(b)
    with np.errstate(all="ignore"):
        gap = np.abs(a - b) > 1e-6 * (1 + np.abs(b))
    return bool(np.any(ok & gap))


def _shape(e):
    return tuple(int(d) for d in e.shape) if is_matrix(e) else (1, 1)


# ----------------------------------------------------------------- equivalent rewrites

def _rewrites_expr(e, text: str, symbols: dict) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("bank text", text), ("printed", e)]
    if not is_matrix(e):
        for name, f in (("expanded", sp.expand), ("factored", sp.factor), ("together", sp.together)):
            try:
                r = f(e)
            except Exception:
                continue
            out.append((name, r))
        terms = sp.Add.make_args(e)
        if len(terms) > 1:
            out.append(("terms reversed", " + ".join(f"({sp.sstr(t)})" for t in reversed(terms))))
    else:
        out.append(("double transpose", f"(({text}).T).T"))
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.MatMul):
                mats = [a for a in node.args if is_matrix(a)]
                scal = [a for a in node.args if not is_matrix(a)]
                if len(mats) >= 2:
                    flipped = sp.Mul(*scal) * sp.Transpose(sp.MatMul(*[m.T for m in reversed(mats)]))
                    r = _replace(e, node, flipped)
                    if r is not None:
                        out.append(("(B^T A^T)^T", r))
            if isinstance(node, sp.HadamardProduct):
                r = _replace(e, node, sp.HadamardProduct(*reversed(node.args)))
                if r is not None:
                    out.append(("hadamard swapped", r))
        terms = sp.MatAdd.make_args(e)
        if len(terms) > 1:
            out.append(("terms reversed", " + ".join(f"({sp.sstr(t)})" for t in reversed(terms))))
    return out


def _rewrites_number(q: Question, value) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("bank text", q.expected), ("printed", value)]
    x = float(sp.N(value, 30))
    if q.digits:
        out.append(("decimal to the digits asked", f"{x:.{q.digits - 1}e}"))
        out.append(("computed float", x))
    else:
        out.append(("computed float", x))
    return out


# ----------------------------------------------------------------- derivations

def _step_text(expr, symbols: dict) -> str:
    """A step as a student would type it (matrix expressions in checker syntax)."""
    return as_answer(expr, symbols) if is_matrix(expr) else sp.sstr(expr)


def _intermediate_forms(start, expected, symbols: dict, plain_start: bool) -> list[str]:
    """Rewrites of the start that differ (as formulas) from the start and the result and from
    each other: the evaluated derivative, expanded, factored, over a common denominator."""
    candidates = [start]
    for f in (sp.expand, sp.factor, sp.together, sp.cancel):
        try:
            candidates.append(f(start))
        except Exception:  # a matrix expression or a form SymPy cannot rewrite
            continue
    seen = [expected] + ([start] if plain_start else [])
    out = []
    for c in candidates:
        text = _step_text(c, symbols)
        try:  # compare as the checker will see the typed step
            c = to_sympy(text, symbols)[0] if isinstance(text, str) else c
        except (ParseError, ValueError, TypeError):
            continue
        if any(c == t for t in seen):
            continue
        seen.append(c)
        out.append(text)
    return out


def _steps_answers(q: Question) -> tuple[list, list]:
    """Mutant and rewrite derivations for a ``steps`` question with a ``start``."""
    if not q.start:
        return [], [("bank value as one step", [q.expected])]
    subs = q.subs or {}
    symbols = make_symbols(sorted(set(names_in(q.start)) | set(names_in(q.expected)) | set(subs)), q.shapes)
    start, _ = to_sympy(q.start, symbols)
    values = {symbols[k]: sp.sympify(v) for k, v in subs.items() if k in symbols}
    general = _step_text(start, symbols)
    wrt = re.search(r"d/d([A-Za-z_][A-Za-z0-9_]*)", q.start)
    v = wrt.group(1) if wrt else "x"
    expected, _ = to_sympy(q.expected, symbols)
    forms = _intermediate_forms(start, expected, symbols, plain_start="d/d" not in q.start)
    need = max(1, (q.min_steps or 0) - 2)  # steps between the start and the result
    # a rewrite needs `need` genuine intermediate forms; where SymPy finds none (matrix
    # identities, a result that is the start's own canonical form) none is made up
    rewrites = [("start, intermediate forms, result", [q.start, *forms[:need], q.expected])] \
        if len(forms) >= need else []
    if values and len(forms) >= need:
        plugged_form = _step_text(start.xreplace(values), symbols)
        rewrites.append(("start, forms, values, result", [q.start, *forms[:need], plugged_form, q.expected]))
    mutants = [
        ("result alone", [q.expected]),
        ("start then result", [q.start, q.expected]),
        ("derivative of the value", [f"d/d{v} (({q.expected})*{v})", q.expected]),
        ("start repeated", [q.start, q.start, q.expected]),
        ("formula sign flipped", [q.start, sp.sstr(-start), q.expected]),
        ("formula doubled", [q.start, sp.sstr(2 * start), sp.sstr(2 * start.xreplace(values)),
                             q.expected]),
        ("wrong result", [q.start, general, sp.sstr(2 * start.xreplace(values))]),
        ("tiny constant", [q.start, general, f"({q.expected}) + 1e-10"]),
    ]
    return mutants, rewrites


# ----------------------------------------------------------------- the audit

def _try(q: Question, family: str, answer, seed: int) -> Outcome:
    student = isinstance(answer, str) or (isinstance(answer, list)
                                          and all(isinstance(a, str) for a in answer))
    try:
        v = q.check(answer, seed=seed, student=student)
        return Outcome(family, answer, bool(v), getattr(v, "diagnosis", None),
                       str(getattr(v, "feedback", "")))
    except Exception as exc:  # a crash is a rejection with its message, reported as such
        return Outcome(family, answer, False, "error", f"{type(exc).__name__}: {exc}")


def audit_question(q: Question, seed: int = 0) -> QuestionAudit:
    """Wrong and equivalent answers for one question, each checked (see module docstring)."""
    result = QuestionAudit(q.id)
    rng = np.random.default_rng(seed + 7919)
    if q.kind == "steps":
        try:
            mutants, rewrites = _steps_answers(q)
        except Exception as exc:  # a start the audit cannot read: say so, never crash the audit
            result.rewrites = [Outcome("start readable", q.start, False, "error", f"{type(exc).__name__}: {exc}")]
            return result
        result.mutants = [_try(q, f, a, seed) for f, a in mutants]
        result.rewrites = [_try(q, f, a, seed) for f, a in rewrites]
        return result
    cq = checker_question(q.expected, q.variables, q.shapes)
    e, symbols = cq.expected, cq.symbols
    if q.kind == "number" or (not symbols and not is_matrix(e)):
        mutants, rewrites = _number_mutants(q, e), _rewrites_number(q, e)
    else:
        mutants = _mutants_expr(e, symbols) + _text_mutants(q.expected, is_matrix(e))
        rewrites = _rewrites_expr(e, q.expected, symbols)
    seen = set()
    for family, m in mutants:
        key = m if isinstance(m, str) else sp.srepr(m)
        if key in seen:
            continue
        seen.add(key)
        if not _is_wrong(family, m, e, symbols, rng):
            result.dropped += 1
            continue
        answer = m if isinstance(m, str) else as_answer(m, symbols)
        result.mutants.append(_try(q, family, answer, seed))
    for family, r in rewrites:
        answer = r if isinstance(r, (str, float)) else as_answer(r, symbols)
        result.rewrites.append(_try(q, family, answer, seed))
    return result


def audit(bank: dict | None = None, ids=None, seed: int = 0) -> list[QuestionAudit]:
    """Audit every non-code question of ``bank`` (default: the package's bank)."""
    bank = load_bank() if bank is None else bank
    return [audit_question(q, seed) for qid, q in bank.items()
            if q.kind != "code" and (not ids or qid in ids)]


def report(results: list[QuestionAudit], verbose: bool = False) -> str:
    """Text report: one line per question, then every accepted mutant and rejected rewrite."""
    lines = []
    for r in results:
        lines.append(f"{r.qid:>6}  mutants {len(r.mutants):3d} (accepted {len(r.accepted_mutants)})"
                     f"  rewrites {len(r.rewrites):2d} (rejected {len(r.rejected_rewrites)})"
                     + (f"  [{r.dropped} equal to the answer, not counted]" if r.dropped else ""))
        shown = r.accepted_mutants + r.rejected_rewrites
        if verbose:
            shown = r.mutants + r.rewrites
        for o in shown:
            kind = "ACCEPTED MUTANT" if o in r.accepted_mutants else \
                "REJECTED REWRITE" if o in r.rejected_rewrites else \
                ("mutant" if o in r.mutants else "rewrite")
            lines.append(f"        {kind} [{o.family}] {_short(o.answer)}")
            lines.append(f"            -> {'correct' if o.correct else o.diagnosis}: {o.feedback}")
    accepted = sum(len(r.accepted_mutants) for r in results)
    rejected = sum(len(r.rejected_rewrites) for r in results)
    total_m = sum(len(r.mutants) for r in results)
    total_r = sum(len(r.rewrites) for r in results)
    lines.append(f"{len(results)} questions: {accepted} of {total_m} mutants accepted, "
                 f"{rejected} of {total_r} rewrites rejected")
    return "\n".join(lines)


def _short(answer, width: int = 110) -> str:
    text = repr(answer) if not isinstance(answer, str) else answer
    if isinstance(answer, sp.Basic) or isinstance(answer, sp.MatrixBase):
        text = "SymPy object " + sp.sstr(answer)
    return text if len(text) <= width else text[:width - 3] + "..."
