"""Running one (already validated) notebook in a fresh sandboxed kernel with nbclient.

Only the code cells' sources are run (outputs and metadata of the submission are
dropped), in a fresh scratch directory that holds nothing else, with a wall-clock
deadline for the whole notebook, the resource limits of ``sandbox.Limits``, and a cap
on the output kept in memory. Cell errors do not stop the run (later answers still
count). Afterwards the kernel and every process it started are killed.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Coroutine, TypeVar

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager, KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .extract import extraction_cell, new_marker, parse_answers, stream_text
from .sandbox import Limits, fresh_uid, kill_all, make_scratch, sandbox_env, wrapper_argv

T = TypeVar("T")

MAX_OUTPUT_BYTES = 8 * 1024 * 1024   # student output kept in memory, whole notebook


class GradingError(Exception):
    """A submission that cannot be graded; ``str()`` is the one-line reason."""


@dataclass
class RunResult:
    """What the grader keeps from one notebook run."""

    answers: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel command goes through the sandbox wrapper."""

    def __init__(self, wrapper: list[str], uid: int | None, **kw: Any) -> None:
        super().__init__(**kw)
        self._wrapper = wrapper
        self._uid = uid

    @property
    def kernel_spec(self) -> KernelSpec:  # type: ignore[override]
        argv = self._wrapper + [sys.executable, "-m", "ipykernel_launcher", "-f",
                                "{connection_file}"]
        return KernelSpec(argv=argv, display_name="nnlib-grade sandbox", language="python")

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self._uid is not None:
            os.chown(self.connection_file, self._uid, self._uid)


class _CappedClient(NotebookClient):
    """NotebookClient that keeps at most ``cap`` bytes of output per notebook."""

    def __init__(self, nb: Any, cap: int, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self._budget = cap
        self.truncated = False
        self.extraction_index = len(nb.cells) - 1

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
        size = len(repr(msg.get("content", "")))
        if cell_index != self.extraction_index:
            self._budget -= size
            if self._budget < 0:
                self.truncated = True
                return None
        return super().output(outs, msg, display_id, cell_index)


def clean_notebook(nb: Any) -> Any:
    """A new notebook holding only the code cells' sources of ``nb``."""
    clean = nbformat.v4.new_notebook()
    clean.cells = [nbformat.v4.new_code_cell(cell.get("source", "")) for cell in nb.cells
                   if cell.get("cell_type") == "code" and isinstance(cell.get("source"), str)]
    return clean


def run_notebook(nb: Any, names: list[str], limits: Limits, timeout: float) -> RunResult:
    """Execute ``nb`` in a sandboxed kernel and return the values of ``names``.

    Raises
    ------
    GradingError
        On a timeout or a dead kernel (crash, CPU or memory limit).
    """
    started = time.monotonic()
    marker = new_marker()
    clean = clean_notebook(nb)
    clean.cells.append(nbformat.v4.new_code_cell(extraction_cell(names, marker)))
    uid = fresh_uid()
    scratch = make_scratch(uid)
    km = _SandboxKernelManager(wrapper_argv(limits, scratch, uid, sandbox_env(scratch)), uid)
    km.connection_file = str(scratch / ".kernel.json")
    deadline = started + timeout
    client = _CappedClient(
        clean, MAX_OUTPUT_BYTES, km=km, allow_errors=True, startup_timeout=60,
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic()) + 1),
        resources={"metadata": {"path": str(scratch)}}, record_timing=False)
    notes: list[str] = []
    try:
        run_on_new_loop(client.async_execute(cwd=str(scratch), stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL))
    except CellTimeoutError:
        raise GradingError(f"timeout: the notebook ran longer than {timeout:g} s") from None
    except DeadKernelError:
        cell = _last_started_cell(client)
        raise GradingError(f"kernel died while running code cell {cell} (crash, exit, or "
                           f"CPU/memory limit {limits.cpu_s} s/{limits.memory_mb} MB)") from None
    finally:
        pid = _kernel_pid(km)
        kill_all(pid, uid)
        _reap(km)
        shutil.rmtree(scratch, ignore_errors=True)
    if client.truncated:
        notes.append(f"output truncated: more than {MAX_OUTPUT_BYTES // 2**20} MB printed")
    if any(o.get("ename") == "MemoryError" for c in clean.cells for o in c.get("outputs", [])):
        notes.append(f"a cell hit the memory limit ({limits.memory_mb} MB)")
    extract_out = clean.cells[-1].get("outputs", [])
    answers = parse_answers(stream_text(extract_out), marker, names)
    return RunResult(answers, notes, time.monotonic() - started)


def run_on_new_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion on an event loop of its own.

    ``NotebookClient.execute`` reuses a per-thread loop (jupyter_core's ``run_sync``); in a
    worker thread of an in-process Dask cluster that can be the scheduler's running loop
    ("This event loop is already running"). A fresh loop per notebook avoids sharing any
    loop; inside a thread that already runs one (a Jupyter kernel) a helper thread runs it.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _kernel_pid(km: KernelManager) -> int | None:
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    return getattr(process, "pid", None)


def _reap(km: KernelManager) -> None:
    """Wait for the (killed) kernel process, so no zombie is left behind."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None:
        try:
            process.wait(timeout=5)
        except Exception:
            pass


def _last_started_cell(client: NotebookClient) -> int:
    started = [i for i, c in enumerate(client.nb.cells) if c.get("execution_count")]
    return (started[-1] + 1) if started else 1
