"""Fixtures of the grader tests: the fixture bank (lesson 90) and fast limits."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nnlib.grade.bank import load_grader_bank
from nnlib.grade.job import Settings
from nnlib.grade.sandbox import Limits

from nbfactory import BANK

# Short limits keep the hostile tests fast (a notebook runs in ~1 s on an idle machine),
# with headroom for a loaded 2-core CI machine: the infinite loop still has to hit them.
FAST = Settings(timeout=30, limits=Limits(memory_mb=1536, cpu_s=60), code_timeout=15)


@pytest.fixture(scope="session")
def bank():
    """The grader's fixture bank (questions 90.1-90.3)."""
    return load_grader_bank(BANK)


@pytest.fixture
def private_bank(tmp_path: Path) -> Path:
    """A copy of the fixture bank outside the repository, as an instructor would keep it."""
    target = tmp_path / "private" / "90_grading_fixture.toml"
    target.parent.mkdir()
    shutil.copy(BANK / "90_grading_fixture.toml", target)
    return target
