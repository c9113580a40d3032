"""A description of the machine a benchmark ran on (stored next to the numbers)."""
from __future__ import annotations

import os
import platform
from typing import Any

import numpy as np


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else ``platform.processor()``."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_pools() -> list[dict[str, Any]]:
    """threadpoolctl's view of the loaded BLAS/OpenMP libraries ([] without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("user_api", "internal_api", "version", "num_threads", "architecture", "filepath")
    return [{k: pool.get(k) for k in keys} for pool in threadpool_info()]


def numpy_blas_threads() -> int | None:
    """Threads of numpy's BLAS (threadpoolctl), or None if unknown."""
    for pool in blas_pools():
        if pool["user_api"] == "blas" and "numpy" in str(pool["filepath"]):
            return int(pool["num_threads"])
    return None


#: Environment variables that change BLAS/OpenMP threading and so the timings.
THREAD_ENV = ("OPENBLAS_THREAD_TIMEOUT", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS")


def simd_flags() -> list[str]:
    """The vector-instruction flags of the CPU that BLAS kernels use (Linux /proc/cpuinfo)."""
    wanted = {"avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx_vnni", "amx_tile"}
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return sorted(wanted & set(line.split(":", 1)[1].split()))
    except OSError:
        pass
    return []


def describe() -> dict[str, Any]:
    """CPU model, logical/physical cores, Python, numpy and its BLAS, torch and its threads."""
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    info: dict[str, Any] = {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": physical,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {}),
        "thread_pools": blas_pools(),
        "simd": simd_flags(),
        "env": {k: os.environ.get(k) for k in THREAD_ENV},
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["torch_blas"] = torch.backends.mkl.is_available() and "MKL" or "other"
    except ImportError:
        info["torch"] = None
    return info


def summary(info: dict[str, Any] | None = None) -> str:
    """A few lines for the head of a test or benchmark run: CPU, numpy's BLAS and threads, torch."""
    info = describe() if info is None else info
    blas = [p for p in info["thread_pools"] if p["user_api"] == "blas"]
    blas_text = "; ".join(
        f"{p['internal_api']} {p['version']} ({p['architecture']} kernel, {p['num_threads']} threads)" for p in blas
    ) or f"{info['numpy_blas'].get('name', 'unknown')} (threads unknown: threadpoolctl missing)"
    torch_text = (f"torch {info['torch']} ({info['torch_threads']} threads)" if info["torch"] else "torch not installed")
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items() if v is not None) or "none set"
    return (
        f"machine: {info['cpu_model']}, {info['logical_cores']} logical cores, SIMD {' '.join(info['simd']) or '-'}\n"
        f"numpy {info['numpy']}, BLAS: {blas_text}\n"
        f"{torch_text}; thread variables: {env}"
    )


if __name__ == "__main__":
    print(summary())
