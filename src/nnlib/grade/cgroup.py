"""Per-submission resource limits with cgroups: memory, process count and CPU for all of a
submission's processes together (not per process).

One :class:`SubmissionCgroup` per submission holds its kernel, every process the kernel
starts, and its code-exercise runner:

* memory: ``Limits.memory_mb`` for the whole group (swap included where the kernel
  accounts it);
* processes: ``Limits.nproc`` for the whole group;
* CPU: at most one core (quota = period), and an equal share (weight) with every other
  submission, so a CPU-hungry submission cannot slow a neighbour down past its timeout
  as long as ``--jobs`` is at most the number of cores.

cgroup v2 (a unified hierarchy whose root offers ``memory pids cpu``) is used when
present, else the v1 ``memory``, ``pids`` and ``cpu`` hierarchies. Where neither can be
written (not root, a read-only ``/sys/fs/cgroup``) :meth:`SubmissionCgroup.create`
returns None and the per-process rlimits plus ``worker.Watchdog`` are what is left.
"""
from __future__ import annotations

import os
import secrets
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000
MB = 1024 * 1024


def _own_v1_path(controller: str) -> str:
    """This process's cgroup path in the v1 hierarchy of ``controller`` ("/" if unknown)."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                return path
    except (OSError, ValueError):
        pass
    return "/"


def _write(path: Path, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


class SubmissionCgroup:
    """The cgroup folders of one submission (one per v1 controller, or one v2 folder)."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders

    @property
    def paths(self) -> list[str]:
        return [str(f) for f in self.folders]

    @classmethod
    def create(cls, memory_mb: int, nproc: int) -> "SubmissionCgroup | None":
        """A new group with the limits set, or None where cgroups cannot be used."""
        if os.geteuid() != 0:
            return None
        name = f"nnlib-grade-{secrets.token_hex(6)}"
        try:
            if (ROOT / "cgroup.controllers").exists():
                return cls._create_v2(name, memory_mb, nproc)
            return cls._create_v1(name, memory_mb, nproc)
        except OSError:
            return None

    @classmethod
    def _create_v2(cls, name: str, memory_mb: int, nproc: int) -> "SubmissionCgroup | None":
        wanted = {"memory", "pids", "cpu"}
        if not wanted <= set((ROOT / "cgroup.controllers").read_text().split()):
            return None
        base = ROOT / "nnlib-grade"
        _write(ROOT / "cgroup.subtree_control", " ".join(f"+{c}" for c in sorted(wanted)))
        base.mkdir(exist_ok=True)
        _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in sorted(wanted)))
        folder = base / name
        folder.mkdir()
        group = cls([folder])
        try:
            _write(folder / "memory.max", str(memory_mb * MB))
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", "0")
            _write(folder / "pids.max", str(nproc))
            _write(folder / "cpu.max", f"{CPU_PERIOD_US} {CPU_PERIOD_US}")
        except OSError:
            group.remove()
            raise
        return group

    @classmethod
    def _create_v1(cls, name: str, memory_mb: int, nproc: int) -> "SubmissionCgroup | None":
        controllers = {c: ROOT / c for c in ("memory", "pids", "cpu")}
        if not all((path / "cgroup.procs").exists() for path in controllers.values()):
            return None
        folders = {c: path / _own_v1_path(c).lstrip("/") / name for c, path in controllers.items()}
        group = cls([])
        try:
            for folder in folders.values():
                folder.mkdir()
                group.folders.append(folder)
            memory = folders["memory"]
            _write(memory / "memory.limit_in_bytes", str(memory_mb * MB))
            if (memory / "memory.memsw.limit_in_bytes").exists():
                try:
                    _write(memory / "memory.memsw.limit_in_bytes", str(memory_mb * MB))
                except OSError:
                    pass
            _write(folders["pids"] / "pids.max", str(nproc))
            _write(folders["cpu"] / "cpu.cfs_period_us", str(CPU_PERIOD_US))
            _write(folders["cpu"] / "cpu.cfs_quota_us", str(CPU_PERIOD_US))
        except OSError:
            group.remove()
            raise
        return group

    def pids(self) -> set[int]:
        """Every process (and thread group) in the group."""
        found: set[int] = set()
        for folder in self.folders:
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return found

    def memory_failures(self) -> int:
        """How often a process of the group was killed for its memory limit, or 1 if the
        group's peak memory reached the limit (0 where the kernel says neither)."""
        for folder in self.folders:
            for name in ("memory.events", "memory.oom_control"):
                try:
                    text = (folder / name).read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and value.strip().isdigit() and int(value):
                        return int(value)
            try:
                peak = int((folder / "memory.max_usage_in_bytes").read_text())
                limit = int((folder / "memory.limit_in_bytes").read_text())
                if peak >= limit:
                    return 1
            except (OSError, ValueError):
                pass
        return 0

    def kill(self, rounds: int = 100) -> None:
        """SIGKILL every process of the group until none is left."""
        for folder in self.folders:
            if (folder / "cgroup.kill").exists():
                try:
                    _write(folder / "cgroup.kill", "1")
                except OSError:
                    pass
        for _ in range(rounds):
            left = self.pids()
            if not left:
                return
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        """Kill what is left and delete the folders."""
        self.kill()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
