"""The installed package cannot be shadowed by a folder named nnlib in the current directory.

A newcomer who clones the repository as ``nnlib/`` and runs Python from the folder above sees
that clone as a namespace package ``nnlib`` (it has no __init__.py), with its ``course/`` folder
of notebooks as ``nnlib.course``. The package lives in ``src/nnlib`` (src layout): an editable
install (`make setup`) puts ``src/`` on sys.path, where ``nnlib`` is a regular package, and a
regular package wins over a namespace portion; a non-editable install (docs/HOSTING.md) is in
site-packages, which wins the same way.
"""
import subprocess
import sys
from pathlib import Path

import nnlib


def test_a_clone_named_nnlib_in_the_current_directory_does_not_shadow_the_package(tmp_path):
    clone = tmp_path / "nnlib"  # what `git clone <repo>` makes, seen from its parent folder
    (clone / "course").mkdir(parents=True)
    (clone / "README.md").write_text("a clone\n")
    code = "import nnlib, nnlib.course.compare; print(nnlib.__file__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"import from the clone's parent folder failed:\n{done.stderr[-2000:]}"
    assert Path(done.stdout.strip()) == Path(nnlib.__file__), done.stdout
