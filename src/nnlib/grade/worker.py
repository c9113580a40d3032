"""One submission, graded in a process of its own: the grader's memory and time stay bounded.

:func:`run_isolated` (grader side) prepares what the submission's processes share:

* a fresh sandbox uid, and a work folder (root's, mode 0711) holding the kernel's scratch
  folder and the code runner's scratch folders (the uid's, mode 0700);
* a cgroup (``cgroup.py``) with the memory, process and CPU limits of the whole submission,
  or, where none can be made, a :class:`Watchdog` thread that adds up the memory and
  process count of every process of the uid;

and starts a child process (``multiprocessing`` forkserver: a fork of a process that has
already imported the grading code) that reads the notebook, runs it (``execute.py``) and
re-checks the answers (``regrade.py``). The child has a memory limit of its own
(:data:`CHILD_DATA_MB`, ``RLIMIT_DATA``): whatever the kernel sends, only the child can
run out of memory, and then the submission is an error row. The child's result (JSON)
is read through a pipe, at most :data:`MAX_RESULT_BYTES`. After a deadline the child is
killed. Whatever happened, every process of the submission is killed and the work
folder removed.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from .cgroup import SubmissionCgroup
from .execute import GradingError
from .sandbox import fresh_uid, kill_all

CHILD_DATA_MB = 768            # the grading child's own memory (heap + anonymous maps)
MAX_RESULT_BYTES = 4 * 1024 * 1024
STARTUP_SLACK_S = 90.0          # kernel start, loading the notebook, writing the result

_CONTEXT: Any = None
_CONTEXT_LOCK = threading.Lock()


def _context() -> Any:
    """The forkserver context, whose server has imported the grading code once."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["nnlib.grade.worker", "nnlib.grade.child", "nnlib.check",
                                        "nnlib.course.bank", "nnlib.course.codebundle"])
            _CONTEXT = ctx
        return _CONTEXT


def _start(child: Any) -> None:
    """``child.start()`` without the main-module step of multiprocessing.

    A forkserver child normally imports the parent's ``__main__`` script again (as
    ``__mp_main__``): that costs time in every child and runs an unguarded script's
    top level again. The grading child needs nothing from ``__main__``, so the
    preparation data it receives does not name it. In a daemonic process (a Dask worker
    started by its nanny) multiprocessing refuses children; :func:`run_isolated` kills
    and reaps its child itself, so the flag is lifted while the child starts.
    """
    from multiprocessing import spawn

    real = spawn.get_preparation_data

    def without_main(name: str) -> dict:
        data = real(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    config = multiprocessing.current_process()._config     # type: ignore[attr-defined]
    with _CONTEXT_LOCK:
        spawn.get_preparation_data = without_main
        daemon = config.pop("daemon", None)    # a Dask worker is a daemonic process; its
        try:                                   # grading children are cleaned up here anyway
            child.start()
        finally:
            spawn.get_preparation_data = real
            if daemon is not None:
                config["daemon"] = daemon


def warm_up() -> None:
    """Start the forkserver now (it imports the grading code once), not with the first job."""
    ctx = _context()
    child = ctx.Process(target=int, daemon=True)
    _start(child)
    child.join()


def make_workdir(uid: int | None) -> Path:
    """A fresh work folder (0711, the grader's) with an empty ``kernel`` scratch folder."""
    work = Path(tempfile.mkdtemp(prefix="nnlib-grade-"))
    os.chmod(work, 0o711)
    scratch = work / "kernel"
    scratch.mkdir(mode=0o700)
    if uid is not None:
        os.chown(scratch, uid, uid)
    return work


class Watchdog(threading.Thread):
    """Where no cgroup can be made: every ``period`` s, add up the resident memory and
    the number of the submission's processes and kill them all past the limits.

    The submission's processes are those of its sandbox uid (as root), or else (no uid of
    its own) the process groups and sessions of the processes whose command line names
    its work folder (the kernel and the code runner), with all their descendants.
    """

    def __init__(self, uid: int | None, memory_mb: int, nproc: int, work: Path | None = None,
                 period: float = 0.25) -> None:
        super().__init__(daemon=True, name="nnlib-grade-watchdog")
        self.uid, self.limit, self.nproc, self.period = uid, memory_mb * 2**20, nproc, period
        self.work = str(work) if work is not None else None
        self.fired = ""
        self._stop_event = threading.Event()

    def members(self) -> list[psutil.Process]:
        """The submission's live processes (see the class docstring)."""
        if self.uid is not None:
            return [p for p in psutil.process_iter() if _uid(p) == self.uid]
        roots, groups = [], set()
        for proc in psutil.process_iter():
            try:
                if self.work and any(self.work in arg for arg in proc.cmdline()):
                    roots.append(proc)
                    groups.add(os.getsid(proc.pid))
                    groups.add(os.getpgid(proc.pid))
            except (psutil.Error, OSError):
                pass
        if not roots:
            return []
        found = {p.pid: p for p in roots}
        for proc in psutil.process_iter():
            try:
                if os.getsid(proc.pid) in groups or os.getpgid(proc.pid) in groups:
                    found[proc.pid] = proc
            except OSError:
                pass
        for proc in roots:
            try:
                found.update({c.pid: c for c in proc.children(recursive=True)})
            except psutil.Error:
                pass
        found.pop(os.getpid(), None)
        return list(found.values())

    def run(self) -> None:
        while not self._stop_event.wait(self.period):
            procs = self.members()
            rss = 0
            for proc in procs:
                try:
                    rss += proc.memory_info().rss
                except psutil.Error:
                    pass
            if rss > self.limit or len(procs) > self.nproc:
                self.fired = (f"the submission's processes together used more than "
                              f"{self.limit // 2**20} MB or {self.nproc} processes")
                if self.uid is not None:
                    kill_all(None, self.uid)
                for proc in procs:
                    try:
                        proc.kill()
                    except psutil.Error:
                        pass

    def stop(self) -> None:
        self._stop_event.set()


def _uid(proc: psutil.Process) -> int | None:
    try:
        return proc.uids().real
    except psutil.Error:
        return None


def deadline_for(questions: list[Any], settings: Any) -> float:
    """Seconds the whole submission may take before its child is killed."""
    codes = sum(getattr(q, "kind", "") == "code" for q in questions)
    return settings.timeout + settings.check_s + codes * settings.code_timeout + STARTUP_SLACK_S


def run_isolated(path: Path, questions: list[Any], settings: Any) -> dict[str, Any]:
    """Grade the notebook at ``path`` in a child process; the partial result dict
    (``notes``, ``exercises``, ``seconds``).

    Raises
    ------
    GradingError
        For any reason the submission cannot be graded (also a child that dies or runs
        past its deadline).
    """
    from .child import grade_in_child

    uid = fresh_uid()
    work = make_workdir(uid)
    group = SubmissionCgroup.create(settings.limits.memory_mb, settings.limits.nproc)
    watchdog = None
    if group is None:
        watchdog = Watchdog(uid, settings.limits.memory_mb, settings.limits.nproc, work)
        watchdog.start()
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=grade_in_child, daemon=True,
                        args=(send, str(path), questions, settings, uid, str(work),
                              group.paths if group else [], CHILD_DATA_MB))
    deadline = deadline_for(questions, settings)
    data: bytes | None = None
    started = time.monotonic()
    try:
        _start(child)
        send.close()
        if receive.poll(deadline):
            try:
                data = receive.recv_bytes(MAX_RESULT_BYTES)
            except (EOFError, OSError):
                data = None
        elapsed = time.monotonic() - started
    finally:
        memory_hits = _clean_up(child, receive, watchdog, uid, group, work)
    if watchdog is not None and watchdog.fired:
        raise GradingError(f"resource limit: {watchdog.fired}")
    if data is None:
        if elapsed >= deadline - 1:
            raise GradingError(f"grading took longer than {deadline:g} s in all (notebook, "
                               "checking and code exercises together)")
        code = child.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        raise GradingError(f"the grader's process for this submission ended without a result "
                           f"({how}); the usual cause is a flood of output or messages past "
                           f"its {CHILD_DATA_MB} MB memory limit")
    try:
        result = json.loads(data.decode("utf-8"))
    except ValueError:
        raise GradingError("the grader's process for this submission returned no valid "
                           "result") from None
    if result.get("status") == "error":
        reason = str(result.get("reason", "unknown error"))
        if memory_hits:
            reason += (f" (the submission's processes together reached the memory limit of "
                       f"{settings.limits.memory_mb} MB)")
        raise GradingError(reason)
    if memory_hits:
        result.setdefault("notes", []).append(
            "the submission's processes together reached the memory limit "
            f"({settings.limits.memory_mb} MB)")
    return result


def _clean_up(child: Any, receive: Any, watchdog: Watchdog | None, uid: int | None,
              group: SubmissionCgroup | None, work: Path) -> int:
    """Kill and remove everything of one submission, each step even if another failed;
    how often its cgroup hit the memory limit."""
    memory_hits = 0

    def stop_child() -> None:
        if getattr(child, "_popen", None) is not None:     # it was started
            if child.is_alive():
                child.kill()
            child.join(10)

    def count_memory_hits() -> None:
        nonlocal memory_hits
        memory_hits = group.memory_failures() if group is not None else 0

    steps = [stop_child, receive.close, watchdog.stop if watchdog else None,
             lambda: kill_all(None, uid), count_memory_hits,
             group.remove if group is not None else None,
             lambda: shutil.rmtree(work, ignore_errors=True)]
    for step in steps:
        if step is None:
            continue
        try:
            step()
        except Exception:  # noqa: BLE001 - the next steps must still run
            pass
    return memory_hits


def limit_own_memory(data_mb: int) -> None:
    """Cap this process's heap and anonymous memory (RLIMIT_DATA)."""
    resource.setrlimit(resource.RLIMIT_DATA, (data_mb * 2**20, data_mb * 2**20))
    signal.signal(signal.SIGINT, signal.SIG_DFL)
