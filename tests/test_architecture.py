"""The layering of docs/ARCHITECTURE.md: core never loads the teaching or grading machinery.

Each import runs in a fresh interpreter, so modules loaded by other tests don't hide a
violation.
"""
import json
import subprocess
import sys

import pytest

FORBIDDEN = {
    "nnlib": ["nnlib.check", "nnlib.course", "nnlib.grade", "sympy", "matplotlib"],
    "nnlib.check": ["nnlib.course", "nnlib.grade"],
    "nnlib.datasets": ["nnlib.check", "nnlib.course", "nnlib.grade"],
    "nnlib.course": ["nnlib.grade"],
}


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_module_does_not_load_higher_layers(module):
    loaded = _loaded_after_import(module)
    leaked = [m for m in FORBIDDEN[module] if m in loaded or any(k.startswith(m + ".") for k in loaded)]
    assert not leaked, f"importing {module} loads {leaked}"
