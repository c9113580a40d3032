"""Run the optional benchmarks other parts contribute: ``bench_check.py`` and ``bench_grade.py``.

Contract for those files (both optional; a missing file is reported as absent):

* preferred: a function ``run() -> dict`` returning JSON-serializable results, e.g.
  ``{"latency_ms": {"median": 3.1, "p95": 4.0}, "n": 200}``;
* otherwise the module is executed as ``python -m benchmarks.<name>`` in a subprocess
  (timeout :data:`TIMEOUT` s) and its output is kept; if the last line of stdout is a
  JSON object it is stored as the result.

A failure never stops the runner: the error is recorded in the results instead.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TIMEOUT = 300


def _last_json_line(text: str) -> Any:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if lines:
        try:
            return json.loads(lines[-1])
        except ValueError:
            return None
    return None


def run_optional(name: str) -> dict[str, Any]:
    """Run ``benchmarks/<name>.py`` if present; return ``{"status": ..., "result"/"error": ..., "seconds": ...}``."""
    if not (HERE / f"{name}.py").exists():
        return {"status": "absent"}
    t0 = time.perf_counter()
    try:
        module = importlib.import_module(f"benchmarks.{name}")
        if callable(getattr(module, "run", None)):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                result = module.run()
            json.dumps(result)  # must be storable
            return {"status": "ok", "result": result, "stdout": out.getvalue()[-2000:], "seconds": time.perf_counter() - t0}
        proc = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent, capture_output=True, text=True, timeout=TIMEOUT
        )
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
        return {
            "status": status,
            "result": _last_json_line(proc.stdout),
            "stdout": proc.stdout[-2000:],
            "stderr": proc.stderr[-2000:],
            "seconds": time.perf_counter() - t0,
        }
    except Exception as exc:  # noqa: BLE001 - a contributed benchmark must not break the runner
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - t0}
