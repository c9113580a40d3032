"""Finding submissions: ``<student>/<lesson>.ipynb`` in a folder or in a zip file.

A zip is unpacked (members checked: no absolute paths, no ``..``, no links; sizes
checked from the central directory before anything is read) into a private
temporary folder. Files are never opened here; ``load.py`` reads them with a size
cap.
"""
from __future__ import annotations

import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_ZIP_MEMBER_BYTES = 64 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 4 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class Submission:
    """One submitted notebook: ``student``/``lesson``.ipynb at ``path``."""

    student: str
    lesson: str
    path: Path


def find_submissions(root: str | Path) -> list[Submission]:
    """All ``<student>/<lesson>.ipynb`` under ``root`` (a folder or a .zip), sorted.

    In a zip the student folders may sit under one common top folder.

    Raises
    ------
    ValueError
        If ``root`` does not exist, is neither a folder nor a zip, or the zip is unsafe.
    """
    root = Path(root)
    if not root.exists():
        raise ValueError(f"submissions not found: {root}")
    if root.is_file():
        if not zipfile.is_zipfile(root):
            raise ValueError(f"submissions must be a folder or a .zip file, got {root}")
        root = unpack_zip(root)
    subs = [Submission(p.parent.name, p.stem, p) for p in _notebooks(root)]
    if not subs:
        raise ValueError(f"no <student>/<lesson>.ipynb found under {root}")
    return sorted(subs, key=lambda s: (s.student, s.lesson))


def _notebooks(root: Path) -> list[Path]:
    found = [p for p in root.glob("*/*.ipynb") if not p.is_symlink()]
    if not found:                                   # one extra top folder (zips)
        found = [p for p in root.glob("*/*/*.ipynb") if not p.is_symlink()]
    return [p for p in found if not p.parent.name.startswith(".")
            and ".ipynb_checkpoints" not in p.parts]


def unpack_zip(path: Path) -> Path:
    """Extract the notebooks of a zip into a new temporary folder, safely."""
    target = Path(tempfile.mkdtemp(prefix="nnlib-grade-zip-"))
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or name.suffix != ".ipynb":
                continue
            if name.is_absolute() or ".." in name.parts:
                raise ValueError(f"unsafe path in zip {path}: {info.filename!r}")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ValueError(f"symbolic link in zip {path}: {info.filename!r}")
            out = target.joinpath(*name.parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            total += min(info.file_size, MAX_ZIP_MEMBER_BYTES + 1)
            if total > MAX_ZIP_TOTAL_BYTES:
                raise ValueError(f"zip {path} unpacks to more than {MAX_ZIP_TOTAL_BYTES} bytes")
            with zf.open(info) as src:        # an oversized member stays oversized
                data = src.read(MAX_ZIP_MEMBER_BYTES + 1)  # (rejected by load.py)
            out.write_bytes(data)
    return target
