"""Job backends: inline, threads, and a Dask cluster give the same results."""
from __future__ import annotations

import shutil
import subprocess

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


def _tls_files(folder):
    """A self-signed certificate (its own CA) and key, made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=nnlib-grade-test"],
                   check=True, capture_output=True)
    return str(cert), str(key)


def test_dask_needs_tls(tmp_path, bank):
    f.write(tmp_path / "subs", "ann", f.GOOD)
    with pytest.raises(ValueError, match="must use TLS"):
        grade_folder(tmp_path / "subs", tmp_path / "out", bank, FAST,
                     dask="tcp://127.0.0.1:8786", progress=False)
    assert not (tmp_path / "out").exists()


def test_dask_cluster_over_tls_grades_like_local(tmp_path, bank):
    distributed = pytest.importorskip("distributed", reason="optional extra nnlib[dask]")
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command makes the test certificate")
    import dask
    from distributed.security import Security

    cert, key = _tls_files(tmp_path)
    (tmp_path / "other").mkdir()
    other_cert, other_key = _tls_files(tmp_path / "other")      # a certificate nobody trusts
    security = Security(tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key,
                        tls_scheduler_cert=cert, tls_scheduler_key=key, tls_worker_cert=cert,
                        tls_worker_key=key, require_encryption=True)
    f.write(tmp_path / "subs", "ann", f.GOOD)
    f.write(tmp_path / "subs", "ben", f.STUB)
    config = {"distributed.comm.tls.ca-file": cert, "distributed.comm.tls.client.cert": cert,
              "distributed.comm.tls.client.key": key}
    # a worker in a process of its own (daemonic, started by its nanny), as on a real cluster
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  protocol="tls://", host="127.0.0.1", security=security,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://")
        stranger = Security(tls_ca_file=other_cert, tls_client_cert=other_cert,
                            tls_client_key=other_key, require_encryption=True)
        with pytest.raises(OSError):                  # TimeoutError/CommClosedError: refused
            distributed.Client(address, timeout=5, security=stranger, set_as_default=False)
        with dask.config.set(config):
            remote = grade_folder(tmp_path / "subs", tmp_path / "dask", bank, FAST,
                                  dask=address, progress=False)
    local = grade_folder(tmp_path / "subs", tmp_path / "local", bank, FAST, progress=False)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in remote]
    assert strip == [{k: v for k, v in r.items() if k != "seconds"} for r in local]
    assert ((tmp_path / "dask" / "gradebook.csv").read_bytes()
            == (tmp_path / "local" / "gradebook.csv").read_bytes())
