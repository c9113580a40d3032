"""Resource limits and isolation for untrusted student code.

Two halves live here:

* the **wrapper** (``python -m nnlib.grade.sandbox [options] -- cmd ...``), run as the
  kernel's launcher: it starts a new session (``setsid``), applies ``setrlimit``
  (address space, CPU time, process count, file size, open files), restricts the
  file system with Landlock (read-only: the Python installation; read-write: the
  scratch directory), drops root to an unprivileged uid (so that ``RLIMIT_NPROC`` is
  enforced), clears the environment and finally ``exec``s the command;
* the **grader side** helpers: :class:`Limits`, :func:`wrapper_argv` (the argv prefix
  above), :func:`make_scratch` and :func:`kill_all` (kill a process tree and every
  process of the sandbox uid).

Limits are per process (``RLIMIT_AS``, ``RLIMIT_CPU``) or per uid (``RLIMIT_NPROC``:
threads count too). As root every sandbox gets its own fresh uid, so the process-count
limit is per submission and ``kill_all`` can find every descendant, even one that
called ``setsid`` itself. As an ordinary user the uid cannot change: the process count
limit is then "what the user runs now + nproc", and only the process group and the
psutil tree of the kernel are killed.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import resource
import secrets
import signal
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

# --------------------------------------------------------------------------- limits

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed process tree.

    Parameters
    ----------
    memory_mb : address-space limit per process (RLIMIT_AS), MiB.
    cpu_s : CPU-time limit per process (RLIMIT_CPU), seconds; SIGXCPU kills it.
    nproc : processes + threads the sandbox uid may own (RLIMIT_NPROC).
    fsize_mb : largest file the sandbox may write (RLIMIT_FSIZE), MiB.
    nofile : open file descriptors (RLIMIT_NOFILE).
    """

    memory_mb: int = 2048
    cpu_s: int = 120
    nproc: int = 64
    fsize_mb: int = 64
    nofile: int = 256

    def __post_init__(self) -> None:
        for name in ("memory_mb", "cpu_s", "nproc", "fsize_mb", "nofile"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")


def is_root() -> bool:
    """True when the grader runs as root (and can therefore switch uid)."""
    return os.geteuid() == 0


def fresh_uid() -> int | None:
    """A random unused-looking uid for one sandbox, or None when not root.

    uids in [1_000_000, 2_000_000_000) need no passwd entry and collide with no
    real account on an ordinary machine.
    """
    if not is_root():
        return None
    while True:
        uid = 1_000_000 + secrets.randbelow(1_999_000_000)
        if not any(_real_uid(p) == uid for p in psutil.process_iter()):
            return uid


def _real_uid(proc: psutil.Process) -> int | None:
    try:
        return proc.uids().real
    except (psutil.Error, OSError):
        return None


def make_scratch(uid: int | None) -> Path:
    """A fresh private scratch directory (mode 0700), owned by ``uid`` if given."""
    scratch = Path(tempfile.mkdtemp(prefix="nnlib-grade-"))
    if uid is not None:
        os.chown(scratch, uid, uid)
    return scratch


def _only_packages(folder: Path) -> bool:
    """True for a folder that holds nothing but nnlib and its metadata (a src layout's src/).

    Python has to list the sys.path entry that holds nnlib to import it, so the sandbox must let
    it read that folder; it does so only when the folder can reveal nothing else.
    """
    try:
        names = {entry.name for entry in folder.iterdir()}
    except OSError:
        return False
    return "nnlib" in names and all(n == "nnlib" or n.endswith(".egg-info") or n == "__pycache__" for n in names)


def python_read_paths() -> list[str]:
    """Directories the sandboxed Python must read: interpreter, stdlib, site-packages,
    the installed ``nnlib`` package, and system library/config directories."""
    import nnlib

    package = Path(nnlib.__file__).resolve().parent
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, str(package),
             str(Path(sys.executable).resolve().parent)}
    if _only_packages(package.parent):  # the src/ folder of an editable install: Python must list it
        paths.add(str(package.parent))
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[key])
    for system in ("/usr", "/lib", "/lib64", "/bin", "/etc", "/proc", "/sys"):
        paths.add(system)
    return sorted(p for p in paths if os.path.exists(p))


def wrapper_argv(limits: Limits, scratch: Path, uid: int | None, env: dict[str, str]) -> list[str]:
    """The argv prefix that launches a command inside the sandbox.

    Append ``[cmd, arg, ...]``; the wrapper ends with ``--``.
    """
    argv = [sys.executable, "-m", "nnlib.grade.sandbox",
            "--as", str(limits.memory_mb), "--cpu", str(limits.cpu_s),
            "--nproc", str(limits.nproc), "--fsize", str(limits.fsize_mb),
            "--nofile", str(limits.nofile), "--rw", str(scratch), "--chdir", str(scratch)]
    if uid is not None:
        argv += ["--uid", str(uid)]
    for path in python_read_paths():
        argv += ["--ro", path]
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    return argv + ["--"]


def sandbox_env(scratch: Path) -> dict[str, str]:
    """The whole environment of sandboxed processes (nothing inherited from the grader)."""
    s = str(scratch)
    return {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": s, "TMPDIR": s,
            "IPYTHONDIR": f"{s}/.ipython", "MPLCONFIGDIR": f"{s}/.mpl", "MPLBACKEND": "Agg",
            "JUPYTER_RUNTIME_DIR": f"{s}/.jupyter", "JUPYTER_PLATFORM_DIRS": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


# --------------------------------------------------------------------------- killing


def kill_all(pid: int | None, uid: int | None, rounds: int = 50) -> None:
    """Kill the process tree rooted at ``pid``, its process group, and (when ``uid``
    is a sandbox uid) every process of that uid, until none is left."""
    victims: list[psutil.Process] = []
    if pid is not None:
        try:
            root = psutil.Process(pid)
            victims = [root] + root.children(recursive=True)
        except psutil.Error:
            pass
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for proc in victims:
        _kill(proc)
    if uid is None or uid == 0:
        return
    for _ in range(rounds):
        left = [p for p in psutil.process_iter() if _real_uid(p) == uid]
        live = [p for p in left if _status(p) != psutil.STATUS_ZOMBIE]
        if not live:
            return
        for proc in live:                    # stopped processes cannot fork any more
            _signal(proc, signal.SIGSTOP)
        for proc in live:
            _kill(proc)
        time.sleep(0.02)


def _status(proc: psutil.Process) -> str:
    try:
        return proc.status()
    except psutil.Error:
        return psutil.STATUS_ZOMBIE


def _signal(proc: psutil.Process, sig: int) -> None:
    try:
        proc.send_signal(sig)
    except psutil.Error:
        pass


def _kill(proc: psutil.Process) -> None:
    try:
        proc.kill()
    except psutil.Error:
        pass


# --------------------------------------------------------------------------- landlock

_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446  # x86_64 and aarch64
_PR_SET_NO_NEW_PRIVS = 38
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1, 2, 4, 8
_TRUNCATE, _IOCTL_DEV = 1 << 14, 1 << 15


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(_SYS_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(abi), 0)


def _handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1                  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= 1 << 13                   # refer
    if abi >= 3:
        rights |= _TRUNCATE
    if abi >= 5:
        rights |= _IOCTL_DEV
    return rights


def landlock_restrict(read_only: list[str], read_write: list[str]) -> bool:
    """Allow this process (and its future children) to access only the given trees.

    Returns False (and changes nothing) where Landlock is unavailable.
    """
    abi = landlock_abi()
    if abi < 1:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    handled = _handled_fs(abi)
    attr = _RulesetAttr(handled)
    ruleset = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    read = _EXECUTE | _READ_FILE | _READ_DIR
    rules = [(p, read) for p in read_only] + [(p, handled) for p in read_write]
    rules.append(("/dev", read | _WRITE_FILE | (handled & (_TRUNCATE | _IOCTL_DEV))))
    for path, access in rules:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
        if not os.path.isdir(path):
            access &= _EXECUTE | _READ_FILE | _WRITE_FILE | _TRUNCATE | _IOCTL_DEV
        rule = _PathBeneathAttr(access & handled, fd)
        libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.byref(rule),
                     ctypes.c_uint32(0))
        os.close(fd)
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    done = libc.syscall(_SYS_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    os.close(ruleset)
    return done == 0


# --------------------------------------------------------------------------- uid drop

_PR_SET_KEEPCAPS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE = 8, 47, 2
_CAP_DAC_READ_SEARCH = 2
_CAP_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_to_uid(uid: int, keep_read_search: bool) -> None:
    """Become ``uid`` (no groups) for good.

    With ``keep_read_search`` the process keeps CAP_DAC_READ_SEARCH as an ambient
    capability, so it can still traverse directories such as a 0700 ``/root`` that
    hold the Python installation; Landlock (already applied) is then what limits
    reading to the allowed trees. CAP_SYS_RESOURCE/CAP_SYS_ADMIN are dropped, so
    RLIMIT_NPROC is enforced.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if keep_read_search:
        libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if not keep_read_search:
        return
    header = _CapHeader(_CAP_VERSION_3, 0)
    bit = 1 << _CAP_DAC_READ_SEARCH
    data = (_CapData * 2)(_CapData(bit, bit, bit), _CapData(0, 0, 0))
    if libc.capset(ctypes.byref(header), data) != 0:
        return
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE, _CAP_DAC_READ_SEARCH, 0, 0)


# --------------------------------------------------------------------------- wrapper


def _user_process_count() -> int:
    uid = os.getuid()
    return sum(p.num_threads() for p in psutil.process_iter() if _real_uid(p) == uid)


def _set(limit: int, value: int) -> None:
    soft, hard = value, value
    _, old_hard = resource.getrlimit(limit)
    if old_hard != resource.RLIM_INFINITY and not is_root():
        soft, hard = min(soft, old_hard), min(hard, old_hard)
    resource.setrlimit(limit, (soft, hard))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the wrapper: apply limits, drop privileges, exec the command."""
    parser = argparse.ArgumentParser(prog="python -m nnlib.grade.sandbox")
    parser.add_argument("--as", dest="memory", type=int, required=True, help="MiB")
    parser.add_argument("--cpu", type=int, required=True, help="seconds")
    parser.add_argument("--nproc", type=int, required=True)
    parser.add_argument("--fsize", type=int, required=True, help="MiB")
    parser.add_argument("--nofile", type=int, default=256)
    parser.add_argument("--uid", type=int, default=None)
    parser.add_argument("--ro", action="append", default=[])
    parser.add_argument("--rw", action="append", default=[])
    parser.add_argument("--chdir", default=None)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command given after --")
    try:
        os.setsid()
    except PermissionError:
        pass                                 # already a session leader
    nproc = args.nproc if args.uid is not None else _user_process_count() + args.nproc
    _set(resource.RLIMIT_NPROC, nproc)
    _set(resource.RLIMIT_CPU, args.cpu)
    _set(resource.RLIMIT_FSIZE, args.fsize * MB)
    _set(resource.RLIMIT_NOFILE, args.nofile)
    _set(resource.RLIMIT_CORE, 0)
    if args.chdir:
        os.chdir(args.chdir)
    confined = landlock_restrict(args.ro, args.rw)
    if args.uid is not None:
        drop_to_uid(args.uid, keep_read_search=confined)
    env = dict(item.split("=", 1) for item in args.env)
    _set(resource.RLIMIT_AS, args.memory * MB)   # last: exec itself needs some room
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
