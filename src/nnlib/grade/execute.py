"""Running one (already validated) notebook in a fresh sandboxed kernel with nbclient.

Only the code cells' sources are run (outputs and metadata of the submission are
dropped), in a fresh scratch directory that holds nothing else, with a wall-clock
deadline for the whole notebook and the resource limits of ``sandbox.Limits``. Cell
errors do not stop the run (later answers still count). Afterwards the kernel and every
process it started are killed.

The kernel is untrusted, and so is every message it sends. The grader's memory stays
bounded whatever it sends:

* the kernel's channels are Unix sockets (ZMQ ``ipc``) inside the scratch directory, so
  a kernel in its own network namespace needs no network, and no other kernel can reach
  them;
* ZMQ drops any frame larger than :data:`MAX_MESSAGE_BYTES` (``MAXMSGSIZE``) and queues
  at most :data:`RECEIVE_QUEUE` messages per channel (``RCVHWM``) before anything is
  parsed;
* messages that do not decode, or whose header/content are not what the Jupyter protocol
  says, are dropped and counted; unknown message types are ignored;
* no output is kept: only its size is counted against :data:`MAX_OUTPUT_BYTES` (for the
  feedback's note) and the names of errors (to report a memory limit);
* the answers come back in a file of the scratch directory, read without following links,
  only if it is a regular file, and at most ``MAX_ANSWER_BYTES`` of it.

What is left (a single message of very many frames) is bounded by the process that runs
this module for one submission (``worker.py``): it has a memory limit of its own.
"""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Coroutine, TypeVar

import nbformat
import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.connect import channel_socket_types
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager, KernelManager
from zmq.utils.monitor import recv_monitor_message
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellTimeoutError, DeadKernelError

from .extract import MAX_ANSWER_BYTES, extraction_cell, new_marker, parse_answers
from .sandbox import Limits, fresh_uid, kill_all, make_scratch, sandbox_env, wrapper_argv

T = TypeVar("T")

MAX_OUTPUT_BYTES = 8 * 1024 * 1024   # output a notebook may print before the note says "truncated"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # one ZMQ frame; a larger one is dropped by ZMQ itself
RECEIVE_QUEUE = 16                   # messages ZMQ queues per channel before the kernel must wait


class GradingError(Exception):
    """A submission that cannot be graded; ``str()`` is the one-line reason."""


@dataclass
class RunResult:
    """What the grader keeps from one notebook run."""

    answers: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class OutputTally:
    """What one run's kernel sent: bytes counted, messages dropped, error names seen."""

    received: int = 0
    dropped: int = 0
    oversized: int = 0
    errors: list[str] = field(default_factory=list)
    monitors: list[Any] = field(default_factory=list)

    def count_disconnects(self) -> None:
        """Add the disconnections ZMQ reported since the last call (a frame over
        ``MAX_MESSAGE_BYTES`` makes ZMQ drop the message and the connection)."""
        for monitor in self.monitors:
            sync = zmq.Socket.shadow(monitor.underlying)
            while True:
                try:
                    event = recv_monitor_message(sync, zmq.NOBLOCK)
                except zmq.Again:
                    break
                except zmq.ZMQError:
                    break
                if event.get("event") == zmq.EVENT_DISCONNECTED:
                    self.oversized += 1

    def close(self) -> None:
        for monitor in self.monitors:
            try:
                monitor.close(linger=0)
            except zmq.ZMQError:
                pass
        self.monitors.clear()


# --------------------------------------------------------------------------- guarded channels


def valid_message(msg: Any) -> bool:
    """Whether ``msg`` has the shape of a Jupyter message (dict parts, a str type)."""
    return (isinstance(msg, dict) and isinstance(msg.get("msg_type"), str)
            and all(isinstance(msg.get(part), dict)
                    for part in ("header", "parent_header", "content", "metadata"))
            and isinstance(msg.get("buffers", []), list))


class _GuardedChannel(AsyncZMQSocketChannel):
    """A channel that never raises for a malformed message: it drops and counts it."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        deadline = None if timeout is None else time.monotonic() + timeout
        tally: OutputTally = getattr(self.session, "nnlib_tally", OutputTally())
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            msg = await super().get_msg(timeout=left)     # raises Empty on timeout
            if valid_message(msg):
                return msg
            tally.dropped += 1

    async def _recv(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        frames = await self.socket.recv_multipart(**kwargs)
        tally: OutputTally | None = getattr(self.session, "nnlib_tally", None)
        if tally is not None:
            tally.received += sum(len(f) for f in frames)
        try:
            _, smsg = self.session.feed_identities(frames)
            return self.session.deserialize(smsg)
        except Exception:             # bad signature, JSON, missing parts, ...
            return {}


class _GuardedClient(AsyncKernelClient):
    """Kernel client with ZMQ size and queue limits on every socket and guarded channels."""

    shell_channel_class = _GuardedChannel
    iopub_channel_class = _GuardedChannel
    stdin_channel_class = _GuardedChannel
    control_channel_class = _GuardedChannel

    def _create_connected_socket(self, channel: str, identity: bytes | None = None) -> zmq.Socket:
        sock = self.context.socket(channel_socket_types[channel])
        sock.linger = 0
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        sock.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
        if identity:
            sock.identity = identity
        tally = getattr(self.session, "nnlib_tally", None)
        if tally is not None and channel == "iopub":
            tally.monitors.append(sock.get_monitor_socket(zmq.EVENT_DISCONNECTED))
        sock.connect(self._make_url(channel))
        return sock


class _SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel command goes through the sandbox wrapper and
    whose channels are Unix sockets in the scratch directory."""

    def __init__(self, wrapper: list[str], uid: int | None, scratch: Path, **kw: Any) -> None:
        super().__init__(transport="ipc", ip=str(scratch / "k"),
                         client_class="nnlib.grade.execute._GuardedClient", **kw)
        self._wrapper = wrapper
        self._uid = uid
        self.tally = OutputTally()
        self.connection_file = str(scratch / ".kernel.json")

    @property
    def kernel_spec(self) -> KernelSpec:  # type: ignore[override]
        argv = self._wrapper + [sys.executable, "-m", "ipykernel_launcher", "-f",
                                "{connection_file}"]
        return KernelSpec(argv=argv, display_name="nnlib-grade sandbox", language="python")

    def client(self, **kwargs: Any) -> AsyncKernelClient:  # type: ignore[override]
        kc = super().client(**kwargs)
        if not isinstance(kc, _GuardedClient):
            raise RuntimeError("the sandbox kernel needs the guarded client")
        kc.session.nnlib_tally = self.tally
        return kc

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self._uid is not None:
            os.chown(self.connection_file, self._uid, self._uid)


class _CountingClient(NotebookClient):
    """NotebookClient that keeps no output: it counts sizes and remembers error names.

    Only ``status``, ``error`` and the counted output types are looked at; comm messages,
    display updates, clear_output and unknown types are ignored, so no widget state or
    display map can grow.
    """

    def __init__(self, nb: Any, tally: OutputTally, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self.tally = tally

    def process_message(self, msg, cell, cell_index):  # type: ignore[no-untyped-def]
        content = msg["content"]
        msg_type = msg["msg_type"]
        if msg_type == "status":
            if content.get("execution_state") == "idle":
                raise CellExecutionComplete()
            return None
        count = content.get("execution_count")
        if isinstance(count, int) and not isinstance(count, bool):
            cell["execution_count"] = count
        if msg_type == "error" and len(self.tally.errors) < 100:
            self.tally.errors.append(str(content.get("ename", ""))[:100])
        return None

    async def _check_raise_for_error(self, cell, cell_index, exec_reply):  # type: ignore[no-untyped-def]
        return None                      # errors are allowed; the reply may be malformed

    def set_widgets_metadata(self) -> None:
        return None


_QUIET = logging.getLogger("nnlib.grade.nbclient")
_QUIET.setLevel(logging.ERROR)


def _after_cell(client: NotebookClient, tally: OutputTally, deadline: float) -> None:
    """Count ZMQ's drops; once the output channel lost a message, stop waiting for the
    end-of-cell status of later cells (it may never come; outputs are only counted).
    Past the notebook's deadline no further cell starts (nbclient's own timeout is per
    cell, so many short cells could otherwise run on)."""
    tally.count_disconnects()
    if tally.oversized:
        client.iopub_timeout = 0
    if time.monotonic() > deadline:
        raise CellTimeoutError("the notebook's deadline has passed")


def clean_notebook(nb: Any) -> Any:
    """A new notebook holding only the code cells' sources of ``nb``."""
    clean = nbformat.v4.new_notebook()
    clean.cells = [nbformat.v4.new_code_cell(cell.get("source", "")) for cell in nb.cells
                   if cell.get("cell_type") == "code" and isinstance(cell.get("source"), str)]
    return clean


def read_regular_file(folder: Path, name: str, max_bytes: int) -> bytes | None:
    """At most ``max_bytes + 1`` bytes of ``folder/name``, or None.

    None unless it is a regular file: opened relative to ``folder`` without following
    symbolic links (neither ``folder`` nor ``name``), non-blocking (a FIFO cannot hang
    the grader), and checked with ``fstat`` before anything is read (no device).
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        dir_fd = os.open(folder, flags | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fd = os.open(name, flags | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError:
        return None
    finally:
        os.close(dir_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def run_notebook(nb: Any, names: list[str], limits: Limits, timeout: float,
                 uid: int | None = None, scratch: Path | None = None,
                 cgroups: list[str] | None = None) -> RunResult:
    """Execute ``nb`` in a sandboxed kernel and return the values of ``names``.

    ``uid`` and ``scratch`` (a fresh folder owned by ``uid``) are created here unless given;
    ``cgroups`` are the per-submission cgroup folders the kernel joins.

    Raises
    ------
    GradingError
        On a timeout or a dead kernel (crash, CPU or memory limit).
    """
    started = time.monotonic()
    marker = new_marker()
    answers_name = f".answers-{marker.strip('@').rsplit('-', 1)[-1]}.json"
    own_scratch = scratch is None
    if scratch is None:
        uid = fresh_uid()
        scratch = make_scratch(uid)
    clean = clean_notebook(nb)
    clean.cells.append(nbformat.v4.new_code_cell(
        extraction_cell(names, marker, str(scratch / answers_name))))
    km = _SandboxKernelManager(
        wrapper_argv(limits, scratch, uid, sandbox_env(scratch), cgroups=cgroups), uid, scratch)
    tally = km.tally
    deadline = started + timeout
    client = _CountingClient(
        clean, tally, km=km, allow_errors=True, startup_timeout=60,
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic()) + 1),
        resources={"metadata": {"path": str(scratch)}}, record_timing=False,
        store_widget_state=False, iopub_timeout=2, log=_QUIET,
        on_cell_executed=lambda **_: _after_cell(client, tally, deadline))
    notes: list[str] = []
    try:
        run_on_new_loop(client.async_execute(cwd=str(scratch), stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL))
    except CellTimeoutError:
        raise GradingError(f"timeout: the notebook ran longer than {timeout:g} s") from None
    except DeadKernelError:
        cell = _last_started_cell(client)
        raise GradingError(f"kernel died while running code cell {cell} (crash, exit, or "
                           f"CPU/memory/process limit {limits.cpu_s} s/{limits.memory_mb} MB/"
                           f"{limits.nproc})") from None
    except RuntimeError as err:
        if "Kernel didn't respond" in str(err) or "Kernel died" in str(err):
            raise GradingError(f"the kernel did not start ({err})") from None
        raise
    finally:
        tally.close()
        pid = _kernel_pid(km)
        kill_all(pid, uid)
        _reap(km)
    raw = read_regular_file(scratch, answers_name, MAX_ANSWER_BYTES + 4 * len(marker))
    if own_scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    if tally.received > MAX_OUTPUT_BYTES:
        notes.append(f"output truncated: more than {MAX_OUTPUT_BYTES // 2**20} MB printed "
                     f"({tally.received // 2**20} MB received and dropped)")
    if tally.oversized:
        notes.append(f"output truncated: {tally.oversized} message(s) over "
                     f"{MAX_MESSAGE_BYTES // 2**20} MB were dropped")
    if tally.dropped:
        notes.append(f"{tally.dropped} malformed message(s) from the kernel were ignored")
    if "MemoryError" in tally.errors:
        notes.append(f"a cell hit the memory limit ({limits.memory_mb} MB)")
    answers = {} if raw is None else parse_answers(raw.decode("utf-8", "replace"), marker, names)
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
