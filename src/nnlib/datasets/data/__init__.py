"""Package data of :mod:`nnlib.datasets` (a package only so that setuptools ships the files)."""
