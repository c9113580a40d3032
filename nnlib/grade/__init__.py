"""nnlib.grade: the instructor's grading command ``nnlib-grade``.

Modules, one job each: ``discover`` (find submissions, unpack zips), ``load`` (read a
notebook defensively), ``sandbox`` (limits, Landlock, uid drop, kill), ``execute`` (run
a notebook in a sandboxed kernel), ``extract`` (answer values out of the kernel),
``regrade`` (re-check with the grader's bank), ``code_runner`` (code exercises in a
separate sandboxed process), ``job`` (one submission + cache), ``parallel`` (threads /
Dask), ``report`` (gradebook, LMS summary, feedback, report, histogram), ``runner``
(a whole folder), ``cli``.
"""
from .runner import grade_folder

__all__ = ["grade_folder"]
