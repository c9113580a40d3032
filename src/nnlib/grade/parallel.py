"""Running grading jobs: inline (``jobs=1``), in N threads (``--jobs N``: each thread
drives its own sandboxed kernel process, where the real work happens), or on a Dask
cluster (``--dask tls://host:port``, optional extra ``nnlib[dask]``).

A Dask scheduler must be reached over TLS (``tls://``, with the certificates of Dask's
configuration, ``distributed.comm.tls.*``: scheduler, workers and client authenticate each
other), or be in this process (``inproc://``). A plain ``tcp://`` address is refused: anyone
who can reach it could run code on the workers. Every job a worker runs is the same
``grade_submission`` as a local job, so it goes through the same sandbox (a kernel's
network namespace has no route to the scheduler or anything else).

Every backend runs the same picklable job function on each argument tuple and yields
``(index, result)`` as jobs finish, under a tqdm progress bar.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Sequence

from tqdm import tqdm


def map_jobs(fn: Callable[..., Any], args: Sequence[tuple], jobs: int = 1,
             dask: str | None = None, progress: bool = True) -> Iterator[tuple[int, Any]]:
    """Yield ``(i, fn(*args[i]))`` for every i, in completion order.

    Raises
    ------
    ValueError
        If ``jobs < 1``.
    ImportError
        If ``dask`` is given but ``distributed`` is not installed.
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    bar = tqdm(total=len(args), desc="grading", unit="nb", disable=not progress or not args)
    try:
        if dask:
            source = _dask(fn, args, dask)
        elif jobs == 1 or len(args) <= 1:
            source = ((i, fn(*a)) for i, a in enumerate(args))
        else:
            source = _pool(fn, args, jobs)
        for item in source:
            bar.update(1)
            yield item
    finally:
        bar.close()


def _pool(fn: Callable[..., Any], args: Sequence[tuple], jobs: int) -> Iterator[tuple[int, Any]]:
    with ThreadPoolExecutor(max_workers=min(jobs, len(args)), thread_name_prefix="grade") as pool:
        futures = {pool.submit(fn, *a): i for i, a in enumerate(args)}
        for future in as_completed(futures):
            yield futures[future], future.result()


SAFE_DASK_SCHEMES = ("tls", "inproc")


def check_dask_address(address: str) -> None:
    """Refuse a Dask address whose connections are not authenticated (see module doc).

    Raises
    ------
    ValueError
        For ``tcp://``, ``ws://``, ... or an address without a scheme.
    """
    scheme = address.split("://", 1)[0] if "://" in address else ""
    if scheme not in SAFE_DASK_SCHEMES:
        raise ValueError(f"--dask {address}: the scheduler must use TLS (tls://host:port, with "
                         "certificates in Dask's configuration distributed.comm.tls.*); an "
                         "unauthenticated tcp:// scheduler lets anyone who reaches it run code "
                         "on the workers")


def _dask(fn: Callable[..., Any], args: Sequence[tuple], address: str) -> Iterator[tuple[int, Any]]:
    check_dask_address(address)
    try:
        from distributed import Client
    except ImportError:
        raise ImportError("--dask needs the optional extra: pip install 'nnlib[dask]'") from None
    with Client(address, set_as_default=False) as client:
        futures = [client.submit(fn, *a, pure=False) for a in args]
        for i, future in enumerate(futures):      # all run at once; collected in order
            yield i, future.result()
