"""Resource limits and isolation for untrusted student code.

Two halves live here:

* the **wrapper** (``python -m nnlib.grade.sandbox [options] -- cmd ...``), run as the
  kernel's (and the code runner's) launcher: it starts a new session (``setsid``), joins
  the submission's cgroups (``cgroup.py``), and as root enters new network, mount and IPC
  namespaces (:func:`isolate`: no network at all, ``/proc`` with ``hidepid=2``, a fresh
  ``/dev/shm``, folders others cannot enter replaced by what is needed of them, folders
  to hide covered), applies ``setrlimit`` (address space, CPU time, process count, file
  size, open files), restricts the file system with Landlock (read-only: the Python
  installation; read-write: the scratch directory; no TCP; signals and abstract sockets
  scoped), drops root to an unprivileged uid with **no capability left**
  (:func:`drop_to_uid`), clears the environment and finally ``exec``s the command;
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
import stat
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


def wrapper_argv(limits: Limits, scratch: Path, uid: int | None, env: dict[str, str],
                 cgroups: list[str] | None = None, read_paths: list[str] | None = None,
                 hide: list[str] | None = None) -> list[str]:
    """The argv prefix that launches a command inside the sandbox.

    ``cgroups``: per-submission cgroup folders the process joins first; ``read_paths``:
    the read-only trees (default :func:`python_read_paths`); ``hide``: folders covered by
    an empty one inside the sandbox (as root only). Append ``[cmd, arg, ...]``;
    the wrapper ends with ``--``.
    """
    argv = [sys.executable, "-m", "nnlib.grade.sandbox",
            "--as", str(limits.memory_mb), "--cpu", str(limits.cpu_s),
            "--nproc", str(limits.nproc), "--fsize", str(limits.fsize_mb),
            "--nofile", str(limits.nofile), "--rw", str(scratch), "--chdir", str(scratch)]
    if uid is not None:
        argv += ["--uid", str(uid)]
    for path in cgroups or []:
        argv += ["--cgroup", path]
    for path in hide or []:
        argv += ["--hide", path]
    for path in (python_read_paths() if read_paths is None else read_paths):
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
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


_NET_BIND_TCP, _NET_CONNECT_TCP = 1, 2
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1, 2


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

    From ABI 4 on, TCP bind and connect are denied too (no rule allows any port); from
    ABI 6 on, the process can neither signal nor reach abstract Unix sockets of processes
    outside its own sandbox. Returns False (and changes nothing) where Landlock is
    unavailable.
    """
    abi = landlock_abi()
    if abi < 1:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    handled = _handled_fs(abi)
    attr = _RulesetAttr(handled, (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
                        (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 24 if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size),
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


# --------------------------------------------------------------------------- namespaces

_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_MOVE = 1, 2, 4, 8, 4096, 8192
_MS_REC, _MS_PRIVATE = 16384, 1 << 18


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                           ctypes.c_char_p]
    return libc


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    enc = (lambda v: None if v is None else v.encode())
    if libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _untraversable_ancestor(path: str) -> tuple[str, str] | None:
    """The first ancestor of ``path`` that others cannot enter (mode without o+x), with
    its child on the way to ``path``; None if every ancestor can be entered."""
    parts = Path(path).parts
    for depth in range(1, len(parts) - 1):
        folder = os.path.join(*parts[:depth + 1]) if depth else "/"
        try:
            mode = os.stat(folder).st_mode
        except OSError:
            return None
        if not mode & stat.S_IXOTH:
            return folder, os.path.join(folder, parts[depth + 1])
    return None


def isolate(visible: list[str], stage: str, hide: list[str] = ()) -> None:
    """Put this process (root) in new mount, network and IPC namespaces.

    * network: only a loopback interface that is down, so nothing at all can be reached
      (not the grader's machine, not another kernel, not a Dask scheduler);
    * ``/proc`` is mounted again with ``hidepid=2``: an unprivileged process sees only its
      own processes, not the grader's command line or other kernels;
    * folders that others cannot enter (a ``0700 /root`` holding the Python installation)
      are covered by an empty tmpfs into which only the needed subfolders of
      ``visible`` are bound, so the sandbox needs no capability to reach them.
    * every folder of ``hide`` is covered by an empty read-only tmpfs.
    ``stage`` is an empty folder used while moving mounts.
    """
    libc = _libc()
    if libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")
    _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount(libc, "proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "hidepid=2")
    if os.path.isdir("/dev/shm"):              # POSIX shared memory: a fresh one of its own
        _mount(libc, "tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=1777,size=256m")
    hidden: dict[str, set[str]] = {}
    for path in visible:
        found = _untraversable_ancestor(path)
        if found:
            hidden.setdefault(found[0], set()).add(found[1])
    for folder, children in sorted(hidden.items()):
        if any(folder.startswith(other + "/") for other in hidden):
            continue
        staged = []
        for k, child in enumerate(sorted(children)):
            if not os.path.isdir(child):
                continue
            target = os.path.join(stage, str(k))
            os.mkdir(target)
            _mount(libc, child, target, None, _MS_BIND | _MS_REC)
            staged.append((target, child))
        _mount(libc, "tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=64k")
        for target, child in staged:
            os.mkdir(child)
            _mount(libc, target, child, None, _MS_MOVE)
            os.rmdir(target)
    for folder in hide:
        if os.path.isdir(folder):
            _mount(libc, "tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_RDONLY,
                   "mode=0555,size=4k")


# --------------------------------------------------------------------------- privileges

_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4


def drop_to_uid(uid: int) -> None:
    """Become ``uid`` (no groups) for good, with no capability left.

    The bounding set is emptied first (no exec can give a capability back; Landlock has
    set no_new_privs as well), then the uids change, which clears the permitted,
    effective and ambient sets. Without CAP_SYS_RESOURCE/CAP_SYS_ADMIN, RLIMIT_NPROC is
    enforced; without CAP_DAC_READ_SEARCH/CAP_DAC_OVERRIDE file modes apply
    (``/etc/shadow`` cannot be read).
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for cap in range(64):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break                              # EINVAL past the last capability
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def join_cgroups(folders: list[str]) -> None:
    """Move this process into each cgroup folder (its children follow)."""
    for folder in folders:
        with open(os.path.join(folder, "cgroup.procs"), "w") as fh:
            fh.write(str(os.getpid()))


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
    parser.add_argument("--cgroup", action="append", default=[])
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command given after --")
    try:
        os.setsid()
    except PermissionError:
        pass                                 # already a session leader
    join_cgroups(args.cgroup)
    if args.uid is not None and is_root():
        stage = os.path.join(args.rw[0], ".stage") if args.rw else tempfile.mkdtemp()
        os.makedirs(stage, exist_ok=True)
        isolate(args.ro + args.rw, stage, args.hide)
        os.rmdir(stage)
    nproc = args.nproc if args.uid is not None else _user_process_count() + args.nproc
    _set(resource.RLIMIT_NPROC, nproc)
    _set(resource.RLIMIT_CPU, args.cpu)
    _set(resource.RLIMIT_FSIZE, args.fsize * MB)
    _set(resource.RLIMIT_NOFILE, args.nofile)
    _set(resource.RLIMIT_CORE, 0)
    if args.chdir:
        os.chdir(args.chdir)
    landlock_restrict(args.ro, args.rw)
    if args.uid is not None:
        drop_to_uid(args.uid)
    env = dict(item.split("=", 1) for item in args.env)
    _set(resource.RLIMIT_AS, args.memory * MB)   # last: exec itself needs some room
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
