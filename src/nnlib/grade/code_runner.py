"""Code exercises: run a student's function on grader-chosen inputs in a separate
sandboxed process, and bring back only the outputs.

Grader side: :func:`run_code` writes the function source, the inputs (``.npy``, no
pickles) and the runner script (:data:`RUNNER`, a file of its own, so that the sandbox
needs no access to ``nnlib``) into a fresh scratch directory, launches
``python -I runner.py SCRATCH`` through the sandbox wrapper (same uid, namespaces,
capabilities, Landlock and cgroup as the kernel; ``nnlib`` is covered by an empty
folder), waits with a timeout, kills the process tree and reads back one
``out_<i>.npy`` per case (float64, ``allow_pickle=False``), each only if it is a
regular file and at most :data:`MAX_OUTPUT_BYTES` long. The runner's stderr goes to a
file outside the scratch folder and only its last line is kept.

Sandbox side: the script executes the source in a namespace whose ``import`` allows
``numpy`` and ``math`` only, calls the function on each case and saves its output.
The comparison with the reference implementation happens in the grader (``regrade.py``).
"""
from __future__ import annotations

import ast
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .execute import read_regular_file
from .sandbox import Limits, fresh_uid, kill_all, make_scratch, python_read_paths, sandbox_env, wrapper_argv

MAX_OUTPUT_BYTES = 16 * 1024 * 1024
MAX_ERROR_CHARS = 300
ALLOWED_IMPORTS = ("numpy", "math")

RUNNER = r'''
import builtins, json, math, sys
from pathlib import Path
import numpy as np

ALLOWED = %(allowed)r
MAX_PARTS = %(parts)d
_import = builtins.__import__


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level or name.partition(".")[0] not in ALLOWED:
        raise ImportError("only numpy and math may be imported in a code exercise, not %%r" %% name)
    return _import(name, globals, locals, fromlist, level)


folder = Path(sys.argv[1])
meta = json.loads((folder / "meta.json").read_text())
safe = dict(vars(builtins))
safe["__import__"] = _guarded_import
namespace = {"__builtins__": safe, "np": np, "numpy": np, "math": math, "__name__": "student"}
source = (folder / "source.py").read_text(encoding="utf-8")
for name in ("source.py", "meta.json"):
    (folder / name).unlink()
try:
    exec(compile(source, "answer.py", "exec"), namespace)
    func = namespace[meta["function"]]
except BaseException as err:
    (folder / "err_all.txt").write_text(type(err).__name__ + ": " + str(err)[:300])
    raise SystemExit(0)
for i, kinds in enumerate(meta["cases"]):
    args = []
    for j, kind in enumerate(kinds):
        value = np.load(folder / ("in_%%d_%%d.npy" %% (i, j)), allow_pickle=False)
        args.append(value.item() if kind == "scalar" else value)
    try:
        result = func(*args)
        if isinstance(result, (tuple, list)) and 0 < len(result) <= MAX_PARTS:
            parts = [np.asarray(r, dtype=np.float64) for r in result]
            for k, part in enumerate(parts):
                np.save(folder / ("out_%%d_%%d.npy" %% (i, k)), part, allow_pickle=False)
            (folder / ("parts_%%d.txt" %% i)).write_text(str(len(parts)))
        else:
            result = np.asarray(result, dtype=np.float64)
            np.save(folder / ("out_%%d.npy" %% i), result, allow_pickle=False)
    except BaseException as err:  # reported per case, the others still run
        (folder / ("err_%%d.txt" %% i)).write_text(type(err).__name__ + ": " + str(err)[:300])
''' % {"allowed": ALLOWED_IMPORTS, "parts": 16}
MAX_PARTS = 16          # a function may return a tuple or list of at most this many arrays


class CodeRunError(Exception):
    """The student's function could not produce outputs; ``str()`` says why (one line)."""


def function_name(source: str, preferred: str | None = None) -> str:
    """``preferred`` if ``source`` defines it at top level, else its first top-level ``def``.

    Raises
    ------
    CodeRunError
        If the source does not parse or defines no function.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise CodeRunError(f"the function source does not parse: {err.msg} (line {err.lineno})")
    names = [node.name for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if preferred in names:
        return preferred
    if names:
        return names[0]
    raise CodeRunError("no function definition found in the answer")


def run_code(source: str, cases: list[tuple], limits: Limits, timeout: float,
             preferred: str | None = None, uid: int | None = None, work: Path | None = None,
             cgroups: list[str] | None = None) -> list[Any]:
    """Outputs of the student's function on each case (ndarray, or a CodeRunError
    instance for a case that raised).

    Parameters
    ----------
    source : the function's source text (with the helpers it calls).
    cases : list of argument tuples; each argument an ndarray or a number.
    preferred : the function name to call when the source defines several.
    uid, work, cgroups : the submission's sandbox uid, work folder (a fresh scratch
        folder is made inside it) and cgroup folders; by default a fresh uid and scratch.

    Raises
    ------
    CodeRunError
        If the source does not parse or define a function, a forbidden import, a
        timeout, or a failed process.
    """
    name = function_name(source, preferred)
    if work is None:
        uid = fresh_uid()
        scratch = make_scratch(uid)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="code-", dir=work))
        if uid is not None:
            os.chown(scratch, uid, uid)
    proc = None
    try:
        (scratch / "source.py").write_text(source, encoding="utf-8")
        (scratch / "runner.py").write_text(RUNNER, encoding="utf-8")
        meta = {"function": name, "cases": []}
        for i, args in enumerate(cases):
            kinds = []
            for j, arg in enumerate(args):
                kinds.append("scalar" if np.isscalar(arg) else "array")
                np.save(scratch / f"in_{i}_{j}.npy", np.asarray(arg), allow_pickle=False)
            meta["cases"].append(kinds)
        (scratch / "meta.json").write_text(json.dumps(meta))
        if uid is not None:
            for path in [scratch, *scratch.iterdir()]:
                shutil.chown(path, uid, uid)
        hidden = _nnlib_folder()
        reads = [p for p in python_read_paths() if p != hidden]
        argv = wrapper_argv(limits, scratch, uid, sandbox_env(scratch), cgroups=cgroups,
                            read_paths=reads, hide=[hidden])
        argv += [sys.executable, "-I", str(scratch / "runner.py"), str(scratch)]
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, start_new_session=True)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise CodeRunError(f"your function ran longer than {timeout:g} s") from None
            if proc.returncode != 0:
                err.seek(max(0, err.seek(0, os.SEEK_END) - 4096))
                text = err.read(4096).decode("utf-8", "replace").strip().splitlines()[-1:]
                raise CodeRunError(f"the function's process failed (exit {proc.returncode}): "
                                   f"{(text or ['no message'])[0][:200]}")
        failed = _read_error(scratch, "err_all.txt")
        if failed is not None:
            raise CodeRunError(f"your code could not be run: {failed}")
        return [_read_output(scratch, i) for i in range(len(cases))]
    finally:
        kill_all(proc.pid if proc else None, uid)
        shutil.rmtree(scratch, ignore_errors=True)


def _nnlib_folder() -> str:
    import nnlib

    return str(Path(nnlib.__file__).resolve().parent)


def _read_error(scratch: Path, name: str) -> str | None:
    raw = read_regular_file(scratch, name, MAX_ERROR_CHARS * 4)
    if raw is None:
        return None
    return " ".join(raw.decode("utf-8", "replace").split())[:MAX_ERROR_CHARS]


def _read_output(scratch: Path, i: int) -> Any:
    """Case ``i``'s output: an ndarray, a tuple of them (a function that returned a tuple
    or list), or a CodeRunError."""
    error = _read_error(scratch, f"err_{i}.txt")
    if error is not None:
        return CodeRunError(error)
    count = read_regular_file(scratch, f"parts_{i}.txt", 8)
    if count is not None:
        text = count.decode("ascii", "replace").strip()
        if not text.isdigit() or not 0 < int(text) <= MAX_PARTS:
            return CodeRunError("unreadable output (parts)")
        parts = [_read_array(scratch, f"out_{i}_{k}.npy") for k in range(int(text))]
        bad = [p for p in parts if isinstance(p, CodeRunError)]
        return bad[0] if bad else tuple(parts)
    return _read_array(scratch, f"out_{i}.npy")


def _read_array(scratch: Path, name: str) -> Any:
    raw = read_regular_file(scratch, name, MAX_OUTPUT_BYTES)
    if raw is None or len(raw) > MAX_OUTPUT_BYTES:
        return CodeRunError("no output (or an output that is too large)")
    try:
        return np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        return CodeRunError(f"unreadable output ({type(err).__name__})")
