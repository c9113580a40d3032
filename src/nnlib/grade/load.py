"""Reading one submitted notebook defensively: size first, then UTF-8, then JSON/nbformat."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from .execute import GradingError, read_regular_file

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


def load_notebook(path: str | Path, max_bytes: int = MAX_NOTEBOOK_BYTES) -> Any:
    """The notebook at ``path`` as an nbformat v4 node.

    Raises
    ------
    GradingError
        "too large" (checked with stat, before reading), "not a regular file" (never
        follows a link, never opens a FIFO or device for reading), "not UTF-8", "not valid
        JSON" (also nested too deeply), or "not a valid notebook" (nbformat schema), each
        with the detail.
    """
    path = Path(path)
    try:
        info = path.lstat()
    except OSError as err:
        raise GradingError(f"cannot be read: {err.strerror}") from None
    if info.st_size > max_bytes:
        raise GradingError(f"too large: {info.st_size / 2**20:.1f} MB > {max_bytes / 2**20:.0f} MB limit")
    raw = read_regular_file(path.parent, path.name, max_bytes)
    if raw is None:
        raise GradingError("not a regular file (a link, FIFO or device is not read)")
    if len(raw) > max_bytes:
        raise GradingError(f"too large: more than {max_bytes / 2**20:.0f} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise GradingError(f"invalid notebook: not UTF-8 text (byte {err.start})") from None
    try:
        data = json.loads(text)
    except ValueError as err:
        raise GradingError(f"invalid notebook: not valid JSON ({err})") from None
    except RecursionError:
        raise GradingError("invalid notebook: JSON nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise GradingError("invalid notebook: no list of cells")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except RecursionError:
        raise GradingError("invalid notebook: nested too deeply to validate") from None
    except Exception as err:                     # nbformat raises many kinds
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise GradingError(f"invalid notebook: {first[:200]}") from None
    return nb
