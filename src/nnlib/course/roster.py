"""The class roster: who the students are, and how the LMS knows them.

A roster is a CSV file with a header. Only ``student_id`` is required: it names the
student's submission folder (``<student_id>/<lesson>.ipynb``) and, with the course
secret, seeds the student's variants. The other columns are copied into the gradebook
exports: ``name``, ``email``, ``canvas_id`` (Canvas's numeric user ID), ``sis_user_id``,
``sis_login_id``, ``section``.

    student_id,name,email,canvas_id,sis_user_id,sis_login_id,section
    s001,Ada Lovelace,ada@example.edu,1001,A-001,ada,Section 1
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("student_id", "name", "email", "canvas_id", "sis_user_id", "sis_login_id", "section")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


class RosterError(ValueError):
    """The roster file is malformed; the message names the line."""


@dataclass(frozen=True)
class Student:
    """One roster row (every field but ``student_id`` may be empty)."""

    student_id: str
    name: str = ""
    email: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


def read_roster(path: str | Path) -> list[Student]:
    """The students of the roster CSV at ``path``, in file order.

    Raises
    ------
    RosterError
        If there is no ``student_id`` column, an id is empty, not a safe folder name
        (letters, digits, ``. _ @ -``), or repeated.
    FileNotFoundError
        If the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no roster file at {path}")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if "student_id" not in header:
            raise RosterError(f"{path.name}: the header must have a 'student_id' column "
                              f"(found {header})")
        students: list[Student] = []
        seen: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                   if isinstance(v, str) or v is None}
            sid = row.get("student_id", "")
            if not sid:
                raise RosterError(f"{path.name}, line {line}: empty student_id")
            if not _ID.match(sid):
                raise RosterError(f"{path.name}, line {line}: student_id {sid!r} must be "
                                  "letters, digits and . _ @ - (it names a folder)")
            if sid in seen:
                raise RosterError(f"{path.name}, line {line}: student_id {sid!r} is also on "
                                  f"line {seen[sid]}")
            seen[sid] = line
            students.append(Student(**{c: row.get(c, "") for c in COLUMNS}))
    if not students:
        raise RosterError(f"{path.name}: the roster lists no student")
    return students
