"""Shared pytest configuration: hypothesis profiles and the optional PyTorch oracle."""
import os

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def torch():
    """The PyTorch module, or a clean skip where the optional `oracle` extra is missing."""
    return pytest.importorskip("torch", reason="PyTorch oracle not installed (pip install nnlib[oracle])")
