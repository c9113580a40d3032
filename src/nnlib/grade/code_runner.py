"""Code exercises: run a student's function on grader-chosen inputs in a separate
sandboxed process, and bring back only the outputs.

Grader side: :func:`run_code` writes the function source and the inputs (``.npy``,
no pickles) into a fresh scratch directory, launches
``python -m nnlib.grade.code_runner SCRATCH`` through the sandbox wrapper, waits with a
timeout, kills the process tree and reads back one ``out_<i>.npy`` per case (float64,
``allow_pickle=False``). Sandbox side: :func:`main` executes the source with ``np``
available, calls the first top-level function on each case and saves its output.
The comparison with the reference implementation happens in the grader (``regrade.py``).
"""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .sandbox import Limits, fresh_uid, kill_all, make_scratch, sandbox_env, wrapper_argv

MAX_OUTPUT_BYTES = 64 * 1024 * 1024


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
             preferred: str | None = None) -> list[Any]:
    """Outputs of the student's function on each case (ndarray, or a CodeRunError
    instance for a case that raised).

    Parameters
    ----------
    source : the function's source text.
    cases : list of argument tuples; each argument an ndarray or a number.
    preferred : the function name to call when the source defines several.
    """
    name = function_name(source, preferred)
    uid = fresh_uid()
    scratch = make_scratch(uid)
    proc = None
    try:
        (scratch / "source.py").write_text(source, encoding="utf-8")
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
        argv = wrapper_argv(limits, scratch, uid, sandbox_env(scratch))
        argv += [sys.executable, "-m", "nnlib.grade.code_runner", str(scratch)]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CodeRunError(f"your function ran longer than {timeout:g} s") from None
        if proc.returncode != 0:
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise CodeRunError(f"the function's process failed (exit {proc.returncode}): "
                               f"{last[0][:200]}")
        return [_read_output(scratch, i) for i in range(len(cases))]
    finally:
        kill_all(proc.pid if proc else None, uid)
        shutil.rmtree(scratch, ignore_errors=True)


def _read_output(scratch: Path, i: int) -> Any:
    error = scratch / f"err_{i}.txt"
    if error.exists():
        return CodeRunError(error.read_text(encoding="utf-8", errors="replace")[:300])
    out = scratch / f"out_{i}.npy"
    if not out.exists() or out.stat().st_size > MAX_OUTPUT_BYTES:
        return CodeRunError("no output (or an output that is too large)")
    try:
        return np.load(out, allow_pickle=False)
    except (ValueError, OSError) as err:
        return CodeRunError(f"unreadable output: {err}")


def main(scratch: str) -> None:
    """Sandbox side: call the student's function on every case in ``scratch``."""
    import math

    folder = Path(scratch)
    meta = json.loads((folder / "meta.json").read_text())
    namespace: dict[str, Any] = {"np": np, "numpy": np, "math": math, "__name__": "student"}
    exec(compile((folder / "source.py").read_text(encoding="utf-8"), "answer.py", "exec"),
         namespace)
    func = namespace[meta["function"]]
    for i, kinds in enumerate(meta["cases"]):
        args = []
        for j, kind in enumerate(kinds):
            value = np.load(folder / f"in_{i}_{j}.npy", allow_pickle=False)
            args.append(value.item() if kind == "scalar" else value)
        try:
            result = np.asarray(func(*args), dtype=np.float64)
            np.save(folder / f"out_{i}.npy", result, allow_pickle=False)
        except Exception as err:  # reported per case, the others still run
            (folder / f"err_{i}.txt").write_text(f"{type(err).__name__}: {err}")


if __name__ == "__main__":
    main(sys.argv[1])
