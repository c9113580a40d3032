"""Errata of the four source documents, shown printed vs corrected in the lessons.

Data: ``nnlib/course/errata/<document>.toml``, one ``[[erratum]]`` table per mistake with
the fields ``id, document, place, printed, correct, decided_by, lesson``
(docs/ARCHITECTURE.md). ``printed`` and ``correct`` may contain LaTeX between ``$``.
An erratum found to be wrong is removed and recorded in a ``[[withdrawn]]`` table
(``id, reason, see``); ``show`` of that id then raises a KeyError that says why.

>>> show("mfnet-x-typo")      # in a notebook: a side-by-side table   # doctest: +SKIP
>>> table(lesson=6)           # all errata met in lesson 6           # doctest: +SKIP
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from .display import COLORS, box, escape

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ERRATA_DIR = Path(__file__).with_name("errata")
#: The four source documents, in the order of the seeds.
DOCUMENT_FILES = ("meeting_notes.toml", "mfnet_report.toml", "ai_library.toml", "ann_lecture.toml")
_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-zA-Z0-9]+)+$")


class ErrataError(ValueError):
    """An errata file is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class Erratum:
    """One mistake in a source document and its correction."""

    id: str
    document: str
    place: str
    printed: str
    correct: str
    decided_by: str
    lesson: int

    def _rows(self) -> list[tuple[str, str]]:
        return [("Document", self.document), ("Place", self.place), ("Printed", self.printed),
                ("Correct", self.correct), ("How decided", self.decided_by)]


FIELDS = tuple(f.name for f in fields(Erratum))


@dataclass(frozen=True)
class ErratumView:
    """Display of one erratum: an HTML table in notebooks, plain text elsewhere."""

    erratum: Erratum

    def __repr__(self) -> str:
        e = self.erratum
        lines = [f"Erratum {e.id} (lesson {e.lesson})"]
        lines += [f"  {name + ':':<12} {value}" for name, value in e._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = self.erratum
        cell = 'style="text-align: left; vertical-align: top; padding: 0.2em 0.6em;"'
        rows = "".join(
            f'<tr><th scope="row" {cell}>{name}</th><td {cell}>{escape(value)}</td></tr>'
            for name, value in e._rows())
        caption = (f'<caption style="text-align: left; font-weight: bold; color: {COLORS["text"]};">'
                   f"Erratum <code>{escape(e.id)}</code> (lesson {e.lesson})</caption>")
        return box(f'<table style="border-collapse: collapse;">{caption}{rows}</table>',
                   "neutral", cls="nnlib-erratum")


@dataclass(frozen=True)
class ErrataTable:
    """Display of several errata, one row each."""

    errata: tuple[Erratum, ...]

    def __len__(self) -> int:
        return len(self.errata)

    def __repr__(self) -> str:
        return "\n".join(f"{e.id} (lesson {e.lesson}): {e.place} | printed: {e.printed} | "
                         f"correct: {e.correct}" for e in self.errata)

    def _repr_html_(self) -> str:
        cell = 'style="text-align: left; vertical-align: top; padding: 0.25em 0.5em;"'
        heads = ("id", "lesson", "document", "place", "printed", "correct", "how decided")
        head = "".join(f'<th scope="col" {cell}>{h}</th>' for h in heads)
        body = "".join(
            "<tr>" + "".join(f"<td {cell}>{escape(v)}</td>" for v in (
                e.id, e.lesson, e.document, e.place, e.printed, e.correct, e.decided_by)) + "</tr>"
            for e in self.errata)
        return (f'<table class="nnlib-errata" style="border-collapse: collapse; color: {COLORS["text"]};">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@dataclass(frozen=True)
class Withdrawn:
    """An erratum id that was recorded once and withdrawn: why, and which errata replace it."""

    id: str
    reason: str
    see: tuple[str, ...]


WITHDRAWN_FIELDS = ("id", "reason", "see")


def _files(root: Path) -> list[Path]:
    return sorted(root.glob("*.toml"),
                  key=lambda p: (DOCUMENT_FILES.index(p.name) if p.name in DOCUMENT_FILES
                                 else len(DOCUMENT_FILES), p.name))


def load_withdrawn(path: str | Path | None = None) -> dict[str, Withdrawn]:
    """Every ``[[withdrawn]]`` entry (``id``, ``reason``, ``see`` = list of replacing ids).

    Raises ErrataError naming the file for a malformed entry, an id that is withdrawn and
    still defined, or a ``see`` id that does not exist.
    """
    root = ERRATA_DIR if path is None else Path(path)
    errata = load_errata(root)
    out: dict[str, Withdrawn] = {}
    for file in _files(root):
        for entry in _read(file, "withdrawn"):
            where = f"{file.name}: withdrawn {entry.get('id', '?')!r}"
            if set(entry) != set(WITHDRAWN_FIELDS):
                raise ErrataError(f"{where}: needs exactly the fields {list(WITHDRAWN_FIELDS)}, got {sorted(entry)}")
            if not isinstance(entry["reason"], str) or not entry["reason"].strip():
                raise ErrataError(f"{where}: field 'reason' must be a non-empty string")
            see = entry["see"]
            if not isinstance(see, list) or not all(isinstance(s, str) for s in see):
                raise ErrataError(f"{where}: field 'see' must be a list of erratum ids")
            if entry["id"] in errata or entry["id"] in out:
                raise ErrataError(f"{where}: id is still defined (or withdrawn twice)")
            unknown = [s for s in see if s not in errata]
            if unknown:
                raise ErrataError(f"{where}: 'see' names unknown errata {unknown}")
            out[entry["id"]] = Withdrawn(entry["id"], entry["reason"], tuple(see))
    return out


def load_errata(path: str | Path | None = None) -> dict[str, Erratum]:
    """Read and validate every erratum.

    Parameters
    ----------
    path : directory of ``*.toml`` errata files, default the package's ``errata/``.
        The four documents come first in seed order, any other file after them.

    Returns
    -------
    dict id -> :class:`Erratum`, in document order and file order.

    Raises
    ------
    ErrataError (a ValueError) naming file and entry for a missing, unknown or mistyped
    field, a malformed id or an id used twice.
    """
    root = ERRATA_DIR if path is None else Path(path)
    errata: dict[str, Erratum] = {}
    for file in _files(root):
        for number, entry in enumerate(_read(file), start=1):
            erratum = _parse(file.name, number, entry)
            if erratum.id in errata:
                raise ErrataError(f"{file.name}: erratum {erratum.id!r} is defined twice")
            errata[erratum.id] = erratum
    return errata


def _read(file: Path, table: str = "erratum") -> list:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ErrataError(f"{file.name}: not valid TOML: {exc}") from None
    if set(data) - {"erratum", "withdrawn"}:
        raise ErrataError(f"{file.name}: entries go in [[erratum]] (or [[withdrawn]]) tables, found {sorted(data)}")
    return data.get(table, [])


def _parse(fname: str, number: int, entry: dict) -> Erratum:
    where = f"{fname}: erratum {entry.get('id', f'#{number}')!r}"
    missing = [f for f in FIELDS if f not in entry]
    unknown = sorted(set(entry) - set(FIELDS))
    if missing or unknown:
        raise ErrataError(f"{where}: missing fields {missing}, unknown fields {unknown}")
    for name in FIELDS:
        want = int if name == "lesson" else str
        value = entry[name]
        if not isinstance(value, want) or isinstance(value, bool):
            raise ErrataError(f"{where}: field {name!r} must be {want.__name__}, "
                              f"got {type(value).__name__}")
        if want is str and not value.strip():
            raise ErrataError(f"{where}: field {name!r} is empty")
    if not _ID.match(entry["id"]):
        raise ErrataError(f"{where}: id must be lowercase words joined by '-', e.g. 'mfnet-x-typo'")
    if entry["lesson"] < 0:
        raise ErrataError(f"{where}: lesson must be >= 0")
    return Erratum(**{name: entry[name] for name in FIELDS})


@lru_cache(maxsize=1)
def _errata() -> dict[str, Erratum]:
    return load_errata()


@lru_cache(maxsize=1)
def _withdrawn() -> dict[str, Withdrawn]:
    return load_withdrawn()


def get(erratum_id: str) -> Erratum:
    """The erratum ``erratum_id``; KeyError saying why for a withdrawn id, with close matches otherwise."""
    errata = _errata()
    gone = _withdrawn().get(erratum_id)
    if gone is not None:
        raise KeyError(f"erratum {erratum_id!r} was withdrawn: {gone.reason} See {', '.join(gone.see)}.")
    if erratum_id not in errata:
        close = difflib.get_close_matches(str(erratum_id), list(errata), n=3)
        raise KeyError(f"no erratum {erratum_id!r}" + (f"; did you mean {close}?" if close else ""))
    return errata[erratum_id]


def show(erratum_id: str) -> ErratumView:
    """Display one erratum: document, place, printed vs correct, and how it is decided."""
    return ErratumView(get(erratum_id))


def table(lesson: int | None = None) -> ErrataTable:
    """Display all errata, or those met in ``lesson``."""
    return ErrataTable(tuple(e for e in _errata().values() if lesson is None or e.lesson == lesson))
