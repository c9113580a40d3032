"""``python -m nnlib.course release``: what students receive for a graded course.

The package's bank (``nnlib/course/bank/``) is public: it ships with ``pip install
nnlib`` and holds every practice answer. A graded course adds the instructor's
**private bank**, a folder of bank TOML files kept outside the package and the
repository (same format, named like the lessons). Its questions replace the package's
questions of the same id; those with ``mode = "graded"`` are graded, and may be
templates (a variant for each student, :mod:`nnlib.course.variants`).

The release writes, into ``--out``:

* ``bank/<lesson>.toml``: the **student bank**: the course's questions, where every
  graded question keeps its kind, prompt, variable, points, allowed names and shapes,
  and loses ``expected``, ``rtol``, ``reference``, ``cases``, ``hints`` and ``params``;
* the student notebooks, generated from the masters as ``build`` does, with one cell
  after ``setup()`` that loads the lesson's part of the student bank
  (``use_bank(...)`` with TOML text, so a notebook is self-contained), a note before
  each master cell that asks a graded question, and a section at the end for each
  graded question that no master cell asks (the private bank's own questions); with a
  roster and a secret, one folder per student, ``students/<id>/``, whose notebooks show
  that student's own instance of every template; without, ``course/``.

Then every file under ``--out``, and every file of the installed ``nnlib`` package, is
scanned (:func:`scan`) for every graded expected answer (each student's instance, each
template's formula) and every graded code question's reference; any hit makes the
release fail (exit status 1).
"""
from __future__ import annotations

import ast
import bisect
import copy
import inspect
import json
import math
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import nbformat

from .bank import BANK_DIR, Question, load_bank, resolve
from .build import BuildError, student_notebook
from .roster import Student
from .variants import instantiate, is_template

BANK_CELL = '{marker}\nfrom nnlib.course import use_bank\nuse_bank({literal})'
BANK_MARKER = "# The questions of this release (graded ones are only validated here)."
_CHECK_CALL = re.compile(r"""check_answer\(\s*["'](\d+\.\d+)["']""")
#: Forms shorter than this cannot be told apart from ordinary text: not scanned, reported.
MIN_FORM = 5
#: Significant digits a number must have before a match in a file counts as a leak.
MIN_DIGITS = 4


class ReleaseError(ValueError):
    """The release cannot be built (bad bank, missing master, template without a secret)."""


# -- the banks -----------------------------------------------------------------------

def course_bank(private: str | Path) -> dict[str, Question]:
    """The package's bank with the private bank's questions replacing or adding by id."""
    private = Path(private)
    if not private.exists():
        raise ReleaseError(f"--bank: no private bank at {private}")
    if private.resolve() == BANK_DIR.resolve():
        raise ReleaseError("--bank: give the instructor's private bank, not the package's "
                           "public one")
    merged = dict(load_bank())
    merged.update(load_bank(private))
    return dict(sorted(merged.items(), key=lambda kv: tuple(map(int, kv[0].split(".")))))


def student_entry(q: Question) -> dict[str, Any]:
    """The TOML table of ``q`` in the student bank (graded: withheld fields removed)."""
    entry: dict[str, Any] = {"kind": q.kind, "prompt": q.prompt, "variable": q.variable,
                             "points": q.points}
    if q.graded:
        entry["mode"] = "graded"
        if q.variables is not None and q.kind not in ("number", "code"):
            entry["variables"] = list(q.variables)
        elif q.kind in ("expr", "matrix"):
            entry["variables"] = _names_of(q)
        if q.shapes:
            entry["shapes"] = {k: list(v) for k, v in q.shapes.items()}
        return entry
    for name in ("expected", "variables", "shapes", "subs", "rtol", "reference", "cases",
                 "hints"):
        value = getattr(q, name)
        if value is not None:
            entry[name] = list(value) if isinstance(value, tuple) else (
                {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
                if isinstance(value, dict) else value)
    return entry


def _names_of(q: Question) -> list[str]:
    from nnlib.check.answer import names_in

    try:
        names = names_in(q.expected) if q.expected else []
    except ValueError:
        names = []
    return [n for n in names if n not in (q.shapes or {})]


def bank_toml(questions: Iterable[Question], header: str = "") -> str:
    """Bank TOML text of ``questions`` (student form), readable by ``load_bank``."""
    lines = [f"# {line}" for line in header.splitlines()] + ([""] if header else [])
    for q in questions:
        lines.append(f"[questions.{_toml_str(q.id)}]")
        for key, value in student_entry(q).items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_str(str(k))} = {_toml_value(v)}"
                                for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


# -- the notebooks -------------------------------------------------------------------

def release_notebook(master: nbformat.NotebookNode, questions: list[Question],
                     name: str = "<notebook>", built: nbformat.NotebookNode | None = None,
                     package: dict[str, Question] | None = None) -> nbformat.NotebookNode:
    """The student notebook of ``master`` for a release whose lesson asks ``questions``.

    ``questions`` are the lesson's questions as this student gets them (templates
    already instantiated). A graded question asked in no cell of the master gets a
    section at the end: its prompt and an answer cell with ``check_answer``.
    ``built`` (``student_notebook(master)``, copied here) and ``package`` (the package's
    bank) save the work of building them again for every student.
    """
    nb = copy.deepcopy(built) if built is not None else student_notebook(master, name)
    asked = {m.group(1) for cell in nb.cells if cell.cell_type == "code"
             for m in _CHECK_CALL.finditer(cell.source)}
    package = load_bank() if package is None else package
    own = [q for q in questions if q.graded or package.get(q.id) != q]
    if own:
        cell = nbformat.v4.new_code_cell(BANK_CELL.format(marker=BANK_MARKER,
                                                          literal=_python_literal(bank_toml(own))))
        cell.id = "release-bank"
        nb.cells.insert(_after_setup(nb), cell)
    for q in questions:  # a graded question a master cell asks: say so, with its prompt
        if q.graded and q.id in asked:
            at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and
                      any(m.group(1) == q.id for m in _CHECK_CALL.finditer(c.source)))
            note = nbformat.v4.new_markdown_cell(
                f"**Graded question {q.id}** (graded after you submit; `check_answer` only "
                f"tells you whether your answer can be read): {q.prompt}")
            note.id = f"release-{q.id.replace('.', '-')}-note"
            nb.cells.insert(at, note)
    extra = [q for q in questions if q.graded and q.id not in asked]
    if extra:
        head = nbformat.v4.new_markdown_cell(
            "## Graded questions\n\nThese questions are graded by your instructor after you "
            "submit. `check_answer` only tells you whether your answer can be read; it "
            "does not say whether it is right.")
        head.id = "release-graded"
        nb.cells.append(head)
    for q in extra:
        if q.kind in ("code", "steps"):
            raise ReleaseError(f"graded question {q.id} ({q.kind}) is asked in no cell of "
                               f"{name}: a {q.kind} question needs its cell in the master")
        prompt = nbformat.v4.new_markdown_cell(f"### Question {q.id}\n\n{q.prompt}")
        prompt.id = f"release-{q.id.replace('.', '-')}-prompt"
        answer = nbformat.v4.new_code_cell(f"{q.variable} = ...  # YOUR ANSWER HERE\n"
                                           f'check_answer("{q.id}", {q.variable})')
        answer.id = f"release-{q.id.replace('.', '-')}"
        nb.cells += [prompt, answer]
    return nb


def _python_literal(text: str) -> str:
    """``text`` as a Python string literal: a readable raw triple-quoted string when that
    reads back exactly, else ``repr``."""
    literal = 'r"""\n' + text + '"""'
    try:
        if ast.literal_eval(literal) == "\n" + text and "\r" not in text:
            return literal
    except (SyntaxError, ValueError):
        pass
    return repr(text)


def _after_setup(nb: nbformat.NotebookNode) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "setup()" in cell.source:
            return i + 1
    return 0


# -- the release ---------------------------------------------------------------------

@dataclass
class Hit:
    """A graded answer (or reference code) found in a file that would ship."""

    file: Path
    question: str
    form: str
    student: str = ""

    def __str__(self) -> str:
        who = f" (student {self.student})" if self.student else ""
        return f"{self.file}: the answer to graded question {self.question}{who} appears as {self.form!r}"


@dataclass
class Release:
    """What :func:`release` wrote and what the scan found."""

    out: Path
    files: list[Path] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def release(private: str | Path, out: str | Path, solutions: str | Path = "solutions",
            roster: list[Student] | None = None, secret: str | bytes | None = None,
            package_dir: str | Path | None = None) -> Release:
    """Build the release into ``out`` and scan it (see the module docstring).

    ``package_dir`` is the installed package to scan as well (default: this ``nnlib``).

    Raises
    ------
    ReleaseError for a missing master or private bank, templates without a roster and
    a secret, or an ``out`` folder inside the solutions or the private bank.
    """
    out, solutions, private = Path(out), Path(solutions), Path(private)
    for inside in (solutions, private):
        if out.resolve().is_relative_to(inside.resolve()):
            raise ReleaseError(f"--out must not be inside {inside}")
    bank = course_bank(private)
    masters = {int(p.name.split("_")[0]): p for p in sorted(solutions.glob("[0-9]*_*.ipynb"))}
    if not masters:
        raise ReleaseError(f"no master notebooks in {solutions}")
    templates = [q.id for q in bank.values() if is_template(q)]
    if templates and (not roster or secret is None):
        raise ReleaseError(f"questions {templates} are templates: give --roster and the "
                           "course secret so each student gets their own instance")
    for q in bank.values():
        if q.graded and not is_template(q) and q.kind != "code":
            _check_expected(q)
        if q.graded and q.kind == "code":
            try:
                resolve(q.reference)
            except (ImportError, AttributeError, ValueError) as exc:
                raise ReleaseError(f"graded question {q.id}: its reference {q.reference!r} "
                                   f"cannot be imported ({exc}); put its module on PYTHONPATH "
                                   "so the release can check that it does not ship") from None
    result = Release(out)
    by_lesson: dict[str, list[Question]] = {p.stem: [] for p in masters.values()}
    for q in bank.values():
        if q.lesson in masters:
            by_lesson[masters[q.lesson].stem].append(q)
        elif q.graded:
            raise ReleaseError(f"graded question {q.id} belongs to lesson {q.lesson}, which "
                               f"has no master notebook in {solutions}")
    for stem, questions in by_lesson.items():
        result.files.append(_write(out / "bank" / f"{stem}.toml", bank_toml(
            questions, "Student bank of this release: graded "
            "questions have no expected answer.")))
    targets = [(s.student_id, out / "students" / s.student_id) for s in roster or []] or \
        [("", out / "course")]
    expected: list[tuple[str, Question]] = []   # (student, instance) of every graded question
    read: dict[Path, tuple[nbformat.NotebookNode, nbformat.NotebookNode]] = {}
    package = load_bank()
    for student, folder in targets:
        mine = {stem: [instantiate(q, student, secret) if is_template(q) else q for q in qs]
                for stem, qs in by_lesson.items()}
        expected += [(student, q) for qs in mine.values() for q in qs if q.graded]
        for stem, qs in mine.items():
            path = masters[int(stem.split("_")[0])]
            try:
                if path not in read:
                    master = nbformat.read(path, as_version=4)
                    read[path] = (master, student_notebook(master, str(path)))
                nb = release_notebook(read[path][0], qs, str(path), read[path][1], package)
            except BuildError as exc:
                raise ReleaseError(str(exc)) from None
            nbformat.validate(nb)
            result.files.append(_write(folder / f"{stem}.ipynb", nbformat.writes(nb) + "\n"))
    expected += [("", q) for q in bank.values() if q.graded and is_template(q)]
    pkg = Path(package_dir) if package_dir else Path(__file__).resolve().parents[1]
    # everything under --out (also files left from an earlier release) and the package
    shipped = [p for root in (out, pkg) for p in sorted(root.rglob("*")) if p.is_file()
               and "__pycache__" not in p.parts]
    result.hits, result.warnings = scan(shipped, expected,
                                        [q for q in bank.values() if q.graded and q.kind == "code"])
    result.warnings += _weak_spots(bank, roster or [], secret)
    written = {p.resolve() for p in result.files}
    result.warnings += [f"{p} was not written by this release (left from an earlier one?)"
                        for p in shipped if out in p.parents and p.resolve() not in written]
    return result


def _weak_spots(bank: dict[str, Question], roster: list[Student], secret) -> list[str]:
    """Warnings: templates whose variants students share; graded formulas whose allowed
    names come from the expected answer (which tells students which names it uses)."""
    from collections import Counter

    from .variants import choose

    notes = []
    for q in bank.values():
        if not q.graded:
            continue
        if q.kind in ("expr", "matrix") and q.variables is None and not is_template(q):
            notes.append(f"question {q.id}: no `variables` declared, so students are told the "
                         "names its expected answer uses; declare the names of the question")
        if is_template(q) and roster:
            drawn = Counter(tuple(sorted(choose(q, s.student_id, secret).items())) for s in roster)
            shared = sum(n for n in drawn.values() if n > 1)
            if shared:
                count = 1
                for choices in q.params.values():
                    count *= len(choices)
                notes.append(f"question {q.id}: {shared} of {len(roster)} students share their "
                             f"variant with a classmate ({count} variants); a copy between them "
                             "is not caught")
    return notes


def _check_expected(q: Question) -> None:
    """Refuse a graded question whose expected answer the checker cannot read."""
    from nnlib.check.answer import question as checked

    if q.expected is None:
        raise ReleaseError(f"graded question {q.id} has no expected answer: the private bank "
                           "must have it")
    try:
        checked(q.expected, q.variables, q.shapes)
    except (ValueError, TypeError) as exc:
        raise ReleaseError(f"graded question {q.id} ({q.source}): {exc}") from None


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the scan ------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


_MODULE_PREFIX = re.compile(r"(?<![\w.])(?:np|numpy|math|sp|sympy|torch)\.")
_SAME = (("**", "^"), ("\u1d40", ".T"), ("^T", ".T"), ("sigmoid(", "sigma("),
         ("\u03c3(", "sigma("), ("ln(", "log("))


_SPACE = re.compile(r"\s+")
_WORD_SPACE = re.compile(r"(?<=\w)\s+(?=\w)")  # "return x" must not become "returnx"


def normalise(text: str) -> str:
    """The form the scan compares: whitespace removed (one space kept between two words),
    ``**`` written ``^``, ``np.``/
    ``math.``/``sp.``/``torch.`` prefixes dropped, ``^T``/``ᵀ`` written ``.T``, ``sigmoid``
    and ``σ`` written ``sigma``, ``ln`` written ``log``."""
    text = _SPACE.sub("", _WORD_SPACE.sub("\x00", text)).replace("\x00", " ")
    text = _MODULE_PREFIX.sub("", text)
    for old, new in _SAME:
        text = text.replace(old, new)
    return text


def answer_forms(q: Question) -> tuple[list[str], float | None]:
    """Rewritten forms of ``q.expected`` to look for, and its value if it is a number.

    Forms: the text as written, SymPy's printed form, its simplified form and its LaTeX,
    each normalised (:func:`normalise`). A number is looked for by value (see
    :func:`scan`), so every formatting of it is covered.
    """
    import sympy as sp

    from nnlib.check.answer import question as checked

    texts = {str(q.expected)}
    value = None
    if is_template(q):  # the formula that makes every student's answer
        return sorted({normalise(t) for t in template_texts(q)}), None
    try:
        built = checked(q.expected, q.variables, q.shapes).expected
    except (ValueError, TypeError):
        built = None
    if built is not None:
        texts.add(str(built))
        try:
            texts.add(sp.latex(built))
            if not isinstance(built, sp.MatrixBase) and not getattr(built, "is_Matrix", False):
                texts.add(str(sp.simplify(built)))
        except Exception:  # printing is best effort; the written form is always scanned
            pass
        if q.kind == "number" or (getattr(built, "is_number", False) and not built.free_symbols):
            try:
                value = float(built)
            except (TypeError, ValueError):
                value = None
    return sorted({normalise(t) for t in texts}), value


def template_texts(q: Question) -> list[str]:
    """A template's ``expected`` as written, and with each combination of its string
    parameters filled in (as written and as SymPy prints it, numeric parameters kept
    as names): the formula that computes every student's answer."""
    import itertools

    from nnlib.check.answer import names_in, to_sympy
    from nnlib.check.build import make_symbols

    from .variants import _PLACEHOLDER

    params = q.params or {}
    words = {k: v for k, v in params.items() if all(isinstance(c, str) for c in v)}
    texts = [str(q.expected)]
    for combo in itertools.product(*words.values()):
        values = dict(zip(words, combo))
        text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), str(q.expected))
        texts.append(text)
        try:
            names = list(dict.fromkeys([*names_in(text), *(q.variables or ())]))
            texts.append(str(to_sympy(text, make_symbols(names, dict(q.shapes or {})),
                                      author=True)[0]))
        except (ValueError, TypeError):
            pass
    return texts


def _significant(literal: str) -> int:
    mantissa = re.split(r"[eE]", literal.lstrip("+-"))[0].replace(".", "").lstrip("0")
    return len(mantissa)


def file_text(path: Path) -> str:
    """A file's text for the scan: every key and string of a notebook/JSON/TOML file
    (so escaping does not hide an answer), else (or if it does not parse) the raw text."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    strings: list[str] = []
    try:
        if path.suffix in (".ipynb", ".json"):
            _strings(json.loads(raw), strings)
        elif path.suffix == ".toml":
            import sys
            tomllib = __import__("tomllib" if sys.version_info >= (3, 11) else "tomli")
            _strings(tomllib.loads(raw), strings)
        else:
            return raw
    except Exception:  # not what its name says: scanned as text
        return raw
    return "\n".join(strings)


def _strings(data: Any, out: list[str]) -> None:
    if isinstance(data, str):
        out.append(data)
    elif isinstance(data, dict):
        for k, v in data.items():
            out.append(str(k))
            _strings(v, out)
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        out.append(repr(data))
    elif isinstance(data, list):
        joined = all(isinstance(v, str) for v in data)
        if joined and data:
            out.append("".join(data))  # a notebook cell's source, line by line
        for v in data:
            _strings(v, out)


def _function_bodies(text: str) -> list[str]:
    """``ast.dump`` of every function body in Python ``text`` (docstring dropped)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [_body_dump(node) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _body_dump(node: ast.FunctionDef) -> str:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                            ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


def reference_body(q: Question) -> str | None:
    """The ``ast.dump`` of a code question's reference function body."""
    try:
        source = textwrap.dedent(inspect.getsource(resolve(q.reference)))
    except (ImportError, AttributeError, ValueError, OSError, TypeError):
        return None
    bodies = _function_bodies(source)
    return bodies[0] if bodies else None


def _code_cells(path: Path, text: str) -> list[str]:
    if path.suffix == ".py":
        return [text]
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        except ValueError:
            return []
        return ["".join(c.get("source", "")) if isinstance(c.get("source"), list)
                else str(c.get("source", "")) for c in nb.get("cells", [])
                if c.get("cell_type") == "code"]
    return []


def scan(files: Iterable[Path], expected: list[tuple[str, Question]],
         code_questions: list[Question]) -> tuple[list[Hit], list[str]]:
    """Look for every graded answer and reference in every file.

    ``expected`` pairs a student id ("" without a roster) with that student's instance of
    a graded question. A text form (:func:`answer_forms`) is a hit where it appears in a
    file's normalised text not inside a longer name or number; a number is a hit where a
    numeric literal in a file has at least ``MIN_DIGITS`` significant digits and is
    within the question's tolerance of it (every formatting, rounding the grader would
    accept); a code question's reference is a hit where any function in a shipped
    ``.py`` file or notebook code cell has the same body (same syntax tree: renamed
    function, other comments, whitespace or docstring do not hide it), or where the
    reference's own module file ships. Returns the hits and warnings for answers too
    short to scan (they are guessable anyway).
    """
    hits: list[Hit] = []
    warnings: list[str] = []
    targets = []
    for student, q in expected:
        if q.kind == "code" or q.expected is None:
            continue
        forms, value = answer_forms(q)
        long_forms = [f for f in forms if len(f) >= MIN_FORM and not _NUMBER.fullmatch(f)]
        if value is None and not long_forms:
            warnings.append(f"question {q.id}: the answer is too short to scan ({q.expected!r}); "
                            "it is guessable, hidden or not")
        if value is not None and shortest_digits(value, q.tolerance) < MIN_DIGITS:
            warnings.append(f"question {q.id}: the answer {value:g} has too few digits to scan; "
                            "it is guessable, hidden or not")
        targets.append((student, q, long_forms, value))
    refs = []
    for q in code_questions:
        body = reference_body(q)
        if body is None:
            warnings.append(f"question {q.id}: reference {q.reference} cannot be read, not scanned")
            continue
        refs.append((q, body, Path(inspect.getsourcefile(resolve(q.reference)) or "").resolve()))
    formulas = [(student, q) for student, q, forms, value in targets
                if not is_template(q) and (forms or value is not None)]
    candidates: dict[str, set[Path]] = {}
    for path in files:
        text = file_text(path)
        flat = normalise(text)
        if formulas:
            for candidate in formula_candidates(path, text):
                candidates.setdefault(candidate, set()).add(path)
        numbers = None
        for student, q, forms, value in targets:
            for form in forms:
                if _bounded_in(form, flat):
                    hits.append(Hit(path, q.id, form, student))
            if value is not None:
                if numbers is None:
                    found = sorted((float(m.group(0)), m.group(0)) for m in _NUMBER.finditer(text)
                                   if _significant(m.group(0)) >= MIN_DIGITS)
                    numbers = ([n for n, _ in found], [lit for _, lit in found])
                tol = max(q.tolerance, 1e-12) * abs(value)
                lo = bisect.bisect_left(numbers[0], value - tol)
                hi = bisect.bisect_right(numbers[0], value + tol)
                hits += [Hit(path, q.id, literal, student) for literal in numbers[1][lo:hi]]
        if refs:
            bodies = {b for cell in _code_cells(path, text) for b in _function_bodies(cell)}
            for q, body, module in refs:
                if body in bodies or path.resolve() == module:
                    hits.append(Hit(path, q.id, f"reference code {q.reference}"))
    hits += _equivalent_formulas(formulas, candidates)
    return hits, warnings


_DOLLARS = re.compile(r"\$([^$\n]{1,300})\$")
MAX_CANDIDATE = 300


def formula_candidates(path: Path, text: str) -> set[str]:
    """Strings of a file that may be a formula: each line, each ``$...$`` of Markdown, each
    string constant, and (Python files, notebook code cells) each returned or assigned
    expression with ``np.``/``math.`` prefixes dropped; at most ``MAX_CANDIDATE`` long."""
    found = {line.strip() for line in text.splitlines()}
    found |= {m.group(1) for m in _DOLLARS.finditer(text)}
    for code in _code_cells(path, text):
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value.strip())
            elif isinstance(node, (ast.Return, ast.Assign, ast.AugAssign, ast.AnnAssign)) \
                    and node.value is not None:
                found.add(_MODULE_PREFIX.sub("", ast.unparse(node.value)))
    return {c for c in found if MIN_FORM <= len(c) <= MAX_CANDIDATE}


def _equivalent_formulas(formulas: list[tuple[str, Question]],
                         candidates: dict[str, set[Path]]) -> list[Hit]:
    """Candidates (:func:`formula_candidates`) the grader would accept as a graded
    formula's answer: equal to it, not only written like it (``sech(z)^2`` for
    ``1 - tanh(z)**2``). Only candidates whose names are all the question's are checked."""
    from nnlib.check import check
    from nnlib.check.answer import names_in
    from nnlib.check.parse import ParseError

    names: dict[str, frozenset[str] | None] = {}
    for candidate in candidates:
        try:
            names[candidate] = frozenset(names_in(candidate))
        except (ParseError, RecursionError, ValueError):
            names[candidate] = None
    constants = _constant_values([c for c, used in names.items() if used == frozenset()
                                  and not _NUMBER.fullmatch(c)])
    hits, done = [], {}
    for student, q in formulas:
        if q.kind == "number":  # a constant expression (exp(-1)/(1 + exp(-1))^2) of its value
            try:
                value = float(answer_forms(q)[1])
            except (TypeError, ValueError):
                continue
            tol = max(q.tolerance, 1e-12) * abs(value)
            lo = bisect.bisect_left(constants[0], value - tol)
            hi = bisect.bisect_right(constants[0], value + tol)
            hits += [Hit(path, q.id, f"equal to {c!r}", student)
                     for c in constants[1][lo:hi] for path in sorted(candidates[c])]
            continue
        key = (q.expected, q.variables, tuple(sorted((q.shapes or {}).items())))
        if key not in done:
            allowed = set(q.variables or ()) | set(q.shapes or {})
            if not allowed:
                try:
                    allowed = set(names_in(q.expected))
                except (ParseError, ValueError):
                    allowed = set()
            done[key] = [c for c, used in names.items() if used and used <= allowed
                         and _accepted(check, c, q)]
        hits += [Hit(path, q.id, f"equal to {c!r}", student)
                 for c in done[key] for path in sorted(candidates[c])]
    return hits


def _constant_values(texts: list[str]) -> tuple[list[float], list[str]]:
    """The values of constant formulas (no names), sorted, with their texts."""
    from nnlib.check.answer import to_sympy
    from nnlib.check.parse import ParseError

    found = []
    for text in texts:
        try:
            value = float(to_sympy(text, {})[0])
        except (ParseError, TypeError, ValueError, ArithmeticError, RecursionError):
            continue
        if math.isfinite(value):
            found.append((value, text))
    found.sort()
    return [v for v, _ in found], [t for _, t in found]


def _accepted(check, candidate: str, q: Question) -> bool:
    try:
        return bool(check(candidate, q.expected, variables=q.variables, shapes=q.shapes,
                          rtol=q.tolerance))
    except Exception:  # a candidate the checker cannot compare is not a leak we can prove
        return False


def _bounded_in(form: str, text: str) -> bool:
    """``form`` occurs in ``text`` not as part of a longer name or number."""
    start = text.find(form)
    while start >= 0:
        end = start + len(form)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        glued_before = form[0].isalnum() and (before.isalnum() or before == "_" or
                                              (before == "." and form[0].isdigit()))
        glued_after = form[-1].isalnum() and (after.isalnum() or after == "_" or
                                              (after == "." and form[-1].isdigit()))
        if not glued_before and not glued_after:
            return True
        start = text.find(form, start + 1)
    return False


def shortest_digits(value: float, rtol: float) -> int:
    """Fewest significant digits of a decimal the grader accepts for ``value``."""
    for digits in range(1, 18):
        if abs(float(f"{value:.{digits}g}") - value) <= max(rtol, 1e-12) * abs(value):
            return digits
    return 17
