"""Job backends: inline, threads, and a Dask cluster give the same results."""
from __future__ import annotations

import pytest

import nbfactory as f
from conftest import FAST
from nnlib.grade.parallel import map_jobs
from nnlib.grade.runner import grade_folder


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("jobs", [1, 3])
def test_map_jobs_returns_every_result_once(jobs):
    got = dict(map_jobs(_square, [(i,) for i in range(7)], jobs=jobs, progress=False))
    assert got == {i: i * i for i in range(7)}


def test_map_jobs_rejects_bad_jobs():
    with pytest.raises(ValueError, match="jobs"):
        list(map_jobs(_square, [(1,)], jobs=0))


def test_dask_cluster_grades_like_local(tmp_path, bank):
    distributed = pytest.importorskip("distributed", reason="optional extra nnlib[dask]")
    f.write(tmp_path / "subs", "ann", f.GOOD)
    f.write(tmp_path / "subs", "ben", f.STUB)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = grade_folder(tmp_path / "subs", tmp_path / "dask", bank, FAST,
                              dask=cluster.scheduler_address, progress=False)
    local = grade_folder(tmp_path / "subs", tmp_path / "local", bank, FAST, progress=False)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in remote]
    assert strip == [{k: v for k, v in r.items() if k != "seconds"} for r in local]
    assert ((tmp_path / "dask" / "gradebook.csv").read_bytes()
            == (tmp_path / "local" / "gradebook.csv").read_bytes())
