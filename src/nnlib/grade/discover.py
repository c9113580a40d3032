"""Finding submissions: ``<student>/<lesson>.ipynb`` in a folder or in a zip file.

Nothing in the submissions folder is skipped silently and nothing is followed: a symbolic
link, a FIFO, a device or anything else that is not a regular folder (a student) or a
regular file (a notebook) becomes a :class:`Submission` with an ``error``, so the
gradebook has a row saying why it was not graded. A folder linked to a classmate's is
never graded as a student of its own.

Names are made printable: bytes that are not UTF-8 are shown as ``\\xNN`` escapes and
control characters as ``\\n``-style escapes, so writing the reports can never fail on a
name. Two folders whose printable names are equal are both error rows.

A zip is unpacked member by member into a private temporary folder
(:func:`open_submissions` always removes it): no absolute paths, no ``..``, no links; at
most :data:`MAX_ZIP_MEMBER_BYTES` per member, :data:`MAX_ZIP_TOTAL_BYTES` in all, and a
compression ratio of at most :data:`MAX_ZIP_RATIO`. A member that breaks a rule or cannot
be read (bad CRC, unsupported compression, encrypted) is an error row of its own. Files
are not parsed here; ``load.py`` reads them with a size cap.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from .load import MAX_NOTEBOOK_BYTES

MAX_ZIP_MEMBER_BYTES = MAX_NOTEBOOK_BYTES
MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 100            # uncompressed / compressed, for members over 1 MB
NO_LESSON = "-"


@dataclass(frozen=True)
class Submission:
    """One submitted notebook: ``student``/``lesson``.ipynb at ``path``.

    ``error`` is set (and ``path`` may not be a notebook) for an entry that cannot be
    graded; it becomes an error row.
    """

    student: str
    lesson: str
    path: Path
    error: str = ""


def printable(name: str) -> str:
    """``name`` (a file name, possibly with undecodable bytes) as printable UTF-8 text."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text) or "_"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISREG, "a file")):
        if test(mode):
            return name
    return "a special file"


def find_submissions(root: str | Path) -> list[Submission]:
    """All ``<student>/<lesson>.ipynb`` under the folder ``root``, sorted (see module doc).

    Use :func:`open_submissions` for a zip (it removes the unpacked copy afterwards).

    Raises
    ------
    ValueError
        If ``root`` does not exist, is not a folder, or holds no submission at all.
    """
    root = Path(root)
    if root.is_symlink() or not root.is_dir():
        raise ValueError(f"submissions must be a folder or a .zip file, got {root}")
    subs = _scan(root)
    if not any(not s.error for s in subs):
        nested = [s for d in _real_subfolders(root) for s in _scan(d)]
        if nested:
            subs = nested
    if not subs:
        raise ValueError(f"no <student>/<lesson>.ipynb found under {root}")
    return _mark_name_collisions(sorted(subs, key=lambda s: (s.student, s.lesson, str(s.path))))


@contextmanager
def open_submissions(root: str | Path, extra: list[Submission] | None = None
                     ) -> Iterator[list[Submission]]:
    """The submissions of a folder or a zip; a zip's unpacked copy is removed afterwards.

    Raises
    ------
    ValueError
        If ``root`` does not exist, or is neither a folder nor a readable zip.
    """
    root = Path(root)
    if not root.exists() and not root.is_symlink():
        raise ValueError(f"submissions not found: {root}")
    if root.is_dir():
        yield find_submissions(root)
        return
    if not root.is_file() or not zipfile.is_zipfile(root):
        raise ValueError(f"submissions must be a folder or a .zip file, got {root}")
    target = Path(tempfile.mkdtemp(prefix="nnlib-grade-zip-"))
    try:
        errors = unpack_zip(root, target)
        try:
            found = find_submissions(target)
        except ValueError:
            if not errors:
                raise ValueError(f"no <student>/<lesson>.ipynb found in {root}") from None
            found = []
        yield sorted(found + errors, key=lambda s: (s.student, s.lesson, str(s.path)))
    finally:
        shutil.rmtree(target, ignore_errors=True)


def _real_subfolders(root: Path) -> list[Path]:
    out = []
    for entry in _entries(root):
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            out.append(Path(entry.path))
    return out


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _scan(root: Path) -> list[Submission]:
    subs: list[Submission] = []
    for entry in _entries(root):
        name = printable(entry.name)
        if entry.name.startswith(".") or entry.name == "__MACOSX":
            continue
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            subs += _scan_student(Path(entry.path), name)
        elif stat.S_ISREG(mode):
            if entry.name.endswith(".ipynb"):
                subs.append(Submission(NO_LESSON, name[:-6], Path(entry.path),
                                       "a notebook outside any student folder"))
        else:
            subs.append(Submission(name, NO_LESSON, Path(entry.path),
                                   f"not a regular student folder: {_kind(mode)} (not followed)"))
    return subs


def _scan_student(folder: Path, student: str) -> list[Submission]:
    subs = []
    for entry in _entries(folder):
        if not entry.name.endswith(".ipynb"):
            continue
        lesson = printable(entry.name[:-len(".ipynb")])
        mode = entry.stat(follow_symlinks=False).st_mode
        error = "" if stat.S_ISREG(mode) else \
            f"not a regular file: {_kind(mode)} (not followed, not read)"
        subs.append(Submission(student, lesson, Path(entry.path), error))
    return subs


def _mark_name_collisions(subs: list[Submission]) -> list[Submission]:
    """Error rows for submissions whose printable (student, lesson) is not unique."""
    seen: dict[tuple[str, str], int] = {}
    for s in subs:
        seen[(s.student, s.lesson)] = seen.get((s.student, s.lesson), 0) + 1
    return [s if seen[(s.student, s.lesson)] == 1 or s.error else
            Submission(s.student, s.lesson, s.path, "another folder or file has the same name "
                       "once undecodable bytes are escaped; rename one of them")
            for s in subs]


def unpack_zip(path: Path, target: Path) -> list[Submission]:
    """Extract the notebooks of the zip ``path`` into ``target``; error rows for the
    members that could not be extracted (see module doc)."""
    errors: list[Submission] = []
    total = 0
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise ValueError(f"cannot read zip {path}: {err}") from None
    with zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir() or name.suffix != ".ipynb":
                continue
            student = printable(name.parent.name) if len(name.parts) > 1 else NO_LESSON
            lesson = printable(name.stem)

            def refuse(why: str) -> None:
                errors.append(Submission(student, lesson, path, f"zip member "
                                         f"{printable(info.filename)!r}: {why}"))

            if name.is_absolute() or ".." in name.parts or not name.parts:
                refuse("unsafe path (absolute or '..'), not extracted")
                continue
            kind = stat.S_IFMT(info.external_attr >> 16)     # 0 when the zip does not say
            if kind and kind != stat.S_IFREG:
                refuse("a link or special file, not extracted")
                continue
            if info.file_size > MAX_ZIP_MEMBER_BYTES:
                refuse(f"too large: {info.file_size / 2**20:.1f} MB unpacked > "
                       f"{MAX_ZIP_MEMBER_BYTES / 2**20:.0f} MB limit")
                continue
            if info.file_size > 2**20 and info.file_size > MAX_ZIP_RATIO * max(1, info.compress_size):
                refuse(f"compression ratio over {MAX_ZIP_RATIO}:1 (a zip bomb?), not extracted")
                continue
            if total + info.file_size > MAX_ZIP_TOTAL_BYTES:
                refuse(f"the zip unpacks to more than {MAX_ZIP_TOTAL_BYTES / 2**30:.0f} GB; "
                       "not extracted")
                continue
            try:
                with zf.open(info) as src:
                    data = src.read(MAX_ZIP_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                    RuntimeError, ValueError) as err:
                refuse(f"cannot be read ({type(err).__name__}: {str(err)[:100]})")
                continue
            if len(data) > MAX_ZIP_MEMBER_BYTES:
                refuse(f"too large: more than {MAX_ZIP_MEMBER_BYTES / 2**20:.0f} MB unpacked")
                continue
            total += len(data)
            out = target.joinpath(*name.parts)
            if out.exists():
                refuse("a second member with the same name, not extracted")
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
    return errors
